package server

import (
	"context"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sqs"
	"github.com/seki-dev/seki/internal/sts"
)

// esmQueues is SQS as Lambda's event source mappings see it. Lambda reads
// a queue with the function's execution role: the role is assumed as
// lambda.amazonaws.com (through the door, so the trust policy decides),
// and every SQS call is then authorized for that role session through the
// door and logged, as the function's own calls are.
type esmQueues struct {
	sqs *sqs.Service
	*serviceSessions
}

func newESMQueues(q *sqs.Service, s *sts.Service) *esmQueues {
	return &esmQueues{sqs: q, serviceSessions: newServiceSessions(s, "lambda.amazonaws.com")}
}

// queryErr reports an SQS error by the code SDKs show for it.
func queryErr(err error) error {
	if err == nil {
		return nil
	}
	e := *awserr.As(err)
	e.Code = sqs.QueryCode(err)
	return &e
}

func (a *esmQueues) Check(ctx context.Context, requestID, roleARN, session, action, queueARN string) error {
	c, err := a.RoleCaller(ctx, requestID, roleARN, session)
	if err != nil {
		return err
	}
	return queryErr(a.sqs.CheckAs(ctx, requestID, c, action, queueARN))
}

func (a *esmQueues) Receive(ctx context.Context, requestID, roleARN, session, queueARN string, max int, wait time.Duration) ([]lambda.QueueMessage, error) {
	c, err := a.RoleCaller(ctx, requestID, roleARN, session)
	if err != nil {
		return nil, err
	}
	got, err := a.sqs.ReceiveAs(ctx, requestID, c, queueARN, max, wait)
	if err != nil {
		return nil, queryErr(err)
	}
	out := make([]lambda.QueueMessage, len(got))
	for i, m := range got {
		out[i] = lambda.QueueMessage{MessageID: m.MessageID, ReceiptHandle: m.ReceiptHandle, Body: m.Body, MD5OfBody: m.MD5OfBody,
			Attributes: m.Attributes, MD5OfMessageAttributes: m.MD5OfMessageAttributes}
		if len(m.MessageAttributes) > 0 {
			out[i].MessageAttributes = make(map[string]lambda.QueueAttribute, len(m.MessageAttributes))
			for n, v := range m.MessageAttributes {
				out[i].MessageAttributes[n] = lambda.QueueAttribute{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
			}
		}
	}
	return out, nil
}

func (a *esmQueues) Delete(ctx context.Context, requestID, roleARN, session, queueARN string, receipts []string) error {
	c, err := a.RoleCaller(ctx, requestID, roleARN, session)
	if err != nil {
		return err
	}
	return queryErr(a.sqs.DeleteAs(ctx, requestID, c, queueARN, receipts))
}
