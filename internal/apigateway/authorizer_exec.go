package apigateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
)

// What a route's authorization does to a call, before the integration runs
// (Developer Guide, "Control access to HTTP APIs with IAM authorization"
// and "Control access to HTTP APIs with AWS Lambda authorizers"):
//
//   - AWS_IAM: the call must be SigV4-signed for execute-api in the API's
//     region; the door judges its caller for execute-api:Invoke on
//     arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH by the
//     caller's identity policies. HTTP APIs have no resource policy, so a
//     caller of another account is refused however its own account's
//     policies read: AWS's knowledge center ("How do I provide cross-account
//     IAM authorization for API Gateway HTTP APIs?") has such callers assume
//     a role in the API's account.
//   - CUSTOM: the route's Lambda authorizer is invoked through the door as
//     apigateway.amazonaws.com with aws:SourceArn
//     arn:aws:execute-api:REGION:ACCOUNT:API_ID/authorizers/AUTHORIZER_ID; its
//     answer (a simple response, or an IAM policy) is then judged by the door
//     for execute-api:Invoke on the route's ARN, with the authorizer as the
//     principal and its answer as the identity policy, so `seki explain`
//     shows what the authorizer decided beside the function's own decision.

// executeAPIService is the signing name of calls to AWS_IAM routes.
const executeAPIService = "execute-api"

// authorization is what passing a route's authorization yields for the
// integration's event.
type authorization struct {
	caller *authz.Caller // AWS_IAM
	body   []byte        // read while verifying a signature
	read   bool
	// lambda is a Lambda authorizer's context, a JSON object.
	lambda      []byte
	principalID string
}

// call is one call of a route, as the authorization steps need it.
type call struct {
	r          *http.Request
	reqID      string
	now        time.Time
	a          *api
	rt         *route
	stage      string
	path       string // without the stage
	params     map[string]string
	routeARN   string // the execute-api ARN of this method and path
	conditions *policy.Context
}

// authorize runs rt's authorization. When it returns false it has answered
// the caller.
func (s *Service) authorize(w http.ResponseWriter, c *call) (*authorization, bool) {
	switch c.rt.AuthorizationType {
	case "AWS_IAM":
		return s.authorizeIAM(w, c)
	case "CUSTOM":
		return s.authorizeLambda(w, c)
	}
	return &authorization{}, true
}

// routeARN is the execute-api ARN a call is authorized on: the stage, the
// request's method and its path (AWS_IAM routes and Lambda authorizers'
// policies are written against it, "…/prod/GET/items/*").
func routeARN(a *api, stage, method, path string) string {
	return "arn:aws:execute-api:" + a.Region + ":" + a.Account + ":" + a.ID + "/" + stage + "/" + method + path
}

func (s *Service) parts() (Functions, Callers) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.fn, s.callers
}

func (s *Service) authorizeIAM(w http.ResponseWriter, c *call) (*authorization, bool) {
	_, callers := s.parts()
	if callers == nil || s.door == nil {
		answer(w, http.StatusInternalServerError, bodyInternal)
		return nil, false
	}
	ctx := c.r.Context()
	caller, body, err := callers.Authenticate(ctx, c.r, executeAPIService, c.a.Region, c.conditions)
	if err != nil {
		e := awserr.As(err)
		if e.Status == http.StatusForbidden && e.Message != "Forbidden" {
			// A bad signature: AWS's front end says what is wrong with it.
			answer(w, http.StatusForbidden, messageJSON("message", e.Message))
		} else if e.Status >= 500 {
			answer(w, http.StatusInternalServerError, bodyInternal)
		} else {
			answer(w, http.StatusForbidden, bodyForbidden)
		}
		return nil, false
	}
	err = s.door.Authorize(ctx, &authz.Check{
		RequestID: c.reqID, Caller: caller, Action: "execute-api:Invoke", Resource: c.routeARN,
		Context: c.conditions, Deny: AccessDenied,
	})
	if err != nil {
		denied(w, err)
		return nil, false
	}
	return &authorization{caller: caller, body: body, read: true}, true
}

// denied answers a refusal by the door with 403 Forbidden, anything else
// with 500.
func denied(w http.ResponseWriter, err error) {
	if e := awserr.As(err); e.Status == http.StatusForbidden {
		answer(w, http.StatusForbidden, bodyForbidden)
		return
	}
	answer(w, http.StatusInternalServerError, bodyInternal)
}

// authResult is what an authorizer answered, kept for its TTL.
type authResult struct {
	// grant is what the answer allows: the returned IAM policy, or one
	// written for a simple response.
	grant       *policy.Policy
	principalID string
	context     []byte // a JSON object, or nil
	expires     time.Time
}

// authCache keeps authorizers' answers by authorizer snapshot and identity
// source values (an updated authorizer is a new snapshot).
type authCache struct {
	mu sync.Mutex
	m  map[authKey]*authResult
}

type authKey struct {
	au       *authorizer     // an HTTP API's
	rest     *restAuthorizer // a REST API's
	identity string
}

func (c *authCache) get(k authKey, now time.Time) *authResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := c.m[k]
	if res != nil && !now.Before(res.expires) {
		delete(c.m, k)
		return nil
	}
	return res
}

func (c *authCache) put(k authKey, res *authResult, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[authKey]*authResult{}
	}
	if len(c.m) >= 4096 {
		for k, r := range c.m {
			if !now.Before(r.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= 4096 {
			clear(c.m)
		}
	}
	c.m[k] = res
}

// identityValues returns the values of an authorizer's identity sources,
// and false when one is missing or empty.
func identityValues(au *authorizer, c *call) ([]string, bool) {
	vals := make([]string, 0, len(au.IdentitySource))
	for _, src := range au.IdentitySource {
		kind, name, _ := parseIdentitySource(src)
		var v string
		switch kind {
		case "$request.header.":
			v = strings.Join(c.r.Header.Values(name), ",")
		case "$request.querystring.":
			v = strings.Join(c.r.URL.Query()[name], ",")
		case "$context.":
			v = contextVariable(name, c)
		}
		if v == "" {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, true
}

// contextVariable is the $context variable name of a call, for the ones
// seki knows; "" for the others.
func contextVariable(name string, c *call) string {
	switch name {
	case "apiId":
		return c.a.ID
	case "stage":
		return c.stage
	case "routeKey":
		return c.rt.Key
	case "httpMethod":
		return c.r.Method
	case "path":
		return c.path
	case "identity.sourceIp":
		return funcurl.SourceIP(c.r.RemoteAddr)
	}
	return ""
}

// authorizerARN is the source ARN API Gateway invokes an authorizer under.
func authorizerARN(a *api, au *authorizer) string {
	return "arn:aws:execute-api:" + a.Region + ":" + a.Account + ":" + a.ID + "/authorizers/" + au.ID
}

func (s *Service) authorizeLambda(w http.ResponseWriter, c *call) (*authorization, bool) {
	au := c.a.authorizer(c.rt.AuthorizerID)
	if au == nil || s.door == nil {
		answer(w, http.StatusInternalServerError, bodyInternal)
		return nil, false
	}
	vals, ok := identityValues(au, c)
	if !ok {
		answer(w, http.StatusUnauthorized, bodyUnauthorized)
		return nil, false
	}
	key := authKey{au: au, identity: strings.Join(vals, "\x00")}
	res := (*authResult)(nil)
	if au.TTL > 0 {
		res = s.cache.get(key, c.now)
	}
	if res == nil {
		var status int
		var body string
		if res, status, body = s.invokeAuthorizer(c, au, vals); res == nil {
			answer(w, status, body)
			return nil, false
		}
		if au.TTL > 0 {
			res.expires = c.now.Add(time.Duration(au.TTL) * time.Second)
			s.cache.put(key, res, c.now)
		}
	}
	err := s.judge(c.r.Context(), c.reqID, authorizerARN(c.a, au), c.a.Account, res, c.routeARN, nil, c.conditions)
	if err != nil {
		denied(w, err)
		return nil, false
	}
	return &authorization{lambda: res.context, principalID: res.principalID}, true
}

// invokeAuthorizer runs au's function for c and reads its answer. On
// failure it returns the status and body to answer with.
func (s *Service) invokeAuthorizer(c *call, au *authorizer, vals []string) (*authResult, int, string) {
	var event []byte
	if au.PayloadVersion == "1.0" {
		event = authorizerEventV1(c, vals)
	} else {
		event = authorizerEventV2(c, vals)
	}
	payload, fail := s.runAuthorizer(c.r.Context(), c.reqID, au.functionARN, authorizerARN(c.a, au), c.a.Account, event)
	switch fail {
	case authUnauthorized:
		return nil, http.StatusUnauthorized, bodyUnauthorized
	case authFailed:
		return nil, http.StatusInternalServerError, bodyInternal
	}
	executeARN := "arn:aws:execute-api:" + c.a.Region + ":" + c.a.Account + ":" + c.a.ID
	res, ok := parseAuthorizerAnswer(payload, au.Simple, executeARN, au.Name+" ("+au.ID+")")
	if !ok {
		return nil, http.StatusInternalServerError, bodyInternal
	}
	return res, 0, ""
}

// authFailure says why an authorizer gave no answer.
type authFailure int

const (
	authAnswered     authFailure = iota
	authUnauthorized             // it raised "Unauthorized"
	authFailed                   // it could not be invoked (its function policy refused API Gateway), or failed
)

// runAuthorizer invokes an authorizer's function through the door as
// apigateway.amazonaws.com under sourceARN, and returns its answer.
func (s *Service) runAuthorizer(ctx context.Context, reqID, functionARN, sourceARN, account string, event []byte) ([]byte, authFailure) {
	fn, _ := s.parts()
	if fn == nil {
		return nil, authFailed
	}
	keys := policy.NewContext(2)
	keys.Set("aws:SourceArn", sourceARN)
	keys.Set("aws:SourceAccount", account)
	out, err := fn.InvokeAs(ctx, &lambda.InvokeAsInput{
		RequestID: reqID, Caller: apigatewayCaller, FunctionARN: functionARN, Context: keys,
		Payload: event, InvocationType: "RequestResponse",
	})
	if err != nil || out.Result == nil {
		// The caller sees a failure; the decision log knows why.
		return nil, authFailed
	}
	if out.Result.FunctionError != "" {
		if isUnauthorized(out.Result.Payload) {
			return nil, authUnauthorized
		}
		return nil, authFailed
	}
	return out.Result.Payload, authAnswered
}

// isUnauthorized reports whether a function error is the one an authorizer
// raises to say "Unauthorized" (an error whose message is exactly that,
// which API Gateway answers with 401).
func isUnauthorized(payload []byte) bool {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
	}
	return json.Unmarshal(payload, &e) == nil && e.ErrorMessage == "Unauthorized"
}

// answerDoc is an authorizer's answer, in either form.
type answerDoc struct {
	IsAuthorized   *bool           `json:"isAuthorized"`
	PrincipalID    string          `json:"principalId"`
	PolicyDocument json.RawMessage `json:"policyDocument"`
	Context        json.RawMessage `json:"context"`
}

// parseAuthorizerAnswer reads a simple response ({"isAuthorized": bool,
// "context": {...}}) or an IAM policy response ({"principalId",
// "policyDocument", "context"}), and writes the policy a simple response
// amounts to.
// executeARN is the API's execute-api ARN, label names the authorizer in
// explanations.
func parseAuthorizerAnswer(payload []byte, simple bool, executeARN, label string) (*authResult, bool) {
	var doc answerDoc
	if err := json.Unmarshal(payload, &doc); err != nil {
		return nil, false
	}
	res := &authResult{principalID: doc.PrincipalID}
	if ctx := bytes.TrimSpace(doc.Context); len(ctx) > 0 && !bytes.Equal(ctx, []byte("null")) {
		if ctx[0] != '{' {
			return nil, false
		}
		var compact bytes.Buffer
		if json.Compact(&compact, ctx) != nil {
			return nil, false
		}
		res.context = compact.Bytes()
	}
	var grant []byte
	name := "the policy authorizer " + label + " returned for principalId " + strconv.Quote(doc.PrincipalID)
	switch {
	case simple:
		if doc.IsAuthorized == nil {
			return nil, false
		}
		// The answer holds for every route of the API (and is cached so).
		grant = simpleGrant(executeARN, *doc.IsAuthorized)
		name = "the simple response of authorizer " + label + ", isAuthorized " + strconv.FormatBool(*doc.IsAuthorized)
	case len(doc.PolicyDocument) > 0:
		grant = doc.PolicyDocument
	default:
		return nil, false
	}
	p, err := policy.Parse(grant, policy.Identity)
	if err != nil {
		return nil, false
	}
	p.Name = name
	res.grant = p
	return res, true
}

// simpleGrant is the policy a simple response amounts to: execute-api:Invoke
// on all of the API, allowed or denied.
func simpleGrant(executeARN string, ok bool) []byte {
	effect, sid := "Deny", "isAuthorizedFalse"
	if ok {
		effect, sid = "Allow", "isAuthorizedTrue"
	}
	return []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"` + effect +
		`","Action":"execute-api:Invoke","Resource":"` + executeARN + `/*"}]}`)
}

// judge has the door decide an authorizer's answer, cached or fresh, for
// execute-api:Invoke on resource, with the authorizer (authorizerARN) as
// the principal, its answer as the identity policy and the API's resource
// policy (REST APIs; nil for none), and record it.
func (s *Service) judge(ctx context.Context, reqID, authorizerARN, account string, res *authResult, resource string, apiPolicy *policy.Policy, keys *policy.Context) error {
	who := &authz.Caller{Principal: policy.Principal{Type: policy.User, ARN: authorizerARN, Account: account, UserID: res.principalID}}
	return s.door.Authorize(ctx, &authz.Check{
		RequestID: reqID, Caller: who, Action: "execute-api:Invoke", Resource: resource,
		Identity: []*policy.Policy{res.grant}, ResourcePolicy: apiPolicy, Context: keys, Deny: AccessDenied,
	})
}

// authorizerEventV2 is the authorizer's event in payload format 2.0: the
// request's 2.0 event (without its body) with type, routeArn and
// identitySource in front, as the Developer Guide shows it.
func authorizerEventV2(c *call, vals []string) []byte {
	ev := c.event(nil, nil)
	head := []byte(`{"version":"2.0","type":"REQUEST","routeArn":`)
	head = jsonstr.Append(head, c.routeARN)
	head = append(head, `,"identitySource":[`...)
	for i, v := range vals {
		if i > 0 {
			head = append(head, ',')
		}
		head = jsonstr.Append(head, v)
	}
	head = append(head, "],"...)
	return append(head, bytes.TrimPrefix(ev, []byte(`{"version":"2.0",`))...)
}

// authorizerEventV1 is the authorizer's event in payload format 1.0: the
// request's 1.0 event (without its body) with type, methodArn,
// identitySource and authorizationToken (the identity source values
// joined with commas) in front, as the Developer Guide shows it.
func authorizerEventV1(c *call, vals []string) []byte {
	ev := c.eventV1(nil, nil)
	joined := strings.Join(vals, ",")
	head := []byte(`{"version":"1.0","type":"REQUEST","methodArn":`)
	head = jsonstr.Append(head, c.routeARN)
	head = append(head, `,"identitySource":`...)
	head = jsonstr.Append(head, joined)
	head = append(head, `,"authorizationToken":`...)
	head = jsonstr.Append(head, joined)
	head = append(head, ',')
	return append(head, bytes.TrimPrefix(ev, []byte(`{"version":"1.0",`))...)
}

// v1Authorizer is requestContext.authorizer of a payload format 1.0
// event: a Lambda authorizer's context members with its principalId; nil
// when no Lambda authorizer ran.
func (au *authorization) v1Authorizer() []byte {
	if au.lambda == nil && au.principalID == "" {
		return nil
	}
	out := []byte{'{'}
	if au.principalID != "" {
		out = append(out, `"principalId":`...)
		out = jsonstr.Append(out, au.principalID)
	}
	if inner := bytes.TrimSpace(au.lambda); len(inner) > 2 {
		if au.principalID != "" {
			out = append(out, ',')
		}
		out = append(out, inner[1:len(inner)-1]...)
	}
	return append(out, '}')
}
