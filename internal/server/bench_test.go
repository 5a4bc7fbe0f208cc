package server_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkGetUser measures a signed IAM GetUser through aws-sdk-go-v2 on
// loopback, against seki and, in the same run, against moto_server when it
// is installed. It reports p50/p99 latency of sequential calls and the
// throughput of 8 concurrent callers.
//
// Both clients are servertest.Pooled: a connection per caller, as a
// performance-minded user configures a client shared by 8 callers.
func BenchmarkGetUser(b *testing.B) {
	b.Run("seki", func(b *testing.B) {
		env := servertest.Start(b)
		benchGetUser(b, iam.NewFromConfig(servertest.Pooled(env.Root(servertest.AccountA))))
	})
	b.Run("moto", func(b *testing.B) {
		cfg, ok := servertest.Moto(b)
		if !ok {
			b.Skip("moto_server not installed")
		}
		benchGetUser(b, iam.NewFromConfig(servertest.Pooled(cfg)))
	})
}

func benchGetUser(b *testing.B, c *iam.Client) {
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	in := &iam.GetUserInput{UserName: aws.String("bench")}
	for i := 0; i < 50; i++ { // warm connections and caches
		if _, err := c.GetUser(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := c.GetUser(ctx, in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)

	// Throughput with 8 concurrent callers, for a fixed wall time.
	servertest.ReportThroughput(b, 8, 2*time.Second, func() error {
		_, err := c.GetUser(ctx, in)
		return err
	})
}

// BenchmarkStartup measures process start to a healthy /_seki/health, on an
// empty data directory and on one holding 10,000 IAM users, and the idle RSS.
func BenchmarkStartup(b *testing.B) {
	b.Run("empty", func(b *testing.B) {
		benchStartup(b, b.TempDir())
	})
	b.Run("10k-entities", func(b *testing.B) {
		dir := b.TempDir()
		seed10k(b, dir)
		benchStartup(b, dir)
	})
}

func benchStartup(b *testing.B, dir string) {
	var total time.Duration
	var rss int
	for i := 0; i < b.N; i++ {
		p, d := startSeki(b, dir)
		total += d
		time.Sleep(200 * time.Millisecond) // let start-up garbage settle before reading idle RSS
		rss = rssKB(p.cmd.Process.Pid)
		p.cmd.Process.Signal(os.Interrupt)
		p.cmd.Wait()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-healthy")
	b.ReportMetric(float64(rss)/1024, "idle-RSS-MB")
}

// seed10k fills dir with 10,000 IAM users through the real API.
func seed10k(b *testing.B, dir string) {
	env := servertest.Start(b, servertest.Options{DataDir: dir})
	c := iam.NewFromConfig(env.Root(servertest.AccountA))
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < 10000; i += 16 {
				if _, err := c.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("user-" + strconv.Itoa(i))}); err != nil {
					b.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	env.Stop()
}
