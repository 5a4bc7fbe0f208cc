package sqs

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestSendOutJSON checks that SendMessage's hand-written answer is the
// document encoding/json writes for it: the same bytes where no escaping
// is involved, the same values where it is (jsonstr leaves <, > and &).
func TestSendOutJSON(t *testing.T) {
	for _, o := range []*sendOut{
		nil,
		{MD5OfMessageBody: "0a2c5b8bd0b4c3b3e6f0b1e3c0e1f2a3", MessageId: "5fea7756-0ea4-451a-a703-a558b933e274"},
		{Id: "e1", MD5OfMessageBody: "m", MD5OfMessageAttributes: "a", MD5OfMessageSystemAttributes: "s", MessageId: "id", SequenceNumber: "18849496460467696128"},
		{Id: "quote\" back\\ <tag>&\u2028\x01\xff", MD5OfMessageBody: "", MessageId: ""},
	} {
		got := o.AppendJSON(nil)
		want, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s is not JSON: %v", got, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("got %s, encoding/json writes %s", got, want)
		}
		if o == nil || o.Id == "" {
			if string(got) != string(want) {
				t.Errorf("got %s, encoding/json writes %s", got, want)
			}
		}
	}
}
