package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/lambda"
)

// Concurrent invocations scale out with environments, one invocation each.
func TestScaleOutOneInvocationPerEnvironment(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("scale", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	var wg sync.WaitGroup
	pids := make(chan string, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(map[string]any{"sleep": 300, "context": true})
			res, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: b})
			if err != nil {
				t.Error(err)
				return
			}
			var m map[string]any
			json.Unmarshal(res.Payload, &m)
			pids <- m["instance"].(string)
		}()
	}
	wg.Wait()
	close(pids)
	seen := map[string]bool{}
	for p := range pids {
		seen[p] = true
	}
	if len(seen) != 4 {
		t.Fatalf("4 concurrent invocations ran in %d environments", len(seen))
	}
	if st := rt.Stats(); st.Environments != 4 || st.Idle != 4 {
		t.Fatalf("stats %+v", st)
	}
}

// Reserved concurrency: beyond it, TooManyRequestsException with AWS's
// message and Reason; 0 throttles everything.
func TestReservedConcurrency(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("reserved", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	one := int64(1)
	spec.ReservedConcurrency = &one
	started := make(chan struct{})
	done := make(chan error)
	go func() {
		close(started)
		_, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{"sleep":500}`)})
		done <- err
	}()
	<-started
	deadline := time.Now().Add(2 * time.Second)
	for {
		rt.mu.Lock()
		n := rt.busy[spec.FunctionARN]
		rt.mu.Unlock()
		if n == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	_, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)})
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "TooManyRequestsException" || ae.Status != 429 || ae.Message != "Rate Exceeded." ||
		len(ae.Fields) != 1 || ae.Fields[0] != (awserr.Field{Name: "Reason", Value: "ReservedFunctionConcurrentInvocationLimitExceeded"}) {
		t.Fatalf("throttle: %#v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Freed again.
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	zero := int64(0)
	spec.ReservedConcurrency = &zero
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)}); !errThrottled.Is(err) {
		t.Fatalf("reserved 0: %v", err)
	}
}

// The environment limit stops idle environments of other functions first,
// then throttles.
func TestEnvironmentLimit(t *testing.T) {
	rt := newTestRT(t, func(o *Options) { o.MaxEnvironments = 1 })
	code := goZip(t, rt.dir)
	a := newSpec("a", "provided.al2023", "bootstrap", code)
	b := newSpec("b", "provided.al2023", "bootstrap", code)
	invokeJSON(t, rt.Runtime, a, map[string]any{})
	invokeJSON(t, rt.Runtime, b, map[string]any{}) // evicts a's idle environment
	if st := rt.Stats(); st.Environments != 1 {
		t.Fatalf("stats %+v", st)
	}
	go rt.Run(context.Background(), b, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{"sleep":400}`)})
	time.Sleep(100 * time.Millisecond)
	_, err := rt.Run(context.Background(), a, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)})
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "TooManyRequestsException" || ae.Fields[0].Value != "ConcurrentInvocationLimitExceeded" {
		t.Fatalf("limit: %v", err)
	}
}

// Idle environments are reaped; a new revision retires the old one's.
func TestReapingAndRevisions(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rt := newTestRT(t, func(o *Options) { o.Now = clock; o.IdleTimeout = time.Hour })
	spec := newSpec("reap", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	p1 := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))["instance"]
	spec2 := *spec
	spec2.RevisionId = "rev-2"
	p2 := decode(t, invokeJSON(t, rt.Runtime, &spec2, map[string]any{"context": true}))["instance"]
	if p1 == p2 {
		t.Fatal("a new revision reused the old environment")
	}
	waitFor(t, func() bool { return rt.Stats().Environments == 1 })
	if n := rt.Reap(); n != 0 {
		t.Fatalf("reaped %d fresh environments", n)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	if n := rt.Reap(); n != 1 {
		t.Fatalf("reaped %d", n)
	}
	waitFor(t, func() bool { return rt.Stats().Environments == 0 })
	waitFor(t, func() bool { ents, _ := os.ReadDir(rt.envRoot); return len(ents) == 0 })
}

// An environment whose session nears its end takes no more invocations: a
// new environment (and session) replaces it.
func TestCredentialRefresh(t *testing.T) {
	rt := newTestRT(t, nil)
	rt.assumer.expiry = credentialMargin + 5*time.Second // 3 s timeout: usable for ~2 s
	spec := newSpec("refresh", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	p1 := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))["instance"]
	p2 := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))["instance"]
	if p1 != p2 {
		t.Fatal("fresh session not reused")
	}
	time.Sleep(2100 * time.Millisecond)
	p3 := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))["instance"]
	if p3 == p1 || rt.assumer.count() != 2 {
		t.Fatalf("not refreshed: pid %v→%v, %d assumptions", p1, p3, rt.assumer.count())
	}
}

// A caller that goes away does not stop the function; its environment is
// released when the function finishes.
func TestCallerGoesAway(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("away", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := rt.Run(ctx, spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{"sleep":400}`)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	waitFor(t, func() bool { st := rt.Stats(); return st.Idle == 1 })
}

// Logs reach the sink: START, output, END and REPORT, for the
// environment's stream, as the role session.
func TestLogDelivery(t *testing.T) {
	sink := &collectSink{}
	rt := newTestRT(t, func(o *Options) { o.Logs = sink })
	spec := newSpec("logs", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"print": "line one"})
	_ = res
	waitFor(t, func() bool { return len(sink.events()) >= 4 })
	sink.mu.Lock()
	d := sink.ds[0]
	sink.mu.Unlock()
	if d.AccessKeyID != "ASIATESTTESTTESTTEST" || d.Group != "/aws/lambda/logs" || !strings.Contains(d.Stream, "/[$LATEST]") ||
		d.Account != "111111111111" || d.Region != "us-east-1" || d.FunctionARN != spec.FunctionARN || d.RoleARN != spec.RoleARN {
		t.Fatalf("delivery %+v", d)
	}
	ev := sink.events()
	if !strings.HasPrefix(ev[0].Message, "START RequestId: ") || ev[1].Message != "line one" ||
		!strings.HasPrefix(ev[2].Message, "END RequestId: ") || !strings.HasPrefix(ev[3].Message, "REPORT RequestId: ") {
		t.Fatalf("events %+v", ev)
	}
	for i := 1; i < len(ev); i++ {
		if ev[i].Timestamp < ev[i-1].Timestamp {
			t.Fatalf("timestamps go back: %+v", ev)
		}
	}
}

// Close kills running functions and removes every environment.
func TestCloseStopsEverything(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("close", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	spec.Timeout = 30
	invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true})
	errc := make(chan error, 1)
	go func() {
		res, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{"sleep":20000}`)})
		if err == nil && res.FunctionError == "" {
			err = errors.New("a killed function succeeded")
		}
		errc <- err
	}()
	time.Sleep(200 * time.Millisecond)
	pids := runtimePids(rt.Runtime)
	if len(pids) == 0 {
		t.Fatal("no runtime process found")
	}
	start := time.Now()
	rt.Stop(context.Background())
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Stop took %v", d)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if processRuns(pid) {
			t.Fatalf("process %v survived Close", pid)
		}
	}
	if ents, _ := os.ReadDir(rt.envRoot); len(ents) != 0 {
		t.Fatalf("environment directories left: %v", ents)
	}
	if _, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)}); !errService.Is(err) {
		t.Fatalf("after Close: %v", err)
	}
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
