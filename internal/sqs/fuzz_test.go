package sqs

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/protocol"
)

// FuzzQueryInput: any form a client sends becomes valid JSON input or
// nothing, never a panic.
func FuzzQueryInput(f *testing.F) {
	for _, s := range []string{
		"Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2F111111111111%2Fq&MessageBody=x&MessageAttribute.1.Name=k&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v",
		"Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.2.DelaySeconds=3",
		"Action=CreateQueue&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Tag.1.Key=a&Tag.1.Value=b",
		"Action=ReceiveMessage&AttributeName.1=All&MaxNumberOfMessages=x&A.1.B.2=c&Attribute.1=v&Attribute=v",
		"Attribute.1.Name.2=x&Attribute.1.Name=y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, form string) {
		params, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		out, err := queryInput(params.Get("Action"), params)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %q from %q", out, form)
		}
	})
}

// FuzzReceiptHandle: a receipt handle is untrusted text; parsing it either
// names a message of the queue or is ReceiptHandleIsInvalid.
func FuzzReceiptHandle(f *testing.F) {
	q := &queue{id: 7}
	f.Add(receipt(7, 12, 34))
	f.Add(receipt(8, 12, 34))
	f.Add("MToxOjQwODU0ODkzNzg0MzAxNzcwNDE")
	f.Add("::")
	f.Fuzz(func(t *testing.T, h string) {
		id, nonce, err := parseReceipt(q, h)
		if err == nil && receipt(q.id, id, nonce) != h {
			// Equivalent encodings (a leading zero, a plus sign) may
			// parse; they still name this queue only.
			if _, _, err := parseReceipt(&queue{id: 8}, h); err == nil {
				t.Fatalf("%q parses for two queues", h)
			}
		}
	})
}

// FuzzQueueURL: any QueueUrl resolves to a queue key or to none.
func FuzzQueueURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:4566/111111111111/q", "https://sqs.us-east-1.amazonaws.com/111111111111/q.fifo", "111111111111/q", "/", "%zz", "http://h/1/2/3"} {
		f.Add(s)
	}
	r := &protocol.Request{HTTP: &http.Request{}, Region: "us-east-1"}
	f.Fuzz(func(t *testing.T, u string) {
		k, ok := ref(r, u)
		if ok && (len(k.account) != 12 || k.name == "") {
			t.Fatalf("%q resolved to %+v", u, k)
		}
	})
}

// FuzzMessageChecks: bodies and attributes are untrusted; validation and
// the attribute digest never panic, and valid bodies are valid UTF-8.
func FuzzMessageChecks(f *testing.F) {
	f.Add("hello", "k", "String", "v", []byte{1})
	f.Add("\x00", "", "Binary", "", []byte{})
	f.Add("\xff\xfe", "a.b", "Number.int", "7", []byte(nil))
	f.Fuzz(func(t *testing.T, body, name, typ, sv string, bv []byte) {
		if validChars(body) && !utf8.ValidString(body) {
			t.Fatalf("%q accepted but not UTF-8", body)
		}
		a := attrValue{DataType: typ, StringValue: &sv, BinaryValue: bv}
		_ = validAttr(name, a)
		if attributesMD5(map[string]attrValue{name: a}) == "" {
			t.Fatal("empty digest")
		}
		parseRedrive(body)
	})
}
