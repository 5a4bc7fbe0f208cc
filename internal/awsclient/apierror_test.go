package awsclient

import (
	"net/http"
	"testing"
)

// TestDecodeErrorShapes covers what seki never answers but AWS may: the
// request id only in the body, a JSON type with its namespace or URL, the
// query protocol's code of a JSON service, a bodiless error.
func TestDecodeErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		name             string
		p                protocol
		status           int
		header           http.Header
		body             string
		code, msg, reqID string
	}{
		{"query", protoQuery, 403, nil,
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>q-1</RequestId></ErrorResponse>`,
			"InvalidClientTokenId", "The security token included in the request is invalid.", "q-1"},
		{"rest-xml", protoRESTXML, 301, http.Header{"X-Amz-Request-Id": {"h-1"}},
			`<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><RequestId>b-1</RequestId></Error>`,
			"PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.", "h-1"},
		{"json namespace", protoJSON, 400, http.Header{"X-Amzn-Requestid": {"j-1"}},
			`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`,
			"ResourceNotFoundException", "Requested resource not found", "j-1"},
		{"json query code", protoJSON, 400, http.Header{"X-Amzn-Query-Error": {"AWS.SimpleQueueService.NonExistentQueue;Sender"}},
			`{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`,
			"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", ""},
		{"rest-json header", protoRESTJSON, 404, http.Header{"X-Amzn-Errortype": {"ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awslambda/"}},
			`{"Type":"User","Message":"Function not found"}`, "ResourceNotFoundException", "Function not found", ""},
		{"no body", protoRESTXML, 404, nil, "", "NotFound", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := decodeError(tc.p, tc.status, tc.header, []byte(tc.body))
			if e.Code != tc.code || e.Message != tc.msg || e.RequestID != tc.reqID || e.StatusCode != tc.status {
				t.Errorf("got %q %q %q %d", e.Code, e.Message, e.RequestID, e.StatusCode)
			}
		})
	}
}
