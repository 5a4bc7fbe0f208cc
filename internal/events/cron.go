package events

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// cronSpec is a parsed cron(Minutes Hours Day-of-month Month Day-of-week
// Year) expression (EventBridge User Guide, "Cron expressions"), in UTC.
// Each field is the set of values it allows; nil means any. The L, W and #
// forms are accepted at PutRule but not run.
type cronSpec struct {
	fields [6]map[int]bool
	// runnable is false when a field uses L, W or #.
	runnable bool
}

var cronBounds = [6][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {1, 7}, {1970, 2199}}

var cronNames = [6]map[string]int{
	3: {"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12},
	4: {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7},
}

func parseCron(expr string) (*cronSpec, error) {
	inner, ok := strings.CutPrefix(expr, "cron(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return nil, errors.New("not a cron expression")
	}
	parts := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(parts) != 6 {
		return nil, errors.New("cron takes six fields")
	}
	// One of day-of-month and day-of-week must be "?".
	if (parts[2] == "?") == (parts[4] == "?") {
		return nil, errors.New("one of day-of-month and day-of-week must be ?")
	}
	c := &cronSpec{runnable: true}
	for i, p := range parts {
		if p == "*" || p == "?" {
			continue
		}
		if strings.ContainsAny(p, "LW#") && (i == 2 || i == 4) {
			c.runnable = false
			continue
		}
		set := map[int]bool{}
		for _, item := range strings.Split(p, ",") {
			lo, hi, step := cronBounds[i][0], cronBounds[i][1], 1
			rng := item
			if r, s, found := strings.Cut(item, "/"); found {
				n, err := strconv.Atoi(s)
				if err != nil || n <= 0 {
					return nil, errors.New("bad step " + s)
				}
				rng, step = r, n
			}
			if rng != "*" {
				a, b, isRange := strings.Cut(rng, "-")
				x, err := cronValue(i, a)
				if err != nil {
					return nil, err
				}
				lo, hi = x, x
				if isRange {
					if hi, err = cronValue(i, b); err != nil {
						return nil, err
					}
				} else if step > 1 {
					hi = cronBounds[i][1]
				}
			}
			if lo > hi {
				return nil, errors.New("bad range " + rng)
			}
			for v := lo; v <= hi; v += step {
				set[v] = true
			}
		}
		c.fields[i] = set
	}
	return c, nil
}

func cronValue(field int, s string) (int, error) {
	if n, ok := cronNames[field][strings.ToUpper(s)]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < cronBounds[field][0] || n > cronBounds[field][1] {
		return 0, errors.New("bad value " + s)
	}
	return n, nil
}

// matches reports whether the minute of t (UTC) is one the expression
// fires at.
func (c *cronSpec) matches(t time.Time) bool {
	t = t.UTC()
	vals := [6]int{t.Minute(), t.Hour(), t.Day(), int(t.Month()), int(t.Weekday()) + 1, t.Year()}
	for i, set := range c.fields {
		if set != nil && !set[vals[i]] {
			return false
		}
	}
	return true
}
