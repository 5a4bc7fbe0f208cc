package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// These tests feed a real Python function from a DynamoDB stream: the
// mapping reads the stream as the function's execution role, through the
// door, and the function stores each event it gets in an S3 bucket (a
// sandboxed function cannot write the host's files).

const streamConsumer = `
import json, os, time, boto3

s3 = boto3.client("s3")

def handler(event, context):
    s3.put_object(Bucket=os.environ["RESULTS_BUCKET"], Key="%020d-%s" % (time.time_ns(), context.aws_request_id),
                  Body=json.dumps(event))
`

const streamResults = "stream-results"

const streamTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// streamRead is the policy AWS's documentation gives a stream mapping's role.
const streamRead = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams"],"Resource":"*"}]}`

type streamRecord struct {
	EventName      string `json:"eventName"`
	EventSource    string `json:"eventSource"`
	EventSourceARN string `json:"eventSourceARN"`
	AWSRegion      string `json:"awsRegion"`
	Dynamodb       struct {
		Keys           map[string]map[string]string
		NewImage       map[string]map[string]string
		OldImage       map[string]map[string]string
		SequenceNumber string
		SizeBytes      int
		StreamViewType string
	} `json:"dynamodb"`
}

// streamFixture creates the results bucket, the role (with the stream
// policy when read is set), the function and a table "orders" with a
// NEW_AND_OLD_IMAGES stream; it answers the stream's ARN.
func streamFixture(t *testing.T, cfg aws.Config, read bool) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	servertest.NeedSDK(t, "python")
	ctx := context.Background()
	im := iam.NewFromConfig(cfg)
	role, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("stream-role"), AssumeRolePolicyDocument: aws.String(streamTrust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("stream-role"), PolicyName: aws.String("results"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + streamResults + `/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if read {
		if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("stream-role"), PolicyName: aws.String("stream"), PolicyDocument: aws.String(streamRead)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := servertest.S3(cfg).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(streamResults)}); err != nil {
		t.Fatal(err)
	}
	lam := lambda.NewFromConfig(cfg)
	if _, err := lam.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("stream-consumer"), Runtime: ltypes.RuntimePython312, Role: role.Role.Arn, Handler: aws.String("app.handler"),
		Code:        &ltypes.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "app.py", Body: streamConsumer})},
		Environment: &ltypes.Environment{Variables: map[string]string{"RESULTS_BUCKET": streamResults}},
	}); err != nil {
		t.Fatal(err)
	}
	out, err := dynamodb.NewFromConfig(cfg).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("orders"),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		StreamSpecification:  &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeNewAndOldImages},
	})
	if err != nil {
		t.Fatal(err)
	}
	return *out.TableDescription.LatestStreamArn
}

// seen returns every record the function was invoked with, oldest first.
func seen(t *testing.T, cfg aws.Config) []streamRecord {
	t.Helper()
	ctx := context.Background()
	c := servertest.S3(cfg)
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(streamResults)})
	if err != nil {
		t.Fatal(err)
	}
	var out []streamRecord
	for _, o := range list.Contents {
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(streamResults), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		var ev struct{ Records []streamRecord }
		err = json.NewDecoder(got.Body).Decode(&ev)
		got.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev.Records...)
	}
	return out
}

func waitSeen(t *testing.T, cfg aws.Config, n int) []streamRecord {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := seen(t, cfg)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the function saw %d records, want %d", len(got), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func putOrder(t *testing.T, db *dynamodb.Client, id string, extra ...string) {
	t.Helper()
	item := map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: id}}
	for i := 0; i+1 < len(extra); i += 2 {
		item[extra[i]] = &ddbtypes.AttributeValueMemberS{Value: extra[i+1]}
	}
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item}); err != nil {
		t.Fatal(err)
	}
}

// TestStreamMappingDeliversChanges: table with a stream → mapping → writes
// → the function sees each change as AWS's DynamoDB event, in order, and
// the mapping's reads were the role's, decided by the door.
func TestStreamMappingDeliversChanges(t *testing.T) {
	env := servertest.Start(t)
	cfg := env.Root(servertest.AccountA)
	ctx := context.Background()
	arn := streamFixture(t, cfg, true)
	db := dynamodb.NewFromConfig(cfg)
	putOrder(t, db, "before") // TRIM_HORIZON reads it too
	m, err := lambda.NewFromConfig(cfg).CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{
		FunctionName: aws.String("stream-consumer"), EventSourceArn: aws.String(arn),
		StartingPosition: ltypes.EventSourcePositionTrimHorizon, BatchSize: aws.Int32(10),
	})
	if err != nil {
		t.Fatal(err)
	}
	if *m.State != "Creating" || m.StartingPosition != ltypes.EventSourcePositionTrimHorizon || *m.MaximumRetryAttempts != -1 ||
		*m.ParallelizationFactor != 1 || *m.StateTransitionReason != "User action" {
		t.Errorf("mapping: %+v", m)
	}
	putOrder(t, db, "o1", "status", "new")
	putOrder(t, db, "o1", "status", "paid")
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"),
		Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "o1"}}}); err != nil {
		t.Fatal(err)
	}
	got := waitSeen(t, cfg, 4)
	want := []struct{ event, id, newStatus, oldStatus string }{
		{"INSERT", "before", "", ""}, {"INSERT", "o1", "new", ""}, {"MODIFY", "o1", "paid", "new"}, {"REMOVE", "o1", "", "paid"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		r := got[i]
		if r.EventName != w.event || r.Dynamodb.Keys["id"]["S"] != w.id || r.EventSource != "aws:dynamodb" || r.EventSourceARN != arn ||
			r.AWSRegion != "us-east-1" || r.Dynamodb.StreamViewType != "NEW_AND_OLD_IMAGES" || r.Dynamodb.SequenceNumber == "" || r.Dynamodb.SizeBytes == 0 {
			t.Errorf("record %d: %+v, want %+v", i, r, w)
		}
		if r.Dynamodb.NewImage["status"]["S"] != w.newStatus || r.Dynamodb.OldImage["status"]["S"] != w.oldStatus {
			t.Errorf("record %d images: new %v old %v, want %+v", i, r.Dynamodb.NewImage, r.Dynamodb.OldImage, w)
		}
	}
	principal := "arn:aws:sts::111111111111:assumed-role/stream-role/stream-consumer"
	if n := env.CountDecisions(t, "dynamodb:GetRecords", principal); n == 0 {
		t.Error("no dynamodb:GetRecords decision for the role session")
	}
}

// TestStreamMappingNeedsTheRole: a role that may not read the stream is
// refused at creation with AWS's error, each action asked of the door.
func TestStreamMappingNeedsTheRole(t *testing.T) {
	env := servertest.Start(t)
	cfg := env.Root(servertest.AccountA)
	arn := streamFixture(t, cfg, false)
	_, err := lambda.NewFromConfig(cfg).CreateEventSourceMapping(context.Background(), &lambda.CreateEventSourceMappingInput{
		FunctionName: aws.String("stream-consumer"), EventSourceArn: aws.String(arn), StartingPosition: ltypes.EventSourcePositionLatest,
	})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValueException" ||
		ae.ErrorMessage() != "Cannot access stream "+arn+". Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM." {
		t.Fatalf("got %v", err)
	}
	principal := "arn:aws:sts::111111111111:assumed-role/stream-role/stream-consumer"
	if n := env.CountDecisions(t, "dynamodb:DescribeStream", principal); n == 0 {
		t.Error("the refusal was not the door's")
	}
	// A stream that does not exist.
	missing := strings.Replace(arn, "/stream/", "/stream/x", 1)
	_, err = lambda.NewFromConfig(cfg).CreateEventSourceMapping(context.Background(), &lambda.CreateEventSourceMappingInput{
		FunctionName: aws.String("stream-consumer"), EventSourceArn: aws.String(missing), StartingPosition: ltypes.EventSourcePositionLatest,
	})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValueException" {
		t.Fatalf("missing stream: %v", err)
	}
}

// TestKill9KeepsStreamPosition: a mapping that handled records and is
// killed with SIGKILL resumes after restart where it was: the records it
// handled are not delivered again, the ones written since are.
func TestKill9KeepsStreamPosition(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	p, _ := startSeki(t, dir)
	cfg := p.config()
	arn := streamFixture(t, cfg, true)
	db := dynamodb.NewFromConfig(cfg)
	if _, err := lambda.NewFromConfig(cfg).CreateEventSourceMapping(context.Background(), &lambda.CreateEventSourceMappingInput{
		FunctionName: aws.String("stream-consumer"), EventSourceArn: aws.String(arn), StartingPosition: ltypes.EventSourcePositionTrimHorizon,
	}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		putOrder(t, db, id)
	}
	waitSeen(t, cfg, 3)
	// The position is stored right after the function answers; give the
	// poller a moment past the last delivery.
	time.Sleep(time.Second)
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()

	p2, _ := startSeki(t, dir)
	cfg2 := p2.config()
	putOrder(t, dynamodb.NewFromConfig(cfg2), "d")
	got := waitSeen(t, cfg2, 4)
	time.Sleep(2 * time.Second) // a redelivery would come with the first polls
	got = seen(t, cfg2)
	var ids []string
	for _, r := range got {
		ids = append(ids, r.Dynamodb.Keys["id"]["S"])
	}
	if strings.Join(ids, ",") != "a,b,c,d" {
		t.Fatalf("the function saw %v, want a,b,c,d once each", ids)
	}
}
