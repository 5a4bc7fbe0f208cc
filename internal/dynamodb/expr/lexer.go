package expr

import "strings"

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // attribute name, keyword or function name
	tName           // #alias
	tValue          // :value
	tNumber         // list index digits
	tPunct          // = <> < <= > >= ( ) [ ] , . + -
	tBad            // any other character
)

// token is one lexeme with its place in the source, which syntax errors
// quote.
type token struct {
	kind       tokKind
	text       string
	start, end int
}

// lex splits an expression into tokens. It never fails: characters that
// belong to no token become tBad tokens, which the parser reports as
// syntax errors in DynamoDB's words.
func lex(src string) []token {
	toks := make([]token, 0, len(src)/3+2)
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			toks = append(toks, token{tIdent, src[i:j], i, j})
			i = j
			continue
		case c == '#' || c == ':':
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			if j == i+1 {
				toks = append(toks, token{tBad, src[i : i+1], i, i + 1})
				i++
				continue
			}
			k := tName
			if c == ':' {
				k = tValue
			}
			toks = append(toks, token{k, src[i:j], i, j})
			i = j
			continue
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token{tNumber, src[i:j], i, j})
			i = j
			continue
		case c == '<' || c == '>':
			j := i + 1
			if j < len(src) && (src[j] == '=' || (c == '<' && src[j] == '>')) {
				j++
			}
			toks = append(toks, token{tPunct, src[i:j], i, j})
			i = j
			continue
		case strings.IndexByte("=()[],.+-", c) >= 0:
			toks = append(toks, token{tPunct, src[i : i+1], i, i + 1})
			i++
			continue
		}
		// One bad character (a whole UTF-8 sequence, so the message quotes
		// a readable rune).
		j := i + 1
		for j < len(src) && src[j]&0xC0 == 0x80 {
			j++
		}
		toks = append(toks, token{tBad, src[i:j], i, j})
		i = j
	}
	return append(toks, token{tEOF, "", len(src), len(src)})
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9')
}
