package servertest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/server"
)

// A user's tests talk to `seki serve`, a process of its own, while Start
// runs the server inside the test process, where the client's garbage,
// goroutines and wake-ups share one Go runtime with seki's. StartProcess
// runs the server as users run it: the test binary re-executes itself,
// and this package's init, seeing childEnv, serves instead of testing (the
// same server.New and Serve as `seki serve`, so the request path is the
// one a user's client meets). Benchmarks run both side by side.

// childEnv carries the child's configuration (JSON of childConfig).
const childEnv = "SEKI_SERVERTEST_CHILD"

// ProfileEnv, when set in a benchmark's environment, names the file a
// server run by StartProcess writes its CPU profile to (the server alone,
// without the client), for `go tool pprof`.
const ProfileEnv = "SEKI_SERVERTEST_CPUPROFILE"

type childConfig struct {
	DataDir  string
	RootKeys []server.RootKey
	Runtimes map[string]string
	CacheDir string
	URLHost  string
}

func init() {
	v, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	// Nothing the server starts (function processes) inherits the role.
	os.Unsetenv(childEnv)
	os.Exit(serveChild(v))
}

// serveChild serves until SIGTERM, writing the URL on stdout once
// listening, as its parent waits for it.
func serveChild(v string) int {
	var c childConfig
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		fmt.Fprintln(os.Stderr, "servertest child:", err)
		return 2
	}
	if path := os.Getenv(ProfileEnv); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "servertest child:", err)
			return 2
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	s, err := server.New(ctx, server.Config{Listen: "127.0.0.1:0", DataDir: c.DataDir, Region: "us-east-1",
		RootKeys: c.RootKeys, Runtimes: c.Runtimes, CacheDir: c.CacheDir, URLHost: c.URLHost})
	if err != nil {
		fmt.Fprintln(os.Stderr, "servertest child:", err)
		return 1
	}
	if err := s.Listen(); err != nil {
		fmt.Fprintln(os.Stderr, "servertest child:", err)
		return 1
	}
	fmt.Println(s.URL())
	if err := s.Serve(ctx, 5*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, "servertest child:", err)
		return 1
	}
	return 0
}

// children are the server processes StartProcess runs, whose CPU the
// benchmarks' CPU metrics add to the test process's own.
var children struct {
	sync.Mutex
	pids map[int]bool
}

// StartProcess runs a server as a separate process (this test binary,
// re-executed) until the test ends. The Env has no Server; everything
// else is as Start's. Options.Now and LambdaRunner cannot cross a process
// boundary and are refused.
func StartProcess(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Now != nil || o.LambdaRunner != nil {
		t.Fatal("StartProcess: Now and LambdaRunner work only in-process")
	}
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	if o.CacheDir == "" {
		o.CacheDir = server.DefaultCacheDir()
	}
	cfg, err := json.Marshal(childConfig{DataDir: o.DataDir, RootKeys: append([]server.RootKey{AccountA, AccountB}, o.RootKeys...),
		Runtimes: o.Runtimes, CacheDir: o.CacheDir, URLHost: o.URLHost})
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+string(cfg))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	children.Lock()
	if children.pids == nil {
		children.pids = map[int]bool{}
	}
	children.pids[pid] = true
	children.Unlock()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		children.Lock()
		delete(children.pids, pid)
		children.Unlock()
	}
	url, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		t.Fatalf("server process: %v", err)
	}
	e := &Env{URL: strings.TrimSpace(url), DataDir: o.DataDir, Region: "us-east-1", PID: pid, stopProcess: stop}
	t.Cleanup(e.Stop)
	return e
}

// childrenCPU is the CPU time (user and system, every thread) used so
// far by the live server processes, and whether there are any.
func childrenCPU() (int64, bool) {
	children.Lock()
	defer children.Unlock()
	var sum int64
	for pid := range children.pids {
		sum += pidCPU(pid)
	}
	return sum, len(children.pids) > 0
}
