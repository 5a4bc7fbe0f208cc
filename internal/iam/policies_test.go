package iam

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/seki-dev/seki/internal/policy"
)

func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func allow(action, resource string) string {
	return `{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}`
}

func deny(action, resource string) string {
	return `{"Effect":"Deny","Action":"` + action + `","Resource":"` + resource + `"}`
}

func TestInlinePolicies(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)

	pretty := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/a b+c\"}]\n}"
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("Read"), PolicyDocument: aws.String(pretty)})
	ok(t, err)
	got, err := c.GetUserPolicy(bg, &awsiam.GetUserPolicyInput{UserName: aws.String("U"), PolicyName: aws.String("read")})
	ok(t, err)
	// AWS returns the document as submitted, URL-encoded.
	if d, _ := url.PathUnescape(aws.ToString(got.PolicyDocument)); d != pretty || aws.ToString(got.PolicyName) != "Read" || aws.ToString(got.UserName) != "u" {
		t.Fatalf("GetUserPolicy: %+v", got)
	}
	_, err = c.GetUserPolicy(bg, &awsiam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("nope")})
	wantErr(t, err, "NoSuchEntity", "The user policy with name nope cannot be found.")
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("nobody"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	wantErr(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Statement":`)})
	wantErr(t, err, "MalformedPolicyDocument", "")

	// The combined inline size is capped per entity: 2048 for users.
	filler := doc(allow("s3:GetObject", "arn:aws:s3:::"+strings.Repeat("a", 1900)))
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("Big"), PolicyDocument: aws.String(filler)})
	wantErr(t, err, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user u")
	// Replacing a policy counts only its new version.
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("read"), PolicyDocument: aws.String(filler)})
	ok(t, err)
	_, err = c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("a"), PolicyDocument: aws.String(filler)})
	ok(t, err)
	_, err = c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("b"), PolicyDocument: aws.String(filler)})
	ok(t, err)
	_, err = c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("c"), PolicyDocument: aws.String(filler)})
	wantErr(t, err, "LimitExceeded", "Maximum policy size of 5120 bytes exceeded for group g")
	for i := 0; i < 5; i++ {
		_, err = c.PutRolePolicy(bg, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p" + string(rune('a'+i))), PolicyDocument: aws.String(filler)})
		ok(t, err)
	}
	_, err = c.PutRolePolicy(bg, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("pf"), PolicyDocument: aws.String(filler)})
	wantErr(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role r")

	names, err := c.ListRolePolicies(bg, &awsiam.ListRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(3)})
	ok(t, err)
	if strings.Join(names.PolicyNames, ",") != "pa,pb,pc" || !names.IsTruncated {
		t.Fatalf("ListRolePolicies: %+v", names)
	}
	more, err := c.ListRolePolicies(bg, &awsiam.ListRolePoliciesInput{RoleName: aws.String("r"), Marker: names.Marker})
	ok(t, err)
	if strings.Join(more.PolicyNames, ",") != "pd,pe" || more.IsTruncated {
		t.Fatalf("ListRolePolicies page 2: %+v", more)
	}
	gn, err := c.ListGroupPolicies(bg, &awsiam.ListGroupPoliciesInput{GroupName: aws.String("g")})
	ok(t, err)
	un, err := c.ListUserPolicies(bg, &awsiam.ListUserPoliciesInput{UserName: aws.String("u")})
	ok(t, err)
	if len(gn.PolicyNames) != 2 || len(un.PolicyNames) != 1 {
		t.Fatalf("ListGroupPolicies %v ListUserPolicies %v", gn.PolicyNames, un.PolicyNames)
	}
	_, err = c.ListUserPolicies(bg, &awsiam.ListUserPoliciesInput{UserName: aws.String("x")})
	wantErr(t, err, "NoSuchEntity", "The user with name x cannot be found.")

	gp, err := c.GetGroupPolicy(bg, &awsiam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("a")})
	ok(t, err)
	rp, err := c.GetRolePolicy(bg, &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("pa")})
	ok(t, err)
	if aws.ToString(gp.GroupName) != "g" || aws.ToString(rp.RoleName) != "r" {
		t.Fatalf("GetGroupPolicy %+v GetRolePolicy %+v", gp, rp)
	}
	_, err = c.GetRolePolicy(bg, &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("zz")})
	wantErr(t, err, "NoSuchEntity", "The role policy with name zz cannot be found.")
	_, err = c.DeleteGroupPolicy(bg, &awsiam.DeleteGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("zz")})
	wantErr(t, err, "NoSuchEntity", "The group policy with name zz cannot be found.")
	_, err = c.DeleteRolePolicy(bg, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("pa")})
	ok(t, err)
}

func TestManagedPolicies(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	v1 := doc(allow("s3:GetObject", "*"))
	out, err := c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("Reader"), Path: aws.String("/app/"),
		PolicyDocument: aws.String(v1), Description: aws.String("reads"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	ok(t, err)
	p := out.Policy
	arn := "arn:aws:iam::123456789012:policy/app/Reader"
	if aws.ToString(p.Arn) != arn || aws.ToString(p.DefaultVersionId) != "v1" || !p.IsAttachable || aws.ToInt32(p.AttachmentCount) != 0 ||
		!strings.HasPrefix(aws.ToString(p.PolicyId), "ANPA") {
		t.Fatalf("CreatePolicy: %+v", p)
	}
	if e.auth.last().Resource != arn {
		t.Fatalf("CreatePolicy authorized on %s", e.auth.last().Resource)
	}
	_, err = c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("reader"), PolicyDocument: aws.String(v1)})
	wantErr(t, err, "EntityAlreadyExists", "A policy called reader already exists. Duplicate names are not allowed.")
	_, err = c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("Bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`)})
	wantErr(t, err, "MalformedPolicyDocument", "")
	huge := doc(allow("s3:GetObject", "arn:aws:s3:::"+strings.Repeat("b", 6200)))
	_, err = c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("Huge"), PolicyDocument: aws.String(huge)})
	wantErr(t, err, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144")

	got, err := c.GetPolicy(bg, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	ok(t, err)
	if aws.ToString(got.Policy.Description) != "reads" || len(got.Policy.Tags) != 1 {
		t.Fatalf("GetPolicy: %+v", got.Policy)
	}
	_, err = c.GetPolicy(bg, &awsiam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Nope")})
	wantErr(t, err, "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/Nope was not found.")
	_, err = c.GetPolicy(bg, &awsiam.GetPolicyInput{PolicyArn: aws.String("not-an-arn-at-all-xx")})
	wantErr(t, err, "InvalidInput", "ARN not-an-arn-at-all-xx is not valid.")

	// Versions: up to five, ids never reused, the default protected.
	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(bg, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn),
			PolicyDocument: aws.String(doc(allow("s3:PutObject", "*"))), SetAsDefault: i == 3})
		ok(t, err)
		if aws.ToString(v.PolicyVersion.VersionId) != "v"+string(rune('0'+i)) || v.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Fatalf("CreatePolicyVersion %d: %+v", i, v.PolicyVersion)
		}
	}
	_, err = c.CreatePolicyVersion(bg, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(v1)})
	wantErr(t, err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	_, err = c.CreatePolicyVersion(bg, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn + "x"), PolicyDocument: aws.String(v1)})
	wantErr(t, err, "NoSuchEntity", "")
	vs, err := c.ListPolicyVersions(bg, &awsiam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	ok(t, err)
	if len(vs.Versions) != 5 || aws.ToString(vs.Versions[0].VersionId) != "v5" || !vs.Versions[2].IsDefaultVersion {
		t.Fatalf("ListPolicyVersions: %+v", vs.Versions)
	}
	_, err = c.DeletePolicyVersion(bg, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	wantErr(t, err, "DeleteConflict", "Cannot delete the default version of a policy.")
	_, err = c.DeletePolicyVersion(bg, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	wantErr(t, err, "NoSuchEntity", "")
	_, err = c.DeletePolicyVersion(bg, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")})
	ok(t, err)
	v6, err := c.CreatePolicyVersion(bg, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(v1)})
	ok(t, err)
	if aws.ToString(v6.PolicyVersion.VersionId) != "v6" {
		t.Fatalf("version ids are reused: %s", aws.ToString(v6.PolicyVersion.VersionId))
	}
	gv, err := c.GetPolicyVersion(bg, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	ok(t, err)
	if d, _ := url.QueryUnescape(aws.ToString(gv.PolicyVersion.Document)); d != v1 || gv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion: %+v", gv.PolicyVersion)
	}
	_, err = c.GetPolicyVersion(bg, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")})
	wantErr(t, err, "NoSuchEntity", "")
	_, err = c.SetDefaultPolicyVersion(bg, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	ok(t, err)
	_, err = c.SetDefaultPolicyVersion(bg, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v7")})
	wantErr(t, err, "NoSuchEntity", "")
	_, err = c.SetDefaultPolicyVersion(bg, &awsiam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("1")})
	wantErr(t, err, "ValidationError", "")

	// Attach, count, list; DeletePolicy refuses while attached or versioned.
	_, err = c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)})
	ok(t, err)
	if v, _ := e.auth.last().Context.Get("iam:PolicyARN"); len(v) != 1 || v[0] != arn {
		t.Fatalf("iam:PolicyARN = %v", v)
	}
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Missing")})
	wantErr(t, err, "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/Missing does not exist or is not attachable.")
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NotAPolicy")})
	wantErr(t, err, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/NotAPolicy does not exist or is not attachable.")
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("nobody"), PolicyArn: aws.String(arn)})
	wantErr(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
	att, err := c.ListAttachedUserPolicies(bg, &awsiam.ListAttachedUserPoliciesInput{UserName: aws.String("u")})
	ok(t, err)
	if len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "Reader" {
		t.Fatalf("ListAttachedUserPolicies: %+v", att.AttachedPolicies)
	}
	none, err := c.ListAttachedUserPolicies(bg, &awsiam.ListAttachedUserPoliciesInput{UserName: aws.String("u"), PathPrefix: aws.String("/other/")})
	ok(t, err)
	if len(none.AttachedPolicies) != 0 {
		t.Fatalf("PathPrefix filter: %+v", none.AttachedPolicies)
	}
	got, err = c.GetPolicy(bg, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	ok(t, err)
	if aws.ToInt32(got.Policy.AttachmentCount) != 1 || aws.ToString(got.Policy.DefaultVersionId) != "v1" {
		t.Fatalf("after attach: %+v", got.Policy)
	}
	ents, err := c.ListEntitiesForPolicy(bg, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
	ok(t, err)
	if len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "u" || len(ents.PolicyRoles) != 0 {
		t.Fatalf("ListEntitiesForPolicy: %+v", ents)
	}
	_, err = c.DeletePolicy(bg, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantErr(t, err, "DeleteConflict", "Cannot delete a policy attached to entities.")
	_, err = c.DetachUserPolicy(bg, &awsiam.DetachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)})
	ok(t, err)
	_, err = c.DetachUserPolicy(bg, &awsiam.DetachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)})
	wantErr(t, err, "NoSuchEntity", "Policy "+arn+" was not found.")
	_, err = c.DeletePolicy(bg, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantErr(t, err, "DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	for _, v := range []string{"v2", "v3", "v4", "v6"} {
		_, err = c.DeletePolicyVersion(bg, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(v)})
		ok(t, err)
	}
	_, err = c.DeletePolicy(bg, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	ok(t, err)
	_, err = c.DeletePolicy(bg, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantErr(t, err, "NoSuchEntity", "")
	_, err = c.DeletePolicy(bg, &awsiam.DeletePolicyInput{PolicyArn: aws.String(adminARN)})
	wantErr(t, err, "InvalidInput", "")

	// The managed-policy quota per entity.
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	for _, ent := range e.svc.id.AWSManaged()[:10] {
		_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(ent.Rec.ARN)})
		ok(t, err)
	}
	_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(e.svc.id.AWSManaged()[10].Rec.ARN)})
	wantErr(t, err, "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10")
	ra, err := c.ListAttachedRolePolicies(bg, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(4)})
	ok(t, err)
	if len(ra.AttachedPolicies) != 4 || !ra.IsTruncated {
		t.Fatalf("ListAttachedRolePolicies: %+v", ra)
	}
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	_, err = c.AttachGroupPolicy(bg, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String(adminARN)})
	ok(t, err)
	ga, err := c.ListAttachedGroupPolicies(bg, &awsiam.ListAttachedGroupPoliciesInput{GroupName: aws.String("g")})
	ok(t, err)
	if len(ga.AttachedPolicies) != 1 {
		t.Fatalf("ListAttachedGroupPolicies: %+v", ga)
	}
	_, err = c.DetachGroupPolicy(bg, &awsiam.DetachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String(basicExecARN)})
	wantErr(t, err, "NoSuchEntity", "Policy "+basicExecARN+" was not found.")
}

func TestAWSManagedPolicies(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	want := []string{
		"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
		"arn:aws:iam::aws:policy/AWSLambda_FullAccess",
		"arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
		"arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
		"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
		"arn:aws:iam::aws:policy/AmazonS3FullAccess",
		"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
		"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
		"arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
		"arn:aws:iam::aws:policy/IAMFullAccess",
		"arn:aws:iam::aws:policy/AdministratorAccess",
	}
	// Every document compiles with the policy engine, as identity policy
	// and as boundary.
	for _, arn := range want {
		for _, k := range []policy.Kind{policy.Identity, policy.Boundary} {
			p, err := e.svc.id.ManagedPolicyAs(bg, arn, k)
			if err != nil || p.Name != arn {
				t.Fatalf("%s as %v: %v", arn, k, err)
			}
		}
	}
	list, err := c.ListPolicies(bg, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws})
	ok(t, err)
	seen := map[string]bool{}
	for _, p := range list.Policies {
		seen[aws.ToString(p.Arn)] = true
	}
	for _, arn := range want {
		if !seen[arn] {
			t.Errorf("ListPolicies Scope=AWS lacks %s", arn)
		}
	}
	sr, err := c.ListPolicies(bg, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/service-role/")})
	ok(t, err)
	if len(sr.Policies) != 4 {
		t.Fatalf("service-role policies: %d", len(sr.Policies))
	}

	got, err := c.GetPolicy(bg, &awsiam.GetPolicyInput{PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	if aws.ToString(got.Policy.PolicyId) != "ANPAJNCQGXC42545SKXIK" || aws.ToString(got.Policy.Path) != "/service-role/" ||
		aws.ToString(got.Policy.DefaultVersionId) != "v1" {
		t.Fatalf("GetPolicy AWS managed: %+v", got.Policy)
	}
	// Reading an AWS managed policy is authorized in the caller's account.
	if chk := e.auth.last(); chk.Resource != basicExecARN || chk.ResourceAccount != testAccount {
		t.Fatalf("GetPolicy authorized on %s in %q", chk.Resource, chk.ResourceAccount)
	}
	v, err := c.GetPolicyVersion(bg, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(basicExecARN), VersionId: aws.String("v1")})
	ok(t, err)
	d, _ := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document))
	if !strings.Contains(d, `"logs:CreateLogGroup"`) || !v.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion AWS managed: %s", d)
	}
	vs, err := c.ListPolicyVersions(bg, &awsiam.ListPolicyVersionsInput{PolicyArn: aws.String(adminARN)})
	ok(t, err)
	if len(vs.Versions) != 1 {
		t.Fatalf("ListPolicyVersions AWS managed: %+v", vs.Versions)
	}
	_, err = c.CreatePolicyVersion(bg, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(adminARN), PolicyDocument: aws.String(allowAll)})
	wantErr(t, err, "InvalidInput", "")

	// Attachable from every account; AttachmentCount is per account.
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("fn"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("fn"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	attached, err := c.ListPolicies(bg, &awsiam.ListPoliciesInput{OnlyAttached: true})
	ok(t, err)
	if len(attached.Policies) != 1 || aws.ToInt32(attached.Policies[0].AttachmentCount) != 1 {
		t.Fatalf("ListPolicies OnlyAttached: %+v", attached.Policies)
	}
	ok(t, e.svc.EnsureAccount(bg, "210987654321", "AKIAOTHERROOT0000000", "s"))
	other := e.client("AKIAOTHERROOT0000000", "s")
	_, err = other.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("fn"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	oa, err := other.ListPolicies(bg, &awsiam.ListPoliciesInput{OnlyAttached: true})
	ok(t, err)
	if len(oa.Policies) != 0 {
		t.Fatalf("attachments leak across accounts: %+v", oa.Policies)
	}
	_, err = other.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("fn"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)

	// Paging through All: local and AWS policies interleaved by name.
	_, err = c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("B-local"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	var names []string
	var marker *string
	for {
		page, err := c.ListPolicies(bg, &awsiam.ListPoliciesInput{MaxItems: aws.Int32(5), Marker: marker})
		ok(t, err)
		for _, p := range page.Policies {
			names = append(names, aws.ToString(p.PolicyName))
		}
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	if len(names) != len(want)+1 || names[len(names)-1] != "IAMFullAccess" {
		t.Fatalf("ListPolicies All: %v", names)
	}
	local, err := c.ListPolicies(bg, &awsiam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	ok(t, err)
	if len(local.Policies) != 1 {
		t.Fatalf("ListPolicies Local: %+v", local.Policies)
	}
}

func TestBoundaries(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String(basicExecARN)})
	ok(t, err)
	if v, _ := e.auth.last().Context.Get("iam:PermissionsBoundary"); len(v) != 1 || v[0] != basicExecARN {
		t.Fatalf("CreateUser iam:PermissionsBoundary = %v", v)
	}
	got, err := c.GetUser(bg, &awsiam.GetUserInput{UserName: aws.String("u")})
	ok(t, err)
	if got.User.PermissionsBoundary == nil || aws.ToString(got.User.PermissionsBoundary.PermissionsBoundaryArn) != basicExecARN ||
		got.User.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Fatalf("GetUser boundary: %+v", got.User.PermissionsBoundary)
	}
	_, err = c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("v"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/Nope")})
	wantErr(t, err, "NoSuchEntity", "Scope ARN: arn:aws:iam::123456789012:policy/Nope does not exist or is not attachable.")

	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.PutRolePermissionsBoundary(bg, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String(adminARN)})
	ok(t, err)
	if chk := e.auth.last(); chk.Resource != "arn:aws:iam::123456789012:role/r" {
		t.Fatalf("PutRolePermissionsBoundary on %s", chk.Resource)
	}
	_, err = c.PutRolePermissionsBoundary(bg, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("none"), PermissionsBoundary: aws.String(adminARN)})
	wantErr(t, err, "NoSuchEntity", "The role with name none cannot be found.")
	_, err = c.PutRolePermissionsBoundary(bg, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String("arn:aws:s3:::not-a-policy")})
	wantErr(t, err, "InvalidInput", "ARN arn:aws:s3:::not-a-policy is not valid.")
	role, err := c.GetRole(bg, &awsiam.GetRoleInput{RoleName: aws.String("r")})
	ok(t, err)
	if aws.ToString(role.Role.PermissionsBoundary.PermissionsBoundaryArn) != adminARN {
		t.Fatalf("GetRole boundary: %+v", role.Role.PermissionsBoundary)
	}
	pol, err := c.GetPolicy(bg, &awsiam.GetPolicyInput{PolicyArn: aws.String(adminARN)})
	ok(t, err)
	if aws.ToInt32(pol.Policy.PermissionsBoundaryUsageCount) != 1 {
		t.Fatalf("PermissionsBoundaryUsageCount: %+v", pol.Policy)
	}
	ents, err := c.ListEntitiesForPolicy(bg, &awsiam.ListEntitiesForPolicyInput{PolicyArn: aws.String(adminARN), PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary})
	ok(t, err)
	if len(ents.PolicyRoles) != 1 {
		t.Fatalf("ListEntitiesForPolicy boundary: %+v", ents)
	}

	// The boundary takes part in the principal's policies.
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("all"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	u, err := c.GetUser(bg, &awsiam.GetUserInput{UserName: aws.String("u")})
	ok(t, err)
	uid := aws.ToString(u.User.UserId)
	ids, b, err := e.svc.id.Policies(bg, &policy.Principal{Type: policy.User, Account: testAccount, Username: "u", UserID: uid})
	ok(t, err)
	if len(ids) != 1 || b == nil || b.Name != basicExecARN || b.Kind != policy.Boundary {
		t.Fatalf("Policies with boundary: %d identity, boundary %+v", len(ids), b)
	}

	_, err = c.DeleteUserPermissionsBoundary(bg, &awsiam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("u")})
	ok(t, err)
	if _, b, _ := e.svc.id.Policies(bg, &policy.Principal{Type: policy.User, Account: testAccount, Username: "u", UserID: uid}); b != nil {
		t.Fatal("boundary still applies after DeleteUserPermissionsBoundary")
	}
	_, err = c.PutUserPermissionsBoundary(bg, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("u"), PermissionsBoundary: aws.String(adminARN)})
	ok(t, err)
	_, err = c.DeleteRolePermissionsBoundary(bg, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("r")})
	ok(t, err)
	_, err = c.DeleteRolePermissionsBoundary(bg, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("gone")})
	wantErr(t, err, "NoSuchEntity", "The role with name gone cannot be found.")
	_, err = c.DeleteUserPermissionsBoundary(bg, &awsiam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("gone")})
	wantErr(t, err, "NoSuchEntity", "The user with name gone cannot be found.")
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.TagUser(bg, &awsiam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{
		{Key: aws.String("Team"), Value: aws.String("a")}, {Key: aws.String("env"), Value: aws.String("dev")}}})
	ok(t, err)
	if v, _ := e.auth.last().Context.Get("aws:TagKeys"); len(v) != 2 {
		t.Fatalf("aws:TagKeys = %v", v)
	}
	// Keys are case-insensitive: this replaces Team.
	_, err = c.TagUser(bg, &awsiam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("b")}}})
	ok(t, err)
	tags, err := c.ListUserTags(bg, &awsiam.ListUserTagsInput{UserName: aws.String("u")})
	ok(t, err)
	if len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "b" {
		t.Fatalf("ListUserTags: %+v", tags.Tags)
	}
	// The resource tags reach later requests' condition keys.
	_, err = c.GetUser(bg, &awsiam.GetUserInput{UserName: aws.String("u")})
	ok(t, err)
	if v, _ := e.auth.last().Context.Get("iam:ResourceTag/team"); len(v) != 1 || v[0] != "b" {
		t.Fatalf("iam:ResourceTag/team = %v", v)
	}
	_, err = c.TagUser(bg, &awsiam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{
		{Key: aws.String("x"), Value: aws.String("1")}, {Key: aws.String("X"), Value: aws.String("2")}}})
	wantErr(t, err, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	_, err = c.TagUser(bg, &awsiam.TagUserInput{UserName: aws.String("nobody"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantErr(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
	_, err = c.TagUser(bg, &awsiam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("bad*key"), Value: aws.String("b")}}})
	wantErr(t, err, "ValidationError", `1 validation error detected: Value 'bad*key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	many := make([]types.Tag, 49)
	for i := range many {
		many[i] = types.Tag{Key: aws.String("k" + string(rune('A'+i%26)) + string(rune('a'+i/26))), Value: aws.String("v")}
	}
	_, err = c.TagUser(bg, &awsiam.TagUserInput{UserName: aws.String("u"), Tags: many})
	wantErr(t, err, "LimitExceeded", "")
	_, err = c.UntagUser(bg, &awsiam.UntagUserInput{UserName: aws.String("u"), TagKeys: []string{"ENV"}})
	ok(t, err)
	tags, err = c.ListUserTags(bg, &awsiam.ListUserTagsInput{UserName: aws.String("u")})
	ok(t, err)
	if len(tags.Tags) != 1 {
		t.Fatalf("after UntagUser: %+v", tags.Tags)
	}
	_, err = c.UntagUser(bg, &awsiam.UntagUserInput{UserName: aws.String("nobody"), TagKeys: []string{"a"}})
	wantErr(t, err, "NoSuchEntity", "")
	_, err = c.ListUserTags(bg, &awsiam.ListUserTagsInput{UserName: aws.String("nobody")})
	wantErr(t, err, "NoSuchEntity", "")
	// Principal tags follow the user's tags.
	k, err := c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("u")})
	ok(t, err)
	caller, err := e.svc.id.Caller(bg, aws.ToString(k.AccessKey.AccessKeyId))
	ok(t, err)
	if caller.Principal.Tags["team"] != "b" {
		t.Fatalf("principal tags %v", caller.Principal.Tags)
	}

	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.TagRole(bg, &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	ok(t, err)
	rt, err := c.ListRoleTags(bg, &awsiam.ListRoleTagsInput{RoleName: aws.String("r")})
	ok(t, err)
	if len(rt.Tags) != 1 {
		t.Fatalf("ListRoleTags: %+v", rt.Tags)
	}
	_, err = c.UntagRole(bg, &awsiam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"a"}})
	ok(t, err)
	_, err = c.TagRole(bg, &awsiam.TagRoleInput{RoleName: aws.String("x"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	wantErr(t, err, "NoSuchEntity", "The role with name x cannot be found.")
	_, err = c.ListRoleTags(bg, &awsiam.ListRoleTagsInput{RoleName: aws.String("x")})
	wantErr(t, err, "NoSuchEntity", "")
	_, err = c.UntagRole(bg, &awsiam.UntagRoleInput{RoleName: aws.String("x"), TagKeys: []string{"a"}})
	wantErr(t, err, "NoSuchEntity", "")

	p, err := c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	_, err = c.TagPolicy(bg, &awsiam.TagPolicyInput{PolicyArn: p.Policy.Arn, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	ok(t, err)
	pt, err := c.ListPolicyTags(bg, &awsiam.ListPolicyTagsInput{PolicyArn: p.Policy.Arn})
	ok(t, err)
	if len(pt.Tags) != 1 {
		t.Fatalf("ListPolicyTags: %+v", pt.Tags)
	}
	_, err = c.UntagPolicy(bg, &awsiam.UntagPolicyInput{PolicyArn: p.Policy.Arn, TagKeys: []string{"a"}})
	ok(t, err)
}
