package expr

import (
	"sort"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

// Messages of updates that fail against the stored item.
const (
	msgMissingOperand = "The provided expression refers to an attribute that does not exist in the item"
	msgBadType        = "An operand in the update expression has an incorrect data type"
	msgBadPath        = "The document path provided in the update expression is invalid for update"
)

// Apply performs the update on item, which it modifies in place (pass a
// copy of a stored item). All operands are evaluated against the item as it
// was before the update, as DynamoDB does. Errors carry DynamoDB's message.
func (u *Update) Apply(item attr.Item) error {
	// Evaluate every SET value, ADD and DELETE operand first.
	vals := make([]attr.Value, len(u.Actions))
	for i, a := range u.Actions {
		if a.value == nil {
			continue
		}
		v, err := evalSet(a.value, item)
		if err != nil {
			return err
		}
		vals[i] = v
	}
	var removes []Path
	for i, a := range u.Actions {
		switch a.Verb {
		case "SET":
			if err := setPath(item, a.Path, vals[i]); err != nil {
				return err
			}
		case "ADD":
			if err := add(item, a.Path, vals[i]); err != nil {
				return err
			}
		case "DELETE":
			if err := del(item, a.Path, vals[i]); err != nil {
				return err
			}
		case "REMOVE":
			removes = append(removes, a.Path)
		}
	}
	// Removes act together: later list indices go first, so that removing
	// l[1] and l[2] removes the elements that were at 1 and 2.
	sort.SliceStable(removes, func(i, j int) bool { return pathAfter(removes[i], removes[j]) })
	for _, p := range removes {
		removePath(item, p)
	}
	return nil
}

// pathAfter orders paths so that, under a common prefix, higher list
// indices come first.
func pathAfter(a, b Path) bool {
	for k := 0; k < len(a) && k < len(b); k++ {
		if a[k] == b[k] {
			continue
		}
		if a[k].Index >= 0 && b[k].Index >= 0 {
			return a[k].Index > b[k].Index
		}
		return a[k].Name > b[k].Name
	}
	return len(a) > len(b)
}

// evalSet evaluates an update operand against the item before the update.
func evalSet(o *Operand, item attr.Item) (attr.Value, error) {
	switch o.kind {
	case opValue:
		return o.value, nil
	case opPath:
		v, ok := Get(item, o.path)
		if !ok {
			return v, &Error{Msg: msgMissingOperand}
		}
		return v.Clone(), nil
	case opIfNotExists:
		if v, ok := Get(item, o.args[0].path); ok {
			return v.Clone(), nil
		}
		return evalSet(o.args[1], item)
	case opListAppend:
		a, err := evalSet(o.args[0], item)
		if err != nil {
			return a, err
		}
		b, err := evalSet(o.args[1], item)
		if err != nil {
			return b, err
		}
		if a.Kind != attr.L || b.Kind != attr.L {
			return attr.Value{}, &Error{Msg: msgBadType}
		}
		l := make([]attr.Value, 0, len(a.List)+len(b.List))
		l = append(append(l, a.List...), b.List...)
		return attr.Value{Kind: attr.L, List: l}, nil
	case opPlus, opMinus:
		a, err := evalSet(o.args[0], item)
		if err != nil {
			return a, err
		}
		b, err := evalSet(o.args[1], item)
		if err != nil {
			return b, err
		}
		if a.Kind != attr.N || b.Kind != attr.N {
			return attr.Value{}, &Error{Msg: msgBadType}
		}
		r, msg := attr.AddNumbers(a.Str, b.Str, o.kind == opMinus)
		if msg != "" {
			return attr.Value{}, &Error{Msg: msg}
		}
		return attr.NumValue(r), nil
	}
	return attr.Value{}, &Error{Msg: msgBadType}
}

// setPath stores v at path, creating the last step only: every step before
// it must exist with the right type.
func setPath(item attr.Item, p Path, v attr.Value) error {
	if len(p) == 1 {
		item[p[0].Name] = v
		return nil
	}
	top, ok := item[p[0].Name]
	if !ok {
		return &Error{Msg: msgBadPath}
	}
	if err := setIn(&top, p[1:], v); err != nil {
		return err
	}
	item[p[0].Name] = top
	return nil
}

func setIn(cur *attr.Value, rest Path, v attr.Value) error {
	e := rest[0]
	if e.Index >= 0 {
		if cur.Kind != attr.L {
			return &Error{Msg: msgBadPath}
		}
		if len(rest) == 1 {
			if e.Index >= len(cur.List) {
				// An index past the end appends, without padding.
				cur.List = append(cur.List, v)
			} else {
				cur.List[e.Index] = v
			}
			return nil
		}
		if e.Index >= len(cur.List) {
			return &Error{Msg: msgBadPath}
		}
		return setIn(&cur.List[e.Index], rest[1:], v)
	}
	if cur.Kind != attr.M {
		return &Error{Msg: msgBadPath}
	}
	if len(rest) == 1 {
		if cur.Map == nil {
			cur.Map = map[string]attr.Value{}
		}
		cur.Map[e.Name] = v
		return nil
	}
	child, ok := cur.Map[e.Name]
	if !ok {
		return &Error{Msg: msgBadPath}
	}
	if err := setIn(&child, rest[1:], v); err != nil {
		return err
	}
	cur.Map[e.Name] = child
	return nil
}

// add is the ADD action: a number is added to, a set unioned with; a
// missing attribute takes the operand as its value.
func add(item attr.Item, p Path, v attr.Value) error {
	cur, ok := Get(item, p)
	if !ok {
		return setPath(item, p, v)
	}
	switch {
	case cur.Kind == attr.N && v.Kind == attr.N:
		r, msg := attr.AddNumbers(cur.Str, v.Str, false)
		if msg != "" {
			return &Error{Msg: msg}
		}
		return setPath(item, p, attr.NumValue(r))
	case cur.Kind.IsSet() && cur.Kind == v.Kind:
		out := append([]string(nil), cur.Set...)
		for _, m := range v.Set {
			if !cur.SetHas(m) {
				out = append(out, m)
			}
		}
		return setPath(item, p, attr.Value{Kind: cur.Kind, Set: out})
	}
	return &Error{Msg: msgBadType}
}

// del is the DELETE action: members are taken out of a set; an emptied set
// is removed.
func del(item attr.Item, p Path, v attr.Value) error {
	cur, ok := Get(item, p)
	if !ok {
		return nil
	}
	if !cur.Kind.IsSet() || cur.Kind != v.Kind {
		return &Error{Msg: msgBadType}
	}
	var out []string
	for _, m := range cur.Set {
		if !v.SetHas(m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		removePath(item, p)
		return nil
	}
	return setPath(item, p, attr.Value{Kind: cur.Kind, Set: out})
}

// removePath deletes the value at path if it exists; list elements after
// it move down.
func removePath(item attr.Item, p Path) {
	if len(p) == 1 {
		delete(item, p[0].Name)
		return
	}
	top, ok := item[p[0].Name]
	if !ok {
		return
	}
	if removeIn(&top, p[1:]) {
		item[p[0].Name] = top
	}
}

func removeIn(cur *attr.Value, rest Path) bool {
	e := rest[0]
	if e.Index >= 0 {
		if cur.Kind != attr.L || e.Index >= len(cur.List) {
			return false
		}
		if len(rest) == 1 {
			cur.List = append(cur.List[:e.Index:e.Index], cur.List[e.Index+1:]...)
			return true
		}
		return removeIn(&cur.List[e.Index], rest[1:])
	}
	if cur.Kind != attr.M {
		return false
	}
	if len(rest) == 1 {
		if _, ok := cur.Map[e.Name]; !ok {
			return false
		}
		delete(cur.Map, e.Name)
		return true
	}
	child, ok := cur.Map[e.Name]
	if !ok {
		return false
	}
	if removeIn(&child, rest[1:]) {
		cur.Map[e.Name] = child
		return true
	}
	return false
}

// Project returns the parts of item that paths name, nested as in the item;
// list elements keep their relative order and close up. Missing paths are
// left out.
func Project(item attr.Item, paths []Path) attr.Item {
	root := &node{}
	found := false
	for _, p := range paths {
		v, ok := Get(item, p)
		if !ok {
			continue
		}
		found = true
		n := root
		for _, e := range p {
			n = n.child(e)
		}
		n.leaf = &v
	}
	out := attr.Item{}
	if !found {
		return out
	}
	for k, c := range root.names {
		out[k] = c.value()
	}
	return out
}

type node struct {
	leaf    *attr.Value
	names   map[string]*node
	indices map[int]*node
}

func (n *node) child(e Elem) *node {
	if e.Index >= 0 {
		if n.indices == nil {
			n.indices = map[int]*node{}
		}
		c := n.indices[e.Index]
		if c == nil {
			c = &node{}
			n.indices[e.Index] = c
		}
		return c
	}
	if n.names == nil {
		n.names = map[string]*node{}
	}
	c := n.names[e.Name]
	if c == nil {
		c = &node{}
		n.names[e.Name] = c
	}
	return c
}

func (n *node) value() attr.Value {
	if n.leaf != nil {
		return n.leaf.Clone()
	}
	if n.indices != nil {
		idx := make([]int, 0, len(n.indices))
		for i := range n.indices {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		l := make([]attr.Value, len(idx))
		for j, i := range idx {
			l[j] = n.indices[i].value()
		}
		return attr.Value{Kind: attr.L, List: l}
	}
	m := make(map[string]attr.Value, len(n.names))
	for k, c := range n.names {
		m[k] = c.value()
	}
	return attr.Value{Kind: attr.M, Map: m}
}
