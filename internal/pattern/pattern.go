// Package pattern is AWS's event pattern language, shared by EventBridge
// rules and SNS filter policies (both are evaluated by the same engine in
// AWS, and answer invalid patterns with the same texts): compile a
// pattern once, flatten a document, match. Pure: no I/O.
package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Pattern is a compiled EventBridge event pattern: one or more
// alternatives (more than one when the pattern uses "$or"), each a set of
// field paths that must all match.
//
// The model is AWS's (EventBridge User Guide, "Event patterns" and
// "Content filtering"): the event and the pattern are both flattened to
// dotted paths of leaf values ({"a":{"b":1}} and {"a.b":1} are the same
// path); an array in the event offers each of its elements; a field of the
// pattern matches when any of its matchers matches any of the event's
// values at that path; every field of an alternative must match.
type Pattern struct {
	alts []alternative
}

type alternative []fieldMatch

type fieldMatch struct {
	path     string
	matchers []matcher
}

type matchKind uint8

const (
	mString matchKind = iota
	mNumber
	mNull
	mBool
	mPrefix
	mSuffix
	mEqualsIgnoreCase
	mWildcard
	mNumeric
	mExists
	mAnythingBut
	mCIDR
)

type matcher struct {
	kind       matchKind
	s          string // text; lower-cased when ignoreCase
	ignoreCase bool
	num        float64
	b          bool
	ranges     []numRange
	exists     bool
	but        []matcher // anything-but: the values it excludes
	prefix     netip.Prefix
}

type numRange struct {
	op  string
	val float64
}

// maxAlternatives bounds the expansion of nested "$or"s.
const maxAlternatives = 1000

// PatternError is an invalid pattern; Reason is AWS's text after "Event
// pattern is not valid. Reason: ".
type PatternError struct{ Reason string }

func (e *PatternError) Error() string { return "Event pattern is not valid. Reason: " + e.Reason }

func bad(reason string) error { return &PatternError{Reason: reason} }

// Compile parses and validates an event pattern.
func Compile(doc string) (*Pattern, error) {
	v, err := decodeJSON([]byte(doc))
	if err != nil {
		return nil, bad(err.Error())
	}
	obj, ok := v.(map[string]any)
	if !ok {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_invalid_json_event_pattern
		return nil, bad("Filter is not an object")
	}
	alts, err := compileObject(obj, "")
	if err != nil {
		return nil, err
	}
	for _, a := range alts {
		sort.Slice(a, func(i, j int) bool { return a[i].path < a[j].path })
	}
	return &Pattern{alts: alts}, nil
}

// decodeJSON reads one JSON value with numbers kept as json.Number.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected content after the JSON value")
	}
	return v, nil
}

// compileObject compiles one object of the pattern at prefix; the result
// is the alternatives it allows (one unless it holds "$or").
func compileObject(obj map[string]any, prefix string) ([]alternative, error) {
	alts := []alternative{nil}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		var sub []alternative
		switch {
		case k == "$or":
			arr, ok := v.([]any)
			if !ok || len(arr) < 2 {
				// source: unconfirmed event-ruler requires at least two objects in an $or
				return nil, bad("Or relationship should be an array of at least two objects")
			}
			for _, x := range arr {
				o, ok := x.(map[string]any)
				if !ok {
					return nil, bad("Or relationship should be an array of at least two objects")
				}
				a, err := compileObject(o, prefix)
				if err != nil {
					return nil, err
				}
				sub = append(sub, a...)
			}
		default:
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			switch x := v.(type) {
			case map[string]any:
				a, err := compileObject(x, path)
				if err != nil {
					return nil, err
				}
				sub = a
			case []any:
				ms, err := compileLeaf(x)
				if err != nil {
					return nil, err
				}
				sub = []alternative{{{path: path, matchers: ms}}}
			default:
				// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[string_nolist_EXC]
				return nil, bad(strconv.Quote(k) + " must be an object or an array")
			}
		}
		// AND with what came before: every pair of alternatives.
		next := make([]alternative, 0, len(alts)*len(sub))
		for _, a := range alts {
			for _, s := range sub {
				c := append(append(alternative(nil), a...), s...)
				next = append(next, c)
			}
		}
		if len(next) > maxAlternatives {
			// source: unconfirmed AWS refuses patterns whose $or combinations are too many
			return nil, bad("Rule is too complex")
		}
		alts = next
	}
	return alts, nil
}

func compileLeaf(arr []any) ([]matcher, error) {
	if len(arr) == 0 {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[arrays_empty_EXC]
		return nil, bad("Empty arrays are not allowed")
	}
	out := make([]matcher, 0, len(arr))
	for _, x := range arr {
		m, err := compileValue(x)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// compileValue compiles one element of a leaf array: a literal, or an
// object with one operator.
func compileValue(x any) (matcher, error) {
	switch v := x.(type) {
	case string:
		return matcher{kind: mString, s: v}, nil
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return matcher{}, bad("Invalid number " + v.String())
		}
		return matcher{kind: mNumber, num: f}, nil
	case nil:
		return matcher{kind: mNull}, nil
	case bool:
		return matcher{kind: mBool, b: v}, nil
	case []any:
		// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyConditions::test_validate_policy
		return matcher{}, bad("Match value must be String, number, true, false, or null")
	}
	obj := x.(map[string]any)
	if len(obj) != 1 {
		// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyConditions::test_validate_policy
		return matcher{}, bad("Only one key allowed in match expression")
	}
	for op, arg := range obj {
		switch op {
		case "prefix", "suffix":
			return compileAffix(op, arg, false)
		case "equals-ignore-case":
			s, ok := arg.(string)
			if !ok {
				// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_ignorecase_EXC]
				return matcher{}, bad("equals-ignore-case match pattern must be a string")
			}
			return matcher{kind: mEqualsIgnoreCase, s: strings.ToLower(s), ignoreCase: true}, nil
		case "wildcard":
			return compileWildcard(arg)
		case "exists":
			b, ok := arg.(bool)
			if !ok {
				// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyConditions::test_validate_policy_exists_operator
				return matcher{}, bad("exists match pattern must be either true or false.")
			}
			return matcher{kind: mExists, exists: b}, nil
		case "numeric":
			return compileNumeric(arg)
		case "anything-but":
			return compileAnythingBut(arg)
		case "cidr":
			return compileCIDR(arg)
		default:
			// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[operator_case_sensitive_EXC]
			return matcher{}, bad("Unrecognized match type " + op)
		}
	}
	panic("unreachable")
}

// compileAffix compiles prefix or suffix, with its equals-ignore-case form.
func compileAffix(op string, arg any, inAnythingBut bool) (matcher, error) {
	kind := mPrefix
	if op == "suffix" {
		kind = mSuffix
	}
	switch v := arg.(type) {
	case string:
		if inAnythingBut && v == "" {
			// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_anything_prefix_empty_EXC]
			return matcher{}, bad("Null prefix/suffix not allowed")
		}
		return matcher{kind: kind, s: v}, nil
	case map[string]any:
		if s, ok := v["equals-ignore-case"].(string); ok && len(v) == 1 && !inAnythingBut {
			return matcher{kind: kind, s: strings.ToLower(s), ignoreCase: true}, nil
		}
	}
	if inAnythingBut {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_anything_suffix_list_type_EXC]
		return matcher{}, bad("prefix/suffix match pattern must be a string")
	}
	// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_prefix_list_EXC]
	return matcher{}, bad(op + " match pattern must be a string")
}

func compileWildcard(arg any) (matcher, error) {
	s, ok := arg.(string)
	if !ok {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_wildcard_int_EXC]
		return matcher{}, bad("wildcard match pattern must be a string")
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '*' && s[i-1] == '*' {
			// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_wildcard_repeating_star_EXC]
			return matcher{}, bad("Consecutive wildcard characters at pos " + strconv.Itoa(i))
		}
	}
	if strings.Count(s, "*") > maxWildcards {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_wildcard_complex_EXC]
		return matcher{}, bad("Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character")
	}
	return matcher{kind: mWildcard, s: s}, nil
}

// maxWildcards stands in for AWS's complexity limit on wildcard patterns,
// which seki does not reproduce exactly: AWS accepts two stars in an ARN
// pattern and refuses six (the LocalStack templates
// content_wildcard_simplified and content_wildcard_complex_EXC).
const maxWildcards = 5

var numericOps = map[string]bool{"<": true, "<=": true, "=": true, ">": true, ">=": true}

func compileNumeric(arg any) (matcher, error) {
	arr, ok := arg.([]any)
	if !ok {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_numeric_number_EXC]
		return matcher{}, bad("Value of numeric must be an array.")
	}
	m := matcher{kind: mNumeric}
	lower, upper := false, false
	for i := 0; i < len(arr); i += 2 {
		op, ok := arr[i].(string)
		if !ok || !numericOps[op] {
			// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyConditions::test_validate_policy_numeric_operator
			return matcher{}, bad("Unrecognized numeric range operator: " + strings.Trim(jsonText(arr[i]), `"`))
		}
		if i+1 >= len(arr) {
			// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_numeric_syntax_EXC]
			return matcher{}, bad("Value of " + op + " must be numeric")
		}
		n, ok := arr[i+1].(json.Number)
		if !ok {
			return matcher{}, bad("Value of " + op + " must be numeric")
		}
		f, err := n.Float64()
		if err != nil {
			return matcher{}, bad("Value of " + op + " must be numeric")
		}
		switch op {
		case ">", ">=":
			if lower {
				// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_numeric_EXC]
				return matcher{}, bad("Bad numeric range operator: " + op)
			}
			lower = true
		case "<", "<=":
			if upper {
				return matcher{}, bad("Bad numeric range operator: " + op)
			}
			upper = true
		case "=":
			if len(arr) != 2 {
				return matcher{}, bad("Bad numeric range operator: " + op)
			}
		}
		m.ranges = append(m.ranges, numRange{op, f})
	}
	if len(m.ranges) == 0 {
		return matcher{}, bad("Value of numeric must be an array.")
	}
	return m, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func compileAnythingBut(arg any) (matcher, error) {
	m := matcher{kind: mAnythingBut}
	switch v := arg.(type) {
	case string:
		m.but = []matcher{{kind: mString, s: v}}
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return matcher{}, bad("Invalid number " + v.String())
		}
		m.but = []matcher{{kind: mNumber, num: f}}
	case []any:
		for _, x := range v {
			switch y := x.(type) {
			case string:
				m.but = append(m.but, matcher{kind: mString, s: y})
			case json.Number:
				f, err := y.Float64()
				if err != nil {
					return matcher{}, bad("Invalid number " + y.String())
				}
				m.but = append(m.but, matcher{kind: mNumber, num: f})
			default:
				// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_anything_but_string_list_null_type_EXC]
				return matcher{}, bad("Inside anything but list, start|null|boolean is not supported.")
			}
		}
		if len(m.but) == 0 {
			return matcher{}, bad("Empty arrays are not allowed")
		}
	case map[string]any:
		if len(v) != 1 {
			return matcher{}, bad("Only one key allowed in match expression")
		}
		for op, inner := range v {
			switch op {
			case "prefix", "suffix":
				list, ok := inner.([]any)
				if !ok {
					list = []any{inner}
				}
				for _, y := range list {
					x, err := compileAffix(op, y, true)
					if err != nil {
						return matcher{}, err
					}
					m.but = append(m.but, x)
				}
			case "equals-ignore-case":
				switch y := inner.(type) {
				case string:
					m.but = []matcher{{kind: mEqualsIgnoreCase, s: strings.ToLower(y), ignoreCase: true}}
				case []any:
					for _, z := range y {
						s, ok := z.(string)
						if !ok {
							// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_anything_but_ignorecase_EXC]
							return matcher{}, bad("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
						}
						m.but = append(m.but, matcher{kind: mEqualsIgnoreCase, s: strings.ToLower(s), ignoreCase: true})
					}
				default:
					return matcher{}, bad("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
				}
			case "wildcard":
				switch y := inner.(type) {
				case []any:
					for _, z := range y {
						x, err := compileWildcard(z)
						if err != nil {
							return matcher{}, err
						}
						m.but = append(m.but, x)
					}
				default:
					x, err := compileWildcard(inner)
					if err != nil {
						return matcher{}, err
					}
					m.but = []matcher{x}
				}
			default:
				// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_anything_prefix_ignorecase_EXC]
				return matcher{}, bad("Value of anything-but must be an array or single string/number value.")
			}
		}
	default:
		return matcher{}, bad("Value of anything-but must be an array or single string/number value.")
	}
	return m, nil
}

func compileCIDR(arg any) (matcher, error) {
	s, ok := arg.(string)
	if !ok {
		// source: unconfirmed the cidr operator takes a string, like the others
		return matcher{}, bad("Malformed CIDR, one '/' required")
	}
	addr, bits, found := strings.Cut(s, "/")
	if !found || strings.Contains(bits, "/") {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_ip_address_EXC]
		return matcher{}, bad("Malformed CIDR, one '/' required")
	}
	n, err := strconv.Atoi(bits)
	if err != nil {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_ip_address_bad_mask_EXC]
		return matcher{}, bad("Malformed CIDR, mask bits must be an integer")
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_event_pattern[content_ip_address_bad_ip_EXC]
		return matcher{}, bad("Nonstandard IP address: " + addr)
	}
	p, err := ip.Prefix(n)
	if err != nil {
		return matcher{}, bad("Malformed CIDR, mask bits must be an integer")
	}
	return matcher{kind: mCIDR, prefix: p}, nil
}

// Event is a flattened event: the leaf values at each dotted path.
type Event map[string][]any

// Flatten reads a JSON document (an event, a message body) for matching.
func Flatten(doc []byte) (Event, error) {
	v, err := decodeJSON(doc)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("event is not a JSON object")
	}
	ev := Event{}
	flatten(ev, "", obj)
	return ev, nil
}

func flatten(ev Event, path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			flatten(ev, p, y)
		}
	case []any:
		for _, y := range x {
			flatten(ev, path, y)
		}
	default:
		ev[path] = append(ev[path], v)
	}
}

// Match reports whether the event matches the pattern.
func (p *Pattern) Match(ev Event) bool {
	for _, a := range p.alts {
		if a.match(ev) {
			return true
		}
	}
	return false
}

func (a alternative) match(ev Event) bool {
	for _, f := range a {
		vals, present := ev[f.path]
		if !f.matches(vals, present && len(vals) > 0) {
			return false
		}
	}
	return true
}

func (f *fieldMatch) matches(vals []any, present bool) bool {
	for i := range f.matchers {
		m := &f.matchers[i]
		if m.kind == mExists {
			if m.exists == present {
				return true
			}
			continue
		}
		for _, v := range vals {
			if m.match(v) {
				return true
			}
		}
	}
	return false
}

func (m *matcher) match(v any) bool {
	switch m.kind {
	case mString:
		s, ok := v.(string)
		return ok && s == m.s
	case mNumber:
		f, ok := number(v)
		return ok && f == m.num
	case mNull:
		return v == nil
	case mBool:
		b, ok := v.(bool)
		return ok && b == m.b
	case mPrefix, mSuffix, mEqualsIgnoreCase:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if m.ignoreCase {
			s = strings.ToLower(s)
		}
		switch m.kind {
		case mPrefix:
			return strings.HasPrefix(s, m.s)
		case mSuffix:
			return strings.HasSuffix(s, m.s)
		}
		return s == m.s
	case mWildcard:
		s, ok := v.(string)
		return ok && wildcardMatch(m.s, s)
	case mNumeric:
		f, ok := number(v)
		if !ok {
			return false
		}
		for _, r := range m.ranges {
			if !r.holds(f) {
				return false
			}
		}
		return true
	case mAnythingBut:
		for i := range m.but {
			if m.but[i].match(v) {
				return false
			}
		}
		// Excluded prefixes, suffixes and patterns apply to strings only:
		// other values are "anything but" them.
		return true
	case mCIDR:
		s, ok := v.(string)
		if !ok {
			return false
		}
		ip, err := netip.ParseAddr(s)
		return err == nil && m.prefix.Contains(ip)
	}
	return false
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func (r numRange) holds(f float64) bool {
	switch r.op {
	case "<":
		return f < r.val
	case "<=":
		return f <= r.val
	case "=":
		return f == r.val
	case ">":
		return f > r.val
	case ">=":
		return f >= r.val
	}
	return false
}

// wildcardMatch matches s against a pattern where '*' stands for any
// run of characters (possibly empty); "\*" and "\\" are a literal star and
// backslash.
func wildcardMatch(pat, s string) bool {
	// Iterative matching with one backtrack point, linear in practice.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(pat) {
			c, lit, w := pat[pi], false, 1
			if c == '\\' && pi+1 < len(pat) && (pat[pi+1] == '*' || pat[pi+1] == '\\') {
				c, lit, w = pat[pi+1], true, 2
			}
			if c == '*' && !lit {
				star, mark = pi+1, si
				pi++
				continue
			}
			if c == s[si] {
				pi += w
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		mark++
		pi, si = star, mark
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}
