package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/seki-dev/seki/internal/protocol"
)

// ExecuteStatement (PartiQL) is validated as DynamoDB's request framework
// validates it, so a malformed request gets AWS's ValidationException;
// seki runs no PartiQL statement, and says so for a well-formed one
// (NotImplemented, 501) before reading any table. The item operations
// (GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan) do what the
// statements would.

type executeStatementInput struct {
	Statement                           *string           `json:"Statement"`
	Parameters                          []json.RawMessage `json:"Parameters"`
	ConsistentRead                      *bool             `json:"ConsistentRead"`
	NextToken                           *string           `json:"NextToken"`
	ReturnConsumedCapacity              string            `json:"ReturnConsumedCapacity"`
	Limit                               *int64            `json:"Limit"`
	ReturnValuesOnConditionCheckFailure *string           `json:"ReturnValuesOnConditionCheckFailure"`
}

// checkExecuteStatement applies the model's constraints (botocore's
// dynamodb model: PartiQLStatement 1..8192, PreparedStatementParameters
// at least one, PositiveIntegerObject Limit, PartiQLNextToken 1..32768,
// the two enums), every violation listed together.
func checkExecuteStatement(in *executeStatementInput) error {
	var vs violations
	switch st := in.Statement; {
	case st == nil:
		vs.add(nil, "statement", constraintNotNull)
	case len(*st) < 1:
		vs.add(st, "statement", fmt.Sprintf(constraintMinLenFmt, 1))
	case len(*st) > 8192:
		vs.add(st, "statement", fmt.Sprintf(constraintMaxLenFmt, 8192))
	}
	if in.Parameters != nil && len(in.Parameters) == 0 {
		empty := "[]"
		vs.add(&empty, "parameters", fmt.Sprintf(constraintMinLenFmt, 1))
	}
	if in.Limit != nil && *in.Limit < 1 {
		v := fmt.Sprint(*in.Limit)
		vs.add(&v, "limit", fmt.Sprintf(constraintMinValueFmt, 1))
	}
	if t := in.NextToken; t != nil && (len(*t) < 1 || len(*t) > 32768) {
		if len(*t) < 1 {
			vs.add(t, "nextToken", fmt.Sprintf(constraintMinLenFmt, 1))
		} else {
			vs.add(t, "nextToken", fmt.Sprintf(constraintMaxLenFmt, 32768))
		}
	}
	if v := in.ReturnConsumedCapacity; v != "" && v != "NONE" && v != "TOTAL" && v != "INDEXES" {
		vs.add(&v, "returnConsumedCapacity", constraintReturnConsumed)
	}
	if v := in.ReturnValuesOnConditionCheckFailure; v != nil && *v != "ALL_OLD" && *v != "NONE" {
		vs.add(v, "returnValuesOnConditionCheckFailure", constraintReturnOnFailure)
	}
	return vs.err()
}

func (s *Service) executeStatementOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*executeStatementInput]{
		Name: "ExecuteStatement",
		Decode: func(ctx context.Context, r *protocol.Request) (*executeStatementInput, error) {
			in := &executeStatementInput{}
			if err := decode(r.Body, in); err != nil {
				return nil, err
			}
			return in, checkExecuteStatement(in)
		},
		// Nothing is read or written: a well-formed statement is refused
		// before the table it names is looked at, so there is nothing for
		// the door to decide (DynamoDB would authorize dynamodb:PartiQL*
		// on that table).
		Auth: protocol.None[*executeStatementInput]("seki runs no PartiQL statement: a well-formed one is refused before any table is read"),
		Handle: func(ctx context.Context, r *protocol.Request, in *executeStatementInput) (any, error) {
			return nil, errNotImplemented.New(msgPartiQLNotServed)
		},
	})
}
