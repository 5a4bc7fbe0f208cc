package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

const indexedTable = `{"TableName":"events","BillingMode":"PAY_PER_REQUEST",` +
	`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"ts","KeyType":"RANGE"}],` +
	`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"ts","AttributeType":"N"},{"AttributeName":"kind","AttributeType":"S"}],` +
	`"GlobalSecondaryIndexes":[{"IndexName":"by-kind","KeySchema":[{"AttributeName":"kind","KeyType":"HASH"},{"AttributeName":"ts","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`

// TestIndexQueryPlan pins that a Query and a Scan of an index are range
// scans of the index entries' primary key, each item then found by its
// own key: never a scan of the table's items.
func TestIndexQueryPlan(t *testing.T) {
	e := newHandlerEnv(t)
	e.must(t, "CreateTable", indexedTable)
	tb, err := e.s.lookup(context.Background(), tableRef{account: "111111111111", region: "us-east-1", name: "events"})
	if err != nil || tb == nil {
		t.Fatal(err)
	}
	p := &readPlan{t: tb, ix: tb.Indexes[0], ks: &tb.Indexes[0].keySchema, forward: true, hk: []byte("k"),
		hasLower: true, lower: []byte{1}, lowerInclusive: true, ixStart: [][]byte{{1}, {2}, {3}, {4}}}
	for _, sql := range []func() (string, []any){p.indexQuerySQL, p.indexScanSQL} {
		q, args := sql()
		var plan []string
		err := e.s.db.Read(context.Background(), func(tx *store.Tx) error {
			rows, err := tx.Query("EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					return err
				}
				plan = append(plan, detail)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, "SEARCH x USING PRIMARY KEY (xid=?") || !strings.Contains(got, "SEARCH t USING PRIMARY KEY (tid=? AND hk=? AND rk=?)") ||
			strings.Contains(got, "SCAN") || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("plan of %s:\n%s", q, got)
		}
	}
}

// BenchmarkHandlerQueryIndex queries a global index: the counterpart of
// BenchmarkHandlerQuery on the table.
func BenchmarkHandlerQueryIndex(b *testing.B) {
	e := newHandlerEnv(b)
	e.must(b, "CreateTable", indexedTable)
	for i := 0; i < 100; i++ {
		e.must(b, "PutItem", fmt.Sprintf(`{"TableName":"events","Item":{"pk":{"S":"p%d"},"ts":{"N":"%d"},"kind":{"S":"k"},"v":{"S":"value %d"}}}`, i%7, i, i))
	}
	q := `{"TableName":"events","IndexName":"by-kind","KeyConditionExpression":"kind = :k AND ts BETWEEN :a AND :b","ExpressionAttributeValues":{":k":{"S":"k"},":a":{"N":"10"},":b":{"N":"29"}}}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, out := e.do("Query", q); code != 200 || !strings.Contains(out, `"Count":20`) {
			b.Fatal(out)
		}
	}
}

// BenchmarkHandlerPutItemIndexed writes to a table with one global index:
// what an index costs a write (read the old item, maintain the entry).
func BenchmarkHandlerPutItemIndexed(b *testing.B) {
	e := newHandlerEnv(b)
	e.must(b, "CreateTable", indexedTable)
	bodies := make([]string, 1000)
	for i := range bodies {
		bodies[i] = fmt.Sprintf(`{"TableName":"events","Item":{"pk":{"S":"p%d"},"ts":{"N":"%d"},"kind":{"S":"k%d"},"v":{"S":"value"}}}`, i, i, i%10)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, out := e.do("PutItem", bodies[i%len(bodies)]); code != 200 {
			b.Fatal(out)
		}
	}
}

// TestIndexesSurviveRestart reopens the store: index definitions (with
// their ids) and entries are durable like the items.
func TestIndexesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() (*handlerEnv, *store.DB) {
		db, err := store.Open(context.Background(), dir, Migrations())
		if err != nil {
			t.Fatal(err)
		}
		s := New(db, Options{})
		return &handlerEnv{s: s, h: s.Handler(protocol.Dispatcher{Authz: authz.New(nil, nil), Deny: AccessDenied})}, db
	}
	e, db := open()
	e.must(t, "CreateTable", indexedTable)
	e.must(t, "PutItem", `{"TableName":"events","Item":{"pk":{"S":"a"},"ts":{"N":"1"},"kind":{"S":"k"}}}`)
	db.Close()
	e, db = open()
	defer db.Close()
	out := e.must(t, "Query", `{"TableName":"events","IndexName":"by-kind","KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"k"}}}`)
	if !strings.Contains(out, `"Count":1`) {
		t.Fatalf("after restart: %s", out)
	}
	e.must(t, "PutItem", `{"TableName":"events","Item":{"pk":{"S":"a"},"ts":{"N":"1"},"kind":{"S":"j"}}}`)
	out = e.must(t, "Query", `{"TableName":"events","IndexName":"by-kind","KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"k"}}}`)
	if !strings.Contains(out, `"Count":0`) {
		t.Fatalf("entry kept after the item moved: %s", out)
	}
}

// TestGSIDescriptionShape holds the index descriptions to AWS's recorded
// shape: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json
// #test_gsi_with_billing_mode[PAY_PER_REQUEST] and [PROVISIONED]
// (create-table-with-gsi, describe-table): describe-table adds the index's
// WarmThroughput (on demand 12000/4000, provisioned its units).
func TestGSIDescriptionShape(t *testing.T) {
	e := newHandlerEnv(t)
	for _, mode := range []string{"PAY_PER_REQUEST", "PROVISIONED"} {
		name := "gsi-" + strings.ToLower(mode[:3])
		gsi := `{"IndexName":"TransactionRecordID","KeySchema":[{"AttributeName":"TRID","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}`
		req := `{"TableName":"` + name + `","BillingMode":"` + mode + `","KeySchema":[{"AttributeName":"TID","KeyType":"HASH"}],` +
			`"AttributeDefinitions":[{"AttributeName":"TID","AttributeType":"S"},{"AttributeName":"TRID","AttributeType":"S"}],`
		wantRCU := 0.0
		if mode == "PROVISIONED" {
			gsi += `,"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}`
			req += `"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},`
			wantRCU = 1
		}
		req += `"GlobalSecondaryIndexes":[` + gsi + `}]}`
		for _, step := range []struct{ op, body, member string }{
			{"CreateTable", req, "TableDescription"},
			{"DescribeTable", `{"TableName":"` + name + `"}`, "Table"},
		} {
			var out map[string]map[string]any
			if err := json.Unmarshal([]byte(e.must(t, step.op, step.body)), &out); err != nil {
				t.Fatal(err)
			}
			g := out[step.member]["GlobalSecondaryIndexes"].([]any)[0].(map[string]any)
			want := "IndexArn,IndexName,IndexSizeBytes,IndexStatus,ItemCount,KeySchema,Projection,ProvisionedThroughput"
			if step.op == "DescribeTable" {
				want += ",WarmThroughput"
				warm := map[string]any{"ReadUnitsPerSecond": 12000.0, "Status": "ACTIVE", "WriteUnitsPerSecond": 4000.0}
				if mode == "PROVISIONED" {
					warm = map[string]any{"ReadUnitsPerSecond": 1.0, "Status": "ACTIVE", "WriteUnitsPerSecond": 1.0}
				}
				if !reflect.DeepEqual(g["WarmThroughput"], warm) {
					t.Errorf("%s: index WarmThroughput %v, AWS %v", mode, g["WarmThroughput"], warm)
				}
			}
			if got := strings.Join(sortedNames(g), ","); got != want {
				t.Errorf("%s %s: members %s", mode, step.op, got)
			}
			pt := g["ProvisionedThroughput"].(map[string]any)
			if got := strings.Join(sortedNames(pt), ","); got != "NumberOfDecreasesToday,ReadCapacityUnits,WriteCapacityUnits" || pt["ReadCapacityUnits"] != wantRCU {
				t.Errorf("%s %s: throughput %v", mode, step.op, pt)
			}
			if g["IndexArn"] != "arn:aws:dynamodb:us-east-1:111111111111:table/"+name+"/index/TransactionRecordID" ||
				fmt.Sprint(g["Projection"]) != "map[ProjectionType:ALL]" {
				t.Errorf("%s %s: %v", mode, step.op, g)
			}
		}
	}
}
