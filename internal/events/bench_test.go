package events_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkPutEvents measures one PutEvents of one entry through the real
// server against ten enabled rules none of which matches (SigV4, the door,
// validation, matching), and the same call against moto_server when it is
// on PATH. Reported as p50/p99 in µs.
func BenchmarkPutEvents(b *testing.B) {
	env := servertest.Start(b)
	targets := []struct {
		name string
		c    *eventbridge.Client
	}{{"seki", ebClient(env, servertest.AccountA)}}
	if cfg, ok := servertest.Moto(b); ok {
		targets = append(targets, struct {
			name string
			c    *eventbridge.Client
		}{"moto", eventbridge.NewFromConfig(cfg)})
	} else {
		b.Log("moto_server not on PATH; benchmarking seki alone")
	}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for i := 0; i < 10; i++ {
				name := "r" + strconv.Itoa(i)
				putRule(b, tg.c, name, `{"source":["other`+strconv.Itoa(i)+`"],"detail":{"n":[{"numeric":[">",1]}]}}`)
				putTarget(b, tg.c, name, "t", "arn:aws:lambda:us-east-1:"+a+":function:f")
			}
			in := &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{Source: aws.String("shop"),
				DetailType: aws.String("Order Placed"), Detail: aws.String(`{"n":2,"items":["a","b"]}`)}}}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := tg.c.PutEvents(ctx, in); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			servertest.ReportLatency(b, lat)
		})
	}
}

// BenchmarkPutEventsToFunction measures PutEvents → function handler
// start, warm: from the PutEvents answer received to the handler starting
// in a warm Python function that a matching rule targets, by the
// function's own clock. Reported as p50/p99 in µs.
func BenchmarkPutEventsToFunction(b *testing.B) {
	servertest.NeedPython(b)
	env := servertest.Start(b)
	ctx := context.Background()
	c := ebClient(env, servertest.AccountA)
	rec := servertest.NewRecorder(b, env, servertest.AccountA, "bench-eb")
	rule := putRule(b, c, "bench", `{"source":["shop"]}`)
	putTarget(b, c, "bench", "fn", rec.FunctionARN)
	if _, err := lambda.NewFromConfig(env.Root(servertest.AccountA)).AddPermission(ctx, &lambda.AddPermissionInput{
		FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("eb"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("events.amazonaws.com"), SourceArn: aws.String(rule)}); err != nil {
		b.Fatal(err)
	}
	one := func(i int) time.Duration {
		id, _ := putEvent(b, c, "shop", "Order Placed", `{"i":`+strconv.Itoa(i)+`}`)
		acked := time.Now()
		r := rec.WaitFor(b, id, 30*time.Second)
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
