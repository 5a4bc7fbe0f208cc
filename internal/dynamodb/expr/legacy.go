package expr

import "github.com/seki-dev/seki/internal/dynamodb/attr"

// Legacy is one condition of the pre-expression parameters (Expected,
// QueryFilter, ScanFilter, KeyConditions): an attribute, a
// ComparisonOperator and its AttributeValueList.
type Legacy struct {
	Name   string
	Op     string // EQ, NE, LE, LT, GE, GT, NOT_NULL, NULL, CONTAINS, NOT_CONTAINS, BEGINS_WITH, IN, BETWEEN
	Values []attr.Value
}

// legacyArgs is how many values each ComparisonOperator takes; -1 means
// one or more.
func legacyArgs(op string) (int, bool) {
	switch op {
	case "EQ", "NE", "LE", "LT", "GE", "GT", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH":
		return 1, true
	case "NULL", "NOT_NULL":
		return 0, true
	case "BETWEEN":
		return 2, true
	case "IN":
		return -1, true
	}
	return 0, false
}

func (l Legacy) check() error {
	n, ok := legacyArgs(l.Op)
	if !ok {
		return &Error{Msg: "1 validation error detected: Value '" + l.Op + "' at 'comparisonOperator' failed to satisfy constraint: " +
			"Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"}
	}
	if (n >= 0 && len(l.Values) != n) || (n < 0 && len(l.Values) == 0) {
		return &Error{Msg: "One or more parameter values were invalid: Invalid number of argument(s) for the " + l.Op + " ComparisonOperator"}
	}
	return nil
}

// FromLegacy builds one condition from legacy conditions joined by AND, or
// by OR when or is set (ConditionalOperator). It returns nil for none.
func FromLegacy(conds []Legacy, or bool) (*Cond, error) {
	var out *Cond
	for _, l := range conds {
		if err := l.check(); err != nil {
			return nil, err
		}
		c := l.cond()
		switch {
		case out == nil:
			out = c
		case or:
			out = &Cond{kind: cOr, l: out, r: c}
		default:
			out = &Cond{kind: cAnd, l: out, r: c}
		}
	}
	return out, nil
}

func (l Legacy) cond() *Cond {
	path := &Operand{kind: opPath, path: Path{{Name: l.Name, Index: -1}}}
	vals := make([]*Operand, len(l.Values))
	for i, v := range l.Values {
		vals[i] = &Operand{kind: opValue, value: v}
	}
	cmp := func(op string) *Cond { return &Cond{kind: cCompare, op: op, args: []*Operand{path, vals[0]}} }
	fn := func(name string, args ...*Operand) *Cond { return &Cond{kind: cFunc, op: name, args: args} }
	switch l.Op {
	case "EQ":
		return cmp("=")
	case "NE":
		return cmp("<>")
	case "LE":
		return cmp("<=")
	case "LT":
		return cmp("<")
	case "GE":
		return cmp(">=")
	case "GT":
		return cmp(">")
	case "NULL":
		return fn("attribute_not_exists", path)
	case "NOT_NULL":
		return fn("attribute_exists", path)
	case "CONTAINS":
		return fn("contains", path, vals[0])
	case "NOT_CONTAINS":
		return &Cond{kind: cAnd, l: fn("attribute_exists", path), r: &Cond{kind: cNot, l: fn("contains", path, vals[0])}}
	case "BEGINS_WITH":
		return fn("begins_with", path, vals[0])
	case "BETWEEN":
		return &Cond{kind: cBetween, args: []*Operand{path, vals[0], vals[1]}}
	case "IN":
		return &Cond{kind: cIn, args: append([]*Operand{path}, vals...)}
	}
	return nil
}

// LegacyKey turns a KeyConditions entry into a key condition.
func LegacyKey(l Legacy) (KeyCond, error) {
	if err := l.check(); err != nil {
		return KeyCond{}, err
	}
	ops := map[string]string{"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">", "BEGINS_WITH": "begins_with", "BETWEEN": "BETWEEN"}
	op, ok := ops[l.Op]
	if !ok {
		return KeyCond{}, &Error{Msg: "Attempted conditional constraint is not an indexable operation"}
	}
	return KeyCond{Name: l.Name, Op: op, Values: l.Values}, nil
}
