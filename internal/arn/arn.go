// Package arn parses, formats and matches Amazon Resource Names.
//
// An ARN has six colon-separated parts: "arn", partition, service, region,
// account and resource; the resource part is everything after the fifth
// colon and may itself contain colons (Lambda qualifiers, for example).
package arn

import (
	"errors"
	"strings"
)

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition string // "aws", "aws-cn", "aws-us-gov"
	Service   string // "lambda", "iam", "s3"
	Region    string // empty for global services
	AccountID string // empty for S3 buckets and objects
	Resource  string // everything after the fifth colon
}

// ErrMalformed is returned by Parse for strings that are not ARNs.
var ErrMalformed = errors.New("arn: malformed ARN")

// Parse splits s into its parts. It requires the "arn:" prefix and at least
// six parts; it does not check that the service or account is valid.
func Parse(s string) (ARN, error) {
	var parts [5]string
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, ErrMalformed
	}
	rest := s
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, ErrMalformed
		}
		parts[i] = rest[:j]
		rest = rest[j+1:]
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], AccountID: parts[4], Resource: rest}
	if a.Partition == "" || a.Service == "" {
		return ARN{}, ErrMalformed
	}
	return a, nil
}

// String formats a as "arn:partition:service:region:account:resource".
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// IsARN reports whether s parses as an ARN.
func IsARN(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// Account returns the account part of s, or "" when s is not an ARN or has
// no account (S3 buckets).
func Account(s string) string {
	a, err := Parse(s)
	if err != nil {
		return ""
	}
	return a.AccountID
}

// Split returns the six colon-separated parts of s the way ArnLike sees
// them: the first five colons separate, the sixth part is the rest. n is
// the number of parts found (fewer than six when s has fewer colons).
func Split(s string) (parts [6]string, n int) {
	rest := s
	for n < 5 {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			break
		}
		parts[n] = rest[:j]
		rest = rest[j+1:]
		n++
	}
	parts[n] = rest
	return parts, n + 1
}

// Like reports whether value matches pattern with the semantics of the IAM
// ArnLike and ArnEquals condition operators: each of the six colon-delimited
// parts is matched on its own, case-sensitively, and each may contain the
// wildcards '*' (any run of characters) and '?' (one character).
func Like(pattern, value string) bool {
	if pattern == "*" {
		return true
	}
	pp, pn := Split(pattern)
	vp, vn := Split(value)
	if pn != vn {
		return false // components are compared one to one
	}
	for i := 0; i < pn; i++ {
		if !Glob(pp[i], vp[i]) {
			return false
		}
	}
	return true
}

// Glob reports whether s matches pattern, where '*' matches any run of
// characters (including none) and '?' matches exactly one character.
// Matching is byte-wise and case-sensitive, except that '?' consumes one
// whole UTF-8 character.
func Glob(pattern, s string) bool {
	return glob(pattern, s, false)
}

// GlobFold is Glob with ASCII case folding.
func GlobFold(pattern, s string) bool {
	return glob(pattern, s, true)
}

func glob(p, s string, fold bool) bool {
	// Iterative matcher with single-star backtracking: linear in practice
	// and never recursive, so hostile patterns cannot blow the stack.
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				if w := runeLen(s[si]); si+w <= len(s) {
					si += w
				} else {
					si++
				}
				pi++
				continue
			default:
				if eqByte(c, s[si], fold) {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP+1, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func runeLen(b byte) int {
	switch {
	case b < 0xC0:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	default:
		return 4
	}
}

func eqByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}
