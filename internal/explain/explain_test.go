package explain

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// TestAdviceNamesTheResourcePolicyCommand: a missing resource-policy grant
// is fixed with the command of the resource's own service, not Lambda's.
func TestAdviceNamesTheResourcePolicyCommand(t *testing.T) {
	for resource, want := range map[string]string{
		"arn:aws:lambda:us-east-1:111111111111:function:f":     "aws lambda add-permission",
		"arn:aws:lambda:us-east-1:111111111111:layer:l:3":      "aws lambda add-layer-version-permission",
		"arn:aws:s3:::uploads":                                 "aws s3api put-bucket-policy",
		"arn:aws:s3:::uploads/a/b.png":                         "aws s3api put-bucket-policy",
		"arn:aws:sqs:us-east-1:111111111111:q":                 "aws sqs set-queue-attributes",
		"arn:aws:sns:us-east-1:111111111111:t":                 "aws sns set-topic-attributes",
		"arn:aws:events:us-east-1:111111111111:event-bus/b":    "aws events put-permission",
		"arn:aws:ecr:us-east-1:111111111111:repository/r":      "aws ecr set-repository-policy",
		"arn:aws:dynamodb:us-east-1:111111111111:table/t":      "aws dynamodb put-resource-policy",
		"arn:aws:kinesis:us-east-1:111111111111:stream/s":      "aws kinesis put-resource-policy",
		"arn:aws:states:us-east-1:111111111111:stateMachine:m": "the resource's policy",
		"not-an-arn": "the resource's policy",
	} {
		e := &authz.Entry{Principal: "arn:aws:iam::222222222222:user/dev", Action: "x:Y", Resource: resource,
			Decision: policy.ImplicitlyDenied.String(),
			Reasons:  []policy.Reason{{Kind: policy.Resource, Index: -1, Outcome: policy.OutcomeMissing}}}
		if got := advice(e); !strings.Contains(got, want) || (want != "aws lambda add-permission" && strings.Contains(got, "add-permission ")) {
			t.Errorf("%s: advice %q, want %q", resource, got, want)
		}
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

type fixed []*policy.Policy

func (f fixed) Policies(context.Context, *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	return f, nil, nil
}

// TestEveryDecisionIsExplainableAfterwards: whatever the door decided,
// allowed or denied, repeated or not, `seki explain` names the policy, the
// statement and the condition afterwards, from the log alone: after the
// writer has stopped, after a restart that appends to the same file, and
// after a crash left a torn write at the end of it.
func TestEveryDecisionIsExplainableAfterwards(t *testing.T) {
	dir := t.TempDir()
	parse := func(doc string, kind policy.Kind, name string) *policy.Policy {
		p, err := policy.Parse([]byte(doc), kind)
		if err != nil {
			t.Fatal(err)
		}
		p.Name = name
		return p
	}
	fn := "arn:aws:lambda:us-east-1:111111111111:function:f"
	rp := parse(`{"Version":"2012-10-17","Id":"default","Statement":[
		{"Sid":"FromUploads","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}},
		{"Sid":"NoPlainText","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, policy.Resource, "resource policy")
	inline := parse(`{"Version":"2012-10-17","Statement":[{"Sid":"InvokeInTeam","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"core"}}}]}`, policy.Identity, "invoke-in-team")
	s3 := &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}
	alice := &authz.Caller{Principal: policy.Principal{Type: policy.User, ARN: "arn:aws:iam::111111111111:user/alice",
		Account: "111111111111", UserID: "AIDAALICE", Username: "alice", Tags: map[string]string{"team": "core"}}}
	bob := &authz.Caller{Principal: policy.Principal{Type: policy.User, ARN: "arn:aws:iam::111111111111:user/bob",
		Account: "111111111111", UserID: "AIDABOB", Username: "bob"}}
	keys := func(kv ...string) *policy.Context {
		c := policy.NewContext(len(kv) / 2)
		for i := 0; i+1 < len(kv); i += 2 {
			c.Set(kv[i], kv[i+1])
		}
		return c
	}
	type question struct {
		check *authz.Check
		want  []string // what the explanation must say
	}
	// Each check is asked repeatedly, interleaved, so that the log's
	// shortcuts for repeated decisions are exercised as well as fresh ones.
	shared := keys("aws:SecureTransport", "true")
	questions := []question{
		{&authz.Check{Caller: alice, Action: "lambda:InvokeFunction", Resource: fn, Context: shared},
			[]string{"Decision: Allowed", `invoke-in-team, statement "InvokeInTeam" (Allow)`}},
		{&authz.Check{Caller: bob, Action: "lambda:InvokeFunction", Resource: fn, Context: shared},
			[]string{"Decision: ImplicitlyDenied", `invoke-in-team, statement "InvokeInTeam" (Allow)`, "aws:PrincipalTag/team", `"core"`}},
		{&authz.Check{Caller: s3, Action: "lambda:InvokeFunction", Resource: fn, ResourcePolicy: rp,
			Context: keys("aws:SourceArn", "arn:aws:s3:::uploads", "aws:SecureTransport", "true")},
			[]string{"Decision: Allowed", `resource policy, statement "FromUploads" (Allow)`}},
		{&authz.Check{Caller: s3, Action: "lambda:InvokeFunction", Resource: fn, ResourcePolicy: rp,
			Context: keys("aws:SourceArn", "arn:aws:s3:::uploads", "aws:SecureTransport", "false")},
			[]string{"Decision: ExplicitlyDenied", `statement "NoPlainText" (Deny)`}},
		{&authz.Check{Caller: s3, Action: "lambda:InvokeFunction", Resource: fn, ResourcePolicy: rp,
			Context: keys("aws:SourceArn", "arn:aws:s3:::other", "aws:SecureTransport", "true")},
			[]string{"Decision: ImplicitlyDenied", `statement "FromUploads" (Allow)`, "ArnLike on AWS:SourceArn", `"arn:aws:s3:::other"`}},
	}
	want := map[string][]string{}
	run := func(round int, fresh bool) {
		log, err := authz.OpenLog(dir, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		a := authz.New(fixed{inline}, log)
		for i := 0; i < 20; i++ {
			for j, q := range questions {
				c := *q.check
				if fresh {
					// A context of its own, as each request of the server
					// has.
					c.Context = keys()
					q.check.Context.Range(func(k string, vs []string) bool { c.Context.Set(k, vs...); return true })
				}
				c.RequestID = fmt.Sprintf("r%d-%d-%d", round, i, j)
				a.Authorize(context.Background(), &c)
				want[c.RequestID] = q.want
			}
		}
		if err := log.Close(); err != nil {
			t.Fatal(err)
		}
	}
	run(0, false)
	run(1, true)
	// A crash in the middle of a write: a chunk's header promising more
	// than was written, then a restart appending to the same file.
	f, err := os.OpenFile(filepath.Join(dir, authz.LogFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("SKDL\x01\x02\x03\x04\x05\x06\x07\x08\x00\x10\x00\x00\x00\x00\x00\x00kpartial"))
	f.Close()
	run(2, false)
	run(3, true)

	for id, says := range want {
		var out, errOut bytes.Buffer
		if code := Run(dir, id, &out, &errOut); code != 0 {
			t.Fatalf("%s is not explainable afterwards: exit %d: %s", id, code, errOut.String())
		}
		for _, w := range says {
			if !strings.Contains(out.String(), w) {
				t.Fatalf("the explanation of %s lacks %q:\n%s", id, w, out.String())
			}
		}
		if n := strings.Count(out.String(), "Request "+id+" "); n != 1 {
			t.Fatalf("%s recorded %d times:\n%s", id, n, out.String())
		}
	}
}
