package dynamodb

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
)

// AccessDenied is DynamoDB's denial: AccessDeniedException with status 400.
// The server passes it as the Dispatcher's Deny code.
var AccessDenied = awserr.Code{Name: "AccessDeniedException", Status: http.StatusBadRequest}

// Error codes DynamoDB answers with, each declared once. DynamoDB's client
// errors are all status 400.
var (
	errValidation      = awserr.Code{Name: "ValidationException", Status: http.StatusBadRequest}
	errNotFound        = awserr.Code{Name: "ResourceNotFoundException", Status: http.StatusBadRequest}
	errInUse           = awserr.Code{Name: "ResourceInUseException", Status: http.StatusBadRequest}
	errConditionFailed = awserr.Code{Name: "ConditionalCheckFailedException", Status: http.StatusBadRequest}
	errSerialization   = protocol.ErrSerialization
	// errNotImplemented answers what seki does not run (PartiQL), with
	// the status of the front door's answer for a service it does not serve.
	errNotImplemented = awserr.Code{Name: "NotImplemented", Status: http.StatusNotImplemented}
)

// The request framework's validation texts, and CreateTable's for a taken name.
const (
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_dynamodb_execute_statement_empy_parameter
	msgViolationFmt = "%s at '%s' failed to satisfy constraint: %s"
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_dynamodb_execute_statement_empy_parameter
	msgValueFmt = "Value '%s'"
	// source: unconfirmed the request framework's form for a missing member
	msgValueNull = "Value null"
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_dynamodb_execute_statement_empy_parameter
	msgViolationsFmt = "%d validation error%s detected: "
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_create_duplicate_table
	msgTableExists = "Table already exists: "
)

// TransactWriteItems' and TransactGetItems' texts.
var (
	errTxCanceled         = awserr.Code{Name: "TransactionCanceledException", Status: http.StatusBadRequest}
	errIdempotentMismatch = awserr.Code{Name: "IdempotentParameterMismatchException", Status: http.StatusBadRequest}
)

const (
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_transaction_write_canceled
	msgTxCanceled = "Transaction cancelled, please refer cancellation reasons for specific reasons"
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_transaction_write_canceled
	txReasonNone = "None"
	// source: unconfirmed AWS's text as widely quoted from real TransactWriteItems answers; the API reference says only that one item may not be targeted twice, and no validated recording has it
	msgTxSameItem = "Transaction request cannot include multiple operations on one item"
	// source: unconfirmed the botocore model says a TransactWriteItem holds exactly one of its four actions; AWS's wording for a violation is not recorded
	msgTxOneAction = "TransactItems can only contain one of Check, Put, Update or Delete"
	// source: unconfirmed the botocore model makes ConditionCheck's ConditionExpression required; the request framework's wording is not recorded
	msgTxCheckNoCondition = "1 validation error detected: Value null at 'conditionExpression' failed to satisfy constraint: Member must not be null"
	// source: unconfirmed the API reference names IdempotentParameterMismatchException for a token reused with other parameters within ten minutes; AWS's message is not recorded
	msgTxTokenMismatch = "Specified ClientRequestToken was used before with different parameters"
	// source: unconfirmed the botocore model's TransactItems bound (1–100); AWS prints the whole list as the value, which is not recorded
	msgTxTooMany = "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
)

// DynamoDB Streams' own codes (streamsapi.go), from the botocore
// dynamodbstreams model's error shapes.
var (
	errExpiredIterator = awserr.Code{Name: "ExpiredIteratorException", Status: http.StatusBadRequest}
	errTrimmed         = awserr.Code{Name: "TrimmedDataAccessException", Status: http.StatusBadRequest}
)
