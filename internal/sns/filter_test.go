package sns

import (
	"net/url"
	"testing"
)

func TestFilterPolicy(t *testing.T) {
	msg := func(q string) *message {
		p, _ := url.ParseQuery(q)
		m, err := readMessage(p, "", "messageAttributes")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	attrs := msg("Message=%7B%22kind%22%3A%22book%22%2C%22price%22%3A12%7D" +
		"&MessageAttributes.entry.1.Name=store&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=example_corp" +
		"&MessageAttributes.entry.2.Name=price&MessageAttributes.entry.2.Value.DataType=Number&MessageAttributes.entry.2.Value.StringValue=0210.75" +
		"&MessageAttributes.entry.3.Name=colors&MessageAttributes.entry.3.Value.DataType=String.Array&MessageAttributes.entry.3.Value.StringValue=%5B%22red%22%2C%22green%22%5D")
	cases := []struct {
		policy, scope string
		want          bool
	}{
		{`{"store":["example_corp"]}`, "", true},
		{`{"store":["other"]}`, "", false},
		{`{"price":[{"numeric":[">",200]}]}`, "", true},
		{`{"price":[210.75]}`, "", true},
		{`{"price":["0210.75"]}`, "", false},
		{`{"colors":["green"]}`, "", true},
		{`{"colors":[{"anything-but":["red","green"]}]}`, "", false},
		{`{"missing":[{"exists":false}],"store":[{"prefix":"example"}]}`, "", true},
		{`{"kind":["book"]}`, "MessageBody", true},
		{`{"price":[{"numeric":["<",10]}]}`, "MessageBody", false},
	}
	for _, tc := range cases {
		f, err := compileFilter(tc.policy, tc.scope, whereSubscribe)
		if err != nil {
			t.Fatalf("%s: %v", tc.policy, err)
		}
		sub := &subscription{filter: f, attrs: map[string]string{"FilterPolicyScope": tc.scope}}
		if got := sub.passes(attrs); got != tc.want {
			t.Errorf("%s (%s): passes = %v, want %v", tc.policy, tc.scope, got, tc.want)
		}
	}
	for policy, want := range map[string]string{
		`{"a":{"b":["c"]}}`:  msgFilterNested,
		`{"a":[],"b":["x"]}`: "Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed",
		`{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}`: "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys",
		`{"key":[{"suffix":100}]}`:                                      "Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string",
	} {
		_, err := compileFilter(policy, "", whereSubscribe)
		if err == nil || err.Error() != "InvalidParameter: "+want {
			t.Errorf("%s: got %v, want %s", policy, err, want)
		}
	}
}
