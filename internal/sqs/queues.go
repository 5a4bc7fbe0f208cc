package sqs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Queue attribute names.
const (
	attrDelay           = "DelaySeconds"
	attrMaxSize         = "MaximumMessageSize"
	attrRetention       = "MessageRetentionPeriod"
	attrWait            = "ReceiveMessageWaitTimeSeconds"
	attrVisibility      = "VisibilityTimeout"
	attrPolicy          = "Policy"
	attrRedrivePolicy   = "RedrivePolicy"
	attrRedriveAllow    = "RedriveAllowPolicy"
	attrKmsKey          = "KmsMasterKeyId"
	attrKmsReuse        = "KmsDataKeyReusePeriodSeconds"
	attrSSE             = "SqsManagedSseEnabled"
	attrFifoQueue       = "FifoQueue"
	attrContentDedup    = "ContentBasedDeduplication"
	attrDedupScope      = "DeduplicationScope"
	attrThroughputLimit = "FifoThroughputLimit"
	attrArn             = "QueueArn"
	attrCreated         = "CreatedTimestamp"
	attrModified        = "LastModifiedTimestamp"
	attrNumVisible      = "ApproximateNumberOfMessages"
	attrNumInFlight     = "ApproximateNumberOfMessagesNotVisible"
	attrNumDelayed      = "ApproximateNumberOfMessagesDelayed"
)

// intRange is a settable numeric attribute's valid range.
type intRange struct{ min, max int }

var numericAttrs = map[string]intRange{
	attrDelay:      {0, 900},
	attrMaxSize:    {1024, 1048576},
	attrRetention:  {60, 1209600},
	attrWait:       {0, 20},
	attrVisibility: {0, 43200},
	attrKmsReuse:   {60, 86400},
}

// fifoAttrs may be set only on FIFO queues.
var fifoAttrs = []string{attrContentDedup, attrDedupScope, attrThroughputLimit}

// computed attributes are answered by GetQueueAttributes but never set.
var computedAttrs = []string{attrArn, attrCreated, attrModified, attrNumVisible, attrNumInFlight, attrNumDelayed}

// queue is one queue's metadata. It is never modified once shared: changes
// build a copy and replace it.
type queue struct {
	id                    int64
	account, region, name string
	fifo                  bool
	created, modified     int64 // seconds
	attrs                 map[string]string
	tags                  map[string]string
	policy                *policy.Policy
	redrive               *redrivePolicy
}

func (q *queue) key() queueKey { return queueKey{q.account, q.region, q.name} }

func (q *queue) arn() string { return queueARN(q.account, q.region, q.name) }

func queueARN(account, region, name string) string {
	return "arn:aws:sqs:" + region + ":" + account + ":" + name
}

// num reads a numeric attribute (always set, to its default at creation).
func (q *queue) num(name string) int {
	n, _ := strconv.Atoi(q.attrs[name])
	return n
}

func (q *queue) clone() *queue {
	c := *q
	c.attrs = maps.Clone(q.attrs)
	c.tags = maps.Clone(q.tags)
	return &c
}

// url is the queue's URL at the endpoint the request came to.
func queueURL(r *protocol.Request, account, name string) string {
	scheme := "http"
	if r.HTTP.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.HTTP.Host + "/" + account + "/" + name
}

// redrivePolicy is a parsed RedrivePolicy.
type redrivePolicy struct {
	target     string // DLQ ARN
	maxReceive int
}

func parseRedrive(doc string) (*redrivePolicy, error) {
	if doc == "" {
		return nil, nil
	}
	var raw struct {
		DeadLetterTargetArn string          `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.Trim(string(raw.MaxReceiveCount), `"`))
	if err != nil || n < 1 || n > 1000 {
		return nil, errInvalidParameterValue.Errorf(msgBadParam, doc, attrRedrivePolicy, reasonMaxReceive)
	}
	return &redrivePolicy{target: raw.DeadLetterTargetArn, maxReceive: n}, nil
}

// queueIn is what every queue operation's input has.
type queueIn struct {
	QueueUrl *string
}

func (q queueIn) queueURL() *string { return q.QueueUrl }

type hasQueue interface{ queueURL() *string }

// ref resolves a queue URL: its path ends in /ACCOUNT/NAME, the region is
// the request's. ok is false for a URL that names no queue.
func ref(r *protocol.Request, u string) (queueKey, bool) {
	path := u
	if p, err := url.Parse(u); err == nil && p.Path != "" {
		path = p.Path
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 2 {
		return queueKey{}, false
	}
	acct, name := parts[len(parts)-2], parts[len(parts)-1]
	if len(acct) != 12 || !allDigits(acct) || name == "" {
		return queueKey{}, false
	}
	return queueKey{account: acct, region: r.Region, name: name}, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decodeQueue decodes a queue operation's input and checks QueueUrl.
func decodeQueue[In hasQueue](_ context.Context, r *protocol.Request) (In, error) {
	var in In
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return in, err
	}
	if u := in.queueURL(); u == nil || *u == "" {
		return in, errMissingParameter.Errorf(msgMissing, "QueueUrl")
	}
	return in, nil
}

// queueTarget authorizes on the queue the URL names, with its queue
// policy. Actions that AWS does not grant across accounts (the queue's
// configuration: SetQueueAttributes, DeleteQueue, tags, ...) are judged
// without the queue policy, so only the owner's identities can be allowed.
func (s *Service) queueTarget(crossAccount bool) func(ctx context.Context, r *protocol.Request, u string) protocol.Target {
	return func(ctx context.Context, r *protocol.Request, u string) protocol.Target {
		k, ok := ref(r, u)
		if !ok {
			// Nothing to authorize against: the handler answers that the
			// queue does not exist, as AWS does for a URL it cannot read.
			return protocol.Target{Resource: "arn:aws:sqs:" + r.Region + ":" + r.Account() + ":" + lastSegment(u)}
		}
		t := protocol.Target{Resource: queueARN(k.account, k.region, k.name), Account: k.account}
		if q := s.lookup(k); q != nil && crossAccount {
			t.Policy = q.policy
		}
		return t
	}
}

func lastSegment(u string) string {
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}

// on builds a queue operation authorized by action on the queue.
func on[In hasQueue](s *Service, name, action string, crossAccount bool, handle func(ctx context.Context, r *protocol.Request, in In) (any, error)) *protocol.Op {
	target := s.queueTarget(crossAccount)
	return protocol.Define(protocol.Spec[In]{
		Name:   name,
		Decode: decodeQueue[In],
		Auth: protocol.Check("sqs:"+action, func(ctx context.Context, r *protocol.Request, in In) (protocol.Target, error) {
			return target(ctx, r, *in.queueURL()), nil
		}),
		Handle: handle,
	})
}

// resolve returns the queue the input's URL names, or QueueDoesNotExist.
func (s *Service) resolve(r *protocol.Request, u string) (*queue, error) {
	k, ok := ref(r, u)
	if !ok {
		return nil, errQueueDoesNotExist.New(msgNoQueue)
	}
	q := s.lookup(k)
	if q == nil {
		return nil, errQueueDoesNotExist.New(msgNoQueue)
	}
	return q, nil
}

func (s *Service) ops() []*protocol.Op {
	return []*protocol.Op{
		protocol.Define(protocol.Spec[createQueueIn]{
			Name:   "CreateQueue",
			Decode: decodeCreate,
			Auth: protocol.Check("sqs:CreateQueue", func(ctx context.Context, r *protocol.Request, in createQueueIn) (protocol.Target, error) {
				return protocol.Target{Resource: queueARN(r.Account(), r.Region, *in.QueueName)}, nil
			}),
			Handle: s.createQueue,
		}),
		protocol.Define(protocol.Spec[getQueueURLIn]{
			Name: "GetQueueUrl",
			Decode: func(ctx context.Context, r *protocol.Request) (getQueueURLIn, error) {
				var in getQueueURLIn
				if err := protocol.DecodeJSON(r.Body, &in); err != nil {
					return in, err
				}
				if in.QueueName == "" {
					return in, errMissingParameter.Errorf(msgMissing, "QueueName")
				}
				if in.QueueOwnerAWSAccountId == "" {
					in.QueueOwnerAWSAccountId = r.Account()
				}
				return in, nil
			},
			Auth: protocol.Check("sqs:GetQueueUrl", func(ctx context.Context, r *protocol.Request, in getQueueURLIn) (protocol.Target, error) {
				k := queueKey{in.QueueOwnerAWSAccountId, r.Region, in.QueueName}
				t := protocol.Target{Resource: queueARN(k.account, k.region, k.name), Account: k.account}
				if q := s.lookup(k); q != nil {
					t.Policy = q.policy
				}
				return t, nil
			}),
			Handle: s.getQueueURL,
		}),
		protocol.Define(protocol.Spec[listQueuesIn]{
			Name: "ListQueues",
			Decode: func(ctx context.Context, r *protocol.Request) (listQueuesIn, error) {
				var in listQueuesIn
				if err := protocol.DecodeJSON(r.Body, &in); err != nil {
					return in, err
				}
				if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 1000) {
					return in, errInvalidParameterValue.Errorf(msgBadParam, strconv.Itoa(*in.MaxResults), "MaxResults", "MaxResults must be an integer between 1 and 1000")
				}
				return in, nil
			},
			Auth:   protocol.Check[listQueuesIn]("sqs:ListQueues", nil),
			Handle: s.listQueues,
		}),
		on(s, "DeleteQueue", "DeleteQueue", false, s.deleteQueue),
		on(s, "GetQueueAttributes", "GetQueueAttributes", true, s.getQueueAttributes),
		on(s, "SetQueueAttributes", "SetQueueAttributes", false, s.setQueueAttributes),
		on(s, "PurgeQueue", "PurgeQueue", true, s.purgeQueue),
		on(s, "TagQueue", "TagQueue", false, s.tagQueue),
		on(s, "UntagQueue", "UntagQueue", false, s.untagQueue),
		on(s, "ListQueueTags", "ListQueueTags", false, s.listQueueTags),
		on(s, "SendMessage", "SendMessage", true, s.sendMessage),
		on(s, "SendMessageBatch", "SendMessage", true, s.sendMessageBatch),
		on(s, "ReceiveMessage", "ReceiveMessage", true, s.receiveMessage),
		on(s, "DeleteMessage", "DeleteMessage", true, s.deleteMessage),
		on(s, "DeleteMessageBatch", "DeleteMessage", true, s.deleteMessageBatch),
		on(s, "ChangeMessageVisibility", "ChangeMessageVisibility", true, s.changeVisibility),
		on(s, "ChangeMessageVisibilityBatch", "ChangeMessageVisibility", true, s.changeVisibilityBatch),
	}
}

type createQueueIn struct {
	QueueName  *string
	Attributes map[string]string
	Tags       map[string]string `json:"tags"`
}

func decodeCreate(ctx context.Context, r *protocol.Request) (createQueueIn, error) {
	var in createQueueIn
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return in, err
	}
	if in.QueueName == nil || *in.QueueName == "" {
		return in, errMissingParameter.Errorf(msgMissing, "QueueName")
	}
	name := *in.QueueName
	fifo := in.Attributes[attrFifoQueue] == "true"
	base := name
	if fifo {
		var ok bool
		if base, ok = strings.CutSuffix(name, ".fifo"); !ok {
			return in, errInvalidParameterValue.Errorf(msgBadParam, name, "QueueName", reasonFifoName)
		}
	}
	if !validName(base) || len(name) > 80 {
		reason := reasonQueueName
		if fifo {
			reason = reasonFifoName
		}
		return in, errInvalidParameterValue.Errorf(msgBadParam, name, "QueueName", reason)
	}
	return in, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

type urlOut struct {
	QueueUrl string
}

func (s *Service) createQueue(ctx context.Context, r *protocol.Request, in createQueueIn) (any, error) {
	if len(in.Tags) > 0 {
		// As AWS documents, tagging at creation needs sqs:TagQueue too.
		if err := r.Authorize(ctx, "sqs:TagQueue", protocol.Target{Resource: queueARN(r.Account(), r.Region, *in.QueueName)}, nil); err != nil {
			return nil, err
		}
	}
	fifo := in.Attributes[attrFifoQueue] == "true"
	attrs := defaults(fifo)
	if _, ok := in.Attributes[attrFifoQueue]; ok && !fifo {
		if in.Attributes[attrFifoQueue] != "false" {
			return nil, errInvalidAttributeValue.Errorf(msgInvalidAttribute, attrFifoQueue)
		}
	}
	given, err := s.bindPolicy(ctx, in.Attributes)
	if err != nil {
		return nil, err
	}
	delete(given, attrFifoQueue)
	q := &queue{account: r.Account(), region: r.Region, name: *in.QueueName, fifo: fifo, attrs: attrs, tags: in.Tags}
	if q.tags == nil {
		q.tags = map[string]string{}
	}
	if err := s.applyAttributes(q, given); err != nil {
		return nil, err
	}
	k := q.key()
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.queues[k]; cur != nil {
		// Creating an existing queue is idempotent when every given
		// attribute has the existing value.
		for _, name := range slices.Sorted(maps.Keys(in.Attributes)) {
			if cur.attrs[name] != in.Attributes[name] && !(name == attrFifoQueue && in.Attributes[name] == "false" && !cur.fifo) {
				return nil, errQueueNameExists.Errorf(msgQueueExists, name)
			}
		}
		return urlOut{queueURL(r, k.account, k.name)}, nil
	}
	if t, ok := s.deleted[k]; ok && r.Now.Sub(t) < time.Minute {
		return nil, errQueueDeletedRecently.New(msgDeletedRecently)
	}
	q.created = r.Now.Unix()
	q.modified = q.created
	attrsDoc, _ := json.Marshal(q.attrs)
	tagsDoc, _ := json.Marshal(q.tags)
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(`INSERT INTO sqs_queues (account, region, name, created, modified, attrs, tags) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			q.account, q.region, q.name, q.created, q.modified, string(attrsDoc), string(tagsDoc))
		if err != nil {
			return err
		}
		q.id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return nil, err
	}
	s.add(q)
	return urlOut{queueURL(r, k.account, k.name)}, nil
}

// defaults are a new queue's attributes.
func defaults(fifo bool) map[string]string {
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_set_queue_attributes_default_values[sqs]
	a := map[string]string{
		attrDelay: "0", attrMaxSize: "1048576", attrRetention: "345600", attrWait: "0",
		attrVisibility: "30", attrSSE: "true",
	}
	if fifo {
		a[attrFifoQueue] = "true"
		a[attrContentDedup] = "false"
		a[attrDedupScope] = "queue"
		a[attrThroughputLimit] = "perQueue"
	}
	return a
}

// bindPolicy returns a copy of attrs whose Policy, if any, names the users
// and roles it grants by their unique ids: queue policies are stored and
// judged bound to them, and shown by ARN while they exist.
func (s *Service) bindPolicy(ctx context.Context, attrs map[string]string) (map[string]string, error) {
	out := maps.Clone(attrs)
	if doc := out[attrPolicy]; doc != "" {
		bound, err := authz.BindPrincipals(ctx, s.principals, doc)
		if err != nil {
			return nil, err
		}
		out[attrPolicy] = bound
	}
	return out, nil
}

// applyAttributes validates and sets given on q (a private copy).
func (s *Service) applyAttributes(q *queue, given map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(given)) {
		v := given[name]
		if rg, ok := numericAttrs[name]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < rg.min || n > rg.max {
				return errInvalidAttributeValue.Errorf(msgInvalidAttribute, name)
			}
			q.attrs[name] = strconv.Itoa(n)
			continue
		}
		switch name {
		case attrPolicy:
			if v == "" {
				delete(q.attrs, name)
				q.policy = nil
				continue
			}
			p, err := policy.Parse([]byte(v), policy.Resource)
			if err != nil {
				return errInvalidAttributeValue.Errorf(msgInvalidAttribute, name).Wrap(err)
			}
			q.attrs[name], q.policy = v, p
		case attrRedrivePolicy:
			if v == "" {
				delete(q.attrs, name)
				q.redrive = nil
				continue
			}
			rp, err := parseRedrive(v)
			if errInvalidParameterValue.Is(err) {
				return err
			}
			if err != nil {
				return errInvalidAttributeValue.Errorf(msgInvalidAttribute, name).Wrap(err)
			}
			if s.lookupARN(rp.target) == nil {
				return errInvalidParameterValue.Errorf(msgBadParam, v, attrRedrivePolicy, reasonNoDLQ)
			}
			q.attrs[name], q.redrive = v, rp
		case attrRedriveAllow:
			if v == "" {
				delete(q.attrs, name)
				continue
			}
			if !json.Valid([]byte(v)) {
				return errInvalidAttributeValue.Errorf(msgInvalidAttribute, name)
			}
			q.attrs[name] = v
		case attrKmsKey:
			if v == "" {
				delete(q.attrs, name)
				delete(q.attrs, attrKmsReuse)
				continue
			}
			q.attrs[name] = v
			q.attrs[attrSSE] = "false"
			if _, ok := q.attrs[attrKmsReuse]; !ok {
				q.attrs[attrKmsReuse] = "300"
			}
		case attrSSE:
			if v != "true" && v != "false" {
				return errInvalidAttributeValue.Errorf(msgInvalidAttribute, name)
			}
			q.attrs[name] = v
		case attrContentDedup, attrDedupScope, attrThroughputLimit:
			if !q.fifo {
				if name == attrContentDedup {
					return errInvalidAttributeName.Errorf(msgUnknownAttribute, name)
				}
				return errInvalidAttributeName.Errorf(msgFifoOnly, name)
			}
			valid := map[string][]string{
				attrContentDedup:    {"true", "false"},
				attrDedupScope:      {"messageGroup", "queue"},
				attrThroughputLimit: {"perQueue", "perMessageGroupId"},
			}[name]
			if !slices.Contains(valid, v) {
				return errInvalidAttributeValue.Errorf(msgInvalidAttribute, name)
			}
			q.attrs[name] = v
		case attrFifoQueue:
			if q.fifo != (v == "true") {
				return errInvalidAttributeValue.New(msgModifyQueueType)
			}
			if !q.fifo {
				return errInvalidAttributeName.Errorf(msgUnknownAttribute, name)
			}
		default:
			return errInvalidAttributeName.Errorf(msgUnknownAttribute, name)
		}
	}
	return nil
}

// lookupARN returns the queue an ARN names.
func (s *Service) lookupARN(a string) *queue {
	k, ok := parseQueueARN(a)
	if !ok {
		return nil
	}
	return s.lookup(k)
}

func parseQueueARN(a string) (queueKey, bool) {
	parts := strings.Split(a, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
		return queueKey{}, false
	}
	return queueKey{account: parts[4], region: parts[3], name: parts[5]}, true
}

type getQueueURLIn struct {
	QueueName              string
	QueueOwnerAWSAccountId string
}

func (s *Service) getQueueURL(ctx context.Context, r *protocol.Request, in getQueueURLIn) (any, error) {
	if s.lookup(queueKey{in.QueueOwnerAWSAccountId, r.Region, in.QueueName}) == nil {
		return nil, errQueueDoesNotExist.New(msgNoQueue)
	}
	return urlOut{queueURL(r, in.QueueOwnerAWSAccountId, in.QueueName)}, nil
}

type listQueuesIn struct {
	QueueNamePrefix string
	NextToken       string
	MaxResults      *int
}

type listQueuesOut struct {
	QueueUrls []string `json:",omitempty"`
	NextToken string   `json:",omitempty"`
}

func (s *Service) listQueues(ctx context.Context, r *protocol.Request, in listQueuesIn) (any, error) {
	var names []string
	s.mu.RLock()
	for k := range s.queues {
		if k.account == r.Account() && k.region == r.Region && strings.HasPrefix(k.name, in.QueueNamePrefix) {
			names = append(names, k.name)
		}
	}
	s.mu.RUnlock()
	slices.Sort(names)
	if in.NextToken != "" {
		after, err := base64.StdEncoding.DecodeString(in.NextToken)
		if err != nil {
			return nil, errInvalidParameterValue.Errorf(msgBadParam, in.NextToken, "NextToken", "Invalid NextToken value.")
		}
		i, _ := slices.BinarySearch(names, string(after))
		if i < len(names) && names[i] == string(after) {
			i++
		}
		names = names[i:]
	}
	var out listQueuesOut
	if in.MaxResults != nil && len(names) > *in.MaxResults {
		names = names[:*in.MaxResults]
		out.NextToken = base64.StdEncoding.EncodeToString([]byte(names[len(names)-1]))
	}
	for _, n := range names {
		out.QueueUrls = append(out.QueueUrls, queueURL(r, r.Account(), n))
	}
	return out, nil
}

func (s *Service) deleteQueue(ctx context.Context, r *protocol.Request, in queueIn) (any, error) {
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queues[q.key()] != q && s.byID[q.id] == nil {
		return nil, errQueueDoesNotExist.New(msgNoQueue)
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		for _, stmt := range []string{`DELETE FROM sqs_messages WHERE qid = ?`, `DELETE FROM sqs_dedup WHERE qid = ?`, `DELETE FROM sqs_queues WHERE id = ?`} {
			if _, err := tx.Exec(stmt, q.id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	delete(s.queues, q.key())
	delete(s.byID, q.id)
	s.deleted[q.key()] = r.Now
	if ch, ok := s.waiters[q.id]; ok {
		close(ch)
		delete(s.waiters, q.id)
	}
	return struct{}{}, nil
}

type getAttributesIn struct {
	queueIn
	AttributeNames []string
}

type attributesOut struct {
	Attributes map[string]string `json:",omitempty"`
}

func (s *Service) getQueueAttributes(ctx context.Context, r *protocol.Request, in getAttributesIn) (any, error) {
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	all := false
	for _, n := range in.AttributeNames {
		switch {
		case n == "All":
			all = true
		case slices.Contains(computedAttrs, n), n == attrFifoQueue, slices.Contains(fifoAttrs, n):
			want[n] = true
		default:
			if _, ok := numericAttrs[n]; ok || n == attrPolicy || n == attrRedrivePolicy || n == attrRedriveAllow || n == attrKmsKey || n == attrSSE {
				want[n] = true
				continue
			}
			return nil, errInvalidAttributeName.Errorf(msgUnknownAttribute, n)
		}
	}
	out := attributesOut{Attributes: map[string]string{}}
	if !all && len(want) == 0 {
		return out, nil
	}
	for n, v := range q.attrs {
		if all || want[n] {
			out.Attributes[n] = v
		}
	}
	if doc := out.Attributes[attrPolicy]; doc != "" {
		if out.Attributes[attrPolicy], err = authz.ShowPrincipals(ctx, s.principals, doc); err != nil {
			return nil, err
		}
	}
	add := func(n, v string) {
		if all || want[n] {
			out.Attributes[n] = v
		}
	}
	add(attrArn, q.arn())
	add(attrCreated, strconv.FormatInt(q.created, 10))
	add(attrModified, strconv.FormatInt(q.modified, 10))
	if all || want[attrNumVisible] || want[attrNumInFlight] || want[attrNumDelayed] {
		visible, inflight, delayed, err := s.counts(ctx, q, millis(r.Now))
		if err != nil {
			return nil, err
		}
		add(attrNumVisible, strconv.Itoa(visible))
		add(attrNumInFlight, strconv.Itoa(inflight))
		add(attrNumDelayed, strconv.Itoa(delayed))
	}
	return out, nil
}

// counts returns the queue's visible, in-flight and delayed messages.
func (s *Service) counts(ctx context.Context, q *queue, now int64) (visible, inflight, delayed int, err error) {
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT
			COALESCE(SUM(visible <= ?), 0),
			COALESCE(SUM(visible > ? AND receives > 0), 0),
			COALESCE(SUM(visible > ? AND receives = 0), 0)
			FROM sqs_messages WHERE qid = ?`, now, now, now, q.id).Scan(&visible, &inflight, &delayed)
	})
	return
}

type setAttributesIn struct {
	queueIn
	Attributes map[string]string
}

func (s *Service) setQueueAttributes(ctx context.Context, r *protocol.Request, in setAttributesIn) (any, error) {
	given, err := s.bindPolicy(ctx, in.Attributes)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, r, *in.QueueUrl, func(q *queue) error {
		if err := s.applyAttributes(q, given); err != nil {
			return err
		}
		q.modified = r.Now.Unix()
		return nil
	})
}

// update changes a queue's metadata in the store and then in memory.
func (s *Service) update(ctx context.Context, r *protocol.Request, u string, change func(q *queue) error) (any, error) {
	cur, err := s.resolve(r, u)
	if err != nil {
		return nil, err
	}
	q := cur.clone()
	if err := change(q); err != nil {
		return nil, err
	}
	attrsDoc, _ := json.Marshal(q.attrs)
	tagsDoc, _ := json.Marshal(q.tags)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID[q.id] == nil {
		return nil, errQueueDoesNotExist.New(msgNoQueue)
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE sqs_queues SET attrs = ?, tags = ?, modified = ? WHERE id = ?`, string(attrsDoc), string(tagsDoc), q.modified, q.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.add(q)
	return struct{}{}, nil
}

func (s *Service) purgeQueue(ctx context.Context, r *protocol.Request, in queueIn) (any, error) {
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if t, ok := s.purged[q.id]; ok && r.Now.Sub(t) < time.Minute {
		s.mu.Unlock()
		return nil, errPurgeInProgress.Errorf(msgPurgeInProgress, q.name)
	}
	s.purged[q.id] = r.Now
	s.mu.Unlock()
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`DELETE FROM sqs_messages WHERE qid = ?`, q.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

type tagIn struct {
	queueIn
	Tags map[string]string
}

func (s *Service) tagQueue(ctx context.Context, r *protocol.Request, in tagIn) (any, error) {
	return s.update(ctx, r, *in.QueueUrl, func(q *queue) error {
		maps.Copy(q.tags, in.Tags)
		return nil
	})
}

type untagIn struct {
	queueIn
	TagKeys []string
}

func (s *Service) untagQueue(ctx context.Context, r *protocol.Request, in untagIn) (any, error) {
	return s.update(ctx, r, *in.QueueUrl, func(q *queue) error {
		for _, k := range in.TagKeys {
			delete(q.tags, k)
		}
		return nil
	})
}

type tagsOut struct {
	Tags map[string]string `json:",omitempty"`
}

func (s *Service) listQueueTags(ctx context.Context, r *protocol.Request, in queueIn) (any, error) {
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	return tagsOut{Tags: q.tags}, nil
}
