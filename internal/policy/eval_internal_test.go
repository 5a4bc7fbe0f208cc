package policy

import (
	"testing"

	"github.com/seki-dev/seki/internal/arn"
)

func TestAccountOfMatchesArnAccount(t *testing.T) {
	for _, s := range []string{"", "arn", "arn:aws:s3:::b", "arn:aws:lambda:us-east-1:123456789012:function:f:1",
		"arn:aws:iam::1:root", "nope:aws:iam::1:root", "arn:aws:iam::", "arn:::::", "arn:aws:iam::123"} {
		if got, want := accountOf(s), arn.Account(s); got != want && arn.IsARN(s) {
			t.Errorf("accountOf(%q) = %q, arn.Account = %q", s, got, want)
		}
	}
}
