package pattern

import (
	"errors"
	"testing"
)

// The cases restate the rules of the EventBridge User Guide ("Content
// filtering in Amazon EventBridge event patterns"); the AWS-validated
// templates are replayed by TestPatternAWSTemplates where available.
func TestPatternMatch(t *testing.T) {
	const event = `{"version":"0","id":"1","detail-type":"Order Placed","source":"shop.orders","account":"111111111111",
		"time":"2026-12-07T12:00:00Z","region":"us-east-1","resources":["arn:aws:s3:::a","arn:aws:s3:::b"],
		"detail":{"state":"pending","count":5,"price":10.5,"zero":0,"flag":true,"none":null,"empty":"",
		"ip":"10.0.0.7","path":"/users/x/doc.txt","items":[{"sku":"a1","qty":1},{"sku":"b2","qty":3}],
		"nested":{"deep":{"leaf":"v"}},"dotted.key":"d","tags":["red","green"]}}`
	ev, err := Flatten([]byte(event))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, pattern string
		want          bool
	}{
		{"exact source", `{"source":["shop.orders"]}`, true},
		{"exact source, other value", `{"source":["shop.billing"]}`, false},
		{"one of several values", `{"source":["x","shop.orders"]}`, true},
		{"two fields, both match", `{"source":["shop.orders"],"detail-type":["Order Placed"]}`, true},
		{"two fields, one fails", `{"source":["shop.orders"],"detail-type":["Order Shipped"]}`, false},
		{"case sensitive values", `{"source":["Shop.Orders"]}`, false},
		{"case sensitive keys", `{"Source":["shop.orders"]}`, false},
		{"nested field", `{"detail":{"state":["pending"]}}`, true},
		{"deeply nested", `{"detail":{"nested":{"deep":{"leaf":["v"]}}}}`, true},
		{"missing field", `{"detail":{"nope":["x"]}}`, false},
		{"pattern names an object where the event has a value", `{"detail":{"state":{"x":["pending"]}}}`, false},
		{"leaf pattern on an object", `{"detail":{"nested":["v"]}}`, false},
		{"dotted event key joins like nesting", `{"detail":{"dotted":{"key":["d"]}}}`, true},
		{"array in event: any element", `{"resources":["arn:aws:s3:::b"]}`, true},
		{"array in event: none", `{"resources":["arn:aws:s3:::c"]}`, false},
		{"array of objects", `{"detail":{"items":{"sku":["b2"]}}}`, true},
		{"number exact", `{"detail":{"count":[5]}}`, true},
		{"number exact, other notation", `{"detail":{"count":[5.0]}}`, true},
		{"number is not a string", `{"detail":{"count":["5"]}}`, false},
		{"string is not a number", `{"detail":{"state":[5]}}`, false},
		{"bool", `{"detail":{"flag":[true]}}`, true},
		{"bool other", `{"detail":{"flag":[false]}}`, false},
		{"null", `{"detail":{"none":[null]}}`, true},
		{"null does not match a value", `{"detail":{"state":[null]}}`, false},
		{"empty string", `{"detail":{"empty":[""]}}`, true},
		{"prefix", `{"source":[{"prefix":"shop."}]}`, true},
		{"prefix no", `{"source":[{"prefix":"aws."}]}`, false},
		{"prefix ignore case", `{"source":[{"prefix":{"equals-ignore-case":"SHOP."}}]}`, true},
		{"suffix", `{"detail":{"path":[{"suffix":".txt"}]}}`, true},
		{"suffix no", `{"detail":{"path":[{"suffix":".png"}]}}`, false},
		{"equals-ignore-case", `{"detail-type":[{"equals-ignore-case":"order placed"}]}`, true},
		{"wildcard", `{"detail":{"path":[{"wildcard":"/users/*/doc.txt"}]}}`, true},
		{"wildcard no", `{"detail":{"path":[{"wildcard":"/admins/*"}]}}`, false},
		{"wildcard star matches empty", `{"detail":{"path":[{"wildcard":"*/users/x/doc.txt*"}]}}`, true},
		{"anything-but string", `{"detail":{"state":[{"anything-but":"done"}]}}`, true},
		{"anything-but the value", `{"detail":{"state":[{"anything-but":"pending"}]}}`, false},
		{"anything-but list", `{"detail":{"state":[{"anything-but":["done","pending"]}]}}`, false},
		{"anything-but number", `{"detail":{"count":[{"anything-but":[1,2]}]}}`, true},
		{"anything-but missing field", `{"detail":{"nope":[{"anything-but":"x"}]}}`, false},
		{"anything-but prefix", `{"source":[{"anything-but":{"prefix":"aws."}}]}`, true},
		{"anything-but prefix, excluded", `{"source":[{"anything-but":{"prefix":"shop"}}]}`, false},
		{"anything-but suffix", `{"detail":{"path":[{"anything-but":{"suffix":".txt"}}]}}`, false},
		{"anything-but ignore case", `{"detail":{"state":[{"anything-but":{"equals-ignore-case":["PENDING"]}}]}}`, false},
		{"anything-but in an array: one element differs", `{"detail":{"tags":[{"anything-but":"red"}]}}`, true},
		{"numeric range", `{"detail":{"count":[{"numeric":[">",0,"<=",5]}]}}`, true},
		{"numeric range, outside", `{"detail":{"count":[{"numeric":[">",5]}]}}`, false},
		{"numeric equals", `{"detail":{"price":[{"numeric":["=",10.5]}]}}`, true},
		{"numeric zero", `{"detail":{"zero":[{"numeric":[">=",0,"<",1]}]}}`, true},
		{"numeric on a string", `{"detail":{"state":[{"numeric":[">",0]}]}}`, false},
		{"exists true", `{"detail":{"state":[{"exists":true}]}}`, true},
		{"exists true, missing", `{"detail":{"nope":[{"exists":true}]}}`, false},
		{"exists false, missing", `{"detail":{"nope":[{"exists":false}]}}`, true},
		{"exists false, present", `{"detail":{"state":[{"exists":false}]}}`, false},
		{"exists on an object is not a leaf", `{"detail":{"nested":[{"exists":true}]}}`, false},
		{"exists false under a missing parent", `{"detail":{"a":{"b":[{"exists":false}]}}}`, true},
		{"cidr", `{"detail":{"ip":[{"cidr":"10.0.0.0/24"}]}}`, true},
		{"cidr no", `{"detail":{"ip":[{"cidr":"10.0.1.0/24"}]}}`, false},
		{"$or: second branch", `{"detail":{"$or":[{"state":["done"]},{"count":[5]}]}}`, true},
		{"$or: no branch", `{"detail":{"$or":[{"state":["done"]},{"count":[6]}]}}`, false},
		{"$or with other fields", `{"source":["shop.orders"],"$or":[{"detail":{"state":["x"]}},{"detail-type":["Order Placed"]}]}`, true},
		{"$or with a failing field", `{"source":["nope"],"$or":[{"detail":{"state":["pending"]}},{"detail-type":["Order Placed"]}]}`, false},
		{"several matchers on one field", `{"detail":{"state":[{"prefix":"x"},"pending"]}}`, true},
		{"empty pattern matches everything", `{}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile(tc.pattern)
			if err != nil {
				t.Fatalf("compile %s: %v", tc.pattern, err)
			}
			if got := p.Match(ev); got != tc.want {
				t.Fatalf("%s: match = %v, want %v", tc.pattern, got, tc.want)
			}
		})
	}
}

func TestPatternInvalid(t *testing.T) {
	cases := []struct{ pattern, reason string }{
		{`[1]`, "Filter is not an object"},
		{`{"source":"x"}`, `"source" must be an object or an array`},
		{`{"source":5}`, `"source" must be an object or an array`},
		{`{"source":[]}`, "Empty arrays are not allowed"},
		{`{"source":[{"PREFIX":"x"}]}`, "Unrecognized match type PREFIX"},
		{`{"source":[{"prefix":5}]}`, "prefix match pattern must be a string"},
		{`{"source":[{"suffix":["a"]}]}`, "suffix match pattern must be a string"},
		{`{"source":[{"equals-ignore-case":1}]}`, "equals-ignore-case match pattern must be a string"},
		{`{"source":[{"wildcard":1}]}`, "wildcard match pattern must be a string"},
		{`{"source":[{"wildcard":"a**b"}]}`, "Consecutive wildcard characters at pos 2"},
		{`{"n":[{"numeric":5}]}`, "Value of numeric must be an array."},
		{`{"n":[{"numeric":["<","x"]}]}`, "Value of < must be numeric"},
		{`{"n":[{"numeric":[">",1,">",2]}]}`, "Bad numeric range operator: >"},
		{`{"s":[{"anything-but":{"prefix":""}}]}`, "Null prefix/suffix not allowed"},
		{`{"s":[{"anything-but":[null]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"s":[{"anything-but":{"equals-ignore-case":[1]}}]}`, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
		{`{"s":[{"anything-but":{"numeric":[">",1]}}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"ip":[{"cidr":"10.0.0.0"}]}`, "Malformed CIDR, one '/' required"},
		{`{"ip":[{"cidr":"10.0.0.0/x"}]}`, "Malformed CIDR, mask bits must be an integer"},
		{`{"ip":[{"cidr":"10.x.0.0/8"}]}`, "Nonstandard IP address: 10.x.0.0"},
	}
	for _, tc := range cases {
		_, err := Compile(tc.pattern)
		var pe *PatternError
		if !errors.As(err, &pe) || pe.Reason != tc.reason {
			t.Errorf("%s: got %v, want reason %q", tc.pattern, err, tc.reason)
		}
	}
}

func TestWildcard(t *testing.T) {
	cases := []struct {
		pat, s string
		want   bool
	}{
		{"", "", true}, {"", "a", false}, {"*", "", true}, {"*", "abc", true},
		{"a*c", "abc", true}, {"a*c", "ac", true}, {"a*c", "ab", false},
		{"*a*b", "xxaxxb", true}, {"*a*b", "xxbxxa", false},
		{`a\*b`, "a*b", true}, {`a\*b`, "axb", false}, {`a\\b`, `a\b`, true},
	}
	for _, tc := range cases {
		if got := wildcardMatch(tc.pat, tc.s); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", tc.pat, tc.s, got)
		}
	}
}

// FuzzPattern: any pattern and event either compile and match or are
// refused with a PatternError; nothing panics.
func FuzzPattern(f *testing.F) {
	f.Add(`{"source":["a"],"detail":{"n":[{"numeric":[">",1]}]}}`, `{"source":"a","detail":{"n":2}}`)
	f.Add(`{"$or":[{"a":[{"prefix":"x"}]},{"b":[{"anything-but":{"wildcard":["*x*"]}}]}]}`, `{"a":"xy","b":[1,"q"]}`)
	f.Add(`{"ip":[{"cidr":"::1/128"}],"e":[{"exists":false}]}`, `{"ip":"::1"}`)
	f.Add(`{"w":[{"wildcard":"a*b\\*c"}]}`, `{"w":"aXXb*c"}`)
	f.Fuzz(func(t *testing.T, pattern, event string) {
		p, err := Compile(pattern)
		if err != nil {
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a PatternError", err)
			}
			return
		}
		ev, err := Flatten([]byte(event))
		if err != nil {
			return
		}
		p.Match(ev)
	})
}
