package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// simInput is what SimulatePrincipalPolicy and SimulateCustomPolicy take
// beyond the common members.
type simInput struct {
	source         string
	policies       []string
	boundaries     []string
	actions        []string
	resources      []string
	resourcePolicy string
	resourceOwner  string
	callerARN      string
	context        []contextEntry
}

type contextEntry struct {
	name   string
	values []string
}

func parseSimulation(p *params, in *input, custom bool) {
	sim := &simInput{}
	if !custom {
		sim.source = p.required("PolicySourceArn", ruleARN)
	}
	sim.policies = p.list("PolicyInputList", ruleDocument, 0)
	if custom && len(sim.policies) == 0 {
		p.fail(nil, "policyInputList", "Member must not be null")
	}
	sim.boundaries = p.list("PermissionsBoundaryPolicyInputList", ruleDocument, 0)
	sim.actions = p.list("ActionNames", ruleActionName, 0)
	if len(sim.actions) == 0 {
		p.fail(nil, "actionNames", "Member must not be null")
	}
	sim.resources = p.list("ResourceArns", ruleResourceName, 0)
	sim.resourcePolicy, _ = p.optional("ResourcePolicy", ruleDocument)
	sim.resourceOwner, _ = p.optional("ResourceOwner", ruleResourceName)
	sim.callerARN, _ = p.optional("CallerArn", ruleResourceName)
	for i := 1; ; i++ {
		base := "ContextEntries.member." + strconv.Itoa(i) + "."
		name, ok := p.v[base+"ContextKeyName"]
		if !ok {
			break
		}
		if len(name) > 0 {
			p.check(name[0], "contextEntries."+strconv.Itoa(i)+".member.contextKeyName", ruleContextKey)
			sim.context = append(sim.context, contextEntry{name[0], protocol.Members(p.v, base+"ContextKeyValues.member")})
		}
	}
	in.Page = p.page()
	in.sim = sim
}

func parseSimulatePrincipal(p *params, in *input) { parseSimulation(p, in, false) }
func parseSimulateCustom(p *params, in *input)    { parseSimulation(p, in, true) }

func (s *Service) targetSimulatePrincipal(_ context.Context, _ *protocol.Request, in *input) (protocol.Target, error) {
	return protocol.Target{Resource: in.sim.source}, nil
}

// simPolicy is a policy taking part in a simulation, with what
// EvaluationResults say about where it came from.
type simPolicy struct {
	p        *policy.Policy
	id, kind string // SourcePolicyId, SourcePolicyType
}

// describePolicy derives SourcePolicyId and SourcePolicyType from the label
// Policies gives each policy.
func describePolicy(p *policy.Policy) simPolicy {
	name := p.Name
	if rest, ok := strings.CutPrefix(name, "inline policy "); ok {
		if i := strings.LastIndex(rest, " on "); i >= 0 {
			kind, _, _ := strings.Cut(rest[i+4:], " ")
			return simPolicy{p, rest[:i], kind}
		}
	}
	if strings.HasPrefix(name, "arn:aws:iam::aws:policy/") {
		return simPolicy{p, name[strings.LastIndexByte(name, '/')+1:], "aws-managed"}
	}
	if strings.HasPrefix(name, "arn:") {
		// AWS names a customer managed policy's type "IAM Policy" (the
		// API reference lists "user-managed").
		// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_simulate_principle_policy[role]
		return simPolicy{p, name[strings.LastIndexByte(name, '/')+1:], "IAM Policy"}
	}
	return simPolicy{p, name, "none"}
}

type xPosition struct {
	Line   int
	Column int
}

type xStatement struct {
	SourcePolicyID   string `xml:"SourcePolicyId"`
	SourcePolicyType string
	StartPosition    xPosition
	EndPosition      xPosition
}

type xBoundaryDetail struct {
	AllowedByPermissionsBoundary bool
}

type xOrganizationsDetail struct {
	AllowedByOrganizations bool
}

// xResourceResult is one entry of ResourceSpecificResults.
type xResourceResult struct {
	EvalResourceName     string
	EvalResourceDecision string
	MatchedStatements    list[xStatement]
	MissingContextValues list[string]
}

// xEvalResult is one EvaluationResults entry. AWS also answers an empty
// EvalDecisionDetails, OrganizationsDecisionDetail (seki evaluates no SCPs
// in simulations, so organizations allow) and ResourceSpecificResults.
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_simulate_principle_policy[role]
type xEvalResult struct {
	EvalActionName                    string
	EvalResourceName                  string
	EvalDecision                      string
	MatchedStatements                 list[xStatement]
	MissingContextValues              list[string]
	OrganizationsDecisionDetail       xOrganizationsDetail
	PermissionsBoundaryDecisionDetail *xBoundaryDetail `xml:",omitempty"`
	EvalDecisionDetails               struct{}
	ResourceSpecificResults           list[xResourceResult]
}

type simulateResult struct {
	EvaluationResults list[xEvalResult]
	paged
}

// parseInputs compiles simulation input documents, labelling each as AWS
// does ("PolicyInputList.1").
func parseInputs(docs []string, kind policy.Kind, label string) ([]simPolicy, error) {
	var out []simPolicy
	for i, d := range docs {
		p, err := policy.Parse([]byte(d), kind)
		if err != nil {
			// unconfirmed: AWS reports unparsable simulation input as
			// InvalidInput (the only client error its model lists).
			var msg string
			if m := malformed(err); m != nil {
				msg = m.Error()
			}
			_, msg, _ = strings.Cut(msg, ": ")
			return nil, errInvalidInput.New(msg)
		}
		p.Name = label + "." + strconv.Itoa(i+1)
		out = append(out, simPolicy{p, p.Name, "none"})
	}
	return out, nil
}

func (s *Service) simulatePrincipalPolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	principal, identity, boundary, err := s.principalPolicies(ctx, r, in.sim.source)
	if err != nil {
		return nil, err
	}
	var pols []simPolicy
	for _, p := range identity {
		pols = append(pols, describePolicy(p))
	}
	var bound []simPolicy
	if boundary != nil {
		bound = append(bound, describePolicy(boundary))
	}
	return s.simulate(r, in, principal, pols, bound)
}

// principalPolicies are the identity policies (and boundary) of the user,
// group or role source names, in the caller's account, as the policy
// simulator and GetContextKeysForPrincipalPolicy see them.
func (s *Service) principalPolicies(ctx context.Context, r *protocol.Request, source string) (principal policy.Principal, identity []*policy.Policy, boundary *policy.Policy, err error) {
	account, kind, name, _, ok := splitEntityARN(source)
	if !ok || account != r.Account() {
		return principal, nil, nil, invalidARN(source)
	}
	switch kind {
	case kindUser:
		u, err := s.user(ctx, account, name)
		if err != nil {
			return principal, nil, nil, err
		}
		if u == nil {
			return principal, nil, nil, noSuchUser(name)
		}
		principal = userPrincipal(u)
		identity, boundary, err = s.id.Policies(ctx, &principal)
		return principal, identity, boundary, err
	case kindRole:
		role, err := s.role(ctx, account, name)
		if err != nil {
			return principal, nil, nil, err
		}
		if role == nil {
			return principal, nil, nil, noSuchRole(name)
		}
		principal = policy.Principal{Type: policy.AssumedRole, ARN: role.ARN(), RoleARN: role.ARN(), Account: account,
			UserID: role.ID, Tags: tagMap(role.Tags)}
		identity, boundary, err = s.id.Policies(ctx, &principal)
		return principal, identity, boundary, err
	}
	g, err := s.group(ctx, account, name)
	if err != nil {
		return principal, nil, nil, err
	}
	if g == nil {
		return principal, nil, nil, noSuchGroup(name)
	}
	principal = policy.Principal{Type: policy.User, ARN: g.ARN(), Account: account}
	identity, err = s.id.GroupPolicies(ctx, g)
	return principal, identity, nil, err
}

// contextKeysResult is GetContextKeysForPolicyResponse.
type contextKeysResult struct {
	ContextKeyNames list[string]
}

func parseContextKeysPrincipal(p *params, in *input) {
	in.sim = &simInput{source: p.required("PolicySourceArn", ruleARN), policies: p.list("PolicyInputList", ruleDocument, 0)}
}

func parseContextKeysCustom(p *params, in *input) {
	in.sim = &simInput{policies: p.list("PolicyInputList", ruleDocument, 0)}
	if len(in.sim.policies) == 0 {
		p.fail(nil, "policyInputList", "Member must not be null")
	}
}

// getContextKeysForPrincipalPolicy lists the condition keys of the
// principal's policies (a user's include its groups') and of the input
// policies.
func (s *Service) getContextKeysForPrincipalPolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	_, identity, _, err := s.principalPolicies(ctx, r, in.sim.source)
	if err != nil {
		return nil, err
	}
	return contextKeys(identity, in.sim.policies)
}

func (s *Service) getContextKeysForCustomPolicy(_ context.Context, _ *protocol.Request, in *input) (any, error) {
	return contextKeys(nil, in.sim.policies)
}

func contextKeys(ps []*policy.Policy, docs []string) (any, error) {
	inputs, err := parseInputs(docs, policy.Identity, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	for _, in := range inputs {
		ps = append(ps, in.p)
	}
	var res contextKeysResult
	seen := map[string]bool{}
	for _, p := range ps {
		for _, k := range p.ContextKeys() {
			if l := strings.ToLower(k); !seen[l] {
				seen[l] = true
				res.ContextKeyNames = append(res.ContextKeyNames, k)
			}
		}
	}
	return res, nil
}

func (s *Service) simulateCustomPolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	// The policies stand for an IAM user's; without a CallerArn the
	// simulated caller is a user of the requester's account.
	principal := policy.Principal{Type: policy.User, ARN: entityARN(r.Account(), "user", "/", "SimulatedUser"),
		Account: r.Account(), Username: "SimulatedUser"}
	return s.simulate(r, in, principal, nil, nil)
}

// simulate evaluates every action against every resource with the engine
// and reports each decision the way SimulatePolicyResponse does.
func (s *Service) simulate(r *protocol.Request, in *input, principal policy.Principal, identity, boundary []simPolicy) (any, error) {
	sim := in.sim
	extra, err := parseInputs(sim.policies, policy.Identity, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	identity = append(identity, extra...)
	if len(sim.boundaries) > 0 {
		if boundary, err = parseInputs(sim.boundaries, policy.Boundary, "PermissionsBoundaryPolicyInputList"); err != nil {
			return nil, err
		}
	}
	var resourcePolicy *simPolicy
	if sim.resourcePolicy != "" {
		p, err := policy.Parse([]byte(sim.resourcePolicy), policy.Resource)
		if err != nil {
			_, msg, _ := strings.Cut(malformed(err).Error(), ": ")
			return nil, errInvalidInput.New(msg)
		}
		p.Name = "ResourcePolicy"
		resourcePolicy = &simPolicy{p, "ResourcePolicy", "resource"}
	}
	if sim.callerARN != "" {
		caller, err := policy.ParsePrincipal(sim.callerARN)
		if err != nil || caller.Type != policy.User {
			return nil, errInvalidInput.Errorf(msgCallerARNFmt, sim.callerARN)
		}
		principal = caller
		if principal.Username == "" {
			principal.Username = principal.ARN[strings.LastIndexByte(principal.ARN, '/')+1:]
		}
	}

	byName := map[string]simPolicy{}
	set := policy.Set{}
	for _, p := range identity {
		set.Identity = append(set.Identity, p.p)
		byName[p.p.Name] = p
	}
	if len(boundary) > 0 {
		// One boundary applies; with several inputs the first one is used.
		set.Boundary = boundary[0].p
		byName[boundary[0].p.Name] = boundary[0]
	}
	if resourcePolicy != nil {
		set.Resource = resourcePolicy.p
		byName[resourcePolicy.p.Name] = *resourcePolicy
	}

	pctx := policy.NewContext(len(sim.context))
	for _, c := range sim.context {
		pctx.Set(c.name, c.values...)
	}
	resources := sim.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	owner := sim.resourceOwner
	if a, ok := strings.CutPrefix(owner, "arn:aws:iam::"); ok {
		owner, _, _ = strings.Cut(a, ":")
	}
	if owner == "" && resourcePolicy == nil {
		owner = principal.Account
	}

	spans := map[*policy.Policy][]span{}
	var results []xEvalResult
	for _, action := range sim.actions {
		for _, res := range resources {
			req := policy.Request{Principal: &principal, Action: action, Resource: res, ResourceAccount: owner, Context: pctx}
			exp := policy.Explain(&req, &set)
			x := xEvalResult{EvalActionName: action, EvalResourceName: res, MatchedStatements: list[xStatement]{},
				MissingContextValues: list[string]{}}
			switch exp.Decision.Result {
			case policy.Allowed:
				x.EvalDecision = "allowed"
			case policy.ExplicitlyDenied:
				x.EvalDecision = "explicitDeny"
			default:
				x.EvalDecision = "implicitDeny"
			}
			missing := map[string]bool{}
			boundaryAllows := set.Boundary != nil
			for _, rs := range exp.Reasons {
				if rs.Kind == policy.Boundary && (rs.Outcome == policy.OutcomeMissing || rs.Outcome == policy.OutcomeDeny) {
					boundaryAllows = false
				}
				if rs.Condition != nil && !rs.Condition.KeyPresent && !missing[rs.Condition.Key] {
					missing[rs.Condition.Key] = true
					x.MissingContextValues = append(x.MissingContextValues, rs.Condition.Key)
				}
				wanted := policy.OutcomeAllow
				if exp.Decision.Result == policy.ExplicitlyDenied {
					wanted = policy.OutcomeDeny
				}
				if rs.Outcome != wanted || rs.Index < 0 {
					continue
				}
				sp, ok := byName[rs.Policy]
				if !ok {
					continue
				}
				st := xStatement{SourcePolicyID: sp.id, SourcePolicyType: sp.kind}
				if _, done := spans[sp.p]; !done {
					spans[sp.p] = statementSpans(sp.p.Source())
				}
				if ss := spans[sp.p]; rs.Index < len(ss) {
					st.StartPosition, st.EndPosition = ss[rs.Index].start, ss[rs.Index].end
				}
				x.MatchedStatements = append(x.MatchedStatements, st)
			}
			if set.Boundary != nil {
				x.PermissionsBoundaryDecisionDetail = &xBoundaryDetail{boundaryAllows}
			}
			x.OrganizationsDecisionDetail.AllowedByOrganizations = true
			x.ResourceSpecificResults = list[xResourceResult]{{EvalResourceName: x.EvalResourceName, EvalResourceDecision: x.EvalDecision,
				MatchedStatements: x.MatchedStatements, MissingContextValues: x.MissingContextValues}}
			results = append(results, x)
		}
	}
	items, pg, err := pageSlice(results, in.Page)
	if err != nil {
		return nil, err
	}
	return &simulateResult{EvaluationResults: append(list[xEvalResult]{}, items...), paged: pg}, nil
}

// span locates one statement of a document: 1-based line and column of its
// first character and of the character just after it.
type span struct{ start, end xPosition }

// statementSpans finds where each statement of doc begins and ends, for
// MatchedStatements' positions. Statement may be one object or an array.
func statementSpans(doc []byte) []span {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		if key, _ := t.(string); key != "Statement" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if !dec.More() {
			return nil
		}
		start := skipTo(doc, int(dec.InputOffset()))
		if start < len(doc) && doc[start] == '{' {
			var one json.RawMessage
			if dec.Decode(&one) != nil {
				return nil
			}
			return []span{{startPosition(doc, start), position(doc, int(dec.InputOffset()))}}
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil
		}
		var out []span
		for dec.More() {
			at := skipTo(doc, int(dec.InputOffset()))
			var one json.RawMessage
			if dec.Decode(&one) != nil {
				return out
			}
			out = append(out, span{startPosition(doc, at), position(doc, int(dec.InputOffset()))})
		}
		return out
	}
	return nil
}

// skipTo moves past whitespace, colons and commas to the next value.
func skipTo(doc []byte, i int) int {
	for i < len(doc) && strings.IndexByte(" \t\r\n:,", doc[i]) >= 0 {
		i++
	}
	return i
}

func position(doc []byte, off int) xPosition {
	line, col := 1, 1
	for _, c := range doc[:min(off, len(doc))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return xPosition{line, col}
}

// startPosition is where AWS says a statement starts: one column past its
// opening brace (the end is the column just past the closing brace).
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_simulate_principle_policy[role] (StartPosition.Column 41 for a brace at column 40)
func startPosition(doc []byte, off int) xPosition {
	p := position(doc, off)
	p.Column++
	return p
}
