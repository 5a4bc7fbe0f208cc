package bench

import (
	"testing"

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
	for b.Loop() {
		if d, _ := cedar.Authorize(ps, entities, req); d != cedar.Allow {
			b.Fatal("denied")
		}
	}
}

// TestSekiLeadsCedar runs both benchmarks in the same process and requires
// the 3x lead issue 2 asks for.
func TestSekiLeadsCedar(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	s := testing.Benchmark(BenchmarkSeki)
	c := testing.Benchmark(BenchmarkCedar)
	ratio := float64(c.NsPerOp()) / float64(s.NsPerOp())
	t.Logf("seki %d ns/op %d allocs/op; cedar-go %d ns/op %d allocs/op; seki is %.1fx faster",
		s.NsPerOp(), s.AllocsPerOp(), c.NsPerOp(), c.AllocsPerOp(), ratio)
	if ratio < 3 {
		t.Errorf("seki leads cedar-go by %.1fx, want at least 3x", ratio)
	}
}
