package events

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// AccessDenied is EventBridge's denial: AccessDeniedException, answered
// with 400 like every error of its JSON protocol (botocore's events model
// declares no status, so the protocol's default applies).
var AccessDenied = awserr.Code{Name: "AccessDeniedException", Status: http.StatusBadRequest}

// The codes EventBridge answers with.
var (
	errValidation     = awserr.Code{Name: "ValidationException", Status: http.StatusBadRequest}
	errNotFound       = awserr.Code{Name: "ResourceNotFoundException", Status: http.StatusBadRequest}
	errInvalidPattern = awserr.Code{Name: "InvalidEventPatternException", Status: http.StatusBadRequest}
	errLimitExceeded  = awserr.Code{Name: "LimitExceededException", Status: http.StatusBadRequest}
	errExists         = awserr.Code{Name: "ResourceAlreadyExistsException", Status: http.StatusBadRequest}
	errPolicyLength   = awserr.Code{Name: "PolicyLengthExceededException", Status: http.StatusBadRequest}
)

// Messages, each with where its text comes from.
const (
	// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventRule::test_delete_rule_with_targets
	msgRuleHasTargets = "Rule can't be deleted since it has targets."
	// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventTarget::test_add_exceed_fife_targets_per_rule
	msgTooManyTargets = "The requested resource exceeds the maximum number allowed."
	// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEvents::test_put_event_with_too_big_detail
	msgEntriesTooBig = "Total size of the entries in the request is over the limit."
	// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEvents::test_put_events_without_source
	msgSourceRequired = "Parameter Source is not valid. Reason: Source is a required argument."
	// source: unconfirmed worded as the Source case
	msgDetailTypeRequired = "Parameter DetailType is not valid. Reason: DetailType is a required argument."
	// source: unconfirmed worded as the Source case
	msgDetailRequired = "Parameter Detail is not valid. Reason: Detail is a required argument."
	// source: unconfirmed AWS refuses a Detail that is not a JSON object
	msgDetailMalformed = "Detail is malformed."
	// source: snapshot tests/aws/services/events/test_events_patterns.snapshot.json#TestEventPattern::test_plain_string_payload
	msgEventInvalid = "Parameter Event is not valid."
	// source: doc https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
	msgPatternOrSchedule = "Parameter(s) EventPattern or ScheduleExpression must be specified."
	// source: unconfirmed AWS's wording for a schedule expression it cannot parse
	msgScheduleInvalid = "Parameter ScheduleExpression is not valid."
)

// ruleNotFound is the answer for a rule that is not there, on the bus it
// was looked for on.
// source: snapshot tests/aws/services/events/test_events_tags.snapshot.json#TestRuleTags::test_list_tags_for_deleted_rule
func ruleNotFound(name, bus string) error {
	return errNotFound.New("Rule " + name + " does not exist on EventBus " + bus + ".")
}

// busNotFound is the answer for an event bus other than the default one.
// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventBus::test_put_events_nonexistent_event_bus
func busNotFound(name string) error {
	return errNotFound.New("Event bus " + name + " does not exist.")
}

// patternMemberViolation is a regular-expression or length violation.
// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventTarget::test_put_target_id_validation
func memberPattern(value, at, pattern string) error {
	return errValidation.New("1 validation error detected: Value '" + value + "' at '" + at + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + pattern)
}

// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventTarget::test_put_target_id_validation
func memberLength(value, at string, max int) error {
	return errValidation.Errorf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", value, at, max)
}

const (
	// source: unconfirmed EventBridge's answer to a target Input that is not JSON, as quoted in public issue reports
	msgTargetInputFmt = "Target %s has an invalid Input: it must be valid JSON."
	// source: snapshot tests/aws/services/events/test_events.snapshot.json#tests/aws/services/events/test_events.py::TestEvents::test_put_events_exceed_limit_ten_entries[default]
	msgEntriesCount = "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1"
)

// Event buses and their policies.
const (
	// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventBus::test_delete_default_event_bus
	msgDeleteDefaultBus = "Cannot delete event bus default."
	// source: unconfirmed AWS's answer quoted in hashicorp/terraform-provider-aws issue 22131 (and anomalyco/sst issue 4325); the API reference says the rules must be deleted first
	msgBusHasRules = "EventBus can't be deleted since it has rules."
	// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventBus::test_remove_permission_non_existing_sid[True-custom]
	msgNoSuchStatement = "Statement with the provided id does not exist."
	// source: unconfirmed LocalStack's provider words the missing StatementId so; no recording of AWS's
	msgStatementIDRequired = "Parameter StatementId is required."
	// source: unconfirmed the parameters PutPermission needs without a Policy (API reference, PutPermission); AWS's wording unrecorded
	msgPermissionParams = "Parameters Action, Principal and StatementId are required when Policy is not given."
	// source: doc https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html
	msgPolicyTooLong = "The permission policy on the event bus cannot exceed 10 KB in size."
	// source: unconfirmed AWS's wording for a ScheduleExpression on a custom bus, as reported by users of the API
	msgScheduleDefaultBusOnly = "ScheduleExpression is supported only on the default event bus."
	// source: unconfirmed AWS refuses a policy document it cannot read; the parser's reason follows
	msgPolicyInvalidPrefix = "Policy is not valid. Reason: "
	// source: unconfirmed AWS's wording for a ResourceARN that names no event bus or rule is unrecorded
	msgResourceARNInvalid = "Parameter ResourceARN is not valid."
)

// busExists is CreateEventBus's answer for a name already taken.
// source: snapshot tests/aws/services/events/test_events.snapshot.json#TestEventBus::test_create_multiple_event_buses_same_name
func busExists(name string) error {
	return errExists.New("Event bus " + name + " already exists.")
}
