package lambda

import (
	"context"
	"errors"
)

// Event invocations wait in the runtime's queue, and AWS's queue hands an
// event to the function as it is configured when the event is taken, not
// as it was when the event was accepted: events queued before an update
// of $LATEST run the updated configuration.
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaVersions::test_async_invoke_queue_upon_function_update (async_invoke_history_sorted)

// Refresher is a Runner with a queue of Event invocations that asks, as
// it takes each one, for the spec its function has then (internal/runtime
// implements it). Lambda hands it CurrentSpec when it starts.
type Refresher interface {
	UseCurrent(current func(ctx context.Context, queued *FunctionSpec) (*FunctionSpec, error))
}

// errNoLatest is CurrentSpec's answer for a function that is gone.
var errNoLatest = errors.New("the function no longer exists")

// CurrentSpec is the spec a queued Event invocation runs with now. A
// published version never changes, and is its own answer; $LATEST is
// read again (code, configuration, reserved concurrency), keeping what
// the event brought from its invocation: the ARN invoked and its event
// invoke config's limits and destinations.
func (s *Service) CurrentSpec(ctx context.Context, queued *FunctionSpec) (*FunctionSpec, error) {
	if queued.Version != latest {
		return queued, nil
	}
	ref, ok := splitFunctionName(queued.FunctionARN, true)
	if !ok {
		return nil, errNoLatest
	}
	st, err := s.resolveInvoke(ctx, ref)
	if err != nil {
		return nil, err
	}
	if st.err != nil || st.t == nil || st.t.version == nil {
		return nil, errNoLatest
	}
	cp := *s.cachedSpec(st, st.t.version)
	cp.InvokedARN = queued.InvokedARN
	cp.MaxRetryAttempts, cp.MaxEventAgeSeconds = queued.MaxRetryAttempts, queued.MaxEventAgeSeconds
	cp.OnSuccess, cp.OnFailure = queued.OnSuccess, queued.OnFailure
	return &cp, nil
}
