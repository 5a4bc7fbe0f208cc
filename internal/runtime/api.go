package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// The Lambda Runtime API, version 2018-06-01, as one environment's runtime
// sees it on its own loopback listener:
//
//	GET  /2018-06-01/runtime/invocation/next
//	POST /2018-06-01/runtime/invocation/{id}/response
//	POST /2018-06-01/runtime/invocation/{id}/error
//	POST /2018-06-01/runtime/init/error
//
// Each environment has its own listener, and the listener only ever serves
// that environment's invocations, so no function can read another's events
// through it.
const apiPrefix = "/2018-06-01/runtime/"

// Runtime API headers.
const (
	hdrRequestID     = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline      = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN   = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID       = "Lambda-Runtime-Trace-Id"
	hdrClientContext = "Lambda-Runtime-Client-Context"
	hdrCognito       = "Lambda-Runtime-Cognito-Identity"
	hdrErrorType     = "Lambda-Runtime-Function-Error-Type"
	hdrErrorBody     = "Lambda-Runtime-Function-Error-Body"
)

// api serves one environment's Runtime API (apiconn.go reads and writes
// the HTTP).
type api struct {
	e *env
}

// serve answers one request, appending the answer to k.out.
func (a *api) serve(k *apiConn) {
	r := &k.req
	p, ok := bytes.CutPrefix(r.path, []byte(apiPrefix))
	if !ok {
		k.notFound()
		return
	}
	switch {
	case string(p) == "invocation/next":
		if r.method != http.MethodGet {
			k.apiError(http.StatusMethodNotAllowed, apiMethodNotAllowed, apiMethodNotAllowedMsg)
			return
		}
		a.next(k)
	case string(p) == "init/error":
		if r.method != http.MethodPost {
			k.apiError(http.StatusMethodNotAllowed, apiMethodNotAllowed, apiMethodNotAllowedMsg)
			return
		}
		a.initError(k)
	case bytes.HasPrefix(p, []byte("invocation/")):
		rest := p[len("invocation/"):]
		i := bytes.LastIndexByte(rest, '/')
		if i <= 0 || r.method != http.MethodPost {
			k.notFound()
			return
		}
		id, verb := rest[:i], rest[i+1:]
		switch string(verb) {
		case "response":
			a.response(k, id)
		case "error":
			a.invocationError(k, id)
		default:
			k.notFound()
		}
	default:
		k.notFound()
	}
}

func (k *apiConn) notFound() {
	k.apiError(http.StatusNotFound, apiInvalidURL, apiNotFound+string(k.req.path))
}

// next hands the runtime the environment's next invocation, waiting for
// one as long as the environment runs.
func (a *api) next(k *apiConn) {
	e := a.e
	e.markInit()
	if !k.req.bodyRead && !k.discardBody() {
		k.req.close = true
		return
	}
	var inv *invocation
	select {
	case inv = <-e.invq: // one already waits: no need to ask why else to stop
	default:
		select {
		case inv = <-e.invq:
		case <-e.stopping:
			k.apiError(http.StatusInternalServerError, apiShuttingDown, apiShuttingDownMsg)
			return
		case <-e.exited:
			k.req.close = true
			return
		}
	}
	if !k.alive() {
		// The runtime left this connection: the invocation waits for the
		// next GET, on another connection.
		e.invq <- inv
		k.req.close = true
		return
	}
	a.deliver(k, inv)
}

// deliver makes inv the current invocation and writes it as the answer
// to GET next: AWS's headers, then the payload.
func (a *api) deliver(k *apiConn, inv *invocation) {
	e := a.e
	// What the runtime printed before asking belongs before START.
	if e.out != nil {
		e.out.sync()
	}
	now := time.Now()
	inv.deliveredAt = now
	inv.deadlineMS = now.Add(inv.timeout).UnixMilli()
	e.mu.Lock()
	e.cur = inv
	e.mu.Unlock()
	e.logLine(startLine(inv.id, e.spec.Version))
	k.status(http.StatusOK)
	k.header(hdrRequestID, inv.id)
	k.out = append(k.out, hdrDeadline+": "...)
	k.out = strconv.AppendInt(k.out, inv.deadlineMS, 10)
	k.out = append(k.out, "\r\n"...)
	k.header(hdrFunctionARN, inv.invokedARN)
	k.header(hdrTraceID, inv.trace)
	if inv.clientContext != "" {
		k.header(hdrClientContext, inv.clientContext)
	}
	close(inv.delivered)
	k.finish(inv.payload)
}

// current returns the delivered invocation with the given id, if it still
// waits for its answer.
func (a *api) current(id []byte) *invocation {
	e := a.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == nil || e.cur.id != string(id) {
		return nil
	}
	return e.cur
}

// clear forgets inv as the current invocation.
func (a *api) clear(inv *invocation) {
	e := a.e
	e.mu.Lock()
	if e.cur == inv {
		e.cur = nil
	}
	e.mu.Unlock()
}

// response takes the function's result. A streamed (chunked) body that
// fails midway carries the error in the trailers, as aws-lambda-go sends it.
func (a *api) response(k *apiConn, id []byte) {
	inv := a.current(id)
	if inv == nil {
		k.apiError(http.StatusBadRequest, apiInvalidRequestID, apiInvalidRequestIDMsg)
		return
	}
	body, over, err := k.readBody(maxResponse)
	if err != nil {
		k.req.close = true
		k.apiError(http.StatusBadRequest, apiInvalidRequest, apiUnreadableResponse)
		return
	}
	if over {
		a.clear(inv)
		inv.finish(responseTooLarge(), typeResponseSize)
		k.apiError(http.StatusRequestEntityTooLarge, apiTooLarge, apiTooLargeMsg())
		return
	}
	if typ := k.req.trailerType; typ != "" {
		payload := []byte(k.req.trailerBody)
		if dec, err := base64.StdEncoding.DecodeString(string(payload)); err == nil {
			payload = dec
		}
		a.clear(inv)
		inv.finish(errorPayload(payload, typ), typ)
		k.accepted()
		return
	}
	a.clear(inv)
	inv.finish(body, "")
	k.accepted()
}

// invocationError takes the function's error.
func (a *api) invocationError(k *apiConn, id []byte) {
	inv := a.current(id)
	if inv == nil {
		k.apiError(http.StatusBadRequest, apiInvalidRequestID, apiInvalidRequestIDMsg)
		return
	}
	body, over, err := k.readBody(maxResponse)
	if err != nil {
		k.req.close = true
		k.apiError(http.StatusBadRequest, apiInvalidRequest, apiUnreadableError)
		return
	}
	if over {
		a.clear(inv)
		inv.finish(responseTooLarge(), typeResponseSize)
		k.apiError(http.StatusRequestEntityTooLarge, apiTooLarge, apiTooLargeMsg())
		return
	}
	typ := k.req.errorType
	payload := errorPayload(body, typ)
	if typ == "" {
		typ = errorTypeOf(payload)
	}
	a.clear(inv)
	inv.finish(payload, typ)
	k.accepted()
}

// initError records the runtime's init failure; the invocation waiting
// for this environment reports it.
func (a *api) initError(k *apiConn) {
	e := a.e
	if e.initialized() {
		k.apiError(http.StatusForbidden, apiInvalidState, apiInvalidStateMsg)
		return
	}
	body, over, err := k.readBody(maxResponse)
	if err != nil {
		k.req.close = true
	}
	if err != nil || over {
		body = nil
	}
	typ := k.req.errorType
	payload := errorPayload(body, typ)
	if typ == "" {
		typ = errorTypeOf(payload)
	}
	select {
	case <-e.initFailed:
	default:
		e.initErr, e.initType = payload, typ
		close(e.initFailed)
	}
	k.accepted()
}

// errorPayload is the body the Invoke caller gets for a function error:
// the runtime's JSON as it sent it, or AWS's shape around anything else.
func errorPayload(body []byte, typ string) []byte {
	if len(bytes.TrimSpace(body)) > 0 && json.Valid(body) {
		return body
	}
	if typ == "" {
		typ = typeUnhandled
	}
	b := append([]byte(`{"errorMessage":`), appendJSONString(nil, string(body))...)
	b = append(b, `,"errorType":`...)
	b = appendJSONString(b, typ)
	return append(b, '}')
}

// errorTypeOf reads errorType from an error document.
func errorTypeOf(payload []byte) string {
	var doc struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal(payload, &doc) == nil && doc.ErrorType != "" {
		return doc.ErrorType
	}
	return typeUnhandled
}

// acceptedBody is the Runtime API's answer to a posted result.
var acceptedBody = []byte(`{"status":"OK"}`)

func (k *apiConn) accepted() {
	k.status(http.StatusAccepted)
	k.finish(acceptedBody)
}

// apiError answers {"errorMessage":…,"errorType":…}, the Runtime API's
// error shape.
func (k *apiConn) apiError(status int, typ, msg string) {
	b := append([]byte(`{"errorMessage":`), appendJSONString(nil, msg)...)
	b = append(b, `,"errorType":`...)
	b = appendJSONString(b, typ)
	b = append(b, '}')
	k.status(status)
	k.finish(b)
}
