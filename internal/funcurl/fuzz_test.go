package funcurl

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzEvent builds events from hostile header, query, cookie, path and body
// input. The event must always be valid JSON that aws-lambda-go reads, and
// carry the input faithfully: the raw path and query as sent, the body
// byte for byte (as text or base64), every header under its lower-cased
// name, every cookie without its separators, and the query parameters as
// parseQuery found them.
func FuzzEvent(f *testing.F) {
	f.Add("/my/path", "a=1&a=2&b", "X-Test", "v", "c1=v1; c2=v2", "text/plain", []byte("hello"))
	f.Add("/", "", "Accept", "*/*", "", "", []byte(nil))
	f.Add("/a%20b", "q=%zz&&=x&k=v=w", "X-Dup", "a,b", ";;; ;a=b;", "application/json", []byte(`{"k":"\u0000"}`))
	f.Add("/\xff", "\xfe=\x00", "X-Bin", "\x01\x7f", "c=\xff", "application/octet-stream", []byte{0, 0xff, 0xfe})
	f.Add("/x\"y\\", "%E2%9C%93=%2B+", "x-Forwarded-For", "10.0.0.1", "sess=\"quoted\"", "text/html; charset=latin1", []byte("caf\xe9"))
	f.Add("/\u2028", "a=\u2029", "Cookie", "z=1", "y=2", "image/svg+xml", []byte("<svg/>"))
	f.Fuzz(func(t *testing.T, path, query, hname, hvalue, cookie, ctype string, body []byte) {
		h := http.Header{}
		if hname != "" {
			h[hname] = []string{hvalue, hvalue}
		}
		if cookie != "" {
			h.Add("Cookie", cookie)
		}
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		r := &request{method: "POST", rawPath: path, rawQuery: query, proto: "HTTP/1.1", header: h,
			host: "abc.lambda-url.us-east-1.localhost:1", remote: "127.0.0.1:2", body: body,
			urlID: "abc", domain: "abc.lambda-url.us-east-1.localhost", requestID: "id", traceID: "t",
			now: time.Unix(1700000000, 0)}
		b := appendEvent(nil, r)
		if !json.Valid(b) {
			t.Fatalf("invalid JSON: %q", b)
		}
		var ev events.LambdaFunctionURLRequest
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("aws-lambda-go cannot read it: %v", err)
		}
		if utf8.ValidString(path) && !strings.ContainsAny(path, "\u2028\u2029") && ev.RawPath != path {
			t.Fatalf("rawPath %q, sent %q", ev.RawPath, path)
		}
		if utf8.ValidString(query) && ev.RawQueryString != query {
			t.Fatalf("rawQueryString %q, sent %q", ev.RawQueryString, query)
		}
		if len(body) == 0 {
			if ev.Body != "" || ev.IsBase64Encoded {
				t.Fatalf("empty body became %q", ev.Body)
			}
		} else if ev.IsBase64Encoded {
			dec, err := base64.StdEncoding.DecodeString(ev.Body)
			if err != nil || !bytes.Equal(dec, body) {
				t.Fatalf("base64 body does not round-trip")
			}
		} else if ev.Body != string(body) || !isText(ctype) {
			t.Fatalf("text body %q, sent %q (%s)", ev.Body, body, ctype)
		}
		// Header names are ASCII tokens (net/http refuses others), so
		// lower-casing is ASCII's.
		for k := range ev.Headers {
			if strings.IndexFunc(k, func(c rune) bool { return 'A' <= c && c <= 'Z' }) >= 0 || k == "cookie" {
				t.Fatalf("header name %q", k)
			}
		}
		if ln := asciiLower(hname); hname != "" && utf8.ValidString(hname) && utf8.ValidString(hvalue) && ln != "cookie" &&
			!hopByHop[ln] && ln != "host" && !strings.HasPrefix(ln, "x-forwarded-") && ln != "x-amzn-trace-id" && ln != "content-type" &&
			!strings.ContainsAny(hname+hvalue, "\u2028\u2029") {
			if got := ev.Headers[ln]; got != hvalue+","+hvalue {
				t.Fatalf("header %q = %q, sent %q twice", ln, got, hvalue)
			}
		}
		for _, c := range ev.Cookies {
			if c == "" || strings.Contains(c, ";") || c != strings.TrimSpace(c) {
				t.Fatalf("cookie %q", c)
			}
		}
		q := parseQuery(query)
		if len(q) != len(ev.QueryStringParameters) && utf8.ValidString(query) {
			// Keys are unique in parseQuery's output, so sizes match unless
			// invalid UTF-8 made two keys equal.
			seen := map[string]bool{}
			for _, p := range q {
				seen[p.k] = true
			}
			if len(seen) == len(q) && !strings.Contains(query, "%") {
				t.Fatalf("queryStringParameters %v, parsed %v", ev.QueryStringParameters, q)
			}
		}
	})
}

// FuzzConvert feeds arbitrary function results to the response converter:
// it must never panic, and what it accepts must be a status a server can
// write.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{`{"statusCode":200,"body":"x"}`, `"s"`, `3`, `null`, `[]`,
		`{"statusCode":"201","headers":{"A":"b","N":1},"cookies":["c=1"],"body":"AA==","isBase64Encoded":true}`,
		`{"statusCode":1e2}`, `{"statusCode":-1}`, `{"statusCode":"9999999999999999999999"}`, `{"headers":{"a":"b"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		res, ok := convert(payload)
		if !ok {
			return
		}
		if res.status < 200 || res.status > 599 {
			t.Fatalf("status %d", res.status)
		}
		for name, vals := range res.header {
			if !validHeaderName(name) {
				t.Fatalf("header name %q", name)
			}
			for _, v := range vals {
				if strings.ContainsAny(v, "\r\n") {
					t.Fatalf("header value %q", v)
				}
			}
		}
		// It must be writable.
		w := httptest.NewRecorder()
		writeResponse(w, httptest.NewRequest("GET", "/", nil), res, nil)
	})
}

// FuzzMatch checks that host and path recognition never panics and only
// accepts what it can serve.
func FuzzMatch(f *testing.F) {
	f.Add("abc.lambda-url.us-east-1.localhost:80", "/x")
	f.Add("127.0.0.1", "/_seki/lambda-url/abc/x")
	f.Add("[::1]:80", "/_seki/lambda-url/")
	f.Add("a.lambda-url..", "/")
	f.Fuzz(func(t *testing.T, host, path string) {
		r := &http.Request{Host: host, RequestURI: path, Header: http.Header{}, URL: &neturl.URL{Path: path}}
		id, p, ok := Match(r)
		if !ok {
			return
		}
		if !validID(id) || id != strings.ToLower(id) || !strings.HasPrefix(p, "/") {
			t.Fatalf("Match(%q, %q) = %q %q", host, path, id, p)
		}
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
