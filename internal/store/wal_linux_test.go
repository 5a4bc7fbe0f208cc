package store

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkFrameSync is the disk fact behind the WAL's zeros: one WAL frame
// (a 24-byte header and a 4 KiB page, SQLite's two writes) and fdatasync,
// appended to a growing file or written over zeros already there. The
// append must also sync the file's new size.
//
//	go test ./internal/store -run '^$' -bench FrameSync -benchtime 1000x -count 5
func BenchmarkFrameSync(b *testing.B) {
	for _, c := range []struct {
		name    string
		prefill bool
	}{{"append", false}, {"overwrite", true}} {
		b.Run(c.name, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "wal"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			frame := int64(24 + 4096)
			if c.prefill {
				for off := int64(0); off < 32+int64(b.N+1)*frame; off += int64(len(zeros)) {
					if _, err := f.WriteAt(zeros[:], off); err != nil {
						b.Fatal(err)
					}
				}
				if err := f.Sync(); err != nil {
					b.Fatal(err)
				}
			}
			hdr, page := make([]byte, 24), make([]byte, 4096)
			for i := range page {
				page[i] = byte(i)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				off := 32 + int64(i)*frame
				if _, err := f.WriteAt(hdr, off); err != nil {
					b.Fatal(err)
				}
				if _, err := f.WriteAt(page, off+24); err != nil {
					b.Fatal(err)
				}
				if err := syscall.Fdatasync(int(f.Fd())); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		})
	}
}
