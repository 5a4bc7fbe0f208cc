package policy

import "testing"

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
