package lambda

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/protocol"
)

// Pollers: each enabled mapping runs a few goroutines that long-poll the
// queue as the execution role, invoke the function synchronously with a
// batch, and delete the messages it handled. A batch that fails is left
// alone, so its messages return after the queue's visibility timeout
// (and reach the dead-letter queue after maxReceiveCount).

const (
	// maxPollers is how many batches a mapping has in flight at most,
	// before reserved concurrency and ScalingConfig lower it. AWS starts
	// five pollers per SQS mapping.
	maxPollers = 5
	// longPoll is each ReceiveMessage's wait.
	longPoll = 20 * time.Second
	// idle is how long a poller waits before trying again after a denial,
	// a missing function or queue, or a throttle.
	idle = time.Second
	// maxBackoff bounds the wait between failed polls.
	maxBackoff = 5 * time.Second
)

type poller struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func (p *poller) halt() {
	p.cancel()
	p.wg.Wait()
}

// startPoller runs m's pollers until halted.
func (s *Service) startPoller(base context.Context, m *esmRecord) *poller {
	ctx, cancel := context.WithCancel(base)
	p := &poller{cancel: cancel}
	if isStreamARN(m.SourceARN) {
		// One shard, read in order by one poller.
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			s.streamLoop(ctx, m)
		}()
		return p
	}
	for i := range maxPollers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			s.pollLoop(ctx, m, i)
		}()
	}
	return p
}

// pollers is how many of a mapping's pollers may run now: the function's
// state, reserved concurrency and MaximumConcurrency bound it; 0 pauses
// the mapping.
func pollers(m *esmRecord, st *invokeState) int {
	if state := st.t.version.Config.State; state != "" && state != "Active" {
		// A function that is not Active cannot be invoked; wait for it.
		return 0
	}
	n := maxPollers
	if m.MaxConcurrency != nil {
		n = min(n, *m.MaxConcurrency)
	}
	if r := st.t.fn.Reserved; r != nil {
		n = min(n, int(*r))
	}
	return n
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (s *Service) pollLoop(ctx context.Context, m *esmRecord, i int) {
	ref, ok := splitFunctionName(m.FunctionARN, true)
	if !ok {
		return
	}
	failures := 0
	for ctx.Err() == nil {
		st, err := s.resolveInvoke(ctx, ref)
		q := s.getQueues()
		if err != nil || st.err != nil || q == nil || i >= pollers(m, st) {
			// The function is gone, throttled to zero, or has fewer
			// pollers; look again later.
			sleep(ctx, idle)
			continue
		}
		if s.pollOnce(ctx, q, m, st) {
			failures = 0
			continue
		}
		// Denied or missing: back off (1, 2, 4, then 5 s), so that a role
		// without the permission leaves a few denials in the decision
		// log, not a flood, and resumes soon after it is given back.
		sleep(ctx, min(idle<<min(failures, 3), maxBackoff))
		failures++
	}
}

// pollOnce receives one batch and processes it; false means nothing could
// be received (a denial, a missing queue) and the poller should wait.
func (s *Service) pollOnce(ctx context.Context, q Queues, m *esmRecord, st *invokeState) bool {
	role, session := st.t.version.Config.Role, st.ref.Name
	var batch []QueueMessage
	deadline := time.Now().Add(time.Duration(m.Window) * time.Second)
	for len(batch) < m.BatchSize {
		wait := longPoll
		if len(batch) > 0 {
			// The batching window gathers more; without one, what the
			// first receive brought is the batch.
			wait = time.Until(deadline)
			if wait <= 0 {
				break
			}
		}
		got, err := q.Receive(ctx, protocol.NewUUID(), role, session, m.SourceARN, min(m.BatchSize-len(batch), 10), wait)
		if err != nil {
			if len(batch) == 0 {
				return false
			}
			break
		}
		if len(got) == 0 && (len(batch) > 0 || ctx.Err() != nil) {
			break
		}
		if len(batch) == 0 && len(got) > 0 {
			deadline = time.Now().Add(time.Duration(m.Window) * time.Second)
		}
		batch = append(batch, got...)
		if m.Window == 0 && len(batch) > 0 {
			break
		}
	}
	if len(batch) == 0 {
		return true
	}
	requestID := protocol.NewUUID()
	res, err := s.run(ctx, st, &InvokeRequest{RequestID: requestID, Payload: sqsEvent(m, batch), InvocationType: invokeSync})
	if err != nil {
		// Throttled or failed to run: the messages return after the
		// visibility timeout.
		return !isThrottle(err)
	}
	done := handled(m, batch, res.res)
	var receipts []string
	for _, msg := range done {
		receipts = append(receipts, msg.ReceiptHandle)
	}
	for len(receipts) > 0 {
		n := min(len(receipts), 10)
		// Best effort: a message whose deletion is refused returns after
		// its visibility timeout and is processed again, as in AWS.
		q.Delete(context.WithoutCancel(ctx), requestID, role, session, m.SourceARN, receipts[:n])
		receipts = receipts[n:]
	}
	return true
}

func isThrottle(err error) bool {
	return awserr.As(err).Code == "TooManyRequestsException"
}

// handled returns the messages of a batch to delete: all of them when the
// function succeeded; with ReportBatchItemFailures, all but those it
// names in batchItemFailures (a response that cannot be read fails the
// whole batch); none when it failed.
func handled(m *esmRecord, batch []QueueMessage, res *InvokeResult) []QueueMessage {
	if res == nil || res.FunctionError != "" {
		return nil
	}
	if !reportsItemFailures(m) {
		return batch
	}
	payload := strings.TrimSpace(string(res.Payload))
	if payload == "" || payload == "null" {
		return batch
	}
	var resp struct {
		BatchItemFailures *[]struct {
			ItemIdentifier *string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if err := json.Unmarshal([]byte(payload), &resp); err != nil {
		return nil
	}
	if resp.BatchItemFailures == nil {
		return batch
	}
	failed := map[string]bool{}
	known := map[string]bool{}
	for _, msg := range batch {
		known[msg.MessageID] = true
	}
	for _, f := range *resp.BatchItemFailures {
		if f.ItemIdentifier == nil || !known[*f.ItemIdentifier] {
			return nil
		}
		failed[*f.ItemIdentifier] = true
	}
	var out []QueueMessage
	for _, msg := range batch {
		if !failed[msg.MessageID] {
			out = append(out, msg)
		}
	}
	return out
}

// sqsEvent is the event an SQS mapping sends: AWS's Records of
// eventSource "aws:sqs".
func sqsEvent(m *esmRecord, batch []QueueMessage) []byte {
	b := make([]byte, 0, 512*len(batch))
	b = append(b, `{"Records":[`...)
	for i, msg := range batch {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"messageId":`...)
		b = jsonstr.Append(b, msg.MessageID)
		b = append(b, `,"receiptHandle":`...)
		b = jsonstr.Append(b, msg.ReceiptHandle)
		b = append(b, `,"body":`...)
		b = jsonstr.Append(b, msg.Body)
		b = append(b, `,"attributes":`...)
		attrs, _ := json.Marshal(eventAttributes(msg.Attributes))
		b = append(b, attrs...)
		b = append(b, `,"messageAttributes":{`...)
		first := true
		for name, a := range msg.MessageAttributes {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = jsonstr.Append(b, name)
			b = append(b, ':')
			v := map[string]any{"stringListValues": []string{}, "binaryListValues": []string{}, "dataType": a.DataType}
			if a.StringValue != nil {
				v["stringValue"] = *a.StringValue
			}
			if a.BinaryValue != nil {
				v["binaryValue"] = base64.StdEncoding.EncodeToString(a.BinaryValue)
			}
			enc, _ := json.Marshal(v)
			b = append(b, enc...)
		}
		b = append(b, `},"md5OfMessageAttributes":`...)
		if msg.MD5OfMessageAttributes == "" {
			b = append(b, "null"...)
		} else {
			b = jsonstr.Append(b, msg.MD5OfMessageAttributes)
		}
		b = append(b, `,"md5OfBody":`...)
		b = jsonstr.Append(b, msg.MD5OfBody)
		b = append(b, `,"eventSource":"aws:sqs","eventSourceARN":`...)
		b = jsonstr.Append(b, m.SourceARN)
		b = append(b, `,"awsRegion":`...)
		b = jsonstr.Append(b, m.Region)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// eventAttributes are the system attributes an SQS event carries.
func eventAttributes(a map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
		"AWSTraceHeader", "MessageGroupId", "MessageDeduplicationId", "SequenceNumber", "DeadLetterQueueSourceArn"} {
		if v, ok := a[k]; ok {
			out[k] = v
		}
	}
	return out
}
