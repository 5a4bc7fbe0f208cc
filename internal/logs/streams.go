package logs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// stream is a stored log stream.
type stream struct {
	id         int64
	name       string
	created    int64
	firstTS    sql.NullInt64
	lastTS     int64 // -1 before the first event
	lastIngest sql.NullInt64
	seq        int64 // PutLogEvents batches accepted
}

// lookupStream reads a stream of group gid, or returns nil when there is
// none.
func lookupStream(tx *store.Tx, gid int64, name string) (*stream, error) {
	st := &stream{name: name}
	err := tx.QueryRow(`SELECT id, created, first_ts, last_ts, last_ingest, seq FROM logs_streams WHERE gid = ? AND name = ?`,
		gid, name).Scan(&st.id, &st.created, &st.firstTS, &st.lastTS, &st.lastIngest, &st.seq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return st, err
}

// insertStream creates a stream; exists reports a name already taken.
func insertStream(tx *store.Tx, gid int64, st *stream) (exists bool, err error) {
	res, err := tx.Exec(`INSERT INTO logs_streams (gid, name, created) VALUES (?, ?, ?)`, gid, st.name, st.created)
	if store.IsUniqueViolation(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	st.id, err = res.LastInsertId()
	st.lastTS = -1
	return false, err
}

// sequenceToken renders a stream's upload sequence token in the 56-digit
// form AWS uses. AWS ignores sequence tokens on input; they are reported
// for clients that still read them.
func sequenceToken(sid, seq int64) string {
	return fmt.Sprintf("49%018d%036d", sid, seq)
}

type streamInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

func (s *Service) createLogStreamTarget(_ context.Context, r *protocol.Request) (*streamInput, protocol.Target, error) {
	var in streamInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.required(in.LogGroupName, "logGroupName", groupNameShape)
	v.required(in.LogStreamName, "logStreamName", streamNameShape)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	g := ref(r, *in.LogGroupName)
	return &in, protocol.Target{Resource: g.streamARN(*in.LogStreamName), Account: g.account}, nil
}

func (s *Service) createLogStream(ctx context.Context, r *protocol.Request, in *streamInput) (any, error) {
	return nil, s.createStream(ctx, ref(r, *in.LogGroupName), *in.LogStreamName, millis(r.Now))
}

func (s *Service) createStream(ctx context.Context, g groupRef, name string, now int64) error {
	// Deliver may remember the stream as missing.
	defer s.forgetKnown()
	return s.db.Write(ctx, func(tx *store.Tx) error {
		rec, err := lookupGroup(tx, g)
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		exists, err := insertStream(tx, rec.id, &stream{name: name, created: now})
		if exists {
			return errAlreadyExists.New(msgStreamExists)
		}
		return err
	})
}

type describeLogStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          bool    `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int64  `json:"limit"`

	group groupRef
}

// logStreamOut is CloudWatch Logs' LogStream.
type logStreamOut struct {
	LogStreamName       string  `json:"logStreamName"`
	CreationTime        int64   `json:"creationTime"`
	FirstEventTimestamp *int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64  `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken *string `json:"uploadSequenceToken,omitempty"`
	Arn                 string  `json:"arn"`
	// StoredBytes "is always reported as zero" for streams since 2019.
	StoredBytes int64 `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStreamOut `json:"logStreams"`
	NextToken  *string        `json:"nextToken,omitempty"`
}

const (
	orderName = "LogStreamName"
	orderTime = "LastEventTime"
)

func (s *Service) describeLogStreamsTarget(_ context.Context, r *protocol.Request) (*describeLogStreamsInput, protocol.Target, error) {
	var in describeLogStreamsInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.str(in.LogGroupName, "logGroupName", groupNameShape)
	v.str(in.LogGroupIdentifier, "logGroupIdentifier", identifierShape)
	v.str(in.LogStreamNamePrefix, "logStreamNamePrefix", streamNameShape)
	v.enum(in.OrderBy, "orderBy", orderName, orderTime)
	v.str(in.NextToken, "nextToken", tokenShape)
	v.intRange(in.Limit, "limit", 1, 50)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	g, err := resolveIdentifier(r, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, protocol.Target{}, err
	}
	if in.LogStreamNamePrefix != nil && deref(in.OrderBy) == orderTime {
		// unconfirmed: AWS's exact text (the rule is documented).
		return nil, protocol.Target{}, errInvalidParameter.New(msgOrderByPrefix)
	}
	in.group = g
	return &in, groupTarget(g), nil
}

func (s *Service) describeLogStreams(ctx context.Context, r *protocol.Request, in *describeLogStreamsInput) (any, error) {
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	byTime := deref(in.OrderBy) == orderTime
	cur, err := parseStreamCursor(in.NextToken, byTime)
	if err != nil {
		return nil, err
	}
	prefix := deref(in.LogStreamNamePrefix)
	out := &describeLogStreamsOutput{LogStreams: []logStreamOut{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		g, err := lookupGroup(tx, in.group)
		if err != nil {
			return err
		}
		if g == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		q, args := streamQuery(g.id, byTime, in.Descending, prefix, cur, limit+1)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var last stream
		for rows.Next() {
			var st stream
			if err := rows.Scan(&st.id, &st.name, &st.created, &st.firstTS, &st.lastTS, &st.lastIngest, &st.seq); err != nil {
				return err
			}
			if !strings.HasPrefix(st.name, prefix) {
				continue
			}
			if len(out.LogStreams) == limit {
				tok := last.cursor(byTime)
				out.NextToken = &tok
				break
			}
			out.LogStreams = append(out.LogStreams, st.describe(in.group))
			last = st
		}
		return rows.Err()
	})
	return out, err
}

func (st *stream) describe(g groupRef) logStreamOut {
	o := logStreamOut{LogStreamName: st.name, CreationTime: st.created, Arn: g.streamARN(st.name)}
	if st.firstTS.Valid {
		o.FirstEventTimestamp = &st.firstTS.Int64
	}
	if st.lastTS >= 0 {
		o.LastEventTimestamp = &st.lastTS
	}
	if st.lastIngest.Valid {
		o.LastIngestionTime = &st.lastIngest.Int64
	}
	if st.seq > 0 {
		tok := sequenceToken(st.id, st.seq+1)
		o.UploadSequenceToken = &tok
	}
	return o
}

// streamCursor is the position after which a DescribeLogStreams page
// continues: the last stream's name, and its last event time when ordering
// by time.
type streamCursor struct {
	set    bool
	lastTS int64
	name   string
}

func (st *stream) cursor(byTime bool) string {
	if byTime {
		return encodeToken("t", strconv.FormatInt(st.lastTS, 10)+"/"+st.name)
	}
	return encodeToken("n", st.name)
}

func parseStreamCursor(tok *string, byTime bool) (streamCursor, error) {
	if tok == nil {
		return streamCursor{}, nil
	}
	if !byTime {
		name, ok := decodeToken(*tok, "n")
		if !ok {
			return streamCursor{}, errInvalidParameter.New(msgBadToken)
		}
		return streamCursor{set: true, name: name}, nil
	}
	pos, ok := decodeToken(*tok, "t")
	ts, name, found := strings.Cut(pos, "/")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || !found || err != nil {
		return streamCursor{}, errInvalidParameter.New(msgBadToken)
	}
	return streamCursor{set: true, lastTS: n, name: name}, nil
}

// streamQuery builds the page query; each variant is constant SQL text, so
// the store's statement cache holds a handful of them.
func streamQuery(gid int64, byTime, desc bool, prefix string, cur streamCursor, n int) (string, []any) {
	const cols = `SELECT id, name, created, first_ts, last_ts, last_ingest, seq FROM logs_streams WHERE gid = ?`
	args := []any{gid}
	q := cols
	if byTime {
		if cur.set {
			if desc {
				q += ` AND (last_ts, name) < (?, ?)`
			} else {
				q += ` AND (last_ts, name) > (?, ?)`
			}
			args = append(args, cur.lastTS, cur.name)
		}
		if desc {
			q += ` ORDER BY last_ts DESC, name DESC`
		} else {
			q += ` ORDER BY last_ts, name`
		}
		return q + ` LIMIT ?`, append(args, n)
	}
	if prefix != "" {
		// Every name with the prefix sorts below prefix+"\xff": no UTF-8
		// text contains the byte 0xff.
		q += ` AND name >= ? AND name < ?`
		args = append(args, prefix, prefix+"\xff")
	}
	if cur.set {
		if desc {
			q += ` AND name < ?`
		} else {
			q += ` AND name > ?`
		}
		args = append(args, cur.name)
	}
	if desc {
		q += ` ORDER BY name DESC`
	} else {
		q += ` ORDER BY name`
	}
	return q + ` LIMIT ?`, append(args, n)
}
