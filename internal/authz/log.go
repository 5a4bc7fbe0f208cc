package authz

import (
	"bufio"
	"bytes"
	"encoding/json"
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

	// written, when set, is closed once the entry is on disk.
	written chan struct{}

	snap snapshot
}

// snapshot is what explaining a decision needs, frozen when the decision
// was made: the request with its own copy of the principal and a snapshot
// of the context, and the policy set (compiled policies are immutable, and
// the slices holding them are never changed in place).
type snapshot struct {
	ok  bool
	req policy.Request
	who policy.Principal
	ctx policy.Context
	set policy.Set
}

func (a *Authorizer) record(c *Check, req *policy.Request, set *policy.Set, d policy.Decision, msg string) {
	who := c.Caller.Principal.ARN
	if who == "" {
		// Anonymous callers (function URLs with AuthType NONE) have no ARN.
		who = "anonymous"
	}
	// One allocation: the entry holds the snapshot by value. Explaining
	// (about ten allocations and several times the decision's cost) waits
	// for the log's writer or whoever reads the entry.
	e := &Entry{
		Time:      time.Now().UTC(),
		RequestID: c.RequestID,
		Principal: who,
		Action:    c.Action,
		Resource:  c.Resource,
		Decision:  d.Result.String(),
		Message:   msg,
	}
	s := &e.snap
	s.ok = true
	s.who = *req.Principal
	s.req = *req
	s.req.Principal = &s.who
	if req.Context != nil {
		s.ctx = req.Context.Snapshot()
		s.req.Context = &s.ctx
	}
	s.set = *set
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
	e.Reasons = policy.Explain(&s.req, &s.set).Reasons
	*s = snapshot{} // let the policies and the context go
}

// Log writes decisions as JSON lines to a file in the data directory,
// rotating to one previous file when it grows past its limit, so the log
// stays bounded. Writes happen on Log's own goroutine; Close drains it.
type Log struct {
	dir   string
	limit int64
	ch    chan *Entry
	done  chan struct{}

	mu     sync.Mutex
	closed bool
}

// LogFile is the current decision log's file name; LogFile+".1" is the
// previous one.
const LogFile = "decisions.jsonl"

// OpenLog starts a decision log in dir that keeps at most about 2*limit
// bytes.
func OpenLog(dir string, limit int64) (*Log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l := &Log{dir: dir, limit: limit, ch: make(chan *Entry, 4096), done: make(chan struct{})}
	f, size, err := l.open()
	if err != nil {
		return nil, err
	}
	go l.run(f, size)
	return l, nil
}

// Record queues e for writing. It blocks only when the writer is far behind,
// so that no decision is silently dropped. A denial is waited for until it
// is on disk: a client that has its AccessDenied can run `seki explain`
// at once and find it.
func (l *Log) Record(e *Entry) {
	if e.Decision != policy.Allowed.String() {
		e.written = make(chan struct{})
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.ch <- e
	l.mu.Unlock()
	if e.written != nil {
		<-e.written
	}
}

// Close writes every queued entry and closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.ch)
	}
	l.mu.Unlock()
	<-l.done
	return nil
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
	for {
		e, ok := <-l.ch
		if !ok {
			w.Flush()
			f.Close()
			return
		}
		e.Explain()
		line, err := json.Marshal(e)
		if err != nil {
			release(e)
			continue
		}
		line = append(line, '\n')
		if size+int64(len(line)) > l.limit && size > 0 {
			w.Flush()
			f.Close()
			cur := filepath.Join(l.dir, LogFile)
			os.Rename(cur, cur+".1")
			if f, size, err = l.open(); err != nil {
				// Without a file there is nowhere to write; keep draining
				// so requests never block on a broken log.
				release(e)
				for e := range l.ch {
					release(e)
				}
				return
			}
			w.Reset(f)
		}
		w.Write(line)
		size += int64(len(line))
		// Flush when the queue is empty, or a denial is waiting for it, so
		// `seki explain` sees a decision as soon as the client has its
		// answer, without a write per entry under load.
		if len(l.ch) == 0 || e.written != nil {
			w.Flush()
		}
		if e.written != nil {
			close(e.written)
		}
	}
}

// release frees a Record waiting for an entry that will not be written.
func release(e *Entry) {
	if e.written != nil {
		close(e.written)
	}
}

// Find returns every recorded decision of request id, oldest first, reading
// the previous and the current log file of dir.
func Find(dir, id string) ([]Entry, error) {
	var out []Entry
	needle := []byte(`"requestId":"` + id + `"`)
	err := scanLogs(dir, needle, func(e *Entry) {
		if e.RequestID == id {
			out = append(out, *e)
		}
	})
	return out, err
}

// LastDenied returns the id of the most recent request with a denied
// decision in dir, or "" when there is none.
func LastDenied(dir string) (string, error) {
	id := ""
	err := scanLogs(dir, []byte(`Denied"`), func(e *Entry) {
		if e.Decision != policy.Allowed.String() {
			id = e.RequestID
		}
	})
	return id, err
}

// scanLogs calls fn, oldest first, for every entry of dir's log files whose
// line contains needle; the cheap byte test spares decoding the rest.
func scanLogs(dir string, needle []byte, fn func(*Entry)) error {
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
		err = scan(f, needle, fn)
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

func scan(r io.Reader, needle []byte, fn func(*Entry)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, needle) {
			continue
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err == nil {
			fn(&e)
		}
	}
	return sc.Err()
}
