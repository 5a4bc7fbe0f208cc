// Package expr parses and evaluates DynamoDB's expression language:
// condition, filter and key-condition expressions, update expressions, and
// projection expressions, with ExpressionAttributeNames and
// ExpressionAttributeValues. Parse errors carry DynamoDB's messages.
package expr

import (
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

// Elem is one step of a document path: a map member name, or a list index
// when Index >= 0.
type Elem struct {
	Name  string
	Index int
}

// Path is a resolved document path such as a.b[2].c.
type Path []Elem

// String formats p the way DynamoDB's messages show paths: [a, b, [2]].
func (p Path) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.Index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Top is the top-level attribute name the path starts with.
func (p Path) Top() string { return p[0].Name }

func (p Path) equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// opKind says what an operand is.
type opKind uint8

const (
	opPath        opKind = iota // a document path
	opValue                     // an expression attribute value
	opSize                      // size(path)
	opPlus                      // x + y (update expressions)
	opMinus                     // x - y
	opIfNotExists               // if_not_exists(path, x)
	opListAppend                // list_append(x, y)
)

// Operand is one side of a comparison or the value of a SET action.
type Operand struct {
	kind  opKind
	path  Path
	value attr.Value
	args  [2]*Operand
}

// condKind says what a condition node is.
type condKind uint8

const (
	cAnd condKind = iota
	cOr
	cNot
	cCompare
	cBetween
	cIn
	cFunc // attribute_exists, attribute_not_exists, attribute_type, begins_with, contains
)

// Cond is a parsed condition (ConditionExpression, FilterExpression,
// KeyConditionExpression).
type Cond struct {
	kind  condKind
	op    string // comparator or function name
	l, r  *Cond
	args  []*Operand
	paren bool // written in parentheses (for the redundant-parentheses rule)
}

// Action is one SET, REMOVE, ADD or DELETE clause of an update expression.
type Action struct {
	Verb  string // "SET", "REMOVE", "ADD", "DELETE"
	Path  Path
	value *Operand // SET value, ADD/DELETE operand; nil for REMOVE
}

// Update is a parsed update expression.
type Update struct {
	Actions []Action
}

// Paths returns the document paths the update writes, in written order.
func (u *Update) Paths() []Path {
	out := make([]Path, len(u.Actions))
	for i, a := range u.Actions {
		out[i] = a.Path
	}
	return out
}

// NewAction builds an update action outside the expression syntax, for the
// legacy AttributeUpdates parameter. v is the value operand (nil for
// REMOVE).
func NewAction(verb string, p Path, v *attr.Value) Action {
	a := Action{Verb: verb, Path: p}
	if v != nil {
		a.value = &Operand{kind: opValue, value: *v}
	}
	return a
}
