package server_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/saml"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestAssumeRoleWithSAML plays a corporate identity provider: its metadata
// becomes an IAM SAML provider, a role trusts that provider for one
// subject, and assertions the provider signs (saml.IdP, the way a test
// mints one; docs/SAML.md) are traded for the role's session through the
// real server with the SDK's unsigned call. Then the attacks: each changed
// or misdirected assertion must be refused.
func TestAssumeRoleWithSAML(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	acct := servertest.AccountA.Account
	root := iam.NewFromConfig(e.Root(servertest.AccountA))
	idp, err := saml.NewIdP("https://idp.example.com/metadata")
	if err != nil {
		t.Fatal(err)
	}

	// The provider, through IAM's API.
	created, err := root.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"), SAMLMetadataDocument: aws.String(idp.Metadata())})
	if err != nil {
		t.Fatal(err)
	}
	provARN := aws.ToString(created.SAMLProviderArn)
	if provARN != "arn:aws:iam::"+acct+":saml-provider/corp" {
		t.Fatalf("provider ARN %s", provARN)
	}
	got, err := root.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(provARN)})
	if err != nil || aws.ToString(got.SAMLMetadataDocument) != idp.Metadata() || got.CreateDate == nil || len(aws.ToString(got.SAMLProviderUUID)) < 22 {
		t.Fatalf("GetSAMLProvider: %+v %v", got, err)
	}
	if l, err := root.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{}); err != nil || len(l.SAMLProviderList) != 1 || aws.ToString(l.SAMLProviderList[0].Arn) != provARN {
		t.Fatalf("ListSAMLProviders: %+v %v", l, err)
	}
	for _, tc := range []struct{ name, doc, code, msg string }{
		{"short", "<x/>", "ValidationError", "Member must have length greater than or equal to 1000"},
		{"not metadata", "<x>" + strings.Repeat("y", 1000) + "</x>", "InvalidInput", "Could not parse metadata"},
		{"a DTD", `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + idp.Metadata()[strings.Index(idp.Metadata(), "<md:"):], "InvalidInput", "Could not parse metadata"},
		{"the same name", idp.Metadata(), "EntityAlreadyExists", "corp"},
	} {
		_, err := root.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"), SAMLMetadataDocument: aws.String(tc.doc)})
		if err == nil {
			t.Fatalf("CreateSAMLProvider with %s: accepted", tc.name)
		}
		if ae := apiError(t, err); ae.ErrorCode() != tc.code || !strings.Contains(ae.ErrorMessage(), tc.msg) {
			t.Fatalf("CreateSAMLProvider with %s: %s: %s", tc.name, ae.ErrorCode(), ae.ErrorMessage())
		}
	}
	_, err = root.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("a b"), SAMLMetadataDocument: aws.String(idp.Metadata())})
	if err == nil || apiError(t, err).ErrorCode() != "ValidationError" ||
		!strings.Contains(apiError(t, err).ErrorMessage(), `Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w._-]+`) {
		t.Fatalf("CreateSAMLProvider with a bad name: %v", err)
	}
	if _, err := root.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(provARN + "x")}); err == nil || apiError(t, err).ErrorCode() != "NoSuchEntity" {
		t.Fatalf("GetSAMLProvider of a missing provider: %v", err)
	}

	// The same IdP registered in account B, to try it against A's role.
	rootB := iam.NewFromConfig(e.Root(servertest.AccountB))
	provB, err := rootB.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"), SAMLMetadataDocument: aws.String(idp.Metadata())})
	if err != nil {
		t.Fatal(err)
	}

	roleARN := "arn:aws:iam::" + acct + ":role/deployer"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},
		"Action":"sts:AssumeRoleWithSAML","Condition":{
		"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml","SAML:sub":"alice@example.com","SAML:sub_type":"persistent",
			"SAML:iss":"https://idp.example.com/metadata"}}}]}`
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("p"), PolicyDocument: aws.String(listBuckets)}); err != nil {
		t.Fatal(err)
	}

	claims := func(change func(c *saml.Claims)) saml.Claims {
		c := saml.Claims{NameID: "alice@example.com", Attributes: []saml.Attribute{
			{Name: saml.AttrRole, Values: []string{"arn:aws:iam::" + acct + ":role/other," + provARN, provARN + "," + roleARN}},
			{Name: saml.AttrRoleSessionName, Values: []string{"alice"}},
		}}
		if change != nil {
			change(&c)
		}
		return c
	}
	response := func(p *saml.IdP, c saml.Claims) string {
		r, err := p.Response(c)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	anon := e.Config("", "", "")
	anon.Credentials = aws.AnonymousCredentials{}
	stsc := sts.NewFromConfig(anon)
	assumeAs := func(role, principal, assertion string) (*sts.AssumeRoleWithSAMLOutput, error) {
		return stsc.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(role), PrincipalArn: aws.String(principal), SAMLAssertion: aws.String(assertion)})
	}
	assume := func(assertion string) (*sts.AssumeRoleWithSAMLOutput, error) {
		return assumeAs(roleARN, provARN, assertion)
	}

	good := response(idp, claims(nil))
	out, err := assume(b64(good))
	if err != nil {
		t.Fatal(err)
	}
	q := sha1.Sum([]byte("https://idp.example.com/metadata" + acct + "/corp"))
	if aws.ToString(out.Subject) != "alice@example.com" || aws.ToString(out.SubjectType) != "persistent" ||
		aws.ToString(out.Issuer) != "https://idp.example.com/metadata" || aws.ToString(out.Audience) != saml.SignInURL ||
		aws.ToString(out.NameQualifier) != base64.StdEncoding.EncodeToString(q[:]) ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+acct+":assumed-role/deployer/alice" {
		t.Fatalf("AssumeRoleWithSAML: %+v %+v", out, out.AssumedRoleUser)
	}
	c := out.Credentials
	if d := time.Until(aws.ToTime(c.Expiration)); d < 55*time.Minute || d > 61*time.Minute {
		t.Fatalf("the session lasts %v, not the default hour", d)
	}
	session := e.Config(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	s3c := s3.NewFromConfig(session, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("the SAML session: %v", err)
	}
	if id, err := sts.NewFromConfig(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil || aws.ToString(id.Arn) != "arn:aws:sts::"+acct+":assumed-role/deployer/alice" {
		t.Fatalf("GetCallerIdentity: %+v %v", id, err)
	}
	// Signed by the Response only, with SHA-1, is also fine; and
	// DurationSeconds is honored.
	out, err = stsc.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(roleARN), PrincipalArn: aws.String(provARN),
		SAMLAssertion: aws.String(b64(response(idp, claims(func(c *saml.Claims) { c.ResponseOnly, c.SHA1 = true, true })))), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d > 15*time.Minute {
		t.Fatalf("DurationSeconds 900 gave %v", d)
	}

	// The attacks.
	other, err := saml.NewIdP("https://idp.example.com/metadata")
	if err != nil {
		t.Fatal(err)
	}
	asStart := strings.Index(good, "<saml:Assertion")
	asEnd := strings.Index(good, "</saml:Assertion>") + len("</saml:Assertion>")
	forged := response(other, claims(func(c *saml.Claims) { c.NameID = "mallory@example.com" }))
	forgedAssertion := forged[strings.Index(forged, "<saml:Assertion") : strings.Index(forged, "</saml:Assertion>")+len("</saml:Assertion>")]
	forgedAssertion = forgedAssertion[:strings.Index(forgedAssertion, "<ds:Signature")] + forgedAssertion[strings.Index(forgedAssertion, "</ds:Signature>")+len("</ds:Signature>"):]
	const denied = "Not authorized to perform sts:AssumeRoleWithSAML"
	for _, tc := range []struct {
		name, role, principal, assertion, code, msg string
	}{
		{"changed Role attribute", roleARN, provARN, b64(strings.Replace(good, "role/other", "role/admin", 1)), "InvalidIdentityToken", "Response signature invalid"},
		{"changed NameID", roleARN, provARN, b64(strings.Replace(good, "alice@example.com", "bob@example.com", 1)), "InvalidIdentityToken", "Response signature invalid"},
		{"signed by another key", roleARN, provARN, b64(response(other, claims(nil))), "InvalidIdentityToken", "Response signature invalid"},
		{"expired", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) {
			c.NotBefore, c.NotOnOrAfter = time.Now().Add(-time.Hour), time.Now().Add(-time.Minute)
		}))), "ExpiredTokenException", "expired"},
		{"not yet valid", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) { c.NotBefore = time.Now().Add(time.Hour) }))), "InvalidIdentityToken", "not yet valid"},
		{"wrong audience", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) { c.Audiences = []string{"https://app.example.com"} }))), "InvalidIdentityToken", "audience"},
		{"wrong recipient", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) { c.Recipient = "https://app.example.com/acs" }))), "InvalidIdentityToken", "recipient"},
		{"a second, unsigned assertion", roleARN, provARN, b64(good[:asEnd] + forgedAssertion + good[asEnd:]), "InvalidIdentityToken", "exactly one"},
		{"the unsigned assertion first", roleARN, provARN, b64(good[:asStart] + forgedAssertion + good[asStart:]), "InvalidIdentityToken", "exactly one"},
		{"another issuer", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) { c.Issuer = "https://evil.example.com" }))), "InvalidIdentityToken", "Issuer not present in specified provider"},
		{"provider of another account", roleARN, aws.ToString(provB.SAMLProviderArn), b64(response(idp, claims(func(c *saml.Claims) {
			c.Attributes[0].Values = []string{roleARN + "," + aws.ToString(provB.SAMLProviderArn)}
		}))), "InvalidIdentityToken", "Specified provider doesn't exist"},
		{"a role the assertion does not name", "arn:aws:iam::" + acct + ":role/admin", provARN, b64(good), "InvalidIdentityToken", "does not contain the pair"},
		{"no session name", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) { c.Attributes = c.Attributes[:1] }))), "InvalidIdentityToken", "RoleSessionName"},
		{"trust condition on SAML:sub", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) { c.NameID = "bob@example.com" }))), "AccessDenied", denied},
		{"trust condition on SAML:sub_type", roleARN, provARN, b64(response(idp, claims(func(c *saml.Claims) {
			c.NameIDFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
		}))), "AccessDenied", denied},
		{"not base64", roleARN, provARN, "%%%%", "InvalidIdentityToken", "not base64"},
		{"not XML", roleARN, provARN, b64("<samlp:Response"), "InvalidIdentityToken", "malformed XML"},
	} {
		_, err := assumeAs(tc.role, tc.principal, tc.assertion)
		if err == nil {
			t.Errorf("%s: allowed", tc.name)
			continue
		}
		if ae := apiError(t, err); ae.ErrorCode() != tc.code || !strings.Contains(ae.ErrorMessage(), tc.msg) {
			t.Errorf("%s: %s: %s", tc.name, ae.ErrorCode(), ae.ErrorMessage())
		}
	}

	// The door decided the trust, and recorded it with the SAML identity
	// as the caller and the SAML keys in the context.
	n, byProvider, withSub := 0, false, false
	if err := authz.Each(e.DataDir, func(d *authz.Entry) {
		if d.Action == "sts:AssumeRoleWithSAML" {
			n++
			byProvider = byProvider || strings.Contains(d.Principal, provARN)
			_, sub := d.Keys["SAML:sub"]
			withSub = withSub || sub
		}
	}); err != nil {
		t.Fatal(err)
	}
	if n < 4 || !byProvider || !withSub {
		t.Fatalf("decision log has %d SAML decisions (by the provider: %v, with SAML:sub: %v)", n, byProvider, withSub)
	}
	log, err := os.ReadFile(filepath.Join(e.DataDir, authz.LogFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), b64(good)[:64]) {
		t.Fatal("the decision log holds an assertion: it is a credential")
	}

	// seki explain tells why the other subject was refused: the trust
	// policy's condition on SAML:sub.
	_, err = assume(b64(response(idp, claims(func(c *saml.Claims) { c.NameID = "bob@example.com" }))))
	var withID interface{ ServiceRequestID() string }
	if !errors.As(err, &withID) {
		t.Fatalf("no request id: %v", err)
	}
	var explained, stderr bytes.Buffer
	if code := explain.Run(e.DataDir, withID.ServiceRequestID(), &explained, &stderr); code != 0 {
		t.Fatalf("seki explain: %d %s", code, stderr.String())
	}
	for _, want := range []string{"sts:AssumeRoleWithSAML", provARN, "SAML:sub", "bob@example.com"} {
		if !strings.Contains(explained.String(), want) {
			t.Fatalf("the explanation does not mention %s:\n%s", want, explained.String())
		}
	}
	t.Log(explained.String())

	// UpdateSAMLProvider rotates the key: the old one's assertions stop working.
	if _, err := root.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(provARN), SAMLMetadataDocument: aws.String(other.Metadata())}); err != nil {
		t.Fatal(err)
	}
	if _, err := assume(b64(response(idp, claims(nil)))); err == nil || apiError(t, err).ErrorCode() != "InvalidIdentityToken" {
		t.Fatalf("after the key rotation, the old key: %v", err)
	}
	if _, err := assume(b64(response(other, claims(nil)))); err != nil {
		t.Fatalf("after the key rotation, the new key: %v", err)
	}
	if _, err := root.DeleteSAMLProvider(ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(provARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := assume(b64(response(other, claims(nil)))); err == nil || apiError(t, err).ErrorCode() != "InvalidIdentityToken" {
		t.Fatalf("after the provider's deletion: %v", err)
	}
	if _, err := root.DeleteSAMLProvider(ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(provARN)}); err == nil || apiError(t, err).ErrorCode() != "NoSuchEntity" {
		t.Fatalf("deleting twice: %v", err)
	}
}
