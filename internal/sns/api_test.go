package sns_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestTopicLifecycle drives the topic API through aws-sdk-go-v2 and checks
// AWS's answers (shapes and the texts of LocalStack's AWS-validated
// snapshots, tests/aws/services/sns/test_sns.snapshot.json).
func TestTopicLifecycle(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	c := snsClient(env, servertest.AccountA)

	for _, name := range []string{"", "a b", "x.fifo", strings.Repeat("n", 257), "bad$"} {
		_, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String(name)})
		wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Topic Name")
	}
	_, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("plain"), Attributes: map[string]string{"FifoTopic": "true"}})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Topic Name")

	topic := createTopic(t, c, "life")
	if topic != "arn:aws:sns:us-east-1:"+a+":life" {
		t.Fatalf("TopicArn %s", topic)
	}
	if again := createTopic(t, c, "life"); again != topic {
		t.Fatalf("CreateTopic is not idempotent: %s", again)
	}
	_, err = c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("life"), Attributes: map[string]string{"DisplayName": "other"}})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Attributes Reason: Topic already exists with different attributes")
	_, err = c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("life"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Tags Reason: Topic already exists with different tags")

	attrs, err := c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	var pol struct {
		Version, Id string
		Statement   []struct {
			Sid       string
			Principal map[string]string
			Action    []string
			Resource  string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(attrs.Attributes["Policy"]), &pol); err != nil {
		t.Fatal(err)
	}
	st := pol.Statement[0]
	if pol.Version != "2008-10-17" || pol.Id != "__default_policy_ID" || st.Sid != "__default_statement_ID" || st.Principal["AWS"] != "*" ||
		len(st.Action) != 8 || st.Resource != topic || st.Condition["StringEquals"]["AWS:SourceOwner"] != a {
		t.Fatalf("default policy %s", attrs.Attributes["Policy"])
	}
	for k, v := range map[string]string{"Owner": a, "TopicArn": topic, "DisplayName": "", "SubscriptionsConfirmed": "0", "SubscriptionsPending": "0", "SubscriptionsDeleted": "0"} {
		if got, ok := attrs.Attributes[k]; !ok || got != v {
			t.Fatalf("attribute %s = %q, want %q", k, got, v)
		}
	}

	if _, err := c.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("Life")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("Nope"), AttributeValue: aws.String("x")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: AttributeName")
	_, err = c.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("Policy"), AttributeValue: aws.String("{")})
	wantAPIError(t, err, "InvalidParameter", "")
	attrs, _ = c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if attrs.Attributes["DisplayName"] != "Life" {
		t.Fatalf("DisplayName %q", attrs.Attributes["DisplayName"])
	}

	_, err = c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(topic + "-missing")})
	wantAPIError(t, err, "NotFound", "Topic does not exist")
	_, err = c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String("life")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1")
	_, err = c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:" + a + ":life")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: TopicArn")

	// Tags.
	_, err = c.TagResource(ctx, &awssns.TagResourceInput{ResourceArn: aws.String(topic), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Duplicated keys are not allowed.")
	if _, err := c.TagResource(ctx, &awssns.TagResourceInput{ResourceArn: aws.String(topic), Tags: []types.Tag{{Key: aws.String("k2"), Value: aws.String("v2")}, {Key: aws.String("k1"), Value: aws.String("v1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &awssns.UntagResourceInput{ResourceArn: aws.String(topic), TagKeys: []string{"k1"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: aws.String(topic)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "k2" {
		t.Fatalf("tags %+v %v", tags, err)
	}

	// Subscriptions.
	_, err = c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("carrier-pigeon"), Endpoint: aws.String("x")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon")
	_, err = c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String("http://localhost/q")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: SQS endpoint ARN")
	_, err = c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("lambda"), Endpoint: aws.String("f"),
		Attributes: map[string]string{"RawMessageDelivery": "wrongvalue"}})
	wantAPIError(t, err, "InvalidParameter", "")
	fn := "arn:aws:lambda:us-east-1:" + a + ":function:f"
	sub, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("lambda"), Endpoint: aws.String(fn)})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("lambda"), Endpoint: aws.String(fn)})
	if err != nil || aws.ToString(again.SubscriptionArn) != aws.ToString(sub.SubscriptionArn) {
		t.Fatalf("Subscribe is not idempotent: %v %v", again, err)
	}
	email, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("email"), Endpoint: aws.String("a@example.com")})
	if err != nil || aws.ToString(email.SubscriptionArn) != "pending confirmation" {
		t.Fatalf("email subscription %v %v", email, err)
	}
	sa, err := c.GetSubscriptionAttributes(ctx, &awssns.GetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn})
	if err != nil || sa.Attributes["Endpoint"] != fn || sa.Attributes["Protocol"] != "lambda" || sa.Attributes["PendingConfirmation"] != "false" {
		t.Fatalf("subscription attributes %+v %v", sa, err)
	}
	setSub := func(name, value string) error {
		_, err := c.SetSubscriptionAttributes(ctx, &awssns.SetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn,
			AttributeName: aws.String(name), AttributeValue: aws.String(value)})
		return err
	}
	wantAPIError(t, setSub("Nope", "x"), "InvalidParameter", "Invalid parameter: AttributeName")
	wantAPIError(t, setSub("RawMessageDelivery", "test-ValUe"), "InvalidParameter", "Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false.")
	wantAPIError(t, setSub("FilterPolicy", `{"a":[]}`), "InvalidParameter", "Invalid parameter: FilterPolicy: Empty arrays are not allowed")
	if err := setSub("FilterPolicy", `{"store":["example_corp"]}`); err != nil {
		t.Fatal(err)
	}
	sa, err = c.GetSubscriptionAttributes(ctx, &awssns.GetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn})
	if err != nil || sa.Attributes["FilterPolicy"] != `{"store":["example_corp"]}` {
		t.Fatalf("after SetSubscriptionAttributes: %+v %v", sa, err)
	}
	attrs, _ = c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if attrs.Attributes["SubscriptionsConfirmed"] != "1" || attrs.Attributes["SubscriptionsPending"] != "1" {
		t.Fatalf("counts %v", attrs.Attributes)
	}
	_, err = c.Unsubscribe(ctx, &awssns.UnsubscribeInput{SubscriptionArn: aws.String("nope")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1")

	// Deleting the topic deletes its subscriptions; deleting twice is fine.
	for i := 0; i < 2; i++ {
		if _, err := c.DeleteTopic(ctx, &awssns.DeleteTopicInput{TopicArn: aws.String(topic)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.GetSubscriptionAttributes(ctx, &awssns.GetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn})
	wantAPIError(t, err, "NotFound", "Subscription does not exist")
	ls, err := c.ListSubscriptions(ctx, &awssns.ListSubscriptionsInput{})
	if err != nil || len(ls.Subscriptions) != 0 {
		t.Fatalf("subscriptions left: %+v %v", ls, err)
	}
}

func TestListTopicsPages(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	c := snsClient(env, servertest.AccountA)
	for i := 0; i < 105; i++ {
		createTopic(t, c, fmt.Sprintf("t%03d", i))
	}
	createTopic(t, snsClient(env, servertest.AccountB), "not-mine")
	seen := map[string]bool{}
	p := awssns.NewListTopicsPaginator(c, &awssns.ListTopicsInput{})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, tp := range out.Topics {
			seen[aws.ToString(tp.TopicArn)] = true
		}
	}
	if pages != 2 || len(seen) != 105 {
		t.Fatalf("%d pages, %d topics", pages, len(seen))
	}
}

func TestPublishValidation(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	c := snsClient(env, servertest.AccountA)
	topic := createTopic(t, c, "v")
	cases := []struct {
		in         awssns.PublishInput
		code, text string
	}{
		{awssns.PublishInput{Message: aws.String("")}, "InvalidParameter", "Invalid parameter: Empty message"},
		{awssns.PublishInput{Message: aws.String(strings.Repeat("x", 262145))}, "InvalidParameter", "Invalid parameter: Message too long"},
		{awssns.PublishInput{Message: aws.String("m"), Subject: aws.String("")}, "InvalidParameter", "Invalid parameter: Subject"},
		{awssns.PublishInput{Message: aws.String("{"), MessageStructure: aws.String("json")}, "InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse"},
		{awssns.PublishInput{Message: aws.String(`{"lambda":"x"}`), MessageStructure: aws.String("json")}, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{awssns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("String"), StringValue: aws.String("")}}},
			"ParameterValueInvalid", "The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'."},
		{awssns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Blob"), StringValue: aws.String("x")}}},
			"ParameterValueInvalid", "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
		{awssns.PublishInput{Message: aws.String("m"), MessageAttributes: map[string]types.MessageAttributeValue{"a^b": {DataType: aws.String("String"), StringValue: aws.String("x")}}},
			"ParameterValueInvalid", "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."},
		{awssns.PublishInput{Message: aws.String("m"), MessageDeduplicationId: aws.String("d")}, "InvalidParameter",
			"Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"},
	}
	for i, tc := range cases {
		in := tc.in
		in.TopicArn = aws.String(topic)
		_, err := c.Publish(ctx, &in)
		t.Run(fmt.Sprint(i), func(t *testing.T) { wantAPIError(t, err, tc.code, tc.text) })
	}

	// FIFO topics need a group, and a deduplication id or content-based
	// deduplication.
	fifo, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("v.fifo"), Attributes: map[string]string{"FifoTopic": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Publish(ctx, &awssns.PublishInput{TopicArn: fifo.TopicArn, Message: aws.String("m")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
	_, err = c.Publish(ctx, &awssns.PublishInput{TopicArn: fifo.TopicArn, Message: aws.String("m"), MessageGroupId: aws.String("g")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	out, err := c.Publish(ctx, &awssns.PublishInput{TopicArn: fifo.TopicArn, Message: aws.String("m"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d")})
	if err != nil || aws.ToString(out.SequenceNumber) == "" {
		t.Fatalf("FIFO publish %+v %v", out, err)
	}
}

func TestPublishBatch(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	c := snsClient(env, servertest.AccountA)
	topic := createTopic(t, c, "batch")
	entry := func(id, msg string) types.PublishBatchRequestEntry {
		return types.PublishBatchRequestEntry{Id: aws.String(id), Message: aws.String(msg)}
	}
	out, err := c.PublishBatch(ctx, &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		entry("one", "1"), entry("two", ""), entry("three", "3"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Id) != "two" ||
		aws.ToString(out.Failed[0].Code) != "InvalidParameter" || !out.Failed[0].SenderFault {
		t.Fatalf("PublishBatch %+v", out)
	}
	for _, s := range out.Successful {
		if aws.ToString(s.MessageId) == "" {
			t.Fatalf("no MessageId: %+v", s)
		}
	}

	many := make([]types.PublishBatchRequestEntry, 11)
	for i := range many {
		many[i] = entry(fmt.Sprint("e", i), "m")
	}
	_, err = c.PublishBatch(ctx, &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: many})
	wantAPIError(t, err, "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
	_, err = c.PublishBatch(ctx, &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{entry("x", "1"), entry("x", "2")}})
	wantAPIError(t, err, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
	_, err = c.PublishBatch(ctx, &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{entry("message.id", "1")}})
	wantAPIError(t, err, "InvalidBatchEntryId", "The Id of a batch entry in the batch request contains an impermissible character: message.id")
	_, err = c.PublishBatch(ctx, &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{entry("a", strings.Repeat("x", 140000)), entry("b", strings.Repeat("x", 140000))}})
	wantAPIError(t, err, "BatchRequestTooLong", "The length of all the messages put together is more than the limit.")
}

// TestTopicsSurviveRestart: topics, policies and subscriptions are in the
// store, not only in memory.
func TestTopicsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	c := snsClient(env, servertest.AccountB)
	topic := createTopic(t, c, "durable")
	if _, err := c.AddPermission(ctx, &awssns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("a"), AWSAccountId: []string{a}, ActionName: []string{"Publish"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("lambda"), Endpoint: aws.String("arn:aws:lambda:us-east-1:" + b + ":function:f")}); err != nil {
		t.Fatal(err)
	}
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	if _, err := snsClient(env, servertest.AccountA).Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")}); err != nil {
		t.Fatalf("the topic policy was not kept: %v", err)
	}
	subs, err := snsClient(env, servertest.AccountB).ListSubscriptionsByTopic(ctx, &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	if err != nil || len(subs.Subscriptions) != 1 {
		t.Fatalf("subscriptions %+v %v", subs, err)
	}
}
