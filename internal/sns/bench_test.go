package sns_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkPublish measures one Publish through the real server (SigV4,
// the door with the topic policy, validation, answer) to a topic without
// subscriptions, and the same call against moto_server when it is on PATH.
// Reported as p50/p99 in µs.
func BenchmarkPublish(b *testing.B) {
	env := servertest.Start(b)
	targets := []struct {
		name string
		c    *awssns.Client
	}{{"seki", snsClient(env, servertest.AccountA)}}
	if cfg, ok := servertest.Moto(b); ok {
		targets = append(targets, struct {
			name string
			c    *awssns.Client
		}{"moto", awssns.NewFromConfig(cfg)})
	} else {
		b.Log("moto_server not on PATH; benchmarking seki alone")
	}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			topic := createTopic(b, tg.c, "bench")
			in := &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hello")}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := tg.c.Publish(ctx, in); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			servertest.ReportLatency(b, lat)
		})
	}
}

// BenchmarkPublishToFunction measures Publish → function handler start,
// warm: from the Publish answer received to the handler starting in a warm
// Python function subscribed to the topic, by the function's own clock
// (one machine, one clock). moto cannot run functions without Docker, so
// there is no side-by-side number. Reported as p50/p99 in µs.
func BenchmarkPublishToFunction(b *testing.B) {
	servertest.NeedPython(b)
	env := servertest.Start(b)
	ctx := context.Background()
	c := snsClient(env, servertest.AccountA)
	topic := createTopic(b, c, "bench-fn")
	rec := servertest.NewRecorder(b, env, servertest.AccountA, "bench-recorder")
	if _, err := lambda.NewFromConfig(env.Root(servertest.AccountA)).AddPermission(ctx, &lambda.AddPermissionInput{
		FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("sns"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("sns.amazonaws.com"), SourceArn: aws.String(topic)}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("lambda"), Endpoint: aws.String(rec.FunctionARN)}); err != nil {
		b.Fatal(err)
	}
	one := func(i int) time.Duration {
		out, err := c.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(strconv.Itoa(i))})
		if err != nil {
			b.Fatal(err)
		}
		acked := time.Now()
		r := rec.WaitFor(b, aws.ToString(out.MessageId), 30*time.Second)
		return time.Unix(0, int64(r.Start*1e9)).Sub(acked)
	}
	one(-1) // the first delivery starts the function
	b.ReportAllocs()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat = append(lat, one(i))
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)
}
