package dynamodb

import (
	"strings"
	"testing"
)

var fuzzOps = []string{"CreateTable", "DescribeTable", "ListTables", "DeleteTable", "UpdateTable", "PutItem", "GetItem",
	"DeleteItem", "UpdateItem", "Query", "Scan", "BatchWriteItem", "BatchGetItem",
	"TransactWriteItems", "TransactGetItems"}

// FuzzRequest sends arbitrary bodies to every operation of a real service
// (real store, real door): nothing may panic, and every failure must be a
// client error (400) in DynamoDB's JSON error shape, never a server fault.
func FuzzRequest(f *testing.F) {
	seeds := []string{
		`{"TableName":"t1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"}`,
		`{"TableName":"t1"}`,
		`{"Limit":2}`,
		`{"TableName":"t1","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"l":{"L":[{"M":{"x":{"NS":["1","2"]}}}]}},"ConditionExpression":"attribute_not_exists(pk)"}`,
		`{"TableName":"t1","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ProjectionExpression":"l[0].x, pk"}`,
		`{"TableName":"t1","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET c = if_not_exists(c, :z) + :o REMOVE l[0]","ExpressionAttributeValues":{":z":{"N":"0"},":o":{"N":"1"}},"ReturnValues":"ALL_NEW"}`,
		`{"TableName":"t1","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","FilterExpression":"size(l) > :a","ExpressionAttributeValues":{":p":{"S":"a"},":a":{"N":"0"},":b":{"N":"9"}},"Limit":1}`,
		`{"TableName":"t1","Segment":0,"TotalSegments":2,"ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"1"}}}`,
		`{"RequestItems":{"t1":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"N":"2"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}}]}}`,
		`{"RequestItems":{"t1":{"Keys":[{"pk":{"S":"b"},"sk":{"N":"2"}}],"ProjectionExpression":"pk"}}}`,
		`{"TableName":"t1","Expected":{"pk":{"Exists":false}},"Item":{"pk":{"S":"c"},"sk":{"N":"3"}}}`,
		`{"TableName":"t1","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]}},"QueryFilter":{"x":{"ComparisonOperator":"NULL"}}}`,
		`{"TableName":"t1","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1},"BillingMode":"PROVISIONED"}`,
		`{}`, ``, `null`, `[]`, `{"TableName":5}`,
		// Transactions.
		`{"TransactItems":[{"ConditionCheck":{"TableName":"t1","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"attribute_exists(#p)","ExpressionAttributeNames":{"#p":"pk"},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}},` +
			`{"Put":{"TableName":"t1","Item":{"pk":{"S":"t"},"sk":{"N":"9"}}}},{"Update":{"TableName":"t1","Key":{"pk":{"S":"u"},"sk":{"N":"1"}},"UpdateExpression":"ADD c :o","ExpressionAttributeValues":{":o":{"N":"1"}}}},` +
			`{"Delete":{"TableName":"t1","Key":{"pk":{"S":"b"},"sk":{"N":"2"}}}}],"ClientRequestToken":"tok","ReturnConsumedCapacity":"TOTAL"}`,
		`{"TransactItems":[{"Get":{"TableName":"t1","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ProjectionExpression":"#l[0]","ExpressionAttributeNames":{"#l":"l"}}},{"Get":{"TableName":"t1","Key":{"pk":{"S":"z"},"sk":{"N":"0"}}}}]}`,
		// Secondary indexes (t2 is created with the last seed).
		`{"TableName":"t2","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"r":{"B":"AQ=="}}}`,
		`{"TableName":"t2","IndexName":"gi","KeyConditionExpression":"g = :g AND r > :r","ExpressionAttributeValues":{":g":{"S":"x"},":r":{"B":"AA=="}},"Select":"ALL_PROJECTED_ATTRIBUTES","ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"r":{"B":"AQ=="}}}`,
		`{"TableName":"t2","IndexName":"li","ExclusiveStartKey":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"N":"2"}},"ProjectionExpression":"w","ConsistentRead":true}`,
		`{"TableName":"t2","AttributeDefinitions":[{"AttributeName":"w","AttributeType":"S"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"wi","KeySchema":[{"AttributeName":"w","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}},{"Delete":{"IndexName":"gi"}}]}`,
		`{"TableName":"t2","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],` +
			`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"},{"AttributeName":"r","AttributeType":"B"},{"AttributeName":"v","AttributeType":"N"}],` +
			`"GlobalSecondaryIndexes":[{"IndexName":"gi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"},{"AttributeName":"r","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["w"]}}],` +
			`"LocalSecondaryIndexes":[{"IndexName":"li","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"v","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i%len(fuzzOps)), s)
		f.Add(uint8((i+5)%len(fuzzOps)), s)
	}
	e := newHandlerEnv(f)
	e.do("CreateTable", seeds[0])
	e.do("CreateTable", seeds[len(seeds)-1])
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := fuzzOps[int(op)%len(fuzzOps)]
		code, out := e.do(name, body)
		if code == 200 {
			return
		}
		if code != 400 || !strings.HasPrefix(out, `{"__type":"com.amazon`) {
			t.Fatalf("%s %q: %d %s", name, body, code, out)
		}
	})
}
