package bench

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/cedar-policy/cedar-go"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

// identities hands out the caller's identity policies the way IAM's cache
// does: one map lookup returning shared, immutable slices. Like IAM's
// store it has generations (authz.Generational); nothing writes to it, so
// its generation never moves and the door keeps what it was given.
type identities map[string][]*policy.Policy

func (ids identities) Policies(_ context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	return ids[p.ARN], nil, nil
}

func (ids identities) Generation() uint64 { return 1 }

// door builds the whole door on the issue-2 workload: an Authorizer that
// gathers the caller's identity policies, evaluates them with the function
// policy and records the decision in a real decision log in dir.
func door(tb testing.TB, dir string) (*authz.Authorizer, *authz.Check, *authz.Log) {
	req, set, err := Seki()
	if err != nil {
		tb.Fatal(err)
	}
	log, err := authz.OpenLog(dir, 64<<20)
	if err != nil {
		tb.Fatal(err)
	}
	a := authz.New(identities{Caller: set.Identity}, log)
	// As Lambda's invoke asks the door: the function's account comes with
	// the check (the server knows it from the function's reference), so
	// the engine need not read it out of the ARN.
	c := &authz.Check{
		RequestID:       "bench",
		Caller:          &authz.Caller{Principal: *req.Principal},
		Action:          req.Action,
		Resource:        req.Resource,
		ResourceAccount: Owner,
		ResourcePolicy:  set.Resource,
		Context:         req.Context,
	}
	return a, c, log
}

// BenchmarkDoor is one decision as the server makes it: gathering the
// policies, evaluating and recording (the decision log's writer runs on its
// own goroutine, as in the server). The same question is asked each time,
// so the log writes the caller, context, policies and case once and then a
// small record per decision. Besides wall time it reports cpu-ns/op, the
// whole process's CPU per decision: the writer's work counts even where it
// runs beside the request on another core.
func BenchmarkDoor(b *testing.B) {
	a, c, log := door(b, b.TempDir())
	defer log.Close()
	benchDoor(b, a, []*authz.Check{c})
}

// BenchmarkDoorDistinct is BenchmarkDoor with what differs between the
// server's requests differing: each decision has a request id and a
// context of its own (same keys and values, as a client repeating a call
// within a second sends), so the log writes the context and the case for
// every decision.
func BenchmarkDoorDistinct(b *testing.B) {
	a, c, log := door(b, b.TempDir())
	defer log.Close()
	checks := make([]*authz.Check, 4096)
	for i := range checks {
		d := *c
		d.RequestID = fmt.Sprintf("%08x-7e5a-4c1b-9d2e-%012x", i, i)
		d.Context = policy.NewContext(c.Context.Len())
		c.Context.Range(func(k string, vs []string) bool { d.Context.Set(k, vs...); return true })
		checks[i] = &d
	}
	benchDoor(b, a, checks)
}

func benchDoor(b *testing.B, a *authz.Authorizer, checks []*authz.Check) {
	ctx := context.Background()
	b.ReportAllocs()
	defer reportCPU(b)()
	i := 0
	for b.Loop() {
		if err := a.Authorize(ctx, checks[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(checks) {
			i = 0
		}
	}
}

// reportCPU starts counting the process's CPU time; the function it
// returns reports it per op as cpu-ns/op. On a shared machine this is the
// steadier figure: time spent waiting for a core is not in it.
func reportCPU(b *testing.B) func() {
	p0, ok := processCPU()
	return func() {
		if p1, ok2 := processCPU(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(p1-p0)/float64(b.N), "cpu-ns/op")
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
	defer reportCPU(b)()
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
// log's writer and the garbage collector (cedar-go's allocations cost it
// there). Issue 15 asks for a 3x lead; measured under load the door leads
// by about 3.5x on both counts (BENCHMARKS.md keeps the figures), and the
// test guards 2x on both, with margin for a loaded CI machine. The
// whole-process guard is the one that catches a decision log writer that
// costs per decision again: it used to cost as much as the request itself
// (1.4x whole process in CI, 2.3x on the request thread).
func TestDoorLeadsCedar(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	a, c, log := door(t, t.TempDir())
	defer log.Close()
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
	// A round ends once its work is done: the door's when the decision
	// log's writer has written the round's decisions (log.Sync), so that
	// the writer's work counts in the door's round and not in the next.
	measure := func(f func(), settle func()) (thread, process float64) {
		t0, ok1 := threadCPU()
		p0, ok2 := processCPU()
		w0 := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		settle()
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
	for round := 0; round < 11; round++ {
		x, y := measure(doorOnce, log.Sync)
		dt, dp = best(dt, x), best(dp, y)
		x, y = measure(cedarOnce, func() {})
		ct, cp = best(ct, x), best(cp, y)
	}
	t.Logf("per decision, request thread: door %.0f ns, cedar-go with diagnostics %.0f ns: %.1fx", dt, ct, ct/dt)
	t.Logf("per decision, whole process (log writer, GC): door %.0f ns, cedar-go %.0f ns: %.1fx", dp, cp, cp/dp)
	if ct/dt < 2 {
		t.Errorf("the door leads cedar-go with diagnostics by %.1fx on the request's CPU, want at least 2x", ct/dt)
	}
	if cp/dp < 2 {
		t.Errorf("the door leads cedar-go with diagnostics by %.1fx on the whole process's CPU (the decision log's writer included), want at least 2x", cp/dp)
	}
}
