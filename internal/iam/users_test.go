package iam

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/seki-dev/seki/internal/policy"
)

var bg = context.Background()

func TestUsers(t *testing.T) {
	e := newEnv(t)
	c := e.root()

	out, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("Alice"), Path: aws.String("/team/"),
		Tags: []types.Tag{{Key: aws.String("dept"), Value: aws.String("eng")}}})
	ok(t, err)
	u := out.User
	if aws.ToString(u.UserName) != "Alice" || aws.ToString(u.Path) != "/team/" ||
		aws.ToString(u.Arn) != "arn:aws:iam::123456789012:user/team/Alice" || !strings.HasPrefix(aws.ToString(u.UserId), "AIDA") ||
		len(aws.ToString(u.UserId)) != 21 || !u.CreateDate.Equal(e.clock()) || len(u.Tags) != 1 {
		t.Fatalf("CreateUser: %+v", u)
	}
	if chk := e.auth.last(); chk.Action != "iam:CreateUser" || chk.Resource != "arn:aws:iam::123456789012:user/team/Alice" {
		t.Fatalf("authorized %s on %s", chk.Action, chk.Resource)
	}
	if v, _ := e.auth.last().Context.Get("aws:RequestTag/dept"); len(v) != 1 || v[0] != "eng" {
		t.Fatalf("aws:RequestTag/dept = %v", v)
	}

	// Names collide case-insensitively and keep their case.
	_, err = c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("alice")})
	wantErr(t, err, "EntityAlreadyExists", "User with name alice already exists.")

	got, err := c.GetUser(bg, &awsiam.GetUserInput{UserName: aws.String("ALICE")})
	ok(t, err)
	if aws.ToString(got.User.UserName) != "Alice" || len(got.User.Tags) != 1 {
		t.Fatalf("GetUser: %+v", got.User)
	}
	_, err = c.GetUser(bg, &awsiam.GetUserInput{UserName: aws.String("nobody")})
	wantErr(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")

	// GetUser without a name describes the caller; for root, the account.
	self, err := c.GetUser(bg, &awsiam.GetUserInput{})
	ok(t, err)
	if aws.ToString(self.User.Arn) != "arn:aws:iam::123456789012:root" || aws.ToString(self.User.UserId) != testAccount {
		t.Fatalf("GetUser as root: %+v", self.User)
	}

	// Validation happens before anything else, with AWS's wording.
	_, err = c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("bad/name")})
	wantErr(t, err, "ValidationError", `1 validation error detected: Value 'bad/name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	_, err = c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String(strings.Repeat("x", 65)), Path: aws.String("nope")})
	wantErr(t, err, "ValidationError", "")
	if !strings.HasPrefix(err.Error(), "") || !strings.Contains(err.Error(), "2 validation errors detected") {
		t.Fatalf("want two validation errors: %v", err)
	}

	// Listing, paging and path prefixes.
	for _, n := range []string{"bob", "carol", "dave"} {
		_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String(n)})
		ok(t, err)
	}
	var names []string
	var marker *string
	for {
		page, err := c.ListUsers(bg, &awsiam.ListUsersInput{MaxItems: aws.Int32(3), Marker: marker})
		ok(t, err)
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.UserName))
			if u.Tags != nil {
				t.Fatal("ListUsers shows tags; AWS leaves them out")
			}
		}
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	if strings.Join(names, ",") != "Alice,bob,carol,dave" {
		t.Fatalf("ListUsers: %v", names)
	}
	team, err := c.ListUsers(bg, &awsiam.ListUsersInput{PathPrefix: aws.String("/team/")})
	ok(t, err)
	if len(team.Users) != 1 || e.auth.last().Resource != "arn:aws:iam::123456789012:user/team/" {
		t.Fatalf("ListUsers /team/: %d users, resource %s", len(team.Users), e.auth.last().Resource)
	}
	empty, err := c.ListUsers(bg, &awsiam.ListUsersInput{PathPrefix: aws.String("/none/")})
	ok(t, err)
	if empty.Users == nil || len(empty.Users) != 0 {
		t.Fatalf("empty ListUsers: %#v", empty.Users)
	}

	// UpdateUser renames and moves; the old name is gone.
	_, err = c.UpdateUser(bg, &awsiam.UpdateUserInput{UserName: aws.String("dave"), NewUserName: aws.String("david"), NewPath: aws.String("/ops/")})
	ok(t, err)
	moved, err := c.GetUser(bg, &awsiam.GetUserInput{UserName: aws.String("david")})
	ok(t, err)
	if aws.ToString(moved.User.Arn) != "arn:aws:iam::123456789012:user/ops/david" {
		t.Fatalf("UpdateUser: %s", aws.ToString(moved.User.Arn))
	}
	_, err = c.UpdateUser(bg, &awsiam.UpdateUserInput{UserName: aws.String("david"), NewUserName: aws.String("BOB")})
	wantErr(t, err, "EntityAlreadyExists", "User with name BOB already exists.")
	_, err = c.UpdateUser(bg, &awsiam.UpdateUserInput{UserName: aws.String("dave"), NewUserName: aws.String("x")})
	wantErr(t, err, "NoSuchEntity", "The user with name dave cannot be found.")

	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: aws.String("david")})
	ok(t, err)
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: aws.String("david")})
	wantErr(t, err, "NoSuchEntity", "The user with name david cannot be found.")
}

func TestDeleteUserConflicts(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	name := aws.String("u")
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: name})
	ok(t, err)

	key, err := c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: name})
	ok(t, err)
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: name})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete access keys first.")
	_, err = c.DeleteAccessKey(bg, &awsiam.DeleteAccessKeyInput{UserName: name, AccessKeyId: key.AccessKey.AccessKeyId})
	ok(t, err)

	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: name, PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: name})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	_, err = c.DeleteUserPolicy(bg, &awsiam.DeleteUserPolicyInput{UserName: name, PolicyName: aws.String("p")})
	ok(t, err)

	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: name, PolicyArn: aws.String(adminARN)})
	ok(t, err)
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: name})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	_, err = c.DetachUserPolicy(bg, &awsiam.DetachUserPolicyInput{UserName: name, PolicyArn: aws.String(adminARN)})
	ok(t, err)

	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: name})
	ok(t, err)
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: name})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must remove users from group first.")
	_, err = c.RemoveUserFromGroup(bg, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("g"), UserName: name})
	ok(t, err)
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: name})
	ok(t, err)
}

const (
	allowAll    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	adminARN    = "arn:aws:iam::aws:policy/AdministratorAccess"
	lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

func TestAccessKeys(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("kim"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	ok(t, err)

	k1, err := c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("kim")})
	ok(t, err)
	id, secret := aws.ToString(k1.AccessKey.AccessKeyId), aws.ToString(k1.AccessKey.SecretAccessKey)
	if !strings.HasPrefix(id, "AKIA") || len(id) != 20 || len(secret) != 40 || k1.AccessKey.Status != types.StatusTypeActive ||
		aws.ToString(k1.AccessKey.UserName) != "kim" {
		t.Fatalf("CreateAccessKey: %+v", k1.AccessKey)
	}
	_, err = c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("kim")})
	ok(t, err)
	_, err = c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("kim")})
	wantErr(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("ghost")})
	wantErr(t, err, "NoSuchEntity", "The user with name ghost cannot be found.")

	// The new key signs as the user, with the user's tags as principal tags.
	caller, err := e.svc.id.Caller(bg, id)
	ok(t, err)
	p := caller.Principal
	if p.Type != policy.User || p.ARN != "arn:aws:iam::123456789012:user/kim" || p.Username != "kim" || p.Tags["team"] != "a" || caller.AccessKeyID != id {
		t.Fatalf("Caller: %+v", p)
	}
	if k, found := e.svc.id.Key(id); !found || k.Secret != secret {
		t.Fatal("Key does not find the new key")
	}

	// The user manages its own keys without naming itself.
	kim := e.client(id, secret)
	own, err := kim.ListAccessKeys(bg, &awsiam.ListAccessKeysInput{})
	ok(t, err)
	if len(own.AccessKeyMetadata) != 2 || aws.ToString(own.AccessKeyMetadata[0].UserName) != "kim" {
		t.Fatalf("ListAccessKeys: %+v", own.AccessKeyMetadata)
	}
	if e.auth.last().Resource != "arn:aws:iam::123456789012:user/kim" {
		t.Fatalf("ListAccessKeys authorized on %s", e.auth.last().Resource)
	}
	me, err := kim.GetUser(bg, &awsiam.GetUserInput{})
	ok(t, err)
	if aws.ToString(me.User.UserName) != "kim" {
		t.Fatalf("GetUser as kim: %+v", me.User)
	}

	// Inactive keys are unknown to SigV4 and to Caller.
	_, err = c.UpdateAccessKey(bg, &awsiam.UpdateAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String(id), Status: types.StatusTypeInactive})
	ok(t, err)
	if _, found := e.svc.id.Key(id); found {
		t.Fatal("inactive key still found")
	}
	_, err = kim.GetUser(bg, &awsiam.GetUserInput{})
	wantErr(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.")
	list, err := c.ListAccessKeys(bg, &awsiam.ListAccessKeysInput{UserName: aws.String("kim"), MaxItems: aws.Int32(1)})
	ok(t, err)
	if !list.IsTruncated || len(list.AccessKeyMetadata) != 1 {
		t.Fatalf("paged ListAccessKeys: %+v", list)
	}
	_, err = c.UpdateAccessKey(bg, &awsiam.UpdateAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String("AKIANOTAKEY000000000"), Status: types.StatusTypeActive})
	wantErr(t, err, "NoSuchEntity", "The Access Key with id AKIANOTAKEY000000000 cannot be found.")
	_, err = c.UpdateAccessKey(bg, &awsiam.UpdateAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String(id), Status: "Sleepy"})
	wantErr(t, err, "ValidationError", "1 validation error detected: Value 'Sleepy' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]")

	last, err := c.GetAccessKeyLastUsed(bg, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
	ok(t, err)
	if aws.ToString(last.UserName) != "kim" || aws.ToString(last.AccessKeyLastUsed.ServiceName) != "N/A" {
		t.Fatalf("GetAccessKeyLastUsed: %+v", last)
	}

	_, err = c.DeleteAccessKey(bg, &awsiam.DeleteAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String(id)})
	ok(t, err)
	_, err = c.DeleteAccessKey(bg, &awsiam.DeleteAccessKeyInput{UserName: aws.String("kim"), AccessKeyId: aws.String(id)})
	wantErr(t, err, "NoSuchEntity", "The Access Key with id "+id+" cannot be found.")
	if _, err := e.svc.id.Caller(bg, id); awsCode(err) != "InvalidClientTokenId" {
		t.Fatalf("deleted key: %v", err)
	}
}

func TestRootKeys(t *testing.T) {
	e := newEnv(t)
	c, err := e.svc.id.Caller(bg, rootKey)
	ok(t, err)
	if c.Principal.Type != policy.Root || c.Principal.ARN != "arn:aws:iam::123456789012:root" || c.Principal.UserID != testAccount {
		t.Fatalf("root caller: %+v", c.Principal)
	}
	// EnsureAccount is idempotent and updates the secret.
	ok(t, e.svc.EnsureAccount(bg, testAccount, rootKey, "new-secret"))
	if k, _ := e.svc.id.Key(rootKey); k.Secret != "new-secret" {
		t.Fatalf("root secret %q", k.Secret)
	}
	if err := e.svc.EnsureAccount(bg, "999999999999", rootKey, "x"); err == nil {
		t.Fatal("a root key moved to another account")
	}
	if err := e.svc.EnsureAccount(bg, "12", "AKIAX", "x"); err == nil {
		t.Fatal("accepted a bad account id")
	}
	// Root may create keys for itself.
	root := e.client(rootKey, "new-secret")
	k, err := root.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{})
	ok(t, err)
	c2, err := e.svc.id.Caller(bg, aws.ToString(k.AccessKey.AccessKeyId))
	ok(t, err)
	if c2.Principal.Type != policy.Root {
		t.Fatalf("root-created key signs as %v", c2.Principal.Type)
	}
}

// The raw XML matches AWS's shape: namespace, result wrapper, members.
func TestResponseShape(t *testing.T) {
	e := newEnv(t)
	body := e.raw(url.Values{"Action": {"CreateUser"}, "Version": {"2010-05-08"}, "UserName": {"x"}})
	for _, want := range []string{
		`<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">`,
		`<CreateUserResult>`, `<User>`, `<Path>/</Path>`, `<UserName>x</UserName>`,
		`<Arn>arn:aws:iam::123456789012:user/x</Arn>`, `<CreateDate>2026-03-01T12:00:00Z</CreateDate>`,
		`<RequestId>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("response lacks %s:\n%s", want, body)
		}
	}
}
