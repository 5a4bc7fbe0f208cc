package funcurl_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// These tests run real functions on seki's runtime: the Python echo
// handler (echoCode) and an aws-lambda-go binary built from
// testdata/urlecho, each reached through its function URL.

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
}

var (
	goOnce sync.Once
	goZip  []byte
	goErr  error
)

// urlechoZip builds testdata/urlecho for linux once and zips it as the
// provided runtime's bootstrap.
func urlechoZip(t *testing.T) []byte {
	t.Helper()
	goOnce.Do(func() {
		goZip, goErr = servertest.BuildBootstrap(t, "./testdata/urlecho")
	})
	if goErr != nil {
		t.Fatal(goErr)
	}
	return goZip
}

func TestRealPythonFunction(t *testing.T) {
	needPython(t)
	e := newServer(t, nil)
	e.createFunction("echo", "python3.12", "index.handler", zipBytes(t, map[string]string{"index.py": echoCode}))
	u := e.createURL(types.FunctionUrlAuthTypeNone, "", nil)

	isForbidden(t, e.do("GET", u+"echo", nil, nil, nil))
	e.allowPublic("")

	r := e.do("POST", u+"echo/p?a=1&a=2", []byte("hi"), map[string]string{"Content-Type": "text/plain", "Cookie": "k=v", "User-Agent": "ua/1"}, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("python echo: %d %v %s", r.status, r.header, r.body)
	}
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if ev.RawPath != "/echo/p" || ev.QueryStringParameters["a"] != "1,2" || ev.Body != "hi" || ev.Cookies[0] != "k=v" ||
		ev.RequestContext.AccountID != "anonymous" || ev.RequestContext.HTTP.UserAgent != "ua/1" ||
		ev.RequestContext.RequestID != r.header.Get("x-amzn-RequestId") {
		t.Fatalf("event as the function saw it: %+v", ev)
	}

	for _, c := range []struct {
		result, body string
		status       int
	}{
		{`{"statusCode": 201, "headers": {"X-From": "python"}, "cookies": ["a=1"], "body": "made"}`, "made", 201},
		{`"hello"`, "hello", 200},
		{`[1, 2]`, "[1,2]", 200}, // compacted, as AWS sends it
	} {
		r := e.do("POST", u+"return", []byte(c.result), map[string]string{"Content-Type": "application/json"}, nil)
		if r.status != c.status || r.body != c.body {
			t.Errorf("%s: %d %q", c.result, r.status, r.body)
		}
		if c.status == 201 && (r.header.Get("X-From") != "python" || r.header.Get("Set-Cookie") != "a=1") {
			t.Errorf("described response headers: %v", r.header)
		}
	}
	// An exception in the handler is a 502.
	if r := e.do("GET", u+"error", nil, nil, nil); r.status != 502 || r.body != "Internal Server Error" {
		t.Fatalf("python exception: %d %q", r.status, r.body)
	}
}

func TestRealGoFunctionIAM(t *testing.T) {
	e := newServer(t, nil)
	e.createFunction("goecho", "provided.al2023", "bootstrap", urlechoZip(t))
	u := e.createURL(types.FunctionUrlAuthTypeAwsIam, "", nil)
	alice := user(t, e.iamA, "alice", allow("lambda:InvokeFunctionUrl", e.fnARN), allow("lambda:InvokeFunction", e.fnARN))
	nobody := user(t, e.iamA, "nobody")

	isForbidden(t, e.do("GET", u+"x", nil, nil, nobody))
	r := e.do("PUT", u+"items/7?v=1", []byte{1, 2, 3}, map[string]string{"Content-Type": "application/octet-stream"}, alice)
	if r.status != 200 || r.header.Get("X-Handler") != "aws-lambda-go" || r.header.Get("Set-Cookie") != "handler=go; Path=/" {
		t.Fatalf("go function: %d %v %s", r.status, r.header, r.body)
	}
	var out struct {
		Request      events.LambdaFunctionURLRequest `json:"request"`
		AwsRequestID string                          `json:"awsRequestId"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	req := out.Request
	iam := req.RequestContext.Authorizer.IAM
	if req.RawPath != "/items/7" || req.RequestContext.HTTP.Method != "PUT" || !req.IsBase64Encoded || req.Body != "AQID" ||
		iam.UserARN != "arn:aws:iam::111111111111:user/alice" || iam.AccountID != acctA || !strings.HasPrefix(iam.CallerID, "AIDA") ||
		out.AwsRequestID != r.header.Get("x-amzn-RequestId") || req.RequestContext.RequestID != out.AwsRequestID {
		t.Fatalf("as aws-lambda-go read it: %+v (request id %s)", out, r.header.Get("x-amzn-RequestId"))
	}
}
