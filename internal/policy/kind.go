package policy

import "fmt"

// Kind says what a policy document is attached to. It decides which
// validation rules apply (Principal required or forbidden, Sid syntax) and
// which part of the evaluation the policy takes part in.
type Kind uint8

// The kinds of policy the engine understands.
const (
	Identity Kind = iota // identity-based policy: inline or managed, on a user, group or role
	Resource             // resource-based policy: Lambda function policy, S3 bucket policy
	Trust                // role trust policy (a resource policy on the role for sts:AssumeRole*)
	Boundary             // permissions boundary
	Session              // session policy passed to AssumeRole/GetFederationToken
	SCP                  // AWS Organizations service control policy
	RCP                  // AWS Organizations resource control policy
)

func kindNames() [7]string {
	return [...]string{"identity", "resource", "trust", "boundary", "session", "scp", "rcp"}
}

// ParseKind maps the lower-case names used by the CLI ("identity",
// "resource", "trust", "boundary", "session", "scp", "rcp") to a Kind.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames() {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown policy type %q (want identity, resource, trust, boundary, session, scp or rcp)", s)
}

// String returns the name ParseKind accepts.
func (k Kind) String() string {
	if names := kindNames(); int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes k as its name, so explanations marshal readably.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// describe returns the phrase AWS uses for this kind in AccessDenied
// messages ("identity-based policy", "service control policy", ...).
func (k Kind) describe() string {
	switch k {
	case Identity:
		return "identity-based policy"
	case Resource:
		return "resource-based policy"
	case Trust:
		// IAM's troubleshooting guide names trust policies on their own in
		// AccessDenied messages: "because no role trust policy allows ...".
		return "role trust policy"
	case Boundary:
		return "permissions boundary"
	case Session:
		return "session policy"
	case SCP:
		return "service control policy"
	case RCP:
		return "resource control policy"
	}
	return "policy"
}
