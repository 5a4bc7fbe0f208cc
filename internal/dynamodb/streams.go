package dynamodb

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/store"
)

// DynamoDB Streams: a table with a StreamSpecification keeps a stream, and
// every change of one of its items (PutItem, UpdateItem, DeleteItem,
// BatchWriteItem, TransactWriteItems) appends a stream record in the same
// store transaction as the change, so that a stream never misses or
// invents one, whatever kills the process. A write that leaves the item as
// it was appends nothing, as in DynamoDB.
//
// A stream has one shard (DynamoDB splits a busy stream into several and
// rolls shards over every few hours; one is enough here, and DescribeStream
// says how many there are). Records are kept 24 hours: reads skip older
// ones, and writes delete them now and then (trimLazily).

// Stream view types and the stream's statuses.
const (
	viewKeysOnly  = "KEYS_ONLY"
	viewNewImage  = "NEW_IMAGE"
	viewOldImage  = "OLD_IMAGE"
	viewNewAndOld = "NEW_AND_OLD_IMAGES"

	streamEnabled  = "ENABLED"
	streamDisabled = "DISABLED"
)

// retention is how long a stream keeps its records, and a disabled stream
// stays listed.
const retention = 24 * time.Hour

// trimEvery: one append in this many also deletes the stream's records
// older than the retention.
const trimEvery = 256

// streamMigration is the dynamodb component's version 3: streams and
// their records.
const streamMigration = `
CREATE TABLE dynamodb_streams (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	arn        TEXT NOT NULL UNIQUE,
	account    TEXT NOT NULL,
	region     TEXT NOT NULL,
	table_name TEXT NOT NULL,
	meta       TEXT NOT NULL,
	last_seq   INTEGER NOT NULL DEFAULT 0,
	ended      INTEGER
);
CREATE INDEX dynamodb_streams_by_account ON dynamodb_streams (account, region, arn);
CREATE TABLE dynamodb_stream_records (
	sid INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	at  INTEGER NOT NULL,
	rec BLOB NOT NULL,
	PRIMARY KEY (sid, seq)
) WITHOUT ROWID;
`

// streamMeta is a stream as stored (dynamodb_streams.meta).
type streamMeta struct {
	TableName string
	Label     string
	View      string
	Created   float64
	ShardID   string
	KeySchema []keySchemaElement
}

// stream is a stream as read: its row and its meta.
type stream struct {
	id      int64
	arn     string
	account string
	region  string
	lastSeq int64
	ended   int64 // unix seconds the stream was disabled; 0 while enabled
	streamMeta
}

func (st *stream) status() string {
	if st.ended != 0 {
		return streamDisabled
	}
	return streamEnabled
}

// streamSpecIn is StreamSpecification.
type streamSpecIn struct {
	StreamEnabled  *bool  `json:"StreamEnabled"`
	StreamViewType string `json:"StreamViewType"`
}

// streamSpecOut is StreamSpecification as table descriptions show it.
type streamSpecOut struct {
	StreamEnabled  bool   `json:"StreamEnabled"`
	StreamViewType string `json:"StreamViewType,omitempty"`
}

// checkStreamSpec applies StreamSpecification's model constraints and
// the rule that enabling a stream names its view type.
func checkStreamSpec(spec *streamSpecIn) error {
	if spec == nil {
		return nil
	}
	var vs violations
	if spec.StreamEnabled == nil {
		vs.add(nil, "streamSpecification.streamEnabled", "Member must not be null")
	}
	switch spec.StreamViewType {
	case "", viewKeysOnly, viewNewImage, viewOldImage, viewNewAndOld:
	default:
		vs.add(&spec.StreamViewType, "streamSpecification.streamViewType", "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]")
	}
	if err := vs.err(); err != nil {
		return err
	}
	if *spec.StreamEnabled && spec.StreamViewType == "" {
		return validation(msgStreamNeedsView)
	}
	return nil
}

// streamLabel is a stream's label: the time it was created, to the
// millisecond, as DynamoDB writes it.
func streamLabel(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000")
}

// startStream creates t's stream (inside the table write tx) and records
// it in t's definition.
func startStream(tx *store.Tx, t *table, view string, now time.Time) error {
	var b [4]byte
	rand.Read(b[:])
	for {
		label := streamLabel(now)
		arn := t.ARN() + "/stream/" + label
		m := streamMeta{TableName: t.Name, Label: label, View: view, Created: float64(now.UnixMilli()) / 1000,
			ShardID: fmt.Sprintf("shardId-%020d-%s", now.UnixMilli(), hex.EncodeToString(b[:])), KeySchema: t.elements()}
		meta, err := json.Marshal(m)
		if err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM dynamodb_streams WHERE arn = ?`, arn).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			// A table of the same name re-created within the same
			// millisecond: the next one is the label.
			now = now.Add(time.Millisecond)
			continue
		}
		res, err := tx.Exec(`INSERT INTO dynamodb_streams (arn, account, region, table_name, meta) VALUES (?, ?, ?, ?, ?)`,
			arn, t.Account, t.Region, t.Name, string(meta))
		if err != nil {
			return err
		}
		if t.StreamID, err = res.LastInsertId(); err != nil {
			return err
		}
		t.StreamView, t.StreamLabel = view, label
		return nil
	}
}

// endStream disables t's stream: it keeps its records for the retention,
// then is gone.
func endStream(tx *store.Tx, t *table, now time.Time) error {
	if t.StreamID == 0 {
		return nil
	}
	if _, err := tx.Exec(`UPDATE dynamodb_streams SET ended = ? WHERE id = ?`, now.Unix(), t.StreamID); err != nil {
		return err
	}
	t.StreamID, t.StreamView = 0, ""
	return nil
}

// describeStream adds a table's stream members to its description.
func (t *table) describeStream(d *tableDescription) {
	if t.StreamLabel != "" {
		d.LatestStreamLabel = t.StreamLabel
		d.LatestStreamArn = t.ARN() + "/stream/" + t.StreamLabel
	}
	if t.StreamID != 0 {
		d.StreamSpecification = &streamSpecOut{StreamEnabled: true, StreamViewType: t.StreamView}
	}
}

// recordsChanges reports whether t's item changes are recorded: in its
// stream, or for a Kinesis streaming destination (one that is disabled
// too, which costs a comparison of the item and nothing more).
func (t *table) recordsChanges() bool {
	return t.StreamID != 0 || t.Kinesis != nil
}

// streamChange appends the stream record of an item's change from old to
// next (nil: the item did not exist, or no longer does), and its record
// for each ACTIVE Kinesis streaming destination, inside the write
// transaction that makes it. A table with neither costs one check.
func (s *Service) streamChange(tx *store.Tx, t *table, old, next attr.Item, nextEncoded []byte) error {
	if !t.recordsChanges() || (old == nil && next == nil) {
		return nil
	}
	event := "MODIFY"
	switch {
	case old == nil:
		event = "INSERT"
	case next == nil:
		event = "REMOVE"
	default:
		if nextEncoded == nil {
			nextEncoded = attr.AppendItem(nil, next)
		}
		if bytes.Equal(attr.AppendItem(make([]byte, 0, len(nextEncoded)), old), nextEncoded) {
			// Unchanged: DynamoDB writes no record.
			return nil
		}
	}
	now := s.now()
	some := next
	if some == nil {
		some = old
	}
	if t.activeKinesis() {
		if err := s.kinesisChange(tx, t, event, t.keyItem(some), old, next, now); err != nil {
			return err
		}
	}
	if t.StreamID == 0 {
		return nil
	}
	var seq int64
	if err := tx.QueryRow(`UPDATE dynamodb_streams SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq`, t.StreamID).Scan(&seq); err != nil {
		return err
	}
	rec := appendStreamRecord(make([]byte, 0, 256), t, event, t.keyItem(some), old, next, seq, now)
	if _, err := tx.Exec(`INSERT INTO dynamodb_stream_records (sid, seq, at, rec) VALUES (?, ?, ?, ?)`, t.StreamID, seq, now.Unix(), rec); err != nil {
		return err
	}
	if seq%trimEvery == 0 {
		return trimStream(tx, t.StreamID, now)
	}
	return nil
}

// trimStream deletes a stream's records older than the retention.
func trimStream(tx *store.Tx, sid int64, now time.Time) error {
	_, err := tx.Exec(`DELETE FROM dynamodb_stream_records WHERE sid = ? AND at < ?`, sid, now.Add(-retention).Unix())
	return err
}

// sequenceNumber spells a record's sequence number: 21 digits, the
// shortest DynamoDB Streams' model allows, in the shard's order.
func sequenceNumber(seq int64) string {
	return "1" + fmt.Sprintf("%020d", seq)
}

// parseSequenceNumber reads a sequence number sequenceNumber wrote; ok is
// false for any other string.
func parseSequenceNumber(s string) (int64, bool) {
	if len(s) != 21 || s[0] != '1' {
		return 0, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s[1:], 10, 64)
	return n, err == nil
}

// appendStreamRecord appends a record as GetRecords answers it (members
// in the order DynamoDB writes them). Only the images the view type keeps
// are stored; SizeBytes counts the keys and those images.
func appendStreamRecord(b []byte, t *table, event string, keys, old, next attr.Item, seq int64, now time.Time) []byte {
	size := attr.ItemSize(keys)
	withNew := next != nil && (t.StreamView == viewNewImage || t.StreamView == viewNewAndOld)
	withOld := old != nil && (t.StreamView == viewOldImage || t.StreamView == viewNewAndOld)
	if withNew {
		size += attr.ItemSize(next)
	}
	if withOld {
		size += attr.ItemSize(old)
	}
	var id [16]byte
	rand.Read(id[:])
	b = append(b, `{"awsRegion":`...)
	b = jsonstr.Append(b, t.Region)
	b = append(b, `,"dynamodb":{"ApproximateCreationDateTime":`...)
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, `,"Keys":`...)
	b = attr.AppendItem(b, keys)
	if withNew {
		b = append(b, `,"NewImage":`...)
		b = attr.AppendItem(b, next)
	}
	if withOld {
		b = append(b, `,"OldImage":`...)
		b = attr.AppendItem(b, old)
	}
	b = append(b, `,"SequenceNumber":"`...)
	b = append(b, sequenceNumber(seq)...)
	b = append(b, `","SizeBytes":`...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, `,"StreamViewType":`...)
	b = jsonstr.Append(b, t.StreamView)
	b = append(b, `},"eventID":"`...)
	b = hex.AppendEncode(b, id[:])
	b = append(b, `","eventName":"`...)
	b = append(b, event...)
	return append(b, `","eventSource":"aws:dynamodb","eventVersion":"1.1"}`...)
}

// updateStream applies UpdateTable's StreamSpecification: enabling makes a
// new stream (with a new label), disabling ends the current one.
func updateStream(tx *store.Tx, t *table, sp *streamSpecIn, now time.Time) error {
	if *sp.StreamEnabled {
		if t.StreamID != 0 {
			return validation(fmt.Sprintf(msgStreamAlreadyEnabled, t.Name))
		}
		return startStream(tx, t, sp.StreamViewType, now)
	}
	if t.StreamID == 0 {
		return validation(fmt.Sprintf(msgStreamNotEnabled, t.Name))
	}
	return endStream(tx, t, now)
}
