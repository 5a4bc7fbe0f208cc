package attr

import (
	"encoding/base64"

	"github.com/seki-dev/seki/internal/jsonstr"
)

// AppendItem appends the JSON form of an item, members in byte order of
// their names so that equal items encode identically.
func AppendItem(b []byte, it Item) []byte {
	return appendMap(b, it)
}

func appendMap(b []byte, m map[string]Value) []byte {
	b = append(b, '{')
	switch len(m) {
	case 0:
	case 1:
		for k, v := range m {
			b = jsonstr.Append(b, k)
			b = append(b, ':')
			b = AppendValue(b, v)
		}
	default:
		for i, k := range sortedKeys(m) {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, k)
			b = append(b, ':')
			b = AppendValue(b, m[k])
		}
	}
	return append(b, '}')
}

// AppendValue appends the JSON form of one attribute value.
func AppendValue(b []byte, v Value) []byte {
	switch v.Kind {
	case S:
		b = append(b, `{"S":`...)
		b = jsonstr.Append(b, v.Str)
	case N:
		b = append(b, `{"N":"`...)
		b = append(b, v.Str...)
		b = append(b, '"')
	case B:
		b = append(b, `{"B":"`...)
		b = base64.StdEncoding.AppendEncode(b, []byte(v.Str))
		b = append(b, '"')
	case BOOL:
		if v.Bool {
			b = append(b, `{"BOOL":true`...)
		} else {
			b = append(b, `{"BOOL":false`...)
		}
	case NULL:
		b = append(b, `{"NULL":true`...)
	case SS, NS:
		b = append(b, `{"`...)
		b = append(b, v.Kind.String()...)
		b = append(b, `":[`...)
		for i, m := range v.Set {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, m)
		}
		b = append(b, ']')
	case BS:
		b = append(b, `{"BS":[`...)
		for i, m := range v.Set {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, []byte(m))
			b = append(b, '"')
		}
		b = append(b, ']')
	case L:
		b = append(b, `{"L":[`...)
		for i, x := range v.List {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendValue(b, x)
		}
		b = append(b, ']')
	case M:
		b = append(b, `{"M":`...)
		b = appendMap(b, v.Map)
	default:
		return append(b, "{}"...)
	}
	return append(b, '}')
}

// MarshalJSON encodes the item (used when an Item sits in a response struct).
func (it Item) MarshalJSON() ([]byte, error) {
	if it == nil {
		return []byte("null"), nil
	}
	return AppendItem(make([]byte, 0, 256), it), nil
}

// MarshalJSON encodes the value.
func (v Value) MarshalJSON() ([]byte, error) {
	return AppendValue(nil, v), nil
}
