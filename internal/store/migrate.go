package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Migration is one schema step of one component (a service such as "iam").
// Each component's migrations are numbered 1, 2, 3, … without gaps; Open
// applies those not yet recorded in the schema_migrations table, in version
// order, and records each with the time it was applied. SQL may hold several
// statements; it must not BEGIN or COMMIT (Open wraps it in a transaction)
// and cannot change PRAGMA foreign_keys (SQLite ignores that inside one).
//
// A migration, once released, is never edited: add a new version instead.
type Migration struct {
	Component string
	Version   int
	SQL       string
}

// MigrationError reports the migration that failed during Open. Nothing of
// that Open's migrations is kept: they all run in one transaction, so the
// database stays at the schema it had before.
type MigrationError struct {
	Component string
	Version   int
	Err       error
}

func (e *MigrationError) Error() string {
	return fmt.Sprintf("store: migration %s v%d failed: %v", e.Component, e.Version, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }

// ErrSchemaTooNew is returned (wrapped) by Open when the database holds
// migrations of a component beyond the ones this binary knows: it was written
// by a newer seki, and an older one must not guess at its schema.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	component  TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	applied_at TEXT    NOT NULL,
	PRIMARY KEY (component, version)
) WITHOUT ROWID`

// validateMigrations checks the list before anything touches the disk, so
// that a programming mistake fails Open with a clear message.
func validateMigrations(ms []Migration) error {
	byComp := map[string][]int{}
	for _, m := range ms {
		if m.Component == "" {
			return fmt.Errorf("store: migration v%d has no component", m.Version)
		}
		if m.Version < 1 {
			return fmt.Errorf("store: migration %s v%d: versions start at 1", m.Component, m.Version)
		}
		if m.SQL == "" {
			return fmt.Errorf("store: migration %s v%d has no SQL", m.Component, m.Version)
		}
		byComp[m.Component] = append(byComp[m.Component], m.Version)
	}
	for comp, vs := range byComp {
		slices.Sort(vs)
		for i, v := range vs {
			if v != i+1 {
				if i > 0 && vs[i-1] == v {
					return fmt.Errorf("store: migration %s v%d is declared twice", comp, v)
				}
				return fmt.Errorf("store: migrations of %s must be numbered 1..n without gaps; v%d is missing", comp, i+1)
			}
		}
	}
	return nil
}

// migrate applies the pending migrations in one write transaction.
// Components are applied in the order they first appear in ms, each in
// version order. The work is one small query plus the pending steps: nothing
// proportional to the data.
func (db *DB) migrate(ctx context.Context, ms []Migration) error {
	return db.writer.run(ctx, true, func(tx *Tx) error {
		sc := tx.c.sc
		if _, err := sc.ExecContext(ctx, createMigrationsTable); err != nil {
			return fmt.Errorf("store: create schema_migrations: %w", err)
		}
		current := map[string]int{}
		rows, err := sc.QueryContext(ctx, `SELECT component, MAX(version) FROM schema_migrations GROUP BY component`)
		if err != nil {
			return fmt.Errorf("store: read schema_migrations: %w", err)
		}
		for rows.Next() {
			var comp string
			var v int
			if err := rows.Scan(&comp, &v); err != nil {
				rows.Close()
				return fmt.Errorf("store: read schema_migrations: %w", err)
			}
			current[comp] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: read schema_migrations: %w", err)
		}

		var order []string
		byComp := map[string][]Migration{}
		for _, m := range ms {
			if _, ok := byComp[m.Component]; !ok {
				order = append(order, m.Component)
			}
			byComp[m.Component] = append(byComp[m.Component], m)
		}
		for _, comp := range order {
			steps := byComp[comp]
			slices.SortFunc(steps, func(a, b Migration) int { return a.Version - b.Version })
			have := current[comp]
			if have > len(steps) {
				return fmt.Errorf("store: component %s is at schema v%d, this binary knows v%d: %w",
					comp, have, len(steps), ErrSchemaTooNew)
			}
			for _, m := range steps[have:] {
				if _, err := sc.ExecContext(ctx, m.SQL); err != nil {
					return &MigrationError{Component: m.Component, Version: m.Version, Err: err}
				}
				if _, err := sc.ExecContext(ctx,
					`INSERT INTO schema_migrations (component, version, applied_at)
					 VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
					m.Component, m.Version); err != nil {
					return &MigrationError{Component: m.Component, Version: m.Version, Err: err}
				}
			}
		}
		return nil
	})
}
