// Package server wires seki together: it opens the store, builds every
// service, and serves them on one HTTP endpoint where each request is
// authenticated with SigV4, routed by the service in its credential scope,
// and handed to that service's protocol, which authorizes it through authz.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awsregion"
	"github.com/seki-dev/seki/internal/jwt"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sigv4"
	"github.com/seki-dev/seki/internal/store"
	"github.com/seki-dev/seki/internal/ui"
)

// Config is everything `seki serve` can set.
type Config struct {
	// Listen is the TCP address to serve on.
	Listen string
	// DataDir holds the store, blobs and the decision log.
	DataDir string
	// Region is reported in the banner and used where a request carries no
	// region of its own.
	Region string
	// RootKeys registers root credentials, creating accounts as needed.
	RootKeys []RootKey
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Out receives the startup banner; nil means no banner.
	Out io.Writer
	// Runtimes names interpreters for Lambda runtimes (--runtime
	// NAME=PATH); they are preferred to any found on PATH or in version
	// managers.
	Runtimes map[string]string
	// CacheDir holds what `seki runtimes install` fetched (the AWS SDKs,
	// interpreters). It is shared by every data directory; empty means
	// none (functions run without the SDKs).
	CacheDir string
	// OIDCKeys registers the signing keys (a JWKS document) of OpenID
	// Connect identity providers, by issuer URL with or without
	// "https://": AssumeRoleWithWebIdentity verifies tokens against them
	// (seki serve --oidc-jwks ISSUER=FILE).
	OIDCKeys map[string][]byte
	// URLHost is the domain under which the Lambda API returns function
	// URLs (seki serve --url-host): "" means AWS's host form under
	// localhost, http://ID.lambda-url.REGION.localhost:PORT/; "path" the
	// path form http://HOST:PORT/_seki/lambda-url/ID/, which every
	// resolver reaches; any other name, ID.lambda-url.REGION.NAME:PORT.
	URLHost string
	// LambdaRunner, when set, runs function code instead of the runtime;
	// end-to-end tests use it to stand in for real functions.
	LambdaRunner lambda.Runner
}

// RootKey is one --root-key ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY.
type RootKey struct {
	Account, AccessKeyID, Secret string
}

// DefaultRootKey is what an empty --root-key list means: the usual local
// defaults, so that AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test work.
var DefaultRootKey = RootKey{Account: "000000000000", AccessKeyID: "test", Secret: "test"}

// DefaultDataDir is the per-user state directory: $XDG_STATE_HOME/seki, or
// ~/.local/state/seki.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "seki")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "seki")
	}
	return filepath.Join(os.TempDir(), "seki")
}

// DefaultCacheDir is where `seki runtimes install` puts what it fetches:
// the cache directory of the default state directory, used whatever
// --data-dir says, so that it is fetched once per user.
func DefaultCacheDir() string { return filepath.Join(DefaultDataDir(), "cache") }

// decisionLogLimit bounds each decision log file; with one rotated file the
// log keeps at most twice this.
const decisionLogLimit = 32 << 20

// Server is a running seki.
type Server struct {
	cfg       Config
	db        *store.DB
	decisions *authz.Log
	verifier  *sigv4.Verifier
	bodies    *bodies
	oidcKeys  map[string]*jwt.KeySet
	svc       *services
	front     *front
	ln        net.Listener
	// endpointURL is seki's URL for functions, set by Listen.
	endpointURL string
	// ui is the web view at /_seki/ui/, uiToken its token.
	ui      *ui.Handler
	uiToken string
	// code signs and serves Lambda's code download URLs (codewiring.go).
	code *codeLinks
}

// New opens the data directory and builds every service. It starts
// nothing and does not listen: Listen does both.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if len(cfg.RootKeys) == 0 {
		cfg.RootKeys = []RootKey{DefaultRootKey}
	}
	privateUmask()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if err := tightenRoot(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	// SQLite gives its WAL and shared-memory files the database's mode, so
	// the database must be private before the store opens it.
	tightenTree(cfg.DataDir)
	db, err := store.Open(ctx, cfg.DataDir, migrations())
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, verifier: &sigv4.Verifier{Now: cfg.Now, Region: awsregion.Valid, HomeRegion: cfg.Region}}
	if s.bodies, err = newBodies(cfg.DataDir); err != nil {
		db.Close()
		return nil, err
	}
	s.oidcKeys = map[string]*jwt.KeySet{}
	for issuer, doc := range cfg.OIDCKeys {
		ks, err := jwt.ParseKeySet(doc)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("signing keys of %s: %w", issuer, err)
		}
		s.oidcKeys[strings.TrimSuffix(strings.TrimPrefix(issuer, "https://"), "/")] = ks
	}
	if s.decisions, err = authz.OpenLog(cfg.DataDir, decisionLogLimit); err != nil {
		db.Close()
		return nil, err
	}
	if s.svc, err = build(ctx, s); err != nil {
		s.decisions.Close()
		db.Close()
		return nil, err
	}
	if s.ui, err = newUI(s); err != nil {
		s.decisions.Close()
		db.Close()
		return nil, err
	}
	s.front = newFront(s, 30*time.Second)
	return s, nil
}

// Listen binds the configured address and starts the services, in order.
// If one fails to start, those already started are stopped (in reverse
// order), the address is released, and the error is returned.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	// Functions reach seki at this address, from the runtime's start on.
	s.ln, s.endpointURL = ln, endpointURL(ln.Addr())
	if err := s.svc.start(context.Background()); err != nil {
		ln.Close()
		s.ln, s.endpointURL = nil, ""
		return err
	}
	return nil
}

// Addr is the bound address, after Listen.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the endpoint clients use, after Listen.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Serve answers requests until ctx is done, then stops accepting, lets
// in-flight requests finish within grace, and closes everything.
func (s *Server) Serve(ctx context.Context, grace time.Duration) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			s.close()
			return err
		}
	}
	// A crash can leave half-written blob temp files behind; sweeping them
	// walks the whole blob tree, so it runs beside serving, not before it.
	go s.db.Blobs().RemoveStaleTemp()
	errc := make(chan error, 1)
	go func() { errc <- s.front.Serve(s.ln) }()
	// The banner asks every interpreter for its version; requests are
	// served meanwhile.
	// Start-up (migrations, loading catalogues) leaves garbage the heap
	// would otherwise keep mapped while seki idles; hand it back once,
	// beside serving, so the idle footprint is what serving needs.
	go debug.FreeOSMemory()
	s.banner()
	select {
	case err := <-errc:
		s.close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := s.front.Shutdown(sctx)
	if err2 := <-errc; !errors.Is(err2, http.ErrServerClosed) && err == nil {
		err = err2
	}
	if err2 := s.close(); err == nil {
		err = err2
	}
	return err
}

// close stops the started services (in reverse order of their start),
// then closes the decision log and the store.
func (s *Server) close() error {
	err := s.svc.stop(context.Background())
	if err2 := s.decisions.Close(); err == nil {
		err = err2
	}
	if err2 := s.db.Close(); err == nil {
		err = err2
	}
	return err
}

func (s *Server) banner() {
	if s.cfg.Out == nil {
		return
	}
	k := s.cfg.RootKeys[0]
	var b strings.Builder
	fmt.Fprintf(&b, "seki is serving on %s\n  data directory: %s\n  region:         %s\n", s.URL(), s.cfg.DataDir, s.cfg.Region)
	// Every account with its root key id; secrets are never printed but
	// for the first account's, which the export lines below need.
	for i, rk := range s.cfg.RootKeys {
		label := "accounts:"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(&b, "  %-15s %s (root key %s)\n", label, rk.Account, rk.AccessKeyID)
	}
	// How functions are isolated, or, loudly, what is not.
	if rt := s.svc.runtime; rt != nil {
		st := rt.Stats()
		fmt.Fprintf(&b, "  functions:      %s\n", st.Isolation)
	}
	fmt.Fprintf(&b, `
Point the AWS CLI, boto3 or aws-sdk-go-v2 at it (first account):
  export AWS_ENDPOINT_URL=%s
  export AWS_ACCESS_KEY_ID=%s
  export AWS_SECRET_ACCESS_KEY=%s
  export AWS_DEFAULT_REGION=%s

Web view (access map and decisions): %s%s#%s
`, s.URL(), k.AccessKeyID, k.Secret, s.cfg.Region, s.URL(), ui.Prefix, s.uiToken)
	io.WriteString(s.cfg.Out, b.String())
	s.runtimesBanner()
}
