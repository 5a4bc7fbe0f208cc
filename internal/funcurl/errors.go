package funcurl

import (
	"net/http"
	"strconv"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/lambda"
)

// What a function URL answers when it does not run the function. Sources:
// [doc] the Lambda Developer Guide; [obs] real AWS responses recorded in
// public test suites (LocalStack's AWS-validated Lambda URL tests,
// recorded in November 2025); [guess] not confirmed, the most plausible
// answer.
const (
	// bodyForbidden answers a denial [obs][issue 5].
	bodyForbidden = `{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}`
	// bodyNoURL answers a URL id that does not exist: 403, not 404, since
	// the host exists for every id [obs].
	bodyNoURL = `{"Message":null}`
	// bodyFunctionError answers a function error or a response Lambda
	// cannot use, with 502.
	// source: unconfirmed observed in function URL answers quoted in public reports (502 with this body)
	bodyFunctionError = "Internal Server Error"
	// msgTooLarge is Invoke's payload-limit message.
	// source: unconfirmed observed in Invoke answers quoted in public reports; that function URLs answer the same is a guess
	msgTooLarge = "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
	// source: unconfirmed the wording of AWS's front end for a credential scoped to another service, as recorded by dynalite for DynamoDB
	msgWrongServiceFmt = "Credential should be scoped to correct service: '%s'. "
	// source: unconfirmed the wording of AWS's front end for a credential scoped to another region, as recorded by dynalite for DynamoDB
	msgWrongRegion = "Credential should be scoped to a valid region. "
	// source: unconfirmed seki's own words for a body that could not be read (InvalidRequestContentException is Lambda's code for bad bodies)
	msgUnreadableBody = "Could not read the request body."
)

var (
	// errForbidden is an unsigned request to an AWS_IAM URL [guess: AWS
	// answers it like a denial].
	errForbidden = lambda.AccessDenied.New("Forbidden")
	// errSignature is a signature scoped to the wrong service or region
	// [guess: the wording of AWS's front end for other services].
	errSignature  = awserr.Code{Name: "InvalidSignatureException", Status: http.StatusForbidden}
	errTooLarge   = awserr.Code{Name: "RequestTooLargeException", Status: http.StatusRequestEntityTooLarge}
	errBadRequest = awserr.Code{Name: "InvalidRequestContentException", Status: http.StatusBadRequest}
)

// writeError answers err. Denials (and only they) get the Forbidden body;
// other AWS errors keep their status and code, with the message in the
// {"Message":...} shape function URLs use [guess for all but denials]:
// TooManyRequestsException becomes 429 "Rate Exceeded." as the Developer
// Guide's throttling section describes.
func writeError(w http.ResponseWriter, err error) {
	e := awserr.As(err)
	if e.Code == lambda.AccessDenied.Name || e.Code == "AccessDenied" {
		writeBody(w, http.StatusForbidden, lambda.AccessDenied.Name, bodyForbidden)
		return
	}
	b := make([]byte, 0, 32+len(e.Message))
	b = append(b, `{"Message":`...)
	b = jsonstr.Append(b, e.Message)
	b = append(b, '}')
	writeBody(w, e.Status, e.Code, string(b))
}

// writeBody writes a response Lambda makes itself (the function did not
// answer): JSON, with the error type in x-amzn-ErrorType when there is one.
func writeBody(w http.ResponseWriter, status int, errType, body string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if errType != "" {
		h.Set("x-amzn-ErrorType", errType)
	}
	w.WriteHeader(status)
	w.Write([]byte(body))
}
