package dynamodb_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The tests in this file run a real seki server (real store, real HTTP,
// real SigV4) and drive it with aws-sdk-go-v2's DynamoDB client.

func newClient(t testing.TB) (*servertest.Env, *dynamodb.Client) {
	t.Helper()
	env := servertest.Start(t)
	return env, dynamodb.NewFromConfig(env.Root(servertest.AccountA))
}

// wantErr asserts an AWS error with code and, when msg is not empty, exact
// message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q\nwant %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func s(v string) *types.AttributeValueMemberS { return &types.AttributeValueMemberS{Value: v} }
func n(v string) *types.AttributeValueMemberN { return &types.AttributeValueMemberN{Value: v} }

func createTable(t *testing.T, c *dynamodb.Client, name string, hash, hashType string, rng, rngType string) *types.TableDescription {
	t.Helper()
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   []types.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(hash), AttributeType: types.ScalarAttributeType(hashType)},
		},
	}
	if rng != "" {
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String(rng), KeyType: types.KeyTypeRange})
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(rng), AttributeType: types.ScalarAttributeType(rngType)})
	}
	out, err := c.CreateTable(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out.TableDescription
}

func TestTables(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()

	d := createTable(t, c, "users", "id", "S", "", "")
	if *d.TableArn != "arn:aws:dynamodb:us-east-1:111111111111:table/users" || d.TableId == nil || len(*d.TableId) != 36 {
		t.Fatalf("description: arn %s id %v", *d.TableArn, d.TableId)
	}
	if d.TableStatus != types.TableStatusCreating || d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
		t.Errorf("status %s billing %v", d.TableStatus, d.BillingModeSummary)
	}

	prov, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             aws.String("events"),
		KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("ts"), KeyType: types.KeyTypeRange}},
		AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("ts"), AttributeType: types.ScalarAttributeTypeN}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(7)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if pt := prov.TableDescription.ProvisionedThroughput; *pt.ReadCapacityUnits != 5 || *pt.WriteCapacityUnits != 7 {
		t.Errorf("throughput %+v", pt)
	}

	desc, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("events")})
	if err != nil {
		t.Fatal(err)
	}
	td := desc.Table
	if td.TableStatus != types.TableStatusActive || len(td.KeySchema) != 2 || *td.KeySchema[1].AttributeName != "ts" ||
		td.KeySchema[1].KeyType != types.KeyTypeRange || td.AttributeDefinitions[1].AttributeType != types.ScalarAttributeTypeN ||
		*td.ItemCount != 0 || *td.TableSizeBytes != 0 || td.CreationDateTime == nil || td.CreationDateTime.IsZero() {
		t.Errorf("describe: %+v", td)
	}
	// A provisioned table is warm for its units; CreateTable did not say
	// (snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#test_table_crud).
	if w := td.WarmThroughput; w == nil || *w.ReadUnitsPerSecond != 5 || *w.WriteUnitsPerSecond != 7 || w.Status != types.TableStatusActive ||
		prov.TableDescription.WarmThroughput != nil || td.BillingModeSummary != nil {
		t.Errorf("warm throughput %+v, at create %+v, billing summary %+v", td.WarmThroughput, prov.TableDescription.WarmThroughput, td.BillingModeSummary)
	}
	// The waiter sees the table active.
	if err := dynamodb.NewTableExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("events")}, 5e9); err != nil {
		t.Fatal(err)
	}

	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("users"), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
	})
	wantErr(t, err, "ResourceInUseException", "Table already exists: users")

	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nope not found")

	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("x!"),
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
	})
	wantErr(t, err, "ValidationException", "2 validation errors detected: Value 'x!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; "+
		"Value 'x!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")

	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("bad"),
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
	})
	wantErr(t, err, "ValidationException", "No provisioned throughput specified for the table")

	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("bad"), BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("extra"), AttributeType: types.ScalarAttributeTypeS},
		},
	})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")

	// ListTables pages through names in order.
	for i := 0; i < 5; i++ {
		createTable(t, c, fmt.Sprintf("tab%d", i), "id", "S", "", "")
	}
	var all []string
	var start *string
	pages := 0
	for {
		out, err := c.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(3), ExclusiveStartTableName: start})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.TableNames...)
		if out.LastEvaluatedTableName == nil {
			break
		}
		start = out.LastEvaluatedTableName
	}
	if got := strings.Join(all, ","); got != "events,tab0,tab1,tab2,tab3,tab4,users" || pages != 3 {
		t.Errorf("ListTables = %s in %d pages", got, pages)
	}

	// UpdateTable changes throughput and reports it.
	up, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:             aws.String("events"),
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(10), WriteCapacityUnits: aws.Int64(7)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *up.TableDescription.ProvisionedThroughput.ReadCapacityUnits != 10 {
		t.Errorf("UpdateTable: %+v", up.TableDescription.ProvisionedThroughput)
	}
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:             aws.String("events"),
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(10), WriteCapacityUnits: aws.Int64(7)},
	})
	wantErr(t, err, "ValidationException", "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 10. Requested ReadCapacityUnits: 10. Current WriteCapacityUnits provisioned for the table: 7. Requested WriteCapacityUnits: 7. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")

	del, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("users")})
	if err != nil {
		t.Fatal(err)
	}
	if dd := del.TableDescription; dd.TableStatus != types.TableStatusDeleting || dd.KeySchema != nil || dd.AttributeDefinitions != nil || dd.CreationDateTime != nil {
		t.Errorf("DeleteTable: %+v (AWS leaves out the key schema, attribute definitions and creation time)", dd)
	}
	_, err = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("users")})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("users"), Item: map[string]types.AttributeValue{"id": s("a")}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
}

func TestItems(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "users", "id", "S", "", "")
	tbl := aws.String("users")

	item := map[string]types.AttributeValue{
		"id":    s("u1"),
		"name":  s("Ada"),
		"age":   n("36"),
		"tags":  &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
		"prefs": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"theme": s("dark"), "sizes": &types.AttributeValueMemberL{Value: []types.AttributeValue{n("1"), n("2")}}}},
		"blob":  &types.AttributeValueMemberB{Value: []byte{0, 1, 2, 255}},
		"ok":    &types.AttributeValueMemberBOOL{Value: true},
		"none":  &types.AttributeValueMemberNULL{Value: true},
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: item}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u1")}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if b := got.Item["blob"].(*types.AttributeValueMemberB).Value; string(b) != "\x00\x01\x02\xff" {
		t.Errorf("blob %v", b)
	}
	if v := got.Item["prefs"].(*types.AttributeValueMemberM).Value["sizes"].(*types.AttributeValueMemberL).Value[1].(*types.AttributeValueMemberN).Value; v != "2" {
		t.Errorf("nested %s", v)
	}
	if len(got.Item) != len(item) {
		t.Errorf("got %d attributes", len(got.Item))
	}

	// Projection with a reserved word behind a name, and a nested path.
	proj, err := c.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u1")},
		ProjectionExpression:     aws.String("#n, prefs.sizes[1]"),
		ExpressionAttributeNames: map[string]string{"#n": "name"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(proj.Item) != 2 || proj.Item["name"].(*types.AttributeValueMemberS).Value != "Ada" {
		t.Errorf("projection: %v", proj.Item)
	}
	sizes := proj.Item["prefs"].(*types.AttributeValueMemberM).Value["sizes"].(*types.AttributeValueMemberL).Value
	if len(sizes) != 1 || sizes[0].(*types.AttributeValueMemberN).Value != "2" {
		t.Errorf("projected list: %v", sizes)
	}
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u1")}, ProjectionExpression: aws.String("name")})
	wantErr(t, err, "ValidationException", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name")

	// Missing item: no Item.
	miss, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("nobody")}})
	if err != nil || miss.Item != nil {
		t.Fatalf("missing item: %v %v", miss.Item, err)
	}

	// Conditional put fails with AWS's message; ALL_OLD returns the old item.
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("u1")}, ConditionExpression: aws.String("attribute_not_exists(id)")})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Errorf("not a typed ConditionalCheckFailedException: %T", err)
	}
	// With ReturnValuesOnConditionCheckFailure=ALL_OLD the error carries the
	// item (snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json
	// #test_return_values_on_conditions_check_failure).
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("u1")}, ConditionExpression: aws.String("attribute_not_exists(id)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	if !errors.As(err, &ccf) || ccf.Item["name"].(*types.AttributeValueMemberS).Value != "Ada" {
		t.Errorf("ALL_OLD on failure: %v", err)
	}
	old, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("u1"), "v": n("1")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil {
		t.Fatal(err)
	}
	if old.Attributes["name"].(*types.AttributeValueMemberS).Value != "Ada" {
		t.Errorf("ALL_OLD: %v", old.Attributes)
	}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("u1")}, ReturnValues: types.ReturnValueAllNew})
	wantErr(t, err, "ValidationException", "Return values set to invalid value") // issue 11; quoted from AWS in taoensso/faraday#64

	// Key errors.
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"name": s("x")}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Missing the key id in the item")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": n("1")}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("")}})
	wantErr(t, err, "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id")
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u1"), "x": s("y")}})
	wantErr(t, err, "ValidationException", "The provided key element does not match the schema")
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": n("1")}})
	wantErr(t, err, "ValidationException", "The provided key element does not match the schema")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("x"), "e": &types.AttributeValueMemberSS{Value: []string{}}}})
	wantErr(t, err, "ValidationException", "1 validation error detected: One or more parameter values were invalid: An string set  may not be empty")

	// 400 KB limit.
	big := strings.Repeat("x", 400*1024)
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("big"), "b": s(big)}})
	wantErr(t, err, "ValidationException", "Item size has exceeded the maximum allowed size")
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("big"), "b": s(big[:400*1024-6])}}); err != nil {
		t.Errorf("item of exactly 400 KB: %v", err)
	}

	// UpdateItem: SET arithmetic, if_not_exists, list_append, REMOVE, ADD, DELETE.
	upd, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        tbl,
		Key:              map[string]types.AttributeValue{"id": s("u2")},
		UpdateExpression: aws.String("SET hits = if_not_exists(hits, :zero) + :one, entries = list_append(if_not_exists(entries, :empty), :entry) ADD tags :tag"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": n("0"), ":one": n("1"), ":empty": &types.AttributeValueMemberL{}, ":entry": &types.AttributeValueMemberL{Value: []types.AttributeValue{s("created")}},
			":tag": &types.AttributeValueMemberSS{Value: []string{"new"}},
		},
		ReturnValues: types.ReturnValueAllNew,
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Attributes["hits"].(*types.AttributeValueMemberN).Value != "1" || len(upd.Attributes["entries"].(*types.AttributeValueMemberL).Value) != 1 {
		t.Errorf("ALL_NEW: %v", upd.Attributes)
	}
	upd, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 tbl,
		Key:                       map[string]types.AttributeValue{"id": s("u2")},
		UpdateExpression:          aws.String("SET hits = hits + :one REMOVE entries DELETE tags :tag"),
		ConditionExpression:       aws.String("hits = :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1"), ":tag": &types.AttributeValueMemberSS{Value: []string{"new"}}},
		ReturnValues:              types.ReturnValueUpdatedOld,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(upd.Attributes) != 3 || upd.Attributes["hits"].(*types.AttributeValueMemberN).Value != "1" {
		t.Errorf("UPDATED_OLD: %v", upd.Attributes)
	}
	after, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")}})
	if len(after.Item) != 2 || after.Item["hits"].(*types.AttributeValueMemberN).Value != "2" {
		t.Errorf("after update: %v", after.Item)
	}
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")},
		UpdateExpression: aws.String("SET id = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("x")},
	})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")},
		UpdateExpression: aws.String("SET a = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("x"), ":unused": s("y")},
	})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")},
		UpdateExpression: aws.String("SET hits = hits + :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("x")},
	})
	wantErr(t, err, "ValidationException", "1 validation error detected: Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")},
		UpdateExpression: aws.String("SET hits = nothere + :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("1")},
	})
	wantErr(t, err, "ValidationException", "The provided expression refers to an attribute that does not exist in the item")

	// DeleteItem with a condition and ALL_OLD.
	_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")}, ConditionExpression: aws.String("hits > :ten"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":ten": n("10")}})
	wantErr(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	gone, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")}, ReturnValues: types.ReturnValueAllOld})
	if err != nil || gone.Attributes["hits"] == nil {
		t.Fatalf("DeleteItem: %v %v", gone, err)
	}
	after, _ = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("u2")}})
	if after.Item != nil {
		t.Errorf("deleted item still there")
	}

	// ConsumedCapacity when asked.
	cc, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("cap")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || cc.ConsumedCapacity == nil || *cc.ConsumedCapacity.CapacityUnits != 1 || *cc.ConsumedCapacity.TableName != "users" {
		t.Errorf("ConsumedCapacity: %+v %v", cc.ConsumedCapacity, err)
	}

	desc, _ := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: tbl})
	if *desc.Table.ItemCount != 3 || *desc.Table.TableSizeBytes < 400*1024-10 {
		t.Errorf("ItemCount %d size %d", *desc.Table.ItemCount, *desc.Table.TableSizeBytes)
	}
}

func TestNumberPrecision(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "nums", "id", "S", "", "")
	cases := map[string]string{
		"00042":                                  "42",
		"1.0":                                    "1",
		"1.50":                                   "1.5",
		"-0":                                     "0",
		"1.5E2":                                  "150",
		"1e-5":                                   "0.00001",
		"1E+20":                                  "100000000000000000000",
		"12345678901234567890123456789012345678": "12345678901234567890123456789012345678",
		"0.12345678901234567890123456789012345678":      "0.12345678901234567890123456789012345678",
		"-9.9999999999999999999999999999999999999E+125": "-99999999999999999999999999999999999999" + strings.Repeat("0", 88),
	}
	for in, want := range cases {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("nums"), Item: map[string]types.AttributeValue{"id": s(in), "n": n(in)}}); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("nums"), Key: map[string]types.AttributeValue{"id": s(in)}})
		if err != nil {
			t.Fatal(err)
		}
		if v := got.Item["n"].(*types.AttributeValueMemberN).Value; v != want {
			t.Errorf("%s stored as %s, want %s", in, v, want)
		}
	}
	for in, msg := range map[string]string{
		"123456789012345678901234567890123456789": "1 validation error detected: Attempting to store more than 38 significant digits in a Number",
		"1e126":  "1 validation error detected: Number overflow. Attempting to store a number with magnitude larger than supported range",
		"1e-131": "1 validation error detected: Number underflow. Attempting to store a number with magnitude smaller than supported range",
		"abc":    "1 validation error detected: The parameter cannot be converted to a numeric value: abc",
	} {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("nums"), Item: map[string]types.AttributeValue{"id": s("x"), "n": n(in)}})
		wantErr(t, err, "ValidationException", msg)
	}
	// Arithmetic keeps full precision.
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("nums"), Item: map[string]types.AttributeValue{"id": s("acc"), "n": n("0.1")}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("nums"), Key: map[string]types.AttributeValue{"id": s("acc")},
			UpdateExpression: aws.String("ADD n :d"), ExpressionAttributeValues: map[string]types.AttributeValue{":d": n("0.1")}}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("nums"), Key: map[string]types.AttributeValue{"id": s("acc")}})
	if v := got.Item["n"].(*types.AttributeValueMemberN).Value; v != "0.3" {
		t.Errorf("0.1+0.1+0.1 = %s", v)
	}
}

func keysOf(items []map[string]types.AttributeValue, name string) []string {
	var out []string
	for _, it := range items {
		switch v := it[name].(type) {
		case *types.AttributeValueMemberS:
			out = append(out, v.Value)
		case *types.AttributeValueMemberN:
			out = append(out, v.Value)
		case *types.AttributeValueMemberB:
			out = append(out, fmt.Sprintf("%x", v.Value))
		}
	}
	return out
}

func TestQuery(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "nums2", "pk", "S", "sk", "N")
	createTable(t, c, "strs", "pk", "S", "sk", "S")
	createTable(t, c, "bins", "pk", "S", "sk", "B")
	nums := []string{"-100", "-10.5", "-10", "-2", "-1.25", "0", "0.001", "1", "2", "9", "10", "10.5", "100", "1e20"}
	for _, v := range nums {
		for _, pk := range []string{"a", "b"} {
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("nums2"), Item: map[string]types.AttributeValue{"pk": s(pk), "sk": n(v), "odd": &types.AttributeValueMemberBOOL{Value: len(v)%2 == 1}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	strs := []string{"", "A", "B", "a", "aa", "ab", "b", "é", "𝄞"}
	for _, v := range strs[1:] {
		c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("strs"), Item: map[string]types.AttributeValue{"pk": s("p"), "sk": s(v)}})
	}
	for _, v := range [][]byte{{0}, {0, 0}, {1}, {0x7f}, {0x80}, {0xff}, {0xff, 0}} {
		c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("bins"), Item: map[string]types.AttributeValue{"pk": s("p"), "sk": &types.AttributeValueMemberB{Value: v}}})
	}
	q := func(in *dynamodb.QueryInput) *dynamodb.QueryOutput {
		t.Helper()
		out, err := c.Query(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	eq := map[string]types.AttributeValue{":p": s("a")}

	// Numbers sort numerically, both ways.
	out := q(&dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: eq})
	want := []string{"-100", "-10.5", "-10", "-2", "-1.25", "0", "0.001", "1", "2", "9", "10", "10.5", "100", "100000000000000000000"}
	if got := keysOf(out.Items, "sk"); strings.Join(got, " ") != strings.Join(want, " ") || out.Count != int32(len(want)) {
		t.Errorf("ascending: %v", got)
	}
	out = q(&dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: eq, ScanIndexForward: aws.Bool(false)})
	rev := append([]string(nil), want...)
	sort.Sort(sort.Reverse(sort.StringSlice(rev)))
	if got := keysOf(out.Items, "sk"); got[0] != "100000000000000000000" || got[len(got)-1] != "-100" {
		t.Errorf("descending: %v", got)
	}

	// Range conditions.
	for _, c2 := range []struct {
		cond string
		vals map[string]types.AttributeValue
		want string
	}{
		{"pk = :p AND sk BETWEEN :lo AND :hi", map[string]types.AttributeValue{":lo": n("-2"), ":hi": n("1")}, "-2 -1.25 0 0.001 1"},
		{"pk = :p AND sk < :v", map[string]types.AttributeValue{":v": n("-10")}, "-100 -10.5"},
		{"pk = :p AND sk <= :v", map[string]types.AttributeValue{":v": n("-10")}, "-100 -10.5 -10"},
		{"pk = :p AND sk > :v", map[string]types.AttributeValue{":v": n("10.5")}, "100 100000000000000000000"},
		{"pk = :p AND sk >= :v", map[string]types.AttributeValue{":v": n("100")}, "100 100000000000000000000"},
		{"sk = :v AND pk = :p", map[string]types.AttributeValue{":v": n("9")}, "9"},
	} {
		vals := map[string]types.AttributeValue{":p": s("a")}
		for k, v := range c2.vals {
			vals[k] = v
		}
		out := q(&dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String(c2.cond), ExpressionAttributeValues: vals})
		if got := strings.Join(keysOf(out.Items, "sk"), " "); got != c2.want {
			t.Errorf("%s: %s, want %s", c2.cond, got, c2.want)
		}
	}

	// Strings sort by UTF-8 bytes; begins_with.
	out = q(&dynamodb.QueryInput{TableName: aws.String("strs"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("p")}})
	if got := strings.Join(keysOf(out.Items, "sk"), ","); got != "A,B,a,aa,ab,b,é,𝄞" {
		t.Errorf("strings: %s", got)
	}
	out = q(&dynamodb.QueryInput{TableName: aws.String("strs"), KeyConditionExpression: aws.String("pk = :p AND begins_with(sk, :a)"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("p"), ":a": s("a")}})
	if got := strings.Join(keysOf(out.Items, "sk"), ","); got != "a,aa,ab" {
		t.Errorf("begins_with: %s", got)
	}
	// Binaries sort as unsigned bytes.
	out = q(&dynamodb.QueryInput{TableName: aws.String("bins"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("p")}})
	if got := strings.Join(keysOf(out.Items, "sk"), ","); got != "00,0000,01,7f,80,ff,ff00" {
		t.Errorf("binaries: %s", got)
	}

	// Pagination with Limit visits every item once, in order.
	var seen []string
	var start map[string]types.AttributeValue
	pages := 0
	for {
		out := q(&dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: eq, Limit: aws.Int32(4), ExclusiveStartKey: start})
		pages++
		seen = append(seen, keysOf(out.Items, "sk")...)
		if out.LastEvaluatedKey == nil {
			break
		}
		if out.LastEvaluatedKey["pk"].(*types.AttributeValueMemberS).Value != "a" || len(out.LastEvaluatedKey) != 2 {
			t.Fatalf("LastEvaluatedKey %v", out.LastEvaluatedKey)
		}
		start = out.LastEvaluatedKey
	}
	if strings.Join(seen, " ") != strings.Join(want, " ") || pages != 4 {
		t.Errorf("paged: %v in %d pages", seen, pages)
	}
	// The paginator agrees, descending too.
	p := dynamodb.NewQueryPaginator(c, &dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: eq, Limit: aws.Int32(5), ScanIndexForward: aws.Bool(false)})
	var desc []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		desc = append(desc, keysOf(page.Items, "sk")...)
	}
	if len(desc) != len(want) || desc[0] != "100000000000000000000" {
		t.Errorf("descending pages: %v", desc)
	}

	// Filter, projection and COUNT: Count is after the filter, ScannedCount before.
	out = q(&dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :p"), FilterExpression: aws.String("odd = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("a"), ":t": &types.AttributeValueMemberBOOL{Value: true}}, ProjectionExpression: aws.String("sk")})
	if out.ScannedCount != int32(len(want)) || out.Count == 0 || out.Count >= out.ScannedCount || len(out.Items[0]) != 1 {
		t.Errorf("filter: count %d scanned %d items %v", out.Count, out.ScannedCount, out.Items)
	}
	out = q(&dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: eq, Select: types.SelectCount})
	if out.Count != int32(len(want)) || out.Items != nil {
		t.Errorf("COUNT: %d %v", out.Count, out.Items)
	}

	// Errors.
	_, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("sk = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("1")}})
	wantErr(t, err, "ValidationException", "Query condition missed key schema element: pk")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("1")}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Condition parameter type does not match schema type")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("nums2"), KeyConditionExpression: aws.String("pk = :p AND begins_with(sk, :n)"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("a"), ":n": n("1")}})
	wantErr(t, err, "ValidationException", "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("nums2")})
	wantErr(t, err, "ValidationException", "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("missing"), KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: eq})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
}

func TestScan(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "items", "pk", "N", "", "")
	const total = 57
	for i := 0; i < total; i++ {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("items"), Item: map[string]types.AttributeValue{"pk": n(fmt.Sprint(i)), "even": &types.AttributeValueMemberBOOL{Value: i%2 == 0}}}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String("items"), Limit: aws.Int32(10)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, k := range keysOf(page.Items, "pk") {
			if seen[k] {
				t.Fatalf("item %s seen twice", k)
			}
			seen[k] = true
		}
	}
	if len(seen) != total || pages != 6 {
		t.Errorf("scan saw %d items in %d pages", len(seen), pages)
	}
	// Parallel scan segments partition the table.
	seg := map[string]bool{}
	for i := int32(0); i < 4; i++ {
		out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("items"), Segment: aws.Int32(i), TotalSegments: aws.Int32(4)})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keysOf(out.Items, "pk") {
			if seg[k] {
				t.Fatalf("item %s in two segments", k)
			}
			seg[k] = true
		}
	}
	if len(seg) != total {
		t.Errorf("segments saw %d items", len(seg))
	}
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("items"), FilterExpression: aws.String("even = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}})
	if err != nil || out.Count != 29 || out.ScannedCount != total {
		t.Errorf("filtered scan: %d/%d %v", out.Count, out.ScannedCount, err)
	}
	_, err = c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("items"), Segment: aws.Int32(1)})
	wantErr(t, err, "ValidationException", "The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
}

func TestBatches(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "aaa", "id", "S", "", "")
	createTable(t, c, "bbb", "pk", "S", "sk", "N")
	var reqs []types.WriteRequest
	for i := 0; i < 20; i++ {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"id": s(fmt.Sprint(i)), "v": n(fmt.Sprint(i))}}})
	}
	out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"aaa": reqs,
		"bbb": {{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s("x"), "sk": n("1")}}}},
	}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.UnprocessedItems) != 0 || len(out.ConsumedCapacity) != 2 {
		t.Errorf("BatchWriteItem: %+v", out)
	}
	var keys []map[string]types.AttributeValue
	for i := 0; i < 25; i++ {
		keys = append(keys, map[string]types.AttributeValue{"id": s(fmt.Sprint(i))})
	}
	got, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"aaa": {Keys: keys, ProjectionExpression: aws.String("v")},
		"bbb": {Keys: []map[string]types.AttributeValue{{"pk": s("x"), "sk": n("1")}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Responses["aaa"]) != 20 || len(got.Responses["aaa"][0]) != 1 || len(got.Responses["bbb"]) != 1 || len(got.UnprocessedKeys) != 0 {
		t.Errorf("BatchGetItem: a %d b %d", len(got.Responses["aaa"]), len(got.Responses["bbb"]))
	}
	// Deletes in a batch.
	if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"aaa": {{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"id": s("0")}}}},
	}}); err != nil {
		t.Fatal(err)
	}
	if g, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("aaa"), Key: map[string]types.AttributeValue{"id": s("0")}}); g.Item != nil {
		t.Errorf("batch delete did not delete")
	}
	// Errors.
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"aaa": {
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"id": s("dup")}}},
		{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"id": s("dup")}}},
	}}})
	wantErr(t, err, "ValidationException", "Provided list of item keys contains duplicates")
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"aaa": {
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"id": n("5")}}},
	}}})
	wantErr(t, err, "ValidationException", "The provided key element does not match the schema")
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"missing": {
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"id": s("5")}}},
	}}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found")
	var many []map[string]types.AttributeValue
	for i := 0; i < 101; i++ {
		many = append(many, map[string]types.AttributeValue{"id": s(fmt.Sprint(i))})
	}
	_, err = c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"aaa": {Keys: many}}})
	wantErr(t, err, "ValidationException", "Too many items requested for the BatchGetItem call")
}

// TestConcurrentUpdates: conditional read-modify-writes from many clients
// never lose an update.
func TestConcurrentUpdates(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "counters", "id", "S", "", "")
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("counters"), Key: map[string]types.AttributeValue{"id": s("c")},
					UpdateExpression: aws.String("SET n = if_not_exists(n, :z) + :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":z": n("0"), ":one": n("1")}}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("counters"), Key: map[string]types.AttributeValue{"id": s("c")}, ConsistentRead: aws.Bool(true)})
	if v := got.Item["n"].(*types.AttributeValueMemberN).Value; v != fmt.Sprint(workers*each) {
		t.Errorf("counter = %s, want %d", v, workers*each)
	}
}
