package server

import (
	"context"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
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
	sts *sts.Service

	mu       sync.Mutex
	sessions map[[2]string]esmSession
}

type esmSession struct {
	caller  *authz.Caller
	expires time.Time
}

func newESMQueues(q *sqs.Service, s *sts.Service) *esmQueues {
	return &esmQueues{sqs: q, sts: s, sessions: map[[2]string]esmSession{}}
}

// sessionTTL is how long a poller's role session lives; it is renewed
// when less than refreshBefore is left. Permissions are evaluated on every
// call, so a session held longer never outlives a revoked policy.
const (
	sessionTTL    = time.Hour
	refreshBefore = 5 * time.Minute
)

// caller returns the role session's principal, assuming the role when
// there is no fresh session.
func (a *esmQueues) caller(ctx context.Context, requestID, roleARN, session string) (*authz.Caller, error) {
	key := [2]string{roleARN, session}
	a.mu.Lock()
	s, ok := a.sessions[key]
	a.mu.Unlock()
	if ok && time.Until(s.expires) > refreshBefore {
		return s.caller, nil
	}
	creds, err := a.sts.AssumeRoleForService(ctx, sts.ServiceSession{
		RoleARN: roleARN, Service: "lambda.amazonaws.com", SessionName: session, Duration: sessionTTL, RequestID: requestID,
	})
	if err != nil {
		return nil, err
	}
	c, err := a.sts.Caller(ctx, creds.AccessKeyID)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.sessions[key] = esmSession{caller: c, expires: creds.Expiration}
	a.mu.Unlock()
	return c, nil
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
	c, err := a.caller(ctx, requestID, roleARN, session)
	if err != nil {
		return err
	}
	return queryErr(a.sqs.CheckAs(ctx, requestID, c, action, queueARN))
}

func (a *esmQueues) Receive(ctx context.Context, requestID, roleARN, session, queueARN string, max int, wait time.Duration) ([]lambda.QueueMessage, error) {
	c, err := a.caller(ctx, requestID, roleARN, session)
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
	c, err := a.caller(ctx, requestID, roleARN, session)
	if err != nil {
		return err
	}
	return queryErr(a.sqs.DeleteAs(ctx, requestID, c, queueARN, receipts))
}
