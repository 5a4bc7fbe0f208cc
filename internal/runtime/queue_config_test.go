package runtime

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
)

// An event invoke config's MaximumRetryAttempts bounds the attempts of a
// failing event: with 0 it runs once, where the queue would retry twice.
func TestEventRetriesFollowTheConfig(t *testing.T) {
	done := &doneLog{}
	rt := newTestRT(t, func(o *Options) {
		o.Queue = QueueOptions{RetryDelays: []time.Duration{50 * time.Millisecond, 50 * time.Millisecond}, Done: done.record}
	})
	spec := newSpec("async-once", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	zero, one := int64(0), int64(1)
	marks := shared(t, "marks")
	for _, c := range []struct {
		id    string
		retry *int64
	}{{"ev-0", &zero}, {"ev-1", &one}} {
		s := *spec
		s.MaxRetryAttempts = c.retry
		if _, err := rt.Run(context.Background(), &s, &lambda.InvokeRequest{RequestID: c.id, InvocationType: "Event",
			Payload: []byte(`{"append":"` + marks + `","error":"always"}`)}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return len(done.list()) > 0 && strings.HasPrefix(done.list()[len(done.list())-1], c.id) })
	}
	if got := strings.Join(done.list(), ","); got != "ev-0 failed 1,ev-1 failed 2" {
		t.Fatalf("outcomes %s", got)
	}
	if n := lines(t, marks); n != 3 {
		t.Fatalf("the failing events ran %d times, want 1 + 2", n)
	}
}

// An event invoke config's MaximumEventAgeInSeconds bounds how long a
// throttled event is kept: past it the event expires instead of waiting.
func TestEventAgeFollowsTheConfig(t *testing.T) {
	done := &doneLog{}
	rt := newTestRT(t, func(o *Options) {
		o.Queue = QueueOptions{ThrottleBase: 50 * time.Millisecond, ThrottleMax: 100 * time.Millisecond, Done: done.record}
	})
	spec := newSpec("async-age", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	zero, age := int64(0), int64(1)
	spec.ReservedConcurrency = &zero
	spec.MaxEventAgeSeconds = &age
	start := time.Now()
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: "ev-old", InvocationType: "Event", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(done.list()) == 1 })
	if got := done.list()[0]; got != "ev-old expired 0" {
		t.Fatalf("outcome %s", got)
	}
	if d := time.Since(start); d < time.Second || d > 5*time.Second {
		t.Fatalf("expired after %v, want about 1s", d)
	}
}
