package apigateway

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
)

// Match reports whether r calls an API, by the path form
// (/_seki/execute-api/API_ID/...) or by AWS's host form
// (API_ID.execute-api.REGION.localhost:PORT), and returns the API id and
// the rest of the path ("/STAGE/PATH" or "/PATH", still percent-encoded).
func Match(r *http.Request) (apiID, rest string, ok bool) {
	raw := r.URL.EscapedPath()
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		raw, _, _ = strings.Cut(u, "?")
	}
	if !strings.HasPrefix(r.URL.Path, PathPrefix) {
		if id, ok := hostID(r.Host); ok {
			if !strings.HasPrefix(raw, "/") {
				raw = "/" + raw
			}
			return id, raw, true
		}
		return "", "", false
	}
	after, found := strings.CutPrefix(raw, PathPrefix)
	if !found {
		return "", "", false
	}
	apiID, rest, _ = strings.Cut(after, "/")
	if apiID == "" {
		return "", "", false
	}
	return apiID, "/" + rest, true
}

// hostID returns the API id of a host API_ID.execute-api.REGION.ANYTHING
// (any case, with or without a port).
func hostID(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	labels := strings.SplitN(strings.ToLower(host), ".", 4)
	if len(labels) < 4 || labels[1] != "execute-api" || labels[2] == "" || labels[0] == "" {
		return "", false
	}
	for _, c := range labels[0] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return "", false
		}
	}
	return labels[0], true
}

// maxBody is the largest request body passed on: Lambda's synchronous
// payload limit bounds the event.
const maxBody = 6 * 1024 * 1024

var apigatewayCaller = &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "apigateway.amazonaws.com"}}

// ServeExecute answers a call of API apiID; rest is what Match returned.
func (s *Service) ServeExecute(w http.ResponseWriter, r *http.Request, apiID, rest string) {
	if ra := s.getRest(apiID); ra != nil {
		s.serveRest(w, r, ra, rest) // a REST API (rest_execute.go)
		return
	}
	now := s.now()
	reqID := s.newID()
	w.Header().Set("apigw-requestid", reqID)
	a := s.get(apiID)
	if a == nil {
		answer(w, http.StatusNotFound, bodyNotFound)
		return
	}
	// A named stage is the path's first segment; $default may be named or
	// omitted, as in AWS's own URL.
	stageName, path := "$default", rest
	first, after, _ := strings.Cut(rest[1:], "/")
	if first != "" && a.stage(first) != nil {
		stageName, path = first, "/"+after
	}
	if a.stage(stageName) == nil {
		answer(w, http.StatusNotFound, bodyNotFound)
		return
	}
	rt, params := a.findRoute(r.Method, path)
	if rt == nil {
		answer(w, http.StatusNotFound, bodyNotFound)
		return
	}
	ig := a.integration(rt.Target)
	if ig == nil {
		answer(w, http.StatusInternalServerError, bodyInternal)
		return
	}
	fn, callers := s.parts()
	if fn == nil {
		answer(w, http.StatusInternalServerError, bodyInternal)
		return
	}
	c := &call{r: r, reqID: reqID, now: now, a: a, rt: rt, stage: stageName, path: path, params: params,
		routeARN: routeARN(a, stageName, r.Method, path)}
	if rt.AuthorizationType != "NONE" {
		// The request's global condition keys, for the door's decisions
		// on the caller or the authorizer's answer.
		if callers != nil {
			c.conditions = callers.Conditions(r, now, a.Region)
		} else {
			c.conditions = policy.NewContext(0)
		}
	}
	auth, ok := s.authorize(w, c)
	if !ok {
		return
	}
	body := auth.body
	if !auth.read {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			answer(w, http.StatusBadRequest, bodyInternal)
			return
		}
	}
	if len(body) > maxBody {
		answer(w, http.StatusRequestEntityTooLarge, bodyTooLarge)
		return
	}
	var event []byte
	if ig.PayloadFormatVersion == "1.0" {
		event = c.eventV1(body, auth)
	} else {
		event = c.event(body, auth)
	}

	keys := policy.NewContext(2)
	keys.Set("aws:SourceArn", sourceARN(a, stageName, r.Method, rt))
	keys.Set("aws:SourceAccount", a.Account)
	out, err := fn.InvokeAs(r.Context(), &lambda.InvokeAsInput{
		RequestID: reqID, Caller: apigatewayCaller, FunctionARN: ig.URI, Context: keys,
		Payload: event, InvocationType: "RequestResponse",
	})
	if err != nil {
		// A refused permission, a missing function: the caller learns
		// only that the integration failed; the decision log knows why.
		answer(w, http.StatusInternalServerError, bodyInternal)
		return
	}
	if out.Result == nil || out.Result.FunctionError != "" {
		answer(w, http.StatusInternalServerError, bodyInternal)
		return
	}
	written := false
	if ig.PayloadFormatVersion == "1.0" {
		written = WriteResult1(w, out.Result.Payload, true)
	} else {
		written = funcurl.WriteResult(w, r, out.Result.Payload)
	}
	if !written {
		answer(w, http.StatusBadGateway, bodyInternal)
	}
}

// seen returns the path the function sees (a named stage's events have
// the stage in front) and the trace header.
func (c *call) seen() (rawPath, trace string) {
	rawPath = c.path
	if c.stage != "$default" {
		rawPath = "/" + c.stage + c.path
	}
	trace = c.r.Header.Get("X-Amzn-Trace-Id")
	if trace == "" {
		trace = funcurl.NewTraceID(c.now)
	}
	return rawPath, trace
}

// event is the integration's payload format 2.0 event for c, with what
// its authorization yielded (nil: none).
func (c *call) event(body []byte, auth *authorization) []byte {
	rawPath, trace := c.seen()
	a := c.a
	e := &funcurl.Event{
		Request: c.r, Body: body, RawPath: rawPath, AccountID: a.Account, APIID: a.ID,
		DomainName: a.ID + ".execute-api." + a.Region + ".localhost", DomainPrefix: a.ID,
		RouteKey: c.rt.Key, Stage: c.stage, PathParameters: c.params, RequestID: c.reqID, TraceID: trace, Now: c.now,
	}
	if auth != nil {
		e.Caller, e.Authorizer = auth.caller, auth.lambda
	}
	return funcurl.AppendEvent(make([]byte, 0, 1024+len(body)*4/3), e)
}

// eventV1 is the integration's payload format 1.0 event for c: the proxy
// event of REST APIs with "version":"1.0" and the route key (Developer
// Guide, "Create AWS Lambda proxy integrations for HTTP APIs"). resource
// is the route's path ("/items/{id}"), or the request's path for the
// $default route; path has the stage in front for a named stage, as 2.0's
// rawPath does.
func (c *call) eventV1(body []byte, auth *authorization) []byte {
	rawPath, trace := c.seen()
	resource := c.path
	if !c.rt.pattern.isDefault {
		resource = c.rt.pattern.path
	}
	a := c.a
	e := &Event1{
		Request: c.r, Body: body, Version: "1.0", RouteKey: c.rt.Key, Resource: resource, Path: rawPath, StagePath: rawPath,
		AccountID: a.Account, APIID: a.ID, Stage: c.stage, DomainName: a.ID + ".execute-api." + a.Region + ".localhost",
		DomainPrefix: a.ID, PathParameters: c.params, RequestID: c.reqID, TraceID: trace, Now: c.now,
	}
	if auth != nil {
		e.Caller = auth.caller
		e.Authorizer = auth.v1Authorizer()
	}
	return AppendEvent1(make([]byte, 0, 1536+len(body)*4/3), e)
}

// sourceARN is the execute-api ARN API Gateway invokes a function under:
// API_ID/STAGE/METHOD/ROUTE_PATH, the route's path as written in its key
// ({id} and {proxy+} kept), and API_ID/STAGE/$default for the $default
// route. An ANY route names the request's method (unconfirmed; a
// permission written with * for the method matches either way).
func sourceARN(a *api, stage, method string, rt *route) string {
	base := "arn:aws:execute-api:" + a.Region + ":" + a.Account + ":" + a.ID + "/" + stage + "/"
	if rt.pattern.isDefault {
		return base + "$default"
	}
	return base + method + rt.pattern.path
}

// answer writes one of API Gateway's own JSON answers.
func answer(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}
