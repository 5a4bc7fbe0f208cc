package protocol

import (
	"context"
	"net/http"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
)

// Op is one row of a service's operation table: the IAM action it needs, how
// to name the resource it touches, and the handler.
type Op struct {
	Name string
	// Action is the IAM action authorized before Handle runs. Empty means the
	// operation needs no permission (sts:GetCallerIdentity).
	Action string
	// Target names the resource and its resource-based policy, and may add
	// service condition keys to r.Context. Nil means the resource is "*"
	// with no resource policy. Target must not fail because the resource is
	// missing: AWS authorizes first, so a caller without permission learns
	// nothing about existence; Handle reports the missing resource.
	Target func(ctx context.Context, r *Request) (Target, error)
	// Handle performs the operation. Its result is encoded by the protocol;
	// a Responder writes itself.
	Handle func(ctx context.Context, r *Request) (any, error)
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
	if op.Action != "" {
		t := Target{Resource: "*"}
		if op.Target != nil {
			var err error
			if t, err = op.Target(ctx, r); err != nil {
				return nil, err
			}
		}
		if err := r.Authorize(ctx, op.Action, t, nil); err != nil {
			return nil, err
		}
	}
	return op.Handle(ctx, r)
}
