package policy

import (
	"strings"

	"github.com/seki-dev/seki/internal/arn"
)

// principalSpec is a compiled Principal or NotPrincipal element.
type principalSpec struct {
	any       bool     // "*" or {"AWS":"*"}
	star      bool     // written as the bare string "*"
	accounts  []string // account ids, from "123456789012" or arn:aws:iam::123456789012:root
	arns      []string // user, assumed-role session and federated-user ARNs
	roles     []roleRef
	services  []string // lower-cased service principal names
	federated []string
	canonical []string
	// ids are unique ids (AIDA…, AROA…) that IAM writes in place of a
	// user or role ARN when that entity is deleted.
	ids []string
	src []principalEntry // as written, in order, for printing
}

type principalEntry struct {
	typ    string // "AWS", "Service", "Federated", "CanonicalUser"
	values []string
	array  bool
}

// roleRef is a role named by ARN; it matches every session of the role.
// Roles are matched by account and name: role names are unique within an
// account regardless of path, and a session ARN does not carry the path.
type roleRef struct {
	account, name string
}

// grant ranks how a resource-policy Allow named the caller, which decides
// whether it is enough on its own (IAM-EVALUATION §2).
type grant uint8

const (
	grantNone    grant = iota
	grantAccount       // the caller's account: delegates to its identity policies
	grantRole          // the caller's role ARN: boundary and session policy still apply
	grantFull          // the caller itself ("*", user ARN, session ARN, service)
)

// addAWS adds one AWS principal value; it reports false for values AWS
// rejects (not an account id, root/user/role/session ARN or "*").
func (ps *principalSpec) addAWS(v string) bool {
	switch {
	case v == "*":
		ps.any = true
		return true
	case isAccountID(v):
		ps.accounts = append(ps.accounts, v)
		return true
	case strings.ContainsAny(v, "*?"):
		return false // no partial wildcards in principals
	case isUniqueID(v):
		ps.ids = append(ps.ids, v)
		return true
	}
	a, err := arn.Parse(v)
	if err != nil || !isAccountID(a.AccountID) {
		return false
	}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		ps.accounts = append(ps.accounts, a.AccountID)
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/") && lastSegment(a.Resource) != "":
		ps.roles = append(ps.roles, roleRef{a.AccountID, lastSegment(a.Resource)})
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/") && lastSegment(a.Resource) != "":
		ps.arns = append(ps.arns, v)
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/") && strings.Count(a.Resource, "/") == 2:
		ps.arns = append(ps.arns, v)
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "federated-user/"):
		ps.arns = append(ps.arns, v)
	default:
		return false
	}
	return true
}

// isUniqueID reports whether v is an IAM user's or role's unique id, as IAM
// stores a principal whose entity was deleted: so that a successor of the
// same name is not trusted.
func isUniqueID(v string) bool {
	if len(v) < 16 || (!strings.HasPrefix(v, "AIDA") && !strings.HasPrefix(v, "AROA")) {
		return false
	}
	for i := 4; i < len(v); i++ {
		if c := v[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// idOf is the unique id of p's user or role: aws:userid up to the session
// name.
func idOf(p *Principal) string {
	id, _, _ := strings.Cut(p.UserID, ":")
	return id
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (ps *principalSpec) hasRole(roleARN string) bool {
	if len(ps.roles) == 0 || roleARN == "" {
		return false
	}
	acct := arn.Account(roleARN)
	name := lastSegment(roleARN)
	for _, r := range ps.roles {
		if r.account == acct && r.name == name {
			return true
		}
	}
	return false
}

// match says how the Principal element names p.
func (ps *principalSpec) match(p *Principal) grant {
	if ps.any {
		return grantFull
	}
	switch p.Type {
	case Anonymous:
		return grantNone
	case Service:
		if containsFold(ps.services, p.ARN) {
			return grantFull
		}
		return grantNone
	case WebIdentity:
		// Only a "Federated" principal naming the provider admits a web
		// identity; its account's root does not.
		if contains(ps.federated, p.ARN) {
			return grantFull
		}
		return grantNone
	}
	if p.ARN != "" && contains(ps.arns, p.ARN) {
		return grantFull
	}
	if p.Type == AssumedRole && ps.hasRole(p.RoleARN) {
		return grantRole
	}
	if len(ps.ids) > 0 && (p.Type == User || p.Type == AssumedRole) && contains(ps.ids, idOf(p)) {
		if p.Type == User {
			return grantFull
		}
		return grantRole
	}
	if p.Account != "" && contains(ps.accounts, p.Account) {
		if p.Type == Root {
			return grantFull
		}
		return grantAccount
	}
	return grantNone
}

// excludes reports whether a NotPrincipal element lists p. AWS checks every
// identity the request carries — the session, its role and the account —
// so each must be listed for the principal to be left out.
func (ps *principalSpec) excludes(p *Principal) bool {
	if ps.any {
		return true
	}
	switch p.Type {
	case Anonymous:
		return false
	case Service:
		return containsFold(ps.services, p.ARN)
	case WebIdentity:
		return contains(ps.federated, p.ARN)
	case Root:
		return contains(ps.accounts, p.Account)
	case AssumedRole:
		if !contains(ps.accounts, p.Account) || !ps.hasRole(p.RoleARN) {
			return false
		}
		// A caller given only as its role ARN has no session ARN to list.
		return p.ARN == p.RoleARN || contains(ps.arns, p.ARN)
	default: // User, FederatedUser
		return contains(ps.accounts, p.Account) && contains(ps.arns, p.ARN)
	}
}
