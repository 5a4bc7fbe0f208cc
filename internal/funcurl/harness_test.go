package funcurl_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// The end-to-end tests run a real seki (servertest: real store, real
// SigV4, IAM, the policy engine and the decision log) and reach function
// URLs over real HTTP, by the host name the API returns, through a dialer
// that sends every connection to the server's loopback port, as
// `curl --resolve` would.

const (
	acctA  = "111111111111"
	acctB  = "222222222222"
	region = "us-east-1"
)

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// echoCode is the Python handler the stand-in runner mirrors: /error raises,
// /return answers with the JSON the request body holds, anything else
// returns the event itself.
const echoCode = `import base64, json

def handler(event, context):
    path = event["rawPath"]
    if path.startswith("/error"):
        raise Exception("boom")
    if path.startswith("/return"):
        body = event.get("body", "")
        if event["isBase64Encoded"]:
            body = base64.b64decode(body).decode()
        return json.loads(body)
    return event
`

// standIn is a Runner doing what echoCode does, until the runtime is wired
// into the server. It records what it ran.
type standIn struct {
	mu    sync.Mutex
	runs  int
	specs []*lambda.FunctionSpec
}

func (s *standIn) Run(ctx context.Context, spec *lambda.FunctionSpec, req *lambda.InvokeRequest) (*lambda.InvokeResult, error) {
	s.mu.Lock()
	s.runs++
	s.specs = append(s.specs, spec)
	s.mu.Unlock()
	if spec.ReservedConcurrency != nil && *spec.ReservedConcurrency == 0 {
		return nil, awserr.Code{Name: "TooManyRequestsException", Status: 429}.New("Rate Exceeded.")
	}
	var ev struct {
		RawPath         string `json:"rawPath"`
		Body            string `json:"body"`
		IsBase64Encoded bool   `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(req.Payload, &ev); err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(ev.RawPath, "/error"):
		return &lambda.InvokeResult{StatusCode: 200, FunctionError: "Unhandled",
			Payload: []byte(`{"errorMessage":"boom","errorType":"Exception","stackTrace":[]}`)}, nil
	case strings.HasPrefix(ev.RawPath, "/return"):
		body := []byte(ev.Body)
		if ev.IsBase64Encoded {
			body, _ = base64.StdEncoding.DecodeString(ev.Body)
		}
		return &lambda.InvokeResult{StatusCode: 200, Payload: body}, nil
	}
	return &lambda.InvokeResult{StatusCode: 200, Payload: req.Payload}, nil
}

func (s *standIn) count() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs
}

// urlEnv is a server with a function in account A.
type urlEnv struct {
	t      testing.TB
	env    *servertest.Env
	runner *standIn
	lamA   *sdk.Client
	iamA   *iam.Client
	iamB   *iam.Client
	client *http.Client
	role   string
	fn     string
	fnARN  string
}

// newURLEnv starts a server whose functions run on the stand-in runner,
// with the Python echo function "echo" in account A.
func newURLEnv(t testing.TB) *urlEnv {
	t.Helper()
	e := newServer(t, &standIn{})
	e.createFunction("echo", "python3.12", "index.handler", zipBytes(t, map[string]string{"index.py": echoCode}))
	return e
}

// newServer starts a server; runner nil leaves the real runtime in place.
func newServer(t testing.TB, runner *standIn, opts ...servertest.Options) *urlEnv {
	t.Helper()
	var o servertest.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if runner != nil {
		o.LambdaRunner = runner
	}
	env := servertest.Start(t, o)
	e := &urlEnv{t: t, env: env, runner: runner, fn: "echo"}
	e.lamA = sdk.NewFromConfig(env.Root(servertest.AccountA))
	e.iamA = iam.NewFromConfig(env.Root(servertest.AccountA))
	e.iamB = iam.NewFromConfig(env.Root(servertest.AccountB))
	addr := env.Server.Addr()
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	e.client = &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		}},
	}
	role, err := e.iamA.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		t.Fatal(err)
	}
	e.role = *role.Role.Arn
	return e
}

// createFunction creates a function in account A and makes it the one the
// helpers below work on.
func (e *urlEnv) createFunction(name string, rt types.Runtime, handler string, code []byte) {
	e.t.Helper()
	fn, err := e.lamA.CreateFunction(context.Background(), &sdk.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: rt, Role: aws.String(e.role), Handler: aws.String(handler),
		Code: &types.FunctionCode{ZipFile: code}, Timeout: aws.Int32(30),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.fn, e.fnARN = name, *fn.FunctionArn
}

func zipBytes(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// createURL makes a URL for the function (or qualifier) and returns it.
func (e *urlEnv) createURL(authType types.FunctionUrlAuthType, qualifier string, cors *types.Cors) string {
	e.t.Helper()
	in := &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String(e.fn), AuthType: authType, Cors: cors}
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
	}
	out, err := e.lamA.CreateFunctionUrlConfig(context.Background(), in)
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.FunctionUrl
}

// allowPublic adds the two statements a public (NONE) URL needs.
func (e *urlEnv) allowPublic(qualifier string) {
	e.t.Helper()
	e.addPermission("url", "lambda:InvokeFunctionUrl", "*", qualifier, types.FunctionUrlAuthTypeNone, nil)
	e.addPermission("invoke", "lambda:InvokeFunction", "*", qualifier, "", aws.Bool(true))
}

func (e *urlEnv) addPermission(sid, action, principal, qualifier string, authType types.FunctionUrlAuthType, viaURL *bool) {
	e.t.Helper()
	in := &sdk.AddPermissionInput{FunctionName: aws.String(e.fn), StatementId: aws.String(sid), Action: aws.String(action),
		Principal: aws.String(principal), FunctionUrlAuthType: authType, InvokedViaFunctionUrl: viaURL}
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
	}
	if _, err := e.lamA.AddPermission(context.Background(), in); err != nil {
		e.t.Fatal(err)
	}
}

// reply is an HTTP response read in full.
type reply struct {
	status int
	header http.Header
	body   string
}

func (r *reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("response body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// do sends a request; sign, when not nil, signs it first.
func (e *urlEnv) do(method, url string, body []byte, header map[string]string, sign func(*http.Request, []byte)) *reply {
	e.t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	if sign != nil {
		sign(req, body)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// signer signs like aws-sdk-go-v2 does, for service lambda.
func signer(t testing.TB, key, secret, token, service, signRegion string) func(*http.Request, []byte) {
	return func(req *http.Request, body []byte) {
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, service, signRegion, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

// user creates an IAM user with inline policies and returns its signer.
func user(t *testing.T, c *iam.Client, name string, policies ...string) func(*http.Request, []byte) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for i, doc := range policies {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name),
			PolicyName: aws.String(name + string(rune('a'+i))), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return signer(t, *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "", "lambda", region)
}

func allow(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

const forbidden = `{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}`

// isForbidden checks AWS's denial response.
func isForbidden(t *testing.T, r *reply) {
	t.Helper()
	if r.status != 403 || r.body != forbidden || r.header.Get("x-amzn-ErrorType") != "AccessDeniedException" ||
		r.header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("want AWS's Forbidden, got %d %v %s", r.status, r.header, r.body)
	}
}
