package server

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// The AWS texts the server itself writes. Code downloads (codewiring.go)
// answer as S3 answers a GET of a presigned URL.
var (
	errCodeNoSuchKey = awserr.Code{Name: "NoSuchKey", Status: http.StatusNotFound}
	errCodeMethod    = awserr.Code{Name: "MethodNotAllowed", Status: http.StatusMethodNotAllowed}
	// errNotServed is the answer to a correctly signed request for a
	// service seki does not implement: 501, so that nobody hunts for a
	// credentials problem.
	errNotServed = awserr.Code{Name: "NotImplemented", Status: http.StatusNotImplemented}
	errTooLarge  = awserr.Code{Name: "RequestEntityTooLarge", Status: http.StatusRequestEntityTooLarge}
	// errSessionTokenForIAM is AWS's answer when GetSessionToken
	// credentials without MFA call IAM: IAM refuses them outright.
	errSessionTokenForIAM = awserr.Code{Name: "InvalidClientTokenId", Status: http.StatusForbidden}
	// errBadDecisionsQuery answers a malformed /_seki/decisions query.
	errBadDecisionsQuery = awserr.Code{Name: "ValidationError", Status: http.StatusBadRequest}
)

const (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_range_key_not_exists
	msgCodeNoSuchKey = "The specified key does not exist."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_put_object_acl_on_delete_marker
	msgCodeMethod = "The specified method is not allowed against this resource."
)

const (
	// source: unconfirmed seki's own text: AWS serves every service, so it has no wording for one it does not
	msgNotServed = "seki does not serve the '%s' service; it serves %s."
	// source: unconfirmed seki's own text, as msgNotServed
	msgNotServedShortFmt = "seki does not serve %s"
	// source: unconfirmed the wording of Lambda's payload limit (internal/lambda), for seki's own body limit
	msgTooLargeFmt = "Request must be smaller than %d bytes."
	// source: unconfirmed IAM's answer to GetSessionToken credentials without MFA, as quoted in public issue reports (no period)
	msgSessionTokenForIAM = "The security token included in the request is invalid"
	// source: unconfirmed seki's own words for its /_seki/decisions query
	msgBadSince = "since must be an RFC 3339 time"
	// source: unconfirmed seki's own words for its /_seki/decisions query
	msgBadPrincipal = "principal must be a role or user ARN"
)
