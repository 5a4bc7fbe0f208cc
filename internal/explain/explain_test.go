package explain

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

type none struct{}

func (none) Policies(context.Context, *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	return nil, nil, nil
}

// TestRunExplainsARecordedDenial records a real decision through the door
// and checks that the explanation names the failed condition and the fix.
func TestRunExplainsARecordedDenial(t *testing.T) {
	dir := t.TempDir()
	log, err := authz.OpenLog(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := policy.Parse([]byte(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"from-uploads","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}`), policy.Resource)
	if err != nil {
		t.Fatal(err)
	}
	keys := policy.NewContext(1)
	keys.Set("aws:SourceArn", "arn:aws:s3:::other")
	a := authz.New(none{}, log)
	err = a.Authorize(context.Background(), &authz.Check{
		RequestID: "req-42",
		Caller:    &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}},
		Action:    "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:111111111111:function:f",
		ResourcePolicy: rp, Context: keys,
	})
	if err == nil {
		t.Fatal("expected a denial")
	}
	log.Close()

	var out, errOut bytes.Buffer
	if code := Run(dir, "req-42", &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	text := out.String()
	for _, want := range []string{
		"s3.amazonaws.com asked to lambda:InvokeFunction on arn:aws:lambda:us-east-1:111111111111:function:f",
		"Decision: ImplicitlyDenied",
		`resource policy, statement "from-uploads" (Allow)`,
		"ArnLike on AWS:SourceArn",
		`"arn:aws:s3:::uploads"`,
		`"arn:aws:s3:::other"`,
		"To allow it:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}

	out.Reset()
	if code := Run(dir, Last, &out, &errOut); code != 0 || !strings.Contains(out.String(), "Request req-42") {
		t.Fatalf("--last: exit %d, %s", code, out.String())
	}
	if code := Run(dir, "no-such-request", &out, &errOut); code != 1 {
		t.Fatalf("unknown request: exit %d", code)
	}
}
