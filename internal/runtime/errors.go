package runtime

import (
	"net/http"
	"strconv"

	"github.com/seki-dev/seki/internal/awserr"
)

// Errors Run returns to Lambda (which passes *awserr.Error values to the
// caller as they are). Function failures are not errors: they are results.
var (
	errThrottled     = awserr.Code{Name: "TooManyRequestsException", Status: http.StatusTooManyRequests, LowerMessage: true}
	errRoleAssume    = awserr.Code{Name: "AccessDeniedException", Status: http.StatusForbidden}
	errRuntime       = awserr.Code{Name: "InvalidRuntimeException", Status: http.StatusBadGateway, Receiver: true}
	errService       = awserr.Code{Name: "ServiceException", Status: http.StatusInternalServerError, Receiver: true}
	errInvalidZip    = awserr.Code{Name: "InvalidZipFileException", Status: http.StatusBadGateway, Receiver: true}
	errRequestTooBig = awserr.Code{Name: "RequestTooLargeException", Status: http.StatusRequestEntityTooLarge}
)

// AWS texts. Confirmed ones were seen verbatim in real AWS responses or AWS
// documentation; the others are marked and follow AWS's wording as closely
// as could be found.
const (
	// Confirmed (real 429 bodies): message "Rate Exceeded." with Reason.
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_lambda_concurrency_block
	msgRateExceeded    = "Rate Exceeded."
	reasonReserved     = "ReservedFunctionConcurrentInvocationLimitExceeded"
	reasonAccountLimit = "ConcurrentInvocationLimitExceeded"
	reasonFieldName    = "Reason"
	// The suffix of a one-character function's role session name
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/u@lambda_function).
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaBaseFeatures::test_assume_role[1]
	sessionSuffix = "@lambda_function"
	// source: unconfirmed the text CreateFunction answers (internal/lambda); the code and status at invoke time are not recorded
	msgRoleCannotAssume = "The role defined for the function cannot be assumed by Lambda."
	// source: unconfirmed seki's own words: AWS has no such case
	msgShuttingDown = "seki: the function runtime is shutting down"
	// source: unconfirmed seki's own words: AWS has no such case
	msgNoEndpoint = "seki: functions cannot run before seki listens"
	// source: unconfirmed Lambda's answer to a package it cannot unzip, as quoted in public reports
	msgBadZip = "Lambda was unable to unzip the deployment package."
	// source: unconfirmed observed in Invoke answers quoted in public reports (256 KiB for Event invocations)
	msgAsyncPayloadLimit = "Request must be smaller than %d bytes for the InvokeFunction operation"

	// seki's own: a runtime whose interpreter is missing. They name the
	// runtime and the --runtime flag, and say that no other version is
	// used in its place.
	// source: unconfirmed seki's own words: AWS has no such case
	msgUnsupportedRuntime = "seki: runtime %s is not supported; seki runs provided.al2023, provided.al2, python3.x and nodejsN.x functions"
	// source: unconfirmed seki's own words: AWS has no such case
	msgNoInterpreter = "seki: the %s runtime needs %s, which was not found (seki looked at --runtime, %s, and seki's cache); seki never runs a function on another version. Install it, or start seki with --runtime %s=/path/to/%s"
	// source: unconfirmed seki's own words: AWS runs container images, seki has no container runtime
	msgNoContainerRuntime = "seki: %s is a container-image function (PackageType Image, %s); seki has no container runtime and cannot run it. Its configuration, versions and aliases are served; to run the code, deploy it as a .zip package with a runtime"
	// source: unconfirmed seki's own words: AWS has no such case
	msgExplicitWrong = "seki: --runtime %s=%s is %s, not %s; seki never runs a function on another version"

	// seki's own: failures of seki itself, answered as Lambda's
	// ServiceException.
	// source: unconfirmed seki's own words: AWS has no such case
	msgNoSTS = "seki: no STS is wired into the function runtime"
	// source: unconfirmed seki's own words: AWS has no such case
	msgEnvStart = "seki: could not start an execution environment"
	// source: unconfirmed seki's own words: AWS has no such case
	msgCodeMissing = "seki: the function's deployment package is missing from the blob store"
	// source: unconfirmed seki's own words: AWS has no such case
	msgCodeUnpack = "seki: could not unpack the function's code"
	// source: unconfirmed seki's own words: AWS has no such case
	msgNoQueueStore = "seki: Event invocations need the runtime's store"

	// The Runtime API's own errors, answered to the function's runtime
	// client as {"errorMessage":…,"errorType":…}.
	// source: unconfirmed the Runtime API's error types as the Lambda runtime interface emulator names them
	apiInvalidURL = "InvalidURL"
	// source: unconfirmed seki's own words for an unknown Runtime API path
	apiNotFound = "Not found: "
	// source: unconfirmed the Runtime API's error types as the Lambda runtime interface emulator names them
	apiMethodNotAllowed = "MethodNotAllowed"
	// source: unconfirmed seki's own words for a Runtime API path called with another method
	apiMethodNotAllowedMsg = "Method not allowed"
	// source: unconfirmed the Runtime API's error types as the Lambda runtime interface emulator names them
	apiShuttingDown = "Runtime.ShuttingDown"
	// source: unconfirmed seki's own words: the environment stops while the runtime waits
	apiShuttingDownMsg = "The execution environment is shutting down"
	// source: unconfirmed the Runtime API's error types as the Lambda runtime interface emulator names them
	apiInvalidRequestID = "InvalidRequestID"
	// source: unconfirmed the Runtime API's answer to a result for an invocation it is not waiting for
	apiInvalidRequestIDMsg = "Invalid request ID"
	// source: unconfirmed the Runtime API's error types as the Lambda runtime interface emulator names them
	apiInvalidRequest = "InvalidRequest"
	// source: unconfirmed seki's own words for a result whose body cannot be read
	apiUnreadableResponse = "Could not read the response body"
	// source: unconfirmed seki's own words for an error whose body cannot be read
	apiUnreadableError = "Could not read the error body"
	// source: unconfirmed the Runtime API's error types as the Lambda runtime interface emulator names them
	apiTooLarge = "RequestEntityTooLarge"
	// source: unconfirmed the Runtime API's error types as the Lambda runtime interface emulator names them
	apiInvalidState = "InvalidStateTransition"
	// source: unconfirmed the Runtime API's answer to an init error after init ended
	apiInvalidStateMsg = "State transition from Ready to InitError failed for runtime."

	// maxResponse is the largest synchronous response: AWS reports the
	// limit as 6291556 bytes in Function.ResponseSizeTooLarge (confirmed).
	maxResponse = 6291556
	// maxAsyncPayload is the Event invocation payload limit (1 MB since
	// AWS raised it from 256 KB).
	maxAsyncPayload = 1 << 20
)

// Function error payloads, as the Invoke caller sees them (status 200,
// X-Amz-Function-Error: Unhandled). Shapes confirmed from real responses:
//
//	{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ID Error: Task timed out after 3.00 seconds"}
//	{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ID Error: Runtime exited with error: exit status 1"}
//	{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ID Error: Runtime exited without providing a reason"}
//	{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}
//
// Runtime.OutOfMemory and Runtime.InvalidEntrypoint follow the same shape
// (the error types are AWS's; the messages are unconfirmed).
const (
	typeTimeout      = "Sandbox.Timedout"
	typeExit         = "Runtime.ExitError"
	typeOOM          = "Runtime.OutOfMemory"
	typeEntrypoint   = "Runtime.InvalidEntrypoint"
	typeResponseSize = "Function.ResponseSizeTooLarge"
	typeUnhandled    = "Unhandled"
)

// platformError builds {"errorType":T,"errorMessage":"RequestId: ID Error: MSG"}.
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaErrors::test_lambda_runtime_exit
func platformError(typ, requestID, msg string) []byte {
	b := make([]byte, 0, 96+len(requestID)+len(msg))
	b = append(b, `{"errorType":`...)
	b = appendJSONString(b, typ)
	b = append(b, `,"errorMessage":`...)
	b = appendJSONString(b, "RequestId: "+requestID+" Error: "+msg)
	return append(b, '}')
}

// responseTooLarge is the payload of a response over maxResponse.
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaBaseFeatures::test_lambda_too_large_response
func responseTooLarge() []byte {
	return []byte(`{"errorMessage":"Response payload size exceeded maximum allowed payload size (` +
		strconv.Itoa(maxResponse) + ` bytes).","errorType":"` + typeResponseSize + `"}`)
}

// apiTooLargeMsg is the Runtime API's answer to a result over maxResponse.
// source: unconfirmed the Runtime API's words for an oversized result
func apiTooLargeMsg() string {
	return "Exceeded maximum allowed payload size (" + strconv.Itoa(maxResponse) + " bytes)."
}

// timeoutMessage is "Task timed out after 3.00 seconds".
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaBehavior::test_lambda_invoke_with_timeout
func timeoutMessage(seconds int) string {
	return "Task timed out after " + strconv.FormatFloat(float64(seconds), 'f', 2, 64) + " seconds"
}

// appendJSONString appends s as a JSON string. strconv.Quote is not JSON
// (it writes \x escapes), so this escapes by JSON's rules.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// throttled is the TooManyRequestsException for a concurrency limit.
func throttled(reason string) error {
	return errThrottled.New(msgRateExceeded).With(reasonFieldName, reason)
}
