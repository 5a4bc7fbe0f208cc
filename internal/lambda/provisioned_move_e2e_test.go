package lambda_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestEndToEndProvisionedConcurrencyMovesWithAlias moves an alias with
// provisioned concurrency to a new version through aws-sdk-go-v2: the
// config stays the alias's, IN_PROGRESS again with the old version's
// environments still allocated and available (as AWS recorded), then
// READY; the new version has no config of its own.
func TestEndToEndProvisionedConcurrencyMovesWithAlias(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	role := execRole(t, env)
	lam := sdk.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("mv"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, Publish: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("mv"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.PutProvisionedConcurrencyConfig(ctx, &sdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("mv"), Qualifier: aws.String("live"),
		ProvisionedConcurrentExecutions: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	get := func() *sdk.GetProvisionedConcurrencyConfigOutput {
		t.Helper()
		got, err := lam.GetProvisionedConcurrencyConfig(ctx, &sdk.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("mv"), Qualifier: aws.String("live")})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	ready := func() {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); get().Status != types.ProvisionedConcurrencyStatusEnumReady; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("never READY")
			}
		}
	}
	ready()
	if _, err := lam.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("mv"), Timeout: aws.Int32(10)}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("mv")}); err != nil {
		t.Fatal(err)
	}
	// A change of description alone moves nothing.
	if _, err := lam.UpdateAlias(ctx, &sdk.UpdateAliasInput{FunctionName: aws.String("mv"), Name: aws.String("live"), Description: aws.String("d")}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got.Status != types.ProvisionedConcurrencyStatusEnumReady {
		t.Fatalf("after a description change: %s", got.Status)
	}
	if _, err := lam.UpdateAlias(ctx, &sdk.UpdateAliasInput{FunctionName: aws.String("mv"), Name: aws.String("live"), FunctionVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	moving := get()
	if moving.Status != types.ProvisionedConcurrencyStatusEnumInProgress || *moving.RequestedProvisionedConcurrentExecutions != 2 ||
		*moving.AllocatedProvisionedConcurrentExecutions != 2 || *moving.AvailableProvisionedConcurrentExecutions != 2 {
		t.Fatalf("moving: %s requested %d allocated %d available %d", moving.Status, *moving.RequestedProvisionedConcurrentExecutions,
			*moving.AllocatedProvisionedConcurrentExecutions, *moving.AvailableProvisionedConcurrentExecutions)
	}
	ready()
	_, err := lam.GetProvisionedConcurrencyConfig(ctx, &sdk.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("mv"), Qualifier: aws.String("2")})
	apiErr(t, err, "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function")
	// A new put starts from nothing allocated.
	put, err := lam.PutProvisionedConcurrencyConfig(ctx, &sdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("mv"), Qualifier: aws.String("live"),
		ProvisionedConcurrentExecutions: aws.Int32(3)})
	if err != nil || put.Status != types.ProvisionedConcurrencyStatusEnumInProgress || *put.AllocatedProvisionedConcurrentExecutions != 0 {
		t.Fatalf("put again: %v %+v", err, put)
	}
}
