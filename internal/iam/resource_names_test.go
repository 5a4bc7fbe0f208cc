package iam

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// rawAs posts an IAM form signed (in the harness's sense) with akid and
// returns the status.
func (e *env) rawAs(akid string, form url.Values) int {
	e.t.Helper()
	form.Set("Version", Version)
	req, err := http.NewRequest("POST", e.srv.URL, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-Access-Key", akid)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestResourceNames pins, for every operation in the table, the resource an
// operation is authorized on (the ARN the decision log records) and how its
// AccessDenied message names it (the rule is documented beside ops()).
// Existing entities are named in a different case from the request, to show
// that the message uses the name as the request gave it while the ARN is
// the entity's own, path included.
func TestResourceNames(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("Kim"), Path: aws.String("/team/")})
	ok(t, err)
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("Devs"), Path: aws.String("/eng/")})
	ok(t, err)
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("Runner"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("Pol"), Path: aws.String("/p/"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	_, err = c.CreateInstanceProfile(bg, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("Prof"), Path: aws.String("/ip/")})
	ok(t, err)
	key, err := c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("Kim")})
	ok(t, err)
	kimKey := aws.ToString(key.AccessKey.AccessKeyId)

	const (
		acct   = "arn:aws:iam::123456789012:"
		kim    = acct + "user/team/Kim"
		devs   = acct + "group/eng/Devs"
		runner = acct + "role/svc/Runner"
		pol    = acct + "policy/p/Pol"
		awsPol = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	)
	user := func(kv ...string) url.Values { return form(append([]string{"UserName", "kim"}, kv...)...) }
	group := func(kv ...string) url.Values { return form(append([]string{"GroupName", "devs"}, kv...)...) }
	role := func(kv ...string) url.Values { return form(append([]string{"RoleName", "runner"}, kv...)...) }
	policyArn := func(kv ...string) url.Values { return form(append([]string{"PolicyArn", pol}, kv...)...) }
	doc := []string{"PolicyName", "inline", "PolicyDocument", allowAll}

	cases := []struct {
		op       string
		as       string // access key; "" for root
		params   url.Values
		resource string
		name     string // "" when the message names the resource by its ARN
	}{
		{"CreateUser", "", form("UserName", "New", "Path", "/team/"), acct + "user/team/New", ""},
		{"GetUser", "", user(), kim, "user kim"},
		{"GetUser", kimKey, form(), kim, ""},
		{"GetUser", "", form("UserName", "ghost"), acct + "user/ghost", "user ghost"},
		{"ListUsers", "", form("PathPrefix", "/team/"), acct + "user/team/", ""},
		{"UpdateUser", "", form("UserName", "ghost"), acct + "user/ghost", "user ghost"},
		{"DeleteUser", "", form("UserName", "ghost"), acct + "user/ghost", "user ghost"},
		{"CreateAccessKey", "", form("UserName", "ghost"), acct + "user/ghost", "user ghost"},
		{"CreateAccessKey", kimKey, form(), kim, "user nullKim"},
		{"ListAccessKeys", "", user(), kim, "user kim"},
		{"ListAccessKeys", kimKey, form(), kim, "user nullKim"},
		{"UpdateAccessKey", kimKey, form("AccessKeyId", kimKey, "Status", "Active"), kim, "user nullKim"},
		{"UpdateAccessKey", "", user("AccessKeyId", kimKey, "Status", "Active"), kim, "user kim"},
		{"DeleteAccessKey", kimKey, form("AccessKeyId", "AKIAAAAAAAAAAAAAAAAA"), kim, "user nullKim"},
		{"DeleteAccessKey", "", form("UserName", "ghost", "AccessKeyId", "AKIAAAAAAAAAAAAAAAAA"), acct + "user/ghost", "user ghost"},
		{"GetAccessKeyLastUsed", "", form("AccessKeyId", kimKey), kim, ""},
		{"CreateServiceSpecificCredential", "", user("ServiceName", "codecommit.amazonaws.com"), kim, "user kim"},
		{"ListServiceSpecificCredentials", kimKey, form(), kim, "user nullKim"},
		{"UpdateServiceSpecificCredential", "", user("ServiceSpecificCredentialId", "ACCAAAAAAAAAAAAAAAAAA", "Status", "Active"), kim, "user kim"},
		{"ResetServiceSpecificCredential", kimKey, form("ServiceSpecificCredentialId", "ACCAAAAAAAAAAAAAAAAAA"), kim, "user nullKim"},
		{"DeleteServiceSpecificCredential", "", form("UserName", "ghost", "ServiceSpecificCredentialId", "ACCAAAAAAAAAAAAAAAAAA"), acct + "user/ghost", "user ghost"},

		{"CreateGroup", "", form("GroupName", "New", "Path", "/eng/"), acct + "group/eng/New", ""},
		{"GetGroup", "", group(), devs, "group devs"},
		{"ListGroups", "", form(), acct + "group/", ""},
		{"UpdateGroup", "", form("GroupName", "ghost"), acct + "group/ghost", "group ghost"},
		{"DeleteGroup", "", form("GroupName", "ghost"), acct + "group/ghost", "group ghost"},
		{"AddUserToGroup", "", group("UserName", "Kim"), devs, "group devs"},
		{"RemoveUserFromGroup", "", group("UserName", "Kim"), devs, "group devs"},
		{"ListGroupsForUser", "", user(), kim, "user kim"},

		{"CreateRole", "", form("RoleName", "New", "Path", "/svc/", "AssumeRolePolicyDocument", lambdaTrust), acct + "role/svc/New", ""},
		{"GetRole", "", role(), runner, "role runner"},
		{"ListRoles", "", form(), acct + "role/", ""},
		{"UpdateRole", "", role(), runner, "role runner"},
		{"UpdateRoleDescription", "", role("Description", "d"), runner, "role runner"},
		{"UpdateAssumeRolePolicy", "", role("PolicyDocument", lambdaTrust), runner, "role runner"},
		{"DeleteRole", "", form("RoleName", "ghost"), acct + "role/ghost", "role ghost"},
		{"CreateServiceLinkedRole", "", form("AWSServiceName", "ecs.amazonaws.com"), acct + "role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS", ""},
		{"DeleteServiceLinkedRole", "", role(), runner, "role runner"},
		{"GetServiceLinkedRoleDeletionStatus", "", form("DeletionTaskId", "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/00000000-0000-0000-0000-000000000000"),
			acct + "role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS", ""},
		{"GetServiceLinkedRoleDeletionStatus", "", form("DeletionTaskId", "bogus"), "*", ""},

		// No AWS message names instance profiles either way; they keep
		// the ARN, path included.
		{"CreateInstanceProfile", "", form("InstanceProfileName", "New", "Path", "/ip/"), acct + "instance-profile/ip/New", ""},
		{"GetInstanceProfile", "", form("InstanceProfileName", "prof"), acct + "instance-profile/ip/Prof", ""},
		{"GetInstanceProfile", "", form("InstanceProfileName", "ghost"), acct + "instance-profile/ghost", ""},
		{"ListInstanceProfiles", "", form("PathPrefix", "/ip/"), acct + "instance-profile/ip/", ""},
		{"DeleteInstanceProfile", "", form("InstanceProfileName", "ghost"), acct + "instance-profile/ghost", ""},
		{"AddRoleToInstanceProfile", "", form("InstanceProfileName", "prof", "RoleName", "runner"), acct + "instance-profile/ip/Prof", ""},
		{"RemoveRoleFromInstanceProfile", "", form("InstanceProfileName", "prof", "RoleName", "runner"), acct + "instance-profile/ip/Prof", ""},
		{"ListInstanceProfilesForRole", "", role(), runner, "role runner"},

		{"PutUserPolicy", "", user(doc...), kim, "user kim"},
		{"GetUserPolicy", "", user("PolicyName", "inline"), kim, "user kim"},
		{"ListUserPolicies", "", user(), kim, "user kim"},
		{"DeleteUserPolicy", "", user("PolicyName", "gone"), kim, "user kim"},
		{"PutGroupPolicy", "", group(doc...), devs, "group devs"},
		{"GetGroupPolicy", "", group("PolicyName", "inline"), devs, "group devs"},
		{"ListGroupPolicies", "", group(), devs, "group devs"},
		{"DeleteGroupPolicy", "", group("PolicyName", "gone"), devs, "group devs"},
		{"PutRolePolicy", "", role(doc...), runner, "role runner"},
		{"GetRolePolicy", "", role("PolicyName", "inline"), runner, "role runner"},
		{"ListRolePolicies", "", role(), runner, "role runner"},
		{"DeleteRolePolicy", "", role("PolicyName", "gone"), runner, "role runner"},

		{"CreatePolicy", "", form("PolicyName", "New", "Path", "/p/", "PolicyDocument", allowAll), acct + "policy/p/New", "policy New"},
		{"GetPolicy", "", form("PolicyArn", awsPol), awsPol, "policy " + awsPol},
		{"ListPolicies", "", form(), acct + "policy/", "policy path /"},
		{"ListPolicies", "", form("PathPrefix", "/p/"), acct + "policy/p/", "policy path /p/"},
		{"DeletePolicy", "", form("PolicyArn", acct+"policy/ghost"), acct + "policy/ghost", "policy " + acct + "policy/ghost"},
		{"CreatePolicyVersion", "", policyArn("PolicyDocument", allowAll), pol, "policy " + pol},
		{"GetPolicyVersion", "", policyArn("VersionId", "v1"), pol, "policy " + pol},
		{"ListPolicyVersions", "", policyArn(), pol, "policy " + pol},
		{"DeletePolicyVersion", "", policyArn("VersionId", "v9"), pol, "policy " + pol},
		{"SetDefaultPolicyVersion", "", policyArn("VersionId", "v1"), pol, "policy " + pol},
		{"ListEntitiesForPolicy", "", policyArn(), pol, "policy " + pol},

		{"AttachUserPolicy", "", user("PolicyArn", awsPol), kim, "user kim"},
		{"DetachUserPolicy", "", user("PolicyArn", awsPol), kim, "user kim"},
		{"ListAttachedUserPolicies", "", user(), kim, "user kim"},
		{"AttachGroupPolicy", "", group("PolicyArn", awsPol), devs, "group devs"},
		{"DetachGroupPolicy", "", group("PolicyArn", awsPol), devs, "group devs"},
		{"ListAttachedGroupPolicies", "", group(), devs, "group devs"},
		{"AttachRolePolicy", "", role("PolicyArn", awsPol), runner, "role runner"},
		{"DetachRolePolicy", "", role("PolicyArn", awsPol), runner, "role runner"},
		{"ListAttachedRolePolicies", "", role(), runner, "role runner"},

		{"PutUserPermissionsBoundary", "", user("PermissionsBoundary", awsPol), kim, "user kim"},
		{"DeleteUserPermissionsBoundary", "", user(), kim, "user kim"},
		{"PutRolePermissionsBoundary", "", role("PermissionsBoundary", awsPol), runner, "role runner"},
		{"DeleteRolePermissionsBoundary", "", role(), runner, "role runner"},

		{"TagUser", "", user("Tags.member.1.Key", "k", "Tags.member.1.Value", "v"), kim, "user kim"},
		{"UntagUser", "", user("TagKeys.member.1", "k"), kim, "user kim"},
		{"ListUserTags", "", user(), kim, "user kim"},
		{"TagRole", "", role("Tags.member.1.Key", "k", "Tags.member.1.Value", "v"), runner, "role runner"},
		{"UntagRole", "", role("TagKeys.member.1", "k"), runner, "role runner"},
		{"ListRoleTags", "", role(), runner, "role runner"},
		{"TagPolicy", "", policyArn("Tags.member.1.Key", "k", "Tags.member.1.Value", "v"), pol, "policy " + pol},
		{"UntagPolicy", "", policyArn("TagKeys.member.1", "k"), pol, "policy " + pol},
		{"ListPolicyTags", "", policyArn(), pol, "policy " + pol},

		{"CreateOpenIDConnectProvider", "", form("Url", "https://token.actions.githubusercontent.com", "ClientIDList.member.1", "sts.amazonaws.com"),
			acct + "oidc-provider/token.actions.githubusercontent.com", ""},
		{"GetOpenIDConnectProvider", "", form("OpenIDConnectProviderArn", acct+"oidc-provider/example.com"), acct + "oidc-provider/example.com", ""},
		{"DeleteOpenIDConnectProvider", "", form("OpenIDConnectProviderArn", acct+"oidc-provider/example.com"), acct + "oidc-provider/example.com", ""},
		{"ListOpenIDConnectProviders", "", form(), "*", ""},
		{"CreateSAMLProvider", "", form("Name", "corp", "SAMLMetadataDocument", strings.Repeat("x", 1000)), acct + "saml-provider/corp", ""},
		{"GetSAMLProvider", "", form("SAMLProviderArn", acct+"saml-provider/corp"), acct + "saml-provider/corp", ""},
		{"UpdateSAMLProvider", "", form("SAMLProviderArn", acct+"saml-provider/corp"), acct + "saml-provider/corp", ""},
		{"DeleteSAMLProvider", "", form("SAMLProviderArn", acct+"saml-provider/corp"), acct + "saml-provider/corp", ""},
		{"ListSAMLProviders", "", form(), "*", ""},

		{"GetAccountAuthorizationDetails", "", form(), "*", ""},
		{"SimulatePrincipalPolicy", "", form("PolicySourceArn", kim, "ActionNames.member.1", "s3:GetObject"), kim, ""},
		{"SimulateCustomPolicy", "", form("PolicyInputList.member.1", allowAll, "ActionNames.member.1", "s3:GetObject"), "*", ""},
		// No AWS message names these either way; like the simulator, the
		// principal's ARN and "*".
		{"GetContextKeysForPrincipalPolicy", "", form("PolicySourceArn", kim), kim, ""},
		{"GetContextKeysForCustomPolicy", "", form("PolicyInputList.member.1", allowAll), "*", ""},
	}

	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.op] = true
		t.Run(tc.op, func(t *testing.T) {
			e.auth.mu.Lock()
			e.auth.checks = nil
			e.auth.mu.Unlock()
			akid := tc.as
			if akid == "" {
				akid = rootKey
			}
			tc.params.Set("Action", tc.op)
			status := e.rawAs(akid, tc.params)
			var found bool
			e.auth.mu.Lock()
			defer e.auth.mu.Unlock()
			for _, chk := range e.auth.checks {
				if chk.Action != "iam:"+tc.op {
					continue
				}
				found = true
				if chk.Resource != tc.resource || chk.ResourceName != tc.name {
					t.Errorf("authorized on %q named %q, want %q named %q", chk.Resource, chk.ResourceName, tc.resource, tc.name)
				}
			}
			if !found {
				t.Fatalf("no iam:%s check (status %d)", tc.op, status)
			}
		})
	}
	// Every operation has a deliberate answer.
	for name := range e.svc.ops() {
		if !covered[name] {
			t.Errorf("operation %s has no case in TestResourceNames", name)
		}
	}
}

// form builds url.Values from key, value pairs.
func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
