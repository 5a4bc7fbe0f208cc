package runtime

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/store"
)

// The internal tests drive Run directly with real processes, real zips and
// a real store; only STS is replaced by staticAssumer (the end-to-end tests
// in e2e_test.go go through the real server, STS and IAM).

var (
	goOnce sync.Once
	goBin  string
	goErr  error
)

// goEcho builds testdata/goecho, an unchanged aws-lambda-go function, for
// linux, once per test binary.
func goEcho(t testing.TB) string {
	t.Helper()
	goOnce.Do(func() {
		if p := os.Getenv("SEKI_TEST_GOECHO"); p != "" { // built by a parent test (TestEscapesUnprivileged)
			goBin = p
			return
		}
		dir, err := os.MkdirTemp("", "seki-goecho-")
		if err != nil {
			goErr = err
			return
		}
		goBin = filepath.Join(dir, "bootstrap")
		cmd := exec.Command("go", "build", "-o", goBin, "./testdata/goecho")
		cmd.Env = append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			goErr = err
			goBin = string(out)
		}
	})
	if goErr != nil {
		t.Fatalf("building the Go test function: %v\n%s", goErr, goBin)
	}
	return goBin
}

// zipEntry is one file of a test package.
type zipEntry struct {
	Name string
	Body []byte
	Mode os.FileMode
}

// writeZip writes a zip of entries into dir and returns its path.
func writeZip(t testing.TB, dir string, entries ...zipEntry) string {
	t.Helper()
	p := filepath.Join(dir, "pkg-"+randomHex(6)+".zip")
	if err := writeZipFile(p, entries...); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeZipFile writes a zip of entries at p.
func writeZipFile(p string, entries ...zipEntry) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		mode := e.Mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		w.Write(e.Body)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(p, buf.Bytes(), 0o644)
}

func goZip(t testing.TB, dir string) string {
	b, err := os.ReadFile(goEcho(t))
	if err != nil {
		t.Fatal(err)
	}
	return writeZip(t, dir, zipEntry{Name: "bootstrap", Body: b, Mode: 0o755})
}

// staticAssumer hands out fixed credentials, or refuses.
type staticAssumer struct {
	mu     sync.Mutex
	calls  []AssumeInput
	refuse error
	expiry time.Duration
}

func (s *staticAssumer) AssumeRole(ctx context.Context, in AssumeInput) (Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, in)
	if s.refuse != nil {
		return Credentials{}, s.refuse
	}
	d := s.expiry
	if d == 0 {
		d = time.Hour
	}
	return Credentials{AccessKeyID: "ASIATESTTESTTESTTEST", SecretAccessKey: "secret", SessionToken: "token", Expiration: time.Now().Add(d)}, nil
}

func (s *staticAssumer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

// testRT is a Runtime in a temporary directory with its own store.
type testRT struct {
	*Runtime
	dir     string
	assumer *staticAssumer
	db      *store.DB
	// endpoint is seki's URL as the functions see it (Options.Endpoint).
	endpoint atomic.Value
}

func (rt *testRT) endpointURL() string { return rt.endpoint.Load().(string) }

// fixedEndpoint is an Options.Endpoint that never changes.
func fixedEndpoint(url string) func() string { return func() string { return url } }

// startRT builds and starts a runtime, failing the test on an error.
func startRT(t testing.TB, o Options) *Runtime {
	t.Helper()
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

func newTestRT(t testing.TB, mod func(*Options)) *testRT {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "db"), Migrations())
	if err != nil {
		t.Fatal(err)
	}
	a := &staticAssumer{}
	trt := &testRT{dir: dir, assumer: a, db: db}
	trt.endpoint.Store("http://127.0.0.1:1")
	o := Options{Dir: filepath.Join(dir, "rt"), DB: db, Assumer: a, Endpoint: trt.endpointURL}
	if mod != nil {
		mod(&o)
	}
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Stop(context.Background())
		db.Close()
	})
	trt.Runtime = r
	return trt
}

func newSpec(name, runtime, handler, codePath string) *lambda.FunctionSpec {
	arn := "arn:aws:lambda:us-east-1:111111111111:function:" + name
	return &lambda.FunctionSpec{
		FunctionARN: arn, InvokedARN: arn, Name: name, Account: "111111111111", Region: "us-east-1",
		Version: "$LATEST", RevisionId: "rev-1", Runtime: runtime, Handler: handler,
		CodePath: codePath, CodeSHA256: randomHex(8), MemoryMB: 128, Timeout: 3,
		RoleARN: "arn:aws:iam::111111111111:role/exec", LogGroup: "/aws/lambda/" + name,
	}
}

func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func invokeJSON(t testing.TB, r *Runtime, spec *lambda.FunctionSpec, payload any) *lambda.InvokeResult {
	t.Helper()
	b, _ := json.Marshal(payload)
	res, err := r.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: b, InvocationType: "RequestResponse", LogType: "Tail"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// decode unmarshals a result payload.
func decode(t testing.TB, res *lambda.InvokeResult) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(res.Payload, &m); err != nil {
		t.Fatalf("payload %q: %v", res.Payload, err)
	}
	return m
}

// collectSink is a LogSink that keeps every delivery.
type collectSink struct {
	mu sync.Mutex
	ds []Delivery
}

func (c *collectSink) Deliver(ctx context.Context, d Delivery) error {
	c.mu.Lock()
	c.ds = append(c.ds, d)
	c.mu.Unlock()
	return nil
}

func (c *collectSink) events() []LogEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []LogEvent
	for _, d := range c.ds {
		out = append(out, d.Events...)
	}
	return out
}

// TestMain makes the directory tests share with sandboxed functions
// (testShared): writable by any uid, since a sandboxed function runs as
// nobody when the tests run as root.
func TestMain(m *testing.M) {
	if os.Getenv("SEKI_TEST_HELPER") == "daemon" {
		daemonHelper()
	}
	dir, err := os.MkdirTemp("", "seki-shared-")
	if err == nil {
		os.Chmod(dir, 0o777)
		testShared = dir
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// shared is a path in the directory tests share with functions.
func shared(t testing.TB, name string) string {
	t.Helper()
	if testShared == "" {
		t.Fatal("no shared directory")
	}
	return filepath.Join(testShared, randomHex(4)+"-"+name)
}

// runtimePids are the host pids of the live environments' runtimes.
func runtimePids(r *Runtime) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var pids []int
	for e := range r.all {
		if p := e.runtimePid(); p > 0 {
			pids = append(pids, p)
		}
	}
	return pids
}

// processRuns reports whether pid is a live (not zombie) process.
func processRuns(pid int) bool {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(st), ") Z ")
}

// hostProcs are the host pids whose command line contains token.
func hostProcs(token string) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if strings.Contains(string(b), token) && processRuns(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}
