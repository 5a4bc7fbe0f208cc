package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestDeniedThenAllowed walks the newcomer's path through the Go SDK: a user
// without policies is denied with AWS's message, a policy lets it through.
func TestDeniedThenAllowed(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	alice := iam.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))

	_, err = alice.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	want := "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:GetUser on resource: user alice because no identity-based policy allows the iam:GetUser action"
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != want {
		t.Fatalf("GetUser without policy: %v\nwant AccessDenied: %s", err, want)
	}

	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111111111111:user/${aws:username}"}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("self"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	out, err := alice.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatalf("GetUser with policy: %v", err)
	}
	if *out.User.Arn != "arn:aws:iam::111111111111:user/alice" {
		t.Fatalf("Arn = %s", *out.User.Arn)
	}
	// The policy variable scopes the grant to alice herself.
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")}); apiCode(err) != "AccessDenied" {
		t.Fatalf("GetUser bob as alice: %v, want AccessDenied", err)
	}
}

// TestSignatureFailures checks that nothing is served without a valid
// signature, and that each failure has AWS's code.
func TestSignatureFailures(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cases := []struct {
		name, key, secret, token, code string
	}{
		{"unknown key", "AKIAUNKNOWNUNKNOWN00", "x", "", "InvalidClientTokenId"},
		{"wrong secret", servertest.AccountA.AccessKeyID, "wrong", "", "SignatureDoesNotMatch"},
		{"unknown session key", "ASIAUNKNOWNUNKNOWN00", "x", "token", "InvalidClientTokenId"},
	}
	for _, c := range cases {
		_, err := sts.NewFromConfig(env.Config(c.key, c.secret, c.token)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if apiCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	out, err := sts.NewFromConfig(env.Root(servertest.AccountB)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *out.Arn != "arn:aws:iam::222222222222:root" || *out.Account != "222222222222" {
		t.Fatalf("root identity: %v %+v", err, out)
	}
}

// TestRegionFromSignature serves whatever region a request is signed for.
func TestRegionFromSignature(t *testing.T) {
	env := servertest.Start(t)
	cfg := env.Root(servertest.AccountA)
	cfg.Region = "eu-west-3"
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(*out.Arn, ":root") {
		t.Fatalf("%v %+v", err, out)
	}
}
