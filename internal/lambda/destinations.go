package lambda

import (
	"encoding/json"
	"time"
)

// An asynchronous invocation's record, as Lambda sends it to the
// destination of its outcome (Lambda Developer Guide, "Capturing records
// of Lambda asynchronous invocations": the invocation record's fields).

type destinationRecord struct {
	Version         string              `json:"version"`
	Timestamp       string              `json:"timestamp"`
	RequestContext  destinationContext  `json:"requestContext"`
	RequestPayload  json.RawMessage     `json:"requestPayload"`
	ResponseContext *destinationOutcome `json:"responseContext,omitempty"`
	ResponsePayload json.RawMessage     `json:"responsePayload,omitempty"`
}

type destinationContext struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type destinationOutcome struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

// DestinationRecord returns where the record of an Event invocation that
// left the queue goes (spec's OnSuccess for "success", OnFailure for
// "failed", "expired" and "throttled"; "" for none) and the record itself.
// source: doc https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
func DestinationRecord(spec *FunctionSpec, requestID string, payload []byte, outcome string, attempts int, res *InvokeResult, now time.Time) (string, []byte) {
	dest, condition := spec.OnFailure, "RetriesExhausted"
	switch outcome {
	case "success":
		dest, condition = spec.OnSuccess, "Success"
	case "expired":
		condition = "EventAgeExceeded"
	case "throttled":
		// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_reserved_concurrency (msg)
		condition = "ZeroReservedConcurrency"
	}
	if dest == "" {
		return "", nil
	}
	rec := destinationRecord{
		Version:   "1.0",
		Timestamp: now.UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: destinationContext{RequestID: requestID, FunctionArn: spec.FunctionARN + ":" + spec.Version,
			Condition: condition, ApproximateInvokeCount: attempts},
		RequestPayload: payload,
	}
	if res != nil {
		rec.ResponseContext = &destinationOutcome{StatusCode: 200, ExecutedVersion: spec.Version, FunctionError: res.FunctionError}
		if json.Valid(res.Payload) {
			rec.ResponsePayload = res.Payload
		}
	}
	b, _ := json.Marshal(rec)
	return dest, b
}
