// Package iam is seki's AWS Identity and Access Management service: accounts
// and their root credentials, users, groups, roles, access keys, inline and
// managed policies (including a catalogue of AWS managed policies), permission
// boundaries and tags, served over the IAM query protocol with AWS's response
// shapes and errors.
//
// It is also the identity side of authorization: it resolves an access key to
// the calling principal (Key, Caller) and a principal to its identity policies
// and permissions boundary (Policies). Those run on every request, so they are
// served from in-memory caches; every write clears the caches it may affect,
// after it commits, and a lookup that raced with a write is not cached.
//
// All state lives in the store (tables prefixed iam_). New reads nothing:
// entities are loaded when first asked for, so startup does not grow with the
// number of IAM entities.
package iam

import (
	"context"
	"fmt"
	"time"

	"github.com/seki-dev/seki/internal/store"
)

// Options configure a Service.
type Options struct {
	// Now is the clock creation dates come from; nil means time.Now.
	Now func() time.Time
}

// Service is the IAM service. It is safe for concurrent use.
type Service struct {
	db      *store.DB
	now     func() time.Time
	catalog *catalog
	cache   cache
}

// New returns a Service over db, which must have been opened with
// Migrations(). It does no I/O.
func New(db *store.DB, opts Options) (*Service, error) {
	if db == nil {
		return nil, fmt.Errorf("iam: nil store")
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Service{db: db, now: now, catalog: cat}
	s.cache.init()
	return s, nil
}

// clock returns the current time as IAM reports it: UTC, whole seconds.
func (s *Service) clock() time.Time {
	return s.now().UTC().Truncate(time.Second)
}

// write runs fn in one write transaction and, once it has committed, clears
// the caches, so that no request after the write sees what it replaced.
func (s *Service) write(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := s.db.Write(ctx, fn); err != nil {
		return err
	}
	s.cache.invalidate()
	return nil
}

// read runs fn in a read transaction.
func (s *Service) read(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.db.Read(ctx, fn)
}
