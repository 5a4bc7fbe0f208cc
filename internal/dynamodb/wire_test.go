package dynamodb_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/seki-dev/seki/internal/server"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// call sends one signed JSON 1.0 request and returns status, headers and
// body, so that the wire shapes can be checked byte for byte.
func call(t *testing.T, env *servertest.Env, key server.RootKey, op, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.URL+"/", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.Secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if crc := resp.Header.Get("X-Amz-Crc32"); crc != strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10) {
		t.Errorf("%s: X-Amz-Crc32 %q does not match the body", op, crc)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
		t.Errorf("%s: Content-Type %q", op, ct)
	}
	return resp.StatusCode, resp.Header, b
}

func TestWireShapes(t *testing.T) {
	env := servertest.Start(t)
	a := servertest.AccountA
	cases := []struct {
		op, body string
		status   int
		want     string
	}{
		{"CreateTable", `{"TableName":"wire","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`, 200, ""},
		{"PutItem", `{"TableName":"wire","Item":{"id":{"S":"a"},"n":{"N":"01.50"}}}`, 200, `{}`},
		{"GetItem", `{"TableName":"wire","Key":{"id":{"S":"a"}}}`, 200, `{"Item":{"id":{"S":"a"},"n":{"N":"1.5"}}}`},
		{"GetItem", `{"TableName":"wire","Key":{"id":{"S":"zz"}}}`, 200, `{}`},
		// Writes that answer nothing are {} (written without encoding/json);
		// one asked for capacity or values still gets them.
		{"UpdateItem", `{"TableName":"wire","Key":{"id":{"S":"u"}},"UpdateExpression":"SET m = :v","ExpressionAttributeValues":{":v":{"S":"x"}},"ReturnValues":"UPDATED_OLD"}`, 200, `{}`},
		{"PutItem", `{"TableName":"wire","Item":{"id":{"S":"u"}},"ReturnConsumedCapacity":"TOTAL"}`, 200, `{"ConsumedCapacity":{"TableName":"wire","CapacityUnits":1}}`},
		{"DeleteItem", `{"TableName":"wire","Key":{"id":{"S":"u"}}}`, 200, `{}`},
		{"DeleteItem", `{"TableName":"wire","Key":{"id":{"S":"zz"}},"ReturnValues":"ALL_OLD"}`, 200, `{}`},
		{"GetItem", `{"TableName":"wire","Key":{"id":{"N":"1"}}}`, 400,
			`{"__type":"com.amazon.coral.validate#ValidationException","message":"The provided key element does not match the schema"}`},
		{"GetItem", `{"TableName":"nope","Key":{"id":{"S":"a"}}}`, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`},
		{"PutItem", `{"TableName":"wire","Item":{"id":{"S":"a"}},"ConditionExpression":"attribute_not_exists(id)"}`, 400,
			`{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}`},
		{"PutItem", `{"TableName":"wire","Item":{"id":{}}}`, 400,
			`{"__type":"com.amazon.coral.validate#ValidationException","message":"1 validation error detected: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"}`},
		{"PutItem", `{"TableName":"wire","Item":{"id":{"S":1}}}`, 400, ""},
		{"PutItem", `{not json`, 400, ""},
		{"Frobnicate", `{}`, 400, `{"__type":"com.amazon.coral.service#UnknownOperationException"}`},
	}
	for _, c := range cases {
		status, _, body := call(t, env, a, c.op, c.body)
		if status != c.status {
			t.Errorf("%s %s: status %d, body %s", c.op, c.body, status, body)
			continue
		}
		if c.want != "" && string(body) != c.want {
			t.Errorf("%s %s:\n got  %s\n want %s", c.op, c.body, body, c.want)
		}
		if c.want == "" && status == 400 {
			var e map[string]string
			json.Unmarshal(body, &e)
			if e["__type"] != "com.amazon.coral.service#SerializationException" {
				t.Errorf("%s %s: %s", c.op, c.body, body)
			}
		}
	}
	// AccessDeniedException spells its message member "Message".
	status, _, body := call(t, env, servertest.AccountB, "GetItem", `{"TableName":"arn:aws:dynamodb:us-east-1:111111111111:table/wire","Key":{"id":{"S":"a"}}}`)
	var e map[string]string
	if err := json.Unmarshal(body, &e); err != nil || status != 400 || e["__type"] != "com.amazon.coral.service#AccessDeniedException" || e["Message"] == "" {
		t.Errorf("access denied: %d %s", status, body)
	}
	// DescribeTable reports CreationDateTime as epoch seconds.
	_, _, body = call(t, env, a, "DescribeTable", `{"TableName":"wire"}`)
	var d struct {
		Table map[string]json.RawMessage
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if f, err := strconv.ParseFloat(string(d.Table["CreationDateTime"]), 64); err != nil || f < 1e9 {
		t.Errorf("CreationDateTime %s", d.Table["CreationDateTime"])
	}
}
