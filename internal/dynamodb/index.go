package dynamodb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/store"
)

// Secondary indexes. Each index has its own key schema; its entries live in
// dynamodb_index_items, keyed by the index id and the binary encoding of the
// item's index keys then its table keys, so that a Query on an index is a
// range scan of that table's primary key in DynamoDB's order (the index sort
// key, then the table keys as the tiebreak), joined to the item by its table
// key. An entry holds no copy of the item: projections are applied when
// reading, and an entry's size is its projected item's.
//
// An index holds only the items that have all of its key attributes (a
// sparse index), with the types the attribute definitions give them.

// Projection types.
const (
	projAll      = "ALL"
	projKeysOnly = "KEYS_ONLY"
	projInclude  = "INCLUDE"
)

// Limits on a table's indexes.
const (
	maxLSI = 5
	maxGSI = 20
)

type index struct {
	ID     int64 // dynamodb_indexes.id: the entries' key, never reused
	Name   string
	Global bool
	keySchema
	Projection string
	NonKey     []string `json:",omitempty"`
	RCU, WCU   int64    // a global index's provisioned throughput
}

func (t *table) indexARN(name string) string { return t.ARN() + "/index/" + name }

// findIndex returns the named index, or nil.
func (t *table) findIndex(name string) *index {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

type projectionIn struct {
	ProjectionType   *string  `json:"ProjectionType"`
	NonKeyAttributes []string `json:"NonKeyAttributes"`
}

// indexInput is a GlobalSecondaryIndex or LocalSecondaryIndex of a request.
type indexInput struct {
	IndexName             *string            `json:"IndexName"`
	KeySchema             []keySchemaElement `json:"KeySchema"`
	Projection            *projectionIn      `json:"Projection"`
	ProvisionedThroughput *throughputIn      `json:"ProvisionedThroughput"`
}

// checkIndexModel applies the model constraints of one index of a request
// (member is "globalSecondaryIndexes.N.member" or the like).
func checkIndexModel(vs *violations, in *indexInput, member string, global bool) {
	checkName(vs, in.IndexName, member+".indexName")
	if in.KeySchema == nil {
		vs.add(nil, member+".keySchema", "Member must not be null")
	} else if len(in.KeySchema) == 0 {
		v := "[]"
		vs.add(&v, member+".keySchema", "Member must have length greater than or equal to 1")
	} else if len(in.KeySchema) > 2 {
		v := "[" + strconv.Itoa(len(in.KeySchema)) + " elements]"
		vs.add(&v, member+".keySchema", "Member must have length less than or equal to 2")
	}
	for i, k := range in.KeySchema {
		if k.KeyType != "HASH" && k.KeyType != "RANGE" {
			kt := k.KeyType
			vs.add(&kt, member+".keySchema."+strconv.Itoa(i+1)+".member.keyType", "Member must satisfy enum value set: [HASH, RANGE]")
		}
	}
	if in.Projection == nil {
		vs.add(nil, member+".projection", "Member must not be null")
	} else {
		if pt := in.Projection.ProjectionType; pt != nil && *pt != projAll && *pt != projKeysOnly && *pt != projInclude {
			vs.add(pt, member+".projection.projectionType", "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]")
		}
		if in.Projection.NonKeyAttributes != nil && len(in.Projection.NonKeyAttributes) == 0 {
			v := "[]"
			vs.add(&v, member+".projection.nonKeyAttributes", "Member must have length greater than or equal to 1")
		}
	}
	if pt := in.ProvisionedThroughput; pt != nil && global {
		checkThroughputAt(vs, pt, member+".provisionedThroughput")
	}
}

// checkName applies the constraints DynamoDB's names share (IndexName,
// and TableName where no ARN may stand in for it).
func checkName(vs *violations, name *string, member string) {
	if name == nil {
		vs.add(nil, member, "Member must not be null")
		return
	}
	n := *name
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			vs.add(name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
			break
		}
	}
	if len(n) < 3 {
		vs.add(name, member, "Member must have length greater than or equal to 3")
	}
	if len(n) > 255 {
		vs.add(name, member, "Member must have length less than or equal to 255")
	}
}

// indexSpec is what building an index needs to know of its table.
type indexSpec struct {
	table    *keySchema
	defs     map[string]string // attribute definitions by name
	defNames []string          // in request order, for messages
	billing  string
}

// schemaOf checks a key schema's elements as CreateTable does for the
// table's: definitions first, then the element order.
func (sp *indexSpec) schemaOf(ks []keySchemaElement) (keySchema, error) {
	var missing bool
	names := make([]string, 0, len(ks))
	for _, k := range ks {
		names = append(names, k.AttributeName)
		if _, ok := sp.defs[k.AttributeName]; !ok {
			missing = true
		}
	}
	if missing {
		return keySchema{}, validation(fmt.Sprintf(msgUndefinedKeys, list(names), list(sp.defNames)))
	}
	if err := keyElements(ks); err != nil {
		return keySchema{}, err
	}
	k := keySchema{HashKey: ks[0].AttributeName, HashType: mustKind(sp.defs[ks[0].AttributeName])}
	if len(ks) == 2 {
		k.RangeKey, k.RangeType = ks[1].AttributeName, mustKind(sp.defs[ks[1].AttributeName])
	}
	return k, nil
}

// keyElements checks the order and names of a key schema's elements (one
// or two, of valid key types): the table's or an index's.
func keyElements(ks []keySchemaElement) error {
	if ks[0].KeyType != "HASH" {
		return validation(msgFirstNotHash)
	}
	if len(ks) == 2 {
		// Same names are reported first: [a HASH, a HASH] is a name
		// clash (dynalite, "hash key and range key having same name").
		if ks[0].AttributeName == ks[1].AttributeName {
			return validation(msgSameKeyNames)
		}
		if ks[1].KeyType != "RANGE" {
			return validation(msgSecondNotRange)
		}
	}
	return nil
}

// build validates one index of a request (after checkIndexModel) and
// returns its definition, without an ID.
func (sp *indexSpec) build(in *indexInput, global bool) (*index, error) {
	ks, err := sp.schemaOf(in.KeySchema)
	if err != nil {
		return nil, err
	}
	name := *in.IndexName
	if !global {
		if ks.RangeKey == "" {
			return nil, validation(fmt.Sprintf(msgLSINoRange, name))
		}
		if ks.HashKey != sp.table.HashKey {
			return nil, validation(fmt.Sprintf(msgLSIHash, name, ks.HashKey, sp.table.HashKey))
		}
	}
	ix := &index{Name: name, Global: global, keySchema: ks}
	p := in.Projection
	if p.ProjectionType == nil {
		return nil, validation(fmt.Sprintf(msgUnknownProjection, "null"))
	}
	ix.Projection = *p.ProjectionType
	switch ix.Projection {
	case projAll, projKeysOnly:
		if p.NonKeyAttributes != nil {
			return nil, validation(fmt.Sprintf(msgNonKeyNotAllowed, ix.Projection))
		}
	case projInclude:
		if p.NonKeyAttributes == nil {
			return nil, validation(msgNonKeyMissing)
		}
		for _, a := range p.NonKeyAttributes {
			if sp.table.isKey(a) || ix.isKey(a) {
				return nil, validation(fmt.Sprintf(msgNonKeyIsKey, a))
			}
		}
		ix.NonKey = append([]string(nil), p.NonKeyAttributes...)
	}
	if global {
		pt := in.ProvisionedThroughput
		switch {
		case sp.billing == billingOnDemand && pt != nil:
			return nil, validation(fmt.Sprintf(msgGSINoThroughput, name))
		case sp.billing != billingOnDemand && pt == nil:
			return nil, validation(fmt.Sprintf(msgGSINeedsThroughput, name))
		case pt != nil:
			ix.RCU, ix.WCU = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		}
	}
	return ix, nil
}

// usedAttributes lists the attributes the key schemas of t and its indexes
// use, sorted.
func usedAttributes(t *keySchema, ixs []*index) []string {
	seen := map[string]bool{}
	for _, n := range t.keyNames() {
		seen[n] = true
	}
	for _, ix := range ixs {
		for _, n := range ix.keyNames() {
			seen[n] = true
		}
	}
	return sortedNames(seen)
}

// projects reports whether the index holds the top-level attribute name.
func (ix *index) projects(t *table, name string) bool {
	if ix.Projection == projAll || t.isKey(name) || ix.isKey(name) {
		return true
	}
	for _, n := range ix.NonKey {
		if n == name {
			return true
		}
	}
	return false
}

// project returns the part of a table item the index holds.
func (ix *index) project(t *table, it attr.Item) attr.Item {
	if ix.Projection == projAll {
		return it
	}
	out := make(attr.Item, 4+len(ix.NonKey))
	for _, n := range t.keyNames() {
		out[n] = it[n]
	}
	for _, n := range ix.keyNames() {
		out[n] = it[n]
	}
	for _, n := range ix.NonKey {
		if v, ok := it[n]; ok {
			out[n] = v
		}
	}
	return out
}

// checkKeys refuses an item whose index key attributes have the wrong type
// or are empty; an item without them is simply not in the index.
func (ix *index) checkKeys(t *table, it attr.Item) error {
	for _, n := range ix.keyNames() {
		if t.isKey(n) {
			continue
		}
		v, ok := it[n]
		if !ok {
			continue
		}
		want := ix.kindOf(n)
		if v.Kind != want {
			return validation(fmt.Sprintf(msgIndexKeyType, n, want.String(), v.Kind.String(), ix.Name))
		}
		if v.Str == "" && (v.Kind == attr.S || v.Kind == attr.B) {
			what := "string"
			if v.Kind == attr.B {
				what = "binary"
			}
			return validation(fmt.Sprintf(msgIndexKeyEmpty, what, ix.Name, n))
		}
	}
	return nil
}

// entry returns an item's index key in storage form, and whether the item
// is in the index at all (it has every index key attribute, of its type).
func (ix *index) entry(it attr.Item) (hk, rk []byte, ok bool) {
	if it == nil {
		return nil, nil, false
	}
	hv, ok := it[ix.HashKey]
	if !ok || hv.Kind != ix.HashType || (hv.Str == "" && hv.Kind != attr.N) {
		return nil, nil, false
	}
	rk = []byte{}
	if ix.RangeKey != "" {
		rv, ok := it[ix.RangeKey]
		if !ok || rv.Kind != ix.RangeType || (rv.Str == "" && rv.Kind != attr.N) {
			return nil, nil, false
		}
		rk = attr.AppendKey(nil, rv)
	}
	return attr.AppendKey(nil, hv), rk, true
}

// checkIndexKeys checks an item about to be written against every index.
func (t *table) checkIndexKeys(it attr.Item) error {
	for _, ix := range t.Indexes {
		if err := ix.checkKeys(t, it); err != nil {
			return err
		}
	}
	return nil
}

// indexItems keeps t's index entries for the item at key as it changes
// from old to next (either may be nil).
func indexItems(tx *store.Tx, t *table, key storedKey, old, next attr.Item) error {
	for _, ix := range t.Indexes {
		oh, or, was := ix.entry(old)
		nh, nr, is := ix.entry(next)
		if was && (!is || !bytes.Equal(oh, nh) || !bytes.Equal(or, nr)) {
			if _, err := tx.Exec(`DELETE FROM dynamodb_index_items WHERE xid = ? AND hk = ? AND rk = ? AND thk = ? AND trk = ?`,
				ix.ID, oh, or, key.hk, key.rk); err != nil {
				return err
			}
		}
		if is {
			size := attr.ItemSize(ix.project(t, next))
			if _, err := tx.Exec(`INSERT OR REPLACE INTO dynamodb_index_items (xid, hk, rk, thk, trk, size) VALUES (?, ?, ?, ?, ?, ?)`,
				ix.ID, nh, nr, key.hk, key.rk, size); err != nil {
				return err
			}
		}
	}
	return nil
}

// storeItem writes an item, keeping the table's indexes and stream (and
// Kinesis streaming destinations). old is the stored item when the caller
// has read it (haveOld); tables without indexes or a record of changes
// write the row and nothing else.
func (s *Service) storeItem(tx *store.Tx, t *table, key storedKey, size int, encoded []byte, next, old attr.Item, haveOld bool) error {
	if len(t.Indexes) == 0 && !t.recordsChanges() {
		return putRow(tx, t.id, key, size, encoded)
	}
	if len(t.Indexes) > 0 {
		if err := t.checkIndexKeys(next); err != nil {
			return err
		}
	}
	if !haveOld {
		var err error
		if old, _, err = readItem(tx, t.id, key); err != nil {
			return err
		}
	}
	if err := putRow(tx, t.id, key, size, encoded); err != nil {
		return err
	}
	if err := indexItems(tx, t, key, old, next); err != nil {
		return err
	}
	return s.streamChange(tx, t, old, next, encoded)
}

// removeItem deletes an item, its index entries, and records the removal
// in the table's stream.
func (s *Service) removeItem(tx *store.Tx, t *table, key storedKey, old attr.Item, haveOld bool) error {
	if len(t.Indexes) == 0 && !t.recordsChanges() {
		return deleteRow(tx, t.id, key)
	}
	if !haveOld {
		var err error
		if old, _, err = readItem(tx, t.id, key); err != nil {
			return err
		}
	}
	if err := deleteRow(tx, t.id, key); err != nil {
		return err
	}
	if err := indexItems(tx, t, key, old, nil); err != nil {
		return err
	}
	return s.streamChange(tx, t, old, nil, nil)
}

// newIndexID allocates an index's id.
func newIndexID(tx *store.Tx, tid int64, name string) (int64, error) {
	res, err := tx.Exec(`INSERT INTO dynamodb_indexes (tid, name) VALUES (?, ?)`, tid, name)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// backfill adds the entries of every item of t to a new index. Items whose
// key attributes have other types are left out of it, as DynamoDB's
// backfill leaves index key violations out.
func backfill(tx *store.Tx, t *table, ix *index) error {
	rows, err := tx.Query(`SELECT hk, rk, item FROM dynamodb_items WHERE tid = ?`, t.id)
	if err != nil {
		return err
	}
	type entry struct {
		hk, rk, thk, trk []byte
		size             int
	}
	var entries []entry
	for rows.Next() {
		var thk, trk, raw []byte
		if err := rows.Scan(&thk, &trk, &raw); err != nil {
			rows.Close()
			return err
		}
		it, err := attr.ParseItem(raw)
		if err != nil {
			rows.Close()
			return err
		}
		if hk, rk, ok := ix.entry(it); ok {
			entries = append(entries, entry{hk, rk, bytes.Clone(thk), bytes.Clone(trk), attr.ItemSize(ix.project(t, it))})
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	rows.Close()
	for _, e := range entries {
		if _, err := tx.Exec(`INSERT OR REPLACE INTO dynamodb_index_items (xid, hk, rk, thk, trk, size) VALUES (?, ?, ?, ?, ?, ?)`,
			ix.ID, e.hk, e.rk, e.thk, e.trk, e.size); err != nil {
			return err
		}
	}
	return nil
}

// dropIndex deletes an index's entries.
func dropIndex(tx *store.Tx, ix *index) error {
	_, err := tx.Exec(`DELETE FROM dynamodb_index_items WHERE xid = ?`, ix.ID)
	return err
}

// --- descriptions ---

type projectionOut struct {
	ProjectionType   string   `json:"ProjectionType"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty"`
}

// indexDescription is a GlobalSecondaryIndexDescription or
// LocalSecondaryIndexDescription; the status and throughput are global
// indexes' only.
type indexDescription struct {
	IndexName             string             `json:"IndexName"`
	KeySchema             []keySchemaElement `json:"KeySchema"`
	Projection            projectionOut      `json:"Projection"`
	IndexStatus           string             `json:"IndexStatus,omitempty"`
	ProvisionedThroughput *throughputOut     `json:"ProvisionedThroughput,omitempty"`
	IndexSizeBytes        int64              `json:"IndexSizeBytes"`
	ItemCount             int64              `json:"ItemCount"`
	IndexArn              string             `json:"IndexArn"`
	WarmThroughput        *warmThroughput    `json:"WarmThroughput,omitempty"`
}

// indexStatus gives an index's status in a description (global ones).
type indexStatus func(ix *index) string

// describeIndexes adds t's indexes to d, counting their entries when tx is
// not nil.
func describeIndexes(tx *store.Tx, t *table, d *tableDescription, status indexStatus) error {
	for _, ix := range t.Indexes {
		desc := indexDescription{
			IndexName:  ix.Name,
			KeySchema:  ix.elements(),
			Projection: projectionOut{ProjectionType: ix.Projection, NonKeyAttributes: ix.NonKey},
			IndexArn:   t.indexARN(ix.Name),
		}
		if tx != nil {
			if err := tx.QueryRow(`SELECT COUNT(*), COALESCE(SUM(size), 0) FROM dynamodb_index_items WHERE xid = ?`, ix.ID).
				Scan(&desc.ItemCount, &desc.IndexSizeBytes); err != nil {
				return err
			}
		}
		if !ix.Global {
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, desc)
			continue
		}
		desc.IndexStatus = status(ix)
		desc.ProvisionedThroughput = &throughputOut{ReadCapacityUnits: ix.RCU, WriteCapacityUnits: ix.WCU}
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, desc)
	}
	return nil
}

func allStatus(s string) indexStatus { return func(*index) string { return s } }

// sortIndexes orders indexes local first, then by creation.
func sortIndexes(ixs []*index) {
	sort.SliceStable(ixs, func(i, j int) bool { return !ixs[i].Global && ixs[j].Global })
}

// buildIndexes validates the indexes of a request: its local ones, then
// its global ones. gsiBefore counts the global indexes the table has.
func buildIndexes(sp *indexSpec, lsis, gsis []indexInput, gsiBefore int) ([]*index, error) {
	if len(lsis) > maxLSI {
		return nil, validation(msgTooManyLSI)
	}
	if gsiBefore+len(gsis) > maxGSI {
		return nil, validation(msgTooManyGSI)
	}
	var out []*index
	seen := map[string]bool{}
	for i, group := range [][]indexInput{lsis, gsis} {
		for j := range group {
			ix, err := sp.build(&group[j], i == 1)
			if err != nil {
				return nil, err
			}
			if seen[ix.Name] {
				return nil, validation(fmt.Sprintf(msgDuplicateIndex, ix.Name))
			}
			seen[ix.Name] = true
			out = append(out, ix)
		}
	}
	return out, nil
}

// saveMeta rewrites a table's stored definition.
func saveMeta(tx *store.Tx, t *table) error {
	meta, err := json.Marshal(t)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`UPDATE dynamodb_tables SET meta = ? WHERE id = ?`, string(meta), t.id)
	return err
}

// gsiUpdate is one of UpdateTable's GlobalSecondaryIndexUpdates.
type gsiUpdate struct {
	Create *indexInput `json:"Create"`
	Update *struct {
		IndexName             *string       `json:"IndexName"`
		ProvisionedThroughput *throughputIn `json:"ProvisionedThroughput"`
	} `json:"Update"`
	Delete *struct {
		IndexName *string `json:"IndexName"`
	} `json:"Delete"`
}

// checkGSIUpdates applies the model constraints of GlobalSecondaryIndexUpdates.
func checkGSIUpdates(us []gsiUpdate) error {
	var vs violations
	for i, u := range us {
		member := "globalSecondaryIndexUpdates." + strconv.Itoa(i+1) + ".member"
		n := 0
		if u.Create != nil {
			n++
			checkIndexModel(&vs, u.Create, member+".create", true)
		}
		if u.Update != nil {
			n++
			checkName(&vs, u.Update.IndexName, member+".update.indexName")
			if u.Update.ProvisionedThroughput == nil {
				vs.add(nil, member+".update.provisionedThroughput", "Member must not be null")
			} else {
				checkThroughputAt(&vs, u.Update.ProvisionedThroughput, member+".update.provisionedThroughput")
			}
		}
		if u.Delete != nil {
			n++
			checkName(&vs, u.Delete.IndexName, member+".delete.indexName")
		}
		if n != 1 && len(vs) == 0 {
			return validation(msgGSIUpdateOne)
		}
	}
	return vs.err()
}

// applyGSIUpdates creates (and backfills), updates and deletes t's global
// indexes inside UpdateTable's transaction. t is the caller's copy; its
// Indexes slice is replaced, never changed in place, since cached readers
// hold the old one. It returns the indexes deleted, which the response
// still describes.
func applyGSIUpdates(tx *store.Tx, t *table, in *updateTableInput) (deleted []*index, created map[string]bool, err error) {
	defs := map[string]string{}
	var names []string
	for _, a := range t.AttrDefs {
		defs[a.Name] = a.Type
		names = append(names, a.Name)
	}
	for _, a := range in.AttributeDefinitions {
		if _, ok := defs[a.AttributeName]; !ok {
			defs[a.AttributeName] = a.AttributeType
			names = append(names, a.AttributeName)
		}
	}
	ixs := make([]*index, 0, len(t.Indexes)+len(in.GlobalSecondaryIndexUpdates))
	for _, ix := range t.Indexes {
		c := *ix
		ixs = append(ixs, &c)
	}
	find := func(name string) int {
		for i, ix := range ixs {
			if ix.Name == name {
				return i
			}
		}
		return -1
	}
	created = map[string]bool{}
	sp := &indexSpec{table: &t.keySchema, defs: defs, defNames: names, billing: t.Billing}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		switch {
		case u.Delete != nil:
			i := find(*u.Delete.IndexName)
			if i < 0 || !ixs[i].Global {
				return nil, nil, errNotFound.New(fmt.Sprintf(msgIndexNotFound, *u.Delete.IndexName))
			}
			if err := dropIndex(tx, ixs[i]); err != nil {
				return nil, nil, err
			}
			deleted = append(deleted, ixs[i])
			ixs = append(ixs[:i], ixs[i+1:]...)
		case u.Update != nil:
			i := find(*u.Update.IndexName)
			if i < 0 || !ixs[i].Global {
				return nil, nil, errNotFound.New(fmt.Sprintf(msgIndexNotFound, *u.Update.IndexName))
			}
			if t.Billing == billingOnDemand {
				return nil, nil, validation(fmt.Sprintf(msgGSINoThroughput, ixs[i].Name))
			}
			pt := u.Update.ProvisionedThroughput
			ixs[i].RCU, ixs[i].WCU = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		case u.Create != nil:
			if find(*u.Create.IndexName) >= 0 {
				return nil, nil, validation(msgIndexExists)
			}
			gsis := 0
			for _, ix := range ixs {
				if ix.Global {
					gsis++
				}
			}
			built, err := buildIndexes(sp, nil, []indexInput{*u.Create}, gsis)
			if err != nil {
				return nil, nil, err
			}
			ix := built[0]
			if ix.ID, err = newIndexID(tx, t.id, ix.Name); err != nil {
				return nil, nil, err
			}
			if err := backfill(tx, t, ix); err != nil {
				return nil, nil, err
			}
			ixs = append(ixs, ix)
			created[ix.Name] = true
		}
	}
	// Global indexes follow the table's billing mode: on demand they have
	// no throughput; provisioned, each needs its own (given by an Update
	// when the table switches).
	for _, ix := range ixs {
		switch {
		case !ix.Global:
		case t.Billing == billingOnDemand:
			ix.RCU, ix.WCU = 0, 0
		case ix.RCU == 0:
			return nil, nil, validation(fmt.Sprintf(msgGSINeedsThroughput, ix.Name))
		}
	}
	t.Indexes = ixs
	used := map[string]bool{}
	for _, n := range usedAttributes(&t.keySchema, ixs) {
		used[n] = true
	}
	t.AttrDefs = nil
	for _, n := range names {
		if used[n] {
			t.AttrDefs = append(t.AttrDefs, attrDef{n, defs[n]})
		}
	}
	return deleted, created, nil
}
