package policy

import "testing"

func mustParse(t testing.TB, doc string, k Kind) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc), k)
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return p
}

func TestSmoke(t *testing.T) {
	fn := mustParse(t, `{"Version":"2012-10-17","Id":"default","Statement":[
	 {"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:222222222222:function:f","Condition":{"StringEquals":{"AWS:SourceAccount":"222222222222"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}},
	 {"Sid":"alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:222222222222:function:f"}
	]}`, Resource)
	id := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"lambda:Invoke*","Resource":"*"}}`, Identity)
	alice, _ := ParsePrincipal("arn:aws:iam::111111111111:user/alice")
	req := &Request{Principal: &alice, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:222222222222:function:f"}
	d := Evaluate(req, &Set{Identity: []*Policy{id}, Resource: fn})
	if !d.Allowed() {
		t.Fatalf("alice: %+v %s", d, d.Message(req))
	}
	d = Evaluate(req, &Set{Resource: fn})
	if d.Result != ImplicitlyDenied || d.By != Identity {
		t.Fatalf("alice no identity: %+v", d)
	}
	t.Log(d.Message(req))
	s3, _ := ParsePrincipal("s3.amazonaws.com")
	ctx := &Context{}
	ctx.Set("aws:SourceArn", "arn:aws:s3:::bucket")
	ctx.Set("aws:SourceAccount", "222222222222")
	req2 := &Request{Principal: &s3, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:222222222222:function:f", Context: ctx}
	if d := Evaluate(req2, &Set{Resource: fn}); !d.Allowed() {
		t.Fatalf("s3: %+v", d)
	}
	ctx.Set("aws:SourceAccount", "333333333333")
	ex := Explain(req2, &Set{Resource: fn})
	if ex.Decision.Allowed() {
		t.Fatal("s3 wrong account allowed")
	}
	t.Logf("%+v", ex.Reasons)
}
