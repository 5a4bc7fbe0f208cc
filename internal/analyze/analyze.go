// Package analyze answers a security reviewer's questions about an
// account's functions with the same policy engine that authorizes every
// request: who may invoke each function (its resource-based policy, and the
// identities whose own policies allow it), what its execution role may
// reach among the resources that exist, and what to fix. It works on a
// Snapshot built from exported data, whether fetched from a running seki
// or exported from a real account with the AWS CLI.
package analyze

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/policy"
)

// Report is the analysis of one account; its JSON form is a contract.
type Report struct {
	Account   string           `json:"account"`
	Functions []FunctionReport `json:"functions"`
	Notes     []string         `json:"notes,omitempty"`
}

// FunctionReport is one function, version or alias entry.
type FunctionReport struct {
	ARN      string    `json:"arn"`
	Role     string    `json:"role"`
	Invokers []Invoker `json:"invokers"`
	Reach    []Reach   `json:"reach"`
	Findings []Finding `json:"findings"`
	// ResourcePolicy and RolePolicies are the documents behind the answers,
	// for a reviewer to read (the web view shows them on a click).
	ResourcePolicy json.RawMessage `json:"resourcePolicy,omitempty"`
	RolePolicies   []NamedPolicy   `json:"rolePolicies,omitempty"`
}

// NamedPolicy is a policy document with its name (an inline policy's
// name, a managed policy's ARN).
type NamedPolicy struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
}

// Invoker is a principal that may invoke the function.
type Invoker struct {
	Principal string `json:"principal"`
	// Via is "resource-policy" or "identity-policy".
	Via        string         `json:"via"`
	Conditions map[string]any `json:"conditions,omitempty"`
	Statement  string         `json:"statement,omitempty"`
	// Requires says what another account must also allow.
	Requires string `json:"requires,omitempty"`
	// Conditional marks an identity whose policies allow the call only
	// under conditions the request must meet.
	Conditional bool `json:"conditional,omitempty"`
}

// Reach is an action the execution role may perform on a resource.
type Reach struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Conditional: an Allow matches but only under conditions that depend
	// on the request.
	Conditional bool `json:"conditional,omitempty"`
}

// Finding is something to fix, with why and how.
type Finding struct {
	Kind   string   `json:"kind"`
	Detail string   `json:"detail"`
	Fix    string   `json:"fix"`
	Path   []string `json:"path,omitempty"`
}

// Finding kinds.
const (
	PublicInvoke        = "public-invoke"
	CrossAccountInvoke  = "cross-account-invoke"
	ConfusedDeputy      = "confused-deputy"
	WildcardPermission  = "wildcard-permission"
	PrivilegeEscalation = "privilege-escalation"
	UnusedPermission    = "unused-permission"
)

// Usage is what the decision log saw a role's sessions do: the actions by
// role (account/name). A role absent from it has not run.
type Usage map[string]map[string]bool

// Analyze computes the report.
func Analyze(s *Snapshot, used Usage) *Report {
	a := &analyzer{s: s, reach: map[string][]Reach{}, used: used, invokeStmts: map[*Identity][]policy.StatementView{}}
	a.index()
	rep := &Report{Account: s.Account, Notes: s.Notes, Functions: []FunctionReport{}}
	for _, fn := range s.Functions {
		role := s.roleByARN[fn.Role]
		var reach []Reach
		var roleFindings []Finding
		if role != nil {
			reach = a.reachOf(role)
			roleFindings = a.roleFindings(role, reach)
		} else if fn.Role != "" {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s: execution role %s is not in the export", fn.ARN, fn.Role))
		}
		for _, e := range fn.Entries {
			fr := FunctionReport{ARN: e.ARN, Role: fn.Role, Invokers: []Invoker{}, Reach: reach, Findings: []Finding{}}
			if e.Policy != nil {
				fr.ResourcePolicy = e.Policy.Source()
			}
			if role != nil {
				for i, p := range role.Policies {
					fr.RolePolicies = append(fr.RolePolicies, NamedPolicy{Name: role.PolicyNames[i], Document: p.Source()})
				}
			}
			if fr.Reach == nil {
				fr.Reach = []Reach{}
			}
			fr.Invokers, fr.Findings = a.invokers(fn, e)
			fr.Findings = append(fr.Findings, roleFindings...)
			rep.Functions = append(rep.Functions, fr)
		}
	}
	return rep
}

type analyzer struct {
	s     *Snapshot
	reach map[string][]Reach // by role ARN
	used  Usage
	// invokeStmts caches each identity's Allow statements for invoke.
	invokeStmts map[*Identity][]policy.StatementView
	// byType indexes resources by type; account is the account resource.
	byType  map[string][]Resource
	byARN   map[string]Resource
	sorted  []Resource // every resource by ARN, the account's included
	account Resource
}

func (a *analyzer) index() {
	a.byType = map[string][]Resource{}
	a.byARN = map[string]Resource{}
	for _, r := range a.s.Resources {
		a.byType[r.Type] = append(a.byType[r.Type], r)
		a.byARN[r.ARN] = r
	}
	a.account = Resource{Type: "account", ARN: "arn:aws:iam::" + a.s.Account + ":root", Name: a.s.Region}
	a.byType["account"] = []Resource{a.account}
	a.byARN[a.account.ARN] = a.account
	for _, rs := range a.byType {
		a.sorted = append(a.sorted, rs...)
	}
	sort.Slice(a.sorted, func(i, j int) bool { return a.sorted[i].ARN < a.sorted[j].ARN })
}

// limiting are the condition keys that keep a grant to "*" or to a
// service from being open to everyone.
var limiting = []string{"aws:sourcearn", "aws:sourceaccount", "aws:principalorgid", "aws:principalaccount",
	"aws:principalarn", "aws:sourceowner", "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths"}

func hasKey(conds []policy.ConditionView, keys ...string) bool {
	for _, c := range conds {
		for _, k := range keys {
			if strings.EqualFold(c.Key, k) {
				return true
			}
		}
	}
	return false
}

func conditionMap(conds []policy.ConditionView) map[string]any {
	if len(conds) == 0 {
		return nil
	}
	m := map[string]any{}
	for _, c := range conds {
		// Global keys are case-insensitive; Lambda writes "AWS:SourceArn".
		k := c.Key
		if len(k) > 4 && strings.EqualFold(k[:4], "aws:") {
			k = "aws:" + k[4:]
		}
		if len(c.Values) == 1 {
			m[k] = c.Values[0]
		} else {
			m[k] = c.Values
		}
	}
	return m
}

func matchesAction(v policy.StatementView, action string) bool {
	hit := false
	for _, p := range v.Actions {
		if arn.GlobFold(p, action) {
			hit = true
			break
		}
	}
	return hit != v.NotAction
}

const invoke = "lambda:InvokeFunction"

// invokers lists who may invoke entry e, and the findings about its
// resource policy.
func (a *analyzer) invokers(fn *Function, e Entry) ([]Invoker, []Finding) {
	invs := []Invoker{}
	var finds []Finding
	own := a.s.Account
	if e.Policy != nil {
		for _, st := range e.Policy.Statements() {
			if st.Effect != "Allow" || !matchesAction(st, invoke) {
				continue
			}
			label := st.Sid
			if label == "" {
				label = fmt.Sprintf("#%d", st.Index)
			}
			for _, p := range st.Principals {
				for _, v := range p.Values {
					inv := Invoker{Principal: v, Via: "resource-policy", Conditions: conditionMap(st.Conditions), Statement: st.Sid}
					switch {
					case p.Type == "*" || (p.Type == "AWS" && v == "*"):
						inv.Principal = "*"
						if hasKey(st.Conditions, "lambda:FunctionUrlAuthType") && !hasKey(st.Conditions, limiting...) {
							finds = append(finds, Finding{Kind: PublicInvoke,
								Detail: fmt.Sprintf("statement %s of %s lets anyone call it, with no condition on who calls (its function URL's AuthType NONE makes it public on the web).", label, e.ARN),
								Fix:    "If it must not be public, remove the statement and set the function URL's AuthType to AWS_IAM; otherwise keep it and know that anyone can call it."})
						} else if !hasKey(st.Conditions, limiting...) {
							finds = append(finds, Finding{Kind: PublicInvoke,
								Detail: fmt.Sprintf("statement %s of %s grants lambda:InvokeFunction to Principal \"*\" with no aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID condition, so any AWS account may invoke it.", label, e.ARN),
								Fix:    fmt.Sprintf("Name the callers instead of \"*\", or add a condition on aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn to statement %s.", label)})
						}
						for _, acct := range conditionAccounts(st.Conditions) {
							if acct != own {
								finds = append(finds, crossAccount(label, e.ARN, acct))
							}
						}
					case p.Type == "Service":
						if !hasKey(st.Conditions, "aws:SourceArn", "aws:SourceAccount") {
							finds = append(finds, Finding{Kind: ConfusedDeputy,
								Detail: fmt.Sprintf("statement %s of %s lets %s invoke it on behalf of any resource in any account: nothing says whose %s may.", label, e.ARN, v, serviceNoun(v)),
								Fix: fmt.Sprintf("Add aws:SourceArn (the exact source resource) and aws:SourceAccount conditions: aws lambda add-permission --function-name %s --statement-id %s --action lambda:InvokeFunction --principal %s --source-arn ARN --source-account %s, after removing this statement.",
									fn.Name, label, v, own)})
						}
						for _, acct := range conditionAccounts(st.Conditions) {
							if acct != own {
								finds = append(finds, crossAccount(label, e.ARN, acct))
							}
						}
					case p.Type == "AWS":
						acct := v
						if arn.IsARN(v) {
							acct = accountOf(v)
						}
						if acct != own && acct != "" {
							inv.Requires = fmt.Sprintf("account %s must also allow lambda:InvokeFunction on %s in the identity policies of its callers (its root user needs nothing more)", acct, e.ARN)
							finds = append(finds, crossAccount(label, e.ARN, acct))
						}
					}
					invs = append(invs, inv)
				}
			}
		}
	}
	// Identities of this account whose own policies allow the call; only
	// those with an Allow that could match are asked.
	for _, group := range [][]*Identity{a.s.Users, a.s.Roles} {
		for _, id := range group {
			could := false
			for _, st := range a.invokeStatements(id) {
				could = could || matchesResource(st, e.ARN)
			}
			if !could {
				continue
			}
			req := policy.Request{Principal: &id.principal, Action: invoke, Resource: e.ARN, Context: &policy.Context{}}
			set := policy.Set{Identity: id.Policies, Boundary: id.Boundary}
			if allowed, cond := decide(&req, &set); allowed || cond {
				invs = append(invs, Invoker{Principal: id.ARN, Via: "identity-policy", Conditional: cond})
			}
		}
	}
	return invs, dedupeFindings(finds)
}

func crossAccount(label, fn, acct string) Finding {
	return Finding{Kind: CrossAccountInvoke,
		Detail: fmt.Sprintf("statement %s of %s lets account %s invoke it.", label, fn, acct),
		Fix:    fmt.Sprintf("If account %s should not invoke it, remove statement %s (aws lambda remove-permission --statement-id %s).", acct, label, label)}
}

// conditionAccounts are the accounts named by account conditions.
func conditionAccounts(conds []policy.ConditionView) []string {
	var out []string
	for _, c := range conds {
		if strings.EqualFold(c.Key, "aws:SourceAccount") || strings.EqualFold(c.Key, "aws:PrincipalAccount") {
			out = append(out, c.Values...)
		}
		if strings.EqualFold(c.Key, "aws:SourceArn") {
			for _, v := range c.Values {
				if acct := accountOf(v); acct != "" && !strings.ContainsAny(acct, "*?") {
					out = append(out, acct)
				}
			}
		}
	}
	return out
}

func serviceNoun(svc string) string {
	switch {
	case strings.HasPrefix(svc, "s3."):
		return "buckets"
	case strings.HasPrefix(svc, "sns."):
		return "topics"
	case strings.HasPrefix(svc, "events."):
		return "rules"
	case strings.HasPrefix(svc, "apigateway."):
		return "APIs"
	}
	return "resources"
}

// decide evaluates req with the engine. conditional is true when the
// answer depends on the request's condition keys: the allowing statement
// has a Condition, or, denied with no keys, an Allow failed only on a
// condition.
func decide(req *policy.Request, set *policy.Set) (allowed, conditional bool) {
	d := policy.Evaluate(req, set)
	if d.Allowed() {
		return true, d.Policy != nil && d.Policy.HasCondition(d.Statement)
	}
	for _, r := range policy.Explain(req, set).Reasons {
		if r.Outcome == policy.OutcomeConditionFailed && r.Effect == "Allow" {
			return false, true
		}
	}
	return false, false
}

// invokeStatements are id's Allow statements that could grant
// lambda:InvokeFunction, computed once per identity.
func (a *analyzer) invokeStatements(id *Identity) []policy.StatementView {
	if sts, ok := a.invokeStmts[id]; ok {
		return sts
	}
	var out []policy.StatementView
	for _, p := range id.Policies {
		for _, st := range p.Statements() {
			if st.Effect == "Allow" && matchesAction(st, invoke) {
				out = append(out, st)
			}
		}
	}
	a.invokeStmts[id] = out
	return out
}

// reachOf computes (once per role) every (action, resource) the role may
// perform. Candidates come from the role's own Allow statements (an action
// and resource an Allow could match, ignoring conditions); each is then
// decided by the engine with every policy that applies.
func (a *analyzer) reachOf(id *Identity) []Reach {
	if r, ok := a.reach[id.ARN]; ok {
		return r
	}
	type cand struct{ action, display, on string }
	seen := map[cand]bool{}
	var cands []cand
	add := func(action string, r Resource, on string) {
		// Objects are shown as the bucket's prefix they may touch.
		display := r.ARN
		if r.Type == "bucket" && strings.HasPrefix(on, r.ARN+"/") {
			display = on
		}
		c := cand{action, display, on}
		if !seen[c] {
			seen[c] = true
			cands = append(cands, c)
		}
	}
	for _, p := range id.Policies {
		for _, st := range p.Statements() {
			if st.Effect != "Allow" {
				continue
			}
			specs := map[string][]actionSpec{}
			for typ, list := range catalog {
				for _, sp := range list {
					if matchesAction(st, sp.action) {
						specs[typ] = append(specs[typ], sp)
					}
				}
			}
			// Concrete actions the catalog lacks, on their service's resources.
			var extra []string
			if !st.NotAction {
				for _, act := range st.Actions {
					if !strings.ContainsAny(act, "*?") && !inCatalog(act) {
						extra = append(extra, act)
					}
				}
			}
			if len(specs) == 0 && len(extra) == 0 {
				continue
			}
			for _, r := range a.candidates(st) {
				for _, sp := range specs[r.Type] {
					on := r.ARN
					if sp.on != nil {
						on = sp.on(r)
					}
					if matchesResource(st, on) {
						add(sp.action, r, on)
					}
				}
				for _, act := range extra {
					for _, typ := range serviceOf[service(act)] {
						if typ == r.Type && matchesResource(st, r.ARN) {
							add(act, r, r.ARN)
						}
					}
				}
			}
		}
	}
	out := []Reach{}
	for _, c := range cands {
		req := policy.Request{Principal: &id.principal, Action: c.action, Resource: c.on, Context: &policy.Context{}}
		set := policy.Set{Identity: id.Policies, Boundary: id.Boundary, Resource: a.resourcePolicy(c.action, c.display)}
		if allowed, cond := decide(&req, &set); allowed || cond {
			out = append(out, Reach{Action: c.action, Resource: c.display, Conditional: cond})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Resource != out[j].Resource {
			return out[i].Resource < out[j].Resource
		}
		return out[i].Action < out[j].Action
	})
	a.reach[id.ARN] = out
	return out
}

func inCatalog(action string) bool {
	for _, specs := range catalog {
		for _, sp := range specs {
			if strings.EqualFold(sp.action, action) {
				return true
			}
		}
	}
	return false
}

// candidates are the resources a statement's Resource patterns could
// match: those whose ARN starts with a pattern's literal prefix, or is a
// prefix of it (the ARN an action is authorized on may extend a resource's
// ARN: bucket/*, :log-stream:*). matchesResource then decides.
func (a *analyzer) candidates(st policy.StatementView) []Resource {
	all := a.sorted
	if st.NotResource {
		return all
	}
	var out []Resource
	seen := map[string]bool{}
	take := func(r Resource) {
		if !seen[r.ARN] {
			seen[r.ARN] = true
			out = append(out, r)
		}
	}
	for _, p := range st.Resources {
		prefix := p
		if i := strings.IndexAny(p, "*?$"); i >= 0 {
			prefix = p[:i]
		}
		i := sort.Search(len(all), func(i int) bool { return all[i].ARN >= prefix })
		for ; i < len(all) && strings.HasPrefix(all[i].ARN, prefix); i++ {
			take(all[i])
		}
		for j := 1; j <= len(prefix); j++ {
			if j == len(prefix) || prefix[j] == ':' || prefix[j] == '/' {
				if r, ok := a.byARN[prefix[:j]]; ok {
					take(r)
				}
			}
		}
	}
	// Account actions are authorized on ARNs of things not made yet.
	take(a.account)
	return out
}

func matchesResource(st policy.StatementView, on string) bool {
	hit := false
	for _, p := range st.Resources {
		if arn.Like(p, on) {
			hit = true
			break
		}
	}
	return hit != st.NotResource
}

// resourcePolicy is the resource-based policy that takes part in a
// decision about r: a bucket's policy, a function's policy, a role's trust
// policy for sts:AssumeRole.
func (a *analyzer) resourcePolicy(action, r string) *policy.Policy {
	switch {
	case strings.HasPrefix(r, "arn:aws:s3:::"):
		bucket, _, _ := strings.Cut(strings.TrimPrefix(r, "arn:aws:s3:::"), "/")
		return a.s.bucketPolicy[bucket]
	case strings.HasPrefix(r, "arn:aws:lambda:"):
		return a.s.functionPolicy[r]
	case strings.EqualFold(action, "sts:AssumeRole"):
		if role := a.s.roleByARN[r]; role != nil {
			return role.Trust
		}
	}
	return nil
}

// roleFindings are the findings about an execution role.
func (a *analyzer) roleFindings(role *Identity, reach []Reach) []Finding {
	var out []Finding
	for i, p := range role.Policies {
		for _, st := range p.Statements() {
			if st.Effect != "Allow" || st.NotAction {
				continue
			}
			allRes := st.NotResource
			for _, r := range st.Resources {
				allRes = allRes || r == "*"
			}
			if !allRes {
				continue
			}
			for _, act := range st.Actions {
				if act == "*" || strings.HasSuffix(act, ":*") {
					out = append(out, Finding{Kind: WildcardPermission,
						Detail: fmt.Sprintf("role %s allows %q on every resource (policy %s).", role.Name, act, role.PolicyNames[i]),
						Fix:    fmt.Sprintf("Replace %q on \"*\" with the actions and resources the function uses; `seki policy generate --principal %s` prints them from what it did.", act, role.ARN)})
				}
			}
		}
	}
	out = append(out, a.escalations(role, reach)...)
	out = append(out, a.unused(role, reach)...)
	return out
}

func allows(reach []Reach, action, resource string) bool {
	for _, r := range reach {
		if !r.Conditional && strings.EqualFold(r.Action, action) && r.Resource == resource {
			return true
		}
	}
	return false
}

// wider reports whether other may do something mine may not.
func wider(other, mine []Reach) bool {
	have := map[Reach]bool{}
	for _, r := range mine {
		have[Reach{Action: r.Action, Resource: r.Resource}] = true
	}
	for _, r := range other {
		if !r.Conditional && !have[Reach{Action: r.Action, Resource: r.Resource}] {
			return true
		}
	}
	return false
}

// escalations follows the known paths from a role to more permissions.
func (a *analyzer) escalations(role *Identity, reach []Reach) []Finding {
	var out []Finding
	createFn := allows(reach, "lambda:CreateFunction", a.account.ARN)
	// The roles this one may pass or assume, and the functions whose code
	// it may replace, straight from its reach.
	passes, assumes, updates := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var targets []string
	for _, r := range reach {
		if r.Conditional {
			continue
		}
		switch {
		case strings.EqualFold(r.Action, "iam:PassRole"):
			passes[r.Resource] = true
			targets = append(targets, r.Resource)
		case strings.EqualFold(r.Action, "sts:AssumeRole"):
			assumes[r.Resource] = true
			targets = append(targets, r.Resource)
		case strings.EqualFold(r.Action, "lambda:UpdateFunctionCode"):
			updates[r.Resource] = true
		}
	}
	done := map[string]bool{}
	for _, t := range targets {
		other := a.s.roleByARN[t]
		if done[t] || other == nil || other == role {
			continue
		}
		done[t] = true
		if !wider(a.reachOf(other), reach) {
			continue
		}
		if passes[t] && createFn {
			out = append(out, Finding{Kind: PrivilegeEscalation,
				Detail: fmt.Sprintf("role %s may pass role %s, which may do more, to a new function it creates, and so act as %s.", role.Name, other.Name, other.Name),
				Fix:    fmt.Sprintf("Scope iam:PassRole in %s's policies to the roles it must pass (with an iam:PassedToService condition), or remove lambda:CreateFunction.", role.Name),
				Path:   []string{"iam:PassRole " + other.ARN, "lambda:CreateFunction", "run code as " + other.ARN}})
		}
		if assumes[t] {
			out = append(out, Finding{Kind: PrivilegeEscalation,
				Detail: fmt.Sprintf("role %s may assume role %s, which may do more.", role.Name, other.Name),
				Fix:    fmt.Sprintf("Remove sts:AssumeRole on %s from %s's policies, or narrow %s's trust policy.", other.ARN, role.Name, other.Name),
				Path:   []string{"sts:AssumeRole " + other.ARN}})
		}
	}
	for _, fn := range a.s.Functions {
		if !updates[fn.ARN] {
			continue
		}
		other := a.s.roleByARN[fn.Role]
		if other == nil || other == role || !wider(a.reachOf(other), reach) {
			continue
		}
		out = append(out, Finding{Kind: PrivilegeEscalation,
			Detail: fmt.Sprintf("role %s may replace the code of %s, which runs as %s, a role that may do more.", role.Name, fn.Name, other.Name),
			Fix:    fmt.Sprintf("Remove lambda:UpdateFunctionCode on %s from %s's policies.", fn.ARN, role.Name),
			Path:   []string{"lambda:UpdateFunctionCode " + fn.ARN, "run code as " + other.ARN}})
	}
	for _, act := range []string{"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"} {
		if allows(reach, act, role.ARN) {
			out = append(out, Finding{Kind: PrivilegeEscalation,
				Detail: fmt.Sprintf("role %s may change its own permissions with %s.", role.Name, act),
				Fix:    fmt.Sprintf("Remove %s on %s from its own policies.", act, role.ARN),
				Path:   []string{act + " " + role.ARN}})
		}
	}
	return out
}

// unused lists the actions the role allows that its sessions never used,
// once the decision log shows the role has run.
func (a *analyzer) unused(role *Identity, reach []Reach) []Finding {
	seen, ran := a.used[accountOf(role.ARN)+"/"+role.Name]
	if !ran {
		return nil
	}
	var acts []string
	done := map[string]bool{}
	for _, r := range reach {
		act := strings.ToLower(r.Action)
		if done[act] || seen[act] {
			continue
		}
		done[act] = true
		acts = append(acts, r.Action)
	}
	if len(acts) == 0 {
		return nil
	}
	sort.Strings(acts)
	return []Finding{{Kind: UnusedPermission,
		Detail: fmt.Sprintf("role %s allows %s, which its sessions never used in the decision log.", role.Name, strings.Join(acts, ", ")),
		Fix:    fmt.Sprintf("Remove them from %s's policies; `seki policy generate --principal %s` prints a policy of exactly what it used.", role.Name, role.ARN)}}
}

func dedupeFindings(fs []Finding) []Finding {
	out := []Finding{}
	seen := map[string]bool{}
	for _, f := range fs {
		k := f.Kind + "\x00" + f.Detail
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}
