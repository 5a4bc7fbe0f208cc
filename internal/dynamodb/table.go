package dynamodb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/store"
)

// table is one table's definition as stored (meta column) and cached.
type table struct {
	id      int64 // dynamodb_tables.id: the items' table key, never reused
	Account string
	Region  string
	Name    string
	TableID string  // the UUID DescribeTable reports
	Created float64 // epoch seconds

	keySchema
	AttrDefs []attrDef // the attributes the key schemas use

	// Indexes are the secondary indexes, local ones first, each in the
	// order it was created.
	Indexes []*index `json:",omitempty"`

	Billing      string // "PROVISIONED" or "PAY_PER_REQUEST"
	BillingGiven bool   // BillingMode was in the CreateTable request
	// BillingSwitched: UpdateTable moved the table from on demand to
	// provisioned; only then does its description carry a PROVISIONED
	// BillingModeSummary (one created PROVISIONED has none).
	BillingSwitched  bool `json:",omitempty"`
	BillingUpdatedAt float64
	RCU, WCU         int64
	LastIncrease     float64
	LastDecrease     float64
	Decreases        int64

	// WarmRead and WarmWrite are the WarmThroughput CreateTable asked for.
	WarmRead  int64 `json:",omitempty"`
	WarmWrite int64 `json:",omitempty"`

	// StreamID is the table's stream (dynamodb_streams.id) while one is
	// enabled, StreamView its view type; StreamLabel is the latest
	// stream's label, kept when it is disabled (LatestStreamArn).
	StreamID    int64  `json:",omitempty"`
	StreamView  string `json:",omitempty"`
	StreamLabel string `json:",omitempty"`

	// Kinesis are the table's Kinesis streaming destinations, in the
	// order first enabled (kinesisdest.go).
	Kinesis []*kinesisDest `json:",omitempty"`
}

// keySchema is a primary key: a table's or an index's. It is embedded in
// both, so that its fields stay top-level members of the stored JSON.
type keySchema struct {
	HashKey   string
	HashType  attr.Kind
	RangeKey  string // "" without a sort key
	RangeType attr.Kind
}

type attrDef struct {
	Name string
	Type string
}

// ARN is the table's ARN.
func (t *table) ARN() string {
	return tableARN(t.Region, t.Account, t.Name)
}

func tableARN(region, account, name string) string {
	return "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name
}

// keyNames returns the key attribute names, partition key first.
func (k *keySchema) keyNames() []string {
	if k.RangeKey == "" {
		return []string{k.HashKey}
	}
	return []string{k.HashKey, k.RangeKey}
}

func (k *keySchema) isKey(name string) bool {
	return name == k.HashKey || (k.RangeKey != "" && name == k.RangeKey)
}

// kindOf returns the type of a key attribute of the schema.
func (k *keySchema) kindOf(name string) attr.Kind {
	if name == k.HashKey {
		return k.HashType
	}
	return k.RangeType
}

// elements is the schema as DescribeTable shows it.
func (k *keySchema) elements() []keySchemaElement {
	out := []keySchemaElement{{k.HashKey, "HASH"}}
	if k.RangeKey != "" {
		out = append(out, keySchemaElement{k.RangeKey, "RANGE"})
	}
	return out
}

// tableRef names a table: the caller's, or one given by ARN.
type tableRef struct {
	account, region, name string
}

func (r tableRef) key() string { return r.account + "\x00" + r.region + "\x00" + r.name }

func (r tableRef) arn() string { return tableARN(r.region, r.account, r.name) }

// parseTableName reads TableName, which may be a table ARN
// (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME) as DynamoDB accepts.
func parseTableName(name, account, region string) tableRef {
	if rest, ok := strings.CutPrefix(name, "arn:"); ok {
		parts := strings.SplitN(rest, ":", 5)
		if len(parts) == 5 && parts[1] == "dynamodb" {
			if n, ok := strings.CutPrefix(parts[4], "table/"); ok && !strings.Contains(n, "/") {
				return tableRef{account: parts[3], region: parts[2], name: n}
			}
		}
	}
	return tableRef{account: account, region: region, name: name}
}

// tableCache keeps table definitions in memory: every item operation needs
// its table's key schema, and this process is the store's only writer, so
// the cache is exact as long as every table write updates it.
//
// Table writes change the cache inside their store transaction, so that the
// next writer (which runs after the commit) sees the change, and drop the
// whole cache if the transaction fails. A reader that missed the cache loads
// from a snapshot; it may cache what it loaded only if no table write was in
// flight at any time since it began (writing is zero and gen unchanged), so
// a definition from before a commit can never stick.
type tableCache struct {
	mu      sync.RWMutex
	gen     uint64
	writing int
	byName  map[string]*table
}

func newTableCache() tableCache {
	return tableCache{byName: map[string]*table{}}
}

func (c *tableCache) get(key string) (*table, bool, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.byName[key]
	return t, ok, c.gen
}

// fill caches a definition loaded from a snapshot taken at generation gen.
// Missing tables are not remembered, so that requests naming random tables
// cannot grow the cache.
func (c *tableCache) fill(key string, t *table, gen uint64) {
	if t == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen && c.writing == 0 {
		c.byName[key] = t
	}
}

// set records a change made by the current write transaction; nil
// records a deleted table.
func (c *tableCache) set(key string, t *table) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if t == nil {
		delete(c.byName, key)
		return
	}
	c.byName[key] = t
}

// begin and end bracket a table write; end with failed drops everything,
// since the transaction's changes to the cache did not happen.
func (c *tableCache) begin() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writing++
	c.gen++
}

func (c *tableCache) end(failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writing--
	c.gen++
	if failed {
		c.byName = map[string]*table{}
	}
}

// lookup returns the table, or nil when it does not exist.
func (s *Service) lookup(ctx context.Context, ref tableRef) (*table, error) {
	key := ref.key()
	t, ok, gen := s.tables.get(key)
	if ok {
		return t, nil
	}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		t, err = loadTable(tx, ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.tables.fill(key, t, gen)
	return t, nil
}

// loadTable reads a definition inside a transaction; nil when missing.
func loadTable(tx *store.Tx, ref tableRef) (*table, error) {
	var id int64
	var meta string
	err := tx.QueryRow(`SELECT id, meta FROM dynamodb_tables WHERE account = ? AND region = ? AND name = ?`,
		ref.account, ref.region, ref.name).Scan(&id, &meta)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t := &table{}
	if err := json.Unmarshal([]byte(meta), t); err != nil {
		return nil, err
	}
	t.id = id
	return t, nil
}

// mustLoadTable reads a definition inside a transaction, or answers
// ResourceNotFoundException as DescribeTable words it.
func mustLoadTable(tx *store.Tx, ref tableRef) (*table, error) {
	t, err := loadTable(tx, ref)
	if err == nil && t == nil {
		err = errNotFound.New(notFoundTable(ref.name))
	}
	return t, err
}

// writeTables runs a table-changing fn in a store write transaction and
// keeps the table cache exact: if the transaction fails, cached
// definitions that fn changed are dropped.
func (s *Service) writeTables(ctx context.Context, fn func(tx *store.Tx) error) error {
	s.tables.begin()
	err := s.db.Write(ctx, fn)
	s.tables.end(err != nil)
	return err
}

// current re-resolves t inside a write transaction: a table deleted or
// re-created since the request looked it up is noticed before any item is
// written under a stale definition. Table writes update the cache inside
// their transactions and writes are serialized, so the cache is exact here.
func (s *Service) current(tx *store.Tx, t *table) (*table, error) {
	ref := tableRef{account: t.Account, region: t.Region, name: t.Name}
	cur, ok, _ := s.tables.get(ref.key())
	if !ok {
		var err error
		if cur, err = loadTable(tx, ref); err != nil {
			return nil, err
		}
	}
	if cur == nil {
		return nil, errNotFound.New(msgNotFound)
	}
	if cur != t && (cur.HashKey != t.HashKey || cur.HashType != t.HashType || cur.RangeKey != t.RangeKey || cur.RangeType != t.RangeType) {
		return nil, validation(msgKeySchema)
	}
	return cur, nil
}

// mustTable returns the table or ResourceNotFoundException with msg.
func (s *Service) mustTable(ctx context.Context, ref tableRef, msg string) (*table, error) {
	t, err := s.lookup(ctx, ref)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errNotFound.New(msg)
	}
	return t, nil
}

// tableStats counts a table's items and their bytes.
func tableStats(tx *store.Tx, id int64) (count, size int64, err error) {
	err = tx.QueryRow(`SELECT COUNT(*), COALESCE(SUM(size), 0) FROM dynamodb_items WHERE tid = ?`, id).Scan(&count, &size)
	return
}
