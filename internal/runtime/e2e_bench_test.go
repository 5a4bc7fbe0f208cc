package runtime_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// End-to-end benchmarks: the Go SDK invokes over loopback HTTP through the
// whole server (SigV4, the door, Lambda's resolution, the runtime, the
// function's Runtime API round trip). Run them with -cpu 2 to match the
// 2-core target:
//
//	go test ./internal/runtime -run XXX -bench E2E -cpu 2 -benchtime 2000x

func reportLatency(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-ms")
}

// benchWorld is a server with a Go echo function, and a client with a
// connection pool big enough for the callers. start runs the server:
// servertest.Start (in the benchmark's process) or StartProcess (a
// process of its own, as a user's tests meet `seki serve`).
func benchWorld(b *testing.B, start func(testing.TB, ...servertest.Options) *servertest.Env) (*world, *sdk.Client) {
	w := worldOf(start(b))
	roleARN := w.role(b, "bench-role", "")
	w.function(b, &sdk.CreateFunctionInput{FunctionName: aws.String("echo"), Runtime: types.RuntimeProvidedal2023, Role: aws.String(roleARN),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: goFunction(b)}})
	cfg := w.env.Root(servertest.AccountA)
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	c := sdk.NewFromConfig(cfg)
	if _, err := c.Invoke(context.Background(), &sdk.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{}`)}); err != nil {
		b.Fatal(err)
	}
	return w, c
}

// servers are the two ways the end-to-end benchmarks run seki, side by
// side.
var servers = []struct {
	name  string
	start func(testing.TB, ...servertest.Options) *servertest.Env
}{{"seki", servertest.Start}, {"seki-process", servertest.StartProcess}}

func BenchmarkE2EInvokeWarm(b *testing.B) {
	for _, srv := range servers {
		b.Run(srv.name, func(b *testing.B) {
			_, c := benchWorld(b, srv.start)
			in := &sdk.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{"k":"v"}`)}
			d := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := servertest.StartCPU(b)
			for i := 0; i < b.N; i++ {
				s := time.Now()
				out, err := c.Invoke(context.Background(), in)
				d = append(d, time.Since(s))
				if err != nil || out.FunctionError != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu(int64(b.N), "invoke")
			reportLatency(b, d)
		})
	}
}

// BenchmarkE2EInvokeParallel is 8 concurrent callers (with -cpu 2,
// SetParallelism(4) makes 8 goroutines); invokes/s is the throughput.
func BenchmarkE2EInvokeParallel(b *testing.B) {
	for _, srv := range servers {
		b.Run(srv.name, func(b *testing.B) { invokeParallel(b, srv.start) })
	}
}

func invokeParallel(b *testing.B, start func(testing.TB, ...servertest.Options) *servertest.Env) {
	w, c := benchWorld(b, start)
	// Warm 8 environments so the run measures warm throughput.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Invoke(context.Background(), &sdk.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{"sleep":200}`)})
		}()
	}
	wg.Wait()
	in := &sdk.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`{"k":"v"}`)}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	start0 := time.Now()
	// seki's and the client's CPU per invoke (the functions' processes are
	// not counted): 2 cores divided by it bounds a quiet machine's rate.
	cpu := servertest.StartCPU(b)
	fn0 := descendantsCPU(w.env.PID)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out, err := c.Invoke(context.Background(), in)
			if err != nil || out.FunctionError != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start0).Seconds(), "invokes/s")
	cpu(int64(b.N), "invoke")
	// The functions' own CPU (the environments' processes, descendants of
	// this one, the server process excluded): with the line above, the
	// whole CPU an invoke costs, which 2 cores divide into the ceiling of
	// the rate.
	if fn := descendantsCPU(w.env.PID) - fn0; fn > 0 {
		b.ReportMetric(float64(fn.Microseconds())/float64(b.N), "fn-cpu-µs/invoke")
	}
}

// descendantsCPU is the user and system CPU used so far by the live
// processes descended from this one, but for the process server (0 for
// none), itself counted by servertest's CPU metrics (from /proc; 0 where
// there is none).
func descendantsCPU(server int) time.Duration {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	type proc struct {
		ppid  int
		ticks int64
	}
	procs := map[int]proc{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command (which may hold spaces): state ppid
		// ... utime (14th field) stime (15th).
		i := bytes.LastIndexByte(st, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(st[i+1:]))
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		stt, _ := strconv.ParseInt(f[12], 10, 64)
		procs[pid] = proc{ppid, ut + stt}
	}
	self := os.Getpid()
	var ticks int64
	for pid, p := range procs {
		if pid == server {
			continue
		}
		for q, n := p.ppid, 0; q > 1 && n < 64; q, n = procs[q].ppid, n+1 {
			if q == self {
				ticks += procs[pid].ticks
				break
			}
			if _, ok := procs[q]; !ok {
				break
			}
		}
	}
	// USER_HZ is 100 on Linux.
	return time.Duration(ticks) * 10 * time.Millisecond
}

// BenchmarkE2EColdStart measures invoke→response when the invocation starts
// a new environment: before each one the function's configuration changes
// (outside the timer), so its new revision has no warm environment.
func BenchmarkE2EColdStart(b *testing.B) {
	for _, c := range []struct{ name string }{{"provided"}, {"python"}} {
		b.Run(c.name, func(b *testing.B) {
			w := newWorld(b)
			roleARN := w.role(b, "cold-role", "")
			in := &sdk.CreateFunctionInput{FunctionName: aws.String("cold"), Role: aws.String(roleARN)}
			switch c.name {
			case "provided":
				in.Runtime, in.Handler, in.Code = types.RuntimeProvidedal2023, aws.String("bootstrap"), &types.FunctionCode{ZipFile: goFunction(b)}
			case "python":
				in.Runtime, in.Handler = types.RuntimePython312, aws.String("app.handler")
				in.Code = &types.FunctionCode{ZipFile: servertest.Zip(b, servertest.File{Name: "app.py", Body: "def handler(event, context):\n    return event\n"})}
			}
			w.function(b, in)
			ctx := context.Background()
			if _, err := w.lambda.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("cold"), Payload: []byte(`{}`)}); err != nil {
				b.Fatal(err)
			}
			d := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if _, err := w.lambda.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("cold"),
					Environment: &types.Environment{Variables: map[string]string{"ITER": strconv.Itoa(i)}}}); err != nil {
					b.Fatal(err)
				}
				time.Sleep(5 * time.Millisecond) // let the old environment's stop settle
				b.StartTimer()
				s := time.Now()
				out, err := w.lambda.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("cold"), Payload: []byte(`{"a":1}`)})
				d = append(d, time.Since(s))
				if err != nil || out.FunctionError != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			reportLatency(b, d)
		})
	}
}
