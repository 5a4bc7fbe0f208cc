package runtime

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/store"
)

type doneLog struct {
	mu  sync.Mutex
	out []string
}

func (d *doneLog) record(id, outcome string, attempts int) {
	d.mu.Lock()
	d.out = append(d.out, id+" "+outcome+" "+itoa(attempts))
	d.mu.Unlock()
}

func (d *doneLog) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.out...)
}

func itoa(n int) string { return formatFloat(float64(n)) }

func lines(t testing.TB, p string) int {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

// An Event invocation answers 202 at once, runs in the background, and a
// failing one is retried twice with the configured delays.
func TestEventRetries(t *testing.T) {
	done := &doneLog{}
	rt := newTestRT(t, func(o *Options) {
		o.Queue = QueueOptions{RetryDelays: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, Done: done.record}
	})
	spec := newSpec("async", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	marks := shared(t, "marks")

	ok := shared(t, "ok")
	res, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: "ev-ok", InvocationType: "Event",
		Payload: []byte(`{"append":"` + ok + `"}`)})
	if err != nil || res.StatusCode != 202 || len(res.Payload) != 0 {
		t.Fatalf("event: %v %+v", err, res)
	}
	start := time.Now()
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: "ev-fail", InvocationType: "Event",
		Payload: []byte(`{"append":"` + marks + `","error":"always"}`)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(done.list()) == 2 })
	got := strings.Join(done.list(), ",")
	if got != "ev-ok success 1,ev-fail failed 3" {
		t.Fatalf("outcomes %s", got)
	}
	if n := lines(t, marks); n != 3 {
		t.Fatalf("failing event ran %d times, want 3", n)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("retries did not wait: %v", d)
	}
	if lines(t, ok) != 1 {
		t.Fatal("successful event did not run once")
	}
	if n, _ := rt.Pending(context.Background()); n != 0 {
		t.Fatalf("pending %d", n)
	}
}

// A throttled event waits and runs when concurrency frees up; it does not
// use up its retries.
func TestEventThrottled(t *testing.T) {
	done := &doneLog{}
	rt := newTestRT(t, func(o *Options) {
		o.Queue = QueueOptions{ThrottleBase: 20 * time.Millisecond, ThrottleMax: 50 * time.Millisecond, Done: done.record}
	})
	spec := newSpec("throttled", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	zero := int64(0)
	spec.ReservedConcurrency = &zero
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: "ev-t", InvocationType: "Event", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n, _ := rt.Pending(context.Background()); n != 1 || len(done.list()) != 0 {
		t.Fatalf("throttled event: pending %d, done %v", n, done.list())
	}
	var throttles int
	rt.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT throttles FROM runtime_events`).Scan(&throttles)
	})
	if throttles < 3 {
		t.Fatalf("throttled %d times in 300 ms", throttles)
	}
	// The limit is lifted (PutFunctionConcurrency/DeleteFunctionConcurrency):
	// the next invocation carries the new value, and the queued event,
	// whose stored spec is older, runs.
	free := *spec
	free.ReservedConcurrency = nil
	invokeJSON(t, rt.Runtime, &free, map[string]any{})
	waitFor(t, func() bool { return len(done.list()) == 1 })
	if done.list()[0] != "ev-t success 1" {
		t.Fatalf("%v", done.list())
	}
}

// An accepted event survives a restart.
func TestEventSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "db"), Migrations())
	if err != nil {
		t.Fatal(err)
	}
	rt := startRT(t, Options{Dir: filepath.Join(dir, "rt"), DB: db, Assumer: &staticAssumer{}, Endpoint: fixedEndpoint("http://127.0.0.1:1")})
	spec := newSpec("durable", "provided.al2023", "bootstrap", goZip(t, dir))
	zero := int64(0)
	spec.ReservedConcurrency = &zero // held in the queue
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: "ev-d", InvocationType: "Event", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	rt.Stop(context.Background())
	db.Close()

	// Restart; the function's concurrency is now free (the stored spec is
	// what runs, so lift the limit in the store as a redeploy would).
	db, err = store.Open(context.Background(), filepath.Join(dir, "db"), Migrations())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	marks := shared(t, "marks")
	err = db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE runtime_events SET spec = json_remove(spec, '$.ReservedConcurrency'),
			payload = ?, not_before = 0`, []byte(`{"append":"`+marks+`"}`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	done := &doneLog{}
	rt = startRT(t, Options{Dir: filepath.Join(dir, "rt"), DB: db, Assumer: &staticAssumer{}, Endpoint: fixedEndpoint("http://127.0.0.1:1"), Queue: QueueOptions{Done: done.record}})
	defer rt.Stop(context.Background())
	waitFor(t, func() bool { return len(done.list()) == 1 })
	if done.list()[0] != "ev-d success 1" || lines(t, marks) != 1 {
		t.Fatalf("after restart: %v, %d runs", done.list(), lines(t, marks))
	}
}

// An event whose code is gone is dropped, not retried for hours.
func TestEventCodeGone(t *testing.T) {
	done := &doneLog{}
	rt := newTestRT(t, func(o *Options) { o.Queue = QueueOptions{Done: done.record} })
	spec := newSpec("gone", "provided.al2023", "bootstrap", filepath.Join(rt.dir, "nonexistent.zip"))
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: "ev-g", InvocationType: "Event", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(done.list()) == 1 })
	if done.list()[0] != "ev-g dropped 0" {
		t.Fatalf("%v", done.list())
	}
}
