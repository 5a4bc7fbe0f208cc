package sns

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/pushsrc"
)

// maxMessage is SNS's limit on a message with its attributes: 256 KiB.
const maxMessage = 262144

// message is one message to publish, validated.
type message struct {
	body      string
	structure string // "" or "json"
	// perProtocol is the JSON body of MessageStructure=json, by protocol.
	perProtocol map[string]string
	subject     *string
	attrs       []messageAttribute // sorted by name
	groupID     string
	dedupID     string
}

type messageAttribute struct {
	name, dataType, stringValue string
	binaryValue                 []byte
	binary                      bool
}

// readMessage reads one message: Publish's parameters (prefix "") or one
// PublishBatch entry's (prefix "PublishBatchRequestEntries.member.N.").
// path is how validation errors name the attributes member.
func readMessage(p url.Values, prefix, path string) (*message, error) {
	m := &message{body: p.Get(prefix + "Message"), structure: p.Get(prefix + "MessageStructure"),
		groupID: p.Get(prefix + "MessageGroupId"), dedupID: p.Get(prefix + "MessageDeduplicationId")}
	if vs, ok := p[prefix+"Subject"]; ok {
		subj := vs[0]
		if subj == "" || len(subj) > 100 || strings.ContainsAny(subj, "\n\r") || !utf8.ValidString(subj) {
			return nil, errInvalidParameter.New(msgSubject)
		}
		m.subject = &subj
	}
	if m.body == "" {
		return nil, errInvalidParameter.New(msgEmptyMessage)
	}
	if m.structure == "json" {
		var doc map[string]any
		if err := json.Unmarshal([]byte(m.body), &doc); err != nil {
			return nil, errInvalidParameter.New(msgStructureNotJSON)
		}
		if _, ok := doc["default"].(string); !ok {
			return nil, errInvalidParameter.New(msgStructureNoDefault)
		}
		m.perProtocol = map[string]string{}
		for k, v := range doc {
			if s, ok := v.(string); ok {
				m.perProtocol[k] = s
			}
		}
	}
	size := len(m.body)
	for _, e := range protocol.MemberStructs(p, prefix+"MessageAttributes.entry", "Name", "Value.DataType", "Value.StringValue", "Value.BinaryValue") {
		a, err := readAttribute(e, path)
		if err != nil {
			return nil, err
		}
		size += len(a.name) + len(a.dataType) + len(a.stringValue) + len(a.binaryValue)
		m.attrs = append(m.attrs, a)
	}
	if size > maxMessage {
		return nil, errInvalidParameter.New(msgMessageTooLong)
	}
	sort.Slice(m.attrs, func(i, j int) bool { return m.attrs[i].name < m.attrs[j].name })
	return m, nil
}

var attrNameChars = regexp.MustCompile(`[^A-Za-z0-9_.\-]`)

func readAttribute(e map[string]string, path string) (messageAttribute, error) {
	a := messageAttribute{name: e["Name"], dataType: e["Value.DataType"], stringValue: e["Value.StringValue"]}
	switch {
	case len(a.name) >= 256:
		return a, errParameterValue.New(msgAttrNameLong)
	case strings.HasPrefix(a.name, "."):
		return a, errParameterValue.New(msgAttrNameStartDot)
	case strings.HasSuffix(a.name, "."):
		return a, errParameterValue.New(msgAttrNameEndDot)
	case strings.Contains(a.name, ".."):
		return a, errParameterValue.New(msgAttrNameDots)
	}
	if loc := attrNameChars.FindStringIndex(a.name); loc != nil {
		r, _ := utf8.DecodeRuneInString(a.name[loc[0]:])
		return a, attrNameChar(r)
	}
	if _, ok := e["Value.DataType"]; !ok {
		return a, attrDataTypeNull(path + "." + a.name + ".member.dataType")
	}
	base, _, _ := strings.Cut(a.dataType, ".")
	_, hasString := e["Value.StringValue"]
	bin, hasBinary := e["Value.BinaryValue"]
	switch base {
	case "String", "Number":
		if hasBinary && !hasString {
			return a, attrWrongField(a.name, a.dataType, "String")
		}
		if a.stringValue == "" {
			return a, attrEmptyValue(a.name, a.dataType)
		}
		if base == "Number" {
			if _, err := strconv.ParseFloat(a.stringValue, 64); err != nil {
				return a, errParameterValue.Errorf(msgAttrNotNumberFmt, a.name)
			}
		}
	case "Binary":
		if hasString && !hasBinary {
			return a, attrWrongField(a.name, a.dataType, "Binary")
		}
		v, err := base64.StdEncoding.DecodeString(bin)
		if err != nil || len(v) == 0 {
			return a, attrEmptyValue(a.name, a.dataType)
		}
		a.binaryValue, a.binary = v, true
	default:
		return a, attrBadType(a.name)
	}
	return a, nil
}

// checkFIFO applies the FIFO rules of a topic to a message.
func (t *topic) checkFIFO(m *message) error {
	if !t.fifo {
		if m.dedupID != "" {
			return errInvalidParameter.New(msgDedupNotFIFO)
		}
		return nil
	}
	if m.groupID == "" {
		return errInvalidParameter.New(msgFIFOGroupID)
	}
	if m.dedupID == "" && t.attrs["ContentBasedDeduplication"] != "true" {
		return errInvalidParameter.New(msgFIFODedup)
	}
	return nil
}

type publishInput struct {
	ref topicRef
	msg *message
}

type publishResult struct {
	MessageId      string
	SequenceNumber string `xml:",omitempty"`
}

func (s *Service) publishOp() *protocol.Op {
	return protocol.Define(protocol.Spec[publishInput]{
		Name: "Publish",
		Decode: func(ctx context.Context, r *protocol.Request) (publishInput, error) {
			if r.Params.Get("PhoneNumber") != "" {
				return publishInput{}, errInvalidParameter.New(msgPhoneNumber)
			}
			param, v := "TopicArn", r.Params.Get("TopicArn")
			if v == "" {
				param, v = "TargetArn", r.Params.Get("TargetArn")
			}
			if v == "" {
				return publishInput{}, errInvalidParameter.New(msgTopicArnMissing)
			}
			ref, err := parseTopicARN(param, v, r.Region)
			if err != nil {
				return publishInput{}, err
			}
			msg, err := readMessage(r.Params, "", "messageAttributes")
			return publishInput{ref: ref, msg: msg}, err
		},
		Auth: protocol.Check("SNS:Publish", func(ctx context.Context, r *protocol.Request, in publishInput) (protocol.Target, error) {
			return s.topicTarget(in.ref), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in publishInput) (any, error) {
			t, err := s.needTopic(in.ref.arn)
			if err != nil {
				return nil, err
			}
			if err := t.checkFIFO(in.msg); err != nil {
				return nil, err
			}
			id := protocol.NewUUID()
			if err := s.deliver(ctx, r.ID, t, id, r.Now, in.msg); err != nil {
				return nil, err
			}
			return publishResult{MessageId: id, SequenceNumber: t.sequence(r.Now)}, nil
		},
	})
}

// sequence is a FIFO topic's SequenceNumber: large, non-consecutive and
// increasing, as AWS describes it.
func (t *topic) sequence(now time.Time) string {
	if !t.fifo {
		return ""
	}
	return strconv.FormatInt(now.UnixNano(), 10) + "0000"
}

type batchEntry struct {
	id  string
	msg *message
	err error
}

type publishBatchInput struct {
	ref     topicRef
	entries []batchEntry
}

var batchIDChars = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

func (s *Service) publishBatchOp() *protocol.Op {
	return protocol.Define(protocol.Spec[publishBatchInput]{
		Name: "PublishBatch",
		Decode: func(ctx context.Context, r *protocol.Request) (publishBatchInput, error) {
			ref, err := parseTopicARN("TopicArn", r.Params.Get("TopicArn"), r.Region)
			if err != nil {
				return publishBatchInput{}, err
			}
			in := publishBatchInput{ref: ref}
			seen := map[string]bool{}
			total := 0
			for i := 1; ; i++ {
				prefix := "PublishBatchRequestEntries.member." + strconv.Itoa(i) + "."
				id, ok := r.Params[prefix+"Id"]
				if !ok {
					break
				}
				e := batchEntry{id: id[0]}
				if len(e.id) > 80 {
					return in, errInvalidBatchID.New(msgBatchIDLong + e.id)
				}
				if !batchIDChars.MatchString(e.id) {
					return in, errInvalidBatchID.New(msgBatchIDChars + e.id)
				}
				if seen[e.id] {
					return in, errBatchIDsNotUnique.New(msgBatchIDsNotUnique)
				}
				seen[e.id] = true
				e.msg, e.err = readMessage(r.Params, prefix, "publishBatchRequestEntries."+strconv.Itoa(i)+".member.messageAttributes")
				if e.msg != nil {
					total += len(e.msg.body)
				}
				in.entries = append(in.entries, e)
			}
			switch {
			case len(in.entries) == 0:
				return in, errEmptyBatch.New(msgEmptyBatch)
			case len(in.entries) > 10:
				return in, errTooManyEntries.New(msgTooManyEntries)
			case total > maxMessage:
				return in, errBatchRequestTooBig.New(msgBatchTooLong)
			}
			// A validation error that AWS reports for the whole request.
			for _, e := range in.entries {
				var ae *awserr.Error
				if errors.As(e.err, &ae) && ae.Code == "ValidationError" {
					return in, e.err
				}
			}
			return in, nil
		},
		Auth: protocol.Check("SNS:Publish", func(ctx context.Context, r *protocol.Request, in publishBatchInput) (protocol.Target, error) {
			return s.topicTarget(in.ref), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in publishBatchInput) (any, error) {
			t, err := s.needTopic(in.ref.arn)
			if err != nil {
				return nil, err
			}
			var out publishBatchResult
			out.Successful.Items = []batchSuccess{}
			out.Failed.Items = []batchFailure{}
			for _, e := range in.entries {
				if e.err == nil {
					e.err = t.checkFIFO(e.msg)
				}
				if e.err != nil {
					ae := awserr.As(e.err)
					out.Failed.Items = append(out.Failed.Items, batchFailure{Id: e.id, Code: ae.Code, Message: ae.Message, SenderFault: true})
					continue
				}
				id := protocol.NewUUID()
				if err := s.deliver(ctx, r.ID, t, id, r.Now, e.msg); err != nil {
					return nil, err
				}
				out.Successful.Items = append(out.Successful.Items, batchSuccess{Id: e.id, MessageId: id, SequenceNumber: t.sequence(r.Now)})
			}
			return out, nil
		},
	})
}

type publishBatchResult struct {
	Successful members[batchSuccess]
	Failed     members[batchFailure]
}

type batchSuccess struct {
	Id             string
	MessageId      string
	SequenceNumber string `xml:",omitempty"`
}

type batchFailure struct {
	Id          string
	Code        string
	Message     string
	SenderFault bool
}

// deliver hands a published message to every confirmed `lambda`
// subscription of t. Lambda decides, through the door, whether
// sns.amazonaws.com may invoke each function for this topic; a refusal or
// a missing function drops that delivery (logged, and the refusal is in the
// decision log under requestID), as SNS drops deliveries that fail with a
// client error. A failure to queue is returned: the publisher is not told
// the message was accepted.
func (s *Service) deliver(ctx context.Context, requestID string, t *topic, id string, now time.Time, m *message) error {
	var targets []*subscription
	for _, sub := range t.subs {
		if sub.protocol == "lambda" && !sub.pending && sub.passes(m) {
			targets = append(targets, sub)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	f := s.opts.Functions
	if f == nil {
		s.logf("sns: message %s on %s not delivered: no Lambda service is wired", id, t.arn)
		return nil
	}
	for _, sub := range targets {
		if err := pushsrc.Deliver(ctx, f, s.logf, requestID, sub.endpoint, t.arn, t.account, lambdaEvent(t, sub, id, now, m)); err != nil {
			return err
		}
	}
	return nil
}

// The event SNS sends a Lambda function, field for field as AWS documents
// it ("Using AWS Lambda with Amazon SNS", example event).
type snsEvent struct {
	Records []snsRecord `json:"Records"`
}

type snsRecord struct {
	EventVersion         string       `json:"EventVersion"`
	EventSubscriptionArn string       `json:"EventSubscriptionArn"`
	EventSource          string       `json:"EventSource"`
	Sns                  snsEventBody `json:"Sns"`
}

type snsEventBody struct {
	SignatureVersion  string                       `json:"SignatureVersion"`
	Timestamp         string                       `json:"Timestamp"`
	Signature         string                       `json:"Signature"`
	SigningCertURL    string                       `json:"SigningCertUrl"`
	MessageID         string                       `json:"MessageId"`
	Message           string                       `json:"Message"`
	MessageAttributes map[string]snsEventAttribute `json:"MessageAttributes"`
	Type              string                       `json:"Type"`
	UnsubscribeURL    string                       `json:"UnsubscribeUrl"`
	TopicArn          string                       `json:"TopicArn"`
	Subject           *string                      `json:"Subject"`
}

type snsEventAttribute struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

func lambdaEvent(t *topic, sub *subscription, id string, now time.Time, m *message) []byte {
	body := m.body
	if m.perProtocol != nil {
		body = m.perProtocol["default"]
		if v, ok := m.perProtocol["lambda"]; ok {
			body = v
		}
	}
	sigVersion := t.attrs["SignatureVersion"]
	if sigVersion == "" {
		sigVersion = "1"
	}
	host := "https://sns." + t.region + ".amazonaws.com"
	ev := snsEventBody{
		SignatureVersion:  sigVersion,
		Timestamp:         now.UTC().Format("2006-01-02T15:04:05.000Z"),
		SigningCertURL:    host + "/SimpleNotificationService-seki.pem",
		MessageID:         id,
		Message:           body,
		MessageAttributes: map[string]snsEventAttribute{},
		Type:              "Notification",
		UnsubscribeURL:    host + "/?Action=Unsubscribe&SubscriptionArn=" + sub.arn,
		TopicArn:          t.arn,
		Subject:           m.subject,
	}
	for _, a := range m.attrs {
		v := a.stringValue
		if a.binary {
			v = base64.StdEncoding.EncodeToString(a.binaryValue)
		}
		ev.MessageAttributes[a.name] = snsEventAttribute{Type: a.dataType, Value: v}
	}
	ev.Signature = signature(&ev)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(snsEvent{Records: []snsRecord{{EventVersion: "1.0", EventSubscriptionArn: sub.arn, EventSource: "aws:sns", Sns: ev}}})
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// signature digests the string SNS signs (Message, MessageId, Subject,
// Timestamp, TopicArn, Type, each name and value on its own line). seki
// holds no AWS signing key, so the value cannot be verified against AWS's
// certificate; it only has the right shape (base64).
func signature(ev *snsEventBody) string {
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k + "\n" + v + "\n") }
	line("Message", ev.Message)
	line("MessageId", ev.MessageID)
	if ev.Subject != nil {
		line("Subject", *ev.Subject)
	}
	line("Timestamp", ev.Timestamp)
	line("TopicArn", ev.TopicArn)
	line("Type", ev.Type)
	sum := sha256.Sum256([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(sum[:])
}
