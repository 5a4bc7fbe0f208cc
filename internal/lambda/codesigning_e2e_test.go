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

// TestEndToEndCodeSigningConfig manages code signing configs through
// aws-sdk-go-v2 against a real server: create, update, attach, list the
// functions that use one, and the refusals AWS records; the door decides
// PutFunctionCodeSigningConfig with lambda:CodeSigningConfigArn.
func TestEndToEndCodeSigningConfig(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	iamA := iam.NewFromConfig(cfg)
	role := execRole(t, env)
	lam := sdk.NewFromConfig(cfg)
	fn, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}})
	if err != nil {
		t.Fatal(err)
	}
	profile := "arn:aws:signer:us-east-1:111111111111:/signing-profiles/test"
	var made []string
	for range 2 {
		out, err := lam.CreateCodeSigningConfig(ctx, &sdk.CreateCodeSigningConfigInput{AllowedPublishers: &types.AllowedPublishers{SigningProfileVersionArns: []string{profile}}})
		if err != nil {
			t.Fatal(err)
		}
		c := out.CodeSigningConfig
		if c.CodeSigningPolicies.UntrustedArtifactOnDeployment != types.CodeSigningPolicyWarn || *c.CodeSigningConfigArn != "arn:aws:lambda:us-east-1:111111111111:code-signing-config:"+*c.CodeSigningConfigId {
			t.Fatalf("create: %+v", c)
		}
		made = append(made, *c.CodeSigningConfigArn)
	}
	up, err := lam.UpdateCodeSigningConfig(ctx, &sdk.UpdateCodeSigningConfigInput{CodeSigningConfigArn: aws.String(made[0]), Description: aws.String("d"),
		CodeSigningPolicies: &types.CodeSigningPolicies{UntrustedArtifactOnDeployment: types.CodeSigningPolicyEnforce}})
	if err != nil || *up.CodeSigningConfig.Description != "d" || up.CodeSigningConfig.CodeSigningPolicies.UntrustedArtifactOnDeployment != types.CodeSigningPolicyEnforce {
		t.Fatalf("update: %v %+v", err, up)
	}
	list, err := lam.ListCodeSigningConfigs(ctx, &sdk.ListCodeSigningConfigsInput{})
	if err != nil || len(list.CodeSigningConfigs) != 2 {
		t.Fatalf("list: %v %+v", err, list)
	}

	// A user may attach only the first config.
	if _, err := iamA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("csc"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:PutFunctionCodeSigningConfig","Resource":"*","Condition":{"StringEquals":{"lambda:CodeSigningConfigArn":"` + made[0] + `"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := iamA.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	dev := sdk.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	_, err = dev.PutFunctionCodeSigningConfig(ctx, &sdk.PutFunctionCodeSigningConfigInput{FunctionName: aws.String("f"), CodeSigningConfigArn: aws.String(made[1])})
	apiErr(t, err, "AccessDeniedException", "")
	put, err := dev.PutFunctionCodeSigningConfig(ctx, &sdk.PutFunctionCodeSigningConfigInput{FunctionName: aws.String("f"), CodeSigningConfigArn: aws.String(made[0])})
	if err != nil || *put.FunctionName != "f" || *put.CodeSigningConfigArn != made[0] {
		t.Fatalf("put: %v %+v", err, put)
	}

	got, err := lam.GetFunctionCodeSigningConfig(ctx, &sdk.GetFunctionCodeSigningConfigInput{FunctionName: aws.String("f")})
	if err != nil || *got.CodeSigningConfigArn != made[0] {
		t.Fatalf("get: %v %+v", err, got)
	}
	fns, err := lam.ListFunctionsByCodeSigningConfig(ctx, &sdk.ListFunctionsByCodeSigningConfigInput{CodeSigningConfigArn: aws.String(made[0])})
	if err != nil || len(fns.FunctionArns) != 1 || fns.FunctionArns[0] != *fn.FunctionArn {
		t.Fatalf("functions: %v %+v", err, fns)
	}
	// In use: not deleted.
	_, err = lam.DeleteCodeSigningConfig(ctx, &sdk.DeleteCodeSigningConfigInput{CodeSigningConfigArn: aws.String(made[0])})
	apiErr(t, err, "ResourceConflictException", "")
	if _, err := lam.DeleteFunctionCodeSigningConfig(ctx, &sdk.DeleteFunctionCodeSigningConfigInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.DeleteCodeSigningConfig(ctx, &sdk.DeleteCodeSigningConfigInput{CodeSigningConfigArn: aws.String(made[0])}); err != nil {
		t.Fatal(err)
	}
	_, err = lam.GetCodeSigningConfig(ctx, &sdk.GetCodeSigningConfigInput{CodeSigningConfigArn: aws.String(made[0])})
	apiErr(t, err, "ResourceNotFoundException", "The Lambda code signing configuration "+made[0]+" can not be found.")
	_, err = lam.PutFunctionCodeSigningConfig(ctx, &sdk.PutFunctionCodeSigningConfigInput{FunctionName: aws.String("f"), CodeSigningConfigArn: aws.String(made[0])})
	apiErr(t, err, "CodeSigningConfigNotFoundException", "The code signing configuration cannot be found. Check that the provided configuration is not deleted: "+made[0]+".")
}
