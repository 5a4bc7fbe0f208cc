package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The benchmarks measure PutObject and GetObject of 1 KB through
// aws-sdk-go-v2 on loopback, against seki (the real server: SigV4, the
// door, the store with fsync) and, side by side in the same run, against
// moto_server when it is on PATH. Besides ns/op they report the median
// ("p50-µs") and 99th percentile ("p99-µs") latency of single calls.
//
//	go test -run '^$' -bench 'Object1KB' -benchmem ./internal/s3/

type target struct {
	name   string
	client func(b *testing.B) *awss3.Client
}

// benchTargets are seki in the benchmark's process, seki as a process of
// its own (as a user's tests meet `seki serve`) and moto_server; each
// starts when its sub-benchmark first runs.
func benchTargets(b *testing.B) []target {
	return []target{
		{"seki", func(b *testing.B) *awss3.Client { return servertest.S3(servertest.Start(b).Root(servertest.AccountA)) }},
		{"seki-process", func(b *testing.B) *awss3.Client {
			return servertest.S3(servertest.StartProcess(b).Root(servertest.AccountA))
		}},
		{"moto", func(b *testing.B) *awss3.Client {
			c := startMoto(b)
			if c == nil {
				b.Skip("moto_server not on PATH")
			}
			return c
		}},
	}
}

// startMoto runs moto_server on a free port for the benchmark, or returns
// nil when it is not installed.
func startMoto(b *testing.B) *awss3.Client {
	cfg, ok := servertest.Moto(b)
	if !ok {
		b.Log("moto_server not on PATH; benchmarking seki alone")
		return nil
	}
	return awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })
}

func BenchmarkPutObject1KB(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	for _, tg := range benchTargets(b) {
		b.Run(tg.name, func(b *testing.B) {
			c := tg.client(b)
			ctx := context.Background()
			bucket := fmt.Sprintf("bench-put-%d", time.Now().UnixNano())
			mustCreateBucket(b, c, bucket)
			key := aws.String("object-1kb")
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := servertest.StartCPU(b)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: key, Body: bytes.NewReader(body)}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			cpu(int64(b.N), "op")
			servertest.ReportLatency(b, lat)
		})
	}
}

func BenchmarkGetObject1KB(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	for _, tg := range benchTargets(b) {
		b.Run(tg.name, func(b *testing.B) {
			c := tg.client(b)
			ctx := context.Background()
			bucket := fmt.Sprintf("bench-get-%d", time.Now().UnixNano())
			mustCreateBucket(b, c, bucket)
			key := aws.String("object-1kb")
			if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: key, Body: bytes.NewReader(body)}); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 4096)
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				out, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: key})
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.ReadFull(out.Body, buf)
				out.Body.Close()
				if n != len(body) {
					b.Fatalf("read %d bytes", n)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			servertest.ReportLatency(b, lat)
		})
	}
}

// BenchmarkNotificationLatency measures S3's part of upload-to-function
// latency: from the PutObject response reaching the client to the
// InvokeAsync call on Lambda (here the policy-evaluating fake), through
// the outbox and the dispatcher.
func BenchmarkNotificationLatency(b *testing.B) {
	f := newFakeFunctions()
	f.invoked = make(chan invocation, 1)
	e := newEnv(b, envOptions{funcs: f})
	a := e.rootA()
	mustCreateBucket(b, a, "bench-notify")
	f.add(b, fnARN, "arn:aws:s3:::bench-notify", accountA)
	cfg := lambdaConfig("c", fnARN, []types.Event{"s3:ObjectCreated:*"}, "", "")
	if _, err := a.PutBucketNotificationConfiguration(context.Background(), &awss3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("bench-notify"), NotificationConfiguration: &types.NotificationConfiguration{LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{cfg}}}); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("x"), 1024)
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.PutObject(context.Background(), &awss3.PutObjectInput{Bucket: aws.String("bench-notify"), Key: aws.String("k.jpg"), Body: bytes.NewReader(body)}); err != nil {
			b.Fatal(err)
		}
		acked := time.Now()
		<-f.invoked
		lat = append(lat, time.Since(acked))
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)
}
