package attr

// Fields reads a request body that is a JSON object member by member, for
// the hand-written decoders of the hot write requests (PutItem): the
// general path, encoding/json with Item's UnmarshalJSON, spends most of
// its time in reflection and in checking the whole body once before
// decoding it again.
//
// Fields never decides an error. It reads only what it can read exactly as
// the general path would (strings, items, maps of strings), and anything
// else (an unknown or repeated member, a null, a value of another JSON
// type, malformed JSON, content after the object) makes Members report
// false; the caller then decodes the body the general way, which reports
// any problem with the message it always has. So a body Fields accepts is
// one encoding/json accepts, decoded to the same values
// (FuzzFieldsMatchJSON in package dynamodb checks this).
type Fields struct {
	d decoder
}

// NewFields starts reading body.
func NewFields(body []byte) *Fields {
	return &Fields{d: decoder{data: body, strict: true}}
}

// Members calls member with each member's name, at its value, which member
// must read with String, Item or Strings; member returns false to give up.
// Members reports whether the body was read whole, without a problem.
func (f *Fields) Members(member func(name string) bool) bool {
	d := &f.d
	d.ws()
	if d.peek() != '{' {
		return false
	}
	d.object(func(name string) {
		if d.err == nil && !member(name) {
			d.fail("not read here")
		}
	})
	d.ws()
	return d.err == nil && d.pos == len(d.data)
}

// String reads a JSON string.
func (f *Fields) String() (string, bool) {
	d := &f.d
	d.ws()
	if d.peek() != '"' {
		return "", false
	}
	s, ok := d.str()
	return s, ok && d.err == nil
}

// Item reads an object of attribute values, as ParseItem does.
func (f *Fields) Item() (Item, bool) {
	d := &f.d
	d.ws()
	if d.peek() != '{' {
		return nil, false
	}
	it := d.item()
	return it, d.err == nil
}

// Strings reads an object whose members are strings.
func (f *Fields) Strings() (map[string]string, bool) {
	d := &f.d
	d.ws()
	if d.peek() != '{' {
		return nil, false
	}
	m := map[string]string{}
	d.object(func(k string) {
		d.ws()
		if d.peek() != '"' {
			d.fail("expected a string")
			return
		}
		if s, ok := d.str(); ok {
			m[k] = s
		}
	})
	return m, d.err == nil
}
