package logs

import (
	"fmt"
	"regexp"
	"unicode/utf16"
)

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
		v.add(&s, "tags", fmt.Sprintf(msgMaxLenFmt, 50))
	}
	for k, val := range tags {
		if n := javaLen(k); n < 1 || n > 128 || !tagKeyRe.MatchString(k) {
			v.add(&k, "tags", msgTagKeys)
			return
		}
		if javaLen(val) > 256 || !tagValueRe.MatchString(val) {
			v.add(&val, "tags", msgTagValues)
			return
		}
	}
}
