package iam

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/seki-dev/seki/internal/store"
)

func trustOf(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`
}

// TestTrustPolicyPrincipalsMustExist: a trust policy may name only IAM users
// and roles that exist, by their ARN with its path, in any account; account,
// session, federated and service principals are not looked up.
func TestTrustPolicyPrincipalsMustExist(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	const other = "210987654321"
	ok(t, e.svc.EnsureAccount(bg, other, "AKIATESTOTHER0000000", "other-secret"))
	o := e.client("AKIATESTOTHER0000000", "other-secret")
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("ann"), Path: aws.String("/ops/")})
	ok(t, err)
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("Base"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = o.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("Remote"), Path: aws.String("/x/"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)

	n := 0
	create := func(principal string) error {
		n++
		_, err := c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r" + string(rune('a'+n))), AssumeRolePolicyDocument: aws.String(trustOf(principal))})
		return err
	}
	for _, p := range []string{
		`{"AWS":"arn:aws:iam::123456789012:user/ops/ann"}`,
		`{"AWS":"arn:aws:iam::123456789012:user/ops/ANN"}`, // names are case-insensitive
		`{"AWS":["arn:aws:iam::123456789012:role/Base","arn:aws:iam::210987654321:role/x/Remote"]}`,
		`{"AWS":"123456789012"}`,
		`{"AWS":"arn:aws:iam::999999999999:root"}`, // accounts are not looked up
		`{"AWS":"*"}`,
		`{"AWS":"arn:aws:sts::123456789012:assumed-role/Gone/session"}`,
		`{"Service":"lambda.amazonaws.com"}`,
		`{"Federated":"cognito-identity.amazonaws.com"}`,
	} {
		if err := create(p); err != nil {
			t.Errorf("trusting %s: %v", p, err)
		}
	}

	for _, tc := range []struct{ principal, bad string }{
		{`{"AWS":"arn:aws:iam::123456789012:user/ghost"}`, "arn:aws:iam::123456789012:user/ghost"},
		// The path is part of the ARN.
		{`{"AWS":"arn:aws:iam::123456789012:user/ann"}`, "arn:aws:iam::123456789012:user/ann"},
		{`{"AWS":"arn:aws:iam::210987654321:role/Remote"}`, "arn:aws:iam::210987654321:role/Remote"},
		// A user is not a role.
		{`{"AWS":"arn:aws:iam::123456789012:role/ops/ann"}`, "arn:aws:iam::123456789012:role/ops/ann"},
		// An account seki does not hold holds no roles.
		{`{"AWS":"arn:aws:iam::999999999999:role/Base"}`, "arn:aws:iam::999999999999:role/Base"},
		// The first missing principal in document order is reported.
		{`{"AWS":["arn:aws:iam::123456789012:role/Base","arn:aws:iam::123456789012:role/One","arn:aws:iam::123456789012:role/Two"]}`, "arn:aws:iam::123456789012:role/One"},
	} {
		err := create(tc.principal)
		wantErr(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"`+tc.bad+`"`)
		if s := httpStatus(err); s != http.StatusBadRequest {
			t.Errorf("%s: status %d", tc.principal, s)
		}
	}

	// A statement list and a single statement object are both read.
	single := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/Nope"},"Action":"sts:AssumeRole"}}`
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("single"), AssumeRolePolicyDocument: aws.String(single)})
	wantErr(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/Nope"`)

	// A role cannot trust itself by ARN before it exists.
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("Self"), AssumeRolePolicyDocument: aws.String(trustOf(`{"AWS":"arn:aws:iam::123456789012:role/Self"}`))})
	wantErr(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/Self"`)
	if _, err := c.GetRole(bg, &awsiam.GetRoleInput{RoleName: aws.String("Self")}); err == nil {
		t.Error("a refused CreateRole created the role")
	}

	// UpdateAssumeRolePolicy checks the same way and keeps the old policy.
	_, err = c.UpdateAssumeRolePolicy(bg, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Base"), PolicyDocument: aws.String(trustOf(`{"AWS":"arn:aws:iam::123456789012:user/ghost"}`))})
	wantErr(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/ghost"`)
	got, err := c.GetRole(bg, &awsiam.GetRoleInput{RoleName: aws.String("Base")})
	ok(t, err)
	if doc, _ := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument)); doc != lambdaTrust {
		t.Errorf("trust after a refused update = %s", doc)
	}
	_, err = c.UpdateAssumeRolePolicy(bg, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Base"), PolicyDocument: aws.String(trustOf(`{"AWS":"arn:aws:iam::123456789012:user/ops/ann"}`))})
	ok(t, err)

	// Once the user is gone, naming it is refused again.
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: aws.String("ann")})
	ok(t, err)
	_, err = c.UpdateAssumeRolePolicy(bg, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Base"), PolicyDocument: aws.String(trustOf(`{"AWS":"arn:aws:iam::123456789012:user/ops/ann"}`))})
	wantErr(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/ops/ann"`)
}

// TestTrustPolicyProhibitedField: AWS's text has no final period ("Has
// prohibited field Resource", boto3 output quoted in public reports).
func TestTrustPolicyProhibitedField(t *testing.T) {
	e := newEnv(t)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`
	_, err := e.root().CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)})
	wantErr(t, err, "MalformedPolicyDocument", "Has prohibited field Resource")
}

func TestTrustPrincipalsExtraction(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
		{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::1:user/a/b","arn:aws:iam::1:root"],"Service":"x.amazonaws.com"},"Action":"sts:AssumeRole"},
		{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:role/r"},"Action":"sts:AssumeRole"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:group/g"},"Action":"sts:AssumeRole"}]}`
	want := []string{"arn:aws:iam::1:user/a/b", "arn:aws:iam::1:role/r"}
	if got := trustPrincipals(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("trustPrincipals = %q, want %q", got, want)
	}
	for _, bad := range []string{"", "{", `{"Statement":7}`, `{"Statement":[{"Principal":{"AWS":7}}]}`} {
		if got := trustPrincipals(bad); len(got) != 0 {
			t.Errorf("trustPrincipals(%q) = %q", bad, got)
		}
	}
}

func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// BenchmarkCheckTrustPrincipals is what CreateRole and UpdateAssumeRolePolicy
// add to resolve a trust policy naming two users and a role.
func BenchmarkCheckTrustPrincipals(b *testing.B) {
	e := newEnv(b)
	c := e.root()
	for _, u := range []string{"a", "b"} {
		_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String(u)})
		ok(b, err)
	}
	_, err := c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(b, err)
	doc := trustOf(`{"AWS":["arn:aws:iam::123456789012:user/a","arn:aws:iam::123456789012:user/b","arn:aws:iam::123456789012:role/r"]}`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := e.db.Read(bg, func(tx *store.Tx) error { return checkTrustPrincipals(tx, doc) }); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzTrustPrincipals: any document, valid policy or not, yields only user
// and role ARNs and never panics.
func FuzzTrustPrincipals(f *testing.F) {
	f.Add(trustOf(`{"AWS":["arn:aws:iam::123456789012:user/a/b","123456789012"]}`))
	f.Add(`{"Statement":{"Principal":{"AWS":"arn:aws:iam::1:role/r"}}}`)
	f.Add(`{"Statement":[{"Principal":"*"},{"Principal":{"AWS":[7]}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		for _, p := range trustPrincipals(doc) {
			if _, kind, _, _, ok := splitEntityARN(p); !ok || (kind != kindUser && kind != kindRole) {
				t.Fatalf("trustPrincipals returned %q", p)
			}
		}
	})
}
