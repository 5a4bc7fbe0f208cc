// Package policy is seki's IAM policy language: it parses and validates
// policy documents of every kind with AWS's MalformedPolicyDocument
// messages, compiles them once, and evaluates requests against a Set of
// policies with AWS's whole decision logic (explicit deny, SCPs and RCPs,
// resource and identity policies, permissions boundaries, session
// policies), returning a compact Decision (Evaluate, the hot path) or a
// full Explanation (Explain).
//
// The package is pure: no I/O, no clocks, no goroutines.
package policy

import "unicode/utf8"

// Policy is a parsed, validated and compiled policy document. It is
// immutable after Parse (except Name, which callers set before sharing it)
// and safe for concurrent use.
type Policy struct {
	// Name labels the policy in explanations: a managed policy ARN, an inline
	// policy name, "resource policy"... Callers set it.
	Name string
	// Kind is the kind the document was validated as.
	Kind Kind

	src       []byte
	version   string
	id        string
	hasID     bool
	stmts     []statement
	stmtArray bool
	denies    []int32 // indexes of Deny statements
	// Allow statements of resource and trust policies by the callers their
	// Principal can name: IAM principals, AWS services, anonymous callers,
	// web identities (Federated).
	allowAWS, allowService, allowAnon, allowFederated []int32
}

// Source returns the document exactly as given to Parse.
func (p *Policy) Source() []byte { return p.src }

// Version returns the document's Version ("" when absent).
func (p *Policy) Version() string { return p.version }

// Len returns the number of statements.
func (p *Policy) Len() int { return len(p.stmts) }

// Sid returns the Sid of statement i ("" when it has none).
func (p *Policy) Sid(i int) string {
	if i < 0 || i >= len(p.stmts) {
		return ""
	}
	return p.stmts[i].sid
}

// Size returns the length of doc as AWS counts it for quotas: characters,
// not counting whitespace outside string literals.
func Size(doc []byte) int {
	n := 0
	inStr, esc := false, false
	for i := 0; i < len(doc); {
		c := doc[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case inStr:
				n++
				if esc {
					esc = false
				} else if c == '\\' {
					esc = true
				} else if c == '"' {
					inStr = false
				}
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			default:
				n++
				if c == '"' {
					inStr = true
				}
			}
			continue
		}
		_, w := utf8.DecodeRune(doc[i:])
		i += w
		n++
		esc = false
	}
	return n
}
