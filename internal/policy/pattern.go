package policy

import (
	"strings"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/arn"
)

// pattern is a compiled string pattern: an Action or Resource entry, or a
// String*/Arn* condition value. Most patterns compile to one of the fast
// shapes (any, exact, prefix); the rest keep a token list.
type pattern struct {
	kind patKind
	s    string  // exact text, prefix, or glob text (lower-cased when matched with folding)
	toks []token // patTokens only
}

type patKind uint8

const (
	patNever  patKind = iota // matches nothing (e.g. an empty value)
	patAny                   // "*"
	patExact                 // no wildcards, no variables
	patPrefix                // "text*" with no other wildcard
	patGlob                  // wildcards, no variables
	patTokens                // policy variables (and maybe wildcards)
)

type tokKind uint8

const (
	tokText tokKind = iota
	tokStar
	tokQuest
	tokVar
)

type token struct {
	kind   tokKind
	s      string // text, or the variable's lower-cased key
	def    string // default value of ${key, 'default'}
	hasDef bool
}

// compilePattern compiles s. wild says whether '*' and '?' are wildcards;
// vars whether ${...} policy variables are recognised (Version 2012-10-17).
// fold lower-cases literal text for case-insensitive matching.
func compilePattern(s string, wild, vars, fold bool) pattern {
	if fold {
		s = strings.ToLower(s)
	}
	if vars && strings.Contains(s, "${") {
		toks := tokenize(s, wild)
		hasVar := false
		for _, t := range toks {
			if t.kind == tokVar {
				hasVar = true
				break
			}
		}
		if hasVar {
			return pattern{kind: patTokens, s: s, toks: toks}
		}
		// Only ${*}-style escapes: fold them back into plain text and
		// match exactly (the escaped characters are literal).
		var b strings.Builder
		for _, t := range toks {
			switch t.kind {
			case tokText:
				b.WriteString(t.s)
			default:
				return pattern{kind: patTokens, s: s, toks: toks}
			}
		}
		return pattern{kind: patExact, s: b.String()}
	}
	if !wild {
		return pattern{kind: patExact, s: s}
	}
	if s == "*" {
		return pattern{kind: patAny, s: s}
	}
	i := strings.IndexAny(s, "*?")
	switch {
	case i < 0:
		return pattern{kind: patExact, s: s}
	case i == len(s)-1 && s[i] == '*':
		return pattern{kind: patPrefix, s: s[:i]}
	}
	return pattern{kind: patGlob, s: s}
}

// tokenize splits s into text, wildcard and variable tokens.
func tokenize(s string, wild bool) []token {
	var toks []token
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			toks = append(toks, token{kind: tokText, s: text.String()})
			text.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c == '$' && strings.HasPrefix(s[i:], "${") {
			if j := strings.IndexByte(s[i+2:], '}'); j >= 0 {
				body := s[i+2 : i+2+j]
				i += j + 3
				switch body {
				case "*", "?", "$":
					text.WriteString(body) // escaped literal
					continue
				}
				key, def, hasDef := splitVarDefault(body)
				flush()
				toks = append(toks, token{kind: tokVar, s: strings.ToLower(key), def: def, hasDef: hasDef})
				continue
			}
		}
		if wild && (c == '*' || c == '?') {
			flush()
			if c == '*' {
				toks = append(toks, token{kind: tokStar})
			} else {
				toks = append(toks, token{kind: tokQuest})
			}
			i++
			continue
		}
		text.WriteByte(c)
		i++
	}
	flush()
	return toks
}

// splitVarDefault parses "key, 'default'" (the default is optional).
func splitVarDefault(body string) (key, def string, ok bool) {
	comma := strings.IndexByte(body, ',')
	if comma < 0 {
		return strings.TrimSpace(body), "", false
	}
	key = strings.TrimSpace(body[:comma])
	rest := strings.TrimSpace(body[comma+1:])
	if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
		return key, rest[1 : len(rest)-1], true
	}
	return key, rest, true
}

// match reports whether s matches the pattern. fold compares ASCII letters
// case-insensitively (the pattern text is already lower-cased).
func (p *pattern) match(s string, fold bool, r *evaluator) bool {
	switch p.kind {
	case patAny:
		return true
	case patExact:
		if fold {
			return strings.EqualFold(s, p.s)
		}
		return s == p.s
	case patPrefix:
		if len(s) < len(p.s) {
			return false
		}
		if fold {
			return strings.EqualFold(s[:len(p.s)], p.s)
		}
		return s[:len(p.s)] == p.s
	case patGlob:
		if fold {
			return arn.GlobFold(p.s, s)
		}
		return arn.Glob(p.s, s)
	case patTokens:
		var buf [16]token
		toks := buf[:0]
		for _, t := range p.toks {
			if t.kind == tokVar {
				v, ok := r.variable(t.s)
				if !ok {
					if !t.hasDef {
						return false // an unresolvable variable never matches
					}
					v = t.def
				}
				t = token{kind: tokText, s: v}
			}
			toks = append(toks, t)
		}
		return globTokens(toks, s, fold)
	}
	return false
}

// globTokens matches s against text/star/question tokens with the classic
// single-backtrack algorithm, which is exact for '*' globs.
func globTokens(toks []token, s string, fold bool) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := toks[ti]
			switch t.kind {
			case tokStar:
				starT, starS = ti, si
				ti++
				continue
			case tokQuest:
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					si += w
					ti++
					continue
				}
			default:
				if hasPrefixFold(s[si:], t.s, fold) {
					si += len(t.s)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		starS++
		ti, si = starT+1, starS
	}
}

func hasPrefixFold(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if fold {
		return strings.EqualFold(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}

// arnPattern is an ArnLike/ArnEquals value: six colon-separated parts, each
// matched on its own with wildcards (and variables).
type arnPattern struct {
	whole pattern    // used when the value is not ARN-shaped
	parts [6]pattern // one per ARN part
	n     int        // number of parts in the policy value
}

func compileArnPattern(s string, vars bool) arnPattern {
	var ap arnPattern
	ap.whole = compilePattern(s, true, vars, false)
	parts, n := splitPatternARN(s, vars)
	ap.n = n
	for i := 0; i < n; i++ {
		ap.parts[i] = compilePattern(parts[i], true, vars, false)
	}
	return ap
}

func (ap *arnPattern) match(s string, r *evaluator) bool {
	if ap.whole.kind == patAny {
		return true
	}
	parts, n := arn.Split(s)
	if n != ap.n {
		// Components are compared one to one; a different number of
		// components cannot match.
		return false
	}
	for i := 0; i < n; i++ {
		if !ap.parts[i].match(parts[i], false, r) {
			return false
		}
	}
	return true
}

// splitPatternARN splits a policy ARN value into its six parts like
// arn.Split, except that colons inside ${...} policy variables (as in
// ${aws:PrincipalAccount}) do not separate parts.
func splitPatternARN(s string, vars bool) (parts [6]string, n int) {
	if !vars || !strings.Contains(s, "${") {
		return arn.Split(s)
	}
	start, depth := 0, false
	for i := 0; i < len(s) && n < 5; i++ {
		switch {
		case !depth && s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth = true
		case depth && s[i] == '}':
			depth = false
		case !depth && s[i] == ':':
			parts[n] = s[start:i]
			n++
			start = i + 1
		}
	}
	parts[n] = s[start:]
	return parts, n + 1
}
