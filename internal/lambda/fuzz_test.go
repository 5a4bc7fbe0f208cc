package lambda

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

func FuzzParseFunctionName(f *testing.F) {
	for _, s := range []string{
		"f", "f:1", "f:$LATEST", "f:prod", "my-function_2",
		"123456789012:function:f", "123456789012:function:f:live",
		"us-east-1:123456789012:function:f",
		"arn:aws:lambda:us-east-1:123456789012:function:f",
		"arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
		"arn:aws-cn:lambda:cn-north-1:123456789012:function:f:1",
		"arn:aws:lambda:us-gov-west-1:123456789012:function:f",
		"arn:aws:lambda:us-east-1:123456789012:function:f:1:2",
		"arn:aws:lambda:us-east-1:12345678901:function:f", "f::", ":f", "", "a.b:$LATEST.PUBLISHED",
		"function:f", "123456789012:f", "arn:aws:s3:::bucket",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, namespaced bool) {
		ref, err := ParseFunctionName(s, "111111111111", "us-east-1", "functionName", namespaced)
		if err != nil {
			return
		}
		if ref.Name == "" || ref.Account == "" || ref.Region != "us-east-1" {
			t.Fatalf("%q parsed to incomplete %+v", s, ref)
		}
		// The ARN Lambda builds parses back to the same function (when it
		// fits the parameter: a 140-character name does not as an ARN).
		max := 140
		if namespaced {
			max = 256
		}
		if len(ref.QualifiedARN(ref.Qualifier)) > max {
			return
		}
		again, err := ParseFunctionName(ref.QualifiedARN(ref.Qualifier), "999999999999", "us-east-1", "functionName", namespaced)
		if err != nil {
			t.Fatalf("%q → %s does not reparse: %v", s, ref.QualifiedARN(ref.Qualifier), err)
		}
		if again != ref {
			t.Fatalf("%q: %+v reparsed as %+v", s, ref, again)
		}
	})
}

func FuzzBuildStatement(f *testing.F) {
	f.Add("sid", "lambda:InvokeFunction", "s3.amazonaws.com", "arn:aws:s3:::b", "111111111111", "", "", "", byte(0))
	f.Add("a-b_c", "lambda:*", "222222222222", "", "", "o-abcdefghij", "NONE", "tok.en", byte(1))
	f.Add("x", "*", "*", "arn:aws:sns:us-east-1:123456789012:t", "", "", "AWS_IAM", "", byte(2))
	f.Add("u", "lambda:GetFunction", "arn:aws:iam::123456789012:user/bob", "", "", "", "", "", byte(0))
	f.Add("r", "lambda:InvokeFunction", "arn:aws:sts::123456789012:assumed-role/R/s", "", "", "", "", "", byte(0))
	f.Add("q", "lambda:InvokeFunction", "invalid.nonaws.com", "", "", "", "", "", byte(0))
	f.Add("\"", "lambda:InvokeFunction", "\u2028.amazonaws.com", "arn:aws:s3:::\"}", "", "", "", "", byte(1))
	f.Fuzz(func(t *testing.T, sid, action, principal, sourceArn, sourceAccount, org, urlAuth, token string, via byte) {
		in := &PermissionInput{StatementId: sid, Action: action, Principal: principal, SourceArn: sourceArn,
			SourceAccount: sourceAccount, PrincipalOrgID: org, FunctionUrlAuthType: urlAuth, EventSourceToken: token}
		if via > 0 {
			v := via == 1
			in.InvokedViaFunctionUrl = &v
		}
		if in.validate() != nil {
			return
		}
		stmt, err := BuildStatement(in, "arn:aws:lambda:us-east-1:111111111111:function:f")
		if err != nil {
			return
		}
		if !json.Valid(stmt) {
			t.Fatalf("invalid JSON statement %s", stmt)
		}
		var back struct {
			Sid    string
			Effect string
			Action string
		}
		if err := json.Unmarshal(stmt, &back); err != nil || back.Sid != sid || back.Effect != "Allow" || back.Action != action {
			t.Fatalf("statement %s does not carry its inputs: %+v %v", stmt, back, err)
		}
		doc, err := addStatement("", sid, stmt)
		if err != nil {
			t.Fatalf("engine refused a validated statement %s: %v", stmt, err)
		}
		if _, err := policy.Parse([]byte(doc), policy.Resource); err != nil {
			t.Fatalf("policy %s: %v", doc, err)
		}
	})
}

// FuzzDecodeWithZip: the fast path for a package's base64 string answers
// exactly what encoding/json answers, for any body.
func FuzzDecodeWithZip(f *testing.F) {
	defer func(n int) { zipFastMin = n }(zipFastMin)
	zipFastMin = 0
	for _, s := range []string{
		`{"FunctionName":"f","Code":{"ZipFile":"UEsDBA=="},"Runtime":"python3.12"}`,
		`{"Code":{"S3Bucket":"b","ZipFile":"UEsDBA==","x":[1,{"ZipFile":"no"}]},"Tags":{"a":"}"}}`,
		`{"Code":{"ZipFile":"UEsDBA=="},"Code":{"ZipFile":"AAAA"}}`,
		`{"Code":{"ZipFile":"UEsDBA=="},"code":{"ZipFile":"AAAA"}}`,
		`{"Code":{"ZipFile":"UEsDBA==","zipfile":"AAAA"}}`,
		`{"Code":{"ZipFile":"UEs\/BA=="}}`,
		`{"Code":{"ZipFile":"UEsD\nBA=="}}`,
		`{"Code":{"ZipFile":"!!!!"}}`,
		`{"Code":{"ZipFile":""}} trailing`,
		`{"Code":{"ZipFile":null}}`,
		`{"Co\u0064e":{"ZipFile":"AAAA"},"Code":{"ZipFile":"UEsDBA=="}}`,
		`[{"Code":{"ZipFile":"AAAA"}}]`,
		`{"Timeout":3e1,"Code":{"ZipFile":"AAAA"},"Publish":true}`,
		// Raw line breaks the base64 decoder would skip (four of them, so
		// that the rest still decodes): encoding/json refuses the string.
		"{\"Code\":{\"ZipFile\":\"QUFB\n\r\n\rQUFB\"}}",
		"{\"Code\":{\"ZipFile\":\"QUFBQUE=\n\n\n\n\"}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast, std createFunctionInput
		zip, found, errFast := decodeWithZip(body, &fast, "Code", "ZipFile")
		if found {
			fast.Code.ZipFile = zip
		}
		errStd := protocol.DecodeJSON(body, &std)
		if (errFast == nil) != (errStd == nil) || errFast != nil && errFast.Error() != errStd.Error() {
			t.Fatalf("%q: fast %v, encoding/json %v", body, errFast, errStd)
		}
		if errFast == nil && !reflect.DeepEqual(fast, std) {
			t.Fatalf("%q: fast %+v, encoding/json %+v", body, fast, std)
		}
		var uf, us updateCodeInput
		zip, found, errFast = decodeWithZip(body, &uf, "ZipFile")
		if found {
			uf.ZipFile = zip
		}
		errStd = protocol.DecodeJSON(body, &us)
		if (errFast == nil) != (errStd == nil) || errFast == nil && !reflect.DeepEqual(uf, us) {
			t.Fatalf("%q (update): fast %+v %v, encoding/json %+v %v", body, uf, errFast, us, errStd)
		}
	})
}

// FuzzBadPayload: Invoke's answer to any payload that is not JSON is an
// InvalidRequestContentException naming a position inside the payload
// (or the general text), and JSON is never refused by the scan.
func FuzzBadPayload(f *testing.F) {
	for _, s := range []string{"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt", "\x99\xeb,j\x07\xa1zYh", "hello", " \n }", "nul", "null", "{", "\xc3\xa9", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		flt, ok := payloadFault(p)
		if ok && json.Valid(p) {
			t.Fatalf("%q is JSON but the scan finds %+v", p, flt)
		}
		if ok && (flt.line < 1 || flt.col < 1 || flt.col > len(p)+1) {
			t.Fatalf("%q: position %d:%d", p, flt.line, flt.col)
		}
		if err := badPayload(p); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestBadPayloadTexts(t *testing.T) {
	for p, want := range map[string]string{
		// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#…test_lambda_invoke_payload_encoding_error
		"n\x87r\x9e": "Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte 0x87\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 3]",
		"\x99\xeb,j": "Could not parse request body into json: Could not parse payload into json: Unexpected character ((CTRL-CHAR, code 153)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1]",
		"\n hello":   "Could not parse request body into json: Could not parse payload into json: Unrecognized token 'hello': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 2, column: 7]",
		"}":          "Could not parse request body into json: Could not parse payload into json: Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1]",
		"{":          msgBadPayload,
	} {
		err := badPayload([]byte(p))
		if got := err.Error(); !strings.Contains(got, want) {
			t.Errorf("%q: %s, want %s", p, got, want)
		}
	}
}

// FuzzParseImageURI: an ImageUri is the client's; it is taken apart or
// refused, never panics, and what comes out names one repository of one
// registry with a tag or a digest.
func FuzzParseImageURI(f *testing.F) {
	f.Add("111111111111.dkr.ecr.us-east-1.amazonaws.com/app:latest")
	f.Add("111111111111.dkr.ecr.us-east-1.amazonaws.com/team/app@sha256:" + strings.Repeat("a", 64))
	f.Add("111111111111.dkr.ecr.us-east-1.amazonaws.com/app:v1@sha256:" + strings.Repeat("0", 64))
	f.Add("111111111111.dkr.ecr.us-east-1.amazonaws.com/app")
	f.Add("docker.io/library/alpine:3")
	f.Fuzz(func(t *testing.T, uri string) {
		ref, ok := parseImageURI(uri)
		if !ok {
			return
		}
		if len(ref.account) != 12 || ref.repo == "" || (ref.tag == "" && ref.digest == "") ||
			strings.ContainsAny(ref.repo, ":@") || strings.ContainsAny(ref.tag, "@/:") {
			t.Fatalf("%q: %+v", uri, ref)
		}
	})
}

// FuzzKafkaMapping: any CreateEventSourceMapping body naming a
// SelfManagedEventSource is decoded and built into a Kafka mapping or
// refused with an AWS error, never panics, and a built mapping answers
// JSON that keeps its brokers, topics and consumer group.
func FuzzKafkaMapping(f *testing.F) {
	for _, s := range []string{
		`{"FunctionName":"f","Topics":["t"],"SelfManagedEventSource":{"Endpoints":{"KAFKA_BOOTSTRAP_SERVERS":["kafka:1000"]}},"SourceAccessConfigurations":[{"Type":"BASIC_AUTH","URI":"arn:aws:secretsmanager:us-east-1:111122223333:secret:s"}]}`,
		`{"FunctionName":"f","Topics":["t"],"SelfManagedEventSource":{"Endpoints":{"KAFKA_BOOTSTRAP_SERVERS":["a:1","b:2"]}},"SourceAccessConfigurations":[],"BatchSize":1,"StartingPosition":"LATEST","SelfManagedKafkaEventSourceConfig":{"ConsumerGroupId":"g"}}`,
		`{"FunctionName":"f","SelfManagedEventSource":{"Endpoints":{}}}`,
		`{"FunctionName":"f","SelfManagedEventSource":{"Endpoints":{"KAFKA_BOOTSTRAP_SERVERS":null}},"EventSourceArn":"x"}`,
		`{"FunctionName":"f","SelfManagedEventSource":null}`,
		`{"FunctionName":"f:1","SelfManagedEventSource":{"Endpoints":{"KAFKA_BOOTSTRAP_SERVERS":["k:1"]}},"SourceAccessConfigurations":[{}],"StartingPosition":"bad"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := &protocol.Request{Body: body, Region: "us-east-1", Path: map[string]string{}}
		in, err := decodeESM(false)(nil, r)
		if err != nil || in.SelfManagedEventSource == nil {
			return
		}
		m, err := newKafkaESM(in, time.Unix(0, 0))
		if err != nil {
			if awserr.As(err).Code == "" {
				t.Fatalf("%q: not an AWS error: %v", body, err)
			}
			return
		}
		out, err := json.Marshal(m.out())
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		var back kafkaOut
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q: %s: %v", body, out, err)
		}
		if !reflect.DeepEqual(back.SelfManagedEventSource.Endpoints[kafkaServers], m.Brokers) || len(back.Topics) != len(m.Topics) ||
			back.SelfManagedKafkaEventSourceConfig.ConsumerGroupId == "" || back.State != "Creating" && back.State != "Disabled" {
			t.Fatalf("%q: answered %s", body, out)
		}
	})
}
