package dynamodb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The secondary index tests drive a real server through aws-sdk-go-v2.

const ordersARN = "arn:aws:dynamodb:us-east-1:111111111111:table/orders"

// createOrders makes the table the index tests share: orders by customer
// (pk) and order id (sk), a global index by status and date (INCLUDE
// price), a global keys-only index by sku (no sort key), and a local
// keys-only index by date.
func createOrders(t *testing.T, c *dynamodb.Client) *types.TableDescription {
	t.Helper()
	out, err := c.CreateTable(context.Background(), ordersInput())
	if err != nil {
		t.Fatal(err)
	}
	return out.TableDescription
}

func ordersInput() *dynamodb.CreateTableInput {
	def := func(n, t string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeType(t)}
	}
	key := func(n string, kt types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(n), KeyType: kt}
	}
	return &dynamodb.CreateTableInput{
		TableName:   aws.String("orders"),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("sk", types.KeyTypeRange)},
		AttributeDefinitions: []types.AttributeDefinition{
			def("pk", "S"), def("sk", "S"), def("status", "S"), def("day", "N"), def("sku", "S"),
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("by-status"),
			KeySchema:  []types.KeySchemaElement{key("status", types.KeyTypeHash), key("day", types.KeyTypeRange)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"price"}},
		}, {
			IndexName:  aws.String("by-sku"),
			KeySchema:  []types.KeySchemaElement{key("sku", types.KeyTypeHash)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName:  aws.String("by-day"),
			KeySchema:  []types.KeySchemaElement{key("pk", types.KeyTypeHash), key("day", types.KeyTypeRange)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
	}
}

type order struct {
	pk, sk, status, day, sku, price, note string
}

func (o order) item() map[string]types.AttributeValue {
	it := map[string]types.AttributeValue{"pk": s(o.pk), "sk": s(o.sk)}
	if o.status != "" {
		it["status"] = s(o.status)
	}
	if o.day != "" {
		it["day"] = n(o.day)
	}
	if o.sku != "" {
		it["sku"] = s(o.sku)
	}
	if o.price != "" {
		it["price"] = n(o.price)
	}
	if o.note != "" {
		it["note"] = s(o.note)
	}
	return it
}

var orders = []order{
	{"ann", "o1", "open", "3", "apple", "10", "ring twice"},
	{"ann", "o2", "open", "1", "pear", "20", ""},
	{"bob", "o1", "open", "3", "apple", "30", ""},
	{"bob", "o2", "shipped", "2", "", "40", ""}, // not in by-sku
	{"cat", "o1", "", "5", "plum", "50", ""},    // not in by-status
	{"cat", "o2", "", "", "", "60", ""},         // in no index
}

func putOrders(t *testing.T, c *dynamodb.Client) {
	t.Helper()
	for _, o := range orders {
		if _, err := c.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: o.item()}); err != nil {
			t.Fatal(err)
		}
	}
}

// keys renders items as "pk/sk" in the order returned.
func keys(items []map[string]types.AttributeValue) string {
	var out []string
	for _, it := range items {
		out = append(out, it["pk"].(*types.AttributeValueMemberS).Value+"/"+it["sk"].(*types.AttributeValueMemberS).Value)
	}
	return strings.Join(out, " ")
}

// names renders the attribute names of an item, sorted.
func names(it map[string]types.AttributeValue) string {
	var out []string
	for k := range it {
		out = append(out, k)
	}
	sortStrings(out)
	return strings.Join(out, ",")
}

func sortStrings(ss []string) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j] < ss[j-1]; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

func queryStatus(c *dynamodb.Client, in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
	if in.TableName == nil {
		in.TableName = aws.String("orders")
	}
	if in.KeyConditionExpression == nil {
		in.IndexName = aws.String("by-status")
		in.KeyConditionExpression = aws.String("#s = :s")
		in.ExpressionAttributeNames = map[string]string{"#s": "status"}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":s": s("open")}
	}
	return c.Query(context.Background(), in)
}

func TestIndexDescribe(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	d := createOrders(t, c)
	if len(d.GlobalSecondaryIndexes) != 2 || len(d.LocalSecondaryIndexes) != 1 {
		t.Fatalf("indexes %+v %+v", d.GlobalSecondaryIndexes, d.LocalSecondaryIndexes)
	}
	if g := d.GlobalSecondaryIndexes[0]; g.IndexStatus != types.IndexStatusCreating || *g.IndexArn != ordersARN+"/index/by-status" {
		t.Errorf("created GSI %s %s", g.IndexStatus, *g.IndexArn)
	}
	putOrders(t, c)
	out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	td := out.Table
	g := td.GlobalSecondaryIndexes[0]
	if *g.IndexName != "by-status" || g.IndexStatus != types.IndexStatusActive || *g.ItemCount != 4 || *g.IndexSizeBytes == 0 ||
		g.Projection.ProjectionType != types.ProjectionTypeInclude || g.Projection.NonKeyAttributes[0] != "price" ||
		*g.KeySchema[0].AttributeName != "status" || g.KeySchema[1].KeyType != types.KeyTypeRange ||
		g.ProvisionedThroughput == nil || *g.ProvisionedThroughput.ReadCapacityUnits != 0 {
		t.Errorf("by-status: %+v", g)
	}
	if sku := td.GlobalSecondaryIndexes[1]; *sku.ItemCount != 4 || len(sku.KeySchema) != 1 {
		t.Errorf("by-sku: count %d schema %d", *sku.ItemCount, len(sku.KeySchema))
	}
	l := td.LocalSecondaryIndexes[0]
	if *l.IndexName != "by-day" || *l.IndexArn != ordersARN+"/index/by-day" || *l.ItemCount != 5 || l.Projection.ProjectionType != types.ProjectionTypeKeysOnly {
		t.Errorf("by-day: %+v", l)
	}
	if *td.ItemCount != 6 || len(td.AttributeDefinitions) != 5 {
		t.Errorf("table count %d defs %d", *td.ItemCount, len(td.AttributeDefinitions))
	}
}

func TestIndexQuery(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createOrders(t, c)
	putOrders(t, c)

	// Ordered by the index sort key, the table keys breaking the tie
	// (day 3: ann/o1 before bob/o1); projected to keys and price.
	out, err := queryStatus(c, &dynamodb.QueryInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(out.Items); got != "ann/o2 ann/o1 bob/o1" {
		t.Errorf("order %s", got)
	}
	if got := names(out.Items[0]); got != "day,pk,price,sk,status" {
		t.Errorf("projected %s", got)
	}
	out, err = queryStatus(c, &dynamodb.QueryInput{ScanIndexForward: aws.Bool(false)})
	if err != nil || keys(out.Items) != "bob/o1 ann/o1 ann/o2" {
		t.Fatalf("backward %v %s", err, keys(out.Items))
	}

	// Sort key conditions on the index's sort key.
	out, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-status"),
		KeyConditionExpression:    aws.String("#s = :s AND #d BETWEEN :a AND :b"),
		ExpressionAttributeNames:  map[string]string{"#s": "status", "#d": "day"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": s("open"), ":a": n("2"), ":b": n("9")}})
	if err != nil || keys(out.Items) != "ann/o1 bob/o1" {
		t.Fatalf("between %v %s", err, keys(out.Items))
	}

	// Pagination: LastEvaluatedKey holds the index keys and the table keys.
	var all []string
	var start map[string]types.AttributeValue
	for page := 0; ; page++ {
		out, err := queryStatus(c, &dynamodb.QueryInput{Limit: aws.Int32(1), ExclusiveStartKey: start})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, keys(out.Items))
		if out.LastEvaluatedKey == nil {
			break
		}
		if got := names(out.LastEvaluatedKey); got != "day,pk,sk,status" {
			t.Fatalf("LastEvaluatedKey %s", got)
		}
		start = out.LastEvaluatedKey
		if page > 5 {
			t.Fatal("no end")
		}
	}
	if got := strings.TrimSpace(strings.Join(all, " ")); got != "ann/o2 ann/o1 bob/o1" {
		t.Errorf("pages %q", got)
	}

	// A global index: projections it holds, never the table's.
	out, err = queryStatus(c, &dynamodb.QueryInput{ProjectionExpression: aws.String("pk, price")})
	if err != nil || names(out.Items[0]) != "pk,price" {
		t.Fatalf("projection %v", err)
	}
	_, err = queryStatus(c, &dynamodb.QueryInput{ProjectionExpression: aws.String("pk, note")})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Global secondary index by-status does not project [note]")
	_, err = queryStatus(c, &dynamodb.QueryInput{Select: types.SelectAllAttributes})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index by-status because its projection type is not ALL")
	_, err = queryStatus(c, &dynamodb.QueryInput{Select: types.SelectAllProjectedAttributes, ProjectionExpression: aws.String("pk")})
	wantErr(t, err, "ValidationException", "Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES")
	_, err = queryStatus(c, &dynamodb.QueryInput{ConsistentRead: aws.Bool(true)})
	wantErr(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")
	out, err = queryStatus(c, &dynamodb.QueryInput{ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes})
	if cc := out.ConsumedCapacity; err != nil || *cc.CapacityUnits != 0.5 || *cc.Table.CapacityUnits != 0 || *cc.GlobalSecondaryIndexes["by-status"].CapacityUnits != 0.5 {
		t.Fatalf("consumed %v %+v", err, out.ConsumedCapacity)
	}
	out, err = queryStatus(c, &dynamodb.QueryInput{Select: types.SelectCount})
	if err != nil || out.Count != 3 || out.Items != nil {
		t.Fatalf("count %v %d", err, out.Count)
	}
	// A filter on a global index sees its projection only.
	out, err = queryStatus(c, &dynamodb.QueryInput{FilterExpression: aws.String("attribute_exists(note)")})
	if err != nil || out.Count != 0 || out.ScannedCount != 3 {
		t.Fatalf("filter %v %d/%d", err, out.Count, out.ScannedCount)
	}

	// The key condition is on the index's keys.
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-status"),
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("ann")}})
	wantErr(t, err, "ValidationException", "Query condition missed key schema element: status")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("nope"),
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("ann")}})
	wantErr(t, err, "ValidationException", "The table does not have the specified index: nope")
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("x"),
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("ann")}})
	wantErr(t, err, "ValidationException", "1 validation error detected: Value 'x' at 'indexName' failed to satisfy constraint: Member must have length greater than or equal to 3")

	// A hash-only global index (no sort key): ordered by the table keys.
	out, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-sku"),
		KeyConditionExpression: aws.String("sku = :k"), ExpressionAttributeValues: map[string]types.AttributeValue{":k": s("apple")}})
	if err != nil || keys(out.Items) != "ann/o1 bob/o1" || names(out.Items[0]) != "pk,sk,sku" {
		t.Fatalf("by-sku %v %s", err, keys(out.Items))
	}

	// A local index: its projection by default, the table's attributes
	// when asked for (DynamoDB fetches them), consistent reads allowed.
	lsi := func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		in.TableName, in.IndexName = aws.String("orders"), aws.String("by-day")
		in.KeyConditionExpression = aws.String("pk = :p AND #d > :d")
		in.ExpressionAttributeNames = map[string]string{"#d": "day"}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":p": s("ann"), ":d": n("0")}
		return c.Query(ctx, in)
	}
	out, err = lsi(&dynamodb.QueryInput{ConsistentRead: aws.Bool(true)})
	if err != nil || keys(out.Items) != "ann/o2 ann/o1" || names(out.Items[1]) != "day,pk,sk" {
		t.Fatalf("lsi %v %s", err, keys(out.Items))
	}
	out, err = lsi(&dynamodb.QueryInput{Select: types.SelectAllAttributes})
	if err != nil || names(out.Items[1]) != "day,note,pk,price,sk,sku,status" {
		t.Fatalf("lsi all %v %s", err, names(out.Items[1]))
	}
	out, err = lsi(&dynamodb.QueryInput{ProjectionExpression: aws.String("note"), ExpressionAttributeNames: nil})
	if err != nil || len(out.Items) != 2 || names(out.Items[1]) != "note" {
		t.Fatalf("lsi fetch %v", err)
	}

	// Scan of an index: only the items it holds.
	scan, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), IndexName: aws.String("by-status")})
	if err != nil || scan.Count != 4 {
		t.Fatalf("scan %v %d", err, scan.Count)
	}
	var scanned []string
	start = nil
	for {
		scan, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), IndexName: aws.String("by-sku"), Limit: aws.Int32(3), ExclusiveStartKey: start})
		if err != nil {
			t.Fatal(err)
		}
		scanned = append(scanned, keys(scan.Items))
		if start = scan.LastEvaluatedKey; start == nil {
			break
		}
	}
	if got := strings.Fields(strings.Join(scanned, " ")); len(got) != 4 {
		t.Errorf("scan pages %v", got)
	}
	_, err = c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), IndexName: aws.String("by-sku"), ConsistentRead: aws.Bool(true)})
	wantErr(t, err, "ValidationException", "Consistent reads are not supported on global secondary indexes")
}

// TestIndexMaintenance checks that every write keeps the indexes: updates
// that move an item between index partitions, deletes, batches, sparse
// items, and the types of index key attributes.
func TestIndexMaintenance(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createOrders(t, c)
	putOrders(t, c)
	tbl := aws.String("orders")
	status := func(v string) string {
		out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, IndexName: aws.String("by-status"),
			KeyConditionExpression: aws.String("#s = :s"), ExpressionAttributeNames: map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": s(v)}})
		if err != nil {
			t.Fatal(err)
		}
		return keys(out.Items)
	}
	key := func(pk, sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": s(pk), "sk": s(sk)}
	}

	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key("ann", "o1"), UpdateExpression: aws.String("SET #s = :s"),
		ExpressionAttributeNames: map[string]string{"#s": "status"}, ExpressionAttributeValues: map[string]types.AttributeValue{":s": s("shipped")}}); err != nil {
		t.Fatal(err)
	}
	if got := status("open"); got != "ann/o2 bob/o1" {
		t.Errorf("open after update %s", got)
	}
	if got := status("shipped"); got != "bob/o2 ann/o1" {
		t.Errorf("shipped after update %s", got)
	}
	// Removing a key attribute takes the item out of the index.
	if _, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key("bob", "o2"), UpdateExpression: aws.String("REMOVE #d"),
		ExpressionAttributeNames: map[string]string{"#d": "day"}}); err != nil {
		t.Fatal(err)
	}
	if got := status("shipped"); got != "ann/o1" {
		t.Errorf("shipped after remove %s", got)
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: tbl, Key: key("ann", "o1")}); err != nil {
		t.Fatal(err)
	}
	if got := status("shipped"); got != "" {
		t.Errorf("shipped after delete %s", got)
	}
	// Replacing an item with one lacking the keys leaves the index.
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: key("ann", "o2")}); err != nil {
		t.Fatal(err)
	}
	if got := status("open"); got != "bob/o1" {
		t.Errorf("open after put %s", got)
	}
	if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"orders": {
		{PutRequest: &types.PutRequest{Item: order{"dan", "o1", "open", "0", "", "", ""}.item()}},
		{DeleteRequest: &types.DeleteRequest{Key: key("bob", "o1")}},
	}}}); err != nil {
		t.Fatal(err)
	}
	if got := status("open"); got != "dan/o1" {
		t.Errorf("open after batch %s", got)
	}

	// An index key attribute must have its defined type; nothing is written.
	bad := order{"eve", "o1", "open", "1", "", "", ""}.item()
	bad["day"] = s("monday")
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: bad})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key day Expected: N Actual: S IndexName: by-day")
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl, Key: key("dan", "o1"), UpdateExpression: aws.String("SET sku = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n("7")}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key sku Expected: S Actual: N IndexName: by-sku")
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"orders": {
		{PutRequest: &types.PutRequest{Item: order{"fay", "o1", "open", "1", "", "", ""}.item()}},
		{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s("fay"), "sk": s("o2"), "status": s("")}}},
	}}})
	wantErr(t, err, "ValidationException", "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by-status, IndexKey: status")
	if got := status("open"); got != "dan/o1" {
		t.Errorf("a refused batch wrote: %s", got)
	}
	if g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: key("eve", "o1")}); err != nil || g.Item != nil {
		t.Errorf("a refused put wrote: %v %v", err, g.Item)
	}

	// DeleteTable deletes the entries: a new table of the same name starts empty.
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: tbl}); err != nil {
		t.Fatal(err)
	}
	createOrders(t, c)
	if got := status("open"); got != "" {
		t.Errorf("new table's index holds %s", got)
	}
}

func TestUpdateTableIndexes(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createOrders(t, c)
	putOrders(t, c)
	tbl := aws.String("orders")

	// A new global index is backfilled from the items already there.
	up, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("price"), AttributeType: types.ScalarAttributeTypeN}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName:  aws.String("by-price"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("price"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	var created *types.GlobalSecondaryIndexDescription
	for i, g := range up.TableDescription.GlobalSecondaryIndexes {
		if *g.IndexName == "by-price" {
			created = &up.TableDescription.GlobalSecondaryIndexes[i]
		}
	}
	if created == nil || created.IndexStatus != types.IndexStatusCreating || len(up.TableDescription.AttributeDefinitions) != 6 {
		t.Fatalf("update response %+v", up.TableDescription)
	}
	out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, IndexName: aws.String("by-price"),
		KeyConditionExpression: aws.String("pk = :p AND price >= :t"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("cat"), ":t": n("55")}})
	if err != nil || keys(out.Items) != "cat/o2" || names(out.Items[0]) != "pk,price,sk" {
		t.Fatalf("backfilled %v %s", err, keys(out.Items))
	}
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl,
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName:  aws.String("by-price"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}}})
	wantErr(t, err, "ValidationException", "Attempting to create an index which already exists")
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl,
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName:  aws.String("by-note"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("note"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}}}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [note], AttributeDefinitions: [pk, sk, status, day, sku, price]")

	// Deleting one: gone from the description and from queries; its
	// attribute definition goes with it.
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl,
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("by-price")}}}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: tbl})
	if err != nil || len(d.Table.GlobalSecondaryIndexes) != 2 || len(d.Table.AttributeDefinitions) != 5 {
		t.Fatalf("after delete %v %+v", err, d.Table)
	}
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, IndexName: aws.String("by-price"),
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("cat")}})
	wantErr(t, err, "ValidationException", "The table does not have the specified index: by-price")
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl,
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("by-price")}}}})
	wantErr(t, err, "ResourceNotFoundException", "Requested resource not found: Index: by-price not found")
	// Writes after the delete still keep the remaining indexes.
	putOrders(t, c)

	// Global indexes follow the table's billing mode: switching to
	// provisioned needs their throughput, on demand drops it.
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl, BillingMode: types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)}})
	wantErr(t, err, "ValidationException", "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: by-status")
	pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(2), WriteCapacityUnits: aws.Int64(3)}
	up, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl, BillingMode: types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{
			{Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String("by-status"), ProvisionedThroughput: pt}},
			{Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String("by-sku"), ProvisionedThroughput: pt}},
		}})
	if err != nil || *up.TableDescription.GlobalSecondaryIndexes[0].ProvisionedThroughput.WriteCapacityUnits != 3 {
		t.Fatalf("to provisioned: %v", err)
	}
	up, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: tbl, BillingMode: types.BillingModePayPerRequest})
	if err != nil || *up.TableDescription.GlobalSecondaryIndexes[1].ProvisionedThroughput.ReadCapacityUnits != 0 {
		t.Fatalf("to on demand: %v", err)
	}
}

func TestCreateTableIndexErrors(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	cases := []struct {
		name string
		edit func(in *dynamodb.CreateTableInput)
		msg  string
	}{
		{"unused definition", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("zzz"), AttributeType: types.ScalarAttributeTypeS})
		}, "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [day, pk, sk, sku, status, zzz], keys used: [day, pk, sk, sku, status]"},
		{"missing definition", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = in.AttributeDefinitions[:4]
		}, "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [sku], AttributeDefinitions: [pk, sk, status, day]"},
		{"lsi hash", func(in *dynamodb.CreateTableInput) {
			in.LocalSecondaryIndexes[0].KeySchema[0].AttributeName = aws.String("sku")
		}, "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: by-day. index hash key: sku, table hash key: pk"},
		{"lsi range", func(in *dynamodb.CreateTableInput) {
			in.LocalSecondaryIndexes[0].KeySchema = in.LocalSecondaryIndexes[0].KeySchema[:1]
		}, "One or more parameter values were invalid: Index KeySchema does not have a range key for index: by-day"},
		{"same key names", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].KeySchema[1] = types.KeySchemaElement{AttributeName: aws.String("status"), KeyType: types.KeyTypeHash}
		}, "Invalid KeySchema: Both the Hash Key and the Range Key element in the KeySchema have the same name"},
		{"second not range", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].KeySchema[1].KeyType = types.KeyTypeHash
		}, "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"},
		{"duplicate", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].IndexName = aws.String("by-day")
		}, "One or more parameter values were invalid: Duplicate index name: by-day"},
		{"include without attributes", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes = nil
		}, "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified"},
		{"keys only with attributes", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].Projection.NonKeyAttributes = []string{"price"}
		}, "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"},
		{"projected key", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes = []string{"price", "sk"}
		}, "One or more parameter values were invalid: NonKeyAttributes cannot contain key attributes of the table or index: sk"},
		{"no projection type", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].Projection = &types.Projection{}
		}, "One or more parameter values were invalid: Unknown ProjectionType: null"},
		{"throughput on demand", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
		}, "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: by-sku when BillingMode is PAY_PER_REQUEST"},
		{"lsi on hash-only table", func(in *dynamodb.CreateTableInput) {
			in.KeySchema = in.KeySchema[:1]
		}, "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"},
		{"too many lsi", func(in *dynamodb.CreateTableInput) {
			for i := 0; i < 5; i++ {
				lsi := in.LocalSecondaryIndexes[0]
				lsi.IndexName = aws.String(fmt.Sprintf("lsi%d", i))
				in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, lsi)
			}
		}, "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5"},
		{"too many gsi", func(in *dynamodb.CreateTableInput) {
			for i := 0; i < 19; i++ {
				g := in.GlobalSecondaryIndexes[1]
				g.IndexName = aws.String(fmt.Sprintf("gsi%d", i))
				in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, g)
			}
		}, "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20"},
		{"empty list", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{}
		}, "One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty"},
		{"index name", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].IndexName = aws.String("x!")
		}, "2 validation errors detected: Value 'x!' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
			"Value 'x!' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := ordersInput()
			tc.edit(in)
			_, err := c.CreateTable(ctx, in)
			wantErr(t, err, "ValidationException", tc.msg)
		})
	}
	// None of them created the table.
	if _, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")}); err == nil {
		t.Error("a refused CreateTable created the table")
	}
}

// TestIndexAuthorization: a read of an index is authorized on the index's
// ARN. A policy on the table alone does not grant it; one on
// table/T/index/* grants the index and not the table. LeadingKeys on an
// index Query is the index's partition key value.
func TestIndexAuthorization(t *testing.T) {
	env, admin := newClient(t)
	ctx := context.Background()
	createOrders(t, admin)
	putOrders(t, admin)
	allow := func(resource string, cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":"` + resource + `"` + cond + `}]}`
	}
	tableOnly, _ := newUser(t, env, "tableonly", allow(ordersARN, ""))
	indexOnly, _ := newUser(t, env, "indexonly", allow(ordersARN+"/index/*", ""))
	openOnly, _ := newUser(t, env, "openonly", allow(ordersARN+"/index/by-status",
		`,"Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["open"]}}`))

	tableQuery := &dynamodb.QueryInput{TableName: aws.String("orders"), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("ann")}}
	if _, err := tableOnly.Query(ctx, tableQuery); err != nil {
		t.Fatalf("table query: %v", err)
	}
	_, err := queryStatus(tableOnly, &dynamodb.QueryInput{})
	wantErr(t, err, "AccessDeniedException", denied("tableonly", "dynamodb:Query", ordersARN+"/index/by-status"))
	_, err = tableOnly.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), IndexName: aws.String("by-sku")})
	wantErr(t, err, "AccessDeniedException", denied("tableonly", "dynamodb:Scan", ordersARN+"/index/by-sku"))

	if out, err := queryStatus(indexOnly, &dynamodb.QueryInput{}); err != nil || out.Count != 3 {
		t.Fatalf("index query: %v", err)
	}
	_, err = indexOnly.Query(ctx, tableQuery)
	wantErr(t, err, "AccessDeniedException", denied("indexonly", "dynamodb:Query", ordersARN))
	// Authorized before looking: an index that does not exist is denied
	// to a caller without access, not reported missing.
	_, err = tableOnly.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), IndexName: aws.String("nope")})
	wantErr(t, err, "AccessDeniedException", "")

	if _, err := queryStatus(openOnly, &dynamodb.QueryInput{}); err != nil {
		t.Fatalf("leading key open: %v", err)
	}
	_, err = openOnly.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-status"),
		KeyConditionExpression: aws.String("#s = :s"), ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": s("shipped")}})
	wantErr(t, err, "AccessDeniedException", "")
}

// TestIndexConcurrentWrites moves items between index partitions from
// several writers at once (their writes share group commits): afterwards
// each item is in exactly the partition of its current value.
func TestIndexConcurrentWrites(t *testing.T) {
	_, c := newClient(t)
	ctx := context.Background()
	createOrders(t, c)
	tbl := aws.String("orders")
	const items, writers, rounds = 10, 6, 15
	statuses := []string{"open", "shipped", "lost"}
	for i := 0; i < items; i++ {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: order{fmt.Sprintf("u%d", i), "o", "open", "1", "", "", ""}.item()}); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		go func(w int) {
			for r := 0; r < rounds; r++ {
				i := (w*7 + r*3) % items
				_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: tbl,
					Key:                       map[string]types.AttributeValue{"pk": s(fmt.Sprintf("u%d", i)), "sk": s("o")},
					UpdateExpression:          aws.String("SET #s = :s, #d = :d"),
					ExpressionAttributeNames:  map[string]string{"#s": "status", "#d": "day"},
					ExpressionAttributeValues: map[string]types.AttributeValue{":s": s(statuses[(w+r)%3]), ":d": n(fmt.Sprint(r))}})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < writers; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, st := range statuses {
		out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: tbl, IndexName: aws.String("by-status"),
			KeyConditionExpression: aws.String("#s = :s"), ExpressionAttributeNames: map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": s(st)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"pk": it["pk"], "sk": it["sk"]}})
			if err != nil {
				t.Fatal(err)
			}
			if cur := got.Item["status"].(*types.AttributeValueMemberS).Value; cur != st ||
				got.Item["day"].(*types.AttributeValueMemberN).Value != it["day"].(*types.AttributeValueMemberN).Value {
				t.Errorf("%v is in partition %s with day %v but is %s", it["pk"], st, it["day"], cur)
			}
		}
		total += len(out.Items)
	}
	if total != items {
		t.Errorf("the index holds %d entries for %d items", total, items)
	}
}
