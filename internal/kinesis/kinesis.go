// Package kinesis is seki's Amazon Kinesis Data Streams, the part that
// producers, consumers polling with GetRecords, and DynamoDB's Kinesis
// streaming destinations need: streams (CreateStream, DescribeStream,
// DescribeStreamSummary, ListStreams, DeleteStream) with their shards, and
// records (PutRecord, PutRecords, GetShardIterator, GetRecords), over the
// JSON 1.1 protocol (target prefix Kinesis_20131202, signing name kinesis).
//
// Everything lives in the store: a stream's row and its records, each
// record with its shard and its sequence number, written in one
// transaction, so a record answered to its producer survives kill -9. A
// stream is ACTIVE as soon as CreateStream answers (Kinesis takes seconds
// to get there; seki has nothing to provision). Shards split the 128-bit
// hash key space evenly and are never split or merged; records are kept
// for the stream's retention (24 hours) and skipped by reads after it.
package kinesis

import (
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// TargetPrefix is the X-Amz-Target prefix of Kinesis's operations.
const TargetPrefix = "Kinesis_20131202"

// Stream modes, statuses and limits.
const (
	modeProvisioned = "PROVISIONED"
	modeOnDemand    = "ON_DEMAND"
	statusActive    = "ACTIVE"

	// onDemandShards is how many shards an ON_DEMAND stream starts with
	// (LocalStack's validated test_create_stream_without_shard_count
	// recorded four).
	onDemandShards = 4
	// maxShards bounds one stream's shards: each is a row of the
	// description, and the account quota Kinesis applies is not modelled.
	maxShards = 500
	// retentionHours is a stream's retention (Kinesis's default).
	retentionHours = 24
	// maxRecordBytes is the largest record (data and partition key),
	// Kinesis's default MaxRecordSizeInKiB.
	maxRecordBytes = 1 << 20
)

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service is Kinesis Data Streams. It is safe for concurrent use: every
// operation reads or writes the store in one transaction.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// Migrations are Kinesis's tables: streams, and their records keyed by
// stream, shard and sequence number (one sequence per stream, so a
// shard's numbers increase too).
func Migrations() []store.Migration {
	return []store.Migration{{Component: "kinesis", Version: 1, SQL: `
CREATE TABLE kinesis_streams (
	arn       TEXT PRIMARY KEY,
	account   TEXT NOT NULL,
	region    TEXT NOT NULL,
	name      TEXT NOT NULL,
	created   INTEGER NOT NULL,
	shards    INTEGER NOT NULL,
	mode      TEXT NOT NULL,
	last_seq  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX kinesis_streams_by_account ON kinesis_streams (account, region, name);
CREATE TABLE kinesis_records (
	stream TEXT NOT NULL,
	shard  INTEGER NOT NULL,
	seq    INTEGER NOT NULL,
	at     INTEGER NOT NULL,
	pk     TEXT NOT NULL,
	data   BLOB NOT NULL,
	PRIMARY KEY (stream, shard, seq)
) WITHOUT ROWID;
`}}
}

// New returns the service over db (opened with Migrations).
func New(db *store.DB, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Handler returns the Kinesis JSON 1.1 endpoint, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *protocol.JSON {
	ops := protocol.Table(
		s.createStreamOp(), s.describeStreamOp(), s.describeStreamSummaryOp(), s.listStreamsOp(), s.deleteStreamOp(),
		s.putRecordOp(), s.putRecordsOp(), s.getShardIteratorOp(), s.getRecordsOp(),
	)
	return &protocol.JSON{Dispatcher: d, TargetPrefix: TargetPrefix, ContentType: "application/x-amz-json-1.1", Ops: ops}
}

// ARN is a stream's ARN.
func ARN(region, account, name string) string {
	return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + name
}

var (
	namePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	arnPattern  = regexp.MustCompile(`^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream/([a-zA-Z0-9_.-]{1,128})$`)
)

// streamRef is the stream an operation names.
type streamRef struct {
	arn, account, region, name string
}

// violation is the request framework's error for one member.
func violation(value *string, member, constraint string) error {
	v := "null"
	if value != nil {
		v = "'" + *value + "'"
	}
	return errValidation.Errorf(msgViolationFmt, v, member, constraint)
}

// checkName applies StreamName's model constraints.
func checkName(name *string, member string) error {
	switch {
	case len(*name) < 1:
		return violation(name, member, fmt.Sprintf(constraintMinFmt, 1))
	case len(*name) > 128:
		return violation(name, member, fmt.Sprintf(constraintMaxFmt, 128))
	case !namePattern.MatchString(*name):
		return violation(name, member, constraintNamePattern)
	}
	return nil
}

// resolve names the stream of StreamName or StreamARN, in the caller's
// account and the request's region for a name.
func resolve(r *protocol.Request, name, arn *string) (streamRef, error) {
	if arn != nil {
		m := arnPattern.FindStringSubmatch(*arn)
		if m == nil {
			if len(*arn) < 1 || len(*arn) > 2048 {
				return streamRef{}, violation(arn, "streamARN", fmt.Sprintf(constraintMaxFmt, 2048))
			}
			return streamRef{}, errInvalidArgument.Errorf(msgBadARNFmt, *arn)
		}
		if name != nil && *name != m[3] {
			return streamRef{}, errInvalidArgument.Errorf(msgBadARNFmt, *arn)
		}
		return streamRef{arn: *arn, region: m[1], account: m[2], name: m[3]}, nil
	}
	if name == nil {
		return streamRef{}, errInvalidArgument.New(msgNoStream)
	}
	if err := checkName(name, "streamName"); err != nil {
		return streamRef{}, err
	}
	return streamRef{arn: ARN(r.Region, r.Account(), *name), account: r.Account(), region: r.Region, name: *name}, nil
}

func (ref streamRef) target() protocol.Target {
	return protocol.Target{Resource: ref.arn, Account: ref.account}
}

func (ref streamRef) notFound() error {
	return errNotFound.Errorf(msgStreamNotFoundFmt, ref.name, ref.account)
}

// stream is a stream's row.
type stream struct {
	streamRef
	created int64 // UnixNano
	shards  int
	mode    string
	lastSeq int64
}

// load reads the stream ref names; nil without one.
func load(tx *store.Tx, ref streamRef) (*stream, error) {
	st := &stream{streamRef: ref}
	err := tx.QueryRow(`SELECT created, shards, mode, last_seq FROM kinesis_streams WHERE arn = ?`, ref.arn).
		Scan(&st.created, &st.shards, &st.mode, &st.lastSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return st, err
}

// mustLoad reads the stream ref names, or ResourceNotFoundException.
func mustLoad(tx *store.Tx, ref streamRef) (*stream, error) {
	st, err := load(tx, ref)
	if err == nil && st == nil {
		err = ref.notFound()
	}
	return st, err
}

// keySpace is 2^128, the hash key space shards divide.
var keySpace = new(big.Int).Lsh(big.NewInt(1), 128)

// shardRange is shard i's hash key range among n: [start, end].
func shardRange(i, n int) (start, end *big.Int) {
	start = new(big.Int).Mul(keySpace, big.NewInt(int64(i)))
	start.Div(start, big.NewInt(int64(n)))
	end = new(big.Int).Mul(keySpace, big.NewInt(int64(i+1)))
	end.Div(end, big.NewInt(int64(n)))
	end.Sub(end, big.NewInt(1))
	return start, end
}

// shardOf is the shard whose range holds hash key k.
func shardOf(k *big.Int, n int) int {
	i := new(big.Int).Mul(k, big.NewInt(int64(n)))
	i.Div(i, keySpace)
	return int(i.Int64())
}

// shardID spells shard i's id as Kinesis does.
func shardID(i int) string { return fmt.Sprintf("shardId-%012d", i) }

// parseShardID reads a shard id shardID wrote.
func parseShardID(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, "shardId-")
	if !ok || len(rest) != 12 {
		return 0, false
	}
	n := 0
	for _, c := range rest {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// sequenceNumber spells a record's sequence number: 56 digits, as long
// as Kinesis's, in the stream's order.
func sequenceNumber(seq int64) string {
	return fmt.Sprintf("49%054d", seq)
}

// parseSequenceNumber reads a sequence number; ok is false for a number
// of the model's pattern that seki did not issue.
func parseSequenceNumber(s string) (int64, bool) {
	if len(s) != 56 || !strings.HasPrefix(s, "49") {
		return 0, false
	}
	var n int64
	for _, c := range s[2:] {
		if c < '0' || c > '9' || n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// epoch is a JSON protocol timestamp: seconds since the epoch, to the
// millisecond.
func epoch(nanos int64) float64 {
	return float64(nanos/1e6) / 1e3
}
