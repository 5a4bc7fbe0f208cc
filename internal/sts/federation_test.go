package sts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestE2EFederationToken: a federated user acts with the policies of the
// user who made it, limited by the session policies it was given, and with
// none when it was given none (STS API Reference, GetFederationToken).
func TestE2EFederationToken(t *testing.T) {
	w := newWorld(t)
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","s3:ListAllMyBuckets"],"Resource":"*"}]}`
	if _, err := w.rootA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p"), PolicyDocument: aws.String(perms)}); err != nil {
		t.Fatal(err)
	}
	fed := sts.NewFromConfig(w.alice)

	// No session policy: no permissions, though alice may list buckets.
	none, err := fed.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("carol"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(none.FederatedUser.Arn) != "arn:aws:sts::111111111111:federated-user/carol" ||
		aws.ToString(none.FederatedUser.FederatedUserId) != "111111111111:carol" || aws.ToInt32(none.PackedPolicySize) != 0 {
		t.Errorf("FederatedUser = %s %s, PackedPolicySize %d", aws.ToString(none.FederatedUser.Arn), aws.ToString(none.FederatedUser.FederatedUserId), aws.ToInt32(none.PackedPolicySize))
	}
	if d := time.Until(aws.ToTime(none.Credentials.Expiration)); d > 15*time.Minute || d < 13*time.Minute {
		t.Errorf("expires in %v, asked for 900 s", d)
	}
	cfg := w.session(none.Credentials)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::111111111111:federated-user/carol" || aws.ToString(id.UserId) != "111111111111:carol" {
		t.Fatalf("GetCallerIdentity = %+v, %v", id, err)
	}
	_, err = s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
	wantError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:federated-user/carol is not authorized to perform: s3:ListAllMyBuckets on resource: \"*\" because no session policy allows the s3:ListAllMyBuckets action")

	// A session policy allowing S3 and DynamoDB: S3 as alice may, DynamoDB not.
	scoped, err := fed.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("dave"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","dynamodb:*"],"Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(scoped.Credentials.Expiration)); d < 11*time.Hour || aws.ToInt32(scoped.PackedPolicySize) <= 0 {
		t.Errorf("default duration %v (AWS: 12 hours), PackedPolicySize %d", d, aws.ToInt32(scoped.PackedPolicySize))
	}
	cfg = w.session(scoped.Credentials)
	if _, err := s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("ListBuckets, allowed to alice and by the session policy: %v", err)
	}
	_, err = dynamodb.NewFromConfig(cfg).ListTables(ctx, &dynamodb.ListTablesInput{})
	wantErrorLike(t, err, "AccessDeniedException", "federated-user/dave is not authorized to perform: dynamodb:ListTables")
	// A federated user cannot call IAM at all.
	_, err = iam.NewFromConfig(cfg).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	wantError(t, err, "InvalidClientTokenId", "")

	// Only long-term credentials of a user or root may ask: not a role
	// session, not a federated user.
	arn, _ := w.role(w.rootA, "R", `{"AWS":"arn:aws:iam::111111111111:user/alice"}`, perms)
	rs, err := sts.NewFromConfig(w.alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(w.session(rs.Credentials)).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("eve")})
	wantError(t, err, "AccessDenied", "Cannot call GetFederationToken with session credentials")

	// Root may, for an hour at most, and has root's access within the
	// session policy.
	root, err := sts.NewFromConfig(w.env.Root(servertest.AccountA)).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("ops"),
		DurationSeconds: aws.Int32(7200), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:ListTables","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(root.Credentials.Expiration)); d > time.Hour {
		t.Errorf("root's federation session lasts %v, AWS caps it at an hour", d)
	}
	if _, err := dynamodb.NewFromConfig(w.session(root.Credentials)).ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Errorf("ListTables as root's federated user: %v", err)
	}

	// Without sts:GetFederationToken a user is refused by the door.
	_, err = sts.NewFromConfig(w.user(w.rootA, "frank")).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("x1")})
	wantErrorLike(t, err, "AccessDenied", "is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::111111111111:federated-user/x1")
}

// wantErrorLike is wantError for a message that contains want.
func wantErrorLike(t *testing.T, err error, code, want string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), want) {
		t.Fatalf("got %v, want %s containing %q", err, code, want)
	}
}
