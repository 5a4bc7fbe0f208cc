package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/jwt"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestAssumeRoleWithWebIdentityGitHubActions plays GitHub Actions: an IAM
// OpenID Connect provider for token.actions.githubusercontent.com, a role
// whose trust policy admits one repository's main branch, and a token
// minted with a key registered for the provider (how a test mints one:
// jwt.Mint with an RSA key whose public half, jwt.PublicKeySet, is given
// to seki as Config.OIDCKeys or `seki serve --oidc-jwks`).
func TestAssumeRoleWithWebIdentityGitHubActions(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const issuer = "https://token.actions.githubusercontent.com"
	e := servertest.Start(t, servertest.Options{OIDCKeys: map[string][]byte{issuer: jwt.PublicKeySet(&key.PublicKey, "gh-1")}})
	ctx := context.Background()
	acct := servertest.AccountA.Account
	root := iam.NewFromConfig(e.Root(servertest.AccountA))

	prov, err := root.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{strings.Repeat("a", 40)},
	})
	if err != nil {
		t.Fatal(err)
	}
	provARN := aws.ToString(prov.OpenIDConnectProviderArn)
	if provARN != "arn:aws:iam::"+acct+":oidc-provider/token.actions.githubusercontent.com" {
		t.Fatalf("provider ARN %s", provARN)
	}
	got, err := root.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)})
	if err != nil || aws.ToString(got.Url) != "token.actions.githubusercontent.com" || len(got.ClientIDList) != 1 {
		t.Fatalf("GetOpenIDConnectProvider: %+v %v", got, err)
	}
	if l, err := root.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{}); err != nil || len(l.OpenIDConnectProviderList) != 1 {
		t.Fatalf("ListOpenIDConnectProviders: %+v %v", l, err)
	}
	if _, err := root.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"x"}}); err == nil {
		t.Fatal("a second provider for the same URL")
	} else if apiError(t, err).ErrorCode() != "EntityAlreadyExists" {
		t.Fatal(err)
	}

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},
		"Action":"sts:AssumeRoleWithWebIdentity","Condition":{
		"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
		"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/app:ref:refs/heads/main"}}}]}`
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("gha-deploy"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("gha-deploy"), PolicyName: aws.String("p"), PolicyDocument: aws.String(listBuckets)}); err != nil {
		t.Fatal(err)
	}

	mint := func(k *rsa.PrivateKey, claims map[string]any) string {
		base := map[string]any{"iss": issuer, "aud": "sts.amazonaws.com", "sub": "repo:octo-org/app:ref:refs/heads/main",
			"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(), "repository": "octo-org/app"}
		for c, v := range claims {
			base[c] = v
		}
		tok, err := jwt.Mint(k, "gh-1", base)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// The call is unsigned, as the SDK sends it.
	anon := e.Config("", "", "")
	anon.Credentials = aws.AnonymousCredentials{}
	stsc := sts.NewFromConfig(anon)
	assume := func(token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return stsc.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String("arn:aws:iam::" + acct + ":role/gha-deploy"), RoleSessionName: aws.String("gha"), WebIdentityToken: aws.String(token)})
	}

	out, err := assume(mint(key, nil))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != "repo:octo-org/app:ref:refs/heads/main" || aws.ToString(out.Audience) != "sts.amazonaws.com" ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+acct+":assumed-role/gha-deploy/gha" || aws.ToString(out.Provider) != issuer {
		t.Fatalf("AssumeRoleWithWebIdentity: %+v %+v", out, out.AssumedRoleUser)
	}
	c := out.Credentials
	s3c := s3.NewFromConfig(e.Config(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("the web identity's session: %v", err)
	}

	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, tc := range []struct {
		name, token, code, msg string
	}{
		{"another repository", mint(key, map[string]any{"sub": "repo:evil-org/app:ref:refs/heads/main"}), "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"another branch", mint(key, map[string]any{"sub": "repo:octo-org/app:ref:refs/heads/dev"}), "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"another signer", mint(other, nil), "InvalidIdentityToken", "could not be validated"},
		{"expired", mint(key, map[string]any{"exp": time.Now().Add(-time.Minute).Unix()}), "ExpiredTokenException", "expired"},
		{"another audience", mint(key, map[string]any{"aud": "someone-else"}), "InvalidIdentityToken", "Incorrect token audience"},
		{"unknown issuer", mint(key, map[string]any{"iss": "https://evil.example.com"}), "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://evil.example.com"},
		{"not a token", "not-a-jwt", "InvalidIdentityToken", "could not be validated"},
	} {
		_, err := assume(tc.token)
		if err == nil {
			t.Errorf("%s: allowed", tc.name)
			continue
		}
		ae := apiError(t, err)
		if ae.ErrorCode() != tc.code || !strings.Contains(ae.ErrorMessage(), tc.msg) {
			t.Errorf("%s: %s: %s", tc.name, ae.ErrorCode(), ae.ErrorMessage())
		}
	}

	// Both decisions are in the decision log, with the web identity as the
	// caller.
	n, byProvider := 0, false
	if err := authz.Each(e.DataDir, func(d *authz.Entry) {
		if d.Action == "sts:AssumeRoleWithWebIdentity" {
			n++
			byProvider = byProvider || strings.Contains(d.Principal, provARN)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if n < 3 || !byProvider {
		t.Fatalf("decision log has %d web identity decisions (by the provider: %v)", n, byProvider)
	}

	if _, err := root.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := assume(mint(key, nil)); err == nil || apiError(t, err).ErrorCode() != "InvalidIdentityToken" {
		t.Fatalf("after the provider's deletion: %v", err)
	}
}
