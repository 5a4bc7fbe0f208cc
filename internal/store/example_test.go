package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/seki-dev/seki/internal/store"
)

// A service declares its schema as numbered migrations, writes through
// Write, reads through Read, and keeps content in Blobs.
func Example() {
	dir, _ := os.MkdirTemp("", "seki-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	migrations := []store.Migration{
		{Component: "iam", Version: 1, SQL: `
			CREATE TABLE users (
				account TEXT NOT NULL,
				name    TEXT NOT NULL COLLATE NOCASE, -- Alice and alice collide
				id      TEXT NOT NULL,
				PRIMARY KEY (account, name)) WITHOUT ROWID`},
	}
	db, err := store.Open(ctx, dir, migrations)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	create := func(name string) error {
		return db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(`INSERT INTO users (account, name, id) VALUES (?, ?, ?)`,
				"000000000000", name, "AIDA"+strings.ToUpper(name))
			if store.IsUniqueViolation(err) {
				return fmt.Errorf("EntityAlreadyExists: User with name %s already exists.", name)
			}
			return err
		})
	}
	fmt.Println(create("Alice"))
	fmt.Println(create("alice"))

	var id string
	err = db.Read(ctx, func(q *store.Tx) error {
		return q.QueryRow(`SELECT id FROM users WHERE account = ? AND name = ?`, "000000000000", "ALICE").Scan(&id)
	})
	fmt.Println(id, err)
	err = db.Read(ctx, func(q *store.Tx) error {
		return q.QueryRow(`SELECT id FROM users WHERE account = ? AND name = ?`, "000000000000", "bob").Scan(&id)
	})
	fmt.Println(errors.Is(err, sql.ErrNoRows))

	info, _ := db.Blobs().Put("lambda/fn-1/code.zip", strings.NewReader("PK..."))
	fmt.Println(info.Size, info.MD5)
	// Output:
	// <nil>
	// EntityAlreadyExists: User with name alice already exists.
	// AIDAALICE <nil>
	// true
	// 5 dbc2c508d85b5920b4b3ea0a468f1f8c
}
