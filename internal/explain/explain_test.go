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

// TestAdviceNamesTheRoleOfASession: identity policies attach to the role,
// not to its sessions.
func TestAdviceNamesTheRoleOfASession(t *testing.T) {
	e := &authz.Entry{Principal: "arn:aws:sts::111111111111:assumed-role/image-processor-role/image-processor",
		Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/t", Decision: policy.ImplicitlyDenied.String(),
		Reasons: []policy.Reason{{Kind: policy.Identity, Index: -1, Outcome: policy.OutcomeMissing, Detail: "no identity-based policy allows the dynamodb:PutItem action"}}}
	want := "attach an identity-based policy to role image-processor-role of account 111111111111"
	if got := advice(e); !strings.HasPrefix(got, want) {
		t.Fatalf("advice %q, want prefix %q", got, want)
	}
	e.Principal = "arn:aws:iam::111111111111:user/dev"
	if got := advice(e); !strings.HasPrefix(got, "attach an identity-based policy to arn:aws:iam::111111111111:user/dev that") {
		t.Fatalf("advice %q", got)
	}
}

// TestLastFiltered: --last with --action/--principal finds the last denial
// of that action or principal even when other denials came after it (a
// poller's retries, an event's retried invocation).
func TestLastFiltered(t *testing.T) {
	dir := t.TempDir()
	log, err := authz.OpenLog(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	a := authz.New(none{}, log)
	deny := func(id, who, action string) {
		a.Authorize(context.Background(), &authz.Check{RequestID: id,
			Caller: &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: who}},
			Action: action, Resource: "arn:aws:lambda:us-east-1:111111111111:function:f"})
	}
	deny("sns-1", "sns.amazonaws.com", "lambda:InvokeFunction")
	deny("poll-1", "lambda.amazonaws.com", "sqs:ReceiveMessage")
	deny("poll-2", "lambda.amazonaws.com", "sqs:ReceiveMessage")
	log.Close()
	for _, c := range []struct {
		f    Filter
		want string
	}{
		{Filter{}, "Request poll-2"},
		{Filter{Action: "lambda:invokefunction"}, "Request sns-1"},
		{Filter{Principal: "sns.amazonaws.com"}, "Request sns-1"},
		{Filter{Principal: "lambda.amazonaws.com", Action: "sqs:"}, "Request poll-2"},
	} {
		var out, errOut bytes.Buffer
		if code := RunFiltered(dir, Last, c.f, &out, &errOut); code != 0 || !strings.Contains(out.String(), c.want) {
			t.Errorf("%+v: exit %d, want %q in %s%s", c.f, code, c.want, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := RunFiltered(dir, Last, Filter{Action: "s3:"}, &out, &errOut); code != 1 {
		t.Errorf("no matching denial: exit %d", code)
	}
}
