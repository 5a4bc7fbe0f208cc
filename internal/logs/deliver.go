package logs

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/store"
)

// Callers resolves role-session credentials to the principal they act as
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); *sts.Service
// implements it.
type Callers interface {
	Caller(ctx context.Context, accessKeyID string) (*authz.Caller, error)
}

// Delivery is one batch of a function's log events for one log stream,
// to be written as the function's execution role.
type Delivery struct {
	// RequestID is the invocation the events belong to; the delivery's
	// authorization decisions are recorded under it, so `seki explain
	// REQUEST_ID` shows why logs were or were not delivered.
	RequestID string
	// AccessKeyID is the execution role session's access key.
	AccessKeyID string
	// Account and Region are the function's; the log group lives there.
	Account string
	Region  string
	// Group is the log group ("/aws/lambda/NAME"), Stream the environment's
	// log stream.
	Group  string
	Stream string
	// Events are in the order written, timestamps in milliseconds.
	Events []Event
}

// Event is one log line.
type Event struct {
	Timestamp int64
	Message   string
}

// ErrDeliveryDisabled is returned by Deliver on a Service built without an
// authorizer or a caller resolver.
var ErrDeliveryDisabled = errors.New("logs: delivery needs Options.Authz and Options.Callers")

// Deliver writes a batch of function logs exactly as the function's
// execution role could: it creates the log group if it does not exist
// (logs:CreateLogGroup), then the stream (logs:CreateLogStream), then puts
// the events (logs:PutLogEvents), each authorized through the one door as
// the role session. If the role may not, the batch is dropped and the
// AccessDeniedException is returned; the denial is in the decision log
// under d.RequestID. Events outside PutLogEvents' window (14 days back, 2
// hours ahead) are dropped as PutLogEvents would reject them.
//
// The events are written behind: Deliver returns once the batch is
// authorized and queued, and a background writer stores it together with
// every other batch of the same flush interval in one transaction (Flush
// waits for that), however large it is, as PutLogEvents calls of 10,000
// events each would.
func (s *Service) Deliver(ctx context.Context, d Delivery) error {
	if s.authz == nil || s.callers == nil {
		return ErrDeliveryDisabled
	}
	if len(d.Events) == 0 {
		return nil
	}
	caller, err := s.callers.Caller(ctx, d.AccessKeyID)
	if err != nil {
		return err
	}
	now := s.now()
	keys := authz.BackgroundContext(now, d.Region)
	// Each decision is recorded under the invocation the lines belong to.
	// A batch the runtime merged from several invocations carries no one
	// request id; their START/END/REPORT lines name them, and the decision
	// is recorded under each, so `seki explain` finds it from any of them.
	ids := []string{d.RequestID}
	if d.RequestID == "" {
		ids = requestIDs(d.Events)
	}
	check := func(action, resource string) error {
		var first error
		for _, id := range ids {
			err := s.authz.Authorize(ctx, &authz.Check{
				RequestID: id, Caller: caller, Action: action, Resource: resource,
				ResourceAccount: d.Account, Context: keys, Deny: AccessDenied,
			})
			if first == nil {
				first = err
			}
		}
		return first
	}

	g := groupRef{account: d.Account, region: d.Region, name: d.Group}
	k := knownStream{g, d.Stream}
	s.knownMu.Lock()
	st, known := s.known[k]
	gen := s.knownGn
	s.knownMu.Unlock()
	haveGroup, haveStream := st.group, st.stream
	if !known {
		err = s.db.Read(ctx, func(tx *store.Tx) error {
			rec, err := lookupGroup(tx, g)
			if err != nil || rec == nil {
				return err
			}
			haveGroup = true
			st, err := lookupStream(tx, rec.id, d.Stream)
			haveStream = st != nil
			return err
		})
		if err != nil {
			return err
		}
		// What is missing is remembered too: a function whose role may not
		// create its log group is refused at the door on every batch, but
		// need not read the store for it each time. Creating a group or a
		// stream forgets it.
		s.remember(k, streamState{group: haveGroup, stream: haveStream}, gen)
	}
	ms := millis(now)
	if !haveGroup {
		if err := check("logs:CreateLogGroup", g.authARN()); err != nil {
			return err
		}
		err := s.createGroup(ctx, &group{ref: g, created: ms, class: classStandard}, nil)
		if err != nil && !errAlreadyExists.Is(err) {
			return err
		}
	}
	if !haveStream {
		if err := check("logs:CreateLogStream", g.streamARN(d.Stream)); err != nil {
			return err
		}
		if err := s.createStream(ctx, g, d.Stream, ms); err != nil && !errAlreadyExists.Is(err) {
			return err
		}
	}
	if err := check("logs:PutLogEvents", g.streamARN(d.Stream)); err != nil {
		return err
	}

	events := make([]event, 0, len(d.Events))
	oldest, newest := ms-maxAge.Milliseconds(), ms+maxAhead.Milliseconds()
	for _, e := range d.Events {
		if e.Timestamp >= oldest && e.Timestamp <= newest && e.Message != "" {
			events = append(events, event{ts: e.Timestamp, msg: e.Message})
		}
	}
	if len(events) == 0 {
		return nil
	}
	slices.SortStableFunc(events, func(a, b event) int {
		switch {
		case a.ts < b.ts:
			return -1
		case a.ts > b.ts:
			return 1
		}
		return 0
	})
	return s.w.enqueue(pendingBatch{group: g, stream: d.Stream, events: events, now: ms})
}

// requestIDs returns the invocations named by a batch's platform lines
// (START RequestId: ID …, END RequestId: ID, REPORT RequestId: ID …), each
// once, in order; [""] when there are none.
func requestIDs(events []Event) []string {
	var ids []string
	for _, e := range events {
		rest, ok := "", false
		for _, p := range [...]string{"START RequestId: ", "END RequestId: ", "REPORT RequestId: "} {
			if rest, ok = strings.CutPrefix(e.Message, p); ok {
				break
			}
		}
		if !ok {
			continue
		}
		if i := strings.IndexAny(rest, " \t"); i >= 0 {
			rest = rest[:i]
		}
		if rest != "" && !slices.Contains(ids, rest) {
			ids = append(ids, rest)
		}
	}
	if len(ids) == 0 {
		return []string{""}
	}
	return ids
}

// IsDenied reports whether err (from Deliver) is an authorization denial,
// as opposed to a failure.
func IsDenied(err error) bool {
	var e *awserr.Error
	return errors.As(err, &e) && e.Code == AccessDenied.Name
}

// remember notes what of k exists, unless a group or stream was created or
// deleted since gen was read (what was read might be stale).
func (s *Service) remember(k knownStream, st streamState, gen uint64) {
	s.knownMu.Lock()
	if s.knownGn == gen {
		s.known[k] = st
	}
	s.knownMu.Unlock()
}

// forgetKnown drops every remembered stream, after a group or stream was
// created or deleted.
func (s *Service) forgetKnown() {
	s.knownMu.Lock()
	s.knownGn++
	clear(s.known)
	s.knownMu.Unlock()
}
