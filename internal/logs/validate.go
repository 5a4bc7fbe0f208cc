package logs

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// CloudWatch Logs reports model-constraint violations as
// InvalidParameterException in AWS's request-framework form, for example
// "1 validation error detected: Value 'a:b' at 'logGroupName' failed to
// satisfy constraint: Member must satisfy regular expression pattern:
// [\.\-_/#A-Za-z0-9]+". For one value the pattern is reported before the
// length, as AWS does for an empty logGroupNamePrefix.
type violations []string

func (v *violations) add(value *string, member, constraint string) {
	s := "Value null"
	if value != nil {
		s = "Value '" + *value + "'"
	}
	*v = append(*v, s+" at '"+member+"' failed to satisfy constraint: "+constraint)
}

func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	n := strconv.Itoa(len(v)) + " validation error"
	if len(v) > 1 {
		n += "s"
	}
	return errInvalidParameter.New(n + " detected: " + strings.Join(v, "; "))
}

// strShape is a string member's constraints from the service model.
type strShape struct {
	min, max int
	pattern  string         // as AWS prints it
	re       *regexp.Regexp // anchored Go form of pattern
}

var (
	groupNameShape  = strShape{min: 1, max: 512, pattern: `[\.\-_/#A-Za-z0-9]+`, re: regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)}
	streamNameShape = strShape{min: 1, max: 512, pattern: `[^:*]*`, re: regexp.MustCompile(`^[^:*]*$`)}
	identifierShape = strShape{min: 1, max: 2048, pattern: `[\w#+=/:,.@-]*`, re: regexp.MustCompile(`^[\w#+=/:,.@-]*$`)}
	patternShape    = strShape{min: 0, max: 512, pattern: `[\.\-_/#A-Za-z0-9]*`, re: regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]*$`)}
	tokenShape      = strShape{min: 1}
	kmsShape        = strShape{max: 256}
	filterShape     = strShape{max: 1024}
)

// str checks an optional string member.
func (v *violations) str(value *string, member string, sh strShape) {
	if value == nil {
		return
	}
	if sh.re != nil && !sh.re.MatchString(*value) {
		v.add(value, member, "Member must satisfy regular expression pattern: "+sh.pattern)
	}
	n := javaLen(*value)
	if n < sh.min {
		v.add(value, member, "Member must have length greater than or equal to "+strconv.Itoa(sh.min))
	}
	if sh.max > 0 && n > sh.max {
		v.add(value, member, "Member must have length less than or equal to "+strconv.Itoa(sh.max))
	}
}

// required checks a required string member.
func (v *violations) required(value *string, member string, sh strShape) {
	if value == nil {
		v.add(nil, member, "Member must not be null")
		return
	}
	v.str(value, member, sh)
}

// intRange checks an optional integer member.
func (v *violations) intRange(value *int64, member string, min, max int64) {
	if value == nil {
		return
	}
	s := strconv.FormatInt(*value, 10)
	if *value < min {
		v.add(&s, member, "Member must have value greater than or equal to "+strconv.FormatInt(min, 10))
	}
	if *value > max {
		v.add(&s, member, "Member must have value less than or equal to "+strconv.FormatInt(max, 10))
	}
}

// enum checks an optional enumerated member.
func (v *violations) enum(value *string, member string, allowed ...string) {
	if value == nil {
		return
	}
	for _, a := range allowed {
		if *value == a {
			return
		}
	}
	v.add(value, member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

// javaLen is a string's length as AWS's Java model validation counts it,
// in UTF-16 code units.
func javaLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

var (
	tagKeyRe   = regexp.MustCompile(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`)
	tagValueRe = regexp.MustCompile(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
)

// tags checks a tags map: 1 to 50 entries, keys of 1 to 128 and values of
// at most 256 characters from the model's patterns.
// unconfirmed: the wording AWS uses for map-member violations.
func (v *violations) tags(tags map[string]string) {
	if tags == nil {
		return
	}
	if len(tags) > 50 {
		s := "{...}"
		v.add(&s, "tags", "Member must have length less than or equal to 50")
	}
	for k, val := range tags {
		if n := javaLen(k); n < 1 || n > 128 || !tagKeyRe.MatchString(k) {
			v.add(&k, "tags", `Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]`)
			return
		}
		if javaLen(val) > 256 || !tagValueRe.MatchString(val) {
			v.add(&val, "tags", `Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$]`)
			return
		}
	}
}
