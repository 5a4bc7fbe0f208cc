// Package attr is DynamoDB's attribute value: the typed JSON form clients
// send ({"S":"x"}, {"N":"1"}, {"M":{…}}), its validation with DynamoDB's
// messages, number normalization, ordering, item size, and the binary key
// encoding that makes stored items sort as DynamoDB sorts them.
package attr

import (
	"bytes"
	"slices"
	"sort"
)

// Kind is an attribute value's data type.
type Kind uint8

// The data types, named as in the wire format. Invalid is the zero value.
const (
	Invalid Kind = iota
	S
	N
	B
	BOOL
	NULL
	SS
	NS
	BS
	L
	M
)

var kindNames = [...]string{"", "S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"}

// String returns the wire name of k ("S", "NS", "BOOL", …).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "?"
}

// KindOf parses a wire type name; ok is false for anything else.
func KindOf(name string) (Kind, bool) {
	for i, n := range kindNames {
		if i > 0 && n == name {
			return Kind(i), true
		}
	}
	return Invalid, false
}

// IsSet reports whether k is one of the set types.
func (k Kind) IsSet() bool { return k == SS || k == NS || k == BS }

// Scalar reports whether k can be a key attribute type (S, N or B).
func (k Kind) Scalar() bool { return k == S || k == N || k == B }

// Value is one attribute value. Only the field of its Kind is meaningful:
// Str holds S text, the normalized N, or raw B bytes; Bool holds BOOL (and
// NULL's true); Set holds SS/NS/BS members in the same forms as Str; List
// and Map hold L and M.
type Value struct {
	Kind Kind
	Bool bool
	Str  string
	Set  []string
	List []Value
	Map  map[string]Value

	// problem records what the decoder saw that DynamoDB rejects in its
	// validation pass (an empty or multi-typed value, NULL false); Validate
	// reports it in the operation's wording.
	problem uint8
}

const (
	problemNone uint8 = iota
	problemEmpty
	problemMany
	problemNullFalse
)

// Item is a whole item, or a key: attribute name to value.
type Item map[string]Value

// Str returns an S value.
func StrValue(s string) Value { return Value{Kind: S, Str: s} }

// NumValue returns an N value; s must already be normalized.
func NumValue(s string) Value { return Value{Kind: N, Str: s} }

// Equal reports whether two values are the same DynamoDB value. Sets are
// equal regardless of member order.
func Equal(a, b Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case S, B:
		return a.Str == b.Str
	case N:
		return a.Str == b.Str || CompareNumbers(a.Str, b.Str) == 0
	case BOOL, NULL:
		return a.Bool == b.Bool
	case SS, BS, NS:
		if len(a.Set) != len(b.Set) {
			return false
		}
		for _, m := range a.Set {
			if !a.Kind.setHas(b.Set, m) {
				return false
			}
		}
		return true
	case L:
		if len(a.List) != len(b.List) {
			return false
		}
		for i := range a.List {
			if !Equal(a.List[i], b.List[i]) {
				return false
			}
		}
		return true
	case M:
		if len(a.Map) != len(b.Map) {
			return false
		}
		for k, v := range a.Map {
			w, ok := b.Map[k]
			if !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

// setHas reports whether a set of kind k holds m.
func (k Kind) setHas(set []string, m string) bool {
	for _, x := range set {
		if x == m || (k == NS && CompareNumbers(x, m) == 0) {
			return true
		}
	}
	return false
}

// SetHas reports whether the set value v contains member m.
func (v Value) SetHas(m string) bool { return v.Kind.setHas(v.Set, m) }

// Compare orders two values of the same scalar kind (S, N or B) as DynamoDB
// does: numbers numerically, strings and binaries by their UTF-8 or raw
// bytes. ok is false when the kinds differ or are not comparable.
func Compare(a, b Value) (c int, ok bool) {
	if a.Kind != b.Kind {
		return 0, false
	}
	switch a.Kind {
	case S, B:
		return bytes.Compare([]byte(a.Str), []byte(b.Str)), true
	case N:
		return CompareNumbers(a.Str, b.Str), true
	}
	return 0, false
}

// Clone returns a deep copy of v, so that updates never alias a stored item.
func (v Value) Clone() Value {
	switch v.Kind {
	case SS, NS, BS:
		v.Set = slices.Clone(v.Set)
	case L:
		l := make([]Value, len(v.List))
		for i := range v.List {
			l[i] = v.List[i].Clone()
		}
		v.List = l
	case M:
		m := make(map[string]Value, len(v.Map))
		for k, x := range v.Map {
			m[k] = x.Clone()
		}
		v.Map = m
	}
	return v
}

// Clone returns a deep copy of the item.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	c := make(Item, len(it))
	for k, v := range it {
		c[k] = v.Clone()
	}
	return c
}

// sortedKeys returns a map's keys in byte order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
