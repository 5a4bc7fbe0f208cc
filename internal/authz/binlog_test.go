package authz

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/policy"
)

// FuzzReadLog: a decision log is read by `seki explain` whatever it holds
// (a torn write, a disk error, another program's bytes): reading and
// explaining never panic, and a valid log with garbage appended still
// yields its decisions.
func FuzzReadLog(f *testing.F) {
	dir := f.TempDir()
	l, err := OpenLog(dir, 1<<20)
	if err != nil {
		f.Fatal(err)
	}
	fn, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}`), policy.Resource)
	if err != nil {
		f.Fatal(err)
	}
	a := New(identities{}, l)
	keys := policy.NewContext(1)
	keys.Set("aws:SourceArn", "arn:aws:s3:::uploads")
	for _, id := range []string{"a", "b"} {
		a.Authorize(context.Background(), &Check{RequestID: id, Caller: &Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}},
			Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:111111111111:function:f", ResourcePolicy: fn, Context: keys})
	}
	a.Authorize(context.Background(), &Check{RequestID: "c", Caller: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
	l.Close()
	valid, err := os.ReadFile(filepath.Join(dir, LogFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, []byte(nil))
	f.Add(valid[:len(valid)-3], valid)
	f.Add([]byte("SKDL"), []byte{})
	f.Fuzz(func(t *testing.T, data, tail []byte) {
		read := func(b []byte) int {
			n := 0
			readLog(bytes.NewReader(b), func(rd *reader, d *decision) {
				e := rd.entry(d, true)
				_ = e
				n++
			}, func(*Entry) { n++ })
			return n
		}
		read(data)
		// What a valid log holds survives anything written before or
		// after it.
		if got := read(append(append(append([]byte(nil), data...), valid...), tail...)); got < 3 {
			t.Fatalf("read %d decisions of a valid log between other bytes, want at least 3", got)
		}
	})
}

// benchSlots returns n queued decisions as the door makes them: the same
// caller, action, resource and policies; with distinct, each has a context
// and request id of its own, as each request of the server has.
func benchSlots(b *testing.B, n int, distinct bool) []slot {
	fn, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`), policy.Resource)
	if err != nil {
		b.Fatal(err)
	}
	shared := policy.NewContext(3)
	shared.Set("aws:SourceIp", "203.0.113.7")
	shared.Set("aws:SecureTransport", "true")
	shared.Set("aws:CurrentTime", "2026-12-07T19:00:00Z")
	kase := &caseRef{action: "lambda:InvokeFunction", resource: "arn:aws:lambda:us-east-1:222222222222:function:orders",
		result: policy.Allowed, who: &alice.Principal, set: policy.Set{Resource: fn}}
	out := make([]slot, n)
	for i := range out {
		s := &out[i]
		s.requestID, s.kase = "bench", kase
		ctx := shared
		if distinct {
			s.requestID = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
			ctx = policy.NewContext(3)
			shared.Range(func(k string, vs []string) bool { ctx.Set(k, vs...); return true })
		}
		s.ctx = ctx.Freeze()
	}
	return out
}

// BenchmarkLogWriter is the decision log writer's CPU per decision
// (encoding; the write is left out), for repeated decisions and for
// decisions that share only the caller and the policies.
func BenchmarkLogWriter(b *testing.B) {
	for _, distinct := range []bool{false, true} {
		name := "repeated"
		if distinct {
			name = "distinct"
		}
		b.Run(name, func(b *testing.B) {
			slots := benchSlots(b, 1024, distinct)
			enc := newEncoder()
			now := time.Now()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				enc.add(&slots[i], now)
				if i++; i == len(slots) {
					i = 0
					enc.take()
				}
			}
		})
	}
}

// TestTwoWritersOnOneFile: two seki on one data dir append whole chunks to
// the same file, each referring to its own definitions; every decision is
// still explained with its own policies.
func TestTwoWritersOnOneFile(t *testing.T) {
	dir := t.TempDir()
	var logs [2]*Log
	var pols [2]*policy.Policy
	for i := range logs {
		l, err := OpenLog(dir, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		logs[i] = l
		// The same numbers in each session, different documents.
		pols[i] = mustParse(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"writer%d","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket-%d"}}}]}`, i, i), policy.Resource)
	}
	s3 := &Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}
	want := map[string][]policy.Reason{}
	for n := 0; n < 20; n++ {
		for i, l := range logs {
			keys := policy.NewContext(1)
			keys.Set("aws:SourceArn", "arn:aws:s3:::elsewhere") // denied: written at once, so chunks interleave
			c := &Check{RequestID: fmt.Sprintf("w%d-%d", i, n), Caller: s3, Action: "lambda:InvokeFunction",
				Resource: "arn:aws:lambda:us-east-1:111111111111:function:f", ResourcePolicy: pols[i], Context: keys}
			req := policy.Request{Principal: &s3.Principal, Action: c.Action, Resource: c.Resource, Context: keys}
			want[c.RequestID] = policy.Explain(&req, &policy.Set{Resource: pols[i]}).Reasons
			New(identities{}, l).Authorize(context.Background(), c)
		}
	}
	for _, l := range logs {
		l.Close()
	}
	for id, reasons := range want {
		got, err := Find(dir, id)
		if err != nil || len(got) != 1 {
			t.Fatalf("Find(%s) = %v, %v", id, got, err)
		}
		if !reflect.DeepEqual(got[0].Reasons, reasons) {
			t.Fatalf("%s explained as\n %+v\nwant\n %+v", id, got[0].Reasons, reasons)
		}
	}
}

// A log written before decisions carried their context ('d' records, the
// context in the case) is still read and explained after the upgrade.
func TestReadsDecisionsOfTheEarlierFormat(t *testing.T) {
	fn := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"fromUploads","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}`, policy.Resource)
	who := &policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}
	keys := policy.NewContext(1)
	keys.Set("aws:SourceArn", "arn:aws:s3:::uploads")
	set := policy.Set{Resource: fn}
	w := newEncoder()
	// The earlier writer's records, in its order: definitions, the case
	// naming its context, then the decision.
	ctx := w.context(keys.Freeze())
	b := binary.AppendUvarint(nil, w.principal(who))
	b = binary.AppendUvarint(b, ctx)
	b = binary.AppendUvarint(b, w.set(&set))
	b = append(b, byte(policy.Allowed))
	for _, s := range []string{"lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111111111111:function:f", "111111111111", "", ""} {
		b = appendString(b, s)
	}
	kase := w.intern(w.cases, &w.nCase, recCase, b)
	id := "old-request"
	d := binary.AppendVarint(nil, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	d = binary.AppendUvarint(d, kase)
	w.record(recDecision, append(d, id...))
	var got []Entry
	readLog(bytes.NewReader(w.take()), func(rd *reader, d *decision) { got = append(got, rd.entry(d, true)) }, nil)
	if len(got) != 1 || got[0].RequestID != id || got[0].Decision != "Allowed" || got[0].Keys["aws:SourceArn"][0] != "arn:aws:s3:::uploads" {
		t.Fatalf("read %+v", got)
	}
	// The statement allows only with the case's context.
	allowedBy := ""
	for _, r := range got[0].Reasons {
		if r.Outcome == policy.OutcomeAllow {
			allowedBy = r.Sid
		}
	}
	if allowedBy != "fromUploads" {
		t.Fatalf("explained as %+v, want the statement fromUploads to allow", got[0].Reasons)
	}
}
