// Package pushsrc is what the push event sources (SNS topics, EventBridge
// rules) share: the small view of Lambda they deliver through, and the rule
// that decides which delivery failures drop an event and which fail the
// request that produced it. The server adapts Lambda to Functions; the
// sources never import Lambda.
package pushsrc

import (
	"context"
	"errors"

	"github.com/seki-dev/seki/internal/awserr"
)

// Functions is Lambda as a push source sees it.
type Functions interface {
	// InvokeAsync queues an Event invocation of functionARN as the
	// source's service principal (sns.amazonaws.com, events.amazonaws.com)
	// with aws:SourceArn = sourceARN and aws:SourceAccount =
	// sourceAccount, authorized by the function's resource policy and
	// logged under requestID (the Publish or PutEvents request). It returns
	// once the invocation is durably queued. A refusal or a missing
	// function is an *awserr.Error with a 4xx status; anything else is a
	// failure to queue.
	InvokeAsync(ctx context.Context, requestID, functionARN, sourceARN, sourceAccount string, payload []byte) error
}

// Deliver hands one payload to a function. A delivery Lambda refuses (the
// function's policy does not allow the source, or the function is gone) is
// dropped, as AWS drops deliveries that fail with a client error: it is
// reported to logf, and the refusal itself is in the decision log. Any
// other error is returned, so that the request that produced the event is
// not acknowledged.
func Deliver(ctx context.Context, f Functions, logf func(format string, args ...any), requestID, functionARN, sourceARN, sourceAccount string, payload []byte) error {
	err := f.InvokeAsync(ctx, requestID, functionARN, sourceARN, sourceAccount, payload)
	if err == nil {
		return nil
	}
	var ae *awserr.Error
	if errors.As(err, &ae) && ae.Status < 500 {
		logf("%s: not delivered to %s: %v", sourceARN, functionARN, err)
		return nil
	}
	return err
}
