package runtime

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sandbox"
)

// Benchmarks of the runtime alone (Run called directly, STS replaced by
// staticAssumer); the end-to-end numbers through the server and the Go SDK
// are in e2e_bench_test.go.

// reportLatency adds p50/p99 metrics from per-iteration durations.
func reportLatency(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-ms")
}

// isolations run a benchmark with the sandbox (where the host has one) and
// without it, to show the sandbox's share.
func isolations(b *testing.B, f func(b *testing.B, rt *testRT)) {
	for _, mode := range []string{"sandbox", "plain"} {
		b.Run(mode, func(b *testing.B) {
			rt := newTestRT(b, nil)
			if mode == "plain" {
				rt.sandbox = sandbox.Support{Err: errors.New("benchmark without a sandbox")}
			} else if !rt.sandbox.Isolated() {
				b.Skip("no sandbox on this host")
			}
			f(b, rt)
		})
	}
}

func BenchmarkRunWarm(b *testing.B) { isolations(b, benchRunWarm) }

func benchRunWarm(b *testing.B, rt *testRT) {
	spec := newSpec("bench", "provided.al2023", "bootstrap", goZip(b, rt.dir))
	req := func() *lambda.InvokeRequest {
		return &lambda.InvokeRequest{RequestID: "00000000-0000-0000-0000-000000000000", Payload: []byte(`{"k":"v"}`)}
	}
	if _, err := rt.Run(context.Background(), spec, req()); err != nil {
		b.Fatal(err)
	}
	d := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := time.Now()
		res, err := rt.Run(context.Background(), spec, req())
		d = append(d, time.Since(s))
		if err != nil || res.FunctionError != "" {
			b.Fatal(err, res)
		}
	}
	b.StopTimer()
	reportLatency(b, d)
}

// BenchmarkRunCold starts a new environment for every invocation (each
// iteration is a new revision of the function; the package is unpacked
// once, as it is for any function after its first start).
func BenchmarkRunCold(b *testing.B) { isolations(b, benchRunCold) }

func benchRunCold(b *testing.B, rt *testRT) {
	for _, c := range []struct{ name, runtime, handler string }{
		{"provided", "provided.al2023", "bootstrap"},
		{"python", "python3.12", "app.handler"},
		{"nodejs", "nodejs20.x", "index.handler"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var code string
			switch c.name {
			case "provided":
				code = goZip(b, rt.dir)
			case "python":
				code = writeZip(b, rt.dir, zipEntry{Name: "app.py", Body: []byte("def handler(event, context):\n    return event\n")})
			case "nodejs":
				code = writeZip(b, rt.dir, zipEntry{Name: "index.js", Body: []byte("exports.handler = async (e) => e;\n")})
			}
			spec := newSpec("cold-"+c.name, c.runtime, c.handler, code)
			if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)}); err != nil {
				b.Fatal(err)
			}
			d := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s := *spec
				s.RevisionId = "rev-" + strconv.Itoa(i)
				start := time.Now()
				res, err := rt.Run(context.Background(), &s, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{"a":1}`)})
				d = append(d, time.Since(start))
				if err != nil || res.FunctionError != "" {
					b.Fatal(err, string(res.Payload))
				}
				b.StopTimer()
				// Let the previous environment's stop finish outside the
				// measurement.
				rt.stopWG.Wait()
				b.StartTimer()
			}
			b.StopTimer()
			reportLatency(b, d)
		})
	}
}

// TestEnvironmentOverhead measures what a live (idle) environment costs
// seki's own memory, excluding the child process: N environments of one
// function are started first (warming every pool and cache), then N of a
// second function, and the heap and stacks in use before and after the
// second batch are compared, with a full GC each side.
func TestEnvironmentOverhead(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	const n = 40
	rt := newTestRT(t, func(o *Options) { o.MaxEnvironments = 2*n + 2 })
	code := goZip(t, rt.dir)
	start := func(spec *lambda.FunctionSpec) {
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{"sleep":1500}`)}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	start(newSpec("overhead-a", "provided.al2023", "bootstrap", code))
	heap := func() (int64, int64) {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc), int64(m.StackInuse)
	}
	time.Sleep(100 * time.Millisecond)
	h0, s0 := heap()
	g0 := runtime.NumGoroutine()
	e0 := rt.Stats().Environments
	start(newSpec("overhead-b", "provided.al2023", "bootstrap", code))
	time.Sleep(100 * time.Millisecond)
	h1, s1 := heap()
	envs := rt.Stats().Environments - e0
	if envs < n {
		t.Fatalf("%d new environments", envs)
	}
	per := float64(h1-h0) / float64(envs)
	stack := float64(s1-s0) / float64(envs)
	goroutines := float64(runtime.NumGoroutine()-g0) / float64(envs)
	t.Logf("per environment: heap %.0f bytes, stacks %.0f bytes, %.1f goroutines (%d environments)", per, stack, goroutines, envs)
	if per+stack > 1<<20 {
		t.Errorf("an environment costs %.0f bytes of seki's memory, over 1 MB", per+stack)
	}
}

// BenchmarkUnpackGoBootstrap is the preparation of a new Go function's
// package: unzipping its 9 MB aws-lambda-go bootstrap.
func BenchmarkUnpackGoBootstrap(b *testing.B) {
	data, err := os.ReadFile(goZip(b, b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		os.Mkdir(dir, 0o755)
		budget := int64(maxUnzipped)
		if err := extractZipBytes(data, dir, &budget); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPythonClientStart is seki's share of a Python cold start: the
// CPU time (user + system, cpu-ms per start) of Python 3.12 loading seki's
// runtime client up to its first request, as it ran before (with the site
// module, the client compiled as a script) and as it runs now (-S, the
// client imported compiled from __pycache__). CPU time is less sensitive
// than wall time to other work on the machine.
func BenchmarkPythonClientStart(b *testing.B) {
	py := hostPython(b, "3.12")
	dir := b.TempDir()
	src, err := bootstraps.ReadFile("bootstrap/bootstrap.py")
	if err != nil {
		b.Fatal(err)
	}
	// The client without its main loop: everything up to the first
	// request.
	client := strings.Replace(string(src), "if __name__ == \"__main__\":\n    main()", "", 1)
	for name, body := range map[string]string{"bootstrap.py": client, "script.py": client, "launch.py": "import bootstrap\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if out, err := exec.Command(py, "-S", "-c", "import py_compile,sys;py_compile.compile(sys.argv[1],doraise=True)", filepath.Join(dir, "bootstrap.py")).CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"before-site-script", []string{"-u", "script.py"}},
		{"S-script", []string{"-u", "-S", "script.py"}},
		{"after-S-compiled", []string{"-u", "-S", "launch.py"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var cpu time.Duration
			b.ReportAllocs()
			for b.Loop() {
				cmd := exec.Command(py, c.args...)
				cmd.Dir, cmd.Env = dir, []string{"PATH=/usr/bin:/bin"}
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v %s", err, out)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms")
		})
	}
}
