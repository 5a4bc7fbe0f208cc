package authz

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/seki-dev/seki/internal/policy"
)

// The JSON-lines decision log of earlier versions (decisions.jsonl), still
// read so that a data dir keeps its history across the upgrade; seki now
// writes the binary log of binlog.go. A decision line carries the request
// as the engine saw it (principal, resource account, a snapshot of the
// context) and references to the policies of its set; each policy's document is written once per log file,
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
