package bench

import (
	"runtime"
	"testing"
	"time"

	"github.com/cedar-policy/cedar-go"

	"github.com/seki-dev/seki/internal/policy"
)

func TestBothAllow(t *testing.T) {
	req, set, err := Seki()
	if err != nil {
		t.Fatal(err)
	}
	if d := policy.Evaluate(req, set); !d.Allowed() {
		t.Fatalf("seki: %+v", d)
	}
	ps, creq, err := Cedar()
	if err != nil {
		t.Fatal(err)
	}
	if d, diag := cedar.Authorize(ps, cedar.EntityMap{}, creq); d != cedar.Allow {
		t.Fatalf("cedar: %v %+v", d, diag)
	}
}

func BenchmarkSeki(b *testing.B) {
	req, set, err := Seki()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if !policy.Evaluate(req, set).Allowed() {
			b.Fatal("denied")
		}
	}
}

func BenchmarkCedar(b *testing.B) {
	ps, req, err := Cedar()
	if err != nil {
		b.Fatal(err)
	}
	entities := cedar.EntityMap{}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if d, _ := cedar.Authorize(ps, entities, req); d != cedar.Allow {
			b.Fatal("denied")
		}
	}
}

// TestSekiLeadsCedar measures both engines in the same process, alternating
// them, and requires the 3x lead issue 2 asks for. It compares thread CPU
// time per decision (best of several rounds) where the OS provides it, and
// wall time otherwise.
func TestSekiLeadsCedar(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	req, set, err := Seki()
	if err != nil {
		t.Fatal(err)
	}
	ps, creq, err := Cedar()
	if err != nil {
		t.Fatal(err)
	}
	entities := cedar.EntityMap{}
	sekiOnce := func() { policy.Evaluate(req, set) }
	cedarOnce := func() { cedar.Authorize(ps, entities, creq) }

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n = 200_000
	measure := func(f func()) float64 {
		c0, ok := threadCPU()
		w0 := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		if c1, ok2 := threadCPU(); ok && ok2 {
			return float64(c1-c0) / n
		}
		return float64(time.Since(w0).Nanoseconds()) / n
	}
	best := func(cur, v float64) float64 {
		if cur == 0 || v < cur {
			return v
		}
		return cur
	}
	var s, c float64
	for round := 0; round < 7; round++ {
		s = best(s, measure(sekiOnce))
		c = best(c, measure(cedarOnce))
	}
	ratio := c / s
	t.Logf("per decision: seki %.0f ns, cedar-go %.0f ns: seki is %.1fx faster", s, c, ratio)
	if ratio < 3 {
		t.Errorf("seki leads cedar-go by %.1fx, want at least 3x", ratio)
	}
}
