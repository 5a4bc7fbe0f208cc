package iam

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// FuzzQuery sends arbitrary form bodies to the IAM handler as the root
// user: whatever the input, the answer is an AWS-shaped client error or a
// success, never a panic or a server fault.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"Action=CreateUser&UserName=a",
		"Action=CreateUser&UserName=b&Path=/x/&Tags.member.1.Key=k&Tags.member.1.Value=v&PermissionsBoundary=arn:aws:iam::aws:policy/AdministratorAccess",
		"Action=GetUser",
		"Action=ListUsers&MaxItems=1&Marker=Ym9i",
		"Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=%7B%7D&MaxSessionDuration=99999999999999999999",
		"Action=PutUserPolicy&UserName=a&PolicyName=p&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D",
		"Action=CreatePolicy&PolicyName=p&PolicyDocument=" + url.QueryEscape(allowAll),
		"Action=CreatePolicyVersion&PolicyArn=arn:aws:iam::123456789012:policy/p&PolicyDocument=" + url.QueryEscape(allowAll),
		"Action=AttachUserPolicy&UserName=a&PolicyArn=arn:aws:iam::aws:policy/AdministratorAccess",
		"Action=GetAccountAuthorizationDetails&Filter.member.1=User",
		"Action=SimulateCustomPolicy&ActionNames.member.1=s3:GetObject&PolicyInputList.member.1=" + url.QueryEscape(allowAll),
		"Action=SimulatePrincipalPolicy&PolicySourceArn=arn:aws:iam::123456789012:user/a&ActionNames.member.1=s3:GetObject&ContextEntries.member.1.ContextKeyName=aws:x",
		"Action=ListPolicies&Scope=Local&OnlyAttached=true&PathPrefix=/",
		"Action=TagRole&RoleName=r&Tags.member.1.Key=a",
		"Action=UntagUser&UserName=a&TagKeys.member.1=k",
		"Action=DeletePolicyVersion&PolicyArn=arn:aws:iam::123456789012:policy/p&VersionId=v1",
	} {
		f.Add(seed)
	}
	e := newEnv(f)
	q := e.svc.Handler(protocol.Dispatcher{Authz: permit{}, Deny: authz.AccessDenied})
	caller, err := e.svc.id.Caller(bg, rootKey)
	if err != nil {
		f.Fatal(err)
	}
	hr := httptest.NewRequest("POST", "/", nil)
	f.Fuzz(func(t *testing.T, body string) {
		w := httptest.NewRecorder()
		c := *caller
		q.ServeAWS(w, &protocol.Request{HTTP: hr, ID: "fuzz", Caller: &c, Body: []byte(body), Context: policy.NewContext(4)})
		if w.Code >= http.StatusInternalServerError {
			t.Fatalf("%q: status %d: %s", body, w.Code, w.Body.String())
		}
	})
}

// FuzzStatementSpans locates statements in arbitrary documents without
// panicking, and never past the document's end.
func FuzzStatementSpans(f *testing.F) {
	f.Add(allowAll)
	f.Add(`{"Statement":{"Effect":"Allow"}}`)
	f.Add(`{"Statement":[{},{"a":[1,2,{"b":"}"}]}]}`)
	f.Add(`{"Statement":[`)
	f.Fuzz(func(t *testing.T, doc string) {
		for _, sp := range statementSpans([]byte(doc)) {
			if sp.start.Line < 1 || sp.end.Line < sp.start.Line {
				t.Fatalf("span %+v", sp)
			}
		}
	})
}
