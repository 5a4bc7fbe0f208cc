package server

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"
)

func TestBodySpillsAndReleases(t *testing.T) {
	b, err := newBodies(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b.budget = newByteQuota(1 << 20)
	small := bytes.Repeat([]byte("s"), 1000)
	sb := b.read(bytes.NewReader(small), int64(len(small)), 1<<30, nil)
	if sb.err != nil || sb.f != nil || sb.held != 1000 {
		t.Fatalf("small body: err %v, spilled %v, held %d", sb.err, sb.f != nil, sb.held)
	}
	large := bytes.Repeat([]byte("0123456789"), 110_000) // over the whole budget (clamped to it) and smallBody
	lb := b.read(bytes.NewReader(large), -1, 1<<30, nil)
	if lb.err != nil || lb.f == nil {
		t.Fatalf("large body: err %v, spilled %v", lb.err, lb.f != nil)
	}
	name := lb.f.Name()
	// 1000 bytes are held by the small body: the large one must wait.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	if _, err := lb.bytes(ctx); err == nil {
		t.Fatal("large body loaded beyond the budget")
	}
	cancel()
	sb.close()
	got, err := lb.bytes(context.Background())
	if err != nil || !bytes.Equal(got, large) {
		t.Fatalf("large body: %d bytes, %v", len(got), err)
	}
	lb.close()
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Fatalf("spill file left behind: %v", err)
	}
	if b.budget.free != 1<<20 {
		t.Fatalf("budget free %d after close, want all", b.budget.free)
	}
	tb := b.read(bytes.NewReader(large), -1, 1000, nil)
	if tb.err != errBodyTooLarge {
		t.Fatalf("over the limit: %v", tb.err)
	}
	tb.close()
}
