package dynamodb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/dynamodb/expr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Batch limits.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
)

type putRequest struct {
	Item attr.Item `json:"Item"`
}

type deleteRequest struct {
	Key attr.Item `json:"Key"`
}

type writeRequest struct {
	PutRequest    *putRequest    `json:"PutRequest"`
	DeleteRequest *deleteRequest `json:"DeleteRequest"`
}

type batchWriteInput struct {
	RequestItems                map[string][]writeRequest `json:"RequestItems"`
	ReturnConsumedCapacity      string                    `json:"ReturnConsumedCapacity"`
	ReturnItemCollectionMetrics string                    `json:"ReturnItemCollectionMetrics"`
}

type keysAndAttributes struct {
	Keys                     []attr.Item       `json:"Keys"`
	ProjectionExpression     *string           `json:"ProjectionExpression"`
	AttributesToGet          []string          `json:"AttributesToGet"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames"`
	ConsistentRead           bool              `json:"ConsistentRead"`
}

type batchGetInput struct {
	RequestItems           map[string]keysAndAttributes `json:"RequestItems"`
	ReturnConsumedCapacity string                       `json:"ReturnConsumedCapacity"`
}

// batchTables checks the table names of a batch (the map keys) and returns
// them sorted, which is the order the batch is authorized and run in.
func batchTables(names []string, member string) error {
	var vs violations
	for _, n := range names {
		name := n
		var one violations
		checkTableName(&one, &name, 3)
		if len(one) > 0 && !(len(n) > 4 && n[:4] == "arn:") {
			vs.add(&name, member, "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "+
				"Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]")
		}
	}
	return vs.err()
}

// authorizeBatch runs one check per table through the door, with that
// table's fine-grained access keys.
func (s *Service) authorizeBatch(ctx context.Context, r *protocol.Request, action string, refs []tableRef, keys []*access) error {
	actions := make([]string, len(refs))
	for i := range actions {
		actions[i] = action
	}
	return s.authorizeTx(ctx, r, actions, refs, keys)
}

type batchWrite struct {
	t     *table
	key   storedKey
	put   bool
	item  attr.Item
	size  int
	bytes []byte
}

func (s *Service) batchWriteHandler(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	in := &batchWriteInput{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	if len(in.RequestItems) == 0 {
		return nil, validation("The requestItems parameter is required for BatchWriteItem")
	}
	names := sortedNames(in.RequestItems)
	if err := batchTables(names, "requestItems"); err != nil {
		return nil, err
	}
	total := 0
	for _, n := range names {
		reqs := in.RequestItems[n]
		if len(reqs) == 0 {
			return nil, validation(envelope + "Value '{" + n + "=[]}' at 'requestItems' failed to satisfy constraint: " +
				"Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
		}
		if len(reqs) > maxBatchWrite {
			return nil, validation(envelope + "Value at 'RequestItems." + n + ".member' failed to satisfy constraint: Member must have length less than or equal to 25")
		}
		total += len(reqs)
		for _, w := range reqs {
			if (w.PutRequest == nil) == (w.DeleteRequest == nil) {
				// unconfirmed: a WriteRequest with neither or both requests.
				return nil, validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			}
			if w.PutRequest != nil && w.PutRequest.Item == nil {
				var vs violations
				vs.add(nil, "requestItems."+n+".member.putRequest.item", "Member must not be null")
				return nil, vs.err()
			}
			if w.DeleteRequest != nil && w.DeleteRequest.Key == nil {
				var vs violations
				vs.add(nil, "requestItems."+n+".member.deleteRequest.key", "Member must not be null")
				return nil, vs.err()
			}
		}
	}
	if total > maxBatchWrite {
		return nil, validation("Too many items requested for the BatchWriteItem call")
	}
	if err := checkReturnConsumed(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}

	// Authorize every table before touching any.
	refs := make([]tableRef, len(names))
	keys := make([]*access, len(names))
	tables := make([]*table, len(names))
	for i, n := range names {
		refs[i] = parseTableName(n, r.Account(), r.Region)
		t, err := s.lookup(ctx, refs[i])
		if err != nil {
			return nil, err
		}
		tables[i] = t
		a := &access{retCap: in.ReturnConsumedCapacity}
		for _, w := range in.RequestItems[n] {
			if w.PutRequest != nil {
				a.itemAttrs(w.PutRequest.Item)
				a.leadFrom(t, w.PutRequest.Item)
			} else {
				a.attr(sortedNames(w.DeleteRequest.Key)...)
				a.leadFrom(t, w.DeleteRequest.Key)
			}
		}
		keys[i] = a
	}
	if err := s.authorizeBatch(ctx, r, "dynamodb:BatchWriteItem", refs, keys); err != nil {
		return nil, err
	}

	// Values are checked in BatchWriteItem's older validation layer: bare.
	for _, n := range names {
		for _, w := range in.RequestItems[n] {
			it := w.PutRequest.itemOrNil()
			if w.DeleteRequest != nil {
				it = w.DeleteRequest.Key
			}
			if msg := attr.ValidateItem(it); msg != "" {
				return nil, validation(msg)
			}
		}
	}
	var writes []batchWrite
	for i, n := range names {
		t := tables[i]
		if t == nil {
			return nil, errNotFound.New(msgNotFound)
		}
		seen := map[string]bool{}
		for _, w := range in.RequestItems[n] {
			var op batchWrite
			op.t = t
			var err error
			if w.PutRequest != nil {
				op.put = true
				if op.key, err = t.itemKey(w.PutRequest.Item, true); err != nil {
					return nil, err
				}
				op.size = attr.ItemSize(w.PutRequest.Item)
				if op.size > attr.MaxItemSize {
					return nil, validation("Item size has exceeded the maximum allowed size")
				}
				op.bytes = attr.AppendItem(nil, w.PutRequest.Item)
				op.item = w.PutRequest.Item
			} else if op.key, err = t.keyOf(w.DeleteRequest.Key); err != nil {
				return nil, err
			}
			if seen[op.key.id()] {
				return nil, validation("Provided list of item keys contains duplicates")
			}
			seen[op.key.id()] = true
			writes = append(writes, op)
		}
	}
	units := map[string]float64{}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		clear(units)
		for _, w := range writes {
			cur, err := s.current(tx, w.t)
			if err != nil {
				return err
			}
			if w.put {
				err = s.storeItem(tx, cur, w.key, w.size, w.bytes, w.item, nil, false)
			} else {
				err = s.removeItem(tx, cur, w.key, nil, false)
			}
			if err != nil {
				return err
			}
			units[w.t.Name] += writeUnits(w.size)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"UnprocessedItems": map[string]any{}}
	if c := capacities(in.ReturnConsumedCapacity, names, tables, units); c != nil {
		out["ConsumedCapacity"] = c
	}
	return out, nil
}

func (p *putRequest) itemOrNil() attr.Item {
	if p == nil {
		return nil
	}
	return p.Item
}

// capacities lists ConsumedCapacity per table for a batch.
func capacities(mode string, names []string, tables []*table, units map[string]float64) []*capacity {
	if mode != "TOTAL" && mode != "INDEXES" {
		return nil
	}
	out := []*capacity{}
	for i := range names {
		if tables[i] == nil {
			continue
		}
		out = append(out, consumed(mode, tables[i].Name, units[tables[i].Name]))
	}
	return out
}

func (s *Service) batchGetHandler(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	in := &batchGetInput{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	if len(in.RequestItems) == 0 {
		// unconfirmed: by analogy with BatchWriteItem.
		return nil, validation("The requestItems parameter is required for BatchGetItem")
	}
	names := sortedNames(in.RequestItems)
	if err := batchTables(names, "requestItems"); err != nil {
		return nil, err
	}
	total := 0
	for _, n := range names {
		ka := in.RequestItems[n]
		if len(ka.Keys) == 0 {
			var vs violations
			v := "[]"
			vs.add(&v, "requestItems."+n+".member.keys", "Member must have length greater than or equal to 1")
			return nil, vs.err()
		}
		total += len(ka.Keys)
	}
	if total > maxBatchGet {
		return nil, validation("Too many items requested for the BatchGetItem call")
	}
	if err := checkReturnConsumed(in.ReturnConsumedCapacity); err != nil {
		return nil, err
	}

	refs := make([]tableRef, len(names))
	keys := make([]*access, len(names))
	tables := make([]*table, len(names))
	for i, n := range names {
		refs[i] = parseTableName(n, r.Account(), r.Region)
		t, err := s.lookup(ctx, refs[i])
		if err != nil {
			return nil, err
		}
		tables[i] = t
		ka := in.RequestItems[n]
		a := &access{retCap: in.ReturnConsumedCapacity}
		a.selected = selectKey("", ka.ProjectionExpression != nil || ka.AttributesToGet != nil)
		if ka.ProjectionExpression != nil {
			a.attr(projectionNames(*ka.ProjectionExpression, ka.ExpressionAttributeNames)...)
		} else if ka.AttributesToGet != nil {
			a.attr(ka.AttributesToGet...)
		}
		for _, k := range ka.Keys {
			a.leadFrom(t, k)
		}
		keys[i] = a
	}
	if err := s.authorizeBatch(ctx, r, "dynamodb:BatchGetItem", refs, keys); err != nil {
		return nil, err
	}

	type lookupKey struct {
		t     *table
		key   storedKey
		paths []expr.Path
	}
	var gets [][]lookupKey
	for i, n := range names {
		ka := in.RequestItems[n]
		for _, k := range ka.Keys {
			if msg := attr.ValidateItem(k); msg != "" {
				return nil, validation(msg)
			}
		}
		env, err := newEnv(false, ka.ExpressionAttributeNames, nil, count(ka.ProjectionExpression))
		if err != nil {
			return nil, err
		}
		paths, err := projection(false, ka.ProjectionExpression, ka.AttributesToGet, env)
		if err != nil {
			return nil, err
		}
		if err := unusedCheck(false, env); err != nil {
			return nil, err
		}
		t := tables[i]
		if t == nil {
			return nil, errNotFound.New(msgNotFound)
		}
		seen := map[string]bool{}
		var ls []lookupKey
		for _, k := range ka.Keys {
			sk, err := t.keyOf(k)
			if err != nil {
				return nil, err
			}
			if seen[sk.id()] {
				return nil, validation("Provided list of item keys contains duplicates")
			}
			seen[sk.id()] = true
			ls = append(ls, lookupKey{t: t, key: sk, paths: paths})
		}
		gets = append(gets, ls)
	}
	responses := map[string][]json.RawMessage{}
	units := map[string]float64{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		for i, ls := range gets {
			n := names[i]
			items := []json.RawMessage{}
			consistent := in.RequestItems[n].ConsistentRead
			for _, l := range ls {
				var raw []byte
				var size int
				err := tx.QueryRow(`SELECT size, item FROM dynamodb_items WHERE tid = ? AND hk = ? AND rk = ?`, l.t.id, l.key.hk, l.key.rk).Scan(&size, &raw)
				if errors.Is(err, sql.ErrNoRows) {
					units[tables[i].Name] += readUnits(0, consistent)
					continue
				}
				if err != nil {
					return err
				}
				units[tables[i].Name] += readUnits(size, consistent)
				if l.paths != nil {
					it, err := attr.ParseItem(raw)
					if err != nil {
						return err
					}
					raw = attr.AppendItem(nil, expr.Project(it, l.paths))
				}
				items = append(items, raw)
			}
			responses[n] = items
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Responses": responses, "UnprocessedKeys": map[string]any{}}
	if c := capacities(in.ReturnConsumedCapacity, names, tables, units); c != nil {
		out["ConsumedCapacity"] = c
	}
	return out, nil
}
