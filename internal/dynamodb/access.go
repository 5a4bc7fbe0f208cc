package dynamodb

import (
	"context"
	"sort"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/dynamodb/expr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// Fine-grained access control condition keys (DynamoDB Developer Guide,
// "Using IAM policy conditions for fine-grained access control").
//
// What each operation sets: LeadingKeys holds the partition key values of
// the items touched (from the item, the key, or a Query's partition
// equality; absent for Scan). Attributes holds the top-level attribute
// names requested or written: a PutItem's item, an UpdateItem's key and
// updated names, a read's projection (absent without one). Select is set
// for every read: the Select parameter, else SPECIFIC_ATTRIBUTES with a
// projection, else ALL_ATTRIBUTES. ReturnValues and
// ReturnConsumedCapacity are set when the request carries them.
// unconfirmed: that GetItem and BatchGetItem report Select, that UpdateItem
// includes its key names in Attributes, and that DeleteItem reports no
// Attributes; the Developer Guide's example policies hold under this reading.
//
// Reads of a secondary index are authorized on the index's ARN
// (table/T/index/I), as the Developer Guide's "IAM policy to grant access
// to a specific DynamoDB table and its indexes" shows: a statement on
// table/T alone does not grant them
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html).
// Their Select defaults to ALL_PROJECTED_ATTRIBUTES, the API's default for
// an index (API_Query.html, Select), and their LeadingKeys is the partition
// key value the Query names, which for an index is the index's partition
// key: the key the request reads by
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
// unconfirmed: that LeadingKeys on a global index Query carries the index's
// partition key value rather than the table's (the Query names no table
// partition key value to carry).
const (
	keyLeadingKeys    = "dynamodb:LeadingKeys"
	keyAttributes     = "dynamodb:Attributes"
	keySelect         = "dynamodb:Select"
	keyReturnValues   = "dynamodb:ReturnValues"
	keyReturnCapacity = "dynamodb:ReturnConsumedCapacity"
)

// access gathers a request's fine-grained access keys for one table.
type access struct {
	leading    []string
	attributes []string
	selected   string
	retValues  string
	retCap     string
	hasAttrs   bool
}

func (a *access) lead(v attr.Value) {
	for _, x := range a.leading {
		if x == leadingKey(v) {
			return
		}
	}
	a.leading = append(a.leading, leadingKey(v))
}

func (a *access) attr(names ...string) {
	a.hasAttrs = true
	for _, n := range names {
		dup := false
		for _, x := range a.attributes {
			if x == n {
				dup = true
				break
			}
		}
		if !dup {
			a.attributes = append(a.attributes, n)
		}
	}
}

// itemAttrs records every attribute name of an item.
func (a *access) itemAttrs(it attr.Item) {
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	a.attr(names...)
}

// apply sets the keys on c. Keys with no value in this request are left
// absent, so that …IfExists and ForAllValues operators behave as in AWS.
func (a *access) apply(c *policy.Context) {
	if len(a.leading) > 0 {
		c.Set(keyLeadingKeys, a.leading...)
	}
	if a.hasAttrs {
		c.Set(keyAttributes, a.attributes...)
	}
	if a.selected != "" {
		c.Set(keySelect, a.selected)
	}
	if a.retValues != "" {
		c.Set(keyReturnValues, a.retValues)
	}
	if a.retCap != "" {
		c.Set(keyReturnCapacity, a.retCap)
	}
}

// withKeys returns a copy of base with the access keys added, for checks
// that need their own keys (one per table in a batch).
func withKeys(base *policy.Context, a *access) *policy.Context {
	c := policy.NewContext(base.Len() + 5)
	base.Range(func(k string, v []string) bool {
		c.Set(k, v...)
		return true
	})
	a.apply(c)
	return c
}

// requestContext returns the request's condition keys, creating the
// context when the caller supplied none.
func requestContext(r *protocol.Request) *policy.Context {
	if r.Context == nil {
		r.Context = policy.NewContext(8)
	}
	return r.Context
}

// selectKey is what dynamodb:Select holds for a read: the Select parameter,
// or what DynamoDB does without one (specific attributes when a projection
// is given, all of them otherwise).
func selectKey(sel string, projected bool) string {
	switch {
	case sel != "":
		return sel
	case projected:
		return "SPECIFIC_ATTRIBUTES"
	}
	return "ALL_ATTRIBUTES"
}

// projectionNames returns the top-level attribute names a projection
// expression reads, resolving #names. It never fails: a malformed
// expression yields what could be read and is reported by the handler.
func projectionNames(src string, names map[string]string) []string {
	paths, err := expr.ParseProjection(src, expr.NewEnv(names, nil))
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range paths {
		out = append(out, p.Top())
	}
	return out
}

// updateNames returns the top-level attributes an update expression
// writes.
func updateNames(src string, names map[string]string, values attr.Item) []string {
	u, err := expr.ParseUpdate(src, expr.NewEnv(names, values))
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range u.Paths() {
		out = append(out, p.Top())
	}
	return out
}

// itemTarget resolves the table of an item operation for authorization.
// The table may be missing (AWS authorizes first): then the keys that need
// its schema are simply absent.
func (s *Service) itemTarget(ctx context.Context, r *protocol.Request, name *string) (tableRef, *table, protocol.Target, error) {
	var vs violations
	checkTableName(&vs, name, 1)
	if err := vs.err(); err != nil {
		return tableRef{}, nil, protocol.Target{}, err
	}
	ref := parseTableName(*name, r.Account(), r.Region)
	t, err := s.lookup(ctx, ref)
	if err != nil {
		return ref, nil, protocol.Target{}, err
	}
	return ref, t, protocol.Target{Resource: ref.arn(), Account: ref.account}, nil
}
