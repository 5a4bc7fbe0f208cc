package sns

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/pattern"
)

// maxFilterKeys is SNS's limit on the keys of a filter policy.
const maxFilterKeys = 5

// compileFilter validates and compiles a subscription's FilterPolicy. With
// the default scope (MessageAttributes) the policy names attributes, so it
// cannot nest; with MessageBody it applies to the message as JSON.
func compileFilter(doc, scope, where string) (*pattern.Pattern, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err == nil {
		if len(top) > maxFilterKeys {
			return nil, filterPolicyError(where, reasonFilterKeys)
		}
		if scope != "MessageBody" {
			for k, v := range top {
				if k != "$or" && strings.HasPrefix(strings.TrimSpace(string(v)), "{") {
					return nil, errInvalidParameter.New(msgFilterNested)
				}
			}
		}
	}
	p, err := pattern.Compile(doc)
	if err != nil {
		var pe *pattern.PatternError
		if errors.As(err, &pe) {
			return nil, filterPolicyError(where, pe.Reason)
		}
		return nil, filterPolicyError(where, err.Error())
	}
	return p, nil
}

// passes reports whether a message passes the subscription's filter
// policy. Attributes filter as their types say: String as a string,
// Number as a number, String.Array as its elements; Binary attributes are
// not filtered on (SNS Developer Guide, "Subscription filter policies").
// A body that is not JSON passes no MessageBody policy.
func (sub *subscription) passes(m *message) bool {
	if sub.filter == nil {
		return true
	}
	var doc []byte
	if sub.attrs["FilterPolicyScope"] == "MessageBody" {
		doc = []byte(m.body)
	} else {
		obj := make(map[string]json.RawMessage, len(m.attrs))
		for _, a := range m.attrs {
			base, _, _ := strings.Cut(a.dataType, ".")
			switch {
			case a.dataType == "String.Array" && json.Valid([]byte(a.stringValue)):
				obj[a.name] = json.RawMessage(a.stringValue)
			case base == "Number":
				// Publish checked it parses; written as JSON reads it.
				if f, err := strconv.ParseFloat(a.stringValue, 64); err == nil {
					obj[a.name] = json.RawMessage(strconv.FormatFloat(f, 'g', -1, 64))
				}
			case base == "String":
				b, _ := json.Marshal(a.stringValue)
				obj[a.name] = b
			}
		}
		doc, _ = json.Marshal(obj)
	}
	ev, err := pattern.Flatten(doc)
	return err == nil && sub.filter.Match(ev)
}
