package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestMigrationsAppliedOnceInOrder(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	// Given out of order and interleaved across components.
	ms := []Migration{
		{Component: "b", Version: 2, SQL: "ALTER TABLE b ADD COLUMN extra TEXT"},
		{Component: "a", Version: 1, SQL: "CREATE TABLE a (id INTEGER PRIMARY KEY)"},
		{Component: "b", Version: 1, SQL: "CREATE TABLE b (id INTEGER PRIMARY KEY)"},
	}
	db, err := Open(ctx, dir, ms)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Reopen with one more step for "a": only that one runs (re-running the
	// CREATE TABLEs would fail).
	ms = append(ms, Migration{Component: "a", Version: 2, SQL: "CREATE INDEX a_id ON a(id)"})
	db = openTest(t, dir, ms)
	type rec struct {
		comp    string
		version int
		at      string
	}
	var got []rec
	if err := db.Read(ctx, func(q *Tx) error {
		rows, err := q.Query("SELECT component, version, applied_at FROM schema_migrations ORDER BY component, version")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r rec
			if err := rows.Scan(&r.comp, &r.version, &r.at); err != nil {
				return err
			}
			got = append(got, r)
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"a1", "a2", "b1", "b2"}
	if len(got) != len(want) {
		t.Fatalf("schema_migrations = %v", got)
	}
	for i, r := range got {
		if r.comp+string(rune('0'+r.version)) != want[i] || !strings.HasSuffix(r.at, "Z") {
			t.Errorf("row %d = %+v, want %s with a UTC timestamp", i, r, want[i])
		}
	}
	if err := db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec("INSERT INTO b (id, extra) VALUES (1, 'x')")
		return err
	}); err != nil {
		t.Fatalf("schema of b v2 missing: %v", err)
	}
}

func TestFailedMigrationRollsBackAndReports(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	good := []Migration{{Component: "iam", Version: 1, SQL: "CREATE TABLE users (id TEXT PRIMARY KEY)"}}
	db, err := Open(ctx, dir, good)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	bad := append(good,
		Migration{Component: "iam", Version: 2, SQL: "CREATE TABLE roles (id TEXT PRIMARY KEY)"},
		Migration{Component: "lambda", Version: 1, SQL: "CREATE TABLE functions (id TEXT PRIMARY KEY); CREATE TABLE oops (x REFERENCES"},
	)
	_, err = Open(ctx, dir, bad)
	var me *MigrationError
	if !errors.As(err, &me) || me.Component != "lambda" || me.Version != 1 {
		t.Fatalf("err = %v, want *MigrationError for lambda v1", err)
	}
	if !strings.Contains(err.Error(), "lambda v1") || !strings.Contains(err.Error(), "incomplete input") {
		t.Errorf("message %q should name the migration and SQLite's reason", err)
	}

	// Nothing of the failed Open is kept, and the lock was released.
	db = openTest(t, dir, good)
	var tables []string
	db.Read(ctx, func(q *Tx) error {
		rows, err := q.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			tables = append(tables, s)
		}
		return nil
	})
	if strings.Join(tables, ",") != "schema_migrations,users" {
		t.Fatalf("tables after failed migration: %v", tables)
	}
}

func TestSchemaTooNew(t *testing.T) {
	dir := t.TempDir()
	ms := []Migration{
		{Component: "s3", Version: 1, SQL: "CREATE TABLE buckets (name TEXT PRIMARY KEY)"},
		{Component: "s3", Version: 2, SQL: "CREATE TABLE objects (k TEXT PRIMARY KEY)"},
	}
	db, err := Open(context.Background(), dir, ms)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(context.Background(), dir, ms[:1])
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("older binary: %v, want ErrSchemaTooNew", err)
	}
}

func TestMigrationValidation(t *testing.T) {
	cases := map[string][]Migration{
		"no component": {{Version: 1, SQL: "SELECT 1"}},
		"version 0":    {{Component: "x", Version: 0, SQL: "SELECT 1"}},
		"empty SQL":    {{Component: "x", Version: 1}},
		"gap":          {{Component: "x", Version: 1, SQL: "SELECT 1"}, {Component: "x", Version: 3, SQL: "SELECT 1"}},
		"duplicate":    {{Component: "x", Version: 1, SQL: "SELECT 1"}, {Component: "x", Version: 1, SQL: "SELECT 2"}},
	}
	for name, ms := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if db, err := Open(context.Background(), dir, ms); err == nil {
				db.Close()
				t.Fatal("Open accepted invalid migrations")
			} else {
				t.Log(err)
			}
		})
	}
}
