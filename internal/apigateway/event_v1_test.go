package apigateway

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

// The event decodes into aws-lambda-go's APIGatewayProxyRequest with the
// members AWS fills, and the null members of the recorded AWS events
// (test_lambda_aws_proxy_integration) are null.
func TestEvent1Shape(t *testing.T) {
	r := httptest.NewRequest("POST", "http://abc.execute-api.us-east-1.localhost:4566/prod/items/a%2Bb?x=1&x=2&y=a+b", strings.NewReader(""))
	r.Header.Set("User-Agent", "test/1")
	r.Header.Add("X-Multi", "one")
	r.Header.Add("X-Multi", "two")
	r.RemoteAddr = "10.1.2.3:5555"
	now := time.Date(2020, 3, 4, 19, 15, 17, 135e6, time.UTC)
	caller := &authz.Caller{AccessKeyID: "AKIAEXAMPLE", Principal: policy.Principal{
		Type: policy.User, ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333", UserID: "AIDAALICE"}}
	raw := AppendEvent1(nil, &Event1{
		Request: r, Body: []byte(`{"a":1}`), Resource: "/items/{id}", Path: "/items/a%2Bb", StagePath: "/prod/items/a%2Bb",
		AccountID: "123456789012", APIID: "abc", ResourceID: "res123", Stage: "prod", DeploymentID: "dep1",
		DomainName: "abc.execute-api.us-east-1.localhost", DomainPrefix: "abc",
		PathParameters: map[string]string{"id": "a%2Bb"}, RequestID: "req-1", TraceID: "Root=1-x", Now: now, Caller: caller,
	})
	if !json.Valid(raw) {
		t.Fatalf("invalid JSON: %s", raw)
	}
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Resource != "/items/{id}" || ev.Path != "/items/a%2Bb" || ev.HTTPMethod != "POST" || ev.Body != `{"a":1}` || ev.IsBase64Encoded {
		t.Errorf("top level: %+v", ev)
	}
	if ev.Headers["X-Multi"] != "two" || strings.Join(ev.MultiValueHeaders["X-Multi"], ",") != "one,two" {
		t.Errorf("headers %v / %v", ev.Headers, ev.MultiValueHeaders)
	}
	if ev.Headers["Host"] != "abc.execute-api.us-east-1.localhost:4566" || ev.Headers["X-Forwarded-For"] != "10.1.2.3" || ev.Headers["X-Forwarded-Port"] != "4566" {
		t.Errorf("added headers %v", ev.Headers)
	}
	if ev.QueryStringParameters["x"] != "2" || strings.Join(ev.MultiValueQueryStringParameters["x"], ",") != "1,2" || ev.QueryStringParameters["y"] != "a b" {
		t.Errorf("query %v / %v", ev.QueryStringParameters, ev.MultiValueQueryStringParameters)
	}
	rc := ev.RequestContext
	if rc.AccountID != "123456789012" || rc.APIID != "abc" || rc.ResourceID != "res123" || rc.ResourcePath != "/items/{id}" ||
		rc.Stage != "prod" || rc.Path != "/prod/items/a%2Bb" || rc.HTTPMethod != "POST" || rc.RequestID != "req-1" ||
		rc.ExtendedRequestID != "req-1" || rc.Protocol != "HTTP/1.1" || rc.RequestTime != "04/Mar/2020:19:15:17 +0000" ||
		rc.RequestTimeEpoch != now.UnixMilli() || rc.DomainPrefix != "abc" {
		t.Errorf("requestContext %+v", rc)
	}
	id := rc.Identity
	if id.SourceIP != "10.1.2.3" || id.UserAgent != "test/1" || id.AccessKey != "AKIAEXAMPLE" || id.AccountID != "111122223333" ||
		id.Caller != "AIDAALICE" || id.User != "AIDAALICE" || id.UserArn != "arn:aws:iam::111122223333:user/alice" {
		t.Errorf("identity %+v", id)
	}

	// Without a caller, body, query or path parameters those members are
	// null, as in AWS's events.
	r2 := httptest.NewRequest("GET", "http://h/", nil)
	var m map[string]any
	if err := json.Unmarshal(AppendEvent1(nil, &Event1{Request: r2, Resource: "/", Path: "/"}), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"body", "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables"} {
		if v, has := m[k]; !has || v != nil {
			t.Errorf("%s = %v (present %v), want null", k, v, has)
		}
	}
	ident := m["requestContext"].(map[string]any)["identity"].(map[string]any)
	for _, k := range []string{"accessKey", "accountId", "caller", "user", "userArn", "cognitoIdentityId", "principalOrgId"} {
		if v, has := ident[k]; !has || v != nil {
			t.Errorf("identity.%s = %v (present %v), want null", k, v, has)
		}
	}

	// Bytes that are not UTF-8 are base64-encoded.
	raw = AppendEvent1(nil, &Event1{Request: r2, Body: []byte{0xff, 0x00}, Resource: "/", Path: "/"})
	if err := json.Unmarshal(raw, &ev); err != nil || !ev.IsBase64Encoded || ev.Body != "/wA=" {
		t.Errorf("binary body: %v %+v", err, ev)
	}
}

// The response cases AWS answered in
// test_aws_proxy_response_payload_format_validation.
func TestResult1(t *testing.T) {
	for _, c := range []struct {
		name, payload string
		status        int // 0: unusable (502)
		header, value string
		body          string
	}{
		{"no body", `{"statusCode":200}`, 200, "Content-Type", "application/json", ""},
		{"headers scalar", `{"statusCode":200,"headers":{"test-header":"value","header-bool":true}}`, 200, "header-bool", "true", ""},
		{"headers null", `{"statusCode":200,"headers":null}`, 200, "", "", ""},
		{"unknown member", `{"statusCode":200,"wrongValue":"value"}`, 0, "", "", ""},
		{"b64 kept", `{"statusCode":200,"body":"dGVzdC1kYXRh","isBase64Encoded":true}`, 200, "", "", "dGVzdC1kYXRh"},
		{"multi", `{"statusCode":200,"multiValueHeaders":{"test-multi":["value1","value2"]}}`, 200, "test-multi", "value1,value2", ""},
		{"multi then single", `{"statusCode":200,"multiValueHeaders":{"tesT-Multi":["value-multi"]},"headers":{"test-multi":"value-solo"}}`, 200, "tesT-Multi", "value-multi,value-solo", ""},
		{"multi not a list", `{"statusCode":200,"multiValueHeaders":{"test-multi-invalid":"value1"}}`, 0, "", "", ""},
		{"status text", `{"statusCode":"test"}`, 0, "", "", ""},
		{"status string", `{"statusCode":"201"}`, 201, "", "", ""},
		{"just a string", `"justAString"`, 0, "", "", ""},
		{"null", `null`, 0, "", "", ""},
		{"only headers", `{"headers":{"test-header":"value"}}`, 200, "test-header", "value", ""},
		{"body", `{"statusCode":404,"body":"gone"}`, 404, "", "", "gone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			ok := WriteResult1(w, []byte(c.payload), false)
			if c.status == 0 {
				if ok {
					t.Fatalf("accepted %s", c.payload)
				}
				return
			}
			if !ok {
				t.Fatalf("refused %s", c.payload)
			}
			if w.Code != c.status || w.Body.String() != c.body {
				t.Errorf("got %d %q", w.Code, w.Body.String())
			}
			if c.header != "" {
				if got := strings.Join(w.Result().Header[c.header], ","); got != c.value {
					t.Errorf("%s = %q, want %q (%v)", c.header, got, c.value, w.Result().Header)
				}
			}
		})
	}
	// HTTP APIs decode base64 bodies.
	w := httptest.NewRecorder()
	if !WriteResult1(w, []byte(`{"statusCode":200,"body":"dGVzdC1kYXRh","isBase64Encoded":true}`), true) || w.Body.String() != "test-data" {
		t.Errorf("decoded body %q", w.Body.String())
	}
}

func FuzzResult1(f *testing.F) {
	f.Add([]byte(`{"statusCode":200,"headers":{"a":"b"},"multiValueHeaders":{"a":["c"]},"body":"x","isBase64Encoded":true}`))
	f.Add([]byte(`{"statusCode":"201"}`))
	f.Add([]byte(`"x"`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, dec := range []bool{false, true} {
			res, ok := ParseResult1(payload, dec)
			if !ok {
				continue
			}
			if res.Status < 200 || res.Status > 599 {
				t.Fatalf("status %d from %q", res.Status, payload)
			}
			for name, vals := range res.Header {
				if !validToken(name) {
					t.Fatalf("header name %q", name)
				}
				for _, v := range vals {
					if strings.ContainsAny(v, "\r\n\x00") {
						t.Fatalf("header value %q", v)
					}
				}
			}
			w := httptest.NewRecorder()
			res.Write(w)
			if w.Code != res.Status {
				t.Fatalf("wrote %d, want %d", w.Code, res.Status)
			}
		}
	})
}
