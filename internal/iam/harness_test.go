package iam

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/identity"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// The account every test env starts with, and its root key.
const (
	testAccount = "123456789012"
	rootKey     = "AKIATESTROOT00000000"
	rootSecret  = "root-secret"
)

// recorder is a permissive authorizer that remembers every check, so tests
// can assert the resource and condition keys each operation is authorized
// with. The real door (authz + policy engine + SigV4) is exercised by the
// server's end-to-end tests.
type recorder struct {
	mu     sync.Mutex
	checks []authz.Check
	deny   func(c *authz.Check) error
}

func (a *recorder) Authorize(_ context.Context, c *authz.Check) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checks = append(a.checks, *c)
	if a.deny != nil {
		return a.deny(c)
	}
	return nil
}

func (a *recorder) last() authz.Check {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.checks) == 0 {
		return authz.Check{}
	}
	return a.checks[len(a.checks)-1]
}

// env is one IAM service over a real store, served over real HTTP.
type env struct {
	t    testing.TB
	dir  string
	db   *store.DB
	svc  *Service
	srv  *httptest.Server
	auth *recorder
	now  time.Time
	mu   sync.Mutex
}

func newEnv(t testing.TB) *env {
	return openEnv(t, t.TempDir())
}

func openEnv(t testing.TB, dir string) *env {
	t.Helper()
	e := &env{t: t, dir: dir, auth: &recorder{}, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e.open()
	if err := e.svc.EnsureAccount(context.Background(), testAccount, rootKey, rootSecret); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func (e *env) open() {
	t := e.t
	db, err := store.Open(context.Background(), e.dir, Migrations())
	if err != nil {
		t.Fatal(err)
	}
	ids, err := identity.New(db, identity.Options{Now: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Options{Identity: ids})
	if err != nil {
		t.Fatal(err)
	}
	e.db, e.svc = db, svc
	q := svc.Handler(protocol.Dispatcher{Authz: e.auth, Deny: authz.AccessDenied})
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &protocol.Request{HTTP: r, ID: requestID(), Service: "iam", Region: "us-east-1", Body: body,
			Context: policy.NewContext(8), Now: e.clock()}
		akid := accessKeyOf(r)
		if akid == "" {
			akid = r.Header.Get("X-Test-Access-Key")
		}
		if akid != "" {
			c, err := svc.id.Caller(r.Context(), akid)
			if err != nil {
				q.WriteError(w, req, err)
				return
			}
			req.Caller = c
		}
		q.ServeAWS(w, req)
	}))
	t.Cleanup(e.close)
}

func (e *env) close() {
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
	if e.db != nil {
		e.db.Close()
		e.db = nil
	}
}

// restart closes the store and opens it again, as a process restart would.
func (e *env) restart() {
	e.close()
	e.open()
}

func requestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// accessKeyOf reads the access key id from a SigV4 Authorization header.
func accessKeyOf(r *http.Request) string {
	_, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	akid, _, _ := strings.Cut(rest, "/")
	return akid
}

// client returns an aws-sdk-go-v2 IAM client signing with the given key.
func (e *env) client(akid, secret string) *awsiam.Client {
	return awsiam.New(awsiam.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(e.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(akid, secret, ""),
		RetryMaxAttempts: 1,
	})
}

func (e *env) root() *awsiam.Client { return e.client(rootKey, rootSecret) }

// wantErr asserts err is the AWS error code with message msg ("" for any).
func wantErr(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s error, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want code %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("want message %q, got %q", msg, ae.ErrorMessage())
	}
}

// ok fails the test on err.
func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// awsCode is errors.As for seki's own errors in unit tests.
func awsCode(err error) string {
	var e *awserr.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// raw posts a form as the root user and returns the response body.
func (e *env) raw(form url.Values) string {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Access-Key", rootKey)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
