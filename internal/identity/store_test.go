package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/iam"
	"github.com/seki-dev/seki/internal/identity"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/store"
)

// The store resolves a key from a real SQLite file, serves it from its
// cache afterwards (a write that bypasses Write is not seen), and forgets
// it once Write commits.
func TestStoreKeyCacheClearedOnWrite(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir(), iam.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids, err := identity.New(db, identity.Options{Now: func() time.Time { return time.Unix(1e9, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	api, err := iam.New(iam.Options{Identity: ids})
	if err != nil {
		t.Fatal(err)
	}
	const account, akid, secret = "123456789012", "AKIAROOT000000000001", "s3cr3t"
	if err := api.EnsureAccount(ctx, account, akid, secret); err != nil {
		t.Fatal(err)
	}

	k, ok := ids.Key(akid)
	if !ok || k.Secret != secret {
		t.Fatalf("Key(%s) = %+v, %v; want the root secret", akid, k, ok)
	}
	c, err := ids.Caller(ctx, akid)
	if err != nil {
		t.Fatal(err)
	}
	if c.Principal.Type != policy.Root || c.Principal.ARN != "arn:aws:iam::"+account+":root" {
		t.Fatalf("caller %+v, want the account's root", c.Principal)
	}

	deactivate := func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE iam_access_keys SET status = 'Inactive' WHERE akid = ?`, akid)
		return err
	}
	// Behind the store's back: the cached key still resolves, which is
	// what makes the next step a test of Write.
	if err := db.Write(ctx, deactivate); err != nil {
		t.Fatal(err)
	}
	if _, ok := ids.Key(akid); !ok {
		t.Fatal("key not served from the cache after a write that bypassed the store")
	}
	// Through the store: the cache is cleared once the write commits.
	if err := ids.Write(ctx, deactivate); err != nil {
		t.Fatal(err)
	}
	if _, ok := ids.Key(akid); ok {
		t.Fatal("inactive key still resolves after Write")
	}
	if _, err := ids.Caller(ctx, akid); err == nil {
		t.Fatal("Caller accepted an inactive key after Write")
	}
}

// A role created through the store resolves by ARN; a missing one is IAM's
// NoSuchEntity.
func TestStoreRoleByARN(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir(), iam.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids, err := identity.New(db, identity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::123456789012:role/svc/Exec"
	var e *awserr.Error
	if _, err := ids.RoleByARN(ctx, arn); !errors.As(err, &e) || e.Code != "NoSuchEntity" {
		t.Fatalf("RoleByARN of a missing role: %v, want NoSuchEntity", err)
	}
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	err = ids.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO iam_roles (id, account, name, name_lc, path, created, trust, max_session) VALUES ('AROAEXEC', '123456789012', 'Exec', 'exec', '/svc/', '2024-01-01T00:00:00Z', ?, 3600)`, trust)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := ids.RoleByARN(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if r.ARN != arn || r.RoleID != "AROAEXEC" || r.Trust == nil || r.MaxSessionDuration != 3600 {
		t.Fatalf("role %+v", r)
	}
	// The path is part of the ARN: the same name under another path is not it.
	if _, err := ids.RoleByARN(ctx, "arn:aws:iam::123456789012:role/Exec"); err == nil {
		t.Fatal("RoleByARN ignored the path")
	}
}
