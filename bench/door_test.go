package bench

import (
	"context"
	"runtime"
	"testing"
	"time"

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

// TestDoorLeadsCedar measures the door and cedar-go's Authorize with its
// diagnostics in the same process, alternating them, by CPU time per
// decision (best of several rounds): the calling thread's, which is the
// request's own cost, and the whole process's, which adds the decision
// log's writer and the garbage collector. Issue 15 asks for a 3x lead on
// the request's cost; measured on the 2-core machine the lead is 3.0-3.3x,
// close enough to the target that noise would make a 3x test flaky on a
// shared machine, so the test guards at 2.5x and BENCHMARKS.md keeps the
// measured figure.
func TestDoorLeadsCedar(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	a, c, done := door(t, t.TempDir())
	defer done()
	ps, creq, err := Cedar()
	if err != nil {
		t.Fatal(err)
	}
	entities := cedar.EntityMap{}
	ctx := context.Background()
	doorOnce := func() { a.Authorize(ctx, c) }
	cedarOnce := func() { cedar.Authorize(ps, entities, creq) }

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n = 100_000
	measure := func(f func()) (thread, process float64) {
		t0, ok1 := threadCPU()
		p0, ok2 := processCPU()
		w0 := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		wall := float64(time.Since(w0).Nanoseconds()) / n
		t1, ok3 := threadCPU()
		p1, ok4 := processCPU()
		if !(ok1 && ok2 && ok3 && ok4) {
			return wall, wall
		}
		return float64(t1-t0) / n, float64(p1-p0) / n
	}
	best := func(cur, v float64) float64 {
		if cur == 0 || v < cur {
			return v
		}
		return cur
	}
	var dt, dp, ct, cp float64
	for round := 0; round < 7; round++ {
		x, y := measure(doorOnce)
		dt, dp = best(dt, x), best(dp, y)
		x, y = measure(cedarOnce)
		ct, cp = best(ct, x), best(cp, y)
	}
	t.Logf("per decision, request thread: door %.0f ns, cedar-go with diagnostics %.0f ns: %.1fx", dt, ct, ct/dt)
	t.Logf("per decision, whole process (log writer, GC): door %.0f ns, cedar-go %.0f ns: %.1fx", dp, cp, cp/dp)
	if ct/dt < 2.5 {
		t.Errorf("the door leads cedar-go with diagnostics by %.1fx on the request's CPU, want at least 2.5x", ct/dt)
	}
}
