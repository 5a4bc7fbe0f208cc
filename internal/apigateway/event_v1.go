package apigateway

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/jsonstr"
)

// The proxy integration event format 1.0 and its response mapping: what a
// REST API's AWS_PROXY integration (and an HTTP API integration with
// payload format 1.0) hands a Lambda function and reads back. Field names
// and nesting follow the API Gateway Developer Guide ("Input format of a
// Lambda function for proxy integration") and aws-lambda-go's
// events.APIGatewayProxyRequest; what the guide leaves open (null members,
// the path kept percent-encoded, the last value of a repeated query
// parameter in queryStringParameters, the response validation) follows
// recorded AWS answers in LocalStack's AWS-validated snapshots
// tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json
// (test_lambda_aws_proxy_integration,
// test_aws_proxy_response_payload_format_validation).

// Event1 describes one request for the format 1.0 event.
type Event1 struct {
	// Request is the client's request; Body is its body, already read.
	Request *http.Request
	Body    []byte
	// Version and RouteKey are set by HTTP APIs (payload format 1.0, which
	// adds "version":"1.0" and the route key); REST APIs leave them empty.
	Version, RouteKey string
	// Resource is the matched resource path ("/items/{id}", "/{proxy+}");
	// Path is the request path without the stage, percent-encoding kept;
	// StagePath is requestContext.path, the path as the client sent it
	// with the stage ("/prod/items/1").
	Resource, Path, StagePath string
	// AccountID owns the API; APIID, ResourceID, Stage and DeploymentID
	// name what was called (ResourceID and DeploymentID may be empty).
	AccountID, APIID, ResourceID, Stage, DeploymentID string
	// DomainName is the API's host, DomainPrefix its first label.
	DomainName, DomainPrefix string
	// PathParameters and StageVariables are null in the event when empty.
	PathParameters map[string]string
	StageVariables map[string]string
	// RequestID is requestContext.requestId; ExtendedRequestID defaults to
	// it.
	RequestID, ExtendedRequestID string
	TraceID                      string
	Now                          time.Time
	// Caller is the SigV4-signed caller of an AWS_IAM method; nil leaves
	// the identity's caller members null.
	Caller *authz.Caller
	// Authorizer is requestContext.authorizer as a JSON object (a Lambda
	// authorizer's context, principalId); nil leaves it out.
	Authorizer []byte
}

// AppendEvent1 appends e's format 1.0 event to dst.
func AppendEvent1(dst []byte, e *Event1) []byte {
	r := e.Request
	headers := eventHeaders1(e)
	query := parseQuery1(r.URL.RawQuery)

	dst = append(dst, '{')
	if e.Version != "" {
		dst = append(dst, `"version":`...)
		dst = jsonstr.Append(dst, e.Version)
		dst = append(dst, ',')
	}
	dst = append(dst, `"resource":`...)
	dst = jsonstr.Append(dst, e.Resource)
	dst = append(dst, `,"path":`...)
	dst = jsonstr.Append(dst, e.Path)
	dst = append(dst, `,"httpMethod":`...)
	dst = jsonstr.Append(dst, r.Method)
	if e.RouteKey != "" {
		dst = append(dst, `,"routeKey":`...)
		dst = jsonstr.Append(dst, e.RouteKey)
	}
	dst = append(dst, `,"headers":`...)
	dst = appendLast(dst, headers)
	dst = append(dst, `,"multiValueHeaders":`...)
	dst = appendMulti(dst, headers)
	dst = append(dst, `,"queryStringParameters":`...)
	dst = appendLast(dst, query)
	dst = append(dst, `,"multiValueQueryStringParameters":`...)
	dst = appendMulti(dst, query)
	dst = append(dst, `,"pathParameters":`...)
	dst = appendStringMap(dst, e.PathParameters)
	dst = append(dst, `,"stageVariables":`...)
	dst = appendStringMap(dst, e.StageVariables)

	dst = append(dst, `,"requestContext":{"accountId":`...)
	dst = jsonstr.Append(dst, e.AccountID)
	dst = append(dst, `,"apiId":`...)
	dst = jsonstr.Append(dst, e.APIID)
	if e.Authorizer != nil {
		dst = append(dst, `,"authorizer":`...)
		dst = append(dst, e.Authorizer...)
	}
	if e.DeploymentID != "" {
		dst = append(dst, `,"deploymentId":`...)
		dst = jsonstr.Append(dst, e.DeploymentID)
	}
	dst = append(dst, `,"domainName":`...)
	dst = jsonstr.Append(dst, e.DomainName)
	dst = append(dst, `,"domainPrefix":`...)
	dst = jsonstr.Append(dst, e.DomainPrefix)
	dst = append(dst, `,"extendedRequestId":`...)
	if e.ExtendedRequestID != "" {
		dst = jsonstr.Append(dst, e.ExtendedRequestID)
	} else {
		dst = jsonstr.Append(dst, e.RequestID)
	}
	dst = append(dst, `,"httpMethod":`...)
	dst = jsonstr.Append(dst, r.Method)
	dst = append(dst, `,"identity":`...)
	dst = appendIdentity(dst, e)
	dst = append(dst, `,"path":`...)
	dst = jsonstr.Append(dst, e.StagePath)
	dst = append(dst, `,"protocol":`...)
	dst = jsonstr.Append(dst, r.Proto)
	dst = append(dst, `,"requestId":`...)
	dst = jsonstr.Append(dst, e.RequestID)
	dst = append(dst, `,"requestTime":"`...)
	dst = e.Now.UTC().AppendFormat(dst, requestTimeLayout)
	dst = append(dst, `","requestTimeEpoch":`...)
	dst = strconv.AppendInt(dst, e.Now.UnixMilli(), 10)
	dst = append(dst, `,"resourceId":`...)
	dst = appendStringOrNull(dst, e.ResourceID)
	dst = append(dst, `,"resourcePath":`...)
	dst = jsonstr.Append(dst, e.Resource)
	if e.RouteKey != "" {
		dst = append(dst, `,"routeKey":`...)
		dst = jsonstr.Append(dst, e.RouteKey)
	}
	dst = append(dst, `,"stage":`...)
	dst = jsonstr.Append(dst, e.Stage)
	dst = append(dst, '}')

	dst = append(dst, `,"body":`...)
	switch {
	case len(e.Body) == 0:
		dst = append(dst, `null,"isBase64Encoded":false}`...)
	case utf8.Valid(e.Body):
		// A REST API without binary media types (seki's have none) passes
		// every body as text; only bytes that are not UTF-8, which a JSON
		// string cannot carry, are base64-encoded.
		dst = jsonstr.Append(dst, string(e.Body))
		dst = append(dst, `,"isBase64Encoded":false}`...)
	default:
		dst = append(dst, '"')
		n := len(dst)
		size := base64.StdEncoding.EncodedLen(len(e.Body))
		dst = slices.Grow(dst, size)[:n+size]
		base64.StdEncoding.Encode(dst[n:], e.Body)
		dst = append(dst, `","isBase64Encoded":true}`...)
	}
	return dst
}

// requestTimeLayout is requestContext.requestTime: "04/Mar/2020:19:15:17 +0000".
const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

// appendIdentity appends requestContext.identity: the caller's members
// for a signed caller, null otherwise, as AWS fills them for AWS_IAM
// methods (caller and user are the caller's unique id, "AIDA..." or
// "AROA...:session").
func appendIdentity(dst []byte, e *Event1) []byte {
	c := e.Caller
	dst = append(dst, `{"accessKey":`...)
	if c != nil {
		dst = appendStringOrNull(dst, c.AccessKeyID)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"accountId":`...)
	if c != nil {
		dst = appendStringOrNull(dst, c.Principal.Account)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"caller":`...)
	if c != nil {
		dst = appendStringOrNull(dst, c.Principal.UserID)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"cognitoAuthenticationProvider":null,"cognitoAuthenticationType":null,"cognitoIdentityId":null,"cognitoIdentityPoolId":null,"principalOrgId":null,"sourceIp":`...)
	dst = jsonstr.Append(dst, funcurl.SourceIP(e.Request.RemoteAddr))
	dst = append(dst, `,"user":`...)
	if c != nil {
		dst = appendStringOrNull(dst, c.Principal.UserID)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"userAgent":`...)
	dst = jsonstr.Append(dst, e.Request.Header.Get("User-Agent"))
	dst = append(dst, `,"userArn":`...)
	if c != nil {
		dst = appendStringOrNull(dst, c.Principal.ARN)
	} else {
		dst = append(dst, "null"...)
	}
	return append(dst, '}')
}

// multi is one member of multiValueHeaders or
// multiValueQueryStringParameters: a name and its values in the order
// they came.
type multi struct {
	name string
	vals []string
}

// eventHeaders1 returns the request's headers as the function sees them:
// the client's, without the hop-by-hop ones, plus the Host the client sent
// and the X-Forwarded-* and X-Amzn-Trace-Id headers API Gateway adds,
// sorted by name. Names are Go's canonical form of what the client sent
// (AWS keeps the client's own casing, which net/http does not keep).
func eventHeaders1(e *Event1) []multi {
	r := e.Request
	out := make([]multi, 0, len(r.Header)+5)
	for name, vals := range r.Header {
		switch strings.ToLower(name) {
		case "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
			"host", "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id":
			continue
		}
		out = append(out, multi{name, vals})
	}
	ip := funcurl.SourceIP(r.RemoteAddr)
	if prior := r.Header.Values("X-Forwarded-For"); len(prior) > 0 {
		ip = strings.Join(prior, ", ") + ", " + ip
	}
	proto, port := "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	if _, p, err := net.SplitHostPort(r.Host); err == nil && p != "" {
		port = p
	}
	out = append(out,
		multi{"Host", []string{r.Host}},
		multi{"X-Amzn-Trace-Id", []string{e.TraceID}},
		multi{"X-Forwarded-For", []string{ip}},
		multi{"X-Forwarded-Port", []string{port}},
		multi{"X-Forwarded-Proto", []string{proto}})
	slices.SortFunc(out, func(a, b multi) int { return strings.Compare(a.name, b.name) })
	return out
}

// parseQuery1 decodes a raw query into its parameters, names and values
// percent-decoded ('+' is a space), in the order they first came, each
// with all its values. Text that does not decode is passed on as sent.
func parseQuery1(raw string) []multi {
	if raw == "" {
		return nil
	}
	var out []multi
	var index map[string]int
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		k, v = funcurl.QueryUnescape(k), funcurl.QueryUnescape(v)
		if index == nil {
			index = map[string]int{}
		}
		if i, ok := index[k]; ok {
			out[i].vals = append(out[i].vals, v)
			continue
		}
		index[k] = len(out)
		out = append(out, multi{k, []string{v}})
	}
	return out
}

// appendLast appends an object of each member's last value (null when
// there are none), as the single-value maps of format 1.0 hold.
func appendLast(dst []byte, m []multi) []byte {
	if len(m) == 0 {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, p := range m {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, p.name)
		dst = append(dst, ':')
		dst = jsonstr.Append(dst, p.vals[len(p.vals)-1])
	}
	return append(dst, '}')
}

// appendMulti appends an object of each member's values (null when there
// are none).
func appendMulti(dst []byte, m []multi) []byte {
	if len(m) == 0 {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	for i, p := range m {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, p.name)
		dst = append(dst, ":["...)
		for j, v := range p.vals {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = jsonstr.Append(dst, v)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendStringMap appends m as an object sorted by name, null when empty.
func appendStringMap(dst []byte, m map[string]string) []byte {
	if len(m) == 0 {
		return append(dst, "null"...)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	dst = append(dst, '{')
	for i, k := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, k)
		dst = append(dst, ':')
		dst = jsonstr.Append(dst, m[k])
	}
	return append(dst, '}')
}

func appendStringOrNull(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return jsonstr.Append(dst, s)
}

// Result1 is a function's format 1.0 response, checked.
type Result1 struct {
	Status int
	// Header holds the response headers: multiValueHeaders' values first,
	// then headers', names as the function wrote them (first casing wins).
	Header http.Header
	Body   []byte
}

// ParseResult1 checks a function's format 1.0 result as REST APIs check
// it: a JSON object whose members are only statusCode (a number, or a
// string holding one; 200 when absent), headers (an object of scalars),
// multiValueHeaders (an object of arrays of scalars), body (a string) and
// isBase64Encoded (a boolean). Anything else — an unknown member, a string
// or null result, a value of the wrong type — is unusable: ok is false and
// the client gets 502 (recorded in test_aws_proxy_response_payload_format_validation).
// decodeBase64 decodes the body when isBase64Encoded is true (HTTP APIs, a
// REST API's binary media types); REST APIs without binary media types
// send the body as the function wrote it.
func ParseResult1(payload []byte, decodeBase64 bool) (res *Result1, ok bool) {
	p := bytes.TrimSpace(payload)
	if len(p) == 0 || p[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(p, &m); err != nil {
		return nil, false
	}
	res = &Result1{Status: http.StatusOK, Header: http.Header{}}
	b64 := false
	for k, raw := range m {
		switch k {
		case "statusCode":
			if isJSONNull(raw) {
				continue
			}
			if res.Status, ok = parseStatus(raw); !ok {
				return nil, false
			}
		case "headers", "multiValueHeaders", "body":
		case "isBase64Encoded":
			if !isJSONNull(raw) && json.Unmarshal(raw, &b64) != nil {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	// Header names as the function cased them, merged without regard to
	// case: multiValueHeaders' values first, then headers'.
	names := map[string]string{}
	add := func(name, value string) bool {
		if !validToken(name) || strings.ContainsAny(value, "\r\n\x00") {
			return false
		}
		key := strings.ToLower(name)
		if first, seen := names[key]; seen {
			name = first
		} else {
			names[key] = name
		}
		res.Header[name] = append(res.Header[name], value)
		return true
	}
	if raw, has := m["multiValueHeaders"]; has && !isJSONNull(raw) {
		var hs map[string]json.RawMessage
		if json.Unmarshal(raw, &hs) != nil {
			return nil, false
		}
		for _, name := range sortedKeys(hs) {
			if isJSONNull(hs[name]) {
				continue
			}
			var vals []json.RawMessage
			if json.Unmarshal(hs[name], &vals) != nil {
				return nil, false
			}
			for _, v := range vals {
				s, isScalar := scalar(v)
				if !isScalar || !add(name, s) {
					return nil, false
				}
			}
		}
	}
	if raw, has := m["headers"]; has && !isJSONNull(raw) {
		var hs map[string]json.RawMessage
		if json.Unmarshal(raw, &hs) != nil {
			return nil, false
		}
		for _, name := range sortedKeys(hs) {
			if isJSONNull(hs[name]) {
				continue
			}
			s, isScalar := scalar(hs[name])
			if !isScalar || !add(name, s) {
				return nil, false
			}
		}
	}
	if raw, has := m["body"]; has && !isJSONNull(raw) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		res.Body = []byte(s)
		if b64 && decodeBase64 {
			dec, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, false
			}
			res.Body = dec
		}
	}
	if _, set := names["content-type"]; !set {
		res.Header["Content-Type"] = []string{"application/json"}
	}
	return res, true
}

// Write writes res, keeping the header names as the function wrote them.
// API Gateway sets Content-Length itself.
func (res *Result1) Write(w http.ResponseWriter) {
	h := w.Header()
	for name, vals := range res.Header {
		switch strings.ToLower(name) {
		case "content-length", "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer":
			continue
		}
		h[name] = vals
	}
	if res.Status == http.StatusNoContent || res.Status == http.StatusNotModified {
		w.WriteHeader(res.Status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(res.Body)))
	w.WriteHeader(res.Status)
	w.Write(res.Body)
}

// WriteResult1 maps a function's format 1.0 result to the HTTP response
// and writes it; it reports false, having written nothing, when the result
// is unusable (see ParseResult1).
func WriteResult1(w http.ResponseWriter, payload []byte, decodeBase64 bool) bool {
	res, ok := ParseResult1(payload, decodeBase64)
	if !ok {
		return false
	}
	res.Write(w)
	return true
}

// parseStatus reads statusCode: a number or a string holding one, a final
// HTTP status (200–599).
func parseStatus(raw json.RawMessage) (int, bool) {
	s := string(raw)
	if len(s) > 0 && s[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		f, ferr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if ferr != nil || f != float64(int(f)) {
			return 0, false
		}
		n = int(f)
	}
	return n, n >= 200 && n <= 599
}

// scalar is a JSON string's text, or a number's or boolean's JSON
// (a header value true becomes "true"); objects and arrays are not scalars.
func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err == nil
	case '{', '[':
		return "", false
	}
	return string(raw), true
}

func isJSONNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// validToken reports whether name is an HTTP token (a header name).
func validToken(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
