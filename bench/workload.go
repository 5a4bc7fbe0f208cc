package bench

import (
	"fmt"
	"strings"

	"github.com/cedar-policy/cedar-go"

	"github.com/seki-dev/seki/internal/policy"
)

// The issue-2 workload: a Lambda function policy of 10 statements (8
// service grants with SourceArn and SourceAccount conditions, 1 Deny on
// aws:PrincipalOrgID, 1 grant that matches the caller) plus 3 identity
// policies; the caller is a cross-account IAM user in the organization.
const (
	Function = "arn:aws:lambda:us-east-1:222222222222:function:orders"
	Caller   = "arn:aws:iam::111111111111:user/alice"
	OrgID    = "o-abc123def4"
	Owner    = "222222222222"
)

var services = []string{"s3", "sns", "events", "logs", "sqs", "apigateway", "iot", "cognito-idp"}

// FunctionPolicy is the 10-statement Lambda function policy.
func FunctionPolicy() string {
	var b strings.Builder
	b.WriteString(`{"Version":"2012-10-17","Id":"default","Statement":[`)
	for i, svc := range services {
		fmt.Fprintf(&b, `{"Sid":"svc%d","Effect":"Allow","Principal":{"Service":"%s.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"StringEquals":{"AWS:SourceAccount":"%s"},"ArnLike":{"AWS:SourceArn":"arn:aws:%s:us-east-1:%s:source-%d"}}},`,
			i, svc, Function, Owner, svc, Owner, i)
	}
	fmt.Fprintf(&b, `{"Sid":"DenyOutsideOrg","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"%s"},"Bool":{"aws:PrincipalIsAWSService":"false"}}},`, Function, OrgID)
	fmt.Fprintf(&b, `{"Sid":"alice","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"lambda:InvokeFunction","Resource":"%s"}`, Caller, Function)
	b.WriteString(`]}`)
	return b.String()
}

// IdentityPolicies are the caller's three identity-based policies.
var IdentityPolicies = []string{
	`{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111111111111:log-group:*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"ReadS3","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":["lambda:InvokeFunction","lambda:GetFunction"],"Resource":"arn:aws:lambda:us-east-1:222222222222:function:*"}]}`,
}

// Seki builds the seki request and policy set.
func Seki() (*policy.Request, *policy.Set, error) {
	fn, err := policy.Parse([]byte(FunctionPolicy()), policy.Resource)
	if err != nil {
		return nil, nil, err
	}
	set := &policy.Set{Resource: fn}
	for _, d := range IdentityPolicies {
		p, err := policy.Parse([]byte(d), policy.Identity)
		if err != nil {
			return nil, nil, err
		}
		set.Identity = append(set.Identity, p)
	}
	pr, err := policy.ParsePrincipal(Caller)
	if err != nil {
		return nil, nil, err
	}
	ctx := policy.NewContext(3)
	ctx.Set("aws:PrincipalOrgID", OrgID)
	ctx.Set("aws:SourceIp", "203.0.113.7")
	ctx.Set("aws:SecureTransport", "true")
	return &policy.Request{Principal: &pr, Action: "lambda:InvokeFunction", Resource: Function, Context: ctx}, set, nil
}

// CedarPolicies is the same function policy written as 10 Cedar policies.
func CedarPolicies() string {
	var b strings.Builder
	for i, svc := range services {
		fmt.Fprintf(&b, `permit (principal == Service::"%s.amazonaws.com", action == Action::"lambda:InvokeFunction", resource == Function::"%s")
when { context.sourceAccount == "%s" && context.sourceArn like "arn:aws:%s:us-east-1:%s:source-%d" };
`, svc, Function, Owner, svc, Owner, i)
	}
	fmt.Fprintf(&b, `forbid (principal, action == Action::"lambda:InvokeFunction", resource == Function::"%s")
when { context.principalOrgID != "%s" && !context.principalIsAWSService };
`, Function, OrgID)
	fmt.Fprintf(&b, `permit (principal == User::"%s", action == Action::"lambda:InvokeFunction", resource == Function::"%s");
`, Caller, Function)
	return b.String()
}

// Cedar builds the cedar-go policy set and request.
func Cedar() (*cedar.PolicySet, cedar.Request, error) {
	ps, err := cedar.NewPolicySetFromBytes("function.cedar", []byte(CedarPolicies()))
	if err != nil {
		return nil, cedar.Request{}, err
	}
	req := cedar.Request{
		Principal: cedar.NewEntityUID("User", cedar.String(Caller)),
		Action:    cedar.NewEntityUID("Action", "lambda:InvokeFunction"),
		Resource:  cedar.NewEntityUID("Function", Function),
		Context: cedar.NewRecord(cedar.RecordMap{
			"principalOrgID":        cedar.String(OrgID),
			"principalIsAWSService": cedar.False,
			"sourceIp":              cedar.String("203.0.113.7"),
			"secureTransport":       cedar.True,
		}),
	}
	return ps, req, nil
}
