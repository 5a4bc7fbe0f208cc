package lambda_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// heldPreparer is a runner whose code preparation ends when the test says.
type heldPreparer struct {
	echoRunner
	release chan struct{}
}

func (r *heldPreparer) PrepareCode(string, []byte) <-chan struct{} { return r.release }

// A new function is Pending while its code is prepared: GetFunction says
// so, and Invoke is refused with AWS's ResourceConflictException. It is
// Active, and invocable, when CreateFunction has answered.
func TestPendingUntilPrepared(t *testing.T) {
	r := &heldPreparer{release: make(chan struct{})}
	e := newEnv(t, r)
	c := e.client("ROOTA")
	ctx := context.Background()
	created := make(chan *sdk.CreateFunctionOutput, 1)
	go func() {
		out, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: aws.String(roleA),
			Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}})
		if err != nil {
			t.Error(err)
		}
		created <- out
	}()
	var got *sdk.GetFunctionOutput
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if out, err := c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f")}); err == nil {
			got = out
			break
		}
	}
	if got == nil {
		t.Fatal("the function never became visible")
	}
	if cfg := got.Configuration; cfg.State != types.StatePending || cfg.StateReasonCode != types.StateReasonCodeCreating || aws.ToString(cfg.StateReason) != "The function is being created." {
		t.Fatalf("while its code is prepared: %s %s %q", cfg.State, cfg.StateReasonCode, aws.ToString(cfg.StateReason))
	}
	_, err := c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`{}`)})
	var conflict *types.ResourceConflictException
	var re *smithyhttp.ResponseError
	if !errors.As(err, &conflict) || !errors.As(err, &re) || re.HTTPStatusCode() != 409 ||
		conflict.ErrorMessage() != "The operation cannot be performed at this time. The function is currently in the following state: Pending" {
		t.Fatalf("invoke while Pending: %v", err)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "ResourceConflictException" {
		t.Fatalf("code %s", ae.ErrorCode())
	}
	if len(r.specs) != 0 {
		t.Fatal("a Pending function ran")
	}

	close(r.release)
	out := <-created
	if out == nil || out.State != types.StatePending {
		t.Fatalf("CreateFunction answered %+v", out)
	}
	cfg, err := c.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("f")})
	if err != nil || cfg.State != types.StateActive || cfg.LastUpdateStatus != types.LastUpdateStatusSuccessful {
		t.Fatalf("after CreateFunction answered: %v %+v", err, cfg)
	}
	if err := sdk.NewFunctionActiveV2Waiter(c).Wait(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f")}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if res, err := c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`{"a":1}`)}); err != nil || string(res.Payload) != `{"a":1}` {
		t.Fatalf("invoke once Active: %v", err)
	}
}
