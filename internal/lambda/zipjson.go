package lambda

import (
	"bytes"
	"encoding/base64"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// A deployment package arrives as a base64 string of up to 70 MB inside a
// JSON body. encoding/json scans such a string byte by byte, twice (once
// to find the value's end, once to unquote it), before decoding the
// base64: some 100 ms for a 9 MB Go function on this machine, the largest
// share of a CreateFunction. decodeWithZip finds the string itself (its
// content is plain base64, so a search for the closing quote finds its
// end), hands the rest of the body, a few hundred bytes, to encoding/json
// with the string replaced by null, and decodes the base64 directly.
// Anything unusual (an escape in the string, a key that differs from the
// member's name only by case, a member given twice, a shape it does not
// follow) takes the ordinary path, so the answers are always
// encoding/json's.

// zipFastMin is the body size from which the fast path is worth trying.
var zipFastMin = 64 << 10

// decodeWithZip is protocol.DecodeJSON of body into v, where the member at
// path (e.g. "Code", "ZipFile") may hold a base64 package. When it
// returns found, the package is zip and v's member for it is nil; the
// caller sets it. Otherwise v was decoded whole.
func decodeWithZip(body []byte, v any, path ...string) (zip []byte, found bool, err error) {
	if len(body) >= zipFastMin {
		if start, end, ok := findString(body, path); ok {
			if zip, ok := decodeBase64(body[start:end]); ok {
				rest := make([]byte, 0, len(body)-(end-start)+6)
				rest = append(rest, body[:start-1]...)
				rest = append(rest, "null"...)
				rest = append(rest, body[end+1:]...)
				if err := protocol.DecodeJSON(rest, v); err == nil {
					return zip, true, nil
				}
			}
		}
	}
	return nil, false, protocol.DecodeJSON(body, v)
}

// decodeStreamed is decodeWithZip of r's body, which a zipStream may have
// taken as it arrived (zipstream.go): then the body holds null in place of
// the package's string, and the package and its SHA-256 are the stream's.
// The package is taken only if the body has the shape findString
// requires, with the null where the stream left it, and decodes; anything
// else is decoded from the body as it was sent.
func decodeStreamed(r *protocol.Request, v any, path ...string) (zip []byte, sum *[32]byte, found bool, err error) {
	body := r.Body
	if z, _ := r.Stream.(*zipStream); z != nil && z.ok {
		if pos, ok := findValue(body, path); ok && pos == z.at {
			if err := protocol.DecodeJSON(body, v); err == nil {
				return z.data, &z.sum, true, nil
			}
		}
		body = z.sent(body)
	}
	zip, found, err = decodeWithZip(body, v, path...)
	return zip, nil, found, err
}

// decodeBase64 decodes standard base64 without the line breaks the
// decoder would skip (a JSON string cannot hold them raw).
func decodeBase64(b []byte) ([]byte, bool) {
	if bytes.IndexByte(b, '\n') >= 0 || bytes.IndexByte(b, '\r') >= 0 {
		return nil, false
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(out, b)
	if err != nil {
		return nil, false
	}
	return out[:n], true
}

// findString returns the span of the content (between the quotes) of the
// string at path in the JSON object body, when the body has that shape,
// the string has no escapes and every object on the way names the member
// exactly once and exactly.
func findString(body []byte, path []string) (start, end int, ok bool) {
	pos, ok := findValue(body, path)
	if !ok {
		return 0, 0, false
	}
	s := scanner{b: body, i: pos}
	start, end, esc, ok := s.str()
	if !ok || esc {
		return 0, 0, false
	}
	return start, end, true
}

// findValue returns where the value at path starts, when every object on
// the way names the member exactly once and exactly.
func findValue(body []byte, path []string) (int, bool) {
	s := scanner{b: body}
	s.ws()
	for _, name := range path {
		pos, ok := s.member(name)
		if !ok {
			return 0, false
		}
		s.i = pos
	}
	return s.i, true
}

// member scans the object at the scanner's position and returns where the
// value of its member name starts, if it has exactly one member of that
// name and none whose name encoding/json would match to it as well
// (another case, or escapes).
func (s *scanner) member(name string) (int, bool) {
	if !s.eat('{') {
		return 0, false
	}
	pos := -1
	s.ws()
	if s.eat('}') {
		return 0, false
	}
	for {
		s.ws()
		ks, ke, esc, ok := s.str()
		if !ok || esc {
			return 0, false
		}
		s.ws()
		if !s.eat(':') {
			return 0, false
		}
		s.ws()
		switch key := string(s.b[ks:ke]); {
		case key == name && pos < 0:
			pos = s.i
		case strings.EqualFold(key, name):
			return 0, false
		}
		if !s.skip() {
			return 0, false
		}
		s.ws()
		if s.eat('}') {
			return pos, pos >= 0
		}
		if !s.eat(',') {
			return 0, false
		}
	}
}

// scanner walks JSON text without decoding it. It checks only what it
// needs to find its way; encoding/json validates the rest.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str consumes a string and returns its content's span and whether it
// has escapes.
func (s *scanner) str() (start, end int, esc, ok bool) {
	if !s.eat('"') {
		return 0, 0, false, false
	}
	start = s.i
	// The closing quote, found with IndexByte (vectorised, unlike
	// IndexAny); a backslash before it means escapes, walked one by one.
	j := bytes.IndexByte(s.b[s.i:], '"')
	if j < 0 {
		return 0, 0, false, false
	}
	if bytes.IndexByte(s.b[s.i:s.i+j], '\\') < 0 {
		s.i += j + 1
		return start, s.i - 1, false, true
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			s.i++
			return start, s.i - 1, true, true
		case '\\':
			s.i += 2 // the backslash and the escaped byte
		default:
			s.i++
		}
	}
	return 0, 0, false, false
}

// skip consumes one value.
func (s *scanner) skip() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, _, _, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, _, _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	default:
		// A number or a literal: up to the next delimiter.
		n := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.i > n
			}
			s.i++
		}
		return false
	}
}
