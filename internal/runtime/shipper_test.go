package runtime

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

type recordSink struct {
	mu sync.Mutex
	ds []Delivery
}

func (s *recordSink) Deliver(_ context.Context, d Delivery) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return nil
}

// TestShipperJoinsInvocations: deliveries queued together reach the sink as
// one per stream, each stream's events in the order written, the request
// id kept only when one invocation wrote them all; and close delivers what
// is queued.
func TestShipperJoinsInvocations(t *testing.T) {
	sink := &recordSink{}
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
