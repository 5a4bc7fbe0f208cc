package dynamodb

import (
	"bytes"
	"fmt"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
)

// Reads of a secondary index (Query and Scan with IndexName).

// useIndex points a plan at the named index and applies what DynamoDB
// allows of reads of it.
func (p *readPlan) useIndex(name string, in *readInput) error {
	ix := p.t.findIndex(name)
	if ix == nil {
		return validation(fmt.Sprintf(msgNoSuchIndex, name))
	}
	if in.ConsistentRead && ix.Global {
		return validation(msgConsistentGSI)
	}
	p.ix, p.ks = ix, &ix.keySchema
	switch {
	case ix.Projection == projAll:
		p.whole = true
	case in.Select == "ALL_ATTRIBUTES":
		// A local index fetches the rest of each item from the table; a
		// global one cannot.
		if ix.Global {
			return validation(fmt.Sprintf(msgSelectAllGSI, name))
		}
		p.whole = true
	}
	if ix.Global && p.paths != nil {
		var missing []string
		for _, path := range p.paths {
			if top := path.Top(); !ix.projects(p.t, top) {
				missing = append(missing, top)
			}
		}
		if len(missing) > 0 {
			return validation(fmt.Sprintf(msgNotProjected, name, list(missing)))
		}
	}
	return nil
}

// indexStart validates an index read's ExclusiveStartKey, which holds the
// index keys and the table keys, and starts the read after it.
func (p *readPlan) indexStart(esk attr.Item) error {
	bad := validation("The provided starting key is invalid: " + msgKeySchema)
	ix, t := p.ix, p.t
	tkey := attr.Item{}
	for _, n := range t.keyNames() {
		v, ok := esk[n]
		if !ok {
			return bad
		}
		tkey[n] = v
	}
	n := len(tkey)
	var parts [2][]byte
	parts[1] = []byte{}
	for i, name := range ix.keyNames() {
		v, ok := esk[name]
		if !ok || v.Kind != ix.kindOf(name) {
			return bad
		}
		if !t.isKey(name) {
			n++
		}
		parts[i] = attr.AppendKey(nil, v)
	}
	if n != len(esk) {
		return bad
	}
	k, err := t.keyOf(tkey)
	if err != nil {
		return bad
	}
	if p.hk != nil && !bytes.Equal(parts[0], p.hk) {
		return bad
	}
	p.ixStart = [][]byte{parts[0], parts[1], k.hk, k.rk}
	return nil
}

// lastKey is LastEvaluatedKey for the item a page ends at: its table keys,
// and its index keys on an index read.
func (p *readPlan) lastKey(it attr.Item) attr.Item {
	k := p.t.keyItem(it)
	if p.ix != nil {
		for _, n := range p.ix.keyNames() {
			k[n] = it[n]
		}
	}
	return k
}

// indexSelect reads index entries joined to their items: the index's
// primary key is the range scanned, each item then found by its key.
const indexSelect = `SELECT x.hk, x.rk, x.thk, x.trk, x.size, t.item FROM dynamodb_index_items x ` +
	`CROSS JOIN dynamodb_items t ON t.tid = ? AND t.hk = x.thk AND t.rk = x.trk WHERE x.xid = ?`

func (p *readPlan) indexQuerySQL() (string, []any) {
	q := indexSelect + ` AND x.hk = ?`
	args := []any{p.t.id, p.ix.ID, p.hk}
	if p.hasLower {
		if p.lowerInclusive {
			q += ` AND x.rk >= ?`
		} else {
			q += ` AND x.rk > ?`
		}
		args = append(args, p.lower)
	}
	if p.hasUpper {
		if p.upperInclusive {
			q += ` AND x.rk <= ?`
		} else {
			q += ` AND x.rk < ?`
		}
		args = append(args, p.upper)
	}
	if p.ixStart != nil {
		if p.forward {
			q += ` AND (x.rk, x.thk, x.trk) > (?, ?, ?)`
		} else {
			q += ` AND (x.rk, x.thk, x.trk) < (?, ?, ?)`
		}
		args = append(args, p.ixStart[1], p.ixStart[2], p.ixStart[3])
	}
	if p.forward {
		q += ` ORDER BY x.rk, x.thk, x.trk`
	} else {
		q += ` ORDER BY x.rk DESC, x.thk DESC, x.trk DESC`
	}
	return q + ` LIMIT ?`, append(args, p.sqlLimit())
}

func (p *readPlan) indexScanSQL() (string, []any) {
	q := indexSelect
	args := []any{p.t.id, p.ix.ID}
	if p.ixStart != nil {
		q += ` AND (x.hk, x.rk, x.thk, x.trk) > (?, ?, ?, ?)`
		args = append(args, p.ixStart[0], p.ixStart[1], p.ixStart[2], p.ixStart[3])
	}
	q += ` ORDER BY x.hk, x.rk, x.thk, x.trk LIMIT ?`
	return q, append(args, p.sqlLimit())
}
