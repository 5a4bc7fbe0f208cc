package iam

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// BindPrincipals binds only Principal and NotPrincipal values naming users
// and roles that exist (path included), keeps the rest of the document as
// written, and ShowPrincipals turns the ids of living entities back into
// their ARNs while the deleted one's id stays.
func TestBindAndShowPrincipals(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	u, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("ann"), Path: aws.String("/ops/")})
	ok(t, err)
	r, err := c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("Gone"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	uid, rid := *u.User.UserId, *r.Role.RoleId
	const (
		ann  = "arn:aws:iam::123456789012:user/ops/ann"
		gone = "arn:aws:iam::123456789012:role/Gone"
	)
	doc := `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["` + ann + `", "` + gone + `", "arn:aws:iam::123456789012:user/ghost", "123456789012"]},
   "Action": "s3:GetObject", "Resource": "*",
   "Condition": {"ArnEquals": {"aws:PrincipalArn": "` + ann + `"}}},
  {"Effect": "Deny", "NotPrincipal": {"AWS": "` + gone + `"}, "Action": "*", "Resource": "*"},
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/ann"}, "Action": "*", "Resource": "*"}]}`
	bound, err := e.svc.id.BindPrincipals(bg, doc)
	ok(t, err)
	want := strings.NewReplacer(`["`+ann+`", "`+gone+`"`, `["`+uid+`", "`+rid+`"`, `{"AWS": "`+gone+`"}`, `{"AWS": "`+rid+`"}`).Replace(doc)
	if bound != want {
		t.Fatalf("bound:\n%s\nwant:\n%s", bound, want)
	}
	shown, err := e.svc.id.ShowPrincipals(bg, bound)
	ok(t, err)
	if shown != doc {
		t.Fatalf("shown:\n%s\nwant the document as written:\n%s", shown, doc)
	}
	_, err = c.DeleteRole(bg, &awsiam.DeleteRoleInput{RoleName: aws.String("Gone")})
	ok(t, err)
	shown, err = e.svc.id.ShowPrincipals(bg, bound)
	ok(t, err)
	if want := strings.ReplaceAll(doc, `"`+gone+`"`, `"`+rid+`"`); shown != want {
		t.Fatalf("after the role's deletion:\n%s\nwant:\n%s", shown, want)
	}
	for _, bad := range []string{`{"Statement":[{"Principal":{"AWS":"` + ann + `"}`, `not json`, ``} {
		got, err := e.svc.id.BindPrincipals(bg, bad)
		ok(t, err)
		if got != bad {
			t.Errorf("BindPrincipals(%q) = %q, want it unchanged", bad, got)
		}
	}
}
