// Package sqs is seki's Amazon SQS: standard and FIFO queues over the JSON
// 1.0 protocol (target prefix AmazonSQS) that current SDKs speak, with
// queue policies judged by the one door, long polling, visibility timeouts,
// dead-letter redrive and durable messages.
//
// A message is acknowledged only after the store's commit (synchronous=FULL),
// so an acknowledged SendMessage survives kill -9. Queue metadata (attributes,
// compiled policy, redrive policy) is also kept in memory, replaced as a
// whole on every change, so authorizing a call reads no rows.
//
// Queue URLs point at seki: the scheme and host the request came to, then
// /ACCOUNT/NAME. Any URL whose path ends in /ACCOUNT/NAME names that queue.
//
// Besides the API, the package serves Lambda's event source mappings
// (Poll, Delete, CheckAs): the same operations for a principal other than an
// HTTP caller, authorized through the same door and logged.
package sqs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Wire constants of SQS's JSON 1.0 protocol.
const (
	TargetPrefix = "AmazonSQS"
	ContentType  = "application/x-amz-json-1.0"
	errorPrefix  = "com.amazonaws.sqs#"
)

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Region is where queues named without a region live.
	Region string
	// Authz is the door for calls made outside an HTTP request (event
	// source mappings). Nil disables them.
	Authz protocol.Authorizer
	// Principals binds the users and roles queue policies name to their
	// unique ids (IAM); nil keeps policies as written.
	Principals authz.Principals
}

// Service is the SQS service. It is safe for concurrent use.
type Service struct {
	db    *store.DB
	now   func() time.Time
	authz protocol.Authorizer
	// principals binds queue policies' principals (Options.Principals).
	principals authz.Principals

	mu     sync.RWMutex
	queues map[queueKey]*queue
	byID   map[int64]*queue
	// deleted remembers when a name was deleted, for QueueDeletedRecently.
	deleted map[queueKey]time.Time
	// purged remembers the last PurgeQueue of each queue.
	purged map[int64]time.Time
	// waiters wake long polls when messages arrive.
	waiters map[int64]chan struct{}
}

type queueKey struct{ account, region, name string }

// New returns the service over db (opened with Migrations); Start loads
// the queues it holds.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, now: opts.Now, authz: opts.Authz, principals: opts.Principals,
		queues: map[queueKey]*queue{}, byID: map[int64]*queue{}, deleted: map[queueKey]time.Time{},
		purged: map[int64]time.Time{}, waiters: map[int64]chan struct{}{}}
}

// Start loads the queues.
func (s *Service) Start(ctx context.Context) error {
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT id, account, region, name, created, modified, attrs, tags FROM sqs_queues`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			q := &queue{}
			var attrs, tags string
			if err := rows.Scan(&q.id, &q.account, &q.region, &q.name, &q.created, &q.modified, &attrs, &tags); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(attrs), &q.attrs); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(tags), &q.tags); err != nil {
				return err
			}
			q.fifo = q.attrs[attrFifoQueue] == "true"
			if doc := q.attrs[attrPolicy]; doc != "" {
				// A stored policy was valid when set; a parser that
				// became stricter since leaves the queue without one.
				q.policy, _ = policy.Parse([]byte(doc), policy.Resource)
			}
			q.redrive, _ = parseRedrive(q.attrs[attrRedrivePolicy])
			s.add(q)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("sqs: loading queues: %w", err)
	}
	return nil
}

// Stop has nothing to stop: long polls belong to their requests.
func (s *Service) Stop(ctx context.Context) error { return nil }

// Migrations returns the schema of queues and messages.
//
// Messages are ordered by (visible, id): a receive takes the messages that
// became visible first, in the order they were sent, with one index range
// scan. A message in flight has visible in the future; receipt is the nonce
// of its latest receipt handle.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "sqs", Version: 1, SQL: `
CREATE TABLE sqs_queues (
	id       INTEGER PRIMARY KEY,
	account  TEXT    NOT NULL,
	region   TEXT    NOT NULL,
	name     TEXT    NOT NULL,
	created  INTEGER NOT NULL,
	modified INTEGER NOT NULL,
	attrs    TEXT    NOT NULL,
	tags     TEXT    NOT NULL,
	UNIQUE (account, region, name)
);
CREATE TABLE sqs_messages (
	id         INTEGER PRIMARY KEY,
	qid        INTEGER NOT NULL,
	mid        TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	body_md5   TEXT    NOT NULL,
	attrs      TEXT,
	attrs_md5  TEXT,
	trace      TEXT,
	sender     TEXT    NOT NULL,
	sent       INTEGER NOT NULL,
	visible    INTEGER NOT NULL,
	receives   INTEGER NOT NULL DEFAULT 0,
	first_recv INTEGER,
	receipt    INTEGER NOT NULL DEFAULT 0,
	grp        TEXT,
	dedup      TEXT,
	dlq_source TEXT
);
CREATE INDEX sqs_messages_visible ON sqs_messages (qid, visible, id);
CREATE TABLE sqs_dedup (
	qid     INTEGER NOT NULL,
	dedup   TEXT    NOT NULL,
	mid     TEXT    NOT NULL,
	seq     INTEGER NOT NULL,
	expires INTEGER NOT NULL,
	PRIMARY KEY (qid, dedup)
) WITHOUT ROWID;
`}}
}

// Handler returns SQS's endpoint (the JSON 1.0 protocol, and the query
// protocol of older SDKs), dispatching through d (whose Deny should be
// AccessDenied).
func (s *Service) Handler(d protocol.Dispatcher) *Handler {
	return &Handler{json: &protocol.JSON{
		Dispatcher:      d,
		TargetPrefix:    TargetPrefix,
		ContentType:     ContentType,
		ErrorPrefix:     errorPrefix,
		ErrorTypes:      errorTypes,
		QueryCompatible: true,
		QueryCodes:      queryCodes,
		Ops:             protocol.Table(s.ops()...),
	}}
}

// add registers q in memory (the caller holds mu or is New).
func (s *Service) add(q *queue) {
	s.queues[q.key()] = q
	s.byID[q.id] = q
}

// lookup returns the queue, nil when there is none.
func (s *Service) lookup(k queueKey) *queue {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.queues[k]
}

func (s *Service) lookupID(id int64) *queue {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byID[id]
}

// wake tells long polls on queue id that messages may be available.
func (s *Service) wake(id int64) {
	s.mu.Lock()
	if ch, ok := s.waiters[id]; ok {
		close(ch)
		delete(s.waiters, id)
	}
	s.mu.Unlock()
}

// waiter returns a channel closed at the queue's next wake.
func (s *Service) waiter(id int64) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.waiters[id]
	if !ok {
		ch = make(chan struct{})
		s.waiters[id] = ch
	}
	return ch
}

func millis(t time.Time) int64 { return t.UnixMilli() }
