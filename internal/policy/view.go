package policy

import "strings"

// StatementView is a read-only view of one statement as written, for tools
// that reason about a policy's structure (who a resource policy names, what
// an identity policy could reach) rather than evaluate one request.
// Decisions still come from Evaluate and Explain.
type StatementView struct {
	Index  int
	Sid    string
	Effect string // "Allow" or "Deny"
	// Actions and Resources as written; NotAction/NotResource when the
	// statement uses the negated element.
	Actions     []string
	NotAction   bool
	Resources   []string
	NotResource bool
	// Principals as written (nil when the statement has no Principal).
	Principals   []PrincipalView
	NotPrincipal bool
	Conditions   []ConditionView
}

// PrincipalView is one Principal entry: its type (AWS, Service, Federated,
// CanonicalUser, or "*" for the bare wildcard) and its values.
type PrincipalView struct {
	Type   string
	Values []string
}

// ConditionView is one condition test as written.
type ConditionView struct {
	Operator string
	Key      string
	Values   []string
}

// Statements returns views of p's statements in order. The slices are
// fresh copies: callers may keep and change them.
func (p *Policy) Statements() []StatementView {
	out := make([]StatementView, len(p.stmts))
	for i := range p.stmts {
		s := &p.stmts[i]
		v := StatementView{
			Index: i, Sid: s.sid, Effect: "Allow",
			Actions: append([]string(nil), s.src.actions...), NotAction: s.notAction,
			Resources: append([]string(nil), s.src.resources...), NotResource: s.notResource,
			NotPrincipal: s.notPrincipal,
		}
		if s.deny {
			v.Effect = "Deny"
		}
		if s.principal != nil {
			if s.principal.star {
				v.Principals = []PrincipalView{{Type: "*", Values: []string{"*"}}}
			}
			for _, e := range s.principal.src {
				v.Principals = append(v.Principals, PrincipalView{Type: e.typ, Values: append([]string(nil), e.values...)})
			}
		}
		for _, c := range s.conds {
			v.Conditions = append(v.Conditions, ConditionView{Operator: c.opName, Key: c.keyName, Values: append([]string(nil), c.raw...)})
		}
		out[i] = v
	}
	return out
}

// HasCondition reports whether statement i has a Condition element: a
// decision it allowed depends on the request's condition keys.
func (p *Policy) HasCondition(i int) bool {
	return i >= 0 && i < len(p.stmts) && p.stmts[i].hasCond
}

// ContextKeys lists the condition keys a policy refers to, as IAM's
// GetContextKeysFor*Policy do: per statement the policy variables of its
// Resource (and NotResource) element, then its condition keys and the
// variables in their values, in order, each once (keys are
// case-insensitive; the first spelling is kept).
func (p *Policy) ContextKeys() []string {
	var out []string
	seen := map[string]bool{}
	add := func(k string) {
		l := strings.ToLower(k)
		if k == "" || seen[l] {
			return
		}
		seen[l] = true
		out = append(out, k)
	}
	vars := func(s string) {
		for {
			i := strings.Index(s, "${")
			if i < 0 {
				return
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return
			}
			// ${*}, ${?} and ${$} are escapes, not keys.
			if k := s[i+2 : i+j]; strings.Contains(k, ":") {
				add(k)
			}
			s = s[i+j+1:]
		}
	}
	for i := range p.stmts {
		s := &p.stmts[i]
		for _, r := range s.src.resources {
			vars(r)
		}
		for _, c := range s.conds {
			add(c.keyName)
			for _, v := range c.raw {
				vars(v)
			}
		}
	}
	return out
}
