package logs

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/logs/filter"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Read limits: a page holds at most 10,000 events and 1 MB of them.
const (
	maxPageEvents = 10000
	maxPageBytes  = 1 << 20
	// filterScanBudget bounds the events one FilterLogEvents call reads;
	// past it the call returns what it found with a nextToken, as AWS's
	// partial pages do, so a sparse filter over a large group cannot hold a
	// reader for long.
	filterScanBudget = 200000
)

// pos is an event's place in time order: its timestamp, then its id.
type pos struct{ ts, id int64 }

func (p pos) less(q pos) bool { return p.ts < q.ts || p.ts == q.ts && p.id < q.id }

func maxPos(a, b pos) pos {
	if a.less(b) {
		return b
	}
	return a
}

func minPos(a, b pos) pos {
	if a.less(b) {
		return a
	}
	return b
}

// digits renders a position as 56 decimal digits, the length of AWS's
// event ids and token bodies: 20 for the timestamp, 36 for the id.
func (p pos) digits() string { return fmt.Sprintf("%020d%036d", p.ts, p.id) }

func parseDigits(s string) (pos, bool) {
	if len(s) != 56 {
		return pos{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return pos{}, false
		}
	}
	ts, err1 := strconv.ParseInt(s[:20], 10, 64)
	id, err2 := strconv.ParseInt(s[20:], 10, 64)
	if err1 != nil || err2 != nil {
		return pos{}, false
	}
	return pos{ts: ts, id: id}, true
}

// GetLogEvents tokens look like AWS's: "f/<56 digits>/s" to read forward
// from a position, "b/<56 digits>/s" to read backward from it.
func (p pos) token(dir byte) string { return string(dir) + "/" + p.digits() + "/s" }

func parseEventToken(tok string) (dir byte, p pos, ok bool) {
	if len(tok) != 60 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' || !strings.HasSuffix(tok, "/s") {
		return 0, pos{}, false
	}
	p, ok = parseDigits(tok[2:58])
	return tok[0], p, ok
}

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int64  `json:"limit"`
	StartFromHead      bool    `json:"startFromHead"`
	Unmask             bool    `json:"unmask"`

	group groupRef
}

type getLogEventsOutput struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

func (s *Service) getLogEventsTarget(_ context.Context, r *protocol.Request) (*getLogEventsInput, protocol.Target, error) {
	var in getLogEventsInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.str(in.LogGroupName, "logGroupName", groupNameShape)
	v.str(in.LogGroupIdentifier, "logGroupIdentifier", identifierShape)
	v.required(in.LogStreamName, "logStreamName", streamNameShape)
	v.intRange(in.StartTime, "startTime", 0, math.MaxInt64)
	v.intRange(in.EndTime, "endTime", 0, math.MaxInt64)
	v.str(in.NextToken, "nextToken", tokenShape)
	v.intRange(in.Limit, "limit", 1, maxPageEvents)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	g, err := resolveIdentifier(r, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, protocol.Target{}, err
	}
	in.group = g
	return &in, protocol.Target{Resource: g.streamARN(*in.LogStreamName), Account: g.account}, nil
}

func (s *Service) getLogEvents(ctx context.Context, r *protocol.Request, in *getLogEventsInput) (any, error) {
	return s.readStream(ctx, in)
}

// readStream answers GetLogEvents: one page of a stream's events in
// [startTime, endTime), forward or backward from a position.
func (s *Service) readStream(ctx context.Context, in *getLogEventsInput) (*getLogEventsOutput, error) {
	limit := maxPageEvents
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if in.StartTime != nil {
		lo = *in.StartTime
	}
	if in.EndTime != nil {
		hi = *in.EndTime
	}
	forward := in.StartFromHead
	from := pos{ts: math.MinInt64}
	if !forward {
		from = pos{ts: math.MaxInt64, id: math.MaxInt64}
	}
	given := false
	if in.NextToken != nil {
		dir, p, ok := parseEventToken(*in.NextToken)
		if !ok {
			return nil, errInvalidParameter.New(msgBadToken)
		}
		forward, from, given = dir == 'f', p, true
	}
	out := &getLogEventsOutput{Events: []outputEvent{}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		g, err := lookupGroup(tx, in.group)
		if err != nil {
			return err
		}
		if g == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		st, err := lookupStream(tx, g.id, *in.LogStreamName)
		if err != nil {
			return err
		}
		if st == nil {
			return errNotFound.New(msgStreamNotFound)
		}
		// One bound of the index range is the position, the other the
		// time limit, so that SQLite seeks straight to the page: ids are
		// positive, so (ts, id) > (lo, 0) means ts >= lo and
		// (ts, id) < (hi, 0) means ts < hi.
		var rows *sql.Rows
		if forward {
			start := maxPos(from, pos{ts: lo})
			rows, err = tx.Query(`SELECT id, ts, ingest, message FROM logs_events
				WHERE sid = ? AND (ts, id) > (?, ?) AND ts < ? ORDER BY ts, id LIMIT ?`, st.id, start.ts, start.id, hi, limit)
		} else {
			end := minPos(from, pos{ts: hi})
			rows, err = tx.Query(`SELECT id, ts, ingest, message FROM logs_events
				WHERE sid = ? AND (ts, id) < (?, ?) AND ts >= ? ORDER BY ts DESC, id DESC LIMIT ?`, st.id, end.ts, end.id, lo, limit)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		var first, last pos
		size := 0
		for rows.Next() {
			var (
				p pos
				e outputEvent
			)
			if err := rows.Scan(&p.id, &p.ts, &e.IngestionTime, &e.Message); err != nil {
				return err
			}
			e.Timestamp = p.ts
			size += len(e.Message) + eventOverhead
			if size > maxPageBytes && len(out.Events) > 0 {
				break
			}
			if len(out.Events) == 0 {
				first = p
			}
			last = p
			out.Events = append(out.Events, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !forward {
			// Read newest first; a page lists its events oldest first.
			for i, j := 0, len(out.Events)-1; i < j; i, j = i+1, j-1 {
				out.Events[i], out.Events[j] = out.Events[j], out.Events[i]
			}
			first, last = last, first
		}
		switch {
		case len(out.Events) > 0:
			out.NextForwardToken, out.NextBackwardToken = last.token('f'), first.token('b')
		case given:
			// At the end in the direction read: the same position again,
			// which is how clients know they have read everything.
			out.NextForwardToken, out.NextBackwardToken = from.token('f'), from.token('b')
		default:
			// Nothing yet: a position before every event, from which a
			// forward reader will see the stream's first events.
			start := pos{ts: max(lo, 0)}
			out.NextForwardToken, out.NextBackwardToken = start.token('f'), start.token('b')
		}
		return nil
	})
	return out, err
}

type filterLogEventsInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int64   `json:"limit"`
	Interleaved         bool     `json:"interleaved"`
	Unmask              bool     `json:"unmask"`

	group   groupRef
	pattern *filter.Pattern
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type filterLogEventsOutput struct {
	Events []filteredEvent `json:"events"`
	// SearchedLogStreams "is no longer supported. This parameter returns
	// an empty list."
	SearchedLogStreams []struct{} `json:"searchedLogStreams"`
	NextToken          *string    `json:"nextToken,omitempty"`
}

func (s *Service) filterLogEventsTarget(_ context.Context, r *protocol.Request) (*filterLogEventsInput, protocol.Target, error) {
	var in filterLogEventsInput
	if err := decode(r, &in); err != nil {
		return nil, protocol.Target{}, err
	}
	var v violations
	v.str(in.LogGroupName, "logGroupName", groupNameShape)
	v.str(in.LogGroupIdentifier, "logGroupIdentifier", identifierShape)
	if in.LogStreamNames != nil {
		if n := len(in.LogStreamNames); n < 1 || n > 100 {
			// unconfirmed: how AWS renders the list in this message.
			list := "[" + strings.Join(in.LogStreamNames, ", ") + "]"
			bound := fmt.Sprintf(msgMinLenFmt, 1)
			if n > 100 {
				bound = fmt.Sprintf(msgMaxLenFmt, 100)
			}
			v.add(&list, "logStreamNames", bound)
		}
		for i, name := range in.LogStreamNames {
			v.str(&name, "logStreamNames."+strconv.Itoa(i+1)+".member", streamNameShape)
		}
	}
	v.str(in.LogStreamNamePrefix, "logStreamNamePrefix", streamNameShape)
	v.intRange(in.StartTime, "startTime", 0, math.MaxInt64)
	v.intRange(in.EndTime, "endTime", 0, math.MaxInt64)
	v.str(in.FilterPattern, "filterPattern", filterShape)
	v.str(in.NextToken, "nextToken", tokenShape)
	v.intRange(in.Limit, "limit", 1, maxPageEvents)
	if err := v.err(); err != nil {
		return nil, protocol.Target{}, err
	}
	g, err := resolveIdentifier(r, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, protocol.Target{}, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		// The rule is documented; unconfirmed: AWS's text.
		return nil, protocol.Target{}, errInvalidParameter.New(msgNamesAndPrefix)
	}
	if in.pattern, err = filter.Parse(deref(in.FilterPattern)); err != nil {
		return nil, protocol.Target{}, errInvalidParameter.New(err.Error())
	}
	in.group = g
	return &in, groupTarget(g), nil
}

func (s *Service) filterLogEvents(ctx context.Context, r *protocol.Request, in *filterLogEventsInput) (any, error) {
	return s.filterGroup(ctx, in)
}

// filterGroup answers FilterLogEvents: a group's events in [startTime,
// endTime], interleaved across its streams in time order, that match the
// pattern.
func (s *Service) filterGroup(ctx context.Context, in *filterLogEventsInput) (*filterLogEventsOutput, error) {
	limit := maxPageEvents
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if in.StartTime != nil {
		lo = *in.StartTime
	}
	if in.EndTime != nil {
		hi = *in.EndTime
	}
	from := pos{ts: math.MinInt64}
	if in.NextToken != nil {
		d, ok := decodeToken(*in.NextToken, "e")
		p, ok2 := parseDigits(d)
		if !ok || !ok2 {
			return nil, errInvalidParameter.New(msgBadToken)
		}
		from = p
	}
	out := &filterLogEventsOutput{Events: []filteredEvent{}, SearchedLogStreams: []struct{}{}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		g, err := lookupGroup(tx, in.group)
		if err != nil {
			return err
		}
		if g == nil {
			return errNotFound.New(msgGroupNotFound)
		}
		names, all, err := streamSet(ctx, tx, g.id, in)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			return nil
		}
		start := maxPos(from, pos{ts: lo})
		rows, err := tx.QueryContext(ctx, `SELECT id, sid, ts, ingest, message FROM logs_events
			WHERE gid = ? AND (ts, id) > (?, ?) AND ts <= ? ORDER BY ts, id`, g.id, start.ts, start.id, hi)
		if err != nil {
			return err
		}
		defer rows.Close()
		matchAll := in.pattern.MatchesAll()
		scanned, size := 0, 0
		var last pos
		for rows.Next() {
			var (
				p   pos
				sid int64
				e   filteredEvent
			)
			if err := rows.Scan(&p.id, &sid, &p.ts, &e.IngestionTime, &e.Message); err != nil {
				return err
			}
			scanned++
			name, ok := names[sid]
			if (all || ok) && (matchAll || in.pattern.Match(e.Message)) {
				size += len(e.Message) + eventOverhead
				if len(out.Events) == limit || size > maxPageBytes && len(out.Events) > 0 {
					// There is more: continue after the last event
					// returned.
					tok := encodeToken("e", last.digits())
					out.NextToken = &tok
					break
				}
				e.LogStreamName, e.Timestamp, e.EventID = name, p.ts, p.digits()
				out.Events = append(out.Events, e)
			}
			last = p
			if scanned >= filterScanBudget {
				// A partial page: continue after the last event read.
				tok := encodeToken("e", last.digits())
				out.NextToken = &tok
				break
			}
		}
		return rows.Err()
	})
	return out, err
}

// streamSet returns the names of the group's streams a FilterLogEvents
// call searches, by id; all reports that every stream is searched (names
// then holds them all).
func streamSet(ctx context.Context, tx *store.Tx, gid int64, in *filterLogEventsInput) (map[int64]string, bool, error) {
	names := map[int64]string{}
	if in.LogStreamNames != nil {
		for _, n := range in.LogStreamNames {
			st, err := lookupStream(tx, gid, n)
			if err != nil {
				return nil, false, err
			}
			// Streams that do not exist are simply not searched.
			if st != nil {
				names[st.id] = n
			}
		}
		return names, false, nil
	}
	prefix := deref(in.LogStreamNamePrefix)
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM logs_streams WHERE gid = ? AND name >= ? AND name < ?`, gid, prefix, prefix+"\xff")
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			name string
		)
		if err := rows.Scan(&id, &name); err != nil {
			return nil, false, err
		}
		if strings.HasPrefix(name, prefix) {
			names[id] = name
		}
	}
	return names, prefix == "", rows.Err()
}
