package awsclient

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is an AWS error answer: callers inspect it with errors.As, as they
// would smithy.APIError with the SDK (ErrorCode and ErrorMessage are the
// same methods).
type Error struct {
	// Code is the error code ("NoSuchEntity", "ResourceNotFoundException").
	Code       string
	Message    string
	RequestID  string
	StatusCode int
	// Service and Operation say which call failed.
	Service, Operation string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: status %d, request id %s: %s: %s", e.Service, e.Operation, e.StatusCode, e.RequestID, e.Code, e.Message)
}

// ErrorCode is the AWS error code.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage is the AWS error message.
func (e *Error) ErrorMessage() string { return e.Message }

// ServiceRequestID is the request id AWS gave the failed call.
func (e *Error) ServiceRequestID() string { return e.RequestID }

// Code returns err's AWS error code, or "" when err is not an AWS error.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// retryable reports whether a failed call is worth trying again: the
// connection failed, or AWS is throttling or failing on its side.
func retryable(err error) bool {
	var t *transportError
	if errors.As(err, &t) {
		return true
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
		"SlowDown", "RequestThrottled", "PriorRequestNotComplete":
		return true
	}
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests
}

// requestID is the request id of an answer's headers: x-amzn-RequestId
// (most services), x-amz-request-id (S3).
func requestID(h http.Header) string {
	if id := h.Get("X-Amzn-Requestid"); id != "" {
		return id
	}
	return h.Get("X-Amz-Request-Id")
}

// decodeError reads an error answer in its protocol's shape. A body that
// is not the shape expected still yields an Error: its code is the HTTP
// status text, as the SDKs name a bodiless error (S3's HEAD).
func decodeError(p protocol, status int, h http.Header, body []byte) *Error {
	e := &Error{StatusCode: status, RequestID: requestID(h)}
	switch p {
	case protoQuery, protoRESTXML:
		// REST-XML answers <Error><Code>…</Code>…</Error>; the query
		// protocol wraps the same in <ErrorResponse>, beside RequestId.
		var x struct {
			Code, Message, RequestId string
			Wrapped                  struct{ Code, Message string } `xml:"Error"`
		}
		if xml.Unmarshal(body, &x) == nil {
			if x.Wrapped.Code != "" {
				x.Code, x.Message = x.Wrapped.Code, x.Wrapped.Message
			}
			e.Code, e.Message = x.Code, x.Message
			if e.RequestID == "" {
				e.RequestID = x.RequestId
			}
		}
	case protoJSON, protoRESTJSON:
		var x struct {
			Type     string `json:"__type"`
			Code     string `json:"code"`
			Message  string `json:"message"`
			Message2 string `json:"Message"`
		}
		_ = json.Unmarshal(body, &x)
		e.Message = x.Message
		if e.Message == "" {
			e.Message = x.Message2
		}
		e.Code = x.Type
		if e.Code == "" {
			e.Code = x.Code
		}
		if t := h.Get("X-Amzn-Errortype"); t != "" {
			e.Code = t
		}
		// A JSON service that also speaks the query protocol (SQS) names
		// the query protocol's code here, which is the one its SDKs show.
		if q := h.Get("X-Amzn-Query-Error"); q != "" {
			if code, _, ok := strings.Cut(q, ";"); ok && code != "" {
				e.Code = code
			}
		}
		e.Code = sanitizeCode(e.Code)
	}
	if e.Code == "" {
		e.Code = strings.ReplaceAll(http.StatusText(status), " ", "")
		if e.Code == "" {
			e.Code = fmt.Sprint(status)
		}
	}
	return e
}

// sanitizeCode reduces a JSON error type to its code:
// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" and
// "ResourceNotFoundException:http://internal.amazon.com/…" both become
// "ResourceNotFoundException".
func sanitizeCode(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
