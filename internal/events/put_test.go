package events

import "testing"

// TestTargetPayload follows the EventBridge User Guide's "Transforming
// target input" examples: placeholders inside a JSON string take a
// string's text, elsewhere the value as JSON.
func TestTargetPayload(t *testing.T) {
	event := []byte(`{"version":"0","id":"e1","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"111111111111",
		"time":"2026-12-07T12:00:00Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:111111111111:instance/i-1"],
		"detail":{"instance-id":"i-1","state":"running","count":3,"tags":["a","b"]}}`)
	paths := map[string]string{"instance": "$.detail.instance-id", "state": "$.detail.state", "count": "$.detail.count", "tags": "$.detail.tags", "missing": "$.detail.nope"}
	cases := []struct {
		target target
		want   string
	}{
		{target{Input: `{"constant":true}`}, `{"constant":true}`},
		{target{InputPath: "$.detail.state"}, `"running"`},
		{target{InputPath: "$.detail"}, `{"count":3,"instance-id":"i-1","state":"running","tags":["a","b"]}`},
		{target{InputTransformer: &inputTransformer{InputPathsMap: paths, InputTemplate: `{"instance": <instance>, "state": <state>, "n": <count>, "tags": <tags>}`}},
			`{"instance": "i-1", "state": "running", "n": 3, "tags": ["a","b"]}`},
		{target{InputTransformer: &inputTransformer{InputPathsMap: paths, InputTemplate: `"instance <instance> is in <state>"`}},
			`"instance i-1 is in running"`},
		{target{InputTransformer: &inputTransformer{InputPathsMap: paths, InputTemplate: `{"gone": <missing>, "kept": "<unknown>"}`}},
			`{"gone": null, "kept": "<unknown>"}`},
		{target{InputTransformer: &inputTransformer{InputTemplate: `{"source": "<aws.events.event>"}`}}, ``},
	}
	for i, tc := range cases {
		got, err := tc.target.payload(event)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if tc.want != "" && string(got) != tc.want {
			t.Errorf("%d: got %s, want %s", i, got, tc.want)
		}
	}
}
