package policy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

type opBase uint8

const (
	opStringEquals opBase = iota
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnEquals
	opArnLike
	opNull
)

type setOp uint8

const (
	setNone setOp = iota
	setForAll
	setForAny
)

// operator maps a base operator name (lower-cased, without set prefix or
// IfExists) to its test and whether it is the negated form.
func operator(name string) (op opBase, neg, ok bool) {
	switch name {
	case "stringequals":
		return opStringEquals, false, true
	case "stringnotequals":
		return opStringEquals, true, true
	case "stringequalsignorecase":
		return opStringEqualsIgnoreCase, false, true
	case "stringnotequalsignorecase":
		return opStringEqualsIgnoreCase, true, true
	case "stringlike":
		return opStringLike, false, true
	case "stringnotlike":
		return opStringLike, true, true
	case "numericequals":
		return opNumericEquals, false, true
	case "numericnotequals":
		return opNumericEquals, true, true
	case "numericlessthan":
		return opNumericLessThan, false, true
	case "numericlessthanequals":
		return opNumericLessThanEquals, false, true
	case "numericgreaterthan":
		return opNumericGreaterThan, false, true
	case "numericgreaterthanequals":
		return opNumericGreaterThanEquals, false, true
	case "dateequals":
		return opDateEquals, false, true
	case "datenotequals":
		return opDateEquals, true, true
	case "datelessthan":
		return opDateLessThan, false, true
	case "datelessthanequals":
		return opDateLessThanEquals, false, true
	case "dategreaterthan":
		return opDateGreaterThan, false, true
	case "dategreaterthanequals":
		return opDateGreaterThanEquals, false, true
	case "bool":
		return opBool, false, true
	case "binaryequals":
		return opBinaryEquals, false, true
	case "ipaddress":
		return opIPAddress, false, true
	case "notipaddress":
		return opIPAddress, true, true
	case "arnequals":
		return opArnEquals, false, true
	case "arnlike":
		return opArnLike, false, true
	case "arnnotequals":
		return opArnEquals, true, true
	case "arnnotlike":
		return opArnLike, true, true
	case "null":
		return opNull, false, true
	}
	return 0, false, false
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
func parseOperator(name string) (op opBase, neg, ifExists bool, set setOp, ok bool) {
	s := name
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "forallvalues:"):
		set, lower = setForAll, lower[len("forallvalues:"):]
	case strings.HasPrefix(lower, "foranyvalue:"):
		set, lower = setForAny, lower[len("foranyvalue:"):]
	}
	if strings.HasSuffix(lower, "ifexists") {
		ifExists, lower = true, lower[:len(lower)-len("ifexists")]
	}
	o, n, found := operator(lower)
	if !found || (o == opNull && ifExists) {
		return 0, false, false, 0, false
	}
	return o, n, ifExists, set, true
}

// condition is one (operator, key, values) triple of a Condition block.
type condition struct {
	opName   string // as written
	group    int    // index of the operator's block in the Condition element
	op       opBase
	neg      bool
	ifExists bool
	set      setOp
	keyName  string // as written
	key      string // lower-cased
	vals     []cvalue
	raw      []string // values as strings, as written
	rawArr   bool
}

// cvalue is one policy value compiled for its operator.
type cvalue struct {
	pat  pattern
	arn  *arnPattern
	num  float64
	t    time.Time
	pfx  netip.Prefix
	ok   bool // the value parsed for its operator; invalid values never match
	text string
}

func compileValue(op opBase, v string, vars bool) cvalue {
	cv := cvalue{text: v, ok: true}
	switch op {
	case opStringEquals:
		cv.pat = compilePattern(v, false, vars, false)
	case opStringEqualsIgnoreCase:
		cv.pat = compilePattern(v, false, vars, true)
	case opStringLike:
		cv.pat = compilePattern(v, true, vars, false)
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		cv.num, cv.ok = f, err == nil
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		cv.t, cv.ok = parseDate(v)
	case opBool:
		cv.text = strings.ToLower(v)
	case opIPAddress:
		cv.pfx, cv.ok = parseCIDR(v)
	case opArnEquals, opArnLike:
		ap := compileArnPattern(v, vars)
		cv.arn = &ap
	case opNull:
		cv.text = strings.ToLower(v)
	}
	return cv
}

func parseCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// dateLayouts are the ISO 8601 forms accepted besides epoch seconds.
func dateLayouts() [8]string {
	return [...]string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"2006-01-02",
		"2006-01",
		"2006",
	}
}

// parseDate accepts the ISO 8601 forms IAM documents and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if allDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	if len(s) > 10 && (s[10] == 't') {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	for _, l := range dateLayouts() {
		if len(s) < 4 {
			break
		}
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// vals is a view of a key's request values that needs no allocation for
// the single values the engine derives from the principal.
type vals struct {
	one  string
	many []string
	n    int
}

func (v vals) at(i int) string {
	if v.many != nil {
		return v.many[i]
	}
	return v.one
}

func oneVal(s string) vals { return vals{one: s, n: 1} }

// matchOne reports whether the request value rv matches any policy value
// (values for one key are ORed).
func (c *condition) matchOne(rv string, r *evaluator) bool {
	switch c.op {
	case opStringEquals, opStringLike:
		for i := range c.vals {
			if c.vals[i].pat.match(rv, false, r) {
				return true
			}
		}
	case opStringEqualsIgnoreCase:
		for i := range c.vals {
			if c.vals[i].pat.match(rv, true, r) {
				return true
			}
		}
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		f, err := strconv.ParseFloat(strings.TrimSpace(rv), 64)
		if err != nil {
			return false
		}
		for i := range c.vals {
			if c.vals[i].ok && compareNum(c.op, f, c.vals[i].num) {
				return true
			}
		}
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(rv)
		if !ok {
			return false
		}
		for i := range c.vals {
			if c.vals[i].ok && compareDate(c.op, t, c.vals[i].t) {
				return true
			}
		}
	case opBool:
		for i := range c.vals {
			if strings.EqualFold(rv, c.vals[i].text) {
				return true
			}
		}
	case opBinaryEquals:
		for i := range c.vals {
			if rv == c.vals[i].text {
				return true
			}
		}
	case opIPAddress:
		a, err := netip.ParseAddr(strings.TrimSpace(rv))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for i := range c.vals {
			if c.vals[i].ok && c.vals[i].pfx.Contains(a) {
				return true
			}
		}
	case opArnEquals, opArnLike:
		for i := range c.vals {
			if c.vals[i].arn.match(rv, r) {
				return true
			}
		}
	}
	return false
}

func compareNum(op opBase, req, pol float64) bool {
	switch op {
	case opNumericEquals:
		return req == pol
	case opNumericLessThan:
		return req < pol
	case opNumericLessThanEquals:
		return req <= pol
	case opNumericGreaterThan:
		return req > pol
	case opNumericGreaterThanEquals:
		return req >= pol
	}
	return false
}

func compareDate(op opBase, req, pol time.Time) bool {
	switch op {
	case opDateEquals:
		return req.Equal(pol)
	case opDateLessThan:
		return req.Before(pol)
	case opDateLessThanEquals:
		return !req.After(pol)
	case opDateGreaterThan:
		return req.After(pol)
	case opDateGreaterThanEquals:
		return !req.Before(pol)
	}
	return false
}

// eval applies the condition to the request values of its key.
func (c *condition) eval(v vals, present bool, r *evaluator) bool {
	if c.op == opNull {
		isNull := !present || v.n == 0
		for i := range c.vals {
			want := c.vals[i].text == "true"
			if want == isNull {
				return true
			}
		}
		return false
	}
	missing := !present || v.n == 0
	switch c.set {
	case setForAny:
		// ForAnyValue on a missing key is false, IfExists or not: the
		// set operator decides before IfExists would (issue 11).
		// source: doc https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html (and AWS denying ForAnyValue:StringEqualsIfExists in https://repost.aws/questions/QU9HFmDzP0QGuU-fd7rS6B7w)
		if missing {
			return false
		}
		for i := 0; i < v.n; i++ {
			if c.neg != c.matchOne(v.at(i), r) {
				return true
			}
		}
		return false
	case setForAll:
		if missing {
			return true
		}
		for i := 0; i < v.n; i++ {
			if c.neg == c.matchOne(v.at(i), r) {
				return false
			}
		}
		return true
	}
	if missing {
		return c.ifExists || c.neg
	}
	if v.n > 1 {
		// A multivalued key without ForAllValues/ForAnyValue never matches.
		return c.neg
	}
	return c.neg != c.matchOne(v.at(0), r)
}
