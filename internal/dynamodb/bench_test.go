package dynamodb_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The benchmarks measure PutItem and GetItem through aws-sdk-go-v2 on
// loopback: signed requests, real HTTP, the real store. Each runs against
// seki and, in the same run, against moto_server when it is on PATH. They
// report p50/p99 latency of sequential calls besides ns/op and allocations
// (client and server together, since both run in the benchmark process
// for seki).
//
//	go test ./internal/dynamodb -run XXX -bench 'PutItem|GetItem' -benchtime 2000x

// benchItem is a small metadata item, like the one scenario 1 writes.
func benchItem(i int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"key":          s(fmt.Sprintf("uploads/image-%06d.jpg", i)),
		"size":         n(strconv.Itoa(1000 + i)),
		"content_type": s("image/jpeg"),
		"bucket":       s("uploads"),
		"etag":         s("d41d8cd98f00b204e9800998ecf8427e"),
		"uploaded":     s("2026-01-01T00:00:00.000Z"),
		"tags":         &types.AttributeValueMemberSS{Value: []string{"photo", "upload"}},
	}
}

type target struct {
	name   string
	client func(b *testing.B) *dynamodb.Client
}

// targets are seki in the benchmark's process, seki as a process of its
// own (as a user's tests meet `seki serve`) and moto_server, each with a
// servertest.Pooled client (a connection per caller, as a user configures
// a client shared by the 16 callers below).
func targets() []target {
	return []target{
		{"seki", func(b *testing.B) *dynamodb.Client {
			env := servertest.Start(b)
			return dynamodb.NewFromConfig(servertest.Pooled(env.Root(servertest.AccountA)))
		}},
		{"seki-process", func(b *testing.B) *dynamodb.Client {
			env := servertest.StartProcess(b)
			return dynamodb.NewFromConfig(servertest.Pooled(env.Root(servertest.AccountA)))
		}},
		{"moto", func(b *testing.B) *dynamodb.Client {
			cfg, ok := servertest.Moto(b)
			if !ok {
				b.Skip("moto_server not installed")
			}
			// moto's server now and then drops a kept-alive connection;
			// a retry keeps the comparison running.
			cfg.RetryMaxAttempts = 3
			return dynamodb.NewFromConfig(servertest.Pooled(cfg))
		}},
	}
}

func benchTable(b *testing.B, c *dynamodb.Client) {
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String("metadata"),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("key"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("key"), AttributeType: types.ScalarAttributeTypeS}},
	})
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkPutItem(b *testing.B) {
	for _, tg := range targets() {
		b.Run(tg.name, func(b *testing.B) {
			c := tg.client(b)
			benchTable(b, c)
			ctx := context.Background()
			for i := 0; i < 50; i++ { // warm connections and caches
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("metadata"), Item: benchItem(i)}); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := servertest.StartCPU(b)
			for i := 0; i < b.N; i++ {
				in := &dynamodb.PutItemInput{TableName: aws.String("metadata"), Item: benchItem(i)}
				t0 := time.Now()
				if _, err := c.PutItem(ctx, in); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			cpu(int64(b.N), "op")
			servertest.ReportLatency(b, lat)

			// Acknowledged writes per second from 1 and from 16 callers:
			// concurrent writes share commits (group commit).
			var next atomic.Int64
			next.Store(1_000_000)
			put := func() error {
				in := &dynamodb.PutItemInput{TableName: aws.String("metadata"), Item: benchItem(int(next.Add(1)))}
				_, err := c.PutItem(ctx, in)
				return err
			}
			one := servertest.ReportThroughput(b, 1, 2*time.Second, put)
			many := servertest.ReportThroughput(b, 16, 2*time.Second, put)
			b.ReportMetric(many/one, "x(16-vs-1)")
		})
	}
}

func BenchmarkGetItem(b *testing.B) {
	for _, tg := range targets() {
		b.Run(tg.name, func(b *testing.B) {
			c := tg.client(b)
			benchTable(b, c)
			ctx := context.Background()
			const items = 1000
			for i := 0; i < items; i++ {
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("metadata"), Item: benchItem(i)}); err != nil {
					b.Fatal(err)
				}
			}
			key := func(i int) map[string]types.AttributeValue {
				return map[string]types.AttributeValue{"key": s(fmt.Sprintf("uploads/image-%06d.jpg", i%items))}
			}
			for i := 0; i < 50; i++ {
				if _, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("metadata"), Key: key(i)}); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				in := &dynamodb.GetItemInput{TableName: aws.String("metadata"), Key: key(i)}
				t0 := time.Now()
				out, err := c.GetItem(ctx, in)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				if out.Item == nil {
					b.Fatal("item missing")
				}
			}
			b.StopTimer()
			servertest.ReportLatency(b, lat)
		})
	}
}
