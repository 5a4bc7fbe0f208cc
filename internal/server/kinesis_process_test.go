package server_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kinesistypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestKill9KinesisDestinationMatchesTable writes items from several
// clients into a table streaming to a Kinesis data stream, kills the
// server with SIGKILL mid-stream, restarts it, and reads every shard of
// the Kinesis stream: every acknowledged write has its INSERT record, and
// every record is of an item the table holds (the record is appended in
// the same store transaction as the change).
func TestKill9KinesisDestinationMatchesTable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	p, _ := startSeki(t, dir)
	ctx := context.Background()
	db := dynamodb.NewFromConfig(p.config())
	kc := kinesis.NewFromConfig(p.config())
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("kill9"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("kill9"),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("kill9"),
		StreamArn: aws.String("arn:aws:kinesis:us-east-1:111111111111:stream/kill9")}); err != nil {
		t.Fatal(err)
	}

	acked := killDuringWrites(p, 200, putKill9Item(db))

	p2, _ := startSeki(t, dir)
	inTable := kill9TableIDs(t, ctx, p2.config())
	kc2 := kinesis.NewFromConfig(p2.config())
	inStream := map[string]bool{}
	for _, shard := range []string{"shardId-000000000000", "shardId-000000000001"} {
		it, err := kc2.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("kill9"), ShardId: aws.String(shard),
			ShardIteratorType: kinesistypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		for iter := it.ShardIterator; ; {
			page, err := kc2.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(100)})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Records) == 0 {
				break
			}
			for _, r := range page.Records {
				var rec struct {
					EventName string `json:"eventName"`
					DynamoDB  struct {
						Keys struct {
							ID struct{ S string } `json:"id"`
						}
					} `json:"dynamodb"`
				}
				if err := json.Unmarshal(r.Data, &rec); err != nil {
					t.Fatalf("record %q: %v", r.Data, err)
				}
				id := rec.DynamoDB.Keys.ID.S
				if rec.EventName != "INSERT" || inStream[id] {
					t.Errorf("record %s %s: each item was inserted once", rec.EventName, id)
				}
				inStream[id] = true
			}
			iter = page.NextShardIterator
		}
	}
	for _, id := range acked {
		if !inStream[id] {
			t.Errorf("acknowledged write %s has no Kinesis record after kill -9", id)
		}
	}
	for id := range inStream {
		if !inTable[id] {
			t.Errorf("Kinesis record of %s, which the table does not hold", id)
		}
	}
	if len(inStream) != len(inTable) {
		t.Errorf("%d records, %d items", len(inStream), len(inTable))
	}
	t.Logf("%d acknowledged writes, %d items, %d Kinesis records after restart", len(acked), len(inTable), len(inStream))
}
