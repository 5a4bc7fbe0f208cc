package sqs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

var ctx = context.Background()

func newClient(t testing.TB) (*servertest.Env, *sqs.Client) {
	env := servertest.Start(t)
	return env, sqs.NewFromConfig(env.Root(servertest.AccountA))
}

func mustCreate(t testing.TB, c *sqs.Client, name string, attrs map[string]string) string {
	t.Helper()
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	return *out.QueueUrl
}

// apiCode returns err's AWS error code and message.
func apiCode(err error) (string, string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", ""
}

func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	c, m := apiCode(err)
	if c != code || (msg != "" && m != msg) {
		t.Fatalf("got %v (code %q, message %q), want %s: %s", err, c, m, code, msg)
	}
}

func TestSendReceiveDelete(t *testing.T) {
	env, c := newClient(t)
	url := mustCreate(t, c, "q1", nil)
	if !strings.HasPrefix(url, env.URL+"/111111111111/q1") {
		t.Fatalf("queue URL %s does not point at seki (%s)", url, env.URL)
	}
	// The SDK checks MD5OfMessageBody and MD5OfMessageAttributes itself.
	sent, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("hello"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"a": {DataType: aws.String("String"), StringValue: aws.String("x")},
			"b": {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2, 3}},
			"n": {DataType: aws.String("Number.int"), StringValue: aws.String("7")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}, MessageAttributeNames: []string{"All"}, VisibilityTimeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 1 || *got.Messages[0].MessageId != *sent.MessageId || *got.Messages[0].Body != "hello" {
		t.Fatalf("received %+v", got.Messages)
	}
	m := got.Messages[0]
	if m.Attributes["ApproximateReceiveCount"] != "1" || m.Attributes["SenderId"] != "111111111111" || len(m.MessageAttributes) != 3 {
		t.Fatalf("attributes %v / %v", m.Attributes, m.MessageAttributes)
	}
	// Invisible now; visible again after the 1 s timeout, received a second time.
	again, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url})
	if err != nil || len(again.Messages) != 0 {
		t.Fatalf("in flight message received again: %v %v", again, err)
	}
	start := time.Now()
	again, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 5,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
	if err != nil || len(again.Messages) != 1 {
		t.Fatalf("long poll: %v %v", again, err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("long poll returned after %v, the message was visible after about 1 s", d)
	}
	if n := again.Messages[0].Attributes["ApproximateReceiveCount"]; n != "2" {
		t.Fatalf("ApproximateReceiveCount %s, want 2", n)
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: again.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	attrs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []types.QueueAttributeName{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["ApproximateNumberOfMessages"] != "0" || attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" ||
		attrs.Attributes["QueueArn"] != "arn:aws:sqs:us-east-1:111111111111:q1" || attrs.Attributes["VisibilityTimeout"] != "30" {
		t.Fatalf("attributes %v", attrs.Attributes)
	}
}

func TestLongPollWakesOnSend(t *testing.T) {
	_, c := newClient(t)
	url := mustCreate(t, c, "lp", nil)
	done := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 10})
		if err != nil || len(out.Messages) != 1 {
			done <- -1
			return
		}
		done <- time.Since(start)
	}()
	time.Sleep(300 * time.Millisecond)
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	if d := <-done; d < 0 || d > 2*time.Second {
		t.Fatalf("long poll took %v", d)
	}
}

func TestErrors(t *testing.T) {
	_, c := newClient(t)
	url := mustCreate(t, c, "e", nil)
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url + "x"), MessageBody: aws.String("x")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	_, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 11})
	wantErr(t, err, "InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("e"), Attributes: map[string]string{"DelaySeconds": "5"}})
	wantErr(t, err, "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute DelaySeconds")
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &url, Attributes: map[string]string{"FifoQueue": "true"}})
	wantErr(t, err, "InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: []types.SendMessageBatchRequestEntry{{Id: aws.String("a:b"), MessageBody: aws.String("x")}}})
	wantErr(t, err, "AWS.SimpleQueueService.InvalidBatchEntryId", "")
	if _, err := c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: &url}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: &url})
	wantErr(t, err, "AWS.SimpleQueueService.PurgeQueueInProgress", "Only one PurgeQueue operation on e is allowed every 60 seconds.")
}

func TestBatchesAndFIFO(t *testing.T) {
	_, c := newClient(t)
	url := mustCreate(t, c, "f.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	var entries []types.SendMessageBatchRequestEntry
	for i, body := range []string{"1", "2", "3", "1"} {
		entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(string(rune('a' + i))), MessageBody: aws.String(body), MessageGroupId: aws.String("g")})
	}
	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: entries})
	if err != nil || len(out.Successful) != 4 {
		t.Fatalf("%v %+v", err, out)
	}
	if *out.Successful[0].MessageId != *out.Successful[3].MessageId {
		t.Fatal("content-based deduplication did not return the first message's id")
	}
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10})
	if err != nil || len(got.Messages) != 3 {
		t.Fatalf("%v %+v", err, got)
	}
	for i, want := range []string{"1", "2", "3"} {
		if *got.Messages[i].Body != want {
			t.Fatalf("FIFO order: message %d is %s", i, *got.Messages[i].Body)
		}
	}
	// The group is in flight: nothing more until it is done.
	var del []types.DeleteMessageBatchRequestEntry
	for i, m := range got.Messages {
		del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(string(rune('a' + i))), ReceiptHandle: m.ReceiptHandle})
	}
	dout, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: del})
	if err != nil || len(dout.Successful) != 3 {
		t.Fatalf("%v %+v", err, dout)
	}
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")})
	wantErr(t, err, "MissingParameter", "The request must contain the parameter MessageGroupId.")
}

func TestRedriveToDeadLetterQueue(t *testing.T) {
	_, c := newClient(t)
	dlq := mustCreate(t, c, "dlq", nil)
	src := mustCreate(t, c, "src", map[string]string{"VisibilityTimeout": "0",
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:dlq","maxReceiveCount":"2"}`})
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &src, MessageBody: aws.String("poison")}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &src})
		if err != nil || len(got.Messages) != 1 {
			t.Fatalf("receive %d: %v %v", i, got, err)
		}
	}
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &src})
	if err != nil || len(got.Messages) != 0 {
		t.Fatalf("third receive from the source: %v %v", got, err)
	}
	got, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &dlq, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}})
	if err != nil || len(got.Messages) != 1 || *got.Messages[0].Body != "poison" {
		t.Fatalf("dead-letter queue: %v %v", got, err)
	}
	if a := got.Messages[0].Attributes; a["DeadLetterQueueSourceArn"] != "arn:aws:sqs:us-east-1:111111111111:src" || a["ApproximateReceiveCount"] != "3" {
		t.Fatalf("attributes %v", a)
	}
}

// Cross-account access needs the queue policy: account B's root may not
// send to A's queue until A's policy allows it, and then may.
func TestCrossAccountNeedsQueuePolicy(t *testing.T) {
	env, a := newClient(t)
	b := sqs.NewFromConfig(env.Root(servertest.AccountB))
	url := mustCreate(t, a, "shared", nil)
	_, err := b.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")})
	wantErr(t, err, "AccessDenied", "User: arn:aws:iam::222222222222:root is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111111111111:shared because no resource-based policy allows the sqs:sendmessage action")
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:shared"}]}`
	if _, err := a.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &url, Attributes: map[string]string{"Policy": pol}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	// SendMessageBatch is authorized as sqs:SendMessage, and SQS names
	// actions in lower case.
	_, err = b.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: []types.SendMessageBatchRequestEntry{{Id: aws.String("a"), MessageBody: aws.String("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	// The policy grants only SendMessage.
	_, err = b.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url})
	wantErr(t, err, "AccessDenied", "")
	// Configuration is the owner's alone, whatever the policy says.
	_, err = b.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &url, Attributes: map[string]string{"DelaySeconds": "1"}})
	wantErr(t, err, "AccessDenied", "")

	// An IAM user of A needs an identity policy.
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}); err != nil {
		t.Fatal(err)
	}
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")})
	if err != nil {
		t.Fatal(err)
	}
	u := sqs.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	_, err = u.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")})
	wantErr(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/u is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111111111111:shared because no identity-based policy allows the sqs:sendmessage action")
}

func TestListAndTags(t *testing.T) {
	_, c := newClient(t)
	for _, n := range []string{"b1", "a1", "a2"} {
		mustCreate(t, c, n, nil)
	}
	out, err := c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("a"), MaxResults: aws.Int32(1)})
	if err != nil || len(out.QueueUrls) != 1 || !strings.HasSuffix(out.QueueUrls[0], "/a1") || out.NextToken == nil {
		t.Fatalf("%v %+v", err, out)
	}
	out, err = c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("a"), NextToken: out.NextToken, MaxResults: aws.Int32(1)})
	if err != nil || len(out.QueueUrls) != 1 || !strings.HasSuffix(out.QueueUrls[0], "/a2") {
		t.Fatalf("%v %+v", err, out)
	}
	u, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("b1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: u.QueueUrl, Tags: map[string]string{"k": "v", "k2": ""}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: u.QueueUrl, TagKeys: []string{"k2"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: u.QueueUrl})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["k"] != "v" {
		t.Fatalf("%v %v", err, tags)
	}
	if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: u.QueueUrl}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("b1")})
	wantErr(t, err, "AWS.SimpleQueueService.NonExistentQueue", "")
}

// Queues and messages live in the store: a restarted server has them.
func TestRestartKeepsMessages(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	c := sqs.NewFromConfig(env.Root(servertest.AccountA))
	url := mustCreate(t, c, "keep", nil)
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("still here")}); err != nil {
		t.Fatal(err)
	}
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	c = sqs.NewFromConfig(env.Root(servertest.AccountA))
	u, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("keep")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: u.QueueUrl})
	if err != nil || len(got.Messages) != 1 || *got.Messages[0].Body != "still here" {
		t.Fatalf("%v %+v", err, got)
	}
}
