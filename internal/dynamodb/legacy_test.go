package dynamodb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestLegacyParameters covers the pre-expression parameters older clients
// still send.
func TestLegacyParameters(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "legacy", "pk", "S", "sk", "N")
	tbl := aws.String("legacy")
	key := map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")}

	// Expected: Exists false is attribute_not_exists.
	notThere := map[string]types.ExpectedAttributeValue{"pk": {Exists: aws.Bool(false)}}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1"), "v": n("5")}, Expected: notThere}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: key, Expected: notThere})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	// Value alone is EQ; ComparisonOperator with OR.
	_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: key, Expected: map[string]types.ExpectedAttributeValue{"v": {Value: n("6")}}})
	wantErr(t, err, "ConditionalCheckFailedException", "")
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key,
		Expected: map[string]types.ExpectedAttributeValue{
			"v": {ComparisonOperator: types.ComparisonOperatorGt, AttributeValueList: []types.AttributeValue{n("100")}},
			"w": {ComparisonOperator: types.ComparisonOperatorNull},
		}, ConditionalOperator: types.ConditionalOperatorOr,
		AttributeUpdates: map[string]types.AttributeValueUpdate{
			"v":    {Action: types.AttributeActionAdd, Value: n("2")},
			"tags": {Action: types.AttributeActionPut, Value: &types.AttributeValueMemberSS{Value: []string{"x", "y"}}},
		}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key, AttributeUpdates: map[string]types.AttributeValueUpdate{
		"tags": {Action: types.AttributeActionDelete, Value: &types.AttributeValueMemberSS{Value: []string{"x"}}},
	}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: key, AttributesToGet: []string{"v", "tags"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Item) != 2 || got.Item["v"].(*types.AttributeValueMemberN).Value != "7" || strings.Join(got.Item["tags"].(*types.AttributeValueMemberSS).Value, ",") != "y" {
		t.Errorf("after legacy updates: %v", got.Item)
	}

	for i := 2; i <= 6; i++ {
		c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"pk": s("a"), "sk": n(string(rune('0' + i))), "v": n(string(rune('0' + i)))}})
	}
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, KeyConditions: map[string]types.Condition{
		"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a")}},
		"sk": {ComparisonOperator: types.ComparisonOperatorBetween, AttributeValueList: []types.AttributeValue{n("2"), n("5")}},
	}, QueryFilter: map[string]types.Condition{
		"v": {ComparisonOperator: types.ComparisonOperatorIn, AttributeValueList: []types.AttributeValue{n("3"), n("4"), n("9")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Count != 2 || q.ScannedCount != 4 {
		t.Errorf("legacy query: count %d scanned %d", q.Count, q.ScannedCount)
	}
	sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: tbl, ScanFilter: map[string]types.Condition{
		"v": {ComparisonOperator: types.ComparisonOperatorGe, AttributeValueList: []types.AttributeValue{n("5")}},
	}})
	if err != nil || sc.Count != 3 {
		t.Errorf("legacy scan: %d %v", sc.Count, err)
	}

	// Mixing the two forms is refused.
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: key, Expected: notThere, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	wantErr(t, err, "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, KeyConditions: map[string]types.Condition{
		"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s("a"), s("b")}},
	}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator")
}
