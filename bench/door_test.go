package bench

import (
	"context"
	"testing"

	"github.com/cedar-policy/cedar-go"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

// identities hands out the caller's identity policies the way IAM's cache
// does: one map lookup returning shared, immutable slices.
type identities map[string][]*policy.Policy

func (ids identities) Policies(_ context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	return ids[p.ARN], nil, nil
}

// door builds the whole door on the issue-2 workload: an Authorizer that
// gathers the caller's identity policies, evaluates them with the function
// policy and records the decision in a real decision log in dir.
func door(tb testing.TB, dir string) (*authz.Authorizer, *authz.Check, func()) {
	req, set, err := Seki()
	if err != nil {
		tb.Fatal(err)
	}
	log, err := authz.OpenLog(dir, 64<<20)
	if err != nil {
		tb.Fatal(err)
	}
	a := authz.New(identities{Caller: set.Identity}, log)
	c := &authz.Check{
		RequestID:      "bench",
		Caller:         &authz.Caller{Principal: *req.Principal},
		Action:         req.Action,
		Resource:       req.Resource,
		ResourcePolicy: set.Resource,
		Context:        req.Context,
	}
	return a, c, func() { log.Close() }
}

// BenchmarkDoor is one decision as the server makes it: gathering the
// policies, evaluating and recording (the decision log's writer runs on its
// own goroutine, as in the server).
func BenchmarkDoor(b *testing.B) {
	a, c, done := door(b, b.TempDir())
	defer done()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := a.Authorize(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCedarDiagnostics is cedar-go's Authorize with the diagnostic it
// returns (the policies that determined the decision) read, the closest
// thing cedar-go has to a recorded explanation.
func BenchmarkCedarDiagnostics(b *testing.B) {
	ps, req, err := Cedar()
	if err != nil {
		b.Fatal(err)
	}
	entities := cedar.EntityMap{}
	b.ReportAllocs()
	for b.Loop() {
		d, diag := cedar.Authorize(ps, entities, req)
		if d != cedar.Allow || len(diag.Reasons) == 0 {
			b.Fatal("denied")
		}
	}
}
