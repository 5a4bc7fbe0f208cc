package funcurl

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
)

// Event describes a request that another front end (an API Gateway HTTP
// API) hands to a function in payload format 2.0, so that the event and
// the response mapping are written once, here.
type Event struct {
	// Request is the client's request; Body is its body, already read.
	Request *http.Request
	Body    []byte
	// RawPath is the path the function sees (percent-encoding kept).
	RawPath string
	// AccountID is requestContext.accountId (the API owner's account).
	AccountID string
	// APIID, DomainName and DomainPrefix name the front end.
	APIID, DomainName, DomainPrefix string
	// RouteKey and Stage are the matched route ("GET /items/{id}",
	// "$default") and the stage.
	RouteKey, Stage string
	// PathParameters are the route's path variables, nil for none.
	PathParameters map[string]string
	RequestID      string
	TraceID        string
	Now            time.Time
	// Caller, when set, is the signed caller of an AWS_IAM route:
	// requestContext.authorizer.iam describes it.
	Caller *authz.Caller
	// Authorizer, when set, is a Lambda authorizer's context, a JSON
	// object already encoded: requestContext.authorizer.lambda.
	Authorizer []byte
}

// AppendEvent appends e's payload format 2.0 event to dst.
func AppendEvent(dst []byte, e *Event) []byte {
	r := e.Request
	in := &request{
		method: r.Method, rawPath: e.RawPath, rawQuery: r.URL.RawQuery, proto: r.Proto,
		header: r.Header, host: r.Host, remote: r.RemoteAddr, tls: r.TLS != nil, body: e.Body,
		urlID: e.APIID, domain: e.DomainName, domainPrefix: e.DomainPrefix, requestID: e.RequestID,
		traceID: e.TraceID, now: e.Now, account: e.AccountID, routeKey: e.RouteKey, stage: e.Stage,
		caller: e.Caller, lambdaAuth: e.Authorizer,
	}
	if len(e.PathParameters) > 0 {
		in.pathParams = make([]kv, 0, len(e.PathParameters))
		for k, v := range e.PathParameters {
			in.pathParams = append(in.pathParams, kv{k, v})
		}
		slices.SortFunc(in.pathParams, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	}
	return appendEvent(dst, in)
}

// NewTraceID makes an X-Ray trace header for a request that came without
// one.
func NewTraceID(now time.Time) string { return newTraceID(now) }

// WriteResult maps a function's payload format 2.0 result to the HTTP
// response as Lambda and API Gateway HTTP APIs infer it (see convert), and
// writes it. It reports false, having written nothing, when the result is
// a response description that cannot be used.
func WriteResult(w http.ResponseWriter, r *http.Request, payload []byte) bool {
	res, ok := convert(payload)
	if !ok {
		return false
	}
	writeResponse(w, r, res, nil)
	return true
}
