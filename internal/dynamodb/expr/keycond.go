package expr

import "github.com/seki-dev/seki/internal/dynamodb/attr"

// KeyCond is one condition of a key-condition expression: an attribute, an
// operator ("=", "<", "<=", ">", ">=", "BETWEEN", "begins_with") and its
// value operands.
type KeyCond struct {
	Name   string
	Op     string
	Values []attr.Value
}

// Match reports whether a key attribute value satisfies the condition.
func (k KeyCond) Match(v attr.Value) bool {
	switch k.Op {
	case "=":
		return attr.Equal(v, k.Values[0])
	case "begins_with":
		return v.Kind == k.Values[0].Kind && len(v.Str) >= len(k.Values[0].Str) && v.Str[:len(k.Values[0].Str)] == k.Values[0].Str
	case "BETWEEN":
		a, ok := attr.Compare(k.Values[0], v)
		b, ok2 := attr.Compare(v, k.Values[1])
		return ok && ok2 && a <= 0 && b <= 0
	}
	c, ok := attr.Compare(v, k.Values[0])
	if !ok {
		return false
	}
	switch k.Op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// KeyConditions splits a parsed key-condition expression into its
// conditions. Only ANDs of simple conditions on top-level attributes with
// values on the right are key conditions; anything else is refused with
// DynamoDB's message.
func KeyConditions(c *Cond) ([]KeyCond, error) {
	var out []KeyCond
	var walk func(*Cond) error
	walk = func(c *Cond) error {
		switch c.kind {
		case cAnd:
			if err := walk(c.l); err != nil {
				return err
			}
			return walk(c.r)
		case cOr, cNot:
			op := "OR"
			if c.kind == cNot {
				op = "NOT"
			}
			return &Error{Msg: "Invalid operator used in KeyConditionExpression: " + op}
		case cIn:
			return &Error{Msg: "Invalid operator used in KeyConditionExpression: IN"}
		case cFunc:
			if c.op != "begins_with" {
				return &Error{Msg: "Invalid operator used in KeyConditionExpression: " + c.op}
			}
		case cCompare:
			if c.op == "<>" {
				return &Error{Msg: "Invalid operator used in KeyConditionExpression: <>"}
			}
		}
		op := c.op
		if c.kind == cBetween {
			op = "BETWEEN"
		}
		// unconfirmed: the wording for a key condition without the key first.
		if len(c.args) < 2 || c.args[0].kind != opPath {
			return &Error{Msg: "Invalid condition in KeyConditionExpression: " + op + " operator must have the key attribute as its first operand"}
		}
		// unconfirmed: the wording for a nested key attribute.
		if len(c.args[0].path) != 1 {
			return &Error{Msg: "KeyConditionExpressions cannot have conditions on nested attributes"}
		}
		k := KeyCond{Name: c.args[0].path[0].Name, Op: op}
		for _, a := range c.args[1:] {
			if a.kind != opValue {
				return &Error{Msg: "Invalid condition in KeyConditionExpression: " + op + " operator must have the key attribute as its first operand"}
			}
			k.Values = append(k.Values, a.value)
		}
		out = append(out, k)
		return nil
	}
	if err := walk(c); err != nil {
		return nil, err
	}
	return out, nil
}
