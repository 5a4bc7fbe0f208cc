// Package events is seki's EventBridge: event buses (the default one and
// custom ones, with their resource policies, buses.go), rules with AWS's
// event pattern language, their targets, and PutEvents, over the JSON 1.1
// protocol (target prefix AWSEvents).
//
// An event that matches an enabled rule is delivered to each of the rule's
// Lambda targets as an asynchronous invocation by events.amazonaws.com with
// aws:SourceArn = the rule ARN, handed to Lambda's durable Event queue
// before PutEvents answers. A function policy that does not allow the rule
// means no delivery, and the refusal is in the decision log under the
// PutEvents request id. Rules with a rate(…) schedule send AWS's Scheduled
// Event to their targets the same way (schedule.go).
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/pattern"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/pushsrc"
	"github.com/seki-dev/seki/internal/store"
)

// Functions is what EventBridge needs from Lambda to deliver to function
// targets.
type Functions = pushsrc.Functions

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives delivery failures; nil discards them.
	Logger *slog.Logger
	// Functions is Lambda, for function targets; nil drops their
	// deliveries.
	Functions Functions
	// Principals binds the users and roles bus policies name to their
	// unique ids; nil keeps policies as written.
	Principals authz.Principals
}

// Service is EventBridge. It is safe for concurrent use.
type Service struct {
	db   *store.DB
	now  func() time.Time
	opts Options

	mu    sync.RWMutex
	rules map[string]*rule // by ARN
	buses map[string]*bus  // custom buses, and default buses given a policy or tags; by ARN
	// writeMu serializes read-modify-write of rule snapshots.
	writeMu sync.Mutex
	sched   *scheduler
}

// rule is an immutable snapshot; writers replace it.
type rule struct {
	arn, account, region, name string
	bus                        string // the event bus's name
	pattern                    string // as given
	compiled                   *pattern.Pattern
	schedule                   string
	period                     time.Duration // of a rate(…) schedule; 0 otherwise
	cron                       *cronSpec     // of a cron(…) schedule; nil otherwise
	state                      string        // ENABLED or DISABLED
	description, roleARN       string
	createdBy                  string
	targets                    []target // by Id
	tags                       []tag
	created                    int64
}

type target struct {
	ID        string `json:"Id"`
	Arn       string `json:"Arn"`
	RoleArn   string `json:"RoleArn,omitempty"`
	Input     string `json:"Input,omitempty"`
	InputPath string `json:"InputPath,omitempty"`
	// InputTransformer builds the payload from the event: values picked by
	// InputPathsMap replace their <name> placeholders in InputTemplate.
	InputTransformer *inputTransformer `json:"InputTransformer,omitempty"`
}

type inputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate string            `json:"InputTemplate"`
}

// Migrations are EventBridge's tables.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "events", Version: 1, SQL: `
CREATE TABLE events_rules (
	arn         TEXT PRIMARY KEY,
	account     TEXT NOT NULL,
	region      TEXT NOT NULL,
	name        TEXT NOT NULL,
	pattern     TEXT NOT NULL,
	schedule    TEXT NOT NULL,
	state       TEXT NOT NULL,
	description TEXT NOT NULL,
	role_arn    TEXT NOT NULL,
	created_by  TEXT NOT NULL,
	targets     TEXT NOT NULL,
	created     INTEGER NOT NULL
);
`}, {Component: "events", Version: 2, SQL: `
ALTER TABLE events_rules ADD COLUMN bus TEXT NOT NULL DEFAULT 'default';
CREATE TABLE events_buses (
	arn         TEXT PRIMARY KEY,
	account     TEXT NOT NULL,
	region      TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	policy      TEXT NOT NULL,
	tags        TEXT NOT NULL,
	created     INTEGER NOT NULL,
	modified    INTEGER NOT NULL
);
`}, {Component: "events", Version: 3, SQL: `
ALTER TABLE events_rules ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
`}}
}

// New returns the service over db (opened with Migrations). Start loads
// the rules kept there and starts running scheduled rules; Stop stops them.
func New(db *store.DB, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now, opts: opts, rules: map[string]*rule{}, buses: map[string]*bus{}}
}

// Start loads the rules and starts the scheduler.
func (s *Service) Start(ctx context.Context) error {
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT arn, account, region, name, bus, pattern, schedule, state, description, role_arn, created_by, targets, tags, created FROM events_rules`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &rule{}
			var targets, tags string
			if err := rows.Scan(&r.arn, &r.account, &r.region, &r.name, &r.bus, &r.pattern, &r.schedule, &r.state, &r.description, &r.roleARN, &r.createdBy, &targets, &tags, &r.created); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(targets), &r.targets); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(tags), &r.tags); err != nil {
				return err
			}
			r.period, _ = parseSchedule(r.schedule)
			r.cron, _ = parseCron(r.schedule)
			if r.pattern != "" {
				if r.compiled, err = pattern.Compile(r.pattern); err != nil {
					return fmt.Errorf("rule %s: %w", r.arn, err)
				}
			}
			s.rules[r.arn] = r
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.loadBuses(tx)
	})
	if err != nil {
		return fmt.Errorf("events: loading rules: %w", err)
	}
	s.startScheduler()
	return nil
}

// Handler returns the EventBridge JSON 1.1 endpoint, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *protocol.JSON {
	ops := map[string]*protocol.Op{}
	for _, op := range []*protocol.Op{
		s.putRuleOp(), s.describeRuleOp(), s.listRulesOp(), s.enableRuleOp(), s.disableRuleOp(), s.deleteRuleOp(),
		s.putTargetsOp(), s.removeTargetsOp(), s.listTargetsOp(), s.putEventsOp(), s.testEventPatternOp(),
		s.createEventBusOp(), s.describeEventBusOp(), s.listEventBusesOp(), s.deleteEventBusOp(),
		s.putPermissionOp(), s.removePermissionOp(), s.tagResourceOp(), s.untagResourceOp(), s.listTagsOp(),
	} {
		ops[op.Name] = op
	}
	return &protocol.JSON{Dispatcher: d, TargetPrefix: "AWSEvents", ContentType: "application/x-amz-json-1.1", Ops: ops}
}

// ruleARN is a rule's ARN: rule/NAME on the default bus, rule/BUS/NAME on
// a custom one.
func ruleARN(region, account, bus, name string) string {
	if bus == defaultBus {
		return "arn:aws:events:" + region + ":" + account + ":rule/" + name
	}
	return "arn:aws:events:" + region + ":" + account + ":rule/" + bus + "/" + name
}

func (s *Service) rule(arn string) *rule {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rules[arn]
}

// save writes r (a new snapshot) and installs it.
func (s *Service) save(ctx context.Context, r *rule) error {
	targets, _ := json.Marshal(r.targets)
	if r.targets == nil {
		targets = []byte("[]")
	}
	tags, _ := json.Marshal(r.tags)
	if r.tags == nil {
		tags = []byte("[]")
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO events_rules (arn, account, region, name, bus, pattern, schedule, state, description, role_arn, created_by, targets, tags, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(arn) DO UPDATE SET pattern = excluded.pattern, schedule = excluded.schedule, state = excluded.state,
				description = excluded.description, role_arn = excluded.role_arn, targets = excluded.targets, tags = excluded.tags`,
			r.arn, r.account, r.region, r.name, r.bus, r.pattern, r.schedule, r.state, r.description, r.roleARN, r.createdBy, string(targets), string(tags), r.created)
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.rules[r.arn] = r
	s.mu.Unlock()
	return nil
}

// update replaces a rule by a changed copy, stored first.
func (s *Service) update(ctx context.Context, ref ruleRef, change func(r *rule) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old := s.rule(ref.arn)
	if old == nil {
		if err := s.needBus(ref.bus); err != nil {
			return err
		}
		return ruleNotFound(ref.name, ref.bus.name)
	}
	r := *old
	r.targets = append([]target(nil), old.targets...)
	r.tags = append([]tag(nil), old.tags...) // upsert changes a list in place
	if err := change(&r); err != nil {
		return err
	}
	return s.save(ctx, &r)
}

// Inputs shared by the rule operations.

var namePattern = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)

// ruleRef is a rule named by an operation, on the bus the operation names.
type ruleRef struct {
	name, arn, account string
	bus                busRef
}

func decodeRuleName(r *protocol.Request, name, bus, at string) (ruleRef, error) {
	b, err := parseBusRef(r, bus, true)
	if err != nil {
		return ruleRef{}, err
	}
	if len(name) > 64 {
		return ruleRef{}, memberLength(name, at, 64)
	}
	if !namePattern.MatchString(name) {
		return ruleRef{}, memberPattern(name, at, `[\.\-_A-Za-z0-9]+`)
	}
	return ruleRef{name: name, arn: ruleARN(b.region, b.account, b.name, name), account: b.account, bus: b}, nil
}

// ruleTarget names a rule for the door: its ARN, in its bus's account, with
// the bus's policy as the resource policy (which may let another account
// manage rules on the bus, as AWS's bus policies do).
func (s *Service) ruleTarget(ref ruleRef) protocol.Target {
	t := s.busTarget(ref.bus)
	t.Resource = ref.arn
	return t
}

// needBus is the answer for an operation on a rule of a custom bus that is
// not there.
func (s *Service) needBus(b busRef) error {
	if !s.exists(b) {
		return busNotFound(b.name)
	}
	return nil
}

type putRuleInput struct {
	Name               string
	EventPattern       string
	ScheduleExpression string
	State              string
	Description        string
	RoleArn            string
	EventBusName       string
	Tags               []tag
	ref                ruleRef
	compiled           *pattern.Pattern
}

func (s *Service) putRuleOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*putRuleInput]{
		Name: "PutRule",
		Decode: func(ctx context.Context, r *protocol.Request) (*putRuleInput, error) {
			in := &putRuleInput{}
			if err := protocol.DecodeJSON(r.Body, in); err != nil {
				return nil, err
			}
			var err error
			if in.ref, err = decodeRuleName(r, in.Name, in.EventBusName, "name"); err != nil {
				return nil, err
			}
			if in.EventPattern == "" && in.ScheduleExpression == "" {
				return nil, errValidation.New(msgPatternOrSchedule)
			}
			if in.EventPattern != "" {
				if in.compiled, err = pattern.Compile(in.EventPattern); err != nil {
					return nil, errInvalidPattern.New(err.Error())
				}
			}
			if in.ScheduleExpression != "" {
				if _, err := parseSchedule(in.ScheduleExpression); err != nil {
					return nil, errValidation.New(msgScheduleInvalid)
				}
				if in.ref.bus.name != defaultBus {
					return nil, errValidation.New(msgScheduleDefaultBusOnly)
				}
			}
			switch in.State {
			case "":
				in.State = "ENABLED"
			case "ENABLED", "DISABLED":
			default:
				return nil, memberPattern(in.State, "state", "Member must satisfy enum value set: [ENABLED, DISABLED]")
			}
			return in, nil
		},
		Auth: protocol.Check("events:PutRule", func(ctx context.Context, r *protocol.Request, in *putRuleInput) (protocol.Target, error) {
			return s.ruleTarget(in.ref), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in *putRuleInput) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			if err := s.needBus(in.ref.bus); err != nil {
				return nil, err
			}
			nr := &rule{arn: in.ref.arn, account: in.ref.account, region: in.ref.bus.region, name: in.Name, bus: in.ref.bus.name, pattern: in.EventPattern,
				compiled: in.compiled, schedule: in.ScheduleExpression, state: in.State, description: in.Description,
				roleARN: in.RoleArn, createdBy: r.Account(), created: r.Now.UnixNano()}
			nr.period, _ = parseSchedule(in.ScheduleExpression)
			nr.cron, _ = parseCron(in.ScheduleExpression)
			if old := s.rule(in.ref.arn); old != nil {
				// PutRule on an existing rule updates it and keeps its
				// targets.
				nr.targets, nr.createdBy, nr.created = old.targets, old.createdBy, old.created
				nr.tags = append([]tag(nil), old.tags...)
			}
			nr.tags = upsert(nr.tags, in.Tags, tagKey)
			if err := s.save(ctx, nr); err != nil {
				return nil, err
			}
			return map[string]string{"RuleArn": nr.arn}, nil
		},
	})
}

type nameInput struct {
	Name         string
	EventBusName string
	Rule         string // ListTargetsByRule, RemoveTargets
	ref          ruleRef
}

func decodeName(field string) func(ctx context.Context, r *protocol.Request) (*nameInput, error) {
	return func(ctx context.Context, r *protocol.Request) (*nameInput, error) {
		in := &nameInput{}
		if err := protocol.DecodeJSON(r.Body, in); err != nil {
			return nil, err
		}
		name, at := in.Name, "name"
		if field == "Rule" {
			name, at = in.Rule, "rule"
		}
		var err error
		in.ref, err = decodeRuleName(r, name, in.EventBusName, at)
		return in, err
	}
}

func (s *Service) checkRule(action string) protocol.Auth[*nameInput] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in *nameInput) (protocol.Target, error) {
		return s.ruleTarget(in.ref), nil
	})
}

// ruleOut is a rule as DescribeRule and ListRules show it.
type ruleOut struct {
	Name               string
	Arn                string
	EventPattern       string `json:",omitempty"`
	ScheduleExpression string `json:",omitempty"`
	State              string
	Description        string `json:",omitempty"`
	RoleArn            string `json:",omitempty"`
	EventBusName       string
	CreatedBy          string `json:",omitempty"`
}

func (r *rule) out() ruleOut {
	return ruleOut{Name: r.name, Arn: r.arn, EventPattern: r.pattern, ScheduleExpression: r.schedule, State: r.state,
		Description: r.description, RoleArn: r.roleARN, EventBusName: r.bus}
}

func (s *Service) describeRuleOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*nameInput]{
		Name:   "DescribeRule",
		Decode: decodeName("Name"),
		Auth:   s.checkRule("events:DescribeRule"),
		Handle: func(ctx context.Context, r *protocol.Request, in *nameInput) (any, error) {
			ru := s.rule(in.ref.arn)
			if ru == nil {
				if err := s.needBus(in.ref.bus); err != nil {
					return nil, err
				}
				return nil, ruleNotFound(in.Name, in.ref.bus.name)
			}
			out := ru.out()
			out.CreatedBy = ru.createdBy
			return out, nil
		},
	})
}

func (s *Service) setState(name, action, state string) *protocol.Op {
	return protocol.Define(protocol.Spec[*nameInput]{
		Name:   name,
		Decode: decodeName("Name"),
		Auth:   s.checkRule(action),
		Handle: func(ctx context.Context, r *protocol.Request, in *nameInput) (any, error) {
			return nil, s.update(ctx, in.ref, func(ru *rule) error {
				ru.state = state
				return nil
			})
		},
	})
}

func (s *Service) enableRuleOp() *protocol.Op {
	return s.setState("EnableRule", "events:EnableRule", "ENABLED")
}

func (s *Service) disableRuleOp() *protocol.Op {
	return s.setState("DisableRule", "events:DisableRule", "DISABLED")
}

func (s *Service) deleteRuleOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*nameInput]{
		Name:   "DeleteRule",
		Decode: decodeName("Name"),
		Auth:   s.checkRule("events:DeleteRule"),
		Handle: func(ctx context.Context, r *protocol.Request, in *nameInput) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			ru := s.rule(in.ref.arn)
			if ru == nil {
				// Deleting a rule that is not there succeeds, as in AWS;
				// on a bus that is not there it does not.
				return nil, s.needBus(in.ref.bus)
			}
			if len(ru.targets) > 0 {
				return nil, errValidation.New(msgRuleHasTargets)
			}
			if err := s.db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(`DELETE FROM events_rules WHERE arn = ?`, ru.arn)
				return err
			}); err != nil {
				return nil, err
			}
			s.mu.Lock()
			delete(s.rules, ru.arn)
			s.mu.Unlock()
			return nil, nil
		},
	})
}

type listRulesInput struct {
	NamePrefix   string
	EventBusName string
	NextToken    string
	Limit        int
	bus          busRef
}

func (s *Service) listRulesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*listRulesInput]{
		Name: "ListRules",
		Decode: func(ctx context.Context, r *protocol.Request) (*listRulesInput, error) {
			in := &listRulesInput{}
			if err := protocol.DecodeJSON(r.Body, in); err != nil {
				return nil, err
			}
			var err error
			in.bus, err = parseBusRef(r, in.EventBusName, true)
			return in, err
		},
		// ListRules names no resource ("*"); on another account's bus, that
		// bus's policy is the resource policy.
		Auth: protocol.Check("events:ListRules", func(ctx context.Context, r *protocol.Request, in *listRulesInput) (protocol.Target, error) {
			t := s.busTarget(in.bus)
			t.Resource = "*"
			return t, nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in *listRulesInput) (any, error) {
			if err := s.needBus(in.bus); err != nil {
				return nil, err
			}
			var mine []*rule
			s.mu.RLock()
			for _, ru := range s.rules {
				if ru.account == in.bus.account && ru.region == in.bus.region && ru.bus == in.bus.name && strings.HasPrefix(ru.name, in.NamePrefix) {
					mine = append(mine, ru)
				}
			}
			s.mu.RUnlock()
			out := struct {
				Rules     []ruleOut
				NextToken string `json:",omitempty"`
			}{Rules: []ruleOut{}}
			mine, out.NextToken = page(mine, func(ru *rule) string { return ru.name }, in.NextToken, in.Limit)
			for _, ru := range mine {
				out.Rules = append(out.Rules, ru.out())
			}
			return out, nil
		},
	})
}

// Targets.

// maxTargets is EventBridge's quota of targets per rule.
const maxTargets = 5

type putTargetsInput struct {
	Rule         string
	EventBusName string
	Targets      []target
	ref          ruleRef
}

func (s *Service) putTargetsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*putTargetsInput]{
		Name: "PutTargets",
		Decode: func(ctx context.Context, r *protocol.Request) (*putTargetsInput, error) {
			in := &putTargetsInput{}
			if err := protocol.DecodeJSON(r.Body, in); err != nil {
				return nil, err
			}
			var err error
			if in.ref, err = decodeRuleName(r, in.Rule, in.EventBusName, "rule"); err != nil {
				return nil, err
			}
			for i, t := range in.Targets {
				at := fmt.Sprintf("targets.%d.member.id", i+1)
				if len(t.ID) > 64 {
					return nil, memberLength(t.ID, at, 64)
				}
				if !namePattern.MatchString(t.ID) {
					return nil, memberPattern(t.ID, at, `[\.\-_A-Za-z0-9]+`)
				}
				if t.Input != "" && !json.Valid([]byte(t.Input)) {
					return nil, errValidation.Errorf(msgTargetInputFmt, t.ID)
				}
			}
			return in, nil
		},
		Auth: protocol.Check("events:PutTargets", func(ctx context.Context, r *protocol.Request, in *putTargetsInput) (protocol.Target, error) {
			return s.ruleTarget(in.ref), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in *putTargetsInput) (any, error) {
			err := s.update(ctx, in.ref, func(ru *rule) error {
				ru.targets = upsert(ru.targets, in.Targets, func(t target) string { return t.ID })
				if len(ru.targets) > maxTargets {
					return errLimitExceeded.New(msgTooManyTargets)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}}, nil
		},
	})
}

type removeTargetsInput struct {
	Rule         string
	EventBusName string
	Ids          []string
	ref          ruleRef
}

func (s *Service) removeTargetsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*removeTargetsInput]{
		Name: "RemoveTargets",
		Decode: func(ctx context.Context, r *protocol.Request) (*removeTargetsInput, error) {
			in := &removeTargetsInput{}
			if err := protocol.DecodeJSON(r.Body, in); err != nil {
				return nil, err
			}
			var err error
			in.ref, err = decodeRuleName(r, in.Rule, in.EventBusName, "rule")
			return in, err
		},
		Auth: protocol.Check("events:RemoveTargets", func(ctx context.Context, r *protocol.Request, in *removeTargetsInput) (protocol.Target, error) {
			return s.ruleTarget(in.ref), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in *removeTargetsInput) (any, error) {
			err := s.update(ctx, in.ref, func(ru *rule) error {
				ru.targets = without(ru.targets, func(t target) string { return t.ID }, in.Ids)
				return nil
			})
			if err != nil {
				return nil, err
			}
			return map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}}, nil
		},
	})
}

func (s *Service) listTargetsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*nameInput]{
		Name:   "ListTargetsByRule",
		Decode: decodeName("Rule"),
		Auth:   s.checkRule("events:ListTargetsByRule"),
		Handle: func(ctx context.Context, r *protocol.Request, in *nameInput) (any, error) {
			ru := s.rule(in.ref.arn)
			if ru == nil {
				if err := s.needBus(in.ref.bus); err != nil {
					return nil, err
				}
				return nil, ruleNotFound(in.Rule, in.ref.bus.name)
			}
			targets := ru.targets
			if targets == nil {
				targets = []target{}
			}
			return map[string]any{"Targets": targets}, nil
		},
	})
}

func (s *Service) logf(format string, args ...any) {
	if s.opts.Logger != nil {
		s.opts.Logger.Warn(fmt.Sprintf(format, args...))
	}
}

// page sorts items by name and returns the page after token (the last
// name of the previous page) of at most limit items (100 when limit is
// not 1–100), with the token of the next page, empty on the last one.
func page[T any](items []T, name func(T) string, token string, limit int) ([]T, string) {
	sort.Slice(items, func(i, j int) bool { return name(items[i]) < name(items[j]) })
	start := 0
	for start < len(items) && token != "" && name(items[start]) <= token {
		start++
	}
	items = items[start:]
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	if len(items) > limit {
		return items[:limit], name(items[limit-1])
	}
	return items, ""
}

// upsert puts items into list: each replaces the member of its key, or is
// appended. list is changed in place.
func upsert[T any](list, items []T, key func(T) string) []T {
	for _, it := range items {
		replaced := false
		for i := range list {
			if key(list[i]) == key(it) {
				list[i], replaced = it, true
			}
		}
		if !replaced {
			list = append(list, it)
		}
	}
	return list
}

// without is list without the members whose key is one of keys, in a new
// slice.
func without[T any](list []T, key func(T) string, keys []string) []T {
	kept := make([]T, 0, len(list))
	for _, it := range list {
		drop := false
		for _, k := range keys {
			drop = drop || key(it) == k
		}
		if !drop {
			kept = append(kept, it)
		}
	}
	return kept
}
