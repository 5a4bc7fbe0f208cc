package server

import (
	"context"

	"github.com/seki-dev/seki/internal/logs"
	fnruntime "github.com/seki-dev/seki/internal/runtime"
)

// logSink is CloudWatch Logs as the runtime sees it: each batch of a
// function's output goes to logs.Deliver, which writes it only if the
// execution role's session may (logs:CreateLogGroup, logs:CreateLogStream,
// logs:PutLogEvents, through the door, recorded under the invocation's
// request id) and drops it otherwise.
type logSink struct{ logs *logs.Service }

func (a logSink) Deliver(ctx context.Context, d fnruntime.Delivery) error {
	events := make([]logs.Event, len(d.Events))
	for i, e := range d.Events {
		events[i] = logs.Event{Timestamp: e.Timestamp, Message: e.Message}
	}
	err := a.logs.Deliver(ctx, logs.Delivery{
		RequestID: d.RequestID, AccessKeyID: d.AccessKeyID, Account: d.Account, Region: d.Region,
		Group: d.Group, Stream: d.Stream, Events: events,
	})
	if logs.IsDenied(err) {
		// Dropping logs the role may not write is the expected outcome,
		// not a failure of the sink; the decision log holds the denial.
		return nil
	}
	return err
}
