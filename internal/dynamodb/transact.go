package dynamodb

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/dynamodb/expr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// maxTransactItems is how many actions one transaction may hold.
const maxTransactItems = 100

// txOp is one action of a transaction: the members of Put, Update, Delete,
// ConditionCheck and Get together (each kind uses its own subset).
type txOp struct {
	TableName                           *string           `json:"TableName"`
	Key                                 attr.Item         `json:"Key"`
	Item                                attr.Item         `json:"Item"`
	ConditionExpression                 *string           `json:"ConditionExpression"`
	UpdateExpression                    *string           `json:"UpdateExpression"`
	ProjectionExpression                *string           `json:"ProjectionExpression"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues           attr.Item         `json:"ExpressionAttributeValues"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure"`
}

type transactWriteItem struct {
	ConditionCheck *txOp `json:"ConditionCheck"`
	Put            *txOp `json:"Put"`
	Delete         *txOp `json:"Delete"`
	Update         *txOp `json:"Update"`
}

type transactWriteInput struct {
	TransactItems               []transactWriteItem `json:"TransactItems"`
	ReturnConsumedCapacity      string              `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics string              `json:"ReturnItemCollectionMetrics"`
	ClientRequestToken          *string             `json:"ClientRequestToken"`
}

type transactGetItem struct {
	Get *txOp `json:"Get"`
}

type transactGetInput struct {
	TransactItems          []transactGetItem `json:"TransactItems"`
	ReturnConsumedCapacity string            `json:"ReturnConsumedCapacity"`
}

// The kinds of write action, and the permission each needs on its table.
const (
	txCheck = iota
	txPut
	txDelete
	txUpdate
)

var txActions = [...]string{
	txCheck:  "dynamodb:ConditionCheckItem",
	txPut:    "dynamodb:PutItem",
	txDelete: "dynamodb:DeleteItem",
	txUpdate: "dynamodb:UpdateItem",
}

// kind returns which action an item holds; exactly one must be set.
func (w *transactWriteItem) kind() (int, *txOp, error) {
	n, k, op := 0, 0, (*txOp)(nil)
	for i, o := range [...]*txOp{txCheck: w.ConditionCheck, txPut: w.Put, txDelete: w.Delete, txUpdate: w.Update} {
		if o != nil {
			n, k, op = n+1, i, o
		}
	}
	if n != 1 {
		return 0, nil, validation(msgTxOneAction)
	}
	return k, op, nil
}

// txWrite is one write action, compiled before the transaction runs.
type txWrite struct {
	kind  int
	op    *txOp
	t     *table
	key   storedKey
	cond  *expr.Cond
	upd   *expr.Update
	size  int
	bytes []byte
}

// checkTxCount checks the number of actions of a transaction.
func checkTxCount(n int) error {
	if n == 0 {
		var vs violations
		vs.add(nil, "transactItems", "Member must not be null")
		return vs.err()
	}
	if n > maxTransactItems {
		return validation(msgTxTooMany)
	}
	return nil
}

// authorizeTx runs one check per action through the door, each with its
// own action, table and fine-grained access keys, before anything is read
// or written: one refusal refuses the whole call (the batches use it too).
func (s *Service) authorizeTx(ctx context.Context, r *protocol.Request, actions []string, refs []tableRef, keys []*access) error {
	base := requestContext(r)
	for i, ref := range refs {
		if err := r.Authorize(ctx, actions[i], protocol.Target{Resource: ref.arn()}, withKeys(base, keys[i])); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) transactWriteHandler(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	in := &transactWriteInput{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	if err := firstOf(checkTxCount(len(in.TransactItems)), checkReturnConsumed(in.ReturnConsumedCapacity)); err != nil {
		return nil, err
	}
	n := len(in.TransactItems)
	writes := make([]txWrite, n)
	refs := make([]tableRef, n)
	keys := make([]*access, n)
	actions := make([]string, n)
	for i := range in.TransactItems {
		k, op, err := in.TransactItems[i].kind()
		if err != nil {
			return nil, err
		}
		if op.TableName == nil {
			var vs violations
			vs.add(nil, "transactItems."+itoa(i+1)+".member.tableName", "Member must not be null")
			return nil, vs.err()
		}
		refs[i] = parseTableName(*op.TableName, r.Account(), r.Region)
		t, err := s.lookup(ctx, refs[i])
		if err != nil {
			return nil, err
		}
		a := &access{retCap: in.ReturnConsumedCapacity}
		switch k {
		case txPut:
			a.itemAttrs(op.Item)
			a.leadFrom(t, op.Item)
		case txUpdate:
			a.leadFrom(t, op.Key)
			a.attr(sortedNames(op.Key)...)
			if op.UpdateExpression != nil {
				a.attr(updateNames(*op.UpdateExpression, op.ExpressionAttributeNames, op.ExpressionAttributeValues)...)
			}
		default:
			a.leadFrom(t, op.Key)
		}
		writes[i] = txWrite{kind: k, op: op, t: t}
		keys[i], actions[i] = a, txActions[k]
	}
	if err := s.authorizeTx(ctx, r, actions, refs, keys); err != nil {
		return nil, err
	}
	var token string
	var sum [32]byte
	if in.ClientRequestToken != nil {
		// The request's identity is its decoded actions, so the same
		// item with its attributes in another order is the same request
		// (test_dynamodb_idempotent_writing).
		canon, err := json.Marshal(in.TransactItems)
		if err != nil {
			return nil, err
		}
		token, sum = r.Account()+"\x00"+*in.ClientRequestToken, sha256.Sum256(append(canon, in.ReturnConsumedCapacity...))
		done, err := s.txTokens.seen(token, sum, s.now())
		if err != nil {
			return nil, err
		}
		if done {
			return map[string]any{}, nil
		}
	}

	seen := make(map[string]bool, n)
	for i := range writes {
		if err := writes[i].compile(i + 1); err != nil {
			return nil, err
		}
		id := strconv.FormatInt(writes[i].t.id, 10) + "\x00" + writes[i].key.id()
		if seen[id] {
			return nil, validation(msgTxSameItem)
		}
		seen[id] = true
	}
	units := map[string]float64{}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		clear(units)
		olds := make([]attr.Item, n)
		reasons := make([]txReason, n)
		failed := false
		for i := range writes {
			w := &writes[i]
			cur, err := s.current(tx, w.t)
			if err != nil {
				return err
			}
			w.t = cur
			old, oldSize, err := readItem(tx, cur.id, w.key)
			if err != nil {
				return err
			}
			olds[i] = old
			units[cur.Name] += 2 * writeUnits(max(w.size, oldSize))
			if w.cond != nil && !w.cond.Eval(old) {
				failed = true
				reasons[i] = txReason{code: "ConditionalCheckFailed", msg: msgConditionFailed}
				if w.op.ReturnValuesOnConditionCheckFailure == "ALL_OLD" {
					reasons[i].item = old
				}
			}
		}
		if failed {
			return txCanceled(reasons)
		}
		for i := range writes {
			w := &writes[i]
			var err error
			switch w.kind {
			case txPut:
				err = s.storeItem(tx, w.t, w.key, w.size, w.bytes, w.op.Item, olds[i], true)
			case txDelete:
				if olds[i] != nil {
					err = s.removeItem(tx, w.t, w.key, olds[i], true)
				}
			case txUpdate:
				var next attr.Item
				if next, err = w.apply(olds[i]); err != nil {
					// An update that cannot apply cancels the
					// transaction with that action's reason.
					var e *awserr.Error
					if errors.As(err, &e) && e.Code == errValidation.Name {
						reasons[i] = txReason{code: "ValidationError", msg: e.Message}
						return txCanceled(reasons)
					}
					return err
				}
				size := attr.ItemSize(next)
				err = s.storeItem(tx, w.t, w.key, size, attr.AppendItem(make([]byte, 0, 256), next), next, olds[i], true)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if token != "" {
		s.txTokens.add(token, sum, s.now())
	}
	out := map[string]any{}
	if in.ReturnConsumedCapacity == "TOTAL" || in.ReturnConsumedCapacity == "INDEXES" {
		out["ConsumedCapacity"] = txCapacities(in.ReturnConsumedCapacity, writes, units)
	}
	return out, nil
}

// txCapacities lists ConsumedCapacity per table, in the order the tables
// first appear in the transaction.
func txCapacities(mode string, writes []txWrite, units map[string]float64) []*capacity {
	out := []*capacity{}
	done := map[string]bool{}
	for _, w := range writes {
		if !done[w.t.Name] {
			done[w.t.Name] = true
			out = append(out, consumed(mode, w.t.Name, units[w.t.Name]))
		}
	}
	return out
}

// compile checks one write action as the single-item operation would and
// prepares its key, condition, update and encoded item.
func (w *txWrite) compile(n int) error {
	at := "transactItems." + itoa(n) + ".member."
	op := w.op
	if err := checkReturnOnFailure(op.ReturnValuesOnConditionCheckFailure); err != nil {
		return err
	}
	if w.kind == txPut {
		if op.Item == nil {
			var vs violations
			vs.add(nil, at+"put.item", "Member must not be null")
			return vs.err()
		}
		if msg := attr.ValidateItem(op.Item); msg != "" {
			return validation(msg)
		}
	} else {
		if op.Key == nil {
			var vs violations
			vs.add(nil, at+"key", "Member must not be null")
			return vs.err()
		}
		if msg := attr.ValidateItem(op.Key); msg != "" {
			return validation(msg)
		}
	}
	if w.kind == txCheck && op.ConditionExpression == nil {
		return validation(msgTxCheckNoCondition)
	}
	env, err := newEnv(false, op.ExpressionAttributeNames, op.ExpressionAttributeValues, count(op.ConditionExpression, op.UpdateExpression))
	if err != nil {
		return err
	}
	if w.kind == txUpdate {
		if op.UpdateExpression == nil {
			var vs violations
			vs.add(nil, at+"update.updateExpression", "Member must not be null")
			return vs.err()
		}
		if w.upd, err = expr.ParseUpdate(*op.UpdateExpression, env); err != nil {
			return exprError(false, err)
		}
	}
	if w.cond, err = condition(false, expr.ConditionExpression, op.ConditionExpression, env); err != nil {
		return err
	}
	if err := unusedCheck(false, env); err != nil {
		return err
	}
	if w.t == nil {
		return errNotFound.New(msgNotFound)
	}
	if w.kind == txPut {
		if w.key, err = w.t.itemKey(op.Item, false); err != nil {
			return err
		}
		w.size = attr.ItemSize(op.Item)
		if w.size > attr.MaxItemSize {
			return validation("Item size has exceeded the maximum allowed size")
		}
		w.bytes = attr.AppendItem(make([]byte, 0, 256), op.Item)
		return nil
	}
	if w.key, err = w.t.keyOf(op.Key); err != nil {
		return err
	}
	if w.upd != nil {
		for _, p := range w.upd.Paths() {
			if w.t.isKey(p.Top()) {
				return validation("One or more parameter values were invalid: Cannot update attribute " + p.Top() + ". This attribute is part of the key")
			}
		}
	}
	return nil
}

// apply computes an Update action's new item from the stored one.
func (w *txWrite) apply(old attr.Item) (attr.Item, error) {
	var next attr.Item
	if old != nil {
		next = old.Clone()
	} else {
		next = attr.Item{}
		for k, v := range w.op.Key {
			next[k] = v
		}
	}
	if err := w.upd.Apply(next); err != nil {
		return nil, exprError(false, err)
	}
	if msg := attr.ValidateItem(next); msg != "" {
		return nil, validation(msg)
	}
	if attr.ItemSize(next) > attr.MaxItemSize {
		return nil, validation("Item size to update has exceeded the maximum allowed size")
	}
	return next, nil
}

// tokenWindow is how long a ClientRequestToken makes TransactWriteItems
// idempotent.
const tokenWindow = 10 * time.Minute

// txTokens remembers the ClientRequestTokens of committed transactions for
// tokenWindow: the same token with the same actions succeeds without doing
// anything again, with other actions it is refused. Kept in memory, so a
// restart forgets them; two concurrent first uses of one token both run.
type txTokens struct {
	mu sync.Mutex
	m  map[string]txToken
}

type txToken struct {
	sum [32]byte
	at  time.Time
}

// seen reports whether token committed within the window with the same
// request (done), or an error when it came with another.
func (t *txTokens) seen(token string, sum [32]byte, now time.Time) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[token]
	if !ok || now.Sub(e.at) >= tokenWindow {
		return false, nil
	}
	if e.sum != sum {
		return false, errIdempotentMismatch.New(msgTxTokenMismatch)
	}
	return true, nil
}

func (t *txTokens) add(token string, sum [32]byte, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]txToken{}
	}
	for k, e := range t.m {
		if now.Sub(e.at) >= tokenWindow {
			delete(t.m, k)
		}
	}
	t.m[token] = txToken{sum: sum, at: now}
}

// txReason is one action's cancellation reason.
type txReason struct {
	code string // "" is None
	msg  string
	item attr.Item
}

// txCanceled is TransactionCanceledException: the reasons of all actions
// in order, and a message listing their codes.
func txCanceled(reasons []txReason) error {
	codes := make([]string, len(reasons))
	list := make([]byte, 0, 64*len(reasons))
	list = append(list, '[')
	for i, rs := range reasons {
		if i > 0 {
			list = append(list, ',')
		}
		code := rs.code
		if code == "" {
			code = txReasonNone
		}
		codes[i] = code
		list = append(list, `{`...)
		if rs.item != nil {
			list = append(list, `"Item":`...)
			list = attr.AppendItem(list, rs.item)
			list = append(list, ',')
		}
		list = append(list, `"Code":`...)
		list, _ = appendJSONString(list, code)
		if rs.msg != "" {
			list = append(list, `,"Message":`...)
			list, _ = appendJSONString(list, rs.msg)
		}
		list = append(list, '}')
	}
	list = append(list, ']')
	e := errTxCanceled.New("") // the message goes in Fields, after the reasons
	e.Fields = []awserr.Field{
		{Name: "CancellationReasons", Value: string(list), Raw: true},
		{Name: "Message", Value: msgTxCanceled + " [" + strings.Join(codes, ", ") + "]"},
	}
	return e
}

func appendJSONString(b []byte, s string) ([]byte, error) {
	enc, err := json.Marshal(s)
	return append(b, enc...), err
}

func itoa(i int) string { return strconv.Itoa(i) }

func (s *Service) transactGetHandler(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	in := &transactGetInput{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	if err := firstOf(checkTxCount(len(in.TransactItems)), checkReturnConsumed(in.ReturnConsumedCapacity)); err != nil {
		return nil, err
	}
	n := len(in.TransactItems)
	refs := make([]tableRef, n)
	keys := make([]*access, n)
	actions := make([]string, n)
	tables := make([]*table, n)
	for i, g := range in.TransactItems {
		if g.Get == nil {
			var vs violations
			vs.add(nil, "transactItems."+itoa(i+1)+".member.get", "Member must not be null")
			return nil, vs.err()
		}
		if g.Get.TableName == nil {
			var vs violations
			vs.add(nil, "transactItems."+itoa(i+1)+".member.get.tableName", "Member must not be null")
			return nil, vs.err()
		}
		refs[i] = parseTableName(*g.Get.TableName, r.Account(), r.Region)
		t, err := s.lookup(ctx, refs[i])
		if err != nil {
			return nil, err
		}
		tables[i] = t
		a := &access{retCap: in.ReturnConsumedCapacity}
		a.selected = selectKey("", g.Get.ProjectionExpression != nil)
		if g.Get.ProjectionExpression != nil {
			a.attr(projectionNames(*g.Get.ProjectionExpression, g.Get.ExpressionAttributeNames)...)
		}
		a.leadFrom(t, g.Get.Key)
		keys[i], actions[i] = a, "dynamodb:GetItem"
	}
	if err := s.authorizeTx(ctx, r, actions, refs, keys); err != nil {
		return nil, err
	}
	sks := make([]storedKey, n)
	paths := make([][]expr.Path, n)
	for i, g := range in.TransactItems {
		if g.Get.Key == nil {
			var vs violations
			vs.add(nil, "transactItems."+itoa(i+1)+".member.get.key", "Member must not be null")
			return nil, vs.err()
		}
		if msg := attr.ValidateItem(g.Get.Key); msg != "" {
			return nil, validation(msg)
		}
		env, err := newEnv(false, g.Get.ExpressionAttributeNames, nil, count(g.Get.ProjectionExpression))
		if err != nil {
			return nil, err
		}
		if paths[i], err = projection(false, g.Get.ProjectionExpression, nil, env); err != nil {
			return nil, err
		}
		if err := unusedCheck(false, env); err != nil {
			return nil, err
		}
		if tables[i] == nil {
			return nil, errNotFound.New(msgNotFound)
		}
		if sks[i], err = tables[i].keyOf(g.Get.Key); err != nil {
			return nil, err
		}
	}
	responses := make([]map[string]json.RawMessage, n)
	units := map[string]float64{}
	// One read transaction: every Get sees the same snapshot.
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		clear(units)
		for i := range in.TransactItems {
			it, size, err := readItem(tx, tables[i].id, sks[i])
			if err != nil {
				return err
			}
			units[tables[i].Name] += 2 * readUnits(size, true)
			responses[i] = map[string]json.RawMessage{}
			if it == nil {
				continue
			}
			if paths[i] != nil {
				it = expr.Project(it, paths[i])
			}
			responses[i]["Item"] = attr.AppendItem(nil, it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Responses": responses}
	if in.ReturnConsumedCapacity == "TOTAL" || in.ReturnConsumedCapacity == "INDEXES" {
		var caps []*capacity
		done := map[string]bool{}
		for _, t := range tables {
			if !done[t.Name] {
				done[t.Name] = true
				caps = append(caps, consumed(in.ReturnConsumedCapacity, t.Name, units[t.Name]))
			}
		}
		out["ConsumedCapacity"] = caps
	}
	return out, nil
}
