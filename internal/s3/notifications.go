package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Functions is what S3 needs from Lambda to deliver event notifications.
// The server wires Lambda's implementation in; S3 never imports Lambda.
// requestID is the S3 request that caused the call (PutBucketNotification-
// Configuration, or the write that produced the event): implementations
// record their authorization decision under it, so that `seki explain
// REQUEST-ID` shows why a notification was refused or not delivered.
type Functions interface {
	// CheckInvoke evaluates, as AWS does at
	// PutBucketNotificationConfiguration, whether the function exists and
	// its resource-based policy lets s3.amazonaws.com invoke it with
	// aws:SourceArn = sourceARN (arn:aws:s3:::BUCKET) and
	// aws:SourceAccount = sourceAccount (the bucket owner). A missing
	// function is reported with an error matching ErrNoSuchFunction (or an
	// *awserr.Error with code ResourceNotFoundException); any other error
	// means "not authorized".
	CheckInvoke(ctx context.Context, requestID, functionARN, sourceARN, sourceAccount string) error
	// InvokeAsync queues an Event invocation of the function as
	// s3.amazonaws.com with the same two context keys, re-checking the
	// resource policy at that moment; an event the policy no longer allows
	// is refused, and the refusal recorded in the decision log.
	InvokeAsync(ctx context.Context, requestID, functionARN, sourceARN, sourceAccount string, payload []byte) error
}

// ErrNoSuchFunction is what a Functions implementation may return (wrapped
// or not) for a function that does not exist.
var ErrNoSuchFunction = errors.New("s3: function does not exist")

// notificationConfig is a bucket's NotificationConfiguration. Lambda
// destinations are delivered; topic and queue destinations can only be
// stored with x-amz-skip-destination-validation, since seki has no SNS or
// SQS.
type notificationConfig struct {
	XMLName     xml.Name            `xml:"NotificationConfiguration"`
	Topics      []destinationConfig `xml:"TopicConfiguration"`
	Queues      []destinationConfig `xml:"QueueConfiguration"`
	Lambdas     []destinationConfig `xml:"CloudFunctionConfiguration"`
	EventBridge *eventBridgeConfig  `xml:"EventBridgeConfiguration"`
}

type eventBridgeConfig struct{}

// destinationConfig is one Topic, Queue or CloudFunction (Lambda)
// configuration; only the destination element differs.
type destinationConfig struct {
	ID       string        `xml:"Id,omitempty"`
	Topic    string        `xml:"Topic,omitempty"`
	Queue    string        `xml:"Queue,omitempty"`
	Function string        `xml:"CloudFunction,omitempty"`
	Events   []string      `xml:"Event"`
	Filter   *notifyFilter `xml:"Filter"`
}

type notifyFilter struct {
	Key *struct {
		Rules []filterRule `xml:"FilterRule"`
	} `xml:"S3Key"`
}

type filterRule struct {
	Name  *string `xml:"Name"`
	Value *string `xml:"Value"`
}

func (d *destinationConfig) destination() string {
	switch {
	case d.Function != "":
		return d.Function
	case d.Queue != "":
		return d.Queue
	}
	return d.Topic
}

// rules returns the prefix and suffix filter values ("" when absent).
func (d *destinationConfig) rules() (prefix, suffix string) {
	if d.Filter == nil || d.Filter.Key == nil {
		return "", ""
	}
	for _, r := range d.Filter.Key.Rules {
		if r.Name == nil || r.Value == nil { // refused when stored
			continue
		}
		switch strings.ToLower(*r.Name) {
		case "prefix":
			prefix = *r.Value
		case "suffix":
			suffix = *r.Value
		}
	}
	return prefix, suffix
}

// matches reports whether an event (without "s3:") on key triggers d.
func (d *destinationConfig) matches(event, key string) bool {
	hit := false
	for _, e := range d.Events {
		e = strings.TrimPrefix(e, "s3:")
		if e == event || strings.HasSuffix(e, ":*") && strings.HasPrefix(event, e[:len(e)-1]) {
			hit = true
			break
		}
	}
	if !hit {
		return false
	}
	prefix, suffix := d.rules()
	return strings.HasPrefix(key, prefix) && strings.HasSuffix(key, suffix)
}

// notificationEvents are the event types S3 accepts in a configuration.
var notificationEvents = map[string]bool{
	"s3:ReducedRedundancyLostObject": true, "s3:ObjectCreated:*": true, "s3:ObjectCreated:Put": true,
	"s3:ObjectCreated:Post": true, "s3:ObjectCreated:Copy": true, "s3:ObjectCreated:CompleteMultipartUpload": true,
	"s3:ObjectRemoved:*": true, "s3:ObjectRemoved:Delete": true, "s3:ObjectRemoved:DeleteMarkerCreated": true,
	"s3:ObjectRestore:*": true, "s3:ObjectRestore:Post": true, "s3:ObjectRestore:Completed": true,
	"s3:ObjectRestore:Delete": true, "s3:Replication:*": true, "s3:Replication:OperationFailedReplication": true,
	"s3:Replication:OperationNotTracked": true, "s3:Replication:OperationMissedThreshold": true,
	"s3:Replication:OperationReplicatedAfterThreshold": true, "s3:LifecycleTransition": true,
	"s3:IntelligentTiering": true, "s3:ObjectAcl:Put": true, "s3:LifecycleExpiration:*": true,
	"s3:LifecycleExpiration:Delete": true, "s3:LifecycleExpiration:DeleteMarkerCreated": true,
	"s3:ObjectTagging:*": true, "s3:ObjectTagging:Put": true, "s3:ObjectTagging:Delete": true,
}

// parseNotification reads a NotificationConfiguration document.
func parseNotification(doc []byte) (*notificationConfig, error) {
	var n notificationConfig
	if err := decodeXML(doc, "NotificationConfiguration", &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// validate checks a configuration's own shape (events, filters, ARNs,
// overlaps) and fills in missing Ids.
func (n *notificationConfig) validate() error {
	all := n.all()
	for _, d := range all {
		if d.destination() == "" || len(d.Events) == 0 {
			return malformedXML()
		}
		for _, e := range d.Events {
			if !notificationEvents[e] {
				return errInvalidArgument.New(msgTheEventIsNot).
					With("ArgumentName1", e).With("ArgumentValue1", "The event is not supported for notifications")
			}
		}
		if d.Filter != nil {
			if d.Filter.Key == nil {
				return malformedXML()
			}
			seen := map[string]bool{}
			for i, r := range d.Filter.Key.Rules {
				// A rule without its name or value does not follow the schema.
				// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketNotificationConfiguration::test_bucket_notification_with_missing_values_in_rule
				if r.Name == nil || r.Value == nil {
					return malformedXML()
				}
				name := strings.ToLower(*r.Name)
				if name != "prefix" && name != "suffix" {
					// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketNotificationConfiguration::test_bucket_notification_with_invalid_filter_rules
					return invalidArgument(msgFilterRuleNameMust, "FilterRule.Name", *r.Name)
				}
				// S3 accepts either case and reports "Prefix" and "Suffix".
				canonical := strings.ToUpper(name[:1]) + name[1:]
				d.Filter.Key.Rules[i].Name = &canonical
				if seen[name] {
					return invalidArgument(fmt.Sprintf(msgFilterRuleTwiceFmt, name), "FilterRule", *r.Name)
				}
				seen[name] = true
				if len(*r.Value) > 1024 {
					return invalidArgument(msgFilterValueIsToo, "FilterRule", *r.Name)
				}
			}
		}
		a, err := arn.Parse(d.destination())
		if (err != nil || a.Service == "") && d.Function != "" {
			// source: snapshot tests/aws/services/s3/test_s3_notifications_lambda.snapshot.json#test_invalid_lambda_arn (invalid_not_skip)
			return errInvalidArgument.New(msgTheArnCouldNot).
				With("ArgumentName", "CloudFunction").With("ArgumentValue", d.Function)
		}
		if err != nil || a.Service == "" {
			// unconfirmed for queues and topics.
			return errInvalidArgument.New(msgTheArnIsNot).
				With("ArgumentName1", d.destination()).With("ArgumentValue1", "The ARN is not well formed")
		}
		if d.ID == "" {
			d.ID = generatedID()
		}
		if len(d.ID) > 1024 {
			return invalidArgument(msgIdMustBeAt, "Id", d.ID)
		}
	}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if overlap(all[i], all[j]) {
				return errInvalidArgument.New(msgConfigurationsOverlapConfigurationsOn).
					With("ArgumentName1", "Event").With("ArgumentValue1", "Configurations overlap")
			}
		}
	}
	return nil
}

// all lists every destination configuration, for validation.
func (n *notificationConfig) all() []*destinationConfig {
	var out []*destinationConfig
	for i := range n.Topics {
		out = append(out, &n.Topics[i])
	}
	for i := range n.Queues {
		out = append(out, &n.Queues[i])
	}
	for i := range n.Lambdas {
		out = append(out, &n.Lambdas[i])
	}
	return out
}

// overlap is S3's rule: two configurations may not share an event type for
// keys both filters could match.
func overlap(a, b *destinationConfig) bool {
	shared := false
	for _, x := range a.Events {
		for _, y := range b.Events {
			if eventsOverlap(x, y) {
				shared = true
			}
		}
	}
	if !shared {
		return false
	}
	ap, as := a.rules()
	bp, bs := b.rules()
	prefixes := strings.HasPrefix(ap, bp) || strings.HasPrefix(bp, ap)
	suffixes := strings.HasSuffix(as, bs) || strings.HasSuffix(bs, as)
	return prefixes && suffixes
}

func eventsOverlap(x, y string) bool {
	if x == y {
		return true
	}
	wild := func(w, e string) bool { return strings.HasSuffix(w, ":*") && strings.HasPrefix(e, w[:len(w)-1]) }
	return wild(x, y) || wild(y, x)
}

// generatedID is the Id S3 gives a configuration that has none: a UUID in
// base64.
func generatedID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	u := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	return base64.StdEncoding.EncodeToString([]byte(u))
}

// encode renders the configuration as GetBucketNotificationConfiguration
// returns it.
func (n *notificationConfig) encode() []byte {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{
		Name: xml.Name{Local: "NotificationConfiguration"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: xmlns}},
	}
	enc.EncodeElement(n, start)
	enc.Flush()
	return buf.Bytes()
}

const errDestinationValidation = "Unable to validate the following destination configurations"

// checkDestinations asks Lambda, for each function, whether S3 may invoke
// it for this bucket, and reports every failure as AWS does: ArgumentNameN
// is the destination, ArgumentValueN the reason.
func (s *Service) checkDestinations(ctx context.Context, requestID string, n *notificationConfig, b *bucket) error {
	var fields []awserr.Field
	add := func(name, value string) {
		i := len(fields)/2 + 1
		fields = append(fields, awserr.Field{Name: fmt.Sprintf("ArgumentName%d", i), Value: name},
			awserr.Field{Name: fmt.Sprintf("ArgumentValue%d", i), Value: value})
	}
	for _, q := range n.Queues {
		add(q.Queue, "The destination queue does not exist")
	}
	for _, t := range n.Topics {
		add(t.Topic, "The destination topic does not exist")
	}
	f := s.functions()
	for _, l := range n.Lambdas {
		if f == nil {
			add(l.Function, "The destination Lambda does not exist")
			continue
		}
		err := f.CheckInvoke(ctx, requestID, l.Function, bucketARN(b.name), b.account)
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			return err
		default:
			// A function that does not exist reads as one S3 may not
			// invoke: S3 cannot tell them apart.
			// source: snapshot tests/aws/services/s3/test_s3_notifications_lambda.snapshot.json#test_invalid_lambda_arn (lambda-does-not-exist)
			add(l.Function+", null", "Not authorized to invoke function ["+l.Function+"]")
		}
	}
	if len(fields) == 0 {
		return nil
	}
	e := errInvalidArgument.New(errDestinationValidation)
	e.Fields = fields
	return e
}

func (s *Service) getNotification(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	var x xmlBuilder
	if b.notif == nil {
		x.header()
		x.root("NotificationConfiguration")
		x.close("NotificationConfiguration")
	} else {
		x.Write(b.notif.encode())
	}
	return xmlDoc{&x}, nil
}

func (s *Service) putNotification(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	n, err := parseNotification(body)
	if err != nil {
		return nil, err
	}
	if err := n.validate(); err != nil {
		return nil, err
	}
	if !strings.EqualFold(r.HTTP.Header.Get("X-Amz-Skip-Destination-Validation"), "true") {
		if err := s.checkDestinations(ctx, r.ID, n, b); err != nil {
			return nil, err
		}
	}
	var doc []byte
	var cfg *notificationConfig
	if len(n.all()) > 0 || n.EventBridge != nil {
		doc, cfg = n.encode(), n
	}
	if err := s.updateBucket(ctx, b.name, func(tx *store.Tx, nb *bucket) error {
		nb.notifDoc, nb.notif = doc, cfg
		_, err := tx.Exec(`UPDATE s3_buckets SET notification = ? WHERE name = ?`, doc, nb.name)
		return err
	}); err != nil {
		return nil, err
	}
	return nil, nil
}

// eventRecord is one record of an S3 event notification, field for field
// as AWS sends it (event structure version 2.1).
type eventRecord struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      principalID       `json:"userIdentity"`
	RequestParameters requestParameters `json:"requestParameters"`
	ResponseElements  responseElements  `json:"responseElements"`
	S3                eventS3           `json:"s3"`
}

type principalID struct {
	PrincipalID string `json:"principalId"`
}

type requestParameters struct {
	SourceIPAddress string `json:"sourceIPAddress"`
}

type responseElements struct {
	RequestID string `json:"x-amz-request-id"`
	HostID    string `json:"x-amz-id-2"`
}

type eventS3 struct {
	SchemaVersion   string      `json:"s3SchemaVersion"`
	ConfigurationID string      `json:"configurationId"`
	Bucket          eventBucket `json:"bucket"`
	Object          eventObject `json:"object"`
}

type eventBucket struct {
	Name          string      `json:"name"`
	OwnerIdentity principalID `json:"ownerIdentity"`
	ARN           string      `json:"arn"`
}

type eventObject struct {
	Key       string `json:"key"`
	Size      *int64 `json:"size,omitempty"`
	ETag      string `json:"eTag,omitempty"`
	VersionID string `json:"versionId,omitempty"`
	Sequencer string `json:"sequencer"`
}

// eventPrincipal is userIdentity.principalId: "AWS:" and the caller's
// unique id for IAM users and role sessions, the account's customer id for
// root.
func eventPrincipal(p *policy.Principal) string {
	switch p.Type {
	case policy.User, policy.AssumedRole, policy.FederatedUser:
		if p.UserID != "" {
			return "AWS:" + p.UserID
		}
		return "AWS:" + p.ARN
	case policy.Root:
		return customerID(p.Account)
	case policy.Anonymous:
		return "Anonymous"
	}
	return p.ARN
}

// pendingEvent is a notification written to the outbox, waiting to be
// handed to Lambda.
type pendingEvent struct {
	id       int64
	request  string // the S3 request that caused it
	function string
	bucket   string
	account  string
	payload  []byte
}

// queueEvents writes the notifications an object change triggers into the
// outbox, inside the change's own transaction. version is the object's
// versionId, "" for none (an unversioned bucket).
func (s *Service) queueEvents(tx *store.Tx, r *protocol.Request, b *bucket, event, key string, size int64, etag, version string) ([]pendingEvent, error) {
	if b.notif == nil || len(b.notif.Lambdas) == 0 {
		return nil, nil
	}
	var out []pendingEvent
	var seq string
	for i := range b.notif.Lambdas {
		d := &b.notif.Lambdas[i]
		if !d.matches(event, key) {
			continue
		}
		if seq == "" {
			seq = s.seq.next(r.Now)
		}
		payload, err := buildEvent(r, b, d.ID, event, key, size, etag, version, seq)
		if err != nil {
			return nil, err
		}
		res, err := tx.Exec(`INSERT INTO s3_events(request, function, bucket, account, payload) VALUES(?, ?, ?, ?, ?)`, r.ID, d.Function, b.name, b.account, payload)
		if err != nil {
			return nil, err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		out = append(out, pendingEvent{id: id, request: r.ID, function: d.Function, bucket: b.name, account: b.account, payload: payload})
	}
	return out, nil
}

// buildEvent renders one notification: {"Records":[record]}.
func buildEvent(r *protocol.Request, b *bucket, configID, event, key string, size int64, etag, version, seq string) ([]byte, error) {
	rec := eventRecord{
		EventVersion: "2.1",
		EventSource:  "aws:s3",
		AWSRegion:    b.region,
		EventTime:    isoTime(r.Now),
		EventName:    event,
	}
	if r.Caller != nil {
		rec.UserIdentity.PrincipalID = eventPrincipal(&r.Caller.Principal)
	}
	if r.HTTP != nil {
		if host, _, err := net.SplitHostPort(r.HTTP.RemoteAddr); err == nil {
			rec.RequestParameters.SourceIPAddress = host
		} else {
			rec.RequestParameters.SourceIPAddress = r.HTTP.RemoteAddr
		}
	}
	rec.ResponseElements.RequestID = r.ID
	rec.ResponseElements.HostID = hostID(r.ID)
	rec.S3 = eventS3{
		SchemaVersion:   "1.0",
		ConfigurationID: configID,
		Bucket: eventBucket{
			Name:          b.name,
			OwnerIdentity: principalID{customerID(b.account)},
			ARN:           bucketARN(b.name),
		},
		Object: eventObject{Key: urlEncodeKey(key), VersionID: version, Sequencer: seq},
	}
	if strings.HasPrefix(event, "ObjectCreated:") {
		rec.S3.Object.Size = &size
		rec.S3.Object.ETag = etag
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Records []eventRecord `json:"Records"`
	}{[]eventRecord{rec}}); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// dispatcher hands queued notifications to Lambda on its own goroutine,
// after the writes that produced them are acknowledged, and removes them
// from the outbox once handed over. It is owned by Service: started by Start,
// ended by Stop.
type dispatcher struct {
	s    *Service
	mu   sync.Mutex
	q    []pendingEvent
	wake chan struct{}
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func newDispatcher(s *Service) *dispatcher {
	return &dispatcher{s: s, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

// start loads the events a previous run left in the outbox and starts the
// goroutine.
func (d *dispatcher) start(ctx context.Context) error {
	var pending []pendingEvent
	err := d.s.db.Read(ctx, func(tx *store.Tx) error {
		pending = pending[:0]
		rows, err := tx.Query(`SELECT id, request, function, bucket, account, payload FROM s3_events ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e pendingEvent
			if err := rows.Scan(&e.id, &e.request, &e.function, &e.bucket, &e.account, &e.payload); err != nil {
				return err
			}
			pending = append(pending, e)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	go d.run()
	d.push(pending)
	return nil
}

// push queues events for delivery; it never blocks.
func (d *dispatcher) push(evs []pendingEvent) {
	if len(evs) == 0 {
		return
	}
	d.mu.Lock()
	d.q = append(d.q, evs...)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) stop() {
	d.once.Do(func() { close(d.quit) })
	<-d.done
}

// forgetDelay and forgetBatch bound how long handed-over events stay in
// the outbox: clearing them is a write (an fsync) of its own, so it is
// batched instead of doubling the cost of every notified write. A crash in
// between re-sends them after restart: delivery is at least once, as S3's.
const (
	forgetDelay = 100 * time.Millisecond
	forgetBatch = 256
)

func (d *dispatcher) run() {
	defer close(d.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-d.quit:
			cancel()
		case <-d.done:
		}
	}()
	var delivered []int64
	timer := time.NewTimer(forgetDelay)
	timer.Stop()
	armed := false
	defer func() {
		// What was handed over before the stop is cleared now.
		d.forget(delivered)
	}()
	for {
		select {
		case <-d.quit:
			return
		case <-timer.C:
			armed = false
			d.forget(delivered)
			delivered = delivered[:0]
			continue
		case <-d.wake:
		}
		for {
			d.mu.Lock()
			batch := d.q
			d.q = nil
			d.mu.Unlock()
			if len(batch) == 0 {
				break
			}
			for _, e := range batch {
				if ctx.Err() != nil {
					return
				}
				d.deliver(ctx, e)
				delivered = append(delivered, e.id)
			}
		}
		if len(delivered) >= forgetBatch {
			d.forget(delivered)
			delivered = delivered[:0]
		} else if len(delivered) > 0 && !armed {
			timer.Reset(forgetDelay)
			armed = true
		}
	}
}

func (d *dispatcher) deliver(ctx context.Context, e pendingEvent) {
	f := d.s.functions()
	if f == nil {
		d.s.logf("s3: notification for bucket %s to %s dropped: no Lambda service is wired", e.bucket, e.function)
		return
	}
	ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := f.InvokeAsync(ictx, e.request, e.function, bucketARN(e.bucket), e.account, e.payload); err != nil {
		// AWS drops events the function's policy no longer allows; the
		// denial itself is in the decision log, written by Lambda's check.
		d.s.logf("s3: notification for bucket %s to %s not delivered: %v", e.bucket, e.function, err)
	}
}

// forget removes handed-over events from the outbox.
func (d *dispatcher) forget(ids []int64) {
	if len(ids) == 0 {
		return
	}
	err := d.s.db.Write(context.Background(), func(tx *store.Tx) error {
		for _, id := range ids {
			if _, err := tx.Exec(`DELETE FROM s3_events WHERE id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		d.s.logf("s3: clearing delivered notifications: %v", err)
	}
}

func (s *Service) logf(format string, args ...any) {
	if s.opts.Logger != nil {
		s.opts.Logger.Warn(fmt.Sprintf(format, args...))
	}
}
