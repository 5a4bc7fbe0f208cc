package authz

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"time"
	"unsafe"

	"github.com/seki-dev/seki/internal/policy"
)

// The decision log is binary, so that recording a decision costs the
// writer a few comparisons and a few dozen bytes, not a JSON encoding:
// everything a decision shares with the ones before it (the principal, the
// context, the policy set, the question and the answer) is written once as
// a numbered definition, and the decision itself is its time, the number
// of its "case" and its request id. Explaining happens when someone reads.
//
// A file is a sequence of chunks, each written with one write(2):
//
//	"SKDL" | session uint64 | length uint32 | crc32c(payload) uint32 | payload
//
// The payload is records: a kind byte, the body's length (uvarint), the
// body. Numbers (uvarint) count from 1 per kind within a session; 0 is
// none. A session is one writer's run on one file (a restart or a rotation
// starts another), and a reader resolves a decision with its own session's
// definitions only, so a chunk torn by a crash can leave a later decision
// unexplained but never explained with another session's policies. A
// reader skips what it cannot check (a torn or corrupt chunk) and finds the
// next chunk by its magic.
const (
	chunkMagic  = "SKDL"
	chunkHeader = 4 + 8 + 4 + 4
	// chunkTarget is where the writer ends a chunk; one record may take
	// it past, never past maxChunk (readers hold a whole chunk).
	chunkTarget = 256 << 10
	maxChunk    = 1 << 20
)

// Record kinds.
const (
	recPolicy    = 'p' // id, kind, name, document
	recPrincipal = 'w' // id, type, arn, account, roleArn, userId, username, tags count, (key, value)...
	recContext   = 'c' // id, keys count, (name, values count, values...)...
	recSet       = 's' // id, identity ids, boundary, session ids, resource, SCP levels, RCP levels
	recCase      = 'k' // id, principal, context, set, result, action, resource, resource account, message, rule
	recDecision  = 'd' // time (unix ns, varint, less the chunk's previous decision's), case, request id (the rest)
	recDecided   = 'D' // time as in 'd', case, context, request id (the rest); the case's own context is 0
	recEntry     = 'e' // an Entry recorded ready-made (Log.Record), as JSON
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maxInterned bounds the writer's memory of principals and policies, and
// maxRecent of contexts and cases (which hold request values); past it a
// table starts over and definitions are written again as they recur.
const (
	maxInterned = 4096
	maxRecent   = 512
)

// whoKey identifies a principal by value; tags by the map's identity
// (principals are built once per request or per cached credential and
// their tags never change afterwards). Holding the map keeps it alive, so
// its address cannot be reused for another.
type whoKey struct {
	typ                                     policy.PrincipalType
	arn, account, roleARN, userID, username string
	tags                                    unsafe.Pointer
}

func keyOf(p *policy.Principal) whoKey {
	return whoKey{p.Type, p.ARN, p.Account, p.RoleARN, p.UserID, p.Username, *(*unsafe.Pointer)(unsafe.Pointer(&p.Tags))}
}

func (k *whoKey) same(o *whoKey) bool {
	return k.typ == o.typ && k.tags == o.tags && same(k.arn, o.arn) && same(k.account, o.account) &&
		same(k.roleARN, o.roleARN) && same(k.userID, o.userID) && same(k.username, o.username)
}

// same is a == b, without a call when both are the same string (as a
// repeated decision's mostly are).
func same(a, b string) bool {
	return len(a) == len(b) && (len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// caseKey is everything a decision shares with an identical one.
type caseKey struct {
	who, ctx, set                                uint64
	result                                       policy.Result
	action, resource, resourceAccount, msg, rule string
}

func (k *caseKey) same(o *caseKey) bool {
	return k.who == o.who && k.ctx == o.ctx && k.set == o.set && k.result == o.result &&
		same(k.action, o.action) && same(k.resource, o.resource) && same(k.resourceAccount, o.resourceAccount) &&
		same(k.msg, o.msg) && same(k.rule, o.rule)
}

// encoder turns queued decisions into chunks for one file. It runs on the
// log's goroutine only. The last context, set and case are kept (and so
// kept alive: their identity is compared by address) to spot repeats;
// principals and policies are kept in tables.
type encoder struct {
	session uint64
	// out holds finished chunks and, from cur on, the chunk being built
	// (cur < 0: none), so that a batch is one write(2).
	out []byte
	cur int

	nPolicy, nWho, nCtx, nSet, nCase uint64

	policies map[*policy.Policy]uint64
	whos     map[whoKey]uint64
	// ctxs and cases map recent contexts and cases, encoded, to their
	// numbers.
	ctxs  map[string]uint64
	cases map[string]uint64

	// kases numbers the cases requests found (Log.cases) by identity, and
	// frozen the contexts by their snapshot's identity.
	kases  map[*caseRef]uint64
	frozen map[policy.Frozen]uint64

	lastWho    whoKey
	lastWhoID  uint64
	lastKase   *caseRef
	lastKaseID uint64
	lastCtx    policy.Frozen
	lastCtxID  uint64
	lastSet    policy.Set
	lastSetID  uint64
	lastCase   caseKey
	lastCaseID uint64
	// lastTime is the time of the chunk's previous decision (0 at its
	// start), which the next one is written relative to.
	lastTime int64
	scratch  []byte
}

func newEncoder() *encoder {
	w := &encoder{policies: make(map[*policy.Policy]uint64), whos: make(map[whoKey]uint64),
		ctxs: make(map[string]uint64), cases: make(map[string]uint64), kases: make(map[*caseRef]uint64), frozen: make(map[policy.Frozen]uint64), cur: -1}
	w.reset()
	return w
}

// reset starts a new session, in which every definition is written again,
// and drops what was not taken.
func (w *encoder) reset() {
	w.session = rand.Uint64()
	clear(w.policies)
	clear(w.whos)
	w.lastWho, w.lastWhoID = whoKey{}, 0
	w.lastCtx, w.lastCtxID = policy.Frozen{}, 0
	clear(w.kases)
	clear(w.frozen)
	w.lastKase, w.lastKaseID = nil, 0
	w.lastSet, w.lastSetID = policy.Set{}, 0
	clear(w.ctxs)
	clear(w.cases)
	w.lastCase, w.lastCaseID = caseKey{}, 0
	w.nPolicy, w.nWho, w.nCtx, w.nSet, w.nCase = 0, 0, 0, 0, 0
	w.out, w.cur = w.out[:0], -1
}

// size is how many bytes taking would return now.
func (w *encoder) size() int { return len(w.out) }

// take finishes the chunk being built and returns every finished chunk,
// valid until the next add.
func (w *encoder) take() []byte {
	w.finish()
	b := w.out
	w.out = w.out[:0]
	return b
}

// finish seals the chunk being built.
func (w *encoder) finish() {
	if w.cur < 0 {
		return
	}
	c := w.out[w.cur:]
	binary.LittleEndian.PutUint64(c[4:], w.session)
	binary.LittleEndian.PutUint32(c[12:], uint32(len(c)-chunkHeader))
	binary.LittleEndian.PutUint32(c[16:], crc32.Checksum(c[chunkHeader:], castagnoli))
	w.cur = -1
}

// room makes sure a chunk is being built with room for n more bytes,
// sealing the current one past chunkTarget.
func (w *encoder) room(n int) {
	if w.cur >= 0 && len(w.out)-w.cur-chunkHeader+n > chunkTarget {
		w.finish()
	}
	if w.cur < 0 {
		w.lastTime = 0
		w.cur = len(w.out)
		w.out = append(w.out, chunkMagic...)
		w.out = append(w.out, make([]byte, chunkHeader-len(chunkMagic))...)
	}
}

// record appends a record of kind with body.
func (w *encoder) record(kind byte, body []byte) {
	w.room(1 + binary.MaxVarintLen64 + len(body))
	w.out = append(w.out, kind)
	w.out = binary.AppendUvarint(w.out, uint64(len(body)))
	w.out = append(w.out, body...)
}

// add encodes one queued decision stamped with now.
func (w *encoder) add(s *slot, now time.Time) {
	if s.rare != nil && s.rare.entry != nil {
		e := s.rare.entry
		if e.Time.IsZero() {
			e.Time = now
		}
		if b, err := json.Marshal(e); err == nil {
			w.record(recEntry, b)
		}
		return
	}
	kase := w.kase(s.kase)
	ctx := w.context(s.ctx)
	// The decision itself, written in place: the time (from the chunk's
	// previous decision: a batch shares one), the case, the context and
	// the request id.
	w.room(1 + 4*binary.MaxVarintLen64 + len(s.requestID))
	t := now.UnixNano()
	dt := t - w.lastTime
	w.lastTime = t
	zz := uint64(dt<<1) ^ uint64(dt>>63)
	n := uvarintLen(zz) + uvarintLen(kase) + uvarintLen(ctx) + len(s.requestID)
	w.out = append(w.out, recDecided)
	w.out = binary.AppendUvarint(w.out, uint64(n))
	w.out = binary.AppendVarint(w.out, dt)
	w.out = binary.AppendUvarint(w.out, kase)
	w.out = binary.AppendUvarint(w.out, ctx)
	w.out = append(w.out, s.requestID...)
}

// kase returns the number of a case, defining it (and its principal and
// policy set) when this session has not seen it.
func (w *encoder) kase(c *caseRef) uint64 {
	if c == w.lastKase && w.lastKaseID != 0 {
		return w.lastKaseID
	}
	id, ok := w.kases[c]
	if !ok {
		k := caseKey{who: w.principal(c.who), set: w.set(&c.set), result: c.result, action: c.action,
			resource: c.resource, resourceAccount: c.resourceAccount, msg: c.msg, rule: c.rule}
		if w.lastCaseID != 0 && k.same(&w.lastCase) {
			id = w.lastCaseID
		} else {
			b := w.scratch[:0]
			b = binary.AppendUvarint(b, k.who)
			b = binary.AppendUvarint(b, 0) // the context is the decision's
			b = binary.AppendUvarint(b, k.set)
			b = append(b, byte(k.result))
			b = appendString(b, k.action)
			b = appendString(b, k.resource)
			b = appendString(b, k.resourceAccount)
			b = appendString(b, k.msg)
			b = appendString(b, k.rule)
			w.scratch = b
			id = w.intern(w.cases, &w.nCase, recCase, b)
			w.lastCase, w.lastCaseID = k, id
		}
		if len(w.kases) >= maxRecent {
			clear(w.kases)
		}
		w.kases[c] = id
	}
	w.lastKase, w.lastKaseID = c, id
	return id
}

func (w *encoder) principal(p *policy.Principal) uint64 {
	k := keyOf(p)
	if w.lastWhoID != 0 && k.same(&w.lastWho) {
		return w.lastWhoID
	}
	id, ok := w.whos[k]
	if !ok {
		id = w.definePrincipal(k, p)
	}
	w.lastWho, w.lastWhoID = k, id
	return id
}

func (w *encoder) definePrincipal(k whoKey, p *policy.Principal) uint64 {
	if len(w.whos) >= maxInterned {
		clear(w.whos)
	}
	w.nWho++
	w.whos[k] = w.nWho
	b := w.scratch[:0]
	b = binary.AppendUvarint(b, w.nWho)
	b = append(b, byte(p.Type))
	b = appendString(b, p.ARN)
	b = appendString(b, p.Account)
	b = appendString(b, p.RoleARN)
	b = appendString(b, p.UserID)
	b = appendString(b, p.Username)
	b = binary.AppendUvarint(b, uint64(len(p.Tags)))
	for k, v := range p.Tags {
		b = appendString(b, k)
		b = appendString(b, v)
	}
	w.record(recPrincipal, b)
	w.scratch = b
	return w.nWho
}

func (w *encoder) context(f policy.Frozen) uint64 {
	if w.lastCtxID != 0 && f == w.lastCtx {
		return w.lastCtxID
	}
	if id, ok := w.frozen[f]; ok {
		w.lastCtx, w.lastCtxID = f, id
		return id
	}
	snap := f.Thaw()
	c := &snap
	// Another request's context: by content, the same as a recent one
	// more often than not (a client's calls within a second).
	b := w.scratch[:0]
	b = binary.AppendUvarint(b, uint64(c.Len()))
	c.Range(func(k string, vs []string) bool {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = appendString(b, v)
		}
		return true
	})
	w.scratch = b
	id := w.intern(w.ctxs, &w.nCtx, recContext, b)
	if len(w.frozen) >= maxRecent {
		clear(w.frozen)
	}
	w.frozen[f] = id
	w.lastCtx, w.lastCtxID = f, id
	return id
}

// intern returns the number of the encoded value b among the recent ones
// of its kind, defining it under the next number n if it is new. Past
// maxRecent values the table starts over (readers keep every definition).
func (w *encoder) intern(recent map[string]uint64, n *uint64, kind byte, b []byte) uint64 {
	if id, ok := recent[string(b)]; ok {
		return id
	}
	if len(recent) >= maxRecent {
		clear(recent)
	}
	*n++
	recent[string(b)] = *n
	w.definition(kind, *n, b)
	return *n
}

// definition appends a record of kind whose body is id then rest.
func (w *encoder) definition(kind byte, id uint64, rest []byte) {
	n := uvarintLen(id) + len(rest)
	w.room(1 + binary.MaxVarintLen64 + n)
	w.out = append(w.out, kind)
	w.out = binary.AppendUvarint(w.out, uint64(n))
	w.out = binary.AppendUvarint(w.out, id)
	w.out = append(w.out, rest...)
}

// sameSlice reports whether a and b are the same slice (policy slices are
// never changed in place: identity caches hand out shared ones).
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
}

// sameSet reports whether a and b are the same policies by identity.
func sameSet(a, b *policy.Set) bool {
	return a.Resource == b.Resource && a.Boundary == b.Boundary && sameSlice(a.Identity, b.Identity) &&
		sameSlice(a.Session, b.Session) && sameSlice(a.SCPs, b.SCPs) && sameSlice(a.RCPs, b.RCPs)
}

// sameWho reports whether a and b are the same principal (by value, tags
// by identity).
func sameWho(a, b *policy.Principal) bool {
	ka, kb := keyOf(a), keyOf(b)
	return ka.same(&kb)
}

func (w *encoder) set(s *policy.Set) uint64 {
	if w.lastSetID != 0 && sameSet(s, &w.lastSet) {
		return w.lastSetID
	}
	if len(w.policies) >= maxInterned {
		// Only sets written from here on refer to policies, and each
		// defines what it uses first.
		clear(w.policies)
	}
	// Policies first: a definition precedes its use.
	w.define(s.Resource)
	w.define(s.Boundary)
	for _, p := range s.Identity {
		w.define(p)
	}
	for _, p := range s.Session {
		w.define(p)
	}
	for _, level := range s.SCPs {
		for _, p := range level {
			w.define(p)
		}
	}
	for _, level := range s.RCPs {
		for _, p := range level {
			w.define(p)
		}
	}
	w.nSet++
	b := w.scratch[:0]
	b = binary.AppendUvarint(b, w.nSet)
	b = w.appendList(b, s.Identity)
	b = binary.AppendUvarint(b, w.policies[s.Boundary])
	b = w.appendList(b, s.Session)
	b = binary.AppendUvarint(b, w.policies[s.Resource])
	b = w.appendLevels(b, s.SCPs)
	b = w.appendLevels(b, s.RCPs)
	w.record(recSet, b)
	w.scratch = b
	w.lastSet, w.lastSetID = *s, w.nSet
	return w.nSet
}

// define writes p's document unless this session already has it.
func (w *encoder) define(p *policy.Policy) {
	if p == nil {
		return
	}
	if _, ok := w.policies[p]; ok {
		return
	}
	w.nPolicy++
	w.policies[p] = w.nPolicy
	b := binary.AppendUvarint(w.scratch[:0], w.nPolicy)
	b = append(b, byte(p.Kind))
	b = appendString(b, p.Name)
	b = append(b, p.Source()...)
	w.record(recPolicy, b)
	w.scratch = b
}

func (w *encoder) appendList(b []byte, ps []*policy.Policy) []byte {
	b = binary.AppendUvarint(b, uint64(len(ps)))
	for _, p := range ps {
		b = binary.AppendUvarint(b, w.policies[p])
	}
	return b
}

// appendLevels writes a level count plus one (0 for nil: no organization,
// which differs from an organization with no levels).
func (w *encoder) appendLevels(b []byte, ls [][]*policy.Policy) []byte {
	if ls == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(ls))+1)
	for _, l := range ls {
		b = w.appendList(b, l)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// The reading side.

type policyDef struct {
	kind   policy.Kind
	name   string
	doc    []byte
	parsed *policy.Policy
	bad    bool
}

type ctxDef struct {
	names []string
	vals  [][]string
}

type setDef struct {
	identity, session  []uint64
	boundary, resource uint64
	scps, rcps         [][]uint64
}

type caseDef struct {
	who, ctx, set                                uint64
	result                                       policy.Result
	action, resource, resourceAccount, msg, rule string
}

// reader decodes one file's chunks in order, keeping the current session's
// definitions.
type reader struct {
	session  uint64
	policies map[uint64]*policyDef
	whos     map[uint64]*policy.Principal
	ctxs     map[uint64]*ctxDef
	sets     map[uint64]*setDef
	cases    map[uint64]*caseDef
}

func newReader() *reader {
	return &reader{policies: map[uint64]*policyDef{}, whos: map[uint64]*policy.Principal{},
		ctxs: map[uint64]*ctxDef{}, sets: map[uint64]*setDef{}, cases: map[uint64]*caseDef{}}
}

// decision is a decision record as read, before it becomes an Entry.
type decision struct {
	time      int64
	requestID []byte // valid during the callback only
	kase      *caseDef
	ctx       uint64 // the context, when not the case's
}

// readLog calls onDecision for every decision record and onEntry for every
// ready-made entry in r, in order.
func readLog(r io.Reader, onDecision func(rd *reader, d *decision), onEntry func(e *Entry)) error {
	br := bufio.NewReaderSize(r, chunkHeader+maxChunk)
	// Definitions are kept per session: two writers appending to one
	// file (two seki on one data dir) interleave whole chunks, each
	// referring to its own session's definitions.
	sessions := map[uint64]*reader{}
	for {
		hdr, _ := br.Peek(chunkHeader)
		if len(hdr) < chunkHeader {
			return nil // the end, or a torn last chunk
		}
		if string(hdr[:4]) != chunkMagic {
			if !resync(br) {
				return nil
			}
			continue
		}
		n := int(binary.LittleEndian.Uint32(hdr[12:]))
		if n > maxChunk {
			br.Discard(1)
			continue
		}
		chunk, _ := br.Peek(chunkHeader + n)
		if len(chunk) < chunkHeader+n {
			// Torn: a crash in the middle of a write. What follows, if
			// anything, begins after it.
			br.Discard(1)
			continue
		}
		payload := chunk[chunkHeader:]
		if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(chunk[16:]) {
			br.Discard(1)
			continue
		}
		s := binary.LittleEndian.Uint64(chunk[4:])
		rd := sessions[s]
		if rd == nil {
			rd = newReader()
			rd.session = s
			sessions[s] = rd
		}
		rd.records(payload, onDecision, onEntry)
		br.Discard(chunkHeader + n)
	}
}

// resync skips to the next chunk magic; false when there is none.
func resync(br *bufio.Reader) bool {
	br.Discard(1)
	for {
		b, err := br.Peek(br.Size())
		if i := bytes.Index(b, []byte(chunkMagic)); i >= 0 {
			br.Discard(i)
			return true
		}
		if err != nil || len(b) < len(chunkMagic) {
			return false
		}
		br.Discard(len(b) - len(chunkMagic) + 1)
	}
}

// records decodes a checked payload. A malformed record ends the chunk.
func (rd *reader) records(p []byte, onDecision func(rd *reader, d *decision), onEntry func(e *Entry)) {
	var last int64 // the chunk's previous decision's time
	for len(p) > 0 {
		kind := p[0]
		n, k := binary.Uvarint(p[1:])
		if k <= 0 || n > uint64(len(p)-1-k) {
			return
		}
		body := p[1+k : 1+k+int(n)]
		p = p[1+k+int(n):]
		d := dec{b: body}
		switch kind {
		case recDecision, recDecided:
			dt, n := binary.Varint(body)
			if n <= 0 {
				return
			}
			last += dt
			t := last
			d.b = body[n:]
			id := d.uint()
			var ctx uint64
			if kind == recDecided {
				ctx = d.uint()
			}
			if d.bad {
				return
			}
			if c := rd.cases[id]; c != nil && onDecision != nil {
				onDecision(rd, &decision{time: t, requestID: d.b, kase: c, ctx: ctx})
			}
		case recCase:
			id := d.uint()
			c := &caseDef{who: d.uint(), ctx: d.uint(), set: d.uint(), result: policy.Result(d.byte()),
				action: d.str(), resource: d.str(), resourceAccount: d.str(), msg: d.str(), rule: d.str()}
			if d.bad {
				return
			}
			rd.cases[id] = c
		case recPrincipal:
			id := d.uint()
			p := &policy.Principal{Type: policy.PrincipalType(d.byte()), ARN: d.str(), Account: d.str(),
				RoleARN: d.str(), UserID: d.str(), Username: d.str()}
			if n := d.uint(); n > 0 && n <= uint64(len(d.b)) {
				p.Tags = make(map[string]string, n)
				for range n {
					k := d.str()
					p.Tags[k] = d.str()
				}
			}
			if d.bad {
				return
			}
			rd.whos[id] = p
		case recContext:
			id := d.uint()
			c := &ctxDef{}
			for n := d.uint(); n > 0 && !d.bad; n-- {
				c.names = append(c.names, d.str())
				var vs []string
				for m := d.uint(); m > 0 && !d.bad; m-- {
					vs = append(vs, d.str())
				}
				c.vals = append(c.vals, vs)
			}
			if d.bad {
				return
			}
			rd.ctxs[id] = c
		case recSet:
			id := d.uint()
			s := &setDef{identity: d.list(), boundary: d.uint(), session: d.list(), resource: d.uint(),
				scps: d.levels(), rcps: d.levels()}
			if d.bad {
				return
			}
			rd.sets[id] = s
		case recPolicy:
			id := d.uint()
			def := &policyDef{kind: policy.Kind(d.byte()), name: d.str()}
			if d.bad {
				return
			}
			def.doc = bytes.Clone(d.b)
			rd.policies[id] = def
		case recEntry:
			var e Entry
			if json.Unmarshal(body, &e) == nil && onEntry != nil {
				onEntry(&e)
			}
		}
	}
}

// entry builds the Entry of d, explained when explain is set.
func (rd *reader) entry(d *decision, explain bool) Entry {
	c := d.kase
	e := Entry{Time: time.Unix(0, d.time).UTC(), RequestID: string(d.requestID), Action: c.action,
		Resource: c.resource, Decision: c.result.String(), Message: c.msg, Rule: c.rule}
	who := rd.whos[c.who]
	if who == nil {
		who = &policy.Principal{}
	}
	e.Principal = who.ARN
	if e.Principal == "" {
		e.Principal = "anonymous"
	}
	ctxID := c.ctx
	if d.ctx != 0 {
		ctxID = d.ctx
	}
	ctx := rd.ctxs[ctxID]
	if ctx != nil && len(ctx.names) > 0 {
		e.Keys = make(map[string][]string, len(ctx.names))
		for i, k := range ctx.names {
			e.Keys[k] = ctx.vals[i]
		}
	}
	if !explain {
		return e
	}
	req := policy.Request{Principal: who, Action: c.action, Resource: c.resource, ResourceAccount: c.resourceAccount}
	if ctx != nil {
		req.Context = policy.NewContext(len(ctx.names))
		for i, k := range ctx.names {
			req.Context.Set(k, ctx.vals[i]...)
		}
	}
	var set policy.Set
	if s := rd.sets[c.set]; s != nil {
		set = policy.Set{Identity: rd.list(s.identity), Boundary: rd.policy(s.boundary), Session: rd.list(s.session),
			Resource: rd.policy(s.resource), SCPs: rd.levels(s.scps), RCPs: rd.levels(s.rcps)}
	}
	e.Reasons = policy.Explain(&req, &set).Reasons
	return e
}

func (rd *reader) policy(id uint64) *policy.Policy {
	def := rd.policies[id]
	if def == nil || def.bad {
		return nil
	}
	if def.parsed == nil {
		p, err := policy.Reparse(def.doc, def.kind)
		if err != nil {
			def.bad = true
			return nil
		}
		p.Name = def.name
		def.parsed = p
	}
	return def.parsed
}

func (rd *reader) list(ids []uint64) []*policy.Policy {
	var out []*policy.Policy
	for _, id := range ids {
		if p := rd.policy(id); p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (rd *reader) levels(ls [][]uint64) [][]*policy.Policy {
	if ls == nil {
		return nil
	}
	out := make([][]*policy.Policy, len(ls))
	for i, l := range ls {
		out[i] = rd.list(l)
	}
	return out
}

// dec reads a record's body; bad is set on the first malformed field.
type dec struct {
	b   []byte
	bad bool
}

func (d *dec) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) byte() byte {
	if len(d.b) == 0 {
		d.bad = true
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) str() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.bad = true
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *dec) list() []uint64 {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	out := make([]uint64, 0, n)
	for range n {
		out = append(out, d.uint())
	}
	return out
}

func (d *dec) levels() [][]uint64 {
	n := d.uint()
	if n == 0 || d.bad {
		return nil
	}
	n--
	if n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	out := make([][]uint64, 0, n)
	for range n {
		out = append(out, d.list())
	}
	return out
}
