package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/pattern"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/pushsrc"
)

// maxEntriesSize is PutEvents' limit on the size of all entries: 256 KiB.
const maxEntriesSize = 262144

type putEventsEntry struct {
	Time         *json.Number
	Source       *string
	Resources    []string
	DetailType   *string
	Detail       *string
	EventBusName string
	bus          busRef
}

type putEventsInput struct {
	Entries []putEventsEntry
}

type entryResult struct {
	EventId      string `json:",omitempty"`
	ErrorCode    string `json:",omitempty"`
	ErrorMessage string `json:",omitempty"`
}

// eventDoc is an event as EventBridge delivers it, members in AWS's order
// (EventBridge User Guide, "Amazon EventBridge events").
type eventDoc struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

func (s *Service) putEventsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*putEventsInput]{
		Name: "PutEvents",
		Decode: func(ctx context.Context, r *protocol.Request) (*putEventsInput, error) {
			in := &putEventsInput{}
			if err := protocol.DecodeJSON(r.Body, in); err != nil {
				return nil, err
			}
			if len(in.Entries) == 0 || len(in.Entries) > 10 {
				return nil, errValidation.New(msgEntriesCount)
			}
			size := 0
			for _, e := range in.Entries {
				size += len(deref(e.Source)) + len(deref(e.DetailType)) + len(deref(e.Detail))
				for _, res := range e.Resources {
					size += len(res)
				}
			}
			if size > maxEntriesSize {
				return nil, errValidation.New(msgEntriesTooBig)
			}
			for i := range in.Entries {
				e := &in.Entries[i]
				var err error
				if e.bus, err = parseBus(r.Region, r.Account(), e.EventBusName, true, fmt.Sprintf("entries.%d.member.eventBusName", i+1)); err != nil {
					return nil, err
				}
			}
			return in, nil
		},
		Auth:   protocol.PerItem[*putEventsInput]("each entry names its event bus, and the bus's policy is the resource policy for callers of another account"),
		Handle: s.putEvents,
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// putEvents authorizes events:PutEvents once per bus the entries name,
// through the door, with the bus's policy as the resource policy: for a
// bus of the caller's account either the identity's policies or the bus
// policy may allow it, and a refusal fails the whole request with
// AccessDeniedException; for another account's bus (named by ARN) both
// must allow it, and a refusal fails that bus's entries alone, as
// PutEvents reports per entry (API reference, PutEventsResultEntry:
// AccessDeniedException; the entry's message is the door's, AWS's own
// wording there is unrecorded). The whole-request refusal for the caller's
// own bus is what users quote from AWS (aws-solutions-constructs
// discussion 966: "… is not authorized to perform: events:PutEvents on
// resource: …:event-bus/default because no identity-based policy allows
// …"). Every bus is decided before any event is routed.
func (s *Service) putEvents(ctx context.Context, r *protocol.Request, in *putEventsInput) (any, error) {
	var denied map[string]string // by bus ARN: the door's message; made on the first refusal
	for i, e := range in.Entries {
		if _, seen := denied[e.bus.arn]; seen || seenBus(in.Entries[:i], e.bus.arn) {
			continue
		}
		err := r.Authorize(ctx, "events:PutEvents", s.busTarget(e.bus), nil)
		if err == nil {
			continue
		}
		var ae *awserr.Error
		if e.bus.account == r.Account() || !errors.As(err, &ae) || ae.Code != AccessDenied.Name {
			return nil, err
		}
		if denied == nil {
			denied = map[string]string{}
		}
		denied[e.bus.arn] = ae.Message
	}
	out := struct {
		FailedEntryCount int
		Entries          []entryResult
	}{Entries: make([]entryResult, 0, len(in.Entries))}
	for _, e := range in.Entries {
		if msg, ok := denied[e.bus.arn]; ok {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, entryResult{ErrorCode: AccessDenied.Name, ErrorMessage: msg})
			continue
		}
		doc, err := buildEvent(r, &e)
		if err != nil {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, entryResult{ErrorCode: "InvalidArgument", ErrorMessage: err.Error()})
			continue
		}
		// Events for a bus that is not there are accepted and go nowhere,
		// as AWS accepts them (the LocalStack snapshot
		// TestEventBus::test_put_events_nonexistent_event_bus).
		if s.exists(e.bus) {
			if err := s.route(ctx, r.ID, e.bus, doc); err != nil {
				return nil, err
			}
		}
		out.Entries = append(out.Entries, entryResult{EventId: doc.ID})
	}
	return out, nil
}

func seenBus(entries []putEventsEntry, arn string) bool {
	for _, e := range entries {
		if e.bus.arn == arn {
			return true
		}
	}
	return false
}

func buildEvent(r *protocol.Request, e *putEventsEntry) (*eventDoc, error) {
	switch {
	case e.Source == nil || *e.Source == "":
		return nil, errors.New(msgSourceRequired)
	case e.DetailType == nil || *e.DetailType == "":
		return nil, errors.New(msgDetailTypeRequired)
	case e.Detail == nil || *e.Detail == "":
		return nil, errors.New(msgDetailRequired)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(*e.Detail), &obj) != nil {
		return nil, errors.New(msgDetailMalformed)
	}
	when := r.Now
	if e.Time != nil {
		if f, err := e.Time.Float64(); err == nil {
			when = time.Unix(0, int64(f*1e9))
		}
	}
	resources := e.Resources
	if resources == nil {
		resources = []string{}
	}
	return &eventDoc{Version: "0", ID: protocol.NewUUID(), DetailType: *e.DetailType, Source: *e.Source,
		Account: r.Account(), Time: when.UTC().Format("2006-01-02T15:04:05Z"), Region: r.Region,
		Resources: resources, Detail: json.RawMessage(*e.Detail)}, nil
}

// route delivers an event to the Lambda targets of every enabled rule of
// the bus whose pattern matches it. Deliveries that
// Lambda refuses (the function's policy does not allow the rule, or the
// function is gone) are dropped and logged; the refusal is in the decision
// log under requestID. A failure to queue is returned, so that PutEvents
// does not acknowledge an event it lost.
func (s *Service) route(ctx context.Context, requestID string, b busRef, doc *eventDoc) error {
	body, err := marshal(doc)
	if err != nil {
		return err
	}
	var flat pattern.Event
	var matched []*rule
	s.mu.RLock()
	for _, ru := range s.rules {
		if ru.account != b.account || ru.region != b.region || ru.bus != b.name || ru.state != "ENABLED" || ru.compiled == nil || len(ru.targets) == 0 {
			continue
		}
		if flat == nil {
			if flat, err = pattern.Flatten(body); err != nil {
				s.mu.RUnlock()
				return err
			}
		}
		if ru.compiled.Match(flat) {
			matched = append(matched, ru)
		}
	}
	s.mu.RUnlock()
	for _, ru := range matched {
		if err := s.deliver(ctx, requestID, ru, body); err != nil {
			return err
		}
	}
	return nil
}

// deliver hands one event to a rule's Lambda targets.
func (s *Service) deliver(ctx context.Context, requestID string, ru *rule, event []byte) error {
	f := s.opts.Functions
	for _, t := range ru.targets {
		if !isFunctionARN(t.Arn) {
			s.logf("events: rule %s: target %s (%s) is not a Lambda function; seki delivers to functions only", ru.arn, t.ID, t.Arn)
			continue
		}
		if f == nil {
			s.logf("events: rule %s: no Lambda service is wired", ru.arn)
			return nil
		}
		payload, err := t.payload(event)
		if err != nil {
			s.logf("events: rule %s: target %s: %v", ru.arn, t.ID, err)
			continue
		}
		if err := pushsrc.Deliver(ctx, f, s.logf, requestID, t.Arn, ru.arn, ru.account, payload); err != nil {
			return err
		}
	}
	return nil
}

func isFunctionARN(a string) bool {
	parts := strings.SplitN(a, ":", 7)
	return len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function"
}

// payload is what a target receives: its constant Input, the part of the
// event its InputPath selects, or the whole event.
func (t *target) payload(event []byte) ([]byte, error) {
	if t.Input != "" {
		return []byte(t.Input), nil
	}
	if t.InputTransformer != nil {
		return t.InputTransformer.apply(event)
	}
	if t.InputPath == "" || t.InputPath == "$" {
		return event, nil
	}
	v, err := selectPath(event, t.InputPath)
	if err != nil {
		return nil, err
	}
	return marshal(v)
}

// selectPath picks the value at a JSONPath of the form $ or $.a.b (nil
// when the event has nothing there).
func selectPath(event []byte, path string) (any, error) {
	var v any
	if err := json.Unmarshal(event, &v); err != nil {
		return nil, err
	}
	if path == "$" {
		return v, nil
	}
	rest, ok := strings.CutPrefix(path, "$.")
	if !ok {
		return nil, errors.New("path " + path + " is not a JSONPath of the form $.a.b")
	}
	for _, k := range strings.Split(rest, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil
		}
		v = m[k]
	}
	return v, nil
}

// apply renders the template (EventBridge User Guide, "Transforming
// target input"): inside a JSON string a placeholder takes a string value
// as its text; elsewhere it takes the value as JSON. <aws.events.event>
// and <aws.events.event.json> are the whole event.
func (x *inputTransformer) apply(event []byte) ([]byte, error) {
	vals := map[string]any{}
	for name, path := range x.InputPathsMap {
		v, err := selectPath(event, path)
		if err != nil {
			return nil, err
		}
		vals[name] = v
	}
	var whole any
	json.Unmarshal(event, &whole)
	vals["aws.events.event"], vals["aws.events.event.json"] = whole, whole
	tpl := x.InputTemplate
	var out strings.Builder
	inString := false
	for i := 0; i < len(tpl); i++ {
		c := tpl[i]
		switch {
		case c == '\\' && inString && i+1 < len(tpl):
			out.WriteByte(c)
			i++
			out.WriteByte(tpl[i])
			continue
		case c == '"':
			inString = !inString
		case c == '<':
			if end := strings.IndexByte(tpl[i:], '>'); end > 0 {
				if v, ok := vals[tpl[i+1:i+end]]; ok {
					s, isString := v.(string)
					if inString && isString {
						b, _ := marshal(s)
						out.WriteString(string(b[1 : len(b)-1]))
					} else {
						b, _ := marshal(v)
						out.Write(b)
					}
					i += end
					continue
				}
			}
		}
		out.WriteByte(c)
	}
	return []byte(out.String()), nil
}

// marshal is json.Marshal without HTML escaping, as AWS writes events.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

type testPatternInput struct {
	EventPattern string
	Event        string
}

func (s *Service) testEventPatternOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*testPatternInput]{
		Name: "TestEventPattern",
		Decode: func(ctx context.Context, r *protocol.Request) (*testPatternInput, error) {
			in := &testPatternInput{}
			return in, protocol.DecodeJSON(r.Body, in)
		},
		Auth: protocol.Check[*testPatternInput]("events:TestEventPattern", nil),
		Handle: func(ctx context.Context, r *protocol.Request, in *testPatternInput) (any, error) {
			p, err := pattern.Compile(in.EventPattern)
			if err != nil {
				return nil, errInvalidPattern.New(err.Error())
			}
			ev, err := pattern.Flatten([]byte(in.Event))
			if err != nil {
				return nil, errValidation.New(msgEventInvalid)
			}
			return map[string]bool{"Result": p.Match(ev)}, nil
		},
	})
}

var rateExpr = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)

// parseSchedule accepts AWS's rate(…) and cron(…) expressions and returns
// a rate's period (0 for cron; parseCron reads those).
func parseSchedule(expr string) (time.Duration, error) {
	if m := rateExpr.FindStringSubmatch(expr); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 || (n == 1) != !strings.HasSuffix(m[2], "s") {
			return 0, errors.New("invalid rate")
		}
		unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[strings.TrimSuffix(m[2], "s")]
		return time.Duration(n) * unit, nil
	}
	if _, err := parseCron(expr); err == nil {
		return 0, nil
	}
	return 0, errors.New("invalid schedule expression")
}
