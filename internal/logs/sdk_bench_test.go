package logs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The SDK benchmarks measure PutLogEvents and GetLogEvents through
// aws-sdk-go-v2 on loopback (signed requests, real HTTP, the real store,
// the policy engine) against seki and, in the same run, moto_server when it
// is on PATH. Besides ns/op and allocations (client and server together for
// seki, which runs in the benchmark process) they report p50/p99 latency of
// sequential calls.
//
//	go test ./internal/logs -run XXX -bench 'SDK' -benchtime 1000x

type target struct {
	name   string
	client func(b *testing.B) *cloudwatchlogs.Client
}

func targets() []target {
	return []target{
		{"seki", func(b *testing.B) *cloudwatchlogs.Client {
			return cloudwatchlogs.NewFromConfig(servertest.Start(b).Root(servertest.AccountA))
		}},
		{"moto", func(b *testing.B) *cloudwatchlogs.Client {
			cfg, ok := servertest.Moto(b)
			if !ok {
				b.Skip("moto_server not installed")
			}
			cfg.RetryMaxAttempts = 3
			return cloudwatchlogs.NewFromConfig(cfg)
		}},
	}
}

const sdkLine = "2026-01-01T00:00:00.000Z\t6f9b1c2e-1111-2222-3333-444455556666\tINFO\tprocessed order 12345 in 12 ms"

func sdkStream(b *testing.B, c *cloudwatchlogs.Client) {
	if _, err := c.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/bench")}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.CreateLogStream(context.Background(), &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/aws/lambda/bench"), LogStreamName: aws.String("s")}); err != nil {
		b.Fatal(err)
	}
}

func sdkEvents(n int) []types.InputLogEvent {
	ts := time.Now().UnixMilli()
	out := make([]types.InputLogEvent, n)
	for i := range out {
		out[i] = types.InputLogEvent{Timestamp: aws.Int64(ts), Message: aws.String(sdkLine)}
	}
	return out
}

func BenchmarkSDKPutLogEvents(b *testing.B) {
	for _, n := range []int{1, 100} {
		for _, tg := range targets() {
			b.Run(fmt.Sprintf("events=%d/%s", n, tg.name), func(b *testing.B) {
				c := tg.client(b)
				sdkStream(b, c)
				ctx := context.Background()
				in := &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/aws/lambda/bench"), LogStreamName: aws.String("s"), LogEvents: sdkEvents(n)}
				for range 20 {
					if _, err := c.PutLogEvents(ctx, in); err != nil {
						b.Fatal(err)
					}
				}
				lat := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					t0 := time.Now()
					if _, err := c.PutLogEvents(ctx, in); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
				b.StopTimer()
				servertest.ReportLatency(b, lat)
			})
		}
	}
}

func BenchmarkSDKGetLogEvents(b *testing.B) {
	for _, tg := range targets() {
		b.Run("limit=100/"+tg.name, func(b *testing.B) {
			c := tg.client(b)
			sdkStream(b, c)
			ctx := context.Background()
			batch := sdkEvents(5000)
			for range 2 {
				if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/aws/lambda/bench"), LogStreamName: aws.String("s"), LogEvents: batch}); err != nil {
					b.Fatal(err)
				}
			}
			in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/bench"), LogStreamName: aws.String("s"), Limit: aws.Int32(100)}
			for range 20 {
				if _, err := c.GetLogEvents(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				out, err := c.GetLogEvents(ctx, in)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				if len(out.Events) != 100 {
					b.Fatalf("%d events", len(out.Events))
				}
			}
			b.StopTimer()
			servertest.ReportLatency(b, lat)
		})
	}
}
