package logs

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
)

// AccessDenied is CloudWatch Logs' denial: AccessDeniedException with
// status 400. The server passes it as the Dispatcher's Deny code.
var AccessDenied = awserr.Code{Name: "AccessDeniedException", Status: http.StatusBadRequest}

// Error codes CloudWatch Logs answers with, each declared once; all of its
// client errors are status 400.
var (
	errInvalidParameter = awserr.Code{Name: "InvalidParameterException", Status: http.StatusBadRequest}
	errAlreadyExists    = awserr.Code{Name: "ResourceAlreadyExistsException", Status: http.StatusBadRequest}
	errNotFound         = awserr.Code{Name: "ResourceNotFoundException", Status: http.StatusBadRequest}
	errValidation       = awserr.Code{Name: "ValidationException", Status: http.StatusBadRequest}
	errTooManyTags      = awserr.Code{Name: "TooManyTagsException", Status: http.StatusBadRequest}
)

const (
	// source: unconfirmed the TooManyTagsException text is not in a snapshot; it states the documented limit of 50 tags per log group.
	msgTooManyTags = "A resource can have no more than 50 tags."
	// source: unconfirmed AWS's text for a resourceArn that is not a log group ARN is not in a snapshot.
	msgBadResourceARN = "Invalid resource arn: "
	// source: snapshot tests/aws/services/logs/test_logs_streams.snapshot.json#tests/aws/services/logs/test_logs_streams.py::TestLogsStreams::test_describe_log_streams_with_log_group_identifier
	msgNameAndARN = "LogGroup name and LogGroup ARN are mutually exclusive parameters."
	// source: unconfirmed AWS's text when neither logGroupName nor logGroupIdentifier is given, as quoted in public issue reports
	msgNameOrARN = "Should provide either name or ARN of the log group."
	// source: unconfirmed the text for an identifier that is not a log group ARN
	msgBadIdentifier = "Invalid log group identifier: "
	// source: unconfirmed PutLogEvents' answer to an event over 256 KiB, as quoted in public issue reports
	msgEventTooLargeFmt = "Log event too large: %d bytes exceeds limit of %d"
	// source: unconfirmed PutLogEvents' answer to a batch over 1 MiB, as quoted in public issue reports
	msgUploadTooLargeFmt = "Upload too large: %d bytes exceeds limit of %d"
	// source: snapshot tests/aws/services/logs/test_logs_events.snapshot.json#tests/aws/services/logs/test_logs_events.py::TestLogsEvents::test_put_log_events_wrong_order
	msgChronological = "Log events in a single PutLogEvents request must be in chronological order."
	// source: unconfirmed PutLogEvents' answer to a batch spanning more than a day, as quoted in public issue reports
	msgSpan24h = "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
	// source: unconfirmed CreateLogGroup's answer to a name under aws/, as quoted in public issue reports
	msgReservedAWS = "Log groups starting with AWS/ are reserved for AWS."
	// source: unconfirmed AWS's text for a group with deletion protection
	msgDeletionProtectedFmt = "Cannot delete log group %s because deletion protection is enabled."
	// source: unconfirmed DescribeLogGroups' answer to both filters, in the words of the recorded msgNameAndARN
	msgPrefixAndPattern = "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters."
	// source: unconfirmed FilterLogEvents' answer to both filters, in the words of the recorded msgNameAndARN
	msgNamesAndPrefix = "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
	// source: unconfirmed DescribeLogStreams' answer to orderBy LastEventTime with a prefix, as quoted in public issue reports
	msgOrderByPrefix = "Cannot order by LastEventTime with a logStreamNamePrefix."
)

// CloudWatch Logs reports model-constraint violations as
// InvalidParameterException in AWS's request-framework form, for example
// "1 validation error detected: Value 'a:b' at 'logGroupName' failed to
// satisfy constraint: Member must satisfy regular expression pattern:
// [\.\-_/#A-Za-z0-9]+". For one value the pattern is reported before the
// length, as AWS does for an empty logGroupNamePrefix.
type violations []string

// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework's form, which CloudWatch Logs shares)
func (v *violations) add(value *string, member, constraint string) {
	s := "Value null"
	if value != nil {
		s = "Value '" + *value + "'"
	}
	*v = append(*v, s+" at '"+member+"' failed to satisfy constraint: "+constraint)
}

// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework's form)
func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	n := strconv.Itoa(len(v)) + " validation error"
	if len(v) > 1 {
		n += "s"
	}
	return errInvalidParameter.New(n + " detected: " + strings.Join(v, "; "))
}

// str checks an optional string member.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework\'s constraint texts)
func (v *violations) str(value *string, member string, sh strShape) {
	if value == nil {
		return
	}
	if sh.re != nil && !sh.re.MatchString(*value) {
		v.add(value, member, fmt.Sprintf(msgPatternFmt, sh.pattern))
	}
	n := javaLen(*value)
	if n < sh.min {
		v.add(value, member, fmt.Sprintf(msgMinLenFmt, sh.min))
	}
	if sh.max > 0 && n > sh.max {
		v.add(value, member, fmt.Sprintf(msgMaxLenFmt, sh.max))
	}
}

// required checks a required string member.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework\'s constraint texts)
func (v *violations) required(value *string, member string, sh strShape) {
	if value == nil {
		v.add(nil, member, msgNotNull)
		return
	}
	v.str(value, member, sh)
}

// intRange checks an optional integer member.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework\'s constraint texts)
func (v *violations) intRange(value *int64, member string, min, max int64) {
	if value == nil {
		return
	}
	s := strconv.FormatInt(*value, 10)
	if *value < min {
		v.add(&s, member, fmt.Sprintf(msgMinValueFmt, min))
	}
	if *value > max {
		v.add(&s, member, fmt.Sprintf(msgMaxValueFmt, max))
	}
}

// enum checks an optional enumerated member.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework\'s constraint texts)
func (v *violations) enum(value *string, member string, allowed ...string) {
	if value == nil {
		return
	}
	for _, a := range allowed {
		if *value == a {
			return
		}
	}
	v.add(value, member, fmt.Sprintf(msgEnumFmt, strings.Join(allowed, ", ")))
}

// The request framework's constraint texts (violations.add).
const (
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the framework's constraint wording)
	msgNotNull = "Member must not be null"
	// source: unconfirmed the framework's constraint wording, as Lambda's recorded answers give it
	msgMinLenFmt = "Member must have length greater than or equal to %d"
	// source: unconfirmed the framework's constraint wording, as Lambda's recorded answers give it
	msgMaxLenFmt = "Member must have length less than or equal to %d"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs
	msgMinValueFmt = "Member must have value greater than or equal to %d"
	// source: unconfirmed the framework's constraint wording, as Lambda's recorded answers give it
	msgMaxValueFmt = "Member must have value less than or equal to %d"
	// source: unconfirmed the framework's constraint wording, as Lambda's recorded answers give it
	msgPatternFmt = "Member must satisfy regular expression pattern: %s"
	// source: unconfirmed the framework's constraint wording, as API Gateway's recorded answers give it
	msgEnumFmt = "Member must satisfy enum value set: [%s]"
	// source: unconfirmed CloudWatch Logs' answer to a bad tag key, in the framework's wording for map members
	msgTagKeys = `Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]`
	// source: unconfirmed CloudWatch Logs' answer to a bad tag value, in the framework's wording for map members
	msgTagValues = `Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$]`
)
