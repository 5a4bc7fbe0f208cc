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
