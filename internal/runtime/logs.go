package runtime

import (
	"context"
	"encoding/base64"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// LogSink receives function logs: each function's stdout and stderr, one
// event per line, with the START, END and REPORT lines, for the function's
// log group. CloudWatch Logs implements it (the server adapts it) and is
// expected to deliver a Delivery only when the execution role's session
// (AccessKeyID) is allowed logs:CreateLogGroup, logs:CreateLogStream and
// logs:PutLogEvents, creating the group and stream as needed, and to drop it
// otherwise.
//
// Deliver is called from one goroutine, off the invoke path, with batches
// of at most maxDeliveryEvents events; it may block (its ctx bounds it). A
// returned error is counted and the batch dropped: the runtime never
// retries, as a function's logs must never slow its invocations.
type LogSink interface {
	Deliver(ctx context.Context, d Delivery) error
}

// Delivery is one batch of log events for one log stream.
type Delivery struct {
	// RequestID is the invocation the events belong to; "" for output
	// written between invocations, or for a delivery that joins several
	// invocations (each named by its START, END and REPORT lines).
	RequestID string
	// AccessKeyID is the execution role session's access key: the
	// principal the delivery is authorized as
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION).
	AccessKeyID string
	// RoleARN is the execution role (informational).
	RoleARN string
	// Account and Region are the function's.
	Account string
	Region  string
	// FunctionARN is the unqualified function ARN.
	FunctionARN string
	// Group is the log group ("/aws/lambda/NAME" unless the function's
	// LoggingConfig names another); Stream is the environment's stream,
	// "YYYY/MM/DD/[VERSION]" followed by 32 hex digits.
	Group  string
	Stream string
	// Events are in the order written, timestamps in milliseconds since the
	// Unix epoch, non-decreasing.
	Events []LogEvent
}

// LogEvent is one log line.
type LogEvent struct {
	Timestamp int64 // milliseconds since the Unix epoch
	Message   string
}

const (
	// tailBytes is how much of an invocation's log LogType=Tail returns.
	tailBytes = 4096
	// maxEventBytes splits longer lines, as CloudWatch Logs' event limit
	// (256 KB less its 26 bytes of overhead) would.
	maxEventBytes = 256*1024 - 26
	// maxInvocationLog bounds the log kept per invocation for delivery;
	// beyond it lines are counted but dropped (the tail is kept apart).
	maxInvocationLog = 1 << 20
	// maxDeliveryEvents bounds one Delivery (PutLogEvents takes 10,000).
	maxDeliveryEvents = 10000
	// shipQueue is how many deliveries may wait for the sink; beyond it
	// they are dropped rather than slowing invocations down.
	shipQueue = 1024
)

// invLog collects one invocation's log lines.
type invLog struct {
	events  []LogEvent
	size    int
	dropped int
	// tail is kept only for LogType=Tail: most invokes never show it, and
	// its 4 KB would be allocated and cleared on each.
	tail *tailRing
}

func (l *invLog) add(ts int64, msg string) {
	if l.tail != nil {
		l.tail.write(msg)
	}
	l.addEvent(ts, msg)
}

// addEvent adds msg to what CloudWatch gets, not to the tail.
func (l *invLog) addEvent(ts int64, msg string) {
	if l.size+len(msg) > maxInvocationLog {
		l.dropped++
		return
	}
	l.size += len(msg)
	if l.events == nil {
		// START, END and REPORT at least: one allocation for the usual
		// invocation rather than three.
		l.events = make([]LogEvent, 0, 4)
	}
	l.events = append(l.events, LogEvent{Timestamp: ts, Message: msg})
}

// tailRing keeps the last tailBytes bytes of the log text, each event
// followed by a newline, as LogType=Tail shows it.
type tailRing struct {
	buf [tailBytes]byte
	n   int // bytes written in total
}

func (t *tailRing) write(msg string) {
	t.put(msg)
	t.put("\n")
}

func (t *tailRing) put(s string) {
	if len(s) > tailBytes {
		t.n += len(s) - tailBytes
		s = s[len(s)-tailBytes:]
	}
	for len(s) > 0 {
		i := t.n % tailBytes
		c := copy(t.buf[i:], s)
		s = s[c:]
		t.n += c
	}
}

// base64 returns the tail, base64-encoded.
func (t *tailRing) base64() string {
	var out []byte
	if t.n <= tailBytes {
		out = t.buf[:t.n]
	} else {
		i := t.n % tailBytes
		out = make([]byte, 0, tailBytes)
		out = append(out, t.buf[i:]...)
		out = append(out, t.buf[:i]...)
	}
	return base64.StdEncoding.EncodeToString(out)
}

// outPipe reads a child's combined stdout and stderr and hands each
// complete line to emit. It counts the bytes it has read so that sync can
// wait until everything the child wrote before a given moment is through.
type outPipe struct {
	f    *os.File
	emit func(line []byte)
	rc   syscall.RawConn // f's descriptor; nil if the file has none
	// drainFn is p.drain, made once: sync runs twice per invocation, and
	// a closure made there would be allocated each time.
	drainFn func(fd uintptr)

	mu      sync.Mutex
	buf     []byte // the loop's and sync's read buffer; used with mu held
	partial []byte
	read    int64 // bytes read from the pipe
	closed  bool
}

func newOutPipe(f *os.File, emit func(line []byte)) *outPipe {
	p := &outPipe{f: f, emit: emit, buf: make([]byte, 8<<10)}
	p.drainFn = p.drain
	if rc, err := f.SyscallConn(); err == nil {
		p.rc = rc
	}
	return p
}

// loop reads until the child's side closes. Its owner is the environment;
// it ends when every process holding the write end has exited.
//
// Bytes leave the pipe only with mu held: the loop waits for the pipe to be
// readable without reading, then reads under mu. So sync, which also holds
// mu, never misses bytes that a read took out of the pipe but has not
// emitted yet.
func (p *outPipe) loop(done chan<- struct{}) {
	defer close(done)
	if p.rc == nil {
		p.loopBlocking()
		return
	}
	for {
		var end bool
		err := p.rc.Read(func(fd uintptr) bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			n, err := readFD(fd, p.buf)
			switch {
			case n > 0:
				p.consume(p.buf[:n])
				p.read += int64(n)
			case err == syscall.EAGAIN:
				return false // wait until the pipe is readable
			default: // end of file, or an error that ends the pipe
				end = true
			}
			return true
		})
		if end || err != nil {
			p.mu.Lock()
			p.flush()
			p.closed = true
			p.mu.Unlock()
			p.f.Close()
			return
		}
	}
}

// loopBlocking is loop for a file without a descriptor to wait on.
func (p *outPipe) loopBlocking() {
	buf := make([]byte, 8<<10)
	for {
		n, err := p.f.Read(buf)
		p.mu.Lock()
		if n > 0 {
			p.consume(buf[:n])
			p.read += int64(n)
		}
		if err != nil {
			p.flush()
			p.closed = true
			p.mu.Unlock()
			p.f.Close()
			return
		}
		p.mu.Unlock()
	}
}

// readFD reads once from a non-blocking descriptor, retrying interrupts.
func readFD(fd uintptr, b []byte) (int, error) {
	for {
		n, err := syscall.Read(int(fd), b)
		if err == syscall.EINTR {
			continue
		}
		return n, err
	}
}

// consume splits b into lines; call with mu held.
func (p *outPipe) consume(b []byte) {
	for len(b) > 0 {
		i := indexByte(b, '\n')
		if i < 0 {
			p.partial = append(p.partial, b...)
			if len(p.partial) >= maxEventBytes {
				p.emit(p.partial[:maxEventBytes])
				p.partial = append(p.partial[:0], p.partial[maxEventBytes:]...)
			}
			return
		}
		line := b[:i]
		if len(p.partial) > 0 {
			p.partial = append(p.partial, line...)
			line = p.partial
		}
		for len(line) > maxEventBytes {
			p.emit(line[:maxEventBytes])
			line = line[maxEventBytes:]
		}
		p.emit(line)
		p.partial = p.partial[:0]
		b = b[i+1:]
	}
}

// flush emits a pending partial line; call with mu held.
func (p *outPipe) flush() {
	if len(p.partial) > 0 {
		p.emit(p.partial)
		p.partial = p.partial[:0]
	}
}

// sync emits every byte the child had written to the pipe when sync was
// called, then a partial last line. The child writes its output before it
// posts its response, so after sync an invocation's log holds everything
// it printed. sync reads those bytes itself, under mu: no byte can be out
// of the pipe and not yet emitted (see loop), so the pipe's unread count is
// exactly what is missing. It reads no more than that count, so a child
// that keeps printing cannot hold it. (Where the unread count is not known,
// not Linux, it emits what the loop has read.)
func (p *outPipe) sync() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed && p.rc != nil {
		p.rc.Control(p.drainFn)
	}
	p.flush()
}

// drain reads what waits in the pipe now; call with mu held.
func (p *outPipe) drain(fd uintptr) {
	for want := pipePending(fd); want > 0; {
		n, err := readFD(fd, p.buf[:min(want, len(p.buf))])
		if n <= 0 || err != nil {
			return
		}
		p.consume(p.buf[:n])
		p.read += int64(n)
		want -= n
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// shipper hands deliveries to the LogSink from one goroutine, merging
// consecutive batches for the same stream.
type shipper struct {
	sink    LogSink
	ch      chan Delivery
	done    chan struct{}
	mu      sync.Mutex
	closed  bool
	dropped atomic.Int64
	failed  atomic.Int64
}

func newShipper(sink LogSink) *shipper {
	s := &shipper{sink: sink, ch: make(chan Delivery, shipQueue), done: make(chan struct{})}
	go s.loop()
	return s
}

// send queues d, dropping it when the queue is full or the shipper closed.
func (s *shipper) send(d Delivery) {
	if len(d.Events) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.dropped.Add(1)
		return
	}
	select {
	case s.ch <- d:
	default:
		s.dropped.Add(1)
	}
}

func (s *shipper) loop() {
	defer close(s.done)
	batch := make([]Delivery, 0, maxShipBatch)
	for d := range s.ch {
		// Wait a moment for company: a busy function's invocations then
		// reach the sink as one delivery per stream rather than one each.
		// The shipper sleeps rather than waits on the queue, so that the
		// deliveries queued meanwhile wake nothing. Logs are behind by at
		// most shipLinger more (the sink's own writer flushes every 25 ms).
		batch = append(batch[:0], d)
		time.Sleep(shipLinger)
	drain:
		for len(batch) < maxShipBatch {
			select {
			case d, ok := <-s.ch:
				if !ok {
					break drain
				}
				batch = append(batch, d)
			default:
				break drain
			}
		}
		for _, d := range merge(batch) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := s.sink.Deliver(ctx, d); err != nil {
				s.failed.Add(1)
			}
			cancel()
		}
		clear(batch)
	}
}

const (
	// shipLinger is how long the shipper waits for more deliveries after
	// the first; maxShipBatch how many it takes at most in one go.
	shipLinger   = 2 * time.Millisecond
	maxShipBatch = 256
)

// merge joins the deliveries for the same stream and session, keeping
// their order (streams are independent of each other). A delivery that
// joins several invocations carries no one request id: the sink finds
// them in the START/END/REPORT lines (see LogSink).
func merge(in []Delivery) []Delivery {
	out := in[:0:0]
	for _, d := range in {
		i := len(out) - 1
		for ; i >= 0; i-- {
			if o := &out[i]; o.Stream == d.Stream && o.Group == d.Group && o.AccessKeyID == d.AccessKeyID {
				break
			}
		}
		if i >= 0 && len(out[i].Events)+len(d.Events) <= maxDeliveryEvents {
			o := &out[i]
			if o.RequestID != d.RequestID {
				o.RequestID = ""
			}
			o.Events = append(o.Events[:len(o.Events):len(o.Events)], d.Events...)
			continue
		}
		out = append(out, d)
	}
	return out
}

// close stops accepting deliveries and waits for the queued ones.
func (s *shipper) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.ch)
	s.mu.Unlock()
	<-s.done
}

// Platform lines, in AWS's text format (tab-separated fields):
//
//	START RequestId: ID Version: $LATEST
//	END RequestId: ID
//	REPORT RequestId: ID\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB\tInit Duration: 50.12 ms\tStatus: timeout\t
//	INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError
//	INIT_START Runtime Version: python:3.12.v1\tRuntime Version ARN: arn:aws:lambda:REGION::runtime:HEX
func startLine(requestID, version string) string {
	return "START RequestId: " + requestID + " Version: " + version
}

func endLine(requestID string) string { return "END RequestId: " + requestID }

// initStartLine opens a new environment's log.
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaFeatures::test_invocation_type_event_error (log_events)
func initStartLine(version, arn string) string {
	return "INIT_START Runtime Version: " + version + "\tRuntime Version ARN: " + arn
}

// report describes one invocation for its REPORT line.
type report struct {
	requestID string
	duration  time.Duration
	init      time.Duration // 0 on a warm start
	memoryMB  int
	maxUsedMB int
	status    string // "", "timeout" or "error"
	errorType string
}

func (r *report) line() string {
	b := make([]byte, 0, 192)
	b = append(b, "REPORT RequestId: "...)
	b = append(b, r.requestID...)
	b = append(b, "\tDuration: "...)
	b = appendMillis(b, r.duration)
	b = append(b, " ms\tBilled Duration: "...)
	// Billed in whole milliseconds, rounded up; the init phase is billed
	// too (all runtimes since August 2025).
	billed := (r.duration + r.init + time.Millisecond - 1) / time.Millisecond
	if billed < 1 {
		billed = 1
	}
	b = strconv.AppendInt(b, int64(billed), 10)
	b = append(b, " ms\tMemory Size: "...)
	b = strconv.AppendInt(b, int64(r.memoryMB), 10)
	b = append(b, " MB\tMax Memory Used: "...)
	b = strconv.AppendInt(b, int64(r.maxUsedMB), 10)
	b = append(b, " MB"...)
	if r.init > 0 {
		b = append(b, "\tInit Duration: "...)
		b = appendMillis(b, r.init)
		b = append(b, " ms"...)
	}
	if r.status != "" {
		b = append(b, "\tStatus: "...)
		b = append(b, r.status...)
		if r.errorType != "" {
			b = append(b, "\tError Type: "...)
			b = append(b, r.errorType...)
		}
	}
	// AWS ends every field with a tab, the last one too.
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaFeatures::test_invocation_with_logs[python3.10]
	b = append(b, '\t')
	return string(b)
}

func initReportLine(d time.Duration, status, errorType string) string {
	b := append([]byte("INIT_REPORT Init Duration: "), appendMillis(nil, d)...)
	b = append(b, " ms\tPhase: init\tStatus: "...)
	b = append(b, status...)
	if errorType != "" {
		b = append(b, "\tError Type: "...)
		b = append(b, errorType...)
	}
	return string(b)
}

// appendMillis writes d in milliseconds with two decimals.
func appendMillis(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 2, 64)
}
