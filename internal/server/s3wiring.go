package server

import (
	"context"
	"io"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/s3"
)

// s3Code is S3 as Lambda reads deployment packages from it (S3Bucket and
// S3Key code). Lambda and S3 need each other, so Lambda is built with this
// value and build points it at S3 as soon as S3 is built, before anything
// starts or serves; it never changes after.
type s3Code struct{ s3 *s3.Service }

func (c *s3Code) Object(ctx context.Context, caller *authz.Caller, bucket, key, version string) (io.ReadCloser, error) {
	return c.s3.Object(ctx, caller, bucket, key, version)
}

// s3Functions is Lambda as S3's event notifications see it: invocations as
// the service principal s3.amazonaws.com with aws:SourceArn and
// aws:SourceAccount, which Lambda judges by the function's resource policy
// alone.
type s3Functions struct{ l *lambda.Service }

var s3Principal = &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}

// CheckInvoke is Lambda's own check: a missing function is
// ResourceNotFoundException, a refusal AccessDeniedException, logged under
// the S3 request id.
func (f s3Functions) CheckInvoke(ctx context.Context, requestID, fn, sourceARN, sourceAccount string) error {
	return f.l.CheckInvoke(ctx, requestID, fn, sourceARN, sourceAccount)
}

// InvokeAsync queues the Event invocation under an invocation id of its
// own (one DeleteObjects request can trigger several invocations), authorized
// once by Lambda's door, with the decision logged under the S3 request id so
// that a refused event is explained by the request that caused it.
func (f s3Functions) InvokeAsync(ctx context.Context, requestID, fn, sourceARN, sourceAccount string, payload []byte) error {
	keys := policy.NewContext(2)
	keys.Set("aws:SourceArn", sourceARN)
	keys.Set("aws:SourceAccount", sourceAccount)
	_, err := f.l.InvokeAs(ctx, &lambda.InvokeAsInput{RequestID: protocol.NewUUID(), DecisionID: requestID, Caller: s3Principal,
		FunctionARN: fn, Context: keys, Payload: payload, InvocationType: "Event"})
	return err
}
