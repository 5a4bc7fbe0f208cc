package dynamodb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// streamTable creates a table with a stream of view type view.
func streamTable(t *testing.T, c *dynamodb.Client, name string, view types.StreamViewType) *types.TableDescription {
	t.Helper()
	out, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.TableDescription
}

// readAll reads a stream's shard from TRIM_HORIZON to its current end.
func readAll(t *testing.T, sc *dynamodbstreams.Client, arn string) []stypes.Record {
	t.Helper()
	ctx := context.Background()
	d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.StreamDescription.Shards) != 1 {
		t.Fatalf("shards: %+v", d.StreamDescription.Shards)
	}
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn),
		ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	var recs []stypes.Record
	iter := it.ShardIterator
	for {
		out, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(2)})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, out.Records...)
		if len(out.Records) == 0 || out.NextShardIterator == nil {
			return recs
		}
		iter = out.NextShardIterator
	}
}

func str(v stypes.AttributeValue) string {
	if s, ok := v.(*stypes.AttributeValueMemberS); ok {
		return s.Value
	}
	return "?"
}

// TestStreamRecordsEveryChange: each kind of write appends the records
// DynamoDB appends (a write that changes nothing appends none), with the
// images of the view type, in order, and SizeBytes as AWS counts it.
func TestStreamRecordsEveryChange(t *testing.T) {
	env, c := newClient(t)
	ctx := context.Background()
	sc := dynamodbstreams.NewFromConfig(env.Root(servertest.AccountA))
	d := streamTable(t, c, "events", types.StreamViewTypeNewAndOldImages)
	if d.LatestStreamArn == nil || !strings.HasPrefix(*d.LatestStreamArn, "arn:aws:dynamodb:us-east-1:111111111111:table/events/stream/") ||
		d.StreamSpecification == nil || !*d.StreamSpecification.StreamEnabled || *d.LatestStreamArn != "arn:aws:dynamodb:us-east-1:111111111111:table/events/stream/"+*d.LatestStreamLabel {
		t.Fatalf("description: arn %v label %v spec %+v", d.LatestStreamArn, d.LatestStreamLabel, d.StreamSpecification)
	}
	arn := *d.LatestStreamArn
	put := func(item map[string]types.AttributeValue) {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("events"), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	put(map[string]types.AttributeValue{"id": s("Fred")})
	put(map[string]types.AttributeValue{"id": s("Fred")}) // unchanged: no record
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("events"), Key: map[string]types.AttributeValue{"id": s("Fred")},
		UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("x")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("events"), Key: map[string]types.AttributeValue{"id": s("Fred")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("events"), Key: map[string]types.AttributeValue{"id": s("nobody")}}); err != nil {
		t.Fatal(err) // nothing deleted: no record
	}
	if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"events": {
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"id": s("a")}}},
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"id": s("b")}}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: aws.String("events"), Key: map[string]types.AttributeValue{"id": s("a")}}},
		{Put: &types.Put{TableName: aws.String("events"), Item: map[string]types.AttributeValue{"id": s("b"), "n": s("1")}}}}}); err != nil {
		t.Fatal(err)
	}
	// A failed transaction changes nothing and appends nothing.
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("events"), Item: map[string]types.AttributeValue{"id": s("c")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("events"), Key: map[string]types.AttributeValue{"id": s("zz")},
			ConditionExpression: aws.String("attribute_exists(id)")}}}})
	if err == nil {
		t.Fatal("the transaction's condition should fail")
	}
	recs := readAll(t, sc, arn)
	want := []struct{ event, key, newV, oldV string }{
		{"INSERT", "Fred", "Fred", ""}, {"MODIFY", "Fred", "Fred", "Fred"}, {"REMOVE", "Fred", "", "Fred"},
		{"INSERT", "a", "a", ""}, {"INSERT", "b", "b", ""}, {"REMOVE", "a", "", "a"}, {"MODIFY", "b", "b", "b"},
	}
	if len(recs) != len(want) {
		for _, r := range recs {
			t.Logf("%s %v", r.EventName, r.Dynamodb.Keys)
		}
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	var last string
	for i, w := range want {
		r := recs[i]
		if string(r.EventName) != w.event || str(r.Dynamodb.Keys["id"]) != w.key || *r.EventSource != "aws:dynamodb" ||
			*r.EventVersion != "1.1" || *r.AwsRegion != "us-east-1" || r.Dynamodb.StreamViewType != stypes.StreamViewTypeNewAndOldImages {
			t.Errorf("record %d: %s %v, want %+v", i, r.EventName, r.Dynamodb.Keys, w)
		}
		if (w.newV == "") != (r.Dynamodb.NewImage == nil) || (w.oldV == "") != (r.Dynamodb.OldImage == nil) {
			t.Errorf("record %d images: new %v old %v, want %+v", i, r.Dynamodb.NewImage, r.Dynamodb.OldImage, w)
		}
		if seq := *r.Dynamodb.SequenceNumber; seq <= last || len(seq) < 21 {
			t.Errorf("record %d: sequence number %s after %s", i, seq, last)
		}
		last = *r.Dynamodb.SequenceNumber
	}
	// SizeBytes counts the keys and the images: Fred's MODIFY is keys
	// (id+Fred = 6) + new (6 + v+x = 8) + old (6).
	if got := *recs[1].Dynamodb.SizeBytes; got != 20 {
		t.Errorf("SizeBytes %d, want 20", got)
	}

	// LATEST and AFTER_SEQUENCE_NUMBER.
	dd, _ := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	shard := dd.StreamDescription.Shards[0].ShardId
	if dd.StreamDescription.StreamStatus != stypes.StreamStatusEnabled || *dd.StreamDescription.TableName != "events" {
		t.Errorf("stream: %+v", dd.StreamDescription)
	}
	latest, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard, ShardIteratorType: stypes.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	after, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard,
		ShardIteratorType: stypes.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: recs[5].Dynamodb.SequenceNumber})
	if err != nil {
		t.Fatal(err)
	}
	put(map[string]types.AttributeValue{"id": s("late")})
	got, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: latest.ShardIterator})
	if err != nil || len(got.Records) != 1 || str(got.Records[0].Dynamodb.Keys["id"]) != "late" {
		t.Fatalf("LATEST: %v %+v", err, got)
	}
	got, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: after.ShardIterator})
	if err != nil || len(got.Records) != 2 || str(got.Records[0].Dynamodb.Keys["id"]) != "b" {
		t.Fatalf("AFTER_SEQUENCE_NUMBER: %v %+v", err, got)
	}

	// Errors: an iterator seki did not issue, a missing stream, a shard the
	// stream does not have.
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String("not-an-iterator")})
	wantErr(t, err, "ValidationException", "Invalid ShardIterator")
	missing := "arn:aws:dynamodb:us-east-1:111111111111:table/events/stream/2020-01-01T00:00:00.000"
	_, err = sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(missing)})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+missing+" not found")
	_, err = sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String("shardId-00000000000000000000-00000000"),
		ShardIteratorType: stypes.ShardIteratorTypeLatest})
	wantErr(t, err, "ResourceNotFoundException", "")

	// Disabling keeps LatestStreamArn and the records; the shard closes.
	up, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("events"), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}})
	if err != nil {
		t.Fatal(err)
	}
	if up.TableDescription.StreamSpecification != nil || *up.TableDescription.LatestStreamArn != arn {
		t.Errorf("after disabling: spec %+v arn %v", up.TableDescription.StreamSpecification, up.TableDescription.LatestStreamArn)
	}
	put(map[string]types.AttributeValue{"id": s("unrecorded")})
	if n := len(readAll(t, sc, arn)); n != len(want)+1 {
		t.Errorf("%d records after disabling, want %d", n, len(want)+1)
	}
	dd, _ = sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if dd.StreamDescription.StreamStatus != stypes.StreamStatusDisabled || dd.StreamDescription.Shards[0].SequenceNumberRange.EndingSequenceNumber == nil {
		t.Errorf("disabled stream: %+v", dd.StreamDescription)
	}
	// Enabling again makes a new stream; both are listed.
	up, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("events"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}})
	if err != nil {
		t.Fatal(err)
	}
	if *up.TableDescription.LatestStreamArn == arn {
		t.Error("a re-enabled stream kept the old ARN")
	}
	ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("events")})
	if err != nil || len(ls.Streams) != 2 {
		t.Fatalf("ListStreams: %v %+v", err, ls)
	}
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("events"),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly}})
	wantErr(t, err, "ValidationException", "Table already has an enabled stream: TableName: events")
}

// TestStreamReadsPassTheDoor: a user allowed DescribeStream but not
// GetRecords is refused GetRecords on the stream's ARN with DynamoDB's
// AccessDeniedException.
func TestStreamReadsPassTheDoor(t *testing.T) {
	env, c := newClient(t)
	ctx := context.Background()
	arn := *streamTable(t, c, "guarded", types.StreamViewTypeKeysOnly).LatestStreamArn
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetShardIterator"],"Resource":"` + arn + `"}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	sc := dynamodbstreams.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: d.StreamDescription.Shards[0].ShardId,
		ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
	wantErr(t, err, "AccessDeniedException", denied("reader", "dynamodb:GetRecords", arn))
	_, err = sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{})
	wantErr(t, err, "AccessDeniedException", denied("reader", "dynamodb:ListStreams", "*"))
}
