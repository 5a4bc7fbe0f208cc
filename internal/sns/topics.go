package sns

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// settableTopicAttributes are the attributes CreateTopic and
// SetTopicAttributes accept (API reference, SetTopicAttributes).
var settableTopicAttributes = map[string]bool{
	"DisplayName": true, "Policy": true, "DeliveryPolicy": true, "KmsMasterKeyId": true,
	"SignatureVersion": true, "TracingConfig": true, "ContentBasedDeduplication": true,
	"FifoTopic": true, "FifoThroughputScope": true, "ArchivePolicy": true,
	"ApplicationSuccessFeedbackRoleArn": true, "ApplicationSuccessFeedbackSampleRate": true, "ApplicationFailureFeedbackRoleArn": true,
	"HTTPSuccessFeedbackRoleArn": true, "HTTPSuccessFeedbackSampleRate": true, "HTTPFailureFeedbackRoleArn": true,
	"LambdaSuccessFeedbackRoleArn": true, "LambdaSuccessFeedbackSampleRate": true, "LambdaFailureFeedbackRoleArn": true,
	"SQSSuccessFeedbackRoleArn": true, "SQSSuccessFeedbackSampleRate": true, "SQSFailureFeedbackRoleArn": true,
	"FirehoseSuccessFeedbackRoleArn": true, "FirehoseSuccessFeedbackSampleRate": true, "FirehoseFailureFeedbackRoleArn": true,
}

// defaultActions are the actions of the policy SNS gives every new topic.
// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrud::test_create_topic_with_attributes
var defaultActions = []string{
	"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
	"SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
}

// policyDoc is a topic policy with its members in AWS's order.
type policyDoc struct {
	Version   string            `json:"Version,omitempty"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

type statement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal"`
	Action    any            `json:"Action"`
	Resource  string         `json:"Resource"`
	Condition any            `json:"Condition,omitempty"`
}

// defaultPolicy is AWS's default topic policy: anyone acting for the
// owner account (AWS:SourceOwner) may use the topic's owner actions.
func defaultPolicy(arn, account string) string {
	st, _ := marshal(statement{
		Sid: "__default_statement_ID", Effect: "Allow", Principal: map[string]any{"AWS": "*"},
		Action: defaultActions, Resource: arn,
		Condition: map[string]any{"StringEquals": map[string]string{"AWS:SourceOwner": account}},
	})
	doc, _ := marshal(policyDoc{Version: "2008-10-17", ID: "__default_policy_ID", Statement: []json.RawMessage{st}})
	return string(doc)
}

// marshal is json.Marshal without HTML escaping, as AWS writes policies.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func parseTopicPolicy(doc string) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(doc), policy.Resource)
	if err != nil {
		return nil, err
	}
	p.Name = "topic policy"
	return p, nil
}

// topicTarget names a topic for the door: its ARN, its account and its
// policy when it exists. A missing topic is not an error here: the door
// decides first, so a caller without permission learns nothing.
func (s *Service) topicTarget(ref topicRef) protocol.Target {
	t := protocol.Target{Resource: ref.arn, Account: ref.account}
	if tp := s.topic(ref.arn); tp != nil {
		t.Policy = tp.policy
	}
	return t
}

// topicInput is the input of operations on one topic.
type topicInput struct {
	ref topicRef
	p   map[string]string
}

func (s *Service) decodeTopic(param string) func(ctx context.Context, r *protocol.Request) (topicInput, error) {
	return func(ctx context.Context, r *protocol.Request) (topicInput, error) {
		ref, err := parseTopicARN(param, r.Params.Get(param), r.Region)
		return topicInput{ref: ref}, err
	}
}

func (s *Service) checkTopic(action string) protocol.Auth[topicInput] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in topicInput) (protocol.Target, error) {
		return s.topicTarget(in.ref), nil
	})
}

func (s *Service) needTopic(arn string) (*topic, error) {
	t := s.topic(arn)
	if t == nil {
		return nil, errNotFound.New(msgTopicNotFound)
	}
	return t, nil
}

type createTopicInput struct {
	ref   topicRef
	attrs map[string]string
	tags  map[string]string
}

func (s *Service) createTopicOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createTopicInput]{
		Name: "CreateTopic",
		Decode: func(ctx context.Context, r *protocol.Request) (createTopicInput, error) {
			name := r.Params.Get("Name")
			attrs := readMap(r.Params, "Attributes")
			fifo := strings.EqualFold(attrs["FifoTopic"], "true")
			if !validTopicName(name) || fifo != isFIFOName(name) {
				return createTopicInput{}, errInvalidParameter.New(msgTopicName)
			}
			for k, v := range attrs {
				if !settableTopicAttributes[k] {
					return createTopicInput{}, errInvalidParameter.New(whereSubscribe + msgUnknownAttribute + k)
				}
				if k == "Policy" {
					if _, err := parseTopicPolicy(v); err != nil {
						return createTopicInput{}, policyError(err)
					}
				}
			}
			tags, err := readTags(r.Params)
			if err != nil {
				return createTopicInput{}, err
			}
			acct := r.Account()
			return createTopicInput{ref: topicRef{arn: topicARN(r.Region, acct, name), region: r.Region, account: acct, name: name}, attrs: attrs, tags: tags}, nil
		},
		Auth: protocol.Check("SNS:CreateTopic", func(ctx context.Context, r *protocol.Request, in createTopicInput) (protocol.Target, error) {
			return protocol.Target{Resource: in.ref.arn, Account: in.ref.account}, nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createTopicInput) (any, error) {
			var err error
			if in.attrs, err = s.bindPolicy(ctx, in.attrs); err != nil {
				return nil, err
			}
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			if old := s.topic(in.ref.arn); old != nil {
				// Idempotent, unless the request asks for something else.
				for k, v := range in.attrs {
					if old.attrs[k] != v && !(k == "FifoTopic" && old.fifo) {
						return nil, errInvalidParameter.New(msgTopicDifferentAttrs)
					}
				}
				for k, v := range in.tags {
					if ov, ok := old.tags[k]; !ok || ov != v {
						return nil, errInvalidParameter.New(msgTopicDifferentTags)
					}
				}
				return struct{ TopicArn string }{old.arn}, nil
			}
			t := &topic{arn: in.ref.arn, account: in.ref.account, region: in.ref.region, name: in.ref.name,
				fifo: isFIFOName(in.ref.name), attrs: copyMap(in.attrs), tags: copyMap(in.tags)}
			if t.fifo {
				t.attrs["FifoTopic"] = "true"
				if t.attrs["ContentBasedDeduplication"] == "" {
					t.attrs["ContentBasedDeduplication"] = "false"
				}
			}
			if t.attrs["Policy"] == "" {
				t.attrs["Policy"] = defaultPolicy(t.arn, t.account)
			}
			if t.policy, err = parseTopicPolicy(t.attrs["Policy"]); err != nil {
				return nil, policyError(err)
			}
			if err := s.saveTopic(ctx, t); err != nil {
				return nil, err
			}
			return struct{ TopicArn string }{t.arn}, nil
		},
	})
}

func policyError(err error) error {
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		return errInvalidParameter.New(msgPolicyPrefix + se.Message)
	}
	return errInvalidParameter.New(msgPolicyPrefix + err.Error())
}

func (s *Service) deleteTopicOp() *protocol.Op {
	return protocol.Define(protocol.Spec[topicInput]{
		Name:   "DeleteTopic",
		Decode: s.decodeTopic("TopicArn"),
		Auth:   s.checkTopic("SNS:DeleteTopic"),
		Handle: func(ctx context.Context, r *protocol.Request, in topicInput) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			t := s.topic(in.ref.arn)
			if t == nil {
				// Deleting a topic that is not there succeeds, as in AWS.
				return nil, nil
			}
			err := s.db.Write(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(`DELETE FROM sns_subscriptions WHERE topic_arn = ?`, t.arn); err != nil {
					return err
				}
				_, err := tx.Exec(`DELETE FROM sns_topics WHERE arn = ?`, t.arn)
				return err
			})
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			delete(s.topics, t.arn)
			for _, sub := range t.subs {
				delete(s.subs, sub.arn)
			}
			s.mu.Unlock()
			return nil, nil
		},
	})
}

// pageSize is how many topics or subscriptions one List call returns.
const pageSize = 100

type listTopicsResult struct {
	Topics    members[topicMember]
	NextToken string `xml:",omitempty"`
}

// members is a query-protocol list: <member>…</member> items, written
// even when empty, as AWS does.
type members[T any] struct {
	Items []T `xml:"member"`
}

type topicMember struct {
	TopicArn string
}

func (s *Service) listTopicsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "ListTopics",
		Auth: protocol.Check[struct{}]("SNS:ListTopics", nil),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			var arns []string
			s.mu.RLock()
			for arn, t := range s.topics {
				if t.account == r.Account() && t.region == r.Region {
					arns = append(arns, arn)
				}
			}
			s.mu.RUnlock()
			page, next := paginate(arns, r.Params.Get("NextToken"))
			out := listTopicsResult{NextToken: next}
			for _, a := range page {
				out.Topics.Items = append(out.Topics.Items, topicMember{a})
			}
			return out, nil
		},
	})
}

// paginate sorts keys and returns the page after token (the last key of
// the previous page) and the token for the next one.
func paginate(keys []string, token string) (page []string, next string) {
	sort.Strings(keys)
	i := 0
	if token != "" {
		for i < len(keys) && keys[i] <= token {
			i++
		}
	}
	page = keys[i:]
	if len(page) > pageSize {
		page = page[:pageSize]
		next = page[len(page)-1]
	}
	return page, next
}

var effectiveDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

func (s *Service) getTopicAttributesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[topicInput]{
		Name:   "GetTopicAttributes",
		Decode: s.decodeTopic("TopicArn"),
		Auth:   s.checkTopic("SNS:GetTopicAttributes"),
		Handle: func(ctx context.Context, r *protocol.Request, in topicInput) (any, error) {
			t, err := s.needTopic(in.ref.arn)
			if err != nil {
				return nil, err
			}
			attrs := copyMap(t.attrs)
			if attrs["DisplayName"] == "" {
				attrs["DisplayName"] = ""
			}
			attrs["Owner"] = t.account
			attrs["TopicArn"] = t.arn
			attrs["EffectiveDeliveryPolicy"] = effectiveDeliveryPolicy
			if p := attrs["DeliveryPolicy"]; p != "" {
				attrs["EffectiveDeliveryPolicy"] = p
			}
			confirmed, pending := 0, 0
			for _, sub := range t.subs {
				if sub.pending {
					pending++
				} else {
					confirmed++
				}
			}
			attrs["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
			attrs["SubscriptionsPending"] = strconv.Itoa(pending)
			attrs["SubscriptionsDeleted"] = "0"
			if attrs["Policy"], err = authz.ShowPrincipals(ctx, s.opts.Principals, attrs["Policy"]); err != nil {
				return nil, err
			}
			return struct{ Attributes attrMap }{newAttrMap(attrs)}, nil
		},
	})
}

// bindPolicy returns a copy of attrs whose Policy, if any, names the users
// and roles it grants by their unique ids: topic policies are stored and
// judged bound to them, and shown by ARN while they exist.
func (s *Service) bindPolicy(ctx context.Context, attrs map[string]string) (map[string]string, error) {
	doc := attrs["Policy"]
	if doc == "" {
		return attrs, nil
	}
	bound, err := authz.BindPrincipals(ctx, s.opts.Principals, doc)
	if err != nil {
		return nil, err
	}
	out := copyMap(attrs)
	out["Policy"] = bound
	return out, nil
}

func (s *Service) setTopicAttributesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[topicInput]{
		Name: "SetTopicAttributes",
		Decode: func(ctx context.Context, r *protocol.Request) (topicInput, error) {
			ref, err := parseTopicARN("TopicArn", r.Params.Get("TopicArn"), r.Region)
			if err != nil {
				return topicInput{}, err
			}
			name := r.Params.Get("AttributeName")
			if !settableTopicAttributes[name] || name == "FifoTopic" {
				return topicInput{}, errInvalidParameter.New(msgAttributeName)
			}
			value := r.Params.Get("AttributeValue")
			if name == "Policy" && value != "" {
				if _, err := parseTopicPolicy(value); err != nil {
					return topicInput{}, policyError(err)
				}
			}
			return topicInput{ref: ref, p: map[string]string{name: value}}, nil
		},
		Auth: s.checkTopic("SNS:SetTopicAttributes"),
		Handle: func(ctx context.Context, r *protocol.Request, in topicInput) (any, error) {
			given, err := s.bindPolicy(ctx, in.p)
			if err != nil {
				return nil, err
			}
			return nil, s.updateTopic(ctx, in.ref.arn, func(t *topic) error {
				for k, v := range given {
					if k == "Policy" {
						if v == "" {
							v = defaultPolicy(t.arn, t.account)
						}
						p, err := parseTopicPolicy(v)
						if err != nil {
							return policyError(err)
						}
						t.policy = p
					}
					t.attrs[k] = v
				}
				return nil
			})
		},
	})
}

// updateTopic replaces a topic by a changed copy, stored first.
func (s *Service) updateTopic(ctx context.Context, arn string, change func(t *topic) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.needTopic(arn)
	if err != nil {
		return err
	}
	t := old.clone()
	if err := change(t); err != nil {
		return err
	}
	return s.saveTopic(ctx, t)
}

// snsActions are the action names AddPermission accepts.
var snsActions = map[string]bool{
	"GetTopicAttributes": true, "SetTopicAttributes": true, "AddPermission": true, "RemovePermission": true,
	"DeleteTopic": true, "Subscribe": true, "ListSubscriptionsByTopic": true, "Publish": true, "Receive": true,
	"*": true,
}

type permissionInput struct {
	ref      topicRef
	label    string
	accounts []string
	actions  []string
}

func (s *Service) addPermissionOp() *protocol.Op {
	return protocol.Define(protocol.Spec[permissionInput]{
		Name: "AddPermission",
		Decode: func(ctx context.Context, r *protocol.Request) (permissionInput, error) {
			ref, err := parseTopicARN("TopicArn", r.Params.Get("TopicArn"), r.Region)
			if err != nil {
				return permissionInput{}, err
			}
			in := permissionInput{ref: ref, label: r.Params.Get("Label"),
				accounts: protocol.Members(r.Params, "AWSAccountId.member"), actions: protocol.Members(r.Params, "ActionName.member")}
			if in.label == "" || len(in.accounts) == 0 || len(in.actions) == 0 {
				return in, errInvalidParameter.New(msgPermissionMembers)
			}
			for _, a := range in.actions {
				if !snsActions[a] {
					return in, errInvalidParameter.New(msgActionOutOfScope)
				}
			}
			return in, nil
		},
		Auth: protocol.Check("SNS:AddPermission", func(ctx context.Context, r *protocol.Request, in permissionInput) (protocol.Target, error) {
			return s.topicTarget(in.ref), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in permissionInput) (any, error) {
			return nil, s.updateTopic(ctx, in.ref.arn, func(t *topic) error {
				var doc policyDoc
				if err := json.Unmarshal([]byte(t.attrs["Policy"]), &doc); err != nil {
					return err
				}
				for _, raw := range doc.Statement {
					var st struct{ Sid string }
					if json.Unmarshal(raw, &st) == nil && st.Sid == in.label {
						return errInvalidParameter.New(msgStatementExists)
					}
				}
				principals := make([]string, len(in.accounts))
				for i, a := range in.accounts {
					principals[i] = "arn:aws:iam::" + a + ":root"
				}
				actions := make([]string, len(in.actions))
				for i, a := range in.actions {
					actions[i] = "SNS:" + a
				}
				st := statement{Sid: in.label, Effect: "Allow", Resource: t.arn, Principal: map[string]any{"AWS": oneOrMany(principals)}, Action: oneOrMany(actions)}
				raw, err := marshal(st)
				if err != nil {
					return err
				}
				doc.Statement = append(doc.Statement, raw)
				return t.setPolicy(doc)
			})
		},
	})
}

func oneOrMany(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return v
}

func (t *topic) setPolicy(doc policyDoc) error {
	b, err := marshal(doc)
	if err != nil {
		return err
	}
	p, err := parseTopicPolicy(string(b))
	if err != nil {
		return policyError(err)
	}
	t.attrs["Policy"], t.policy = string(b), p
	return nil
}

func (s *Service) removePermissionOp() *protocol.Op {
	return protocol.Define(protocol.Spec[permissionInput]{
		Name: "RemovePermission",
		Decode: func(ctx context.Context, r *protocol.Request) (permissionInput, error) {
			ref, err := parseTopicARN("TopicArn", r.Params.Get("TopicArn"), r.Region)
			return permissionInput{ref: ref, label: r.Params.Get("Label")}, err
		},
		Auth: protocol.Check("SNS:RemovePermission", func(ctx context.Context, r *protocol.Request, in permissionInput) (protocol.Target, error) {
			return s.topicTarget(in.ref), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in permissionInput) (any, error) {
			return nil, s.updateTopic(ctx, in.ref.arn, func(t *topic) error {
				var doc policyDoc
				if err := json.Unmarshal([]byte(t.attrs["Policy"]), &doc); err != nil {
					return err
				}
				kept := doc.Statement[:0]
				for _, raw := range doc.Statement {
					var st struct{ Sid string }
					if json.Unmarshal(raw, &st) == nil && st.Sid == in.label {
						continue
					}
					kept = append(kept, raw)
				}
				doc.Statement = kept
				return t.setPolicy(doc)
			})
		},
	})
}

// Tags.

type tagInput struct {
	ref  topicRef
	tags map[string]string
	keys []string
}

// decodeResource reads ResourceArn: tagging works on topics only.
func decodeResource(ctx context.Context, r *protocol.Request) (tagInput, error) {
	ref, err := parseTopicARN("ResourceArn", r.Params.Get("ResourceArn"), r.Region)
	return tagInput{ref: ref}, err
}

func (s *Service) tagTarget(action string) protocol.Auth[tagInput] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in tagInput) (protocol.Target, error) {
		return s.topicTarget(in.ref), nil
	})
}

func (s *Service) needResource(arn string) error {
	if s.topic(arn) == nil {
		return errResourceNotFound.New(msgResourceNotFound)
	}
	return nil
}

// maxTags is SNS's quota of tags per topic.
const maxTags = 50

func (s *Service) tagResourceOp() *protocol.Op {
	return s.tagOp("TagResource", func(r *protocol.Request, in *tagInput) (err error) {
		in.tags, err = readTags(r.Params)
		return err
	}, func(t *topic, in tagInput) error {
		for k, v := range in.tags {
			t.tags[k] = v
		}
		if len(t.tags) > maxTags {
			return errTagLimit.New(msgTagLimit)
		}
		return nil
	})
}

func (s *Service) untagResourceOp() *protocol.Op {
	return s.tagOp("UntagResource", func(r *protocol.Request, in *tagInput) error {
		in.keys = protocol.Members(r.Params, "TagKeys.member")
		return nil
	}, func(t *topic, in tagInput) error {
		for _, k := range in.keys {
			delete(t.tags, k)
		}
		return nil
	})
}

// tagOp builds TagResource or UntagResource: read the input, authorize
// SNS:NAME on the topic, change its tags.
func (s *Service) tagOp(name string, read func(r *protocol.Request, in *tagInput) error, change func(t *topic, in tagInput) error) *protocol.Op {
	return protocol.Define(protocol.Spec[tagInput]{
		Name: name,
		Decode: func(ctx context.Context, r *protocol.Request) (tagInput, error) {
			in, err := decodeResource(ctx, r)
			if err != nil {
				return in, err
			}
			return in, read(r, &in)
		},
		Auth: s.tagTarget("SNS:" + name),
		Handle: func(ctx context.Context, r *protocol.Request, in tagInput) (any, error) {
			if err := s.needResource(in.ref.arn); err != nil {
				return nil, err
			}
			// TagResource and UntagResource answer an empty result element.
			return struct{}{}, s.updateTopic(ctx, in.ref.arn, func(t *topic) error { return change(t, in) })
		},
	})
}

func (s *Service) listTagsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[tagInput]{
		Name:   "ListTagsForResource",
		Decode: decodeResource,
		Auth:   s.tagTarget("SNS:ListTagsForResource"),
		Handle: func(ctx context.Context, r *protocol.Request, in tagInput) (any, error) {
			t := s.topic(in.ref.arn)
			if t == nil {
				return nil, errResourceNotFound.New(msgResourceNotFound)
			}
			var out struct{ Tags members[tag] }
			out.Tags.Items = []tag{}
			for _, k := range sortedKeys(t.tags) {
				out.Tags.Items = append(out.Tags.Items, tag{k, t.tags[k]})
			}
			return out, nil
		},
	})
}
