package policy

import (
	"testing"

	"github.com/seki-dev/seki/internal/arn"
)

func TestAccountOfMatchesArnAccount(t *testing.T) {
	for _, s := range []string{"", "arn", "arn:aws:s3:::b", "arn:aws:lambda:us-east-1:123456789012:function:f:1",
		"arn:aws:iam::1:root", "nope:aws:iam::1:root", "arn:aws:iam::", "arn:::::", "arn:aws:iam::123",
		"arn:aws:sqs:us-east-1:222222222222:q", "arn:a:b:c:d:e", "arn:aws:s3:::bucket/key:with:colons"} {
		if got, want := accountOf(s), arn.Account(s); got != want && arn.IsARN(s) {
			t.Errorf("accountOf(%q) = %q, arn.Account = %q", s, got, want)
		}
	}
}

// TestActionMatchFoldsCase pins the action matcher, which folds ASCII case
// byte by byte against the patterns lower-cased at compile time instead of
// lower-casing the action per request: every spelling of the action must
// match every spelling in the policy, for literal, prefix and glob
// patterns, with Action and NotAction, and nothing else may match.
func TestActionMatchFoldsCase(t *testing.T) {
	cases := []struct {
		pattern, action string
		want            bool
	}{
		{"lambda:InvokeFunction", "lambda:InvokeFunction", true},
		{"lambda:InvokeFunction", "LAMBDA:invokefunction", true},
		{"Lambda:invokeFUNCTION", "lambda:InvokeFunction", true},
		{"lambda:InvokeFunction", "lambda:InvokeFunctio", false},
		{"lambda:InvokeFunction", "lambda:InvokeFunctionX", false},
		{"lambda:InvokeFunction", "lambda:InvokeFunctiom", false},
		{"lambda:InvokeFunction", "lambda:GetFunction", false},
		{"lambda:Get*", "lambda:GetFunction", true},
		{"LAMBDA:get*", "lambda:GetFunction", true},
		{"lambda:Get*", "lambda:Ge", false},
		{"lambda:Get*", "lambda:Get", true},
		{"lambda:Get*", "lambda:PutFunction", false},
		{"*", "anything:AtAll", true},
		{"lambda:*Function", "lambda:GetFunction", true},
		{"lambda:*function", "LAMBDA:GETFUNCTION", true},
		{"lambda:*Function", "lambda:GetFunctionConfiguration", false},
		{"lambda:?etFunction", "lambda:GetFunction", true},
		{"lambda:?etFunction", "lambda:PutFunction", false},
		{"s3:Get?bject", "s3:getobject", true},
		{"s3:*Object*", "s3:PutObjectTagging", true},
		{"s3:*Object*", "s3:ListBucket", false},
		// Not ASCII: Unicode folding, as strings.EqualFold.
		{"svc:Äpfel", "svc:äPFEL", true},
		{"svc:Äpfel", "svc:Apfel", false},
		{"svc:äpfel", "svc:ÄPFEL", true},
		{"svc:ä*", "svc:ÄPFEL", true},
	}
	for _, c := range cases {
		for _, not := range []bool{false, true} {
			elem := "Action"
			if not {
				elem = "NotAction"
			}
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","` + elem + `":"` + c.pattern + `","Resource":"*"}]}`
			p, err := Parse([]byte(doc), Identity)
			if err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			req := &Request{Principal: &Principal{Type: User, Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/a"},
				Action: c.action, Resource: "arn:aws:s3:::b"}
			e := newEvaluator(req, &Set{Identity: []*Policy{p}})
			if got := e.actionMatches(&p.stmts[0]); got != (c.want != not) {
				t.Errorf("%s %q vs action %q: match = %v, want %v", elem, c.pattern, c.action, got, c.want != not)
			}
			if got := Evaluate(req, &Set{Identity: []*Policy{p}}).Allowed(); got != (c.want != not) {
				t.Errorf("%s %q vs action %q: allowed = %v, want %v", elem, c.pattern, c.action, got, c.want != not)
			}
		}
	}
}

// TestResourceMatchWildcards pins literal, prefix and glob resources with
// Resource and NotResource; resources compare case-sensitively.
func TestResourceMatchWildcards(t *testing.T) {
	const fn = "arn:aws:lambda:us-east-1:111111111111:function:orders"
	cases := []struct {
		pattern string
		want    bool
	}{
		{fn, true},
		{"arn:aws:lambda:us-east-1:111111111111:function:Orders", false},
		{"arn:aws:lambda:us-east-1:111111111111:function:*", true},
		{"arn:aws:lambda:us-east-1:111111111111:function:order", false},
		{"arn:aws:lambda:*:111111111111:function:orders", true},
		{"arn:aws:lambda:*:111111111111:function:ord?rs", true},
		{"arn:aws:lambda:*:111111111111:function:ord?", false},
		{"arn:aws:lambda:*:222222222222:function:*", false},
		{"*", true},
	}
	for _, c := range cases {
		for _, not := range []bool{false, true} {
			elem := "Resource"
			if not {
				elem = "NotResource"
			}
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","` + elem + `":"` + c.pattern + `"}]}`
			p, err := Parse([]byte(doc), Identity)
			if err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			req := &Request{Principal: &Principal{Type: User, Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/a"},
				Action: "lambda:InvokeFunction", Resource: fn}
			if got := Evaluate(req, &Set{Identity: []*Policy{p}}).Allowed(); got != (c.want != not) {
				t.Errorf("%s %q: allowed = %v, want %v", elem, c.pattern, got, c.want != not)
			}
		}
	}
}

// TestGlobActionDoesNotAllocate: a glob action lower-cases the action into
// a stack buffer; the decision must stay allocation-free.
func TestGlobActionDoesNotAllocate(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*Object","lambda:*Function"],"Resource":"*"}]}`), Identity)
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Principal: &Principal{Type: User, Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/a"},
		Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:111111111111:function:f"}
	set := &Set{Identity: []*Policy{p}}
	if !Evaluate(req, set).Allowed() {
		t.Fatal("denied")
	}
	if n := testing.AllocsPerRun(1000, func() { Evaluate(req, set) }); n != 0 {
		t.Errorf("%v allocations per decision, want 0", n)
	}
}

func TestIsASCII(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{{"", true}, {"lambda:InvokeFunction", true}, {"lambda:InvokeFunctioné", false},
		{"élambda:InvokeFunction", false}, {"lambda:Invoké", false}, {"12345678", true}, {"1234567\x80", false}, {"\x7f", true}} {
		if got := isASCII(c.s); got != c.want {
			t.Errorf("isASCII(%q) = %v", c.s, got)
		}
	}
}
