package kinesis

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// AccessDenied is Kinesis's denial: AccessDeniedException, 400 like every
// error of its JSON 1.1 protocol (botocore's kinesis model declares no
// status, so the protocol's default applies).
var AccessDenied = awserr.Code{Name: "AccessDeniedException", Status: http.StatusBadRequest, LowerMessage: true}

// The codes Kinesis answers with (botocore's kinesis model, 2013-12-02).
// Every error shape of the model names its message "message".
var (
	errNotFound        = awserr.Code{Name: "ResourceNotFoundException", Status: http.StatusBadRequest, LowerMessage: true}
	errInUse           = awserr.Code{Name: "ResourceInUseException", Status: http.StatusBadRequest, LowerMessage: true}
	errInvalidArgument = awserr.Code{Name: "InvalidArgumentException", Status: http.StatusBadRequest, LowerMessage: true}
	errExpiredIterator = awserr.Code{Name: "ExpiredIteratorException", Status: http.StatusBadRequest, LowerMessage: true}
	errValidation      = awserr.Code{Name: "ValidationException", Status: http.StatusBadRequest, LowerMessage: true}
	errLimitExceeded   = awserr.Code{Name: "LimitExceededException", Status: http.StatusBadRequest, LowerMessage: true}
)

const (
	// source: snapshot tests/aws/services/kinesis/test_kinesis.snapshot.json#tests/aws/services/kinesis/test_kinesis.py::TestKinesis::test_cbor_exceptions
	msgStreamNotFoundFmt = "Stream %s under account %s not found."
	// source: unconfirmed Kinesis's wording for CreateStream of a taken name, as AWS CLI users quote it in public issue reports
	msgStreamExistsFmt = "Stream %s under account %s already exists."
	// source: unconfirmed the JSON protocols' request-framework wording (as DynamoDB's recorded validation errors spell it)
	msgViolationFmt = "1 validation error detected: Value %s at '%s' failed to satisfy constraint: %s"
	// source: unconfirmed the request framework's constraint texts, from the constraints of botocore's kinesis model
	constraintNotNull = "Member must not be null"
	// source: unconfirmed the request framework's constraint texts, from the constraints of botocore's kinesis model
	constraintNamePattern = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
	// source: unconfirmed the request framework's constraint texts, from the constraints of botocore's kinesis model
	constraintMinFmt = "Member must have length greater than or equal to %d"
	// source: unconfirmed the request framework's constraint texts, from the constraints of botocore's kinesis model
	constraintMaxFmt = "Member must have length less than or equal to %d"
	// source: unconfirmed the request framework's constraint texts, from the constraints of botocore's kinesis model
	constraintValueMinFmt = "Member must have value greater than or equal to %d"
	// source: unconfirmed the request framework's constraint texts, from the constraints of botocore's kinesis model
	constraintValueMaxFmt = "Member must have value less than or equal to %d"
	// source: unconfirmed the request framework's constraint texts, from the ShardIteratorType enum of botocore's kinesis model
	constraintIteratorType = "Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]"
	// source: unconfirmed the request framework's constraint texts, from the StreamMode enum of botocore's kinesis model
	constraintStreamMode = "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"
	// source: unconfirmed the request framework's constraint texts, from the SequenceNumber pattern of botocore's kinesis model
	constraintSequencePattern = "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})"
	// source: unconfirmed the request framework's constraint texts, from the HashKey pattern of botocore's kinesis model
	constraintHashKeyPattern = "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"
	// source: unconfirmed Kinesis's wording when neither StreamName nor StreamARN names the stream
	msgNoStream = "Either StreamName or StreamARN should be provided."
	// source: unconfirmed Kinesis's wording for a StreamARN that is not a stream's
	msgBadARNFmt = "StreamARN %s is invalid."
	// source: unconfirmed Kinesis's wording for a ShardCount with the ON_DEMAND capacity mode
	msgShardCountOnDemand = "ShardCount cannot be specified for the ON_DEMAND capacity mode."
	// source: unconfirmed seki's limit on a stream's shards (Kinesis's is an account quota)
	msgTooManyShardsFmt = "This request would exceed the shard limit for the account %s in %s. Current limit: %d."
	// source: unconfirmed Kinesis's wording for a shard the stream does not have
	msgShardNotFoundFmt = "Shard %s in stream %s under account %s does not exist"
	// source: unconfirmed Kinesis's wording for a sequence-number iterator without its number
	msgNeedSequenceFmt = "StartingSequenceNumber must be specified for ShardIteratorType %s."
	// source: unconfirmed Kinesis's wording for an AT_TIMESTAMP iterator without its timestamp
	msgNeedTimestamp = "Timestamp must be specified for ShardIteratorType AT_TIMESTAMP."
	// source: unconfirmed Kinesis's wording for a sequence number the shard never issued
	msgBadSequenceFmt = "StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid."
	// source: unconfirmed Kinesis's wording for an iterator it did not issue
	msgBadIteratorFmt = "Invalid ShardIterator: %s"
	// source: doc https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html (an iterator expires five minutes after it is returned); the wording is unconfirmed
	msgExpiredIteratorFmt = "Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of 300000 milliseconds."
	// source: unconfirmed Kinesis's wording for an ExplicitHashKey outside the 128-bit key space
	msgBadHashKeyFmt = "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s"
	// source: doc https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html (a record's data and partition key are at most 1 MiB together); the wording is unconfirmed
	msgRecordTooLargeFmt = "Record size exceeds the maximum allowed size of %d bytes: the data blob and partition key are %d bytes."
	// source: unconfirmed Kinesis's wording for a NextToken it did not issue
	msgBadNextToken = "Invalid NextToken."
	// source: unconfirmed Kinesis's wording for NextToken given with another parameter of ListStreams
	msgNextTokenAlone = "NextToken cannot be provided together with ExclusiveStartStreamName."
)
