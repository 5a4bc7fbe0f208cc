package lambda

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/store"
)

// BenchmarkLoadInvokeUncached measures the store read behind an uncached
// invoke target, with its tail.
func BenchmarkLoadInvokeUncached(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir(), Migrations())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := New(db, Options{})
	ref := FunctionRef{Partition: "aws", Region: "us-east-1", Account: "111111111111", Name: "f"}
	db.Write(ctx, func(tx *store.Tx) error {
		tx.Exec(`INSERT INTO lambda_functions (account, region, name, created) VALUES (?,?,?,?)`, ref.Account, ref.Region, ref.Name, "x")
		return s.putVersion(tx, ref, &versionRecord{Config: FunctionConfiguration{Version: latest, RevisionId: "r"}, CodeBlob: "b"})
	})
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := s.loadInvoke(ctx, ref); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)*999/1000].Microseconds()), "p999-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	var over time.Duration
	for _, l := range lat[len(lat)*99/100:] {
		over += l
	}
	b.ReportMetric(float64(over.Microseconds())/float64(len(lat)), "tail-µs/op")
}
