package scenarios_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// Scenario 2, the cross-account trigger (examples/cross-account-trigger):
// bucket source-s3-bucket-name of account 123456789012 triggers
// my-lambda-function of account 987654321098.

var (
	bucketOwner   = server.RootKey{Account: "123456789012", AccessKeyID: "bucket-owner", Secret: "bucket-owner-secret"}
	functionOwner = server.RootKey{Account: "987654321098", AccessKeyID: "function-owner", Secret: "function-owner-secret"}
)

const (
	sourceBucket  = "source-s3-bucket-name"
	triggerFnARN  = "arn:aws:lambda:us-east-1:987654321098:function:my-lambda-function"
	unableMessage = "Unable to validate the following destination configurations"
)

// notificationFile reads the example's notification configuration (the AWS
// CLI's JSON) into the SDK's shape.
func notificationFile(t *testing.T) *s3types.NotificationConfiguration {
	var doc struct {
		LambdaFunctionConfigurations []struct {
			Id, LambdaFunctionArn string
			Events                []string
		}
	}
	if err := json.Unmarshal([]byte(example(t, "cross-account-trigger/notification.json")), &doc); err != nil {
		t.Fatal(err)
	}
	var c s3types.NotificationConfiguration
	for _, l := range doc.LambdaFunctionConfigurations {
		lc := s3types.LambdaFunctionConfiguration{Id: aws.String(l.Id), LambdaFunctionArn: aws.String(l.LambdaFunctionArn)}
		for _, e := range l.Events {
			lc.Events = append(lc.Events, s3types.Event(e))
		}
		c.LambdaFunctionConfigurations = append(c.LambdaFunctionConfigurations, lc)
	}
	return &c
}

func TestCrossAccountTrigger(t *testing.T) {
	needPython(t)
	env := servertest.Start(t, servertest.Options{RootKeys: []server.RootKey{bucketOwner, functionOwner}})
	fcfg, bcfg := env.Root(functionOwner), env.Root(bucketOwner)
	lc, cwl := lambda.NewFromConfig(fcfg), cloudwatchlogs.NewFromConfig(fcfg)
	bs3 := s3Client(bcfg)

	// Account 987654321098: the function, its role, and its policy.
	roleARN := executionRole(t, iam.NewFromConfig(fcfg), "my-lambda-function-role", example(t, "cross-account-trigger/trust-policy.json"),
		"read-source", example(t, "cross-account-trigger/role-policy.json"))
	fnARN := createFunction(t, lc, &lambda.CreateFunctionInput{FunctionName: aws.String("my-lambda-function"), Role: aws.String(roleARN),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("handler.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "handler.py", Body: example(t, "cross-account-trigger/function/handler.py")})}})
	if fnARN != triggerFnARN {
		t.Fatalf("function ARN %s", fnARN)
	}

	// Account 123456789012: the bucket and its policy for the function's
	// role. Before the function's policy names the bucket, the
	// notification is refused.
	for _, b := range []string{sourceBucket, "other-s3-bucket-name"} {
		if _, err := bs3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := bs3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(sourceBucket),
		Policy: aws.String(example(t, "cross-account-trigger/bucket-policy.json"))}); err != nil {
		t.Fatal(err)
	}
	notify := func(c *s3.Client, bucket string) error {
		_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
			Bucket: aws.String(bucket), NotificationConfiguration: notificationFile(t)})
		return err
	}
	err := notify(bs3, sourceBucket)
	wantAPIError(t, err, "InvalidArgument", unableMessage)
	explained(t, env, requestID(err), "s3.amazonaws.com asked to lambda:InvokeFunction on "+triggerFnARN, "Decision: ImplicitlyDenied")

	// The function's policy: S3, for that bucket, owned by that account.
	perm, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("my-lambda-function"),
		StatementId: aws.String("s3-source-s3-bucket-name"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::" + sourceBucket), SourceAccount: aws.String(bucketOwner.Account)})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := lc.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("my-lambda-function")})
	if err != nil {
		t.Fatal(err)
	}
	// The example documents the policy AddPermission builds.
	if !sameJSON(t, aws.ToString(pol.Policy), example(t, "cross-account-trigger/function-policy.json")) {
		t.Fatalf("function policy %s\nstatement %s", aws.ToString(pol.Policy), aws.ToString(perm.Statement))
	}

	if err := notify(bs3, sourceBucket); err != nil {
		t.Fatal(err)
	}
	// Another bucket of the same account is refused.
	err = notify(bs3, "other-s3-bucket-name")
	wantAPIError(t, err, "InvalidArgument", unableMessage)
	explained(t, env, requestID(err), "s3.amazonaws.com asked to lambda:InvokeFunction on "+triggerFnARN,
		"ArnLike on AWS:SourceArn", `"arn:aws:s3:::other-s3-bucket-name"`)

	// An upload in 123456789012 runs the function in 987654321098, which
	// reads the object as its role: allowed by both accounts.
	start := time.Now()
	if _, err := bs3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sourceBucket), Key: aws.String("hello world.txt"),
		Body: strings.NewReader("hello from 123456789012")}); err != nil {
		t.Fatal(err)
	}
	logsMatching(t, cwl, "/aws/lambda/my-lambda-function", start,
		"ObjectCreated:Put on s3://source-s3-bucket-name/hello world.txt: read 23 bytes as "+triggerFnARN)

	// Without the bucket policy, the function is still invoked, but its
	// read is denied by the bucket's account.
	if _, err := bs3.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(sourceBucket)}); err != nil {
		t.Fatal(err)
	}
	before := s3Invokes(t, env)
	start = time.Now()
	put, err := bs3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sourceBucket), Key: aws.String("second.txt"),
		Body: strings.NewReader("x")})
	if err != nil {
		t.Fatal(err)
	}
	// S3 says no more than "Access Denied" to a caller from another
	// account; seki explain says why.
	logsMatching(t, cwl, "/aws/lambda/my-lambda-function", start,
		"An error occurred (AccessDenied) when calling the GetObject operation: Access Denied")
	// The event was authorized once (issue #10), under the PutObject's
	// request id.
	putID, _ := awsmiddleware.GetRequestIDMetadata(put.ResultMetadata)
	decisions, _ := authz.Find(env.DataDir, putID)
	if n := s3Invokes(t, env) - before; n != 1 || len(decisions) == 0 || decisions[len(decisions)-1].Action != "lambda:InvokeFunction" {
		t.Fatalf("the event's invocation was authorized %d times, want once under request %s: %+v", n, putID, decisions)
	}
	explained(t, env, explain.Last,
		"arn:aws:sts::987654321098:assumed-role/my-lambda-function-role/my-lambda-function asked to s3:GetObject on arn:aws:s3:::source-s3-bucket-name/second.txt",
		"because no resource-based policy allows the s3:GetObject action")

	// Why SourceAccount: bucket ARNs carry no account. When the bucket is
	// deleted and its name taken by another account, that account cannot
	// point it at the function...
	for _, k := range []string{"hello world.txt", "second.txt"} {
		if _, err := bs3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(sourceBucket), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := bs3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(sourceBucket)}); err != nil {
		t.Fatal(err)
	}
	squatter := s3Client(env.Root(servertest.AccountA))
	if _, err := squatter.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(sourceBucket)}); err != nil {
		t.Fatal(err)
	}
	err = notify(squatter, sourceBucket)
	wantAPIError(t, err, "InvalidArgument", unableMessage)
	explained(t, env, requestID(err), "StringEquals on AWS:SourceAccount", `"123456789012"`, `"111111111111"`)

	// ...which a policy with SourceArn alone would have let it do.
	if _, err := lc.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("my-lambda-function"),
		StatementId: aws.String("s3-source-s3-bucket-name")}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("my-lambda-function"),
		StatementId: aws.String("arn-only"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::" + sourceBucket)}); err != nil {
		t.Fatal(err)
	}
	if err := notify(squatter, sourceBucket); err != nil {
		t.Fatalf("with SourceArn alone: %v", err)
	}
	// The function owner's view: S3 invokes under SourceArn alone, which
	// names a bucket of no particular account.
	analyzed(t, env, functionOwner, "cross-account-trigger")
}

// s3Invokes counts the decisions on s3.amazonaws.com invoking a function
// recorded so far.
func s3Invokes(t *testing.T, env *servertest.Env) int {
	t.Helper()
	n := 0
	if err := authz.Each(env.DataDir, func(e *authz.Entry) {
		if e.Principal == "s3.amazonaws.com" && e.Action == "lambda:InvokeFunction" {
			n++
		}
	}); err != nil {
		t.Fatal(err)
	}
	return n
}
