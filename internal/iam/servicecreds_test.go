package iam

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestServiceSpecificCredentials drives the credentials' lifecycle through
// the SDK, with the answers LocalStack recorded from AWS
// (tests/aws/services/iam/test_iam.snapshot.json, TestIAMServiceSpecificCredentials).
func TestServiceSpecificCredentials(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("git")})
	ok(t, err)

	out, err := c.CreateServiceSpecificCredential(bg, &awsiam.CreateServiceSpecificCredentialInput{
		UserName: aws.String("git"), ServiceName: aws.String("codecommit.amazonaws.com")})
	ok(t, err)
	cred := out.ServiceSpecificCredential
	id := aws.ToString(cred.ServiceSpecificCredentialId)
	if !strings.HasPrefix(id, "ACCA") || len(id) != 21 || aws.ToString(cred.ServiceUserName) != "git-at-"+testAccount ||
		aws.ToString(cred.ServicePassword) == "" || cred.Status != types.StatusTypeActive || aws.ToString(cred.UserName) != "git" {
		t.Fatalf("CreateServiceSpecificCredential: %+v", cred)
	}
	if chk := e.auth.last(); chk.Action != "iam:CreateServiceSpecificCredential" || chk.Resource != "arn:aws:iam::123456789012:user/git" {
		t.Fatalf("authorized %s on %s", chk.Action, chk.Resource)
	}

	_, err = c.UpdateServiceSpecificCredential(bg, &awsiam.UpdateServiceSpecificCredentialInput{
		UserName: aws.String("git"), ServiceSpecificCredentialId: aws.String(id), Status: types.StatusTypeInactive})
	ok(t, err)
	list, err := c.ListServiceSpecificCredentials(bg, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("git")})
	ok(t, err)
	if len(list.ServiceSpecificCredentials) != 1 || list.ServiceSpecificCredentials[0].Status != types.StatusTypeInactive {
		t.Fatalf("List: %+v", list.ServiceSpecificCredentials)
	}
	other, err := c.ListServiceSpecificCredentials(bg, &awsiam.ListServiceSpecificCredentialsInput{UserName: aws.String("git"), ServiceName: aws.String("cassandra.amazonaws.com")})
	ok(t, err)
	if len(other.ServiceSpecificCredentials) != 0 {
		t.Fatalf("another service's list: %+v", other.ServiceSpecificCredentials)
	}

	reset, err := c.ResetServiceSpecificCredential(bg, &awsiam.ResetServiceSpecificCredentialInput{UserName: aws.String("git"), ServiceSpecificCredentialId: aws.String(id)})
	ok(t, err)
	if p := aws.ToString(reset.ServiceSpecificCredential.ServicePassword); p == "" || p == aws.ToString(cred.ServicePassword) ||
		reset.ServiceSpecificCredential.Status != types.StatusTypeInactive {
		t.Fatalf("Reset: %+v", reset.ServiceSpecificCredential)
	}

	// The user cannot go while it holds one.
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: aws.String("git")})
	wantErr(t, err, "DeleteConflict", "Cannot delete entity, must remove referenced objects first.")

	// Errors, in AWS's order: the user, then the service or the id.
	_, err = c.CreateServiceSpecificCredential(bg, &awsiam.CreateServiceSpecificCredentialInput{
		UserName: aws.String("nobody"), ServiceName: aws.String("nope.amazonaws.com")})
	wantErr(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
	_, err = c.CreateServiceSpecificCredential(bg, &awsiam.CreateServiceSpecificCredentialInput{
		UserName: aws.String("git"), ServiceName: aws.String("lambda.amazonaws.com")})
	wantErr(t, err, "NoSuchEntity", "No such service lambda.amazonaws.com is supported for Service Specific Credentials")
	_, err = c.DeleteServiceSpecificCredential(bg, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("git"), ServiceSpecificCredentialId: aws.String("not-a-credential-id-at-all")})
	wantErr(t, err, "ValidationError", `1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w]+`)
	_, err = c.DeleteServiceSpecificCredential(bg, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("git"), ServiceSpecificCredentialId: aws.String("ACCAAAAAAAAAAAAAAAAAA")})
	wantErr(t, err, "NoSuchEntity", "No such credential ACCAAAAAAAAAAAAAAAAAA exists")
	_, err = c.UpdateServiceSpecificCredential(bg, &awsiam.UpdateServiceSpecificCredentialInput{ServiceSpecificCredentialId: aws.String(id), Status: "Invalid"})
	wantErr(t, err, "ValidationError", "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set")

	_, err = c.DeleteServiceSpecificCredential(bg, &awsiam.DeleteServiceSpecificCredentialInput{UserName: aws.String("git"), ServiceSpecificCredentialId: aws.String(id)})
	ok(t, err)
	_, err = c.DeleteUser(bg, &awsiam.DeleteUserInput{UserName: aws.String("git")})
	ok(t, err)
}
