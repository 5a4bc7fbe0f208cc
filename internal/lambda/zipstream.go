package lambda

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// A deployment package is decoded while its request streams in
// (protocol.BodyStreamer): the JSON before the package's base64 string is
// kept, the string is decoded straight into the package and its SHA-256
// (CodeSha256) as each chunk arrives, and the JSON after it is kept. The
// operation's decoder then reads the body with the string replaced by
// null, a few hundred bytes, and takes the package as it is. There is no
// copy of the 6 MB string, in memory or in the spill file, and no second
// pass over it.
//
// Anything the stream does not expect (no such member, an escape or a
// character that is not base64 in the string, padding before the end, a
// body larger than announced, the memory budget full) makes it hand the
// body on unchanged from there: what it had taken is written back exactly
// (the base64 it decoded re-encodes to the same text, as it accepted only
// canonical base64), so the decoder sees the body as sent and answers as
// encoding/json does (decodeWithZip, FuzzZipStream).

// maxStreamJSON bounds the JSON around the package the stream keeps in
// memory; a body with more is handed on as it is.
const maxStreamJSON = 256 << 10

// codeOperation names the operation of a request that carries a package
// inline: CreateFunction, UpdateFunctionCode, or "" for any other.
func codeOperation(hr *http.Request) string {
	path := hr.URL.Path
	switch {
	case hr.Method == http.MethodPost && strings.TrimSuffix(path, "/") == "/2015-03-31/functions":
		return "CreateFunction"
	case hr.Method == http.MethodPut && strings.HasPrefix(path, "/2015-03-31/functions/") && strings.HasSuffix(path, "/code"):
		return "UpdateFunctionCode"
	}
	return ""
}

// BodyStream streams the bodies of CreateFunction and UpdateFunctionCode
// (protocol.BodyStreamer).
func (h *Handler) BodyStream(hr *http.Request, size int64, mem protocol.Memory, keep func([]byte) error) protocol.BodyStream {
	if size < int64(zipFastMin) {
		return nil
	}
	switch codeOperation(hr) {
	case "CreateFunction":
		return newZipStream(size, mem, keep, "Code", "ZipFile")
	case "UpdateFunctionCode":
		return newZipStream(size, mem, keep, "ZipFile")
	}
	return nil
}

// BodyLimit is the largest body Lambda accepts for the request, and its
// answer to a larger one, which names the operation; 0 leaves the
// server's own limit. AWS recorded the limit for CreateFunction; a code
// update carries the same package and is given the same.
func (h *Handler) BodyLimit(hr *http.Request) (int64, error) {
	op := codeOperation(hr)
	if op == "" {
		return 0, nil
	}
	return maxCodeRequestBytes, errEntityTooLarge.Errorf(msgCodeRequestTooLargeFmt, maxCodeRequestBytes, op)
}

// Where a zipStream is in the body.
const (
	zsHead   = iota // before the string: looking for it
	zsString        // inside the string: decoding
	zsTail          // after the string
	zsRaw           // handing the body on as it is
)

type zipStream struct {
	path []string
	mem  protocol.Memory
	keep func([]byte) error
	size int64

	state  int
	head   []byte // the JSON before the string's opening quote
	scanAt int    // the length of head at which to look for the string again
	tail   []byte // the JSON after its closing quote
	carry  [4]byte
	nc     int    // base64 characters in carry, not yet decoded
	data   []byte // the package decoded so far
	held   int64  // memory budget held for data
	sha    hash.Hash

	// Once End has run: ok when the package was decoded whole; then the
	// kept body is head + "null" + tail, the null at offset at.
	ok  bool
	at  int
	sum [sha256.Size]byte
}

func newZipStream(size int64, mem protocol.Memory, keep func([]byte) error, path ...string) *zipStream {
	return &zipStream{path: path, mem: mem, keep: keep, size: size}
}

func (z *zipStream) Write(p []byte) error {
	switch z.state {
	case zsHead:
		if len(z.head)+len(p) > maxStreamJSON || !z.hold(len(p)) {
			z.head = append(z.head, p...)
			return z.toRaw(nil)
		}
		z.head = append(z.head, p...)
		// Scanned again only once it has doubled, so that a body sent a
		// byte at a time costs linear time.
		if len(z.head) < z.scanAt {
			return nil
		}
		start, st := locateString(z.head, z.path)
		z.scanAt = 2 * len(z.head)
		switch {
		case st == locFound:
			// The package's decoded size is at most three quarters of the
			// body's; it is held within the shared budget.
			n := z.size / 4 * 3
			if !z.hold(int(n)) {
				return z.toRaw(nil)
			}
			z.data = make([]byte, 0, n)
			z.sha = sha256.New()
			rest := z.head[start:]
			z.head = z.head[:start-1] // up to the opening quote
			z.state = zsString
			return z.string(rest)
		case st == locBad:
			return z.toRaw(nil)
		}
		return nil
	case zsString:
		return z.string(p)
	case zsTail:
		z.tail = append(z.tail, p...)
		if len(z.head)+len(z.tail) > maxStreamJSON || !z.hold(len(p)) {
			return z.toRaw(nil)
		}
		return nil
	default:
		return z.keep(p)
	}
}

// string takes bytes inside the string: base64 up to the closing quote.
// Either it takes all of p or, on anything unexpected, it hands p on
// unchanged after what it had taken.
func (z *zipStream) string(p []byte) error {
	s, after, closed := p, []byte(nil), false
	if q := bytes.IndexByte(p, '"'); q >= 0 {
		s, after, closed = p[:q], p[q+1:], true
	}
	if !z.decode(s, closed) {
		return z.toRaw(p)
	}
	if closed {
		z.state = zsTail
		z.sha.Sum(z.sum[:0])
		z.tail = append(z.tail, after...)
		if !z.hold(len(after)) {
			return z.toRaw(nil)
		}
	}
	return nil
}

// decode decodes s, the string's next characters, all or nothing: the
// last quantum (1 to 4 characters) waits in carry until the string is
// closed, since only it may hold padding. It refuses characters a JSON
// string would escape or the decoder would skip, padding before the end
// and, at the end, non-canonical base64, so that what it decoded
// re-encodes to exactly the text it took.
func (z *zipStream) decode(s []byte, closed bool) bool {
	if bytes.IndexByte(s, '\\') >= 0 || bytes.IndexByte(s, '\n') >= 0 || bytes.IndexByte(s, '\r') >= 0 {
		return false
	}
	total := z.nc + len(s)
	// Characters decoded now: whole quanta, keeping back the last one
	// unless the string is closed.
	now := total / 4 * 4
	if !closed && now == total {
		now -= 4
	}
	if closed && now != total {
		return false // a string whose length is not a multiple of 4
	}
	if now <= 0 {
		if closed { // an empty string, or carry holding the last quantum
			if z.nc == 0 && len(s) == 0 {
				return true
			}
		} else {
			z.nc += copy(z.carry[z.nc:], s)
			return true
		}
	}
	from := len(z.data)
	rollback := func() bool { z.data = z.data[:from]; return false }
	// The carry first, topped up from s.
	used := 0
	if z.nc > 0 {
		var q [4]byte
		copy(q[:], z.carry[:z.nc])
		used = copy(q[z.nc:], s)
		if !z.put(q[:], closed && now == 4) {
			return rollback()
		}
	}
	body := s[used : len(s)-(total-now)]
	if len(body) > 0 && !z.put(body, closed) {
		return rollback()
	}
	rest := s[len(s)-(total-now):]
	z.nc = copy(z.carry[:], rest)
	z.sha.Write(z.data[from:])
	return true
}

// put decodes whole quanta onto data; padding is allowed only in the last
// quantum of the string (final).
func (z *zipStream) put(q []byte, final bool) bool {
	if !final && bytes.IndexByte(q, '=') >= 0 {
		return false
	}
	if final && bytes.IndexByte(q[:len(q)-4], '=') >= 0 {
		return false
	}
	n := len(z.data)
	need := base64.StdEncoding.DecodedLen(len(q))
	if cap(z.data)-n < need {
		return false // more than the body announced
	}
	m, err := base64.StdEncoding.Strict().Decode(z.data[n:n+need], q)
	if err != nil {
		return false
	}
	z.data = z.data[:n+m]
	return true
}

// toRaw hands the body on unchanged from here: what the stream took, as
// it was sent, then p.
func (z *zipStream) toRaw(p []byte) error {
	prev := z.state
	z.state = zsRaw
	var err error
	switch prev {
	case zsHead:
		err = z.keep(z.head)
	case zsString, zsTail:
		err = z.keepSent(prev == zsTail)
	}
	z.release()
	z.head, z.tail, z.data = nil, nil, nil
	if err != nil {
		return err
	}
	if p != nil {
		return z.keep(p)
	}
	return nil
}

// keepSent keeps the text the stream took in its string states: head,
// the quote, the decoded part re-encoded (whole quanta without padding
// while the string is open, so pieces of a multiple of 3 bytes encode to
// exactly the text taken), the carry, and, once the string was closed,
// the quote and tail.
func (z *zipStream) keepSent(closed bool) error {
	if err := z.keep(z.head); err != nil {
		return err
	}
	buf := make([]byte, 0, 4<<10)
	buf = append(buf, '"')
	for d := z.data; len(d) > 0; {
		n := min(len(d), 3*1000)
		buf = base64.StdEncoding.AppendEncode(buf, d[:n])
		d = d[n:]
		if err := z.keep(buf); err != nil {
			return err
		}
		buf = buf[:0]
	}
	buf = append(buf, z.carry[:z.nc]...)
	if closed {
		buf = append(buf, '"')
	}
	if err := z.keep(buf); err != nil {
		return err
	}
	if closed {
		return z.keep(z.tail)
	}
	return nil
}

func (z *zipStream) End() error {
	switch z.state {
	case zsHead:
		if z.scanAt > 0 && len(z.head) < z.scanAt {
			// Bytes arrived since the last look: the string may be among them.
			z.scanAt = 0
			if err := z.Write(nil); err != nil || z.state != zsHead {
				if err != nil {
					return err
				}
				return z.End()
			}
		}
		return z.toRaw(nil)
	case zsString:
		return z.toRaw(nil)
	case zsTail:
		z.at = len(z.head)
		if err := z.keep(z.head); err != nil {
			return err
		}
		if err := z.keep([]byte("null")); err != nil {
			return err
		}
		if err := z.keep(z.tail); err != nil {
			return err
		}
		z.ok = true
	}
	return nil
}

func (z *zipStream) Close() { z.release() }

// hold takes n bytes of the shared budget for what the stream keeps in
// memory before the request is authenticated: the package and the JSON
// around it, as the server holds a small body.
func (z *zipStream) hold(n int) bool {
	if n == 0 {
		return true
	}
	if !z.mem.TryAcquire(int64(n)) {
		return false
	}
	z.held += int64(n)
	return true
}

func (z *zipStream) release() {
	if z.held > 0 {
		z.mem.Release(z.held)
		z.held = 0
	}
}

// sent rebuilds the body as it was sent from what the stream kept (body,
// its head + "null" + tail): for the decoder's ordinary path.
func (z *zipStream) sent(body []byte) []byte {
	enc := base64.StdEncoding.EncodedLen(len(z.data))
	out := make([]byte, 0, len(body)-4+2+enc)
	out = append(out, body[:z.at]...)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, z.data)
	out = append(out, '"')
	return append(out, body[z.at+4:]...)
}

// Results of locateString.
const (
	locMore  = iota // the body so far ends before the string
	locFound        // found
	locBad          // the body does not have the expected shape
)

// locateString finds where the content of the string at path starts in
// the beginning of a JSON object. It follows the first member of each
// name; decodeWithZip checks afterwards that there was no other.
func locateString(b []byte, path []string) (int, int) {
	s := scanner{b: b}
	for _, name := range path {
		s.ws()
		if s.i == len(b) {
			return 0, locMore
		}
		if !s.eat('{') {
			return 0, locBad
		}
		for found := false; !found; {
			s.ws()
			if s.i == len(b) {
				return 0, locMore
			}
			if b[s.i] != '"' {
				return 0, locBad // the object ends (or is malformed) first
			}
			ks, ke, esc, ok := s.str()
			if !ok {
				return 0, locMore
			}
			if esc {
				return 0, locBad
			}
			s.ws()
			if s.i == len(b) {
				return 0, locMore
			}
			if !s.eat(':') {
				return 0, locBad
			}
			s.ws()
			if s.i == len(b) {
				return 0, locMore
			}
			if string(b[ks:ke]) == name {
				found = true
				continue
			}
			if !s.skip() {
				return 0, locMore // or malformed: the end decides
			}
			s.ws()
			if s.i == len(b) {
				return 0, locMore
			}
			if !s.eat(',') {
				return 0, locBad
			}
		}
	}
	if s.i == len(b) {
		return 0, locMore
	}
	if b[s.i] != '"' {
		return 0, locBad
	}
	return s.i + 1, locFound
}
