// Package sts is seki's Security Token Service: AssumeRole (the role's trust
// policy decided by the one door), GetSessionToken and GetCallerIdentity over
// the query protocol, and the temporary credentials (ASIA… keys) those
// operations hand out. The sessions are kept in the store, so they survive a
// restart, and in memory, because SigV4 resolves a key on every request.
//
// The Lambda runtime assumes execution roles through AssumeRoleForService,
// which passes the same door as the lambda.amazonaws.com service principal.
package sts

import (
	"context"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// API version and XML namespace of every STS response.
const (
	Version = "2011-06-15"
	XMLNS   = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// RoleInfo is what STS needs to know about an IAM role.
type RoleInfo struct {
	// ARN is the role's ARN including its path: arn:aws:iam::A:role/path/R.
	ARN     string
	RoleID  string // "AROA…"
	Name    string
	Path    string
	Account string
	// Trust is the role's trust policy (Kind Trust).
	Trust *policy.Policy
	// MaxSessionDuration is in seconds (3600–43200); 0 means 3600.
	MaxSessionDuration int
	Tags               map[string]string
}

// Roles is the part of IAM that STS uses. The server wires IAM in.
type Roles interface {
	// RoleByARN returns the role named by arn, or ok=false when there is
	// none. err is for failures, not for a missing role.
	RoleByARN(ctx context.Context, arn string) (role RoleInfo, ok bool, err error)
	// ManagedPolicy returns the default version of a managed policy
	// (customer managed or arn:aws:iam::aws:policy/…), or ok=false when
	// there is none.
	ManagedPolicy(ctx context.Context, arn string) (p *policy.Policy, ok bool, err error)
}

// Authorizer is the one door; *authz.Authorizer implements it.
type Authorizer interface {
	Authorize(ctx context.Context, c *authz.Check) error
}

// Options configure a Service.
type Options struct {
	// Now is the clock sessions are issued and expired by; nil means
	// time.Now.
	Now func() time.Time
	// Region is the server's default region. STS ARNs are global, so it is
	// only informational today.
	Region string
	// Authz is the door AssumeRoleForService goes through. When nil, the
	// Dispatcher's authorizer passed to Handler is used.
	Authz Authorizer
	// Providers resolves OpenID Connect providers and their signing keys
	// for AssumeRoleWithWebIdentity; nil refuses every token.
	Providers Providers
	// SAML resolves IAM SAML providers for AssumeRoleWithSAML; nil
	// refuses every assertion.
	SAML SAMLProviders
}

// Service is the STS service. It is safe for concurrent use.
type Service struct {
	db        *store.DB
	roles     Roles
	providers Providers
	saml      SAMLProviders
	now       func() time.Time

	mu    sync.RWMutex
	authz Authorizer
	cache map[string]*session // by access key id
	// lastPrune is when expired sessions were last removed.
	lastPrune time.Time
}

// New returns the STS service keeping its sessions in db (opened with
// Migrations) and reading roles and managed policies from roles.
func New(db *store.DB, roles Roles, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, roles: roles, providers: opts.Providers, saml: opts.SAML, now: now, authz: opts.Authz, cache: map[string]*session{}}
}

// Handler returns the STS query-protocol endpoint, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *protocol.Query {
	return &protocol.Query{
		Dispatcher: d,
		Version:    Version,
		XMLNS:      XMLNS,
		Ops: protocol.Table(
			protocol.Define(protocol.Spec[struct{}]{
				Name:   "GetCallerIdentity",
				Auth:   protocol.None[struct{}]("any caller may ask who it is; no policy can deny it"),
				Handle: s.getCallerIdentity,
			}),
			protocol.Define(protocol.Spec[*assumeState]{
				Name:   "AssumeRole",
				Decode: s.prepareAssumeRole,
				Auth: protocol.Check("sts:AssumeRole", func(_ context.Context, _ *protocol.Request, st *assumeState) (protocol.Target, error) {
					return st.target, nil
				}),
				Handle: s.assumeRole,
			}),
			protocol.Define(protocol.Spec[struct{}]{
				Name: "GetSessionToken",
				// "You cannot use policies to control authentication
				// operations" (IAM User Guide, Permissions for
				// GetSessionToken).
				Auth:   protocol.None[struct{}]("an authentication operation; policies cannot control it"),
				Handle: s.getSessionToken,
			}),
			s.webIdentityOp(),
			s.samlOp(),
			s.federationOp(),
		),
	}
}

// Error codes STS answers with, each declared once.
var (
	errAccessDenied = authz.AccessDenied
)
