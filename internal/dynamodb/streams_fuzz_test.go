package dynamodb

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

const fuzzStreamARN = "arn:aws:dynamodb:us-east-1:111111111111:table/st1/stream/2026-01-01T00:00:00.000"

// FuzzShardIterator: shard iterators are untrusted input. Whatever the
// string, parseIterator does not panic, and what it accepts writes back to
// the same iterator.
func FuzzShardIterator(f *testing.F) {
	for _, s := range []string{
		iterator{arn: fuzzStreamARN, next: 1, issued: 1}.String(),
		iterator{arn: fuzzStreamARN, next: 1 << 40, issued: 1765152000000}.String(),
		fuzzStreamARN + "|1|", fuzzStreamARN + "|2|AAAAAAAAAAEAAAAAAAAAAQ", "|1|AAAAAAAAAAEAAAAAAAAAAQ",
		"arn:aws:dynamodb:us-east-1:1:table/t/stream/x|1|AAAAAAAAAAEAAAAAAAAAAQ", "", "|1|", "a|1|b|1|c",
		fuzzStreamARN + "|1|AAAAAAAAAAEAAAAAAAAAAQ==", fuzzStreamARN + "|1|////////////////////",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		it, ok := parseIterator(s)
		if !ok {
			return
		}
		back, ok := parseIterator(it.String())
		if !ok || back != it {
			t.Fatalf("%q read as %+v, written %q, read back %+v (%v)", s, it, it.String(), back, ok)
		}
		if it.next < 1 || it.issued < 1 {
			t.Fatalf("%q: position %+v accepted", s, it)
		}
	})
}

// FuzzStreamsRequest sends arbitrary bodies to the streams API of a real
// service (real store, a table with a stream and records): nothing may
// panic, and every failure is a client error in DynamoDB's error shape.
func FuzzStreamsRequest(f *testing.F) {
	ops := []string{"ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"}
	e := newHandlerEnv(f)
	out := e.must(f, "CreateTable", `{"TableName":"st1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],`+
		`"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`)
	arn := out[strings.Index(out, `"LatestStreamArn":"`)+len(`"LatestStreamArn":"`):]
	arn = arn[:strings.IndexByte(arn, '"')]
	e.must(f, "PutItem", `{"TableName":"st1","Item":{"pk":{"S":"a"}}}`)
	e.must(f, "PutItem", `{"TableName":"st1","Item":{"pk":{"S":"a"},"x":{"N":"1"}}}`)
	do := func(op, body string) (int, string) {
		hr := httptest.NewRequest("POST", "/", nil)
		hr.Header.Set("X-Amz-Target", StreamsTargetPrefix+"."+op)
		r := &protocol.Request{HTTP: hr, ID: "fuzz", Service: "dynamodb", Region: "us-east-1", Caller: rootCaller,
			Body: []byte(body), Context: policy.NewContext(8)}
		w := httptest.NewRecorder()
		e.h.ServeAWS(w, r)
		return w.Code, w.Body.String()
	}
	_, shard := do("DescribeStream", `{"StreamArn":"`+arn+`"}`)
	shard = shard[strings.Index(shard, `"ShardId":"`)+len(`"ShardId":"`):]
	shard = shard[:strings.IndexByte(shard, '"')]
	for i, s := range []string{
		`{}`, `{"Limit":1}`, `{"TableName":"st1","ExclusiveStartStreamArn":"` + arn + `"}`,
		`{"StreamArn":"` + arn + `"}`, `{"StreamArn":"` + arn + `","ExclusiveStartShardId":"` + shard + `"}`,
		`{"StreamArn":"` + arn + `","ShardId":"` + shard + `","ShardIteratorType":"TRIM_HORIZON"}`,
		`{"StreamArn":"` + arn + `","ShardId":"` + shard + `","ShardIteratorType":"AT_SEQUENCE_NUMBER","SequenceNumber":"100000000000000000002"}`,
		`{"ShardIterator":"` + iterator{arn: arn, next: 1, issued: 1 << 42}.String() + `","Limit":1}`,
		`{"ShardIterator":"` + iterator{arn: arn, next: 1, issued: 1}.String() + `"}`,
		``, `null`, `[]`, `{"Limit":"x"}`, `{"ShardIterator":5}`,
	} {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := ops[int(op)%len(ops)]
		code, out := do(name, body)
		if code == 200 {
			return
		}
		if code != 400 || !strings.HasPrefix(out, `{"__type":"com.amazon`) {
			t.Fatalf("%s %q: %d %s", name, body, code, out)
		}
	})
}
