package scenarios_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// Scenario 1, the image pipeline in one account (examples/image-pipeline),
// through aws-sdk-go-v2 against the real server, with the function in
// Python (boto3) and in Go (aws-lambda-go, aws-sdk-go-v2).

const pipelineAccount = "111111111111"

func TestImagePipelinePython(t *testing.T) {
	needPython(t)
	code := servertest.Zip(t, servertest.File{Name: "image_processor.py", Body: example(t, "image-pipeline/function/image_processor.py")})
	imagePipeline(t, &lambda.CreateFunctionInput{Runtime: lambdatypes.RuntimePython312, Handler: aws.String("image_processor.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: code}}, true)
}

func TestImagePipelineGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Go function")
	}
	imagePipeline(t, &lambda.CreateFunctionInput{Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: goFunction(t)}}, false)
}

func imagePipeline(t *testing.T, fn *lambda.CreateFunctionInput, python bool) {
	env := servertest.Start(t)
	cfg := env.Root(servertest.AccountA)
	ic, lc, sc := iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg), s3Client(cfg)
	ddb, cwl := dynamodb.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg)

	// The role: trusted by Lambda, allowed to read uploads, write the
	// table and write logs.
	roleARN := executionRole(t, ic, "image-processor-role", example(t, "image-pipeline/trust-policy.json"),
		"image-processor-permissions", example(t, "image-pipeline/permissions.json"))

	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("image-metadata"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("key"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("key"), KeyType: ddbtypes.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("uploads")}); err != nil {
		t.Fatal(err)
	}

	fn.FunctionName = aws.String("image-processor")
	fn.Role = aws.String(roleARN)
	fn.Environment = &lambdatypes.Environment{Variables: map[string]string{"TABLE_NAME": "image-metadata"}}
	fnARN := createFunction(t, lc, fn)
	if fnARN != "arn:aws:lambda:us-east-1:"+pipelineAccount+":function:image-processor" {
		t.Fatalf("function ARN %s", fnARN)
	}

	notification := &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{
		Id: aws.String("jpg-uploads"), LambdaFunctionArn: aws.String(fnARN), Events: []s3types.Event{"s3:ObjectCreated:*"},
		Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{
			{Name: s3types.FilterRuleNameSuffix, Value: aws.String(".jpg")}}}},
	}}}
	putNotification := func() error {
		_, err := sc.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
			Bucket: aws.String("uploads"), NotificationConfiguration: notification})
		return err
	}
	// Before the function's policy allows S3, S3 refuses the destination,
	// and the refused check is explained under S3's request id.
	err := putNotification()
	wantAPIError(t, err, "InvalidArgument", "Unable to validate the following destination configurations")
	explained(t, env, requestID(err), "s3.amazonaws.com asked to lambda:InvokeFunction on "+fnARN,
		"because no resource-based policy allows the lambda:InvokeFunction action")

	// A statement for another bucket, or for this bucket in another
	// account, is not enough.
	addPermission := func(sid, bucket, account string) {
		t.Helper()
		if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("image-processor"),
			StatementId: aws.String(sid), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
			SourceArn: aws.String("arn:aws:s3:::" + bucket), SourceAccount: aws.String(account)}); err != nil {
			t.Fatal(err)
		}
	}
	addPermission("other-bucket", "downloads", pipelineAccount)
	addPermission("other-account", "uploads", "222222222222")
	wantAPIError(t, putNotification(), "InvalidArgument", "Unable to validate the following destination configurations")

	addPermission("s3-uploads", "uploads", pipelineAccount)
	if err := putNotification(); err != nil {
		t.Fatal(err)
	}

	upload := func(key, contentType string) (string, time.Time) {
		t.Helper()
		out, err := sc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key),
			Body: strings.NewReader(example(t, "image-pipeline/cat.jpg")), ContentType: aws.String(contentType)})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		return id, time.Now()
	}
	getItem := func(key string) map[string]ddbtypes.AttributeValue {
		t.Helper()
		out, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("image-metadata"), ConsistentRead: aws.Bool(true),
			Key: map[string]ddbtypes.AttributeValue{"key": &ddbtypes.AttributeValueMemberS{Value: key}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Item
	}

	// Not a .jpg: no invocation (only the upload's own decision is logged).
	txtID, _ := upload("notes/readme.txt", "text/plain")

	// An image: metadata item and log lines.
	jpgID, start := upload("photos/cat.jpg", "image/jpeg")
	var item map[string]ddbtypes.AttributeValue
	for deadline := time.Now().Add(60 * time.Second); ; {
		if item = getItem("photos/cat.jpg"); item != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no metadata item for photos/cat.jpg")
		}
		time.Sleep(50 * time.Millisecond)
	}
	size := len(example(t, "image-pipeline/cat.jpg"))
	want := map[string]ddbtypes.AttributeValue{
		"key":         &ddbtypes.AttributeValueMemberS{Value: "photos/cat.jpg"},
		"bucket":      &ddbtypes.AttributeValueMemberS{Value: "uploads"},
		"size":        &ddbtypes.AttributeValueMemberN{Value: strconv.Itoa(size)},
		"contentType": &ddbtypes.AttributeValueMemberS{Value: "image/jpeg"},
	}
	if len(item) != len(want) {
		t.Fatalf("item %#v", item)
	}
	for k, v := range want {
		if str(item[k]) != str(v) {
			t.Fatalf("item[%s] = %s, want %s", k, str(item[k]), str(v))
		}
	}
	group := "/aws/lambda/image-processor"
	msgs := logsMatching(t, cwl, group, start, "REPORT RequestId: ")
	joined := strings.Join(msgs, "\n")
	for _, w := range []string{"START RequestId: ", "processing s3://uploads/photos/cat.jpg (upload request " + jpgID + ")",
		"read " + strconv.Itoa(size) + " bytes, image/jpeg (GetObject request id ", "stored metadata for photos/cat.jpg (PutItem request id ",
		"END RequestId: "} {
		if !strings.Contains(joined, w) {
			t.Errorf("logs lack %q", w)
		}
	}
	if strings.Contains(joined, "readme.txt") {
		t.Errorf("the .txt upload invoked the function")
	}
	if t.Failed() {
		t.Fatal(joined)
	}
	if python {
		// Python's logging lines carry the invocation's request id.
		if !strings.Contains(joined, "[INFO]\t") {
			t.Fatalf("no [INFO] lines:\n%s", joined)
		}
	}
	explained(t, env, jpgID, "s3.amazonaws.com asked to lambda:InvokeFunction", `statement "s3-uploads" (Allow)`)
	explained(t, env, between(joined, "(GetObject request id ", ")"), "assumed-role/image-processor-role/image-processor asked to s3:GetObject on arn:aws:s3:::uploads/photos/cat.jpg", `statement "ReadUploads"`)
	explained(t, env, between(joined, "(PutItem request id ", ")"), "asked to dynamodb:PutItem", `statement "WriteMetadata"`, "Decision: Allowed")
	if out := explained(t, env, txtID, "s3:PutObject"); strings.Contains(out, "lambda:InvokeFunction") {
		t.Fatalf("the .txt upload was considered for the function:\n%s", out)
	}

	// Remove dynamodb:PutItem from the role: the next upload runs the
	// function, whose PutItem is denied with AWS's message, in its logs and
	// in seki explain.
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("image-processor-role"),
		PolicyName: aws.String("image-processor-permissions"), PolicyDocument: aws.String(example(t, "image-pipeline/permissions-without-putitem.json"))}); err != nil {
		t.Fatal(err)
	}
	_, start = upload("photos/dog.jpg", "image/jpeg")
	denial := "User: arn:aws:sts::" + pipelineAccount + ":assumed-role/image-processor-role/image-processor is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:" + pipelineAccount + ":table/image-metadata because no identity-based policy allows the dynamodb:PutItem action"
	msgs = logsMatching(t, cwl, group, start, "PutItem photos/dog.jpg failed", "AccessDeniedException", denial)
	var line string
	for _, m := range msgs {
		if strings.Contains(m, "PutItem photos/dog.jpg failed") {
			line = m
		}
	}
	// FilterLogEvents with a pattern finds the same event.
	filtered, err := cwl.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group),
		FilterPattern: aws.String(`"PutItem photos/dog.jpg failed"`)})
	if err != nil || len(filtered.Events) != 1 || aws.ToString(filtered.Events[0].Message) != line {
		t.Fatalf("filter: %v %+v", err, filtered)
	}
	deniedID := between(line, "(request id ", ")")
	explained(t, env, deniedID,
		"arn:aws:sts::"+pipelineAccount+":assumed-role/image-processor-role/image-processor asked to dynamodb:PutItem on arn:aws:dynamodb:us-east-1:"+pipelineAccount+":table/image-metadata",
		"Decision: ImplicitlyDenied", "AWS says: "+denial,
		"To allow it: attach an identity-based policy to role image-processor-role")
	if python {
		// The runtime reports the unhandled error as AWS's Python runtime
		// does.
		logsMatching(t, cwl, group, start, "[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the PutItem operation: "+denial)
	}
	if getItem("photos/dog.jpg") != nil {
		t.Fatal("an item was written without dynamodb:PutItem")
	}
	if python {
		// S3 may invoke it (with SourceArn and SourceAccount: no finding),
		// its role reaches the uploads, the table (PutItem no more) and
		// its logs.
		analyzed(t, env, servertest.AccountA, "image-pipeline")
	}
}

func str(v ddbtypes.AttributeValue) string {
	switch v := v.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return "S:" + v.Value
	case *ddbtypes.AttributeValueMemberN:
		return "N:" + v.Value
	}
	return "?"
}
