package lambda

import (
	"regexp"
	"testing"
)

// FuzzDestinationPattern holds validDestinationPattern to the pattern AWS
// quotes for DestinationArn, matched whole as AWS's validator does.
func FuzzDestinationPattern(f *testing.F) {
	re := regexp.MustCompile(`^(?:` + patDestination + `)$`)
	for _, s := range []string{
		"", "kafka://broker", "kafka://.x", "kafka://a.b-c_d", "kafka://", "kafka://a:1",
		"arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:lambda:us-east-1:123456789012:function:f",
		"arn:aws:_-/!lambda:us-east-1:123456789012:function:f", "arn:aws:iam::123456789012:role/r",
		"arn:aws-cn:sns:cn-north-1:123456789012:t", "arn:aws:events:eusc-de-east-1:123456789012:event-bus/b",
		"arn:aws:s3:::bucket", "arn:awsx:s3:::b", "arn:aw:s3:::b", "arn:aws:s3:us-east-1:12345678901:b",
		"arn:aws::us-east-1:123456789012:x", "arn:aws:sqs:us-gov-west-1:123456789012:q", "arn:aws:sqs:us-isob-east-1::q", "arn:aws_x:s3:::b", "arn:aws:s3:::a\nb",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validDestinationPattern(s), re.MatchString(s); got != want {
			t.Fatalf("validDestinationPattern(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
