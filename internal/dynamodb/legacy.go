package dynamodb

import (
	"encoding/json"

	"github.com/seki-dev/seki/internal/dynamodb/attr"
	"github.com/seki-dev/seki/internal/dynamodb/expr"
)

// The pre-expression parameters (Expected, KeyConditions, QueryFilter,
// ScanFilter, AttributeUpdates, AttributesToGet) are still accepted by
// DynamoDB and still sent by older clients; seki turns them into the same
// conditions and updates the expressions produce.

type expectedAttr struct {
	Value              *attr.Value  `json:"Value"`
	Exists             *bool        `json:"Exists"`
	ComparisonOperator string       `json:"ComparisonOperator"`
	AttributeValueList []attr.Value `json:"AttributeValueList"`
}

type legacyCondition struct {
	ComparisonOperator string       `json:"ComparisonOperator"`
	AttributeValueList []attr.Value `json:"AttributeValueList"`
}

// mixed is the error for a request that uses both forms.
func mixed(legacy, expression string) error {
	return validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {" +
		legacy + "} Expression parameters: {" + expression + "}")
}

func checkConditionalOperator(op string) error {
	switch op {
	case "", "AND", "OR":
		return nil
	}
	var vs violations
	vs.add(&op, "conditionalOperator", "Member must satisfy enum value set: [ALL, OR]")
	return vs.err()
}

func validateValues(env bool, vals []attr.Value) error {
	for i := range vals {
		if msg := attr.Validate(&vals[i]); msg != "" {
			return layered(env, msg)
		}
	}
	return nil
}

// expectedCondition turns Expected (raw, possibly absent) into a condition.
func expectedCondition(env bool, raw json.RawMessage, op string, hasExpr bool) (*expr.Cond, error) {
	if raw == nil {
		if op != "" {
			// unconfirmed: ConditionalOperator without Expected.
			return nil, validation("ConditionalOperator can only be used when Expected or QueryFilter or ScanFilter are present")
		}
		return nil, nil
	}
	if hasExpr {
		return nil, mixed("Expected", "ConditionExpression")
	}
	if err := checkConditionalOperator(op); err != nil {
		return nil, err
	}
	var exp map[string]expectedAttr
	if err := decode(raw, &exp); err != nil {
		return nil, err
	}
	var conds []expr.Legacy
	for _, name := range sortedNames(exp) {
		e := exp[name]
		if e.Value != nil {
			if msg := attr.Validate(e.Value); msg != "" {
				return nil, layered(env, msg)
			}
		}
		if err := validateValues(env, e.AttributeValueList); err != nil {
			return nil, err
		}
		if e.ComparisonOperator != "" {
			if e.Exists != nil {
				// unconfirmed: Exists beside ComparisonOperator.
				return nil, validation("One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: " + name)
			}
			vals := e.AttributeValueList
			if e.Value != nil {
				vals = []attr.Value{*e.Value}
			}
			conds = append(conds, expr.Legacy{Name: name, Op: e.ComparisonOperator, Values: vals})
			continue
		}
		switch {
		case e.Exists != nil && !*e.Exists:
			if e.Value != nil {
				return nil, validation("One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: " + name)
			}
			conds = append(conds, expr.Legacy{Name: name, Op: "NULL"})
		case e.Value == nil:
			state := "null"
			if e.Exists != nil {
				state = "true"
			}
			return nil, validation("One or more parameter values were invalid: Value must be provided when Exists is " + state + " for Attribute: " + name)
		default:
			conds = append(conds, expr.Legacy{Name: name, Op: "EQ", Values: []attr.Value{*e.Value}})
		}
	}
	c, err := expr.FromLegacy(conds, op == "OR")
	if err != nil {
		return nil, exprError(false, err)
	}
	return c, nil
}

// legacyFilter turns QueryFilter or ScanFilter into a condition.
func legacyFilter(raw json.RawMessage, op string) (*expr.Cond, error) {
	if err := checkConditionalOperator(op); err != nil {
		return nil, err
	}
	var f map[string]legacyCondition
	if err := decode(raw, &f); err != nil {
		return nil, err
	}
	var conds []expr.Legacy
	for _, name := range sortedNames(f) {
		c := f[name]
		if err := validateValues(false, c.AttributeValueList); err != nil {
			return nil, err
		}
		conds = append(conds, expr.Legacy{Name: name, Op: c.ComparisonOperator, Values: c.AttributeValueList})
	}
	c, err := expr.FromLegacy(conds, op == "OR")
	if err != nil {
		return nil, exprError(false, err)
	}
	return c, nil
}

// legacyKeyConditions turns KeyConditions into key conditions.
func legacyKeyConditions(raw json.RawMessage) ([]expr.KeyCond, error) {
	var kc map[string]legacyCondition
	if err := decode(raw, &kc); err != nil {
		return nil, err
	}
	var out []expr.KeyCond
	for _, name := range sortedNames(kc) {
		c := kc[name]
		if err := validateValues(false, c.AttributeValueList); err != nil {
			return nil, err
		}
		k, err := expr.LegacyKey(expr.Legacy{Name: name, Op: c.ComparisonOperator, Values: c.AttributeValueList})
		if err != nil {
			return nil, exprError(false, err)
		}
		out = append(out, k)
	}
	return out, nil
}
