// Package iam is seki's AWS Identity and Access Management service: accounts
// and their root credentials, users, groups, roles, access keys, inline and
// managed policies (including a catalogue of AWS managed policies), permission
// boundaries and tags, served over the IAM query protocol with AWS's response
// shapes and errors.
//
// The identity side of authorization (resolving access keys, principals'
// policies, roles) is internal/identity, which this package writes through:
// every write goes through identity.Store.Write, which clears its caches.
// This package keeps the API: handlers, validation, XML, and the schema
// (Migrations), which the identity store reads.
//
// All state lives in the store (tables prefixed iam_). New reads nothing.
package iam

import (
	"context"
	"fmt"
	"time"

	"github.com/seki-dev/seki/internal/identity"
	"github.com/seki-dev/seki/internal/store"
)

// Options configure a Service.
type Options struct {
	// Identity is the identity store the API writes through and reads
	// from; required. Its clock dates what the API creates.
	Identity *identity.Store
}

// Service is the IAM API. It is safe for concurrent use.
type Service struct {
	db *store.DB
	id *identity.Store
}

// New returns a Service over opts.Identity, whose database must have been
// opened with Migrations(). It does no I/O.
func New(opts Options) (*Service, error) {
	if opts.Identity == nil {
		return nil, fmt.Errorf("iam: nil identity store")
	}
	return &Service{db: opts.Identity.DB(), id: opts.Identity}, nil
}

// clock returns the current time as IAM reports it: UTC, whole seconds.
func (s *Service) clock() time.Time { return s.id.Clock() }

// write runs fn in one write transaction; the identity store clears its
// caches once it has committed.
func (s *Service) write(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.id.Write(ctx, fn)
}

// read runs fn in a read transaction.
func (s *Service) read(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.db.Read(ctx, fn)
}
