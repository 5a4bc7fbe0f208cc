package kinesis

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// TestRetention: a record older than the stream's 24 hours is not read,
// and the writes that follow delete it from the store.
func TestRetention(t *testing.T) {
	db, err := store.Open(context.Background(), t.TempDir(), Migrations())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := New(db, Options{})
	h := s.Handler(protocol.Dispatcher{Authz: authz.New(nil, nil), Deny: AccessDenied})
	caller := &authz.Caller{Principal: policy.Principal{Type: policy.Root, Account: "111111111111", ARN: "arn:aws:iam::111111111111:root", UserID: "111111111111"}}
	now := time.Unix(1765152000, 0)
	call := func(op, body string) map[string]any {
		t.Helper()
		hr := httptest.NewRequest("POST", "/", nil)
		hr.Header.Set("X-Amz-Target", TargetPrefix+"."+op)
		r := &protocol.Request{HTTP: hr, ID: "t", Service: "kinesis", Region: "us-east-1", Caller: caller, Now: now,
			Body: []byte(body), Context: policy.NewContext(8)}
		w := httptest.NewRecorder()
		h.ServeAWS(w, r)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", op, w.Code, w.Body)
		}
		var out map[string]any
		json.Unmarshal(w.Body.Bytes(), &out)
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
