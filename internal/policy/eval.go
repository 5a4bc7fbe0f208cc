package policy

import (
	"strings"

	"github.com/seki-dev/seki/internal/arn"
)

// Evaluate decides req against set with AWS's policy evaluation logic. It
// is the hot path: it does not allocate, and returns a compact Decision;
// Explain gives the same decision with its reasons.
func Evaluate(req *Request, set *Set) Decision {
	e := newEvaluator(req, set)
	return e.decide()
}

// Explain evaluates like Evaluate and also records every statement that
// allowed, denied or almost applied (with the failed condition), and the
// missing piece when the request is denied. Its Decision always equals
// Evaluate's.
func Explain(req *Request, set *Set) Explanation {
	e := newEvaluator(req, set)
	d := e.decide()
	return Explanation{Decision: d, Reasons: e.explain(d)}
}

// Read-only stand-ins for a nil Set and a nil Principal; never modified.
var (
	emptySet        Set
	anonymousCaller = Principal{Type: Anonymous}
)

// evaluator holds what is computed once per request.
type evaluator struct {
	req     *Request
	set     *Set
	p       *Principal
	ctx     *Context
	resAcct string
	cross   bool // principal and resource are in different accounts

	// actASCII: the action is ASCII and short (every AWS action is), so
	// statements fold ASCII case byte by byte against their lower-cased
	// patterns, without lower-casing the action per request; otherwise
	// they fall back to Unicode folding.
	actASCII bool
}

// newEvaluator returns the evaluator by value: filling it through a
// pointer would make the compiler move every caller's Request and Set to
// the heap.
func newEvaluator(req *Request, set *Set) (e evaluator) {
	e.req = req
	e.set = set
	if set == nil {
		e.set = &emptySet
	}
	e.p = req.Principal
	if e.p == nil {
		e.p = &anonymousCaller
	}
	e.ctx = req.Context
	e.resAcct = req.ResourceAccount
	if e.resAcct == "" {
		e.resAcct = accountOf(req.Resource)
	}
	if e.resAcct == "" {
		e.resAcct = e.p.Account // S3 ARNs carry no account: the caller's own
	}
	e.cross = e.p.Account != "" && e.resAcct != "" && e.p.Account != e.resAcct
	e.actASCII = len(req.Action) <= maxFoldAction && isASCII(req.Action)
	return e
}

// principalSide reports whether the caller's own policies (identity,
// boundary, session, SCPs) take part: not for AWS services, where "Lambda
// considers only the resource-based policy", nor for anonymous callers, nor
// for a web identity, which only a role's trust policy admits.
func (e *evaluator) principalSide() bool {
	return e.p.Type != Service && e.p.Type != Anonymous && e.p.Type != WebIdentity
}

// hit locates a statement.
type hit struct {
	pol *Policy
	idx int
}

func (e *evaluator) decide() Decision {
	set := e.set
	side := e.principalSide()

	// 1. An explicit Deny anywhere ends it. Order of reporting: SCP, RCP,
	// resource, identity, boundary, session.
	if side {
		for _, level := range set.SCPs {
			if h, ok := e.findDeny(level); ok {
				return deny(SCP, h)
			}
		}
	}
	for _, level := range set.RCPs {
		if h, ok := e.findDeny(level); ok {
			return deny(RCP, h)
		}
	}
	if set.Resource != nil {
		if i := e.firstDeny(set.Resource); i >= 0 {
			return deny(set.Resource.Kind, hit{set.Resource, i})
		}
	}
	if side {
		if h, ok := e.findDeny(set.Identity); ok {
			return deny(Identity, h)
		}
		if set.Boundary != nil {
			if i := e.firstDeny(set.Boundary); i >= 0 {
				return deny(Boundary, hit{set.Boundary, i})
			}
		}
		if h, ok := e.findDeny(set.Session); ok {
			return deny(Session, h)
		}
	}

	// 2. RCPs: RCPFullAWSAccess is attached at every level and cannot be
	// detached, so every level always has an Allow; only Denies matter.

	// 3. SCPs: every level, root to account, must allow.
	if side {
		for _, level := range set.SCPs {
			if _, ok := e.findAllow(level); !ok {
				return implicit(SCP)
			}
		}
	}

	// 4. The resource-based policy.
	g, gh := grantNone, hit{nil, -1}
	if set.Resource != nil {
		g, gh = e.resourceGrant(set.Resource)
	}
	resKind := Resource
	if set.Resource != nil {
		resKind = set.Resource.Kind
	}
	if !side {
		if g == grantNone {
			return implicit(resKind)
		}
		return allowed(resKind, gh)
	}
	isRoot := e.p.Type == Root
	// A trust policy and a KMS key policy must name the principal or its
	// account even within the account; identity policies alone (or being
	// the account's root user) are not enough.
	mustName := set.Resource != nil && (set.Resource.Kind == Trust || set.Resource.Kind == Key)

	if !e.cross {
		switch g {
		case grantFull:
			// A user ARN, session ARN or "*" named in the same account:
			// enough on its own.
			return allowed(resKind, gh)
		case grantRole:
			// A role ARN: identity policies are not needed, but the
			// boundary and session policies still limit the session.
			if !isRoot && set.Boundary != nil {
				if _, ok := e.findAllow1(set.Boundary); !ok {
					return implicit(Boundary)
				}
			}
			if len(set.Session) > 0 {
				if _, ok := e.findAllow(set.Session); !ok {
					return implicit(Session)
				}
			}
			return allowed(resKind, gh)
		}
		if mustName && g == grantNone {
			return implicit(resKind)
		}
	} else if g == grantNone {
		// Cross-account: the resource's account must allow.
		return implicit(resKind)
	}

	// 5–7. Identity policies, permissions boundary, session policies.
	ih := hit{nil, -1}
	if !isRoot {
		h, ok := e.findAllow(set.Identity)
		if !ok {
			return implicit(Identity)
		}
		ih = h
		if set.Boundary != nil {
			if _, ok := e.findAllow1(set.Boundary); !ok {
				return implicit(Boundary)
			}
		}
	}
	if len(set.Session) > 0 {
		if _, ok := e.findAllow(set.Session); !ok {
			return implicit(Session)
		}
	}
	if e.cross || g != grantNone && ih.pol == nil {
		return allowed(resKind, gh)
	}
	return allowed(Identity, ih)
}

func deny(k Kind, h hit) Decision {
	return Decision{Result: ExplicitlyDenied, By: k, Policy: h.pol, Statement: h.idx}
}

func implicit(k Kind) Decision {
	return Decision{Result: ImplicitlyDenied, By: k, Statement: -1}
}

func allowed(k Kind, h hit) Decision {
	return Decision{Result: Allowed, By: k, Policy: h.pol, Statement: h.idx}
}

func (e *evaluator) findDeny(ps []*Policy) (hit, bool) {
	for _, p := range ps {
		if p == nil {
			continue
		}
		if i := e.firstDeny(p); i >= 0 {
			return hit{p, i}, true
		}
	}
	return hit{}, false
}

func (e *evaluator) findAllow(ps []*Policy) (hit, bool) {
	for _, p := range ps {
		if p == nil {
			continue
		}
		if h, ok := e.findAllow1(p); ok {
			return h, true
		}
	}
	return hit{nil, -1}, false
}

func (e *evaluator) findAllow1(p *Policy) (hit, bool) {
	for i := range p.stmts {
		s := &p.stmts[i]
		if !s.deny && e.applies(p, s) == matchYes {
			return hit{p, i}, true
		}
	}
	return hit{nil, -1}, false
}

func (e *evaluator) firstDeny(p *Policy) int {
	for _, i := range p.denies {
		if e.applies(p, &p.stmts[i]) == matchYes {
			return int(i)
		}
	}
	return -1
}

// accountOf returns the account part of an ARN ("" when absent) in one
// pass; it is arn.Account without building the other parts. (A loop of
// byte compares: IndexByte per part measured slower on these short parts.)
func accountOf(s string) string {
	if len(s) < 4 || s[:4] != "arn:" {
		return ""
	}
	colons, start := 1, 0
	for i := 4; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		colons++
		if colons == 4 {
			start = i + 1
		} else if colons == 5 {
			return s[start:i]
		}
	}
	return ""
}

// resourceGrant finds the strongest Allow in a resource or trust policy.
// It looks only at the statements whose Principal could name this kind of
// caller (indexed at compile time), so a user never pays for the service
// grants of a function policy and a service never pays for the user ones.
func (e *evaluator) resourceGrant(p *Policy) (grant, hit) {
	idx := p.allowAWS
	switch e.p.Type {
	case Service:
		idx = p.allowService
	case Anonymous:
		idx = p.allowAnon
	case WebIdentity:
		idx = p.allowFederated
	}
	best, bh := grantNone, hit{nil, -1}
	for _, i := range idx {
		s := &p.stmts[i]
		g := e.principalGrant(s)
		if g <= best {
			continue
		}
		if e.appliesNoPrincipal(s) != matchYes {
			continue
		}
		best, bh = g, hit{p, int(i)}
		if best == grantFull {
			break
		}
	}
	return best, bh
}

// principalGrant says how statement s names the caller.
func (e *evaluator) principalGrant(s *statement) grant {
	if s.principal == nil {
		return grantNone
	}
	if s.notPrincipal {
		if s.principal.excludes(e.p) {
			return grantNone
		}
		return grantFull
	}
	return s.principal.match(e.p)
}

type matchResult uint8

const (
	matchNo        matchResult = iota // principal, action or resource does not match
	matchYes                          // the statement applies
	matchCondition                    // everything but a condition matched
)

// applies reports whether statement s of policy p applies to the request.
func (e *evaluator) applies(p *Policy, s *statement) matchResult {
	if s.principal != nil {
		if s.notPrincipal {
			// "A Deny with NotPrincipal always applies to principals that
			// have a permissions boundary."
			if s.principal.excludes(e.p) && !(s.deny && e.set.Boundary != nil) {
				return matchNo
			}
		} else if s.principal.match(e.p) == grantNone {
			return matchNo
		}
	}
	return e.appliesNoPrincipal(s)
}

func (e *evaluator) appliesNoPrincipal(s *statement) matchResult {
	if !e.actionMatches(s) || !e.resourceMatches(s) {
		return matchNo
	}
	for i := range s.conds {
		if !e.condHolds(&s.conds[i]) {
			return matchCondition
		}
	}
	return matchYes
}

// maxFoldAction bounds the actions folded byte by byte (the longest AWS
// action is well under it); a longer one takes the Unicode path.
const maxFoldAction = 64

// actionMatches compares the request's action with the statement's
// patterns, which were lower-cased when the policy was compiled. For an
// ASCII action this is exactly "lower-case the action, compare bytes",
// without doing the lower-casing: lengths first, then the action as the
// policy wrote it (usually the very spelling the request uses), then a
// byte-wise ASCII fold.
func (e *evaluator) actionMatches(s *statement) bool {
	a := e.req.Action
	m := false
	if e.actASCII {
		var lower [maxFoldAction]byte // filled only if a glob needs it
		lowered := false
		for i := range s.actions {
			p := &s.actions[i]
			switch p.kind {
			case patAny:
				m = true
			case patExact:
				m = len(a) == len(p.s) && (a == s.src.actions[i] || equalLowerASCII(a, p.s))
			case patPrefix:
				m = len(a) >= len(p.s) && equalLowerASCII(a[:len(p.s)], p.s)
			case patGlob:
				if !lowered {
					lowerASCII(lower[:len(a)], a)
					lowered = true
				}
				m = arn.Glob(p.s, string(lower[:len(a)]))
			}
			if m {
				break
			}
		}
		return m != s.notAction
	}
	for i := range s.actions {
		if s.actions[i].match(a, true, e) {
			m = true
			break
		}
	}
	return m != s.notAction
}

// isASCII reports whether s has only ASCII bytes. It ORs eight bytes per
// step with no branch between them: a byte loop cost as much as the
// lower-casing it replaces.
func isASCII(s string) bool {
	var or byte
	i := 0
	for ; i+8 <= len(s); i += 8 {
		or |= s[i] | s[i+1] | s[i+2] | s[i+3] | s[i+4] | s[i+5] | s[i+6] | s[i+7]
	}
	for ; i < len(s); i++ {
		or |= s[i]
	}
	return or < 0x80
}

// equalLowerASCII reports whether ASCII a, lower-cased, equals lower (of
// the same length).
func equalLowerASCII(a, lower string) bool {
	for i := 0; i < len(a); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// lowerASCII writes ASCII a lower-cased into dst (len(dst) == len(a)).
func lowerASCII(dst []byte, a string) {
	for i := 0; i < len(a); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
}

func (e *evaluator) resourceMatches(s *statement) bool {
	if s.noResource {
		return true
	}
	m := false
	res := e.req.Resource
	for i := range s.resources {
		p := &s.resources[i]
		if p.kind == patExact { // the common case, without the general matcher
			if res == p.s {
				m = true
				break
			}
			continue
		}
		if p.match(res, false, e) {
			m = true
			break
		}
	}
	return m != s.notResource
}

func (e *evaluator) condHolds(c *condition) bool {
	v, ok := e.lookup(c.key)
	return c.eval(v, ok, e)
}

// lookup returns a condition key's request values: those set in the
// Context first, then the global keys derived from the principal.
func (e *evaluator) lookup(key string) (vals, bool) {
	if vs, ok := e.ctx.lookup(key); ok {
		return vals{many: vs, n: len(vs)}, true
	}
	p := e.p
	if !strings.HasPrefix(key, "aws:") {
		return vals{}, false
	}
	switch key {
	case "aws:principalarn":
		if a := p.principalArn(); a != "" {
			return oneVal(a), true
		}
	case "aws:principalaccount":
		if p.Account != "" && p.Type != Service {
			return oneVal(p.Account), true
		}
	case "aws:username":
		if p.Type == User && p.Username != "" {
			return oneVal(p.Username), true
		}
	case "aws:userid":
		if p.UserID != "" {
			return oneVal(p.UserID), true
		} else if p.Type == Anonymous {
			return oneVal("anonymous"), true
		}
	case "aws:principaltype":
		if p.Type != Service {
			return oneVal(p.Type.String()), true
		}
	case "aws:principalisawsservice":
		if p.Type == Service {
			return oneVal("true"), true
		}
		return oneVal("false"), true
	case "aws:principalservicename":
		if p.Type == Service {
			return oneVal(p.ARN), true
		}
	default:
		const tagPrefix = "aws:principaltag/"
		if strings.HasPrefix(key, tagPrefix) && p.Tags != nil {
			tk := key[len(tagPrefix):]
			for k, v := range p.Tags {
				if strings.EqualFold(k, tk) {
					return oneVal(v), true
				}
			}
		}
	}
	return vals{}, false
}

// variable resolves a policy variable: a single-valued key only.
func (e *evaluator) variable(key string) (string, bool) {
	if e == nil {
		return "", false
	}
	v, ok := e.lookup(key)
	if !ok || v.n != 1 {
		return "", false
	}
	return v.at(0), true
}
