package funcurl

import (
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/jsonstr"
)

// request is what the event is built from: the HTTP request as the client
// sent it, and what seki decided about it.
type request struct {
	method   string
	rawPath  string // as sent, still percent-encoded
	rawQuery string
	proto    string
	header   http.Header
	host     string // the Host header as sent (port included)
	remote   string // RemoteAddr
	tls      bool
	body     []byte

	urlID  string
	domain string // <id>.lambda-url.<region>.localhost, the URL's host without port
	// domainPrefix is the first label of domain; empty means urlID.
	domainPrefix string
	// account is requestContext.accountId when there is no caller; empty
	// means "anonymous" (function URLs).
	account string
	// routeKey and stage are "$default" when empty (function URLs);
	// pathParams are the route's path variables, sorted by name.
	routeKey, stage string
	pathParams      []kv
	requestID       string
	traceID         string
	now             time.Time
	// caller is nil for AuthType NONE.
	caller *authz.Caller
	// lambdaAuth is a Lambda authorizer's context (API Gateway), a JSON
	// object.
	lambdaAuth []byte
}

// hopByHop are the connection-level headers a proxy does not forward; the
// function sees the end-to-end ones. (Which ones AWS drops is not
// documented; these are RFC 9110's.)
var hopByHop = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-connection": true, "te": true,
	"trailer": true, "transfer-encoding": true, "upgrade": true,
}

// kv is one member of a JSON object whose values are strings.
type kv struct{ k, v string }

// appendEvent appends the payload format 2.0 event for r to dst, field by
// field in the order of the Lambda Developer Guide's "Request payload
// format". Optional members (cookies, queryStringParameters, body,
// requestContext.authorizer) are left out when empty, as in real events;
// pathParameters, stageVariables and authentication, which function URLs do
// not use, are left out as the guide allows.
func appendEvent(dst []byte, r *request) []byte {
	headers, cookies := eventHeaders(r)
	query := parseQuery(r.rawQuery)

	routeKey, stage := orDefault(r.routeKey), orDefault(r.stage)
	dst = append(dst, `{"version":"2.0","routeKey":`...)
	dst = jsonstr.Append(dst, routeKey)
	dst = append(dst, `,"rawPath":`...)
	dst = jsonstr.Append(dst, r.rawPath)
	dst = append(dst, `,"rawQueryString":`...)
	dst = jsonstr.Append(dst, r.rawQuery)
	if len(cookies) > 0 {
		dst = append(dst, `,"cookies":[`...)
		for i, c := range cookies {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonstr.Append(dst, c)
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"headers":`...)
	dst = appendObject(dst, headers)
	if len(query) > 0 {
		dst = append(dst, `,"queryStringParameters":`...)
		dst = appendObject(dst, query)
	}
	if len(r.pathParams) > 0 {
		dst = append(dst, `,"pathParameters":`...)
		dst = appendObject(dst, r.pathParams)
	}

	dst = append(dst, `,"requestContext":{"accountId":`...)
	switch {
	case r.account != "":
		// API Gateway: the API owner's account, whoever calls.
		dst = jsonstr.Append(dst, r.account)
	case r.caller != nil:
		dst = jsonstr.Append(dst, r.caller.Principal.Account)
	default:
		dst = append(dst, `"anonymous"`...)
	}
	dst = append(dst, `,"apiId":`...)
	dst = jsonstr.Append(dst, r.urlID)
	if r.caller != nil {
		p := &r.caller.Principal
		dst = append(dst, `,"authorizer":{"iam":{"accessKey":`...)
		dst = jsonstr.Append(dst, r.caller.AccessKeyID)
		dst = append(dst, `,"accountId":`...)
		dst = jsonstr.Append(dst, p.Account)
		dst = append(dst, `,"callerId":`...)
		dst = jsonstr.Append(dst, p.UserID)
		dst = append(dst, `,"cognitoIdentity":null,"principalOrgId":null,"userArn":`...)
		dst = jsonstr.Append(dst, p.ARN)
		dst = append(dst, `,"userId":`...)
		dst = jsonstr.Append(dst, p.UserID)
		dst = append(dst, `}}`...)
	} else if len(r.lambdaAuth) > 0 {
		dst = append(dst, `,"authorizer":{"lambda":`...)
		dst = append(dst, r.lambdaAuth...)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"domainName":`...)
	dst = jsonstr.Append(dst, r.domain)
	dst = append(dst, `,"domainPrefix":`...)
	if r.domainPrefix != "" {
		dst = jsonstr.Append(dst, r.domainPrefix)
	} else {
		dst = jsonstr.Append(dst, r.urlID)
	}
	dst = append(dst, `,"http":{"method":`...)
	dst = jsonstr.Append(dst, r.method)
	dst = append(dst, `,"path":`...)
	dst = jsonstr.Append(dst, r.rawPath)
	dst = append(dst, `,"protocol":`...)
	dst = jsonstr.Append(dst, r.proto)
	dst = append(dst, `,"sourceIp":`...)
	dst = jsonstr.Append(dst, SourceIP(r.remote))
	dst = append(dst, `,"userAgent":`...)
	dst = jsonstr.Append(dst, r.header.Get("User-Agent"))
	dst = append(dst, `},"requestId":`...)
	dst = jsonstr.Append(dst, r.requestID)
	dst = append(dst, `,"routeKey":`...)
	dst = jsonstr.Append(dst, routeKey)
	dst = append(dst, `,"stage":`...)
	dst = jsonstr.Append(dst, stage)
	dst = append(dst, `,"time":`...)
	dst = append(dst, '"')
	dst = r.now.UTC().AppendFormat(dst, timeLayout)
	dst = append(dst, '"')
	dst = append(dst, `,"timeEpoch":`...)
	dst = strconv.AppendInt(dst, r.now.UnixMilli(), 10)
	dst = append(dst, '}')

	if len(r.body) > 0 {
		dst = append(dst, `,"body":`...)
		if isText(r.header.Get("Content-Type")) && utf8.Valid(r.body) {
			dst = jsonstr.Append(dst, string(r.body))
			dst = append(dst, `,"isBase64Encoded":false}`...)
		} else {
			dst = append(dst, '"')
			n := len(dst)
			dst = slices.Grow(dst, base64.StdEncoding.EncodedLen(len(r.body)))[:n+base64.StdEncoding.EncodedLen(len(r.body))]
			base64.StdEncoding.Encode(dst[n:], r.body)
			dst = append(dst, `","isBase64Encoded":true}`...)
		}
		return dst
	}
	return append(dst, `,"isBase64Encoded":false}`...)
}

// orDefault is s, or "$default" when s is empty.
func orDefault(s string) string {
	if s == "" {
		return "$default"
	}
	return s
}

// timeLayout is requestContext.time: "12/Mar/2020:19:03:58 +0000".
const timeLayout = "02/Jan/2006:15:04:05 -0700"

// eventHeaders returns the event's headers, lower-cased, multiple values
// joined with commas and sorted by name, and the cookies: every Cookie
// header split at its semicolons. Cookie itself is not among the headers;
// format 2.0 moves it into cookies. The host header is the one the client
// sent, and the x-forwarded-* and x-amzn-trace-id headers are added as
// Lambda's front end adds them.
func eventHeaders(r *request) ([]kv, []string) {
	// The lower-cased names share one allocation.
	size := 0
	for name := range r.header {
		size += len(name)
	}
	type span struct {
		name   string
		lo, hi int
	}
	arena := make([]byte, 0, size)
	spans := make([]span, 0, len(r.header))
	for name := range r.header {
		lo := len(arena)
		for i := 0; i < len(name); i++ {
			c := name[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			arena = append(arena, c)
		}
		spans = append(spans, span{name, lo, len(arena)})
	}
	lower := string(arena)

	out := kvs{list: make([]kv, 0, len(r.header)+5)}
	var cookies []string
	for _, sp := range spans {
		ln, vals := lower[sp.lo:sp.hi], r.header[sp.name]
		switch {
		case ln == "cookie":
			for _, v := range vals {
				cookies = splitCookies(cookies, v)
			}
			continue
		case hopByHop[ln], ln == "host", ln == "x-forwarded-for", ln == "x-forwarded-proto",
			ln == "x-forwarded-port", ln == "x-amzn-trace-id":
			continue
		}
		// Go keeps names it cannot canonicalize ("A b", "a b") apart; HTTP
		// does not, so they merge here.
		for _, v := range vals {
			out.add(ln, v)
		}
	}
	ip := SourceIP(r.remote)
	if prior := r.header.Values("X-Forwarded-For"); len(prior) > 0 {
		ip = strings.Join(prior, ",") + ", " + ip
	}
	proto, port := "http", "80"
	if r.tls {
		proto, port = "https", "443"
	}
	if _, p, err := net.SplitHostPort(r.host); err == nil && p != "" {
		port = p
	}
	list := append(out.joined(),
		kv{"host", r.host},
		kv{"x-amzn-trace-id", r.traceID},
		kv{"x-forwarded-for", ip},
		kv{"x-forwarded-port", port},
		kv{"x-forwarded-proto", proto})
	slices.SortFunc(list, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	return list, cookies
}

// kvs collects string members, joining the values of a repeated name with
// commas. It indexes names once there are many and joins values once at
// the end, so hostile input with thousands of names or values costs linear
// time; a name seen once costs nothing beyond its place in the list.
type kvs struct {
	list  []kv
	more  map[int][]string // further values of list[i]
	index map[string]int
}

func (m *kvs) add(k, v string) {
	i := -1
	if m.index != nil {
		if j, ok := m.index[k]; ok {
			i = j
		}
	} else {
		for j := range m.list {
			if m.list[j].k == k {
				i = j
				break
			}
		}
	}
	if i >= 0 {
		if m.more == nil {
			m.more = map[int][]string{}
		}
		m.more[i] = append(m.more[i], v)
		return
	}
	m.list = append(m.list, kv{k, v})
	switch {
	case m.index != nil:
		m.index[k] = len(m.list) - 1
	case len(m.list) > 16:
		m.index = make(map[string]int, 2*len(m.list))
		for j, p := range m.list {
			m.index[p.k] = j
		}
	}
}

// joined returns the members with their values joined.
func (m *kvs) joined() []kv {
	for i, more := range m.more {
		n := len(m.list[i].v) + len(more)
		for _, v := range more {
			n += len(v)
		}
		var b strings.Builder
		b.Grow(n)
		b.WriteString(m.list[i].v)
		for _, v := range more {
			b.WriteByte(',')
			b.WriteString(v)
		}
		m.list[i].v = b.String()
	}
	m.more = nil
	return m.list
}

// splitCookies appends the cookies of one Cookie header ("a=1; b=2").
func splitCookies(dst []string, h string) []string {
	for h != "" {
		var c string
		c, h, _ = strings.Cut(h, ";")
		if c = strings.TrimSpace(c); c != "" {
			dst = append(dst, c)
		}
	}
	return dst
}

// parseQuery decodes a raw query into queryStringParameters: names and
// values percent-decoded ('+' is a space), repeated names joined with
// commas in the order they came. It never fails: text that does not decode
// is passed on as sent.
func parseQuery(raw string) []kv {
	if raw == "" {
		return nil
	}
	var out kvs
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		out.add(QueryUnescape(k), QueryUnescape(v))
	}
	return out.joined()
}

// QueryUnescape decodes one query-string name or value as the Lambda
// events carry it; one that does not decode is kept as sent. API Gateway's
// events use it too.
func QueryUnescape(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// SourceIP is the address of the TCP peer, the events' sourceIp.
func SourceIP(remote string) string {
	if h, _, err := net.SplitHostPort(remote); err == nil {
		return h
	}
	return remote
}

// isText reports whether a body of this Content-Type goes into the event as
// text; everything else (including a body without a Content-Type, and
// form posts) is base64-encoded. AWS documents only "if the content type
// of the request is binary, the body is base64-encoded"; the set here is
// the textual media types: text/*, JSON, XML and JavaScript, with their
// +json and +xml suffixes.
func isText(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok {
		return false
	}
	if typ == "text" {
		return true
	}
	switch sub {
	case "json", "xml", "javascript", "x-javascript", "ecmascript":
		return true
	}
	return strings.HasSuffix(sub, "+json") || strings.HasSuffix(sub, "+xml")
}

// appendObject appends a JSON object of string members.
func appendObject(dst []byte, m []kv) []byte {
	dst = append(dst, '{')
	for i, p := range m {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, p.k)
		dst = append(dst, ':')
		dst = jsonstr.Append(dst, p.v)
	}
	return append(dst, '}')
}
