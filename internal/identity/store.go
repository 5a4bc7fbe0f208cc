// Package identity is IAM's identity store as the rest of seki reads it:
// the stored users, groups, roles and customer managed policies, the
// catalogue of AWS managed policies, and the lookups authorization makes on
// every request. It resolves an access key to the calling principal (Key,
// Caller), a principal to its identity policies and permissions boundary
// (Policies), and a role ARN to its trust policy (RoleByARN). Those run on
// every request, so they are served from in-memory caches; every write made
// through Write clears them after it commits, and a lookup that raced with a
// write is not cached.
//
// The IAM API (internal/iam) writes through this store; the door, STS and
// the other services read through it and never import the IAM API. The
// schema (tables prefixed iam_) stays registered by internal/iam's
// Migrations; this package reads it. New reads nothing: entities are loaded
// when first asked for.
package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/seki-dev/seki/internal/store"
)

// Options configure a Store.
type Options struct {
	// Now is the clock expiry checks use; nil means time.Now.
	Now func() time.Time
}

// Store is IAM's identity store. It is safe for concurrent use.
type Store struct {
	db      *store.DB
	now     func() time.Time
	catalog *catalog
	cache   cache
}

// New returns a Store over db, which must have been opened with IAM's
// migrations. It does no I/O.
func New(db *store.DB, opts Options) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("identity: nil store")
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Store{db: db, now: now, catalog: cat}
	s.cache.init()
	return s, nil
}

// DB is the database the store reads.
func (s *Store) DB() *store.DB { return s.db }

// Clock returns the current time as IAM reports it: UTC, whole seconds.
func (s *Store) Clock() time.Time {
	return s.now().UTC().Truncate(time.Second)
}

// Write runs fn in one write transaction and, once it has committed, clears
// the caches, so that no request after the write sees what it replaced.
func (s *Store) Write(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := s.db.Write(ctx, fn); err != nil {
		return err
	}
	s.cache.invalidate()
	return nil
}

// Read runs fn in a read transaction.
func (s *Store) Read(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.db.Read(ctx, fn)
}

// AWSManaged lists the catalogue's AWS managed policies, sorted by name.
func (s *Store) AWSManaged() []*ManagedEntry { return s.catalog.sorted }
