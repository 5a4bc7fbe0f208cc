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
	// Key is a KMS key policy: a resource policy (parsed and validated as
	// one) that is the primary authority over its key. Unlike other
	// resource policies, it must name the caller or the caller's account
	// even within the account: "Unless the key policy explicitly allows
	// it, you cannot use IAM policies to allow access to a KMS key"
	// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
	Key
)

func kindNames() [8]string {
	return [...]string{"identity", "resource", "trust", "boundary", "session", "scp", "rcp", "key"}
}

// ParseKind maps the lower-case names used by the CLI ("identity",
// "resource", "trust", "boundary", "session", "scp", "rcp", "key") to a Kind.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames() {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown policy type %q (want identity, resource, trust, boundary, session, scp, rcp or key)", s)
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
	case Resource, Key:
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
