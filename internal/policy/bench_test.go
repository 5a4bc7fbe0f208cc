package policy

import (
	"fmt"
	"strings"
	"testing"
)

// The workload: a Lambda function policy of 10 statements (8
// service grants with SourceArn and SourceAccount conditions, 1 Deny on
// aws:PrincipalOrgID, 1 grant that matches the caller) and 3 identity
// policies, evaluated for a cross-account IAM user in the organization.
const (
	benchFn      = "arn:aws:lambda:us-east-1:222222222222:function:orders"
	benchCaller  = "arn:aws:iam::111111111111:user/alice"
	benchOrgID   = "o-abc123def4"
	benchAccount = "222222222222"
)

func benchFunctionPolicy() string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Id":"default","Statement":[`)
	services := []string{"s3", "sns", "events", "logs", "sqs", "apigateway", "iot", "cognito-idp"}
	for i, svc := range services {
		fmt.Fprintf(&b, `{"Sid":"svc%d","Effect":"Allow","Principal":{"Service":"%s.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"StringEquals":{"AWS:SourceAccount":"%s"},"ArnLike":{"AWS:SourceArn":"arn:aws:%s:us-east-1:%s:source-%d"}}},`,
			i, svc, benchFn, benchAccount, svc, benchAccount, i)
	}
	fmt.Fprintf(&b, `{"Sid":"DenyOutsideOrg","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"%s"},"Bool":{"aws:PrincipalIsAWSService":"false"}}},`, benchFn, benchOrgID)
	fmt.Fprintf(&b, `{"Sid":"alice","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"lambda:InvokeFunction","Resource":"%s"}`, benchCaller, benchFn)
	b.WriteString(`]}`)
	return b.String()
}

var benchIdentity = []string{
	`{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111111111111:log-group:*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"ReadS3","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":["lambda:InvokeFunction","lambda:GetFunction"],"Resource":"arn:aws:lambda:us-east-1:222222222222:function:*"}]}`,
}

func benchSetup(tb testing.TB) (*Request, *Set) {
	fn, err := Parse([]byte(benchFunctionPolicy()), Resource)
	if err != nil {
		tb.Fatal(err)
	}
	set := &Set{Resource: fn}
	for _, d := range benchIdentity {
		p, err := Parse([]byte(d), Identity)
		if err != nil {
			tb.Fatal(err)
		}
		set.Identity = append(set.Identity, p)
	}
	pr, err := ParsePrincipal(benchCaller)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := NewContext(4)
	ctx.Set("aws:PrincipalOrgID", benchOrgID)
	ctx.Set("aws:SourceIp", "203.0.113.7")
	ctx.Set("aws:SecureTransport", "true")
	req := &Request{Principal: &pr, Action: "lambda:InvokeFunction", Resource: benchFn, Context: ctx}
	return req, set
}

func BenchmarkEvaluate(b *testing.B) {
	req, set := benchSetup(b)
	if d := Evaluate(req, set); !d.Allowed() {
		b.Fatalf("workload must be allowed: %+v", d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !Evaluate(req, set).Allowed() {
			b.Fatal("denied")
		}
	}
}

func BenchmarkEvaluateParallel(b *testing.B) {
	req, set := benchSetup(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			Evaluate(req, set)
		}
	})
}

func BenchmarkExplain(b *testing.B) {
	req, set := benchSetup(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Explain(req, set)
	}
}

func BenchmarkParseFunctionPolicy(b *testing.B) {
	doc := []byte(benchFunctionPolicy())
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(doc, Resource); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAllocationBudget pins the hot path's allocations: the issue allows
// at most 2 per decision; the engine needs none.
func TestAllocationBudget(t *testing.T) {
	req, set := benchSetup(t)
	const budget = 0
	n := testing.AllocsPerRun(1000, func() { Evaluate(req, set) })
	if n > budget {
		t.Fatalf("Evaluate allocates %.1f times per decision, budget %d", n, budget)
	}
	// The service-principal path (conditions on SourceArn/SourceAccount).
	svc, _ := ParsePrincipal("s3.amazonaws.com")
	ctx := NewContext(2)
	ctx.Set("aws:SourceAccount", benchAccount)
	ctx.Set("aws:SourceArn", "arn:aws:s3:us-east-1:222222222222:source-0")
	sreq := &Request{Principal: &svc, Action: "lambda:InvokeFunction", Resource: benchFn, Context: ctx}
	if !Evaluate(sreq, set).Allowed() {
		t.Fatal("service request must be allowed")
	}
	if n := testing.AllocsPerRun(1000, func() { Evaluate(sreq, set) }); n > budget {
		t.Fatalf("service Evaluate allocates %.1f times, budget %d", n, budget)
	}
}

// TestConcurrentEvaluate shares one compiled Set between goroutines, as
// the server does; run with -race to check that evaluation only reads.
func TestConcurrentEvaluate(t *testing.T) {
	req, set := benchSetup(t)
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			ok := true
			for i := 0; i < 500; i++ {
				ok = ok && Evaluate(req, set).Allowed() && Explain(req, set).Decision.Allowed()
			}
			done <- ok
		}()
	}
	for g := 0; g < 8; g++ {
		if !<-done {
			t.Fatal("a concurrent evaluation disagreed")
		}
	}
}
