// Package authz is the one door every request passes: it gathers the
// policies that apply to a call (the caller's identity policies, boundary and
// session policies, the resource's policy), asks the policy engine, records
// the decision, and turns a denial into the service's AccessDenied error with
// AWS's message.
package authz

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
)

// Caller is a verified identity: who signed the request. A Caller must not
// change once it has been authorized: the decision log reads its principal
// after the decision (callers are cached per credential and shared by
// concurrent requests anyway).
type Caller struct {
	Principal policy.Principal
	// AccessKeyID is the key the request was signed with.
	AccessKeyID string
	// SessionPolicies are the policies passed when a role session was made
	// (AssumeRole Policy and PolicyArns); nil when none were passed.
	SessionPolicies []*policy.Policy
}

// Check is one authorization question.
type Check struct {
	// RequestID keys the decision log.
	RequestID string
	Caller    *Caller
	Action    string
	Resource  string
	// ResourceAccount owns the resource; empty means the account in the ARN,
	// or the caller's own when the ARN carries none ("*", S3 buckets).
	ResourceAccount string
	// ResourceName is how AWS names the resource in this action's
	// AccessDenied message when that is not its ARN (IAM says "user bob" for
	// iam:GetUser); empty means the ARN.
	ResourceName string
	// ResourcePolicy is the resource-based policy, nil when there is none.
	ResourcePolicy *policy.Policy
	// Identity, when not nil, are the caller's identity policies as the
	// request brings them, in place of IAM's: the policy a Lambda
	// authorizer returns for the caller it named to API Gateway.
	Identity []*policy.Policy
	// Context carries the request's condition keys.
	Context *policy.Context
	// Deny is the code a denial is reported with; the zero value means
	// AccessDenied with status 403.
	Deny awserr.Code
}

// Identities supplies the identity side of a principal as it stands now:
// identity policies (a user's own, its groups' and attached managed
// policies; a role's for its sessions) and the permissions boundary. IAM
// implements it; results may be cached slices that callers must not modify.
type Identities interface {
	Policies(ctx context.Context, p *policy.Principal) (identity []*policy.Policy, boundary *policy.Policy, err error)
}

// Generational is implemented by Identities whose answers change only when
// their generation does (identity.Store: every write moves it, after the
// write). The door then keeps a principal's policies between requests
// until the generation moves, instead of asking each time.
type Generational interface {
	Generation() uint64
}

// Recorder keeps decisions for `seki explain`.
type Recorder interface {
	Record(e *Entry)
}

// Authorizer answers Checks.
type Authorizer struct {
	ids  Identities
	gens Generational // ids, when it has generations
	rec  Recorder
	log  *Log // rec, when it is the decision log
	// known holds recent principals' policies by generation, read by
	// every request and written when a principal's are fetched.
	known [knownSize]atomic.Pointer[knownPolicies]
}

// knownSize is the size of Authorizer.known (a power of two).
const knownSize = 256

// knownPolicies are a principal's identity policies and boundary as the
// Identities gave them in generation gen.
type knownPolicies struct {
	gen                           uint64
	typ                           policy.PrincipalType
	arn, account, userID, roleARN string
	identity                      []*policy.Policy
	boundary                      *policy.Policy
}

// New returns an Authorizer resolving identities through ids and recording
// every decision in rec (which may be nil).
func New(ids Identities, rec Recorder) *Authorizer {
	a := &Authorizer{ids: ids, rec: rec}
	a.log, _ = rec.(*Log)
	a.gens, _ = ids.(Generational)
	return a
}

// policies returns p's identity policies and boundary, from known while the
// generation has not moved.
func (a *Authorizer) policies(ctx context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	if a.gens == nil {
		return a.ids.Policies(ctx, p)
	}
	gen := a.gens.Generation()
	e := &a.known[caseIndex(p.UserID)&(knownSize-1)]
	if k := e.Load(); k != nil && k.gen == gen && k.typ == p.Type && same(k.userID, p.UserID) &&
		same(k.account, p.Account) && same(k.roleARN, p.RoleARN) && same(k.arn, p.ARN) {
		return k.identity, k.boundary, nil
	}
	// Read before asking: policies fetched while a write lands are kept
	// under the older generation, and so asked for again.
	identity, boundary, err := a.ids.Policies(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	e.Store(&knownPolicies{gen: gen, typ: p.Type, arn: p.ARN, account: p.Account, userID: p.UserID, roleARN: p.RoleARN,
		identity: identity, boundary: boundary})
	return identity, boundary, nil
}

// Denied is the cause carried by an AccessDenied error: the decision and the
// request it answered, for tests and for the decision log.
type Denied struct {
	Request  policy.Request
	Decision policy.Decision
}

func (d *Denied) Error() string { return d.Decision.Message(&d.Request) }

// Authorize returns nil when c is allowed, and otherwise an *awserr.Error
// with c.Deny's code, AWS's message and a *Denied cause.
func (a *Authorizer) Authorize(ctx context.Context, c *Check) error {
	if c.Caller == nil {
		return awserr.Internal.New(msgNoCaller)
	}
	req := policy.Request{
		Principal:       &c.Caller.Principal,
		Action:          c.Action,
		Resource:        c.Resource,
		ResourceAccount: c.ResourceAccount,
		Context:         c.Context,
	}
	// A resource ARN without an account (S3's, "*") is the caller's own:
	// the engine reads it so when ResourceAccount is empty, and so does a
	// recorded decision's explanation; only denials, which name it, fill it
	// in.
	set := policy.Set{Resource: c.ResourcePolicy, Session: c.Caller.SessionPolicies}
	if c.Identity != nil {
		set.Identity = c.Identity
	} else if needsIdentity(c.Caller.Principal.Type) && a.ids != nil {
		var err error
		set.Identity, set.Boundary, err = a.policies(ctx, &c.Caller.Principal)
		if err != nil {
			return err
		}
	}
	d := policy.Evaluate(&req, &set)
	if !d.Allowed() && req.ResourceAccount == "" && !hasAccount(c.Resource) {
		req.ResourceAccount = c.Caller.Principal.Account
	}
	rule := ""
	if !d.Allowed() && d.By == policy.Resource {
		if rule = ownerRule(&req); rule != "" {
			d = policy.Decision{Result: policy.Allowed, By: policy.Resource, Statement: -1}
		}
	}
	msg := ""
	if !d.Allowed() {
		msg = message(&req, c.ResourceName, d)
	}
	if a.rec != nil {
		a.record(c, &req, &set, d, msg, rule)
	}
	if d.Allowed() {
		return nil
	}
	code := c.Deny
	if code.Name == "" {
		code = AccessDenied
	}
	e := code.New(msg)
	e.Cause = &Denied{Request: req, Decision: d}
	return e
}

// ownerRootActions are the actions the root user of the resource's account
// may perform even when the resource's policy denies them. S3 documents it
// for the bucket policy operations, so that owners cannot lock themselves
// out of their buckets; only VPC endpoint policies and Organizations
// policies can still block them (DeleteBucketPolicy in the S3 API
// Reference, https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html).
// So the rule overrides a denial by the resource policy only.
var ownerRootActions = map[string]bool{
	"s3:GetBucketPolicy":    true,
	"s3:PutBucketPolicy":    true,
	"s3:DeleteBucketPolicy": true,
}

// ownerRule returns the rule that allows req although the resource policy
// denies it, or "" when none does.
func ownerRule(req *policy.Request) string {
	p := req.Principal
	if !ownerRootActions[req.Action] || p.Type != policy.Root || p.Account != req.ResourceAccount {
		return ""
	}
	return "the rule that the root user of the bucket owner's account may always use " + req.Action + ", whatever the bucket policy says"
}

// source: unconfirmed the text AssumeRoleWithWebIdentity callers (GitHub Actions among them) commonly report: "Not authorized to perform sts:AssumeRoleWithWebIdentity"
const msgWebIdentityDenied = "Not authorized to perform "

// message is AWS's AccessDenied text, naming the resource as the service
// does.
func message(req *policy.Request, name string, d policy.Decision) string {
	if req.Principal != nil && req.Principal.Type == policy.WebIdentity {
		// STS names neither the caller nor the role to a web identity.
		return msgWebIdentityDenied + req.Action
	}
	lower := strings.HasPrefix(req.Action, "sqs:")
	if name == "" && !lower {
		return d.Message(req)
	}
	shown := *req
	if name != "" {
		shown.Resource = name
	}
	if lower {
		// SQS names the action in lower case ("sqs:sendmessage", also
		// for SendMessageBatch), as real AccessDenied answers quoted in
		// aws/serverless-application-model#3633 and microsoft/aspire#3333
		// show.
		shown.Action = strings.ToLower(req.Action)
	}
	return d.Message(&shown)
}

// needsIdentity reports whether a principal type has identity policies.
// Root is allowed by identity in its own account, service principals are
// judged by resource policies only, and anonymous callers have no identity.
func needsIdentity(t policy.PrincipalType) bool {
	switch t {
	case policy.User, policy.AssumedRole, policy.FederatedUser:
		return true
	}
	return false
}

// hasAccount reports whether an ARN names an account (its fifth field).
func hasAccount(arn string) bool {
	rest := arn
	for range 4 {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
	}
	return rest != "" && rest[0] != ':'
}
