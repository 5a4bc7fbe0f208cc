package iam

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/seki-dev/seki/internal/policy"
)

func policyNames(ps []*policy.Policy) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

func decide(t *testing.T, e *env, p *policy.Principal, action, resource string) policy.Result {
	t.Helper()
	ids, b, err := e.svc.id.Policies(bg, p)
	ok(t, err)
	req := policy.Request{Principal: p, Action: action, Resource: resource}
	return policy.Evaluate(&req, &policy.Set{Identity: ids, Boundary: b}).Result
}

func TestPoliciesForUserAndGroups(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("Ann")})
	ok(t, err)
	key, err := c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("Ann")})
	ok(t, err)
	caller, err := e.svc.id.Caller(bg, aws.ToString(key.AccessKey.AccessKeyId))
	ok(t, err)
	me := &caller.Principal

	if got := decide(t, e, me, "s3:GetObject", "arn:aws:s3:::b/k"); got != policy.ImplicitlyDenied {
		t.Fatalf("user without policies: %v", got)
	}
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("ann"), PolicyName: aws.String("own"),
		PolicyDocument: aws.String(doc(allow("s3:GetObject", "*")))})
	ok(t, err)
	if got := decide(t, e, me, "s3:GetObject", "arn:aws:s3:::b/k"); got != policy.Allowed {
		t.Fatalf("after PutUserPolicy: %v", got)
	}
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("G")})
	ok(t, err)
	_, err = c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("no-delete"),
		PolicyDocument: aws.String(doc(deny("s3:DeleteObject", "*")))})
	ok(t, err)
	_, err = c.AttachGroupPolicy(bg, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("G"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")})
	ok(t, err)
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("Ann"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")})
	ok(t, err)
	if got := decide(t, e, me, "s3:DeleteObject", "arn:aws:s3:::b/k"); got != policy.Allowed {
		t.Fatalf("S3 full access without the group: %v", got)
	}
	_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("G"), UserName: aws.String("Ann")})
	ok(t, err)
	ids, _, err := e.svc.id.Policies(bg, me)
	ok(t, err)
	want := []string{"arn:aws:iam::aws:policy/AmazonS3FullAccess", "inline policy no-delete on group G", "inline policy own on user Ann"}
	if fmt.Sprint(policyNames(ids)) != fmt.Sprint(want) {
		t.Fatalf("Policies: %v, want %v (a managed policy on both user and group counts once)", policyNames(ids), want)
	}
	if got := decide(t, e, me, "s3:DeleteObject", "arn:aws:s3:::b/k"); got != policy.ExplicitlyDenied {
		t.Fatalf("group deny: %v", got)
	}
	_, err = c.RemoveUserFromGroup(bg, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("G"), UserName: aws.String("Ann")})
	ok(t, err)
	if got := decide(t, e, me, "s3:DeleteObject", "arn:aws:s3:::b/k"); got != policy.Allowed {
		t.Fatalf("after leaving the group: %v", got)
	}

	// A new default version takes effect at once.
	p, err := c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("Lambda"), PolicyDocument: aws.String(doc(allow("lambda:GetFunction", "*")))})
	ok(t, err)
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("Ann"), PolicyArn: p.Policy.Arn})
	ok(t, err)
	if got := decide(t, e, me, "lambda:InvokeFunction", "*"); got != policy.ImplicitlyDenied {
		t.Fatalf("before the new version: %v", got)
	}
	_, err = c.CreatePolicyVersion(bg, &awsiam.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn,
		PolicyDocument: aws.String(doc(allow("lambda:*", "*"))), SetAsDefault: true})
	ok(t, err)
	if got := decide(t, e, me, "lambda:InvokeFunction", "*"); got != policy.Allowed {
		t.Fatalf("after SetAsDefault: %v", got)
	}
	_, err = c.SetDefaultPolicyVersion(bg, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: aws.String("v1")})
	ok(t, err)
	if got := decide(t, e, me, "lambda:InvokeFunction", "*"); got != policy.ImplicitlyDenied {
		t.Fatalf("after SetDefaultPolicyVersion v1: %v", got)
	}

	// Renaming the user keeps its keys and policies; the caller follows.
	_, err = c.UpdateUser(bg, &awsiam.UpdateUserInput{UserName: aws.String("Ann"), NewUserName: aws.String("Anna")})
	ok(t, err)
	caller, err = e.svc.id.Caller(bg, aws.ToString(key.AccessKey.AccessKeyId))
	ok(t, err)
	if caller.Principal.ARN != "arn:aws:iam::123456789012:user/Anna" {
		t.Fatalf("caller after rename: %s", caller.Principal.ARN)
	}
	if got := decide(t, e, &caller.Principal, "s3:GetObject", "arn:aws:s3:::b/k"); got != policy.Allowed {
		t.Fatalf("policies after rename: %v", got)
	}
	// Unknown principals have no policies; root and services need none.
	for _, p := range []*policy.Principal{
		nil,
		{Type: policy.User, Account: testAccount, Username: "ghost"},
		{Type: policy.Root, Account: testAccount},
		{Type: policy.Service, ARN: "s3.amazonaws.com"},
		{Type: policy.AssumedRole, RoleARN: "arn:aws:iam::123456789012:role/ghost"},
	} {
		ids, b, err := e.svc.id.Policies(bg, p)
		if err != nil || len(ids) != 0 || b != nil {
			t.Fatalf("Policies(%+v) = %d, %v, %v", p, len(ids), b, err)
		}
	}
}

func TestPoliciesForRoleSessions(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	fn, err := c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("Fn"), Path: aws.String("/lambda/"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Fn"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	_, err = c.PutRolePolicy(bg, &awsiam.PutRolePolicyInput{RoleName: aws.String("Fn"), PolicyName: aws.String("ddb"),
		PolicyDocument: aws.String(doc(allow("dynamodb:GetItem", "*")))})
	ok(t, err)
	session := &policy.Principal{Type: policy.AssumedRole, Account: testAccount,
		ARN: "arn:aws:sts::123456789012:assumed-role/Fn/f", RoleARN: "arn:aws:iam::123456789012:role/lambda/Fn",
		UserID: aws.ToString(fn.Role.RoleId) + ":f"}
	ids, b, err := e.svc.id.Policies(bg, session)
	ok(t, err)
	if fmt.Sprint(policyNames(ids)) != fmt.Sprint([]string{basicExecARN, "inline policy ddb on role Fn"}) || b != nil {
		t.Fatalf("role policies: %v", policyNames(ids))
	}
	if got := decide(t, e, session, "logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*"); got != policy.Allowed {
		t.Fatalf("logs:PutLogEvents with AWSLambdaBasicExecutionRole: %v", got)
	}
	_, err = c.PutRolePermissionsBoundary(bg, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("Fn"),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")})
	ok(t, err)
	if got := decide(t, e, session, "logs:PutLogEvents", "*"); got != policy.ImplicitlyDenied {
		t.Fatalf("boundary without logs: %v", got)
	}
	if got := decide(t, e, session, "dynamodb:GetItem", "*"); got != policy.Allowed {
		t.Fatalf("boundary and identity allow dynamodb:GetItem: %v", got)
	}
	_, err = c.DetachRolePolicy(bg, &awsiam.DetachRolePolicyInput{RoleName: aws.String("Fn"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	ids, _, err = e.svc.id.Policies(bg, session)
	ok(t, err)
	if len(ids) != 1 {
		t.Fatalf("after detach: %v", policyNames(ids))
	}
}

// Concurrent writers never lose an update, and a reader never keeps a
// cached answer from before a write that has returned.
func TestConcurrentWrites(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	r, err := c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	p := &policy.Principal{Type: policy.AssumedRole, Account: testAccount, RoleARN: "arn:aws:iam::123456789012:role/r", UserID: aws.ToString(r.Role.RoleId) + ":s"}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() { // a reader hammering the cache
		for {
			select {
			case <-stop:
				return
			default:
				e.svc.id.Policies(bg, p)
			}
		}
	}()
	const n = 40
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := c.PutRolePolicy(bg, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(fmt.Sprintf("p%02d", i)),
				PolicyDocument: aws.String(doc(allow("s3:GetObject", "*")))})
			if err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	close(stop)
	names, err := c.ListRolePolicies(bg, &awsiam.ListRolePoliciesInput{RoleName: aws.String("r")})
	ok(t, err)
	if len(names.PolicyNames) != n {
		t.Fatalf("%d inline policies after %d concurrent puts", len(names.PolicyNames), n)
	}
	ids, _, err := e.svc.id.Policies(bg, p)
	ok(t, err)
	if len(ids) != n {
		t.Fatalf("Policies sees %d of %d", len(ids), n)
	}
}

// Everything survives closing and reopening the store.
func TestRestart(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("Keep"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}},
		PermissionsBoundary: aws.String(adminARN)})
	ok(t, err)
	k, err := c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("Keep")})
	ok(t, err)
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("G")})
	ok(t, err)
	_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("G"), UserName: aws.String("Keep")})
	ok(t, err)
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("R"), AssumeRolePolicyDocument: aws.String(lambdaTrust), MaxSessionDuration: aws.Int32(5000)})
	ok(t, err)
	pol, err := c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("P"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	_, err = c.CreatePolicyVersion(bg, &awsiam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: aws.String(doc(allow("s3:*", "*"))), SetAsDefault: true})
	ok(t, err)
	_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("R"), PolicyArn: pol.Policy.Arn})
	ok(t, err)
	_, err = c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("G"), PolicyName: aws.String("gp"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)

	e.restart()
	c = e.root()
	caller, err := e.svc.id.Caller(bg, aws.ToString(k.AccessKey.AccessKeyId))
	ok(t, err)
	if caller.Principal.Username != "Keep" || caller.Principal.Tags["a"] != "b" {
		t.Fatalf("caller after restart: %+v", caller.Principal)
	}
	ids, b, err := e.svc.id.Policies(bg, &caller.Principal)
	ok(t, err)
	if len(ids) != 1 || b == nil {
		t.Fatalf("user policies after restart: %v %v", policyNames(ids), b)
	}
	role, err := e.svc.id.Role(bg, testAccount, "r")
	ok(t, err)
	if role.MaxSessionDuration != 5000 {
		t.Fatalf("role after restart: %+v", role)
	}
	got, err := c.GetPolicy(bg, &awsiam.GetPolicyInput{PolicyArn: pol.Policy.Arn})
	ok(t, err)
	if aws.ToString(got.Policy.DefaultVersionId) != "v2" || aws.ToInt32(got.Policy.AttachmentCount) != 1 {
		t.Fatalf("policy after restart: %+v", got.Policy)
	}
	g, err := c.GetGroup(bg, &awsiam.GetGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	if len(g.Users) != 1 {
		t.Fatalf("group after restart: %+v", g)
	}
	// Root keys too.
	if _, err := e.svc.id.Caller(bg, rootKey); err != nil {
		t.Fatal(err)
	}
}

func TestAccountAuthorizationDetails(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String(adminARN)})
	ok(t, err)
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("in"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("u")})
	ok(t, err)
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	_, err = c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("mine"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)

	d, err := c.GetAccountAuthorizationDetails(bg, &awsiam.GetAccountAuthorizationDetailsInput{})
	ok(t, err)
	if len(d.UserDetailList) != 1 || len(d.GroupDetailList) != 1 || len(d.RoleDetailList) != 1 {
		t.Fatalf("details: %d users %d groups %d roles", len(d.UserDetailList), len(d.GroupDetailList), len(d.RoleDetailList))
	}
	u := d.UserDetailList[0]
	if len(u.UserPolicyList) != 1 || len(u.GroupList) != 1 || u.GroupList[0] != "g" || aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn) != adminARN {
		t.Fatalf("user detail: %+v", u)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(u.UserPolicyList[0].PolicyDocument)); doc != allowAll {
		t.Fatalf("inline document %q", doc)
	}
	r := d.RoleDetailList[0]
	if len(r.AttachedManagedPolicies) != 1 || aws.ToString(r.AttachedManagedPolicies[0].PolicyArn) != basicExecARN {
		t.Fatalf("role detail: %+v", r)
	}
	// Local policies and the AWS managed ones in use (attached or boundary).
	var arns []string
	for _, p := range d.Policies {
		arns = append(arns, aws.ToString(p.Arn))
		if len(p.PolicyVersionList) == 0 || p.PolicyVersionList[0].Document == nil {
			t.Fatalf("policy %s without versions", aws.ToString(p.Arn))
		}
	}
	sort.Strings(arns)
	if strings.Join(arns, " ") != "arn:aws:iam::123456789012:policy/mine "+adminARN+" "+basicExecARN {
		t.Fatalf("policies: %v", arns)
	}
	roles, err := c.GetAccountAuthorizationDetails(bg, &awsiam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{types.EntityTypeRole}})
	ok(t, err)
	if len(roles.UserDetailList) != 0 || len(roles.RoleDetailList) != 1 || len(roles.Policies) != 0 {
		t.Fatalf("Filter=Role: %+v", roles)
	}
	first, err := c.GetAccountAuthorizationDetails(bg, &awsiam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(2)})
	ok(t, err)
	rest, err := c.GetAccountAuthorizationDetails(bg, &awsiam.GetAccountAuthorizationDetailsInput{Marker: first.Marker})
	ok(t, err)
	if !first.IsTruncated || len(first.UserDetailList)+len(first.GroupDetailList) != 2 || len(rest.RoleDetailList) != 1 || len(rest.Policies) != 3 {
		t.Fatalf("paging: %+v / %+v", first, rest)
	}
}
