package analyze

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
)

// ReadUsage reads what each role's sessions asked for from the decision
// log in dir. A missing log is no usage at all (nil, nil): the
// unused-permission finding needs a log to say anything.
func ReadUsage(dir string) (Usage, error) {
	u := Usage{}
	err := authz.Each(dir, func(e *authz.Entry) {
		acct, role, ok := sessionRole(e.Principal)
		if !ok {
			return
		}
		k := acct + "/" + role
		if u[k] == nil {
			u[k] = map[string]bool{}
		}
		u[k][strings.ToLower(e.Action)] = true
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return u, err
}

// sessionRole splits arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
func sessionRole(p string) (account, role string, ok bool) {
	rest, ok := strings.CutPrefix(p, "arn:aws:sts::")
	if !ok {
		return "", "", false
	}
	account, rest, ok = strings.Cut(rest, ":assumed-role/")
	if !ok {
		return "", "", false
	}
	role, _, ok = strings.Cut(rest, "/")
	return account, role, ok
}

// Call is one (action, resource) a principal asked for, with the values
// of the condition keys worth a condition that its requests carried.
type Call struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Conditions maps such a key to every value seen (iam:PassedToService:
	// which service the role was passed to).
	Conditions map[string][]string `json:"conditions,omitempty"`
}

// conditionKeys are the request keys that make a generated statement
// narrower without breaking the observed calls: AWS advises scoping
// iam:PassRole to the service the role is passed to.
var conditionKeys = map[string]string{"iam:passrole": "iam:PassedToService"}

// Observed lists, once each and oldest first, the calls that principal (a
// role ARN: any of its sessions; or a user ARN) made since since (zero:
// all), allowed or denied, from the decision log in dir.
func Observed(dir, principal string, since time.Time) ([]Call, error) {
	acct := accountOf(principal)
	name := principal[strings.LastIndexByte(principal, '/')+1:]
	isRole := strings.Contains(principal, ":role/")
	var seen []Call
	index := map[[2]string]int{}
	err := authz.Each(dir, func(e *authz.Entry) {
		if !since.IsZero() && e.Time.Before(since) {
			return
		}
		if isRole {
			if a, r, ok := sessionRole(e.Principal); !ok || a != acct || r != name {
				return
			}
		} else if e.Principal != principal {
			return
		}
		k := [2]string{e.Action, e.Resource}
		i, ok := index[k]
		if !ok {
			i = len(seen)
			index[k] = i
			seen = append(seen, Call{Action: e.Action, Resource: e.Resource})
		}
		key := conditionKeys[strings.ToLower(e.Action)]
		if key == "" {
			return
		}
		c := &seen[i]
		vals, ok := e.Keys[key]
		if !ok {
			// A request without the key: no condition can be kept.
			c.Conditions = map[string][]string{key: nil}
			return
		}
		if c.Conditions == nil {
			c.Conditions = map[string][]string{}
		}
		if old, had := c.Conditions[key]; had && old == nil {
			return
		}
		for _, v := range vals {
			if !slices.Contains(c.Conditions[key], v) {
				c.Conditions[key] = append(c.Conditions[key], v)
			}
		}
	})
	return seen, err
}

// Generate builds the least-privilege identity policy that allows exactly
// the observed calls: the observed actions on the observed resources,
// grouped so that actions sharing the same resources (and conditions)
// share a statement, no wildcard wider than what was observed, and the
// conditions the requests carried where they narrow it (iam:PassRole to
// the services it was passed to). It returns nil for no calls.
func Generate(seen []Call) ([]byte, error) {
	if len(seen) == 0 {
		return nil, nil
	}
	// Per action, its resources by the condition its calls carried.
	type unit struct{ action, cond string }
	conds := map[string]map[string][]string{}
	byUnit := map[unit][]string{}
	for _, c := range seen {
		cond := ""
		for k, vs := range c.Conditions {
			if vs != nil {
				vs = slices.Sorted(slices.Values(vs))
				cond = k + "=" + strings.Join(vs, ",")
				conds[cond] = map[string][]string{k: vs}
			}
		}
		u := unit{c.Action, cond}
		byUnit[u] = append(byUnit[u], c.Resource)
	}
	type stmt struct {
		actions   []string
		resources []string
		cond      string
	}
	groups := map[string]*stmt{}
	var order []string
	for u, rs := range byUnit {
		sort.Strings(rs)
		key := service(u.action) + "\x00" + u.cond + "\x00" + strings.Join(rs, "\x00")
		g := groups[key]
		if g == nil {
			g = &stmt{resources: rs, cond: u.cond}
			groups[key] = g
			order = append(order, key)
		}
		g.actions = append(g.actions, u.action)
	}
	sort.Strings(order)
	type jsonStmt struct {
		Sid       string                         `json:"Sid"`
		Effect    string                         `json:"Effect"`
		Action    any                            `json:"Action"`
		Resource  any                            `json:"Resource"`
		Condition map[string]map[string][]string `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string     `json:"Version"`
		Statement []jsonStmt `json:"Statement"`
	}{Version: "2012-10-17"}
	one := func(l []string) any {
		if len(l) == 1 {
			return l[0]
		}
		return l
	}
	for i, k := range order {
		g := groups[k]
		sort.Strings(g.actions)
		st := jsonStmt{Sid: sid(g.actions[0], i), Effect: "Allow", Action: one(g.actions), Resource: one(g.resources)}
		if g.cond != "" {
			st.Condition = map[string]map[string][]string{"StringEquals": conds[g.cond]}
		}
		doc.Statement = append(doc.Statement, st)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

// sid names a statement after its service ("ObservedS3", "ObservedDynamodb2"):
// letters and digits only, as Sids must be.
func sid(action string, i int) string {
	var b strings.Builder
	b.WriteString("Observed")
	for j, r := range service(action) {
		switch {
		case r >= 'a' && r <= 'z' && j == 0:
			b.WriteRune(r - 'a' + 'A')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	b.WriteString(strconv.Itoa(i + 1))
	return b.String()
}
