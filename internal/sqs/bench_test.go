package sqs_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The benchmarks drive seki through aws-sdk-go-v2 on loopback (signed
// requests, real HTTP, the real store with synchronous=FULL, the door) and,
// in the same run, moto_server when it is on PATH. Latencies are of
// sequential calls; allocations count client and server together for seki,
// which runs in the benchmark process.
//
//	go test ./internal/sqs -run '^$' -bench 'SendMessage|ReceiveDelete' -benchtime 3000x
//	go test ./internal/sqs -run '^$' -bench MappingThroughput -benchtime 20000x

type peer struct {
	name   string
	client func(b *testing.B) *sqs.Client
}

func peers() []peer {
	return []peer{
		{"seki", func(b *testing.B) *sqs.Client {
			return sqs.NewFromConfig(servertest.Start(b).Root(servertest.AccountA))
		}},
		// seki as a process of its own, as a user's tests meet `seki serve`.
		{"seki-process", func(b *testing.B) *sqs.Client {
			return sqs.NewFromConfig(servertest.StartProcess(b).Root(servertest.AccountA))
		}},
		{"moto", func(b *testing.B) *sqs.Client {
			cfg, ok := servertest.Moto(b)
			if !ok {
				b.Skip("moto_server not installed")
			}
			return sqs.NewFromConfig(cfg)
		}},
	}
}

func BenchmarkSendMessage(b *testing.B) {
	for _, p := range peers() {
		b.Run(p.name, func(b *testing.B) {
			c := p.client(b)
			url := mustCreate(b, c, "bench", nil)
			in := &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(`{"order":12345,"items":3}`)}
			for range 20 {
				if _, err := c.SendMessage(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := servertest.StartCPU(b)
			for range b.N {
				start := time.Now()
				if _, err := c.SendMessage(ctx, in); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			cpu(int64(b.N), "op")
			servertest.ReportLatency(b, lat)
		})
	}
}

// BenchmarkReceiveDelete is one ReceiveMessage of one message and its
// DeleteMessage, from a queue filled beforehand.
func BenchmarkReceiveDelete(b *testing.B) {
	for _, p := range peers() {
		b.Run(p.name, func(b *testing.B) {
			c := p.client(b)
			url := mustCreate(b, c, "bench", nil)
			fill(b, c, url, b.N)
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url})
				if err != nil || len(got.Messages) != 1 {
					b.Fatalf("%v %v", got, err)
				}
				if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: got.Messages[0].ReceiptHandle}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			servertest.ReportLatency(b, lat)
		})
	}
}

// fill sends n messages in batches of ten.
func fill(b *testing.B, c *sqs.Client, url string, n int) {
	b.Helper()
	for sent := 0; sent < n; {
		var entries []types.SendMessageBatchRequestEntry
		for i := 0; i < 10 && sent < n; i++ {
			entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(`{"order":` + strconv.Itoa(sent) + `}`)})
			sent++
		}
		if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: entries}); err != nil {
			b.Fatal(err)
		}
	}
}

var noopZip []byte

// BenchmarkMappingThroughput measures how fast an event source mapping
// drains a queue into a warm no-op function (Go, provided.al2023): b.N
// messages are queued with the mapping disabled, then the timer runs from
// enabling it until the queue is empty. Every ReceiveMessage and
// DeleteMessage goes through the door as the execution role's session.
func BenchmarkMappingThroughput(b *testing.B) {
	if noopZip == nil {
		z, err := servertest.BuildBootstrap(b, "./testdata/noop")
		if err != nil {
			b.Skip(err)
		}
		noopZip = z
	}
	env := servertest.Start(b)
	cfg := env.Root(servertest.AccountA)
	ic, lc, c := iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("noop-role"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role.Role.RoleName, PolicyName: aws.String("q"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"*"}]}`)}); err != nil {
		b.Fatal(err)
	}
	if _, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("noop"), Runtime: ltypes.RuntimeProvidedal2023,
		Role: role.Role.Arn, Handler: aws.String("bootstrap"), Code: &ltypes.FunctionCode{ZipFile: noopZip}}); err != nil {
		b.Fatal(err)
	}
	url := mustCreate(b, c, "drain", nil)
	m, err := lc.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{FunctionName: aws.String("noop"),
		EventSourceArn: aws.String("arn:aws:sqs:us-east-1:111111111111:drain"), Enabled: aws.Bool(false)})
	if err != nil {
		b.Fatal(err)
	}
	// Warm the function's environments.
	for range 5 {
		if _, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("noop"), Payload: []byte(`{}`)}); err != nil {
			b.Fatal(err)
		}
	}
	fill(b, c, url, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	if _, err := lc.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: m.UUID, Enabled: aws.Bool(true)}); err != nil {
		b.Fatal(err)
	}
	for {
		a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url,
			AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}})
		if err != nil {
			b.Fatal(err)
		}
		if a.Attributes["ApproximateNumberOfMessages"] == "0" && a.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0" {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}
