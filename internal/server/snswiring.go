package server

import (
	"context"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// pushFunctions is Lambda as a push source sees it (SNS topics,
// EventBridge rules): asynchronous invocations as the source's service
// principal with aws:SourceArn and aws:SourceAccount, which Lambda judges
// by the function's resource policy alone.
type pushFunctions struct {
	l      *lambda.Service
	caller *authz.Caller
}

func servicePrincipal(name string) *authz.Caller {
	return &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: name}}
}

// InvokeAsync queues the Event invocation durably under an invocation id
// of its own (one request can fan out to several functions), authorized
// once by Lambda's door with the decision logged under the source's request
// id, so that `seki explain` on the Publish or PutEvents request shows a
// refused delivery.
func (f pushFunctions) InvokeAsync(ctx context.Context, requestID, fn, sourceARN, sourceAccount string, payload []byte) error {
	keys := policy.NewContext(2)
	keys.Set("aws:SourceArn", sourceARN)
	if sourceAccount != "" {
		keys.Set("aws:SourceAccount", sourceAccount)
	}
	_, err := f.l.InvokeAs(ctx, &lambda.InvokeAsInput{RequestID: protocol.NewUUID(), DecisionID: requestID, Caller: f.caller,
		FunctionARN: fn, Context: keys, Payload: payload, InvocationType: "Event"})
	return err
}
