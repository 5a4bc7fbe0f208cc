package sns

import (
	"net/http"
	"strconv"

	"github.com/seki-dev/seki/internal/awserr"
)

// AuthorizationError is SNS's AccessDenied: the door answers with it for
// every SNS operation. (botocore's sns model: AuthorizationErrorException,
// code AuthorizationError, HTTP 403.)
var AuthorizationError = awserr.Code{Name: "AuthorizationError", Status: http.StatusForbidden}

// The codes SNS answers with, as botocore's sns model declares them.
var (
	errInvalidParameter   = awserr.Code{Name: "InvalidParameter", Status: http.StatusBadRequest}
	errParameterValue     = awserr.Code{Name: "ParameterValueInvalid", Status: http.StatusBadRequest}
	errNotFound           = awserr.Code{Name: "NotFound", Status: http.StatusNotFound}
	errResourceNotFound   = awserr.Code{Name: "ResourceNotFound", Status: http.StatusNotFound}
	errTagLimit           = awserr.Code{Name: "TagLimitExceeded", Status: http.StatusBadRequest}
	errEmptyBatch         = awserr.Code{Name: "EmptyBatchRequest", Status: http.StatusBadRequest}
	errTooManyEntries     = awserr.Code{Name: "TooManyEntriesInBatchRequest", Status: http.StatusBadRequest}
	errBatchIDsNotUnique  = awserr.Code{Name: "BatchEntryIdsNotDistinct", Status: http.StatusBadRequest}
	errInvalidBatchID     = awserr.Code{Name: "InvalidBatchEntryId", Status: http.StatusBadRequest}
	errBatchRequestTooBig = awserr.Code{Name: "BatchRequestTooLong", Status: http.StatusBadRequest}
)

// Messages, each with where its text comes from.
const (
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrud::test_create_topic_with_attributes
	msgTopicNotFound = "Topic does not exist"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_create_subscriptions_with_attributes
	msgSubscriptionNotFound = "Subscription does not exist"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrudV2::test_create_topic_name_constraints
	msgTopicName = "Invalid parameter: Topic Name"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrudV2::test_create_topic_different_attrs
	msgTopicDifferentAttrs = "Invalid parameter: Attributes Reason: Topic already exists with different attributes"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrud::test_create_duplicate_topic_with_more_tags
	msgTopicDifferentTags = "Invalid parameter: Tags Reason: Topic already exists with different tags"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrud::test_tags
	msgDuplicateTagKeys = "Invalid parameter: Duplicated keys are not allowed."
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_topic_publish_another_region
	msgTopicArnOtherRegion = "Invalid parameter: TopicArn"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_publish_with_empty_subject
	msgSubject = "Invalid parameter: Subject"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_empty_sns_message
	msgEmptyMessage = "Invalid parameter: Empty message"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_publish_too_long_message
	msgMessageTooLong = "Invalid parameter: Message too long"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_message_structure_json_exc
	msgStructureNoDefault = "Invalid parameter: Message Structure - No default entry in JSON message body"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_message_structure_json_exc
	msgStructureNotJSON = "Invalid parameter: Message Structure - JSON message body failed to parse"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_subscribe_with_invalid_protocol
	msgProtocolPrefix = "Invalid parameter: Amazon SNS does not support this protocol string: "
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_subscribe_to_sqs_with_queue_url
	msgSQSEndpoint = "Invalid parameter: SQS endpoint ARN"
	// source: unconfirmed SNS words the SQS case "SQS endpoint ARN"; the Lambda case is assumed to follow it
	msgLambdaEndpoint = "Invalid parameter: Lambda endpoint ARN"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_subscribe_idempotency
	msgSubscriptionDifferentAttrs = "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_unsubscribe_wrong_arn_format
	msgSubscriptionArnMissing = "Invalid parameter: SubscriptionArn Reason: no value for required parameter"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_unsubscribe_wrong_arn_format
	msgSubscriptionID = "Invalid parameter: SubscriptionId"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_validate_set_sub_attributes
	msgAttributeName = "Invalid parameter: AttributeName"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_publish_batch_exceptions
	msgFIFOGroupID = "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_publish_batch_exceptions
	msgFIFODedup = "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQSFifo::test_validations_for_fifo
	msgDedupNotFIFO = "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_publish_batch_exceptions
	msgTooManyEntries = "The batch request contains more entries than permissible."
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_publish_batch_exceptions
	msgBatchIDsNotUnique = "Two or more batch entries in the request have the same Id."
	// source: doc https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
	msgEmptyBatch = "The batch request doesn't contain any entries."
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_publish_batch_invalid_entry_id
	msgBatchIDChars = "The Id of a batch entry in the batch request contains an impermissible character: "
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_publish_batch_invalid_entry_id
	msgBatchIDLong = "The Id of a batch entry in the batch request is too long: "
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSPublishCrud::test_publish_batch_too_long_message
	msgBatchTooLong = "The length of all the messages put together is more than the limit."
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrudV2::test_add_permission_errors
	msgStatementExists = "Invalid parameter: Statement already exists"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrudV2::test_add_permission_errors
	msgActionOutOfScope = "Invalid parameter: Policy statement action out of service scope!"
	// source: unconfirmed SNS reports a bad policy as an InvalidParameter on Policy; the engine's reason follows
	msgPolicyPrefix = "Invalid parameter: Policy Error: "
	// source: unconfirmed the wording of SNS's other "no value for required parameter" reasons
	msgTopicArnMissing = "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"
	// source: unconfirmed SNS's ResourceNotFound for tagging a missing topic
	msgResourceNotFound = "Resource does not exist"
	// source: doc https://docs.aws.amazon.com/sns/latest/api/API_TagResource.html
	msgTagLimit = "Could not complete request: tag quota of per resource exceeded"
	// source: unconfirmed seki does not deliver SMS, so it has no phone-number endpoints to publish to
	msgPhoneNumber = "Invalid parameter: PhoneNumber Reason: seki does not deliver SMS"
	// source: unconfirmed AWS accepts only SQS subscriptions on FIFO topics
	msgFIFOProtocol = "Invalid parameter: Invalid protocol type: "
)

// arnElements is SNS's complaint about an ARN with too few parts.
// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSTopicCrud::test_create_topic_with_attributes
func arnElements(param string, n int) error {
	return errInvalidParameter.New("Invalid parameter: " + param + " Reason: An ARN must have at least 6 elements, not " + strconv.Itoa(n))
}

// rawDeliveryValue is the RawMessageDelivery complaint.
// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_create_subscriptions_with_attributes
// where is whereSubscribe or whereSet: SNS words the same reason
// differently for Subscribe's Attributes and for SetSubscriptionAttributes.
func rawDeliveryValue(where, v string) error {
	return errInvalidParameter.New(where + "RawMessageDelivery: Invalid value [" + v + "]. Must be true or false.")
}

// The prefixes of attribute complaints, by operation.
// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionCrud::test_validate_set_sub_attributes
const (
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSPlatformApplicationCrud::test_create_platform_application_invalid_attributes[missing-credential]
	whereSubscribe = "Invalid parameter: Attributes Reason: "
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSMultiRegions::test_cross_region_access
	whereSet = "Invalid parameter: "
)

// attributeMessages are the message-attribute complaints, by kind.
// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
func attrEmptyValue(name, typ string) error {
	return errParameterValue.New("The message attribute '" + name + "' must contain non-empty message attribute value for message attribute type '" + typ + "'.")
}

// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
func attrWrongField(name, typ, field string) error {
	return errParameterValue.New("The message attribute '" + name + "' with type '" + typ + "' must use field '" + field + "'.")
}

// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
func attrBadType(name string) error {
	return errParameterValue.New("The message attribute '" + name + "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.")
}

// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
const (
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
	msgAttrNameLong = "Length of message attribute name must be less than 256 bytes."
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
	msgAttrNameStartDot = "Invalid message attribute name starting with character '.' was found."
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
	msgAttrNameEndDot = "Invalid message attribute name ending with character '.' was found."
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
	msgAttrNameDots = "Message attribute name can not have successive '.' character."
)

// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
func attrNameChar(r rune) error {
	return errParameterValue.Errorf("Invalid non-alphanumeric character '#x%X' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.", r)
}

// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#TestSNSSubscriptionSQS::test_empty_or_wrong_message_attributes
func attrDataTypeNull(path string) error {
	return awserr.Code{Name: "ValidationError", Status: http.StatusBadRequest}.New("1 validation error detected: Value null at '" + path + "' failed to satisfy constraint: Member must not be null")
}

// filterPolicyError is an invalid FilterPolicy given to Subscribe; the
// reason is the pattern engine's, which AWS shares with EventBridge.
// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyConditions::test_validate_policy
func filterPolicyError(where, reason string) error {
	return errInvalidParameter.New(where + "FilterPolicy: " + reason)
}

// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyCrud::test_set_subscription_filter_policy_scope
func filterScopeValue(v string) error {
	return errInvalidParameter.New("Invalid parameter: FilterPolicyScope: Invalid value [" + v + "]. Please use either MessageBody or MessageAttributes")
}

const (
	// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyCrud::test_sub_filter_policy_nested_property
	msgFilterNested = "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
	// source: snapshot tests/aws/services/sns/test_sns_filter_policy.snapshot.json#TestSNSFilterPolicyConditions::test_policy_complexity
	reasonFilterKeys = "Filter policy can not have more than 5 keys"
)

// Texts built around a parameter, attribute or value.
const (
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSSubscriptionCrud::test_unsubscribe_wrong_arn_format
	msgParamMissingFmt = "Invalid parameter: %s Reason: no value for required parameter"
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSSubscriptionCrud::test_unsubscribe_wrong_arn_format
	msgParamFmt = "Invalid parameter: %s"
	// source: unconfirmed SNS's answer to a Number attribute that is not one, as quoted in public issue reports
	msgAttrNotNumberFmt = "Could not cast message attribute '%s' value to number."
	// source: unconfirmed SNS's answer to an unknown attribute, in the form of the recorded attribute answers (whereSubscribe)
	msgUnknownAttribute = "Unknown attribute "
	// source: snapshot tests/aws/services/sns/test_sns.snapshot.json#tests/aws/services/sns/test_sns.py::TestSNSSubscriptionCrud::test_validate_set_sub_attributes
	msgAttrNotJSON = ": failed to parse JSON. "
	// source: unconfirmed SNS's answer to AddPermission without its members, as quoted in public issue reports
	msgPermissionMembers = "Invalid parameter: Label, AWSAccountId and ActionName are required"
)
