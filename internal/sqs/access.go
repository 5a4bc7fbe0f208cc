package sqs

import (
	"context"
	"errors"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// Calls made on behalf of a principal outside an HTTP request: Lambda's
// event source mappings poll queues as the function's execution role.
// Each is authorized through the same door as the API, with the queue
// policy, and recorded under the caller's request id, so `seki explain`
// shows why a mapping may or may not read its queue.

// ErrNoAuthorizer is returned by the *As methods of a Service built
// without Options.Authz.
var ErrNoAuthorizer = errors.New("sqs: calls on behalf of a principal need Options.Authz")

// Received is a message taken from a queue by ReceiveAs.
type Received struct {
	MessageID, ReceiptHandle, Body, MD5OfBody string
	// Attributes are all of the message's system attributes.
	Attributes             map[string]string
	MessageAttributes      map[string]Attribute
	MD5OfMessageAttributes string
}

// Attribute is one message attribute.
type Attribute struct {
	DataType    string
	StringValue *string
	BinaryValue []byte
}

// QueryCode is the code SDKs report for err (an SQS error): the query
// protocol's code, "AWS.SimpleQueueService.NonExistentQueue" for
// QueueDoesNotExist.
func QueryCode(err error) string {
	e := awserr.As(err)
	if c, ok := queryCodes[e.Code]; ok {
		return c
	}
	return e.Code
}

// IsDenied reports whether err is an authorization denial.
func IsDenied(err error) bool { return AccessDenied.Is(err) }

// authorizeAs asks the door whether caller may perform action on the
// queue queueARN names, with its queue policy. A missing queue is
// QueueDoesNotExist after the decision, as in the API.
func (s *Service) authorizeAs(ctx context.Context, requestID string, caller *authz.Caller, action, queueARN string) (*queue, error) {
	if s.authz == nil {
		return nil, ErrNoAuthorizer
	}
	k, ok := parseQueueARN(queueARN)
	q := s.lookup(k)
	var p *policy.Policy
	if q != nil {
		p = q.policy
	}
	keys := authz.BackgroundContext(s.now(), k.region)
	if err := s.authz.Authorize(ctx, &authz.Check{
		RequestID: requestID, Caller: caller, Action: action, Resource: queueARN,
		ResourceAccount: k.account, ResourcePolicy: p, Context: keys, Deny: AccessDenied,
	}); err != nil {
		return nil, err
	}
	if !ok || q == nil {
		return nil, errQueueDoesNotExist.New(msgNoQueue)
	}
	return q, nil
}

// CheckAs reports whether caller may perform action on the queue: nil, an
// AccessDenied, or QueueDoesNotExist when allowed but missing.
func (s *Service) CheckAs(ctx context.Context, requestID string, caller *authz.Caller, action, queueARN string) error {
	_, err := s.authorizeAs(ctx, requestID, caller, action, queueARN)
	return err
}

// ReceiveAs is ReceiveMessage for caller: up to n (1 to 10) messages
// with all their attributes, waiting up to wait for the first, under the
// queue's visibility timeout. Unlike an API call, which is authorized once
// when it arrives, a poller's long poll is authorized again each time it
// wakes to take messages, so that a role that loses the permission stops
// consuming at once rather than at its next poll.
func (s *Service) ReceiveAs(ctx context.Context, requestID string, caller *authz.Caller, queueARN string, n int, wait time.Duration) ([]Received, error) {
	q, err := s.authorizeAs(ctx, requestID, caller, "sqs:ReceiveMessage", queueARN)
	if err != nil {
		return nil, err
	}
	recheck := func() error {
		_, err := s.authorizeAs(ctx, requestID, caller, "sqs:ReceiveMessage", queueARN)
		return err
	}
	got, err := s.poll(ctx, q, min(max(n, 1), 10), q.num(attrVisibility), wait, recheck)
	if err != nil {
		return nil, err
	}
	out := make([]Received, len(got))
	for i, m := range got {
		msg := m.message(q, []string{"All"}, []string{"All"})
		r := Received{MessageID: msg.MessageId, ReceiptHandle: msg.ReceiptHandle, Body: msg.Body, MD5OfBody: msg.MD5OfBody,
			Attributes: msg.Attributes, MD5OfMessageAttributes: msg.MD5OfMessageAttributes}
		if len(msg.MessageAttributes) > 0 {
			r.MessageAttributes = make(map[string]Attribute, len(msg.MessageAttributes))
			for n, a := range msg.MessageAttributes {
				r.MessageAttributes[n] = Attribute{DataType: a.DataType, StringValue: a.StringValue, BinaryValue: a.BinaryValue}
			}
		}
		out[i] = r
	}
	return out, nil
}

// DeleteAs is DeleteMessageBatch for caller, in one transaction: it
// deletes the messages the receipt handles name.
func (s *Service) DeleteAs(ctx context.Context, requestID string, caller *authz.Caller, queueARN string, receipts []string) error {
	q, err := s.authorizeAs(ctx, requestID, caller, "sqs:DeleteMessage", queueARN)
	if err != nil {
		return err
	}
	errs, err := s.remove(ctx, q, receipts, s.now())
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// SendAs is SendMessage for caller: the record of an asynchronous
// invocation that Lambda sends to a destination queue as the function's
// execution role, authorized (sqs:SendMessage, with the queue's policy)
// and logged by the door like any call of the role.
func (s *Service) SendAs(ctx context.Context, requestID string, caller *authz.Caller, queueARN, body string) (string, error) {
	q, err := s.authorizeAs(ctx, requestID, caller, "sqs:SendMessage", queueARN)
	if err != nil {
		return "", err
	}
	now := s.now()
	m, err := s.prepare(&protocol.Request{Caller: caller}, q, &sendEntry{MessageBody: &body}, now)
	if err != nil {
		return "", err
	}
	if err := s.insert(ctx, q, []*newMessage{m}, now); err != nil {
		return "", err
	}
	return m.out.MessageId, nil
}
