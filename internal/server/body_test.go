package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/protocol"
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

// TestBodyStreamedWithinBudget: Lambda's stream takes a CreateFunction
// body as it is read, holding the package within the budget and keeping
// only the JSON around it; the budget is whole again when the body is
// closed (authenticated or not), and a budget without room for the package
// gets the body as sent, spilled like any other.
func TestBodyStreamedWithinBudget(t *testing.T) {
	b, err := newBodies(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b.budget = newByteQuota(4 << 20)
	var h protocol.BodyStreamer = new(lambda.Handler) // BodyStream reads nothing of the service
	hr := httptest.NewRequest(http.MethodPost, "/2015-03-31/functions", nil)
	pkg := bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7}, 200_000)
	body := []byte(`{"Code": {"ZipFile": "` + base64.StdEncoding.EncodeToString(pkg) + `"}, "FunctionName": "f"}`)
	stream := func(keep func([]byte) error) protocol.BodyStream {
		return h.BodyStream(hr, int64(len(body)), b.budget, keep)
	}
	bd := b.read(bytes.NewReader(body), int64(len(body)), 1<<30, stream)
	if bd.err != nil || bd.f != nil || bd.stream == nil {
		t.Fatalf("err %v, spilled %v, streamed %v", bd.err, bd.f != nil, bd.stream != nil)
	}
	got, _ := bd.bytes(context.Background())
	if want := `{"Code": {"ZipFile": null}, "FunctionName": "f"}`; string(got) != want {
		t.Fatalf("the decoder reads %q, want %q", got, want)
	}
	if b.budget.free >= 4<<20-int64(len(pkg)) {
		t.Fatalf("the package (%d bytes) is not held in the budget: %d free", len(pkg), b.budget.free)
	}
	bd.close()
	if b.budget.free != 4<<20 {
		t.Fatalf("budget free %d after close, want all", b.budget.free)
	}

	b.budget = newByteQuota(1 << 20) // no room for the package
	bd = b.read(bytes.NewReader(body), int64(len(body)), 1<<30, stream)
	got, err = bd.bytes(context.Background())
	if bd.err != nil || err != nil || !bytes.Equal(got, body) {
		t.Fatalf("without room: err %v %v, %d bytes, want the %d sent", bd.err, err, len(got), len(body))
	}
	bd.close()
	if b.budget.free != 1<<20 {
		t.Fatalf("budget free %d after close, want all", b.budget.free)
	}
}
