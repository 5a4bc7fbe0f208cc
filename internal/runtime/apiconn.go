package runtime

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The Runtime API's HTTP/1.1 server. Two requests per invocation go
// through it (GET next, POST response), so it is written for that loop and
// nothing else: one goroutine per connection that reads a request, answers
// it with one write and reads the next (keep-alive), no header maps, no
// goroutine or context per request. What a runtime client sees is what
// net/http (and AWS's Runtime API, which is served by Go's net/http) would
// send: the status line, Content-Type, the Lambda-Runtime-* headers, Date
// and Content-Length.

// Limits on what a runtime may send. Headers: net/http's default (1 MiB
// plus slack; aws-lambda-go sends X-Ray error causes up to 1 MiB in a
// header). Connections: runtimes use one; the bound keeps a function from
// holding seki goroutines without end.
const (
	maxHeaderBytes = 1<<20 + 4096
	maxAPIConns    = 64
	// maxDiscard is how much of an unwanted or oversized body is read to
	// keep the connection; beyond it the connection is closed.
	maxDiscard = 64 << 20
)

// errBadRequest is a request the server cannot read as HTTP/1.1.
var errBadRequest = errors.New("malformed HTTP request")

// apiRequest is what the handlers need of one request.
type apiRequest struct {
	method string
	path   []byte // unescaped, without the query; valid until the next request
	// Body framing: chunked, or contentLength bytes (0 when absent).
	chunked       bool
	contentLength int64
	bodyRead      bool
	close         bool // Connection: close, or HTTP/1.0 without keep-alive
	http10        bool
	expect        bool // Expect: 100-continue
	errorType     string
	// From a chunked body's trailers, once the body is read.
	trailerType, trailerBody string
}

// apiConn is one runtime connection.
type apiConn struct {
	a   *api
	c   net.Conn
	br  *bufio.Reader
	out []byte // the answer being built; written with one write
	req apiRequest
	// line gathers a header line longer than br's buffer.
	line    []byte
	pathBuf []byte
	// alive's state, kept here so that its check allocates nothing.
	rc      syscall.RawConn
	peekFn  func(fd uintptr) bool
	peekBuf [1]byte
	live    bool
}

// serveAPI accepts the runtime's connections until the listener closes.
func (e *env) serveAPI() {
	a := &api{e: e}
	for {
		c, err := e.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		if !e.trackConn(c, true) {
			c.Close()
			continue
		}
		go func() {
			a.serveConn(c)
			e.trackConn(c, false)
			c.Close()
		}()
	}
}

// trackConn adds (or removes) a connection from those stop closes; it
// refuses one over the limit or after stop.
func (e *env) trackConn(c net.Conn, add bool) bool {
	e.connMu.Lock()
	defer e.connMu.Unlock()
	if !add {
		delete(e.conns, c)
		return true
	}
	if e.connsClosed || len(e.conns) >= maxAPIConns {
		return false
	}
	if e.conns == nil {
		e.conns = map[net.Conn]struct{}{}
	}
	e.conns[c] = struct{}{}
	return true
}

// closeAPI closes the listener and every runtime connection.
func (e *env) closeAPI() {
	if e.ln != nil {
		e.ln.Close()
	}
	e.connMu.Lock()
	e.connsClosed = true
	for c := range e.conns {
		c.Close()
	}
	e.connMu.Unlock()
}

var brPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// serveConn serves one connection's requests in turn.
func (a *api) serveConn(c net.Conn) {
	br := brPool.Get().(*bufio.Reader)
	br.Reset(c)
	defer func() {
		br.Reset(nil)
		brPool.Put(br)
	}()
	k := &apiConn{a: a, c: c, br: br, out: make([]byte, 0, 512)}
	for {
		if err := k.readRequest(); err != nil {
			if err == errBadRequest {
				c.Write(badRequest)
			}
			return
		}
		k.out = k.out[:0]
		a.serve(k)
		if !k.req.bodyRead && !k.discardBody() {
			k.req.close = true
		}
		if len(k.out) > 0 {
			if _, err := c.Write(k.out); err != nil {
				return
			}
		}
		if cap(k.out) > 64<<10 {
			k.out = make([]byte, 0, 512)
		}
		if k.req.close {
			return
		}
	}
}

// badRequest is net/http's answer to a request it cannot parse.
var badRequest = []byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")

// readLine returns the next line without its CRLF (or LF). The slice is
// valid until the next read.
func (k *apiConn) readLine(budget *int) ([]byte, error) {
	l, err := k.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		k.line = append(k.line[:0], l...)
		for err == bufio.ErrBufferFull {
			if len(k.line) > *budget {
				return nil, errBadRequest
			}
			l, err = k.br.ReadSlice('\n')
			k.line = append(k.line, l...)
		}
		l = k.line
	}
	if err != nil {
		if err == io.EOF && len(l) > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if *budget -= len(l); *budget < 0 {
		return nil, errBadRequest
	}
	l = l[:len(l)-1]
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	return l, nil
}

// readRequest reads a request line and headers into k.req.
func (k *apiConn) readRequest() error {
	k.req = apiRequest{}
	r := &k.req
	budget := maxHeaderBytes
	var line []byte
	var err error
	// Empty lines before a request are allowed (RFC 9112, 2.2).
	for {
		if line, err = k.readLine(&budget); err != nil {
			return err
		}
		if len(line) > 0 {
			break
		}
	}
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return errBadRequest
	}
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 <= 0 {
		return errBadRequest
	}
	target, proto := rest[:sp2], rest[sp2+1:]
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.http10, r.close = true, true
	default:
		return errBadRequest
	}
	if !validMethod(line[:sp1]) {
		return errBadRequest
	}
	r.method = methodString(line[:sp1])
	// The path is kept in the connection's buffer (the line is reused by
	// the header reads): no string per request.
	if k.pathBuf, err = requestPath(k.pathBuf[:0], target); err != nil {
		return err
	}
	r.path = k.pathBuf
	haveLength := false
	for {
		if line, err = k.readLine(&budget); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := headerField(line)
		if !ok {
			return errBadRequest
		}
		switch {
		case asciiEqualFold(name, "content-length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (haveLength && n != r.contentLength) {
				return errBadRequest
			}
			r.contentLength, haveLength = n, true
		case asciiEqualFold(name, "transfer-encoding"):
			if !asciiEqualFold(value, "chunked") || r.chunked {
				return errBadRequest
			}
			r.chunked = true
		case asciiEqualFold(name, "connection"):
			if hasToken(value, "close") {
				r.close = true
			} else if r.http10 && hasToken(value, "keep-alive") {
				r.close = false
			}
		case asciiEqualFold(name, "expect"):
			if asciiEqualFold(value, "100-continue") {
				r.expect = true
			}
		case asciiEqualFold(name, hdrErrorType):
			if r.errorType == "" {
				r.errorType = string(value)
			}
		}
	}
	if r.chunked {
		if haveLength || r.http10 {
			// Both framings at once is a smuggling attempt (RFC 9112, 6.3).
			return errBadRequest
		}
		r.contentLength = -1
	}
	r.bodyRead = !r.chunked && r.contentLength == 0
	return nil
}

// requestPath is the target's path, unescaped, without its query; an
// absolute-form target ("http://host/p") gives its path.
func requestPath(dst, target []byte) ([]byte, error) {
	if len(target) == 0 {
		return dst, errBadRequest
	}
	for _, c := range target {
		if c < ' ' || c == 0x7f {
			return dst, errBadRequest // as net/http refuses control bytes in a URL
		}
	}
	if target[0] != '/' {
		i := bytes.Index(target, []byte("://"))
		if i <= 0 {
			return dst, errBadRequest
		}
		rest := target[i+3:]
		j := bytes.IndexByte(rest, '/')
		if j < 0 {
			return append(dst, '/'), nil
		}
		target = rest[j:]
	}
	if i := bytes.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	if bytes.IndexByte(target, '%') < 0 {
		return append(dst, target...), nil
	}
	p, err := url.PathUnescape(string(target))
	if err != nil {
		return dst, errBadRequest
	}
	return append(dst, p...), nil
}

// headerField splits "Name: value", trimming the value's blanks.
func headerField(line []byte) (name, value []byte, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return nil, nil, false
	}
	name = line[:i]
	for _, c := range name {
		if !isTokenByte(c) {
			// Includes obsolete line folding (a line starting with a
			// blank) and a blank before the colon, which RFC 9112 refuses.
			return nil, nil, false
		}
	}
	value = line[i+1:]
	for len(value) > 0 && (value[0] == ' ' || value[0] == '\t') {
		value = value[1:]
	}
	for len(value) > 0 && (value[len(value)-1] == ' ' || value[len(value)-1] == '\t') {
		value = value[:len(value)-1]
	}
	return name, value, true
}

func isTokenByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return c < 0x7f && c > ' ' && bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}

func validMethod(m []byte) bool {
	for _, c := range m {
		if !isTokenByte(c) {
			return false
		}
	}
	return len(m) > 0
}

// methodString avoids an allocation for the methods runtimes use.
func methodString(m []byte) string {
	switch string(m) {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodPost:
		return http.MethodPost
	}
	return string(m)
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// hasToken reports whether a comma-separated header value holds tok.
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		var part []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			part, v = v[:i], v[i+1:]
		} else {
			part, v = v, nil
		}
		part = bytes.TrimSpace(part)
		if asciiEqualFold(part, tok) {
			return true
		}
	}
	return false
}

// readBody reads the request's body, at most limit bytes; over reports a
// longer body (read and dropped up to maxDiscard, so that the connection
// can go on). An error means the connection cannot be used again.
func (k *apiConn) readBody(limit int) (body []byte, over bool, err error) {
	r := &k.req
	if r.bodyRead {
		return nil, false, nil
	}
	r.bodyRead = true
	if r.expect {
		// The client waits for this before sending the body (curl does
		// for large bodies); net/http sends it when the handler reads.
		if _, err := k.c.Write(continue100); err != nil {
			return nil, false, err
		}
	}
	if !r.chunked {
		if r.contentLength > int64(limit) {
			if r.contentLength-int64(limit) > maxDiscard {
				r.close = true
				return nil, true, nil
			}
			_, err := k.br.Discard(int(r.contentLength))
			return nil, true, err
		}
		body = make([]byte, r.contentLength)
		_, err := io.ReadFull(k.br, body)
		return body, false, err
	}
	return k.readChunked(limit)
}

var continue100 = []byte("HTTP/1.1 100 Continue\r\n\r\n")

// readChunked reads a chunked body and its trailers (RFC 9112, 7.1).
func (k *apiConn) readChunked(limit int) (body []byte, over bool, err error) {
	r := &k.req
	budget := maxHeaderBytes
	total := int64(0)
	for {
		line, err := k.readLine(&budget)
		if err != nil {
			return nil, false, eofIsUnexpected(err)
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions are ignored
		}
		line = bytes.TrimRight(line, " \t")
		if len(line) == 0 || len(line) > 16 {
			return nil, false, errBadRequest
		}
		n, perr := strconv.ParseUint(string(line), 16, 63)
		if perr != nil {
			return nil, false, errBadRequest
		}
		if n == 0 {
			break
		}
		total += int64(n)
		if total > int64(limit)+maxDiscard {
			r.close = true
			return nil, true, nil
		}
		if over || total > int64(limit) {
			over = true
			body = nil
			if _, err := k.br.Discard(int(n)); err != nil {
				return nil, false, eofIsUnexpected(err)
			}
		} else {
			start := len(body)
			body = append(body, make([]byte, n)...)
			if _, err := io.ReadFull(k.br, body[start:]); err != nil {
				return nil, false, eofIsUnexpected(err)
			}
		}
		line, err = k.readLine(&budget)
		if err != nil {
			return nil, false, eofIsUnexpected(err)
		}
		if len(line) != 0 {
			return nil, false, errBadRequest
		}
	}
	// Trailers, up to the empty line.
	for {
		line, err := k.readLine(&budget)
		if err != nil {
			return nil, false, eofIsUnexpected(err)
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := headerField(line)
		if !ok {
			return nil, false, errBadRequest
		}
		switch {
		case asciiEqualFold(name, hdrErrorType):
			r.trailerType = string(value)
		case asciiEqualFold(name, hdrErrorBody):
			r.trailerBody = string(value)
		}
	}
	if body == nil && !over {
		body = []byte{}
	}
	return body, over, nil
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// discardBody reads a body no handler read; false means the connection
// cannot go on.
func (k *apiConn) discardBody() bool {
	if k.req.expect {
		// The body was never asked for, so the client does not send it;
		// closing keeps the framing unambiguous (net/http does the same).
		return false
	}
	_, _, err := k.readBody(0)
	return err == nil && !k.req.close
}

// alive reports whether the runtime's end of the connection is still
// open, without blocking: a runtime that gave up its GET next (or died)
// must not be handed an invocation it will never read.
func (k *apiConn) alive() bool {
	if k.br.Buffered() > 0 {
		return true // a pipelined request: the runtime is there
	}
	if k.rc == nil {
		sc, ok := k.c.(syscall.Conn)
		if !ok {
			return true
		}
		rc, err := sc.SyscallConn()
		if err != nil {
			return true
		}
		k.rc, k.peekFn = rc, k.peek
	}
	k.live = true
	k.rc.Read(k.peekFn)
	return k.live
}

// peek sets k.live from a non-blocking MSG_PEEK of one byte: 0 bytes is
// the runtime's end of file.
func (k *apiConn) peek(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), k.peekBuf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	k.live = n > 0 || err == syscall.EAGAIN || err == syscall.EINTR
	return true
}

// Writing answers.

// status appends the status line and Content-Type.
func (k *apiConn) status(code int) {
	if k.req.http10 {
		k.out = append(k.out, "HTTP/1.0 "...) // as net/http answers HTTP/1.0
	} else {
		k.out = append(k.out, "HTTP/1.1 "...)
	}
	k.out = strconv.AppendInt(k.out, int64(code), 10)
	k.out = append(k.out, ' ')
	k.out = append(k.out, http.StatusText(code)...)
	k.out = append(k.out, "\r\nContent-Type: application/json\r\n"...)
}

// header appends "Name: value", with any CR or LF in the value turned
// into a space and the value trimmed, as net/http writes it.
func (k *apiConn) header(name, value string) {
	k.out = append(k.out, name...)
	k.out = append(k.out, ": "...)
	i, j := 0, len(value)
	for i < j && (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n') {
		i++
	}
	for j > i && (value[j-1] == ' ' || value[j-1] == '\t' || value[j-1] == '\r' || value[j-1] == '\n') {
		j--
	}
	for ; i < j; i++ {
		c := value[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		k.out = append(k.out, c)
	}
	k.out = append(k.out, "\r\n"...)
}

// finish appends Date, Content-Length, Connection: close when the
// connection ends (keep-alive when an HTTP/1.0 client asked to keep it),
// and the body.
func (k *apiConn) finish(body []byte) {
	k.out = append(k.out, "Date: "...)
	k.out = append(k.out, HTTPDate()...)
	k.out = append(k.out, "\r\nContent-Length: "...)
	k.out = strconv.AppendInt(k.out, int64(len(body)), 10)
	if k.req.close {
		k.out = append(k.out, "\r\nConnection: close"...)
	} else if k.req.http10 {
		k.out = append(k.out, "\r\nConnection: keep-alive"...)
	}
	k.out = append(k.out, "\r\n\r\n"...)
	k.out = append(k.out, body...)
}

// dateCache is the Date header of the current second.
type dateCache struct {
	sec  int64
	text string
}

var lastDate atomic.Pointer[dateCache]

// HTTPDate is the current time in HTTP's format (a Date header's value),
// formatted once a second; the public endpoint's front uses it too.
func HTTPDate() string {
	now := time.Now()
	if d := lastDate.Load(); d != nil && d.sec == now.Unix() {
		return d.text
	}
	d := &dateCache{sec: now.Unix(), text: now.UTC().Format(http.TimeFormat)}
	lastDate.Store(d)
	return d.text
}
