package attr

import (
	"encoding/base64"
	"unicode/utf8"
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
			b = AppendString(b, k)
			b = append(b, ':')
			b = AppendValue(b, v)
		}
	default:
		for i, k := range sortedKeys(m) {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, k)
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
		b = AppendString(b, v.Str)
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
			b = AppendString(b, m)
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

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Only what JSON requires is
// escaped; invalid UTF-8 becomes U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
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
