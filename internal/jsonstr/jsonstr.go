// Package jsonstr writes JSON strings into byte slices without going through
// encoding/json: the hot encoders (DynamoDB items, log pages, function-URL
// events, policy documents) build their JSON by hand, and each needs the same
// escaping.
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// Append appends s to b as a JSON string. Only what JSON requires is escaped
// (quote, backslash, control characters; unlike encoding/json, not <, > or
// &, which AWS does not escape either), and invalid UTF-8 becomes U+FFFD, as
// encoding/json does, so the result is always valid JSON.
func Append(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip eight plain bytes at a time: ARNs, ids and names rarely
		// need escaping, and this is most of the cost of a log line.
		for i+8 <= len(s) && plain8(load8(s, i)) {
			i += 8
		}
		if i >= len(s) {
			break
		}
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
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load8 reads the eight bytes of s at i as one word.
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plain8 reports whether the eight bytes x are ASCII that JSON takes as
// they are: no control character, quote or backslash.
func plain8(x uint64) bool {
	// A byte is flagged when it is >= 0x80, < 0x20, '"' or '\\'
	// (the usual "has a zero byte" bit trick on x, x-0x20, and x xor the
	// quote and backslash patterns).
	bad := x | (x - 0x20*ones) | zeroByte(x^('"'*ones)) | zeroByte(x^('\\'*ones))
	return bad&highs == 0
}

// zeroByte sets the high bit of every byte of v that is zero (and maybe of
// bytes above a zero byte, which only makes plain8 more cautious).
func zeroByte(v uint64) uint64 { return (v - ones) &^ v }
