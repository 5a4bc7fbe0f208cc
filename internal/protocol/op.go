package protocol

import (
	"context"
	"fmt"
	"net/http"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
)

// Op is one row of a service's operation table. It can only be built with
// Define (or DefineRouted), which refuses an operation that does not
// declare how it is authorized.
type Op struct {
	Name string

	auth authDecl
	run  func(ctx context.Context, r *Request) (any, error)
}

// AuthKind is how an operation is authorized.
type AuthKind int

const (
	authUnset AuthKind = iota
	// AuthCheck: one check through the door before the handler runs.
	AuthCheck
	// AuthPerItem: the handler checks each item through Request.Authorize
	// (BatchGetItem, DeleteObjects). An operation of this kind that
	// succeeds without a single check is refused as an internal error.
	AuthPerItem
	// AuthNone: the operation needs no permission (sts:GetCallerIdentity);
	// the declaration carries the reason.
	AuthNone
)

func (k AuthKind) String() string {
	switch k {
	case AuthCheck:
		return "check"
	case AuthPerItem:
		return "per-item"
	case AuthNone:
		return "none"
	}
	return "unset"
}

type authDecl struct {
	kind   AuthKind
	action string
	reason string
}

// Auth declares how an operation with input In is authorized: exactly one
// of Check, PerItem or None.
type Auth[In any] struct {
	authDecl
	target func(ctx context.Context, r *Request, in In) (Target, error)
}

// Check authorizes action on the resource target names before the handler
// runs. A nil target means the resource "*" with no resource policy. target
// must not fail because the resource is missing: AWS authorizes first, so a
// caller without permission learns nothing about existence; the handler
// reports the missing resource.
func Check[In any](action string, target func(ctx context.Context, r *Request, in In) (Target, error)) Auth[In] {
	return Auth[In]{authDecl: authDecl{kind: AuthCheck, action: action}, target: target}
}

// PerItem declares that the handler authorizes each item itself; reason says
// why one check up front does not fit.
func PerItem[In any](reason string) Auth[In] {
	return Auth[In]{authDecl: authDecl{kind: AuthPerItem, reason: reason}}
}

// None declares that the operation needs no permission; reason says why.
func None[In any](reason string) Auth[In] {
	return Auth[In]{authDecl: authDecl{kind: AuthNone, reason: reason}}
}

// Spec is an operation before Define checks it: its input is decoded once,
// and the compiler carries it from Decode to the target and the handler.
type Spec[In any] struct {
	Name string
	// Decode reads and validates the input. Nil means In's zero value.
	// Validation errors come back before authorization, as AWS validates
	// requests before it authorizes them.
	Decode func(ctx context.Context, r *Request) (In, error)
	// Auth is required.
	Auth Auth[In]
	// Handle performs the operation. Its result is encoded by the protocol;
	// a Responder writes itself.
	Handle func(ctx context.Context, r *Request, in In) (any, error)
}

// Define builds an operation. It panics when the operation has no name, no
// handler, or no declared authorization, so that a table that forgets one
// fails when the service is built, not when a request slips through.
func Define[In any](s Spec[In]) *Op {
	run := check(s)
	decode := s.Decode
	return &Op{Name: s.Name, auth: s.Auth.authDecl, run: func(ctx context.Context, r *Request) (any, error) {
		var in In
		if decode != nil {
			var err error
			if in, err = decode(ctx, r); err != nil {
				return nil, err
			}
		}
		return run(ctx, r, in)
	}}
}

// Routed is an operation whose input its service's router decodes: S3 must
// read the bucket and key from the path or the Host to choose the operation
// at all, so it hands them to the operation rather than decoding twice.
type Routed[In any] struct {
	op  Op
	run func(ctx context.Context, r *Request, in In) (any, error)
}

// DefineRouted builds a routed operation, checked as Define checks one; its
// Spec has no Decode.
func DefineRouted[In any](s Spec[In]) *Routed[In] {
	if s.Decode != nil {
		panic("protocol: routed operation " + s.Name + " has a decoder")
	}
	run := check(s)
	o := &Routed[In]{run: run}
	o.op = Op{Name: s.Name, auth: s.Auth.authDecl, run: func(context.Context, *Request) (any, error) {
		return nil, awserr.Internal.Errorf(msgRoutedNoInputFmt, s.Name)
	}}
	return o
}

// Op is the operation as a table row: its name and authorization.
func (o *Routed[In]) Op() *Op { return &o.op }

// DispatchRouted authorizes op for r and runs its handler on in.
func DispatchRouted[In any](ctx context.Context, d *Dispatcher, r *Request, op *Routed[In], in In) (any, error) {
	r.Bind(d.Authz, d.Deny)
	return op.run(ctx, r, in)
}

// check validates s and returns what runs once the input is decoded: the
// declared authorization, then the handler.
func check[In any](s Spec[In]) func(ctx context.Context, r *Request, in In) (any, error) {
	if s.Name == "" {
		panic("protocol: an operation without a name")
	}
	if s.Handle == nil {
		panic("protocol: operation " + s.Name + " has no handler")
	}
	switch s.Auth.kind {
	case AuthCheck:
		if s.Auth.action == "" {
			panic("protocol: operation " + s.Name + " checks no action")
		}
	case AuthPerItem, AuthNone:
		if s.Auth.reason == "" {
			panic(fmt.Sprintf("protocol: operation %s is authorized %s without a stated reason", s.Name, s.Auth.kind))
		}
	default:
		panic("protocol: operation " + s.Name + " declares no authorization")
	}
	auth, handle, name := s.Auth, s.Handle, s.Name
	return func(ctx context.Context, r *Request, in In) (any, error) {
		switch auth.kind {
		case AuthCheck:
			t := Target{Resource: "*"}
			if auth.target != nil {
				var err error
				if t, err = auth.target(ctx, r, in); err != nil {
					return nil, err
				}
			}
			if err := r.Authorize(ctx, auth.action, t, nil); err != nil {
				return nil, err
			}
		case AuthPerItem:
			before := r.checks
			res, err := handle(ctx, r, in)
			if err == nil && r.checks == before {
				return nil, awserr.Internal.Errorf(msgNoItemAuthorizedFmt, name)
			}
			return res, err
		}
		return handle(ctx, r, in)
	}
}

// Authorization reports how op is authorized: its kind, the action of a
// single check, and the stated reason of the other kinds.
func (op *Op) Authorization() (kind AuthKind, action, reason string) {
	return op.auth.kind, op.auth.action, op.auth.reason
}

// Target is what an operation acts on.
type Target struct {
	// Resource is the ARN authorized ("*" for account-wide actions).
	Resource string
	// Account owns the resource; empty means the account in Resource, or the
	// caller's when Resource carries none.
	Account string
	// Policy is the resource's resource-based policy, nil when it has none.
	Policy *policy.Policy
	// Name is how AWS names the resource in this operation's AccessDenied
	// message when not by its ARN (IAM: "user bob", "role r"); empty means
	// the ARN.
	Name string
}

// Authorizer is the one door; *authz.Authorizer implements it.
type Authorizer interface {
	Authorize(ctx context.Context, c *authz.Check) error
}

// Responder is a result that writes its own response: raw payloads, custom
// headers, streamed bodies.
type Responder interface {
	Respond(w http.ResponseWriter, r *Request)
}

// Dispatcher runs operations through the door. Each service protocol embeds
// one.
type Dispatcher struct {
	Authz Authorizer
	// Deny is the service's AccessDenied code (AccessDenied 403 for IAM, STS
	// and S3; AccessDeniedException 403 for Lambda, 400 for DynamoDB/Logs).
	Deny awserr.Code
}

// Dispatch authorizes op for r and runs its handler.
func (d *Dispatcher) Dispatch(ctx context.Context, r *Request, op *Op) (any, error) {
	r.Bind(d.Authz, d.Deny)
	if op.run == nil {
		// The zero Op: not built with Define.
		return nil, awserr.Internal.Errorf(msgNotDefinedFmt, op.Name)
	}
	return op.run(ctx, r)
}

// Table indexes ops by name. It panics on a duplicate name, so that two rows
// for one operation fail when the service is built.
func Table(ops ...*Op) map[string]*Op {
	m := make(map[string]*Op, len(ops))
	for _, o := range ops {
		if _, dup := m[o.Name]; dup {
			panic("protocol: operation " + o.Name + " is defined twice")
		}
		m[o.Name] = o
	}
	return m
}

// prepared is an input with the resource it is authorized on.
type prepared[In any] struct {
	in     In
	target Target
}

// DefineChecked builds an operation authorized by one check of action, for
// services whose validation names the resource as it goes (CloudWatch Logs,
// DynamoDB): prepare decodes and validates the input and returns the target
// with it. It is Define with Check, the two steps joined.
func DefineChecked[In any](name, action string,
	prepare func(ctx context.Context, r *Request) (In, Target, error),
	handle func(ctx context.Context, r *Request, in In) (any, error)) *Op {
	return Define(Spec[prepared[In]]{
		Name: name,
		Decode: func(ctx context.Context, r *Request) (prepared[In], error) {
			in, t, err := prepare(ctx, r)
			return prepared[In]{in, t}, err
		},
		Auth: Check(action, func(_ context.Context, _ *Request, p prepared[In]) (Target, error) {
			return p.target, nil
		}),
		Handle: func(ctx context.Context, r *Request, p prepared[In]) (any, error) {
			return handle(ctx, r, p.in)
		},
	})
}

// Lister is a service endpoint that lists its operations, so that the
// server (and the test that walks every operation through the door) can
// enumerate them.
type Lister interface {
	Operations() []*Op
}

// Operations lists the query service's operations.
func (q *Query) Operations() []*Op { return values(q.Ops) }

// Operations lists the JSON service's operations.
func (j *JSON) Operations() []*Op { return values(j.Ops) }

// Operations lists the REST-JSON service's operations, each once.
func (s *RESTJSON) Operations() []*Op {
	var out []*Op
	seen := map[*Op]bool{}
	for _, rt := range s.Routes {
		if !seen[rt.Op] {
			seen[rt.Op] = true
			out = append(out, rt.Op)
		}
	}
	return out
}

func values(m map[string]*Op) []*Op {
	out := make([]*Op, 0, len(m))
	for _, o := range m {
		out = append(out, o)
	}
	return out
}
