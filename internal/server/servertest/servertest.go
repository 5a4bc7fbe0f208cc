// Package servertest starts a real seki server for end-to-end tests: a real
// store in a temporary directory, real HTTP on loopback, real SigV4. Tests
// drive it with aws-sdk-go-v2 clients configured by Config.
package servertest

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/provision"
	"github.com/seki-dev/seki/internal/server"
)

// Root credentials of the accounts every Env starts with.
var (
	AccountA = server.RootKey{Account: "111111111111", AccessKeyID: "AKIAROOTAAAAAAAAAAAA", Secret: "root-secret-a"}
	AccountB = server.RootKey{Account: "222222222222", AccessKeyID: "AKIAROOTBBBBBBBBBBBB", Secret: "root-secret-b"}
)

// Env is one running server.
type Env struct {
	// Server is nil for a server run by StartProcess.
	Server  *server.Server
	URL     string
	DataDir string
	Region  string
	cancel  context.CancelFunc
	done    chan error
	// PID is the server's process id when StartProcess runs it, else 0.
	PID int
	// stopProcess ends a server run by StartProcess.
	stopProcess func()
}

// Options adjust an Env.
type Options struct {
	// DataDir reuses a directory (for restart tests); empty means a new
	// temporary one.
	DataDir string
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
	// RootKeys adds accounts beside AccountA and AccountB (scenarios with
	// the account ids of AWS's documentation need their own).
	RootKeys []server.RootKey
	// Runtimes names interpreters, as --runtime does.
	Runtimes map[string]string
	// CacheDir is the cache of `seki runtimes install`; empty means the
	// user's (server.DefaultCacheDir), which CI fills before the tests.
	CacheDir string
	// OIDCKeys registers identity providers' signing keys (server.Config).
	OIDCKeys map[string][]byte
	// URLHost is seki serve --url-host (server.Config).
	URLHost string
	// LambdaRunner stands in for the runtime (server.Config).
	LambdaRunner lambda.Runner
}

// NeedSDK is for tests whose functions import the AWS SDK of lang
// ("python" or "nodejs"), which `seki runtimes install` puts into the
// user's cache: without it they skip, saying so, except where
// SEKI_REQUIRE_SDK is set (.ci/run sets it), where they fail.
func NeedSDK(tb testing.TB, lang string) {
	tb.Helper()
	rel := map[string]string{"python": provision.PythonSDK, "nodejs": provision.NodeSDK}[lang]
	if _, ok := provision.Installed(server.DefaultCacheDir(), rel); ok {
		return
	}
	msg := "the AWS SDK for " + lang + " is not installed in " + server.DefaultCacheDir() + "; run `go run ./cmd/seki runtimes install`"
	if os.Getenv("SEKI_REQUIRE_SDK") != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// Start runs a server until the test ends.
func Start(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	if o.CacheDir == "" {
		o.CacheDir = server.DefaultCacheDir()
	}
	cfg := server.Config{
		Listen:   "127.0.0.1:0",
		DataDir:  o.DataDir,
		Region:   "us-east-1",
		RootKeys: append([]server.RootKey{AccountA, AccountB}, o.RootKeys...),
		Now:      o.Now,
		Runtimes: o.Runtimes,
		CacheDir: o.CacheDir,
		OIDCKeys: o.OIDCKeys,
		URLHost:  o.URLHost,

		LambdaRunner: o.LambdaRunner,
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("server.New: %v", err)
	}
	if err := s.Listen(); err != nil {
		cancel()
		t.Fatalf("listen: %v", err)
	}
	e := &Env{Server: s, URL: s.URL(), DataDir: o.DataDir, Region: cfg.Region, cancel: cancel, done: make(chan error, 1)}
	go func() { e.done <- s.Serve(ctx, 5*time.Second) }()
	t.Cleanup(e.Stop)
	return e
}

// Stop shuts the server down and waits for it; safe to call twice.
func (e *Env) Stop() {
	if e.stopProcess != nil {
		e.stopProcess()
		e.stopProcess = nil
		return
	}
	if e.cancel == nil {
		return
	}
	e.cancel()
	<-e.done
	e.cancel = nil
}

// Config returns an SDK configuration pointing at the server with the
// given static credentials (token may be empty).
func (e *Env) Config(accessKeyID, secret, token string) aws.Config {
	return aws.Config{
		Region:           e.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(accessKeyID, secret, token),
		BaseEndpoint:     aws.String(e.URL),
		HTTPClient:       &http.Client{Timeout: 30 * time.Second},
		RetryMaxAttempts: 1,
	}
}

// Root returns the SDK configuration of an account's root user.
func (e *Env) Root(k server.RootKey) aws.Config {
	return e.Config(k.AccessKeyID, k.Secret, "")
}
