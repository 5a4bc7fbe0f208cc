package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// The test harness serves the real Lambda handler over real HTTP to the
// real SDK, with a real store and the real authorizer and policy engine.
// Only identity resolution is local: the caller is chosen by the access
// key id in the SigV4 Authorization header (signatures are not checked:
// that is sigv4's job, tested there and end to end in the server).

const (
	acctA  = "111111111111"
	acctB  = "222222222222"
	region = "us-east-1"
)

// principals by access key id.
var principals = map[string]policy.Principal{
	"ROOTA":  {Type: policy.Root, ARN: "arn:aws:iam::" + acctA + ":root", Account: acctA, UserID: acctA},
	"ROOTB":  {Type: policy.Root, ARN: "arn:aws:iam::" + acctB + ":root", Account: acctB, UserID: acctB},
	"ALICE":  {Type: policy.User, ARN: "arn:aws:iam::" + acctA + ":user/alice", Account: acctA, Username: "alice", UserID: "AIDAALICE"},
	"CAROL":  {Type: policy.User, ARN: "arn:aws:iam::" + acctA + ":user/carol", Account: acctA, Username: "carol", UserID: "AIDACAROL"},
	"BOB":    {Type: policy.User, ARN: "arn:aws:iam::" + acctB + ":user/bob", Account: acctB, Username: "bob", UserID: "AIDABOB"},
	"DAVE":   {Type: policy.User, ARN: "arn:aws:iam::" + acctB + ":user/dave", Account: acctB, Username: "dave", UserID: "AIDADAVE"},
	"MALLET": {Type: policy.User, ARN: "arn:aws:iam::333333333333:user/mallet", Account: "333333333333", Username: "mallet", UserID: "AIDAMALLET"},
}

// identities is a mutable identity-policy table.
type identities struct {
	mu sync.Mutex
	m  map[string][]*policy.Policy
}

func (ids *identities) Policies(ctx context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	return ids.m[p.ARN], nil, nil
}

func (ids *identities) set(t testing.TB, arn string, docs ...string) {
	t.Helper()
	var ps []*policy.Policy
	for _, d := range docs {
		p, err := policy.Parse([]byte(d), policy.Identity)
		if err != nil {
			t.Fatalf("identity policy: %v\n%s", err, d)
		}
		p.Name = "test identity policy"
		ps = append(ps, p)
	}
	ids.mu.Lock()
	ids.m[arn] = ps
	ids.mu.Unlock()
}

// roles is a fixed role table.
type roles map[string]lambda.Role

func (r roles) RoleByARN(ctx context.Context, arn string) (lambda.Role, bool, error) {
	role, ok := r[arn]
	return role, ok, nil
}

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const (
	roleA    = "arn:aws:iam::" + acctA + ":role/exec"
	roleEC2  = "arn:aws:iam::" + acctA + ":role/ec2only"
	roleB    = "arn:aws:iam::" + acctB + ":role/exec"
	missRole = "arn:aws:iam::" + acctA + ":role/nope"
)

type env struct {
	t     testing.TB
	svc   *lambda.Service
	srv   *httptest.Server
	ids   *identities
	dir   string
	log   *authz.Log
	db    *store.DB
	az    *authz.Authorizer
	runMu sync.Mutex
}

// newEnv starts Lambda over a fresh store; runner, when given, runs the
// functions (lambda.Options.Runner).
func newEnv(t testing.TB, runner ...lambda.Runner) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, dir, lambda.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	log, err := authz.OpenLog(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	ids := &identities{m: map[string][]*policy.Policy{}}
	rs := roles{}
	for arn, doc := range map[string]string{roleA: lambdaTrust, roleEC2: ec2Trust, roleB: lambdaTrust} {
		p, err := policy.Parse([]byte(doc), policy.Trust)
		if err != nil {
			t.Fatal(err)
		}
		rs[arn] = lambda.Role{ARN: arn, Account: arn[13:25], Trust: p}
	}
	az := authz.New(ids, log)
	opts := lambda.Options{Roles: rs, Authz: az}
	if len(runner) > 0 {
		opts.Runner = runner[0]
	}
	svc := lambda.New(db, opts)
	h := svc.Handler(protocol.Dispatcher{Authz: az, Deny: lambda.AccessDenied})
	e := &env{t: t, svc: svc, ids: ids, dir: dir, log: log, db: db, az: az}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		key, reg := scope(hr.Header.Get("Authorization"))
		p, ok := principals[key]
		if !ok {
			http.Error(w, "unknown key "+key, http.StatusForbidden)
			return
		}
		body, _ := io.ReadAll(hr.Body)
		r := &protocol.Request{HTTP: hr, ID: newID(), Service: "lambda", Region: reg, Caller: &authz.Caller{Principal: p, AccessKeyID: key},
			Body: body, Context: policy.NewContext(4), Now: time.Now()}
		r.Context.Set("aws:SecureTransport", "false")
		h.ServeAWS(w, r)
	}))
	t.Cleanup(func() {
		e.srv.Close()
		log.Close()
		db.Close()
	})
	return e
}

var idMu sync.Mutex
var idN int

func newID() string {
	idMu.Lock()
	defer idMu.Unlock()
	idN++
	return "req-" + strings.Repeat("0", 6) + itoa(idN)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// scope reads the access key and region from a SigV4 Authorization header.
func scope(auth string) (key, region string) {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 3 {
		return "", ""
	}
	return parts[0], parts[2]
}

// client returns an SDK client signing as the principal with access key key.
func (e *env) client(key string) *sdk.Client {
	return sdk.NewFromConfig(aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret", ""),
		BaseEndpoint:     aws.String(e.srv.URL),
		RetryMaxAttempts: 1,
	})
}

// zipBytes builds a small deployment package.
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

type sdkCode = types.FunctionCode

var handlerZip = map[string]string{"index.py": "def handler(event, context):\n    return event\n"}

// createFn creates a python function in the caller's account.
func (e *env) createFn(c *sdk.Client, name, role string) *sdk.CreateFunctionOutput {
	e.t.Helper()
	out, err := c.CreateFunction(context.Background(), &sdk.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      "python3.12",
		Role:         aws.String(role),
		Handler:      aws.String("index.handler"),
		Code:         &sdkCode{ZipFile: zipBytes(e.t, handlerZip)},
	})
	if err != nil {
		e.t.Fatalf("CreateFunction %s: %v", name, err)
	}
	return out
}

// apiErr asserts err is an AWS error with code and (when msg != "") message.
func apiErr(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		// Errors from in-process calls (InvokeAs) are awserr values.
		var e *awserr.Error
		if !errors.As(err, &e) {
			t.Fatalf("want %s error, got %v", code, err)
		}
		ae = &smithy.GenericAPIError{Code: e.Code, Message: e.Message}
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want code %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("%s message:\n got  %q\n want %q", code, ae.ErrorMessage(), msg)
	}
}

// requestID returns the request id of an SDK error.
func requestID(err error) string {
	var re interface{ ServiceRequestID() string }
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}
