package apigateway

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
)

// Calling a REST API: /_seki/execute-api/API_ID/STAGE/PATH (or the host
// form) runs the method the stage's deployment has for PATH.
//
//   - The stage names a deployment; the deployment's frozen resource tree,
//     not the live one, decides which resource and method answer. No
//     matching resource or method is 403 Missing Authentication Token, as
//     REST APIs answer an unknown route.
//   - The method's authorization (NONE or AWS_IAM) and the API's resource
//     policy decide whether the caller may call it (rest_auth.go).
//   - An AWS_PROXY integration invokes its function through Lambda's door
//     as apigateway.amazonaws.com, with aws:SourceArn
//     arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/RESOURCE_PATH
//     (the resource path as defined, "/items/{id}"); a refusal is 500
//     Internal server error, as AWS reports it to the caller. The event is
//     format 1.0 (event_v1.go), and the function's answer is mapped back
//     as REST APIs map it: an unusable answer or a function error is 502.
//
// Every decision is logged under the request id the caller receives in
// x-amzn-RequestId, so `seki explain` shows which layer refused.

// Roles assumes a role as apigateway.amazonaws.com, through the door (the
// role's trust policy decides): a REST integration's credentials, with
// which API Gateway invokes the function instead of as itself. The server
// adapts STS.
type Roles interface {
	RoleCaller(ctx context.Context, requestID, roleARN, session string) (*authz.Caller, error)
}

// credentialsSession is the session name of an integration's role
// (unconfirmed: the name CloudTrail shows for API Gateway's AssumeRole of
// integration credentials).
const credentialsSession = "BackplaneAssumeRoleSession"

// restCall is one call of a REST API being served.
type restCall struct {
	w     http.ResponseWriter
	r     *http.Request
	a     *restAPI
	now   time.Time
	reqID string
	stage *restStage
	dep   *restDeployment
	node  *routeNode
	m     *restMethod
	// path is the called path after the stage ("/items/1"), as sent.
	path   string
	params map[string]string
}

// serveRest answers a call of REST API a; rest is "/STAGE/PATH".
func (s *Service) serveRest(w http.ResponseWriter, r *http.Request, a *restAPI, rest string) {
	c := &restCall{w: w, r: r, a: a, now: s.now(), reqID: s.newID()}
	h := w.Header()
	h.Set("x-amzn-RequestId", c.reqID)
	h.Set("x-amz-apigw-id", c.reqID[:min(len(c.reqID), 16)])

	stageName, path, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	c.stage = a.stage(stageName)
	if c.stage != nil {
		c.dep = a.deployment(c.stage.DeploymentID)
	}
	if c.dep == nil {
		restAnswer(w, http.StatusForbidden, typeAccessDenied, bodyRestForbidden)
		return
	}
	c.path = "/" + path
	c.node, c.m, c.params = c.dep.routes.match(c.path, r.Method)
	if c.m == nil {
		restAnswer(w, http.StatusForbidden, typeMissingToken, bodyMissingToken)
		return
	}

	auth, ok := s.authorizeRest(c)
	if !ok {
		return
	}
	body := auth.body
	if !auth.read {
		var err error
		if body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1)); err != nil {
			restAnswer(w, http.StatusBadRequest, "", bodyRestInternal)
			return
		}
	}
	if len(body) > maxBody {
		restAnswer(w, http.StatusRequestEntityTooLarge, "", bodyTooLarge)
		return
	}

	ig := c.m.Integration
	switch {
	case ig == nil || ig.Type == "AWS_PROXY" && ig.function == "":
		restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
		return
	case ig.Type == "MOCK":
		// seki does not render mapping templates: a MOCK integration
		// answers 200 with nothing.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	case ig.HTTPMethod != http.MethodPost:
		// Lambda is invoked with POST; any other method fails as AWS's
		// does (test_lambda_aws_proxy_integration_non_post_method).
		restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
		return
	}

	s.mu.RLock()
	fn := s.fn
	s.mu.RUnlock()
	if fn == nil {
		restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
		return
	}
	caller := apigatewayCaller
	if ig.Credentials != "" {
		// The integration's role invokes the function: its identity
		// policy, not a permission for API Gateway, must allow it.
		if s.roles == nil {
			restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
			return
		}
		role, err := s.roles.RoleCaller(r.Context(), c.reqID, ig.Credentials, credentialsSession)
		if err != nil {
			restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
			return
		}
		caller = role
	}
	keys := policy.NewContext(2)
	keys.Set("aws:SourceArn", c.sourceARN())
	keys.Set("aws:SourceAccount", a.Account)
	out, err := fn.InvokeAs(r.Context(), &lambda.InvokeAsInput{
		RequestID: c.reqID, Caller: caller, FunctionARN: ig.function, Context: keys,
		Payload: c.event(body, auth), InvocationType: "RequestResponse",
	})
	if err != nil {
		// A refused permission, a missing function: the caller learns only
		// that the integration failed; the decision log knows why.
		restAnswer(w, http.StatusInternalServerError, "", bodyRestInternal)
		return
	}
	if out.Result == nil || out.Result.FunctionError != "" {
		restAnswer(w, http.StatusBadGateway, "", bodyRestInternal)
		return
	}
	if !WriteResult1(w, out.Result.Payload, false) {
		restAnswer(w, http.StatusBadGateway, "", bodyRestInternal)
	}
}

// event is the format 1.0 event of c.
func (c *restCall) event(body []byte, auth *authorization) []byte {
	r, a := c.r, c.a
	trace := r.Header.Get("X-Amzn-Trace-Id")
	if trace == "" {
		trace = funcurl.NewTraceID(c.now)
	}
	// Leading slashes after the stage are not part of the path the
	// function sees; a trailing one is (test_lambda_aws_proxy_integration).
	path := "/" + strings.TrimLeft(c.path, "/")
	return AppendEvent1(make([]byte, 0, 1536+len(body)*4/3), &Event1{
		Request: r, Body: body, Resource: c.node.path, Path: path, StagePath: "/" + c.stage.Name + c.path,
		AccountID: a.Account, APIID: a.ID, ResourceID: c.node.res.ID, Stage: c.stage.Name, DeploymentID: c.dep.ID,
		DomainName: hostOnly(r.Host), DomainPrefix: a.ID, PathParameters: c.params, StageVariables: c.stage.Variables,
		RequestID: c.reqID, TraceID: trace, Now: c.now, Caller: auth.caller, Authorizer: auth.v1Authorizer(),
	})
}

// hostOnly is a Host header without its port.
func hostOnly(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		return host[:i]
	}
	return host
}

// sourceARN is the execute-api ARN API Gateway invokes the integration's
// function under: API_ID/STAGE/METHOD/RESOURCE_PATH, the resource path as
// defined ({id} and {proxy+} kept). An ANY method names the request's
// method (unconfirmed; a permission written with * for the method matches
// either way).
func (c *restCall) sourceARN() string {
	return c.a.executeARN() + "/" + c.stage.Name + "/" + c.r.Method + c.node.path
}

// methodARN is the execute-api ARN a call is authorized on:
// API_ID/STAGE/METHOD/PATH with the path as called (the Developer Guide's
// "Control access to an API with IAM permissions").
func (c *restCall) methodARN() string {
	return c.a.executeARN() + "/" + c.stage.Name + "/" + c.r.Method + "/" + strings.TrimLeft(c.path, "/")
}

// restAnswer writes one of a REST API's own answers, with its error type
// in x-amzn-ErrorType when there is one.
func restAnswer(w http.ResponseWriter, status int, errType, body string) {
	if errType != "" {
		w.Header().Set("x-amzn-ErrorType", errType)
	}
	answer(w, status, body)
}
