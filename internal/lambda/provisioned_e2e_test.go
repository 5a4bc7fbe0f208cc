package lambda_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestEndToEndProvisionedConcurrency puts, reads, lists and deletes
// provisioned concurrency through aws-sdk-go-v2 against a real server:
// IN_PROGRESS then READY, only on a version or alias, the overlaps with
// reserved concurrency refused as AWS refuses them, and the door deciding
// with Lambda's action names.
func TestEndToEndProvisionedConcurrency(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	iamA := iam.NewFromConfig(cfg)
	role := execRole(t, env)
	lam := sdk.NewFromConfig(cfg)
	fn, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lam.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}

	_, err = lam.PutProvisionedConcurrencyConfig(ctx, &sdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("$LATEST"), ProvisionedConcurrentExecutions: aws.Int32(1)})
	apiErr(t, err, "InvalidParameterValueException", "Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
	put, err := lam.PutProvisionedConcurrencyConfig(ctx, &sdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("live"), ProvisionedConcurrentExecutions: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if put.Status != types.ProvisionedConcurrencyStatusEnumInProgress || *put.RequestedProvisionedConcurrentExecutions != 2 || *put.AllocatedProvisionedConcurrentExecutions != 0 {
		t.Fatalf("put: %+v", put)
	}
	_, err = lam.PutProvisionedConcurrencyConfig(ctx, &sdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("1"), ProvisionedConcurrentExecutions: aws.Int32(1)})
	apiErr(t, err, "ResourceConflictException", "Version is pointed by a Provisioned Concurrency alias")

	// READY once allocated.
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := lam.GetProvisionedConcurrencyConfig(ctx, &sdk.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("live")})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == types.ProvisionedConcurrencyStatusEnumReady {
			if *got.AvailableProvisionedConcurrentExecutions != 2 || *got.AllocatedProvisionedConcurrentExecutions != 2 {
				t.Fatalf("ready: %+v", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %s", got.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	list, err := lam.ListProvisionedConcurrencyConfigs(ctx, &sdk.ListProvisionedConcurrencyConfigsInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ProvisionedConcurrencyConfigs) != 1 || *list.ProvisionedConcurrencyConfigs[0].FunctionArn != *fn.FunctionArn+":live" {
		t.Fatalf("list: %+v", list.ProvisionedConcurrencyConfigs)
	}

	// Reserved concurrency may not go below what is provisioned; then the
	// provisioned total may not go above what is reserved.
	_, err = lam.PutFunctionConcurrency(ctx, &sdk.PutFunctionConcurrencyInput{FunctionName: aws.String("f"), ReservedConcurrentExecutions: aws.Int32(1)})
	apiErr(t, err, "InvalidParameterValueException", " ReservedConcurrentExecutions  1 should not be lower than function's total provisioned concurrency [2].")
	if _, err := lam.PutFunctionConcurrency(ctx, &sdk.PutFunctionConcurrencyInput{FunctionName: aws.String("f"), ReservedConcurrentExecutions: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	// The provisioned alias takes the whole reservation: on-demand
	// invocations are throttled.
	_, err = lam.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f")})
	apiErr(t, err, "TooManyRequestsException", "Rate Exceeded.")
	_, err = lam.PutProvisionedConcurrencyConfig(ctx, &sdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("live"), ProvisionedConcurrentExecutions: aws.Int32(3)})
	apiErr(t, err, "InvalidParameterValueException", "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function")

	// The door: a reader may read and not delete.
	if _, err := iamA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:GetProvisionedConcurrencyConfig","lambda:ListProvisionedConcurrencyConfigs"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := iamA.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	reader := sdk.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	if _, err := reader.ListProvisionedConcurrencyConfigs(ctx, &sdk.ListProvisionedConcurrencyConfigsInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.DeleteProvisionedConcurrencyConfig(ctx, &sdk.DeleteProvisionedConcurrencyConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("live")})
	apiErr(t, err, "AccessDeniedException", "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: lambda:DeleteProvisionedConcurrencyConfig on resource: "+*fn.FunctionArn+":live because no identity-based policy allows the lambda:DeleteProvisionedConcurrencyConfig action")

	// Deleting the alias takes its config along.
	if _, err := lam.DeleteAlias(ctx, &sdk.DeleteAliasInput{FunctionName: aws.String("f"), Name: aws.String("live")}); err != nil {
		t.Fatal(err)
	}
	list, err = lam.ListProvisionedConcurrencyConfigs(ctx, &sdk.ListProvisionedConcurrencyConfigsInput{FunctionName: aws.String("f")})
	if err != nil || len(list.ProvisionedConcurrencyConfigs) != 0 {
		t.Fatalf("after the alias went: %v %+v", err, list)
	}
	_, err = lam.GetProvisionedConcurrencyConfig(ctx, &sdk.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	apiErr(t, err, "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function")
}
