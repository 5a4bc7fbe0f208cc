package lambda

// payloadFault finds where AWS's JSON parser (Jackson, streaming over the
// bytes) stops on a payload that is not JSON, for the failures at the
// start of the value, where its answer is known: a byte that cannot start
// a value, a bare word, and a byte that is not UTF-8 inside a word. Lines
// and columns are 1-based, as Jackson counts them (a column is a byte
// position; for a bad UTF-8 byte, the position after it).
func payloadFault(p []byte) (fault, bool) {
	line, start := 1, 0
	i := 0
	for i < len(p) && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r') {
		if p[i] == '\n' {
			line, start = line+1, i+1
		}
		i++
	}
	if i == len(p) {
		return fault{}, false
	}
	c := p[i]
	col := func(j int) int { return j - start + 1 }
	switch {
	case c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9'):
		return fault{}, false // a value starts; it fails further in
	case isWordByte(c):
		j := i
		for j < len(p) && isWordByte(p[j]) {
			j++
		}
		if j < len(p) && p[j] >= 0x80 && !utf8Start(p[j]) {
			return fault{kind: faultUTF8, b: p[j], line: line, col: col(j) + 1}, true
		}
		word := string(p[i:j])
		if word == "true" || word == "false" || word == "null" {
			return fault{}, false
		}
		return fault{kind: faultToken, token: word, line: line, col: col(j)}, true
	case c < 0x20 || (c >= 0x7f && c <= 0x9f):
		// ISO control characters, as Java's Character.isISOControl: a
		// byte is read as the Latin-1 character of its value here.
		return fault{kind: faultControl, b: c, line: line, col: col(i)}, true
	case c < 0x7f:
		return fault{kind: faultChar, b: c, line: line, col: col(i)}, true
	}
	return fault{}, false
}

type faultKind int

const (
	faultChar    faultKind = iota // a printable character that starts no value
	faultControl                  // a control character
	faultToken                    // a bare word
	faultUTF8                     // a byte that starts no UTF-8 sequence
)

type fault struct {
	kind      faultKind
	b         byte
	token     string
	line, col int
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// utf8Start reports whether b (≥ 0x80) may start a UTF-8 sequence.
func utf8Start(b byte) bool {
	return b&0xe0 == 0xc0 || b&0xf0 == 0xe0 || b&0xf8 == 0xf0
}
