package store

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsUniqueViolation reports whether err comes from a UNIQUE or PRIMARY KEY
// constraint, so that a service can turn an INSERT that collided into its
// own "already exists" error without a separate existence check. (A
// COLLATE NOCASE unique index gives case-insensitive names this way.)
func IsUniqueViolation(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// IsForeignKeyViolation reports whether err comes from a FOREIGN KEY
// constraint (for instance deleting a row others still refer to).
func IsForeignKeyViolation(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// sqliteCode is SQLite's extended result code carried by err, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}
