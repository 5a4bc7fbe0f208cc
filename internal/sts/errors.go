package sts

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// STS's error codes, each declared once.
var (
	errValidation        = awserr.Code{Name: "ValidationError", Status: http.StatusBadRequest}
	errInvalidParameter  = awserr.Code{Name: "InvalidParameterValue", Status: http.StatusBadRequest}
	errMalformedPolicy   = awserr.Code{Name: "MalformedPolicyDocument", Status: http.StatusBadRequest}
	errPackedTooLarge    = awserr.Code{Name: "PackedPolicyTooLarge", Status: http.StatusBadRequest}
	errInvalidClientTok  = awserr.Code{Name: "InvalidClientTokenId", Status: http.StatusForbidden}
	errExpiredToken      = awserr.Code{Name: "ExpiredToken", Status: http.StatusForbidden}
	errMissingCredential = awserr.Code{Name: "MissingAuthenticationToken", Status: http.StatusForbidden}

	// Errors of web identity, with the texts of AWS's API reference where
	// it gives them.
	errInvalidIdentityToken = awserr.Code{Name: "InvalidIdentityToken", Status: http.StatusBadRequest}
	errExpiredWebToken      = awserr.Code{Name: "ExpiredTokenException", Status: http.StatusBadRequest}
	errIDPRejectedClaim     = awserr.Code{Name: "IDPRejectedClaim", Status: http.StatusForbidden}
)

// The query framework's validation texts and the role ARN's.
const (
	// source: snapshot tests/aws/services/sts/test_sts.snapshot.json#test_sts_invalid_parameters (malformed-arn, no-partition, no-service, not-enough-colons, no-resource)
	msgInvalidRoleFmt = "%s is invalid"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework's form, which STS shares)
	msgViolationFmt = "Value '%s' at '%s' failed to satisfy constraint: Member must %s"
	// source: unconfirmed the request framework's form for a missing member
	msgNullFmt = "Value null at '%s' failed to satisfy constraint: Member must not be null"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs
	msgOneViolation = "1 validation error detected: "
	// source: unconfirmed the request framework's form for several violations
	msgViolationsFmt = "%d validation errors detected: %s"
)
