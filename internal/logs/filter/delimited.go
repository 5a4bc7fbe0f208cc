package filter

import (
	"math"
	"strconv"
	"strings"
)

// A space-delimited pattern names the message's fields in order and may
// test them:
//
//	[ip, user, username, timestamp, request, status_code=4*, bytes>1000]
//	[..., status=500 || status=503, latency]
//
// A message's fields are separated by spaces; a field in double quotes or
// square brackets is one field (without its delimiters). Without "..." the
// number of fields must match exactly; "..." matches any number.

type delimited struct {
	fields []dfield
}

type dfield struct {
	ellipsis bool
	// conds are the field's conditions, joined by ops (true = &&, false
	// = ||) evaluated left to right.
	conds []dcond
	ands  []bool
}

type dcond struct {
	op  cmpOp
	val value
}

func parseDelimited(s string) (*delimited, error) {
	if strings.TrimSpace(s) == "" {
		return nil, invalid()
	}
	d := &delimited{}
	for _, raw := range splitTopLevel(s) {
		f, err := parseDField(strings.TrimSpace(raw))
		if err != nil {
			return nil, err
		}
		d.fields = append(d.fields, f)
	}
	return d, nil
}

// splitTopLevel splits on commas outside double quotes.
func splitTopLevel(s string) []string {
	var out []string
	start, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inQuote {
				i++
			}
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func parseDField(s string) (dfield, error) {
	if s == "..." {
		return dfield{ellipsis: true}, nil
	}
	if s == "" {
		return dfield{}, invalid()
	}
	// The field's name comes first; conditions may repeat it.
	name, rest := fieldName(s)
	if name == "" {
		return dfield{}, invalid()
	}
	var f dfield
	for {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			if len(f.conds) != len(f.ands)+1 && len(f.conds) > 0 {
				return dfield{}, invalid()
			}
			return f, nil
		}
		if len(f.conds) > 0 {
			switch {
			case strings.HasPrefix(rest, "&&"):
				f.ands = append(f.ands, true)
			case strings.HasPrefix(rest, "||"):
				f.ands = append(f.ands, false)
			default:
				return dfield{}, invalid()
			}
			rest = strings.TrimSpace(rest[2:])
			if n, r := fieldName(rest); n != "" {
				if n != name {
					return dfield{}, invalid()
				}
				rest = strings.TrimSpace(r)
			}
		}
		c, r, err := parseDCond(rest)
		if err != nil {
			return dfield{}, err
		}
		f.conds = append(f.conds, c)
		rest = r
	}
}

// fieldName reads a leading identifier.
func fieldName(s string) (string, string) {
	j := 0
	for j < len(s) && (s[j] == '_' || s[j] == '-' || isLetter(s[j]) || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	return s[:j], s[j:]
}

func parseDCond(s string) (dcond, string, error) {
	var c dcond
	switch {
	case strings.HasPrefix(s, "!="):
		c.op, s = opNe, s[2:]
	case strings.HasPrefix(s, "<="):
		c.op, s = opLe, s[2:]
	case strings.HasPrefix(s, ">="):
		c.op, s = opGe, s[2:]
	case strings.HasPrefix(s, "="):
		c.op, s = opEq, s[1:]
	case strings.HasPrefix(s, "<"):
		c.op, s = opLt, s[1:]
	case strings.HasPrefix(s, ">"):
		c.op, s = opGt, s[1:]
	default:
		return c, "", invalid()
	}
	jp := &jsonParser{s: s}
	v, ok := jp.value()
	if !ok || (c.op >= opLt && c.op <= opGe && !v.isNum) {
		return c, "", invalid()
	}
	c.val = v
	return c, s[jp.i:], nil
}

func (f *dfield) test(v string) bool {
	if len(f.conds) == 0 {
		return true
	}
	ok := f.conds[0].test(v)
	for i, and := range f.ands {
		if and {
			ok = ok && f.conds[i+1].test(v)
		} else {
			ok = ok || f.conds[i+1].test(v)
		}
	}
	return ok
}

func (c *dcond) test(v string) bool {
	switch c.op {
	case opEq, opNe:
		eq := false
		switch {
		case c.val.re != nil:
			eq = c.val.re.MatchString(v)
		case c.val.pattern != nil:
			eq = c.val.pattern.match(v)
		case c.val.isNum:
			f, err := strconv.ParseFloat(v, 64)
			eq = err == nil && f == c.val.num
		default:
			eq = v == c.val.text
		}
		return eq == (c.op == opEq)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) {
		return false
	}
	switch c.op {
	case opLt:
		return f < c.val.num
	case opLe:
		return f <= c.val.num
	case opGt:
		return f > c.val.num
	case opGe:
		return f >= c.val.num
	}
	return false
}

// maxFields bounds the fields split from one message, so that matching
// stays linear in the message and the pattern.
const maxFields = 4096

// splitFields splits a message into fields.
func splitFields(msg string, out []string) []string {
	for i := 0; i < len(msg) && len(out) < maxFields; {
		if msg[i] == ' ' || msg[i] == '\t' {
			i++
			continue
		}
		var end byte
		switch msg[i] {
		case '"':
			end = '"'
		case '[':
			end = ']'
		}
		if end != 0 {
			if j := strings.IndexByte(msg[i+1:], end); j >= 0 {
				out = append(out, msg[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		j := i
		for j < len(msg) && msg[j] != ' ' && msg[j] != '\t' {
			j++
		}
		out = append(out, msg[i:j])
		i = j
	}
	return out
}

// match aligns the pattern's fields with the message's: reach[j] tells
// whether the first j message fields can be matched by the pattern fields
// seen so far.
func (d *delimited) match(msg string) bool {
	var buf [32]string
	fields := splitFields(msg, buf[:0])
	n := len(fields)
	reach := make([]bool, n+1)
	next := make([]bool, n+1)
	reach[0] = true
	for fi := range d.fields {
		f := &d.fields[fi]
		clear(next)
		any := false
		for j := 0; j <= n; j++ {
			if f.ellipsis {
				// An ellipsis extends every reached prefix by any number
				// of fields.
				if reach[j] || (j > 0 && next[j-1]) {
					next[j] = true
				}
			} else if j < n && reach[j] && f.test(fields[j]) {
				next[j+1] = true
			}
			any = any || next[j]
		}
		if !any {
			return false
		}
		reach, next = next, reach
	}
	return reach[n]
}
