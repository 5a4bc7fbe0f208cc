package logs

import (
	"encoding/json"
	"testing"
)

// The hand encoders must produce what encoding/json decodes back to the
// same values, for any message.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "tab\there", "quote\"back\\slash", "\x00\x1f\x7f", "héllo ☃", "bad\xffutf8", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := &getLogEventsOutput{Events: []outputEvent{{Timestamp: 1, Message: s, IngestionTime: 2}}, NextForwardToken: "f", NextBackwardToken: s}
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var back struct {
			Events []struct {
				Timestamp     int64  `json:"timestamp"`
				Message       string `json:"message"`
				IngestionTime int64  `json:"ingestionTime"`
			} `json:"events"`
			NextBackwardToken string `json:"nextBackwardToken"`
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var wantS string
		json.Unmarshal(want, &wantS)
		if back.Events[0].Message != wantS || back.NextBackwardToken != wantS || back.Events[0].Timestamp != 1 || back.Events[0].IngestionTime != 2 {
			t.Fatalf("%q round-trips to %+v", s, back)
		}
		fo := &filterLogEventsOutput{Events: []filteredEvent{{LogStreamName: s, Message: s, EventID: "1"}}}
		b, _ = json.Marshal(fo)
		var fb map[string]any
		if err := json.Unmarshal(b, &fb); err != nil {
			t.Fatalf("filter output %s: %v", b, err)
		}
	})
}
