package authz

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

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
		a.log.enqueue(c, req, set, d.Result, msg, rule)
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

// Log keeps decisions in a binary file in the data directory (binlog.go),
// rotating to one previous file when it grows past its limit, so the log
// stays bounded. Writes happen on Log's own goroutine; Close drains it.
//
// Recording a decision costs the request a lookup in a small table of
// recent cases (who asked what of which resource, under which policies,
// and the answer: the same for most of a client's calls) and a 64-byte
// slot; the writer copies each slot into the file as a few bytes and
// defines a case, a principal, a context or a policy only when it first
// sees it. The writer wakes at most once per gather interval or when the
// queue is half full, never per decision, and writes each batch with one
// write(2).
type Log struct {
	dir   string
	limit int64
	done  chan struct{}
	// wake tells the writer to look at the queue now.
	wake chan struct{}

	// cases holds recent cases, read by every request and written only
	// when a case is new.
	cases [caseTable]atomic.Pointer[caseRef]
	_     [64]byte // keep the queue's lock off the lines requests only read

	mu sync.Mutex
	// queue holds decisions not yet taken by the writer; the writer swaps
	// it for an empty one, so recording costs a lock and a copy.
	queue []slot
	space sync.Cond // signalled when a full queue was taken
	// parked is set while the writer waits for a first decision (the log
	// has been idle); that decision wakes it.
	parked bool
	// urgent is set while someone waits for the file (a denial, Sync, a
	// queue half full): the writer takes the queue without gathering.
	urgent bool
	syncs  []chan struct{} // closed once what was queued before is written
	closed bool

	batches atomic.Int64 // batches written, for tests
}

// caseRef is a case as requests find it in Log.cases: immutable once
// published, so that requests on every core read it without writing it.
type caseRef struct {
	who                                          *policy.Principal
	set                                          policy.Set
	action, resource, resourceAccount, msg, rule string
	result                                       policy.Result
	// ctx is the last context recorded with the case. A request whose
	// context holds the same keys and values records this snapshot
	// instead of its own, so that the writer sees a context it knows
	// without reading the request's (a client's calls differ in their
	// context about once a second).
	ctx atomic.Pointer[policy.Frozen]
}

// slot is a queued decision, 64 bytes, one cache line for the writer to
// fetch from the core that wrote it: its case, the context as a
// copy-on-write snapshot and the request id. Compiled policies, the slices
// holding them and a Caller's principal do not change once used (see
// Caller), so pointers to them are what the case keeps.
type slot struct {
	kase      *caseRef
	ctx       policy.Frozen
	requestID string
	rare      *rare // denials and ready-made entries only
}

// rare is what few slots carry.
type rare struct {
	written chan struct{} // closed once on disk, when set
	entry   *Entry        // a ready-made entry (Record); the slot has nothing else
}

const (
	// maxQueued is how far the writer may fall behind before a decision
	// waits.
	maxQueued = 8192
	// wakeAt is the queue length at which a decision wakes the writer
	// before its gathering ends.
	wakeAt = maxQueued / 2
	// gather is how long the writer lets allowed decisions gather after
	// the first one before it writes them: the most a decision waits to
	// reach the file (and so what a kill -9 can lose: denials are on disk
	// before their answer). In-process readers (Find, Each) call Sync
	// first, so they see every decision at once.
	gather = 2 * time.Millisecond
	// caseTable is the size of the recent-case table (a power of two).
	caseTable = 512
)

// LogFile is the current decision log's file name; LogFile+".1" is the
// previous one.
const LogFile = "decisions.log"

// legacyLogFile is the JSON-lines log of earlier versions, still read (it
// is never written again, and goes with the data dir).
const legacyLogFile = "decisions.jsonl"

// openLogs are the logs this process writes, by directory, so that a
// reader in the same process (the web view, tests) can wait for what they
// hold before reading.
var openLogs struct {
	sync.Mutex
	m map[string][]*Log
}

func logKey(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return filepath.Clean(dir)
}

// OpenLog starts a decision log in dir that keeps at most about 2*limit
// bytes.
func OpenLog(dir string, limit int64) (*Log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l := &Log{dir: dir, limit: limit, done: make(chan struct{}), wake: make(chan struct{}, 1),
		queue: make([]slot, 0, 64)}
	l.space.L = &l.mu
	f, size, err := l.open()
	if err != nil {
		return nil, err
	}
	openLogs.Lock()
	if openLogs.m == nil {
		openLogs.m = map[string][]*Log{}
	}
	k := logKey(dir)
	openLogs.m[k] = append(openLogs.m[k], l)
	openLogs.Unlock()
	go l.run(f, size)
	return l, nil
}

// syncDir waits until the logs this process writes in dir have written
// what they hold.
func syncDir(dir string) {
	openLogs.Lock()
	logs := append([]*Log(nil), openLogs.m[logKey(dir)]...)
	openLogs.Unlock()
	for _, l := range logs {
		l.Sync()
	}
}

// Record queues a copy of e for writing. It blocks only when the writer is
// far behind, so that no decision is silently dropped. A denial is waited
// for until it is on disk. The log stamps entries without a time when it
// takes them.
func (l *Log) Record(e *Entry) {
	c := *e
	r := &rare{entry: &c}
	if e.Decision != policy.Allowed.String() {
		r.written = make(chan struct{})
	}
	if s := l.claim(); s != nil {
		*s = slot{rare: r}
		l.publish(r)
	}
}

// enqueue records a decision of the door. A denial is waited for until it
// is on disk: a client that has its AccessDenied can run `seki explain` at
// once and find it.
func (l *Log) enqueue(c *Check, req *policy.Request, set *policy.Set, r policy.Result, msg, rule string) {
	k := l.kase(req, set, r, msg, rule)
	ctx := req.Context.Freeze()
	if ctx != (policy.Frozen{}) {
		if last := k.ctx.Load(); last != nil && last.Equal(ctx) {
			ctx = *last
		} else {
			p := new(policy.Frozen)
			*p = ctx
			k.ctx.Store(p)
		}
	}
	var x *rare
	if r != policy.Allowed {
		x = &rare{written: make(chan struct{})}
	}
	s := l.claim()
	if s == nil {
		return
	}
	*s = slot{kase: k, ctx: ctx, requestID: c.RequestID, rare: x}
	l.publish(x)
}

// kase returns the case of a decision from the recent-case table, adding
// it when it is not there (the one allocation of a decision, and only of
// one unlike the last at its place in the table).
func (l *Log) kase(req *policy.Request, set *policy.Set, r policy.Result, msg, rule string) *caseRef {
	// Two ways per resource: a resource's two most recent cases (its
	// actions, or its answers) stay.
	i := caseIndex(req.Resource) & (caseTable - 2)
	ways := l.cases[i : i+2 : i+2]
	for w := range ways {
		if k := ways[w].Load(); k != nil && k.result == r && same(k.action, req.Action) && same(k.resource, req.Resource) &&
			(k.who == req.Principal || sameWho(k.who, req.Principal)) && same(k.resourceAccount, req.ResourceAccount) &&
			sameSet(&k.set, set) && same(k.msg, msg) && same(k.rule, rule) {
			return k
		}
	}
	k := &caseRef{who: req.Principal, set: *set, action: req.Action, resource: req.Resource,
		resourceAccount: req.ResourceAccount, msg: msg, rule: rule, result: r}
	if old := ways[0].Load(); old != nil {
		ways[1].Store(old)
	}
	ways[0].Store(k)
	return k
}

// caseIndex hashes a resource for the recent-case table from its length
// and its last 16 bytes, where ARNs differ (names, keys, qualifiers): a
// few instructions, where hashing the whole ARN took a tenth of the door.
// A collision costs a miss, never a wrong case: the case is compared whole.
func caseIndex(r string) uint64 {
	n := len(r)
	h := uint64(n) * 0x9e3779b97f4a7c15
	if n >= 16 {
		tail := unsafe.Slice(unsafe.StringData(r[n-16:]), 16)
		h ^= binary.LittleEndian.Uint64(tail[8:])
		h *= 0xff51afd7ed558ccd
		h ^= binary.LittleEndian.Uint64(tail)
	} else {
		for i := 0; i < n; i++ {
			h = h*31 + uint64(r[i])
		}
	}
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>29
}

// claim locks the log and returns the slot at the end of the queue, which
// the caller sets whole, or nil (unlocked) once the log is closed.
func (l *Log) claim() *slot {
	l.mu.Lock()
	for len(l.queue) >= maxQueued && !l.closed {
		l.space.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	if n := len(l.queue); n < cap(l.queue) {
		// Slots past the length hold an earlier decision or nothing;
		// the caller sets every field.
		l.queue = l.queue[:n+1]
	} else {
		l.queue = append(l.queue, slot{})
	}
	return &l.queue[len(l.queue)-1]
}

// publish ends what claim began: it unlocks, wakes the writer when it is
// parked or must not wait for its gathering to end, and waits until the
// decision is on disk when it is to.
func (l *Log) publish(r *rare) {
	var written chan struct{}
	if r != nil {
		written = r.written
	}
	wake := l.parked
	if (written != nil || len(l.queue) == wakeAt) && !l.urgent {
		l.urgent, wake = true, true
	}
	l.parked = false
	l.mu.Unlock()
	if wake {
		l.signal()
	}
	if written != nil {
		<-written
	}
}

func (l *Log) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Sync returns once every decision recorded before it is written.
func (l *Log) Sync() {
	ch := make(chan struct{})
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.syncs = append(l.syncs, ch)
	l.urgent, l.parked = true, false
	l.mu.Unlock()
	l.signal()
	<-ch
}

// Close writes every queued entry and closes the file.
func (l *Log) Close() error {
	openLogs.Lock()
	k := logKey(l.dir)
	openLogs.m[k] = slices.DeleteFunc(openLogs.m[k], func(o *Log) bool { return o == l })
	if len(openLogs.m[k]) == 0 {
		delete(openLogs.m, k)
	}
	openLogs.Unlock()
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		l.space.Broadcast()
		l.signal()
	}
	l.mu.Unlock()
	<-l.done
	return nil
}

// take waits for queued decisions and returns them with the Syncs waiting
// for them, swapping in spare as the new queue; done is true once the log
// is closed and drained. The first decision after an idle spell wakes the
// writer, which then lets decisions gather for the gather interval unless
// one is urgent, so that the writer wakes at most once per interval (or
// per half queue) however many decisions arrive.
//
// dirty says which of the two buffers (the queue's, spare) still hold
// earlier decisions past their length; parking clears them, so that an
// idle log holds no request's context.
func (l *Log) take(spare []slot, timer *time.Timer, dirty *[2]bool) (batch []slot, syncs []chan struct{}, done bool) {
	l.mu.Lock()
	for len(l.queue) == 0 && len(l.syncs) == 0 {
		if l.closed {
			l.mu.Unlock()
			return nil, nil, true
		}
		if dirty[0] {
			clear(l.queue[:cap(l.queue)])
		}
		l.parked = true
		l.mu.Unlock()
		if dirty[1] {
			clear(spare[:cap(spare)])
		}
		*dirty = [2]bool{}
		<-l.wake
		l.mu.Lock()
	}
	if !l.urgent && !l.closed {
		l.mu.Unlock()
		timer.Reset(gather)
		select {
		case <-l.wake:
			timer.Stop()
		case <-timer.C:
		}
		l.mu.Lock()
	}
	batch = l.queue
	if len(batch) >= maxQueued {
		l.space.Broadcast()
	}
	l.queue = spare[:0]
	syncs, l.syncs = l.syncs, nil
	l.urgent = false
	l.mu.Unlock()
	return batch, syncs, false
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
	enc := newEncoder()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var spare []slot
	var dirty [2]bool
	for {
		batch, syncs, done := l.take(spare, timer, &dirty)
		if done {
			if f != nil {
				f.Close()
			}
			return
		}
		now := time.Now().UTC()
		for i := range batch {
			if f == nil {
				// Without a file there is nowhere to write; decisions
				// are dropped so requests never block on a broken log.
				break
			}
			if size+int64(enc.size()) > l.limit && size+int64(enc.size()) > 0 {
				f, size = l.flush(f, size, enc)
				if f != nil {
					f, size = l.rotate(f, size, enc)
				}
				if f == nil {
					break
				}
			}
			enc.add(&batch[i], now)
		}
		if f != nil {
			// One write per batch.
			f, size = l.flush(f, size, enc)
		}
		l.batches.Add(1)
		for i := range batch {
			if r := batch[i].rare; r != nil && r.written != nil {
				close(r.written)
			}
		}
		for _, ch := range syncs {
			close(ch)
		}
		// Let the policies and contexts go. A busy writer leaves them
		// to be overwritten (until it parks): clearing would make each
		// slot's line this core's, for the next request to fetch back.
		big := len(batch) >= 256
		if !big {
			clear(batch)
		}
		dirty = [2]bool{dirty[1], big}
		spare = batch
	}
}

// flush writes what enc holds. A failed write loses those decisions and
// starts a new session, so that later ones do not refer to definitions that
// are not on disk.
func (l *Log) flush(f *os.File, size int64, enc *encoder) (*os.File, int64) {
	b := enc.take()
	if len(b) == 0 {
		return f, size
	}
	n, err := f.Write(b)
	if err != nil {
		enc.reset()
	}
	return f, size + int64(n)
}

// rotate moves the current file to LogFile.1 and opens a new one, in which
// the encoder defines everything again. It returns nil when no file could
// be opened.
func (l *Log) rotate(f *os.File, size int64, enc *encoder) (*os.File, int64) {
	f.Close()
	cur := filepath.Join(l.dir, LogFile)
	os.Rename(cur, cur+".1")
	enc.reset()
	f, size, err := l.open()
	if err != nil {
		return nil, 0
	}
	return f, size
}

// Find returns every recorded decision of request id, oldest first, reading
// the previous and the current log file of dir, each explained.
func Find(dir, id string) ([]Entry, error) {
	var out []Entry
	err := scanLogs(dir, []byte(id), true, func(e *Entry) {
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
	err := scanLogsWhere(dir, func(c *caseDef) bool { return c.result != policy.Allowed }, []byte(`Denied"`), nil, false, func(e *Entry) {
		if e.Decision != policy.Allowed.String() && (match == nil || match(e)) {
			id = e.RequestID
		}
	})
	return id, err
}

// scanLogs calls fn, oldest first, for every entry of dir's log files;
// with id set, only for decisions of that request id. With explain,
// entries come with their reasons.
func scanLogs(dir string, id []byte, explain bool, fn func(*Entry)) error {
	var needle []byte
	if id != nil {
		needle = id
	}
	return scanLogsWhere(dir, nil, needle, id, explain, fn)
}

// scanLogsWhere reads the legacy JSON-lines files, then the binary ones.
// In the binary files, decisions whose case keep rejects, or whose request
// id is not id (when set), are passed over without building an entry; in
// the legacy files, lines without needle are.
func scanLogsWhere(dir string, keep func(*caseDef) bool, needle, id []byte, explain bool, fn func(*Entry)) error {
	syncDir(dir)
	found := false
	for _, name := range []string{legacyLogFile + ".1", legacyLogFile, LogFile + ".1", LogFile} {
		f, err := os.Open(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		found = true
		if strings.HasPrefix(name, legacyLogFile) {
			err = scanLegacy(f, needle, explain, fn)
		} else {
			err = readLog(f, func(rd *reader, d *decision) {
				if (keep != nil && !keep(d.kase)) || (id != nil && !bytes.Equal(d.requestID, id)) {
					return
				}
				e := rd.entry(d, explain)
				fn(&e)
			}, fn)
		}
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

// scanLegacy reads a JSON-lines log written by an earlier seki.
func scanLegacy(r io.Reader, needle []byte, explain bool, fn func(*Entry)) error {
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
