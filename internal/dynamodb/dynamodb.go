// Package dynamodb is seki's DynamoDB: tables (create, describe, list,
// update throughput and global indexes, delete), global and local secondary
// indexes (index.go) and items (put, get, update, delete, batch reads and
// writes, transactions, query and scan of tables and indexes) over the JSON 1.0 protocol,
// with DynamoDB's expression language, number semantics, errors and
// fine-grained access control condition keys.
//
// Items live in the store, keyed by table and by the binary encoding of
// their partition and sort key values (see attr.AppendKey), so that SQLite's
// byte order on the sort key is DynamoDB's order and Query is a range scan.
// Every write that reads first (conditions, updates, ReturnValues) reads and
// writes inside one store transaction, so concurrent writers never lose an
// update.
package dynamodb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/dynamodb/expr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Wire constants of DynamoDB's JSON 1.0 protocol.
const (
	TargetPrefix = "DynamoDB_20120810"
	ContentType  = "application/x-amz-json-1.0"
	ErrorPrefix  = "com.amazonaws.dynamodb.v20120810#"
)

// errorTypes gives the __type of the codes that live outside DynamoDB's own
// namespace: validation comes from AWS's request framework, access and
// protocol errors from its service layer.
func errorTypes() map[string]string {
	svc := "com.amazon.coral.service#"
	return map[string]string{
		"ValidationException":                 "com.amazon.coral.validate#ValidationException",
		"AccessDeniedException":               svc + "AccessDeniedException",
		"UnknownOperationException":           svc + "UnknownOperationException",
		"SerializationException":              svc + "SerializationException",
		"UnrecognizedClientException":         svc + "UnrecognizedClientException",
		"InvalidSignatureException":           svc + "InvalidSignatureException",
		"IncompleteSignatureException":        svc + "IncompleteSignatureException",
		"MissingAuthenticationTokenException": svc + "MissingAuthenticationTokenException",
		"ExpiredTokenException":               svc + "ExpiredTokenException",
	}
}

// Messages used in more than one place.
const (
	msgNotFound        = "Requested resource not found"
	msgConditionFailed = "The conditional request failed"
	msgKeySchema       = "The provided key element does not match the schema"
	// envelope prefixes messages of the validation layer that PutItem,
	// UpdateItem and DeleteItem run through (attribute values, expressions).
	envelope = "1 validation error detected: "
)

// Options configure a Service.
type Options struct {
	// Now is the clock tables are created by; nil means time.Now.
	Now func() time.Time
	// Authz is the door the *As methods (reads of a stream on behalf of
	// a principal: Lambda's event source mappings) authorize through.
	Authz protocol.Authorizer
	// Kinesis is where tables' Kinesis streaming destinations deliver;
	// nil: a destination can name no stream that exists.
	Kinesis KinesisStreams
}

// Service is the DynamoDB service. It is safe for concurrent use.
type Service struct {
	db      *store.DB
	now     func() time.Time
	authz   protocol.Authorizer
	kinesis KinesisStreams
	tables  tableCache
	// txTokens are TransactWriteItems' recent ClientRequestTokens.
	txTokens txTokens
}

// New returns the service over db, which must have been opened with
// Migrations.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, now: opts.Now, authz: opts.Authz, kinesis: opts.Kinesis, tables: newTableCache()}
}

// Migrations returns the schema of DynamoDB's tables and items; version 2
// adds the secondary indexes' entries (see index.go; their messages are in messages.go).
func Migrations() []store.Migration {
	return []store.Migration{{Component: "dynamodb", Version: 1, SQL: `
CREATE TABLE dynamodb_tables (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	name    TEXT NOT NULL,
	meta    TEXT NOT NULL,
	UNIQUE (account, region, name)
);
CREATE TABLE dynamodb_items (
	tid  INTEGER NOT NULL,
	hk   BLOB NOT NULL,
	rk   BLOB NOT NULL,
	size INTEGER NOT NULL,
	item BLOB NOT NULL,
	PRIMARY KEY (tid, hk, rk)
) WITHOUT ROWID;
`}, {Component: "dynamodb", Version: 2, SQL: `
CREATE TABLE dynamodb_indexes (
	id   INTEGER PRIMARY KEY AUTOINCREMENT,
	tid  INTEGER NOT NULL,
	name TEXT NOT NULL
);
CREATE TABLE dynamodb_index_items (
	xid  INTEGER NOT NULL,
	hk   BLOB NOT NULL,
	rk   BLOB NOT NULL,
	thk  BLOB NOT NULL,
	trk  BLOB NOT NULL,
	size INTEGER NOT NULL,
	PRIMARY KEY (xid, hk, rk, thk, trk)
) WITHOUT ROWID;
`}, {Component: "dynamodb", Version: 3, SQL: streamMigration}}
}

// Handler returns the endpoint of DynamoDB and DynamoDB Streams (JSON
// 1.0), dispatching through d (whose Deny should be AccessDenied).
func (s *Service) Handler(d protocol.Dispatcher) *Handler {
	return &Handler{tables: s.tablesHandler(d), streams: s.streamsHandler(d)}
}

func (s *Service) tablesHandler(d protocol.Dispatcher) *protocol.JSON {
	ops := s.kinesisOps()
	table := protocol.Table(
		protocol.DefineChecked("CreateTable", "dynamodb:CreateTable", s.createTableTarget, s.createTableHandler),
		protocol.DefineChecked("DescribeTable", "dynamodb:DescribeTable", s.tableTarget, s.describeTableHandler),
		protocol.Define(protocol.Spec[struct{}]{Name: "ListTables", Auth: protocol.Check[struct{}]("dynamodb:ListTables", nil), Handle: s.listTablesHandler}),
		protocol.DefineChecked("DeleteTable", "dynamodb:DeleteTable", s.tableTarget, s.deleteTableHandler),
		protocol.DefineChecked("UpdateTable", "dynamodb:UpdateTable", s.tableTarget, s.updateTableHandler),
		protocol.DefineChecked("PutItem", "dynamodb:PutItem", s.putItemTarget, s.putItemHandler),
		protocol.DefineChecked("GetItem", "dynamodb:GetItem", s.getItemTarget, s.getItemHandler),
		protocol.DefineChecked("DeleteItem", "dynamodb:DeleteItem", s.deleteItemTarget, s.deleteItemHandler),
		protocol.DefineChecked("UpdateItem", "dynamodb:UpdateItem", s.updateItemTarget, s.updateItemHandler),
		protocol.DefineChecked("Query", "dynamodb:Query", s.queryTarget, s.queryHandler),
		protocol.DefineChecked("Scan", "dynamodb:Scan", s.scanTarget, s.scanHandler),
		protocol.Define(protocol.Spec[struct{}]{Name: "BatchWriteItem", Auth: perTable, Handle: s.batchWriteHandler}),
		protocol.Define(protocol.Spec[struct{}]{Name: "BatchGetItem", Auth: perTable, Handle: s.batchGetHandler}),
		protocol.Define(protocol.Spec[struct{}]{Name: "TransactWriteItems", Auth: perAction, Handle: s.transactWriteHandler}),
		protocol.Define(protocol.Spec[struct{}]{Name: "TransactGetItems", Auth: perAction, Handle: s.transactGetHandler}),
		ops[0], ops[1], ops[2], ops[3],
		s.executeStatementOp(),
	)
	return &protocol.JSON{
		Dispatcher:   d,
		TargetPrefix: TargetPrefix,
		ContentType:  ContentType,
		ErrorPrefix:  ErrorPrefix,
		ErrorTypes:   errorTypes(),
		MessageKeys:  map[string]string{"AccessDeniedException": "Message"},
		CRC32:        true,
		Ops:          table,
	}
}

// decode reads a request body into v. Malformed JSON, members of the wrong
// JSON type and malformed attribute values are SerializationExceptions, as
// in DynamoDB.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var se *attr.SyntaxError
	if errors.As(err, &se) {
		return errSerialization.New(se.Msg).Wrap(err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return errSerialization.Errorf("Unexpected value type in payload for field %s", te.Field).Wrap(err)
	}
	return errSerialization.New("Start of structure or map found where not expected.").Wrap(err)
}

// validation builds a ValidationException.
func validation(msg string) error { return errValidation.New(msg) }

// layered is a ValidationException from the attribute-value and expression
// layer, which PutItem, UpdateItem and DeleteItem report inside the
// "1 validation error detected: " envelope and other operations bare.
func layered(env bool, msg string) error {
	if env {
		return errValidation.New(envelope + msg)
	}
	return errValidation.New(msg)
}

// exprError turns an expression error into its ValidationException.
func exprError(env bool, err error) error {
	var e *expr.Error
	if errors.As(err, &e) {
		return layered(env, e.Msg)
	}
	return err
}

// constraint formats one model-constraint violation the way AWS's request
// framework does ("Value 'x' at 'tableName' failed to satisfy constraint:
// …"); violations lists several.
type violations []string

func (v *violations) add(value *string, member, constraint string) {
	s := msgValueNull
	if value != nil {
		s = fmt.Sprintf(msgValueFmt, *value)
	}
	*v = append(*v, fmt.Sprintf(msgViolationFmt, s, member, constraint))
}

func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	plural := ""
	if len(v) > 1 {
		plural = "s"
	}
	msg := fmt.Sprintf(msgViolationsFmt, len(v), plural)
	for i, s := range v {
		if i > 0 {
			msg += "; "
		}
		msg += s
	}
	return validation(msg)
}

// capacity is a ConsumedCapacity member.
type capacity struct {
	TableName     string         `json:"TableName"`
	CapacityUnits float64        `json:"CapacityUnits"`
	Table         *capacityUnits `json:"Table,omitempty"`

	LocalSecondaryIndexes  map[string]capacityUnits `json:"LocalSecondaryIndexes,omitempty"`
	GlobalSecondaryIndexes map[string]capacityUnits `json:"GlobalSecondaryIndexes,omitempty"`
}

type capacityUnits struct {
	CapacityUnits float64 `json:"CapacityUnits"`
}

// consumed returns the ConsumedCapacity to report for mode ("TOTAL",
// "INDEXES" or "NONE"/""), or nil.
func consumed(mode, table string, units float64) *capacity {
	switch mode {
	case "TOTAL":
		return &capacity{TableName: table, CapacityUnits: units}
	case "INDEXES":
		return &capacity{TableName: table, CapacityUnits: units, Table: &capacityUnits{units}}
	}
	return nil
}

// writeUnits is the write capacity of writing an item of size bytes: one
// unit per KB, at least one.
func writeUnits(size int) float64 {
	return float64(max(1, (size+1023)/1024))
}

// readUnits is the read capacity of reading size bytes: one unit per 4 KB,
// at least one; half that for eventually consistent reads.
func readUnits(size int, consistent bool) float64 {
	u := float64(max(1, (size+4095)/4096))
	if !consistent {
		u /= 2
	}
	return u
}

func checkReturnConsumed(v string) error {
	switch v {
	case "", "NONE", "TOTAL", "INDEXES":
		return nil
	}
	var vs violations
	vs.add(&v, "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]")
	return vs.err()
}

// perTable is how the batches are authorized: they touch several tables, so
// their handlers authorize each table with the batch's action through the
// same door before doing anything.
var perTable = protocol.PerItem[struct{}]("a batch touches several tables; each is authorized with the batch's action before anything is done")

// perAction is how the transactions are authorized: each action needs its
// own permission (PutItem, UpdateItem, DeleteItem, ConditionCheckItem,
// GetItem) on its own table, checked through the same door before anything
// is read or written.
var perAction = protocol.PerItem[struct{}]("each action of a transaction is authorized with its own action on its own table before anything is done")
