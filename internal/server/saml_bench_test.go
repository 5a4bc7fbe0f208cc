package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/seki-dev/seki/internal/saml"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkAssumeRoleWithSAML measures the SDK's unsigned AssumeRoleWithSAML
// through the real server: provider lookup, metadata parse, the assertion's
// verification, the door on the trust policy and the new session's durable
// write. It reports p50/p99 of sequential calls.
func BenchmarkAssumeRoleWithSAML(b *testing.B) {
	env := servertest.Start(b)
	ctx := context.Background()
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	idp, err := saml.NewIdP("https://idp.example.com/metadata")
	if err != nil {
		b.Fatal(err)
	}
	prov, err := root.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"), SAMLMetadataDocument: aws.String(idp.Metadata())})
	if err != nil {
		b.Fatal(err)
	}
	provARN, roleARN := aws.ToString(prov.SAMLProviderArn), "arn:aws:iam::"+servertest.AccountA.Account+":role/deployer"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},"Action":"sts:AssumeRoleWithSAML",
		"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		b.Fatal(err)
	}
	assertion, err := idp.Assertion(saml.Claims{NameID: "alice@example.com", NotOnOrAfter: time.Now().Add(time.Hour), Attributes: []saml.Attribute{
		{Name: saml.AttrRole, Values: []string{roleARN + "," + provARN}}, {Name: saml.AttrRoleSessionName, Values: []string{"alice"}}}})
	if err != nil {
		b.Fatal(err)
	}
	anon := env.Config("", "", "")
	anon.Credentials = aws.AnonymousCredentials{}
	c := sts.NewFromConfig(anon)
	in := &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(roleARN), PrincipalArn: aws.String(provARN), SAMLAssertion: aws.String(assertion)}
	for i := 0; i < 20; i++ {
		if _, err := c.AssumeRoleWithSAML(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := c.AssumeRoleWithSAML(ctx, in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)
}
