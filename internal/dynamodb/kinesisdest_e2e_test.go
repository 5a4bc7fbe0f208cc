package dynamodb_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// kdsRecord is the part of a Kinesis streaming destination's record the
// test reads.
type kdsRecord struct {
	AwsRegion string          `json:"awsRegion"`
	EventName string          `json:"eventName"`
	TableName string          `json:"tableName"`
	Format    string          `json:"recordFormat"`
	Source    string          `json:"eventSource"`
	UserID    json.RawMessage `json:"userIdentity"`
	DynamoDB  struct {
		ApproximateCreationDateTime          int64
		ApproximateCreationDateTimePrecision string
		Keys, NewImage, OldImage             map[string]map[string]string
		SizeBytes                            int
	} `json:"dynamodb"`
}

// readKDS reads every record of a one-shard stream.
func readKDS(t *testing.T, kc *kinesis.Client, stream string) []kdsRecord {
	t.Helper()
	ctx := context.Background()
	it, err := kc.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String("shardId-000000000000"),
		ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	out, err := kc.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		t.Fatal(err)
	}
	var recs []kdsRecord
	for _, r := range out.Records {
		var k kdsRecord
		if err := json.Unmarshal(r.Data, &k); err != nil {
			t.Fatalf("record %s: %v", r.Data, err)
		}
		recs = append(recs, k)
	}
	return recs
}

// TestKinesisStreamingDestination: a table's item changes reach the
// Kinesis data stream while its destination is ACTIVE, in DynamoDB's
// record format (both images whatever the table's stream, the creation
// time in the destination's precision), and stop when it is disabled;
// the validations and messages are AWS's; the caller needs the Kinesis
// permissions the Developer Guide lists; all of it survives a restart.
func TestKinesisStreamingDestination(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	c := dynamodb.NewFromConfig(env.Root(servertest.AccountA))
	kc := kinesis.NewFromConfig(env.Root(servertest.AccountA))
	acct := servertest.AccountA.Account
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("changes"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:kinesis:us-east-1:" + acct + ":stream/changes"
	if _, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("music"), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}}}); err != nil {
		t.Fatal(err)
	}
	put := func(id, v string) {
		t.Helper()
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("music"), Item: map[string]types.AttributeValue{
			"id": &types.AttributeValueMemberS{Value: id}, "v": &types.AttributeValueMemberS{Value: v}}}); err != nil {
			t.Fatal(err)
		}
	}
	put("before", "1") // before the destination: not delivered

	_, err := c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("bad-table"), StreamArn: aws.String(arn)})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: bad-table not found")
	missing := "arn:aws:kinesis:us-east-1:" + acct + ":stream/missing"
	_, err = c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(missing)})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Stream: "+missing+" not found")
	en, err := c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn)})
	if err != nil || en.DestinationStatus != types.DestinationStatusEnabling || *en.StreamArn != arn || *en.TableName != "music" {
		t.Fatalf("Enable: %+v %v", en, err)
	}
	_, err = c.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn)})
	wantErr(t, err, "ValidationException", "")
	ds, err := c.DescribeKinesisStreamingDestination(ctx, &dynamodb.DescribeKinesisStreamingDestinationInput{TableName: aws.String("music")})
	if err != nil || len(ds.KinesisDataStreamDestinations) != 1 || ds.KinesisDataStreamDestinations[0].DestinationStatus != types.DestinationStatusActive {
		t.Fatalf("Describe: %+v %v", ds, err)
	}

	put("a", "1")
	put("a", "1") // unchanged: no record
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("music"), Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "a"}},
		UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: "2"}}}); err != nil {
		t.Fatal(err)
	}

	// Precision: MICROSECOND after an update; the same value again is refused.
	_, err = c.UpdateKinesisStreamingDestination(ctx, &dynamodb.UpdateKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn)})
	wantErr(t, err, "ValidationException", "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration cannot be null or contain only null values")
	micro := &types.UpdateKinesisStreamingConfiguration{ApproximateCreationDateTimePrecision: types.ApproximateCreationDateTimePrecisionMicrosecond}
	up, err := c.UpdateKinesisStreamingDestination(ctx, &dynamodb.UpdateKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn), UpdateKinesisStreamingConfiguration: micro})
	if err != nil || up.DestinationStatus != types.DestinationStatusUpdating {
		t.Fatalf("Update: %+v %v", up, err)
	}
	td, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("music")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateKinesisStreamingDestination(ctx, &dynamodb.UpdateKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn), UpdateKinesisStreamingConfiguration: micro})
	wantErr(t, err, "ValidationException", "Invalid Request: Precision is already set to the desired value of MICROSECOND for tableId: "+*td.Table.TableId+", kdsArn: "+arn)
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("music"), Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "a"}}}); err != nil {
		t.Fatal(err)
	}

	// Durable: the destination and its records survive a restart, and
	// delivery goes on after it.
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	c = dynamodb.NewFromConfig(env.Root(servertest.AccountA))
	kc = kinesis.NewFromConfig(env.Root(servertest.AccountA))
	put("b", "3")
	dis, err := c.DisableKinesisStreamingDestination(ctx, &dynamodb.DisableKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn)})
	if err != nil || dis.DestinationStatus != types.DestinationStatusDisabling {
		t.Fatalf("Disable: %+v %v", dis, err)
	}
	_, err = c.DisableKinesisStreamingDestination(ctx, &dynamodb.DisableKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn)})
	wantErr(t, err, "ValidationException", "Table is not in a valid state to enable Kinesis Streaming Destination: No streaming destination with streamArn: "+arn+" found for table with tableName: music")
	put("c", "4") // after disabling: not delivered
	ds, err = c.DescribeKinesisStreamingDestination(ctx, &dynamodb.DescribeKinesisStreamingDestinationInput{TableName: aws.String("music")})
	if err != nil || ds.KinesisDataStreamDestinations[0].DestinationStatus != types.DestinationStatusDisabled ||
		ds.KinesisDataStreamDestinations[0].ApproximateCreationDateTimePrecision != types.ApproximateCreationDateTimePrecisionMicrosecond {
		t.Fatalf("Describe after disable: %+v %v", ds, err)
	}

	recs := readKDS(t, kc, "changes")
	var events []string
	for _, r := range recs {
		events = append(events, r.EventName+" "+r.DynamoDB.Keys["id"]["S"])
		if r.TableName != "music" || r.AwsRegion != "us-east-1" || r.Format != "application/json" || r.Source != "aws:dynamodb" || string(r.UserID) != "null" {
			t.Fatalf("record: %+v", r)
		}
	}
	if got := strings.Join(events, ", "); got != "INSERT a, MODIFY a, REMOVE a, INSERT b" {
		t.Fatalf("delivered: %s", got)
	}
	mod := recs[1].DynamoDB
	if mod.OldImage["v"]["S"] != "1" || mod.NewImage["v"]["S"] != "2" || mod.ApproximateCreationDateTimePrecision != "MILLISECOND" || mod.SizeBytes == 0 {
		t.Fatalf("MODIFY: %+v", mod)
	}
	if rm := recs[2].DynamoDB; rm.ApproximateCreationDateTimePrecision != "MICROSECOND" || rm.ApproximateCreationDateTime < mod.ApproximateCreationDateTime*100 || rm.NewImage != nil {
		t.Fatalf("REMOVE: %+v", rm)
	}

	// The caller needs kinesis:PutRecords on the stream besides the
	// DynamoDB action.
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("admin")}); err != nil {
		t.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*","kinesis:DescribeStream","kinesis:ListStreams"],"Resource":"*"}]}`
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("p"), PolicyDocument: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}
	uc := dynamodb.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	_, err = uc.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{TableName: aws.String("music"), StreamArn: aws.String(arn)})
	wantErr(t, err, "AccessDeniedException", "")
	if !strings.Contains(err.Error(), "kinesis:PutRecords") {
		t.Fatalf("denied for: %v", err)
	}
}

// TestExecuteStatementValidated: ExecuteStatement's request is validated
// as DynamoDB's request framework validates it (an empty parameter list is
// AWS's recorded ValidationException), and a well-formed statement is
// refused in seki's words, 501, since seki runs no PartiQL.
func TestExecuteStatementValidated(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "t"`), Parameters: []types.AttributeValue{}})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(""), Limit: aws.Int32(0)})
	wantErr(t, err, "ValidationException", "2 validation errors detected: Value '' at 'statement' failed to satisfy constraint: Member must have length greater than or equal to 1; "+
		"Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "t"`)})
	wantErr(t, err, "NotImplemented", "")
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 501 {
		t.Fatalf("a statement: %v", err)
	}
}
