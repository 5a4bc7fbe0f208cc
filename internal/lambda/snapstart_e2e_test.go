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

// TestEndToEndSnapStart sets SnapStart through aws-sdk-go-v2 against a real
// server: on create and on update, refused with AWS's words for a value
// outside its enum and for a runtime without SnapStart, optimized on the
// versions published while it applies (never on $LATEST), invocable, and
// kept across a restart.
func TestEndToEndSnapStart(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	role := execRole(t, env)
	lam := sdk.NewFromConfig(env.Root(servertest.AccountA))
	on := &types.SnapStart{ApplyOn: types.SnapStartApplyOnPublishedVersions}
	snap := func(c *types.SnapStartResponse) string {
		if c == nil {
			return "nil"
		}
		return string(c.ApplyOn) + "/" + string(c.OptimizationStatus)
	}

	fn, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("snap"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, SnapStart: on})
	if err != nil {
		t.Fatal(err)
	}
	if got := snap(fn.SnapStart); got != "PublishedVersions/Off" {
		t.Fatalf("create: SnapStart %s", got)
	}
	if err := sdk.NewFunctionActiveV2Waiter(lam).Wait(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("snap")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	v1, err := lam.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("snap")})
	if err != nil {
		t.Fatal(err)
	}
	if got := snap(v1.SnapStart); got != "PublishedVersions/On" {
		t.Fatalf("version 1: SnapStart %s", got)
	}
	if err := sdk.NewPublishedVersionActiveWaiter(lam).Wait(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("snap"), Qualifier: aws.String("1")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	latest, err := lam.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("snap")})
	if err != nil {
		t.Fatal(err)
	}
	if got := snap(latest.SnapStart); got != "PublishedVersions/Off" {
		t.Fatalf("$LATEST after publishing: SnapStart %s", got)
	}
	out, err := lam.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("snap"), Qualifier: aws.String("1"), Payload: []byte(`{"a":1}`)})
	if err != nil || out.FunctionError != nil || string(out.Payload) != `{"a": 1}` {
		t.Fatalf("invoke version 1: %v %+v %s", err, out, out.Payload)
	}

	// Refusals: the enum (a ValidationException), then the runtimes
	// without SnapStart, on create and on an update that would leave
	// SnapStart on such a runtime.
	_, err = lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("bad"), Runtime: "java21", Role: role,
		Handler: aws.String("x.Handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, SnapStart: &types.SnapStart{ApplyOn: "invalidOption"}})
	apiErr(t, err, "ValidationException", "1 validation error detected: Value 'invalidOption' at 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set: [PublishedVersions, None]")
	_, err = lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("bad"), Runtime: "nodejs22.x", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, SnapStart: on})
	apiErr(t, err, "InvalidParameterValueException", "nodejs22.x is not supported for SnapStart enabled functions.")
	_, err = lam.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("snap"), Runtime: "python3.11"})
	apiErr(t, err, "InvalidParameterValueException", "python3.11 is not supported for SnapStart enabled functions.")
	// Without SnapStart any runtime may be created.
	if _, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("node"), Runtime: "nodejs22.x", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, SnapStart: &types.SnapStart{ApplyOn: types.SnapStartApplyOnNone}}); err != nil {
		t.Fatal(err)
	}

	// Turned off, the next version is not optimized; version 1 stays so.
	up, err := lam.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("snap"),
		SnapStart: &types.SnapStart{ApplyOn: types.SnapStartApplyOnNone}, Description: aws.String("v2")})
	if err != nil {
		t.Fatal(err)
	}
	if got := snap(up.SnapStart); got != "None/Off" {
		t.Fatalf("update: SnapStart %s", got)
	}
	v2, err := lam.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("snap")})
	if err != nil {
		t.Fatal(err)
	}
	if got := snap(v2.SnapStart); got != "None/Off" {
		t.Fatalf("version 2: SnapStart %s", got)
	}

	// Durable.
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	lam = sdk.NewFromConfig(env.Root(servertest.AccountA))
	for q, want := range map[string]string{"1": "PublishedVersions/On", "2": "None/Off", "$LATEST": "None/Off"} {
		c, err := lam.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("snap"), Qualifier: aws.String(q)})
		if err != nil {
			t.Fatal(err)
		}
		if got := snap(c.SnapStart); got != want {
			t.Fatalf("after restart, %s: SnapStart %s, want %s", q, got, want)
		}
	}
}

// TestEndToEndRecursionConfig gets and puts a function's recursive loop
// detection through aws-sdk-go-v2: Terminate by default, Allow once put,
// AWS's enum message, the function looked for, the door deciding with
// Lambda's action names, kept across a restart and gone with its
// function.
func TestEndToEndRecursionConfig(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	role := execRole(t, env)
	lam := sdk.NewFromConfig(cfg)
	create := func() *sdk.CreateFunctionOutput {
		t.Helper()
		fn, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("rec"), Runtime: "python3.12", Role: role,
			Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}})
		if err != nil {
			t.Fatal(err)
		}
		return fn
	}
	loop := func(c *sdk.Client) types.RecursiveLoop {
		t.Helper()
		got, err := c.GetFunctionRecursionConfig(ctx, &sdk.GetFunctionRecursionConfigInput{FunctionName: aws.String("rec")})
		if err != nil {
			t.Fatal(err)
		}
		return got.RecursiveLoop
	}
	fn := create()
	if got := loop(lam); got != types.RecursiveLoopTerminate {
		t.Fatalf("default: %s", got)
	}
	put, err := lam.PutFunctionRecursionConfig(ctx, &sdk.PutFunctionRecursionConfigInput{FunctionName: fn.FunctionArn, RecursiveLoop: types.RecursiveLoopAllow})
	if err != nil || put.RecursiveLoop != types.RecursiveLoopAllow {
		t.Fatalf("put: %v %+v", err, put)
	}
	if got := loop(lam); got != types.RecursiveLoopAllow {
		t.Fatalf("after put: %s", got)
	}
	_, err = lam.PutFunctionRecursionConfig(ctx, &sdk.PutFunctionRecursionConfigInput{FunctionName: aws.String("rec"), RecursiveLoop: "Sometimes"})
	apiErr(t, err, "ValidationException", "1 validation error detected: Value 'Sometimes' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]")
	_, err = lam.GetFunctionRecursionConfig(ctx, &sdk.GetFunctionRecursionConfigInput{FunctionName: aws.String("nofn")})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nofn")
	_, err = lam.PutFunctionRecursionConfig(ctx, &sdk.PutFunctionRecursionConfigInput{FunctionName: aws.String("rec:1"), RecursiveLoop: types.RecursiveLoopAllow})
	apiErr(t, err, "InvalidParameterValueException", "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.")

	// The door: a reader may read and not put.
	iamA := iam.NewFromConfig(cfg)
	if _, err := iamA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunctionRecursionConfig","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := iamA.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	reader := sdk.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	if got := loop(reader); got != types.RecursiveLoopAllow {
		t.Fatalf("reader: %s", got)
	}
	_, err = reader.PutFunctionRecursionConfig(ctx, &sdk.PutFunctionRecursionConfigInput{FunctionName: aws.String("rec"), RecursiveLoop: types.RecursiveLoopTerminate})
	apiErr(t, err, "AccessDeniedException", "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: lambda:PutFunctionRecursionConfig on resource: "+*fn.FunctionArn+" because no identity-based policy allows the lambda:PutFunctionRecursionConfig action")

	// Durable, and gone with the function.
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	lam = sdk.NewFromConfig(env.Root(servertest.AccountA))
	if got := loop(lam); got != types.RecursiveLoopAllow {
		t.Fatalf("after restart: %s", got)
	}
	if _, err := lam.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("rec")}); err != nil {
		t.Fatal(err)
	}
	create()
	if got := loop(lam); got != types.RecursiveLoopTerminate {
		t.Fatalf("a new function of the same name: %s", got)
	}
}
