package kinesis

import (
	"strings"
	"testing"
	"time"
)

const fuzzARN = "arn:aws:kinesis:us-east-1:111111111111:stream/s1"

// FuzzIterator: shard iterators are untrusted input. Whatever the string,
// parseIterator does not panic, and what it accepts writes back to the
// same iterator.
func FuzzIterator(f *testing.F) {
	for _, s := range []string{
		iterator{arn: fuzzARN, created: 1, shard: 0, next: 1, issued: 1}.encode(),
		iterator{arn: fuzzARN, created: 1765152000000000000, shard: 3, next: 1 << 40, issued: 1765152000000}.encode(),
		"", "MXx8", "not-an-iterator", strings.Repeat("A", 600),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		it, ok := parseIterator(s)
		if !ok {
			return
		}
		back, ok := parseIterator(it.encode())
		if !ok || back != it {
			t.Fatalf("%q read as %+v, read back %+v (%v)", s, it, back, ok)
		}
		if it.shard < 0 || it.shard >= maxShards || it.next < 0 {
			t.Fatalf("%q: %+v accepted", s, it)
		}
	})
}

// FuzzSequenceNumber: what parseSequenceNumber accepts, sequenceNumber
// writes back the same.
func FuzzSequenceNumber(f *testing.F) {
	f.Add(sequenceNumber(0))
	f.Add(sequenceNumber(1 << 40))
	f.Add("49" + strings.Repeat("9", 54))
	f.Add("0")
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseSequenceNumber(s)
		if ok && (n < 0 || sequenceNumber(n) != s) {
			t.Fatalf("%q read as %d, written %q", s, n, sequenceNumber(n))
		}
	})
}

// FuzzRequest sends arbitrary bodies to every operation of a real service
// (real store, a stream with records): nothing panics, and every failure
// is a client error in Kinesis's error shape.
func FuzzRequest(f *testing.F) {
	now := time.Unix(1765152000, 0)
	_, do := newTestService(f, &now)
	ops := []string{"CreateStream", "DescribeStream", "DescribeStreamSummary", "ListStreams", "DeleteStream", "PutRecord", "PutRecords", "GetShardIterator", "GetRecords"}
	if code, out := do("CreateStream", `{"StreamName":"s1","ShardCount":2}`); code != 200 {
		f.Fatal(out)
	}
	if code, out := do("PutRecord", `{"StreamName":"s1","PartitionKey":"k","Data":"eA=="}`); code != 200 {
		f.Fatal(out)
	}
	it := iterator{arn: fuzzARN, created: now.UnixNano(), next: 0, issued: now.UnixMilli()}.encode()
	for i, b := range []string{
		`{"StreamName":"s2"}`, `{"StreamName":"s1"}`, `{"StreamARN":"` + fuzzARN + `"}`, `{"Limit":1}`, `{"StreamName":"s3","ShardCount":0}`,
		`{"StreamName":"s1","PartitionKey":"k","Data":"eA==","ExplicitHashKey":"340282366920938463463374607431768211456"}`,
		`{"StreamName":"s1","Records":[{"PartitionKey":"a","Data":""}]}`,
		`{"StreamName":"s1","ShardId":"shardId-000000000001","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"` + sequenceNumber(1) + `"}`,
		`{"ShardIterator":"` + it + `","Limit":1}`, `{"StreamName":"s1","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1765151999.5}`,
		``, `null`, `[]`, `{"Limit":"x"}`, `{"ShardIterator":5}`, `{"StreamModeDetails":{}}`, `{"NextToken":"!!"}`,
	} {
		f.Add(uint8(i), b)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := ops[int(op)%len(ops)]
		code, out := do(name, body)
		if code == 200 {
			return
		}
		if code != 400 || !strings.HasPrefix(out, `{"__type":"`) || !strings.Contains(out, `"message":`) {
			t.Fatalf("%s %q: %d %s", name, body, code, out)
		}
	})
}
