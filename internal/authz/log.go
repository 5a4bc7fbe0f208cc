package authz

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/policy"
)

// Entry is one recorded decision, as `seki explain` reads it back.
type Entry struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	Principal string    `json:"principal"`
	Action    string    `json:"action"`
	Resource  string    `json:"resource"`
	Decision  string    `json:"decision"`
	Message   string    `json:"message,omitempty"`
	// Reasons explain the decision: for denials the engine's full
	// explanation, for allows the statements that granted. A recorded
	// entry gets them from Explain.
	Reasons []policy.Reason `json:"reasons,omitempty"`
	// Rule is set when an AWS rule, not the policies, decided: the owner's
	// root user managing a bucket policy. Reasons then say what the
	// policies alone would have decided.
	Rule string `json:"rule,omitempty"`

	// Keys are the request's condition keys as recorded, when read back
	// from the log (seki policy generate turns some into conditions).
	Keys map[string][]string `json:"-"`

	// written, when set, is closed once the entry is on disk.
	written chan struct{}

	snap snapshot
}

// snapshot is what explaining a decision needs, frozen when the decision
// was made: the principal, the resource's account, a snapshot of the
// context, and the policy set (compiled policies are immutable, and the
// slices holding them are never changed in place). It holds no pointer into
// its entry, so entries can be copied.
type snapshot struct {
	ok              bool
	who             policy.Principal
	resourceAccount string
	ctx             policy.Context
	set             policy.Set
}

// request is the request the engine decided.
func (e *Entry) request() policy.Request {
	s := &e.snap
	return policy.Request{Principal: &s.who, Action: e.Action, Resource: e.Resource,
		ResourceAccount: s.resourceAccount, Context: &s.ctx}
}

// entry fills e with the decision and its snapshot. Explaining (about ten
// allocations and several times the decision's cost) waits for whoever
// reads the entry: `seki explain`, or a Recorder that asks.
func entry(e *Entry, c *Check, req *policy.Request, set *policy.Set, d policy.Decision, msg, rule string) {
	who := c.Caller.Principal.ARN
	if who == "" {
		// Anonymous callers (function URLs with AuthType NONE) have no ARN.
		who = "anonymous"
	}
	e.RequestID = c.RequestID
	e.Principal = who
	e.Action = c.Action
	e.Resource = c.Resource
	e.Decision = d.Result.String()
	e.Message = msg
	e.Rule = rule
	s := &e.snap
	s.ok = true
	s.who = *req.Principal
	s.resourceAccount = req.ResourceAccount
	if req.Context != nil {
		s.ctx = req.Context.Snapshot()
	}
	s.set = *set
}

func (a *Authorizer) record(c *Check, req *policy.Request, set *policy.Set, d policy.Decision, msg, rule string) {
	if a.log != nil {
		// The entry is written in place in the log's queue: recording
		// allocates nothing.
		a.log.enqueue(!d.Allowed(), func(e *Entry) { entry(e, c, req, set, d, msg, rule) })
		return
	}
	e := &Entry{Time: time.Now().UTC()}
	entry(e, c, req, set, d, msg, rule)
	a.rec.Record(e)
}

// Explain fills in the entry's Reasons from the decision's snapshot; it
// does nothing for entries read back from a log, which already have them.
// It must not run concurrently with itself on one entry.
func (e *Entry) Explain() {
	s := &e.snap
	if !s.ok {
		return
	}
	s.ok = false
	req := e.request()
	e.Reasons = policy.Explain(&req, &s.set).Reasons
	*s = snapshot{} // let the policies and the context go
}

// Log writes decisions as JSON lines to a file in the data directory,
// rotating to one previous file when it grows past its limit, so the log
// stays bounded. Writes happen on Log's own goroutine; Close drains it.
type Log struct {
	dir   string
	limit int64
	done  chan struct{}
	// wake tells an idle writer that the queue has entries.
	wake chan struct{}

	mu sync.Mutex
	// queue holds entries not yet taken by the writer; the writer swaps it
	// for an empty one, so queuing costs an append, not a channel hand-off
	// per decision.
	queue  []Entry
	space  sync.Cond // signalled when a full queue was taken
	closed bool
}

// maxQueued is how far the writer may fall behind before Record waits.
const maxQueued = 4096

// LogFile is the current decision log's file name; LogFile+".1" is the
// previous one.
const LogFile = "decisions.jsonl"

// OpenLog starts a decision log in dir that keeps at most about 2*limit
// bytes.
func OpenLog(dir string, limit int64) (*Log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l := &Log{dir: dir, limit: limit, done: make(chan struct{}), wake: make(chan struct{}, 1),
		queue: make([]Entry, 0, 64)}
	l.space.L = &l.mu
	f, size, err := l.open()
	if err != nil {
		return nil, err
	}
	go l.run(f, size)
	return l, nil
}

// Record queues a copy of e for writing. It blocks only when the writer is
// far behind, so that no decision is silently dropped. A denial is waited
// for until it is on disk: a client that has its AccessDenied can run `seki
// explain` at once and find it. The log stamps entries without a time when
// it takes them, microseconds after the decision.
func (l *Log) Record(e *Entry) {
	l.enqueue(e.Decision != policy.Allowed.String(), func(q *Entry) { *q = *e })
}

// enqueue adds an entry that fill writes in place, and waits for it to be on
// disk when wait is set.
func (l *Log) enqueue(wait bool, fill func(*Entry)) {
	var written chan struct{}
	if wait {
		written = make(chan struct{})
	}
	l.mu.Lock()
	for len(l.queue) >= maxQueued && !l.closed {
		l.space.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.queue = append(l.queue, Entry{})
	q := &l.queue[len(l.queue)-1]
	fill(q)
	q.written = written
	first := len(l.queue) == 1
	l.mu.Unlock()
	if first {
		// Only the entry that makes the queue non-empty wakes the writer.
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	if written != nil {
		<-written
	}
}

// Close writes every queued entry and closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		l.space.Broadcast()
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	l.mu.Unlock()
	<-l.done
	return nil
}

// take waits for queued entries and returns them, swapping in spare as the
// new queue; done is true once the log is closed and drained.
func (l *Log) take(spare []Entry) (batch []Entry, done bool) {
	for {
		l.mu.Lock()
		if len(l.queue) > 0 {
			batch = l.queue
			if len(batch) >= maxQueued {
				l.space.Broadcast()
			}
			l.queue = spare[:0]
			l.mu.Unlock()
			return batch, false
		}
		closed := l.closed
		l.mu.Unlock()
		if closed {
			return nil, true
		}
		<-l.wake
	}
}

func (l *Log) open() (*os.File, int64, error) {
	f, err := os.OpenFile(filepath.Join(l.dir, LogFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func (l *Log) run(f *os.File, size int64) {
	defer close(l.done)
	w := bufio.NewWriterSize(f, 64<<10)
	enc := newEncoder()
	var spare []Entry
	for {
		batch, done := l.take(spare)
		if done {
			w.Flush()
			f.Close()
			return
		}
		now := time.Now().UTC()
		for i := range batch {
			e := &batch[i]
			if e.Time.IsZero() {
				e.Time = now
			}
			if f != nil {
				// Without a file there is nowhere to write; the entries
				// are dropped so requests never block on a broken log.
				f, size = l.write(w, f, size, enc, e)
			}
		}
		if f != nil {
			// Flush once per batch, so `seki explain` sees a decision as
			// soon as the client has its answer, without a write per entry
			// under load.
			w.Flush()
		}
		for i := range batch {
			if batch[i].written != nil {
				close(batch[i].written)
			}
		}
		clear(batch) // let the policies and contexts go
		spare = batch
	}
}

// write encodes e into w, rotating the file first when e would take it past
// the limit. It returns the file in use (nil when none could be opened).
func (l *Log) write(w *bufio.Writer, f *os.File, size int64, enc *encoder, e *Entry) (*os.File, int64) {
	lines, err := enc.encode(e)
	if err != nil {
		return f, size
	}
	if size+int64(len(lines)) > l.limit && size > 0 {
		w.Flush()
		f.Close()
		cur := filepath.Join(l.dir, LogFile)
		os.Rename(cur, cur+".1")
		if f, size, err = l.open(); err != nil {
			return nil, 0
		}
		w.Reset(f)
		// The new file defines its policies again.
		enc.reset()
		if lines, err = enc.encode(e); err != nil {
			return f, size
		}
	}
	w.Write(lines)
	return f, size + int64(len(lines))
}

// Find returns every recorded decision of request id, oldest first, reading
// the previous and the current log file of dir, each explained.
func Find(dir, id string) ([]Entry, error) {
	var out []Entry
	needle := []byte(`"requestId":"` + id + `"`)
	err := scanLogs(dir, needle, true, func(e *Entry) {
		if e.RequestID == id {
			out = append(out, *e)
		}
	})
	return out, err
}

// Each calls fn, oldest first, for every decision recorded in dir, without
// explanations (seki analyze and seki policy generate read what was asked
// and decided, not why).
func Each(dir string, fn func(*Entry)) error {
	return scanLogs(dir, nil, false, fn)
}

// LastDenied returns the id of the most recent request with a denied
// decision in dir, or "" when there is none.
func LastDenied(dir string) (string, error) {
	return LastDeniedMatching(dir, nil)
}

// LastDeniedMatching is LastDenied among the entries match accepts (all,
// when match is nil).
func LastDeniedMatching(dir string, match func(*Entry) bool) (string, error) {
	id := ""
	err := scanLogs(dir, []byte(`Denied"`), false, func(e *Entry) {
		if e.Decision != policy.Allowed.String() && (match == nil || match(e)) {
			id = e.RequestID
		}
	})
	return id, err
}

// scanLogs calls fn, oldest first, for every entry of dir's log files whose
// line contains needle; the cheap byte test spares decoding the rest. With
// explain, entries come with their reasons.
func scanLogs(dir string, needle []byte, explain bool, fn func(*Entry)) error {
	found := false
	for _, name := range []string{LogFile + ".1", LogFile} {
		f, err := os.Open(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		found = true
		err = scan(f, needle, explain, fn)
		f.Close()
		if err != nil {
			return err
		}
	}
	if !found {
		return os.ErrNotExist
	}
	return nil
}

func scan(r io.Reader, needle []byte, explain bool, fn func(*Entry)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	d := newDecoder()
	for sc.Scan() {
		line := sc.Bytes()
		if d.definition(line) || !bytes.Contains(line, needle) {
			continue
		}
		if e, ok := d.entry(line, explain); ok {
			fn(&e)
		}
	}
	return sc.Err()
}
