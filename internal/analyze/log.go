package analyze

import (
	"encoding/json"
	"errors"
	"os"
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

// Call is one (action, resource) a principal asked for.
type Call struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
}

// Observed lists, once each and oldest first, the calls that principal (a
// role ARN: any of its sessions; or a user ARN) made since since (zero:
// all), allowed or denied, from the decision log in dir.
func Observed(dir, principal string, since time.Time) ([]Call, error) {
	acct := accountOf(principal)
	name := principal[strings.LastIndexByte(principal, '/')+1:]
	isRole := strings.Contains(principal, ":role/")
	var seen []Call
	have := map[Call]bool{}
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
		c := Call{e.Action, e.Resource}
		if !have[c] {
			have[c] = true
			seen = append(seen, c)
		}
	})
	return seen, err
}

// Generate builds the least-privilege identity policy that allows exactly
// the observed calls: the observed actions on the observed resources,
// grouped so that actions sharing the same resources share a statement,
// and no wildcard wider than what was observed. It returns nil for no calls.
func Generate(seen []Call) ([]byte, error) {
	if len(seen) == 0 {
		return nil, nil
	}
	byAction := map[string][]string{}
	for _, o := range seen {
		byAction[o.Action] = append(byAction[o.Action], o.Resource)
	}
	type stmt struct {
		actions   []string
		resources []string
	}
	groups := map[string]*stmt{}
	var order []string
	for act, rs := range byAction {
		sort.Strings(rs)
		key := service(act) + "\x00" + strings.Join(rs, "\x00")
		g := groups[key]
		if g == nil {
			g = &stmt{resources: rs}
			groups[key] = g
			order = append(order, key)
		}
		g.actions = append(g.actions, act)
	}
	sort.Strings(order)
	type jsonStmt struct {
		Sid      string `json:"Sid"`
		Effect   string `json:"Effect"`
		Action   any    `json:"Action"`
		Resource any    `json:"Resource"`
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
		doc.Statement = append(doc.Statement, jsonStmt{Sid: sid(g.actions[0], i), Effect: "Allow", Action: one(g.actions), Resource: one(g.resources)})
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
