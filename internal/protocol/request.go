// Package protocol is the operation table and dispatcher shared by every
// service, with the codecs of AWS's wire protocols: query+XML (IAM, STS),
// REST-JSON (Lambda), JSON 1.0/1.1 (DynamoDB, CloudWatch Logs). S3's REST-XML
// routing is S3's own, but it dispatches through the same Dispatcher.
//
// Every operation goes the same way: decode → the declared authorization
// (one check on the resource the operation names, a check per item, or none
// with a stated reason) through Authorizer.Authorize, the one door → handle
// → encode. Operations are built only with Define (or DefineRouted), which
// refuses one that does not declare its authorization. A handler never
// evaluates policies itself; secondary checks (iam:PassRole, s3:ListBucket for
// NoSuchKey) call the same Authorizer through Request.Authorize.
package protocol

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/sigv4"
)

// Request is one authenticated API call on its way through a service.
type Request struct {
	HTTP *http.Request
	// ID is the request id clients show in errors (x-amzn-RequestId); the
	// decision log is keyed by it.
	ID string
	// Service is the signing name from the credential scope (iam, sts,
	// lambda, s3, dynamodb, logs).
	Service string
	// Region is the region the request was signed for; regional resources
	// are served there.
	Region string
	// Caller is the verified identity. Nil only for unauthenticated entry
	// points (function URLs with AuthType NONE).
	Caller *authz.Caller
	// Signature is the verified SigV4 signature. S3 needs it to check the
	// chunk signatures of aws-chunked bodies, which it reads as streams.
	Signature *sigv4.Result
	// Body is the whole request body for protocols that buffer it.
	Body []byte
	// Stream is the service's BodyStream that took the body, if any; what
	// it left in Body is its own affair (see BodyStreamer).
	Stream BodyStream
	// Params holds the query protocol's parameters (form body and URL
	// query); for other protocols it is the URL query.
	Params url.Values
	// Path holds REST path parameters, already unescaped.
	Path map[string]string
	// Context carries the request's condition keys. The server fills the
	// global ones (aws:SourceIp, aws:CurrentTime, aws:SecureTransport, ...);
	// an operation's target step adds service keys before authorization.
	Context *policy.Context
	// Now is the request's time, from the server's injectable clock.
	Now time.Time

	authz Authorizer
	deny  awserr.Code
	// checks counts the authorizations made for this request, so that a
	// per-item operation that authorized nothing is caught.
	checks int
}

// Account is the caller's account: where the caller's own regional
// resources live.
func (r *Request) Account() string {
	if r.Caller == nil {
		return ""
	}
	return r.Caller.Principal.Account
}

// Authorize runs a secondary check through the same door as the dispatcher,
// for handlers that must test a second action (iam:PassRole on
// CreateFunction, s3:ListBucket before NoSuchKey). Denials come back as the
// service's AccessDenied error.
func (r *Request) Authorize(ctx context.Context, action string, t Target, keys *policy.Context) error {
	if keys == nil {
		keys = r.Context
	}
	r.checks++
	return r.authz.Authorize(ctx, &authz.Check{
		RequestID:       r.ID,
		Caller:          r.Caller,
		Action:          action,
		Resource:        t.Resource,
		ResourceAccount: t.Account,
		ResourceName:    t.Name,
		ResourcePolicy:  t.Policy,
		Context:         keys,
		Deny:            r.deny,
	})
}

// AuthorizeAs runs a check for a caller other than the request's: the
// service principal a service acts as (lambda.amazonaws.com assuming an
// execution role, s3.amazonaws.com invoking a function). It goes through the
// same door and the same decision log.
func (r *Request) AuthorizeAs(ctx context.Context, caller *authz.Caller, action string, t Target, keys *policy.Context) error {
	r.checks++
	return r.authz.Authorize(ctx, &authz.Check{
		RequestID:       r.ID,
		Caller:          caller,
		Action:          action,
		Resource:        t.Resource,
		ResourceAccount: t.Account,
		ResourceName:    t.Name,
		ResourcePolicy:  t.Policy,
		Context:         keys,
		Deny:            r.deny,
	})
}

// Bind attaches the authorizer and the service's AccessDenied code to r.
// Services that route requests themselves (S3) call it before Dispatch.
func (r *Request) Bind(a Authorizer, deny awserr.Code) {
	r.authz, r.deny = a, deny
}
