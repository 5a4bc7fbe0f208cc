package policy

import (
	"fmt"
	"strings"

	"github.com/seki-dev/seki/internal/arn"
)

// PrincipalType says what kind of caller made a request.
type PrincipalType uint8

// The caller kinds. The String form of each (except Service) is the value of
// the aws:PrincipalType condition key.
const (
	Anonymous     PrincipalType = iota // unauthenticated caller
	Root                               // an account's root user ("Account")
	User                               // an IAM user
	AssumedRole                        // a role session
	FederatedUser                      // a GetFederationToken session
	Service                            // an AWS service principal such as s3.amazonaws.com
	// WebIdentity is a caller proven by an identity provider's token
	// (AssumeRoleWithWebIdentity): its ARN is the IAM provider's
	// (arn:aws:iam::A:oidc-provider/HOST), which a trust policy names as
	// a "Federated" principal.
	WebIdentity
)

// String returns the aws:PrincipalType value: "Anonymous", "Account",
// "User", "AssumedRole", "FederatedUser"; "Service" for service principals.
func (t PrincipalType) String() string {
	switch t {
	case Anonymous:
		return "Anonymous"
	case Root:
		return "Account"
	case User:
		return "User"
	case AssumedRole:
		return "AssumedRole"
	case FederatedUser:
		return "FederatedUser"
	case Service:
		return "Service"
	case WebIdentity:
		return "WebIdentityUser"
	}
	return fmt.Sprintf("PrincipalType(%d)", uint8(t))
}

// MarshalText encodes t as its String form.
func (t PrincipalType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Principal is the authenticated caller of a request.
type Principal struct {
	Type PrincipalType
	// ARN is what AccessDenied messages name: a user ARN,
	// arn:aws:sts::A:assumed-role/R/S, arn:aws:iam::A:root; for Service the
	// service name ("s3.amazonaws.com"); empty for Anonymous.
	ARN     string
	Account string
	// RoleARN is set for AssumedRole: arn:aws:iam::A:role/path/R. It is what
	// aws:PrincipalArn holds for a session and what a role ARN named in a
	// Principal element matches.
	RoleARN  string
	UserID   string            // aws:userid: "AIDA...", "AROA...:session", the account id for root
	Username string            // aws:username (IAM users only)
	Tags     map[string]string // aws:PrincipalTag/<key>
}

// principalArn returns the aws:PrincipalArn value: the role ARN for role
// sessions, the ARN otherwise.
func (p *Principal) principalArn() string {
	if p.Type == AssumedRole && p.RoleARN != "" {
		return p.RoleARN
	}
	if p.Type == Anonymous || p.Type == Service {
		return ""
	}
	return p.ARN
}

// ParsePrincipal reads the caller forms `seki policy simulate` accepts: a
// user ARN, a role ARN (treated as a session of that role), an assumed-role
// session ARN, a federated-user ARN, an account root ARN or bare account id,
// a service principal name ("s3.amazonaws.com"), or "anonymous".
func ParsePrincipal(s string) (Principal, error) {
	if s == "" {
		return Principal{}, fmt.Errorf("principal is empty")
	}
	if s == "anonymous" || s == "*" {
		return Principal{Type: Anonymous}, nil
	}
	if isAccountID(s) {
		return rootPrincipal("aws", s), nil
	}
	if !strings.HasPrefix(s, "arn:") {
		if isServiceName(s) {
			return Principal{Type: Service, ARN: s}, nil
		}
		return Principal{}, fmt.Errorf("principal %q is not an ARN, an account id, a service principal or \"anonymous\"", s)
	}
	a, err := arn.Parse(s)
	if err != nil {
		return Principal{}, fmt.Errorf("principal %q is not a valid ARN", s)
	}
	if !isAccountID(a.AccountID) {
		return Principal{}, fmt.Errorf("principal %q has no 12-digit account id", s)
	}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		return rootPrincipal(a.Partition, a.AccountID), nil
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		name := lastSegment(a.Resource)
		if name == "" {
			break
		}
		return Principal{Type: User, ARN: s, Account: a.AccountID, Username: name}, nil
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		name := lastSegment(a.Resource)
		if name == "" {
			break
		}
		// A role itself never signs requests; its sessions do. Naming the
		// role stands for "some session of this role".
		return Principal{Type: AssumedRole, ARN: s, Account: a.AccountID, RoleARN: s}, nil
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		parts := strings.Split(a.Resource, "/")
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			break
		}
		return Principal{Type: AssumedRole, ARN: s, Account: a.AccountID,
			RoleARN: "arn:" + a.Partition + ":iam::" + a.AccountID + ":role/" + parts[1]}, nil
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "federated-user/"):
		name := strings.TrimPrefix(a.Resource, "federated-user/")
		if name == "" {
			break
		}
		return Principal{Type: FederatedUser, ARN: s, Account: a.AccountID}, nil
	}
	return Principal{}, fmt.Errorf("principal %q is not a user, role, assumed-role, federated-user or root ARN", s)
}

func rootPrincipal(partition, account string) Principal {
	return Principal{Type: Root, ARN: "arn:" + partition + ":iam::" + account + ":root", Account: account, UserID: account}
}

func lastSegment(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isServiceName accepts "name.amazonaws.com" style principals (and the
// China/other partition forms, which also contain a dot and no spaces).
func isServiceName(s string) bool {
	if !strings.Contains(s, ".") || strings.ContainsAny(s, " \t:/*") {
		return false
	}
	return true
}
