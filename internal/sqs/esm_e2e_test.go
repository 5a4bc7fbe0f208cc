package sqs_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// These tests run a real Python function fed by an event source mapping:
// the mapping reads the queue as the function's execution role, through
// the door, and the function stores each event it gets in an S3 bucket,
// with that role (a sandboxed function cannot write the host's files).

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const consumer = `
import json, os, time, boto3

s3 = boto3.client("s3")

def handler(event, context):
    s3.put_object(Bucket=os.environ["RESULTS_BUCKET"], Key="%020d-%s" % (time.time_ns(), context.aws_request_id),
                  Body=json.dumps(event))
    bodies = [r["body"] for r in event["Records"]]
    if "fail" in bodies:
        raise Exception("boom")
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"].startswith("bad")]}
`

const queueAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"arn:aws:sqs:us-east-1:111111111111:jobs"}]}`

type esmEnv struct {
	t   *testing.T
	env *servertest.Env
	iam *iam.Client
	lam *lambda.Client
	sqs *sqs.Client
	s3  *s3.Client
	url string
}

// resultsBucket holds what the function saw, one object per invocation.
const resultsBucket = "esm-results"

func newESMEnv(t *testing.T, dir string) *esmEnv {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	// The function stores its events with boto3, which seki provides.
	servertest.NeedSDK(t, "python")
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	cfg := env.Root(servertest.AccountA)
	return &esmEnv{t: t, env: env, iam: iam.NewFromConfig(cfg), lam: lambda.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg), s3: servertest.S3(cfg)}
}

// setup creates the role (without queue access), the function and the queue.
func (e *esmEnv) setup() {
	e.t.Helper()
	role, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("consumer-role"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(resultsBucket)}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("consumer-role"), PolicyName: aws.String("results"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + resultsBucket + `/*"}]}`)}); err != nil {
		e.t.Fatal(err)
	}
	_, err = e.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("consumer"), Runtime: ltypes.RuntimePython312, Role: role.Role.Arn, Handler: aws.String("app.handler"),
		Code:        &ltypes.FunctionCode{ZipFile: servertest.Zip(e.t, servertest.File{Name: "app.py", Body: consumer})},
		Environment: &ltypes.Environment{Variables: map[string]string{"RESULTS_BUCKET": resultsBucket}},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	// AWS advises a visibility timeout of six times the function's
	// timeout; tests that want a message back sooner change its visibility.
	e.url = mustCreate(e.t, e.sqs, "jobs", map[string]string{"VisibilityTimeout": "30"})
}

func (e *esmEnv) allowQueue(allow bool) {
	e.t.Helper()
	var err error
	if allow {
		_, err = e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("consumer-role"), PolicyName: aws.String("queue"), PolicyDocument: aws.String(queueAccess)})
	} else {
		_, err = e.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("consumer-role"), PolicyName: aws.String("queue")})
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *esmEnv) createMapping(in *lambda.CreateEventSourceMappingInput) (*lambda.CreateEventSourceMappingOutput, error) {
	if in.FunctionName == nil {
		in.FunctionName = aws.String("consumer")
	}
	if in.EventSourceArn == nil {
		in.EventSourceArn = aws.String("arn:aws:sqs:us-east-1:111111111111:jobs")
	}
	return e.lam.CreateEventSourceMapping(ctx, in)
}

func (e *esmEnv) send(body string) {
	e.t.Helper()
	if _, err := e.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &e.url, MessageBody: aws.String(body)}); err != nil {
		e.t.Fatal(err)
	}
}

type record struct {
	MessageID      string            `json:"messageId"`
	ReceiptHandle  string            `json:"receiptHandle"`
	Body           string            `json:"body"`
	Attributes     map[string]string `json:"attributes"`
	MD5OfBody      string            `json:"md5OfBody"`
	EventSource    string            `json:"eventSource"`
	EventSourceARN string            `json:"eventSourceARN"`
	AWSRegion      string            `json:"awsRegion"`
}

// invocations returns the events the function was invoked with, oldest
// first.
func (e *esmEnv) invocations() [][]record {
	list, err := e.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(resultsBucket)})
	if err != nil {
		e.t.Fatal(err)
	}
	var out [][]record
	for _, o := range list.Contents {
		got, err := e.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(resultsBucket), Key: o.Key})
		if err != nil {
			e.t.Fatal(err)
		}
		var ev struct{ Records []record }
		err = json.NewDecoder(got.Body).Decode(&ev)
		got.Body.Close()
		if err != nil {
			e.t.Fatalf("event %s: %v", aws.ToString(o.Key), err)
		}
		out = append(out, ev.Records)
	}
	return out
}

// records returns every record the function has seen.
func (e *esmEnv) records() []record {
	var out []record
	for _, inv := range e.invocations() {
		out = append(out, inv...)
	}
	return out
}

// waitFor polls cond for up to d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// returnNow ends an in-flight message's visibility timeout.
func (e *esmEnv) returnNow(r record) {
	e.t.Helper()
	if _, err := e.sqs.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &e.url, ReceiptHandle: &r.ReceiptHandle}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *esmEnv) queued() (visible, inflight string) {
	a, err := e.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &e.url,
		AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return a.Attributes["ApproximateNumberOfMessages"], a.Attributes["ApproximateNumberOfMessagesNotVisible"]
}

func bodies(rs []record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Body)
	}
	return out
}

func TestMappingNeedsTheRolesQueueAccess(t *testing.T) {
	e := newESMEnv(t, "")
	e.setup()
	_, err := e.createMapping(&lambda.CreateEventSourceMappingInput{})
	wantErr(t, err, "InvalidParameterValueException", "The function execution role does not have permissions to call ReceiveMessage on SQS")

	// The check was the role's session, through the door, and is explained.
	var out, errOut bytes.Buffer
	if explain.Run(e.env.DataDir, explain.Last, &out, &errOut) != 0 || !strings.Contains(out.String(), "sqs:ReceiveMessage") ||
		!strings.Contains(out.String(), "assumed-role/consumer-role/consumer") {
		t.Fatalf("seki explain --last:\n%s%s", out.String(), errOut.String())
	}

	e.allowQueue(true)
	_, err = e.createMapping(&lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String("arn:aws:sqs:us-east-1:111111111111:nope")})
	wantErr(t, err, "InvalidParameterValueException", "")
	_, err = e.createMapping(&lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(50)})
	wantErr(t, err, "InvalidParameterValueException", "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")

	m, err := e.createMapping(&lambda.CreateEventSourceMappingInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *m.State != "Creating" || *m.BatchSize != 10 || *m.StateTransitionReason != "USER_INITIATED" ||
		*m.FunctionArn != "arn:aws:lambda:us-east-1:111111111111:function:consumer" ||
		*m.EventSourceMappingArn != "arn:aws:lambda:us-east-1:111111111111:event-source-mapping:"+*m.UUID {
		t.Fatalf("created %+v", m)
	}
	_, err = e.createMapping(&lambda.CreateEventSourceMappingInput{})
	wantErr(t, err, "ResourceConflictException", "An event source mapping with SQS arn (\" arn:aws:sqs:us-east-1:111111111111:jobs \") and function (\" consumer \") already exists. Please update or delete the existing mapping with UUID "+*m.UUID)
	_, err = e.createMapping(&lambda.CreateEventSourceMappingInput{FunctionName: aws.String("nobody")})
	wantErr(t, err, "InvalidParameterValueException", "Function does not exist")
	_, err = e.lam.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String("00000000-0000-0000-0000-000000000000")})
	wantErr(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	waitFor(t, 5*time.Second, "Enabled", func() bool {
		g, err := e.lam.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: m.UUID})
		return err == nil && *g.State == "Enabled"
	})

	// A message is delivered in AWS's SQS event shape and deleted after
	// the function succeeds.
	e.send("hello")
	waitFor(t, 10*time.Second, "the event", func() bool { return len(e.records()) == 1 })
	r := e.records()[0]
	if r.Body != "hello" || r.EventSource != "aws:sqs" || r.EventSourceARN != "arn:aws:sqs:us-east-1:111111111111:jobs" ||
		r.AWSRegion != "us-east-1" || r.Attributes["ApproximateReceiveCount"] != "1" || r.MD5OfBody != "5d41402abc4b2a76b9719d911017c592" {
		t.Fatalf("record %+v", r)
	}
	waitFor(t, 5*time.Second, "the deletion", func() bool { v, f := e.queued(); return v == "0" && f == "0" })

	// A failing batch is not deleted: it stays in flight and returns when
	// its visibility timeout ends (here ended at once with the receipt
	// handle the function was given).
	e.send("fail")
	waitFor(t, 10*time.Second, "the failed invocation", func() bool { return len(e.records()) == 2 })
	e.returnNow(e.records()[1])
	waitFor(t, 10*time.Second, "the retry", func() bool { return len(e.records()) >= 3 })
	if got := e.records()[2]; got.Body != "fail" || got.Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("retry %+v", got)
	}
	e.sqs.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: &e.url})

	// Without the permission, the mapping stops consuming: the message
	// stays, and the poller's denials are recorded.
	e.allowQueue(false)
	time.Sleep(1500 * time.Millisecond)
	before := len(e.records())
	e.send("unread")
	time.Sleep(2 * time.Second)
	if n := len(e.records()); n != before {
		t.Fatalf("consumed without permission: %v", bodies(e.records()[before:]))
	}
	if v, f := e.queued(); v != "1" || f != "0" {
		t.Fatalf("queue holds %s visible, %s in flight; want the unread message", v, f)
	}
	out.Reset()
	if explain.Run(e.env.DataDir, explain.Last, &out, &errOut) != 0 || !strings.Contains(out.String(), "sqs:ReceiveMessage") {
		t.Fatalf("seki explain --last:\n%s%s", out.String(), errOut.String())
	}
	// Given back, it consumes again.
	e.allowQueue(true)
	waitFor(t, 10*time.Second, "the unread message", func() bool {
		rs := e.records()
		return len(rs) > before && rs[len(rs)-1].Body == "unread"
	})

	d, err := e.lam.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: m.UUID})
	if err != nil || *d.State != "Deleting" {
		t.Fatalf("%v %+v", err, d)
	}
	waitFor(t, 5*time.Second, "the deletion", func() bool {
		_, err := e.lam.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: m.UUID})
		c, _ := apiCode(err)
		return c == "ResourceNotFoundException"
	})
}

func TestReportBatchItemFailures(t *testing.T) {
	e := newESMEnv(t, "")
	e.setup()
	e.allowQueue(true)
	if _, err := e.sqs.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &e.url, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("good")}, {Id: aws.String("2"), MessageBody: aws.String("bad one")},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.createMapping(&lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(10), MaximumBatchingWindowInSeconds: aws.Int32(1),
		FunctionResponseTypes: []ltypes.FunctionResponseType{"ReportBatchItemFailures"}}); err != nil {
		t.Fatal(err)
	}
	// "good" is deleted; "bad one" stays in flight and comes back alone.
	waitFor(t, 60*time.Second, "the batch", func() bool { return len(e.records()) == 2 })
	waitFor(t, 5*time.Second, "the deletion of the handled message", func() bool { v, f := e.queued(); return v == "0" && f == "1" })
	for _, r := range e.records() {
		if r.Body == "bad one" {
			e.returnNow(r)
		}
	}
	waitFor(t, 15*time.Second, "the failed item's retry", func() bool {
		rs := e.records()
		return len(rs) >= 3 && rs[len(rs)-1].Body == "bad one"
	})
	for _, r := range e.records()[2:] {
		if r.Body == "good" {
			t.Fatalf("a message the function handled was delivered again: %v", bodies(e.records()))
		}
	}
}

// Mappings live in the store: after a restart the mapping is Enabled and
// consumes what was sent while seki was down.
func TestMappingSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	e := newESMEnv(t, dir)
	e.setup()
	e.allowQueue(true)
	m, err := e.createMapping(&lambda.CreateEventSourceMappingInput{})
	if err != nil {
		t.Fatal(err)
	}
	e.env.Stop()
	e.env = servertest.Start(t, servertest.Options{DataDir: dir})
	cfg := e.env.Root(servertest.AccountA)
	e.lam, e.sqs, e.s3 = lambda.NewFromConfig(cfg), sqs.NewFromConfig(cfg), servertest.S3(cfg)
	u, err := e.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
	if err != nil {
		t.Fatal(err)
	}
	e.url = *u.QueueUrl
	e.send("after restart")
	waitFor(t, 10*time.Second, "the event", func() bool { rs := e.records(); return len(rs) == 1 && rs[0].Body == "after restart" })
	g, err := e.lam.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: m.UUID})
	if err != nil || *g.State != "Enabled" {
		t.Fatalf("%v %+v", err, g)
	}
	l, err := e.lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("consumer")})
	if err != nil || len(l.EventSourceMappings) != 1 {
		t.Fatalf("%v %+v", err, l)
	}
}

// Reserved concurrency bounds the mapping: at 0 nothing is consumed; at 1
// one poller gathers messages for the batching window into one batch.
func TestMappingConcurrencyAndBatchingWindow(t *testing.T) {
	e := newESMEnv(t, "")
	e.setup()
	e.allowQueue(true)
	zero := int32(0)
	if _, err := e.lam.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("consumer"), ReservedConcurrentExecutions: &zero}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.createMapping(&lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(5), MaximumBatchingWindowInSeconds: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	e.send("throttled")
	time.Sleep(2 * time.Second)
	if n := len(e.records()); n != 0 {
		t.Fatalf("a function with reserved concurrency 0 got %d records", n)
	}
	one := int32(1)
	if _, err := e.lam.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("consumer"), ReservedConcurrentExecutions: &one}); err != nil {
		t.Fatal(err)
	}
	// The one poller takes "throttled" and waits up to the window for
	// four more, sent in two steps.
	time.Sleep(300 * time.Millisecond)
	e.send("second")
	e.send("third")
	time.Sleep(300 * time.Millisecond)
	e.send("fourth")
	e.send("fifth")
	waitFor(t, 15*time.Second, "the batch", func() bool { return len(e.records()) == 5 })
	if n := len(e.invocations()); n != 1 {
		t.Fatalf("the five messages came in %d invocations, want one batch: %v", n, bodies(e.records()))
	}
}

// A mapping deleted right after it is created stays deleted (the create's
// own move to Enabled once overwrote the delete and brought it back), and
// its tags, given at creation and changed on its ARN, are its own.
func TestMappingTagsAndQuickDelete(t *testing.T) {
	e := newESMEnv(t, "")
	e.setup()
	e.allowQueue(true)
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#TestLambdaEventSourceMappings::test_event_source_mapping_exceptions
	_, err := e.createMapping(&lambda.CreateEventSourceMappingInput{DestinationConfig: &ltypes.DestinationConfig{
		OnFailure: &ltypes.OnFailure{Destination: aws.String("arn:aws:sqs:us-east-1:111111111111:jobs")}}})
	wantErr(t, err, "InvalidParameterValueException", "Unsupported DestinationConfig parameter for given event source mapping type.")
	m, err := e.createMapping(&lambda.CreateEventSourceMappingInput{Tags: map[string]string{"given": "at creation"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.lam.TagResource(ctx, &lambda.TagResourceInput{Resource: m.EventSourceMappingArn, Tags: map[string]string{"b": "2"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := e.lam.ListTags(ctx, &lambda.ListTagsInput{Resource: m.EventSourceMappingArn})
	if err != nil || len(tags.Tags) != 2 || tags.Tags["given"] != "at creation" || tags.Tags["b"] != "2" {
		t.Fatalf("tags %v %v", tags, err)
	}
	// The poller's move to Enabled keeps the tags.
	waitFor(t, 5*time.Second, "Enabled", func() bool {
		g, err := e.lam.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: m.UUID})
		return err == nil && *g.State == "Enabled"
	})
	if _, err := e.lam.UntagResource(ctx, &lambda.UntagResourceInput{Resource: m.EventSourceMappingArn, TagKeys: []string{"given", "absent"}}); err != nil {
		t.Fatal(err)
	}
	tags, err = e.lam.ListTags(ctx, &lambda.ListTagsInput{Resource: m.EventSourceMappingArn})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["b"] != "2" {
		t.Fatalf("tags %v %v", tags, err)
	}
	for i := range 40 {
		if _, err := e.lam.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: m.UUID}); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		_, err = e.lam.ListTags(ctx, &lambda.ListTagsInput{Resource: m.EventSourceMappingArn})
		wantErr(t, err, "ResourceNotFoundException", "Event source mapping not found: "+*m.EventSourceMappingArn)
		// At once, as the same function and queue may have one mapping.
		if m, err = e.createMapping(&lambda.CreateEventSourceMappingInput{}); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
	if _, err := e.lam.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: m.UUID}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "every mapping gone", func() bool {
		l, err := e.lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
		return err == nil && len(l.EventSourceMappings) == 0
	})
	time.Sleep(500 * time.Millisecond)
	if l, err := e.lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{}); err != nil || len(l.EventSourceMappings) != 0 {
		t.Fatalf("a deleted mapping came back: %+v %v", l, err)
	}
}
