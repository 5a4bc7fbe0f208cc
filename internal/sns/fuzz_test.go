package sns

import (
	"net/url"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
)

// FuzzReadMessage feeds arbitrary query strings to Publish's parser: it
// must answer with a message or an AWS error, never panic, and a message
// it accepts must render as a Lambda event.
func FuzzReadMessage(f *testing.F) {
	f.Add("Message=hi&Subject=s")
	f.Add("Message=%7B%22default%22%3A%22x%22%7D&MessageStructure=json")
	f.Add("Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=Binary&MessageAttributes.entry.1.Value.BinaryValue=AQI%3D")
	f.Add("Message=m&MessageAttributes.entry.1.Name=.a&MessageAttributes.entry.1.Value.DataType=String")
	f.Add("Message=m&MessageAttributes.entry.1.Name=n&MessageAttributes.entry.1.Value.DataType=Number&MessageAttributes.entry.1.Value.StringValue=1e400")
	f.Fuzz(func(t *testing.T, q string) {
		p, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		m, err := readMessage(p, "", "messageAttributes")
		if err != nil {
			if awserr.As(err).Status != 400 {
				t.Fatalf("non-400 error %v", err)
			}
			return
		}
		tp := &topic{arn: "arn:aws:sns:us-east-1:111111111111:t", region: "us-east-1", account: "111111111111", attrs: map[string]string{}}
		sub := &subscription{arn: tp.arn + ":00000000-0000-0000-0000-000000000000"}
		if ev := lambdaEvent(tp, sub, "id", time.Unix(0, 0), m); len(ev) == 0 {
			t.Fatal("empty event")
		}
		if _, err := parseTopicARN("TopicArn", p.Get("TopicArn"), "us-east-1"); err != nil && awserr.As(err).Status != 400 {
			t.Fatalf("non-400 error %v", err)
		}
	})
}
