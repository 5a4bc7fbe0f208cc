package dynamodb

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/fnv"
	"strconv"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/dynamodb/expr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// maxPage is how much item data one Query or Scan page reads: 1 MB.
const maxPage = 1 << 20

type readInput struct {
	TableName                 *string           `json:"TableName"`
	IndexName                 *string           `json:"IndexName"`
	FilterExpression          *string           `json:"FilterExpression"`
	ProjectionExpression      *string           `json:"ProjectionExpression"`
	AttributesToGet           []string          `json:"AttributesToGet"`
	ExpressionAttributeNames  map[string]string `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues attr.Item         `json:"ExpressionAttributeValues"`
	Select                    string            `json:"Select"`
	Limit                     *int64            `json:"Limit"`
	ExclusiveStartKey         attr.Item         `json:"ExclusiveStartKey"`
	ConsistentRead            bool              `json:"ConsistentRead"`
	ReturnConsumedCapacity    string            `json:"ReturnConsumedCapacity"`
	ConditionalOperator       string            `json:"ConditionalOperator"`

	// Query
	KeyConditionExpression *string         `json:"KeyConditionExpression"`
	KeyConditions          json.RawMessage `json:"KeyConditions"`
	QueryFilter            json.RawMessage `json:"QueryFilter"`
	ScanIndexForward       *bool           `json:"ScanIndexForward"`

	// Scan
	ScanFilter    json.RawMessage `json:"ScanFilter"`
	Segment       *int64          `json:"Segment"`
	TotalSegments *int64          `json:"TotalSegments"`
}

type readOutput struct {
	Items            []json.RawMessage `json:"Items,omitempty"`
	Count            int               `json:"Count"`
	ScannedCount     int               `json:"ScannedCount"`
	LastEvaluatedKey attr.Item         `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *capacity         `json:"ConsumedCapacity,omitempty"`
}

// MarshalJSON keeps Items present (possibly empty) unless the read
// counted only.
func (o *readOutput) MarshalJSON() ([]byte, error) {
	type plain readOutput
	if o.Items == nil {
		return json.Marshal((*plain)(o))
	}
	type withItems struct {
		Items []json.RawMessage `json:"Items"`
		*plain
	}
	return json.Marshal(withItems{Items: o.Items, plain: (*plain)(o)})
}

func (s *Service) readTarget(ctx context.Context, r *protocol.Request, query bool) (request[readInput], protocol.Target, error) {
	in := &readInput{}
	if err := decode(r.Body, in); err != nil {
		return request[readInput]{}, protocol.Target{}, err
	}
	ref, t, target, err := s.itemTarget(ctx, r, in.TableName)
	if err != nil {
		return request[readInput]{}, target, err
	}
	// A read of an index is authorized on the index's ARN: a policy on
	// the table alone does not grant it. The partition key whose values
	// dynamodb:LeadingKeys carries is the one the request reads by: the
	// index's for an index Query.
	keys := (*keySchema)(nil)
	if t != nil {
		keys = &t.keySchema
	}
	if in.IndexName != nil {
		var vs violations
		checkName(&vs, in.IndexName, "indexName")
		if err := vs.err(); err != nil {
			return request[readInput]{}, protocol.Target{}, err
		}
		target.Resource += "/index/" + *in.IndexName
		keys = nil
		if t != nil {
			if ix := t.findIndex(*in.IndexName); ix != nil {
				keys = &ix.keySchema
			}
		}
	}
	var a access
	projected := in.ProjectionExpression != nil || in.AttributesToGet != nil
	a.selected = selectKey(in.Select, projected)
	if in.Select == "" && !projected && in.IndexName != nil {
		a.selected = "ALL_PROJECTED_ATTRIBUTES"
	}
	if in.ProjectionExpression != nil {
		a.attr(projectionNames(*in.ProjectionExpression, in.ExpressionAttributeNames)...)
	} else if in.AttributesToGet != nil {
		a.attr(in.AttributesToGet...)
	}
	if query && keys != nil && in.KeyConditionExpression != nil {
		if c, err := expr.ParseCondition(expr.KeyConditionExpression, *in.KeyConditionExpression,
			expr.NewEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues)); err == nil {
			if ks, err := expr.KeyConditions(c); err == nil {
				for _, k := range ks {
					if k.Name == keys.HashKey && k.Op == "=" {
						if v, ok := validatedKey(k.Values[0]); ok {
							a.lead(v)
						}
					}
				}
			}
		}
	}
	if query && keys != nil && in.KeyConditionExpression == nil && in.KeyConditions != nil {
		var kc map[string]legacyCondition
		if json.Unmarshal(in.KeyConditions, &kc) == nil {
			if c, ok := kc[keys.HashKey]; ok && c.ComparisonOperator == "EQ" && len(c.AttributeValueList) == 1 {
				if v, ok := validatedKey(c.AttributeValueList[0]); ok {
					a.lead(v)
				}
			}
		}
	}
	a.retCap = in.ReturnConsumedCapacity
	a.apply(requestContext(r))
	return request[readInput]{ref: ref, in: in}, target, nil
}

func (s *Service) queryTarget(ctx context.Context, r *protocol.Request) (request[readInput], protocol.Target, error) {
	return s.readTarget(ctx, r, true)
}

func (s *Service) scanTarget(ctx context.Context, r *protocol.Request) (request[readInput], protocol.Target, error) {
	return s.readTarget(ctx, r, false)
}

// readPlan is a validated Query or Scan.
type readPlan struct {
	t       *table
	ks      *keySchema // the schema read: the table's or the index's
	ix      *index     // nil for the table
	whole   bool       // an index read returns whole items (ALL_ATTRIBUTES on a local index, or projection ALL)
	ixStart [][]byte   // an index read's exclusive start: index keys, then table keys
	filter  *expr.Cond
	paths   []expr.Path
	count   bool // Select COUNT
	limit   int
	forward bool

	// Query: the partition and the sort key bounds.
	hk             []byte
	lower, upper   []byte
	lowerInclusive bool
	upperInclusive bool
	hasLower       bool
	hasUpper       bool

	// Scan: where to start and which segment.
	start             *storedKey
	segment, segments int
}

// prepare runs the checks Query and Scan share and parses their
// expressions. kce is parsed first, as DynamoDB does.
func (s *Service) prepare(ctx context.Context, st request[readInput], query bool) (*readPlan, []expr.KeyCond, error) {
	in := st.in
	if err := checkReturnConsumed(in.ReturnConsumedCapacity); err != nil {
		return nil, nil, err
	}
	var vs violations
	switch in.Select {
	case "", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT":
	default:
		vs.add(&in.Select, "select", "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
	}
	if in.Limit != nil && *in.Limit < 1 {
		v := strconv.FormatInt(*in.Limit, 10)
		vs.add(&v, "limit", "Member must have value greater than or equal to 1")
	}
	if !query {
		if in.TotalSegments != nil && (*in.TotalSegments < 1 || *in.TotalSegments > 1000000) {
			v := strconv.FormatInt(*in.TotalSegments, 10)
			c := "Member must have value greater than or equal to 1"
			if *in.TotalSegments > 1000000 {
				c = "Member must have value less than or equal to 1000000"
			}
			vs.add(&v, "totalSegments", c)
		}
		if in.Segment != nil && *in.Segment < 0 {
			v := strconv.FormatInt(*in.Segment, 10)
			vs.add(&v, "segment", "Member must have value greater than or equal to 0")
		}
	}
	if err := vs.err(); err != nil {
		return nil, nil, err
	}
	switch {
	case query && in.KeyConditions != nil && in.KeyConditionExpression != nil:
		return nil, nil, mixed("KeyConditions", "KeyConditionExpression")
	case in.QueryFilter != nil && in.FilterExpression != nil:
		return nil, nil, mixed("QueryFilter", "FilterExpression")
	case in.ScanFilter != nil && in.FilterExpression != nil:
		return nil, nil, mixed("ScanFilter", "FilterExpression")
	case in.AttributesToGet != nil && in.ProjectionExpression != nil:
		return nil, nil, mixed("AttributesToGet", "ProjectionExpression")
	}
	if query && in.KeyConditionExpression == nil && in.KeyConditions == nil {
		return nil, nil, validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	if !query {
		switch {
		case in.Segment != nil && in.TotalSegments == nil:
			return nil, nil, validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
		case in.Segment == nil && in.TotalSegments != nil:
			return nil, nil, validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
		// unconfirmed: the Segment/TotalSegments wordings.
		case in.Segment != nil && *in.Segment >= *in.TotalSegments:
			return nil, nil, validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
				strconv.FormatInt(*in.Segment, 10) + " is not less than TotalSegments: " + strconv.FormatInt(*in.TotalSegments, 10))
		}
	}
	if in.ExclusiveStartKey != nil {
		if msg := attr.ValidateItem(in.ExclusiveStartKey); msg != "" {
			return nil, nil, validation(msg)
		}
	}
	env, err := newEnv(false, in.ExpressionAttributeNames, in.ExpressionAttributeValues,
		count(in.KeyConditionExpression, in.FilterExpression, in.ProjectionExpression))
	if err != nil {
		return nil, nil, err
	}
	var keys []expr.KeyCond
	if query && in.KeyConditionExpression != nil {
		kce, err := condition(false, expr.KeyConditionExpression, in.KeyConditionExpression, env)
		if err != nil {
			return nil, nil, err
		}
		if keys, err = expr.KeyConditions(kce); err != nil {
			return nil, nil, exprError(false, err)
		}
	} else if query {
		if keys, err = legacyKeyConditions(in.KeyConditions); err != nil {
			return nil, nil, err
		}
	}
	filter, err := condition(false, expr.FilterExpression, in.FilterExpression, env)
	if err != nil {
		return nil, nil, err
	}
	if raw := in.QueryFilter; raw != nil || in.ScanFilter != nil {
		if raw == nil {
			raw = in.ScanFilter
		}
		if filter, err = legacyFilter(raw, in.ConditionalOperator); err != nil {
			return nil, nil, err
		}
	}
	paths, err := projection(false, in.ProjectionExpression, in.AttributesToGet, env)
	if err != nil {
		return nil, nil, err
	}
	if err := unusedCheck(false, env); err != nil {
		return nil, nil, err
	}
	switch {
	case in.Select == "SPECIFIC_ATTRIBUTES" && paths == nil:
		// Query reports this inside the validation envelope, Scan bare.
		return nil, nil, layered(query, "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
	case (in.Select == "ALL_ATTRIBUTES" || in.Select == "COUNT" || in.Select == "ALL_PROJECTED_ATTRIBUTES") && paths != nil:
		what := "ProjectionExpression"
		if in.AttributesToGet != nil {
			what = "AttributesToGet"
		}
		return nil, nil, validation("Cannot specify the " + what + " when choosing to get " + in.Select)
	case in.Select == "ALL_PROJECTED_ATTRIBUTES" && in.IndexName == nil:
		return nil, nil, validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	}
	t, err := s.mustTable(ctx, st.ref, msgNotFound)
	if err != nil {
		return nil, nil, err
	}
	plan := &readPlan{t: t, ks: &t.keySchema, filter: filter, paths: paths, count: in.Select == "COUNT", forward: true}
	if in.IndexName != nil {
		if err := plan.useIndex(*in.IndexName, in); err != nil {
			return nil, nil, err
		}
	}
	if in.Limit != nil {
		plan.limit = int(min(*in.Limit, 1<<30))
	}
	if in.ScanIndexForward != nil {
		plan.forward = *in.ScanIndexForward
	}
	if in.Segment != nil {
		plan.segment, plan.segments = int(*in.Segment), int(*in.TotalSegments)
	}
	return plan, keys, nil
}

// startKey validates ExclusiveStartKey against the schema.
func (t *table) startKey(esk attr.Item) (storedKey, error) {
	k, err := t.keyOf(esk)
	if err != nil {
		return k, validation("The provided starting key is invalid: " + awserr.As(err).Message)
	}
	return k, nil
}

func (s *Service) queryHandler(ctx context.Context, r *protocol.Request, st request[readInput]) (any, error) {
	in := st.in
	plan, keys, err := s.prepare(ctx, st, true)
	if err != nil {
		return nil, err
	}
	t := plan.t
	if err := plan.keyConditions(keys); err != nil {
		return nil, err
	}
	if in.ExclusiveStartKey != nil && plan.ix != nil {
		if err := plan.indexStart(in.ExclusiveStartKey); err != nil {
			return nil, err
		}
	} else if in.ExclusiveStartKey != nil {
		k, err := t.startKey(in.ExclusiveStartKey)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(k.hk, plan.hk) {
			// unconfirmed: the wording for a start key outside the partition.
			return nil, validation("The provided starting key is invalid: The provided key element does not match the schema")
		}
		plan.after(k.rk)
	}
	return s.run(ctx, plan, in)
}

// keyConditions checks the key condition against the schema and turns it
// into the partition and sort key bounds.
func (p *readPlan) keyConditions(ks []expr.KeyCond) error {
	t := p.ks
	var hash, rng *expr.KeyCond
	for i := range ks {
		k := &ks[i]
		switch {
		case k.Name == t.HashKey:
			if hash != nil {
				return validation("KeyConditionExpressions must only contain one condition per key")
			}
			hash = k
		case t.RangeKey != "" && k.Name == t.RangeKey:
			if rng != nil {
				return validation("KeyConditionExpressions must only contain one condition per key")
			}
			rng = k
		default:
			if hash == nil {
				return validation("Query condition missed key schema element: " + t.HashKey)
			}
			// unconfirmed: a condition on a non-key attribute.
			return validation("Query key condition not supported")
		}
	}
	if hash == nil {
		return validation("Query condition missed key schema element: " + t.HashKey)
	}
	if hash.Op != "=" {
		return validation("Query key condition not supported")
	}
	for _, k := range ks {
		want := t.HashType
		if k.Name == t.RangeKey {
			want = t.RangeType
		}
		for _, v := range k.Values {
			if v.Kind != want {
				return validation("One or more parameter values were invalid: Condition parameter type does not match schema type")
			}
		}
	}
	if msg := emptyKeyValue(t.HashKey, hash.Values[0]); msg != "" {
		return validation(msg)
	}
	p.hk = attr.AppendKey(nil, hash.Values[0])
	if rng == nil {
		return nil
	}
	enc := func(v attr.Value) []byte { return attr.AppendKey(nil, v) }
	switch rng.Op {
	case "=":
		p.setLower(enc(rng.Values[0]), true)
		p.setUpper(enc(rng.Values[0]), true)
	case "<":
		p.setUpper(enc(rng.Values[0]), false)
	case "<=":
		p.setUpper(enc(rng.Values[0]), true)
	case ">":
		p.setLower(enc(rng.Values[0]), false)
	case ">=":
		p.setLower(enc(rng.Values[0]), true)
	case "BETWEEN":
		p.setLower(enc(rng.Values[0]), true)
		p.setUpper(enc(rng.Values[1]), true)
	case "begins_with":
		if t.RangeType == attr.N {
			return validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
		}
		prefix := enc(rng.Values[0])
		p.setLower(prefix, true)
		if succ := successor(prefix); succ != nil {
			p.setUpper(succ, false)
		}
	}
	return nil
}

// successor is the smallest byte string greater than every string with
// the prefix, or nil when there is none (all 0xFF).
func successor(prefix []byte) []byte {
	s := bytes.Clone(prefix)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0xFF {
			s[i]++
			return s[:i+1]
		}
	}
	return nil
}

func (p *readPlan) setLower(b []byte, inclusive bool) {
	if p.hasLower {
		c := bytes.Compare(b, p.lower)
		if c < 0 || (c == 0 && (inclusive || !p.lowerInclusive)) {
			return
		}
	}
	p.lower, p.lowerInclusive, p.hasLower = b, inclusive, true
}

func (p *readPlan) setUpper(b []byte, inclusive bool) {
	if p.hasUpper {
		c := bytes.Compare(b, p.upper)
		if c > 0 || (c == 0 && (inclusive || !p.upperInclusive)) {
			return
		}
	}
	p.upper, p.upperInclusive, p.hasUpper = b, inclusive, true
}

// after narrows a Query to the keys past the start key in its direction.
func (p *readPlan) after(rk []byte) {
	if p.forward {
		p.setLower(rk, false)
	} else {
		p.setUpper(rk, false)
	}
}

func (s *Service) scanHandler(ctx context.Context, r *protocol.Request, st request[readInput]) (any, error) {
	in := st.in
	plan, _, err := s.prepare(ctx, st, false)
	if err != nil {
		return nil, err
	}
	if in.ExclusiveStartKey != nil && plan.ix != nil {
		if err := plan.indexStart(in.ExclusiveStartKey); err != nil {
			return nil, err
		}
	} else if in.ExclusiveStartKey != nil {
		k, err := plan.t.startKey(in.ExclusiveStartKey)
		if err != nil {
			return nil, err
		}
		plan.start = &k
	}
	return s.run(ctx, plan, in)
}

// querySQL builds the statement for a Query's bounds and direction. The
// few shapes keep the store's statement cache small.
func (p *readPlan) querySQL() (string, []any) {
	q := `SELECT hk, rk, size, item FROM dynamodb_items WHERE tid = ? AND hk = ?`
	args := []any{p.t.id, p.hk}
	if p.hasLower {
		if p.lowerInclusive {
			q += ` AND rk >= ?`
		} else {
			q += ` AND rk > ?`
		}
		args = append(args, p.lower)
	}
	if p.hasUpper {
		if p.upperInclusive {
			q += ` AND rk <= ?`
		} else {
			q += ` AND rk < ?`
		}
		args = append(args, p.upper)
	}
	if p.forward {
		q += ` ORDER BY rk`
	} else {
		q += ` ORDER BY rk DESC`
	}
	return q + ` LIMIT ?`, append(args, p.sqlLimit())
}

func (p *readPlan) scanSQL() (string, []any) {
	q := `SELECT hk, rk, size, item FROM dynamodb_items WHERE tid = ?`
	args := []any{p.t.id}
	if p.start != nil {
		q += ` AND (hk, rk) > (?, ?)`
		args = append(args, p.start.hk, p.start.rk)
	}
	q += ` ORDER BY hk, rk LIMIT ?`
	return q, append(args, p.sqlLimit())
}

func (p *readPlan) sqlLimit() int {
	if p.limit > 0 && p.segments == 0 {
		return p.limit
	}
	return -1
}

// run reads one page: items in key order up to Limit evaluated items or
// 1 MB, each filtered and projected.
func (s *Service) run(ctx context.Context, p *readPlan, in *readInput) (any, error) {
	var q string
	var args []any
	switch {
	case p.ix != nil && p.hk != nil:
		q, args = p.indexQuerySQL()
	case p.ix != nil:
		q, args = p.indexScanSQL()
	case p.hk != nil:
		q, args = p.querySQL()
	default:
		q, args = p.scanSQL()
	}
	out := &readOutput{}
	if !p.count {
		out.Items = []json.RawMessage{}
	}
	read := 0
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var hk, rk, thk, trk, raw []byte
		var size int
		dest := []any{&hk, &rk, &size, &raw}
		if p.ix != nil {
			dest = []any{&hk, &rk, &thk, &trk, &size, &raw}
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if p.segments > 0 && segmentOf(hk, p.segments) != p.segment {
				continue
			}
			out.ScannedCount++
			read += size
			var it attr.Item
			// The SQL bounds are exact, so items are parsed only to filter,
			// project, or name the last evaluated key.
			if p.filter != nil || p.paths != nil || p.needKey(out, read) || (p.ix != nil && !p.whole) {
				if it, err = attr.ParseItem(raw); err != nil {
					return err
				}
			}
			// view is what the read sees: a global index's projection, or
			// for a local index what it projects unless DynamoDB fetches
			// the rest from the table (ALL_ATTRIBUTES, or a projection
			// naming attributes it does not hold).
			view := it
			if p.ix != nil && !p.whole && (p.ix.Global || p.paths == nil) {
				view = p.ix.project(p.t, it)
			}
			// A local index's filter sees the whole item, which DynamoDB
			// fetches from the table; a global index's only its projection.
			seen := view
			if p.ix != nil && !p.ix.Global {
				seen = it
			}
			if p.filter == nil || p.filter.Eval(seen) {
				out.Count++
				if !p.count {
					switch {
					case p.paths != nil:
						out.Items = append(out.Items, attr.AppendItem(nil, expr.Project(view, p.paths)))
					case p.ix != nil && !p.whole:
						out.Items = append(out.Items, attr.AppendItem(nil, view))
					default:
						out.Items = append(out.Items, bytes.Clone(raw))
					}
				}
			}
			if p.needKey(out, read) {
				out.LastEvaluatedKey = p.lastKey(it)
				break
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, p.t.Name, readUnits(read, in.ConsistentRead))
	if c := out.ConsumedCapacity; c != nil && c.Table != nil && p.ix != nil {
		// INDEXES: a read of an index consumes the index's capacity, not the
		// table's (API Reference, ConsumedCapacity: Table, LocalSecondaryIndexes,
		// GlobalSecondaryIndexes).
		per := map[string]capacityUnits{p.ix.Name: *c.Table}
		c.Table = &capacityUnits{0}
		if p.ix.Global {
			c.GlobalSecondaryIndexes = per
		} else {
			c.LocalSecondaryIndexes = per
		}
	}
	return out, nil
}

// needKey reports whether the page ends at the item just read.
func (p *readPlan) needKey(out *readOutput, read int) bool {
	return (p.limit > 0 && out.ScannedCount >= p.limit) || read >= maxPage
}

// segmentOf assigns a partition to one of n parallel-scan segments.
func segmentOf(hk []byte, n int) int {
	h := fnv.New32a()
	h.Write(hk)
	return int(h.Sum32() % uint32(n))
}
