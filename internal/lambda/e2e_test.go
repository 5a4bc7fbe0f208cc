package lambda_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestEndToEndCrossAccountInvoke runs against a real seki server (real
// SigV4, IAM, STS and store): a cross-account invocation is denied, then
// allowed by a single AddPermission.
func TestEndToEndCrossAccountInvoke(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	iamA := iam.NewFromConfig(env.Root(servertest.AccountA))
	role, err := iamA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		t.Fatal(err)
	}
	lamA := sdk.NewFromConfig(env.Root(servertest.AccountA))
	fn, err := lamA.CreateFunction(ctx, &sdk.CreateFunctionInput{
		FunctionName: aws.String("f"), Runtime: "python3.12", Role: role.Role.Arn, Handler: aws.String("index.handler"),
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
