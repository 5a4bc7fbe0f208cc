package iam_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// These tests go through the whole server: SigV4, the one door with the
// real policy engine, and IAM's resource ARNs and condition keys.

var ctx = context.Background()

const account = "111111111111"

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func denied(t *testing.T, err error, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("want AccessDenied, got %v", err)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("message %q\nwant    %q", ae.ErrorMessage(), msg)
	}
}

// newUser creates a user with the given inline policy and returns a client
// signing as that user.
func newUser(t *testing.T, env *servertest.Env, root *iam.Client, name, policy string) *iam.Client {
	t.Helper()
	_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	must(t, err)
	if policy != "" {
		_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)})
		must(t, err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	must(t, err)
	return iam.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
}

func TestE2EConditionKeys(t *testing.T) {
	env := servertest.Start(t)
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	boundary := "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

	// The classic delegation guard: create users only with this boundary.
	admin := newUser(t, env, root, "delegate", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"`+boundary+`"}}},
		{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/AmazonS3FullAccess"}}},
		{"Effect":"Allow","Action":"iam:ListUsers","Resource":"arn:aws:iam::111111111111:user/team/*"}]}`)
	_, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("free")})
	denied(t, err, "User: arn:aws:iam::111111111111:user/delegate is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111111111111:user/free because no identity-based policy allows the iam:CreateUser action")
	_, err = admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded"), PermissionsBoundary: aws.String(boundary), Path: aws.String("/team/")})
	must(t, err)

	_, err = admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bounded"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	denied(t, err, "")
	_, err = admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bounded"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")})
	must(t, err)

	// ListUsers is authorized on the path prefix.
	_, err = admin.ListUsers(ctx, &iam.ListUsersInput{})
	denied(t, err, "User: arn:aws:iam::111111111111:user/delegate is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::111111111111:user/ because no identity-based policy allows the iam:ListUsers action")
	team, err := admin.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/team/")})
	must(t, err)
	if len(team.Users) != 1 {
		t.Fatalf("ListUsers /team/: %+v", team.Users)
	}
}

func TestE2EManagedPoliciesGroupsAndBoundaries(t *testing.T) {
	env := servertest.Start(t)
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	u := newUser(t, env, root, "ops", "")
	_, err := u.ListRoles(ctx, &iam.ListRolesInput{})
	denied(t, err, "User: arn:aws:iam::111111111111:user/ops is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111111111111:role/ because no identity-based policy allows the iam:ListRoles action")

	// An AWS managed policy attached to a group grants its members.
	_, err = root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")})
	must(t, err)
	_, err = root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")})
	must(t, err)
	_, err = root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("ops")})
	must(t, err)
	_, err = u.ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
	// Reading AWS managed policies is a same-account request.
	_, err = u.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	must(t, err)

	// An explicit deny in a group's inline policy wins.
	_, err = root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("no-delete"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteRole","Resource":"*"}]}`)})
	must(t, err)
	_, err = u.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("x")})
	denied(t, err, "User: arn:aws:iam::111111111111:user/ops is not authorized to perform: iam:DeleteRole on resource: role x with an explicit deny in an identity-based policy")

	// A permissions boundary caps what the identity policies grant.
	_, err = root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("ops"),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")})
	must(t, err)
	_, err = u.ListRoles(ctx, &iam.ListRolesInput{})
	denied(t, err, "User: arn:aws:iam::111111111111:user/ops is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111111111111:role/ because no permissions boundary allows the iam:ListRoles action")
	_, err = root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("ops")})
	must(t, err)
	_, err = u.ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)

	// Leaving the group takes its policies away at once.
	_, err = root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("admins"), UserName: aws.String("ops")})
	must(t, err)
	_, err = u.ListRoles(ctx, &iam.ListRolesInput{})
	denied(t, err, "")
}

func TestE2EKeysAndRestart(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kept"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}}})
	must(t, err)
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kept")})
	must(t, err)
	self := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}]}`
	_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("kept"), PolicyName: aws.String("p"), PolicyDocument: aws.String(self)})
	must(t, err)
	env.Stop()

	env = servertest.Start(t, servertest.Options{DataDir: dir})
	user := iam.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	out, err := user.GetUser(ctx, &iam.GetUserInput{})
	must(t, err)
	if *out.User.UserName != "kept" || len(out.User.Tags) != 1 {
		t.Fatalf("after restart: %+v", out.User)
	}
	root = iam.NewFromConfig(env.Root(servertest.AccountA))
	_, err = root.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("kept"), AccessKeyId: k.AccessKey.AccessKeyId, Status: types.StatusTypeInactive})
	must(t, err)
	_, err = user.GetUser(ctx, &iam.GetUserInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidClientTokenId" {
		t.Fatalf("inactive key: %v", err)
	}
}

// TestE2EResourceNamesInMessages: how IAM's AccessDenied messages name the
// resource, through the real door (the rule is documented beside the
// operation table).
func TestE2EResourceNamesInMessages(t *testing.T) {
	env := servertest.Start(t)
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	nobody := newUser(t, env, root, "nobody", "")
	msg := func(action, resource string) string {
		return "User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: " + action +
			" on resource: " + resource + " because no identity-based policy allows the " + action + " action"
	}
	awsPolicy := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

	_, err := nobody.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("someone")})
	denied(t, err, msg("iam:GetUser", "user someone"))
	_, err = nobody.GetUser(ctx, &iam.GetUserInput{})
	denied(t, err, msg("iam:GetUser", "arn:aws:iam::111111111111:user/nobody"))
	_, err = nobody.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	denied(t, err, msg("iam:ListAccessKeys", "user nullnobody"))
	_, err = nobody.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	denied(t, err, msg("iam:CreateAccessKey", "user nobody"))
	_, err = nobody.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("some-role")})
	denied(t, err, msg("iam:GetRole", "role some-role"))
	_, err = nobody.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("some-role")})
	denied(t, err, msg("iam:ListAttachedRolePolicies", "role some-role"))
	_, err = nobody.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("g")})
	denied(t, err, msg("iam:GetGroup", "group g"))
	_, err = nobody.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(awsPolicy)})
	denied(t, err, msg("iam:GetPolicy", "policy "+awsPolicy))
	_, err = nobody.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(trust)})
	denied(t, err, msg("iam:CreatePolicy", "policy p"))
	_, err = nobody.ListPolicies(ctx, &iam.ListPoliciesInput{})
	denied(t, err, msg("iam:ListPolicies", "policy path /"))
	_, err = nobody.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), Path: aws.String("/service-role/"), AssumeRolePolicyDocument: aws.String(trust)})
	denied(t, err, msg("iam:CreateRole", "arn:aws:iam::111111111111:role/service-role/r"))
	_, err = nobody.ListRoles(ctx, &iam.ListRolesInput{})
	denied(t, err, msg("iam:ListRoles", "arn:aws:iam::111111111111:role/"))

	// The name is only how the message reads: a policy on the ARN decides.
	_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::111111111111:role/some-*"}]}`)})
	must(t, err)
	_, err = nobody.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("some-role")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchEntity" {
		t.Fatalf("GetRole allowed by ARN: %v", err)
	}
}
