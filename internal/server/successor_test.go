package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

const listBuckets = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`

func trustingRoot(account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
}

// TestCredentialsDoNotOutliveTheirIdentity is issue #10's hole 4: the
// session credentials of a deleted user or role must not pick up the
// permissions of a successor created under the same name, and a trust
// policy naming a deleted role is rewritten to the role's unique id, so
// the successor is not trusted either.
func TestCredentialsDoNotOutliveTheirIdentity(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	acct := servertest.AccountA.Account
	root := iam.NewFromConfig(e.Root(servertest.AccountA))
	s3With := func(c *ststypes.Credentials) *s3.Client {
		return s3.NewFromConfig(e.Config(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken), func(o *s3.Options) { o.UsePathStyle = true })
	}
	ok := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustDeny := func(what string, c *s3.Client) {
		t.Helper()
		_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err == nil {
			t.Fatalf("%s: allowed", what)
		}
		if code := apiError(t, err).ErrorCode(); code != "AccessDenied" {
			t.Fatalf("%s: %s, want AccessDenied", what, code)
		}
	}

	// A user's GetSessionToken session.
	ok(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sts.NewFromConfig(e.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	ok(root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k.AccessKey.AccessKeyId}))
	ok(root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")}))
	ok(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))
	ok(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p"), PolicyDocument: aws.String(listBuckets)}))
	mustDeny("the deleted alice's session", s3With(st.Credentials))

	// A role session, and a trust policy naming the role.
	ok(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))
	ok(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}))
	bk, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	bob := sts.NewFromConfig(e.Config(*bk.AccessKey.AccessKeyId, *bk.AccessKey.SecretAccessKey, ""))
	assume := func(c *sts.Client, role string) (*sts.AssumeRoleOutput, error) {
		return c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/" + role), RoleSessionName: aws.String("session")})
	}
	old, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trustingRoot(acct))})
	if err != nil {
		t.Fatal(err)
	}
	oldID := *old.Role.RoleId
	ok(root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("target"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:role/deployer"},"Action":"sts:AssumeRole"}]}`)}))
	ok(root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("target"), PolicyName: aws.String("p"), PolicyDocument: aws.String(listBuckets)}))
	sess, err := assume(bob, "deployer")
	if err != nil {
		t.Fatal(err)
	}
	ok(root.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")}))

	// The trusting role now shows the deleted role's unique id.
	got, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("target")})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument))
	if !strings.Contains(doc, `"`+oldID+`"`) || strings.Contains(doc, ":role/deployer") {
		t.Fatalf("trust policy after the role's deletion: %s", doc)
	}

	// The successor: same name, all the permissions.
	ok(root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trustingRoot(acct))}))
	ok(root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListAllMyBuckets","sts:AssumeRole"],"Resource":"*"}]}`)}))
	mustDeny("the deleted role's session", s3With(sess.Credentials))
	fresh, err := assume(bob, "deployer")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3With(fresh.Credentials).ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("the successor's own session: %v", err)
	}
	c := fresh.Credentials
	if _, err := assume(sts.NewFromConfig(e.Config(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)), "target"); err == nil {
		t.Fatal("the successor is trusted by a trust policy written for its deleted predecessor")
	} else if code := apiError(t, err).ErrorCode(); code != "AccessDenied" {
		t.Fatalf("successor assuming target: %s", code)
	}
}
