package policy

import (
	"strconv"

	"github.com/seki-dev/seki/internal/jsonstr"
)

// Request is one authorization question: may Principal perform Action on
// Resource, given the condition keys in Context?
type Request struct {
	Principal *Principal
	Action    string // "lambda:InvokeFunction"
	Resource  string // ARN
	// ResourceAccount owns the resource; "" means the account in the
	// Resource ARN, or the principal's account when the ARN has none (S3).
	ResourceAccount string
	Context         *Context
}

// Set is every policy that applies to one request.
type Set struct {
	Identity []*Policy // the user's inline, managed and group policies, or the role's
	Boundary *Policy   // permissions boundary; nil when none
	// Session holds the session policies (inline and managed) of a session
	// created with them; nil or empty when the principal is not such a session.
	Session  []*Policy
	Resource *Policy // resource policy, or the trust policy (Kind Trust) for sts:AssumeRole*; nil when none
	// SCPs holds the principal account's SCPs per level, root first,
	// account last; nil when the account is not in an organization (or is
	// its management account). Every level needs an SCP that allows, so an
	// empty level denies. Not applied to service principals or anonymous
	// callers.
	SCPs [][]*Policy
	// RCPs holds the resource account's RCPs per level like SCPs. AWS
	// attaches RCPFullAWSAccess at every level and it cannot be detached,
	// so only Deny statements in RCPs can change a decision.
	RCPs [][]*Policy
}

// Result is the outcome of an evaluation.
type Result uint8

// The three outcomes AWS distinguishes.
const (
	ImplicitlyDenied Result = iota // nothing allowed the request
	Allowed                        // allowed
	ExplicitlyDenied               // a Deny statement applied
)

// String returns "Allowed", "ImplicitlyDenied" or "ExplicitlyDenied".
func (r Result) String() string {
	switch r {
	case Allowed:
		return "Allowed"
	case ExplicitlyDenied:
		return "ExplicitlyDenied"
	}
	return "ImplicitlyDenied"
}

// MarshalText encodes r as its String form.
func (r Result) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (r *Result) UnmarshalText(b []byte) error {
	switch string(b) {
	case "Allowed":
		*r = Allowed
	case "ImplicitlyDenied":
		*r = ImplicitlyDenied
	case "ExplicitlyDenied":
		*r = ExplicitlyDenied
	default:
		return &SyntaxError{Message: "unknown decision " + string(b)}
	}
	return nil
}

// Decision is the compact answer of Evaluate: the result and the part of
// the evaluation that decided it.
//
//   - ExplicitlyDenied: By is the kind of policy holding the Deny, Policy and
//     Statement locate it.
//   - ImplicitlyDenied: By is the part that lacked an Allow (Identity for "no
//     identity-based policy allows", Resource, Boundary, Session, SCP, RCP);
//     Policy is nil and Statement is -1.
//   - Allowed: By is the part whose Allow granted the request (Resource when
//     the resource policy alone was enough, Identity otherwise); Policy and
//     Statement locate that Allow, or are nil/-1 for the root user's implicit
//     permission.
type Decision struct {
	Result    Result
	By        Kind
	Policy    *Policy
	Statement int
}

// MarshalJSON encodes the decision as
// {"result":"Allowed","by":"resource","policy":"name","statement":0,"sid":"x"},
// leaving out policy, statement and sid when no statement decided.
func (d Decision) MarshalJSON() ([]byte, error) {
	b := []byte(`{"result":`)
	b = jsonstr.Append(b, d.Result.String())
	b = append(b, `,"by":`...)
	b = jsonstr.Append(b, d.By.String())
	if d.Policy != nil && d.Statement >= 0 {
		b = append(b, `,"policy":`...)
		b = jsonstr.Append(b, policyLabel(d.Policy, d.By))
		b = append(b, `,"statement":`...)
		b = strconv.AppendInt(b, int64(d.Statement), 10)
		if sid := d.Policy.Sid(d.Statement); sid != "" {
			b = append(b, `,"sid":`...)
			b = jsonstr.Append(b, sid)
		}
	}
	return append(b, '}'), nil
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Result == Allowed }

// Message returns the text of AWS's AccessDenied error for req, or "" when
// the request is allowed.
func (d Decision) Message(req *Request) string {
	if d.Result == Allowed {
		return ""
	}
	who := "anonymous"
	if req.Principal != nil && req.Principal.Type != Anonymous && req.Principal.ARN != "" {
		who = req.Principal.ARN
	}
	msg := "User: " + who + " is not authorized to perform: " + req.Action + " on resource: " + req.Resource
	if d.Result == ExplicitlyDenied {
		return msg + " with an explicit deny in " + article(d.By.describe())
	}
	return msg + " because no " + d.By.describe() + " allows the " + req.Action + " action"
}

func article(s string) string {
	if s == "role trust policy" {
		// A role has exactly one trust policy: "in the role trust policy".
		return "the " + s
	}
	switch s[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + s
	}
	return "a " + s
}
