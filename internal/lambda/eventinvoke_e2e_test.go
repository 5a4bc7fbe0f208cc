package lambda_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestEndToEndEventInvokeConfig manages event invoke configs through
// aws-sdk-go-v2 against a real server: Put replaces, Update merges, List
// pages, Delete removes, a restart keeps them, a deleted alias takes its
// config along, and the door decides with Lambda's action names.
func TestEndToEndEventInvokeConfig(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	iamA := iam.NewFromConfig(cfg)
	role := execRole(t, env)
	lam := sdk.NewFromConfig(cfg)
	var arns []string
	for _, name := range []string{"f", "g"} {
		out, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: "python3.12", Role: role,
			Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, *out.FunctionArn)
	}
	if _, err := lam.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}

	put, err := lam.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("f"),
		MaximumRetryAttempts: aws.Int32(1), DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(arns[1])}}})
	if err != nil {
		t.Fatal(err)
	}
	if *put.FunctionArn != arns[0]+":$LATEST" || *put.MaximumRetryAttempts != 1 || put.MaximumEventAgeInSeconds != nil ||
		*put.DestinationConfig.OnFailure.Destination != arns[1] || put.LastModified == nil || put.LastModified.IsZero() {
		t.Fatalf("put: %+v", put)
	}
	// Update keeps what it does not set.
	upd, err := lam.UpdateFunctionEventInvokeConfig(ctx, &sdk.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), MaximumEventAgeInSeconds: aws.Int32(600)})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.MaximumRetryAttempts != 1 || *upd.MaximumEventAgeInSeconds != 600 || *upd.DestinationConfig.OnFailure.Destination != arns[1] {
		t.Fatalf("update: %+v", upd)
	}
	// Put replaces the whole config.
	if _, err := lam.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), MaximumEventAgeInSeconds: aws.Int32(60)}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"1", "live"} {
		if _, err := lam.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String(q), MaximumRetryAttempts: aws.Int32(0)}); err != nil {
			t.Fatal(err)
		}
	}

	// Durable: a restarted server has them.
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	lam = sdk.NewFromConfig(env.Root(servertest.AccountA))
	got, err := lam.GetFunctionEventInvokeConfig(ctx, &sdk.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if got.MaximumRetryAttempts != nil || *got.MaximumEventAgeInSeconds != 60 || got.DestinationConfig.OnFailure.Destination != nil {
		t.Fatalf("get after put and restart: %+v", got)
	}

	// Pages of one: $LATEST, 1, live.
	var listed []string
	var marker *string
	for {
		page, err := lam.ListFunctionEventInvokeConfigs(ctx, &sdk.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("f"), MaxItems: aws.Int32(1), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.FunctionEventInvokeConfigs {
			listed = append(listed, strings.TrimPrefix(*c.FunctionArn, arns[0]+":"))
		}
		if marker = page.NextMarker; marker == nil {
			break
		}
	}
	if strings.Join(listed, ",") != "$LATEST,1,live" {
		t.Fatalf("listed %v", listed)
	}

	// A deleted alias takes its config along.
	if _, err := lam.DeleteAlias(ctx, &sdk.DeleteAliasInput{FunctionName: aws.String("f"), Name: aws.String("live")}); err != nil {
		t.Fatal(err)
	}
	_, err = lam.GetFunctionEventInvokeConfig(ctx, &sdk.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("live")})
	apiErr(t, err, "ResourceNotFoundException", "The function "+arns[0]+":live doesn't have an EventInvokeConfig")

	// AWS's validation and refusals.
	_, err = lam.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), MaximumRetryAttempts: aws.Int32(3)})
	apiErr(t, err, "ValidationException", "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2")
	_, err = lam.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("f"),
		DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(arns[0])}}})
	apiErr(t, err, "InvalidParameterValueException", "You can't specify the function as a destination for itself.")
	_, err = lam.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("nope"), MaximumRetryAttempts: aws.Int32(0)})
	apiErr(t, err, "ResourceNotFoundException", "The function doesn't exist.")

	// The door: a user allowed to read configs only.
	iamA = iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := iamA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:GetFunctionEventInvokeConfig","lambda:ListFunctionEventInvokeConfigs"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := iamA.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	reader := sdk.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	if _, err := reader.GetFunctionEventInvokeConfig(ctx, &sdk.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.DeleteFunctionEventInvokeConfig(ctx, &sdk.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	apiErr(t, err, "AccessDeniedException", "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: lambda:DeleteFunctionEventInvokeConfig on resource: "+arns[0]+":1 because no identity-based policy allows the lambda:DeleteFunctionEventInvokeConfig action")
	if _, err := lam.DeleteFunctionEventInvokeConfig(ctx, &sdk.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	_, err = lam.DeleteFunctionEventInvokeConfig(ctx, &sdk.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	apiErr(t, err, "ResourceNotFoundException", "The function "+arns[0]+":1 doesn't have an EventInvokeConfig")
}

// TestEventInvocationsCarryTheirConfig: an Event invocation hands the
// runtime the invoked qualifier's MaximumRetryAttempts and
// MaximumEventAgeInSeconds (which its queue honours); a synchronous one and
// a qualifier without a config carry none.
func TestEventInvocationsCarryTheirConfig(t *testing.T) {
	r := &echoRunner{}
	e := newEnv(t, r)
	c := e.client("ROOTA")
	ctx := context.Background()
	if _, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: aws.String(roleA),
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, Publish: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutFunctionEventInvokeConfig(ctx, &sdk.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("f"),
		MaximumRetryAttempts: aws.Int32(0), MaximumEventAgeInSeconds: aws.Int32(90)}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"$LATEST", "1"} {
		for _, typ := range []types.InvocationType{types.InvocationTypeEvent, types.InvocationTypeRequestResponse} {
			if _, err := c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Qualifier: aws.String(q), InvocationType: typ}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []string
	for _, sp := range r.specs {
		s := "-"
		if sp.MaxRetryAttempts != nil && sp.MaxEventAgeSeconds != nil {
			s = fmt.Sprint(*sp.MaxRetryAttempts, "/", *sp.MaxEventAgeSeconds)
		}
		got = append(got, sp.Version+":"+s)
	}
	if strings.Join(got, ",") != "$LATEST:0/90,$LATEST:-,1:-,1:-" {
		t.Fatalf("specs %v", got)
	}
}
