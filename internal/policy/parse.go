package policy

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// Parse validates doc by the rules of kind and compiles it once. A rejected
// document yields a *SyntaxError whose Message is the text AWS returns in
// its MalformedPolicyDocument error. Quotas are not checked here: callers
// compare Size(doc) with the limit of the API they serve.
func Parse(doc []byte, kind Kind) (*Policy, error) {
	return parse(doc, kind, parseOptions{})
}

// Validate checks doc as Parse does but returns every problem found, in
// document order, rather than the one IAM answers: policy validation
// (IAM Access Analyzer) lists all findings, and a person fixing a file
// wants them all at once. nil means the policy is valid.
func Validate(doc []byte, kind Kind) []*SyntaxError {
	var all []*SyntaxError
	_, err := parse(doc, kind, parseOptions{all: &all})
	if err == nil {
		return nil
	}
	if len(all) == 0 { // a JSON error stops before any check
		return []*SyntaxError{err.(*SyntaxError)}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Line != all[j].Line {
			return all[i].Line < all[j].Line
		}
		return all[i].Column < all[j].Column
	})
	out := all[:0]
	for i, e := range all {
		if i > 0 && *e == *all[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// parseOptions relaxes validation for simulate inputs.
type parseOptions struct {
	anyVersion bool // accept a missing or 2008-10-17 Version for every kind
	anySid     bool // do not check the characters of Sids
	// all, when set, collects every failure, not only the one reported.
	all *[]*SyntaxError
}

func parse(doc []byte, kind Kind, opt parseOptions) (*Policy, error) {
	root, jerr := parseJSON(doc)
	if jerr != nil {
		line, col := lineCol(doc, jerr.off)
		msg := msgSyntax
		if kind == Trust && !bytes.HasPrefix(bytes.TrimLeft(doc, " \t\r\n"), []byte("{")) {
			// Recorded for a trust document that is no JSON object at
			// all; a broken object keeps "Syntax errors in policy."
			// (unconfirmed where AWS draws the line).
			msg = msgTrustJSON
		}
		return nil, &SyntaxError{Message: msg, Line: line, Column: col}
	}
	// A key policy is validated as any resource policy; only evaluation
	// tells it apart.
	ckind := kind
	if kind == Key {
		ckind = Resource
	}
	c := &compiler{doc: doc, kind: ckind, opt: opt}
	p := c.compile(root)
	if c.err != nil {
		return nil, c.err
	}
	p.Kind = kind
	p.src = doc
	return p, nil
}

// compiler validates in AWS's order of checks — structure first, then
// version, legacy parsing, Sids, actions, resources, vendors — so that a
// document with several problems gets the message AWS would give.
type compiler struct {
	doc  []byte
	kind Kind
	opt  parseOptions
	err  *SyntaxError
	rank int // phase of the error held in err; an earlier phase wins
}

const (
	phaseSyntax = iota
	phasePrincipal
	phaseVersion
	phaseLegacy
	phaseSid
	phaseActions
	phaseResources
	phaseResourceFormat
	phaseVendor
	phaseKind
)

func (c *compiler) fail(phase int, n *node, path, msg string) {
	if c.err != nil && c.rank <= phase && c.opt.all == nil {
		return
	}
	off := 0
	if n != nil {
		off = n.off
	}
	line, col := lineCol(c.doc, off)
	e := &SyntaxError{Message: msg, Line: line, Column: col, Path: path}
	if c.opt.all != nil {
		*c.opt.all = append(*c.opt.all, e)
	}
	if c.err != nil && c.rank <= phase {
		return
	}
	c.err = e
	c.rank = phase
}

// stmtNodes returns the statement objects and their paths.
func (c *compiler) statementNodes(st *node) ([]*node, []string) {
	switch st.kind {
	case jObject:
		return []*node{st}, []string{"Statement"}
	case jArray:
		paths := make([]string, len(st.elems))
		for i := range st.elems {
			paths[i] = "Statement[" + strconv.Itoa(i) + "]"
		}
		return st.elems, paths
	}
	return nil, nil
}

func (c *compiler) compile(root *node) *Policy {
	p := &Policy{Kind: c.kind}
	if root.kind != jObject {
		c.fail(phaseSyntax, root, "", msgSyntax)
		return p
	}
	var stNode, verNode *node
	for _, m := range root.members {
		switch m.key {
		case "Version":
			verNode = m.val
			if m.val.kind != jString || (m.val.str != "2012-10-17" && m.val.str != "2008-10-17") {
				c.fail(phaseSyntax, m.val, "Version", msgSyntax)
				continue
			}
			p.version = m.val.str
		case "Id":
			if m.val.kind != jString {
				c.fail(phaseSyntax, m.val, "Id", msgSyntax)
				continue
			}
			p.id, p.hasID = m.val.str, true
		case "Statement":
			stNode = m.val
		default:
			c.fail(phaseSyntax, m.val, m.key, msgSyntax)
		}
	}
	if stNode == nil {
		c.fail(phaseSyntax, root, "Statement", msgSyntax)
		return p
	}
	stmts, paths := c.statementNodes(stNode)
	if stmts == nil {
		c.fail(phaseSyntax, stNode, "Statement", msgSyntax)
		return p
	}
	if len(stmts) == 0 {
		c.fail(phaseSyntax, stNode, "Statement", msgSyntax)
		return p
	}
	p.stmtArray = stNode.kind == jArray
	// IAM's own policies (identity and permissions boundary) must use the
	// current language version; resource, trust, session and
	// Organizations policies also accept 2008-10-17 or no Version.
	if (c.kind == Identity || c.kind == Boundary) && !c.opt.anyVersion && p.version != "2012-10-17" {
		at := verNode
		if at == nil {
			at = root
		}
		c.fail(phaseVersion, at, "Version", msgVersion)
	}
	vars := p.version == "2012-10-17"
	seen := map[string]bool{}
	p.stmts = make([]statement, len(stmts))
	for i, sn := range stmts {
		c.statement(&p.stmts[i], sn, paths[i], vars, seen)
		st := &p.stmts[i]
		switch {
		case st.deny:
			p.denies = append(p.denies, int32(i))
		case st.principal == nil:
		case st.notPrincipal || st.principal.any:
			p.allowAWS = append(p.allowAWS, int32(i))
			p.allowService = append(p.allowService, int32(i))
			p.allowAnon = append(p.allowAnon, int32(i))
			p.allowFederated = append(p.allowFederated, int32(i))
		default:
			ps := st.principal
			if len(ps.accounts)+len(ps.arns)+len(ps.roles)+len(ps.ids) > 0 {
				p.allowAWS = append(p.allowAWS, int32(i))
			}
			if len(ps.services) > 0 {
				p.allowService = append(p.allowService, int32(i))
			}
			if len(ps.federated) > 0 {
				p.allowFederated = append(p.allowFederated, int32(i))
			}
		}
	}
	return p
}

func (c *compiler) statement(s *statement, n *node, path string, vars bool, seen map[string]bool) {
	if n.kind != jObject {
		c.fail(phaseSyntax, n, path, msgSyntax)
		return
	}
	var effect, sid, principal, notPrincipal, action, notAction, resource, notResource, cond *node
	for _, m := range n.members {
		var slot **node
		switch m.key {
		case "Sid":
			slot = &sid
		case "Effect":
			slot = &effect
		case "Principal":
			slot = &principal
		case "NotPrincipal":
			slot = &notPrincipal
		case "Action":
			slot = &action
		case "NotAction":
			slot = &notAction
		case "Resource":
			slot = &resource
		case "NotResource":
			slot = &notResource
		case "Condition":
			slot = &cond
		default:
			c.fail(phaseSyntax, m.val, path+"."+m.key, msgSyntax)
			continue
		}
		if *slot != nil {
			c.fail(phaseSyntax, m.val, path+"."+m.key, msgSyntax) // duplicate element
			continue
		}
		*slot = m.val
	}
	if (action != nil && notAction != nil) || (resource != nil && notResource != nil) || (principal != nil && notPrincipal != nil) {
		c.fail(phaseSyntax, n, path, msgSyntax)
	}

	// Effect: IAM's syntax check is case-insensitive, its legacy parser is not.
	switch {
	case effect == nil || effect.kind != jString:
		c.fail(phaseSyntax, orNode(effect, n), path+".Effect", msgSyntax)
	case effect.str == "Allow":
	case effect.str == "Deny":
		s.deny = true
	case strings.EqualFold(effect.str, "allow") || strings.EqualFold(effect.str, "deny"):
		c.fail(phaseLegacy, effect, path+".Effect", msgLegacy)
	default:
		c.fail(phaseSyntax, effect, path+".Effect", msgSyntax)
	}
	if effect != nil && effect.kind == jString {
		s.src.effect = effect.str
	}

	// Sid
	if sid != nil {
		if sid.kind != jString {
			c.fail(phaseSyntax, sid, path+".Sid", msgSyntax)
		} else {
			s.sid, s.hasSid = sid.str, true
			if sid.str != "" {
				if seen[sid.str] {
					c.fail(phaseSid, sid, path+".Sid", msgSidUnique)
				}
				seen[sid.str] = true
				// Resource policies belong to their service: Lambda checks
				// statement ids ([a-zA-Z0-9-_]+) in AddPermission itself and
				// S3 accepts any text, so only IAM's own kinds are checked.
				if !c.opt.anySid && c.kind != Resource && !alnum(sid.str) {
					c.fail(phaseSid, sid, path+".Sid", msgSidAlnum)
				}
			}
		}
	}

	// Principal / NotPrincipal, by kind.
	pn, ppath := principal, path+".Principal"
	if notPrincipal != nil {
		pn, ppath = notPrincipal, path+".NotPrincipal"
		s.notPrincipal = true
	}
	switch c.kind {
	case Identity, Boundary, Session, SCP:
		if pn != nil {
			c.fail(phasePrincipal, pn, ppath, msgNoPrincipalHere)
		}
	default:
		if pn == nil {
			c.fail(phaseSyntax, n, ppath, msgMissingPrincipal)
		} else {
			s.principal = c.principal(pn, ppath)
			if s.notPrincipal && effect != nil && effect.kind == jString && effect.str == "Allow" {
				c.fail(phaseKind, pn, ppath, msgNotPrincipalAllow)
			}
			if c.kind == Trust && s.notPrincipal {
				c.fail(phaseKind, pn, ppath, msgTrustNotPrincipal)
			}
			if c.kind == RCP && (s.notPrincipal || s.principal == nil || !s.principal.star) {
				c.fail(phaseKind, pn, ppath, msgRCPPrincipal)
			}
		}
	}

	// Action / NotAction
	an, apath := action, path+".Action"
	if notAction != nil {
		an, apath = notAction, path+".NotAction"
		s.notAction = true
	}
	if an == nil {
		c.fail(phaseActions, n, apath, msgNoActions)
	} else if list, arr, ok := c.stringList(an, apath); ok {
		s.src.actions, s.src.actionsArr = list, arr
		if len(list) == 0 {
			c.fail(phaseActions, an, apath, msgNoActions)
		}
		for i, a := range list {
			c.checkAction(a, elemNode(an, i), elemPath(apath, an, i))
			s.actions = append(s.actions, compilePattern(a, true, false, true))
		}
		if c.kind == Trust {
			for i, a := range list {
				if !trustAction(a) {
					c.fail(phaseKind, elemNode(an, i), elemPath(apath, an, i), msgTrustActions)
				}
			}
		}
	}

	// Resource / NotResource
	rn, rpath := resource, path+".Resource"
	if notResource != nil {
		rn, rpath = notResource, path+".NotResource"
		s.notResource = true
	}
	switch {
	case c.kind == Trust:
		if rn != nil {
			c.fail(phaseKind, rn, rpath, msgTrustResource)
		}
		s.noResource = true
	case rn == nil:
		c.fail(phaseResources, n, rpath, msgNoResources)
	default:
		if list, arr, ok := c.stringList(rn, rpath); ok {
			s.src.resources, s.src.resourceArr = list, arr
			if len(list) == 0 {
				c.fail(phaseResources, rn, rpath, msgNoResources)
			}
			for i, r := range list {
				c.checkResource(r, elemNode(rn, i), elemPath(rpath, rn, i))
				s.resources = append(s.resources, compilePattern(r, true, vars, false))
			}
		}
	}

	// Condition
	if cond != nil {
		c.conditions(s, cond, path+".Condition", vars)
	}

	// RCPs: Allow is only supported for RCPFullAWSAccess (everything).
	if c.kind == RCP && !s.deny && effect != nil && !(len(s.src.actions) == 1 && s.src.actions[0] == "*" &&
		len(s.src.resources) == 1 && s.src.resources[0] == "*" && cond == nil && !s.notAction && !s.notResource) {
		c.fail(phaseKind, effect, path+".Effect", msgRCPAllow)
	}
}

func orNode(a, b *node) *node {
	if a != nil {
		return a
	}
	return b
}

func elemNode(n *node, i int) *node {
	if n.kind == jArray && i < len(n.elems) {
		return n.elems[i]
	}
	return n
}

func elemPath(path string, n *node, i int) string {
	if n.kind == jArray {
		return path + "[" + strconv.Itoa(i) + "]"
	}
	return path
}

// stringList reads a string or an array of strings.
func (c *compiler) stringList(n *node, path string) (list []string, array, ok bool) {
	switch n.kind {
	case jString:
		return []string{n.str}, false, true
	case jArray:
		list = make([]string, 0, len(n.elems))
		for i, e := range n.elems {
			if e.kind != jString {
				c.fail(phaseSyntax, e, path+"["+strconv.Itoa(i)+"]", msgSyntax)
				return nil, true, false
			}
			list = append(list, e.str)
		}
		return list, true, true
	}
	c.fail(phaseSyntax, n, path, msgSyntax)
	return nil, false, false
}

func (c *compiler) checkAction(a string, n *node, path string) {
	if a == "*" {
		return
	}
	vendor, rest, found := strings.Cut(a, ":")
	switch {
	case !found:
		c.fail(phaseVendor, n, path, msgVendor)
	case strings.Contains(rest, ":"):
		c.fail(phaseVendor, n, path, msgOneColon)
	case vendor == "" || !validVendor(vendor):
		c.fail(phaseVendor, n, path, msgVendorInvalid(vendor))
	}
}

func validVendor(v string) bool {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '*' || b == '?') {
			return false
		}
	}
	return true
}

// checkResource applies IAM's resource format rules.
func (c *compiler) checkResource(r string, n *node, path string) {
	if r == "*" {
		return
	}
	if !strings.Contains(r, ":") {
		c.fail(phaseResourceFormat, n, path, msgResourceFormat(r))
		return
	}
	// IAM reads the second component as the partition, whatever the
	// first, and refuses one that is not the account's, naming the
	// resource as it read it ("a:b" as "arn:b:*:*:*:*"). It ranks with the
	// legacy parser's refusal: the first resource of either kind is named.
	if c.kind != Resource {
		if part, as, bad := foreignPartition(r); bad {
			c.fail(phaseLegacy, n, path, msgPartition(part, as))
			return
		}
	}
	// IAM's legacy parser rejects ARN-like strings with an empty service
	// ("arn:aws::...") and short strings that contain "::".
	if strings.Count(r, ":") < 5 && strings.Contains(r, "::") {
		c.fail(phaseLegacy, n, path, msgLegacy)
		return
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) >= 3 && parts[2] == "" {
		c.fail(phaseLegacy, n, path, msgLegacy)
		return
	}
	if parts[0] != "arn" && parts[0] != "*" {
		c.fail(phaseResourceFormat, n, path, msgResourceFormat(r))
		return
	}
	if len(parts) < 3 || strings.ContainsAny(parts[2], "*?") {
		c.fail(phaseResourceFormat, n, path, msgResourceVendor)
		return
	}
	// IAM and S3 resources are global: a region in their ARN is refused
	// (identity-side documents; S3 validates bucket policies itself).
	if c.kind != Resource && len(parts) >= 4 && parts[3] != "" {
		switch parts[2] {
		case "iam":
			c.fail(phaseResourceFormat, n, path, msgIAMRegion(r))
			return
		case "s3":
			c.fail(phaseResourceFormat, n, path, msgS3Region(r))
			return
		}
	}
	// An IAM resource names a kind of IAM entity.
	if c.kind != Resource && parts[2] == "iam" && len(parts) == 6 && !iamResourcePath(parts[5]) {
		c.fail(phaseResourceFormat, n, path, msgIAMResourcePath)
	}
}

// partition is the one partition seki serves: an account's resources are
// in it, and IAM refuses any other in its policies.
const partition = "aws"

// foreignPartition reports a resource whose partition (its second
// component) is not seki's, and the resource as IAM names it then: "arn"
// in place of the first component, padded to six components with "*".
// Empty, wildcard and variable partitions are left to the other checks.
func foreignPartition(r string) (part, as string, bad bool) {
	parts := strings.Split(r, ":")
	part = parts[1]
	if part == partition || part == "" || strings.ContainsAny(part, "*?$") {
		return "", "", false
	}
	parts[0] = "arn"
	for len(parts) < 6 {
		parts = append(parts, "*")
	}
	return part, strings.Join(parts, ":"), true
}

// iamResourcePaths are the kinds of entity an IAM resource ARN may name.
var iamResourcePaths = []string{"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"}

func iamResourcePath(p string) bool {
	if p == "*" || p == "root" {
		return true
	}
	for _, k := range iamResourcePaths {
		if strings.HasPrefix(p, k) {
			return true
		}
	}
	return false
}

func trustAction(a string) bool {
	la := strings.ToLower(a)
	if la == "*" || la == "sts:*" {
		return true
	}
	switch la {
	case "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
		"sts:tagsession", "sts:setsourceidentity", "sts:setcontext", "sts:assumeroot":
		return true
	}
	return strings.HasPrefix(la, "sts:") && strings.ContainsAny(la, "*?")
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
			return false
		}
	}
	return true
}

// principal compiles a Principal/NotPrincipal value.
func (c *compiler) principal(n *node, path string) *principalSpec {
	ps := &principalSpec{}
	if n.kind == jString {
		if n.str != "*" {
			c.fail(phaseSyntax, n, path, msgSyntax)
			return ps
		}
		ps.any, ps.star = true, true
		return ps
	}
	if n.kind != jObject || len(n.members) == 0 {
		c.fail(phaseSyntax, n, path, msgSyntax)
		return ps
	}
	for _, m := range n.members {
		mpath := path + "." + m.key
		list, arr, ok := c.stringList(m.val, mpath)
		if !ok {
			continue
		}
		ps.src = append(ps.src, principalEntry{typ: m.key, values: list, array: arr})
		for i, v := range list {
			vn, vpath := elemNode(m.val, i), elemPath(mpath, m.val, i)
			switch m.key {
			case "AWS":
				if !ps.addAWS(v) {
					c.fail(phaseSyntax, vn, vpath, msgInvalidPrincipal("AWS", v))
				}
			case "Service":
				if v == "*" {
					ps.any = true
				} else if v == "" || strings.ContainsAny(v, "*? ") {
					c.fail(phaseSyntax, vn, vpath, msgInvalidPrincipal("Service", v))
				}
				ps.services = append(ps.services, strings.ToLower(v))
			case "Federated":
				if v == "" {
					c.fail(phaseSyntax, vn, vpath, msgInvalidPrincipal("Federated", v))
				}
				ps.federated = append(ps.federated, v)
			case "CanonicalUser":
				if v == "" {
					c.fail(phaseSyntax, vn, vpath, msgInvalidPrincipal("CanonicalUser", v))
				}
				ps.canonical = append(ps.canonical, v)
			default:
				c.fail(phaseSyntax, m.val, mpath, msgSyntax)
			}
		}
	}
	return ps
}

// conditions compiles a Condition block.
func (c *compiler) conditions(s *statement, n *node, path string, vars bool) {
	if n.kind != jObject {
		c.fail(phaseSyntax, n, path, msgSyntax)
		return
	}
	s.hasCond = true
	for gi, m := range n.members {
		opPath := path + "." + m.key
		op, neg, ifExists, set, ok := parseOperator(m.key)
		if m.val.kind != jObject {
			c.fail(phaseSyntax, m.val, opPath, msgSyntax)
			continue
		}
		if !ok {
			c.fail(phaseSyntax, m.val, opPath, msgSyntax)
			continue
		}
		for _, km := range m.val.members {
			kpath := opPath + "." + km.key
			if !strings.Contains(km.key, ":") {
				c.fail(phaseVendor, km.val, kpath, msgVendor)
			}
			raw, arr, ok := c.condValues(km.val, kpath)
			if !ok {
				continue
			}
			cd := condition{
				opName: m.key, group: gi, op: op, neg: neg, ifExists: ifExists, set: set,
				keyName: km.key, key: strings.ToLower(km.key), raw: raw, rawArr: arr,
			}
			for i, v := range raw {
				cv := compileValue(op, v, vars)
				if (op >= opDateEquals && op <= opDateGreaterThanEquals) && !cv.ok {
					c.fail(phaseLegacy, elemNode(km.val, i), elemPath(kpath, km.val, i), msgLegacy)
				}
				cd.vals = append(cd.vals, cv)
			}
			s.conds = append(s.conds, cd)
		}
	}
}

// condValues reads a condition value: a string, number or boolean, or an
// array of them. Numbers and booleans become their JSON text.
func (c *compiler) condValues(n *node, path string) ([]string, bool, bool) {
	scalar := func(e *node) (string, bool) {
		switch e.kind {
		case jString, jNumber:
			return e.str, true
		case jBool:
			if e.b {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if n.kind == jArray {
		out := make([]string, 0, len(n.elems))
		for i, e := range n.elems {
			v, ok := scalar(e)
			if !ok {
				c.fail(phaseSyntax, e, path+"["+strconv.Itoa(i)+"]", msgSyntax)
				return nil, true, false
			}
			out = append(out, v)
		}
		return out, true, true
	}
	v, ok := scalar(n)
	if !ok {
		c.fail(phaseSyntax, n, path, msgSyntax)
		return nil, false, false
	}
	return []string{v}, false, true
}

// Reparse compiles a document that was accepted before, such as one read
// back from a decision log, without the checks that only guard what callers
// may store now (Version and Sid spelling), so that an explanation can be
// rebuilt exactly as the engine saw the policy.
func Reparse(doc []byte, kind Kind) (*Policy, error) {
	return parse(doc, kind, parseOptions{anyVersion: true, anySid: true})
}
