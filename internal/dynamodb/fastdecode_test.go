package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FuzzFieldsMatchJSON checks the hand-written PutItem decoder against the
// general one: a body it accepts must be one that encoding/json (decode)
// accepts too, decoded to the same input. A body it refuses goes to decode,
// so errors are decode's by construction.
func FuzzFieldsMatchJSON(f *testing.F) {
	for _, s := range []string{
		`{"TableName":"metadata","Item":` + fmt.Sprintf(benchItemJSON, 1, 1) + `}`,
		`{"TableName":"t","Item":{"a":{"S":"x"}},"ConditionExpression":"attribute_not_exists(#k)","ExpressionAttributeNames":{"#k":"a"},` +
			`"ExpressionAttributeValues":{":v":{"N":"1"}},"ReturnValues":"ALL_OLD","ReturnConsumedCapacity":"TOTAL","ReturnItemCollectionMetrics":"SIZE",` +
			`"ReturnValuesOnConditionCheckFailure":"ALL_OLD","ConditionalOperator":"AND"}`,
		` { "TableName" : "t\u00e9\n\ud800x" , "Item" : { "a" : { "S" : "\ud834\udd1e" , "N" : null } } } `,
		`{"TableName":"t","TableName":"u"}`, `{"TableName":null}`, `{"tablename":"t"}`, `{"TableName":"t","Expected":{}}`,
		`{"Item":{"a":{"X":1e5,"S":"x"}}}`, `{"Item":{"a":{"X":01,"S":"x"}}}`, `{"TableName":"t"} x`, `{"TableName":"t",}`,
		`{"Item":{"a":{"B":"AA=="},"b":{"BS":["AQ=="]},"c":{"L":[{"NULL":true},{"M":{"k":{"BOOL":false}}}]}}}`,
		`{"ExpressionAttributeNames":{"#a":"x","#a":"y"}}`, `{"TableName":"\xff\xfe"}`, `{"Item":null}`, ``, `[]`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast putItemInput
		if !fastPutItem(body, &fast) {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
		var general putItemInput
		if err := decode(body, &general); err != nil {
			t.Fatalf("accepted %q, which decode refuses: %v", body, err)
		}
		if !reflect.DeepEqual(fast, general) {
			t.Fatalf("%q decoded differently:\nfast    %#v\ngeneral %#v", body, fast, general)
		}
	})
}

// TestPutItemFastPath pins which bodies take the hand-written decoder, so
// that a change that sends the SDKs' PutItem back to encoding/json fails
// here rather than only in a benchmark.
func TestPutItemFastPath(t *testing.T) {
	for body, want := range map[string]bool{
		`{"TableName":"metadata","Item":` + fmt.Sprintf(benchItemJSON, 1, 1) + `}`:                                              true,
		`{"Item":{"a":{"S":"x"}},"TableName":"t","ConditionExpression":"a <> :v","ExpressionAttributeValues":{":v":{"S":"y"}}}`: true,
		`{"TableName":"t","Item":{"a":{"S":"x"}},"ExpressionAttributeNames":{"#a":"a"},"ReturnValues":"ALL_OLD"}`:               true,
		`{"TableName":"t","Item":{"a":{"S":"x"}},"Expected":{"a":{"Exists":false}}}`:                                            false,
		`{"TableName":"t","Item":{"a":{"S":"x"}},"Other":1}`:                                                                    false,
		`{"TableName":"t","TableName":"t","Item":{"a":{"S":"x"}}}`:                                                              false,
		`{"TableName":null,"Item":{"a":{"S":"x"}}}`:                                                                             false,
		`{"TableName":5,"Item":{"a":{"S":"x"}}}`:                                                                                false,
		`{"TableName":"t","Item":{"a":{"S":"x"}}}}`:                                                                             false,
		``: false,
	} {
		var in putItemInput
		if got := fastPutItem([]byte(body), &in); got != want {
			t.Errorf("fastPutItem(%s) = %v, want %v", body, got, want)
		}
	}
	// A refused body still gets decode's error.
	var in putItemInput
	err := decodePutItem([]byte(`{"TableName":5}`), &in)
	if err == nil || err.Error() != "SerializationException: Unexpected value type in payload for field TableName" {
		t.Fatalf("decodePutItem: %v", err)
	}
}

// TestSDKPutItemTakesFastPath captures the bodies aws-sdk-go-v2 sends for
// PutItem, plain and conditional, and checks that the hand-written decoder
// reads them (and reads them as encoding/json does).
func TestSDKPutItemTakesFastPath(t *testing.T) {
	bodies := make(chan []byte, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- b
		w.Header().Set("Content-Type", ContentType)
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	c := ddb.New(ddb.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLE", "secret", "")})
	item := map[string]types.AttributeValue{
		"key":  &types.AttributeValueMemberS{Value: "uploads/image-000001.jpg \"quoted\" é"},
		"size": &types.AttributeValueMemberN{Value: "1001"},
		"tags": &types.AttributeValueMemberSS{Value: []string{"photo", "upload"}},
		"m":    &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"b": &types.AttributeValueMemberB{Value: []byte{0, 1}}}},
	}
	for _, in := range []*ddb.PutItemInput{
		{TableName: aws.String("metadata"), Item: item},
		{TableName: aws.String("metadata"), Item: item, ConditionExpression: aws.String("attribute_not_exists(#k) OR #s < :s"),
			ExpressionAttributeNames:  map[string]string{"#k": "key", "#s": "size"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberN{Value: "5"}},
			ReturnValues:              types.ReturnValueAllOld, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal},
	} {
		if _, err := c.PutItem(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		body := <-bodies
		var fast, general putItemInput
		if !fastPutItem(body, &fast) {
			t.Fatalf("the SDK's body goes to encoding/json: %s", body)
		}
		if err := decode(body, &general); err != nil || !reflect.DeepEqual(fast, general) {
			t.Fatalf("%s: decoded differently (%v)", body, err)
		}
	}
}

// BenchmarkDecodePutItem compares the two decoders on the benchmarks' item.
func BenchmarkDecodePutItem(b *testing.B) {
	body := []byte(`{"TableName":"metadata","Item":` + fmt.Sprintf(benchItemJSON, 1, 1) + `}`)
	b.Run("fields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in putItemInput
			if !fastPutItem(body, &in) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in putItemInput
			if err := decode(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
