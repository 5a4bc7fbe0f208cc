package runtime

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sandbox"
)

// The escape tests: a function with no permissions tries to step around
// its execution role. Every attempt must fail for the function; seki must
// stay healthy, and a normal function must still work afterwards. They run
// as root (CI) and, through TestEscapesUnprivileged, as an unprivileged
// user.

// escapeRT is a runtime whose data directory holds secrets a function must
// not see, with memory limits on (cgroups where seki may create them).
type escapeRT struct {
	*testRT
	secret string
}

func newEscapeRT(t *testing.T) *escapeRT {
	t.Helper()
	if !sandbox.Probe().Isolated() {
		t.Skipf("no sandbox on this host: %v", sandbox.Probe().Err)
	}
	rt := newTestRT(t, func(o *Options) { o.MemoryLimits = true })
	secret := "SECRET-" + randomHex(8)
	if err := os.WriteFile(filepath.Join(rt.dir, "seki.db"), []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	return &escapeRT{testRT: rt, secret: secret}
}

// sh runs script in fn's environment and returns its output.
func (rt *escapeRT) sh(t *testing.T, spec *lambda.FunctionSpec, script string) (out string, code int) {
	t.Helper()
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"sh": script})
	var m struct {
		Out  string
		Code int
	}
	if err := json.Unmarshal(res.Payload, &m); err != nil || res.FunctionError != "" {
		return string(res.Payload), -1
	}
	return m.Out, m.Code
}

// healthy checks that a normal function still works.
func (rt *escapeRT) healthy(t *testing.T) {
	t.Helper()
	spec := newSpec("normal-"+randomHex(3), "provided.al2023", "bootstrap", goZip(t, rt.dir))
	if res := invokeJSON(t, rt.Runtime, spec, map[string]any{"ok": 1}); string(res.Payload) != `{"ok":1}` || res.FunctionError != "" {
		t.Fatalf("a normal function fails afterwards: %s %s", res.FunctionError, res.Payload)
	}
}

func (rt *escapeRT) goSpec(t *testing.T, name string) *lambda.FunctionSpec {
	return newSpec(name, "provided.al2023", "bootstrap", goZip(t, rt.dir))
}

// Files: seki's database and data directory, the user's ~/.aws, seki's
// environment, another function's environment and code.
func TestEscapeReadFiles(t *testing.T) {
	rt := newEscapeRT(t)
	os.Setenv("SEKI_TEST_CANARY", rt.secret)
	defer os.Unsetenv("SEKI_TEST_CANARY")
	home := filepath.Join(rt.dir, "home")
	os.MkdirAll(filepath.Join(home, ".aws"), 0o755)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[default]\naws_secret_access_key="+rt.secret+"\n"), 0o644)
	realHome, _ := os.UserHomeDir()

	// Another function, warm, with a secret in its environment and code.
	other := newSpec("other", "provided.al2023", "bootstrap", writeZip(t, rt.dir,
		zipEntry{Name: "bootstrap", Body: mustRead(t, goEcho(t)), Mode: 0o755},
		zipEntry{Name: "canary-" + rt.secret + ".txt", Body: []byte(rt.secret)}))
	other.Environment = map[string]string{"OTHER_SECRET": rt.secret}
	invokeJSON(t, rt.Runtime, other, map[string]any{})
	otherCode, err := rt.unpacked.get(specCodeKey(other), nil)
	if err != nil {
		t.Fatal(err)
	}

	spec := rt.goSpec(t, "reader")
	spec.Timeout = 60
	script := strings.Join([]string{
		"cat " + filepath.Join(rt.dir, "seki.db") + " " + filepath.Join(rt.dir, "db"),
		"ls -la " + rt.dir + " " + rt.opts.Dir,
		"cat " + filepath.Join(home, ".aws", "credentials") + " " + filepath.Join(realHome, ".aws", "credentials") + " ~/.aws/credentials",
		"cat /proc/" + strconv.Itoa(os.Getpid()) + "/environ",
		"for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $f; done",
		"ls -la " + otherCode + "; cat " + otherCode + "/*.txt",
		"find / -path /proc -prune -o -name 'canary-*' -print",
		"ls /home /root",
	}, "; ")
	out, _ := rt.sh(t, spec, script)
	t.Logf("what the function saw:\n%s", out)
	if strings.Contains(out, rt.secret) {
		t.Fatalf("a secret leaked into the function")
	}
	if !strings.Contains(out, "No such file") {
		t.Fatalf("the attempts did not run: %s", out)
	}
	rt.healthy(t)
}

// TCP: every listening port on the host, other environments' Runtime API
// included. Only the function's own Runtime API and seki's endpoint may
// answer, and no other environment's event may be taken.
func TestEscapeRuntimeAPI(t *testing.T) {
	rt := newEscapeRT(t)
	if !sandbox.Probe().NetworkIsolated() {
		t.Skip("this kernel's Landlock cannot restrict TCP (ABI < 4)")
	}
	seki := httptest.NewServer(http.NotFoundHandler())
	defer seki.Close()
	rt.endpoint.Store(seki.URL)
	other := rt.goSpec(t, "other")
	invokeJSON(t, rt.Runtime, other, map[string]any{}) // warm and idle: its runtime waits on /next
	otherAPI := apiAddr(rt.Runtime, other)

	// While the scan runs, the other function gets an event with a secret.
	done := make(chan string)
	go func() {
		time.Sleep(300 * time.Millisecond)
		res := invokeJSON(t, rt.Runtime, other, map[string]any{"secret": rt.secret})
		done <- string(res.Payload)
	}()
	spec := rt.goSpec(t, "scanner")
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"scan": true})
	var scan map[string]string
	if err := json.Unmarshal(res.Payload, &scan); err != nil {
		t.Fatalf("scan: %s", res.Payload)
	}
	if got := <-done; !strings.Contains(got, rt.secret) {
		t.Fatalf("the other function did not get its event: %s", got)
	}
	sekiAddr := strings.TrimPrefix(seki.URL, "http://")
	for addr, what := range scan {
		t.Logf("%s: %.120s", addr, what)
		if strings.Contains(what, rt.secret) {
			t.Fatalf("the function took another environment's event from %s", addr)
		}
		switch {
		case addr == sekiAddr:
			if !strings.HasPrefix(what, "connected: 404") {
				t.Errorf("seki's endpoint unreachable: %s", what)
			}
		case strings.HasPrefix(what, "connected") && !strings.HasSuffix(addr, ":80") && !strings.HasSuffix(addr, ":443") && !strings.HasSuffix(addr, ":53"):
			t.Errorf("the function reached %s: %s", addr, what)
		}
	}
	if w := scan[otherAPI]; !strings.HasPrefix(w, "refused") {
		t.Fatalf("another environment's Runtime API (%s): %q", otherAPI, w)
	}
	rt.healthy(t)
}

// Code and layers are read-only.
func TestEscapeWriteCode(t *testing.T) {
	rt := newEscapeRT(t)
	layer := writeZip(t, rt.dir, zipEntry{Name: "python/shared.py", Body: []byte("x = 1\n")})
	spec := rt.goSpec(t, "writer")
	spec.Layers = []lambda.LayerSpec{{ARN: "arn:aws:lambda:us-east-1:111111111111:layer:l:1", Path: layer, CodeSHA256: "l1"}}
	out, _ := rt.sh(t, spec, "echo injected > /var/task/bootstrap; touch /var/task/new; echo injected > /opt/python/shared.py; touch /opt/new; mkdir /opt/bin; echo done")
	t.Logf("%s", out)
	if strings.Count(out, "Read-only file system")+strings.Count(out, "Permission denied") < 5 {
		t.Fatalf("a write succeeded: %s", out)
	}
	code, _ := rt.unpacked.get(specCodeKey(spec), nil)
	if b, _ := os.ReadFile(filepath.Join(code, "bootstrap")); strings.HasPrefix(string(b), "injected") {
		t.Fatal("the function rewrote its code")
	}
	opt, _ := rt.unpacked.get(layersKey(spec.Layers), nil)
	if b, _ := os.ReadFile(filepath.Join(opt, "python", "shared.py")); string(b) != "x = 1\n" {
		t.Fatal("the function rewrote a layer")
	}
	if res := invokeJSON(t, rt.Runtime, spec, map[string]any{"still": "me"}); string(res.Payload) != `{"still":"me"}` {
		t.Fatalf("%s", res.Payload)
	}
	rt.healthy(t)
}

// A fork bomb stops at 1024 processes and threads, inside the function.
// Nested user namespaces: inside one the function would hold every
// capability over its own namespaces (mount, network, ...), a kernel
// surface Lambda does not offer. Creating one must fail, for unshare(2)
// and clone(2) alike, while the environment keeps working.
func TestEscapeNestedUserNamespace(t *testing.T) {
	rt := newEscapeRT(t)
	spec := rt.goSpec(t, "nester")
	script := strings.Join([]string{
		"unshare -U -r id -u; echo unshare=$?",
		"unshare -U -r -m sh -c 'mount -t tmpfs none /tmp && echo mounted'; echo mount=$?",
		"cat /proc/sys/user/max_user_namespaces",
		"echo 100 > /proc/sys/user/max_user_namespaces; echo raise=$?",
		"unshare -U true; echo again=$?",
	}, "; ")
	out, _ := rt.sh(t, spec, script)
	t.Logf("%s", out)
	for _, want := range []string{"unshare=1", "mount=1", "again=1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("a nested user namespace was created (want %q): %s", want, out)
		}
	}
	if strings.Contains(out, "mounted") || strings.Contains(out, "raise=0") {
		t.Fatalf("the function escaped the limit: %s", out)
	}
	rt.healthy(t)
}

func TestEscapeForkBomb(t *testing.T) {
	rt := newEscapeRT(t)
	token := "600." + randomHex(3)
	token = strings.Map(func(r rune) rune {
		if r >= 'a' {
			return '7'
		}
		return r
	}, token)
	spec := rt.goSpec(t, "forker")
	spec.Timeout = 60
	spec.MemoryMB = 2048 // the process limit is under test, not memory
	// The loop runs in a subshell, which exits at the first failed fork;
	// the count it leaves in /tmp is read with builtins (no fork needed).
	out, _ := rt.sh(t, spec, "(i=0; while [ $i -lt 2000 ]; do sleep "+token+" </dev/null >/dev/null 2>&1 & i=$((i+1)); echo $i > /tmp/n; done) 2>&1; read n < /tmp/n; echo started $n")
	t.Logf("%.300s", out)
	n := len(hostProcs(token))
	t.Logf("%d processes on the host", n)
	if !strings.Contains(out, "fork") || n > 1024 {
		t.Fatalf("%d processes started, want at most 1024: %s", n, out)
	}
	rt.healthy(t)
}

// /tmp holds EphemeralStorage (512 MB) and no more.
func TestEscapeFillTmp(t *testing.T) {
	rt := newEscapeRT(t)
	spec := rt.goSpec(t, "filler")
	spec.MemoryMB = 1024 // tmpfs pages count against the memory cgroup
	spec.EphemeralStorageMB = 512
	spec.Timeout = 60
	out, _ := rt.sh(t, spec, "dd if=/dev/zero of=/tmp/big bs=1M count=1024 2>&1; ls -l /tmp/big; rm -f /tmp/big")
	t.Logf("%s", out)
	if !strings.Contains(out, "No space left on device") || !strings.Contains(out, strconv.Itoa(512<<20)) {
		t.Fatalf("1 GB fit in a 512 MB /tmp: %s", out)
	}
	rt.healthy(t)
}

// A detached daemon ends with its environment.
func TestEscapeDaemon(t *testing.T) {
	rt := newEscapeRT(t)
	token := daemonToken()
	spec := rt.goSpec(t, "daemon")
	out, _ := rt.sh(t, spec, daemonScript(token))
	if len(hostProcs(token)) == 0 {
		t.Fatalf("the daemon did not start: %s", out)
	}
	// Deleting the function ends its environments.
	if n := rt.Retire(spec.FunctionARN); n != 1 {
		t.Fatalf("retired %d environments", n)
	}
	waitFor(t, func() bool { return len(hostProcs(token)) == 0 })
	rt.healthy(t)
}

func daemonToken() string {
	return "700." + strconv.Itoa(int(time.Now().UnixNano()%1e6))
}

func daemonScript(token string) string {
	return "setsid sh -c 'sleep " + token + "' </dev/null >/dev/null 2>&1 & sleep 0.1; echo started"
}

// ... and with seki, even killed with SIGKILL: seki here is a helper
// process (this test binary running a Runtime, see TestMain).
func TestEscapeDaemonSurvivesKill9(t *testing.T) {
	if !sandbox.Probe().Isolated() {
		t.Skip("no sandbox on this host")
	}
	token := daemonToken()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SEKI_TEST_HELPER=daemon", "SEKI_TEST_TOKEN="+token, "SEKI_TEST_DIR="+t.TempDir(),
		"SEKI_TEST_GOECHO="+goEcho(t))
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper: %q", line)
	}
	if len(hostProcs(token)) == 0 {
		t.Fatal("the daemon did not start")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	waitFor(t, func() bool { return len(hostProcs(token)) == 0 })
}

// daemonHelper is the seki that TestEscapeDaemonSurvivesKill9 kills.
func daemonHelper() {
	dir := os.Getenv("SEKI_TEST_DIR")
	r, err := New(Options{Dir: filepath.Join(dir, "rt"), Assumer: &staticAssumer{}, Endpoint: fixedEndpoint("http://127.0.0.1:1")})
	if err != nil {
		panic(err)
	}
	if err := r.Start(context.Background()); err != nil {
		panic(err)
	}
	b, _ := os.ReadFile(os.Getenv("SEKI_TEST_GOECHO"))
	zp := filepath.Join(dir, "f.zip")
	writeZipFile(zp, zipEntry{Name: "bootstrap", Body: b, Mode: 0o755})
	spec := newSpec("daemon", "provided.al2023", "bootstrap", zp)
	p, _ := json.Marshal(map[string]any{"sh": daemonScript(os.Getenv("SEKI_TEST_TOKEN"))})
	if _, err := r.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: p}); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	select {}
}

// Output after returning is bounded in seki's memory.
func TestEscapePrintAfterReturning(t *testing.T) {
	rt := newEscapeRT(t)
	spec := rt.goSpec(t, "printer")
	const total = 200 << 20
	before := heap()
	if res := invokeJSON(t, rt.Runtime, spec, map[string]any{"printAfter": total}); string(res.Payload) != `"returned"` {
		t.Fatalf("%s", res.Payload)
	}
	e := idleEnv(rt.Runtime, spec)
	deadline := time.Now().Add(60 * time.Second)
	for e.out.bytesRead() < total && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := e.out.bytesRead(); got < total {
		t.Fatalf("read %d bytes of output", got)
	}
	if grew := heap() - before; grew > 32<<20 {
		t.Fatalf("seki's heap grew by %d MB", grew>>20)
	}
	e.logMu.Lock()
	kept := e.looseSize
	e.logMu.Unlock()
	if kept > maxLoose {
		t.Fatalf("%d bytes kept", kept)
	}
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"after": "print"})
	if string(res.Payload) != `{"after":"print"}` {
		t.Fatalf("%s", res.Payload)
	}
	rt.healthy(t)
}

func heap() int64 {
	goruntime.GC()
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// The escape tests again, as an unprivileged user (when the tests run as
// root): the sandbox must hold without seki's privileges too.
func TestEscapesUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("already unprivileged")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) is not installed")
	}
	// The test binary and the function live in go's 0700 build
	// directories: copy them where nobody can read them.
	dir, err := os.MkdirTemp("", "seki-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "runtime.test")
	fn := filepath.Join(dir, "bootstrap")
	for src, dst := range map[string]string{os.Args[0]: bin, goEcho(t): fn} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dst, 0o755) // whatever the umask

	}
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o777)
	os.Chmod(tmp, 0o777)
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
		bin, "-test.run=^TestEscape", "-test.skip=TestEscapesUnprivileged", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + tmp, "TMPDIR=" + tmp, "SEKI_TEST_GOECHO=" + fn}
	out, err := cmd.CombinedOutput()
	t.Logf("as uid 65534:\n%s", out)
	if err != nil {
		t.Fatalf("the escape tests failed as an unprivileged user: %v", err)
	}
	if n := strings.Count(string(out), "--- PASS: TestEscape"); n < 8 || strings.Contains(string(out), "--- SKIP") {
		t.Fatalf("%d escape tests passed unprivileged", n)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// apiAddr is the Runtime API address of spec's idle environment.
func apiAddr(r *Runtime, spec *lambda.FunctionSpec) string {
	return idleEnv(r, spec).ln.Addr().String()
}

func idleEnv(r *Runtime, spec *lambda.FunctionSpec) *env {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.idle[poolKey{spec.FunctionARN, spec.Version, spec.RevisionId}]
	if len(st) == 0 {
		return nil
	}
	return st[0]
}

func (p *outPipe) bytesRead() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.read
}
