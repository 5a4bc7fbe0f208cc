package dynamodb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// The DynamoDB Streams API (botocore's dynamodbstreams model): JSON 1.0
// under the target prefix DynamoDBStreams_20120810, signed with DynamoDB's
// signing name, so the server hands it the same requests as DynamoDB and
// Handler picks by target. Every call is authorized on the stream's ARN
// with the dynamodb: action of its name (ListStreams on "*").

// StreamsTargetPrefix is the X-Amz-Target prefix of DynamoDB Streams.
const StreamsTargetPrefix = "DynamoDBStreams_20120810"

// iteratorTTL is how long a shard iterator may be used.
const iteratorTTL = 15 * time.Minute

// Handler serves DynamoDB and DynamoDB Streams, which share a signing name
// and an endpoint here: the target prefix says which.
type Handler struct {
	tables, streams *protocol.JSON
}

// ServeAWS serves one call of either API.
func (h *Handler) ServeAWS(w http.ResponseWriter, r *protocol.Request) {
	if strings.HasPrefix(r.HTTP.Header.Get("X-Amz-Target"), StreamsTargetPrefix+".") {
		h.streams.ServeAWS(w, r)
		return
	}
	h.tables.ServeAWS(w, r)
}

// WriteError answers err in DynamoDB's error shape (the two APIs share it).
func (h *Handler) WriteError(w http.ResponseWriter, r *protocol.Request, err error) {
	h.tables.WriteError(w, r, err)
}

// Operations lists DynamoDB's operations.
func (h *Handler) Operations() []*protocol.Op { return h.tables.Operations() }

// Streams is the DynamoDB Streams API alone, for the listing of
// operations (the server lists it as its own service).
func (h *Handler) Streams() *protocol.JSON { return h.streams }

func (s *Service) streamsHandler(d protocol.Dispatcher) *protocol.JSON {
	ops := protocol.Table(
		protocol.Define(protocol.Spec[*listStreamsIn]{Name: "ListStreams", Decode: decodeListStreams,
			Auth: protocol.Check[*listStreamsIn]("dynamodb:ListStreams", nil), Handle: s.listStreams}),
		protocol.Define(protocol.Spec[*describeStreamIn]{Name: "DescribeStream", Decode: decodeDescribeStream,
			Auth: protocol.Check("dynamodb:DescribeStream", func(_ context.Context, _ *protocol.Request, in *describeStreamIn) (protocol.Target, error) {
				return protocol.Target{Resource: in.StreamArn}, nil
			}), Handle: s.describeStream}),
		protocol.Define(protocol.Spec[*shardIteratorIn]{Name: "GetShardIterator", Decode: decodeShardIterator,
			Auth: protocol.Check("dynamodb:GetShardIterator", func(_ context.Context, _ *protocol.Request, in *shardIteratorIn) (protocol.Target, error) {
				return protocol.Target{Resource: in.StreamArn}, nil
			}), Handle: s.getShardIterator}),
		protocol.Define(protocol.Spec[*getRecordsIn]{Name: "GetRecords", Decode: decodeGetRecords,
			Auth: protocol.Check("dynamodb:GetRecords", func(_ context.Context, _ *protocol.Request, in *getRecordsIn) (protocol.Target, error) {
				return protocol.Target{Resource: in.it.arn}, nil
			}), Handle: s.getRecords}),
	)
	return &protocol.JSON{
		Dispatcher:   d,
		TargetPrefix: StreamsTargetPrefix,
		ContentType:  ContentType,
		ErrorPrefix:  ErrorPrefix,
		ErrorTypes:   errorTypes(),
		MessageKeys:  map[string]string{"AccessDeniedException": "Message"},
		Ops:          ops,
	}
}

// --- inputs and their model constraints ---

type listStreamsIn struct {
	TableName               *string `json:"TableName"`
	Limit                   *int64  `json:"Limit"`
	ExclusiveStartStreamArn *string `json:"ExclusiveStartStreamArn"`
}

type describeStreamIn struct {
	StreamArn             string  `json:"StreamArn"`
	Limit                 *int64  `json:"Limit"`
	ExclusiveStartShardId *string `json:"ExclusiveStartShardId"`
}

type shardIteratorIn struct {
	StreamArn         string  `json:"StreamArn"`
	ShardId           string  `json:"ShardId"`
	ShardIteratorType string  `json:"ShardIteratorType"`
	SequenceNumber    *string `json:"SequenceNumber"`
}

type getRecordsIn struct {
	ShardIterator *string `json:"ShardIterator"`
	Limit         *int64  `json:"Limit"`
	it            iterator
}

func checkLen(vs *violations, v *string, member string, lo, hi int) {
	if v == nil {
		return
	}
	if len(*v) < lo {
		vs.add(v, member, "Member must have length greater than or equal to "+strconv.Itoa(lo))
	}
	if len(*v) > hi {
		vs.add(v, member, "Member must have length less than or equal to "+strconv.Itoa(hi))
	}
}

func checkRange(vs *violations, n *int64, member string, lo, hi int64) {
	if n == nil {
		return
	}
	v := strconv.FormatInt(*n, 10)
	if *n < lo {
		vs.add(&v, member, "Member must have value greater than or equal to "+strconv.FormatInt(lo, 10))
	}
	if *n > hi {
		vs.add(&v, member, "Member must have value less than or equal to "+strconv.FormatInt(hi, 10))
	}
}

// checkStreamARN applies StreamArn's constraints (required, 37 to 1024
// characters).
func checkStreamARN(vs *violations, arn string) {
	if arn == "" {
		vs.add(nil, "streamArn", "Member must not be null")
		return
	}
	checkLen(vs, &arn, "streamArn", 37, 1024)
}

func decodeListStreams(_ context.Context, r *protocol.Request) (*listStreamsIn, error) {
	in := &listStreamsIn{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	var vs violations
	checkRange(&vs, in.Limit, "limit", 1, 100)
	checkLen(&vs, in.TableName, "tableName", 3, 255)
	checkLen(&vs, in.ExclusiveStartStreamArn, "exclusiveStartStreamArn", 37, 1024)
	return in, vs.err()
}

func decodeDescribeStream(_ context.Context, r *protocol.Request) (*describeStreamIn, error) {
	in := &describeStreamIn{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	var vs violations
	checkStreamARN(&vs, in.StreamArn)
	checkRange(&vs, in.Limit, "limit", 1, 100)
	checkLen(&vs, in.ExclusiveStartShardId, "exclusiveStartShardId", 28, 65)
	return in, vs.err()
}

var iteratorTypes = []string{"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"}

func decodeShardIterator(_ context.Context, r *protocol.Request) (*shardIteratorIn, error) {
	in := &shardIteratorIn{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	var vs violations
	checkStreamARN(&vs, in.StreamArn)
	if in.ShardId == "" {
		vs.add(nil, "shardId", "Member must not be null")
	} else {
		checkLen(&vs, &in.ShardId, "shardId", 28, 65)
	}
	switch in.ShardIteratorType {
	case "":
		vs.add(nil, "shardIteratorType", "Member must not be null")
	case iteratorTypes[0], iteratorTypes[1], iteratorTypes[2], iteratorTypes[3]:
	default:
		vs.add(&in.ShardIteratorType, "shardIteratorType", "Member must satisfy enum value set: ["+strings.Join(iteratorTypes, ", ")+"]")
	}
	checkLen(&vs, in.SequenceNumber, "sequenceNumber", 21, 40)
	if err := vs.err(); err != nil {
		return nil, err
	}
	bySeq := strings.HasSuffix(in.ShardIteratorType, "_SEQUENCE_NUMBER")
	if bySeq && in.SequenceNumber == nil {
		return nil, validation(fmt.Sprintf(msgIteratorNeedsSequence, in.ShardIteratorType))
	}
	if !bySeq && in.SequenceNumber != nil {
		return nil, validation(fmt.Sprintf(msgIteratorNoSequence, in.ShardIteratorType))
	}
	return in, nil
}

func decodeGetRecords(_ context.Context, r *protocol.Request) (*getRecordsIn, error) {
	in := &getRecordsIn{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	var vs violations
	if in.ShardIterator == nil {
		vs.add(nil, "shardIterator", "Member must not be null")
	}
	checkLen(&vs, in.ShardIterator, "shardIterator", 1, 2048)
	checkRange(&vs, in.Limit, "limit", 1, 1000)
	if err := vs.err(); err != nil {
		return nil, err
	}
	it, ok := parseIterator(*in.ShardIterator)
	if !ok {
		return nil, validation(msgBadIterator)
	}
	in.it = it
	return in, nil
}

// --- shard iterators ---

// iterator is a position in a stream's shard: the sequence number of the
// next record to read, and when GetShardIterator (or GetRecords) issued it.
// As text it is the stream's ARN, a version, and the position in base64,
// as DynamoDB's start with the ARN: "ARN|1|…". It is untrusted input: a
// forged one can name only a stream and a position, and reading that
// stream is authorized on its ARN like any other.
type iterator struct {
	arn    string
	next   int64
	issued int64 // unix milliseconds
}

func (it iterator) String() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(it.next))
	binary.BigEndian.PutUint64(b[8:], uint64(it.issued))
	return it.arn + "|1|" + base64.RawURLEncoding.EncodeToString(b[:])
}

// parseIterator reads an iterator String wrote; ok is false for anything
// else.
func parseIterator(s string) (iterator, bool) {
	arn, rest, ok := strings.Cut(s, "|1|")
	if !ok {
		return iterator{}, false
	}
	if _, ok := parseStreamARN(arn); !ok {
		return iterator{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) != 16 {
		return iterator{}, false
	}
	it := iterator{arn: arn, next: int64(binary.BigEndian.Uint64(raw[:8])), issued: int64(binary.BigEndian.Uint64(raw[8:]))}
	if it.next < 1 || it.issued < 1 {
		return iterator{}, false
	}
	return it, true
}

// streamRef is a stream ARN's parts.
type streamRef struct {
	region, account, table, label string
}

// parseStreamARN reads arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL.
func parseStreamARN(arn string) (streamRef, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:dynamodb:")
	if !ok {
		return streamRef{}, false
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) != 3 || parts[0] == "" || len(parts[1]) != 12 {
		return streamRef{}, false
	}
	res := strings.Split(parts[2], "/")
	if len(res) != 4 || res[0] != "table" || res[1] == "" || res[2] != "stream" || res[3] == "" {
		return streamRef{}, false
	}
	return streamRef{region: parts[0], account: parts[1], table: res[1], label: res[3]}, true
}

// --- reading streams ---

// loadStream reads a stream by ARN; nil when there is none, or it was
// disabled longer ago than the retention.
func loadStream(tx *store.Tx, arn string, now time.Time) (*stream, error) {
	st := &stream{arn: arn}
	var meta string
	var ended sql.NullInt64
	err := tx.QueryRow(`SELECT id, account, region, meta, last_seq, ended FROM dynamodb_streams WHERE arn = ?`, arn).
		Scan(&st.id, &st.account, &st.region, &meta, &st.lastSeq, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ended.Valid {
		if ended.Int64 < now.Add(-retention).Unix() {
			return nil, nil
		}
		st.ended = max(ended.Int64, 1)
	}
	return st, json.Unmarshal([]byte(meta), &st.streamMeta)
}

// horizon is the sequence number of the oldest record the stream keeps
// (the one after the last when it keeps none).
func (st *stream) horizon(tx *store.Tx, now time.Time) (int64, error) {
	var seq sql.NullInt64
	err := tx.QueryRow(`SELECT MIN(seq) FROM dynamodb_stream_records WHERE sid = ? AND at >= ?`, st.id, now.Add(-retention).Unix()).Scan(&seq)
	if err != nil {
		return 0, err
	}
	if !seq.Valid {
		return st.lastSeq + 1, nil
	}
	return seq.Int64, nil
}

func (s *Service) mustStream(tx *store.Tx, arn string, now time.Time) (*stream, error) {
	st, err := loadStream(tx, arn, now)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, errNotFound.New(fmt.Sprintf(msgStreamNotFound, arn))
	}
	return st, nil
}

type streamSummary struct {
	StreamArn   string `json:"StreamArn"`
	TableName   string `json:"TableName"`
	StreamLabel string `json:"StreamLabel"`
}

func (s *Service) listStreams(ctx context.Context, r *protocol.Request, in *listStreamsIn) (any, error) {
	limit := int64(100)
	if in.Limit != nil {
		limit = *in.Limit
	}
	after := ""
	if in.ExclusiveStartStreamArn != nil {
		after = *in.ExclusiveStartStreamArn
	}
	q := `SELECT arn, table_name, meta FROM dynamodb_streams WHERE account = ? AND region = ? AND arn > ? AND (ended IS NULL OR ended >= ?)`
	args := []any{r.Account(), r.Region, after, s.now().Add(-retention).Unix()}
	if in.TableName != nil {
		q += ` AND table_name = ?`
		args = append(args, *in.TableName)
	}
	q += ` ORDER BY arn LIMIT ?`
	args = append(args, limit+1)
	out := struct {
		Streams                []streamSummary `json:"Streams"`
		LastEvaluatedStreamArn string          `json:"LastEvaluatedStreamArn,omitempty"`
	}{Streams: []streamSummary{}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sum streamSummary
			var meta string
			if err := rows.Scan(&sum.StreamArn, &sum.TableName, &meta); err != nil {
				return err
			}
			if int64(len(out.Streams)) == limit {
				out.LastEvaluatedStreamArn = out.Streams[limit-1].StreamArn
				break
			}
			var m streamMeta
			if err := json.Unmarshal([]byte(meta), &m); err != nil {
				return err
			}
			sum.StreamLabel = m.Label
			out.Streams = append(out.Streams, sum)
		}
		return rows.Err()
	})
	return out, err
}

type sequenceRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type shardOut struct {
	ShardId             string        `json:"ShardId"`
	SequenceNumberRange sequenceRange `json:"SequenceNumberRange"`
}

type streamDescription struct {
	StreamArn               string             `json:"StreamArn"`
	StreamLabel             string             `json:"StreamLabel"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamViewType          string             `json:"StreamViewType"`
	CreationRequestDateTime float64            `json:"CreationRequestDateTime"`
	TableName               string             `json:"TableName"`
	KeySchema               []keySchemaElement `json:"KeySchema"`
	Shards                  []shardOut         `json:"Shards"`
}

func (s *Service) describeStream(ctx context.Context, r *protocol.Request, in *describeStreamIn) (any, error) {
	now := s.now()
	var d *streamDescription
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		st, err := s.mustStream(tx, in.StreamArn, now)
		if err != nil {
			return err
		}
		from, err := st.horizon(tx, now)
		if err != nil {
			return err
		}
		d = &streamDescription{StreamArn: st.arn, StreamLabel: st.Label, StreamStatus: st.status(), StreamViewType: st.View,
			CreationRequestDateTime: st.Created, TableName: st.TableName, KeySchema: st.KeySchema, Shards: []shardOut{}}
		if in.ExclusiveStartShardId != nil && *in.ExclusiveStartShardId >= st.ShardID {
			return nil
		}
		sh := shardOut{ShardId: st.ShardID, SequenceNumberRange: sequenceRange{StartingSequenceNumber: sequenceNumber(from)}}
		if st.ended != 0 && st.lastSeq > 0 {
			sh.SequenceNumberRange.EndingSequenceNumber = sequenceNumber(st.lastSeq)
		}
		d.Shards = append(d.Shards, sh)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"StreamDescription": d}, nil
}

// position turns an iterator type (and sequence number) into the
// sequence number of the next record to read.
func (st *stream) position(tx *store.Tx, typ string, seqText *string, now time.Time) (int64, error) {
	horizon, err := st.horizon(tx, now)
	if err != nil {
		return 0, err
	}
	switch typ {
	case "TRIM_HORIZON":
		return horizon, nil
	case "LATEST":
		return st.lastSeq + 1, nil
	}
	if seqText == nil {
		return 0, validation(fmt.Sprintf(msgIteratorNeedsSequence, typ))
	}
	seq, ok := parseSequenceNumber(*seqText)
	if !ok || seq < 1 {
		return 0, validation(fmt.Sprintf(msgBadSequence, *seqText))
	}
	if seq < horizon {
		return 0, errTrimmed.New(fmt.Sprintf(msgTrimmed, *seqText))
	}
	if typ == "AFTER_SEQUENCE_NUMBER" {
		seq++
	}
	return seq, nil
}

func (s *Service) getShardIterator(ctx context.Context, r *protocol.Request, in *shardIteratorIn) (any, error) {
	now := s.now()
	var it iterator
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		st, err := s.mustStream(tx, in.StreamArn, now)
		if err != nil {
			return err
		}
		if in.ShardId != st.ShardID {
			return errNotFound.New(fmt.Sprintf(msgShardNotFound, in.ShardId, in.StreamArn))
		}
		next, err := st.position(tx, in.ShardIteratorType, in.SequenceNumber, now)
		if err != nil {
			return err
		}
		it = iterator{arn: st.arn, next: next, issued: now.UnixMilli()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]string{"ShardIterator": it.String()}, nil
}

// records is GetRecords' answer, written by hand: the records are stored
// as the JSON they are answered with.
type records struct {
	recs [][]byte
	next string // "" when the shard is closed and read to its end
}

func (o *records) AppendJSON(b []byte) []byte {
	b = append(b, `{"Records":[`...)
	for i, rec := range o.recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, rec...)
	}
	b = append(b, ']')
	if o.next != "" {
		b = append(b, `,"NextShardIterator":`...)
		b = jsonstr.Append(b, o.next)
	}
	return append(b, '}')
}

// read takes up to limit records from the iterator's position. It reports
// the position after them, and whether the shard is closed and read to
// its end.
func (s *Service) read(tx *store.Tx, it iterator, limit int, now time.Time) (recs [][]byte, next int64, closed bool, err error) {
	if now.UnixMilli()-it.issued > iteratorTTL.Milliseconds() {
		return nil, 0, false, errExpiredIterator.New(fmt.Sprintf(msgIteratorExpired,
			time.UnixMilli(it.issued).UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano)))
	}
	st, err := s.mustStream(tx, it.arn, now)
	if err != nil {
		return nil, 0, false, err
	}
	horizon, err := st.horizon(tx, now)
	if err != nil {
		return nil, 0, false, err
	}
	if it.next < horizon && it.next <= st.lastSeq {
		return nil, 0, false, errTrimmed.New(fmt.Sprintf(msgTrimmed, sequenceNumber(it.next)))
	}
	rows, err := tx.Query(`SELECT seq, rec FROM dynamodb_stream_records WHERE sid = ? AND seq >= ? AND at >= ? ORDER BY seq LIMIT ?`,
		st.id, it.next, now.Add(-retention).Unix(), limit)
	if err != nil {
		return nil, 0, false, err
	}
	defer rows.Close()
	next = it.next
	for rows.Next() {
		var seq int64
		var rec []byte
		if err := rows.Scan(&seq, &rec); err != nil {
			return nil, 0, false, err
		}
		recs = append(recs, rec)
		next = seq + 1
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	return recs, next, st.ended != 0 && next > st.lastSeq, nil
}

func (s *Service) getRecords(ctx context.Context, r *protocol.Request, in *getRecordsIn) (any, error) {
	limit := 1000
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	now := s.now()
	out := &records{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		recs, next, closed, err := s.read(tx, in.it, limit, now)
		if err != nil {
			return err
		}
		out.recs = recs
		if !closed {
			out.next = iterator{arn: in.it.arn, next: next, issued: now.UnixMilli()}.String()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- reading on behalf of a principal (Lambda's event source mappings) ---

// ErrNoAuthorizer is returned by the *As methods of a Service built
// without Options.Authz.
var ErrNoAuthorizer = errors.New("dynamodb: calls on behalf of a principal need Options.Authz")

// authorizeAs asks the door whether caller may perform action on the
// stream, recorded under requestID.
func (s *Service) authorizeAs(ctx context.Context, requestID string, caller *authz.Caller, action, streamARN string) error {
	if s.authz == nil {
		return ErrNoAuthorizer
	}
	ref, _ := parseStreamARN(streamARN)
	resource := streamARN
	if action == "dynamodb:ListStreams" {
		// ListStreams names no stream: it is authorized on "*", as the API's.
		resource = "*"
	}
	return s.authz.Authorize(ctx, &authz.Check{
		RequestID: requestID, Caller: caller, Action: action, Resource: resource, ResourceAccount: ref.account,
		Context: authz.BackgroundContext(s.now(), ref.region), Deny: AccessDenied,
	})
}

// CheckStreamAs reports whether caller may perform action on the stream:
// nil, an AccessDeniedException, or ResourceNotFoundException when allowed
// but the stream does not exist.
func (s *Service) CheckStreamAs(ctx context.Context, requestID string, caller *authz.Caller, action, streamARN string) error {
	if err := s.authorizeAs(ctx, requestID, caller, action, streamARN); err != nil {
		return err
	}
	return s.db.Read(ctx, func(tx *store.Tx) error {
		_, err := s.mustStream(tx, streamARN, s.now())
		return err
	})
}

// StreamPositionAs is GetShardIterator for caller: the sequence number
// a reader starting at position (TRIM_HORIZON or LATEST) reads next.
func (s *Service) StreamPositionAs(ctx context.Context, requestID string, caller *authz.Caller, streamARN, position string) (int64, error) {
	if err := s.authorizeAs(ctx, requestID, caller, "dynamodb:GetShardIterator", streamARN); err != nil {
		return 0, err
	}
	now := s.now()
	var next int64
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		st, err := s.mustStream(tx, streamARN, now)
		if err != nil {
			return err
		}
		next, err = st.position(tx, position, nil, now)
		return err
	})
	return next, err
}

// ReadStreamAs is GetRecords for caller from the sequence number from: up
// to limit records (as GetRecords answers them) and the sequence number to
// read next. A position the retention trimmed reads from the oldest record
// kept, as Lambda does.
func (s *Service) ReadStreamAs(ctx context.Context, requestID string, caller *authz.Caller, streamARN string, from int64, limit int) ([][]byte, int64, error) {
	if err := s.authorizeAs(ctx, requestID, caller, "dynamodb:GetRecords", streamARN); err != nil {
		return nil, 0, err
	}
	now := s.now()
	var recs [][]byte
	next := from
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		st, err := s.mustStream(tx, streamARN, now)
		if err != nil {
			return err
		}
		if h, err := st.horizon(tx, now); err != nil {
			return err
		} else if from < h {
			from = h
		}
		recs, next, _, err = s.read(tx, iterator{arn: streamARN, next: from, issued: now.UnixMilli()}, limit, now)
		return err
	})
	return recs, next, err
}
