package analyze

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

// TestGenerateKeepsPassedToService: calls recorded through the real door
// and decision log; iam:PassRole calls that all carried
// iam:PassedToService come back as a statement with that condition, and
// the policy allows exactly what was observed.
func TestGenerateKeepsPassedToService(t *testing.T) {
	dir := t.TempDir()
	log, err := authz.OpenLog(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	door := authz.New(nil, log)
	who := policy.Principal{Type: policy.AssumedRole, Account: "111111111111", ARN: "arn:aws:sts::111111111111:assumed-role/deployer/s",
		RoleARN: "arn:aws:iam::111111111111:role/deployer"}
	ask := func(action, resource string, keys map[string]string) {
		c := policy.NewContext(len(keys))
		for k, v := range keys {
			c.Set(k, v)
		}
		door.Authorize(context.Background(), &authz.Check{RequestID: "r", Caller: &authz.Caller{Principal: who}, Action: action, Resource: resource, Context: c})
	}
	ask("iam:PassRole", "arn:aws:iam::111111111111:role/fn", map[string]string{"iam:PassedToService": "lambda.amazonaws.com"})
	ask("lambda:CreateFunction", "arn:aws:lambda:us-east-1:111111111111:function:f", nil)
	ask("iam:PassRole", "arn:aws:iam::111111111111:role/fn", map[string]string{"iam:PassedToService": "lambda.amazonaws.com"})
	log.Close()

	calls, err := Observed(dir, "arn:aws:iam::111111111111:role/deployer", time.Time{})
	if err != nil || len(calls) != 2 {
		t.Fatalf("Observed: %+v %v", calls, err)
	}
	doc, err := Generate(calls)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), `"iam:PassedToService": [`) || !strings.Contains(string(doc), `"lambda.amazonaws.com"`) {
		t.Fatalf("no PassedToService condition:\n%s", doc)
	}
	p, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		t.Fatalf("does not validate: %v\n%s", err, doc)
	}
	decide := func(action, resource, passedTo string) bool {
		c := policy.NewContext(1)
		if passedTo != "" {
			c.Set("iam:PassedToService", passedTo)
		}
		return policy.Evaluate(&policy.Request{Principal: &who, Action: action, Resource: resource, Context: c},
			&policy.Set{Identity: []*policy.Policy{p}}).Allowed()
	}
	if !decide("iam:PassRole", "arn:aws:iam::111111111111:role/fn", "lambda.amazonaws.com") ||
		!decide("lambda:CreateFunction", "arn:aws:lambda:us-east-1:111111111111:function:f", "") {
		t.Errorf("an observed call is not allowed:\n%s", doc)
	}
	if decide("iam:PassRole", "arn:aws:iam::111111111111:role/fn", "ec2.amazonaws.com") ||
		decide("iam:PassRole", "arn:aws:iam::111111111111:role/admin", "lambda.amazonaws.com") {
		t.Errorf("an unobserved call is allowed:\n%s", doc)
	}
}
