package policy

import (
	"strings"
	"testing"
)

// IAM and S3 resources carry no region; IAM refuses one in an identity
// policy with these texts (issue 11; quoted from AWS in aws/aws-cdk#13104
// and #22445). Resource policies are left to their service.
func TestResourceRegionRefused(t *testing.T) {
	doc := func(r string) []byte {
		return []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"` + r + `"}]}`)
	}
	for r, want := range map[string]string{
		"arn:aws:iam:us-east-1::x":         "IAM resource arn:aws:iam:us-east-1::x cannot contain region information.",
		"arn:aws:s3:us-east-1::x":          "Resource arn:aws:s3:us-east-1::x can not contain region information.",
		"arn:aws:iam::123456789012:user/u": "",
		"arn:aws:dynamodb:us-east-1:1:t/x": "",
	} {
		_, err := Parse(doc(r), Identity)
		got := ""
		if se, ok := err.(*SyntaxError); ok {
			got = se.Message
		} else if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", r, got, want)
		}
	}
	if _, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1::x"}]}`), Resource); err != nil {
		t.Errorf("resource policy: %v", err)
	}
}

// IAM refuses a resource of a partition that is not the account's, naming
// the resource as it read it, and an IAM resource that names no kind of
// IAM entity (issue 11; IAM's answers as recorded in moto's policy cases
// and quoted from real errors: eksctl-io/eksctl#4329).
func TestResourcePartitionAndIAMPath(t *testing.T) {
	doc := func(rs ...string) []byte {
		b := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":[`
		for i, r := range rs {
			if i > 0 {
				b += ","
			}
			b += `"` + r + `"`
		}
		return []byte(b + `]}]}`)
	}
	path := `IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
	for _, c := range []struct {
		rs   []string
		want string
	}{
		{[]string{"a:bsdf"}, `Partition "bsdf" is not valid for resource "arn:bsdf:*:*:*:*".`},
		{[]string{"a:b:cadfsdf"}, `Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".`},
		{[]string{"a:b:c:d:e:f:g:h"}, `Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".`},
		{[]string{"aws:s3:::example_bucket"}, `Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".`},
		{[]string{"arn:error:s3:::b", "arn:error:s3::b"}, `Partition "error" is not valid for resource "arn:error:s3:::b".`},
		{[]string{"arn:aws-us-gov:s3:::b"}, `Partition "aws-us-gov" is not valid for resource "arn:aws-us-gov:s3:::b".`},
		{[]string{"arn:aws:s3::b"}, "The policy failed legacy parsing"},
		{[]string{"arn:aws:iam:::x"}, path},
		{[]string{"arn:aws:iam::123456789012:x/y"}, path},
		{[]string{"arn:aws:iam::123456789012:root"}, ""},
		{[]string{"arn:aws:iam::*:*"}, ""},
		{[]string{"arn:aws:iam::123456789012:user/${aws:username}"}, ""},
		{[]string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, ""},
		{[]string{"arn:*:s3:::b"}, ""},
		{[]string{"sdfsadf"}, `Resource sdfsadf must be in ARN format or "*".`},
	} {
		_, err := Parse(doc(c.rs...), Identity)
		got := ""
		if se, ok := err.(*SyntaxError); ok {
			got = se.Message
		} else if err != nil {
			t.Fatalf("%v: %v", c.rs, err)
		}
		if got != c.want {
			t.Errorf("%v: %q, want %q", c.rs, got, c.want)
		}
	}
	// Resource policies are their service's to validate.
	if _, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"a:bsdf"}]}`), Resource); err != nil && err.(*SyntaxError).Message != `Resource a:bsdf must be in ARN format or "*".` {
		t.Errorf("resource policy: %v", err)
	}
	if got := strings.Join(iamResourcePaths, ", "); !strings.Contains(msgIAMResourcePath, "root, or start with "+got+".") {
		t.Errorf("msgIAMResourcePath does not list iamResourcePaths: %s", got)
	}
}
