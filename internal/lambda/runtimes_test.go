package lambda_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// Deprecated runtimes are refused for creation and update with AWS's
// message (LocalStack's AWS-validated snapshot test_lambda_api.snapshot.json,
// TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled),
// and names that are no runtime with AWS's enum message
// (TestLambdaFunction::test_create_lambda_exceptions).
func TestDeprecatedRuntimesRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	code := &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}
	create := func(rt string) error {
		_, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{
			FunctionName: aws.String("f-rt"), Runtime: types.Runtime(rt), Role: aws.String(roleA),
			Handler: aws.String("index.handler"), Code: code,
		})
		return err
	}
	deprecated := func(rt string) string {
		return "The runtime parameter of " + rt + " is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions."
	}
	for _, rt := range []string{"python2.7", "python3.6", "python3.7", "python3.8", "nodejs12.x", "nodejs14.x", "nodejs16.x",
		"nodejs", "nodejs10.x", "java8", "go1.x", "provided", "ruby2.7", "dotnetcore3.1"} {
		apiErr(t, create(rt), "InvalidParameterValueException", deprecated(rt))
	}
	const valid = "[nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2]"
	for _, rt := range []string{"non-existent-runtime", "PYTHON3.9", "python3.15"} {
		apiErr(t, create(rt), "InvalidParameterValueException",
			"Value "+rt+" at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "+valid+" or be a valid ARN")
	}

	// Current runtimes are accepted; an update to a deprecated one is not.
	e.createFn(c, "f-ok", roleA)
	_, err := c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f-ok"), Runtime: "nodejs14.x"})
	apiErr(t, err, "InvalidParameterValueException", deprecated("nodejs14.x"))
	for _, rt := range []string{"python3.9", "python3.13", "python3.14", "nodejs18.x", "nodejs22.x", "nodejs24.x", "provided.al2"} {
		if _, err := c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f-ok"), Runtime: types.Runtime(rt)}); err != nil {
			t.Fatalf("%s: %v", rt, err)
		}
	}
}

// CreateFunction answers Pending and the updates InProgress, as AWS does
// (test_lambda_api.snapshot.json, TestLambdaFunction::test_function_lifecycle:
// create_response, update_func_conf_response, update_code_response);
// GetFunction then reports Active and Successful, so the SDK's waiters
// return at once.
func TestFunctionStates(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	out := e.createFn(c, "states", roleA)
	if out.State != types.StatePending || aws.ToString(out.StateReason) != "The function is being created." ||
		out.StateReasonCode != types.StateReasonCodeCreating || out.LastUpdateStatus != "" {
		t.Fatalf("create: %s %v %s %s", out.State, aws.ToString(out.StateReason), out.StateReasonCode, out.LastUpdateStatus)
	}
	active := func() {
		t.Helper()
		g, err := c.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("states")})
		if err != nil {
			t.Fatal(err)
		}
		if g.State != types.StateActive || g.LastUpdateStatus != types.LastUpdateStatusSuccessful || g.StateReason != nil || g.LastUpdateStatusReason != nil {
			t.Fatalf("get: %s %s %v %v", g.State, g.LastUpdateStatus, g.StateReason, g.LastUpdateStatusReason)
		}
	}
	active()
	if err := sdk.NewFunctionActiveV2Waiter(c).Wait(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("states")}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	inProgress := func(st types.State, lus types.LastUpdateStatus, reason *string, code types.LastUpdateStatusReasonCode) {
		t.Helper()
		if st != types.StateActive || lus != types.LastUpdateStatusInProgress || aws.ToString(reason) != "The function is being created." || code != "Creating" {
			t.Fatalf("update: %s %s %v %s", st, lus, aws.ToString(reason), code)
		}
	}
	u, err := c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("states"), Timeout: aws.Int32(9)})
	if err != nil {
		t.Fatal(err)
	}
	inProgress(u.State, u.LastUpdateStatus, u.LastUpdateStatusReason, u.LastUpdateStatusReasonCode)
	active()
	uc, err := c.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("states"), ZipFile: zipBytes(t, map[string]string{"index.py": "def handler(e, c):\n    return 2\n"})})
	if err != nil {
		t.Fatal(err)
	}
	inProgress(uc.State, uc.LastUpdateStatus, uc.LastUpdateStatusReason, uc.LastUpdateStatusReasonCode)
	if err := sdk.NewFunctionUpdatedV2Waiter(c).Wait(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("states")}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	active()
}
