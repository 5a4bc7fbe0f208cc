package server

import (
	"context"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
)

// s3Functions is Lambda as S3's event notifications see it: invocations as
// the service principal s3.amazonaws.com with aws:SourceArn and
// aws:SourceAccount, which Lambda judges by the function's resource policy
// alone.
type s3Functions struct{ l *lambda.Service }

var s3Principal = &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}

func s3SourceKeys(sourceARN, sourceAccount string) *policy.Context {
	c := policy.NewContext(2)
	c.Set("aws:SourceArn", sourceARN)
	c.Set("aws:SourceAccount", sourceAccount)
	return c
}

// CheckInvoke is a DryRun invocation, recorded in the decision log under
// the S3 request id.
func (f s3Functions) CheckInvoke(ctx context.Context, requestID, fn, sourceARN, sourceAccount string) error {
	_, err := f.l.InvokeAs(ctx, &lambda.InvokeAsInput{RequestID: requestID, Caller: s3Principal, FunctionARN: fn,
		Context: s3SourceKeys(sourceARN, sourceAccount), InvocationType: "DryRun"})
	return err
}

// InvokeAsync re-checks under the S3 request id (so a refused event is
// explained by the request that caused it), then queues the Event
// invocation under an invocation id of its own: one DeleteObjects request
// can trigger several invocations.
func (f s3Functions) InvokeAsync(ctx context.Context, requestID, fn, sourceARN, sourceAccount string, payload []byte) error {
	if err := f.CheckInvoke(ctx, requestID, fn, sourceARN, sourceAccount); err != nil {
		return err
	}
	_, err := f.l.InvokeAs(ctx, &lambda.InvokeAsInput{RequestID: newRequestID(), Caller: s3Principal, FunctionARN: fn,
		Context: s3SourceKeys(sourceARN, sourceAccount), Payload: payload, InvocationType: "Event"})
	return err
}
