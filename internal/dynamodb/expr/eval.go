package expr

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

// Get returns the value at path in item, and whether it exists.
func Get(item attr.Item, p Path) (attr.Value, bool) {
	if len(p) == 0 {
		return attr.Value{}, false
	}
	v, ok := item[p[0].Name]
	if !ok {
		return v, false
	}
	for _, e := range p[1:] {
		if e.Index >= 0 {
			if v.Kind != attr.L || e.Index >= len(v.List) {
				return attr.Value{}, false
			}
			v = v.List[e.Index]
			continue
		}
		if v.Kind != attr.M {
			return attr.Value{}, false
		}
		if v, ok = v.Map[e.Name]; !ok {
			return v, false
		}
	}
	return v, true
}

// Eval reports whether item satisfies the condition. A nil item is an item
// that does not exist: every path is missing.
func (c *Cond) Eval(item attr.Item) bool {
	switch c.kind {
	case cAnd:
		return c.l.Eval(item) && c.r.Eval(item)
	case cOr:
		return c.l.Eval(item) || c.r.Eval(item)
	case cNot:
		return !c.l.Eval(item)
	case cCompare:
		a, aok := operand(c.args[0], item)
		b, bok := operand(c.args[1], item)
		if c.op == "<>" {
			return !(aok && bok && attr.Equal(a, b))
		}
		if !aok || !bok {
			return false
		}
		if c.op == "=" {
			return attr.Equal(a, b)
		}
		n, ok := attr.Compare(a, b)
		if !ok {
			return false
		}
		switch c.op {
		case "<":
			return n < 0
		case "<=":
			return n <= 0
		case ">":
			return n > 0
		case ">=":
			return n >= 0
		}
	case cBetween:
		x, ok1 := operand(c.args[0], item)
		lo, ok2 := operand(c.args[1], item)
		hi, ok3 := operand(c.args[2], item)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		a, ok := attr.Compare(lo, x)
		b, ok2 := attr.Compare(x, hi)
		return ok && ok2 && a <= 0 && b <= 0
	case cIn:
		x, ok := operand(c.args[0], item)
		if !ok {
			return false
		}
		for _, o := range c.args[1:] {
			if y, ok := operand(o, item); ok && attr.Equal(x, y) {
				return true
			}
		}
	case cFunc:
		return c.evalFunc(item)
	}
	return false
}

func (c *Cond) evalFunc(item attr.Item) bool {
	if len(c.args) == 0 {
		return false
	}
	switch c.op {
	case "attribute_exists":
		_, ok := Get(item, c.args[0].path)
		return ok
	case "attribute_not_exists":
		_, ok := Get(item, c.args[0].path)
		return !ok
	case "attribute_type":
		v, ok := Get(item, c.args[0].path)
		t, ok2 := operand(c.args[1], item)
		return ok && ok2 && t.Kind == attr.S && v.Kind.String() == t.Str
	case "begins_with":
		v, ok := operand(c.args[0], item)
		pre, ok2 := operand(c.args[1], item)
		if !ok || !ok2 || v.Kind != pre.Kind || (v.Kind != attr.S && v.Kind != attr.B) {
			return false
		}
		return strings.HasPrefix(v.Str, pre.Str)
	case "contains":
		v, ok := operand(c.args[0], item)
		x, ok2 := operand(c.args[1], item)
		if !ok || !ok2 {
			return false
		}
		switch v.Kind {
		case attr.S, attr.B:
			return x.Kind == v.Kind && bytes.Contains([]byte(v.Str), []byte(x.Str))
		case attr.SS:
			return x.Kind == attr.S && v.SetHas(x.Str)
		case attr.NS:
			return x.Kind == attr.N && v.SetHas(x.Str)
		case attr.BS:
			return x.Kind == attr.B && v.SetHas(x.Str)
		case attr.L:
			for _, e := range v.List {
				if attr.Equal(e, x) {
					return true
				}
			}
		}
	}
	return false
}

// operand evaluates a condition operand against item.
func operand(o *Operand, item attr.Item) (attr.Value, bool) {
	switch o.kind {
	case opValue:
		return o.value, o.value.Kind != attr.Invalid
	case opPath:
		return Get(item, o.path)
	case opSize:
		v, ok := Get(item, o.path)
		if !ok {
			return v, false
		}
		n, ok := sizeOf(v)
		if !ok {
			return attr.Value{}, false
		}
		return attr.NumValue(itoa(n)), true
	}
	return attr.Value{}, false
}

// sizeOf is what size() returns: a string's length in UTF-16 code units
// (as DynamoDB counts it), a binary's bytes, a set's, list's or map's
// element count. Other types have no size.
func sizeOf(v attr.Value) (int, bool) {
	switch v.Kind {
	case attr.S:
		n := 0
		for _, r := range v.Str {
			if r == utf8.RuneError {
				n++
				continue
			}
			n += utf16.RuneLen(r)
		}
		return n, true
	case attr.B:
		return len(v.Str), true
	case attr.SS, attr.NS, attr.BS:
		return len(v.Set), true
	case attr.L:
		return len(v.List), true
	case attr.M:
		return len(v.Map), true
	}
	return 0, false
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Paths returns the top-level attribute names a condition reads, in
// written order without repeats (for the dynamodb:Attributes key).
func (c *Cond) Paths() []Path {
	var out []Path
	var walk func(*Cond)
	walk = func(c *Cond) {
		if c == nil {
			return
		}
		walk(c.l)
		walk(c.r)
		for _, a := range c.args {
			collect(a, &out)
		}
	}
	walk(c)
	return out
}

func collect(o *Operand, out *[]Path) {
	if o == nil {
		return
	}
	if o.kind == opPath || o.kind == opSize {
		*out = append(*out, o.path)
	}
	collect(o.args[0], out)
	collect(o.args[1], out)
}
