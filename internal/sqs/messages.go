package sqs

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Limits.
const (
	maxBatch      = 10
	maxBatchBytes = 1048576
	dedupWindow   = 5 * time.Minute
	maxAttributes = 10
)

// attrValue is a message attribute as the API carries it.
type attrValue struct {
	DataType         string
	StringValue      *string  `json:",omitempty"`
	BinaryValue      []byte   `json:",omitempty"`
	StringListValues []string `json:",omitempty"`
	BinaryListValues [][]byte `json:",omitempty"`
}

type sendIn struct {
	queueIn
	sendEntry
}

type sendEntry struct {
	Id                      string `json:",omitempty"`
	MessageBody             *string
	DelaySeconds            *int
	MessageAttributes       map[string]attrValue
	MessageSystemAttributes map[string]attrValue
	MessageDeduplicationId  *string
	MessageGroupId          *string
}

type sendOut struct {
	Id                           string `json:",omitempty"`
	MD5OfMessageBody             string
	MD5OfMessageAttributes       string `json:",omitempty"`
	MD5OfMessageSystemAttributes string `json:",omitempty"`
	MessageId                    string
	SequenceNumber               string `json:",omitempty"`
}

// AppendJSON writes what encoding/json writes for o (SendMessage answers
// without reflection; TestSendOutJSON compares the two).
func (o *sendOut) AppendJSON(b []byte) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	if o.Id != "" {
		b = append(b, `"Id":`...)
		b = append(jsonstr.Append(b, o.Id), ',')
	}
	b = append(b, `"MD5OfMessageBody":`...)
	b = jsonstr.Append(b, o.MD5OfMessageBody)
	if o.MD5OfMessageAttributes != "" {
		b = append(b, `,"MD5OfMessageAttributes":`...)
		b = jsonstr.Append(b, o.MD5OfMessageAttributes)
	}
	if o.MD5OfMessageSystemAttributes != "" {
		b = append(b, `,"MD5OfMessageSystemAttributes":`...)
		b = jsonstr.Append(b, o.MD5OfMessageSystemAttributes)
	}
	b = append(b, `,"MessageId":`...)
	b = jsonstr.Append(b, o.MessageId)
	if o.SequenceNumber != "" {
		b = append(b, `,"SequenceNumber":`...)
		b = jsonstr.Append(b, o.SequenceNumber)
	}
	return append(b, '}')
}

// newMessage is a validated message on its way into the store.
type newMessage struct {
	mid, body, bodyMD5 string
	attrs, attrsMD5    string
	trace, traceMD5    string
	sender             string
	sent, visible      int64
	group, dedup       string
	hasGroup           bool
	seq                int64
	out                *sendOut
	duplicateOf        string
	duplicateSeq       int64
}

// prepare validates one message for q.
func (s *Service) prepare(r *protocol.Request, q *queue, e *sendEntry, now time.Time) (*newMessage, error) {
	if e.MessageBody == nil || *e.MessageBody == "" {
		return nil, errMissingParameter.Errorf(msgMissing, "MessageBody")
	}
	body := *e.MessageBody
	if !validChars(body) {
		return nil, errInvalidMessage.New(msgInvalidChars)
	}
	m := &newMessage{mid: protocol.NewUUID(), body: body, sender: senderID(r), sent: millis(now)}
	size := len(body)
	if len(e.MessageAttributes) > maxAttributes {
		return nil, errInvalidParameterValue.Errorf(msgTooManyAttributes, len(e.MessageAttributes))
	}
	for name, a := range e.MessageAttributes {
		if err := validAttr(name, a); err != nil {
			return nil, err
		}
		size += len(name) + len(a.DataType) + len(a.BinaryValue)
		if a.StringValue != nil {
			size += len(*a.StringValue)
		}
	}
	if max := q.num(attrMaxSize); size > max {
		return nil, errInvalidParameterValue.Errorf(msgTooLong, max)
	}
	sum := md5.Sum([]byte(body))
	m.bodyMD5 = hex.EncodeToString(sum[:])
	m.out = &sendOut{Id: e.Id, MD5OfMessageBody: m.bodyMD5, MessageId: m.mid}
	if len(e.MessageAttributes) > 0 {
		doc, _ := json.Marshal(e.MessageAttributes)
		m.attrs = string(doc)
		m.attrsMD5 = attributesMD5(e.MessageAttributes)
		m.out.MD5OfMessageAttributes = m.attrsMD5
	}
	if t, ok := e.MessageSystemAttributes["AWSTraceHeader"]; ok && t.StringValue != nil {
		m.trace = *t.StringValue
		m.out.MD5OfMessageSystemAttributes = attributesMD5(map[string]attrValue{"AWSTraceHeader": t})
	}
	delay := q.num(attrDelay)
	if e.DelaySeconds != nil {
		if *e.DelaySeconds < 0 || *e.DelaySeconds > 900 {
			return nil, errInvalidParameterValue.Errorf(msgBadParam, strconv.Itoa(*e.DelaySeconds), "DelaySeconds", reasonDelay)
		}
		if q.fifo && *e.DelaySeconds != 0 {
			return nil, errInvalidParameterValue.Errorf(msgBadParam, strconv.Itoa(*e.DelaySeconds), "DelaySeconds", reasonNotForQueueType)
		}
		if !q.fifo {
			delay = *e.DelaySeconds
		}
	}
	m.visible = m.sent + int64(delay)*1000
	if e.MessageGroupId != nil {
		if !validToken(*e.MessageGroupId) {
			return nil, errInvalidParameterValue.Errorf(msgBadParam, *e.MessageGroupId, "MessageGroupId", fmt.Sprintf(reasonIDChars, "MessageGroupId"))
		}
		m.group, m.hasGroup = *e.MessageGroupId, true
	}
	if e.MessageDeduplicationId != nil {
		if !validToken(*e.MessageDeduplicationId) {
			return nil, errInvalidParameterValue.Errorf(msgBadParam, *e.MessageDeduplicationId, "MessageDeduplicationId", fmt.Sprintf(reasonIDChars, "MessageDeduplicationId"))
		}
		m.dedup = *e.MessageDeduplicationId
	}
	if q.fifo {
		if !m.hasGroup {
			return nil, errMissingParameter.New(msgGroupRequired)
		}
		if m.dedup == "" {
			if q.attrs[attrContentDedup] != "true" {
				return nil, errInvalidParameterValue.New(msgDedupRequired)
			}
			h := sha256.Sum256([]byte(body))
			m.dedup = hex.EncodeToString(h[:])
		}
	}
	return m, nil
}

// validChars reports whether s holds only the characters SQS accepts.
func validChars(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		switch {
		case c == 0x9 || c == 0xA || c == 0xD:
		case c >= 0x20 && c <= 0xD7FF:
		case c >= 0xE000 && c <= 0xFFFD:
		case c >= 0x10000 && c <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

// validToken is the rule for group and deduplication ids: 1 to 128
// alphanumeric or punctuation characters.
func validToken(s string) bool {
	if len(s) < 1 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func validAttr(name string, a attrValue) error {
	base, _, _ := strings.Cut(a.DataType, ".")
	switch base {
	case "String", "Number":
		if a.StringValue == nil || *a.StringValue == "" {
			return errInvalidParameterValue.Errorf(msgEmptyAttribute, name, base)
		}
	case "Binary":
		if len(a.BinaryValue) == 0 {
			return errInvalidParameterValue.Errorf(msgEmptyAttribute, name, base)
		}
	default:
		return errInvalidParameterValue.Errorf(msgBadDataType, name)
	}
	return nil
}

// attributesMD5 is SQS's digest of message attributes: for each attribute
// in name order, the length-prefixed name, data type, a transport byte (1
// string, 2 binary) and the length-prefixed value.
func attributesMD5(attrs map[string]attrValue) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	var n [4]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, name := range names {
		a := attrs[name]
		put([]byte(name))
		put([]byte(a.DataType))
		if strings.HasPrefix(a.DataType, "Binary") {
			h.Write([]byte{2})
			put(a.BinaryValue)
		} else {
			h.Write([]byte{1})
			v := ""
			if a.StringValue != nil {
				v = *a.StringValue
			}
			put([]byte(v))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// senderID is SenderId: the caller's user id (AIDA…, AROA…:session).
func senderID(r *protocol.Request) string {
	if r.Caller == nil {
		return ""
	}
	if id := r.Caller.Principal.UserID; id != "" {
		return id
	}
	return r.Caller.Principal.Account
}

func (s *Service) sendMessage(ctx context.Context, r *protocol.Request, in sendIn) (any, error) {
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	in.sendEntry.Id = ""
	m, err := s.prepare(r, q, &in.sendEntry, r.Now)
	if err != nil {
		return nil, err
	}
	if err := s.insert(ctx, q, []*newMessage{m}, r.Now); err != nil {
		return nil, err
	}
	return m.out, nil
}

// insert stores messages in one transaction, applying FIFO deduplication,
// and wakes long polls.
func (s *Service) insert(ctx context.Context, q *queue, msgs []*newMessage, now time.Time) error {
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		for _, m := range msgs {
			if q.fifo {
				key := m.dedup
				if q.attrs[attrDedupScope] == "messageGroup" {
					key = m.group + "\x00" + m.dedup
				}
				var mid string
				var seq int64
				err := tx.QueryRow(`SELECT mid, seq FROM sqs_dedup WHERE qid = ? AND dedup = ? AND expires > ?`, q.id, key, millis(now)).Scan(&mid, &seq)
				if err == nil {
					m.out.MessageId, m.out.SequenceNumber = mid, sequence(seq)
					continue
				}
				if !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			var grp, dedup any
			if m.hasGroup {
				grp = m.group
			}
			if q.fifo {
				dedup = m.dedup
			}
			res, err := tx.Exec(`INSERT INTO sqs_messages (qid, mid, body, body_md5, attrs, attrs_md5, trace, sender, sent, visible, grp, dedup)
				VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?, ?)`,
				q.id, m.mid, m.body, m.bodyMD5, m.attrs, m.attrsMD5, m.trace, m.sender, m.sent, m.visible, grp, dedup)
			if err != nil {
				return err
			}
			if q.fifo {
				id, _ := res.LastInsertId()
				m.out.SequenceNumber = sequence(id)
				key := m.dedup
				if q.attrs[attrDedupScope] == "messageGroup" {
					key = m.group + "\x00" + m.dedup
				}
				if _, err := tx.Exec(`INSERT OR REPLACE INTO sqs_dedup (qid, dedup, mid, seq, expires) VALUES (?, ?, ?, ?, ?)`,
					q.id, key, m.mid, id, millis(now.Add(dedupWindow))); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.wake(q.id)
	return nil
}

// sequence is a FIFO message's SequenceNumber: large and increasing.
func sequence(id int64) string { return fmt.Sprintf("1%019d", id) }

type sendBatchIn struct {
	queueIn
	Entries []sendEntry
}

type batchError struct {
	Id          string
	SenderFault bool
	Code        string
	Message     string `json:",omitempty"`
}

type sendBatchOut struct {
	Successful []*sendOut
	Failed     []batchError
}

// checkBatch validates a batch's entry ids.
func checkBatch(ids []string, what string) error {
	if len(ids) == 0 {
		return errEmptyBatch.Errorf(msgEmptyBatch, what)
	}
	if len(ids) > maxBatch {
		return errTooManyEntries.Errorf(msgTooManyEntries, len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !validBatchID(id) {
			return errInvalidBatchEntryID.New(msgBadBatchID)
		}
		if seen[id] {
			return errBatchIDsNotDistinct.Errorf(msgIDsNotDistinct, id)
		}
		seen[id] = true
	}
	return nil
}

func validBatchID(id string) bool {
	if len(id) < 1 || len(id) > 80 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// failure turns an error into a batch entry's failure.
func failure(id string, err error) batchError {
	ae := awserr.As(err)
	code := ae.Code
	if qc, ok := queryCodes[code]; ok {
		code = qc
	}
	return batchError{Id: id, SenderFault: !ae.Receiver, Code: code, Message: ae.Message}
}

func (s *Service) sendMessageBatch(ctx context.Context, r *protocol.Request, in sendBatchIn) (any, error) {
	ids := make([]string, len(in.Entries))
	total := 0
	for i, e := range in.Entries {
		ids[i] = e.Id
		if e.MessageBody != nil {
			total += len(*e.MessageBody)
		}
		for n, a := range e.MessageAttributes {
			total += len(n) + len(a.DataType) + len(a.BinaryValue)
			if a.StringValue != nil {
				total += len(*a.StringValue)
			}
		}
	}
	if err := checkBatch(ids, "SendMessageBatchRequestEntry"); err != nil {
		return nil, err
	}
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if total > maxBatchBytes {
		return nil, errBatchTooLong.Errorf(msgBatchTooLong, maxBatchBytes, total)
	}
	out := sendBatchOut{Successful: []*sendOut{}, Failed: []batchError{}}
	var msgs []*newMessage
	for i := range in.Entries {
		m, err := s.prepare(r, q, &in.Entries[i], r.Now)
		if err != nil {
			out.Failed = append(out.Failed, failure(in.Entries[i].Id, err))
			continue
		}
		msgs = append(msgs, m)
	}
	if len(msgs) > 0 {
		if err := s.insert(ctx, q, msgs, r.Now); err != nil {
			return nil, err
		}
	}
	for _, m := range msgs {
		out.Successful = append(out.Successful, m.out)
	}
	return out, nil
}

type receiveIn struct {
	queueIn
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	MaxNumberOfMessages         *int
	VisibilityTimeout           *int
	WaitTimeSeconds             *int
	ReceiveRequestAttemptId     string
}

// Message is a received message as the API returns it.
type Message struct {
	MessageId              string
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	Attributes             map[string]string    `json:",omitempty"`
	MD5OfMessageAttributes string               `json:",omitempty"`
	MessageAttributes      map[string]attrValue `json:",omitempty"`
}

type receiveOut struct {
	Messages []*Message `json:",omitempty"`
}

// stored is a message as read from the store during a receive.
type stored struct {
	id, sent, receives, firstRecv, nonce int64
	mid, body, bodyMD5, sender           string
	attrs, attrsMD5, trace               string
	grp, dedup, dlqSource                string
	hasGroup                             bool
}

func (s *Service) receiveMessage(ctx context.Context, r *protocol.Request, in receiveIn) (any, error) {
	max := 1
	if in.MaxNumberOfMessages != nil {
		max = *in.MaxNumberOfMessages
		if max < 1 || max > 10 {
			return nil, errInvalidParameterValue.Errorf(msgBadParam, strconv.Itoa(max), "MaxNumberOfMessages", reasonMaxMessages)
		}
	}
	if in.WaitTimeSeconds != nil && (*in.WaitTimeSeconds < 0 || *in.WaitTimeSeconds > 20) {
		return nil, errInvalidParameterValue.Errorf(msgBadParam, strconv.Itoa(*in.WaitTimeSeconds), "WaitTimeSeconds", reasonWaitTime)
	}
	if in.VisibilityTimeout != nil && (*in.VisibilityTimeout < 0 || *in.VisibilityTimeout > 43200) {
		return nil, errInvalidParameterValue.Errorf(msgBadParam, strconv.Itoa(*in.VisibilityTimeout), "VisibilityTimeout", reasonVisibility)
	}
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	wait := time.Duration(q.num(attrWait)) * time.Second
	if in.WaitTimeSeconds != nil {
		wait = time.Duration(*in.WaitTimeSeconds) * time.Second
	}
	vt := q.num(attrVisibility)
	if in.VisibilityTimeout != nil {
		vt = *in.VisibilityTimeout
	}
	got, err := s.poll(ctx, q, max, vt, wait, nil)
	if err != nil {
		return nil, err
	}
	sys := append(append([]string(nil), in.AttributeNames...), in.MessageSystemAttributeNames...)
	out := receiveOut{}
	for _, m := range got {
		out.Messages = append(out.Messages, m.message(q, sys, in.MessageAttributeNames))
	}
	return out, nil
}

// poll receives up to max messages, waiting up to wait for the first.
// recheck, when set, runs before every attempt after the first.
func (s *Service) poll(ctx context.Context, q *queue, max, vt int, wait time.Duration, recheck func() error) ([]*stored, error) {
	deadline := s.now().Add(wait)
	for first := true; ; first = false {
		if !first && recheck != nil {
			if err := recheck(); err != nil {
				return nil, err
			}
		}
		ch := s.waiter(q.id)
		now := s.now()
		got, next, err := s.receive(ctx, q, max, vt, now)
		if err != nil || len(got) > 0 || !now.Before(deadline) {
			return got, err
		}
		if s.lookupID(q.id) == nil {
			return nil, nil
		}
		d := deadline.Sub(now)
		if next > 0 {
			if until := time.UnixMilli(next).Sub(now); until < d {
				d = max64(until, time.Millisecond)
			}
		}
		t := time.NewTimer(d)
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, nil
		}
		t.Stop()
	}
}

func max64(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// receive takes up to max visible messages in one transaction: each
// becomes invisible for vt seconds with a new receipt; messages past the
// retention period are dropped, and those received maxReceiveCount times
// move to the dead-letter queue. next is when the earliest invisible
// message becomes visible (0 when none).
func (s *Service) receive(ctx context.Context, q *queue, max, vt int, now time.Time) (got []*stored, next int64, err error) {
	ms := millis(now)
	retention := int64(q.num(attrRetention)) * 1000
	var dlq *queue
	if q.redrive != nil {
		dlq = s.lookupARN(q.redrive.target)
	}
	movedToDLQ := false
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		got = got[:0]
		blocked := map[string]bool{}
		if q.fifo {
			rows, err := tx.Query(`SELECT DISTINCT grp FROM sqs_messages WHERE qid = ? AND visible > ? AND receives > 0`, q.id, ms)
			if err != nil {
				return err
			}
			for rows.Next() {
				var g string
				if err := rows.Scan(&g); err != nil {
					rows.Close()
					return err
				}
				blocked[g] = true
			}
			rows.Close()
		}
		limit := max
		if q.fifo || dlq != nil {
			limit = max * 10
		}
		rows, err := tx.Query(`SELECT id, mid, body, body_md5, COALESCE(attrs, ''), COALESCE(attrs_md5, ''), COALESCE(trace, ''), sender, sent,
			receives, COALESCE(first_recv, 0), grp, COALESCE(dedup, ''), COALESCE(dlq_source, '')
			FROM sqs_messages WHERE qid = ? AND visible <= ? ORDER BY visible, id LIMIT ?`, q.id, ms, limit)
		if err != nil {
			return err
		}
		var cands []*stored
		for rows.Next() {
			m := &stored{}
			var grp *string
			if err := rows.Scan(&m.id, &m.mid, &m.body, &m.bodyMD5, &m.attrs, &m.attrsMD5, &m.trace, &m.sender, &m.sent,
				&m.receives, &m.firstRecv, &grp, &m.dedup, &m.dlqSource); err != nil {
				rows.Close()
				return err
			}
			if grp != nil {
				m.grp, m.hasGroup = *grp, true
			}
			cands = append(cands, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range cands {
			if len(got) == max {
				break
			}
			if ms-m.sent > retention {
				if _, err := tx.Exec(`DELETE FROM sqs_messages WHERE id = ?`, m.id); err != nil {
					return err
				}
				continue
			}
			if q.fifo && blocked[m.grp] {
				continue
			}
			if dlq != nil && m.receives >= int64(q.redrive.maxReceive) {
				if _, err := tx.Exec(`UPDATE sqs_messages SET qid = ?, visible = ?, dlq_source = ? WHERE id = ?`, dlq.id, ms, q.arn(), m.id); err != nil {
					return err
				}
				movedToDLQ = true
				continue
			}
			m.receives++
			if m.firstRecv == 0 {
				m.firstRecv = ms
			}
			m.nonce = randomNonce()
			if _, err := tx.Exec(`UPDATE sqs_messages SET visible = ?, receives = ?, first_recv = ?, receipt = ? WHERE id = ?`,
				ms+int64(vt)*1000, m.receives, m.firstRecv, m.nonce, m.id); err != nil {
				return err
			}
			got = append(got, m)
			if q.fifo {
				// Later messages of a group wait until this one is done,
				// but one receive may take several of the same group.
				continue
			}
		}
		if len(got) == 0 {
			var n *int64
			if err := tx.QueryRow(`SELECT MIN(visible) FROM sqs_messages WHERE qid = ? AND visible > ?`, q.id, ms).Scan(&n); err != nil {
				return err
			}
			if n != nil {
				next = *n
			}
		}
		return nil
	})
	if movedToDLQ && dlq != nil {
		s.wake(dlq.id)
	}
	return got, next, err
}

func randomNonce() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

// receipt encodes a receipt handle: the queue, the message row and the
// receive's nonce.
func receipt(qid, id, nonce int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(qid, 10) + ":" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(nonce, 10)))
}

// parseReceipt decodes a receipt handle issued for queue q.
func parseReceipt(q *queue, h string) (id, nonce int64, err error) {
	bad := errReceiptHandleInvalid.Errorf(msgBadReceipt, h)
	raw, e := base64.RawURLEncoding.DecodeString(h)
	if e != nil {
		return 0, 0, bad
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 {
		return 0, 0, bad
	}
	qid, e1 := strconv.ParseInt(parts[0], 10, 64)
	id, e2 := strconv.ParseInt(parts[1], 10, 64)
	nonce, e3 := strconv.ParseInt(parts[2], 10, 64)
	if e1 != nil || e2 != nil || e3 != nil || qid != q.id {
		return 0, 0, bad
	}
	return id, nonce, nil
}

// message renders a received message with the system attributes and
// message attributes asked for.
func (m *stored) message(q *queue, sys, attrNames []string) *Message {
	out := &Message{MessageId: m.mid, ReceiptHandle: receipt(q.id, m.id, m.nonce), MD5OfBody: m.bodyMD5, Body: m.body}
	all := slices.Contains(sys, "All")
	want := func(n string) bool { return all || slices.Contains(sys, n) }
	set := func(n, v string) {
		if want(n) {
			if out.Attributes == nil {
				out.Attributes = map[string]string{}
			}
			out.Attributes[n] = v
		}
	}
	set("SenderId", m.sender)
	set("SentTimestamp", strconv.FormatInt(m.sent, 10))
	set("ApproximateReceiveCount", strconv.FormatInt(m.receives, 10))
	set("ApproximateFirstReceiveTimestamp", strconv.FormatInt(m.firstRecv, 10))
	if m.trace != "" {
		set("AWSTraceHeader", m.trace)
	}
	if m.dlqSource != "" {
		set("DeadLetterQueueSourceArn", m.dlqSource)
	}
	if q.fifo {
		set("MessageGroupId", m.grp)
		set("MessageDeduplicationId", m.dedup)
		set("SequenceNumber", sequence(m.id))
	} else if m.hasGroup {
		set("MessageGroupId", m.grp)
	}
	if m.attrs == "" || len(attrNames) == 0 {
		return out
	}
	var attrs map[string]attrValue
	if json.Unmarshal([]byte(m.attrs), &attrs) != nil {
		return out
	}
	picked := map[string]attrValue{}
	for n, a := range attrs {
		for _, w := range attrNames {
			if w == "All" || w == ".*" || w == n || (strings.HasSuffix(w, ".*") && strings.HasPrefix(n, strings.TrimSuffix(w, "*"))) {
				picked[n] = a
				break
			}
		}
	}
	if len(picked) == 0 {
		return out
	}
	out.MessageAttributes = picked
	if len(picked) == len(attrs) {
		out.MD5OfMessageAttributes = m.attrsMD5
	} else {
		out.MD5OfMessageAttributes = attributesMD5(picked)
	}
	return out
}

type deleteIn struct {
	queueIn
	ReceiptHandle *string
}

func (s *Service) deleteMessage(ctx context.Context, r *protocol.Request, in deleteIn) (any, error) {
	if in.ReceiptHandle == nil {
		return nil, errMissingParameter.Errorf(msgMissing, "ReceiptHandle")
	}
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	errs, err := s.remove(ctx, q, []string{*in.ReceiptHandle}, r.Now)
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return struct{}{}, nil
}

// remove deletes messages by receipt handle in one transaction. A handle
// of a message already deleted succeeds, as in AWS; on FIFO queues a
// handle whose visibility timeout has passed has expired.
func (s *Service) remove(ctx context.Context, q *queue, handles []string, now time.Time) ([]error, error) {
	errs := make([]error, len(handles))
	ids := make([]int64, len(handles))
	nonces := make([]int64, len(handles))
	for i, h := range handles {
		ids[i], nonces[i], errs[i] = parseReceipt(q, h)
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		for i := range handles {
			if errs[i] != nil {
				continue
			}
			if q.fifo {
				var visible, nonce int64
				err := tx.QueryRow(`SELECT visible, receipt FROM sqs_messages WHERE id = ? AND qid = ?`, ids[i], q.id).Scan(&visible, &nonce)
				if errors.Is(err, sql.ErrNoRows) {
					continue
				}
				if err != nil {
					return err
				}
				if nonce != nonces[i] || visible <= millis(now) {
					errs[i] = errInvalidParameterValue.Errorf(msgBadParam, handles[i], "ReceiptHandle", reasonReceiptExpired)
					continue
				}
			}
			if _, err := tx.Exec(`DELETE FROM sqs_messages WHERE id = ? AND qid = ?`, ids[i], q.id); err != nil {
				return err
			}
		}
		return nil
	})
	return errs, err
}

type deleteBatchIn struct {
	queueIn
	Entries []struct {
		Id            string
		ReceiptHandle string
	}
}

type batchOut struct {
	Successful []idOut
	Failed     []batchError
}

type idOut struct{ Id string }

func (s *Service) deleteMessageBatch(ctx context.Context, r *protocol.Request, in deleteBatchIn) (any, error) {
	ids := make([]string, len(in.Entries))
	handles := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i], handles[i] = e.Id, e.ReceiptHandle
	}
	if err := checkBatch(ids, "DeleteMessageBatchRequestEntry"); err != nil {
		return nil, err
	}
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	errs, err := s.remove(ctx, q, handles, r.Now)
	if err != nil {
		return nil, err
	}
	return batchResult(ids, errs), nil
}

func batchResult(ids []string, errs []error) batchOut {
	out := batchOut{Successful: []idOut{}, Failed: []batchError{}}
	for i, id := range ids {
		if errs[i] != nil {
			out.Failed = append(out.Failed, failure(id, errs[i]))
		} else {
			out.Successful = append(out.Successful, idOut{id})
		}
	}
	return out
}

type visibilityIn struct {
	queueIn
	ReceiptHandle     *string
	VisibilityTimeout *int
}

func (s *Service) changeVisibility(ctx context.Context, r *protocol.Request, in visibilityIn) (any, error) {
	if in.ReceiptHandle == nil {
		return nil, errMissingParameter.Errorf(msgMissing, "ReceiptHandle")
	}
	if in.VisibilityTimeout == nil {
		return nil, errMissingParameter.Errorf(msgMissing, "VisibilityTimeout")
	}
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	errs, err := s.setVisibility(ctx, q, []string{*in.ReceiptHandle}, []int{*in.VisibilityTimeout}, r.Now)
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return struct{}{}, nil
}

// setVisibility changes in-flight messages' visibility timeouts.
func (s *Service) setVisibility(ctx context.Context, q *queue, handles []string, vts []int, now time.Time) ([]error, error) {
	errs := make([]error, len(handles))
	ids := make([]int64, len(handles))
	for i, h := range handles {
		ids[i], _, errs[i] = parseReceipt(q, h)
		if errs[i] == nil && (vts[i] < 0 || vts[i] > 43200) {
			errs[i] = errInvalidParameterValue.Errorf(msgBadParam, strconv.Itoa(vts[i]), "VisibilityTimeout", reasonVisibility)
		}
	}
	ms := millis(now)
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		for i := range handles {
			if errs[i] != nil {
				continue
			}
			res, err := tx.Exec(`UPDATE sqs_messages SET visible = ? WHERE id = ? AND qid = ? AND visible > ? AND receives > 0`,
				ms+int64(vts[i])*1000, ids[i], q.id, ms)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				errs[i] = errMessageNotInflight.New(msgNotInflight)
			}
		}
		return nil
	})
	if err == nil && slices.Contains(vts, 0) {
		s.wake(q.id)
	}
	return errs, err
}

type visibilityBatchIn struct {
	queueIn
	Entries []struct {
		Id                string
		ReceiptHandle     string
		VisibilityTimeout int
	}
}

func (s *Service) changeVisibilityBatch(ctx context.Context, r *protocol.Request, in visibilityBatchIn) (any, error) {
	ids := make([]string, len(in.Entries))
	handles := make([]string, len(in.Entries))
	vts := make([]int, len(in.Entries))
	for i, e := range in.Entries {
		ids[i], handles[i], vts[i] = e.Id, e.ReceiptHandle, e.VisibilityTimeout
	}
	if err := checkBatch(ids, "ChangeMessageVisibilityBatchRequestEntry"); err != nil {
		return nil, err
	}
	q, err := s.resolve(r, *in.QueueUrl)
	if err != nil {
		return nil, err
	}
	errs, err := s.setVisibility(ctx, q, handles, vts, r.Now)
	if err != nil {
		return nil, err
	}
	return batchResult(ids, errs), nil
}
