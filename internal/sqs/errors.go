package sqs

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// SQS speaks JSON 1.0 but is "awsQueryCompatible": each error has a JSON
// __type (com.amazonaws.sqs#QueueDoesNotExist) and, in the
// x-amzn-query-error header, the code its query protocol used
// (AWS.SimpleQueueService.NonExistentQueue), which SDKs report as the
// error's code. Codes are declared by their JSON name; queryCodes gives the
// query name where it differs.

// AccessDenied is SQS's denial (403). The server passes it as the
// Dispatcher's Deny code.
var AccessDenied = awserr.Code{Name: "AccessDenied", Status: http.StatusForbidden}

var (
	errQueueDoesNotExist     = awserr.Code{Name: "QueueDoesNotExist", Status: http.StatusBadRequest}
	errQueueNameExists       = awserr.Code{Name: "QueueNameExists", Status: http.StatusBadRequest}
	errQueueDeletedRecently  = awserr.Code{Name: "QueueDeletedRecently", Status: http.StatusBadRequest}
	errInvalidParameterValue = awserr.Code{Name: "InvalidParameterValueException", Status: http.StatusBadRequest}
	errInvalidAction         = awserr.Code{Name: "InvalidAction", Status: http.StatusBadRequest}
	errMissingParameter      = awserr.Code{Name: "MissingRequiredParameterException", Status: http.StatusBadRequest}
	errInvalidAttributeName  = awserr.Code{Name: "InvalidAttributeName", Status: http.StatusBadRequest}
	errInvalidAttributeValue = awserr.Code{Name: "InvalidAttributeValue", Status: http.StatusBadRequest}
	errPurgeInProgress       = awserr.Code{Name: "PurgeQueueInProgress", Status: http.StatusForbidden}
	errTooManyEntries        = awserr.Code{Name: "TooManyEntriesInBatchRequest", Status: http.StatusBadRequest}
	errEmptyBatch            = awserr.Code{Name: "EmptyBatchRequest", Status: http.StatusBadRequest}
	errBatchIDsNotDistinct   = awserr.Code{Name: "BatchEntryIdsNotDistinct", Status: http.StatusBadRequest}
	errInvalidBatchEntryID   = awserr.Code{Name: "InvalidBatchEntryId", Status: http.StatusBadRequest}
	errBatchTooLong          = awserr.Code{Name: "BatchRequestTooLong", Status: http.StatusBadRequest}
	errReceiptHandleInvalid  = awserr.Code{Name: "ReceiptHandleIsInvalid", Status: http.StatusBadRequest}
	errMessageNotInflight    = awserr.Code{Name: "MessageNotInflight", Status: http.StatusBadRequest}
	errInvalidMessage        = awserr.Code{Name: "InvalidMessageContents", Status: http.StatusBadRequest}
)

// queryCodes maps a JSON error name to its query-protocol code.
var queryCodes = map[string]string{
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_non_existent_queue
	errQueueDoesNotExist.Name: "AWS.SimpleQueueService.NonExistentQueue",
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_create_queue_with_different_attributes_raises_exception[sqs]
	errQueueNameExists.Name: "QueueAlreadyExists",
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
	errQueueDeletedRecently.Name: "AWS.SimpleQueueService.QueueDeletedRecently",
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_receive_max_number_of_messages[sqs]
	errInvalidParameterValue.Name: "InvalidParameterValue",
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_empty_message[sqs]
	errMissingParameter.Name: "MissingParameter",
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_successive_purge_calls_fail[sqs]
	errPurgeInProgress.Name: "AWS.SimpleQueueService.PurgeQueueInProgress",
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_too_many_entries_in_batch_request[sqs]
	errTooManyEntries.Name: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
	errEmptyBatch.Name: "AWS.SimpleQueueService.EmptyBatchRequest",
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
	errBatchIDsNotDistinct.Name: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_invalid_batch_id[sqs]
	errInvalidBatchEntryID.Name: "AWS.SimpleQueueService.InvalidBatchEntryId",
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_message_batch_with_oversized_contents[sqs]
	errBatchTooLong.Name: "AWS.SimpleQueueService.BatchRequestTooLong",
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
	errMessageNotInflight.Name: "AWS.SimpleQueueService.MessageNotInflight",
}

// errorTypes gives the whole __type of codes outside SQS's namespace.
var errorTypes = map[string]string{
	// source: unconfirmed the JSON protocol's generic denial type, as other
	// coral services send it; SDKs read the code from x-amzn-query-error.
	AccessDenied.Name:             "com.amazon.coral.service#AccessDeniedException",
	errInvalidParameterValue.Name: "com.amazon.coral.service#InvalidParameterValueException",
	errMissingParameter.Name:      "com.amazon.coral.service#MissingRequiredParameterException",
}

// Messages.
const (
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_non_existent_queue
	msgNoQueue = "The specified queue does not exist."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_create_queue_with_different_attributes_raises_exception[sqs]
	msgQueueExists = "A queue already exists with the same name and a different value for attribute %s"
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
	msgDeletedRecently = "You must wait 60 seconds after deleting a queue before you can create another with the same name."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_receive_max_number_of_messages[sqs]
	msgBadParam = "Value %s for parameter %s is invalid. Reason: %s"
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_receive_max_number_of_messages[sqs]
	reasonMaxMessages = "Must be between 1 and 10, if provided."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_receive_wait_time_seconds[sqs]
	reasonWaitTime = "Must be >= 0 and <= 20, if provided."
	// source: unconfirmed by analogy with WaitTimeSeconds' reason; the range is the documented one.
	reasonVisibility = "Must be >= 0 and <= 43200, if provided."
	// source: unconfirmed by analogy with WaitTimeSeconds' reason; the range is the documented one.
	reasonDelay = "Must be >= 0 and <= 900, if provided."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_fifo_queue_send_message_with_delay_seconds_fails[sqs]
	reasonNotForQueueType = "The request include parameter that is not valid for this queue type."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_oversized_message[sqs]
	msgTooLong = "One or more parameters are invalid. Reason: Message must be shorter than %d bytes."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_empty_message[sqs]
	msgMissing = "The request must contain the parameter %s."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_set_unsupported_attribute_fifo[sqs]
	msgUnknownAttribute = "Unknown Attribute %s."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_set_unsupported_attribute_fifo[sqs]
	msgInvalidAttribute = "Invalid value for the parameter %s."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_set_unsupported_attribute_fifo[sqs]
	msgModifyQueueType = "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_successive_purge_calls_fail[sqs]
	msgPurgeInProgress = "Only one PurgeQueue operation on %s is allowed every 60 seconds."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_too_many_entries_in_batch_request[sqs]
	msgTooManyEntries = "Maximum number of entries per request are 10. You have sent %d."
	// source: unconfirmed the API reference names the error; the text is seki's.
	msgEmptyBatch = "There should be at least one %s in the request."
	// source: unconfirmed the API reference names the error; the text is seki's.
	msgIDsNotDistinct = "Id %s repeated."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_invalid_batch_id[sqs]
	msgBadBatchID = "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_message_batch_with_oversized_contents[sqs]
	msgBatchTooLong = "Batch requests cannot be longer than %d bytes. You have sent %d bytes."
	// source: unconfirmed the form AWS's SDK documentation quotes for a malformed handle.
	msgBadReceipt = "The input receipt handle \"%s\" is not a valid receipt handle."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_fifo_delete_after_visibility_timeout[sqs]
	reasonReceiptExpired = "The receipt handle has expired."
	// source: unconfirmed the API reference names the error; the text is seki's.
	msgNotInflight = "Message does not exist or is not available for visibility timeout change."
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
	msgInvalidChars = "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_message_with_empty_string_attribute[sqs]
	msgEmptyAttribute = "Message (user) attribute '%s' must contain a non-empty value of type '%s'."
	// source: unconfirmed the documented rule (String, Number, Binary and custom labels); seki's text.
	msgBadDataType = "The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
	// source: unconfirmed the documented limit of 10 message attributes; seki's text.
	msgTooManyAttributes = "Number of message attributes [%d] exceeds the allowed maximum [10]."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_posting_to_fifo_requires_deduplicationid_group_id[sqs]
	msgGroupRequired = "The request must contain the parameter MessageGroupId."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_send_batch_missing_deduplication_id_for_fifo_queue[sqs]
	msgDedupRequired = "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_message_deduplication_id_invalid[empty]
	reasonIDChars = "%s can only include alphanumeric and punctuation characters. 1 to 128 in length."
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
	reasonQueueName = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
	// source: doc https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
	reasonFifoName = "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
	// source: snapshot tests/aws/services/sqs/test_sqs.snapshot.json#test_create_standard_queue_with_fifo_attribute_raises_error[sqs]
	msgFifoOnly = "You can specify the %s only when FifoQueue is set to true."
	// source: unconfirmed seki's text for a RedrivePolicy whose target queue does not exist.
	reasonNoDLQ = "Dead letter target does not exist."
	// source: unconfirmed seki's text for a RedrivePolicy without maxReceiveCount in 1..1000.
	reasonMaxReceive = "Value for parameter maxReceiveCount must be between 1 and 1000."
)

// The query protocol's own answers.
const (
	// source: unconfirmed seki's own words for a form body that does not parse (SQS answers malformed bodies with InvalidParameterValue)
	msgBodyNotParsed = "The request body could not be parsed."
	// source: unconfirmed the query protocol's generic answer, as IAM and STS give it
	msgActionNotValidFmt = "The action %s is not valid for this endpoint."
)
