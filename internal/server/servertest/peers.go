package servertest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Moto starts moto_server, the peer the benchmarks compare against, on a
// free port for the rest of the benchmark, and returns an SDK configuration
// for it. ok is false when moto_server is not installed.
func Moto(tb testing.TB) (cfg aws.Config, ok bool) {
	tb.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return aws.Config{}, false
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(path, "-p", port)
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=true")
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := "http://127.0.0.1:" + port
	// moto takes seconds to import its backends; wait for its API, not
	// just the port.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("moto_server did not start: %v", err)
		}
	}
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(url),
		HTTPClient:       &http.Client{Timeout: 30 * time.Second},
		RetryMaxAttempts: 1,
	}, true
}

// Pooled returns cfg with a client tuned as a performance-minded user tunes
// one shared by many concurrent callers: net/http's default transport keeps
// only 2 idle connections per host, so that 8 or 16 callers would open and
// close connections all the time (measuring connecting, not calling); this
// transport keeps a connection per caller, and the client has no overall
// timeout (a timer per call). Benchmarks that use it say so.
func Pooled(cfg aws.Config) aws.Config {
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return cfg
}

// StartCPU notes the process's CPU time (user and system); the function it
// returns reports the CPU spent since per operation, for n operations, as
// the metric "cpu-µs/<unit>". In-process servers count with their clients;
// a server run by StartProcess is added to the test process's own, and
// reported alone as "seki-cpu-µs/<unit>".
func StartCPU(b *testing.B) func(n int64, unit string) {
	c0 := cpuNow()
	return func(n int64, unit string) { cpuNow().report(b, c0, n, unit) }
}

// cpuSample is the CPU time used so far by this process and by the server
// processes it runs.
type cpuSample struct {
	self, children int64
	ok, child      bool
}

func cpuNow() cpuSample {
	self, ok := processCPU()
	children, child := childrenCPU()
	return cpuSample{self, children, ok, child}
}

// report reports the CPU time since c0 per operation, for n operations.
func (c cpuSample) report(b *testing.B, c0 cpuSample, n int64, unit string) {
	if !c.ok || !c0.ok || n <= 0 {
		return
	}
	all := (c.self - c0.self) + (c.children - c0.children)
	b.ReportMetric(float64(all)/1e3/float64(n), "cpu-µs/"+unit)
	if c.child && c0.child {
		b.ReportMetric(float64(c.children-c0.children)/1e3/float64(n), "seki-cpu-µs/"+unit)
	}
}

// ReportLatency reports the p50 and p99 of single-call durations, in
// microseconds, as the benchmark's custom metrics.
func ReportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	b.ReportMetric(us(lat[len(lat)/2]), "p50-µs")
	b.ReportMetric(us(lat[len(lat)*99/100]), "p99-µs")
}

// ReportThroughput runs call from the given number of concurrent callers
// for d and reports the completed calls per second as the metric
// "req/s(N-callers)"; it returns the rate. A failed call ends the run.
//
// It also reports the process's CPU time per call ("cpu-µs/req(N-callers)"):
// client and server together (a server run by StartProcess is added, and
// reported alone as "seki-cpu-µs/req(N-callers)").
// On a shared machine the rate depends on what else runs; the CPU cost
// does much less, and 2 cores / CPU per call bounds the rate a quiet
// 2-core machine can reach.
func ReportThroughput(b *testing.B, callers int, d time.Duration, call func() error) float64 {
	c0 := cpuNow()
	var n atomic.Int64
	var failed atomic.Bool
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for range callers {
		wg.Go(func() {
			for time.Now().Before(deadline) && !failed.Load() {
				if err := call(); err != nil {
					failed.Store(true)
					b.Error(err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	rate := float64(n.Load()) / time.Since(start).Seconds()
	b.ReportMetric(rate, fmt.Sprintf("req/s(%d-callers)", callers))
	cpuNow().report(b, c0, n.Load(), fmt.Sprintf("req(%d-callers)", callers))
	return rate
}
