package server

import (
	"context"
	"time"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sqs"
	"github.com/seki-dev/seki/internal/sts"
)

// destinations delivers the records of asynchronous invocations to their
// destinations as the function's execution role: the role is assumed as
// lambda.amazonaws.com and the call (sqs:SendMessage) is decided by the
// door and logged, so a role without the permission delivers nothing and
// `seki explain` says why. SQS queues are delivered to; SNS, Lambda and
// EventBridge destinations are stored but not delivered yet.
type destinations struct {
	sqs *sqs.Service
	now func() time.Time
	*serviceSessions
}

func newDestinations(q *sqs.Service, s *sts.Service, now func() time.Time) *destinations {
	if now == nil {
		now = time.Now
	}
	return &destinations{sqs: q, now: now, serviceSessions: newServiceSessions(s, "lambda.amazonaws.com")}
}

// settled is the runtime's QueueOptions.Settled.
func (d *destinations) settled(spec *lambda.FunctionSpec, requestID string, payload []byte, outcome string, attempts int, res *lambda.InvokeResult) {
	dest, body := lambda.DestinationRecord(spec, requestID, payload, outcome, attempts, res, d.now())
	if a, err := arn.Parse(dest); err != nil || a.Service != "sqs" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := d.RoleCaller(ctx, requestID, spec.RoleARN, spec.Name)
	if err != nil {
		return
	}
	// A refusal is in the decision log; nothing else is owed to anyone.
	d.sqs.SendAs(ctx, requestID, c, dest, string(body))
}
