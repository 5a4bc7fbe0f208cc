package lambda_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestEndToEndCrossAccountInvoke runs against a real seki server (real
// SigV4, IAM, STS and store): a cross-account invocation is denied, then
// allowed by a single AddPermission.
func TestEndToEndCrossAccountInvoke(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	iamA := iam.NewFromConfig(env.Root(servertest.AccountA))
	role := execRole(t, env)
	lamA := sdk.NewFromConfig(env.Root(servertest.AccountA))
	fn, err := lamA.CreateFunction(ctx, &sdk.CreateFunctionInput{
		FunctionName: aws.String("f"), Runtime: "python3.12", Role: role, Handler: aws.String("index.handler"),
		Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)},
	})
	if err != nil {
		t.Fatal(err)
	}
	// An untrusting role is refused.
	ec2, err := iamA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ec2"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = lamA.CreateFunction(ctx, &sdk.CreateFunctionInput{
		FunctionName: aws.String("g"), Runtime: "python3.12", Role: ec2.Role.Arn, Handler: aws.String("index.handler"),
		Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)},
	})
	apiErr(t, err, "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.")

	// bob in account B may invoke anything as far as B is concerned.
	iamB := iam.NewFromConfig(env.Root(servertest.AccountB))
	if _, err := iamB.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamB.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("invoke"), PolicyDocument: aws.String(allowInvokeAll)}); err != nil {
		t.Fatal(err)
	}
	key, err := iamB.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	bob := sdk.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	dry := &sdk.InvokeInput{FunctionName: fn.FunctionArn, InvocationType: types.InvocationTypeDryRun}
	_, err = bob.Invoke(ctx, dry)
	apiErr(t, err, "AccessDeniedException", "User: arn:aws:iam::222222222222:user/bob is not authorized to perform: lambda:InvokeFunction on resource: "+*fn.FunctionArn+" because no resource-based policy allows the lambda:InvokeFunction action")
	if _, err := lamA.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("b"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("222222222222")}); err != nil {
		t.Fatal(err)
	}
	out, err := bob.Invoke(ctx, dry)
	if err != nil || out.StatusCode != 204 {
		t.Fatalf("after AddPermission: %v %+v", err, out)
	}
	// bob can do what the policy grants and nothing more.
	_, err = bob.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: fn.FunctionArn})
	apiErr(t, err, "AccessDeniedException", "")
}

// TestEndToEndCodeFromS3 creates a function from an S3 object, read as the
// caller (so S3's own permissions apply).
func TestEndToEndCodeFromS3(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	role := execRole(t, env)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("code")}); err != nil {
		t.Fatal(err)
	}
	pkg := zipBytes(t, handlerZip)
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("code"), Key: aws.String("f.zip"), Body: bytes.NewReader(pkg)}); err != nil {
		t.Fatal(err)
	}
	lam := sdk.NewFromConfig(cfg)
	out, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{S3Bucket: aws.String("code"), S3Key: aws.String("f.zip")}})
	if err != nil {
		t.Fatal(err)
	}
	if out.CodeSize != int64(len(pkg)) {
		t.Fatalf("code size %d, want %d", out.CodeSize, len(pkg))
	}
	_, err = lam.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("f"), S3Bucket: aws.String("code"), S3Key: aws.String("missing.zip")})
	apiErr(t, err, "InvalidParameterValueException", "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")
}

// execRole creates the execution role "exec" (trusting Lambda) in account A
// of env and answers its ARN: the role every end-to-end test's function runs as.
func execRole(t testing.TB, env *servertest.Env) *string {
	t.Helper()
	out, err := iam.NewFromConfig(env.Root(servertest.AccountA)).CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Role.Arn
}
