package expr

import (
	"sort"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

// Error is an invalid expression, with DynamoDB's message ("Invalid
// ConditionExpression: Syntax error; token: …").
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// The expression kinds, as DynamoDB names them in messages.
const (
	ConditionExpression    = "ConditionExpression"
	FilterExpression       = "FilterExpression"
	KeyConditionExpression = "KeyConditionExpression"
	UpdateExpression       = "UpdateExpression"
	ProjectionExpression   = "ProjectionExpression"
)

// Limits DynamoDB applies while parsing.
const (
	maxPathDepth  = 32
	maxInOperands = 100
	maxNesting    = 300 // parser recursion guard for hostile input
)

// Env holds a request's ExpressionAttributeNames and
// ExpressionAttributeValues and remembers which of them the request's
// expressions used, for the "unused" check.
type Env struct {
	names      map[string]string
	values     attr.Item
	usedNames  map[string]bool
	usedValues map[string]bool
}

// NewEnv returns an environment over the request's substitution maps
// (either may be nil). Values must already be validated.
func NewEnv(names map[string]string, values attr.Item) *Env {
	return &Env{names: names, values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
}

// Unused returns DynamoDB's message for names or values that no expression
// used, or "" when all were used.
func (e *Env) Unused() string {
	if k := unused(e.names, e.usedNames); k != "" {
		return "Value provided in ExpressionAttributeNames unused in expressions: keys: {" + k + "}"
	}
	if k := unused(e.values, e.usedValues); k != "" {
		return "Value provided in ExpressionAttributeValues unused in expressions: keys: {" + k + "}"
	}
	return ""
}

func unused[V any](m map[string]V, used map[string]bool) string {
	var keys []string
	for k := range m {
		if !used[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

type parser struct {
	kind   string
	src    string
	toks   []token
	pos    int
	env    *Env
	syntax *Error // the first syntax error; parsing stops at it
	sem    string // the first semantic problem, reported if syntax is fine
	depth  int    // recursion depth
	inUpd  bool   // parsing an update expression (arithmetic allowed)
}

func newParser(kind, src string, env *Env) *parser {
	if env == nil {
		env = NewEnv(nil, nil)
	}
	return &parser{kind: kind, src: src, toks: lex(src), env: env}
}

func (p *parser) cur() token  { return p.toks[p.pos] }
func (p *parser) next() token { p.pos++; return p.toks[p.pos-1] }
func (p *parser) failed() bool {
	return p.syntax != nil
}

func (p *parser) peekAt(i int) token {
	if p.pos+i < len(p.toks) {
		return p.toks[p.pos+i]
	}
	return p.toks[len(p.toks)-1]
}

// syntaxError reports the current token with the source around it: from
// the previous token's start to the next token's end, as DynamoDB does.
func (p *parser) syntaxError() {
	if p.syntax != nil {
		return
	}
	t := p.cur()
	text := t.text
	if t.kind == tEOF {
		text = "<EOF>"
	}
	start, end := t.start, t.end
	if p.pos > 0 {
		start = p.toks[p.pos-1].start
	}
	if t.kind != tEOF && p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind != tEOF {
		end = p.toks[p.pos+1].end
	}
	p.syntax = &Error{Msg: "Invalid " + p.kind + ": Syntax error; token: \"" + text + "\", near: \"" + p.src[start:end] + "\""}
}

// semantic records a problem that DynamoDB reports only for a well-formed
// expression; the first one, in written order, wins.
func (p *parser) semantic(msg string) {
	if p.sem == "" {
		p.sem = msg
	}
}

func (p *parser) err() error {
	if p.syntax != nil {
		return p.syntax
	}
	if p.sem != "" {
		return &Error{Msg: "Invalid " + p.kind + ": " + p.sem}
	}
	return nil
}

func (p *parser) isKeyword(word string) bool {
	t := p.cur()
	return t.kind == tIdent && strings.EqualFold(t.text, word)
}

func (p *parser) isPunct(s string) bool {
	t := p.cur()
	return t.kind == tPunct && t.text == s
}

func (p *parser) expectPunct(s string) bool {
	if !p.isPunct(s) {
		p.syntaxError()
		return false
	}
	p.pos++
	return true
}

func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxNesting {
		p.syntaxError()
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

func emptyError(kind string) error {
	return &Error{Msg: "Invalid " + kind + ": The expression can not be empty;"}
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// ParseCondition parses a condition, filter or key-condition expression.
func ParseCondition(kind, src string, env *Env) (*Cond, error) {
	if blank(src) {
		return nil, emptyError(kind)
	}
	p := newParser(kind, src, env)
	c := p.parseOr()
	if !p.failed() && p.cur().kind != tEOF {
		p.syntaxError()
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseProjection parses a projection expression into its paths.
func ParseProjection(src string, env *Env) ([]Path, error) {
	if blank(src) {
		return nil, emptyError(ProjectionExpression)
	}
	p := newParser(ProjectionExpression, src, env)
	var paths []Path
	for !p.failed() {
		path := p.parsePath()
		if p.failed() {
			break
		}
		paths = append(paths, path)
		if p.isPunct(",") {
			p.pos++
			continue
		}
		if p.cur().kind != tEOF {
			p.syntaxError()
		}
		break
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if msg := overlaps(paths); msg != "" {
		return nil, &Error{Msg: "Invalid ProjectionExpression: " + msg}
	}
	return paths, nil
}

// ParseUpdate parses an update expression.
func ParseUpdate(src string, env *Env) (*Update, error) {
	if blank(src) {
		return nil, emptyError(UpdateExpression)
	}
	p := newParser(UpdateExpression, src, env)
	p.inUpd = true
	u := &Update{}
	seen := map[string]bool{}
	for !p.failed() && p.cur().kind != tEOF {
		t := p.cur()
		verb := strings.ToUpper(t.text)
		if t.kind != tIdent || (verb != "SET" && verb != "REMOVE" && verb != "ADD" && verb != "DELETE") {
			p.syntaxError()
			break
		}
		p.pos++
		if seen[verb] {
			p.semantic(`The "` + verb + `" section can only be used once in an update expression;`)
		}
		seen[verb] = true
		for !p.failed() {
			a := p.parseAction(verb)
			if p.failed() {
				break
			}
			u.Actions = append(u.Actions, a)
			if !p.isPunct(",") {
				break
			}
			p.pos++
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if msg := overlaps(u.Paths()); msg != "" {
		return nil, &Error{Msg: "Invalid UpdateExpression: " + msg}
	}
	return u, nil
}

func (p *parser) parseAction(verb string) Action {
	a := Action{Verb: verb, Path: p.parsePath()}
	if p.failed() {
		return a
	}
	switch verb {
	case "SET":
		if !p.expectPunct("=") {
			return a
		}
		a.value = p.parseSetValue()
	case "ADD", "DELETE":
		if p.cur().kind != tValue {
			p.syntaxError()
			return a
		}
		a.value = p.parseOperand()
		if a.value != nil && a.value.kind == opValue {
			v := a.value.value
			ok := v.Kind.IsSet() || (verb == "ADD" && v.Kind == attr.N)
			if !ok {
				p.semantic("Incorrect operand type for operator or function; operator: " + verb + ", operand type: " + longType(v.Kind))
			}
		}
	}
	return a
}

// parseSetValue reads operand [+|- operand].
func (p *parser) parseSetValue() *Operand {
	x := p.parseSetOperand()
	if p.failed() {
		return nil
	}
	if p.isPunct("+") || p.isPunct("-") {
		op := p.next().text
		y := p.parseSetOperand()
		if p.failed() {
			return nil
		}
		// unconfirmed: arithmetic operand types are reported like list_append's.
		for _, o := range []*Operand{x, y} {
			if o.kind == opValue && o.value.Kind != attr.N {
				p.semantic("Incorrect operand type for operator or function; operator or function: " + op + ", operand type: " + o.value.Kind.String())
			}
		}
		k := opPlus
		if op == "-" {
			k = opMinus
		}
		return &Operand{kind: k, args: [2]*Operand{x, y}}
	}
	return x
}

// parseSetOperand reads a path, a value, or if_not_exists/list_append.
func (p *parser) parseSetOperand() *Operand {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.cur()
	if t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "(" {
		name := t.text
		p.pos += 2
		switch name {
		case "if_not_exists":
			first := p.parseSetOperand()
			if p.failed() || !p.expectPunct(",") {
				return nil
			}
			second := p.parseSetValue()
			if p.failed() || !p.expectPunct(")") {
				return nil
			}
			if first.kind != opPath {
				p.semantic("Operator or function requires a document path; operator or function: if_not_exists")
			}
			return &Operand{kind: opIfNotExists, args: [2]*Operand{first, second}}
		case "list_append":
			first := p.parseSetOperand()
			if p.failed() || !p.expectPunct(",") {
				return nil
			}
			second := p.parseSetOperand()
			if p.failed() || !p.expectPunct(")") {
				return nil
			}
			for _, o := range []*Operand{first, second} {
				if o.kind == opValue && o.value.Kind != attr.L {
					p.semantic("Incorrect operand type for operator or function; operator or function: list_append, operand type: " + o.value.Kind.String())
				}
			}
			return &Operand{kind: opListAppend, args: [2]*Operand{first, second}}
		default:
			p.functionMisuse(name)
			p.skipArgs()
			return &Operand{kind: opValue}
		}
	}
	return p.parseOperand()
}

// functionMisuse records the message for a function name in the wrong
// place: unknown names, or a function of the other expression kind.
func (p *parser) functionMisuse(name string) {
	switch name {
	case "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size",
		"if_not_exists", "list_append":
		// unconfirmed: the wording for a function in the wrong expression kind.
		p.semantic("The function is not allowed to be used this way in an expression; function: " + name)
	default:
		p.semantic("Invalid function name; function: " + name)
	}
}

// skipArgs consumes a parenthesized argument list after a bad function name
// so that parsing can go on to find syntax errors.
func (p *parser) skipArgs() {
	depth := 1
	for !p.failed() && depth > 0 {
		t := p.next()
		switch {
		case t.kind == tEOF:
			p.pos--
			p.syntaxError()
		case t.kind == tPunct && t.text == "(":
			depth++
		case t.kind == tPunct && t.text == ")":
			depth--
		}
	}
}

// parseOperand reads a path, a :value, or size(path).
func (p *parser) parseOperand() *Operand {
	t := p.cur()
	switch t.kind {
	case tValue:
		p.pos++
		v, ok := p.env.values[t.text]
		if !ok {
			p.semantic("An expression attribute value used in expression is not defined; attribute value: " + t.text)
		}
		p.env.usedValues[t.text] = true
		return &Operand{kind: opValue, value: v}
	case tIdent, tName:
		if t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "(" {
			name := t.text
			if name != "size" || p.inUpd {
				p.pos += 2
				p.functionMisuse(name)
				p.skipArgs()
				return &Operand{kind: opValue}
			}
			p.pos += 2
			args := p.parseArgs()
			if p.failed() {
				return nil
			}
			if len(args) != 1 {
				p.semantic("Incorrect number of operands for operator or function; operator or function: size, number of operands: " + strconv.Itoa(len(args)))
				return &Operand{kind: opValue}
			}
			if args[0].kind != opPath {
				p.semantic("Operator or function requires a document path; operator or function: size")
			}
			return &Operand{kind: opSize, path: args[0].path}
		}
		path := p.parsePath()
		return &Operand{kind: opPath, path: path}
	}
	p.syntaxError()
	return nil
}

// parseArgs reads "operand, operand, … )" after a function's "(".
func (p *parser) parseArgs() []*Operand {
	var args []*Operand
	if p.isPunct(")") {
		p.pos++
		return args
	}
	for !p.failed() {
		a := p.parseOperand()
		if p.failed() {
			return nil
		}
		args = append(args, a)
		if p.isPunct(",") {
			p.pos++
			continue
		}
		p.expectPunct(")")
		break
	}
	return args
}

// parsePath reads name ('.' name | '[' n ']')*.
func (p *parser) parsePath() Path {
	var path Path
	for {
		t := p.cur()
		if t.kind != tIdent && t.kind != tName {
			p.syntaxError()
			return nil
		}
		p.pos++
		path = append(path, Elem{Name: p.resolveName(t), Index: -1})
		for p.isPunct("[") {
			p.pos++
			n := p.cur()
			if n.kind != tNumber {
				p.syntaxError()
				return nil
			}
			idx, err := strconv.Atoi(n.text)
			if err != nil || idx > 1<<31-1 {
				p.syntaxError()
				return nil
			}
			p.pos++
			if !p.expectPunct("]") {
				return nil
			}
			path = append(path, Elem{Index: idx})
		}
		if !p.isPunct(".") {
			break
		}
		p.pos++
	}
	if len(path) > maxPathDepth {
		// unconfirmed: the wording of the 32-level path limit.
		p.semantic("The document path has too many nesting levels; nesting levels: " + strconv.Itoa(len(path)))
	}
	return path
}

func (p *parser) resolveName(t token) string {
	if t.kind == tName {
		n, ok := p.env.names[t.text]
		if !ok {
			p.semantic("An expression attribute name used in the document path is not defined; attribute name: " + t.text)
		}
		p.env.usedNames[t.text] = true
		return n
	}
	if reserved[strings.ToUpper(t.text)] {
		p.semantic("Attribute name is a reserved keyword; reserved keyword: " + t.text)
	}
	return t.text
}

// --- conditions ---

func (p *parser) parseOr() *Cond {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	l := p.parseAnd()
	for !p.failed() && p.isKeyword("OR") {
		p.pos++
		r := p.parseAnd()
		l = &Cond{kind: cOr, l: l, r: r}
	}
	return l
}

func (p *parser) parseAnd() *Cond {
	l := p.parseNot()
	for !p.failed() && p.isKeyword("AND") {
		p.pos++
		r := p.parseNot()
		l = &Cond{kind: cAnd, l: l, r: r}
	}
	return l
}

func (p *parser) parseNot() *Cond {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	if p.isKeyword("NOT") {
		p.pos++
		x := p.parseNot()
		return &Cond{kind: cNot, l: x}
	}
	return p.parsePrimary()
}

// boolFunc returns the number of operands of a condition function, or 0
// for names that are not condition functions. Function names are
// case-sensitive in DynamoDB.
func boolFunc(name string) int {
	switch name {
	case "attribute_exists", "attribute_not_exists":
		return 1
	case "attribute_type", "begins_with", "contains":
		return 2
	}
	return 0
}

func (p *parser) parsePrimary() *Cond {
	if p.failed() {
		return nil
	}
	if p.isPunct("(") {
		p.pos++
		c := p.parseOr()
		if p.failed() || !p.expectPunct(")") {
			return nil
		}
		if c.paren {
			p.semantic("The expression has redundant parentheses;")
		}
		c.paren = true
		return c
	}
	t := p.cur()
	if t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == "(" {
		if n := boolFunc(t.text); n > 0 {
			p.pos += 2
			args := p.parseArgs()
			if p.failed() {
				return nil
			}
			p.checkFunc(t.text, n, args)
			return &Cond{kind: cFunc, op: t.text, args: args}
		}
		if t.text != "size" {
			// Not a condition function: report the name, and go on only to
			// find syntax errors.
			p.pos += 2
			p.functionMisuse(t.text)
			p.skipArgs()
			dummy := &Cond{kind: cFunc, op: t.text}
			if p.failed() || p.cur().kind == tEOF || p.isKeyword("AND") || p.isKeyword("OR") || p.isPunct(")") {
				return dummy
			}
			p.parseTail(&Operand{kind: opValue})
			return dummy
		}
	}
	x := p.parseOperand()
	if p.failed() {
		return nil
	}
	return p.parseTail(x)
}

// parseTail reads what follows a condition's first operand: a comparator,
// BETWEEN or IN.
func (p *parser) parseTail(x *Operand) *Cond {
	t := p.cur()
	switch {
	case t.kind == tPunct && (t.text == "=" || t.text == "<>" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
		p.pos++
		y := p.parseOperand()
		if p.failed() {
			return nil
		}
		p.distinct(t.text, x, y)
		return &Cond{kind: cCompare, op: t.text, args: []*Operand{x, y}}
	case t.kind == tIdent && strings.EqualFold(t.text, "BETWEEN"):
		p.pos++
		lo := p.parseOperand()
		if p.failed() {
			return nil
		}
		if !p.isKeyword("AND") {
			p.syntaxError()
			return nil
		}
		p.pos++
		hi := p.parseOperand()
		if p.failed() {
			return nil
		}
		p.distinct("BETWEEN", x, lo, hi)
		if lo.kind == opValue && hi.kind == opValue {
			if c, ok := attr.Compare(lo.value, hi.value); ok && c > 0 {
				p.semantic("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {" +
					lo.value.Kind.String() + ":" + show(lo.value) + "}, upper bound operand: AttributeValue: {" + hi.value.Kind.String() + ":" + show(hi.value) + "}")
			}
		}
		return &Cond{kind: cBetween, args: []*Operand{x, lo, hi}}
	case t.kind == tIdent && strings.EqualFold(t.text, "IN"):
		p.pos++
		if !p.expectPunct("(") {
			return nil
		}
		args := []*Operand{x}
		for !p.failed() {
			a := p.parseOperand()
			if p.failed() {
				return nil
			}
			args = append(args, a)
			if p.isPunct(",") {
				p.pos++
				continue
			}
			if !p.expectPunct(")") {
				return nil
			}
			break
		}
		if len(args)-1 > maxInOperands {
			// unconfirmed: the wording of the 100-operand IN limit.
			p.semantic("The IN operator is provided with too many operands; number of operands: " + strconv.Itoa(len(args)-1))
		}
		p.distinct("IN", args...)
		return &Cond{kind: cIn, args: args}
	}
	p.syntaxError()
	return nil
}

// distinct applies DynamoDB's rule that an operator's first operand may
// not be the same document path as another of its operands.
func (p *parser) distinct(op string, args ...*Operand) {
	if len(args) < 2 || args[0].kind != opPath {
		return
	}
	for _, a := range args[1:] {
		if a.kind == opPath && a.path.equal(args[0].path) {
			p.semantic("The first operand must be distinct from the remaining operands for this operator or function; operator: " +
				op + ", first operand: " + args[0].path.String())
			return
		}
	}
}

func (p *parser) checkFunc(name string, n int, args []*Operand) {
	if len(args) != n {
		p.semantic("Incorrect number of operands for operator or function; operator or function: " + name + ", number of operands: " + strconv.Itoa(len(args)))
		return
	}
	switch name {
	case "attribute_exists", "attribute_not_exists":
		if args[0].kind != opPath {
			p.semantic("Operator or function requires a document path; operator or function: " + name)
		}
	case "attribute_type":
		if args[0].kind != opPath {
			p.semantic("Operator or function requires a document path; operator or function: " + name)
			return
		}
		if args[1].kind == opValue {
			v := args[1].value
			if v.Kind != attr.S {
				p.semantic("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: " + v.Kind.String())
			} else if _, ok := attr.KindOf(v.Str); !ok {
				// unconfirmed: the list of valid types as DynamoDB prints it.
				p.semantic("Invalid attribute type name found; type: " + v.Str + ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }")
			}
		}
	case "begins_with":
		for _, a := range args {
			if a.kind == opValue && a.value.Kind != attr.S && a.value.Kind != attr.B && a.value.Kind != attr.Invalid {
				p.semantic("Incorrect operand type for operator or function; operator or function: begins_with, operand type: " + a.value.Kind.String())
				return
			}
		}
		p.distinct(name, args...)
	case "contains":
		p.distinct(name, args...)
	}
}

// show renders a scalar value the way DynamoDB's BETWEEN message does.
func show(v attr.Value) string {
	switch v.Kind {
	case attr.S, attr.N:
		return v.Str
	}
	return string(attr.AppendValue(nil, v))
}

// longType is the type name DynamoDB uses in ADD and DELETE messages.
// STRING, LIST and MAP are confirmed; unconfirmed: the others.
func longType(k attr.Kind) string {
	switch k {
	case attr.S:
		return "STRING"
	case attr.N:
		return "NUMBER"
	case attr.B:
		return "BINARY"
	case attr.BOOL:
		return "BOOLEAN"
	case attr.NULL:
		return "NULL"
	case attr.L:
		return "LIST"
	case attr.M:
		return "MAP"
	case attr.SS:
		return "STRING_SET"
	case attr.NS:
		return "NUMBER_SET"
	case attr.BS:
		return "BINARY_SET"
	}
	return "UNKNOWN"
}

// overlaps applies the rule that no two paths of one update or projection
// may be the same, or one the prefix of another, or diverge at a step that
// is a map member in one and a list index in the other.
func overlaps(paths []Path) string {
	for i := 1; i < len(paths); i++ {
		for j := 0; j < i; j++ {
			a, b := paths[j], paths[i]
			n := min(len(a), len(b))
			k := 0
			for k < n && a[k] == b[k] {
				k++
			}
			if k == n {
				return "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " + a.String() + ", path two: " + b.String()
			}
			// unconfirmed: the "conflict" wording for a name against an index.
			if (a[k].Index >= 0) != (b[k].Index >= 0) {
				return "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " + a.String() + ", path two: " + b.String()
			}
		}
	}
	return ""
}
