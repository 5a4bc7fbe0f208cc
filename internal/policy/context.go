package policy

import (
	"strings"
	"unsafe"
)

// Context holds a request's condition keys and their values. Key names are
// case-insensitive, as in IAM. A key set with no values is present but
// empty (it matters for ForAllValues, ForAnyValue and Null).
//
// Build one Context per request and do not change it while Evaluate or
// Explain runs. The zero value is an empty context; a nil *Context is
// treated as empty by the engine.
//
// Snapshot freezes what the context holds now for a later explanation
// without copying it: the context is copied only if it is changed again
// (copy on write), which most requests never do.
type Context struct {
	keys  []string   // lower-cased names
	names []string   // names as first given, for explanations
	vals  [][]string // values, parallel to keys
	// shared is set while a snapshot may still read the backing arrays; the
	// next change copies them first.
	shared bool
}

// Snapshot returns the context as it is now. The snapshot stays unchanged
// when c changes later: c then copies its keys before the change. Values
// are shared, as Set's contract already forbids changing them.
func (c *Context) Snapshot() Context {
	if c == nil {
		return Context{}
	}
	if !c.shared {
		c.shared = true
	}
	return Context{keys: c.keys[:len(c.keys):len(c.keys)], names: c.names[:len(c.names):len(c.names)], vals: c.vals[:len(c.vals):len(c.vals)]}
}

// SameSnapshot reports whether s and o are snapshots of the same keys and
// values: the same backing arrays at the same length. A snapshot's arrays
// are never changed (a change to the context copies them first, and
// appends land past every snapshot's length), so this is equality of
// content without reading it, for the decision log to write a context once
// while it repeats. It may report false for equal contents.
func (s *Context) SameSnapshot(o *Context) bool {
	return len(s.keys) == len(o.keys) &&
		(len(s.keys) == 0 || (&s.keys[0] == &o.keys[0] && &s.vals[0] == &o.vals[0]))
}

// Frozen is a Snapshot in 32 bytes: the addresses of the backing arrays
// and the length. Frozen values are equal exactly when SameSnapshot would
// report two snapshots the same, so the decision log compares them without
// reading the context (which another core wrote).
type Frozen struct {
	keys, names *string
	vals        *[]string
	n           int
}

// Freeze is Snapshot in the Frozen form.
func (c *Context) Freeze() Frozen {
	if c == nil || len(c.keys) == 0 {
		return Frozen{}
	}
	if !c.shared {
		c.shared = true
	}
	return Frozen{keys: unsafe.SliceData(c.keys), names: unsafe.SliceData(c.names), vals: unsafe.SliceData(c.vals), n: len(c.keys)}
}

// Equal reports whether f and o hold the same keys, spelled the same, with
// the same values in the same order. Equal snapshots explain a decision
// alike, so the decision log keeps one of them.
func (f Frozen) Equal(o Frozen) bool {
	if f == o {
		return true
	}
	if f.n != o.n {
		return false
	}
	a, b := f.Thaw(), o.Thaw()
	for i := range a.keys {
		if a.names[i] != b.names[i] || len(a.vals[i]) != len(b.vals[i]) {
			return false
		}
		for j, v := range a.vals[i] {
			if v != b.vals[i][j] {
				return false
			}
		}
	}
	return true
}

// Thaw returns the snapshot f froze.
func (f Frozen) Thaw() Context {
	if f.n == 0 {
		return Context{}
	}
	return Context{keys: unsafe.Slice(f.keys, f.n), names: unsafe.Slice(f.names, f.n), vals: unsafe.Slice(f.vals, f.n)}
}

// own gives c backing arrays no snapshot reads.
func (c *Context) own() {
	if !c.shared {
		return
	}
	c.shared = false
	c.keys = append(make([]string, 0, len(c.keys)+1), c.keys...)
	c.names = append(make([]string, 0, len(c.names)+1), c.names...)
	c.vals = append(make([][]string, 0, len(c.vals)+1), c.vals...)
}

// NewContext returns an empty context with room for n keys.
func NewContext(n int) *Context {
	return &Context{keys: make([]string, 0, n), names: make([]string, 0, n), vals: make([][]string, 0, n)}
}

// lowerKeys spells the global condition keys set on every request in lower
// case, so that Set does not allocate the lower-cased key each time.
var lowerKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"aws:SourceIp", "aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport",
		"aws:RequestedRegion", "aws:UserAgent", "aws:ViaAWSService", "aws:TokenIssueTime",
		"aws:SourceIdentity", "aws:SourceArn", "aws:SourceAccount", "aws:TagKeys",
		"aws:FederatedProvider", "aws:PrincipalOrgID",
	} {
		m[k] = strings.ToLower(k)
	}
	return m
}()

// Set replaces the values of key. The context keeps values as given: do not
// modify the slice afterwards.
func (c *Context) Set(key string, values ...string) {
	lk, ok := lowerKeys[key]
	if !ok {
		lk = strings.ToLower(key)
	}
	for i, k := range c.keys {
		if k == lk {
			// Appending below is safe under a snapshot (its capacity ends
			// at its length); replacing in place is not.
			c.own()
			c.vals[i] = values
			return
		}
	}
	c.keys = append(c.keys, lk)
	c.names = append(c.names, key)
	c.vals = append(c.vals, values)
}

// Get returns the values of key and whether the key is present.
func (c *Context) Get(key string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	for i, k := range c.keys {
		if strings.EqualFold(k, key) {
			return c.vals[i], true
		}
	}
	return nil, false
}

// Delete removes key if present.
func (c *Context) Delete(key string) {
	for i, k := range c.keys {
		if strings.EqualFold(k, key) {
			c.own()
			c.keys = append(c.keys[:i], c.keys[i+1:]...)
			c.names = append(c.names[:i], c.names[i+1:]...)
			c.vals = append(c.vals[:i], c.vals[i+1:]...)
			return
		}
	}
}

// Len returns the number of keys.
func (c *Context) Len() int {
	if c == nil {
		return 0
	}
	return len(c.keys)
}

// Range calls fn for every key, in the order keys were first set, with the
// key spelled as first given; it stops when fn returns false.
func (c *Context) Range(fn func(key string, values []string) bool) {
	if c == nil {
		return
	}
	for i := range c.keys {
		if !fn(c.names[i], c.vals[i]) {
			return
		}
	}
}

// lookup finds an already lower-cased key without allocating.
func (c *Context) lookup(lower string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	for i, k := range c.keys {
		if k == lower {
			return c.vals[i], true
		}
	}
	return nil, false
}
