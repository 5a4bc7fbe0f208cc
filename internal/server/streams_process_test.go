package server_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	dstypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

func (p *proc) config() aws.Config {
	k := servertest.AccountA
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.Secret, ""),
		BaseEndpoint:     aws.String("http://" + p.addr),
		RetryMaxAttempts: 1,
	}
}

// TestKill9StreamMatchesTable writes items from several clients into a
// table with a stream, kills the server with SIGKILL mid-stream, restarts
// it, and reads the whole stream: every acknowledged write has its INSERT
// record, and every record is of an item the table holds (a stream record
// is written in the same transaction as its change, so neither can
// survive without the other).
func TestKill9StreamMatchesTable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	p, _ := startSeki(t, dir)
	ctx := context.Background()
	db := dynamodb.NewFromConfig(p.config())
	out, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("kill9"),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		StreamSpecification:  &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeKeysOnly},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := *out.TableDescription.LatestStreamArn

	acked := killDuringWrites(p, 200, putKill9Item(db))

	p2, _ := startSeki(t, dir)
	inTable := kill9TableIDs(t, ctx, p2.config())
	sc := dynamodbstreams.NewFromConfig(p2.config())
	d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn),
		ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: dstypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	inStream := map[string]bool{}
	for iter := it.ShardIterator; ; {
		page, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Records) == 0 {
			break
		}
		for _, r := range page.Records {
			id := r.Dynamodb.Keys["id"].(*dstypes.AttributeValueMemberS).Value
			if r.EventName != dstypes.OperationTypeInsert || inStream[id] {
				t.Errorf("record %s %s: each item was inserted once", r.EventName, id)
			}
			inStream[id] = true
		}
		iter = page.NextShardIterator
	}
	for _, id := range acked {
		if !inStream[id] {
			t.Errorf("acknowledged write %s has no stream record after kill -9", id)
		}
	}
	for id := range inStream {
		if !inTable[id] {
			t.Errorf("stream record of %s, which the table does not hold", id)
		}
	}
	if len(inStream) != len(inTable) {
		t.Errorf("%d records, %d items", len(inStream), len(inTable))
	}
	t.Logf("%d acknowledged writes, %d items, %d stream records after restart", len(acked), len(inTable), len(inStream))
}

// putKill9Item is killDuringWrites' write for the kill9 table of the
// stream and Kinesis durability tests: one item per call, id "w-i".
func putKill9Item(db *dynamodb.Client) func(ctx context.Context, w, i int) (string, error) {
	return func(ctx context.Context, w, i int) (string, error) {
		id := strconv.Itoa(w) + "-" + strconv.Itoa(i)
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("kill9"),
			Item: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: id}}})
		return id, err
	}
}

// kill9TableIDs reads back every id the kill9 table holds after a restart.
func kill9TableIDs(t *testing.T, ctx context.Context, cfg aws.Config) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	pg := dynamodb.NewScanPaginator(dynamodb.NewFromConfig(cfg), &dynamodb.ScanInput{TableName: aws.String("kill9")})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			ids[it["id"].(*ddbtypes.AttributeValueMemberS).Value] = true
		}
	}
	return ids
}
