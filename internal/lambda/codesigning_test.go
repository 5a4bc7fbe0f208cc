package lambda

import (
	"regexp"
	"testing"
)

// FuzzCSCArn holds parseCSCArn to the CodeSigningConfigArn pattern it
// quotes, matched whole, and to the model's length limit.
func FuzzCSCArn(f *testing.F) {
	re := regexp.MustCompile(`^(?:` + patCSCArn + `)$`)
	for _, s := range []string{
		"arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdefg",
		"arn:aws-cn:lambda:cn-north-1:123456789012:code-signing-config:csc-0123456789abcdefg",
		"arn::lambda:us-gov-west-1:123456789012:code-signing-config:csc-0123456789abcdefg",
		"arn:aws:lambda:us-isob-east-1:123456789012:code-signing-config:csc-0123456789abcdefg",
		"arn:aws:lambda:us-isoc-east-1:123456789012:code-signing-config:csc-0123456789abcdefg",
		"arn:aws:lambda:eusc-de-east-1:123456789012:code-signing-config:csc-0123456789abcdefg",
		"arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdefG",
		"arn:aws:lambda:us-east-1:12345678901:code-signing-config:csc-0123456789abcdefg",
		"arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef",
		"arn:aws:lambda:us-east-1:111111111111:walk", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := parseCSCArn(s)
		if want := re.MatchString(s) && len(s) <= 200; (err == nil) != want {
			t.Fatalf("parseCSCArn(%q): %v, the pattern says %v", s, err, want)
		}
	})
}
