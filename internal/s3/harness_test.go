package s3_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/s3"
	"github.com/seki-dev/seki/internal/sigv4"
	"github.com/seki-dev/seki/internal/store"
)

// The accounts of every test environment, as servertest has them.
const (
	accountA = "111111111111"
	accountB = "222222222222"
)

// identity is one caller the harness knows: its key and who it is.
type identity struct {
	keyID, secret string
	principal     policy.Principal
	policies      []*policy.Policy
}

// env is a real S3 endpoint on loopback: real HTTP, real SigV4
// verification (sigv4.Verifier), the real store in a temporary directory
// and the real authorizer. It plays the server's part (verify, resolve the
// caller, fill the global condition keys) until servertest can run S3.
type env struct {
	t        testing.TB
	dir      string
	db       *store.DB
	svc      *s3.Service
	h        *s3.Handler
	srv      *httptest.Server
	verifier *sigv4.Verifier
	now      func() time.Time
	tls      bool

	mu    sync.Mutex
	ids   map[string]*identity // by key id
	log   []*authz.Entry
	funcs *fakeFunctions
}

type envOptions struct {
	// funcs is Lambda as notifications see it (s3.Options.Functions).
	funcs       *fakeFunctions
	tls         bool
	inlineLimit int
	dir         string
}

func newEnv(t testing.TB, opts ...envOptions) *env {
	t.Helper()
	var o envOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	e := &env{t: t, dir: o.dir, ids: map[string]*identity{}, now: time.Now, tls: o.tls, funcs: o.funcs}
	if e.dir == "" {
		e.dir = t.TempDir()
	}
	e.open(o.inlineLimit)
	e.addIdentity(&identity{keyID: "AKIAROOTAAAAAAAAAAAA", secret: "root-secret-a", principal: rootPrincipal(accountA)})
	e.addIdentity(&identity{keyID: "AKIAROOTBBBBBBBBBBBB", secret: "root-secret-b", principal: rootPrincipal(accountB)})
	h := http.HandlerFunc(e.serve)
	if o.tls {
		e.srv = httptest.NewTLSServer(h)
	} else {
		e.srv = httptest.NewServer(h)
	}
	t.Cleanup(e.close)
	return e
}

func (e *env) open(inlineLimit int) {
	ctx := context.Background()
	db, err := store.Open(ctx, e.dir, s3.Migrations())
	if err != nil {
		e.t.Fatalf("store.Open: %v", err)
	}
	e.db = db
	az := authz.New(e, e)
	opts := s3.Options{Now: func() time.Time { return e.now() }, Authz: az, InlineLimit: inlineLimit}
	if e.funcs != nil {
		opts.Functions = e.funcs
	}
	svc := s3.New(db, opts)
	if err := svc.Start(ctx); err != nil {
		e.t.Fatalf("s3 Start: %v", err)
	}
	e.svc = svc
	e.h = svc.Handler(protocol.Dispatcher{Authz: az, Deny: authz.AccessDenied})
	e.verifier = &sigv4.Verifier{Now: func() time.Time { return e.now() }}
}

// restart closes the service and store and opens them again on the same
// directory, keeping the HTTP server.
func (e *env) restart() {
	e.svc.Stop(context.Background())
	e.db.Close()
	e.open(0)
}

func (e *env) close() {
	e.srv.Close()
	e.svc.Stop(context.Background())
	e.db.Close()
}

func rootPrincipal(account string) policy.Principal {
	return policy.Principal{Type: policy.Root, ARN: "arn:aws:iam::" + account + ":root", Account: account, UserID: account}
}

func (e *env) addIdentity(id *identity) {
	e.mu.Lock()
	e.ids[id.keyID] = id
	e.mu.Unlock()
}

// user registers an IAM user with identity policies (JSON documents) and
// returns its credentials.
func (e *env) user(account, name string, docs ...string) (keyID, secret string) {
	e.t.Helper()
	id := &identity{
		keyID:  "AKIA" + strings.ToUpper(name) + strings.Repeat("X", 16-len(name)),
		secret: "secret-" + name,
		principal: policy.Principal{Type: policy.User, ARN: "arn:aws:iam::" + account + ":user/" + name,
			Account: account, UserID: "AIDA" + strings.ToUpper(name), Username: name},
	}
	for _, d := range docs {
		p, err := policy.Parse([]byte(d), policy.Identity)
		if err != nil {
			e.t.Fatalf("identity policy: %v", err)
		}
		id.policies = append(id.policies, p)
	}
	e.addIdentity(id)
	return id.keyID, id.secret
}

// Key implements sigv4.Keys.
func (e *env) Key(id string) (sigv4.Key, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, ok := e.ids[id]
	if !ok {
		return sigv4.Key{}, false
	}
	return sigv4.Key{Secret: i.secret}, true
}

// Policies implements authz.Identities.
func (e *env) Policies(ctx context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, i := range e.ids {
		if i.principal.ARN == p.ARN {
			return i.policies, nil, nil
		}
	}
	return nil, nil, nil
}

// Record implements authz.Recorder.
func (e *env) Record(en *authz.Entry) {
	e.mu.Lock()
	e.log = append(e.log, en)
	e.mu.Unlock()
}

func (e *env) decisions() []*authz.Entry {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*authz.Entry(nil), e.log...)
}

// serve is the server's part of a request.
func (e *env) serve(w http.ResponseWriter, hr *http.Request) {
	r := &protocol.Request{HTTP: hr, ID: "00000000-0000-4000-8000-000000000000", Now: e.now(), Service: "s3", Region: "us-east-1"}
	res, err := e.verifier.Verify(hr, nil, e)
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			e.h.WriteError(w, r, se.AWS("s3"))
			return
		}
		e.h.WriteError(w, r, err)
		return
	}
	r.Region = res.Region
	e.mu.Lock()
	id := e.ids[res.AccessKeyID]
	e.mu.Unlock()
	r.Caller = &authz.Caller{Principal: id.principal, AccessKeyID: res.AccessKeyID}
	r.Signature = res
	c := policy.NewContext(8)
	if host, _, err := net.SplitHostPort(hr.RemoteAddr); err == nil {
		c.Set("aws:SourceIp", host)
	}
	c.Set("aws:CurrentTime", r.Now.UTC().Format("2006-01-02T15:04:05Z"))
	c.Set("aws:EpochTime", strconv.FormatInt(r.Now.Unix(), 10))
	c.Set("aws:SecureTransport", strconv.FormatBool(hr.TLS != nil))
	r.Context = c
	e.h.ServeAWS(w, r)
}

// client returns an SDK client for the given credentials, path-style.
func (e *env) client(keyID, secret string, optFns ...func(*awss3.Options)) *awss3.Client {
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		BaseEndpoint:     aws.String(e.srv.URL),
		HTTPClient:       e.httpClient(),
		RetryMaxAttempts: 1,
	}
	return awss3.NewFromConfig(cfg, append([]func(*awss3.Options){func(o *awss3.Options) { o.UsePathStyle = true }}, optFns...)...)
}

// rootA and rootB are the accounts' root users.
func (e *env) rootA(optFns ...func(*awss3.Options)) *awss3.Client {
	return e.client("AKIAROOTAAAAAAAAAAAA", "root-secret-a", optFns...)
}

func (e *env) rootB(optFns ...func(*awss3.Options)) *awss3.Client {
	return e.client("AKIAROOTBBBBBBBBBBBB", "root-secret-b", optFns...)
}

// httpClient dials the test server whatever the host name, so that
// virtual-hosted-style names (bucket.localhost:PORT) reach it.
func (e *env) httpClient() *http.Client {
	addr := e.srv.Listener.Addr().String()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 16,
	}
	if e.tls {
		tr.TLSClientConfig = e.srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
		tr.TLSClientConfig.InsecureSkipVerify = true
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// virtualHosted returns a client that addresses buckets as
// BUCKET.localhost:PORT.
func (e *env) virtualHosted(keyID, secret string) *awss3.Client {
	_, port, _ := net.SplitHostPort(e.srv.Listener.Addr().String())
	scheme := "http"
	if e.tls {
		scheme = "https"
	}
	return e.client(keyID, secret, func(o *awss3.Options) {
		o.UsePathStyle = false
		o.BaseEndpoint = aws.String(scheme + "://localhost:" + port)
	})
}

// apiErr extracts the AWS error code and HTTP status of err.
func apiErr(t testing.TB, err error) (string, string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error, got none")
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

func wantCode(t testing.TB, err error, code string) string {
	t.Helper()
	got, msg := apiErr(t, err)
	if got != code {
		t.Fatalf("error code %q (%s), want %q", got, msg, code)
	}
	return msg
}

func mustCreateBucket(t testing.TB, c *awss3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}
