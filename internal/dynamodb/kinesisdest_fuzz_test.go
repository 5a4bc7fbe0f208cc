package dynamodb

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/kinesis"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// FuzzKinesisDestination sends arbitrary bodies to the four streaming
// destination operations (and ExecuteStatement) of a real service (real store, a real Kinesis
// stream, a table with items): nothing panics, every failure is a client
// error in DynamoDB's error shape, and the table's items can still be
// written whatever state the fuzzer left its destinations in.
func FuzzKinesisDestination(f *testing.F) {
	db, err := store.Open(context.Background(), f.TempDir(), append(Migrations(), kinesis.Migrations()...))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	k := kinesis.New(db, kinesis.Options{})
	s := New(db, Options{Kinesis: k})
	door := protocol.Dispatcher{Authz: authz.New(nil, nil), Deny: AccessDenied}
	h, kh := s.Handler(door), k.Handler(door)
	call := func(prefix, op, body string) (int, string) {
		hr := httptest.NewRequest("POST", "/", nil)
		hr.Header.Set("X-Amz-Target", prefix+"."+op)
		r := &protocol.Request{HTTP: hr, ID: "fuzz", Service: "dynamodb", Region: "us-east-1", Caller: rootCaller,
			Body: []byte(body), Context: policy.NewContext(8)}
		w := httptest.NewRecorder()
		if prefix == kinesis.TargetPrefix {
			kh.ServeAWS(w, r)
		} else {
			h.ServeAWS(w, r)
		}
		return w.Code, w.Body.String()
	}
	if code, out := call(kinesis.TargetPrefix, "CreateStream", `{"StreamName":"k1","ShardCount":1}`); code != 200 {
		f.Fatal(out)
	}
	for op, body := range map[string]string{
		"CreateTable": `{"TableName":"tb1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`,
	} {
		if code, out := call(TargetPrefix, op, body); code != 200 {
			f.Fatal(out)
		}
	}
	arn := "arn:aws:kinesis:us-east-1:111111111111:stream/k1"
	// ExecuteStatement's input is validated and never run (partiql.go).
	ops := []string{"EnableKinesisStreamingDestination", "DisableKinesisStreamingDestination", "UpdateKinesisStreamingDestination", "DescribeKinesisStreamingDestination", "ExecuteStatement"}
	for i, b := range []string{
		`{"TableName":"tb1","StreamArn":"` + arn + `"}`,
		`{"TableName":"tb1","StreamArn":"` + arn + `","EnableKinesisStreamingConfiguration":{"ApproximateCreationDateTimePrecision":"MICROSECOND"}}`,
		`{"TableName":"tb1","StreamArn":"` + arn + `","UpdateKinesisStreamingConfiguration":{"ApproximateCreationDateTimePrecision":"SECOND"}}`,
		`{"TableName":"tb1","StreamArn":"` + arn + `","UpdateKinesisStreamingConfiguration":{}}`,
		`{"TableName":"arn:aws:dynamodb:us-east-1:111111111111:table/tb1"}`,
		`{"TableName":"tb1","StreamArn":"arn:aws:kinesis:eu-west-1:111111111111:stream/k1"}`,
		`{"TableName":"tb1","StreamArn":"short"}`,
		`{"Statement":"SELECT * FROM tb1","Parameters":[]}`, `{"Statement":"","Limit":0,"NextToken":""}`,
		``, `null`, `[]`, `{"TableName":5}`, `{"StreamArn":null}`,
	} {
		f.Add(uint8(i), b)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := ops[int(op)%len(ops)]
		code, out := call(TargetPrefix, name, body)
		if name == "ExecuteStatement" && code == 501 {
			code = 400 // a well-formed statement: refused, not run
		}
		if code != 200 && (code != 400 || !strings.HasPrefix(out, `{"__type":"com.amazon`)) {
			t.Fatalf("%s %q: %d %s", name, body, code, out)
		}
		if code, out := call(TargetPrefix, "PutItem", `{"TableName":"tb1","Item":{"pk":{"S":"a"},"n":{"S":"`+string(rune('a'+op%26))+`"}}}`); code != 200 {
			t.Fatalf("PutItem after %s %q: %d %s", name, body, code, out)
		}
	})
}
