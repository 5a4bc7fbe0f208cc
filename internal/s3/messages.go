package s3

// Texts the handlers answer with, declared once.
const (
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgS3NoAuthorizer = "s3: no authorizer"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_uppercase_bucket_name
	msgTheSpecifiedBucketIs = "The specified bucket is not valid."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgBucketCannotHaveAcls = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheRequestedBucketName = "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_create_bucket_with_existing_name
	msgYourPreviousRequestTo = "Your previous request to create the named bucket succeeded and you already own it."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_different_location_constraint
	msgTheUnspecifiedLocationConstraint = "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_bucket_constraint_aws_global[us-east-1]
	msgTheSpecifiedLocationConstraint = "The specified location-constraint is not valid"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketCRUD::test_delete_bucket_with_objects
	msgTheBucketYouTried = "The bucket you tried to delete is not empty"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectWritePrecondition::test_put_object_if_match_and_if_none_match_validation
	msgMultipleConditionalHeaders = "Multiple conditional request headers present in the request"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3Multipart::test_upload_part_copy_range
	msgCopyRangeInvalidForSize = "The specified copy range is invalid for the source object size"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_delete_object_with_no_locking
	msgBypassWithoutObjectLock = "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets."
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketOwnershipControls::test_bucket_ownership_controls_exc
	msgInvalidObjectOwnership = "Invalid x-amz-object-ownership header: "
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_composite
	msgChecksumTypeWithoutAlgorithm = "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_multipart_complete_multipart_too_small
	msgAtLeastOnePart = "You must specify at least one part"
	// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#tests/aws/services/s3/test_s3_list_operations.py::TestS3ListMultipartUploads::test_list_multiparts_next_marker
	msgInvalidUploadIDMarker = "Invalid uploadId marker"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketCRUD::test_delete_versioned_bucket_with_objects
	msgBucketNotEmptyVersions = "The bucket you tried to delete is not empty. You must delete all versions in the bucket."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheBucketDoesNot = "The bucket does not allow ACLs"
	// Messages of ACLs and ownership controls (acl.go, ownership.go).
	// AWS's answer to an unknown canned ACL has no Message (the recording's is null).
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgInvalidCannedACL = ""
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgArgumentFormat = "Argument format not recognized"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgInvalidID = "Invalid id"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgInvalidGroupURI = "Invalid group uri"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgCannedAndGrants = "Specifying both Canned ACLs and Header Grants is not allowed"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgUnexpectedContent = "This request does not support content"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgMissingHeader = "Your request was missing a required header"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_bucket_acl_exceptions
	msgMalformedACL = "The XML you provided was not well-formed or did not validate against our published schema"
	// source: doc https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
	msgUnresolvableEmail = "The email address you provided does not match any account on record."
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketOwnershipControls::test_crud_bucket_ownership_controls
	msgOwnershipNotFound = "The bucket ownership controls were not found"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_put_inventory_report_exceptions
	msgIDMismatch = "Document ID does not match the specified configuration ID."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_put_inventory_report_exceptions
	msgInvalidBucketARN = "Invalid bucket ARN."
	// source: snapshot tests/aws/services/s3/test_s3_cors.snapshot.json#tests/aws/services/s3/test_s3_cors.py::TestS3Cors::test_get_cors
	msgNoSuchCORS = "The CORS configuration does not exist"
	// The method is appended.
	// source: snapshot tests/aws/services/s3/test_s3_cors.snapshot.json#tests/aws/services/s3/test_s3_cors.py::TestS3Cors::test_put_cors_invalid_rules
	msgUnsupportedCORSMethod = "Found unsupported HTTP method in CORS config. Unsupported method is "
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketReplication::test_replication_config
	msgReplicationNotFound = "The replication configuration was not found"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketReplication::test_replication_config
	msgReplicationNeedsVersioning = "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketReplication::test_replication_config_without_filter
	msgDestinationNeedsVersioning = "Destination bucket must have versioning enabled."
	// The rules are PutBucketReplication's and ReplicationRule's API
	// reference; S3's words for breaking them are not recorded.
	// source: unconfirmed a Role that is not an IAM role's ARN; no validated recording has the answer
	msgReplicationRole = "Invalid ReplicationConfiguration Role ARN"
	// source: unconfirmed a rule ID over 255 characters, worded as for lifecycle rules; not recorded for replication
	msgReplicationIDTooLong = "ID length should not exceed allowed limit of 255"
	// source: unconfirmed two rules with one ID; no validated recording has the answer
	msgReplicationDuplicateID = "Rule Id must be unique"
	// source: unconfirmed a V2 (Filter) rule without Priority; the rule is in PutBucketReplication's API reference, the wording is not recorded
	msgReplicationNeedsPriority = "Priority must be specified for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information."
	// source: unconfirmed a V2 (Filter) rule without DeleteMarkerReplication; the rule is in ReplicationRule's API reference, the wording is not recorded
	msgReplicationNeedsDeleteMarker = "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information."
	// source: unconfirmed two V2 rules with one Priority; no validated recording has the answer
	msgReplicationDuplicatePriority = "Found overlapping priority in replication rules"
	// source: unconfirmed delete-marker replication on a tag filter; the rule is in ReplicationRule's API reference, the wording is not recorded
	msgReplicationTagDeleteMarker = "Delete marker replication is not supported if any Tag filter is specified. Please refer to S3 Developer Guide for more information."
	// source: unconfirmed V1 rules naming more than one destination; the text as quoted from S3's answer in aws-cloudformation/cloudformation-coverage-roadmap#730, its code not quoted
	msgReplicationV1Destinations = "Number of distinct destination bucket ARNs cannot exceed 1"
	// source: unconfirmed a logging target of another owner (the user guide's rule for server access logging); no validated recording has the answer
	msgLoggingTargetOwner = "The owner for the bucket to be logged and the target bucket must be the same."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketLogging::test_put_bucket_logging_wrong_target
	msgLoggingTargetMissing = "The target bucket for logging does not exist"
	// AWS's text ends with a space.
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3BucketLogging::test_put_bucket_logging_cross_locations
	msgCrossLocationLogging = "Cross S3 location logging not allowed. "
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PutObjectChecksum::test_s3_checksum_no_algorithm
	msgExpectingASingleX = "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheValueSpecifiedIn = "The value specified in the x-amz-trailer header is not supported"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_composite
	msgChecksumAlgorithmProvidedIs = "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgValueForXAmz = "Value for x-amz-sdk-checksum-algorithm header is invalid."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_copy_object_in_place
	msgThisCopyRequestIs = "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_copy_object_wrong_format
	msgCopySourceMustMention = "Invalid copy source object key"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgUnknownMetadataDirective = "Unknown metadata directive."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgInvalidChecksumAlgorithm = "Invalid checksum algorithm"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgProvidedMaxKeysNot = "Provided max-keys not an integer or within integer range"
	// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#tests/aws/services/s3/test_s3_list_operations.py::TestS3ListObjectsV2::test_list_ops_encoding_type_validation[list_multipart_uploads]
	msgInvalidEncodingMethodSpecified = "Invalid Encoding Method specified in Request"
	// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#tests/aws/services/s3/test_s3_list_operations.py::TestS3ListObjectsV2::test_list_objects_v2_continuation_start_after
	msgTheContinuationTokenProvided = "The continuation token provided is incorrect"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_policy_validation_size
	msgYourProposedUploadExceeds = "Your proposed upload exceeds the maximum allowed size"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_complete_multipart_parts_order
	msgTheListOfParts = "The list of parts was not in ascending order. Parts must be ordered by part number."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_multipart_complete_multipart_wrong_part
	msgOneOrMoreOf = "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_multipart_complete_multipart_too_small
	msgYourProposedUploadIs = "Your proposed upload is smaller than the minimum allowed size"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_complete_multipart_parts_order
	msgPartNumberMustBe = "Part number must be an integer between 1 and 10000, inclusive"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3Multipart::test_upload_part_copy_range
	msgTheXAmzCopy = "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgPartSizeMustBe = "Part size must be at most 5368709120"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgProvidedMaxPartsNot = "Provided max-parts not an integer or within integer range"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgProvidedPartNumberMarker = "Provided part-number-marker not an integer or within integer range"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgProvidedMaxUploadsNot = "Provided max-uploads not an integer or within integer range"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheEventIsNot = "The event is not supported for notifications"
	// source: snapshot tests/aws/services/s3/test_s3_notifications_lambda.snapshot.json#tests/aws/services/s3/test_s3_notifications_lambda.py::TestS3NotificationsToLambda::test_invalid_lambda_arn
	msgTheArnCouldNot = "The ARN could not be parsed"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheArnIsNot = "The ARN is not well formed"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgConfigurationsOverlapConfigurationsOn = "Configurations overlap. Configurations on the same bucket cannot share a common event type."
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketNotificationConfiguration::test_bucket_notification_with_invalid_filter_rules
	msgFilterRuleNameMust = "filter rule name must be either prefix or suffix"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgFilterValueIsToo = "filter value is too long"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgIdMustBeAt = "Id must be at most 1024 characters"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_put_object_storage_class_outposts
	msgTheStorageClassYou = "The storage class you specified is not valid"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgYourMetadataHeadersExceed = "Your metadata headers exceed the maximum allowed metadata size"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_get_object_part
	msgCannotSpecifyBothRange = "Cannot specify both Range header and partNumber query parameter"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_get_object_part
	msgTheRequestedPartnumberIs = "The requested partnumber is not satisfiable"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_invalid_range_error
	msgTheRequestedRangeIs = "The requested range is not satisfiable"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgMissingRequiredHeaderFor = "Missing required header for this request: Content-Md5"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgYourKeyIsToo = "Your key is too long"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgYouMustProvideThe = "You must provide the Content-Length HTTP header."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheXAmzTrailer = "The x-amz-trailer header is only allowed for aws-chunked uploads."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgYouDidNotProvide = "You did not provide the number of bytes specified by the Content-Length HTTP header"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheProvidedXAmz = "The provided 'x-amz-content-sha256' header does not match what was computed."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_invalid_content_md5
	msgTheContentMd5You = "The Content-MD5 you specified did not match what we received."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgXAmzDecodedContent = "x-amz-decoded-content-length must be a non-negative integer"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgXAmzContentSha256 = "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_delete_bucket_policy
	msgTheBucketPolicyDoes = "The bucket policy does not exist"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3PublicAccessBlock::test_crud_public_access_block
	msgThePublicAccessBlock = "The public access block configuration was not found"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_delete_bucket_policy_expected_bucket_owner
	msgAccessDenied = "Access Denied"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgInvalidQueryString = "Invalid query string"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgInvalidUri = "Invalid URI"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgYourRequestWasToo = "Your request was too big."
)
