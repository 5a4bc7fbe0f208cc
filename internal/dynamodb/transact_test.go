package dynamodb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func key(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"id": s(id)}
}

func getItem(t *testing.T, c *dynamodb.Client, table, id string) map[string]types.AttributeValue {
	t.Helper()
	out, err := c.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key(id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}

// TestTransactWriteCommits is test_transaction_write_items' call: the four
// kinds of action in one transaction, by name and by table ARN.
func TestTransactWriteCommits(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	d := createTable(t, c, "txa", "id", "S", "", "")
	createTable(t, c, "txb", "id", "S", "", "")
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("txa"), Item: map[string]types.AttributeValue{"id": s("test4"), "v": s("x")}}); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range []string{"txa", *d.TableArn} {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("txa"), Item: key("test4")}); err != nil {
			t.Fatal(err)
		}
		out, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{ConditionCheck: &types.ConditionCheck{TableName: aws.String(tbl), Key: key("test1"), ConditionExpression: aws.String("attribute_not_exists(id)")}},
			{Put: &types.Put{TableName: aws.String(tbl), Item: map[string]types.AttributeValue{"id": s("test2"), "b": &types.AttributeValueMemberB{Value: []byte("foobar")}}}},
			{Update: &types.Update{TableName: aws.String(tbl), Key: key("test3"), UpdateExpression: aws.String("SET attr1 = :v1, attr2 = :v2"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":v1": s("value1"), ":v2": s("value2")}}},
			{Delete: &types.Delete{TableName: aws.String(tbl), Key: key("test4")}},
			{Put: &types.Put{TableName: aws.String("txb"), Item: key("other")}},
		}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		if err != nil {
			t.Fatalf("%s: %v", tbl, err)
		}
		if len(out.ConsumedCapacity) != 2 || *out.ConsumedCapacity[0].TableName != "txa" || *out.ConsumedCapacity[0].CapacityUnits != 8 {
			t.Errorf("consumed capacity %+v", out.ConsumedCapacity)
		}
		if it := getItem(t, c, "txa", "test2"); string(it["b"].(*types.AttributeValueMemberB).Value) != "foobar" {
			t.Errorf("put: %v", it)
		}
		if it := getItem(t, c, "txa", "test3"); it["attr2"].(*types.AttributeValueMemberS).Value != "value2" {
			t.Errorf("update: %v", it)
		}
		if it := getItem(t, c, "txa", "test4"); it != nil {
			t.Errorf("delete left %v", it)
		}
		if getItem(t, c, "txb", "other") == nil {
			t.Errorf("second table not written")
		}
	}

	// TransactGetItems answers in the order asked, {} for a missing item.
	got, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("txa"), Key: key("test3"), ProjectionExpression: aws.String("attr1")}},
		{Get: &types.Get{TableName: aws.String("txa"), Key: key("missing")}},
		{Get: &types.Get{TableName: d.TableArn, Key: key("test2")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Responses) != 3 || len(got.Responses[0].Item) != 1 || got.Responses[1].Item != nil || got.Responses[2].Item["id"].(*types.AttributeValueMemberS).Value != "test2" {
		t.Errorf("responses %+v", got.Responses)
	}
}

// TestTransactWriteCancels: a failed condition cancels every action, with
// one reason per action in order (test_transaction_write_canceled's call
// and message), and nothing is written.
func TestTransactWriteCancels(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "txa", "id", "S", "", "")
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("txa"), Item: map[string]types.AttributeValue{"id": s("Fred"), "n": n("1")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("txa"), Item: map[string]types.AttributeValue{"id": s("Greta"), "n": n("1")}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("txa"), Item: key("new")}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("txa"), Key: key("Fred"), ConditionExpression: aws.String("attribute_not_exists(id)"),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
		{Update: &types.Update{TableName: aws.String("txa"), Key: key("upd"), UpdateExpression: aws.String("SET a = :a"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": s("b")}}},
		{Delete: &types.Delete{TableName: aws.String("txa"), Key: key("Greta"), ConditionExpression: aws.String("n = :two"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":two": n("2")}}},
	}})
	wantErr(t, err, "TransactionCanceledException",
		"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None, ConditionalCheckFailed]")
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		t.Fatalf("%T", err)
	}
	codes := ""
	for _, r := range tc.CancellationReasons {
		codes += aws.ToString(r.Code) + "/" + aws.ToString(r.Message) + ";"
	}
	if codes != "None/;ConditionalCheckFailed/The conditional request failed;None/;ConditionalCheckFailed/The conditional request failed;" {
		t.Errorf("reasons %s", codes)
	}
	if it := tc.CancellationReasons[1].Item; it["n"].(*types.AttributeValueMemberN).Value != "1" {
		t.Errorf("ALL_OLD item %v", it)
	}
	if tc.CancellationReasons[3].Item != nil {
		t.Errorf("item without ALL_OLD: %v", tc.CancellationReasons[3].Item)
	}
	// Atomic: neither the Put nor the Update happened, Fred is still there.
	if getItem(t, c, "txa", "new") != nil || getItem(t, c, "txa", "upd") != nil || getItem(t, c, "txa", "Fred") == nil || getItem(t, c, "txa", "Greta") == nil {
		t.Errorf("a cancelled transaction wrote")
	}

	// Two actions on one item: refused before anything is done.
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("txa"), Item: key("same")}},
		{Delete: &types.Delete{TableName: aws.String("txa"), Key: key("same")}},
	}})
	wantErr(t, err, "ValidationException", "Transaction request cannot include multiple operations on one item")
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("nope"), Item: key("x")}},
	}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
	if getItem(t, c, "txa", "same") != nil {
		t.Errorf("refused transaction wrote")
	}
}

// TestTransactAuthorization: each action is authorized with its own
// permission on its own table; one refused action refuses the call and
// nothing is written.
func TestTransactAuthorization(t *testing.T) {
	env, admin := newClient(t)
	ctx := context.Background()
	createTable(t, admin, "open", "id", "S", "", "")
	createTable(t, admin, "closed", "id", "S", "", "")
	open := "arn:aws:dynamodb:us-east-1:111111111111:table/open"
	closed := "arn:aws:dynamodb:us-east-1:111111111111:table/closed"
	u, _ := newUser(t, env, "txu", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:ConditionCheckItem","dynamodb:GetItem"],"Resource":"`+open+`"},
		{"Effect":"Allow","Action":"dynamodb:ConditionCheckItem","Resource":"`+closed+`"}]}`)

	if _, err := u.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("open"), Item: key("a")}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("closed"), Key: key("a"), ConditionExpression: aws.String("attribute_not_exists(id)")}},
	}}); err != nil {
		t.Fatalf("allowed transaction: %v", err)
	}
	_, err := u.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("open"), Item: key("b")}},
		{Put: &types.Put{TableName: aws.String("closed"), Item: key("b")}},
	}})
	wantErr(t, err, "AccessDeniedException", denied("txu", "dynamodb:PutItem", closed))
	_, err = u.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: aws.String("open"), Key: key("a")}},
	}})
	wantErr(t, err, "AccessDeniedException", denied("txu", "dynamodb:DeleteItem", open))
	if getItem(t, admin, "open", "b") != nil || getItem(t, admin, "open", "a") == nil {
		t.Errorf("a refused transaction changed items")
	}
	_, err = u.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("open"), Key: key("a")}},
		{Get: &types.Get{TableName: aws.String("closed"), Key: key("a")}},
	}})
	wantErr(t, err, "AccessDeniedException", denied("txu", "dynamodb:GetItem", closed))
}

// TestTransactIdempotency: a ClientRequestToken seen within ten minutes
// with the same actions (attributes in any order, as
// test_dynamodb_idempotent_writing sends them) succeeds without running
// again; with other actions it is refused.
func TestTransactIdempotency(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "idem", "id", "S", "", "")
	put := func(item map[string]types.AttributeValue) error {
		_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String("dedupe_token"),
			TransactItems: []types.TransactWriteItem{{Put: &types.Put{TableName: aws.String("idem"), Item: item}}}})
		return err
	}
	if err := put(map[string]types.AttributeValue{"id": s("id1"), "name": s("name1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("idem"), Key: key("id1")}); err != nil {
		t.Fatal(err)
	}
	if err := put(map[string]types.AttributeValue{"name": s("name1"), "id": s("id1")}); err != nil {
		t.Fatalf("same token, same request: %v", err)
	}
	if getItem(t, c, "idem", "id1") != nil {
		t.Errorf("the repeated transaction ran again")
	}
	wantErr(t, put(map[string]types.AttributeValue{"id": s("id2")}), "IdempotentParameterMismatchException", "")
	if getItem(t, c, "idem", "id2") != nil {
		t.Errorf("a mismatched token wrote")
	}
}

// TestTransactLimits: at most 100 actions, each exactly one of the four.
func TestTransactLimits(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "lim", "id", "S", "", "")
	items := make([]types.TransactWriteItem, 101)
	for i := range items {
		items[i] = types.TransactWriteItem{Put: &types.Put{TableName: aws.String("lim"), Item: key(string(rune('a'+i%26)) + string(rune('a'+i/26)))}}
	}
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	wantErr(t, err, "ValidationException", "")
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items[:100]}); err != nil {
		t.Fatalf("100 actions: %v", err)
	}
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{
		Put:    &types.Put{TableName: aws.String("lim"), Item: key("x")},
		Delete: &types.Delete{TableName: aws.String("lim"), Key: key("y")},
	}}})
	wantErr(t, err, "ValidationException", "")
	if getItem(t, c, "lim", "x") != nil {
		t.Errorf("an invalid action wrote")
	}
}
