package runtime

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShipperJoinsInvocations: deliveries queued together reach the sink as
// one per stream, each stream's events in the order written, the request
// id kept only when one invocation wrote them all; and close delivers what
// is queued.
func TestShipperJoinsInvocations(t *testing.T) {
	sink := &collectSink{}
	s := newShipper(sink)
	streams := []string{"a", "b", "c"}
	for i := 0; i < 20; i++ {
		for _, st := range streams {
			id := fmt.Sprintf("%s-%d", st, i)
			s.send(Delivery{RequestID: id, AccessKeyID: "ASIA" + st, Group: "/aws/lambda/f", Stream: st, Events: []LogEvent{
				{Timestamp: int64(i), Message: "START RequestId: " + id + " Version: $LATEST"},
				{Timestamp: int64(i), Message: "REPORT RequestId: " + id + "\tDuration: 1.00 ms"},
			}})
		}
	}
	s.send(Delivery{RequestID: "d-0", AccessKeyID: "ASIAd", Group: "/aws/lambda/f", Stream: "d", Events: []LogEvent{{Message: "alone"}}})
	s.close()

	sink.mu.Lock()
	defer sink.mu.Unlock()
	got := map[string][]Delivery{}
	for _, d := range sink.ds {
		got[d.Stream] = append(got[d.Stream], d)
	}
	if len(sink.ds) >= 61 {
		t.Fatalf("%d deliveries for 61 batches: nothing joined", len(sink.ds))
	}
	for _, st := range streams {
		var n int
		for _, d := range got[st] {
			if d.AccessKeyID != "ASIA"+st {
				t.Fatalf("stream %s delivered as %s", st, d.AccessKeyID)
			}
			if len(d.Events) > 2 && d.RequestID != "" {
				t.Fatalf("a joined delivery names one request: %q", d.RequestID)
			}
			for _, ev := range d.Events {
				want := fmt.Sprintf("%s-%d", st, n/2)
				if ev.Timestamp != int64(n/2) || !strings.Contains(ev.Message, want+" ") && !strings.Contains(ev.Message, want+"\t") {
					t.Fatalf("stream %s event %d: %q", st, n, ev.Message)
				}
				n++
			}
		}
		if n != 40 {
			t.Fatalf("stream %s: %d events, want 40", st, n)
		}
	}
	if d := got["d"]; len(d) != 1 || d[0].RequestID != "d-0" {
		t.Fatalf("single delivery %+v", d)
	}
}

// TestOutPipeSync: sync right after the child writes returns with the line
// emitted, write after write, while the loop reads the same pipe. (sync once
// asked the pipe's unread bytes and waited for the loop: a line the loop had
// read but not yet emitted was then missed, 1 run in ~5 in CI.)
func TestOutPipeSync(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines int
	p := newOutPipe(r, func([]byte) { mu.Lock(); lines++; mu.Unlock() })
	done := make(chan struct{})
	go p.loop(done)
	const n = 300
	slow := 0
	for i := 0; i < n; i++ {
		if _, err := w.WriteString("a line of output\n"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		p.sync()
		if time.Since(start) >= 50*time.Millisecond {
			slow++
		}
		mu.Lock()
		got := lines
		mu.Unlock()
		if got != i+1 {
			t.Fatalf("after sync %d: %d lines emitted", i, got)
		}
	}
	w.Close()
	<-done
	if slow > 0 {
		t.Fatalf("%d of %d syncs waited their whole limit", slow, n)
	}
	if lines != n {
		t.Fatalf("%d lines, want %d", lines, n)
	}
}
