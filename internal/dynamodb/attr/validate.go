package attr

import (
	"bytes"
	"encoding/base64"
	"sort"
	"strings"
)

// MaxDepth is DynamoDB's document nesting limit, counting the attribute
// itself as level 1.
const MaxDepth = 32

// Validation messages, as DynamoDB words them (two spaces in "string set
// may" included).
const (
	msgEmpty     = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgMany      = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgNullFalse = "One or more parameter values were invalid: Null attribute value types must have the value of true"
	msgEmptySS   = "One or more parameter values were invalid: An string set  may not be empty"
	msgEmptyNS   = "One or more parameter values were invalid: An number set  may not be empty"
	msgEmptyBS   = "One or more parameter values were invalid: Binary sets should not be empty"
	msgDupNS     = "One or more parameter values were invalid: Input collection contains duplicates."
	msgNesting   = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
)

// Validate checks v the way DynamoDB checks every attribute value in a
// request, normalizes its numbers in place, and returns DynamoDB's message
// for the first problem ("" when v is fine).
func Validate(v *Value) string {
	return validate(v, 1)
}

// ValidateItem validates every value of an item (or key, or
// ExpressionAttributeValues map).
func ValidateItem(it Item) string {
	for _, k := range sortedKeys(it) {
		v := it[k]
		if msg := validate(&v, 1); msg != "" {
			return msg
		}
		it[k] = v
	}
	return ""
}

func validate(v *Value, depth int) string {
	switch v.problem {
	case problemEmpty:
		return msgEmpty
	case problemMany:
		return msgMany
	case problemNullFalse:
		return msgNullFalse
	}
	if depth > MaxDepth {
		return msgNesting
	}
	switch v.Kind {
	case Invalid:
		return msgEmpty
	case N:
		n, msg := NormalizeNumber(v.Str)
		if msg != "" {
			return msg
		}
		v.Str = n
	case SS, BS:
		if len(v.Set) == 0 {
			if v.Kind == SS {
				return msgEmptySS
			}
			return msgEmptyBS
		}
		if msg := duplicates(v.Kind, v.Set); msg != "" {
			return msg
		}
	case NS:
		if len(v.Set) == 0 {
			return msgEmptyNS
		}
		out := make([]string, len(v.Set))
		for i, m := range v.Set {
			n, msg := NormalizeNumber(m)
			if msg != "" {
				return msg
			}
			out[i] = n
		}
		seen := make(map[string]bool, len(out))
		for _, n := range out {
			if seen[n] {
				return msgDupNS
			}
			seen[n] = true
		}
		v.Set = out
	case L:
		for i := range v.List {
			if msg := validate(&v.List[i], depth+1); msg != "" {
				return msg
			}
		}
	case M:
		for _, k := range sortedKeys(v.Map) {
			x := v.Map[k]
			if msg := validate(&x, depth+1); msg != "" {
				return msg
			}
			v.Map[k] = x
		}
	}
	return ""
}

// duplicates reports a repeated member of a string or binary set in
// DynamoDB's wording: the members read so far in byte order, the repeat,
// then the rest as sent.
func duplicates(k Kind, set []string) string {
	seen := make(map[string]bool, len(set))
	for i, m := range set {
		if !seen[m] {
			seen[m] = true
			continue
		}
		before := make([]string, 0, len(seen))
		for s := range seen {
			before = append(before, s)
		}
		sort.Slice(before, func(a, b int) bool { return bytes.Compare([]byte(before[a]), []byte(before[b])) < 0 })
		shown := append(append(before, m), set[i+1:]...)
		var b strings.Builder
		b.WriteString("One or more parameter values were invalid: Input collection [")
		for j, s := range shown {
			if k == BS {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('"')
				b.WriteString(base64.StdEncoding.EncodeToString([]byte(s)))
				b.WriteByte('"')
				continue
			}
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('"')
			b.WriteString(s)
			b.WriteByte('"')
		}
		b.WriteString("]")
		if k == BS {
			b.WriteString("of type BS")
		}
		b.WriteString(" contains duplicates.")
		return b.String()
	}
	return ""
}
