// Package logs is seki's CloudWatch Logs: log groups, log streams and log
// events over the JSON 1.1 protocol (target prefix Logs_20140328), with
// CloudWatch Logs' errors, limits, pagination tokens and filter patterns,
// and the delivery of function logs on behalf of an execution role.
//
// Events live in the store, indexed by stream and timestamp (for
// GetLogEvents) and by group and timestamp (for FilterLogEvents, which
// interleaves a group's streams in time order). A batch is written in one
// transaction with multi-row inserts, so delivering a function's logs costs
// one store write per batch.
//
// Authorization follows what AWS evaluates, as its AccessDenied messages
// show: actions on a log group are checked against
// arn:aws:logs:REGION:ACCOUNT:log-group:NAME:log-stream: (so that the
// documented policy form log-group:NAME:* matches), actions on a stream
// against ...:log-group:NAME:log-stream:STREAM, and DescribeLogGroups
// against ...:log-group::log-stream:.
package logs

import (
	"context"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Wire constants of CloudWatch Logs' JSON 1.1 protocol. Its error __type is
// the bare code, as in {"__type":"InvalidParameterException","message":…}.
const (
	TargetPrefix = "Logs_20140328"
	ContentType  = "application/x-amz-json-1.1"
)

// Messages used in more than one place.
const (
	msgGroupExists    = "The specified log group already exists"
	msgGroupNotFound  = "The specified log group does not exist."
	msgStreamNotFound = "The specified log stream does not exist."
	// unconfirmed: AWS's text for a stream that already exists; by
	// analogy with the log group's message, which is confirmed.
	msgStreamExists = "The specified log stream already exists"
	// unconfirmed: the text for a nextToken seki did not issue.
	msgBadToken = "The specified nextToken is invalid."
)

// Options configure a Service.
type Options struct {
	// Now is the clock events are ingested by; nil means time.Now.
	Now func() time.Time
	// Authz is the door function-log deliveries are authorized through
	// (API calls go through the Dispatcher's). Nil disables Deliver.
	Authz protocol.Authorizer
	// Callers resolves a delivery's role-session credentials to the
	// principal they act as. Nil disables Deliver.
	Callers Callers
	// FlushInterval is how long delivered function logs are gathered
	// before one store write commits them all; 0 means 25 ms.
	FlushInterval time.Duration
}

// Service is the CloudWatch Logs service. It is safe for concurrent use.
type Service struct {
	db      *store.DB
	now     func() time.Time
	authz   protocol.Authorizer
	callers Callers
	// inserts are the multi-row INSERTs of 1, 2, 4, … 128 events.
	inserts [8]string
	// w writes delivered function logs behind.
	w *writer
	// known holds whether the (group, stream) pairs Deliver has looked up
	// exist, so that a warm function's every batch does not read them
	// again. Creating or deleting a group or stream forgets them all
	// (knownMu makes that and the additions atomic with respect to each
	// other).
	knownMu sync.Mutex
	known   map[knownStream]streamState
	knownGn uint64 // incremented by every creation and deletion
}

type knownStream struct {
	group  groupRef
	stream string
}

// streamState is what Deliver last read of a knownStream.
type streamState struct{ group, stream bool }

// New returns the service over db, which must have been opened with
// Migrations. A Service that has delivered function logs must be closed
// (Close) before db is.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{db: db, now: opts.Now, authz: opts.Authz, callers: opts.Callers, inserts: insertStatements(),
		known: make(map[knownStream]streamState)}
	s.w = newWriter(s, opts.FlushInterval)
	return s
}

// Migrations returns the schema of log groups, streams and events.
//
// Events are a rowid table: ids grow with ingestion, so inserts append,
// and the id orders events with equal timestamps. Streams keep last_ts = -1
// until their first event so that ordering by LastEventTime is a plain
// index scan.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "logs", Version: 1, SQL: `
CREATE TABLE logs_groups (
	id      INTEGER PRIMARY KEY,
	account TEXT    NOT NULL,
	region  TEXT    NOT NULL,
	name    TEXT    NOT NULL,
	created INTEGER NOT NULL,
	class   TEXT    NOT NULL,
	kms     TEXT    NOT NULL DEFAULT '',
	protect INTEGER NOT NULL DEFAULT 0,
	bytes   INTEGER NOT NULL DEFAULT 0,
	UNIQUE (account, region, name)
);
CREATE TABLE logs_streams (
	id          INTEGER PRIMARY KEY,
	gid         INTEGER NOT NULL,
	name        TEXT    NOT NULL,
	created     INTEGER NOT NULL,
	first_ts    INTEGER,
	last_ts     INTEGER NOT NULL DEFAULT -1,
	last_ingest INTEGER,
	seq         INTEGER NOT NULL DEFAULT 0,
	UNIQUE (gid, name)
);
CREATE INDEX logs_streams_last ON logs_streams (gid, last_ts, name);
CREATE TABLE logs_events (
	id      INTEGER PRIMARY KEY,
	sid     INTEGER NOT NULL,
	gid     INTEGER NOT NULL,
	ts      INTEGER NOT NULL,
	ingest  INTEGER NOT NULL,
	message TEXT    NOT NULL
);
CREATE INDEX logs_events_stream ON logs_events (sid, ts);
CREATE INDEX logs_events_group ON logs_events (gid, ts);
`}, {Component: "logs", Version: 2, SQL: `
ALTER TABLE logs_groups ADD COLUMN retention INTEGER NOT NULL DEFAULT 0;
CREATE TABLE logs_group_tags (
	gid   INTEGER NOT NULL,
	key   TEXT    NOT NULL,
	value TEXT    NOT NULL,
	PRIMARY KEY (gid, key)
) WITHOUT ROWID;
`}}
}

// Handler returns CloudWatch Logs' JSON 1.1 endpoint, dispatching through d
// (whose Deny should be AccessDenied).
func (s *Service) Handler(d protocol.Dispatcher) *protocol.JSON {
	ops := protocol.Table(
		op("CreateLogGroup", s.createLogGroupTarget, s.createLogGroup),
		op("DeleteLogGroup", s.groupNameTarget, s.deleteLogGroup),
		op("DescribeLogGroups", s.describeLogGroupsTarget, s.describeLogGroups),
		op("CreateLogStream", s.createLogStreamTarget, s.createLogStream),
		op("DescribeLogStreams", s.describeLogStreamsTarget, s.describeLogStreams),
		op("PutLogEvents", s.putLogEventsTarget, s.putLogEvents),
		op("GetLogEvents", s.getLogEventsTarget, s.getLogEvents),
		op("FilterLogEvents", s.filterLogEventsTarget, s.filterLogEvents),
		op("DeleteLogStream", s.deleteLogStreamTarget, s.deleteLogStream),
		op("PutRetentionPolicy", s.putRetentionPolicyTarget, s.putRetentionPolicy),
		op("DeleteRetentionPolicy", s.groupNameTarget, s.deleteRetentionPolicy),
		op("TagLogGroup", s.tagLogGroupTarget, s.tagLogGroup),
		op("UntagLogGroup", s.untagLogGroupTarget, s.untagLogGroup),
		op("ListTagsLogGroup", s.groupNameTarget, s.listTagsLogGroup),
		op("TagResource", s.tagResourceTarget, s.tagResource),
		op("UntagResource", s.untagResourceTarget, s.untagResource),
		op("ListTagsForResource", s.listTagsForResourceTarget, s.listTagsForResource),
	)
	return &protocol.JSON{
		Dispatcher:   d,
		TargetPrefix: TargetPrefix,
		ContentType:  ContentType,
		Ops:          ops,
	}
}

// op builds one operation authorized by logs:NAME on the resource prepare
// names as it validates the request.
func op[In any](name string, prepare func(context.Context, *protocol.Request) (In, protocol.Target, error),
	handle func(context.Context, *protocol.Request, In) (any, error)) *protocol.Op {
	return protocol.DefineChecked(name, "logs:"+name, prepare, handle)
}

// decode reads a request body into v; malformed JSON and members of the
// wrong JSON type are SerializationExceptions.
func decode(r *protocol.Request, v any) error {
	return protocol.DecodeJSON(r.Body, v)
}

// millis is t in milliseconds since the Unix epoch, CloudWatch Logs' time
// unit.
func millis(t time.Time) int64 { return t.UnixMilli() }
