package dynamodb

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/dynamodb/expr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// These benchmarks measure seki's own work for one call — decode,
// authorize through the real door, store, encode — without HTTP, SigV4 or
// the SDK, so that allocations are seki's alone.

type handlerEnv struct {
	s *Service
	h *Handler
}

func newHandlerEnv(tb testing.TB) *handlerEnv {
	tb.Helper()
	db, err := store.Open(context.Background(), tb.TempDir(), Migrations())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	s := New(db, Options{})
	return &handlerEnv{s: s, h: s.Handler(protocol.Dispatcher{Authz: authz.New(nil, nil), Deny: AccessDenied})}
}

var rootCaller = &authz.Caller{Principal: policy.Principal{Type: policy.Root, Account: "111111111111", ARN: "arn:aws:iam::111111111111:root", UserID: "111111111111"}}

// do runs one operation and returns the status and body.
func (e *handlerEnv) do(op, body string) (int, string) {
	hr := httptest.NewRequest("POST", "/", nil)
	hr.Header.Set("X-Amz-Target", TargetPrefix+"."+op)
	r := &protocol.Request{HTTP: hr, ID: "bench", Service: "dynamodb", Region: "us-east-1", Caller: rootCaller,
		Body: []byte(body), Context: policy.NewContext(8)}
	w := httptest.NewRecorder()
	e.h.ServeAWS(w, r)
	return w.Code, w.Body.String()
}

func (e *handlerEnv) must(tb testing.TB, op, body string) string {
	tb.Helper()
	code, out := e.do(op, body)
	if code != 200 {
		tb.Fatalf("%s: %d %s", op, code, out)
	}
	return out
}

const benchItemJSON = `{"key":{"S":"uploads/image-%06d.jpg"},"size":{"N":"%d"},"content_type":{"S":"image/jpeg"},"bucket":{"S":"uploads"},` +
	`"etag":{"S":"d41d8cd98f00b204e9800998ecf8427e"},"uploaded":{"S":"2026-01-01T00:00:00.000Z"},"tags":{"SS":["photo","upload"]}}`

func (e *handlerEnv) table(tb testing.TB) {
	e.must(tb, "CreateTable", `{"TableName":"metadata","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"key","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"key","AttributeType":"S"}]}`)
}

func BenchmarkHandlerPutItem(b *testing.B) {
	e := newHandlerEnv(b)
	e.table(b)
	bodies := make([]string, 1000)
	for i := range bodies {
		bodies[i] = `{"TableName":"metadata","Item":` + fmt.Sprintf(benchItemJSON, i, i) + `}`
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, out := e.do("PutItem", bodies[i%len(bodies)]); code != 200 {
			b.Fatal(out)
		}
	}
}

func BenchmarkHandlerGetItem(b *testing.B) {
	e := newHandlerEnv(b)
	e.table(b)
	keys := make([]string, 1000)
	for i := range keys {
		e.must(b, "PutItem", `{"TableName":"metadata","Item":`+fmt.Sprintf(benchItemJSON, i, i)+`}`)
		keys[i] = fmt.Sprintf(`{"TableName":"metadata","Key":{"key":{"S":"uploads/image-%06d.jpg"}}}`, i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, out := e.do("GetItem", keys[i%len(keys)]); code != 200 || len(out) < 100 {
			b.Fatal(out)
		}
	}
}

func BenchmarkHandlerQuery(b *testing.B) {
	e := newHandlerEnv(b)
	e.must(b, "CreateTable", `{"TableName":"events","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"ts","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"ts","AttributeType":"N"}]}`)
	for i := 0; i < 100; i++ {
		e.must(b, "PutItem", fmt.Sprintf(`{"TableName":"events","Item":{"pk":{"S":"p"},"ts":{"N":"%d"},"v":{"S":"value %d"}}}`, i, i))
	}
	q := `{"TableName":"events","KeyConditionExpression":"pk = :p AND ts BETWEEN :a AND :b","ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"10"},":b":{"N":"29"}}}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, out := e.do("Query", q); code != 200 || !strings.Contains(out, `"Count":20`) {
			b.Fatal(out)
		}
	}
}

func BenchmarkParseItem(b *testing.B) {
	data := []byte(fmt.Sprintf(benchItemJSON, 1, 1))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		it, err := attr.ParseItem(data)
		if err != nil || attr.ValidateItem(it) != "" {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCondition(b *testing.B) {
	values := attr.Item{":v": attr.StrValue("x"), ":n": attr.NumValue("10"), ":m": attr.NumValue("20")}
	names := map[string]string{"#s": "status"}
	src := "attribute_exists(pk) AND #s = :v AND (n BETWEEN :n AND :m OR size(tags) > :n) AND NOT begins_with(title, :v)"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := expr.ParseCondition(expr.ConditionExpression, src, expr.NewEnv(names, values)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGetItemAllocations pins the allocation budget of a GetItem's server
// side (decode, authorize, read, encode), so that a change that makes the
// hot path allocate much more shows up as a failure.
func TestGetItemAllocations(t *testing.T) {
	e := newHandlerEnv(t)
	e.table(t)
	e.must(t, "PutItem", `{"TableName":"metadata","Item":`+fmt.Sprintf(benchItemJSON, 1, 1)+`}`)
	key := `{"TableName":"metadata","Key":{"key":{"S":"uploads/image-000001.jpg"}}}`
	n := testing.AllocsPerRun(200, func() {
		if code, out := e.do("GetItem", key); code != 200 {
			t.Fatal(out)
		}
	})
	const budget = 200
	if n > budget {
		t.Errorf("GetItem allocates %.0f times per call, budget %d", n, budget)
	}
}
