package kinesis

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// trimEvery: one record appended in this many also deletes the stream's
// records older than the retention.
const trimEvery = 256

// iteratorTTL is how long a shard iterator stays valid (GetShardIterator's
// API reference: five minutes).
const iteratorTTL = 5 * time.Minute

// recordIn is one record to put.
type recordIn struct {
	Data            []byte
	PartitionKey    *string
	ExplicitHashKey *string
}

// recordsInput is the members of PutRecord(s), GetShardIterator and
// GetRecords.
type recordsInput struct {
	StreamName *string
	StreamARN  *string
	recordIn
	Records                []recordIn
	ShardID                *string `json:"ShardId"`
	ShardIteratorType      *string
	StartingSequenceNumber *string
	Timestamp              *float64
	ShardIterator          *string
	Limit                  *int64

	ref streamRef
	it  iterator
}

var (
	sequencePattern = regexp.MustCompile(`^(0|[1-9]\d{0,128})$`)
	hashKeyPattern  = regexp.MustCompile(`^(0|[1-9]\d{0,38})$`)
)

// checkRecord applies a record's model constraints; at prefixes the
// members' names (records.N. in PutRecords).
func checkRecord(rec *recordIn, at string) error {
	if rec.Data == nil {
		return violation(nil, at+"data", constraintNotNull)
	}
	if rec.PartitionKey == nil {
		return violation(nil, at+"partitionKey", constraintNotNull)
	}
	if n := len(*rec.PartitionKey); n < 1 || n > 256 {
		if n < 1 {
			return violation(rec.PartitionKey, at+"partitionKey", fmt.Sprintf(constraintMinFmt, 1))
		}
		return violation(rec.PartitionKey, at+"partitionKey", fmt.Sprintf(constraintMaxFmt, 256))
	}
	if h := rec.ExplicitHashKey; h != nil && !hashKeyPattern.MatchString(*h) {
		return violation(h, at+"explicitHashKey", constraintHashKeyPattern)
	}
	if n := len(rec.Data) + len(*rec.PartitionKey); n > maxRecordBytes {
		return errValidation.Errorf(msgRecordTooLargeFmt, maxRecordBytes, n)
	}
	return nil
}

// hashKey is where a record goes in the key space: its ExplicitHashKey,
// or the MD5 of its partition key read as a 128-bit integer.
func hashKey(rec *recordIn) (*big.Int, error) {
	if h := rec.ExplicitHashKey; h != nil {
		k, ok := new(big.Int).SetString(*h, 10)
		if !ok || k.Cmp(keySpace) >= 0 {
			return nil, errInvalidArgument.Errorf(msgBadHashKeyFmt, *h)
		}
		return k, nil
	}
	sum := md5.Sum([]byte(*rec.PartitionKey))
	return new(big.Int).SetBytes(sum[:]), nil
}

func decodeRecords(r *protocol.Request) (*recordsInput, error) {
	in := &recordsInput{}
	err := protocol.DecodeJSON(r.Body, in)
	return in, err
}

func recordsCheck(action string) protocol.Auth[*recordsInput] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in *recordsInput) (protocol.Target, error) {
		return in.ref.target(), nil
	})
}

// appendRecord stores one record in st inside tx; it returns its shard
// and sequence number.
func appendRecord(tx *store.Tx, arn string, shards int, k *big.Int, pk string, data []byte, now time.Time) (int, int64, error) {
	var seq int64
	if err := tx.QueryRow(`UPDATE kinesis_streams SET last_seq = last_seq + 1 WHERE arn = ? RETURNING last_seq`, arn).Scan(&seq); err != nil {
		return 0, 0, err
	}
	shard := shardOf(k, shards)
	if _, err := tx.Exec(`INSERT INTO kinesis_records (stream, shard, seq, at, pk, data) VALUES (?, ?, ?, ?, ?, ?)`,
		arn, shard, seq, now.UnixMilli(), pk, data); err != nil {
		return 0, 0, err
	}
	if seq%trimEvery == 0 {
		// Reads skip records past the retention; now and then a write
		// deletes them, so a busy stream does not grow without end.
		if _, err := tx.Exec(`DELETE FROM kinesis_records WHERE stream = ? AND at < ?`, arn, now.Add(-retentionHours*time.Hour).UnixMilli()); err != nil {
			return 0, 0, err
		}
	}
	return shard, seq, nil
}

// Append stores a record in the stream arn names inside tx, the
// transaction of the change it tells of (DynamoDB's Kinesis streaming
// destinations); ok is false, and nothing is written, when the stream is
// not there.
func (s *Service) Append(tx *store.Tx, arn, partitionKey string, data []byte, now time.Time) (ok bool, err error) {
	m := arnPattern.FindStringSubmatch(arn)
	if m == nil {
		return false, nil
	}
	st, err := load(tx, streamRef{arn: arn, region: m[1], account: m[2], name: m[3]})
	if err != nil || st == nil {
		return false, err
	}
	sum := md5.Sum([]byte(partitionKey))
	_, _, err = appendRecord(tx, arn, st.shards, new(big.Int).SetBytes(sum[:]), partitionKey, data, now)
	return err == nil, err
}

// Exists reports whether the stream arn names is there.
func (s *Service) Exists(ctx context.Context, arn string) (bool, error) {
	m := arnPattern.FindStringSubmatch(arn)
	if m == nil {
		return false, nil
	}
	var st *stream
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		st, err = load(tx, streamRef{arn: arn, region: m[1], account: m[2], name: m[3]})
		return err
	})
	return st != nil, err
}

func (s *Service) putRecordOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*recordsInput]{
		Name: "PutRecord",
		Decode: func(ctx context.Context, r *protocol.Request) (*recordsInput, error) {
			in, err := decodeRecords(r)
			if err != nil {
				return nil, err
			}
			if err := checkRecord(&in.recordIn, ""); err != nil {
				return nil, err
			}
			in.ref, err = resolve(r, in.StreamName, in.StreamARN)
			return in, err
		},
		Auth: recordsCheck("kinesis:PutRecord"),
		Handle: func(ctx context.Context, r *protocol.Request, in *recordsInput) (any, error) {
			k, err := hashKey(&in.recordIn)
			if err != nil {
				return nil, err
			}
			var shard int
			var seq int64
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				st, err := mustLoad(tx, in.ref)
				if err != nil {
					return err
				}
				shard, seq, err = appendRecord(tx, st.arn, st.shards, k, *in.PartitionKey, in.Data, r.Now)
				return err
			})
			if err != nil {
				return nil, err
			}
			return map[string]string{"ShardId": shardID(shard), "SequenceNumber": sequenceNumber(seq)}, nil
		},
	})
}

type putResult struct {
	SequenceNumber string `json:",omitempty"`
	ShardID        string `json:"ShardId,omitempty"`
	ErrorCode      string `json:",omitempty"`
	ErrorMessage   string `json:",omitempty"`
}

func (s *Service) putRecordsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*recordsInput]{
		Name: "PutRecords",
		Decode: func(ctx context.Context, r *protocol.Request) (*recordsInput, error) {
			in, err := decodeRecords(r)
			if err != nil {
				return nil, err
			}
			switch n := len(in.Records); {
			case in.Records == nil:
				return nil, violation(nil, "records", constraintNotNull)
			case n < 1:
				v := "[]"
				return nil, violation(&v, "records", fmt.Sprintf(constraintMinFmt, 1))
			case n > 500:
				v := strconv.Itoa(n) + " records"
				return nil, violation(&v, "records", fmt.Sprintf(constraintMaxFmt, 500))
			}
			for i := range in.Records {
				if err := checkRecord(&in.Records[i], "records."+strconv.Itoa(i+1)+".member."); err != nil {
					return nil, err
				}
			}
			in.ref, err = resolve(r, in.StreamName, in.StreamARN)
			return in, err
		},
		Auth: recordsCheck("kinesis:PutRecords"),
		Handle: func(ctx context.Context, r *protocol.Request, in *recordsInput) (any, error) {
			keys := make([]*big.Int, len(in.Records))
			for i := range in.Records {
				var err error
				if keys[i], err = hashKey(&in.Records[i]); err != nil {
					return nil, err
				}
			}
			out := make([]putResult, len(in.Records))
			err := s.db.Write(ctx, func(tx *store.Tx) error {
				st, err := mustLoad(tx, in.ref)
				if err != nil {
					return err
				}
				for i, rec := range in.Records {
					shard, seq, err := appendRecord(tx, st.arn, st.shards, keys[i], *rec.PartitionKey, rec.Data, r.Now)
					if err != nil {
						return err
					}
					out[i] = putResult{SequenceNumber: sequenceNumber(seq), ShardID: shardID(shard)}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return map[string]any{"FailedRecordCount": 0, "Records": out}, nil
		},
	})
}

// iterator is a shard iterator's content: the stream (and its creation,
// so a re-created stream's iterators are not the new one's), the shard,
// the next sequence number to read, and when it was issued.
type iterator struct {
	arn     string
	created int64
	shard   int
	next    int64
	issued  int64 // UnixMilli
}

func (it iterator) encode() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "1|%s|%d|%d|%d|%d", it.arn, it.created, it.shard, it.next, it.issued))
}

// parseIterator reads an iterator encode wrote.
func parseIterator(s string) (iterator, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return iterator{}, false
	}
	f := strings.Split(string(b), "|")
	if len(f) != 6 || f[0] != "1" || arnPattern.FindStringSubmatch(f[1]) == nil {
		return iterator{}, false
	}
	var it iterator
	var nums [4]int64
	for i := range nums {
		if nums[i], err = strconv.ParseInt(f[i+2], 10, 64); err != nil || nums[i] < 0 {
			return iterator{}, false
		}
	}
	it.arn = f[1]
	it.created, it.shard, it.next, it.issued = nums[0], int(nums[1]), nums[2], nums[3]
	return it, nums[1] < maxShards
}

func (s *Service) getShardIteratorOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*recordsInput]{
		Name: "GetShardIterator",
		Decode: func(ctx context.Context, r *protocol.Request) (*recordsInput, error) {
			in, err := decodeRecords(r)
			if err != nil {
				return nil, err
			}
			switch {
			case in.ShardID == nil:
				return nil, violation(nil, "shardId", constraintNotNull)
			case in.ShardIteratorType == nil:
				return nil, violation(nil, "shardIteratorType", constraintNotNull)
			}
			if err := checkName(in.ShardID, "shardId"); err != nil {
				return nil, err
			}
			switch *in.ShardIteratorType {
			case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP":
			default:
				return nil, violation(in.ShardIteratorType, "shardIteratorType", constraintIteratorType)
			}
			if n := in.StartingSequenceNumber; n != nil && !sequencePattern.MatchString(*n) {
				return nil, violation(n, "startingSequenceNumber", constraintSequencePattern)
			}
			in.ref, err = resolve(r, in.StreamName, in.StreamARN)
			return in, err
		},
		Auth: recordsCheck("kinesis:GetShardIterator"),
		Handle: func(ctx context.Context, r *protocol.Request, in *recordsInput) (any, error) {
			typ := *in.ShardIteratorType
			if (typ == "AT_SEQUENCE_NUMBER" || typ == "AFTER_SEQUENCE_NUMBER") && in.StartingSequenceNumber == nil {
				return nil, errInvalidArgument.Errorf(msgNeedSequenceFmt, typ)
			}
			if typ == "AT_TIMESTAMP" && in.Timestamp == nil {
				return nil, errInvalidArgument.New(msgNeedTimestamp)
			}
			var it iterator
			err := s.db.Read(ctx, func(tx *store.Tx) error {
				st, err := mustLoad(tx, in.ref)
				if err != nil {
					return err
				}
				shard, ok := parseShardID(*in.ShardID)
				if !ok || shard >= st.shards {
					return errNotFound.Errorf(msgShardNotFoundFmt, *in.ShardID, st.name, st.account)
				}
				it = iterator{arn: st.arn, created: st.created, shard: shard, issued: r.Now.UnixMilli()}
				switch typ {
				case "TRIM_HORIZON":
				case "LATEST":
					it.next = st.lastSeq + 1
				case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
					n, ok := parseSequenceNumber(*in.StartingSequenceNumber)
					if !ok || n > st.lastSeq {
						return errInvalidArgument.Errorf(msgBadSequenceFmt, *in.StartingSequenceNumber, *in.ShardID, st.name, st.account)
					}
					it.next = n
					if typ == "AFTER_SEQUENCE_NUMBER" {
						it.next++
					}
				case "AT_TIMESTAMP":
					at := int64(*in.Timestamp * 1000)
					it.next = st.lastSeq + 1
					var first *int64
					if err := tx.QueryRow(`SELECT MIN(seq) FROM kinesis_records WHERE stream = ? AND shard = ? AND at >= ?`, st.arn, shard, at).Scan(&first); err != nil {
						return err
					}
					if first != nil {
						it.next = *first
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return map[string]string{"ShardIterator": it.encode()}, nil
		},
	})
}

type recordOut struct {
	SequenceNumber              string
	ApproximateArrivalTimestamp float64
	Data                        []byte
	PartitionKey                string
}

func (s *Service) getRecordsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*recordsInput]{
		Name: "GetRecords",
		Decode: func(ctx context.Context, r *protocol.Request) (*recordsInput, error) {
			in, err := decodeRecords(r)
			if err != nil {
				return nil, err
			}
			if in.ShardIterator == nil {
				return nil, violation(nil, "shardIterator", constraintNotNull)
			}
			if n := len(*in.ShardIterator); n < 1 || n > 512 {
				if n < 1 {
					return nil, violation(in.ShardIterator, "shardIterator", fmt.Sprintf(constraintMinFmt, 1))
				}
				return nil, violation(in.ShardIterator, "shardIterator", fmt.Sprintf(constraintMaxFmt, 512))
			}
			if l := in.Limit; l != nil && (*l < 1 || *l > 10000) {
				v := fmt.Sprint(*l)
				if *l < 1 {
					return nil, violation(&v, "limit", fmt.Sprintf(constraintValueMinFmt, 1))
				}
				return nil, violation(&v, "limit", fmt.Sprintf(constraintValueMaxFmt, 10000))
			}
			var ok bool
			if in.it, ok = parseIterator(*in.ShardIterator); !ok {
				return nil, errInvalidArgument.Errorf(msgBadIteratorFmt, *in.ShardIterator)
			}
			m := arnPattern.FindStringSubmatch(in.it.arn)
			in.ref = streamRef{arn: in.it.arn, region: m[1], account: m[2], name: m[3]}
			return in, nil
		},
		Auth: recordsCheck("kinesis:GetRecords"),
		Handle: func(ctx context.Context, r *protocol.Request, in *recordsInput) (any, error) {
			it := in.it
			if now := r.Now.UnixMilli(); now-it.issued > iteratorTTL.Milliseconds() {
				return nil, errExpiredIterator.Errorf(msgExpiredIteratorFmt,
					time.UnixMilli(it.issued).UTC().Format(time.RFC3339Nano), r.Now.UTC().Format(time.RFC3339Nano))
			}
			limit := int64(10000)
			if in.Limit != nil {
				limit = *in.Limit
			}
			recs := []recordOut{}
			var behind int64
			err := s.db.Read(ctx, func(tx *store.Tx) error {
				st, err := mustLoad(tx, in.ref)
				if err != nil {
					return err
				}
				if st.created != it.created {
					return in.ref.notFound()
				}
				if it.shard >= st.shards {
					// Only an iterator seki did not issue names it.
					return errNotFound.Errorf(msgShardNotFoundFmt, shardID(it.shard), st.name, st.account)
				}
				oldest := r.Now.Add(-retentionHours * time.Hour).UnixMilli()
				rows, err := tx.Query(`SELECT seq, at, pk, data FROM kinesis_records WHERE stream = ? AND shard = ? AND seq >= ? AND at >= ? ORDER BY seq LIMIT ?`,
					st.arn, it.shard, it.next, oldest, limit)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var seq, at int64
					var rec recordOut
					if err := rows.Scan(&seq, &at, &rec.PartitionKey, &rec.Data); err != nil {
						return err
					}
					rec.SequenceNumber, rec.ApproximateArrivalTimestamp = sequenceNumber(seq), float64(at)/1000
					recs = append(recs, rec)
					it.next = seq + 1
				}
				if err := rows.Err(); err != nil {
					return err
				}
				// MillisBehindLatest: how old the first record left
				// unread is; 0 when none is.
				var at *int64
				if err := tx.QueryRow(`SELECT MIN(at) FROM kinesis_records WHERE stream = ? AND shard = ? AND seq >= ?`, st.arn, it.shard, it.next).Scan(&at); err != nil {
					return err
				}
				if at != nil {
					behind = max(r.Now.UnixMilli()-*at, 0)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			it.issued = r.Now.UnixMilli()
			return map[string]any{"Records": recs, "NextShardIterator": it.encode(), "MillisBehindLatest": behind}, nil
		},
	})
}
