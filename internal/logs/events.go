package logs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// PutLogEvents limits, from the API reference.
const (
	maxBatchEvents = 10000
	maxBatchBytes  = 1048576
	// eventOverhead is added to each message's UTF-8 length when sizing a
	// batch.
	eventOverhead = 26
	// maxEventBytes bounds one event (message plus overhead): "Each log
	// event can be no larger than 1 MB."
	// unconfirmed: whether the 1 MB limit counts the overhead, as the
	// former 256 KB one did ("Log event too large: 262145 bytes exceeds
	// limit of 262144" for a 262119-byte message).
	maxEventBytes = 1048576
	maxBatchSpan  = 24 * time.Hour
	maxAge        = 14 * 24 * time.Hour
	maxAhead      = 2 * time.Hour
)

// insertChunk is how many events one INSERT statement carries.
const insertChunk = 128

// event is one log event on its way into the store.
type event struct {
	ts  int64
	msg string
}

type inputEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  *string         `json:"logGroupName"`
	LogStreamName *string         `json:"logStreamName"`
	LogEvents     *[]inputEvent   `json:"logEvents"`
	SequenceToken *string         `json:"sequenceToken"`
	Entity        json.RawMessage `json:"entity"`
}

// rejectedInfo is PutLogEvents' RejectedLogEventsInfo.
type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	NextSequenceToken     string        `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedInfo `json:"rejectedLogEventsInfo,omitempty"`
}

func (s *Service) putLogEventsTarget(_ context.Context, r *protocol.Request) (*putLogEventsInput, protocol.Target, error) {
	var in putLogEventsInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	v.required(in.LogStreamName, "logStreamName", streamNameShape)
	switch {
	case in.LogEvents == nil:
		v.add(nil, "logEvents", msgNotNull)
	case len(*in.LogEvents) == 0:
		empty := "[]"
		v.add(&empty, "logEvents", fmt.Sprintf(msgMinLenFmt, 1))
	case len(*in.LogEvents) > maxBatchEvents:
		// unconfirmed: how AWS renders the list in this message.
		n := "[" + strconv.Itoa(len(*in.LogEvents)) + " log events]"
		v.add(&n, "logEvents", fmt.Sprintf(msgMaxLenFmt, 10000))
	default:
		for i, e := range *in.LogEvents {
			member := "logEvents." + strconv.Itoa(i+1) + ".member."
			if e.Timestamp == nil {
				v.add(nil, member+"timestamp", msgNotNull)
			} else if *e.Timestamp < 0 {
				ts := strconv.FormatInt(*e.Timestamp, 10)
				v.add(&ts, member+"timestamp", fmt.Sprintf(msgMinValueFmt, 0))
			}
			if e.Message == nil {
				v.add(nil, member+"message", msgNotNull)
			} else if *e.Message == "" {
				v.add(e.Message, member+"message", fmt.Sprintf(msgMinLenFmt, 1))
			}
		}
	}
	v.str(in.SequenceToken, "sequenceToken", tokenShape)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	g := ref(r, *in.LogGroupName)
	return &in, protocol.Target{Resource: g.streamARN(*in.LogStreamName), Account: g.account}, nil
}

func (s *Service) putLogEvents(ctx context.Context, r *protocol.Request, in *putLogEventsInput) (any, error) {
	events := make([]event, len(*in.LogEvents))
	for i, e := range *in.LogEvents {
		events[i] = event{ts: *e.Timestamp, msg: *e.Message}
	}
	now := millis(r.Now)
	lo, hi, rejected, err := checkBatch(events, now)
	if err != nil {
		return nil, err
	}
	out := &putLogEventsOutput{RejectedLogEventsInfo: rejected}
	g := ref(r, *in.LogGroupName)
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		gid, sid, seq, err := lookupPair(tx, g, *in.LogStreamName)
		if err != nil {
			return err
		}
		if hi > lo {
			if seq, err = s.appendEvents(tx, gid, sid, events[lo:hi], now); err != nil {
				return err
			}
		}
		out.NextSequenceToken = sequenceToken(sid, seq+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkBatch applies PutLogEvents' rules to a batch: sizes, chronological
// order, and the time window. Events more than 14 days old or more than 2
// hours ahead are rejected (reported in rejected) while the rest, events
// [lo, hi), are accepted; those may not span more than 24 hours.
func checkBatch(events []event, now int64) (lo, hi int, rejected *rejectedInfo, err error) {
	total := 0
	for _, e := range events {
		n := len(e.msg) + eventOverhead
		if n > maxEventBytes {
			return 0, 0, nil, errInvalidParameter.Errorf(msgEventTooLargeFmt, n, maxEventBytes)
		}
		total += n
	}
	if total > maxBatchBytes {
		return 0, 0, nil, errInvalidParameter.Errorf(msgUploadTooLargeFmt, total, maxBatchBytes)
	}
	for i := 1; i < len(events); i++ {
		if events[i].ts < events[i-1].ts {
			return 0, 0, nil, errInvalidParameter.New(msgChronological)
		}
	}
	oldest := now - maxAge.Milliseconds()
	newest := now + maxAhead.Milliseconds()
	lo, hi = 0, len(events)
	for lo < hi && events[lo].ts < oldest {
		lo++
	}
	for hi > lo && events[hi-1].ts > newest {
		hi--
	}
	if lo > 0 || hi < len(events) {
		rejected = &rejectedInfo{}
		if lo > 0 {
			// "The index of the last log event that is too old. This
			// field is exclusive."
			// unconfirmed: read as the end of the too-old range, exclusive.
			end := lo
			rejected.TooOldLogEventEndIndex = &end
		}
		if hi < len(events) {
			start := hi
			rejected.TooNewLogEventStartIndex = &start
		}
	}
	if hi > lo && events[hi-1].ts-events[lo].ts > maxBatchSpan.Milliseconds() {
		return 0, 0, nil, errInvalidParameter.New(msgSpan24h)
	}
	return lo, hi, rejected, nil
}

// lookupPair finds a group and one of its streams, answering AWS's
// not-found errors.
func lookupPair(tx *store.Tx, g groupRef, streamName string) (gid, sid, seq int64, err error) {
	var ok int
	err = tx.QueryRow(`SELECT g.id, coalesce(s.id, 0), coalesce(s.seq, 0), s.id IS NOT NULL FROM logs_groups g
		LEFT JOIN logs_streams s ON s.gid = g.id AND s.name = ?
		WHERE g.account = ? AND g.region = ? AND g.name = ?`, streamName, g.account, g.region, g.name).Scan(&gid, &sid, &seq, &ok)
	if isNoRows(err) {
		return 0, 0, 0, errNotFound.New(msgGroupNotFound)
	}
	if err != nil {
		return 0, 0, 0, err
	}
	if ok == 0 {
		return 0, 0, 0, errNotFound.New(msgStreamNotFound)
	}
	return gid, sid, seq, nil
}

// appendEvents writes events (in chronological order) to a stream and
// updates the stream's and the group's counters, returning the stream's
// new batch count. Events go in multi-row INSERTs of power-of-two sizes, so
// a batch of any length uses a handful of cached statements.
func (s *Service) appendEvents(tx *store.Tx, gid, sid int64, events []event, now int64) (int64, error) {
	first, last := events[0].ts, events[len(events)-1].ts
	args := make([]any, 0, 5*min(len(events), insertChunk))
	// The batch's constant columns are boxed once, not once per event.
	sidV, gidV, nowV := any(sid), any(gid), any(now)
	bytes := 0
	for len(events) > 0 {
		n := insertChunk
		for n > len(events) {
			n /= 2
		}
		args = args[:0]
		for _, e := range events[:n] {
			args = append(args, sidV, gidV, e.ts, nowV, e.msg)
			bytes += len(e.msg)
		}
		if _, err := tx.Exec(s.inserts[bits.Len(uint(n))-1], args...); err != nil {
			return 0, err
		}
		events = events[n:]
	}
	var seq int64
	err := tx.QueryRow(`UPDATE logs_streams SET first_ts = min(coalesce(first_ts, ?1), ?1), last_ts = max(last_ts, ?2),
		last_ingest = ?3, seq = seq + 1 WHERE id = ?4 RETURNING seq`, first, last, now, sid).Scan(&seq)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(`UPDATE logs_groups SET bytes = bytes + ? WHERE id = ?`, bytes, gid)
	return seq, err
}

// insertSQL is the INSERT of n events.
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO logs_events (sid, gid, ts, ingest, message) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`(?,?,?,?,?)`)
	}
	return b.String()
}

// insertStatements returns the INSERTs of 1, 2, 4, … insertChunk events.
func insertStatements() [8]string {
	var out [8]string
	for i := range out {
		out[i] = insertSQL(1 << i)
	}
	return out
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
