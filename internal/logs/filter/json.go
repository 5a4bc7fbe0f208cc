package filter

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// A JSON pattern is a boolean expression of comparisons:
//
//	{ $.eventType = "UpdateTrail" }
//	{ ($.status >= 400 && $.method = GET) || $.error IS TRUE }
//	{ $.user.id NOT EXISTS } { $.tags[0] = prod* } { $.msg = %time(d|out)% }
//
// A selector that does not resolve matches only NOT EXISTS.

type node interface {
	eval(doc any) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }

func (n *andNode) eval(doc any) bool { return n.l.eval(doc) && n.r.eval(doc) }
func (n *orNode) eval(doc any) bool  { return n.l.eval(doc) || n.r.eval(doc) }

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opTrue
	opFalse
	opNull
	opNotExists
	opExists
)

// step is one selector step: a member name, or an array index (name "").
type step struct {
	name  string
	index int
}

type cmpNode struct {
	path []step
	op   cmpOp
	val  value
}

// value is the right-hand side of a comparison.
type value struct {
	text    string // string value (wildcards as given)
	num     float64
	isNum   bool // text is a number literal, compared numerically
	quoted  bool
	re      *regexp.Regexp
	pattern *wildcard
}

func (n *cmpNode) eval(doc any) bool {
	v, ok := resolve(doc, n.path)
	switch n.op {
	case opNotExists:
		return !ok
	case opExists:
		return ok
	}
	if !ok {
		return false
	}
	switch n.op {
	case opTrue, opFalse:
		b, isBool := v.(bool)
		return isBool && b == (n.op == opTrue)
	case opNull:
		return v == nil
	case opEq:
		return n.val.equal(v)
	case opNe:
		return !n.val.equal(v)
	}
	f, isNum := number(v)
	if !isNum {
		return false
	}
	switch n.op {
	case opLt:
		return f < n.val.num
	case opLe:
		return f <= n.val.num
	case opGt:
		return f > n.val.num
	case opGe:
		return f >= n.val.num
	}
	return false
}

// equal compares a JSON value with the literal: numbers numerically,
// strings by text (with * wildcards) or regular expression.
func (v *value) equal(x any) bool {
	if s, ok := x.(string); ok {
		switch {
		case v.re != nil:
			return v.re.MatchString(s)
		case v.pattern != nil:
			return v.pattern.match(s)
		}
		return s == v.text
	}
	if v.isNum {
		if f, ok := number(x); ok {
			return f == v.num
		}
	}
	if b, ok := x.(bool); ok && !v.quoted {
		return strconv.FormatBool(b) == v.text
	}
	return false
}

func number(x any) (float64, bool) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func resolve(doc any, path []step) (any, bool) {
	cur := doc
	for _, s := range path {
		if s.name != "" {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[s.name]; !ok {
				return nil, false
			}
			continue
		}
		a, ok := cur.([]any)
		if !ok || s.index >= len(a) {
			return nil, false
		}
		cur = a[s.index]
	}
	return cur, true
}

// matchJSON decodes message (which must be a JSON object) and evaluates n.
func matchJSON(n node, message string) bool {
	s := strings.TrimSpace(message)
	if len(s) == 0 || s[0] != '{' {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	return n.eval(doc)
}

// JSON pattern parser: a small recursive-descent parser over the text
// between the braces.

type jsonParser struct {
	s   string
	i   int
	err error
}

// maxDepth bounds parenthesis nesting so hostile patterns cannot exhaust
// the stack (the pattern is at most 1024 characters anyway).
const maxDepth = 64

func parseJSON(s string) (node, error) {
	p := &jsonParser{s: s}
	n := p.or(0)
	if p.err != nil {
		return nil, p.err
	}
	p.space()
	if p.i != len(p.s) || n == nil {
		return nil, invalid()
	}
	return n, nil
}

func (p *jsonParser) space() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func (p *jsonParser) fail() node {
	if p.err == nil {
		p.err = invalid()
	}
	return nil
}

func (p *jsonParser) or(depth int) node {
	l := p.and(depth)
	for p.err == nil {
		p.space()
		if !strings.HasPrefix(p.s[p.i:], "||") {
			return l
		}
		p.i += 2
		r := p.and(depth)
		l = &orNode{l, r}
	}
	return nil
}

func (p *jsonParser) and(depth int) node {
	l := p.unary(depth)
	for p.err == nil {
		p.space()
		if !strings.HasPrefix(p.s[p.i:], "&&") {
			return l
		}
		p.i += 2
		r := p.unary(depth)
		l = &andNode{l, r}
	}
	return nil
}

func (p *jsonParser) unary(depth int) node {
	if depth > maxDepth {
		return p.fail()
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		n := p.or(depth + 1)
		p.space()
		if p.err != nil || p.i >= len(p.s) || p.s[p.i] != ')' {
			return p.fail()
		}
		p.i++
		return n
	}
	return p.comparison()
}

func (p *jsonParser) comparison() node {
	path, ok := p.selector()
	if !ok {
		return p.fail()
	}
	n := &cmpNode{path: path}
	p.space()
	rest := p.s[p.i:]
	switch {
	case strings.HasPrefix(rest, "!="):
		n.op, p.i = opNe, p.i+2
	case strings.HasPrefix(rest, "<="):
		n.op, p.i = opLe, p.i+2
	case strings.HasPrefix(rest, ">="):
		n.op, p.i = opGe, p.i+2
	case strings.HasPrefix(rest, "="):
		n.op, p.i = opEq, p.i+1
	case strings.HasPrefix(rest, "<"):
		n.op, p.i = opLt, p.i+1
	case strings.HasPrefix(rest, ">"):
		n.op, p.i = opGt, p.i+1
	default:
		return p.keywordTest(n)
	}
	v, ok := p.value()
	if !ok {
		return p.fail()
	}
	if n.op >= opLt && n.op <= opGe && !v.isNum {
		return p.fail()
	}
	n.val = v
	return n
}

// keywordTest reads IS TRUE, IS FALSE, IS NULL, NOT EXISTS and EXISTS.
func (p *jsonParser) keywordTest(n *cmpNode) node {
	w1 := p.word()
	switch strings.ToUpper(w1) {
	case "IS":
		switch strings.ToUpper(p.word()) {
		case "TRUE":
			n.op = opTrue
		case "FALSE":
			n.op = opFalse
		case "NULL":
			n.op = opNull
		default:
			return p.fail()
		}
	case "NOT":
		if strings.ToUpper(p.word()) != "EXISTS" {
			return p.fail()
		}
		n.op = opNotExists
	case "EXISTS":
		n.op = opExists
	default:
		return p.fail()
	}
	return n
}

func (p *jsonParser) word() string {
	p.space()
	j := p.i
	for j < len(p.s) && isLetter(p.s[j]) {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	return w
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// selector reads $ followed by .member and [index] steps. Member names
// run until a delimiter; AWS accepts hyphens in them unquoted.
func (p *jsonParser) selector() ([]step, bool) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '$' {
		return nil, false
	}
	p.i++
	var path []step
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '.':
			p.i++
			j := p.i
			for j < len(p.s) && isMemberChar(p.s[j]) {
				j++
			}
			if j == p.i {
				return nil, false
			}
			path = append(path, step{name: p.s[p.i:j]})
			p.i = j
		case '[':
			j := p.i + 1
			for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
				j++
			}
			if j == p.i+1 || j >= len(p.s) || p.s[j] != ']' {
				return nil, false
			}
			idx, err := strconv.Atoi(p.s[p.i+1 : j])
			if err != nil {
				return nil, false
			}
			path = append(path, step{index: idx})
			p.i = j + 1
		default:
			return path, len(path) > 0
		}
	}
	return path, len(path) > 0
}

func isMemberChar(c byte) bool {
	return !isSpace(c) && strings.IndexByte(".[]=!<>()&|\"%{}", c) < 0
}

// value reads a quoted string, a %regex%, or a bare word (a number, or a
// string that may hold * wildcards).
func (p *jsonParser) value() (value, bool) {
	p.space()
	if p.i >= len(p.s) {
		return value{}, false
	}
	switch p.s[p.i] {
	case '"':
		t, n, ok := quoted(p.s[p.i:])
		if !ok {
			return value{}, false
		}
		p.i += n
		v := value{text: t, quoted: true}
		if strings.Contains(t, "*") {
			v.pattern = newWildcard(t)
		}
		return v, true
	case '%':
		j := strings.IndexByte(p.s[p.i+1:], '%')
		if j < 0 {
			return value{}, false
		}
		re, err := compileRegex(p.s[p.i+1 : p.i+1+j])
		if err != nil {
			return value{}, false
		}
		p.i += j + 2
		return value{re: re}, true
	}
	j := p.i
	for j < len(p.s) && !isSpace(p.s[j]) && strings.IndexByte("()&|\"", p.s[j]) < 0 {
		j++
	}
	w := p.s[p.i:j]
	if w == "" {
		return value{}, false
	}
	p.i = j
	v := value{text: w}
	if f, err := strconv.ParseFloat(w, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		v.num, v.isNum = f, true
	} else if strings.Contains(w, "*") {
		v.pattern = newWildcard(w)
	}
	return v, true
}

// wildcard matches text with * standing for any run of characters.
type wildcard struct{ parts []string }

func newWildcard(s string) *wildcard { return &wildcard{parts: strings.Split(s, "*")} }

func (w *wildcard) match(s string) bool {
	parts := w.parts
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	if len(parts) == 1 {
		return s == ""
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
