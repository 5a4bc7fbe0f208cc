package attr

import (
	"encoding/base64"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError is a body that is not well-formed JSON for attribute values
// (a string where an object belongs, bad base64). Services report it as a
// SerializationException; semantic problems come from Validate instead.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string { return e.Msg }

// maxDecodeDepth bounds recursion on hostile input. DynamoDB's own limit (32
// levels of nesting) is checked by Validate with its message.
const maxDecodeDepth = 100

// ParseItem decodes a JSON object of attribute values ({"a":{"S":"x"},…}),
// the shape of an item, a key, and ExpressionAttributeValues. JSON null
// decodes as a nil Item.
func ParseItem(data []byte) (Item, error) {
	d := decoder{data: data}
	d.ws()
	if d.lit("null") {
		d.ws()
		if d.pos != len(d.data) {
			return nil, d.fail("unexpected content after the item")
		}
		return nil, nil
	}
	it := d.item()
	d.ws()
	if d.err == nil && d.pos != len(d.data) {
		d.fail("unexpected content after the item")
	}
	if d.err != nil {
		return nil, d.err
	}
	return it, nil
}

// ParseValue decodes one attribute value ({"S":"x"}).
func ParseValue(data []byte) (Value, error) {
	d := decoder{data: data}
	d.ws()
	v := d.value()
	d.ws()
	if d.err == nil && d.pos != len(d.data) {
		d.fail("unexpected content after the value")
	}
	return v, d.errOrNil()
}

// UnmarshalJSON lets Item sit in request structs decoded by encoding/json.
func (it *Item) UnmarshalJSON(b []byte) error {
	x, err := ParseItem(b)
	if err != nil {
		return err
	}
	*it = x
	return nil
}

// UnmarshalJSON lets Value sit in request structs decoded by encoding/json.
func (v *Value) UnmarshalJSON(b []byte) error {
	x, err := ParseValue(b)
	if err != nil {
		return err
	}
	*v = x
	return nil
}

type decoder struct {
	data  []byte
	pos   int
	depth int
	err   *SyntaxError
	// strict refuses what the decoder would otherwise pass over without
	// checking it as JSON (skip's numbers): set by Fields, whose caller must
	// not accept a body that encoding/json would refuse.
	strict bool
}

func (d *decoder) errOrNil() error {
	if d.err == nil {
		return nil
	}
	return d.err
}

func (d *decoder) fail(msg string) *SyntaxError {
	if d.err == nil {
		d.err = &SyntaxError{Msg: msg, Offset: d.pos}
	}
	return d.err
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) lit(word string) bool {
	if len(d.data)-d.pos >= len(word) && string(d.data[d.pos:d.pos+len(word)]) == word {
		d.pos += len(word)
		return true
	}
	return false
}

func (d *decoder) expect(c byte) bool {
	d.ws()
	if d.peek() != c {
		d.fail("expected '" + string(c) + "'")
		return false
	}
	d.pos++
	return true
}

// object walks a JSON object, calling member for each name with the
// position at its value; member must consume the value.
func (d *decoder) object(member func(name string)) {
	if !d.expect('{') {
		return
	}
	d.ws()
	if d.peek() == '}' {
		d.pos++
		return
	}
	for d.err == nil {
		d.ws()
		name, ok := d.str()
		if !ok {
			return
		}
		if !d.expect(':') {
			return
		}
		d.ws()
		member(name)
		if d.err != nil {
			return
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return
		default:
			d.fail("expected ',' or '}' in object")
			return
		}
	}
}

// array walks a JSON array, calling elem at each element.
func (d *decoder) array(elem func()) {
	if !d.expect('[') {
		return
	}
	d.ws()
	if d.peek() == ']' {
		d.pos++
		return
	}
	for d.err == nil {
		d.ws()
		elem()
		if d.err != nil {
			return
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return
		default:
			d.fail("expected ',' or ']' in array")
			return
		}
	}
}

func (d *decoder) item() Item {
	it := Item{}
	d.object(func(name string) {
		it[name] = d.value()
	})
	return it
}

// value decodes one attribute value object.
func (d *decoder) value() Value {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDecodeDepth {
		d.fail("attribute value nested too deeply")
		return Value{}
	}
	var v Value
	types := 0
	d.ws()
	if d.peek() == 'n' && d.lit("null") {
		// A JSON null member is as good as absent, as in AWS's JSON
		// protocols; the empty value is reported by Validate.
		v.problem = problemEmpty
		return v
	}
	set := func(k Kind) {
		types++
		v.Kind = k
	}
	d.object(func(name string) {
		d.ws()
		if d.peek() == 'n' && d.lit("null") {
			return // a null member does not count as set
		}
		switch name {
		case "S":
			s, _ := d.str()
			v.Str = s
			set(S)
		case "N":
			s, _ := d.str()
			v.Str = s
			set(N)
		case "B":
			v.Str = d.binary()
			set(B)
		case "BOOL":
			v.Bool = d.boolean()
			set(BOOL)
		case "NULL":
			b := d.boolean()
			v.Bool = true
			if !b {
				v.problem = problemNullFalse
			}
			set(NULL)
		case "SS", "NS", "BS":
			var members []string
			k := map[string]Kind{"SS": SS, "NS": NS, "BS": BS}[name]
			members = []string{}
			d.array(func() {
				if k == BS {
					members = append(members, d.binary())
					return
				}
				s, _ := d.str()
				members = append(members, s)
			})
			v.Set = members
			set(k)
		case "L":
			list := []Value{}
			d.array(func() { list = append(list, d.value()) })
			v.List = list
			set(L)
		case "M":
			m := map[string]Value{}
			d.object(func(k string) { m[k] = d.value() })
			v.Map = m
			set(M)
		default:
			d.skip()
		}
	})
	switch {
	case types == 0:
		v.problem = problemEmpty
	case types > 1:
		v.problem = problemMany
	}
	return v
}

func (d *decoder) boolean() bool {
	d.ws()
	switch {
	case d.lit("true"):
		return true
	case d.lit("false"):
		return false
	}
	d.fail("expected a boolean")
	return false
}

func (d *decoder) binary() string {
	s, ok := d.str()
	if !ok {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		d.fail("Base64 encoded value is invalid")
		return ""
	}
	return string(b)
}

// str reads a JSON string. Invalid UTF-8 becomes U+FFFD, as encoding/json
// does, so that every stored string is valid UTF-8.
func (d *decoder) str() (string, bool) {
	d.ws()
	if d.peek() != '"' {
		d.fail("expected a string")
		return "", false
	}
	d.pos++
	start := d.pos
	// Fast path: no escapes and plain ASCII or valid UTF-8.
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			s := d.data[start:d.pos]
			d.pos++
			if utf8.Valid(s) {
				return string(s), true
			}
			return string([]rune(string(s))), true // replaces invalid bytes with U+FFFD
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.pos++
	}
	out := append([]byte(nil), d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(out) {
				return string([]rune(string(out))), true
			}
			return string(out), true
		case c < 0x20:
			d.fail("control character in string")
			return "", false
		case c != '\\':
			out = append(out, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.data) {
			break
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.lit(`\u`) {
					if r2, ok = d.hex4(); !ok {
						return "", false
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
				} else {
					out = utf8.AppendRune(out, utf8.RuneError)
					if r2 >= 0 {
						r = r2
						if utf16.IsSurrogate(r) {
							r = utf8.RuneError
						}
					} else {
						continue
					}
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			d.fail("invalid escape in string")
			return "", false
		}
	}
	d.fail("unterminated string")
	return "", false
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.data)-d.pos < 4 {
		d.fail("invalid \\u escape")
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		d.fail("invalid \\u escape")
		return 0, false
	}
	d.pos += 4
	return rune(n), true
}

// skip consumes any JSON value (an unknown member, which AWS ignores).
func (d *decoder) skip() {
	if d.strict {
		d.fail("unknown member")
		return
	}
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDecodeDepth {
		d.fail("value nested too deeply")
		return
	}
	d.ws()
	switch c := d.peek(); {
	case c == '{':
		d.object(func(string) { d.skip() })
	case c == '[':
		d.array(d.skip)
	case c == '"':
		d.str()
	case c == 't':
		if !d.lit("true") {
			d.fail("invalid literal")
		}
	case c == 'f':
		if !d.lit("false") {
			d.fail("invalid literal")
		}
	case c == 'n':
		if !d.lit("null") {
			d.fail("invalid literal")
		}
	case c == '-' || (c >= '0' && c <= '9'):
		start := d.pos
		for d.pos < len(d.data) && (d.data[d.pos] == '-' || d.data[d.pos] == '+' || d.data[d.pos] == '.' ||
			d.data[d.pos] == 'e' || d.data[d.pos] == 'E' || (d.data[d.pos] >= '0' && d.data[d.pos] <= '9')) {
			d.pos++
		}
		if _, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64); err != nil {
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				d.fail("invalid number")
			}
		}
	default:
		d.fail("unexpected character")
	}
}
