package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestFailedEventGoesToItsDestination: an Event invocation whose function
// fails, with MaximumRetryAttempts 0 and an OnFailure queue, runs once and
// its record lands in the queue, sent as the execution role; a role that
// may not send to the queue delivers nothing, and the door's log says so.
func TestFailedEventGoesToItsDestination(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	iamc := iam.NewFromConfig(cfg)
	sqsc := sqs.NewFromConfig(cfg)
	lam := sdk.NewFromConfig(cfg)
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("failures")})
	if err != nil {
		t.Fatal(err)
	}
	queueARN := "arn:aws:sqs:us-east-1:111111111111:failures"
	zip := servertest.Zip(t, servertest.File{Name: "index.py", Body: "def handler(event, context):\n    raise Exception('boom')\n"})
	for _, fn := range []struct{ name, policy string }{
		{"sender", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + queueARN + `"}]}`},
		{"mute", ""},
	} {
		role, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fn.name), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
		if err != nil {
			t.Fatal(err)
		}
		if fn.policy != "" {
			if _, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(fn.name), PolicyName: aws.String("send"), PolicyDocument: aws.String(fn.policy)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(fn.name), Runtime: "python3.12", Role: role.Role.Arn,
			Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zip}}); err != nil {
			t.Fatal(err)
		}
		if _, err := lam.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(fn.name), MaximumRetryAttempts: aws.Int32(0),
			DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(queueARN)}}}); err != nil {
			t.Fatal(err)
		}
	}
	// sender reserves no concurrency for a moment: its event goes to the
	// failure destination at once, never run.
	if _, err := lam.PutFunctionConcurrency(ctx, &sdk.PutFunctionConcurrencyInput{FunctionName: aws.String("sender"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("sender"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"n":2}`)}); err != nil {
		t.Fatal(err)
	}
	throttled := receive(t, sqsc, q.QueueUrl)
	if !strings.Contains(throttled, `"condition":"ZeroReservedConcurrency","approximateInvokeCount":0},"requestPayload":{"n":2}}`) {
		t.Fatalf("record %s", throttled)
	}
	if _, err := lam.DeleteFunctionConcurrency(ctx, &sdk.DeleteFunctionConcurrencyInput{FunctionName: aws.String("sender")}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("mute"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"n":0}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("sender"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	deadline := time.Now().Add(60 * time.Second)
	for len(bodies) == 0 && time.Now().Before(deadline) {
		out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			bodies = append(bodies, *m.Body)
		}
	}
	if len(bodies) != 1 {
		t.Fatalf("records %v", bodies)
	}
	var rec struct {
		Version        string
		RequestContext struct {
			FunctionArn            string
			Condition              string
			ApproximateInvokeCount int
		}
		RequestPayload  map[string]int
		ResponseContext struct {
			StatusCode    int
			FunctionError string
		}
		ResponsePayload map[string]any
	}
	if err := json.Unmarshal([]byte(bodies[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Version != "1.0" || rec.RequestContext.FunctionArn != "arn:aws:lambda:us-east-1:111111111111:function:sender:$LATEST" ||
		rec.RequestContext.Condition != "RetriesExhausted" || rec.RequestContext.ApproximateInvokeCount != 1 || rec.RequestPayload["n"] != 1 ||
		rec.ResponseContext.FunctionError != "Unhandled" || rec.ResponsePayload["errorMessage"] != "boom" {
		t.Fatalf("record %s", bodies[0])
	}
	// The mute role's attempt was refused by the door.
	for wait := time.Now().Add(20 * time.Second); env.CountDecisions(t, "sqs:SendMessage", "arn:aws:sts::111111111111:assumed-role/mute/mute") == 0; {
		if time.Now().After(wait) {
			t.Fatal("no decision logged for the mute role's delivery")
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
	if err != nil || len(out.Messages) != 0 {
		t.Fatalf("a record from the mute role: %v %v", err, out)
	}
}

// receive waits for one message on the queue and deletes it.
func receive(t *testing.T, c *sqs.Client, url *string) string {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) > 0 {
			m := out.Messages[0]
			if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
			return *m.Body
		}
	}
	t.Fatal("no message")
	return ""
}
