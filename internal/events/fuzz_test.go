package events

import (
	"encoding/json"
	"testing"
)

// FuzzParseBus: any EventBusName either is refused with a validation error
// or names a bus whose ARN reads back as the same bus.
func FuzzParseBus(f *testing.F) {
	for _, s := range []string{"", "default", "orders", "a/b", "bad name", "arn:aws:events:us-east-1:222222222222:event-bus/shared",
		"arn:aws:events:us-east-1:2222:event-bus/x", "arn:aws:events:us-east-1:222222222222:rule/x", "arn:aws-cn:events:cn-north-1:222222222222:event-bus/a.b-c_d"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, v string, arnOK bool) {
		ref, err := parseBus("us-east-1", "111111111111", v, arnOK, "eventBusName")
		if err != nil {
			return
		}
		m := busARNPattern.FindStringSubmatch(ref.arn)
		if m == nil || m[1] != ref.region || m[2] != ref.account || m[3] != ref.name || ref.name == "" {
			t.Fatalf("%q: ref %+v has ARN %q", v, ref, ref.arn)
		}
		if !arnOK && ref.account != "111111111111" {
			t.Fatalf("%q: a name reached another account: %+v", v, ref)
		}
	})
}

// FuzzBusPolicy: a stored policy of any shape is read without a panic, and
// a statement PutPermission accepts is a policy statement the policy
// language reads, found again by its id.
func FuzzBusPolicy(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"*"}]}`,
		"events:PutEvents", "222222222222", "s1", "StringEquals", "aws:PrincipalOrgID", "o-1234567890")
	f.Add(`{"Statement":{"Sid":"one"}}`, "events:PutRule", "*", "x", "", "", "")
	f.Add(`{"Statement":7}`, "events:", "12", "bad id", "StringLike", "aws:PrincipalOrgID", `o-"`)
	f.Fuzz(func(t *testing.T, doc, action, principal, sid, ctype, ckey, cval string) {
		statements(doc)
		in := &busInput{Action: action, Principal: principal, StatementId: sid, ref: busRef{arn: "arn:aws:events:us-east-1:111111111111:event-bus/b"}}
		if ctype != "" {
			in.Condition = &condition{Type: ctype, Key: ckey, Value: cval}
		}
		if validatePermission(in) != nil {
			return
		}
		st, err := statement(in)
		if err != nil {
			t.Fatal(err)
		}
		text, err := marshal(busPolicyDoc{Version: "2012-10-17", Statement: []json.RawMessage{st}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseBusPolicy(string(text)); err != nil && in.Condition == nil {
			t.Fatalf("statement %s: %v", text, err)
		}
		list, err := statements(string(text))
		if err != nil || len(list) != 1 || list[0].sid != sid {
			t.Fatalf("statements(%s) = %+v, %v", text, list, err)
		}
	})
}
