package policy

// Outcome classifies one Reason.
type Outcome string

// Reason outcomes.
const (
	// OutcomeAllow: the statement allowed the request.
	OutcomeAllow Outcome = "allow"
	// OutcomeDeny: the statement explicitly denied the request.
	OutcomeDeny Outcome = "deny"
	// OutcomeConditionFailed: principal, action and resource matched but a
	// condition did not, so the statement did not apply.
	OutcomeConditionFailed Outcome = "condition-failed"
	// OutcomeMissing: a required part had no Allow ("no identity-based
	// policy allows the X action").
	OutcomeMissing Outcome = "missing"
	// OutcomeNote: extra context, e.g. "only the resource-based policy counts
	// for service principals".
	OutcomeNote Outcome = "note"
)

// Reason is one piece of an explanation.
type Reason struct {
	Kind      Kind            `json:"kind"`
	Policy    string          `json:"policy,omitempty"`
	Sid       string          `json:"sid,omitempty"`
	Index     int             `json:"statementIndex"` // -1 when the reason is not about one statement
	Effect    string          `json:"effect,omitempty"`
	Outcome   Outcome         `json:"outcome"`
	Condition *ConditionCheck `json:"condition,omitempty"`
	Detail    string          `json:"detail"`
}

// ConditionCheck records a condition that failed and what it compared.
type ConditionCheck struct {
	Operator      string   `json:"operator"`
	Key           string   `json:"key"`
	PolicyValues  []string `json:"policyValues"`
	RequestValues []string `json:"requestValues"`
	KeyPresent    bool     `json:"keyPresent"`
}

// Explanation is a decision with all the reasons behind it. It marshals
// to JSON for simulate output and decision logs.
type Explanation struct {
	Decision Decision `json:"decision"`
	Reasons  []Reason `json:"reasons"`
}

// explain lists, for every policy that takes part in the request, the
// statements that allowed, denied or failed only on a condition, then the
// missing piece when the decision is an implicit deny. It evaluates each
// statement with the same code as Evaluate; the decision itself comes from
// decide(), so the two cannot disagree.
func (e *evaluator) explain(d Decision) []Reason {
	var rs []Reason
	set := e.set
	side := e.principalSide()
	if !side {
		who := "anonymous callers"
		switch e.p.Type {
		case Service:
			who = "AWS service principals"
		case WebIdentity:
			who = "identities federated by a provider (web identity, SAML)"
		}
		rs = append(rs, Reason{Kind: Resource, Index: -1, Outcome: OutcomeNote,
			Detail: "only the resource-based policy is evaluated for " + who})
	}
	if side {
		for _, level := range set.SCPs {
			for _, p := range level {
				rs = e.explainPolicy(rs, p, SCP)
			}
		}
	}
	for _, level := range set.RCPs {
		for _, p := range level {
			rs = e.explainPolicy(rs, p, RCP)
		}
	}
	if set.Resource != nil {
		rs = e.explainPolicy(rs, set.Resource, set.Resource.Kind)
	}
	if side {
		if e.p.Type == Root && !e.cross {
			rs = append(rs, Reason{Kind: Identity, Index: -1, Outcome: OutcomeNote,
				Detail: "the account root user is allowed by identity without policies"})
		}
		for _, p := range set.Identity {
			rs = e.explainPolicy(rs, p, Identity)
		}
		if set.Boundary != nil {
			rs = e.explainPolicy(rs, set.Boundary, Boundary)
		}
		for _, p := range set.Session {
			rs = e.explainPolicy(rs, p, Session)
		}
	}
	if e.cross && side {
		rs = append(rs, Reason{Kind: Resource, Index: -1, Outcome: OutcomeNote,
			Detail: "cross-account request: both the resource's account and the principal's account must allow"})
	}
	if d.Result == ImplicitlyDenied {
		detail := "no " + d.By.describe() + " allows the " + e.req.Action + " action"
		if d.By == Trust {
			detail = "the trust policy does not name the principal or its account"
			if e.p.Type == WebIdentity {
				detail = "no statement of the trust policy admits the identity provider with conditions the request meets"
			}
		}
		if d.By == Key {
			detail = "the key policy allows neither the principal nor its account for the " + e.req.Action + " action; without that, identity-based policies cannot allow access to a KMS key"
		}
		rs = append(rs, Reason{Kind: d.By, Index: -1, Outcome: OutcomeMissing, Detail: detail})
	}
	return rs
}

func policyLabel(p *Policy, k Kind) string {
	if p.Name != "" {
		return p.Name
	}
	return k.String() + " policy"
}

func (e *evaluator) explainPolicy(rs []Reason, p *Policy, k Kind) []Reason {
	if p == nil {
		return rs
	}
	for i := range p.stmts {
		s := &p.stmts[i]
		r := e.applies(p, s)
		if r == matchNo {
			continue
		}
		reason := Reason{Kind: k, Policy: policyLabel(p, k), Sid: s.sid, Index: i, Effect: s.src.effect}
		switch {
		case r == matchYes && s.deny:
			reason.Outcome = OutcomeDeny
			reason.Detail = "statement explicitly denies the request"
		case r == matchYes:
			reason.Outcome = OutcomeAllow
			reason.Detail = "statement allows the request"
			if s.principal != nil && !s.notPrincipal && (k == Resource || k == Trust || k == Key) {
				switch s.principal.match(e.p) {
				case grantAccount:
					reason.Detail += "; it names the principal's account, which delegates to the account's identity-based policies"
				case grantRole:
					reason.Detail += "; it names the role, so the session's permissions boundary and session policies still apply"
				}
			}
		default:
			reason.Outcome = OutcomeConditionFailed
			for j := range s.conds {
				c := &s.conds[j]
				if e.condHolds(c) {
					continue
				}
				v, present := e.lookup(c.key)
				rv := make([]string, v.n)
				for x := 0; x < v.n; x++ {
					rv[x] = v.at(x)
				}
				reason.Condition = &ConditionCheck{Operator: c.opName, Key: c.keyName,
					PolicyValues: append([]string(nil), c.raw...), RequestValues: rv, KeyPresent: present}
				if present {
					reason.Detail = "condition " + c.opName + " on " + c.keyName + " is not met by the request's values"
				} else {
					reason.Detail = "condition " + c.opName + " on " + c.keyName + " is not met: the key is not in the request"
				}
				break
			}
		}
		rs = append(rs, reason)
	}
	return rs
}
