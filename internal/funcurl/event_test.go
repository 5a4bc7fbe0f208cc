package funcurl

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
)

// docRequest is the request behind the Developer Guide's example event.
func docRequest() *request {
	h := http.Header{}
	h.Add("Header1", "value1")
	h.Add("Header2", "value1")
	h.Add("Header2", "value2")
	h.Add("Cookie", "cookie1; cookie2")
	h.Set("User-Agent", "agent")
	h.Set("Content-Type", "text/plain")
	return &request{
		method: "POST", rawPath: "/my/path", rawQuery: "parameter1=value1&parameter1=value2&parameter2=value",
		proto: "HTTP/1.1", header: h, host: "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-west-2.localhost:4566",
		remote: "123.123.123.123:5555", body: []byte("Hello from client!"),
		urlID: "abcdefghijklmnopqrstuvwxyz012345", domain: "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-west-2.localhost",
		requestID: "id", traceID: "Root=1-5e6a8b2e-000000000000000000000000",
		now: time.Date(2020, 3, 12, 19, 3, 58, 390e6, time.UTC),
		caller: &authz.Caller{AccessKeyID: "AKIAEXAMPLE", Principal: policy.Principal{Type: policy.User,
			ARN: "arn:aws:iam::111122223333:user/example-user", Account: "111122223333", UserID: "AIDAEXAMPLE"}},
	}
}

// TestEventReadsAsAWSLambdaGo decodes the event with aws-lambda-go's
// LambdaFunctionURLRequest, the type Go functions use, and compares it with
// the Developer Guide's example.
func TestEventReadsAsAWSLambdaGo(t *testing.T) {
	r := docRequest()
	b := appendEvent(nil, r)
	var got events.LambdaFunctionURLRequest
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	want := events.LambdaFunctionURLRequest{
		Version: "2.0", RawPath: "/my/path", RawQueryString: "parameter1=value1&parameter1=value2&parameter2=value",
		Cookies: []string{"cookie1", "cookie2"},
		Headers: map[string]string{"header1": "value1", "header2": "value1,value2", "user-agent": "agent",
			"content-type": "text/plain", "host": r.host, "x-amzn-trace-id": r.traceID, "x-forwarded-for": "123.123.123.123",
			"x-forwarded-port": "4566", "x-forwarded-proto": "http"},
		QueryStringParameters: map[string]string{"parameter1": "value1,value2", "parameter2": "value"},
		RequestContext: events.LambdaFunctionURLRequestContext{
			AccountID: "111122223333", RequestID: "id", APIID: r.urlID, DomainName: r.domain, DomainPrefix: r.urlID,
			Time: "12/Mar/2020:19:03:58 +0000", TimeEpoch: 1584039838390,
			Authorizer: &events.LambdaFunctionURLRequestContextAuthorizerDescription{IAM: &events.LambdaFunctionURLRequestContextAuthorizerIAMDescription{
				AccessKey: "AKIAEXAMPLE", AccountID: "111122223333", CallerID: "AIDAEXAMPLE",
				UserARN: "arn:aws:iam::111122223333:user/example-user", UserID: "AIDAEXAMPLE"}},
			HTTP: events.LambdaFunctionURLRequestContextHTTPDescription{Method: "POST", Path: "/my/path", Protocol: "HTTP/1.1",
				SourceIP: "123.123.123.123", UserAgent: "agent"},
		},
		Body: "Hello from client!",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("event\n got %+v\nwant %+v\n%s", got, want, b)
	}
	// Members that AWS sends but aws-lambda-go does not model.
	var m map[string]any
	json.Unmarshal(b, &m)
	rc := m["requestContext"].(map[string]any)
	if m["routeKey"] != "$default" || rc["routeKey"] != "$default" || rc["stage"] != "$default" {
		t.Fatalf("placeholders: %s", b)
	}
	iam := rc["authorizer"].(map[string]any)["iam"].(map[string]any)
	if v, ok := iam["cognitoIdentity"]; !ok || v != nil {
		t.Fatalf("cognitoIdentity: %s", b)
	}
	if v, ok := iam["principalOrgId"]; !ok || v != nil {
		t.Fatalf("principalOrgId: %s", b)
	}
}

func TestParseQuery(t *testing.T) {
	for raw, want := range map[string][]kv{
		"":                  nil,
		"a=1":               {{"a", "1"}},
		"a=1&a=2&b":         {{"a", "1,2"}, {"b", ""}},
		"a+b=c+d&%41=%42":   {{"a b", "c d"}, {"A", "B"}},
		"bad=%zz&&x=%2":     {{"bad", "%zz"}, {"x", "%2"}},
		"k=v=w&=empty":      {{"k", "v=w"}, {"", "empty"}},
		"q=%E2%9C%93&q=%2C": {{"q", "✓,,"}},
	} {
		if got := parseQuery(raw); !reflect.DeepEqual(got, want) {
			t.Errorf("parseQuery(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestIsText(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/plain": true, "text/html; charset=utf-8": true, "application/json": true, "Application/JSON": true,
		"application/vnd.api+json": true, "application/xml": true, "image/svg+xml": true, "application/javascript": true,
		"": false, "application/octet-stream": false, "application/x-www-form-urlencoded": false,
		"multipart/form-data; boundary=x": false, "image/png": false, "json": false,
	} {
		if isText(ct) != want {
			t.Errorf("isText(%q) = %v", ct, !want)
		}
	}
}

func TestConvert(t *testing.T) {
	cases := []struct {
		in     string
		ok     bool
		status int
		body   string
		header map[string]string
		cookie []string
	}{
		// Sent compacted (test_lambda_url_invocation[dict]: 17 bytes).
		{`{"hello": "world"}`, true, 200, `{"hello":"world"}`, map[string]string{"Content-Type": "application/json"}, nil},
		{` "hi\nthere" `, true, 200, "hi\nthere", nil, nil},
		{`[1,2]`, true, 200, `[1,2]`, nil, nil},
		{``, true, 200, ``, nil, nil},
		{`{"statusCode":302,"headers":{"Location":"/x","X-N":5,"X-Null":null}}`, true, 302, ``,
			map[string]string{"Location": "/x", "X-N": "5", "Content-Type": "application/json"}, nil},
		{`{"statusCode":200,"body":{"nested":true}}`, true, 200, `{"nested":true}`, nil, nil},
		{`{"statusCode":200.0,"body":"x"}`, true, 200, `x`, nil, nil},
		{`{"statusCode":200,"cookies":["a=1","b=2; Path=/"]}`, true, 200, ``, nil, []string{"a=1", "b=2; Path=/"}},
		{`{"statusCode":99}`, false, 0, ``, nil, nil},
		{`{"statusCode":101}`, false, 0, ``, nil, nil},
		{`{"statusCode":600}`, false, 0, ``, nil, nil},
		{`{"statusCode":200.5}`, false, 0, ``, nil, nil},
		{`{"statusCode":true}`, false, 0, ``, nil, nil},
		{`{"statusCode":200,"headers":{"X":"a\r\nInjected: 1"}}`, false, 0, ``, nil, nil},
		{`{"statusCode":200,"cookies":"a=1"}`, false, 0, ``, nil, nil},
		{`{"statusCode":200,"isBase64Encoded":"yes"}`, false, 0, ``, nil, nil},
		{`{not json`, false, 0, ``, nil, nil},
		{`tru`, false, 0, ``, nil, nil},
	}
	for _, c := range cases {
		res, ok := convert([]byte(c.in))
		if ok != c.ok {
			t.Errorf("%s: ok %v", c.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if res.status != c.status || string(res.body) != c.body || !reflect.DeepEqual(res.cookies, c.cookie) {
			t.Errorf("%s: %d %q %q", c.in, res.status, res.body, res.cookies)
		}
		for k, v := range c.header {
			if res.header.Get(k) != v {
				t.Errorf("%s: header %s = %q, want %q", c.in, k, res.header.Get(k), v)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		host, target string
		id, path     string
		ok           bool
	}{
		{"abc123.lambda-url.us-east-1.localhost:4566", "/x/y?z=1", "abc123", "/x/y", true},
		{"ABC123.Lambda-URL.us-east-1.localhost", "/", "abc123", "/", true},
		{"abc123.lambda-url.eu-west-1.on.aws", "/a%2Fb", "abc123", "/a%2Fb", true},
		{"127.0.0.1:4566", "/_seki/lambda-url/abc123/p/q?x", "abc123", "/p/q", true},
		{"127.0.0.1:4566", "/_seki/lambda-url/abc123", "abc123", "/", true},
		{"127.0.0.1:4566", "/_seki/lambda-url/abc123/", "abc123", "/", true},
		{"127.0.0.1:4566", "/_seki/lambda-url/", "", "", false},
		{"127.0.0.1:4566", "/_seki/lambda-url/a_b/", "", "", false},
		{"127.0.0.1:4566", "/2015-03-31/functions", "", "", false},
		{"bucket.localhost:4566", "/key", "", "", false},
		{"lambda-url.us-east-1.localhost", "/", "", "", false},
		{"a-b.lambda-url.us-east-1.localhost", "/", "", "", false},
		{"abc.lambda-url.localhost", "/", "", "", false},
		{"abc.lambda-url.", "/", "", "", false},
	} {
		r := httptest.NewRequest("GET", c.target, nil)
		r.Host = c.host
		id, path, ok := Match(r)
		if ok != c.ok || id != c.id || path != c.path {
			t.Errorf("Match(%s%s) = %q %q %v, want %q %q %v", c.host, c.target, id, path, ok, c.id, c.path, c.ok)
		}
	}
}

func TestAllowOrigin(t *testing.T) {
	yes := true
	exact := &lambda.Cors{AllowOrigins: []string{"https://a.example", "http://localhost:3000"}}
	star := &lambda.Cors{AllowOrigins: []string{"*"}}
	starCreds := &lambda.Cors{AllowOrigins: []string{"*"}, AllowCredentials: &yes}
	for _, c := range []struct {
		cors   *lambda.Cors
		origin string
		want   string
	}{
		{exact, "https://a.example", "https://a.example"},
		{exact, "http://localhost:3000", "http://localhost:3000"},
		{exact, "https://A.EXAMPLE", "https://A.EXAMPLE"},
		{exact, "https://b.example", ""},
		{exact, "", ""},
		{star, "https://anything", "*"},
		{starCreds, "https://anything", "https://anything"},
		{&lambda.Cors{}, "https://a.example", ""},
	} {
		if got := allowOrigin(c.cors, c.origin); got != c.want {
			t.Errorf("allowOrigin(%v, %q) = %q, want %q", c.cors.AllowOrigins, c.origin, got, c.want)
		}
	}
	// Only the configured CORS headers remain on an allowed response.
	h := http.Header{"Access-Control-Allow-Origin": {"*"}, "Access-Control-Max-Age": {"9"}}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Origin", "https://a.example")
	applyCORS(h, exact, r)
	if h.Get("Access-Control-Allow-Origin") != "https://a.example" || h.Get("Access-Control-Max-Age") != "" {
		t.Fatalf("applyCORS: %v", h)
	}
	if !strings.Contains(string(appendEvent(nil, docRequest())), `"accountId":"111122223333"`) {
		t.Fatal("accountId")
	}
}

// TestHostileInputIsLinear: a query or header set with a great many names
// or values (a 1 MB request line allows hundreds of thousands) must not
// cost quadratic time. Wall time alone depends on the machine's load and
// caches, so the parse is compared with a plain linear pass over the same
// input in the same run (split it, put each piece in a map), each the
// fastest of three: a linear parse stays within a small multiple of it,
// a quadratic one (5e9 comparisons here) is hundreds of times slower.
func TestHostileInputIsLinear(t *testing.T) {
	same := strings.Repeat("a=1&", 250000)
	distinct := make([]string, 100000)
	for i := range distinct {
		distinct[i] = "k" + strconv.Itoa(i) + "=v"
	}
	joined := strings.Join(distinct, "&")
	h := http.Header{}
	for i := 0; i < 50000; i++ {
		h["x "+strconv.Itoa(i)] = []string{"v"}
		h["X "+strconv.Itoa(i)] = []string{"w"}
	}
	fastest := func(f func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	baseline := fastest(func() {
		for _, s := range []string{same, joined} {
			m := map[string]int{}
			for _, p := range strings.Split(s, "&") {
				m[p] += len(p)
			}
		}
		m := map[string]string{}
		for k, v := range h {
			m[strings.ToLower(k)] = v[0]
		}
	})
	parse := func() error {
		if q := parseQuery(same); len(q) != 1 || len(q[0].v) != 250000*2-1 {
			return fmt.Errorf("same name: %d", len(q))
		}
		if q := parseQuery(joined); len(q) != 100000 {
			return fmt.Errorf("distinct names: %d", len(q))
		}
		r := docRequest()
		r.header = h
		if list, _ := eventHeaders(r); len(list) != 50000+5 {
			return fmt.Errorf("headers: %d", len(list))
		}
		return nil
	}
	// A run slower than 30 linear passes is tried again (the machine may
	// have been busy); one still running after 100 is quadratic, and the
	// test does not wait for it.
	var took time.Duration
	for range 3 {
		start := time.Now()
		done := make(chan error, 1)
		go func() { done <- parse() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(100 * baseline):
			t.Fatalf("parsing had not finished after %v, 100 times a linear pass over the same input (%v)", time.Since(start), baseline)
		}
		if took = time.Since(start); took <= 30*baseline {
			t.Logf("parse %v, linear pass %v", took, baseline)
			return
		}
	}
	t.Fatalf("parsing took %v, %.0f times a linear pass over the same input (%v)", took, float64(took)/float64(baseline), baseline)
}
