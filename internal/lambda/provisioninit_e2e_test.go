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

// kindZip is a function that answers how its environment was
// initialized, and whose INIT fails as provisioned concurrency when
// FAIL_PROVISIONED is set.
var kindZip = map[string]string{"index.py": `import os

KIND = os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]
if KIND == "provisioned-concurrency" and os.environ.get("FAIL_PROVISIONED"):
    raise RuntimeError("no provisioned start")


def handler(event, context):
    return KIND
`}

// TestEndToEndProvisionedConcurrencyInitializes puts provisioned
// concurrency through aws-sdk-go-v2 on functions that really run: an
// environment is initialized for the config (the function sees
// AWS_LAMBDA_INITIALIZATION_TYPE provisioned-concurrency) and serves the
// version's invocations; a function whose INIT fails there puts its config
// in FAILED with AWS's reason, while on-demand invocations go on.
func TestEndToEndProvisionedConcurrencyInitializes(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	role := execRole(t, env)
	lam := sdk.NewFromConfig(env.Root(servertest.AccountA))
	create := func(name string, vars map[string]string) {
		t.Helper()
		if _, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: "python3.12", Role: role,
			Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, kindZip)}, Publish: true,
			Environment: &types.Environment{Variables: vars}}); err != nil {
			t.Fatal(err)
		}
		put, err := lam.PutProvisionedConcurrencyConfig(ctx, &sdk.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String(name), Qualifier: aws.String("1"),
			ProvisionedConcurrentExecutions: aws.Int32(1)})
		if err != nil || put.Status != types.ProvisionedConcurrencyStatusEnumInProgress {
			t.Fatalf("put %s: %v %+v", name, err, put)
		}
	}
	settled := func(name string) *sdk.GetProvisionedConcurrencyConfigOutput {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			got, err := lam.GetProvisionedConcurrencyConfig(ctx, &sdk.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String(name), Qualifier: aws.String("1")})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != types.ProvisionedConcurrencyStatusEnumInProgress {
				return got
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still IN_PROGRESS", name)
			}
		}
	}
	invoke := func(name string) string {
		t.Helper()
		out, err := lam.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String(name), Qualifier: aws.String("1")})
		if err != nil || out.FunctionError != nil {
			t.Fatalf("invoke %s: %v %+v", name, err, out)
		}
		return string(out.Payload)
	}

	create("warm", nil)
	if got := settled("warm"); got.Status != types.ProvisionedConcurrencyStatusEnumReady {
		t.Fatalf("warm: %s %v", got.Status, aws.ToString(got.StatusReason))
	}
	if got := invoke("warm"); got != `"provisioned-concurrency"` {
		t.Fatalf("the provisioned version ran in %s", got)
	}

	create("broken", map[string]string{"FAIL_PROVISIONED": "1"})
	if got := invoke("broken"); got != `"on-demand"` {
		t.Fatalf("during provisioning the version ran in %s", got)
	}
	got := settled("broken")
	if got.Status != types.ProvisionedConcurrencyStatusEnumFailed || aws.ToString(got.StatusReason) != "FUNCTION_ERROR_INIT_FAILURE" ||
		*got.AllocatedProvisionedConcurrentExecutions != 0 || *got.AvailableProvisionedConcurrentExecutions != 0 {
		t.Fatalf("broken: %s %q allocated %d", got.Status, aws.ToString(got.StatusReason), *got.AllocatedProvisionedConcurrentExecutions)
	}
	if got := invoke("broken"); got != `"on-demand"` {
		t.Fatalf("after the failure the version ran in %s", got)
	}
}
