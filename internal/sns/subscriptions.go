package sns

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// protocols are the subscription protocols SNS knows. Only `lambda` is
// delivered by seki; the others are kept so that clients can manage them.
var protocols = map[string]bool{
	"http": true, "https": true, "email": true, "email-json": true, "sms": true,
	"sqs": true, "application": true, "lambda": true, "firehose": true,
}

// confirmedOnSubscribe are the protocols whose subscriptions need no
// confirmation (AWS services and SMS); the others wait for
// ConfirmSubscription.
var confirmedOnSubscribe = map[string]bool{"sqs": true, "lambda": true, "firehose": true, "application": true, "sms": true}

// subscriptionAttributes are the attributes Subscribe accepts.
var subscriptionAttributes = map[string]bool{
	"DeliveryPolicy": true, "FilterPolicy": true, "FilterPolicyScope": true, "RawMessageDelivery": true,
	"RedrivePolicy": true, "SubscriptionRoleArn": true, "ReplayPolicy": true,
}

type subscribeInput struct {
	ref       topicRef
	protocol  string
	endpoint  string
	attrs     map[string]string
	returnARN bool
}

func (s *Service) subscribeOp() *protocol.Op {
	return protocol.Define(protocol.Spec[subscribeInput]{
		Name: "Subscribe",
		Decode: func(ctx context.Context, r *protocol.Request) (subscribeInput, error) {
			ref, err := parseTopicARN("TopicArn", r.Params.Get("TopicArn"), r.Region)
			if err != nil {
				return subscribeInput{}, err
			}
			in := subscribeInput{ref: ref, protocol: r.Params.Get("Protocol"), endpoint: r.Params.Get("Endpoint"),
				attrs: readMap(r.Params, "Attributes"), returnARN: r.Params.Get("ReturnSubscriptionArn") == "true"}
			if !protocols[in.protocol] {
				return in, errInvalidParameter.New(msgProtocolPrefix + in.protocol)
			}
			switch in.protocol {
			case "lambda":
				if !isARN(in.endpoint, "lambda") {
					return in, errInvalidParameter.New(msgLambdaEndpoint)
				}
			case "sqs":
				if !isARN(in.endpoint, "sqs") {
					return in, errInvalidParameter.New(msgSQSEndpoint)
				}
			}
			return in, validateSubscriptionAttributes(in.attrs)
		},
		Auth: protocol.Check("SNS:Subscribe", func(ctx context.Context, r *protocol.Request, in subscribeInput) (protocol.Target, error) {
			return s.topicTarget(in.ref), nil
		}),
		Handle: s.subscribe,
	})
}

// isARN reports whether v is an ARN of service with a resource.
func isARN(v, service string) bool {
	parts := strings.SplitN(v, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == service && parts[3] != "" && parts[4] != "" && parts[5] != ""
}

func validateSubscriptionAttributes(attrs map[string]string) error {
	for k, v := range attrs {
		if !subscriptionAttributes[k] {
			return errInvalidParameter.New(whereSubscribe + msgUnknownAttribute + k)
		}
		if err := validateSubscriptionAttribute(k, v, attrs["FilterPolicyScope"], whereSubscribe); err != nil {
			return err
		}
	}
	return nil
}

// validateSubscriptionAttribute checks one attribute's value; scope is
// the FilterPolicyScope the subscription will have.
func validateSubscriptionAttribute(k, v, scope, where string) error {
	switch k {
	case "RawMessageDelivery":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return rawDeliveryValue(where, v)
		}
	case "FilterPolicyScope":
		if v != "MessageAttributes" && v != "MessageBody" {
			return filterScopeValue(v)
		}
	case "FilterPolicy":
		if v == "" && where == whereSet {
			return nil // removes the policy
		}
		if _, err := compileFilter(v, scope, where); err != nil {
			return err
		}
	case "DeliveryPolicy", "RedrivePolicy":
		var x map[string]any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			return errInvalidParameter.New(where + k + msgAttrNotJSON + err.Error())
		}
	}
	return nil
}

type subscribeResult struct {
	SubscriptionArn string
}

func (s *Service) subscribe(ctx context.Context, r *protocol.Request, in subscribeInput) (any, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	t, err := s.needTopic(in.ref.arn)
	if err != nil {
		return nil, err
	}
	if t.fifo && in.protocol != "sqs" {
		return nil, errInvalidParameter.New(msgFIFOProtocol + in.protocol)
	}
	for _, sub := range t.subs {
		if sub.protocol == in.protocol && sub.endpoint == in.endpoint {
			for k, v := range in.attrs {
				if sub.attrs[k] != v {
					return nil, errInvalidParameter.New(msgSubscriptionDifferentAttrs)
				}
			}
			return subscribeResult{sub.shownARN(in.returnARN)}, nil
		}
	}
	sub := &subscription{
		arn: t.arn + ":" + protocol.NewUUID(), topicARN: t.arn, owner: r.Account(), principal: r.Caller.Principal.ARN,
		protocol: in.protocol, endpoint: in.endpoint, pending: !confirmedOnSubscribe[in.protocol],
		attrs: copyMap(in.attrs), created: r.Now.UnixNano(),
	}
	if fp := in.attrs["FilterPolicy"]; fp != "" {
		if sub.filter, err = compileFilter(fp, in.attrs["FilterPolicyScope"], whereSubscribe); err != nil {
			return nil, err
		}
	}
	attrs, _ := json.Marshal(sub.attrs)
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO sns_subscriptions (arn, topic_arn, owner, principal, protocol, endpoint, pending, attributes, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sub.arn, sub.topicARN, sub.owner, sub.principal, sub.protocol, sub.endpoint, sub.pending, string(attrs), sub.created)
		return err
	})
	if err != nil {
		return nil, err
	}
	nt := t.clone()
	nt.subs = append(nt.subs, sub)
	s.mu.Lock()
	s.topics[nt.arn] = nt
	s.subs[sub.arn] = sub
	s.mu.Unlock()
	return subscribeResult{sub.shownARN(in.returnARN)}, nil
}

// shownARN is the ARN as Subscribe and the List calls show it: pending
// subscriptions have none unless ReturnSubscriptionArn asks for it.
func (sub *subscription) shownARN(always bool) string {
	if sub.pending && !always {
		return "pending confirmation"
	}
	return sub.arn
}

type subscriptionInput struct {
	arn string
}

// decodeSubscriptionARN validates SubscriptionArn as SNS does.
func decodeSubscriptionARN(ctx context.Context, r *protocol.Request) (subscriptionInput, error) {
	v := r.Params.Get("SubscriptionArn")
	if v == "" {
		return subscriptionInput{}, errInvalidParameter.New(msgSubscriptionArnMissing)
	}
	parts := strings.Split(v, ":")
	if len(parts) < 6 {
		return subscriptionInput{}, arnElements("SubscriptionArn", len(parts))
	}
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "sns" || len(parts[6]) != 36 {
		return subscriptionInput{}, errInvalidParameter.New(msgSubscriptionID)
	}
	return subscriptionInput{arn: v}, nil
}

// subscriptionTarget names a subscription for the door. A subscription
// belongs to its owner, and its topic's owner may manage it too: whichever
// of the two the caller is decides with its own identity policies; anyone
// else is a cross-account caller on the subscription owner's resource.
func (s *Service) subscriptionTarget(ctx context.Context, r *protocol.Request, in subscriptionInput) (protocol.Target, error) {
	parts := strings.Split(in.arn, ":")
	t := protocol.Target{Resource: in.arn, Account: parts[4]}
	s.mu.RLock()
	sub := s.subs[in.arn]
	s.mu.RUnlock()
	if sub != nil {
		t.Account = sub.owner
		if r.Account() == parts[4] {
			t.Account = parts[4]
		}
	}
	return t, nil
}

func (s *Service) unsubscribeOp() *protocol.Op {
	return protocol.Define(protocol.Spec[subscriptionInput]{
		Name:   "Unsubscribe",
		Decode: decodeSubscriptionARN,
		Auth:   protocol.Check("SNS:Unsubscribe", s.subscriptionTarget),
		Handle: func(ctx context.Context, r *protocol.Request, in subscriptionInput) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			s.mu.RLock()
			sub := s.subs[in.arn]
			s.mu.RUnlock()
			if sub == nil {
				// Unsubscribing twice succeeds, as in AWS.
				return nil, nil
			}
			if err := s.db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(`DELETE FROM sns_subscriptions WHERE arn = ?`, sub.arn)
				return err
			}); err != nil {
				return nil, err
			}
			s.mu.Lock()
			delete(s.subs, sub.arn)
			if t := s.topics[sub.topicARN]; t != nil {
				nt := t.clone()
				nt.subs = nt.subs[:0]
				for _, x := range t.subs {
					if x.arn != sub.arn {
						nt.subs = append(nt.subs, x)
					}
				}
				s.topics[nt.arn] = nt
			}
			s.mu.Unlock()
			return nil, nil
		},
	})
}

type subscriptionMember struct {
	SubscriptionArn string
	Owner           string
	Protocol        string
	Endpoint        string
	TopicArn        string
}

type listSubscriptionsResult struct {
	Subscriptions members[subscriptionMember]
	NextToken     string `xml:",omitempty"`
}

// listSubscriptions pages through subs (by ARN).
func listSubscriptions(subs map[string]*subscription, token string) listSubscriptionsResult {
	keys := make([]string, 0, len(subs))
	for k := range subs {
		keys = append(keys, k)
	}
	page, next := paginate(keys, token)
	out := listSubscriptionsResult{NextToken: next}
	out.Subscriptions.Items = []subscriptionMember{}
	for _, k := range page {
		sub := subs[k]
		arn := sub.arn
		if sub.pending {
			arn = "PendingConfirmation"
		}
		out.Subscriptions.Items = append(out.Subscriptions.Items, subscriptionMember{arn, sub.owner, sub.protocol, sub.endpoint, sub.topicARN})
	}
	return out
}

func (s *Service) listSubscriptionsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "ListSubscriptions",
		Auth: protocol.Check[struct{}]("SNS:ListSubscriptions", nil),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			mine := map[string]*subscription{}
			s.mu.RLock()
			for arn, sub := range s.subs {
				if sub.owner == r.Account() && strings.Split(arn, ":")[3] == r.Region {
					mine[arn] = sub
				}
			}
			s.mu.RUnlock()
			return listSubscriptions(mine, r.Params.Get("NextToken")), nil
		},
	})
}

func (s *Service) listSubscriptionsByTopicOp() *protocol.Op {
	return protocol.Define(protocol.Spec[topicInput]{
		Name:   "ListSubscriptionsByTopic",
		Decode: s.decodeTopic("TopicArn"),
		Auth:   s.checkTopic("SNS:ListSubscriptionsByTopic"),
		Handle: func(ctx context.Context, r *protocol.Request, in topicInput) (any, error) {
			t, err := s.needTopic(in.ref.arn)
			if err != nil {
				return nil, err
			}
			subs := make(map[string]*subscription, len(t.subs))
			for _, sub := range t.subs {
				subs[sub.arn] = sub
			}
			return listSubscriptions(subs, r.Params.Get("NextToken")), nil
		},
	})
}

func (s *Service) getSubscriptionAttributesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[subscriptionInput]{
		Name:   "GetSubscriptionAttributes",
		Decode: decodeSubscriptionARN,
		Auth:   protocol.Check("SNS:GetSubscriptionAttributes", s.subscriptionTarget),
		Handle: func(ctx context.Context, r *protocol.Request, in subscriptionInput) (any, error) {
			s.mu.RLock()
			sub := s.subs[in.arn]
			s.mu.RUnlock()
			if sub == nil {
				return nil, errNotFound.New(msgSubscriptionNotFound)
			}
			attrs := copyMap(sub.attrs)
			attrs["SubscriptionArn"] = sub.arn
			attrs["TopicArn"] = sub.topicARN
			attrs["Owner"] = sub.owner
			attrs["Protocol"] = sub.protocol
			attrs["Endpoint"] = sub.endpoint
			attrs["SubscriptionPrincipal"] = sub.principal
			attrs["ConfirmationWasAuthenticated"] = "true"
			attrs["PendingConfirmation"] = "false"
			if sub.pending {
				attrs["PendingConfirmation"] = "true"
				attrs["ConfirmationWasAuthenticated"] = "false"
			}
			if attrs["RawMessageDelivery"] == "" {
				attrs["RawMessageDelivery"] = "false"
			}
			return struct{ Attributes attrMap }{newAttrMap(attrs)}, nil
		},
	})
}

type setSubscriptionInput struct {
	subscriptionInput
	name, value string
}

func (s *Service) setSubscriptionAttributesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[setSubscriptionInput]{
		Name: "SetSubscriptionAttributes",
		Decode: func(ctx context.Context, r *protocol.Request) (setSubscriptionInput, error) {
			sub, err := decodeSubscriptionARN(ctx, r)
			if err != nil {
				return setSubscriptionInput{}, err
			}
			in := setSubscriptionInput{subscriptionInput: sub, name: r.Params.Get("AttributeName"), value: r.Params.Get("AttributeValue")}
			if !subscriptionAttributes[in.name] {
				return in, errInvalidParameter.New(msgAttributeName)
			}
			return in, nil
		},
		Auth: protocol.Check("SNS:SetSubscriptionAttributes", func(ctx context.Context, r *protocol.Request, in setSubscriptionInput) (protocol.Target, error) {
			return s.subscriptionTarget(ctx, r, in.subscriptionInput)
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in setSubscriptionInput) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			s.mu.RLock()
			old := s.subs[in.arn]
			s.mu.RUnlock()
			if old == nil {
				return nil, errNotFound.New(msgSubscriptionNotFound)
			}
			sub := *old
			sub.attrs = copyMap(old.attrs)
			sub.attrs[in.name] = in.value
			if in.value == "" {
				delete(sub.attrs, in.name)
			}
			if err := validateSubscriptionAttribute(in.name, in.value, sub.attrs["FilterPolicyScope"], whereSet); err != nil {
				return nil, err
			}
			sub.filter = nil
			if fp := sub.attrs["FilterPolicy"]; fp != "" {
				var err error
				if sub.filter, err = compileFilter(fp, sub.attrs["FilterPolicyScope"], whereSet); err != nil {
					return nil, err
				}
			}
			attrs, _ := json.Marshal(sub.attrs)
			if err := s.db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(`UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?`, string(attrs), sub.arn)
				return err
			}); err != nil {
				return nil, err
			}
			s.mu.Lock()
			s.subs[sub.arn] = &sub
			if t := s.topics[sub.topicARN]; t != nil {
				nt := t.clone()
				for i, x := range nt.subs {
					if x.arn == sub.arn {
						nt.subs[i] = &sub
					}
				}
				s.topics[nt.arn] = nt
			}
			s.mu.Unlock()
			return nil, nil
		},
	})
}
