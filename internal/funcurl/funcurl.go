// Package funcurl serves Lambda function URLs: it recognises a request for
// a URL (by its host, <url-id>.lambda-url.<region>.localhost on seki's
// port, or by the path /_seki/lambda-url/<url-id>/...), authenticates it as
// the URL's AuthType says (nothing for NONE, SigV4 with service lambda for
// AWS_IAM), authorizes lambda:InvokeFunctionUrl and lambda:InvokeFunction
// through the one door, turns the request into the payload format 2.0
// event, invokes the function synchronously and turns its result back into
// an HTTP response, with the URL's CORS configuration applied.
//
// Authorization follows the Lambda Developer Guide ("Control access to
// Lambda function URLs"): the caller needs lambda:InvokeFunctionUrl, with
// lambda:FunctionUrlAuthType set to the URL's AuthType, and — as for every
// URL created since October 2025, which all of seki's are — also
// lambda:InvokeFunction, with lambda:InvokedViaFunctionUrl set to true.
// For AuthType NONE the caller is anonymous, so only a resource-policy
// statement with Principal "*" can allow it. Both decisions are logged
// under the request id the response carries in x-amzn-RequestId, so `seki
// explain` works for function URL requests too.
//
// # Reaching a URL
//
// CreateFunctionUrlConfig returns http://<url-id>.lambda-url.<region>.localhost:<port>/.
// Names under .localhost resolve to loopback for browsers and many
// resolvers; any client can also connect to 127.0.0.1 and send that Host
// header:
//
//	curl --resolve <url-id>.lambda-url.us-east-1.localhost:4566:127.0.0.1 \
//	    http://<url-id>.lambda-url.us-east-1.localhost:4566/path
//
// Clients that can set neither use the path form,
// http://127.0.0.1:<port>/_seki/lambda-url/<url-id>/path, which reaches the
// same URL with the path /path (the event's rawPath). AWS_IAM requests are
// signed as they are sent (service lambda, the URL's region), whichever
// form they use.
//
// # Where AWS's behaviour is not documented
//
// Observed in recorded AWS responses: an unknown URL id is 403
// {"Message":null}; a function error is 502 "Internal Server Error"; a
// JSON string result is sent as its text; NONE events have accountId
// "anonymous" and no authorizer. Chosen without confirmation: which
// Content-Types count as text (text/*, JSON, XML, JavaScript; everything
// else, forms included, is base64), the headers Lambda adds for the
// function (x-forwarded-for/-port/-proto, x-amzn-trace-id) and the
// hop-by-hop headers it drops, requestContext.accountId for AWS_IAM (the
// caller's account), CORS details beyond the Developer Guide (exact origin
// matching, "*" answered as "*" unless credentials are allowed), and the
// bodies of errors other than denials ({"Message": ...} with the code in
// x-amzn-ErrorType).
//
// InvokeMode RESPONSE_STREAM is served buffered: the client receives the
// whole response at once.
package funcurl

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/sigv4"
)

// Functions is Lambda as function URLs need it. *lambda.Service
// implements it.
type Functions interface {
	// FunctionURL finds the URL configuration with this id.
	FunctionURL(ctx context.Context, urlID string) (*lambda.URLTarget, bool, error)
	// AuthorizeAs asks the door whether caller may perform action on the
	// function ARN, with the resource policy of its qualifier.
	AuthorizeAs(ctx context.Context, requestID string, caller *authz.Caller, action, functionARN string, c *policy.Context) error
	// InvokeAs authorizes lambda:InvokeFunction and runs the function.
	InvokeAs(ctx context.Context, in *lambda.InvokeAsInput) (*lambda.InvokeAsOutput, error)
}

// Options configure a Handler. Functions, Verifier and Keys are required
// for AWS_IAM URLs; Functions always.
type Options struct {
	Functions Functions
	// Verifier and Keys check SigV4 on AWS_IAM requests.
	Verifier *sigv4.Verifier
	Keys     sigv4.Keys
	// Identify resolves the caller behind a verified access key and adds
	// the condition keys its credentials carry to c, as for API calls.
	Identify func(ctx context.Context, accessKeyID string, c *policy.Context) (*authz.Caller, error)
	// Context returns the global condition keys of a request (aws:SourceIp,
	// aws:CurrentTime, ...), as for API calls; nil means none.
	Context func(r *http.Request, now time.Time, region string) *policy.Context
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID makes request ids; nil means random UUIDs.
	NewID func() string
}

// Handler serves function URL requests. It is safe for concurrent use.
type Handler struct {
	o Options
}

// New returns a Handler.
func New(o Options) *Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewID == nil {
		o.NewID = protocol.NewUUID
	}
	return &Handler{o: o}
}

// PathPrefix is the path form of a function URL, for clients that cannot
// set a Host header: http://127.0.0.1:PORT/_seki/lambda-url/<url-id>/path
// reaches the URL <url-id> with the path /path.
const PathPrefix = "/_seki/lambda-url/"

// Match reports whether r is addressed to a function URL, and returns the
// URL id and the path the function is to see (percent-encoding kept). A
// URL host is <url-id>.lambda-url.<region>.<anything>, in any case, with or
// without a port; the URLs seki hands out end in .localhost.
func Match(r *http.Request) (id, path string, ok bool) {
	if strings.HasPrefix(r.URL.Path, PathPrefix) {
		raw := rawPath(r)
		i := strings.Index(raw, "/lambda-url/")
		if i < 0 {
			return "", "", false
		}
		rest := raw[i+len("/lambda-url/"):]
		id, path, _ = strings.Cut(rest, "/")
		if !validID(id) {
			return "", "", false
		}
		return strings.ToLower(id), "/" + path, true
	}
	if id, _, ok := hostID(r.Host); ok {
		return id, rawPath(r), true
	}
	return "", "", false
}

// hostID splits a function URL host into the URL id and region.
func hostID(host string) (id, region string, ok bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	id, rest, found := strings.Cut(host, ".")
	if !found || !validID(id) {
		return "", "", false
	}
	label, rest, found := strings.Cut(rest, ".")
	if !found || !strings.EqualFold(label, "lambda-url") {
		return "", "", false
	}
	region, _, found = strings.Cut(rest, ".")
	if !found || region == "" {
		return "", "", false
	}
	return strings.ToLower(id), strings.ToLower(region), true
}

// validID reports whether s can be a URL id: a DNS label of letters and
// digits (Lambda's are 32 lower-case letters and digits).
func validID(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(c >= 'a' && c <= 'z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

// rawPath is the request's path as the client sent it.
func rawPath(r *http.Request) string {
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		p, _, _ := strings.Cut(u, "?")
		return p
	}
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		// "OPTIONS *", or an absolute-form target without a path.
		p = "/" + p
	}
	return p
}

// maxBody bounds the request body read; Lambda's synchronous payload limit,
// which the event (with the body, maybe base64-encoded) must also meet.
const maxBody = 6 * 1024 * 1024

var anonymous = &authz.Caller{Principal: policy.Principal{Type: policy.Anonymous}}

// ServeURL answers a request for the function URL id (from Match); path is
// the path the function sees.
func (h *Handler) ServeURL(w http.ResponseWriter, r *http.Request, id, path string) {
	ctx := r.Context()
	now := h.o.Now()
	reqID := h.o.NewID()
	w.Header().Set("x-amzn-RequestId", reqID)

	t, ok, err := h.o.Functions.FunctionURL(ctx, id)
	if err != nil {
		writeError(w, awserr.As(err))
		return
	}
	if !ok {
		writeBody(w, http.StatusForbidden, "AccessDeniedException", bodyNoURL)
		return
	}
	if t.Cors != nil && isPreflight(r) {
		preflight(w.Header(), t.Cors, r)
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	if t.Cors != nil {
		// Every response through the URL carries the CORS headers, denials
		// included, so that a browser can read them.
		applyCORS(w.Header(), t.Cors, r)
	}

	// The request's condition keys, and those the caller's credentials
	// carry (aws:TokenIssueTime, ...), for both decisions.
	keys := h.Conditions(r, now, t.Region)
	caller := anonymous
	var body []byte
	if t.AuthType == "AWS_IAM" {
		// The body is read only once the access key is known.
		if caller, body, err = h.Authenticate(ctx, r, "lambda", t.Region, keys); err != nil {
			writeError(w, err)
			return
		}
	} else if body, err = readBody(r); err != nil {
		writeError(w, err)
		return
	}

	urlKeys := with(keys, "lambda:FunctionUrlAuthType", t.AuthType)
	if err := h.o.Functions.AuthorizeAs(ctx, reqID, caller, "lambda:InvokeFunctionUrl", t.FunctionARN, urlKeys); err != nil {
		writeError(w, err)
		return
	}

	trace := r.Header.Get("X-Amzn-Trace-Id")
	if trace == "" {
		trace = newTraceID(now)
	}
	in := &request{
		method: r.Method, rawPath: path, rawQuery: r.URL.RawQuery, proto: r.Proto,
		header: r.Header, host: r.Host, remote: r.RemoteAddr, tls: r.TLS != nil, body: body,
		urlID: id, domain: id + ".lambda-url." + t.Region + ".localhost", requestID: reqID, traceID: trace, now: now,
	}
	if caller != anonymous {
		in.caller = caller
	}
	event := appendEvent(make([]byte, 0, 1024+len(body)*4/3), in)

	invokeKeys := with(keys, "lambda:InvokedViaFunctionUrl", "true")
	out, err := h.o.Functions.InvokeAs(ctx, &lambda.InvokeAsInput{
		RequestID: reqID, Caller: caller, FunctionARN: t.FunctionARN, Context: invokeKeys,
		Payload: event, InvocationType: "RequestResponse",
	})
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("X-Amzn-Trace-Id", trace)
	if out.Result == nil || out.Result.FunctionError != "" {
		writeBody(w, http.StatusBadGateway, "", bodyFunctionError)
		return
	}
	res, ok := convert(out.Result.Payload)
	if !ok {
		writeBody(w, http.StatusBadGateway, "", bodyFunctionError)
		return
	}
	writeResponse(w, r, res, t.Cors)
}

// Conditions returns a fresh set of the request's global condition keys.
func (h *Handler) Conditions(r *http.Request, now time.Time, region string) *policy.Context {
	if h.o.Context != nil {
		if c := h.o.Context(r, now, region); c != nil {
			return c
		}
	}
	return policy.NewContext(2)
}

// with returns a copy of c with key set to value.
func with(c *policy.Context, key, value string) *policy.Context {
	out := policy.NewContext(c.Len() + 1)
	c.Range(func(k string, v []string) bool {
		out.Set(k, v...)
		return true
	})
	out.Set(key, value)
	return out
}

// Authenticate verifies a signed request's SigV4 signature (scoped to
// service and region: lambda for AWS_IAM function URLs, execute-api for
// API Gateway's AWS_IAM routes) and resolves its caller, adding the
// condition keys its credentials carry to keys. It returns the body, read
// only once the access key is known. An unsigned request is errForbidden.
func (h *Handler) Authenticate(ctx context.Context, r *http.Request, service, region string, keys *policy.Context) (*authz.Caller, []byte, error) {
	if _, _, signed := sigv4.Scope(r); !signed || h.o.Verifier == nil || h.o.Keys == nil || h.o.Identify == nil {
		// Nothing to verify: the request is simply not allowed.
		return nil, nil, errForbidden
	}
	var body []byte
	var readErr error
	res, err := h.o.Verifier.VerifyStream(r, h.o.Keys, func() string {
		body, readErr = readBody(r)
		sum := sha256.Sum256(body)
		return hex.EncodeToString(sum[:])
	})
	if readErr != nil {
		return nil, nil, readErr
	}
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			return nil, nil, se.AWS(service)
		}
		return nil, nil, err
	}
	if res.Service != service {
		return nil, nil, errSignature.Errorf(msgWrongServiceFmt, service)
	}
	if res.Region != region {
		return nil, nil, errSignature.New(msgWrongRegion)
	}
	caller, err := h.o.Identify(ctx, res.AccessKeyID, keys)
	return caller, body, err
}

// readBody reads a request body of at most maxBody bytes.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, errBadRequest.New(msgUnreadableBody)
	}
	if len(body) > maxBody {
		return nil, errTooLarge.New(msgTooLarge)
	}
	return body, nil
}

// writeResponse writes a function's response, the URL's CORS headers
// taking precedence over the function's.
func writeResponse(w http.ResponseWriter, r *http.Request, res *response, cors *lambda.Cors) {
	h := w.Header()
	for name, vals := range res.header {
		switch strings.ToLower(name) {
		case "content-length", "x-amzn-requestid", "x-amzn-trace-id":
			continue
		}
		if hopByHop[strings.ToLower(name)] {
			continue
		}
		h[name] = vals
	}
	for _, c := range res.cookies {
		h.Add("Set-Cookie", c)
	}
	if cors != nil {
		applyCORS(h, cors, r)
	}
	if res.status == http.StatusNoContent || res.status == http.StatusNotModified {
		// These carry no body, whatever the function said.
		h.Del("Content-Length")
		w.WriteHeader(res.status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(res.body)))
	w.WriteHeader(res.status)
	w.Write(res.body)
}

// newTraceID makes an X-Ray trace header: Root=1-<epoch hex>-<96 random bits>.
func newTraceID(now time.Time) string {
	var b [12]byte
	rand.Read(b[:])
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + hex.EncodeToString(b[:])
}
