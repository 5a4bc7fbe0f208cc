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
)

const (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_range_key_not_exists
	msgCodeNoSuchKey = "The specified key does not exist."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_put_object_acl_on_delete_marker
	msgCodeMethod = "The specified method is not allowed against this resource."
)
