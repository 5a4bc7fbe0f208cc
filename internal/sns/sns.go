// Package sns is seki's Simple Notification Service: topics, their access
// policies, subscriptions and publishing, over the query protocol as boto3
// and the AWS CLI speak it.
//
// Every operation passes the one door with the topic's policy as the
// resource policy, so a cross-account Publish needs the caller's identity
// policy and the topic policy, as in AWS. Messages published to a topic
// with `lambda` subscriptions are handed to Lambda as asynchronous
// invocations by sns.amazonaws.com (aws:SourceArn = the topic ARN,
// aws:SourceAccount = the topic's account) before Publish answers; Lambda's
// durable Event queue holds them from there. A function policy that does not
// allow the topic means no delivery, and the refusal is in the decision log
// under the Publish request id.
//
// Topics and subscriptions are kept in the store and, for Publish, in
// memory as immutable snapshots replaced on every write.
package sns

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/pattern"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/pushsrc"
	"github.com/seki-dev/seki/internal/store"
)

// API version and XML namespace of every SNS response.
const (
	Version = "2010-03-31"
	XMLNS   = "http://sns.amazonaws.com/doc/2010-03-31/"
)

// Functions is what SNS needs from Lambda to deliver to `lambda`
// subscriptions.
type Functions = pushsrc.Functions

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives delivery failures; nil discards them.
	Logger *slog.Logger
	// Functions is Lambda, for `lambda` subscriptions; nil drops their
	// deliveries.
	Functions Functions
	// Principals binds the users and roles topic policies name to their
	// unique ids (IAM); nil keeps policies as written.
	Principals authz.Principals
}

// Service is the SNS service. It is safe for concurrent use.
type Service struct {
	db   *store.DB
	now  func() time.Time
	opts Options

	mu     sync.RWMutex
	topics map[string]*topic        // by ARN
	subs   map[string]*subscription // by ARN
	// writeMu serializes read-modify-write of the snapshots, so that two
	// writers never both replace a topic from the same original.
	writeMu sync.Mutex
}

// topic is an immutable snapshot; writers replace it.
type topic struct {
	arn, account, region, name string
	fifo                       bool
	// attrs are the attributes set by CreateTopic or SetTopicAttributes,
	// Policy included.
	attrs  map[string]string
	policy *policy.Policy
	tags   map[string]string
	subs   []*subscription // in subscription order
}

// subscription is an immutable snapshot.
type subscription struct {
	arn, topicARN, owner, protocol, endpoint string
	// principal is the ARN of who subscribed (SubscriptionPrincipal).
	principal string
	pending   bool
	attrs     map[string]string
	created   int64
	// filter is the compiled FilterPolicy, nil when there is none.
	filter *pattern.Pattern
}

// Migrations are SNS's tables.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "sns", Version: 1, SQL: `
CREATE TABLE sns_topics (
	arn        TEXT PRIMARY KEY,
	account    TEXT NOT NULL,
	region     TEXT NOT NULL,
	name       TEXT NOT NULL,
	attributes TEXT NOT NULL,
	tags       TEXT NOT NULL
);
CREATE TABLE sns_subscriptions (
	arn        TEXT PRIMARY KEY,
	topic_arn  TEXT NOT NULL,
	owner      TEXT NOT NULL,
	principal  TEXT NOT NULL,
	protocol   TEXT NOT NULL,
	endpoint   TEXT NOT NULL,
	pending    INTEGER NOT NULL,
	attributes TEXT NOT NULL,
	created    INTEGER NOT NULL
);
CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn);
`}}
}

// New returns the service over db (opened with Migrations); Start loads
// the topics and subscriptions kept there.
func New(db *store.DB, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now, opts: opts, topics: map[string]*topic{}, subs: map[string]*subscription{}}
}

// Start loads the topics and subscriptions.
func (s *Service) Start(ctx context.Context) error {
	if err := s.load(ctx); err != nil {
		return fmt.Errorf("sns: loading topics: %w", err)
	}
	return nil
}

// Stop has nothing to stop: deliveries happen within Publish.
func (s *Service) Stop(ctx context.Context) error { return nil }

func (s *Service) load(ctx context.Context) error {
	return s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT arn, account, region, name, attributes, tags FROM sns_topics`)
		if err != nil {
			return err
		}
		for rows.Next() {
			t := &topic{}
			var attrs, tags string
			if err := rows.Scan(&t.arn, &t.account, &t.region, &t.name, &attrs, &tags); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(attrs), &t.attrs); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(tags), &t.tags); err != nil {
				rows.Close()
				return err
			}
			t.fifo = isFIFOName(t.name)
			if doc := t.attrs["Policy"]; doc != "" {
				if t.policy, err = parseTopicPolicy(doc); err != nil {
					rows.Close()
					return fmt.Errorf("topic %s: %w", t.arn, err)
				}
			}
			s.topics[t.arn] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(`SELECT arn, topic_arn, owner, principal, protocol, endpoint, pending, attributes, created FROM sns_subscriptions ORDER BY created, arn`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			sub := &subscription{}
			var attrs string
			if err := rows.Scan(&sub.arn, &sub.topicARN, &sub.owner, &sub.principal, &sub.protocol, &sub.endpoint, &sub.pending, &attrs, &sub.created); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(attrs), &sub.attrs); err != nil {
				return err
			}
			if fp := sub.attrs["FilterPolicy"]; fp != "" {
				if sub.filter, err = compileFilter(fp, sub.attrs["FilterPolicyScope"], whereSubscribe); err != nil {
					return fmt.Errorf("subscription %s: %w", sub.arn, err)
				}
			}
			t := s.topics[sub.topicARN]
			if t == nil {
				continue
			}
			t.subs = append(t.subs, sub)
			s.subs[sub.arn] = sub
		}
		return rows.Err()
	})
}

// Handler returns the SNS query-protocol endpoint, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *protocol.Query {
	ops := map[string]*protocol.Op{}
	for _, op := range s.ops() {
		ops[op.Name] = op
	}
	return &protocol.Query{Dispatcher: d, Version: Version, XMLNS: XMLNS, Ops: ops}
}

func (s *Service) ops() []*protocol.Op {
	return []*protocol.Op{
		s.createTopicOp(), s.deleteTopicOp(), s.listTopicsOp(), s.getTopicAttributesOp(), s.setTopicAttributesOp(),
		s.addPermissionOp(), s.removePermissionOp(),
		s.subscribeOp(), s.unsubscribeOp(), s.listSubscriptionsOp(), s.listSubscriptionsByTopicOp(),
		s.getSubscriptionAttributesOp(), s.setSubscriptionAttributesOp(),
		s.publishOp(), s.publishBatchOp(),
		s.tagResourceOp(), s.untagResourceOp(), s.listTagsOp(),
	}
}

func (s *Service) topic(arn string) *topic {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.topics[arn]
}

// saveTopic writes t (a new snapshot) and installs it.
func (s *Service) saveTopic(ctx context.Context, t *topic) error {
	attrs, _ := json.Marshal(t.attrs)
	tags, _ := json.Marshal(t.tags)
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO sns_topics (arn, account, region, name, attributes, tags) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(arn) DO UPDATE SET attributes = excluded.attributes, tags = excluded.tags`,
			t.arn, t.account, t.region, t.name, string(attrs), string(tags))
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.topics[t.arn] = t
	s.mu.Unlock()
	return nil
}

// clone returns a copy of t whose maps and subscription list may be
// changed.
func (t *topic) clone() *topic {
	c := *t
	c.attrs = copyMap(t.attrs)
	c.tags = copyMap(t.tags)
	c.subs = append([]*subscription(nil), t.subs...)
	return &c
}

func copyMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *Service) logf(format string, args ...any) {
	if s.opts.Logger != nil {
		s.opts.Logger.Warn(fmt.Sprintf(format, args...))
	}
}
