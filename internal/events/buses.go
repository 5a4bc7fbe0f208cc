package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// defaultBus is the name of every account's default event bus, which
// exists without being created and cannot be deleted.
const defaultBus = "default"

// maxPolicySize is the limit on a bus policy (API reference, PutPermission:
// 10 KB).
const maxPolicySize = 10240

// bus is an immutable snapshot of an event bus; writers replace it. The
// default bus of an account has one only once it has been given a policy
// or tags.
type bus struct {
	arn, account, region, name string
	description                string
	policyDoc                  string         // as stored: principals bound to unique ids
	policy                     *policy.Policy // compiled policyDoc; nil without one
	tags                       []tag
	created, modified          int64 // UnixNano; 0 for a default bus never written
}

type tag struct {
	Key   string
	Value string
}

// busRef is an event bus named by an operation, by name (the caller's
// account and region) or by ARN (any account).
type busRef struct {
	name, arn, account, region string
}

var (
	busNamePattern = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]+$`)
	busARNPattern  = regexp.MustCompile(`^arn:aws[\w-]*:events:([a-z]+-[a-z]+-[\w-]+):([0-9]{12}):event-bus/([/\.\-_A-Za-z0-9]+)$`)
)

// busPatternText is the EventBusNameOrArn pattern of botocore's events
// model, as AWS quotes it in validation errors.
const busPatternText = `(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/\.\-_A-Za-z0-9]+`

func busARNOf(region, account, name string) string {
	return "arn:aws:events:" + region + ":" + account + ":event-bus/" + name
}

// parseBusRef reads an EventBusName: empty is the caller's default bus, a
// name is a bus of the caller's account and region, and (where the
// operation accepts one) an ARN is any account's bus.
func parseBusRef(r *protocol.Request, v string, arnOK bool) (busRef, error) {
	return parseBus(r.Region, r.Account(), v, arnOK, "eventBusName")
}

func parseBus(region, account, v string, arnOK bool, at string) (busRef, error) {
	if v == "" || v == defaultBus {
		// The common case, without the patterns.
		return busRef{name: defaultBus, arn: busARNOf(region, account, defaultBus), account: account, region: region}, nil
	}
	if len(v) > 1600 || (!arnOK && len(v) > 256) {
		return busRef{}, memberLength(v, at, map[bool]int{true: 1600, false: 256}[arnOK])
	}
	if m := busARNPattern.FindStringSubmatch(v); m != nil && arnOK {
		return busRef{name: m[3], arn: busARNOf(m[1], m[2], m[3]), account: m[2], region: m[1]}, nil
	}
	if !busNamePattern.MatchString(v) {
		return busRef{}, memberPattern(v, at, busPatternText)
	}
	return busRef{name: v, arn: busARNOf(region, account, v), account: account, region: region}, nil
}

// bus is the bus ref names: the stored one, the default bus (which always
// exists), or nil.
func (s *Service) bus(ref busRef) *bus {
	s.mu.RLock()
	b := s.buses[ref.arn]
	s.mu.RUnlock()
	if b == nil && ref.name == defaultBus {
		b = &bus{arn: ref.arn, account: ref.account, region: ref.region, name: defaultBus}
	}
	return b
}

// exists says whether the bus ref names is there, as bus does, without
// building a default bus.
func (s *Service) exists(ref busRef) bool {
	if ref.name == defaultBus {
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.buses[ref.arn] != nil
}

// busTarget names a bus for the door: its ARN, its account, and its policy
// as the resource policy. A bus that is not there is not an error here: the
// door decides first.
func (s *Service) busTarget(ref busRef) protocol.Target {
	t := protocol.Target{Resource: ref.arn, Account: ref.account}
	s.mu.RLock()
	if b := s.buses[ref.arn]; b != nil && b.policy != nil {
		t.Policy = b.policy
	}
	s.mu.RUnlock()
	return t
}

func (s *Service) loadBuses(tx *store.Tx) error {
	rows, err := tx.Query(`SELECT arn, account, region, name, description, policy, tags, created, modified FROM events_buses`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		b := &bus{}
		var tags string
		if err := rows.Scan(&b.arn, &b.account, &b.region, &b.name, &b.description, &b.policyDoc, &tags, &b.created, &b.modified); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(tags), &b.tags); err != nil {
			return err
		}
		if b.policyDoc != "" {
			if b.policy, err = parseBusPolicy(b.policyDoc); err != nil {
				return fmt.Errorf("event bus %s: %w", b.arn, err)
			}
		}
		s.buses[b.arn] = b
	}
	return rows.Err()
}

// saveBus writes b (a new snapshot) and installs it.
func (s *Service) saveBus(ctx context.Context, b *bus) error {
	tags, _ := json.Marshal(b.tags)
	if b.tags == nil {
		tags = []byte("[]")
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO events_buses (arn, account, region, name, description, policy, tags, created, modified)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(arn) DO UPDATE SET description = excluded.description, policy = excluded.policy, tags = excluded.tags,
				modified = excluded.modified`,
			b.arn, b.account, b.region, b.name, b.description, b.policyDoc, string(tags), b.created, b.modified)
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.buses[b.arn] = b
	s.mu.Unlock()
	return nil
}

// changeBus replaces a bus by a changed copy, stored first. A default bus
// never written is stored now, created at the time of this change.
func (s *Service) changeBus(ctx context.Context, r *protocol.Request, ref busRef, change func(b *bus) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old := s.bus(ref)
	if old == nil {
		return busNotFound(ref.name)
	}
	b := *old
	b.tags = append([]tag(nil), old.tags...) // upsert changes a list in place
	if err := change(&b); err != nil {
		return err
	}
	b.modified = r.Now.UnixNano()
	if b.created == 0 {
		b.created = b.modified
	}
	return s.saveBus(ctx, &b)
}

func parseBusPolicy(doc string) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(doc), policy.Resource)
	if err != nil {
		return nil, err
	}
	p.Name = "event bus policy"
	return p, nil
}

func policyError(err error) error {
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		return errValidation.New(msgPolicyInvalidPrefix + se.Message)
	}
	return errValidation.New(msgPolicyInvalidPrefix + err.Error())
}

// epoch is a JSON protocol timestamp: seconds since the epoch.
func epoch(nanos int64) float64 {
	return float64(nanos/1e6) / 1e3
}

// busOut is a bus as DescribeEventBus and ListEventBuses show it.
type busOut struct {
	Name             string
	Arn              string
	Description      string   `json:",omitempty"`
	Policy           string   `json:",omitempty"`
	CreationTime     *float64 `json:",omitempty"`
	LastModifiedTime *float64 `json:",omitempty"`
}

func (s *Service) out(ctx context.Context, b *bus) (busOut, error) {
	o := busOut{Name: b.name, Arn: b.arn, Description: b.description}
	if b.policyDoc != "" {
		var err error
		if o.Policy, err = authz.ShowPrincipals(ctx, s.opts.Principals, b.policyDoc); err != nil {
			return o, err
		}
	}
	if b.created != 0 {
		c, m := epoch(b.created), epoch(b.modified)
		o.CreationTime, o.LastModifiedTime = &c, &m
	}
	return o, nil
}

// checkBus authorizes action on the bus an input names.
func (s *Service) checkBus(action string, ref func(in *busInput) busRef) protocol.Auth[*busInput] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in *busInput) (protocol.Target, error) {
		return s.busTarget(ref(in)), nil
	})
}

// busInput is the input of the operations on one bus.
type busInput struct {
	Name                 string
	EventBusName         string
	Description          string
	EventSourceName      string
	KmsKeyIdentifier     string
	Tags                 []tag
	Action               string
	Principal            string
	StatementId          string
	Condition            *condition
	Policy               *string
	RemoveAllPermissions bool
	ref                  busRef
}

type condition struct {
	Type, Key, Value string
}

func decodeBus(field string, arnOK bool) func(ctx context.Context, r *protocol.Request) (*busInput, error) {
	return func(ctx context.Context, r *protocol.Request) (*busInput, error) {
		in := &busInput{}
		if err := protocol.DecodeJSON(r.Body, in); err != nil {
			return nil, err
		}
		v, at := in.Name, "name"
		if field == "EventBusName" {
			v, at = in.EventBusName, "eventBusName"
		}
		var err error
		in.ref, err = parseBus(r.Region, r.Account(), v, arnOK, at)
		return in, err
	}
}

func byRef(in *busInput) busRef { return in.ref }

func (s *Service) createEventBusOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*busInput]{
		Name:   "CreateEventBus",
		Decode: decodeBus("Name", false),
		Auth:   s.checkBus("events:CreateEventBus", byRef),
		Handle: func(ctx context.Context, r *protocol.Request, in *busInput) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			if in.ref.name == defaultBus || s.bus(in.ref) != nil {
				return nil, busExists(in.ref.name)
			}
			now := r.Now.UnixNano()
			b := &bus{arn: in.ref.arn, account: in.ref.account, region: in.ref.region, name: in.ref.name,
				description: in.Description, tags: in.Tags, created: now, modified: now}
			if err := s.saveBus(ctx, b); err != nil {
				return nil, err
			}
			return struct {
				EventBusArn string
				Description string `json:",omitempty"`
			}{b.arn, b.description}, nil
		},
	})
}

func (s *Service) describeEventBusOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*busInput]{
		Name:   "DescribeEventBus",
		Decode: decodeBus("Name", true),
		Auth:   s.checkBus("events:DescribeEventBus", byRef),
		Handle: func(ctx context.Context, r *protocol.Request, in *busInput) (any, error) {
			b := s.bus(in.ref)
			if b == nil {
				return nil, busNotFound(in.ref.name)
			}
			return s.out(ctx, b)
		},
	})
}

type listBusesInput struct {
	NamePrefix string
	NextToken  string
	Limit      int
}

func (s *Service) listEventBusesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*listBusesInput]{
		Name: "ListEventBuses",
		Decode: func(ctx context.Context, r *protocol.Request) (*listBusesInput, error) {
			in := &listBusesInput{}
			return in, protocol.DecodeJSON(r.Body, in)
		},
		Auth: protocol.Check[*listBusesInput]("events:ListEventBuses", nil),
		Handle: func(ctx context.Context, r *protocol.Request, in *listBusesInput) (any, error) {
			def := busRef{name: defaultBus, arn: busARNOf(r.Region, r.Account(), defaultBus), account: r.Account(), region: r.Region}
			mine := []*bus{}
			if strings.HasPrefix(defaultBus, in.NamePrefix) {
				mine = append(mine, s.bus(def))
			}
			s.mu.RLock()
			for _, b := range s.buses {
				if b.account == r.Account() && b.region == r.Region && b.name != defaultBus && strings.HasPrefix(b.name, in.NamePrefix) {
					mine = append(mine, b)
				}
			}
			s.mu.RUnlock()
			out := struct {
				EventBuses []busOut
				NextToken  string `json:",omitempty"`
			}{EventBuses: []busOut{}}
			mine, out.NextToken = page(mine, func(b *bus) string { return b.name }, in.NextToken, in.Limit)
			for _, b := range mine {
				o, err := s.out(ctx, b)
				if err != nil {
					return nil, err
				}
				out.EventBuses = append(out.EventBuses, o)
			}
			return out, nil
		},
	})
}

func (s *Service) deleteEventBusOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*busInput]{
		Name: "DeleteEventBus",
		Decode: func(ctx context.Context, r *protocol.Request) (*busInput, error) {
			in, err := decodeBus("Name", false)(ctx, r)
			if err == nil && in.ref.name == defaultBus {
				err = errValidation.New(msgDeleteDefaultBus)
			}
			return in, err
		},
		Auth: s.checkBus("events:DeleteEventBus", byRef),
		Handle: func(ctx context.Context, r *protocol.Request, in *busInput) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			if s.bus(in.ref) == nil {
				// Deleting a bus that is not there succeeds, as in AWS
				// (the LocalStack snapshot
				// TestEventBus::test_describe_delete_not_existing_event_bus).
				return nil, nil
			}
			s.mu.RLock()
			for _, ru := range s.rules {
				if ru.account == in.ref.account && ru.region == in.ref.region && ru.bus == in.ref.name {
					s.mu.RUnlock()
					return nil, errValidation.New(msgBusHasRules)
				}
			}
			s.mu.RUnlock()
			if err := s.db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(`DELETE FROM events_buses WHERE arn = ?`, in.ref.arn)
				return err
			}); err != nil {
				return nil, err
			}
			s.mu.Lock()
			delete(s.buses, in.ref.arn)
			s.mu.Unlock()
			return nil, nil
		},
	})
}

// Bus policies.

var (
	statementIDPattern = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	principalPattern   = regexp.MustCompile(`^(\d{12}|\*)$`)
	actionPattern      = regexp.MustCompile(`^events:[a-zA-Z]+$`)
)

// busPolicyDoc is a bus policy with its members in AWS's order.
type busPolicyDoc struct {
	Version   string            `json:"Version"`
	Statement []json.RawMessage `json:"Statement"`
}

// busStatement is the statement PutPermission writes, members in the
// order DescribeEventBus shows them (LocalStack snapshot
// TestEventBus::test_put_permission).
type busStatement struct {
	Sid       string `json:"Sid"`
	Effect    string `json:"Effect"`
	Principal any    `json:"Principal"`
	Action    string `json:"Action"`
	Resource  string `json:"Resource"`
	Condition any    `json:"Condition,omitempty"`
}

// validatePermission checks PutPermission's parameters: either a whole
// Policy document, or one statement's Action, Principal, StatementId and
// optional Condition.
func validatePermission(in *busInput) error {
	if in.Policy != nil {
		if len(*in.Policy) > maxPolicySize {
			return errPolicyLength.New(msgPolicyTooLong)
		}
		if _, err := parseBusPolicy(*in.Policy); err != nil {
			return policyError(err)
		}
		return nil
	}
	switch {
	case in.Action == "" || in.Principal == "" || in.StatementId == "":
		return errValidation.New(msgPermissionParams)
	case len(in.Action) > 64:
		return memberLength(in.Action, "action", 64)
	case !actionPattern.MatchString(in.Action):
		return memberPattern(in.Action, "action", `events:[a-zA-Z]+`)
	case len(in.Principal) > 12:
		return memberLength(in.Principal, "principal", 12)
	case !principalPattern.MatchString(in.Principal):
		return memberPattern(in.Principal, "principal", `(\d{12}|\*)`)
	case len(in.StatementId) > 64:
		return memberLength(in.StatementId, "statementId", 64)
	case !statementIDPattern.MatchString(in.StatementId):
		return memberPattern(in.StatementId, "statementId", `[a-zA-Z0-9-_]+`)
	}
	return nil
}

// statement is the policy statement PutPermission's parameters describe:
// an account as its root principal ("*" as it is), the action on the bus,
// and a condition of the form {Type: {Key: Value}}.
func statement(in *busInput) ([]byte, error) {
	st := busStatement{Sid: in.StatementId, Effect: "Allow", Principal: "*", Action: in.Action, Resource: in.ref.arn}
	if in.Principal != "*" {
		st.Principal = map[string]string{"AWS": "arn:aws:iam::" + in.Principal + ":root"}
	}
	if c := in.Condition; c != nil {
		st.Condition = map[string]map[string]string{c.Type: {c.Key: c.Value}}
	}
	return marshal(st)
}

// policyStatement is a statement of a stored policy, with its Sid.
type policyStatement struct {
	sid string
	raw json.RawMessage
}

func sidOf(st policyStatement) string { return st.sid }

// statements reads a stored policy's statements.
func statements(doc string) ([]policyStatement, error) {
	if doc == "" {
		return nil, nil
	}
	var d struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, err
	}
	var list []json.RawMessage
	if len(d.Statement) > 0 && d.Statement[0] == '{' {
		list = []json.RawMessage{d.Statement}
	} else if err := json.Unmarshal(d.Statement, &list); err != nil {
		return nil, err
	}
	out := make([]policyStatement, len(list))
	for i, st := range list {
		var one struct{ Sid string }
		json.Unmarshal(st, &one)
		out[i] = policyStatement{sid: one.Sid, raw: st}
	}
	return out, nil
}

// setStatements puts a policy of these statements on b; none removes it.
func (s *Service) setStatements(ctx context.Context, b *bus, list []policyStatement) error {
	if len(list) == 0 {
		return s.setPolicy(ctx, b, "")
	}
	doc := busPolicyDoc{Version: "2012-10-17"}
	for _, st := range list {
		doc.Statement = append(doc.Statement, st.raw)
	}
	text, err := marshal(doc)
	if err != nil {
		return err
	}
	return s.setPolicy(ctx, b, string(text))
}

// setPolicy binds doc's principals, compiles it and puts it on b; an empty
// doc removes the policy.
func (s *Service) setPolicy(ctx context.Context, b *bus, doc string) error {
	if doc == "" {
		b.policyDoc, b.policy = "", nil
		return nil
	}
	if len(doc) > maxPolicySize {
		return errPolicyLength.New(msgPolicyTooLong)
	}
	bound, err := authz.BindPrincipals(ctx, s.opts.Principals, doc)
	if err != nil {
		return policyError(err)
	}
	p, err := parseBusPolicy(bound)
	if err != nil {
		return policyError(err)
	}
	b.policyDoc, b.policy = bound, p
	return nil
}

func (s *Service) putPermissionOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*busInput]{
		Name: "PutPermission",
		Decode: func(ctx context.Context, r *protocol.Request) (*busInput, error) {
			in, err := decodeBus("EventBusName", false)(ctx, r)
			if err != nil {
				return nil, err
			}
			return in, validatePermission(in)
		},
		Auth: s.checkBus("events:PutPermission", byRef),
		Handle: func(ctx context.Context, r *protocol.Request, in *busInput) (any, error) {
			return nil, s.changeBus(ctx, r, in.ref, func(b *bus) error {
				if in.Policy != nil {
					// A Policy replaces the bus's whole policy.
					return s.setPolicy(ctx, b, *in.Policy)
				}
				list, err := statements(b.policyDoc)
				if err != nil {
					return err
				}
				st, err := statement(in)
				if err != nil {
					return err
				}
				// A statement of the same id is replaced.
				list = without(list, sidOf, []string{in.StatementId})
				return s.setStatements(ctx, b, append(list, policyStatement{sid: in.StatementId, raw: st}))
			})
		},
	})
}

func (s *Service) removePermissionOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*busInput]{
		Name: "RemovePermission",
		Decode: func(ctx context.Context, r *protocol.Request) (*busInput, error) {
			in, err := decodeBus("EventBusName", false)(ctx, r)
			if err == nil && !in.RemoveAllPermissions && in.StatementId == "" {
				err = errValidation.New(msgStatementIDRequired)
			}
			return in, err
		},
		Auth: s.checkBus("events:RemovePermission", byRef),
		Handle: func(ctx context.Context, r *protocol.Request, in *busInput) (any, error) {
			return nil, s.changeBus(ctx, r, in.ref, func(b *bus) error {
				if in.RemoveAllPermissions {
					return s.setPolicy(ctx, b, "")
				}
				list, err := statements(b.policyDoc)
				if err != nil {
					return err
				}
				kept := without(list, sidOf, []string{in.StatementId})
				if len(kept) == len(list) {
					return errNotFound.New(msgNoSuchStatement)
				}
				return s.setStatements(ctx, b, kept)
			})
		},
	})
}

// Tags, on event buses and rules.

// ruleARNPattern reads a rule's ARN: rule/NAME on the default bus,
// rule/BUS/NAME on a custom one.
var ruleARNPattern = regexp.MustCompile(`^arn:aws[\w-]*:events:([a-z]+-[a-z]+-[\w-]+):([0-9]{12}):rule/(?:([\.\-_A-Za-z0-9]+)/)?([\.\-_A-Za-z0-9]+)$`)

type tagsInput struct {
	ResourceARN string
	Tags        []tag
	TagKeys     []string
	ref         busRef   // the bus, or the rule's bus
	rule        *ruleRef // the rule, when the ARN names one
}

func decodeTags(ctx context.Context, r *protocol.Request) (*tagsInput, error) {
	in := &tagsInput{}
	if err := protocol.DecodeJSON(r.Body, in); err != nil {
		return nil, err
	}
	if m := busARNPattern.FindStringSubmatch(in.ResourceARN); m != nil {
		in.ref = busRef{name: m[3], arn: busARNOf(m[1], m[2], m[3]), account: m[2], region: m[1]}
		return in, nil
	}
	m := ruleARNPattern.FindStringSubmatch(in.ResourceARN)
	if m == nil {
		return nil, errValidation.New(msgResourceARNInvalid)
	}
	name := m[3]
	if name == "" {
		name = defaultBus
	}
	in.ref = busRef{name: name, arn: busARNOf(m[1], m[2], name), account: m[2], region: m[1]}
	in.rule = &ruleRef{name: m[4], arn: ruleARN(m[1], m[2], name, m[4]), account: m[2], bus: in.ref}
	return in, nil
}

func (s *Service) checkTags(action string) protocol.Auth[*tagsInput] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in *tagsInput) (protocol.Target, error) {
		if in.rule != nil {
			return s.ruleTarget(*in.rule), nil
		}
		return s.busTarget(in.ref), nil
	})
}

func tagKey(t tag) string { return t.Key }

// changeTags replaces the tags of the bus or rule in names.
func (s *Service) changeTags(ctx context.Context, r *protocol.Request, in *tagsInput, change func([]tag) []tag) error {
	if in.rule != nil {
		return s.update(ctx, *in.rule, func(ru *rule) error {
			ru.tags = change(ru.tags)
			return nil
		})
	}
	return s.changeBus(ctx, r, in.ref, func(b *bus) error {
		b.tags = change(b.tags)
		return nil
	})
}

func (s *Service) tagResourceOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*tagsInput]{
		Name:   "TagResource",
		Decode: decodeTags,
		Auth:   s.checkTags("events:TagResource"),
		Handle: func(ctx context.Context, r *protocol.Request, in *tagsInput) (any, error) {
			return struct{}{}, s.changeTags(ctx, r, in, func(tags []tag) []tag { return upsert(tags, in.Tags, tagKey) })
		},
	})
}

func (s *Service) untagResourceOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*tagsInput]{
		Name:   "UntagResource",
		Decode: decodeTags,
		Auth:   s.checkTags("events:UntagResource"),
		Handle: func(ctx context.Context, r *protocol.Request, in *tagsInput) (any, error) {
			return struct{}{}, s.changeTags(ctx, r, in, func(tags []tag) []tag { return without(tags, tagKey, in.TagKeys) })
		},
	})
}

func (s *Service) listTagsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*tagsInput]{
		Name:   "ListTagsForResource",
		Decode: decodeTags,
		Auth:   s.checkTags("events:ListTagsForResource"),
		Handle: func(ctx context.Context, r *protocol.Request, in *tagsInput) (any, error) {
			var tags []tag
			if in.rule != nil {
				ru := s.rule(in.rule.arn)
				if ru == nil {
					if err := s.needBus(in.ref); err != nil {
						return nil, err
					}
					return nil, ruleNotFound(in.rule.name, in.ref.name)
				}
				tags = ru.tags
			} else {
				b := s.bus(in.ref)
				if b == nil {
					return nil, busNotFound(in.ref.name)
				}
				tags = b.tags
			}
			if tags == nil {
				tags = []tag{}
			}
			return map[string]any{"Tags": tags}, nil
		},
	})
}
