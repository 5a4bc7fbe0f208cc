package kinesis

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// newTestService is a service over a fresh store and a caller of it that
// answers status and body; requests are made at *now.
func newTestService(t testing.TB, now *time.Time) (*store.DB, func(op, body string) (int, string)) {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir(), Migrations())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := New(db, Options{}).Handler(protocol.Dispatcher{Authz: authz.New(nil, nil), Deny: AccessDenied})
	caller := &authz.Caller{Principal: policy.Principal{Type: policy.Root, Account: "111111111111", ARN: "arn:aws:iam::111111111111:root", UserID: "111111111111"}}
	return db, func(op, body string) (int, string) {
		hr := httptest.NewRequest("POST", "/", nil)
		hr.Header.Set("X-Amz-Target", TargetPrefix+"."+op)
		r := &protocol.Request{HTTP: hr, ID: "t", Service: "kinesis", Region: "us-east-1", Caller: caller, Now: *now,
			Body: []byte(body), Context: policy.NewContext(8)}
		w := httptest.NewRecorder()
		h.ServeAWS(w, r)
		return w.Code, w.Body.String()
	}
}

// TestRetention: a record older than the stream's 24 hours is not read,
// and the writes that follow delete it from the store.
func TestRetention(t *testing.T) {
	now := time.Unix(1765152000, 0)
	db, do := newTestService(t, &now)
	call := func(op, body string) map[string]any {
		t.Helper()
		code, body := do(op, body)
		if code != 200 {
			t.Fatalf("%s: %d %s", op, code, body)
		}
		var out map[string]any
		json.Unmarshal([]byte(body), &out)
		return out
	}
	rows := func() (n int) {
		t.Helper()
		if err := db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(`SELECT COUNT(*) FROM kinesis_records`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	read := func() int {
		it := call("GetShardIterator", `{"StreamName":"r","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`)["ShardIterator"].(string)
		return len(call("GetRecords", `{"ShardIterator":"`+it+`"}`)["Records"].([]any))
	}
	call("CreateStream", `{"StreamName":"r","ShardCount":1}`)
	call("PutRecord", `{"StreamName":"r","PartitionKey":"k","Data":"b2xk"}`)
	if read() != 1 {
		t.Fatal("a fresh record is not read")
	}
	now = now.Add(25 * time.Hour)
	if n := read(); n != 0 {
		t.Fatalf("a record past the retention is read (%d)", n)
	}
	for range trimEvery - 1 {
		call("PutRecord", `{"StreamName":"r","PartitionKey":"k","Data":"bmV3"}`)
	}
	if n := rows(); n != trimEvery-1 {
		t.Fatalf("%d rows after %d new records: the old one is still stored", n, trimEvery-1)
	}
	if n := read(); n != trimEvery-1 {
		t.Fatalf("read %d of %d new records", n, trimEvery-1)
	}
}

// TestForgedIteratorShard: an iterator naming a shard the stream does not
// have (one seki never issued) is ResourceNotFoundException.
func TestForgedIteratorShard(t *testing.T) {
	now := time.Unix(1765152000, 0)
	_, call := newTestService(t, &now)
	if code, out := call("CreateStream", `{"StreamName":"f","ShardCount":1}`); code != 200 {
		t.Fatal(out)
	}
	it := iterator{arn: "arn:aws:kinesis:us-east-1:111111111111:stream/f", created: now.UnixNano(), shard: 7, issued: now.UnixMilli()}.encode()
	code, out := call("GetRecords", `{"ShardIterator":"`+it+`"}`)
	if code != 400 || !strings.Contains(out, `"__type":"ResourceNotFoundException"`) || !strings.Contains(out, "shardId-000000000007") {
		t.Fatalf("forged shard: %d %s", code, out)
	}
}
