package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
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

// api serves one environment's Runtime API.
type api struct {
	e *env
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	if !ok {
		apiError(w, http.StatusNotFound, "InvalidURL", "Not found: "+r.URL.Path)
		return
	}
	switch {
	case p == "invocation/next":
		if r.Method != http.MethodGet {
			apiError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Method not allowed")
			return
		}
		a.next(w, r)
	case p == "init/error":
		if r.Method != http.MethodPost {
			apiError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Method not allowed")
			return
		}
		a.initError(w, r)
	case strings.HasPrefix(p, "invocation/"):
		rest := p[len("invocation/"):]
		i := strings.LastIndexByte(rest, '/')
		if i <= 0 || r.Method != http.MethodPost {
			apiError(w, http.StatusNotFound, "InvalidURL", "Not found: "+r.URL.Path)
			return
		}
		id, verb := rest[:i], rest[i+1:]
		switch verb {
		case "response":
			a.response(w, r, id)
		case "error":
			a.invocationError(w, r, id)
		default:
			apiError(w, http.StatusNotFound, "InvalidURL", "Not found: "+r.URL.Path)
		}
	default:
		apiError(w, http.StatusNotFound, "InvalidURL", "Not found: "+r.URL.Path)
	}
}

// next hands the runtime the environment's next invocation, waiting for
// one as long as the runtime's connection stays open.
func (a *api) next(w http.ResponseWriter, r *http.Request) {
	e := a.e
	e.markInit()
	select {
	case inv := <-e.invq:
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
		// One backing array for the header values, one allocation.
		v := [...]string{inv.id, strconv.FormatInt(inv.deadlineMS, 10), inv.invokedARN, inv.trace,
			strconv.Itoa(len(inv.payload)), inv.clientContext}
		vals := v[:]
		h := w.Header()
		h["Content-Type"] = jsonType
		h[hdrRequestID] = vals[0:1:1]
		h[hdrDeadline] = vals[1:2:2]
		h[hdrFunctionARN] = vals[2:3:3]
		h[hdrTraceID] = vals[3:4:4]
		h["Content-Length"] = vals[4:5:5]
		if inv.clientContext != "" {
			h[hdrClientContext] = vals[5:6:6]
		}
		close(inv.delivered)
		w.WriteHeader(http.StatusOK)
		w.Write(inv.payload)
	case <-r.Context().Done():
	case <-e.stopping:
		apiError(w, http.StatusInternalServerError, "Runtime.ShuttingDown", "The execution environment is shutting down")
	}
}

// current returns the delivered invocation with the given id, if it still
// waits for its answer.
func (a *api) current(id string) *invocation {
	e := a.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == nil || e.cur.id != id {
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

// readBody reads at most limit bytes; over reports a longer body.
func readBody(r *http.Request, limit int) (body []byte, over bool, err error) {
	if cl := r.ContentLength; cl >= 0 && cl <= int64(limit) && r.TransferEncoding == nil {
		// The usual answer: its length is known, so read exactly that.
		body = make([]byte, cl)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, false, err
		}
		return body, false, nil
	}
	n := 512
	if r.ContentLength > 0 && r.ContentLength <= int64(limit) {
		n = int(r.ContentLength) + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, n))
	_, err = buf.ReadFrom(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, false, err
	}
	if buf.Len() > limit {
		io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
		return nil, true, nil
	}
	return buf.Bytes(), false, nil
}

// response takes the function's result. A streamed (chunked) body that
// fails midway carries the error in the trailers, as aws-lambda-go sends it.
func (a *api) response(w http.ResponseWriter, r *http.Request, id string) {
	inv := a.current(id)
	if inv == nil {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, over, err := readBody(r, maxResponse)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "Could not read the response body")
		return
	}
	if over {
		a.clear(inv)
		inv.finish(responseTooLarge(), typeResponseSize)
		apiError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			"Exceeded maximum allowed payload size ("+strconv.Itoa(maxResponse)+" bytes).")
		return
	}
	if typ := r.Trailer.Get(hdrErrorType); typ != "" {
		payload := []byte(r.Trailer.Get(hdrErrorBody))
		if dec, err := base64.StdEncoding.DecodeString(string(payload)); err == nil {
			payload = dec
		}
		a.clear(inv)
		inv.finish(errorPayload(payload, typ), typ)
		accepted(w)
		return
	}
	a.clear(inv)
	inv.finish(body, "")
	accepted(w)
}

// invocationError takes the function's error.
func (a *api) invocationError(w http.ResponseWriter, r *http.Request, id string) {
	inv := a.current(id)
	if inv == nil {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, over, err := readBody(r, maxResponse)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "Could not read the error body")
		return
	}
	if over {
		a.clear(inv)
		inv.finish(responseTooLarge(), typeResponseSize)
		apiError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			"Exceeded maximum allowed payload size ("+strconv.Itoa(maxResponse)+" bytes).")
		return
	}
	typ := r.Header.Get(hdrErrorType)
	payload := errorPayload(body, typ)
	if typ == "" {
		typ = errorTypeOf(payload)
	}
	a.clear(inv)
	inv.finish(payload, typ)
	accepted(w)
}

// initError records the runtime's init failure; the invocation waiting
// for this environment reports it.
func (a *api) initError(w http.ResponseWriter, r *http.Request) {
	e := a.e
	if e.initialized() {
		apiError(w, http.StatusForbidden, "InvalidStateTransition", "State transition from Ready to InitError failed for runtime.")
		return
	}
	body, over, err := readBody(r, maxResponse)
	if err != nil || over {
		body = nil
	}
	typ := r.Header.Get(hdrErrorType)
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
	accepted(w)
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

// jsonType and acceptedBody are shared by every response: net/http only
// reads them.
var (
	jsonType     = []string{"application/json"}
	acceptedBody = []byte(`{"status":"OK"}`)
)

func accepted(w http.ResponseWriter) {
	w.Header()["Content-Type"] = jsonType
	w.WriteHeader(http.StatusAccepted)
	w.Write(acceptedBody)
}

func apiError(w http.ResponseWriter, status int, typ, msg string) {
	b := append([]byte(`{"errorMessage":`), appendJSONString(nil, msg)...)
	b = append(b, `,"errorType":`...)
	b = appendJSONString(b, typ)
	b = append(b, '}')
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(status)
	w.Write(b)
}
