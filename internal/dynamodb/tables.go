package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Table status values.
const (
	statusActive   = "ACTIVE"
	statusCreating = "CREATING"
	statusDeleting = "DELETING"
	statusUpdating = "UPDATING"

	billingProvisioned = "PROVISIONED"
	billingOnDemand    = "PAY_PER_REQUEST"
)

type keySchemaElement struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

type attributeDefinition struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

type throughputIn struct {
	ReadCapacityUnits  *int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits *int64 `json:"WriteCapacityUnits"`
}

type createTableInput struct {
	TableName              *string               `json:"TableName"`
	AttributeDefinitions   []attributeDefinition `json:"AttributeDefinitions"`
	KeySchema              []keySchemaElement    `json:"KeySchema"`
	BillingMode            string                `json:"BillingMode"`
	ProvisionedThroughput  *throughputIn         `json:"ProvisionedThroughput"`
	GlobalSecondaryIndexes []indexInput          `json:"GlobalSecondaryIndexes"`
	LocalSecondaryIndexes  []indexInput          `json:"LocalSecondaryIndexes"`
	WarmThroughput         *warmThroughputIn     `json:"WarmThroughput"`
	StreamSpecification    *streamSpecIn         `json:"StreamSpecification"`
}

type warmThroughputIn struct {
	ReadUnitsPerSecond  int64 `json:"ReadUnitsPerSecond"`
	WriteUnitsPerSecond int64 `json:"WriteUnitsPerSecond"`
}

// warmThroughput is a table's or a global index's WarmThroughput: the
// throughput it can take at once.
type warmThroughput struct {
	ReadUnitsPerSecond  int64  `json:"ReadUnitsPerSecond"`
	Status              string `json:"Status"`
	WriteUnitsPerSecond int64  `json:"WriteUnitsPerSecond"`
}

// An on-demand table or index starts warm for these units.
// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#test_gsi_with_billing_mode[PAY_PER_REQUEST] (describe-table WarmThroughput)
const onDemandWarmRead, onDemandWarmWrite = 12000, 4000

// warm is the WarmThroughput DescribeTable reports for a table (or index)
// of this billing mode and provisioned units: what was asked for, else the
// on-demand units, else the provisioned ones.
// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#test_table_crud (describe-table), #test_table_warm_throughput, #test_gsi_with_billing_mode[PROVISIONED]
func warm(billing string, rcu, wcu, askedRead, askedWrite int64) *warmThroughput {
	switch {
	case askedRead > 0 || askedWrite > 0:
		return &warmThroughput{askedRead, statusActive, askedWrite}
	case billing == billingOnDemand:
		return &warmThroughput{onDemandWarmRead, statusActive, onDemandWarmWrite}
	}
	return &warmThroughput{rcu, statusActive, wcu}
}

type tableNameInput struct {
	TableName *string `json:"TableName"`
}

type updateTableInput struct {
	TableName                   *string               `json:"TableName"`
	BillingMode                 string                `json:"BillingMode"`
	ProvisionedThroughput       *throughputIn         `json:"ProvisionedThroughput"`
	AttributeDefinitions        []attributeDefinition `json:"AttributeDefinitions"`
	GlobalSecondaryIndexUpdates []gsiUpdate           `json:"GlobalSecondaryIndexUpdates"`
	StreamSpecification         *streamSpecIn         `json:"StreamSpecification"`
}

type listTablesInput struct {
	ExclusiveStartTableName string `json:"ExclusiveStartTableName"`
	Limit                   *int64 `json:"Limit"`
}

// tableDescription is DynamoDB's TableDescription. DeleteTable's leaves out
// the attribute definitions, key schema and creation time.
type tableDescription struct {
	AttributeDefinitions      []attributeDefinition `json:"AttributeDefinitions,omitempty"`
	TableName                 string                `json:"TableName"`
	KeySchema                 []keySchemaElement    `json:"KeySchema,omitempty"`
	TableStatus               string                `json:"TableStatus"`
	CreationDateTime          float64               `json:"CreationDateTime,omitempty"`
	ProvisionedThroughput     throughputOut         `json:"ProvisionedThroughput"`
	TableSizeBytes            int64                 `json:"TableSizeBytes"`
	ItemCount                 int64                 `json:"ItemCount"`
	TableArn                  string                `json:"TableArn"`
	TableId                   string                `json:"TableId"`
	BillingModeSummary        *billingModeSummary   `json:"BillingModeSummary,omitempty"`
	DeletionProtectionEnabled bool                  `json:"DeletionProtectionEnabled"`
	GlobalSecondaryIndexes    []indexDescription    `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes     []indexDescription    `json:"LocalSecondaryIndexes,omitempty"`
	WarmThroughput            *warmThroughput       `json:"WarmThroughput,omitempty"`
	StreamSpecification       *streamSpecOut        `json:"StreamSpecification,omitempty"`
	LatestStreamLabel         string                `json:"LatestStreamLabel,omitempty"`
	LatestStreamArn           string                `json:"LatestStreamArn,omitempty"`
}

type throughputOut struct {
	LastIncreaseDateTime   float64 `json:"LastIncreaseDateTime,omitempty"`
	LastDecreaseDateTime   float64 `json:"LastDecreaseDateTime,omitempty"`
	NumberOfDecreasesToday int64   `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int64   `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int64   `json:"WriteCapacityUnits"`
}

type billingModeSummary struct {
	BillingMode                       string  `json:"BillingMode"`
	LastUpdateToPayPerRequestDateTime float64 `json:"LastUpdateToPayPerRequestDateTime,omitempty"`
}

func (t *table) describe(status string, count, size int64) *tableDescription {
	d := &tableDescription{
		TableName:        t.Name,
		TableStatus:      status,
		CreationDateTime: t.Created,
		ProvisionedThroughput: throughputOut{
			LastIncreaseDateTime:   t.LastIncrease,
			LastDecreaseDateTime:   t.LastDecrease,
			NumberOfDecreasesToday: t.Decreases,
			ReadCapacityUnits:      t.RCU,
			WriteCapacityUnits:     t.WCU,
		},
		TableSizeBytes: size,
		ItemCount:      count,
		TableArn:       t.ARN(),
		TableId:        t.TableID,
	}
	for _, a := range t.AttrDefs {
		d.AttributeDefinitions = append(d.AttributeDefinitions, attributeDefinition{a.Name, a.Type})
	}
	d.KeySchema = t.elements()
	t.describeStream(d)
	switch {
	case t.Billing == billingOnDemand:
		d.BillingModeSummary = &billingModeSummary{BillingMode: billingOnDemand, LastUpdateToPayPerRequestDateTime: t.BillingUpdatedAt}
	case t.BillingSwitched:
		// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#test_gsi_with_billing_mode[PROVISIONED] (no summary for a table created PROVISIONED)
		d.BillingModeSummary = &billingModeSummary{BillingMode: billingProvisioned}
	}
	return d
}

// checkTableName applies the model constraints of TableName. minLen is 3
// where only a name is allowed (CreateTable) and 1 where an ARN may stand
// in for it.
func checkTableName(vs *violations, name *string, minLen int) {
	if name == nil {
		vs.add(nil, "tableName", "Member must not be null")
		return
	}
	n := *name
	if len(n) >= 4 && n[:4] == "arn:" && minLen == 1 {
		if len(n) > 1024 {
			vs.add(name, "tableName", "Member must have length less than or equal to 1024")
		}
		return
	}
	if len(n) < minLen {
		vs.add(name, "tableName", "Member must have length greater than or equal to "+strconv.Itoa(minLen))
	}
	if len(n) > 255 {
		vs.add(name, "tableName", "Member must have length less than or equal to 255")
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			vs.add(name, "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
			break
		}
	}
}

func (s *Service) createTableTarget(ctx context.Context, r *protocol.Request) (request[createTableInput], protocol.Target, error) {
	in := &createTableInput{}
	if err := decode(r.Body, in); err != nil {
		return request[createTableInput]{}, protocol.Target{}, err
	}
	var vs violations
	checkTableName(&vs, in.TableName, 3)
	if err := vs.err(); err != nil {
		return request[createTableInput]{}, protocol.Target{}, err
	}
	ref := tableRef{account: r.Account(), region: r.Region, name: *in.TableName}
	return request[createTableInput]{ref: ref, in: in}, protocol.Target{Resource: ref.arn()}, nil
}

// tableTarget serves DescribeTable, DeleteTable and UpdateTable.
func (s *Service) tableTarget(ctx context.Context, r *protocol.Request) (request[updateTableInput], protocol.Target, error) {
	in := &updateTableInput{}
	if err := decode(r.Body, in); err != nil {
		return request[updateTableInput]{}, protocol.Target{}, err
	}
	var vs violations
	checkTableName(&vs, in.TableName, 1)
	if err := vs.err(); err != nil {
		return request[updateTableInput]{}, protocol.Target{}, err
	}
	ref := parseTableName(*in.TableName, r.Account(), r.Region)
	return request[updateTableInput]{ref: ref, in: in}, protocol.Target{Resource: ref.arn()}, nil
}

func (s *Service) createTableHandler(ctx context.Context, r *protocol.Request, st request[createTableInput]) (any, error) {
	in := st.in
	t, err := s.newTable(st.ref, in, r)
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	err = s.writeTables(ctx, func(tx *store.Tx) error {
		existing, err := loadTable(tx, st.ref)
		if err != nil {
			return err
		}
		if existing != nil {
			return errInUse.New(msgTableExists + t.Name)
		}
		res, err := tx.Exec(`INSERT INTO dynamodb_tables (account, region, name, meta) VALUES (?, ?, ?, ?)`,
			t.Account, t.Region, t.Name, string(meta))
		if err != nil {
			return err
		}
		if t.id, err = res.LastInsertId(); err != nil {
			return err
		}
		if sp := in.StreamSpecification; sp != nil && *sp.StreamEnabled {
			if err := startStream(tx, t, sp.StreamViewType, s.now()); err != nil {
				return err
			}
		}
		if len(t.Indexes) > 0 || t.StreamID != 0 {
			for _, ix := range t.Indexes {
				if ix.ID, err = newIndexID(tx, t.id, ix.Name); err != nil {
					return err
				}
			}
			if err := saveMeta(tx, t); err != nil {
				return err
			}
		}
		s.tables.set(st.ref.key(), t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := t.describe(statusCreating, 0, 0)
	if err := describeIndexes(nil, t, d, allStatus(statusCreating)); err != nil {
		return nil, err
	}
	if t.WarmRead > 0 || t.WarmWrite > 0 {
		// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#test_table_warm_throughput (create-table)
		d.WarmThroughput = &warmThroughput{t.WarmRead, statusUpdating, t.WarmWrite}
	}
	return map[string]any{"TableDescription": d}, nil
}

// newTable validates a CreateTable request and builds the definition.
func (s *Service) newTable(ref tableRef, in *createTableInput, r *protocol.Request) (*table, error) {
	var vs violations
	if len(in.KeySchema) == 0 {
		vs.add(nil, "keySchema", "Member must not be null")
	} else if len(in.KeySchema) > 2 {
		v := "[" + strconv.Itoa(len(in.KeySchema)) + " elements]"
		vs.add(&v, "keySchema", "Member must have length less than or equal to 2")
	}
	for i, k := range in.KeySchema {
		if k.KeyType != "HASH" && k.KeyType != "RANGE" {
			kt := k.KeyType
			vs.add(&kt, "keySchema."+strconv.Itoa(i+1)+".member.keyType", "Member must satisfy enum value set: [HASH, RANGE]")
		}
	}
	if in.AttributeDefinitions == nil {
		vs.add(nil, "attributeDefinitions", "Member must not be null")
	}
	for i, a := range in.AttributeDefinitions {
		if _, ok := attr.KindOf(a.AttributeType); !ok || !mustKind(a.AttributeType).Scalar() {
			at := a.AttributeType
			vs.add(&at, "attributeDefinitions."+strconv.Itoa(i+1)+".member.attributeType", "Member must satisfy enum value set: [B, N, S]")
		}
	}
	if in.BillingMode != "" && in.BillingMode != billingProvisioned && in.BillingMode != billingOnDemand {
		bm := in.BillingMode
		vs.add(&bm, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
	}
	for i := range in.LocalSecondaryIndexes {
		checkIndexModel(&vs, &in.LocalSecondaryIndexes[i], "localSecondaryIndexes."+strconv.Itoa(i+1)+".member", false)
	}
	for i := range in.GlobalSecondaryIndexes {
		checkIndexModel(&vs, &in.GlobalSecondaryIndexes[i], "globalSecondaryIndexes."+strconv.Itoa(i+1)+".member", true)
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	if err := checkStreamSpec(in.StreamSpecification); err != nil {
		return nil, err
	}
	if err := keyElements(in.KeySchema); err != nil {
		return nil, err
	}
	if in.GlobalSecondaryIndexes != nil && len(in.GlobalSecondaryIndexes) == 0 {
		return nil, validation(msgGSIListEmpty)
	}
	if in.LocalSecondaryIndexes != nil && len(in.LocalSecondaryIndexes) == 0 {
		return nil, validation(msgLSIListEmpty)
	}
	defs := map[string]string{}
	names := make([]string, 0, len(in.AttributeDefinitions))
	for _, a := range in.AttributeDefinitions {
		defs[a.AttributeName] = a.AttributeType
		names = append(names, a.AttributeName)
	}
	var missing []string
	for _, k := range in.KeySchema {
		if _, ok := defs[k.AttributeName]; !ok {
			missing = append(missing, k.AttributeName)
		}
	}
	if len(missing) > 0 {
		return nil, validation(fmt.Sprintf(msgUndefinedKeys, list(missing), list(names)))
	}
	if len(in.LocalSecondaryIndexes) > 0 && len(in.KeySchema) < 2 {
		return nil, validation(msgLSINeedsTableRange)
	}
	billing := in.BillingMode
	if billing == "" {
		billing = billingProvisioned
	}
	var ks keySchema
	ks.HashKey, ks.HashType = in.KeySchema[0].AttributeName, mustKind(defs[in.KeySchema[0].AttributeName])
	if len(in.KeySchema) == 2 {
		ks.RangeKey, ks.RangeType = in.KeySchema[1].AttributeName, mustKind(defs[in.KeySchema[1].AttributeName])
	}
	ixs, err := buildIndexes(&indexSpec{table: &ks, defs: defs, defNames: names, billing: billing}, in.LocalSecondaryIndexes, in.GlobalSecondaryIndexes, 0)
	if err != nil {
		return nil, err
	}
	if len(ixs) == 0 && len(in.AttributeDefinitions) != len(in.KeySchema) {
		return nil, validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	if used := usedAttributes(&ks, ixs); len(ixs) > 0 && len(defs) > len(used) {
		return nil, validation(fmt.Sprintf(msgUnusedDefs, list(sortedNames(defs)), list(used)))
	}
	now := float64(s.now().UnixMilli()) / 1000
	t := &table{
		Account: ref.account, Region: ref.region, Name: ref.name,
		TableID:   protocol.NewUUID(),
		Created:   now,
		keySchema: ks,
		Indexes:   ixs,
	}
	for _, a := range in.AttributeDefinitions {
		t.AttrDefs = append(t.AttrDefs, attrDef{a.AttributeName, a.AttributeType})
	}
	if w := in.WarmThroughput; w != nil {
		t.WarmRead, t.WarmWrite = w.ReadUnitsPerSecond, w.WriteUnitsPerSecond
	}
	t.Billing = in.BillingMode
	t.BillingGiven = in.BillingMode != ""
	if t.Billing == "" {
		t.Billing = billingProvisioned
	}
	pt := in.ProvisionedThroughput
	switch t.Billing {
	case billingOnDemand:
		if pt != nil {
			return nil, validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		t.BillingUpdatedAt = now
	default:
		if pt == nil {
			if t.BillingGiven {
				return nil, validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
			}
			return nil, validation("No provisioned throughput specified for the table")
		}
		if err := checkThroughput(pt); err != nil {
			return nil, err
		}
		t.RCU, t.WCU = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
	}
	return t, nil
}

func checkThroughput(pt *throughputIn) error {
	var vs violations
	checkThroughputAt(&vs, pt, "provisionedThroughput")
	return vs.err()
}

// checkThroughputAt applies ProvisionedThroughput's model constraints to
// the member at path.
func checkThroughputAt(vs *violations, pt *throughputIn, path string) {
	if pt.ReadCapacityUnits == nil {
		vs.add(nil, path+".readCapacityUnits", "Member must not be null")
	} else if *pt.ReadCapacityUnits < 1 {
		v := strconv.FormatInt(*pt.ReadCapacityUnits, 10)
		vs.add(&v, path+".readCapacityUnits", "Member must have value greater than or equal to 1")
	}
	if pt.WriteCapacityUnits == nil {
		vs.add(nil, path+".writeCapacityUnits", "Member must not be null")
	} else if *pt.WriteCapacityUnits < 1 {
		v := strconv.FormatInt(*pt.WriteCapacityUnits, 10)
		vs.add(&v, path+".writeCapacityUnits", "Member must have value greater than or equal to 1")
	}
}

func mustKind(s string) attr.Kind {
	k, _ := attr.KindOf(s)
	return k
}

// list formats names as DynamoDB's messages do: [a, b].
func list(names []string) string {
	out := "["
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out + "]"
}

// notFoundTable is the message table operations use for a missing table.
func notFoundTable(name string) string {
	return msgNotFound + ": Table: " + name + " not found"
}

func (s *Service) describeTableHandler(ctx context.Context, r *protocol.Request, st request[updateTableInput]) (any, error) {
	var d *tableDescription
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := loadTable(tx, st.ref)
		if err != nil {
			return err
		}
		if t == nil {
			return errNotFound.New(notFoundTable(st.ref.name))
		}
		count, size, err := tableStats(tx, t.id)
		if err != nil {
			return err
		}
		d = t.describe(statusActive, count, size)
		d.WarmThroughput = warm(t.Billing, t.RCU, t.WCU, t.WarmRead, t.WarmWrite)
		if err := describeIndexes(tx, t, d, allStatus(statusActive)); err != nil {
			return err
		}
		for i := range d.GlobalSecondaryIndexes {
			g := &d.GlobalSecondaryIndexes[i]
			g.WarmThroughput = warm(t.Billing, g.ProvisionedThroughput.ReadCapacityUnits, g.ProvisionedThroughput.WriteCapacityUnits, 0, 0)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Table": d}, nil
}

func (s *Service) deleteTableHandler(ctx context.Context, r *protocol.Request, st request[updateTableInput]) (any, error) {
	var d *tableDescription
	err := s.writeTables(ctx, func(tx *store.Tx) error {
		t, err := loadTable(tx, st.ref)
		if err != nil {
			return err
		}
		if t == nil {
			// unconfirmed: DeleteTable names the table like DescribeTable.
			return errNotFound.New(notFoundTable(st.ref.name))
		}
		count, size, err := tableStats(tx, t.id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM dynamodb_items WHERE tid = ?`, t.id); err != nil {
			return err
		}
		for _, ix := range t.Indexes {
			if err := dropIndex(tx, ix); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`DELETE FROM dynamodb_indexes WHERE tid = ?`, t.id); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM dynamodb_tables WHERE id = ?`, t.id); err != nil {
			return err
		}
		// The stream outlives its table for the retention, disabled.
		if err := endStream(tx, t, s.now()); err != nil {
			return err
		}
		s.tables.set(st.ref.key(), nil)
		d = t.describe(statusDeleting, count, size)
		// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#test_table_crud (delete-table)
		d.AttributeDefinitions, d.KeySchema, d.CreationDateTime = nil, nil, 0
		return describeIndexes(nil, t, d, allStatus(statusDeleting))
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"TableDescription": d}, nil
}

func (s *Service) updateTableHandler(ctx context.Context, r *protocol.Request, st request[updateTableInput]) (any, error) {
	in := st.in
	if in.BillingMode != "" && in.BillingMode != billingProvisioned && in.BillingMode != billingOnDemand {
		var vs violations
		vs.add(&in.BillingMode, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
		return nil, vs.err()
	}
	if in.ProvisionedThroughput == nil && in.BillingMode == "" && in.GlobalSecondaryIndexUpdates == nil && in.StreamSpecification == nil {
		return nil, validation(msgUpdateTableNothing)
	}
	if err := checkStreamSpec(in.StreamSpecification); err != nil {
		return nil, err
	}
	if err := checkGSIUpdates(in.GlobalSecondaryIndexUpdates); err != nil {
		return nil, err
	}
	if pt := in.ProvisionedThroughput; pt != nil {
		if err := checkThroughput(pt); err != nil {
			return nil, err
		}
	}
	var d *tableDescription
	err := s.writeTables(ctx, func(tx *store.Tx) error {
		// unconfirmed: UpdateTable names a missing table like DescribeTable.
		old, err := mustLoadTable(tx, st.ref)
		if err != nil {
			return err
		}
		t := *old
		now := float64(s.now().UnixMilli()) / 1000
		mode := in.BillingMode
		if mode == "" {
			mode = t.Billing
		}
		pt := in.ProvisionedThroughput
		switch mode {
		case billingOnDemand:
			if pt != nil {
				return validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
			}
			if t.Billing != billingOnDemand {
				t.Billing, t.BillingGiven, t.BillingUpdatedAt = billingOnDemand, true, now
				t.RCU, t.WCU = 0, 0
			}
		case billingProvisioned:
			if pt == nil {
				if t.Billing == billingOnDemand {
					// unconfirmed: switching to PROVISIONED without throughput.
					return validation("One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
				}
				break
			}
			if t.Billing == billingProvisioned && *pt.ReadCapacityUnits == t.RCU && *pt.WriteCapacityUnits == t.WCU {
				return validation("The provisioned throughput for the table will not change. The requested value equals the current value. " +
					"Current ReadCapacityUnits provisioned for the table: " + strconv.FormatInt(t.RCU, 10) +
					". Requested ReadCapacityUnits: " + strconv.FormatInt(*pt.ReadCapacityUnits, 10) +
					". Current WriteCapacityUnits provisioned for the table: " + strconv.FormatInt(t.WCU, 10) +
					". Requested WriteCapacityUnits: " + strconv.FormatInt(*pt.WriteCapacityUnits, 10) +
					". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
			}
			if t.Billing == billingProvisioned {
				if *pt.ReadCapacityUnits > t.RCU || *pt.WriteCapacityUnits > t.WCU {
					t.LastIncrease = now
				}
				if *pt.ReadCapacityUnits < t.RCU || *pt.WriteCapacityUnits < t.WCU {
					t.LastDecrease = now
					t.Decreases++
				}
			}
			if t.Billing != billingProvisioned {
				t.BillingGiven, t.BillingSwitched = true, true
			}
			t.Billing = billingProvisioned
			t.RCU, t.WCU = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		}
		var deleted []*index
		created := map[string]bool{}
		if in.GlobalSecondaryIndexUpdates != nil || len(t.Indexes) > 0 {
			if deleted, created, err = applyGSIUpdates(tx, &t, in); err != nil {
				return err
			}
		}
		if sp := in.StreamSpecification; sp != nil {
			if err := updateStream(tx, &t, sp, s.now()); err != nil {
				return err
			}
		}
		if err := saveMeta(tx, &t); err != nil {
			return err
		}
		s.tables.set(st.ref.key(), &t)
		count, size, err := tableStats(tx, t.id)
		if err != nil {
			return err
		}
		d = t.describe(statusUpdating, count, size)
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle (update_table_response: WarmThroughput ACTIVE)
		d.WarmThroughput = warm(t.Billing, t.RCU, t.WCU, t.WarmRead, t.WarmWrite)
		status := func(ix *index) string {
			if created[ix.Name] {
				return statusCreating
			}
			return statusActive
		}
		if err := describeIndexes(tx, &t, d, status); err != nil {
			return err
		}
		gone := table{keySchema: t.keySchema, Account: t.Account, Region: t.Region, Name: t.Name, Indexes: deleted}
		return describeIndexes(nil, &gone, d, allStatus(statusDeleting))
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"TableDescription": d}, nil
}

func (s *Service) listTablesHandler(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	in := &listTablesInput{}
	if err := decode(r.Body, in); err != nil {
		return nil, err
	}
	limit := int64(100)
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			var vs violations
			v := strconv.FormatInt(*in.Limit, 10)
			c := "Member must have value greater than or equal to 1"
			if *in.Limit > 100 {
				c = "Member must have value less than or equal to 100"
			}
			vs.add(&v, "limit", c)
			return nil, vs.err()
		}
		limit = *in.Limit
	}
	names := []string{}
	more := false
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT name FROM dynamodb_tables WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`,
			r.Account(), r.Region, in.ExclusiveStartTableName, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			if int64(len(names)) == limit {
				more = true
				break
			}
			names = append(names, n)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"TableNames": names}
	if more {
		out["LastEvaluatedTableName"] = names[len(names)-1]
	}
	return out, nil
}
