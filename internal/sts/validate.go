package sts

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// AWS checks every input member against the constraints of the service
// model and reports all failures at once, as
//
//	2 validation errors detected: Value 'a:b' at 'roleSessionName' failed to
//	satisfy constraint: Member must satisfy regular expression pattern:
//	[\w+=,.@-]*; Value ...
//
// The member is named in lower camel case, list members by their path
// ('tags.1.member.key'); for one member the pattern is reported before the
// length. The patterns below are the model's, printed as AWS prints them
// and compiled as whole-string matches (Java's matches()).

// constraint is one string member's rules from the service model.
type constraint struct {
	min, max int // in UTF-16 code units, as Java counts; max 0 means none
	pattern  string
	re       *regexp.Regexp
}

func strConstraint(min, max int, pattern, goPattern string) constraint {
	return constraint{min: min, max: max, pattern: pattern, re: regexp.MustCompile(`^(?:` + goPattern + `)$`)}
}

// The string shapes STS inputs use.
var (
	arnShape = strConstraint(20, 2048,
		`[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`,
		`[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{0085}\x{00A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]+`)
	roleSessionNameShape = strConstraint(2, 64, `[\w+=,.@-]*`, `[\w+=,.@-]*`)
	// serviceSessionNameShape is for sessions a service names itself:
	// Lambda names its execution role's session after the function, and a
	// function name may be one character long.
	serviceSessionNameShape = strConstraint(1, 64, `[\w+=,.@-]*`, `[\w+=,.@-]*`)
	sourceIdentityShape     = strConstraint(2, 64, `[\w+=,.@-]*`, `[\w+=,.@-]*`)
	externalIDShape         = strConstraint(2, 1224, `[\w+=,.@:\/-]*`, `[\w+=,.@:\/-]*`)
	serialNumberShape       = strConstraint(9, 256, `[\w+=/:,.@-]*`, `[\w+=/:,.@-]*`)
	tokenCodeShape          = strConstraint(6, 6, `[\d]*`, `[\d]*`)
	// sessionPolicyShape bounds the inline session policy at 2,048
	// characters, as the model's sessionPolicyDocumentType does for
	// AssumeRoleWithSAML, AssumeRoleWithWebIdentity and GetFederationToken.
	// Recent models give AssumeRole's Policy an unrestrictedSessionPolicy-
	// DocumentType with no maximum, but the API reference still says "The
	// plaintext that you use for both inline and managed session policies
	// can't exceed 2,048 characters". seki enforces the documented limit
	// with the model's length error, as AWS's validation reports it for the
	// bounded shape; unconfirmed: what AWS answers for AssumeRole since the
	// model dropped the bound.
	sessionPolicyShape = strConstraint(1, maxSessionPolicy, `[\u0009\u000A\u000D\u0020-\u00FF]+`, `[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)
	tagKeyShape        = strConstraint(1, 128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	tagValueShape      = strConstraint(0, 256, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
)

// violations collects validation failures in member order.
type violations []string

func (v *violations) add(value, member, rule string) {
	*v = append(*v, fmt.Sprintf(msgViolationFmt, value, member, rule))
}

// null reports a missing required member.
func (v *violations) null(member string) {
	*v = append(*v, fmt.Sprintf(msgNullFmt, member))
}

// str checks a present string member against c.
func (v *violations) str(value, member string, c constraint) {
	if !c.re.MatchString(value) {
		v.add(value, member, "satisfy regular expression pattern: "+c.pattern)
	}
	n := javaLen(value)
	if n < c.min {
		v.add(value, member, "have length greater than or equal to "+strconv.Itoa(c.min))
	}
	if c.max > 0 && n > c.max {
		v.add(value, member, "have length less than or equal to "+strconv.Itoa(c.max))
	}
}

// optional checks a member if the request has it.
func (v *violations) optional(p url.Values, name, member string, c constraint) (string, bool) {
	vs, ok := p[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	v.str(vs[0], member, c)
	return vs[0], true
}

// required checks a member the request must have.
func (v *violations) required(p url.Values, name, member string, c constraint) string {
	s, ok := v.optional(p, name, member, c)
	if !ok {
		v.null(member)
	}
	return s
}

// integer reads an optional integer member within [min, max]. ok is false
// when it is absent or not a number.
func (v *violations) integer(p url.Values, name, member string, min, max int) (n int, ok bool) {
	vs, present := p[name]
	if !present || len(vs) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(vs[0]))
	if err != nil {
		// unconfirmed: the text AWS uses for a non-numeric integer member.
		v.add(vs[0], member, "be a number")
		return 0, false
	}
	if n < min {
		v.add(strconv.Itoa(n), member, "have value greater than or equal to "+strconv.Itoa(min))
	}
	if n > max {
		v.add(strconv.Itoa(n), member, "have value less than or equal to "+strconv.Itoa(max))
	}
	return n, true
}

// err returns the ValidationError of all failures, or nil.
func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return errValidation.New(msgOneViolation + v[0])
	}
	return errValidation.Errorf(msgViolationsFmt, len(v), strings.Join(v, "; "))
}

// javaLen is the length of s in UTF-16 code units.
func javaLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
