package logs

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzOperations sends arbitrary bodies to every operation through the real
// handler and store: whatever arrives, the answer is an AWS-shaped client
// error or a success, never a server fault or a panic.
func FuzzOperations(f *testing.F) {
	ops := []string{"CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "CreateLogStream",
		"DescribeLogStreams", "PutLogEvents", "GetLogEvents", "FilterLogEvents"}
	now := time.Now().UnixMilli()
	seeds := []string{
		`{"logGroupName":"g"}`, `{"logGroupName":"g","logStreamName":"s"}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":` + itoa(now) + `,"message":"hi"}]}`,
		`{"logGroupName":"g","logStreamName":"s","nextToken":"f/00000000000000000000000000000000000000000000000000000001/s"}`,
		`{"logGroupName":"g","nextToken":"ZS8wMDA"}`, `{"logGroupName":"g","filterPattern":"{ $.a = 1 }"}`,
		`{"logGroupIdentifier":"arn:aws:logs:us-east-1:111111111111:log-group:g"}`, `{"limit":0}`, `{`, `[]`, `null`,
		`{"logGroupName":"g","orderBy":"LastEventTime","nextToken":"dC8tMS94"}`, `{"tags":{"":""},"logGroupName":"t"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	e := newBenchEnv(f)
	e.must(f, "CreateLogGroup", map[string]string{"logGroupName": "g"})
	e.must(f, "CreateLogStream", map[string]string{"logGroupName": "g", "logStreamName": "s"})
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := ops[int(op)%len(ops)]
		code, out := e.call(t, name, []byte(body))
		if code >= 500 {
			t.Fatalf("%s %q: %d %s", name, body, code, out)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s %q: answer is not JSON: %s", name, body, out)
		}
		if code != 200 && m["__type"] == nil {
			t.Fatalf("%s %q: error without __type: %s", name, body, out)
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
