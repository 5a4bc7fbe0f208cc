package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	fnruntime "github.com/seki-dev/seki/internal/runtime"
)

// The public endpoint's HTTP/1.1 front. net/http's server spends, per
// request, a goroutine that reads ahead on the connection (started once
// the body is read, stopped with a deadline in the past when the handler
// returns), a cancellable context and a buffered response writer; in a
// signed write those sit in series with the commit. The front serves the
// plain case itself: one goroutine per connection that reads a request
// with net/http's own parser (http.ReadRequest, so framing, chunked
// bodies, obs-fold and Content-Length/Transfer-Encoding conflicts are
// decided by the same code), calls the handler and writes the answer in
// one write. Anything else it hands to net/http's server, unchanged: the
// connection, with the bytes of the request read so far replayed, is
// served by net/http from then on. Handed over are every request net/http
// would refuse (so its error answers are its own), HTTP/1.0 and HTTP/2's
// preface, requests with Expect (100-continue), with a Host net/http
// would refuse or none, with absolute-form targets, and with header names
// or values outside what net/http accepts. FuzzFrontMatchesNetHTTP sends
// the same bytes to both and compares the answers.
type front struct {
	h http.Handler
	// fallback serves what the front hands over, from handoff.
	fallback *http.Server
	handoff  *handoffListener
	// headerTimeout bounds reading a request's head, and a connection's
	// idleness (net/http's ReadHeaderTimeout, as the server configures it).
	headerTimeout time.Duration

	// handedOff counts the connections given to net/http.
	handedOff atomic.Int64

	mu      sync.Mutex
	ln      net.Listener
	conns   map[*frontConn]struct{}
	closing bool
	active  sync.WaitGroup
}

// Limits, as net/http's server has them: a request's head may be 1 MiB
// (MaxHeaderBytes' default) plus 4096 bytes of slack; an unread body is
// read up to 256 KiB to keep the connection, beyond it the connection is
// closed.
const (
	frontHeadLimit    = 1<<20 + 4096
	frontDiscardLimit = 256 << 10
	// frontBuffered is how much of an answer is held to be written with
	// its head in one write (and given a Content-Length); a longer answer
	// without one is sent chunked as it is written.
	frontBuffered = 64 << 10
)

func newFront(h http.Handler, headerTimeout time.Duration) *front {
	f := &front{h: h, headerTimeout: headerTimeout, conns: map[*frontConn]struct{}{}}
	f.handoff = &handoffListener{conns: make(chan net.Conn), done: make(chan struct{})}
	f.fallback = &http.Server{Handler: h, ReadHeaderTimeout: headerTimeout}
	return f
}

// Serve accepts connections on ln until Shutdown; it returns
// http.ErrServerClosed then, as net/http's Serve does.
func (f *front) Serve(ln net.Listener) error {
	f.mu.Lock()
	if f.closing {
		f.mu.Unlock()
		return http.ErrServerClosed
	}
	f.ln = ln
	f.handoff.addr = ln.Addr()
	f.mu.Unlock()
	fallbackDone := make(chan struct{})
	go func() { f.fallback.Serve(f.handoff); close(fallbackDone) }()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			f.mu.Lock()
			closing := f.closing
			f.mu.Unlock()
			if closing {
				<-fallbackDone
				return http.ErrServerClosed
			}
			// Out of descriptors and the like: wait and retry, as
			// net/http does.
			if ne, ok := err.(net.Error); ok && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			f.handoff.Close()
			<-fallbackDone
			return err
		}
		delay = 0
		k := &frontConn{f: f, c: c, remote: c.RemoteAddr().String()}
		if !f.track(k, true) {
			c.Close()
			continue
		}
		go k.serve()
	}
}

// Shutdown stops accepting, closes idle connections, lets requests in
// flight finish and closes their connections after the answer; when ctx
// ends first, it closes every connection.
func (f *front) Shutdown(ctx context.Context) error {
	f.mu.Lock()
	f.closing = true
	if f.ln != nil {
		f.ln.Close()
	}
	for k := range f.conns {
		k.closeIfIdle()
	}
	f.mu.Unlock()
	err := f.fallback.Shutdown(ctx)
	done := make(chan struct{})
	go func() { f.active.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		f.mu.Lock()
		for k := range f.conns {
			k.c.Close()
		}
		f.mu.Unlock()
		if err == nil {
			err = ctx.Err()
		}
	}
	return err
}

// track adds (or removes) a connection; it refuses one once shutting down.
func (f *front) track(k *frontConn, add bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !add {
		delete(f.conns, k)
		f.active.Done()
		return true
	}
	if f.closing {
		return false
	}
	f.conns[k] = struct{}{}
	f.active.Add(1)
	return true
}

// frontConn is one client connection served by the front.
type frontConn struct {
	f      *front
	c      net.Conn
	remote string
	r      frontReader
	br     *bufio.Reader
	// busy is set while a request is read or served, under f.mu, so that
	// Shutdown closes only idle connections.
	busy     bool
	served   bool // a request was read on this connection
	lastPost bool
	// linger is set when the connection closes with the client perhaps
	// still sending (a body left unread, a head over the limit): see
	// closeAndLinger.
	linger bool
	w      frontResponse
	body   frontBody

	// The watch: a handler still running frontWatchAfter after its
	// request began, once the request's body is read, has the connection
	// read in the background (as net/http does for every request), so
	// that a client that leaves cancels the request's context (a long
	// poll then ends without taking messages).
	watchTimer *time.Timer
	wmu        sync.Mutex
	wstate     int
	wcancel    context.CancelFunc
	wdone      chan struct{}
	wbuf       [1]byte
}

// The watch's states.
const (
	watchIdle    = iota
	watchArmed   // the request is served; the timer runs
	watchWaiting // the timer fired before the body was read
	watchReading // the background read runs
)

// frontWatchAfter is how long a request runs before its connection is
// watched: longer than a write's commit, far shorter than a long poll.
const frontWatchAfter = 20 * time.Millisecond

var frontReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

func (k *frontConn) serve() {
	handed := false
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			buf := make([]byte, 64<<10)
			buf = buf[:runtime.Stack(buf, false)]
			log.Printf("http: panic serving %v: %v\n%s", k.remote, v, buf)
		}
		if k.watchTimer != nil {
			k.disarm() // a handler panicked
		}
		if !handed {
			if k.linger {
				k.closeAndLinger()
			}
			k.c.Close()
		}
		if k.br != nil {
			k.br.Reset(nil)
			frontReaders.Put(k.br)
		}
		k.f.track(k, false)
	}()
	k.r.c, k.r.limit = k.c, -1
	k.br = frontReaders.Get().(*bufio.Reader)
	k.br.Reset(&k.r)
	for {
		req, replay, err := k.readRequest()
		if err != nil {
			if replay != nil {
				handed = k.handOff(replay)
			}
			return
		}
		if !k.setBusy(true) {
			return // shutting down while the request was read
		}
		closeAfter := k.serveRequest(req)
		if closeAfter || !k.setBusy(false) {
			return
		}
	}
}

// setBusy marks the connection busy or idle; it reports false when the
// server is shutting down and the connection should close (never for a
// request already being served).
func (k *frontConn) setBusy(b bool) bool {
	k.f.mu.Lock()
	defer k.f.mu.Unlock()
	k.busy = b
	return !k.f.closing || b
}

func (k *frontConn) closeIfIdle() {
	if !k.busy {
		k.c.Close()
	}
}

// errHandOff is a request the front leaves to net/http.
var errHandOff = errors.New("handed to net/http")

// readRequest reads the next request's head. On an error, replay is nil
// when the connection is to be closed, else the bytes to give net/http
// with the connection.
func (k *frontConn) readRequest() (req *http.Request, replay []byte, err error) {
	// Between requests, a connection waits without a deadline for the
	// next one's first bytes, as net/http's (seki sets no IdleTimeout):
	// the header timeout runs from there. Fewer than 4 bytes before the
	// client closes is no request, closed without an answer.
	if k.served {
		if _, err := k.br.Peek(4); err != nil {
			return nil, nil, err
		}
	}
	k.served = true
	k.r.limit = frontHeadLimit
	if k.f.headerTimeout > 0 {
		k.c.SetReadDeadline(time.Now().Add(k.f.headerTimeout))
	}
	if k.lastPost {
		// net/http tolerates the CRLF old clients send after a POST body.
		peek, _ := k.br.Peek(4)
		n := 0
		for n < len(peek) && (peek[n] == '\r' || peek[n] == '\n') {
			n++
		}
		k.br.Discard(n)
	}
	// From here until the head is accepted, every byte is kept: a request
	// handed over is replayed to net/http from its first byte.
	buffered, _ := k.br.Peek(k.br.Buffered())
	k.r.rec = append(k.r.rec[:0], buffered...)
	k.r.recording = true
	req, err = http.ReadRequest(k.br)
	k.r.recording = false
	k.r.limit = -1
	replay = k.r.rec
	if err != nil {
		if k.r.hitLimit {
			k.c.Write(headTooLarge)
			k.linger = true
			return nil, nil, err
		}
		if len(replay) == 0 && commonReadError(err) {
			return nil, nil, err // the client left, or was too slow
		}
		return nil, replay, err
	}
	if !frontServes(req) {
		return nil, replay, errHandOff
	}
	if k.f.headerTimeout > 0 {
		k.c.SetReadDeadline(time.Time{})
	}
	k.lastPost = req.Method == http.MethodPost
	req.RemoteAddr = k.remote
	return req, nil, nil
}

// commonReadError is an error net/http's server closes the connection on
// without answering: the client left, was too slow, or the read failed.
func commonReadError(err error) bool {
	if err == io.EOF {
		return true
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return true
	}
	if oe, ok := err.(*net.OpError); ok && oe.Op == "read" {
		return true
	}
	return false
}

// headTooLarge is net/http's answer to a head over the limit.
var headTooLarge = []byte("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large")

// frontServes reports whether the front serves req itself: HTTP/1.1, a
// Host net/http accepts, no Expect, an origin-form target, and header
// names and values net/http accepts. Everything else goes to net/http.
func frontServes(req *http.Request) bool {
	if req.ProtoMajor != 1 || req.ProtoMinor != 1 || req.Host == "" || req.URL.Host != "" || !strings.HasPrefix(req.RequestURI, "/") {
		return false
	}
	for i := 0; i < len(req.Host); i++ {
		if !validHostByte[req.Host[i]] {
			return false
		}
	}
	for name, vv := range req.Header {
		if name == "Expect" || name == "Host" || name == "Upgrade" || name == "Te" || name == "Trailer" {
			return false
		}
		for i := 0; i < len(name); i++ {
			if !tokenByte[name[i]] {
				return false
			}
		}
		for _, v := range vv {
			for i := 0; i < len(v); i++ {
				if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
					return false
				}
			}
		}
	}
	return true
}

// validHostByte and tokenByte are the bytes net/http's server accepts in
// a Host header and in a header name (RFC 7230's token).
var validHostByte, tokenByte [256]bool

func init() {
	for c := '0'; c <= '9'; c++ {
		validHostByte[c], tokenByte[c] = true, true
	}
	for c := 'a'; c <= 'z'; c++ {
		validHostByte[c], tokenByte[c] = true, true
		validHostByte[c-'a'+'A'], tokenByte[c-'a'+'A'] = true, true
	}
	for _, c := range "!$%&'()*+,-.:;=[]_~" {
		validHostByte[c] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		tokenByte[c] = true
	}
}

// handOff gives the connection to net/http, the bytes read so far first.
func (k *frontConn) handOff(replay []byte) bool {
	// The recorder kept every byte read from the connection since the
	// head began, those bufio holds unread included.
	k.f.handedOff.Add(1)
	hc := &replayConn{Conn: k.c, replay: slices.Clone(replay)}
	return k.f.handoff.give(hc)
}

// serveRequest runs the handler and writes its answer; it reports whether
// the connection is to be closed.
func (k *frontConn) serveRequest(req *http.Request) (closeAfter bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The body fills in the trailers of the request it was read with, so
	// the handler gets that one, with the context.
	*req = *req.WithContext(ctx)
	hasBody := req.Body != http.NoBody && req.Body != nil
	if hasBody {
		// Field by field: a late timer may be reading eof.
		k.body.k, k.body.rc, k.body.closed = k, req.Body, false
		k.body.eof.Store(false)
		req.Body = &k.body
	}
	w := &k.w
	w.reset(k, req)
	k.arm(cancel, !hasBody)
	k.f.h.ServeHTTP(w, req)
	k.disarm()
	// The body's unread rest is read (up to a bound, as net/http does,
	// also when the handler closed it) so that the next request can be;
	// beyond the bound or on a broken body the connection closes, the
	// first lingering as net/http's does.
	if hasBody && !k.body.eof.Load() {
		switch k.body.discardRest() {
		case discardTooBig:
			w.closeAfter, k.linger = true, true
		case discardBroken:
			w.closeAfter = true
		}
	}
	if err := w.finish(); err != nil {
		return true
	}
	return w.closeAfter
}

// arm starts the watch's timer for a request; bodyRead is whether its
// body is already read (it has none).
func (k *frontConn) arm(cancel context.CancelFunc, bodyRead bool) {
	k.wmu.Lock()
	k.wstate, k.wcancel = watchArmed, cancel
	k.wmu.Unlock()
	if bodyRead {
		k.body.eof.Store(true)
	}
	if k.watchTimer == nil {
		k.watchTimer = time.AfterFunc(frontWatchAfter, k.fire)
	} else {
		k.watchTimer.Reset(frontWatchAfter)
	}
}

// fire is the timer's: it starts the background read if the body is
// read, else leaves that to the body's end. A late fire meant for an
// earlier request finds the state of the current one, and at worst
// watches it early.
func (k *frontConn) fire() {
	k.wmu.Lock()
	defer k.wmu.Unlock()
	if k.wstate != watchArmed {
		return
	}
	k.wstate = watchWaiting
	if k.body.eof.Load() {
		k.startReadLocked()
	}
}

// bodyEnded is called by the body at its end.
func (k *frontConn) bodyEnded() {
	k.body.eof.Store(true)
	k.wmu.Lock()
	defer k.wmu.Unlock()
	if k.wstate == watchWaiting {
		k.startReadLocked()
	}
}

func (k *frontConn) startReadLocked() {
	if k.br.Buffered() > 0 {
		return // the next request is already here: the client is alive
	}
	k.wstate = watchReading
	k.wdone = make(chan struct{})
	cancel, done := k.wcancel, k.wdone
	go func() {
		defer close(done)
		n, err := k.c.Read(k.wbuf[:])
		if n == 1 {
			k.r.pending = k.wbuf[:1]
			return
		}
		var ne net.Error
		if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
			cancel() // the client left
		}
	}()
}

// disarm ends the watch once the handler has returned.
func (k *frontConn) disarm() {
	k.watchTimer.Stop()
	k.wmu.Lock()
	st, done := k.wstate, k.wdone
	k.wstate, k.wcancel, k.wdone = watchIdle, nil, nil
	k.wmu.Unlock()
	if st == watchReading {
		k.c.SetReadDeadline(aLongTimeAgo)
		<-done
		k.c.SetReadDeadline(time.Time{})
	}
}

// aLongTimeAgo is a deadline in the past: a read blocked on it returns.
var aLongTimeAgo = time.Unix(1, 0)

// frontBody is a request body as the handler reads it: it notes its end
// for the watch, and Close does not read what is left (the front reads
// a bounded rest after the handler, as net/http does).
type frontBody struct {
	k      *frontConn
	rc     io.ReadCloser
	eof    atomic.Bool
	closed bool
}

func (b *frontBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	n, err := b.rc.Read(p)
	if err == io.EOF && !b.eof.Load() {
		b.k.bodyEnded()
	}
	return n, err
}

func (b *frontBody) Close() error {
	b.closed = true
	return nil
}

// What reading the rest of a body found.
const (
	discardDone   = iota // the body's end: the connection can serve the next request
	discardTooBig        // more than frontDiscardLimit bytes were left
	discardBroken        // a read error: what follows cannot be parsed
)

// discardRest reads what the handler left of the body, up to
// frontDiscardLimit bytes.
func (b *frontBody) discardRest() int {
	n, err := io.CopyN(io.Discard, b.rc, frontDiscardLimit+1)
	switch {
	case err == io.EOF:
		return discardDone
	case err == nil && n > frontDiscardLimit:
		return discardTooBig
	default:
		return discardBroken
	}
}

// frontLinger is how long a connection closing on a client that may still
// be sending waits after its answer (net/http's rstAvoidanceDelay).
const frontLinger = 500 * time.Millisecond

// closeAndLinger ends the sending side and waits before the connection is
// closed: closing a socket with unread bytes makes the kernel send a
// reset, and a client still writing its request would lose the answer
// (a 413, a 431, an error found before the body was read) to it.
func (k *frontConn) closeAndLinger() {
	if cw, ok := k.c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	time.Sleep(frontLinger)
}

// frontReader reads the connection for the bufio.Reader, keeping what it
// reads while recording and stopping at limit (when ≥ 0).
type frontReader struct {
	c net.Conn
	// pending is a byte the watch read ahead: the next request's first.
	pending   []byte
	rec       []byte
	recording bool
	limit     int64
	hitLimit  bool
}

func (r *frontReader) Read(p []byte) (int, error) {
	if r.limit >= 0 {
		if r.limit == 0 {
			r.hitLimit = true
			return 0, io.EOF
		}
		if int64(len(p)) > r.limit {
			p = p[:r.limit]
		}
	}
	var n int
	var err error
	if len(r.pending) > 0 {
		n = copy(p, r.pending)
		r.pending = r.pending[n:]
	} else {
		n, err = r.c.Read(p)
	}
	if r.limit >= 0 {
		r.limit -= int64(n)
	}
	if r.recording {
		r.rec = append(r.rec, p[:n]...)
	}
	return n, err
}

// replayConn is a connection handed to net/http: its reads return the
// bytes the front had read first.
type replayConn struct {
	net.Conn
	replay []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.replay) > 0 {
		n := copy(p, c.replay)
		c.replay = c.replay[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// handoffListener is the listener net/http's server accepts the handed
// connections from.
type handoffListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	addr  net.Addr
}

func (l *handoffListener) give(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.done:
		return false
	}
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }

// frontResponse is the front's http.ResponseWriter: the answer is built
// in one buffer and written with its head in one write; past
// frontBuffered bytes without a Content-Length it is sent chunked.
type frontResponse struct {
	k          *frontConn
	req        *http.Request
	header     http.Header
	status     int
	wroteHead  bool // WriteHeader called (or implied)
	sentHead   bool // the head is on the wire
	chunked    bool
	declared   int64 // Content-Length set by the handler, or -1
	written    int64 // body bytes the handler wrote
	body       []byte
	out        []byte
	closeAfter bool
	keys       []string
}

func (w *frontResponse) reset(k *frontConn, req *http.Request) {
	w.k, w.req = k, req
	if w.header == nil {
		w.header = make(http.Header, 8)
	} else {
		clear(w.header)
	}
	w.status, w.wroteHead, w.sentHead, w.chunked = 0, false, false, false
	w.declared, w.written = -1, 0
	w.body, w.out = w.body[:0], w.out[:0]
	w.closeAfter = req.Close
	if cap(w.body) > frontBuffered*2 {
		w.body = nil
	}
}

func (w *frontResponse) Header() http.Header { return w.header }

func (w *frontResponse) WriteHeader(code int) {
	if w.wroteHead {
		return
	}
	if code < 100 || code > 999 {
		panic("invalid WriteHeader code " + strconv.Itoa(code))
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		// An informational answer goes out at once, with the headers set
		// so far; the final one follows.
		out := appendStatus(w.out[:0], code)
		out = w.appendHeader(out, w.header)
		out = append(out, "\r\n"...)
		w.k.c.Write(out)
		w.out = out[:0]
		return
	}
	w.wroteHead, w.status = true, code
	if cl := w.header.Get("Content-Length"); cl != "" {
		if v, err := strconv.ParseInt(cl, 10, 64); err == nil && v >= 0 {
			w.declared = v
		} else {
			w.header.Del("Content-Length")
		}
	}
}

func (w *frontResponse) Write(p []byte) (int, error) { return writeBody(w, p) }

// WriteString lets io.WriteString skip a conversion.
func (w *frontResponse) WriteString(s string) (int, error) { return writeBody(w, s) }

// writeBody is Write and WriteString: the body is held (a HEAD answer's
// only as far as sniffing needs) and flushed past frontBuffered.
func writeBody[T string | []byte](w *frontResponse, p T) (int, error) {
	if !w.wroteHead {
		w.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.declared >= 0 && w.written+int64(len(p)) > w.declared {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if w.req.Method == http.MethodHead {
		if !w.sentHead && len(w.body) < frontBuffered {
			w.body = append(w.body, p[:min(len(p), frontBuffered-len(w.body))]...)
		}
		return len(p), nil
	}
	w.body = append(w.body, p...)
	if len(w.body) > frontBuffered {
		if err := w.flush(false); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// flush writes the head (if not yet written) and the body held; done is
// true when the handler has returned.
func (w *frontResponse) flush(done bool) error {
	out := w.out[:0]
	if !w.sentHead {
		out = w.appendHead(out, done)
		w.sentHead = true
	}
	head := w.req.Method == http.MethodHead || !bodyAllowed(w.status)
	switch {
	case head:
	case w.chunked:
		if len(w.body) > 0 {
			out = strconv.AppendInt(out, int64(len(w.body)), 16)
			out = append(out, "\r\n"...)
			out = append(out, w.body...)
			out = append(out, "\r\n"...)
		}
		if done {
			out = append(out, "0\r\n\r\n"...)
		}
	default:
		out = append(out, w.body...)
	}
	w.body = w.body[:0]
	w.out = out[:0]
	if len(out) == 0 {
		return nil
	}
	_, err := w.k.c.Write(out)
	return err
}

// finish completes the answer once the handler has returned.
func (w *frontResponse) finish() error {
	if !w.wroteHead {
		w.WriteHeader(http.StatusOK)
	}
	err := w.flush(true)
	if w.declared >= 0 && w.written < w.declared && w.req.Method != http.MethodHead && bodyAllowed(w.status) {
		// The answer is shorter than announced: the client cannot find
		// the next one.
		w.closeAfter = true
	}
	return err
}

// appendHead appends the status line and headers, deciding the framing as
// net/http's server does: an answer complete when its head is written
// gets a Content-Length, a longer one is chunked; Content-Type is sniffed
// when not set; Date is added.
func (w *frontResponse) appendHead(out []byte, done bool) []byte {
	h := w.header
	code := w.status
	h.Del("Transfer-Encoding")
	if bodyAllowed(code) {
		if _, ok := h["Content-Type"]; !ok && h.Get("Content-Encoding") == "" && len(w.body) > 0 {
			h.Set("Content-Type", http.DetectContentType(w.body))
		}
		if w.declared < 0 {
			switch {
			case w.req.Method == http.MethodHead:
				// What the handler wrote is not sent, but its length is.
				if done && w.written > 0 {
					h.Set("Content-Length", strconv.FormatInt(w.written, 10))
				}
			case done:
				h.Set("Content-Length", strconv.Itoa(len(w.body)))
			default:
				w.chunked = true
			}
		}
	} else {
		h.Del("Content-Length")
		if code == http.StatusNotModified {
			h.Del("Content-Type")
		}
	}
	if h.Get("Connection") == "close" {
		w.closeAfter = true
	}
	if w.closeAfter {
		h.Set("Connection", "close")
	}
	out = appendStatus(out, code)
	out = w.appendHeader(out, h)
	if _, ok := h["Date"]; !ok {
		out = append(out, "Date: "...)
		out = append(out, fnruntime.HTTPDate()...)
		out = append(out, "\r\n"...)
	}
	if w.chunked {
		out = append(out, "Transfer-Encoding: chunked\r\n"...)
	}
	return append(out, "\r\n"...)
}

func appendStatus(out []byte, code int) []byte {
	out = append(out, "HTTP/1.1 "...)
	out = strconv.AppendInt(out, int64(code), 10)
	out = append(out, ' ')
	if text := http.StatusText(code); text != "" {
		out = append(out, text...)
	} else {
		out = append(out, "status code "...)
		out = strconv.AppendInt(out, int64(code), 10)
	}
	return append(out, "\r\n"...)
}

// appendHeader writes h sorted by name, as net/http does, leaving out
// names it would refuse and turning CR and LF in values into spaces.
func (w *frontResponse) appendHeader(out []byte, h http.Header) []byte {
	keys := w.keys[:0]
	for name := range h {
		keys = append(keys, name)
	}
	slices.Sort(keys)
	for _, name := range keys {
		ok := name != ""
		for i := 0; i < len(name) && ok; i++ {
			ok = tokenByte[name[i]]
		}
		if !ok {
			continue
		}
		for _, v := range h[name] {
			out = append(out, name...)
			out = append(out, ": "...)
			v = strings.TrimSpace(v)
			for i := 0; i < len(v); i++ {
				c := v[i]
				if c == '\r' || c == '\n' {
					c = ' '
				}
				out = append(out, c)
			}
			out = append(out, "\r\n"...)
		}
	}
	w.keys = keys[:0]
	return out
}

func bodyAllowed(code int) bool {
	return !(code >= 100 && code <= 199 || code == http.StatusNoContent || code == http.StatusNotModified)
}
