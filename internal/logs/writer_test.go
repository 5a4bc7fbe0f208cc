package logs

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

func (e *benchEnv) messages(t *testing.T, group, stream string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"logGroupName": group, "logStreamName": stream, "startFromHead": true})
	code, out := e.call(t, "GetLogEvents", body)
	if code != 200 {
		t.Fatalf("GetLogEvents %s/%s: %d %s", group, stream, code, out)
	}
	var page struct {
		Events []struct{ Message string } `json:"events"`
	}
	json.Unmarshal(out, &page)
	var m []string
	for _, ev := range page.Events {
		m = append(m, ev.Message)
	}
	return strings.Join(m, ",")
}

func delivery(group, stream string, now int64, msgs ...string) Delivery {
	d := Delivery{RequestID: "r", AccessKeyID: "ASIABENCH", Account: benchAccount, Region: "us-east-1", Group: group, Stream: stream}
	for i, m := range msgs {
		d.Events = append(d.Events, Event{Timestamp: now + int64(i), Message: m})
	}
	return d
}

func TestDeliverWritesBehind(t *testing.T) {
	e := newBenchEnv(t)
	defer e.svc.Stop(context.Background())
	ctx := context.Background()
	now := time.Now().UnixMilli()
	for _, d := range []Delivery{
		delivery("/aws/lambda/a", "s1", now, "a1", "a2"),
		delivery("/aws/lambda/a", "s2", now, "b1"),
		delivery("/aws/lambda/b", "s1", now, "c1"),
		delivery("/aws/lambda/a", "s1", now+10, "a3"),
	} {
		if err := e.svc.Deliver(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ g, s, want string }{
		{"/aws/lambda/a", "s1", "a1,a2,a3"}, {"/aws/lambda/a", "s2", "b1"}, {"/aws/lambda/b", "s1", "c1"},
	} {
		if got := e.messages(t, tc.g, tc.s); got != tc.want {
			t.Errorf("%s/%s: %s, want %s", tc.g, tc.s, got, tc.want)
		}
	}

	// Out-of-order lines are stored in time order; lines outside
	// PutLogEvents' window and empty ones are dropped.
	d := delivery("/aws/lambda/a", "s3", now)
	d.Events = []Event{{now + 5, "late"}, {now, "early"}, {now - 15*24*3600*1000, "ancient"}, {now + 3*3600*1000, "future"}, {now, ""}}
	if err := e.svc.Deliver(ctx, d); err != nil {
		t.Fatal(err)
	}
	e.svc.Flush(ctx)
	if got := e.messages(t, "/aws/lambda/a", "s3"); got != "early,late" {
		t.Errorf("s3: %s", got)
	}
}

// A batch whose group was deleted after it was queued is dropped; the
// others of the same flush are stored.
func TestDeliverGroupDeletedBeforeFlush(t *testing.T) {
	e := newBenchEnv(t)
	e.svc.w.interval = time.Hour // flush only when asked
	defer e.svc.Stop(context.Background())
	ctx := context.Background()
	now := time.Now().UnixMilli()
	if err := e.svc.Deliver(ctx, delivery("gone", "s", now, "x")); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Deliver(ctx, delivery("kept", "s", now, "y")); err != nil {
		t.Fatal(err)
	}
	e.must(t, "DeleteLogGroup", map[string]string{"logGroupName": "gone"})
	// Flush cannot finish within a cancelled wait while the interval runs.
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	if err := e.svc.Flush(cctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush with a short deadline: %v", err)
	}
	cancel()
	// Close stores what is queued.
	e.svc.Stop(context.Background())
	if got := e.messages(t, "kept", "s"); got != "y" {
		t.Fatalf("kept: %q", got)
	}
	if n := e.svc.w.dropped.Load(); n != 1 {
		t.Fatalf("dropped %d events", n)
	}
	if err := e.svc.Deliver(ctx, delivery("kept", "s", now, "z")); !errors.Is(err, errClosed) {
		t.Fatalf("Deliver after Close: %v", err)
	}
	e.svc.Stop(context.Background()) // twice is fine
	if err := e.svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestDeliverDisabled(t *testing.T) {
	e := newBenchEnv(t)
	s := New(e.svc.db, Options{})
	if err := s.Deliver(context.Background(), delivery("g", "s", 1, "x")); !errors.Is(err, ErrDeliveryDisabled) {
		t.Fatalf("%v", err)
	}
	s.Stop(context.Background()) // never started
}

type entries struct {
	mu sync.Mutex
	es []*authz.Entry
}

func (r *entries) Record(e *authz.Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.es = append(r.es, e)
}

// A batch merged from several invocations has its decisions recorded
// under each invocation's request id, found in its platform lines.
func TestDeliverMergedRequestIDs(t *testing.T) {
	e := newBenchEnv(t)
	rec := &entries{}
	p, _ := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`), policy.Identity)
	svc := New(e.svc.db, Options{Authz: authz.New(allowLogs{p}, rec), Callers: fixedCaller{e.caller}})
	svc.Start(context.Background())
	defer svc.Stop(context.Background())
	now := time.Now().UnixMilli()
	d := delivery("/aws/lambda/m", "s", now, "START RequestId: r1 Version: $LATEST", "out 1", "END RequestId: r1",
		"REPORT RequestId: r1\tDuration: 1.00 ms", "START RequestId: r2 Version: $LATEST", "END RequestId: r2")
	d.RequestID = ""
	if err := svc.Deliver(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range rec.es {
		got = append(got, en.RequestID+" "+en.Action)
	}
	want := "r1 logs:CreateLogGroup,r2 logs:CreateLogGroup,r1 logs:CreateLogStream,r2 logs:CreateLogStream,r1 logs:PutLogEvents,r2 logs:PutLogEvents"
	if strings.Join(got, ",") != want {
		t.Fatalf("recorded %v", got)
	}
	if ids := requestIDs([]Event{{Message: "no platform line"}}); len(ids) != 1 || ids[0] != "" {
		t.Fatalf("ids %q", ids)
	}
}

// Deliver remembers the streams it has seen exist, but a deleted group is
// looked up again: the next batch recreates it and its stream.
func TestDeliverRecreatesDeletedGroup(t *testing.T) {
	e := newBenchEnv(t)
	defer e.svc.Stop(context.Background())
	ctx := context.Background()
	now := time.Now().UnixMilli()
	for _, m := range []string{"one", "two"} {
		if err := e.svc.Deliver(ctx, delivery("g", "s", now, m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	e.must(t, "DeleteLogGroup", map[string]string{"logGroupName": "g"})
	if err := e.svc.Deliver(ctx, delivery("g", "s", now+5, "three")); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.messages(t, "g", "s"); got != "three" {
		t.Fatalf("after the group was deleted and delivered to again: %q", got)
	}
}

// Deliver also remembers what it found missing, so that a role that may not
// create its log group is refused at the door on every batch without a
// store read each time; but the door still decides each batch, and a group
// created since is found.
func TestDeliverRemembersMissingGroupUntilCreated(t *testing.T) {
	e := newBenchEnv(t)
	rec := &entries{}
	p, _ := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents","logs:GetLogEvents"],"Resource":"*"}]}`), policy.Identity)
	svc := New(e.svc.db, Options{Authz: authz.New(allowLogs{p}, rec), Callers: fixedCaller{e.caller}})
	svc.Start(context.Background())
	defer svc.Stop(context.Background())
	ctx := context.Background()
	now := time.Now().UnixMilli()
	for i := range 2 {
		if err := svc.Deliver(ctx, delivery("g", "s", now, "refused")); !IsDenied(err) {
			t.Fatalf("delivery %d without logs:CreateLogGroup: %v", i, err)
		}
	}
	if n := len(rec.es); n != 2 {
		t.Fatalf("%d decisions recorded for 2 refused batches, want 2", n)
	}
	svc.knownMu.Lock()
	st, ok := svc.known[knownStream{groupRef{benchAccount, "us-east-1", "g"}, "s"}]
	svc.knownMu.Unlock()
	if !ok || st.group || st.stream {
		t.Fatalf("remembered %+v, %v; want the group and stream remembered as missing", st, ok)
	}
	// CreateLogGroup's own path.
	if err := svc.createGroup(ctx, &group{ref: groupRef{benchAccount, "us-east-1", "g"}, created: now, class: classStandard}, nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.Deliver(ctx, delivery("g", "s", now+5, "delivered")); err != nil {
		t.Fatalf("after the group was created: %v", err)
	}
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.messages(t, "g", "s"); got != "delivered" {
		t.Fatalf("messages %q", got)
	}
}
