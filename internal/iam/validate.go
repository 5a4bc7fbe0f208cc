package iam

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/protocol"
)

// rule is one member constraint from botocore's IAM model: length bounds and
// a pattern, reported the way AWS's request validation reports them.
type rule struct {
	min, max int    // length bounds in characters; max 0 means none
	text     string // the pattern as AWS prints it
	match    func(string) bool
}

func pattern(re string) func(string) bool {
	return regexp.MustCompile(re).MatchString
}

// The model's string types.
var (
	ruleUserName         = rule{1, 64, `[\w+=,.@-]+`, pattern(`^[\w+=,.@-]+$`)}
	ruleExistingUserName = rule{1, 128, `[\w+=,.@-]+`, ruleUserName.match}
	ruleGroupName        = rule{1, 128, `[\w+=,.@-]+`, ruleUserName.match}
	ruleRoleName         = rule{1, 64, `[\w+=,.@-]+`, ruleUserName.match}
	rulePolicyName       = rule{1, 128, `[\w+=,.@-]+`, ruleUserName.match}
	rulePath             = rule{1, 512, `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, pattern(`^(/|/[\x21-\x7E]+/)$`)}
	rulePathPrefix       = rule{1, 512, `\u002F[\u0021-\u007F]*`, pattern(`^/[\x21-\x7F]*$`)}
	rulePolicyPath       = rule{1, 512, `((/[A-Za-z0-9\.,\+@=_-]+)*)/`, pattern(`^((/[A-Za-z0-9\.,\+@=_-]+)*)/$`)}
	ruleARN              = rule{20, 2048, "", nil}
	ruleAttachARN        = rule{1, 2048, "", nil}
	ruleDocument         = rule{1, 131072, `[\u0009\u000A\u000D\u0020-\u00FF]+`, latin1Text}
	ruleRoleDescription  = rule{0, 1000, `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`, pattern(`^[\t\n\r\x{20}-\x{7E}\x{A1}-\x{FF}]*$`)}
	rulePolicyDesc       = rule{0, 1000, "", nil}
	ruleMarker           = rule{1, 320, `[\u0020-\u00FF]+`, pattern(`^[\x{20}-\x{FF}]+$`)}
	ruleTagKey           = rule{1, 128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, pattern(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)}
	ruleTagValue         = rule{0, 256, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, pattern(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)}
	ruleAccessKeyID      = rule{16, 128, `[\w]+`, pattern(`^\w+$`)}
	ruleVersionID        = rule{0, 0, `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`, pattern(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)}
	ruleActionName       = rule{3, 128, "", nil}
	ruleResourceName     = rule{1, 2048, "", nil}
	ruleContextKey       = rule{5, 256, "", nil}
)

// latin1Text matches policy documents: tab, newline, carriage return and the
// printable Latin-1 range (invalid UTF-8 decodes to U+FFFD, outside it). A
// plain loop, as documents run up to 128 KiB.
func latin1Text(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)) {
			return false
		}
	}
	return true
}

// params reads one request's query parameters and collects the validation
// errors AWS would report for them, in member order.
type params struct {
	v    url.Values
	errs []string
}

func newParams(r *protocol.Request) *params { return &params{v: r.Params} }

func (p *params) fail(value *string, field, constraint string) {
	v := "null"
	if value != nil {
		v = "'" + *value + "'"
	}
	p.errs = append(p.errs, fmt.Sprintf(msgViolationFmt, v, field, constraint))
}

// err returns the ValidationError for everything collected, or nil.
// failHidden records a violation whose value AWS leaves out of the
// message (a credential id, a status).
func (p *params) failHidden(field, constraint string) {
	p.errs = append(p.errs, fmt.Sprintf(msgViolationHiddenFmt, field, constraint))
}

// hidden reads a required member whose violations name no value.
func (p *params) hidden(name string, r rule) string {
	vs, ok := p.v[name]
	if !ok || len(vs) == 0 {
		p.fail(nil, field(name), "Member must not be null")
		return ""
	}
	violations(vs[0], r, func(constraint string) { p.failHidden(field(name), constraint) })
	return vs[0]
}

func (p *params) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	n := len(p.errs)
	noun := "error"
	if n > 1 {
		noun = "errors"
	}
	return errValidation.Errorf(msgViolationsFmt, n, noun, strings.Join(p.errs, "; "))
}

// check applies r to value (present) reporting under field.
func (p *params) check(value, field string, r rule) {
	violations(value, r, func(constraint string) { p.fail(&value, field, constraint) })
}

// violations reports each constraint of r that value breaks.
func violations(value string, r rule, report func(constraint string)) {
	n := utf8.RuneCountInString(value)
	if n < r.min {
		report("Member must have length greater than or equal to " + strconv.Itoa(r.min))
	}
	if r.max > 0 && n > r.max {
		report("Member must have length less than or equal to " + strconv.Itoa(r.max))
	}
	if r.match != nil && !r.match(value) {
		report("Member must satisfy regular expression pattern: " + r.text)
	}
}

// field names a member the way AWS's validation messages do: lower camel
// case ("UserName" → "userName").
func field(name string) string {
	if name == "" {
		return name
	}
	return strings.ToLower(name[:1]) + name[1:]
}

// required reads a required string member.
func (p *params) required(name string, r rule) string {
	vs, ok := p.v[name]
	if !ok || len(vs) == 0 {
		p.fail(nil, field(name), "Member must not be null")
		return ""
	}
	p.check(vs[0], field(name), r)
	return vs[0]
}

// optional reads an optional string member; ok reports presence.
func (p *params) optional(name string, r rule) (string, bool) {
	vs, ok := p.v[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	p.check(vs[0], field(name), r)
	return vs[0], true
}

// integer reads an optional integer member bounded by [min, max].
func (p *params) integer(name string, min, max int) (int, bool) {
	s := p.v.Get(name)
	if _, ok := p.v[name]; !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		p.fail(&s, field(name), "Member must be a number")
		return 0, false
	}
	if n < min {
		p.fail(&s, field(name), "Member must have value greater than or equal to "+strconv.Itoa(min))
	}
	if n > max {
		p.fail(&s, field(name), "Member must have value less than or equal to "+strconv.Itoa(max))
	}
	return n, true
}

// boolean reads an optional boolean member.
func (p *params) boolean(name string) bool {
	s := p.v.Get(name)
	return strings.EqualFold(s, "true")
}

// enum reads an optional member restricted to values.
func (p *params) enum(name string, values ...string) (string, bool) {
	vs, ok := p.v[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	for _, v := range values {
		if vs[0] == v {
			return v, true
		}
	}
	p.fail(&vs[0], field(name), "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
	return vs[0], true
}

// list reads a list of strings ("Name.member.N"), checking each element.
func (p *params) list(name string, r rule, maxLen int) []string {
	items := protocol.Members(p.v, name+".member")
	if maxLen > 0 && len(items) > maxLen {
		s := "[" + strings.Join(items, ", ") + "]"
		p.fail(&s, field(name), "Member must have length less than or equal to "+strconv.Itoa(maxLen))
	}
	for i, it := range items {
		p.check(it, field(name)+"."+strconv.Itoa(i+1)+".member", r)
	}
	return items
}

// page reads Marker and MaxItems.
func (p *params) page() page {
	var pg page
	pg.marker, _ = p.optional("Marker", ruleMarker)
	pg.max = 100
	if n, ok := p.integer("MaxItems", 1, 1000); ok {
		pg.max = n
	}
	return pg
}

// tags reads a "Tags.member.N.Key/Value" list.
func (p *params) tags() []tag {
	entries := protocol.MemberStructs(p.v, "Tags.member", "Key", "Value")
	if len(entries) > 50 {
		s := strconv.Itoa(len(entries)) + " tags"
		p.fail(&s, "tags", "Member must have length less than or equal to 50")
	}
	out := make([]tag, 0, len(entries))
	for i, e := range entries {
		prefix := "tags." + strconv.Itoa(i+1) + ".member."
		k, kok := e["Key"]
		v, vok := e["Value"]
		if !kok {
			p.fail(nil, prefix+"key", "Member must not be null")
		} else {
			p.check(k, prefix+"key", ruleTagKey)
		}
		if !vok {
			p.fail(nil, prefix+"value", "Member must not be null")
		} else {
			p.check(v, prefix+"value", ruleTagValue)
		}
		out = append(out, tag{Key: k, Value: v})
	}
	return out
}

// checkTagKeys rejects request tags whose keys collide case-insensitively.
func checkTagKeys(tags []tag) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return errInvalidInput.New(msgDuplicateTagKeys)
		}
		seen[k] = true
	}
	return nil
}
