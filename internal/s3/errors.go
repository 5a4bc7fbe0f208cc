package s3

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
)

// S3's error codes, each once, with the status AWS sends.
var (
	errAccessDenied                = authz.AccessDenied
	errNoSuchBucket                = awserr.Code{Name: "NoSuchBucket", Status: http.StatusNotFound}
	errNoSuchKey                   = awserr.Code{Name: "NoSuchKey", Status: http.StatusNotFound}
	errNoSuchUpload                = awserr.Code{Name: "NoSuchUpload", Status: http.StatusNotFound}
	errNoSuchBucketPolicy          = awserr.Code{Name: "NoSuchBucketPolicy", Status: http.StatusNotFound}
	errBucketAlreadyExists         = awserr.Code{Name: "BucketAlreadyExists", Status: http.StatusConflict}
	errBucketAlreadyOwnedByYou     = awserr.Code{Name: "BucketAlreadyOwnedByYou", Status: http.StatusConflict}
	errBucketNotEmpty              = awserr.Code{Name: "BucketNotEmpty", Status: http.StatusConflict}
	errInvalidBucketName           = awserr.Code{Name: "InvalidBucketName", Status: http.StatusBadRequest}
	errInvalidArgument             = awserr.Code{Name: "InvalidArgument", Status: http.StatusBadRequest}
	errInvalidRequest              = awserr.Code{Name: "InvalidRequest", Status: http.StatusBadRequest}
	errMalformedXML                = awserr.Code{Name: "MalformedXML", Status: http.StatusBadRequest}
	errMalformedPolicy             = awserr.Code{Name: "MalformedPolicy", Status: http.StatusBadRequest}
	errInvalidRange                = awserr.Code{Name: "InvalidRange", Status: http.StatusRequestedRangeNotSatisfiable}
	errPreconditionFailed          = awserr.Code{Name: "PreconditionFailed", Status: http.StatusPreconditionFailed}
	errNotModified                 = awserr.Code{Name: "NotModified", Status: http.StatusNotModified}
	errEntityTooSmall              = awserr.Code{Name: "EntityTooSmall", Status: http.StatusBadRequest}
	errEntityTooLarge              = awserr.Code{Name: "EntityTooLarge", Status: http.StatusBadRequest}
	errInvalidPart                 = awserr.Code{Name: "InvalidPart", Status: http.StatusBadRequest}
	errInvalidPartOrder            = awserr.Code{Name: "InvalidPartOrder", Status: http.StatusBadRequest}
	errBadDigest                   = awserr.Code{Name: "BadDigest", Status: http.StatusBadRequest}
	errInvalidDigest               = awserr.Code{Name: "InvalidDigest", Status: http.StatusBadRequest}
	errSHA256Mismatch              = awserr.Code{Name: "XAmzContentSHA256Mismatch", Status: http.StatusBadRequest}
	errIncompleteBody              = awserr.Code{Name: "IncompleteBody", Status: http.StatusBadRequest}
	errMissingContentLength        = awserr.Code{Name: "MissingContentLength", Status: http.StatusLengthRequired}
	errKeyTooLong                  = awserr.Code{Name: "KeyTooLongError", Status: http.StatusBadRequest}
	errMetadataTooLarge            = awserr.Code{Name: "MetadataTooLarge", Status: http.StatusBadRequest}
	errMethodNotAllowed            = awserr.Code{Name: "MethodNotAllowed", Status: http.StatusMethodNotAllowed}
	errNotImplemented              = awserr.Code{Name: "NotImplemented", Status: http.StatusNotImplemented}
	errInvalidLocation             = awserr.Code{Name: "InvalidLocationConstraint", Status: http.StatusBadRequest}
	errIllegalLocation             = awserr.Code{Name: "IllegalLocationConstraintException", Status: http.StatusBadRequest}
	errACLNotSupported             = awserr.Code{Name: "AccessControlListNotSupported", Status: http.StatusBadRequest}
	errBucketACLWithOwnership      = awserr.Code{Name: "InvalidBucketAclWithObjectOwnership", Status: http.StatusBadRequest}
	errOwnershipNotFound           = awserr.Code{Name: "OwnershipControlsNotFoundError", Status: http.StatusNotFound}
	errMalformedACL                = awserr.Code{Name: "MalformedACLError", Status: http.StatusBadRequest}
	errMissingSecurityHeader       = awserr.Code{Name: "MissingSecurityHeader", Status: http.StatusBadRequest}
	errUnresolvableEmail           = awserr.Code{Name: "UnresolvableGrantByEmailAddress", Status: http.StatusBadRequest}
	errIDMismatch                  = awserr.Code{Name: "IdMismatch", Status: http.StatusBadRequest}
	errInvalidS3Destination        = awserr.Code{Name: "InvalidS3DestinationBucket", Status: http.StatusBadRequest}
	errReplicationNotFound         = awserr.Code{Name: "ReplicationConfigurationNotFoundError", Status: http.StatusNotFound}
	errNoSuchCORS                  = awserr.Code{Name: "NoSuchCORSConfiguration", Status: http.StatusNotFound}
	errInvalidLoggingTarget        = awserr.Code{Name: "InvalidTargetBucketForLogging", Status: http.StatusBadRequest}
	errCrossLocationLogging        = awserr.Code{Name: "CrossLocationLoggingProhibitted", Status: http.StatusForbidden}
	errInvalidStorageClass         = awserr.Code{Name: "InvalidStorageClass", Status: http.StatusBadRequest}
	errUnexpectedContent           = awserr.Code{Name: "UnexpectedContent", Status: http.StatusBadRequest}
	errMaxMessageLengthExceeded    = awserr.Code{Name: "MaxMessageLengthExceeded", Status: http.StatusBadRequest}
	errNoSuchPublicAccessBlockCode = awserr.Code{Name: "NoSuchPublicAccessBlockConfiguration", Status: http.StatusNotFound}
	errInvalidPartNumber           = awserr.Code{Name: "InvalidPartNumber", Status: http.StatusRequestedRangeNotSatisfiable}
	errInternal                    = awserr.Code{Name: "InternalError", Status: http.StatusInternalServerError, Receiver: true}
	errNoSuchVersion               = awserr.Code{Name: "NoSuchVersion", Status: http.StatusNotFound}
	errInvalidBucketOwner          = awserr.Code{Name: "InvalidBucketOwnerAWSAccountID", Status: http.StatusBadRequest}
	errConditionalRequestConflict  = awserr.Code{Name: "ConditionalRequestConflict", Status: http.StatusConflict}
)

// Object Lock's codes and texts (objectlock.go).
var (
	errNoSuchObjectLockConfiguration = awserr.Code{Name: "NoSuchObjectLockConfiguration", Status: http.StatusNotFound}
	errObjectLockConfigNotFound      = awserr.Code{Name: "ObjectLockConfigurationNotFoundError", Status: http.StatusNotFound}
	errInvalidBucketState            = awserr.Code{Name: "InvalidBucketState", Status: http.StatusConflict}
)

const (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention
	msgObjectLocked = "Access Denied because object protected by object lock."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention_exc
	msgNoObjectLockConfiguration = "The specified object does not have a ObjectLock configuration"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention_exc
	msgBucketMissingLock = "Bucket is missing Object Lock Configuration"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention_exc
	msgRetainUntilPast = "The retain until date must be in the future!"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_lock_mode_validation
	msgLockHeadersPaired = "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_lock_mode_validation
	msgUnknownWormMode = "Unknown wormMode directive."
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_get_object_lock_configuration_exc
	msgObjectLockConfigNotFound = "Object Lock configuration does not exist for this bucket"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_put_object_lock_configuration_on_existing_bucket
	msgLockNeedsVersioning = "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_disable_versioning_on_locked_bucket
	msgLockedVersioning = "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."
	// source: unconfirmed S3's refusal of a legal hold header other than ON or OFF; no validated recording has it
	msgLegalHoldValue = "Legal Hold must be either of 'ON' or 'OFF'"
	// source: unconfirmed S3's refusal of a default retention of zero or fewer days or years; no validated recording has it
	msgRetentionPeriodPositive = "Default retention period must be a positive integer value."
	// source: unconfirmed S3's refusal of an x-amz-object-lock-retain-until-date that is not an ISO 8601 date; no validated recording has it
	msgRetainDateFormat = "The retain until date must be provided in ISO 8601 format"
)

// Archive storage classes (restore.go) and GetObjectAttributes
// (attributes.go).
var errInvalidObjectState = awserr.Code{Name: "InvalidObjectState", Status: http.StatusForbidden}

const (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3DeepArchive::test_s3_get_deep_archive_object_restore
	msgInvalidObjectState = "The operation is not valid for the object's storage class"
	// source: unconfirmed S3's refusal of an x-amz-object-attributes name outside ETag, Checksum, ObjectParts, StorageClass, ObjectSize; no validated recording has it
	msgInvalidAttributeName = "Invalid attribute name specified."
	// source: unconfirmed S3's refusal of GetObjectAttributes without x-amz-object-attributes; no validated recording has it
	msgAttributesRequired = "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty"
)

// Content-MD5 that is not a base64 MD5.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_invalid_content_md5
const msgInvalidContentMD5 = "The Content-MD5 you specified was invalid."

// Messages of versioning.
const (
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_delete_object_versioned
	msgNoSuchVersion = "The specified version does not exist."
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_delete_object_versioned
	msgInvalidVersionID = "Invalid version id specified"
	// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#test_list_objects_versions_markers
	msgVersionMarkerWithoutKey = "A version-id marker cannot be specified without a key marker."
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_bucket_versioning_crud
	msgVersioningElement = "The Versioning element must be specified"
)

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_delete_object_versioned
func noSuchVersion(key, version string) *awserr.Error {
	return errNoSuchVersion.New(msgNoSuchVersion).With("Key", key).With("VersionId", version)
}

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#test_delete_object_versioned
func invalidVersionID(arg, value string) *awserr.Error {
	return invalidArgument(msgInvalidVersionID, arg, value)
}

// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_get_object_no_such_bucket
func noSuchBucket(name string) *awserr.Error {
	return errNoSuchBucket.New("The specified bucket does not exist").With("BucketName", name)
}

// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_range_key_not_exists
func noSuchKey(key string) *awserr.Error {
	return errNoSuchKey.New("The specified key does not exist.").With("Key", key)
}

// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_multipart_no_such_upload
func noSuchUpload(id string) *awserr.Error {
	return errNoSuchUpload.New("The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").With("UploadId", id)
}

func invalidArgument(msg, name, value string) *awserr.Error {
	return errInvalidArgument.New(msg).With("ArgumentName", name).With("ArgumentValue", value)
}

// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_request_payer_exceptions
func malformedXML() *awserr.Error {
	return errMalformedXML.New("The XML you provided was not well-formed or did not validate against our published schema")
}

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectWritePrecondition::test_put_object_if_match_validation
func notImplemented(header string) *awserr.Error {
	return errNotImplemented.New("A header you provided implies functionality that is not implemented").With("Header", header)
}

// A conditional write with a value or a combination S3 does not take.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectWritePrecondition::test_put_object_if_match_and_if_none_match_validation
func writeConditionNotImplemented(header, more string) *awserr.Error {
	return notImplemented(header).With("additionalMessage", more)
}

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectWritePrecondition::test_put_object_if_match_validation
func msgConditionValueNotAccepted(header string) string {
	return "We don't accept the provided value of " + header + " header for this API"
}

// A conditional completion whose key changed since the upload began.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectWritePrecondition::test_multipart_if_none_match_with_delete
func conditionalConflict(condition, key string) *awserr.Error {
	return errConditionalRequestConflict.New("The conditional request cannot succeed due to a conflicting operation against this resource.").
		With("Condition", condition).With("Key", key)
}

// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_put_object_acl_on_delete_marker
func methodNotAllowed(method, resourceType string) *awserr.Error {
	return errMethodNotAllowed.New("The specified method is not allowed against this resource.").
		With("Method", method).With("ResourceType", resourceType)
}

// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_precondition_failed_error
func preconditionFailed(condition string) *awserr.Error {
	return errPreconditionFailed.New("At least one of the pre-conditions you specified did not hold").With("Condition", condition)
}

// WriteError writes err as S3 does: an XML <Error> document with the code,
// message, the error's extra members, the request id and host id; HEAD
// responses carry only the status. Denials are rewritten to S3's message
// form (see accessDeniedMessage).
func (h *Handler) WriteError(w http.ResponseWriter, r *protocol.Request, err error) {
	writeError(w, r, err)
}

// writeError writes err in S3's XML; a server fault is S3's InternalError.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketObjectTagging::test_create_bucket_with_tags_exc
func writeError(w http.ResponseWriter, r *protocol.Request, err error) {
	e := awserr.As(err)
	if e.Code == awserr.Internal.Name {
		// S3 names its server fault InternalError.
		c := *e
		c.Code, c.Message = errInternal.Name, "We encountered an internal error. Please try again."
		e = &c
	}
	if e.Code == errAccessDenied.Name {
		e = s3AccessDenied(e)
	}
	id, hostID := requestIDs(r)
	hdr := w.Header()
	var wh *withHeaders
	if errors.As(err, &wh) {
		for _, kv := range wh.headers {
			hdr.Set(kv[0], kv[1])
		}
	}
	hdr.Set("X-Amz-Request-Id", id)
	hdr.Set("X-Amz-Id-2", hostID)
	hdr.Set("Server", "AmazonS3")
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status == http.StatusNotModified || (r != nil && r.HTTP != nil && r.HTTP.Method == http.MethodHead) {
		w.WriteHeader(status)
		return
	}
	var b xmlBuilder
	b.header()
	b.open("Error")
	b.elem("Code", e.Code)
	b.elem("Message", e.Message)
	for _, f := range e.Fields {
		b.elem(f.Name, f.Value)
	}
	b.elem("RequestId", id)
	b.elem("HostId", hostID)
	b.close("Error")
	hdr.Set("Content-Type", "application/xml")
	hdr.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// requestIDs returns the request's S3 request id and host id, making them
// when the request never reached ServeAWS (signature errors).
func requestIDs(r *protocol.Request) (string, string) {
	if r == nil {
		id := newRequestID()
		return id, hostID(id)
	}
	if len(r.ID) != 16 {
		r.ID = newRequestID()
	}
	return r.ID, hostID(r.ID)
}

// s3AccessDenied rewrites a denial the way S3 reports it. Since 2024 S3
// explains denials of requests made within the bucket owner's account (or
// organization): "User: ARN is not authorized to perform: ACTION on
// resource: "RESOURCE" because no identity-based policy allows the ACTION
// action" — the resource in double quotes, unlike IAM's form. Requests from
// other accounts still get only "Access Denied".
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_get_bucket_policy ("Access Denied"; the explained form is unconfirmed, from AWS's announcement of explained S3 denials in 2024)
func s3AccessDenied(e *awserr.Error) *awserr.Error {
	var d *authz.Denied
	if !errors.As(e.Cause, &d) {
		if e.Message == "" {
			c := *e
			c.Message = "Access Denied"
			return &c
		}
		return e
	}
	c := *e
	c.Message = accessDeniedMessage(d)
	return &c
}

// accessDeniedMessage is S3's text for a denial: explained within the owner's account, "Access Denied" otherwise.
// source: unconfirmed AWS's announcement of explained S3 access denials (2024); "Access Denied" is recorded in test_s3.py::TestS3::test_get_bucket_policy
func accessDeniedMessage(d *authz.Denied) string {
	req := &d.Request
	if req.Principal == nil || req.Principal.Account == "" || req.Principal.Account != req.ResourceAccount {
		return "Access Denied"
	}
	msg := d.Decision.Message(req)
	// The engine writes "on resource: ARN"; S3 quotes the ARN. A KMS
	// denial (SSE-KMS) is KMS's text, which S3 passes on unquoted.
	plain := " on resource: " + req.Resource
	if i := strings.Index(msg, plain); i >= 0 && !strings.HasPrefix(req.Action, "kms:") {
		msg = msg[:i] + " on resource: \"" + req.Resource + "\"" + msg[i+len(plain):]
	}
	return msg
}

// Texts built around a value.
const (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_different_location_constraint
	msgIllegalLocationFmt = "The %s location constraint is incompatible for the region specific endpoint this request was sent to."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PutObjectChecksum::test_put_object_checksum[CRC32]
	msgChecksumHeaderInvalidFmt = "Value for %s header is invalid."
	// source: unconfirmed S3's answer to an unknown x-amz-checksum-* header, in the words of its other checksum answers
	msgChecksumUnsupportedFmt = "Checksum algorithm %s is not supported."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PutObjectChecksum::test_put_object_checksum[CRC32]
	msgChecksumMismatchFmt = "The %s you specified did not match the calculated checksum."
	// source: unconfirmed S3's answer to a copy source over 5 GB, as quoted in public issue reports
	msgCopySourceTooLargeFmt = "The specified copy source is larger than the maximum allowable size for a copy source: %d"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_checksum_type_compatibility[FULL_OBJECT-SHA1]
	msgChecksumTypeAlgoFmt = "The %s checksum type cannot be used with the %s checksum algorithm."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_size_validation
	msgMpObjectSizeFmt = "The provided 'x-amz-mp-object-size' header value %s does not match what was computed: %d"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_complete_multipart_parts_checksum_composite[CRC32]
	msgPartChecksumMissingFmt = "The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_composite
	msgPartChecksumOtherFmt = "The %s you specified for part %d did not match what we received."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_complete_multipart_parts_checksum_default
	msgChecksumModeFmt = "The upload was created using the %s checksum mode. The complete request must use the same checksum mode."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_get_bucket_policy_invalid_account_id[abcd]
	msgInvalidBucketOwnerFmt = "The value of the expected bucket owner parameter must be an AWS Account ID... [%s]"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_composite
	msgChecksumTypeMismatchFmt = "Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s"
	// source: unconfirmed S3's answer to two prefix (or suffix) rules, as quoted in public issue reports
	msgFilterRuleTwiceFmt = "Cannot specify more than one %s rule in a filter."
	// source: unconfirmed S3's answer to a trailer announced and not sent, in the words of its checksum answers
	msgTrailerMissingFmt = "x-amz-trailer header specified, but the trailer %s was not received."
	// source: unconfirmed S3's answer to a trailing checksum that does not decode, in the words of msgChecksumHeaderInvalidFmt
	msgTrailerInvalidFmt = "Value for %s trailing header is invalid."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedUrl::test_presigned_url_signature_authentication[s3-False]
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
)

// Codes of bucket tags and versioning, and of payload signatures.
var (
	errNoSuchTagSet = awserr.Code{Name: "NoSuchTagSet", Status: http.StatusNotFound}
	errInvalidTag   = awserr.Code{Name: "InvalidTag", Status: http.StatusBadRequest}
	errBadRequest   = awserr.Code{Name: "BadRequest", Status: http.StatusBadRequest}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3SSECEncryption::test_put_object_validation_sse_c
	errInvalidEncryptionAlgorithm = awserr.Code{Name: "InvalidEncryptionAlgorithmError", Status: http.StatusBadRequest}
	errNoSuchLifecycle            = awserr.Code{Name: "NoSuchLifecycleConfiguration", Status: http.StatusNotFound}
	errNoSuchWebsite              = awserr.Code{Name: "NoSuchWebsiteConfiguration", Status: http.StatusNotFound}
	errNoSuchConfiguration        = awserr.Code{Name: "NoSuchConfiguration", Status: http.StatusNotFound}
	errIllegalVersns              = awserr.Code{Name: "IllegalVersioningConfigurationException", Status: http.StatusBadRequest}
	errSignatureMismatch          = awserr.Code{Name: "SignatureDoesNotMatch", Status: http.StatusForbidden}
)

// UploadPartCopy's range ends past the source.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3Multipart::test_upload_part_copy_range
func msgRangeNotValidForSize(size int64) string {
	return "Range specified is not valid for source object of size: " + strconv.FormatInt(size, 10)
}

// ListBuckets' bucket-region names no region of AWS.
// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#tests/aws/services/s3/test_s3_list_operations.py::TestS3ListBuckets::test_list_buckets_region_validation
func msgNotAValidRegion(region string) string {
	return "Argument value " + region + " is not a valid AWS Region"
}

// KMS's errors as S3 answers them for SSE-KMS: KMS's code prefixed with
// "KMS.", status 400, KMS's message (ssekms.go).
var (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_sse_validate_kms_key
	errKMSNotFound = awserr.Code{Name: "KMS.NotFoundException", Status: http.StatusBadRequest}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_sse_validate_kms_key_state
	errKMSDisabled = awserr.Code{Name: "KMS.DisabledException", Status: http.StatusBadRequest}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_sse_validate_kms_key_state
	errKMSInvalidState = awserr.Code{Name: "KMS.KMSInvalidStateException", Status: http.StatusBadRequest}
)

// source: unconfirmed S3's refusal of an x-amz-server-side-encryption value it does not know
const msgSSEInvalid = "The encryption method specified is not supported"

// Browser POST uploads' codes and texts (post.go).
var (
	errInvalidPolicyDocument = awserr.Code{Name: "InvalidPolicyDocument", Status: http.StatusBadRequest}
	errMalformedPOSTRequest  = awserr.Code{Name: "MalformedPOSTRequest", Status: http.StatusBadRequest}
	errMaxPostPreData        = awserr.Code{Name: "MaxPostPreDataLengthExceededError", Status: http.StatusBadRequest}
)

const (
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_with_wrong_content_type
	msgPostEnclosure = "Bucket POST must be of the enclosure-type multipart/form-data"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_request_missing_fields[s3v4]
	msgPostMissingFieldFmt = "Bucket POST must contain a field named '%s'.  If it is specified, please check the order of the fields."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_request_expires
	msgPostPolicyExpired = "Invalid according to Policy: Policy expired."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_policy_conditions_validation_eq
	msgPostConditionFailed = "Invalid according to Policy: Policy Condition failed: "
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_policy_conditions_validation_eq
	msgPostSimpleCondition = "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_policy_validation_size
	msgPostTooSmall = "Your proposed upload is smaller than the minimum allowed size"
	// source: unconfirmed S3's refusal of a field the policy's conditions do not cover (documented rule; no validated recording has the text)
	msgPostExtraFields = "Invalid according to Policy: Extra input fields: "
	// source: unconfirmed S3's refusal of a policy that is not base64 JSON; no validated recording has it
	msgPostPolicyJSON = "Invalid Policy: Invalid JSON."
	// source: unconfirmed S3's refusal of a policy without an expiration; no validated recording has it
	msgPostPolicyNoExpiration = "Invalid Policy: Policy missing expiration."
	// source: unconfirmed S3's refusal of an expiration that is not an ISO 8601 date; no validated recording has it
	msgPostPolicyExpirationFmt = "Invalid Policy: Invalid 'expiration' value: '"
	// source: unconfirmed S3's refusal of a policy without conditions; no validated recording has it
	msgPostPolicyNoConditions = "Invalid Policy: Policy missing conditions."
	// source: unconfirmed S3's refusal of a condition that is neither a simple condition nor a known operation; no validated recording has it
	msgPostConditionForm = "Invalid Policy: Invalid Condition: the condition must be an object or an array of an operation and two values."
	// source: unconfirmed S3's refusal of a form without a file; no validated recording has it
	msgPostNoFile = "POST requires exactly one file upload per request."
	// source: unconfirmed S3's refusal of an empty key; no validated recording has it
	msgPostEmptyKey = "User key must have a length greater than 0."
	// source: unconfirmed S3's refusal of form fields before the file over its limit; no validated recording has it
	msgPostPreDataTooLong = "Your POST request fields preceeding the upload file was too large."
	// source: unconfirmed S3's refusal of a multipart/form-data body it cannot read; no validated recording has it
	msgMalformedPOST = "The body of your POST request is not well-formed multipart/form-data."
)
