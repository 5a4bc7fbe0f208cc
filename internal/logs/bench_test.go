package logs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Handler-level benchmarks: the real store and handler, the real policy
// engine behind the door (an identity policy allowing logs:*), no HTTP or
// SigV4. They measure what a call costs seki beyond the wire.

const benchAccount = "111111111111"

// allowLogs is the identity side of the door for the benchmark's role: one
// policy allowing every logs action.
type allowLogs struct{ p *policy.Policy }

func (a allowLogs) Policies(context.Context, *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	return []*policy.Policy{a.p}, nil, nil
}

type benchEnv struct {
	svc    *Service
	h      *protocol.JSON
	caller *authz.Caller
	door   *authz.Authorizer
}

func newBenchEnv(tb testing.TB) *benchEnv {
	tb.Helper()
	db, err := store.Open(context.Background(), tb.TempDir(), Migrations())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	p, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`), policy.Identity)
	if err != nil {
		tb.Fatal(err)
	}
	door := authz.New(allowLogs{p}, nil)
	caller := &authz.Caller{Principal: policy.Principal{
		Type: policy.AssumedRole, ARN: "arn:aws:sts::" + benchAccount + ":assumed-role/r/fn",
		RoleARN: "arn:aws:iam::" + benchAccount + ":role/r", Account: benchAccount,
	}, AccessKeyID: "ASIABENCH"}
	svc := New(db, Options{Authz: door, Callers: fixedCaller{caller}})
	if err := svc.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return &benchEnv{svc: svc, h: svc.Handler(protocol.Dispatcher{Authz: door, Deny: AccessDenied}), caller: caller, door: door}
}

type fixedCaller struct{ c *authz.Caller }

func (f fixedCaller) Caller(context.Context, string) (*authz.Caller, error) { return f.c, nil }

// call serves one operation and returns the status and body.
func (e *benchEnv) call(tb testing.TB, op string, body []byte) (int, []byte) {
	hr := httptest.NewRequest(http.MethodPost, "/", nil)
	hr.Header.Set("X-Amz-Target", TargetPrefix+"."+op)
	r := &protocol.Request{HTTP: hr, ID: "bench", Service: "logs", Region: "us-east-1", Caller: e.caller,
		Body: body, Context: policy.NewContext(4), Now: time.Now()}
	w := httptest.NewRecorder()
	e.h.ServeAWS(w, r)
	return w.Code, w.Body.Bytes()
}

func (e *benchEnv) must(tb testing.TB, op string, body any) []byte {
	tb.Helper()
	b, _ := json.Marshal(body)
	code, out := e.call(tb, op, b)
	if code != 200 {
		tb.Fatalf("%s: %d %s", op, code, out)
	}
	return out
}

func putBody(group, stream string, n int, ts int64, msg string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"logGroupName":%q,"logStreamName":%q,"logEvents":[`, group, stream)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"timestamp":%d,"message":%q}`, ts, msg)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

const benchLine = "2026-01-01T00:00:00.000Z\t6f9b1c2e-1111-2222-3333-444455556666\tINFO\tprocessed order 12345 in 12 ms"

func BenchmarkPutLogEvents(b *testing.B) {
	for _, n := range []int{1, 100, 10000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			e := newBenchEnv(b)
			e.must(b, "CreateLogGroup", map[string]string{"logGroupName": "g"})
			e.must(b, "CreateLogStream", map[string]string{"logGroupName": "g", "logStreamName": "s"})
			// 10,000 events fit the 1 MB batch limit with shorter lines.
			line := benchLine
			if n == 10000 {
				line = benchLine[:70]
			}
			body := putBody("g", "s", n, time.Now().UnixMilli(), line)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if code, out := e.call(b, "PutLogEvents", body); code != 200 {
					b.Fatalf("%d %s", code, out)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// fill writes n events to g/s in batches of 10,000.
func (e *benchEnv) fill(b *testing.B, g, s string, n int, msg func(i int) string) {
	e.must(b, "CreateLogGroup", map[string]string{"logGroupName": g})
	e.must(b, "CreateLogStream", map[string]string{"logGroupName": g, "logStreamName": s})
	ts := time.Now().UnixMilli() - int64(n)
	for done := 0; done < n; {
		k := min(5000, n-done)
		events := make([]map[string]any, k)
		for i := range events {
			events[i] = map[string]any{"timestamp": ts + int64(done+i), "message": msg(done + i)}
		}
		e.must(b, "PutLogEvents", map[string]any{"logGroupName": g, "logStreamName": s, "logEvents": events})
		done += k
	}
}

func BenchmarkGetLogEvents(b *testing.B) {
	e := newBenchEnv(b)
	e.fill(b, "g", "s", 100000, func(int) string { return benchLine })
	for _, limit := range []int{100, 10000} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) {
			for _, head := range []bool{true, false} {
				b.Run(fmt.Sprintf("fromHead=%v", head), func(b *testing.B) {
					body, _ := json.Marshal(map[string]any{"logGroupName": "g", "logStreamName": "s", "limit": limit, "startFromHead": head})
					b.ReportAllocs()
					for b.Loop() {
						if code, out := e.call(b, "GetLogEvents", body); code != 200 {
							b.Fatalf("%d %s", code, out)
						}
					}
					b.ReportMetric(float64(limit*b.N)/b.Elapsed().Seconds(), "events/s")
				})
			}
		})
	}
}

func BenchmarkFilterLogEvents(b *testing.B) {
	e := newBenchEnv(b)
	// One event in a hundred carries ERROR.
	e.fill(b, "g", "s", 100000, func(i int) string {
		if i%100 == 0 {
			return "[ERROR] " + benchLine
		}
		return benchLine
	})
	for _, pattern := range []string{"", "ERROR", `{ $.level = "x" }`} {
		b.Run(fmt.Sprintf("pattern=%q", pattern), func(b *testing.B) {
			body, _ := json.Marshal(map[string]any{"logGroupName": "g", "filterPattern": pattern, "limit": 100})
			b.ReportAllocs()
			for b.Loop() {
				if code, out := e.call(b, "FilterLogEvents", body); code != 200 {
					b.Fatalf("%d %s", code, out)
				}
			}
		})
	}
}

// BenchmarkDeliver measures a function-log delivery to an existing stream:
// the PutLogEvents decision through the door and the queueing (what the
// runtime's shipper waits for), with the store writes amortized: the
// writer commits each flush interval's batches together, and the final
// Flush is inside the timing.
func BenchmarkDeliver(b *testing.B) {
	for _, streams := range []int{1, 8} {
		b.Run(fmt.Sprintf("streams=%d", streams), func(b *testing.B) {
			e := newBenchEnv(b)
			b.Cleanup(func() { e.svc.Stop(context.Background()) })
			now := time.Now().UnixMilli()
			events := make([]Event, 12)
			for i := range events {
				events[i] = Event{Timestamp: now, Message: benchLine}
			}
			ds := make([]Delivery, streams)
			for i := range ds {
				ds[i] = Delivery{RequestID: "r", AccessKeyID: "ASIABENCH", Account: benchAccount, Region: "us-east-1",
					Group: "/aws/lambda/fn", Stream: fmt.Sprintf("2026/01/01/[$LATEST]%032x", i), Events: events}
				if err := e.svc.Deliver(context.Background(), ds[i]); err != nil {
					b.Fatal(err)
				}
			}
			e.svc.Flush(context.Background())
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := e.svc.Deliver(context.Background(), ds[i%streams]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			if err := e.svc.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
