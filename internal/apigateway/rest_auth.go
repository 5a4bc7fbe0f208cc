package apigateway

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/policy"
)

// Who may call a REST API's method, as the Developer Guide's "How API
// Gateway resource policies affect authorization workflow" describes it.
// Every decision is the door's, for execute-api:Invoke on the method's ARN
// (API_ID/STAGE/METHOD/PATH, the path as called), with the API's resource
// policy as the resource policy:
//
//   - NONE with a resource policy: the caller is anonymous, so the resource
//     policy alone decides (a statement with Principal "*" must allow);
//     without one, anyone may call.
//   - AWS_IAM: the call must be SigV4-signed for execute-api in the API's
//     region (unsigned: 403 Missing Authentication Token; a bad signature:
//     AWS's 403 text). The door then evaluates the caller as IAM evaluates
//     any resource with a resource policy: in the API's account, the
//     caller's identity policies or the resource policy may allow; from
//     another account, both must; an explicit deny in either refuses.
//
// A refusal is 403 {"Message":"User: … is not authorized to perform:
// execute-api:Invoke on resource: …"}, the API owner's account shown
// masked, as AWS shows it.

// anonymousCaller is the caller of a method with authorization NONE.
var anonymousCaller = &authz.Caller{Principal: policy.Principal{Type: policy.Anonymous}}

// authorizeRest decides whether c's caller may call its method. When it
// may not, the answer has been written and ok is false.
func (s *Service) authorizeRest(c *restCall) (*authorization, bool) {
	_, callers := s.parts()
	a := c.a
	if c.m.AuthorizationType == "CUSTOM" {
		// The Lambda authorizer decides (authorizer_rest.go).
		return s.authorizeRestLambda(c)
	}
	if c.m.AuthorizationType != "AWS_IAM" && a.policy == nil {
		return &authorization{}, true
	}
	if callers == nil || s.door == nil {
		restAnswer(c.w, http.StatusInternalServerError, "", bodyRestInternal)
		return nil, false
	}
	ctx := c.r.Context()
	keys := callers.Conditions(c.r, c.now, a.Region)
	auth := &authorization{}
	caller := anonymousCaller
	if c.m.AuthorizationType == "AWS_IAM" {
		signed, body, err := callers.Authenticate(ctx, c.r, executeAPIService, a.Region, keys)
		if err != nil {
			restAuthFailed(c.w, err)
			return nil, false
		}
		caller = signed
		auth = &authorization{caller: signed, body: body, read: true}
	}
	err := s.door.Authorize(ctx, &authz.Check{
		RequestID: c.reqID, Caller: caller, Action: "execute-api:Invoke", Resource: c.methodARN(),
		ResourcePolicy: a.policy, Context: keys, Deny: AccessDenied,
	})
	if err != nil {
		restDenied(c.w, caller, c.methodARN(), err)
		return nil, false
	}
	return auth, true
}

// restAuthFailed answers a call of an AWS_IAM method whose signature did
// not pass: unsigned is Missing Authentication Token, a bad signature or
// an unknown key is 403 with AWS's text.
func restAuthFailed(w http.ResponseWriter, err error) {
	e := awserr.As(err)
	switch {
	case e.Status >= 500:
		restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
	case e.Message == "Forbidden":
		// Nothing signed: what an unknown route answers, too.
		restAnswer(w, http.StatusForbidden, typeMissingToken, bodyMissingToken)
	case strings.Contains(e.Code, "Unrecognized") || strings.Contains(e.Code, "InvalidClientTokenId"):
		restAnswer(w, http.StatusForbidden, typeUnrecognizedClient, messageJSON("message", e.Message))
	default:
		restAnswer(w, http.StatusForbidden, typeInvalidSignature, messageJSON("message", e.Message))
	}
}

// restDenied answers the door's refusal of execute-api:Invoke.
func restDenied(w http.ResponseWriter, caller *authz.Caller, methodARN string, err error) {
	var d *authz.Denied
	if e := awserr.As(err); e.Status != http.StatusForbidden || !errors.As(err, &d) {
		restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
		return
	}
	who := "anonymous"
	if caller.Principal.Type != policy.Anonymous && caller.Principal.ARN != "" {
		who = caller.Principal.ARN
	}
	msg := fmt.Sprintf(msgExecuteDenied, who, maskAccount(methodARN))
	if d.Decision.Result == policy.ExplicitlyDenied {
		msg += msgExplicitDenySuffix
	}
	restAnswer(w, http.StatusForbidden, typeAccessDenied, messageJSON("Message", msg))
}

// maskAccount shows an ARN's account as AWS shows it in API Gateway's
// denials: eight asterisks and its last four digits.
func maskAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || len(parts[4]) < 4 {
		return arn
	}
	parts[4] = "********" + parts[4][len(parts[4])-4:]
	return strings.Join(parts, ":")
}

// messageJSON is {"key":"text"}.
func messageJSON(key, text string) string {
	b := append([]byte{'{'}, jsonstr.Append(nil, key)...)
	b = append(b, ':')
	b = jsonstr.Append(b, text)
	return string(append(b, '}'))
}
