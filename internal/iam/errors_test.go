package iam

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestErrorPaths covers the AWS errors of the operations whose other tests
// exercise only their success paths.
func TestErrorPaths(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	pol, err := c.CreatePolicy(bg, &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	ok(t, err)
	missingPolicy := aws.String("arn:aws:iam::123456789012:policy/missing")

	cases := []struct {
		name, code, msg string
		call            func() error
	}{
		{"ListUsers bad prefix", "ValidationError", `1 validation error detected: Value 'team' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`,
			func() error {
				_, err := c.ListUsers(bg, &awsiam.ListUsersInput{PathPrefix: aws.String("team")})
				return err
			}},
		{"ListUsers bad MaxItems", "ValidationError", "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
			func() error { _, err := c.ListUsers(bg, &awsiam.ListUsersInput{MaxItems: aws.Int32(0)}); return err }},
		{"ListUsers bad marker", "InvalidInput", "",
			func() error { _, err := c.ListUsers(bg, &awsiam.ListUsersInput{Marker: aws.String("%%%")}); return err }},
		{"ListGroups bad prefix", "ValidationError", "",
			func() error {
				_, err := c.ListGroups(bg, &awsiam.ListGroupsInput{PathPrefix: aws.String("x")})
				return err
			}},
		{"ListRoles bad prefix", "ValidationError", "",
			func() error {
				_, err := c.ListRoles(bg, &awsiam.ListRolesInput{PathPrefix: aws.String("x")})
				return err
			}},
		{"ListAccessKeys", "NoSuchEntity", "The user with name x cannot be found.",
			func() error {
				_, err := c.ListAccessKeys(bg, &awsiam.ListAccessKeysInput{UserName: aws.String("x")})
				return err
			}},
		{"GetAccessKeyLastUsed", "NoSuchEntity", "The Access Key with id AKIA0000000000000000 cannot be found.",
			func() error {
				_, err := c.GetAccessKeyLastUsed(bg, &awsiam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIA0000000000000000")})
				return err
			}},
		{"RemoveUserFromGroup non-member", "NoSuchEntity", "",
			func() error {
				_, err := c.RemoveUserFromGroup(bg, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("g"), UserName: aws.String("u")})
				return err
			}},
		{"RemoveUserFromGroup no group", "NoSuchEntity", "The group with name x cannot be found.",
			func() error {
				_, err := c.RemoveUserFromGroup(bg, &awsiam.RemoveUserFromGroupInput{GroupName: aws.String("x"), UserName: aws.String("u")})
				return err
			}},
		{"UpdateRoleDescription", "NoSuchEntity", "The role with name x cannot be found.",
			func() error {
				_, err := c.UpdateRoleDescription(bg, &awsiam.UpdateRoleDescriptionInput{RoleName: aws.String("x"), Description: aws.String("d")})
				return err
			}},
		{"CreateRole bad description", "ValidationError", "",
			func() error {
				_, err := c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(lambdaTrust), Description: aws.String("é€")})
				return err
			}},
		{"CreateRole bad boundary", "NoSuchEntity", "Scope ARN: arn:aws:iam::123456789012:policy/missing does not exist or is not attachable.",
			func() error {
				_, err := c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(lambdaTrust), PermissionsBoundary: missingPolicy})
				return err
			}},
		{"DeleteUserPolicy", "NoSuchEntity", "The user policy with name x cannot be found.",
			func() error {
				_, err := c.DeleteUserPolicy(bg, &awsiam.DeleteUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("x")})
				return err
			}},
		{"PutGroupPolicy", "NoSuchEntity", "The group with name x cannot be found.",
			func() error {
				_, err := c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("x"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
				return err
			}},
		{"PutRolePolicy", "MalformedPolicyDocument", "",
			func() error {
				_, err := c.PutRolePolicy(bg, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)})
				return err
			}},
		{"PutUserPolicy non-Latin-1", "ValidationError", "",
			func() error {
				_, err := c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"漢","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
				return err
			}},
		{"GetGroupPolicy", "NoSuchEntity", "The group with name x cannot be found.",
			func() error {
				_, err := c.GetGroupPolicy(bg, &awsiam.GetGroupPolicyInput{GroupName: aws.String("x"), PolicyName: aws.String("p")})
				return err
			}},
		{"ListGroupPolicies", "NoSuchEntity", "The group with name x cannot be found.",
			func() error {
				_, err := c.ListGroupPolicies(bg, &awsiam.ListGroupPoliciesInput{GroupName: aws.String("x")})
				return err
			}},
		{"ListRolePolicies", "NoSuchEntity", "The role with name x cannot be found.",
			func() error {
				_, err := c.ListRolePolicies(bg, &awsiam.ListRolePoliciesInput{RoleName: aws.String("x")})
				return err
			}},
		{"ListPolicies bad scope", "ValidationError", "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]",
			func() error { _, err := c.ListPolicies(bg, &awsiam.ListPoliciesInput{Scope: "Mine"}); return err }},
		{"ListPolicyVersions", "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/missing was not found.",
			func() error {
				_, err := c.ListPolicyVersions(bg, &awsiam.ListPolicyVersionsInput{PolicyArn: missingPolicy})
				return err
			}},
		{"ListEntitiesForPolicy", "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/missing was not found.",
			func() error {
				_, err := c.ListEntitiesForPolicy(bg, &awsiam.ListEntitiesForPolicyInput{PolicyArn: missingPolicy})
				return err
			}},
		{"AttachGroupPolicy", "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/missing does not exist or is not attachable.",
			func() error {
				_, err := c.AttachGroupPolicy(bg, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: missingPolicy})
				return err
			}},
		{"AttachRolePolicy bad ARN", "InvalidInput", "ARN arn:aws:s3:::bucket/policy is not valid.",
			func() error {
				_, err := c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:s3:::bucket/policy")})
				return err
			}},
		{"DetachRolePolicy", "NoSuchEntity", "The role with name x cannot be found.",
			func() error {
				_, err := c.DetachRolePolicy(bg, &awsiam.DetachRolePolicyInput{RoleName: aws.String("x"), PolicyArn: pol.Policy.Arn})
				return err
			}},
		{"ListAttachedUserPolicies", "NoSuchEntity", "The user with name x cannot be found.",
			func() error {
				_, err := c.ListAttachedUserPolicies(bg, &awsiam.ListAttachedUserPoliciesInput{UserName: aws.String("x")})
				return err
			}},
		{"ListAttachedGroupPolicies", "NoSuchEntity", "The group with name x cannot be found.",
			func() error {
				_, err := c.ListAttachedGroupPolicies(bg, &awsiam.ListAttachedGroupPoliciesInput{GroupName: aws.String("x")})
				return err
			}},
		{"ListAttachedRolePolicies", "NoSuchEntity", "The role with name x cannot be found.",
			func() error {
				_, err := c.ListAttachedRolePolicies(bg, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("x")})
				return err
			}},
		{"PutUserPermissionsBoundary", "NoSuchEntity", "Scope ARN: arn:aws:iam::123456789012:policy/missing does not exist or is not attachable.",
			func() error {
				_, err := c.PutUserPermissionsBoundary(bg, &awsiam.PutUserPermissionsBoundaryInput{UserName: aws.String("u"), PermissionsBoundary: missingPolicy})
				return err
			}},
		{"TagPolicy", "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/missing was not found.",
			func() error {
				_, err := c.TagPolicy(bg, &awsiam.TagPolicyInput{PolicyArn: missingPolicy, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
				return err
			}},
		{"UntagPolicy", "NoSuchEntity", "",
			func() error {
				_, err := c.UntagPolicy(bg, &awsiam.UntagPolicyInput{PolicyArn: missingPolicy, TagKeys: []string{"a"}})
				return err
			}},
		{"ListPolicyTags", "NoSuchEntity", "",
			func() error {
				_, err := c.ListPolicyTags(bg, &awsiam.ListPolicyTagsInput{PolicyArn: missingPolicy})
				return err
			}},
		{"GetAccountAuthorizationDetails bad filter", "ValidationError", "",
			func() error {
				_, err := c.GetAccountAuthorizationDetails(bg, &awsiam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{"Bucket"}})
				return err
			}},
		{"DeletePolicyVersion of AWS managed", "InvalidInput", "Policy arn:aws:iam::aws:policy/AdministratorAccess is not in your namespace.",
			func() error {
				_, err := c.DeletePolicyVersion(bg, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(adminARN), VersionId: aws.String("v1")})
				return err
			}},
		{"CreateUser long path", "ValidationError", "",
			func() error {
				_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("v"), Path: aws.String("/" + strings.Repeat("a", 512) + "/")})
				return err
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.call(), tc.code, tc.msg) })
	}
}
