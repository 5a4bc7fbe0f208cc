package funcurl_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// explained waits for `seki explain` to find request id and checks that
// what it prints contains every want.
func (e *urlEnv) explained(id string, want ...string) {
	e.t.Helper()
	var out, errOut bytes.Buffer
	deadline := time.Now().Add(3 * time.Second)
	for {
		out.Reset()
		errOut.Reset()
		if explain.Run(e.env.DataDir, id, &out, &errOut) == 0 {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(out.String(), w)
			}
			if ok {
				return
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("explain %s:\n%s%s\nwant %q", id, out.String(), errOut.String(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNoneAuthNeedsBothPublicStatements(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	if !regexp.MustCompile(`^http://[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+/$`).MatchString(u) {
		t.Fatalf("FunctionUrl %s", u)
	}

	// No resource policy: denied, and the denial is explained.
	r := e.do("GET", u+"echo", nil, nil, nil)
	isForbidden(t, r)
	e.explained(r.header.Get("x-amzn-RequestId"), "lambda:InvokeFunctionUrl", "Decision: ImplicitlyDenied",
		"because no resource-based policy allows the lambda:InvokeFunctionUrl action")

	// The InvokeFunctionUrl statement alone is not enough for a URL made
	// since October 2025: lambda:InvokeFunction is decided next.
	e.addPermission("url", "lambda:InvokeFunctionUrl", "*", "", types.FunctionUrlAuthTypeNone, nil)
	r = e.do("GET", u+"echo", nil, nil, nil)
	isForbidden(t, r)
	e.explained(r.header.Get("x-amzn-RequestId"), "lambda:InvokeFunctionUrl", "Decision: Allowed",
		"because no resource-based policy allows the lambda:InvokeFunction action")
	if e.runner.count() != 0 {
		t.Fatal("a denied request ran the function")
	}

	e.addPermission("invoke", "lambda:InvokeFunction", "*", "", "", aws.Bool(true))
	r = e.do("GET", u+"echo", nil, nil, nil)
	if r.status != 200 {
		t.Fatalf("allowed: %d %s", r.status, r.body)
	}
	ev := r.json(t)
	if ev["requestContext"].(map[string]any)["accountId"] != "anonymous" {
		t.Fatalf("accountId %v", ev["requestContext"])
	}

	// lambda:InvokedViaFunctionUrl keeps the public InvokeFunction grant to
	// the URL: a direct Invoke by another account is still refused.
	bob := sdk.NewFromConfig(e.env.Root(servertest.AccountB))
	_, err := bob.Invoke(context.Background(), &sdk.InvokeInput{FunctionName: aws.String(e.fnARN), InvocationType: types.InvocationTypeDryRun})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("direct invoke by account B: %v", err)
	}
}

func TestUnknownURL(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	host := strings.TrimPrefix(u, "http://")
	other := "http://0123456789abcdefghijklmnopqrstuv" + host[32:]
	r := e.do("GET", other, nil, nil, nil)
	if r.status != 403 || r.body != `{"Message":null}` || r.header.Get("x-amzn-ErrorType") != "AccessDeniedException" ||
		r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("unknown URL: %d %v %s", r.status, r.header, r.body)
	}
}

func TestEventFields(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	e.allowPublic("")
	id := strings.TrimPrefix(u, "http://")[:32]
	host := strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")

	start := time.Now()
	r := e.do("POST", u+"echo/a%20b/?b=2&a=1&a=x%20y&flag&e=", []byte(`{"k":"v"}`), map[string]string{
		"Content-Type": "application/json", "User-Agent": "seki-test/1.0", "X-Multi": "one",
		"Cookie": "c1=v1; c2=v2", "X-Custom-Header": "Some Value",
	}, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("echo: %d %v %s", r.status, r.header, r.body)
	}
	ev := r.json(t)
	want := map[string]any{
		"version": "2.0", "routeKey": "$default", "rawPath": "/echo/a%20b/", "rawQueryString": "b=2&a=1&a=x%20y&flag&e=",
		"body": `{"k":"v"}`, "isBase64Encoded": false,
	}
	for k, v := range want {
		if ev[k] != v {
			t.Errorf("%s = %#v, want %#v", k, ev[k], v)
		}
	}
	if c := ev["cookies"].([]any); len(c) != 2 || c[0] != "c1=v1" || c[1] != "c2=v2" {
		t.Errorf("cookies %v", c)
	}
	q := ev["queryStringParameters"].(map[string]any)
	if q["a"] != "1,x y" || q["b"] != "2" || q["flag"] != "" || q["e"] != "" || len(q) != 4 {
		t.Errorf("queryStringParameters %v", q)
	}
	h := ev["headers"].(map[string]any)
	for k, v := range map[string]string{"content-type": "application/json", "user-agent": "seki-test/1.0",
		"x-custom-header": "Some Value", "host": host, "x-forwarded-proto": "http", "x-forwarded-for": "127.0.0.1",
		"x-forwarded-port": host[strings.LastIndexByte(host, ':')+1:]} {
		if h[k] != v {
			t.Errorf("headers[%s] = %v, want %q", k, h[k], v)
		}
	}
	if _, has := h["cookie"]; has {
		t.Error("the cookie header stays in headers")
	}
	for k := range h {
		if k != strings.ToLower(k) {
			t.Errorf("header %q not lower-cased", k)
		}
	}
	if tr, _ := h["x-amzn-trace-id"].(string); !strings.HasPrefix(tr, "Root=1-") {
		t.Errorf("x-amzn-trace-id %q", tr)
	}
	rc := ev["requestContext"].(map[string]any)
	for k, v := range map[string]any{"accountId": "anonymous", "apiId": id, "domainPrefix": id,
		"domainName": id + ".lambda-url.us-east-1.localhost", "requestId": r.header.Get("x-amzn-RequestId"),
		"routeKey": "$default", "stage": "$default"} {
		if rc[k] != v {
			t.Errorf("requestContext.%s = %#v, want %#v", k, rc[k], v)
		}
	}
	if _, has := rc["authorizer"]; has {
		t.Error("NONE event has an authorizer")
	}
	httpCtx := rc["http"].(map[string]any)
	for k, v := range map[string]any{"method": "POST", "path": "/echo/a%20b/", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "seki-test/1.0"} {
		if httpCtx[k] != v {
			t.Errorf("requestContext.http.%s = %#v, want %#v", k, httpCtx[k], v)
		}
	}
	tm, err := time.Parse("02/Jan/2006:15:04:05 -0700", rc["time"].(string))
	if err != nil || !strings.HasSuffix(rc["time"].(string), " +0000") {
		t.Errorf("time %v: %v", rc["time"], err)
	}
	epoch := int64(rc["timeEpoch"].(float64))
	if epoch < start.UnixMilli()-1000 || epoch > time.Now().UnixMilli()+1000 || tm.Unix() != epoch/1000 {
		t.Errorf("timeEpoch %d, time %v", epoch, tm)
	}

	// Duplicate headers are joined with commas; no query and no body leave
	// their members out.
	req := e.do("GET", u, nil, map[string]string{"Accept": "a/b"}, nil)
	ev = req.json(t)
	for _, k := range []string{"queryStringParameters", "body", "cookies"} {
		if _, has := ev[k]; has {
			t.Errorf("empty %s is present", k)
		}
	}
	if ev["rawPath"] != "/" || ev["rawQueryString"] != "" || ev["isBase64Encoded"] != false {
		t.Errorf("bare GET: %v", ev)
	}

	// Binary bodies (and bodies without a content type) are base64.
	bin := []byte{0, 1, 2, 0xff, 'x'}
	ev = e.do("PUT", u+"bin", bin, map[string]string{"Content-Type": "application/octet-stream"}, nil).json(t)
	if ev["isBase64Encoded"] != true || ev["body"] != base64.StdEncoding.EncodeToString(bin) {
		t.Errorf("binary body: %v %v", ev["body"], ev["isBase64Encoded"])
	}
	ev = e.do("POST", u+"form", []byte("a=1&b=2"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, nil).json(t)
	if ev["isBase64Encoded"] != true || ev["body"] != base64.StdEncoding.EncodeToString([]byte("a=1&b=2")) {
		t.Errorf("form body: %v %v", ev["body"], ev["isBase64Encoded"])
	}
	ev = e.do("POST", u+"text", []byte("héllo"), map[string]string{"Content-Type": "text/plain; charset=utf-8"}, nil).json(t)
	if ev["isBase64Encoded"] != false || ev["body"] != "héllo" {
		t.Errorf("text body: %v %v", ev["body"], ev["isBase64Encoded"])
	}
}

func TestPathForm(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	e.allowPublic("")
	id := strings.TrimPrefix(u, "http://")[:32]
	r := e.do("GET", e.env.URL+"/_seki/lambda-url/"+id+"/echo/x?q=1", nil, nil, nil)
	if r.status != 200 {
		t.Fatalf("path form: %d %s", r.status, r.body)
	}
	ev := r.json(t)
	if ev["rawPath"] != "/echo/x" || ev["rawQueryString"] != "q=1" || ev["requestContext"].(map[string]any)["apiId"] != id {
		t.Fatalf("path form event: %v", ev)
	}
	r = e.do("GET", e.env.URL+"/_seki/lambda-url/"+id, nil, nil, nil)
	if r.status != 200 || r.json(t)["rawPath"] != "/" {
		t.Fatalf("path form root: %d %s", r.status, r.body)
	}
}

// TestURLHostPath: with seki serve --url-host path, the FunctionUrl the API
// returns is the path form, and a plain HTTP client that resolves only
// 127.0.0.1 reaches the function through it as returned.
func TestURLHostPath(t *testing.T) {
	e := newServer(t, &standIn{}, servertest.Options{URLHost: "path"})
	e.createFunction("echo", "python3.12", "index.handler", zipBytes(t, map[string]string{"index.py": echoCode}))
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	e.allowPublic("")
	if want := e.env.URL + "/_seki/lambda-url/"; !strings.HasPrefix(u, want) || len(u) != len(want)+32+1 || !strings.HasSuffix(u, "/") {
		t.Fatalf("FunctionUrl %q, want %s<id>/", u, want)
	}
	resp, err := http.Get(u + "echo/x?q=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ev map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil || resp.StatusCode != 200 || ev["rawPath"] != "/echo/x" {
		t.Fatalf("GET %s: %d %v %v", u, resp.StatusCode, ev, err)
	}
}

func TestResponseConversion(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	e.allowPublic("")
	ret := func(result string) *reply {
		return e.do("POST", u+"return", []byte(result), map[string]string{"Content-Type": "application/json"}, nil)
	}
	cases := []struct {
		result, body, ctype string
		status              int
	}{
		{`{"hello":"world"}`, `{"hello":"world"}`, "application/json", 200},
		{`"hello"`, `hello`, "application/json", 200},
		{`3`, `3`, "application/json", 200},
		{`3.1`, `3.1`, "application/json", 200},
		{`true`, `true`, "application/json", 200},
		{`["hello",3,true]`, `["hello",3,true]`, "application/json", 200},
		{`null`, `null`, "application/json", 200},
		{`{"statusCode":200,"body":"body123"}`, `body123`, "application/json", 200},
		{`{"statusCode":"418","body":"i'm a teapot"}`, `i'm a teapot`, "application/json", 418},
		{`{"statusCode":201,"headers":{"Content-Type":"text/plain","My-Custom-Header":"Custom Value"},"body":"made"}`, `made`, "text/plain", 201},
		{`{"statusCode":200,"headers":{"content-type":"image/png"},"body":"AAEC/w==","isBase64Encoded":true}`, "\x00\x01\x02\xff", "image/png", 200},
		{`{"statusCode":204}`, ``, "application/json", 204},
		{`{"statusCode":"abc","body":"x"}`, `Internal Server Error`, "application/json", 502},
		{`{"statusCode":200,"body":"%%%","isBase64Encoded":true}`, `Internal Server Error`, "application/json", 502},
	}
	for _, c := range cases {
		r := ret(c.result)
		if r.status != c.status || r.body != c.body || r.header.Get("Content-Type") != c.ctype {
			t.Errorf("%s: got %d %q %q, want %d %q %q", c.result, r.status, r.header.Get("Content-Type"), r.body, c.status, c.ctype, c.body)
		}
	}
	r := ret(`{"statusCode":201,"headers":{"My-Custom-Header":"Custom Value"},"cookies":["Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT","Cookie_2=Value2; Max-Age=78000"],"body":"ok"}`)
	if got := r.header.Values("Set-Cookie"); len(got) != 2 || got[0] != "Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT" || got[1] != "Cookie_2=Value2; Max-Age=78000" {
		t.Errorf("Set-Cookie %q", got)
	}
	if r.header.Get("my-custom-header") != "Custom Value" || r.header.Get("x-amzn-RequestId") == "" {
		t.Errorf("headers %v", r.header)
	}

	// A function error is a 502 with AWS's body.
	r = e.do("GET", u+"error", nil, nil, nil)
	if r.status != 502 || r.body != "Internal Server Error" {
		t.Fatalf("function error: %d %q", r.status, r.body)
	}

	// Throttling is 429.
	if _, err := e.lamA.PutFunctionConcurrency(context.Background(), &sdk.PutFunctionConcurrencyInput{
		FunctionName: aws.String("echo"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	r = e.do("GET", u+"echo", nil, nil, nil)
	if r.status != 429 || r.body != `{"Message":"Rate Exceeded."}` || r.header.Get("x-amzn-ErrorType") != "TooManyRequestsException" {
		t.Fatalf("throttled: %d %v %s", r.status, r.header, r.body)
	}
}

func TestIAMAuth(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeAwsIam, "", nil)

	// Unsigned, and signed by a user without permissions: Forbidden.
	isForbidden(t, e.do("GET", u+"echo", nil, nil, nil))
	nobody := user(t, e.iamA, "nobody")
	r := e.do("GET", u+"echo", nil, nil, nobody)
	isForbidden(t, r)
	e.explained(r.header.Get("x-amzn-RequestId"), "arn:aws:iam::111111111111:user/nobody", "lambda:InvokeFunctionUrl",
		"because no identity-based policy allows the lambda:InvokeFunctionUrl action")

	// lambda:InvokeFunctionUrl alone: denied at lambda:InvokeFunction.
	urlOnly := user(t, e.iamA, "urlonly", allow("lambda:InvokeFunctionUrl", e.fnARN))
	r = e.do("GET", u+"echo", nil, nil, urlOnly)
	isForbidden(t, r)
	e.explained(r.header.Get("x-amzn-RequestId"), "because no identity-based policy allows the lambda:InvokeFunction action")

	// Both, the second only via the URL: allowed.
	alice := user(t, e.iamA, "alice", allow("lambda:InvokeFunctionUrl", e.fnARN),
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"`+e.fnARN+`","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"},"StringEquals":{"aws:PrincipalType":"User"}}}]}`)
	r = e.do("POST", u+"echo?x=1", []byte("signed body"), map[string]string{"Content-Type": "text/plain"}, alice)
	if r.status != 200 {
		t.Fatalf("alice: %d %s", r.status, r.body)
	}
	ev := r.json(t)
	rc := ev["requestContext"].(map[string]any)
	iamCtx := rc["authorizer"].(map[string]any)["iam"].(map[string]any)
	if rc["accountId"] != acctA || iamCtx["accountId"] != acctA || iamCtx["userArn"] != "arn:aws:iam::111111111111:user/alice" ||
		!strings.HasPrefix(iamCtx["accessKey"].(string), "AKIA") || !strings.HasPrefix(iamCtx["callerId"].(string), "AIDA") ||
		iamCtx["userId"] != iamCtx["callerId"] || ev["body"] != "signed body" {
		t.Fatalf("IAM event: %v", ev)
	}
	if h := ev["headers"].(map[string]any); !strings.HasPrefix(h["authorization"].(string), "AWS4-HMAC-SHA256 ") {
		t.Fatalf("authorization header not passed on: %v", h)
	}

	// A bad signature and a signature for another service are refused with
	// the signature error, not run.
	runs := e.runner.count()
	bad := func(req *http.Request, body []byte) {
		alice(req, body)
		a := req.Header.Get("Authorization")
		last := byte('0')
		if a[len(a)-1] == '0' {
			last = '1'
		}
		req.Header.Set("Authorization", a[:len(a)-1]+string(last))
	}
	r = e.do("GET", u+"echo", nil, nil, bad)
	if r.status != 403 || r.header.Get("x-amzn-ErrorType") != "InvalidSignatureException" || !strings.Contains(r.body, "signature") {
		t.Fatalf("bad signature: %d %v %s", r.status, r.header, r.body)
	}
	if e.runner.count() != runs {
		t.Fatal("a refused request ran the function")
	}

	// Root of the owning account is allowed by identity, but still needs
	// nothing else.
	root := signer(t, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret, "", "lambda", region)
	if r := e.do("GET", u+"echo", nil, nil, root); r.status != 200 {
		t.Fatalf("root: %d %s", r.status, r.body)
	}
	// A signature scoped to another service is refused.
	other := signer(t, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret, "", "execute-api", region)
	if r := e.do("GET", u+"echo", nil, nil, other); r.status != 403 || r.header.Get("x-amzn-ErrorType") != "InvalidSignatureException" {
		t.Fatalf("other service: %d %v %s", r.status, r.header, r.body)
	}
}

func TestIAMAuthCrossAccount(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeAwsIam, "", nil)
	bob := user(t, e.iamB, "bob", allow("lambda:InvokeFunctionUrl", e.fnARN), allow("lambda:InvokeFunction", e.fnARN))
	r := e.do("GET", u+"echo", nil, nil, bob)
	isForbidden(t, r)
	e.explained(r.header.Get("x-amzn-RequestId"), "arn:aws:iam::222222222222:user/bob",
		"because no resource-based policy allows the lambda:InvokeFunctionUrl action")

	// The resource policy names account B; B's identity policy allows.
	e.addPermission("b-url", "lambda:InvokeFunctionUrl", acctB, "", types.FunctionUrlAuthTypeAwsIam, nil)
	r = e.do("GET", u+"echo", nil, nil, bob)
	isForbidden(t, r)
	e.explained(r.header.Get("x-amzn-RequestId"), "because no resource-based policy allows the lambda:InvokeFunction action")
	e.addPermission("b-invoke", "lambda:InvokeFunction", acctB, "", "", aws.Bool(true))
	r = e.do("GET", u+"echo", nil, nil, bob)
	if r.status != 200 {
		t.Fatalf("bob after AddPermission: %d %s", r.status, r.body)
	}
	if rc := r.json(t)["requestContext"].(map[string]any); rc["accountId"] != acctB {
		t.Fatalf("cross-account event accountId %v", rc["accountId"])
	}

	// Without B's identity policy, the resource policy naming the account
	// is not enough.
	carol := user(t, e.iamB, "carol")
	isForbidden(t, e.do("GET", u+"echo", nil, nil, carol))

	// A statement for AuthType NONE does not open an AWS_IAM URL.
	e.addPermission("public", "lambda:InvokeFunctionUrl", "*", "", types.FunctionUrlAuthTypeNone, nil)
	isForbidden(t, e.do("GET", u+"echo", nil, nil, carol))
}

func TestAliasURL(t *testing.T) {
	e := newURLEnv(t)
	ctx := context.Background()
	if _, err := e.lamA.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("echo")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lamA.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("echo"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	u := e.createURL(types.FunctionUrlAuthTypeNone, "live", nil)
	// Permissions on the unqualified function do not cover the alias.
	e.allowPublic("")
	isForbidden(t, e.do("GET", u+"echo", nil, nil, nil))
	e.allowPublic("live")
	r := e.do("GET", u+"echo", nil, nil, nil)
	if r.status != 200 {
		t.Fatalf("alias URL: %d %s", r.status, r.body)
	}
	last := e.runner.specs[len(e.runner.specs)-1]
	if last.InvokedARN != e.fnARN+":live" || last.Version != "1" {
		t.Fatalf("ran %s version %s", last.InvokedARN, last.Version)
	}
}

func TestCORS(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeAwsIam, "", &types.Cors{
		AllowOrigins: []string{"https://app.example.com"}, AllowMethods: []string{"GET", "POST"},
		AllowHeaders: []string{"x-custom", "authorization"}, ExposeHeaders: []string{"x-exposed"},
		MaxAge: aws.Int32(300), AllowCredentials: aws.Bool(true),
	})
	// A preflight is answered by the URL: no signature, no function.
	r := e.do("OPTIONS", u+"echo", nil, map[string]string{"Origin": "https://app.example.com",
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-custom"}, nil)
	want := map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Methods": "GET,POST",
		"Access-Control-Allow-Headers": "x-custom,authorization", "Access-Control-Max-Age": "300", "Access-Control-Allow-Credentials": "true"}
	if r.status != 200 || r.body != "" {
		t.Fatalf("preflight: %d %s", r.status, r.body)
	}
	for k, v := range want {
		if r.header.Get(k) != v {
			t.Errorf("preflight %s = %q, want %q", k, r.header.Get(k), v)
		}
	}
	if e.runner.count() != 0 {
		t.Fatal("the preflight ran the function")
	}
	// Another origin gets no CORS headers.
	r = e.do("OPTIONS", u+"echo", nil, map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, nil)
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("disallowed preflight: %d %v", r.status, r.header)
	}

	// Actual requests carry the configured headers, over the function's own,
	// denials included.
	r = e.do("GET", u+"echo", nil, map[string]string{"Origin": "https://app.example.com"}, nil)
	isForbidden(t, r)
	if r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("denial without CORS headers: %v", r.header)
	}
	root := signer(t, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret, "", "lambda", region)
	r = e.do("POST", u+"return", []byte(`{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"*","X-Exposed":"1"},"body":"x"}`),
		map[string]string{"Origin": "https://app.example.com", "Content-Type": "application/json"}, root)
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		len(r.header.Values("Access-Control-Allow-Origin")) != 1 || r.header.Get("Access-Control-Expose-Headers") != "x-exposed" ||
		r.header.Get("Access-Control-Allow-Credentials") != "true" || r.header.Get("X-Exposed") != "1" {
		t.Fatalf("CORS on a response: %d %v", r.status, r.header)
	}

	// Without a Cors configuration, OPTIONS is the function's.
	e2 := newURLEnv(t)
	u2 := e2.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	e2.allowPublic("")
	r = e2.do("OPTIONS", u2+"echo", nil, map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"}, nil)
	if r.status != 200 || r.json(t)["requestContext"].(map[string]any)["http"].(map[string]any)["method"] != "OPTIONS" {
		t.Fatalf("OPTIONS without CORS: %d %s", r.status, r.body)
	}
}

func TestLargeBody(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)
	e.allowPublic("")
	r := e.do("POST", u+"echo", bytes.Repeat([]byte("x"), 6*1024*1024+1), map[string]string{"Content-Type": "text/plain"}, nil)
	if r.status != 413 || r.header.Get("x-amzn-ErrorType") != "RequestTooLargeException" {
		t.Fatalf("7 MB: %d %v %.200s", r.status, r.header, r.body)
	}
}

// TestIAMAuthRoleSession: a role session signs with its session token; the
// keys its credentials carry (aws:TokenIssueTime) reach both decisions,
// and the event names the session.
func TestIAMAuthRoleSession(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeAwsIam, "", nil)
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`
	role, err := e.iamA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("caller"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunctionUrl","lambda:InvokeFunction"],"Resource":"` +
		e.fnARN + `","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}]}`
	if _, err := e.iamA.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("caller"), PolicyName: aws.String("url"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	// Roles may not be assumed by root: a user assumes it.
	if _, err := e.iamA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("assumer")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.iamA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("assumer"), PolicyName: aws.String("sts"),
		PolicyDocument: aws.String(allow("sts:AssumeRole", *role.Role.Arn))}); err != nil {
		t.Fatal(err)
	}
	key, err := e.iamA.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("assumer")})
	if err != nil {
		t.Fatal(err)
	}
	stsc := sts.NewFromConfig(e.env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	out, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("sess")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	session := signer(t, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken, "lambda", region)
	r := e.do("GET", u+"echo", nil, nil, session)
	if r.status != 200 {
		t.Fatalf("role session: %d %s", r.status, r.body)
	}
	iamCtx := r.json(t)["requestContext"].(map[string]any)["authorizer"].(map[string]any)["iam"].(map[string]any)
	if iamCtx["userArn"] != "arn:aws:sts::111111111111:assumed-role/caller/sess" || !strings.HasPrefix(iamCtx["callerId"].(string), "AROA") ||
		!strings.HasSuffix(iamCtx["callerId"].(string), ":sess") || iamCtx["accessKey"] != *c.AccessKeyId {
		t.Fatalf("session in the event: %v", iamCtx)
	}
	// Without its session token the key is refused.
	r = e.do("GET", u+"echo", nil, nil, signer(t, *c.AccessKeyId, *c.SecretAccessKey, "", "lambda", region))
	if r.status != 403 || r.header.Get("x-amzn-ErrorType") == "" || r.header.Get("x-amzn-ErrorType") == "AccessDeniedException" {
		t.Fatalf("session key without token: %d %v %s", r.status, r.header, r.body)
	}
}

// sentCounter counts the body bytes a client's transport sends.
type sentCounter struct {
	r io.Reader
	n atomic.Int64
}

func (c *sentCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestIAMAuthUnknownKeyBeforeBody: an AWS_IAM URL refuses an unknown access
// key without reading the body (issue #10, memory before authentication):
// a client waiting for "100 Continue" never sends it. A known signer's
// oversized body is still refused as too large.
func TestIAMAuthUnknownKeyBeforeBody(t *testing.T) {
	e := newURLEnv(t)
	u := e.createURL(types.FunctionUrlAuthTypeAwsIam, "", nil)
	body := &sentCounter{r: bytes.NewReader(bytes.Repeat([]byte("x"), 4<<20))}
	req, err := http.NewRequest("POST", u+"echo", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = 4 << 20
	req.Header.Set("Expect", "100-continue")
	signer(t, "AKIANOSUCHKEYAAAAAAA", "x", "", "lambda", region)(req, nil)
	tr := e.client.Transport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = 10 * time.Second
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("x-amzn-ErrorType") != "UnrecognizedClientException" {
		t.Fatalf("unknown key: %d %v", resp.StatusCode, resp.Header)
	}
	if n := body.n.Load(); n != 0 {
		t.Fatalf("the client sent %d body bytes for an unknown key", n)
	}

	root := signer(t, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret, "", "lambda", region)
	r := e.do("POST", u+"echo", bytes.Repeat([]byte("x"), 6*1024*1024+1), map[string]string{"Content-Type": "text/plain"}, root)
	if r.status != 413 || r.header.Get("x-amzn-ErrorType") != "RequestTooLargeException" {
		t.Fatalf("signed 7 MB: %d %v %.200s", r.status, r.header, r.body)
	}
}
