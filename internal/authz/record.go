package authz

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/policy"
)

// The decision log does not explain decisions when they are made: it
// records what explaining needs, and `seki explain` explains when asked.
// A decision line carries the request as the engine saw it (principal,
// resource account, a snapshot of the context) and references to the
// policies of its set; each policy's document is written once per log file,
// on a line of its own before the first decision that uses it:
//
//	{"policy":3,"kind":"resource","name":"resource policy","document":"{...}"}
//	{"time":...,"requestId":...,...,"request":{...},"policies":{"resource":3,"identity":[1,2]}}
//
// Policy numbers count from 1 in each writer; a number defined again later in
// the file (after a restart) means the new document from there on.

// record is one decision line as the log holds it.
type record struct {
	Entry
	Request  *wireRequest `json:"request,omitempty"`
	Policies *wireSet     `json:"policies,omitempty"`
}

type wirePrincipal struct {
	Type     uint8             `json:"type"`
	ARN      string            `json:"arn,omitempty"`
	Account  string            `json:"account,omitempty"`
	RoleARN  string            `json:"roleArn,omitempty"`
	UserID   string            `json:"userId,omitempty"`
	Username string            `json:"username,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
}

type wireRequest struct {
	Principal       wirePrincipal `json:"principal"`
	ResourceAccount string        `json:"resourceAccount,omitempty"`
	Context         []wireKey     `json:"context,omitempty"`
}

type wireKey struct {
	Key    string   `json:"k"`
	Values []string `json:"v"`
}

// wireSet names a Set's policies by number; 0 is none.
type wireSet struct {
	Identity []uint64   `json:"identity,omitempty"`
	Boundary uint64     `json:"boundary,omitempty"`
	Session  []uint64   `json:"session,omitempty"`
	Resource uint64     `json:"resource,omitempty"`
	SCPs     [][]uint64 `json:"scps,omitempty"`
	RCPs     [][]uint64 `json:"rcps,omitempty"`
}

type wirePolicy struct {
	ID       uint64      `json:"policy"`
	Kind     policy.Kind `json:"kind"`
	Name     string      `json:"name,omitempty"`
	Document string      `json:"document"`
}

// maxNumbered bounds the encoder's memory of written policies; past it the
// encoder forgets them all and writes documents again as they recur.
const maxNumbered = 4096

// encoder writes decision lines for one log file. It runs on the log's
// goroutine only, and reuses its buffer, so a decision costs no allocation
// once its policies are numbered.
type encoder struct {
	num  map[*policy.Policy]uint64
	next uint64
	buf  []byte
}

func newEncoder() *encoder {
	return &encoder{num: make(map[*policy.Policy]uint64)}
}

// reset forgets every numbered policy, for a new file.
func (w *encoder) reset() { clear(w.num) }

// encode returns e's lines: the documents of policies not yet in this file,
// then the decision. The result is valid until the next call.
func (w *encoder) encode(e *Entry) ([]byte, error) {
	b := w.buf[:0]
	if !e.snap.ok {
		// An entry made elsewhere (tests, or already explained).
		line, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		return append(line, '\n'), nil
	}
	s := &e.snap
	if len(w.num) > maxNumbered {
		w.reset()
	}
	b = w.define(b, s.set.Resource)
	for _, p := range s.set.Identity {
		b = w.define(b, p)
	}
	b = w.define(b, s.set.Boundary)
	for _, p := range s.set.Session {
		b = w.define(b, p)
	}
	for _, level := range s.set.SCPs {
		for _, p := range level {
			b = w.define(b, p)
		}
	}
	for _, level := range s.set.RCPs {
		for _, p := range level {
			b = w.define(b, p)
		}
	}

	b = append(b, `{"time":"`...)
	b = e.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","requestId":`...)
	b = jsonstr.Append(b, e.RequestID)
	b = append(b, `,"principal":`...)
	b = jsonstr.Append(b, e.Principal)
	b = append(b, `,"action":`...)
	b = jsonstr.Append(b, e.Action)
	b = append(b, `,"resource":`...)
	b = jsonstr.Append(b, e.Resource)
	b = append(b, `,"decision":`...)
	b = jsonstr.Append(b, e.Decision)
	if e.Message != "" {
		b = append(b, `,"message":`...)
		b = jsonstr.Append(b, e.Message)
	}
	b = field(b, "rule", e.Rule)

	p := &s.who
	b = append(b, `,"request":{"principal":{"type":`...)
	b = strconv.AppendUint(b, uint64(p.Type), 10)
	b = field(b, "arn", p.ARN)
	b = field(b, "account", p.Account)
	b = field(b, "roleArn", p.RoleARN)
	b = field(b, "userId", p.UserID)
	b = field(b, "username", p.Username)
	if len(p.Tags) > 0 {
		b = append(b, `,"tags":{`...)
		first := true
		for k, v := range p.Tags {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = jsonstr.Append(b, k)
			b = append(b, ':')
			b = jsonstr.Append(b, v)
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	b = field(b, "resourceAccount", s.resourceAccount)
	if s.ctx.Len() > 0 {
		b = append(b, `,"context":[`...)
		first := true
		s.ctx.Range(func(k string, vs []string) bool {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, `{"k":`...)
			b = jsonstr.Append(b, k)
			b = append(b, `,"v":[`...)
			for i, v := range vs {
				if i > 0 {
					b = append(b, ',')
				}
				b = jsonstr.Append(b, v)
			}
			b = append(b, "]}"...)
			return true
		})
		b = append(b, ']')
	}
	b = append(b, `},"policies":{`...)
	n := len(b)
	b = w.refs(b, "identity", s.set.Identity)
	b = w.ref(b, "boundary", s.set.Boundary)
	b = w.refs(b, "session", s.set.Session)
	b = w.ref(b, "resource", s.set.Resource)
	b = w.levels(b, "scps", s.set.SCPs)
	b = w.levels(b, "rcps", s.set.RCPs)
	if len(b) > n && b[n] == ',' {
		b = append(b[:n], b[n+1:]...)
	}
	b = append(b, "}}\n"...)
	w.buf = b
	return b, nil
}

// define writes p's document line unless this file already has it.
func (w *encoder) define(b []byte, p *policy.Policy) []byte {
	if p == nil {
		return b
	}
	if _, ok := w.num[p]; ok {
		return b
	}
	w.next++
	w.num[p] = w.next
	b = append(b, `{"policy":`...)
	b = strconv.AppendUint(b, w.next, 10)
	b = append(b, `,"kind":`...)
	b = jsonstr.Append(b, p.Kind.String())
	b = field(b, "name", p.Name)
	b = append(b, `,"document":`...)
	b = jsonstr.Append(b, string(p.Source()))
	return append(b, "}\n"...)
}

func (w *encoder) ref(b []byte, name string, p *policy.Policy) []byte {
	if p == nil {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendUint(b, w.num[p], 10)
}

func (w *encoder) refs(b []byte, name string, ps []*policy.Policy) []byte {
	if len(ps) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return w.list(b, ps)
}

func (w *encoder) list(b []byte, ps []*policy.Policy) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, w.num[p], 10)
	}
	return append(b, ']')
}

func (w *encoder) levels(b []byte, name string, ls [][]*policy.Policy) []byte {
	if ls == nil {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '[')
	for i, l := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		b = w.list(b, l)
	}
	return append(b, ']')
}

// field appends ,"name":"value" when value is not empty.
func field(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return jsonstr.Append(b, value)
}

// decoder reads one log file's lines in order, keeping the policy
// documents defined so far (unparsed until a decision needs them), and
// explains the decisions it is asked for.
type decoder struct {
	docs   map[uint64][]byte // policy lines, by number
	parsed map[uint64]*policy.Policy
}

func newDecoder() *decoder {
	return &decoder{docs: make(map[uint64][]byte), parsed: make(map[uint64]*policy.Policy)}
}

var policyPrefix = []byte(`{"policy":`)

// definition takes a policy line and reports whether line was one.
func (d *decoder) definition(line []byte) bool {
	if !bytes.HasPrefix(line, policyPrefix) {
		return false
	}
	rest := line[len(policyPrefix):]
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return true
	}
	id, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	if err != nil {
		return true
	}
	d.docs[id] = bytes.Clone(line)
	delete(d.parsed, id)
	return true
}

// entry decodes a decision line and explains it from its recorded request
// and the policies defined before it.
func (d *decoder) entry(line []byte, explain bool) (Entry, bool) {
	var r record
	if err := json.Unmarshal(line, &r); err != nil {
		return Entry{}, false
	}
	e := r.Entry
	if r.Request != nil && len(r.Request.Context) > 0 {
		e.Keys = make(map[string][]string, len(r.Request.Context))
		for _, k := range r.Request.Context {
			e.Keys[k.Key] = k.Values
		}
	}
	if !explain || len(e.Reasons) > 0 || r.Request == nil || r.Policies == nil {
		return e, true // written explained, by an earlier version
	}
	w := &r.Request.Principal
	who := policy.Principal{Type: policy.PrincipalType(w.Type), ARN: w.ARN, Account: w.Account, RoleARN: w.RoleARN,
		UserID: w.UserID, Username: w.Username, Tags: w.Tags}
	req := policy.Request{Principal: &who, Action: e.Action, Resource: e.Resource,
		ResourceAccount: r.Request.ResourceAccount}
	if len(r.Request.Context) > 0 {
		req.Context = policy.NewContext(len(r.Request.Context))
		for _, k := range r.Request.Context {
			req.Context.Set(k.Key, k.Values...)
		}
	}
	ps := r.Policies
	set := policy.Set{
		Identity: d.list(ps.Identity),
		Boundary: d.policy(ps.Boundary),
		Session:  d.list(ps.Session),
		Resource: d.policy(ps.Resource),
		SCPs:     d.levels(ps.SCPs),
		RCPs:     d.levels(ps.RCPs),
	}
	e.Reasons = policy.Explain(&req, &set).Reasons
	return e, true
}

func (d *decoder) policy(id uint64) *policy.Policy {
	if id == 0 {
		return nil
	}
	if p, ok := d.parsed[id]; ok {
		return p
	}
	var w wirePolicy
	if err := json.Unmarshal(d.docs[id], &w); err != nil {
		return nil
	}
	p, err := policy.Reparse([]byte(w.Document), w.Kind)
	if err != nil {
		return nil
	}
	p.Name = w.Name
	d.parsed[id] = p
	return p
}

func (d *decoder) list(ids []uint64) []*policy.Policy {
	var out []*policy.Policy
	for _, id := range ids {
		if p := d.policy(id); p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (d *decoder) levels(ls [][]uint64) [][]*policy.Policy {
	if ls == nil {
		return nil
	}
	out := make([][]*policy.Policy, len(ls))
	for i, l := range ls {
		out[i] = d.list(l)
	}
	return out
}
