package policy

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small strict JSON reader that keeps each value's byte offset, so that
// validation errors can say where they are, and keeps object members in
// order with duplicates visible. encoding/json gives neither.

type nodeKind uint8

const (
	jNull nodeKind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

func (k nodeKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

type node struct {
	kind    nodeKind
	off     int    // offset of the value's first byte
	str     string // string value, or the number's literal text
	b       bool
	elems   []*node
	members []member
}

type member struct {
	key    string
	keyOff int
	val    *node
}

// get returns the first member named key (exact match).
func (n *node) get(key string) *node {
	for i := range n.members {
		if n.members[i].key == key {
			return n.members[i].val
		}
	}
	return nil
}

type jsonError struct {
	off int
	msg string
}

type jsonReader struct {
	s     []byte
	str0  string // s as a string, so unescaped strings are substrings, not copies
	i     int
	depth int
	err   *jsonError
	pool  []node // nodes are handed out from chunks to save allocations
}

func (r *jsonReader) newNode(k nodeKind, off int) *node {
	if len(r.pool) == 0 {
		r.pool = make([]node, 32)
	}
	n := &r.pool[0]
	r.pool = r.pool[1:]
	n.kind, n.off = k, off
	return n
}

const maxDepth = 64

func parseJSON(b []byte) (*node, *jsonError) {
	r := &jsonReader{s: b, str0: string(b)}
	r.ws()
	n := r.value()
	if r.err != nil {
		return nil, r.err
	}
	r.ws()
	if r.i != len(r.s) {
		return nil, &jsonError{r.i, "unexpected data after the JSON value"}
	}
	return n, nil
}

func (r *jsonReader) fail(msg string) *node {
	if r.err == nil {
		r.err = &jsonError{r.i, msg}
	}
	return nil
}

func (r *jsonReader) ws() {
	for r.i < len(r.s) {
		switch r.s[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *jsonReader) value() *node {
	if r.i >= len(r.s) {
		return r.fail("unexpected end of JSON")
	}
	start := r.i
	switch c := r.s[r.i]; {
	case c == '{':
		return r.object()
	case c == '[':
		return r.array()
	case c == '"':
		s, ok := r.str()
		if !ok {
			return nil
		}
		n := r.newNode(jString, start)
		n.str = s
		return n
	case c == 't':
		n := r.newNode(jBool, start)
		n.b = true
		return r.lit("true", n)
	case c == 'f':
		return r.lit("false", r.newNode(jBool, start))
	case c == 'n':
		return r.lit("null", r.newNode(jNull, start))
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number()
	}
	return r.fail("invalid character")
}

func (r *jsonReader) lit(word string, n *node) *node {
	if len(r.s)-r.i < len(word) || string(r.s[r.i:r.i+len(word)]) != word {
		return r.fail("invalid literal")
	}
	r.i += len(word)
	return n
}

func (r *jsonReader) number() *node {
	start := r.i
	if r.s[r.i] == '-' {
		r.i++
	}
	digits := func() int {
		n := 0
		for r.i < len(r.s) && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	if r.i < len(r.s) && r.s[r.i] == '0' {
		r.i++
	} else if digits() == 0 {
		return r.fail("invalid number")
	}
	if r.i < len(r.s) && r.s[r.i] == '.' {
		r.i++
		if digits() == 0 {
			return r.fail("invalid number")
		}
	}
	if r.i < len(r.s) && (r.s[r.i] == 'e' || r.s[r.i] == 'E') {
		r.i++
		if r.i < len(r.s) && (r.s[r.i] == '+' || r.s[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			return r.fail("invalid number")
		}
	}
	n := r.newNode(jNumber, start)
	n.str = r.str0[start:r.i]
	return n
}

// str reads a string literal starting at the opening quote.
func (r *jsonReader) str() (string, bool) {
	r.i++ // opening quote
	start := r.i
	// Fast path: no escapes.
	for r.i < len(r.s) {
		c := r.s[r.i]
		if c == '"' {
			s := r.str0[start:r.i]
			r.i++
			if !utf8.ValidString(s) {
				r.i = start
				r.fail("invalid UTF-8 in string")
				return "", false
			}
			return s, true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		r.i++
	}
	buf := make([]byte, 0, r.i-start+16)
	buf = append(buf, r.s[start:r.i]...)
	for r.i < len(r.s) {
		c := r.s[r.i]
		switch {
		case c == '"':
			r.i++
			if !utf8.Valid(buf) {
				r.fail("invalid UTF-8 in string")
				return "", false
			}
			return string(buf), true
		case c < 0x20:
			r.fail("control character in string")
			return "", false
		case c == '\\':
			r.i++
			if r.i >= len(r.s) {
				r.fail("unexpected end of JSON")
				return "", false
			}
			e := r.s[r.i]
			r.i++
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				rn, ok := r.hex4()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(rn) {
					rn2 := rune(-1)
					if r.i+1 < len(r.s) && r.s[r.i] == '\\' && r.s[r.i+1] == 'u' {
						r.i += 2
						if rn2, ok = r.hex4(); !ok {
							return "", false
						}
					}
					rn = utf16.DecodeRune(rn, rn2)
				}
				buf = utf8.AppendRune(buf, rn)
			default:
				r.i--
				r.fail("invalid escape in string")
				return "", false
			}
		default:
			buf = append(buf, c)
			r.i++
		}
	}
	r.fail("unterminated string")
	return "", false
}

func (r *jsonReader) hex4() (rune, bool) {
	if len(r.s)-r.i < 4 {
		r.fail("invalid \\u escape")
		return 0, false
	}
	v, err := strconv.ParseUint(string(r.s[r.i:r.i+4]), 16, 32)
	if err != nil {
		r.fail("invalid \\u escape")
		return 0, false
	}
	r.i += 4
	return rune(v), true
}

func (r *jsonReader) array() *node {
	n := r.newNode(jArray, r.i)
	r.i++
	if r.depth++; r.depth > maxDepth {
		return r.fail("JSON nested too deeply")
	}
	defer func() { r.depth-- }()
	r.ws()
	if r.i < len(r.s) && r.s[r.i] == ']' {
		r.i++
		return n
	}
	for {
		r.ws()
		v := r.value()
		if r.err != nil {
			return nil
		}
		n.elems = append(n.elems, v)
		r.ws()
		if r.i >= len(r.s) {
			return r.fail("unexpected end of JSON")
		}
		switch r.s[r.i] {
		case ',':
			r.i++
		case ']':
			r.i++
			return n
		default:
			return r.fail("expected ',' or ']'")
		}
	}
}

func (r *jsonReader) object() *node {
	n := r.newNode(jObject, r.i)
	r.i++
	if r.depth++; r.depth > maxDepth {
		return r.fail("JSON nested too deeply")
	}
	defer func() { r.depth-- }()
	r.ws()
	if r.i < len(r.s) && r.s[r.i] == '}' {
		r.i++
		return n
	}
	for {
		r.ws()
		if r.i >= len(r.s) || r.s[r.i] != '"' {
			return r.fail("expected a string key")
		}
		koff := r.i
		k, ok := r.str()
		if !ok {
			return nil
		}
		r.ws()
		if r.i >= len(r.s) || r.s[r.i] != ':' {
			return r.fail("expected ':'")
		}
		r.i++
		r.ws()
		v := r.value()
		if r.err != nil {
			return nil
		}
		n.members = append(n.members, member{key: k, keyOff: koff, val: v})
		r.ws()
		if r.i >= len(r.s) {
			return r.fail("unexpected end of JSON")
		}
		switch r.s[r.i] {
		case ',':
			r.i++
		case '}':
			r.i++
			return n
		default:
			return r.fail("expected ',' or '}'")
		}
	}
}

// lineCol converts a byte offset into 1-based line and column (columns
// count characters, not bytes).
func lineCol(b []byte, off int) (line, col int) {
	if off > len(b) {
		off = len(b)
	}
	line, col = 1, 1
	for i := 0; i < off; {
		if b[i] == '\n' {
			line++
			col = 1
			i++
			continue
		}
		_, w := utf8.DecodeRune(b[i:])
		i += w
		col++
	}
	return line, col
}
