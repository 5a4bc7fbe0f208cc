package kinesis_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

// readShard reads one shard from TRIM_HORIZON to its end, Limit records a
// call, following NextShardIterator.
func readShard(t *testing.T, c *kinesis.Client, stream, shard string, limit int32) []types.Record {
	t.Helper()
	ctx := context.Background()
	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String(shard),
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	var recs []types.Record
	iter := it.ShardIterator
	for {
		out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(limit)})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, out.Records...)
		if len(out.Records) == 0 {
			if *out.MillisBehindLatest != 0 {
				t.Fatalf("caught up but MillisBehindLatest = %d", *out.MillisBehindLatest)
			}
			return recs
		}
		iter = out.NextShardIterator
	}
}

// TestStreamsAndRecords drives the Kinesis subset through the Go SDK:
// streams with shards, records put one at a time and in batches, routed
// by partition key (the same key: the same shard, in order), read back
// with each iterator type, the errors of each, and all of it after a
// restart.
func TestStreamsAndRecords(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	c := kinesis.NewFromConfig(env.Root(servertest.AccountA))
	acct := servertest.AccountA.Account

	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(3)})
	wantCode(t, err, "ResourceInUseException", "Stream orders under account "+acct+" already exists.")
	_, err = c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bad name")})
	wantCode(t, err, "ValidationException", "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("auto")}); err != nil {
		t.Fatal(err)
	}
	// The SDK's waiter reads DescribeStream until ACTIVE.
	if err := kinesis.NewStreamExistsWaiter(c).Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("orders")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	sd := d.StreamDescription
	if *sd.StreamARN != "arn:aws:kinesis:us-east-1:"+acct+":stream/orders" || sd.StreamStatus != types.StreamStatusActive || len(sd.Shards) != 3 ||
		*sd.Shards[0].HashKeyRange.StartingHashKey != "0" || *sd.Shards[2].HashKeyRange.EndingHashKey != "340282366920938463463374607431768211455" ||
		sd.StreamModeDetails.StreamMode != types.StreamModeProvisioned {
		t.Fatalf("DescribeStream: %+v", sd)
	}
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: sd.StreamARN})
	if err != nil || *sum.StreamDescriptionSummary.OpenShardCount != 3 {
		t.Fatalf("DescribeStreamSummary: %+v %v", sum, err)
	}
	auto, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("auto")})
	if err != nil || *auto.StreamDescriptionSummary.OpenShardCount != 4 || auto.StreamDescriptionSummary.StreamModeDetails.StreamMode != types.StreamModeOnDemand {
		t.Fatalf("an on-demand stream: %+v %v", auto, err)
	}
	_, err = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("missing")})
	wantCode(t, err, "ResourceNotFoundException", "Stream missing under account "+acct+" not found.")

	// Ten records of one key go to one shard, in order.
	shardOf := map[string]string{}
	for i := range 10 {
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("customer-7"), Data: fmt.Appendf(nil, "order %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := shardOf["customer-7"]; ok && prev != *out.ShardId {
			t.Fatalf("one key, two shards: %s %s", prev, *out.ShardId)
		}
		shardOf["customer-7"] = *out.ShardId
	}
	batch := &kinesis.PutRecordsInput{StreamARN: sd.StreamARN}
	for i := range 30 {
		batch.Records = append(batch.Records, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprint("key-", i)), Data: []byte{byte(i)}})
	}
	pr, err := c.PutRecords(ctx, batch)
	if err != nil || *pr.FailedRecordCount != 0 || len(pr.Records) != 30 {
		t.Fatalf("PutRecords: %+v %v", pr, err)
	}
	used := map[string]int{}
	for _, r := range pr.Records {
		used[*r.ShardId]++
	}
	if len(used) != 3 {
		t.Fatalf("30 keys over 3 shards used %v", used)
	}
	_, err = c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("orders"), Records: []types.PutRecordsRequestEntry{{PartitionKey: aws.String(""), Data: []byte("x")}}})
	wantCode(t, err, "ValidationException", "")

	check := func(c *kinesis.Client) {
		t.Helper()
		total := 0
		for _, sh := range sd.Shards {
			recs := readShard(t, c, "orders", *sh.ShardId, 4)
			total += len(recs)
			if *sh.ShardId != shardOf["customer-7"] {
				continue
			}
			n := 0
			for _, r := range recs {
				if *r.PartitionKey == "customer-7" {
					if string(r.Data) != fmt.Sprint("order ", n) {
						t.Fatalf("record %d: %q", n, r.Data)
					}
					n++
				}
			}
			if n != 10 {
				t.Fatalf("customer-7's records: %d", n)
			}
		}
		if total != 40 {
			t.Fatalf("read %d records, want 40", total)
		}
	}
	check(c)

	// LATEST sees only what comes after it; AFTER_SEQUENCE_NUMBER goes on
	// from a record.
	shard := shardOf["customer-7"]
	latest, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	last, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("customer-7"), Data: []byte("late")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: latest.ShardIterator})
	if err != nil || len(got.Records) != 1 || string(got.Records[0].Data) != "late" || *got.Records[0].SequenceNumber != *last.SequenceNumber {
		t.Fatalf("LATEST: %+v %v", got, err)
	}
	at, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"), ShardId: aws.String(shard),
		ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: last.SequenceNumber})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: at.ShardIterator}); err != nil || len(got.Records) != 1 {
		t.Fatalf("AT_SEQUENCE_NUMBER: %+v %v", got, err)
	}
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeAfterSequenceNumber})
	wantCode(t, err, "InvalidArgumentException", "StartingSequenceNumber must be specified for ShardIteratorType AFTER_SEQUENCE_NUMBER.")
	_, err = c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"), ShardId: aws.String("shardId-000000000009"), ShardIteratorType: types.ShardIteratorTypeLatest})
	wantCode(t, err, "ResourceNotFoundException", "Shard shardId-000000000009 in stream orders under account "+acct+" does not exist")
	_, err = c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("not-an-iterator")})
	wantCode(t, err, "InvalidArgumentException", "Invalid ShardIterator: not-an-iterator")

	ls, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil || len(ls.StreamNames) != 1 || ls.StreamNames[0] != "auto" || !*ls.HasMoreStreams || ls.NextToken == nil {
		t.Fatalf("ListStreams page 1: %+v %v", ls, err)
	}
	ls, err = c.ListStreams(ctx, &kinesis.ListStreamsInput{NextToken: ls.NextToken})
	if err != nil || len(ls.StreamNames) != 1 || ls.StreamNames[0] != "orders" || *ls.HasMoreStreams || len(ls.StreamSummaries) != 1 {
		t.Fatalf("ListStreams page 2: %+v %v", ls, err)
	}

	// Durable: a restarted seki has the streams and every record.
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	c = kinesis.NewFromConfig(env.Root(servertest.AccountA))
	if recs := readShard(t, c, "orders", shard, 100); string(recs[len(recs)-1].Data) != "late" {
		t.Fatalf("after restart: %q", recs[len(recs)-1].Data)
	}

	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "ResourceNotFoundException", "Stream orders under account "+acct+" not found.")
	// A stream re-created under the name is a new stream: the old one's
	// records are gone.
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if recs := readShard(t, c, "orders", "shardId-000000000000", 100); len(recs) != 0 {
		t.Fatalf("a re-created stream has %d records", len(recs))
	}
}

// TestKinesisThroughTheDoor: a user allowed to put records but not to read
// them is refused GetShardIterator, and another account's caller reaches
// nothing of the stream.
func TestKinesisThroughTheDoor(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	root := kinesis.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("producer")}); err != nil {
		t.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesis:PutRecord","kinesis:PutRecords"],"Resource":"arn:aws:kinesis:us-east-1:` + servertest.AccountA.Account + `:stream/s"}]}`
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("producer"), PolicyName: aws.String("p"), PolicyDocument: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("producer")})
	if err != nil {
		t.Fatal(err)
	}
	p := kinesis.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	if _, err := p.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	_, err = p.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	wantCode(t, err, "AccessDeniedException", "")
	// A bad signature is Kinesis's JSON-protocol answer, 400
	// InvalidSignatureException, as for DynamoDB.
	bad := kinesis.NewFromConfig(env.Config(servertest.AccountA.AccessKeyID, "wrong-secret", ""))
	_, err = bad.ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantCode(t, err, "InvalidSignatureException", "")
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Fatalf("bad signature: %v", err)
	}
	other := kinesis.NewFromConfig(env.Root(servertest.AccountB))
	_, err = other.PutRecord(ctx, &kinesis.PutRecordInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:" + servertest.AccountA.Account + ":stream/s"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "AccessDeniedException", "")
}
