// Package filter compiles CloudWatch Logs filter patterns and matches log
// event messages against them, as FilterLogEvents does.
//
// Four kinds of pattern exist, told apart by their first character:
//
//   - terms (anything else): words and "quoted phrases" that must all
//     appear in the message, ?optional terms of which at least one must
//     appear, and -excluded terms that must not appear. Matching is
//     case-sensitive. An empty pattern matches every event. Unquoted terms
//     may hold only letters, digits and underscores, as AWS requires, and
//     match whole words: ERROR finds "[ERROR]" but not "ERRORS" (AWS's
//     guide shows a %regex% pattern to find AUTHORIZED inside
//     UNAUTHORIZED). A quoted phrase matches anywhere.
//     unconfirmed: the word rule is inferred from the documentation.
//   - JSON ({...}): comparisons on selectors such as $.a.b[0] of messages
//     that are JSON objects, joined by && and || with parentheses.
//   - space-delimited ([...]): conditions on the message's fields, split on
//     spaces, with "..." fields and [...] fields kept whole.
//   - regular expressions (%...%).
//
// A pattern is compiled once per request; Match allocates only for JSON
// patterns, which decode the message.
package filter

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLength is the longest pattern FilterLogEvents accepts (its model's
// constraint on filterPattern).
const MaxLength = 1024

// Error is a pattern CloudWatch Logs would reject. Its message is what the
// service answers with, in an InvalidParameterException.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// msgInvalid is the generic rejection.
// unconfirmed: AWS's text for malformed JSON and space-delimited patterns
// beyond the missing-brace case.
const msgInvalid = "Invalid filter pattern"

func invalid() error { return &Error{Msg: msgInvalid} }

// Pattern is a compiled filter pattern. It is safe for concurrent use.
type Pattern struct {
	src   string
	terms []term
	// anyOf reports whether some term is optional (?term): then at least
	// one optional term must appear.
	anyOf bool
	re    *regexp.Regexp
	json  node
	delim *delimited
}

type termKind uint8

const (
	termMust termKind = iota
	termAny
	termNot
)

type term struct {
	kind termKind
	text string
	// word is set for unquoted terms, which match whole words only.
	word bool
}

// contains reports whether the term occurs in message.
func (t *term) contains(message string) bool {
	if !t.word {
		return strings.Contains(message, t.text)
	}
	for off := 0; off <= len(message)-len(t.text); {
		i := strings.Index(message[off:], t.text)
		if i < 0 {
			return false
		}
		i += off
		j := i + len(t.text)
		before, _ := utf8.DecodeLastRuneInString(message[:i])
		after, _ := utf8.DecodeRuneInString(message[j:])
		if (i == 0 || !isWordRune(before)) && (j == len(message) || !isWordRune(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(message[i:])
		off = i + size
	}
	return false
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// String returns the pattern as given.
func (p *Pattern) String() string { return p.src }

// Parse compiles a pattern. Errors are *Error.
func Parse(src string) (*Pattern, error) {
	p := &Pattern{src: src}
	s := strings.TrimSpace(src)
	switch {
	case s == "":
		return p, nil
	case s[0] == '{':
		if s[len(s)-1] != '}' {
			return nil, &Error{Msg: "If a filter pattern starts with '{' it must end with '}'"}
		}
		n, err := parseJSON(s[1 : len(s)-1])
		if err != nil {
			return nil, err
		}
		p.json = n
		return p, nil
	case s[0] == '[':
		if s[len(s)-1] != ']' {
			// unconfirmed: by analogy with the '{' message.
			return nil, &Error{Msg: "If a filter pattern starts with '[' it must end with ']'"}
		}
		d, err := parseDelimited(s[1 : len(s)-1])
		if err != nil {
			return nil, err
		}
		p.delim = d
		return p, nil
	case len(s) >= 2 && s[0] == '%' && s[len(s)-1] == '%':
		re, err := compileRegex(s[1 : len(s)-1])
		if err != nil {
			return nil, err
		}
		p.re = re
		return p, nil
	}
	if err := p.parseTerms(s); err != nil {
		return nil, err
	}
	return p, nil
}

// Match reports whether message matches the pattern.
func (p *Pattern) Match(message string) bool {
	switch {
	case p.re != nil:
		return p.re.MatchString(message)
	case p.json != nil:
		return matchJSON(p.json, message)
	case p.delim != nil:
		return p.delim.match(message)
	}
	found := false
	for i := range p.terms {
		t := &p.terms[i]
		in := t.contains(message)
		switch t.kind {
		case termMust:
			if !in {
				return false
			}
		case termNot:
			if in {
				return false
			}
		case termAny:
			found = found || in
		}
	}
	return !p.anyOf || found
}

// MatchesAll reports whether the pattern matches every message (it is
// empty), so callers can skip matching.
func (p *Pattern) MatchesAll() bool {
	return p.re == nil && p.json == nil && p.delim == nil && len(p.terms) == 0
}

// parseTerms reads a terms pattern: whitespace-separated words, each
// optionally prefixed by ? or -, and double-quoted phrases.
func (p *Pattern) parseTerms(s string) error {
	for i := 0; i < len(s); {
		if isSpace(s[i]) {
			i++
			continue
		}
		kind := termMust
		switch s[i] {
		case '?':
			kind = termAny
			i++
		case '-':
			kind = termNot
			i++
		}
		var text string
		word := false
		if i < len(s) && s[i] == '"' {
			t, n, ok := quoted(s[i:])
			if !ok {
				return invalid()
			}
			if t == "" {
				// AWS rejects an empty phrase as a term of invalid characters.
				return badChars(`""`)
			}
			text = t
			i += n
			if i < len(s) && !isSpace(s[i]) {
				return badChars(s[i : i+1])
			}
		} else {
			j := i
			for j < len(s) && !isSpace(s[j]) {
				j++
			}
			text = s[i:j]
			if text == "" {
				// A lone ? or - names no term.
				return badChars(s[i-1 : i])
			}
			if bad := invalidChars(text); bad != "" {
				return badChars(bad)
			}
			word = true
			i = j
		}
		if kind == termAny {
			p.anyOf = true
		}
		p.terms = append(p.terms, term{kind: kind, text: text, word: word})
	}
	return nil
}

// badChars is AWS's rejection of a term holding characters that need
// quoting.
func badChars(chars string) error {
	return &Error{Msg: "Invalid character(s) in term '" + chars + "'"}
}

// invalidChars returns the characters of an unquoted term that are not
// letters, digits or underscores (the ones that need double quotes), each
// once, in order.
func invalidChars(t string) string {
	var bad []rune
	for _, r := range t {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			continue
		}
		if r == utf8.RuneError {
			r = '\uFFFD'
		}
		dup := false
		for _, b := range bad {
			dup = dup || b == r
		}
		if !dup {
			bad = append(bad, r)
		}
	}
	return string(bad)
}

// quoted reads a double-quoted string at the start of s, with \" and \\
// escapes. It returns the text, the bytes consumed and whether the string
// was closed.
func quoted(s string) (string, int, bool) {
	var b strings.Builder
	escaped := false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			if c != '"' && c != '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			return b.String(), i + 1, true
		default:
			b.WriteByte(c)
		}
	}
	return "", len(s), false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// compileRegex checks a %regex% body against the characters CloudWatch Logs
// allows (letters, digits, the symbols _ # = @ / ; , - : and space, and the
// operators ^ $ ? [ ] { } | \ * + .) and compiles it. Parentheses and
// multi-byte characters are not supported.
func compileRegex(body string) (*regexp.Regexp, error) {
	if body == "" {
		return nil, invalid()
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("_#=@/;,-: ^$?[]{}|\\*+.", c) >= 0:
		default:
			// unconfirmed: the message for a character outside the set.
			return nil, invalid()
		}
	}
	re, err := regexp.Compile(body)
	if err != nil {
		return nil, invalid()
	}
	return re, nil
}
