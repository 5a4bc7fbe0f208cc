package sns_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server"
	"github.com/seki-dev/seki/internal/server/servertest"
)

const (
	a = "111111111111"
	b = "222222222222"
)

func snsClient(env *servertest.Env, k server.RootKey) *awssns.Client {
	return awssns.NewFromConfig(env.Root(k))
}

func createTopic(t testing.TB, c *awssns.Client, name string) string {
	t.Helper()
	out, err := c.CreateTopic(context.Background(), &awssns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateTopic %s: %v", name, err)
	}
	return aws.ToString(out.TopicArn)
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func requestID(t *testing.T, md any) string {
	t.Helper()
	var id string
	switch m := md.(type) {
	case *awssns.PublishOutput:
		id, _ = awsmiddleware.GetRequestIDMetadata(m.ResultMetadata)
	}
	if id == "" {
		t.Fatal("no request id")
	}
	return id
}

// snsRecord is the part of AWS's SNS event a test looks at.
type snsRecord struct {
	EventSource          string
	EventVersion         string
	EventSubscriptionArn string
	Sns                  struct {
		Type, MessageId, TopicArn, Message, Timestamp string
		Subject                                       *string
		SignatureVersion, Signature                   string
		SigningCertUrl, UnsubscribeUrl                string
		MessageAttributes                             map[string]struct{ Type, Value string }
	}
}

func records(t *testing.T, ev json.RawMessage) []snsRecord {
	t.Helper()
	var e struct{ Records []snsRecord }
	if err := json.Unmarshal(ev, &e); err != nil {
		t.Fatalf("event %s: %v", ev, err)
	}
	return e.Records
}

// TestE2EPublishToFunction: a topic with a lambda subscription delivers
// nothing while the function's policy does not allow sns.amazonaws.com for
// this topic, and the refusal is logged under the Publish request id; a
// permission for another topic does not help; the permission for this
// topic makes the next message arrive, in AWS's event shape.
func TestE2EPublishToFunction(t *testing.T) {
	servertest.NeedPython(t)
	env := servertest.Start(t)
	ctx := context.Background()
	c := snsClient(env, servertest.AccountA)
	topic := createTopic(t, c, "orders")
	rec := servertest.NewRecorder(t, env, servertest.AccountA, "sns-recorder")
	sub, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("lambda"), Endpoint: aws.String(rec.FunctionARN)})
	if err != nil {
		t.Fatal(err)
	}
	subARN := aws.ToString(sub.SubscriptionArn)
	if !strings.HasPrefix(subARN, topic+":") {
		t.Fatalf("SubscriptionArn %s", subARN)
	}

	// No permission at all: no delivery, a denied decision.
	out, err := c.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("lost")})
	if err != nil {
		t.Fatal(err)
	}
	d := env.WaitDecision(t, requestID(t, out), "lambda:InvokeFunction", "sns.amazonaws.com", 5*time.Second)
	if d.Decision == "Allowed" || d.Resource != rec.FunctionARN {
		t.Fatalf("decision %+v", d)
	}

	// A permission for another topic: still refused.
	lc := lambda.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("other"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("sns.amazonaws.com"),
		SourceArn: aws.String("arn:aws:sns:us-east-1:" + a + ":other")}); err != nil {
		t.Fatal(err)
	}
	out, err = c.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("lost too")})
	if err != nil {
		t.Fatal(err)
	}
	if d := env.WaitDecision(t, requestID(t, out), "lambda:InvokeFunction", "sns.amazonaws.com", 5*time.Second); d.Decision == "Allowed" {
		t.Fatalf("decision %+v", d)
	}

	// The right permission: delivered.
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("orders"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("sns.amazonaws.com"),
		SourceArn: aws.String(topic), SourceAccount: aws.String(a)}); err != nil {
		t.Fatal(err)
	}
	asked := env.CountDecisions(t, "lambda:InvokeFunction", "sns.amazonaws.com")
	out, err = c.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"order":1}`), Subject: aws.String("new order"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"kind":  {DataType: aws.String("String"), StringValue: aws.String("book")},
			"count": {DataType: aws.String("Number"), StringValue: aws.String("3")},
			"blob":  {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2, 3}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if d := env.WaitDecision(t, requestID(t, out), "lambda:InvokeFunction", "sns.amazonaws.com", 5*time.Second); d.Decision != "Allowed" {
		t.Fatalf("decision %+v", d)
	}
	got := rec.Wait(t, 1, 60*time.Second)
	time.Sleep(300 * time.Millisecond)
	if got = rec.Events(t); len(got) != 1 {
		t.Fatalf("%d events delivered, want 1 (the refused ones must not arrive)", len(got))
	}
	// The delivery was authorized once (issue #10), under the Publish's
	// request id, not again under the invocation's.
	if n := env.CountDecisions(t, "lambda:InvokeFunction", "sns.amazonaws.com") - asked; n != 1 {
		t.Fatalf("the delivery was authorized %d times, want once", n)
	}
	rs := records(t, got[0].Event)
	if len(rs) != 1 {
		t.Fatalf("event %s", got[0].Event)
	}
	r := rs[0]
	if r.EventSource != "aws:sns" || r.EventVersion != "1.0" || r.EventSubscriptionArn != subARN {
		t.Fatalf("record %+v", r)
	}
	s := r.Sns
	if s.Type != "Notification" || s.MessageId != aws.ToString(out.MessageId) || s.TopicArn != topic || s.Message != `{"order":1}` ||
		s.Subject == nil || *s.Subject != "new order" || s.SignatureVersion != "1" || s.Signature == "" ||
		!strings.Contains(s.UnsubscribeUrl, "Action=Unsubscribe&SubscriptionArn="+subARN) || !strings.HasSuffix(s.SigningCertUrl, ".pem") {
		t.Fatalf("Sns %+v", s)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", s.Timestamp); err != nil {
		t.Fatalf("Timestamp %q", s.Timestamp)
	}
	wantAttrs := map[string]struct{ Type, Value string }{"kind": {"String", "book"}, "count": {"Number", "3"}, "blob": {"Binary", "AQID"}}
	for k, v := range wantAttrs {
		if s.MessageAttributes[k] != v {
			t.Fatalf("MessageAttributes %+v", s.MessageAttributes)
		}
	}

	// Unsubscribed: nothing more is delivered, and nothing is asked.
	if _, err := c.Unsubscribe(ctx, &awssns.UnsubscribeInput{SubscriptionArn: aws.String(subARN)}); err != nil {
		t.Fatal(err)
	}
	out, err = c.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("after")})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range env.Decisions(t, requestID(t, out)) {
		if d.Action == "lambda:InvokeFunction" {
			t.Fatalf("unsubscribed function still asked: %+v", d)
		}
	}
}

// TestE2ECrossAccountPublish: a topic in B refuses A's Publish with the
// default policy (AuthorizationError, AWS's text); B's AddPermission lets
// A's root publish; an IAM user of A still needs its own identity policy.
func TestE2ECrossAccountPublish(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cb := snsClient(env, servertest.AccountB)
	ca := snsClient(env, servertest.AccountA)
	topic := createTopic(t, cb, "shared")

	_, err := ca.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hi")})
	wantAPIError(t, err, "AuthorizationError", "User: arn:aws:iam::"+a+":root is not authorized to perform: SNS:Publish on resource: "+topic+" because no resource-based policy allows the SNS:Publish action")
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("status: %v", err)
	}
	// A caller without permission learns nothing about existence.
	_, err = ca.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:" + b + ":missing"), Message: aws.String("hi")})
	wantAPIError(t, err, "AuthorizationError", "")

	if _, err := cb.AddPermission(ctx, &awssns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("a-publishes"),
		AWSAccountId: []string{a}, ActionName: []string{"Publish"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hi")}); err != nil {
		t.Fatalf("after AddPermission: %v", err)
	}

	// An IAM user in A: the topic policy allows its account, but its own
	// identity policy must allow too.
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("pub")}); err != nil {
		t.Fatal(err)
	}
	key, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("pub")})
	if err != nil {
		t.Fatal(err)
	}
	cu := awssns.NewFromConfig(env.Config(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""))
	_, err = cu.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hi")})
	wantAPIError(t, err, "AuthorizationError", "User: arn:aws:iam::"+a+":user/pub is not authorized to perform: SNS:Publish on resource: "+topic+" because no identity-based policy allows the SNS:Publish action")
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("pub"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"` + topic + `"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := cu.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hi")}); err != nil {
		t.Fatalf("with both policies: %v", err)
	}

	// RemovePermission takes it back.
	if _, err := cb.RemovePermission(ctx, &awssns.RemovePermissionInput{TopicArn: aws.String(topic), Label: aws.String("a-publishes")}); err != nil {
		t.Fatal(err)
	}
	_, err = ca.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hi")})
	wantAPIError(t, err, "AuthorizationError", "")
}

// TestE2ECrossAccountSubscription follows AWS's cross-account tutorial:
// the topic is in B, the function in A. A may subscribe once B's topic
// policy allows A to; B's messages reach A's function once A's function
// policy allows sns.amazonaws.com for B's topic.
func TestE2ECrossAccountSubscription(t *testing.T) {
	servertest.NeedPython(t)
	env := servertest.Start(t)
	ctx := context.Background()
	cb := snsClient(env, servertest.AccountB)
	ca := snsClient(env, servertest.AccountA)
	topic := createTopic(t, cb, "events-b")
	rec := servertest.NewRecorder(t, env, servertest.AccountA, "cross-recorder")

	subscribe := func() (*awssns.SubscribeOutput, error) {
		return ca.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("lambda"), Endpoint: aws.String(rec.FunctionARN)})
	}
	_, err := subscribe()
	wantAPIError(t, err, "AuthorizationError", "User: arn:aws:iam::"+a+":root is not authorized to perform: SNS:Subscribe on resource: "+topic+" because no resource-based policy allows the SNS:Subscribe action")
	if _, err := cb.AddPermission(ctx, &awssns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("lambda-access"),
		AWSAccountId: []string{a}, ActionName: []string{"Subscribe", "ListSubscriptionsByTopic"}}); err != nil {
		t.Fatal(err)
	}
	sub, err := subscribe()
	if err != nil {
		t.Fatal(err)
	}
	lc := lambda.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("sns-b"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("sns.amazonaws.com"), SourceArn: aws.String(topic)}); err != nil {
		t.Fatal(err)
	}
	out, err := cb.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("from b")})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Wait(t, 1, 60*time.Second)
	r := records(t, got[0].Event)[0]
	if r.Sns.Message != "from b" || r.Sns.TopicArn != topic || r.EventSubscriptionArn != aws.ToString(sub.SubscriptionArn) || r.Sns.MessageId != aws.ToString(out.MessageId) {
		t.Fatalf("record %+v", r)
	}
	// A lists the subscriptions it owns; B lists those on its topic.
	la, err := ca.ListSubscriptions(ctx, &awssns.ListSubscriptionsInput{})
	if err != nil || len(la.Subscriptions) != 1 || aws.ToString(la.Subscriptions[0].Owner) != a {
		t.Fatalf("ListSubscriptions as A: %+v %v", la, err)
	}
	lb, err := cb.ListSubscriptionsByTopic(ctx, &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	if err != nil || len(lb.Subscriptions) != 1 {
		t.Fatalf("ListSubscriptionsByTopic as B: %+v %v", lb, err)
	}
}
