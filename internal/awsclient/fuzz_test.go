package awsclient

import (
	"net/http"
	"testing"
)

// FuzzDecodeError feeds error answers of every protocol to decodeError: it
// must not panic, and always yields a code, so that callers can always
// tell one error from another.
func FuzzDecodeError(f *testing.F) {
	f.Add(uint8(protoQuery), 404, []byte(`<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Policy arn:aws:iam::1:policy/x was not found.</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`), "", "")
	f.Add(uint8(protoJSON), 400, []byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`), "", "")
	f.Add(uint8(protoJSON), 400, []byte(`{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`), "", "AWS.SimpleQueueService.NonExistentQueue;Sender")
	f.Add(uint8(protoRESTJSON), 404, []byte(`{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:1:function:f"}`), "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awslambda/", "")
	f.Add(uint8(protoRESTXML), 404, []byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName><RequestId>R</RequestId></Error>`), "", "")
	f.Add(uint8(protoRESTXML), 403, []byte(nil), "", "")
	f.Add(uint8(protoJSON), 599, []byte(`not json`), ":", ";")
	f.Fuzz(func(t *testing.T, p uint8, status int, body []byte, errType, queryErr string) {
		h := http.Header{}
		if errType != "" {
			h.Set("X-Amzn-Errortype", errType)
		}
		if queryErr != "" {
			h.Set("X-Amzn-Query-Error", queryErr)
		}
		e := decodeError(protocol(p%4), status, h, body)
		if e.Code == "" {
			t.Fatalf("no code for %d %q", status, body)
		}
		if e.StatusCode != status {
			t.Fatalf("status %d, want %d", e.StatusCode, status)
		}
		_ = e.Error()
	})
}

// FuzzDecodeAnswers feeds any body to the decoders of every answer the
// client reads: a malformed answer is an error, never a panic.
func FuzzDecodeAnswers(f *testing.F) {
	f.Add([]byte(`<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><IsTruncated>true</IsTruncated><Marker>m</Marker><RoleDetailList><member><RoleName>r</RoleName><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><RolePolicyList><member><PolicyName>p</PolicyName><PolicyDocument>%7B%7D</PolicyDocument></member></RolePolicyList><PermissionsBoundary><PermissionsBoundaryArn>a</PermissionsBoundaryArn></PermissionsBoundary></member></RoleDetailList><Policies><member><PolicyVersionList><member><IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member></Policies></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`))
	f.Add([]byte(`<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CloudFunctionConfiguration><Id>i</Id><CloudFunction>arn</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>`))
	f.Add([]byte(`<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>`))
	f.Add([]byte(`{"Functions":[{"FunctionName":"f","Runtime":"python3.12"}],"NextMarker":"m"}`))
	f.Add([]byte(`{"Item":{"key":{"S":"k"},"size":{"N":"1"},"l":{"L":[{"NULL":true}]}}}`))
	f.Add([]byte(`{"events":[{"logStreamName":"s","timestamp":1,"message":"START RequestId: x"}],"nextForwardToken":"f/1"}`))
	f.Add([]byte(`{"Configuration":{"State":"Failed","StateReason":"r"}}`))
	f.Add([]byte(`<`))
	f.Fuzz(func(t *testing.T, body []byte) {
		xmlOuts := []any{&AuthDetails{}, &Notification{}, &Identity{}, &Policy{}, &struct {
			Names []string `xml:"Buckets>Bucket>Name"`
		}{}, &struct {
			V PolicyVersion `xml:"GetPolicyVersionResult>PolicyVersion"`
		}{}}
		for _, out := range xmlOuts {
			_ = decodeXML("s", "op", body, out)
		}
		jsonOuts := []any{&struct {
			Functions  []Function
			NextMarker string
		}{}, &struct{ Item Item }{}, &LogPage{}, &struct{ Configuration Function }{}, &struct {
			TableNames             []string
			LastEvaluatedTableName string
		}{}}
		for _, out := range jsonOuts {
			_ = decodeJSON("s", "op", body, out)
		}
	})
}
