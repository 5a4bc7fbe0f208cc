package lambda

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// The catalogue of the operations on event invoke configs, provisioned
// concurrency and code signing configs (errors.go holds the rest of
// Lambda's texts).

// Event invoke configs.
const (
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions (get_function_doesnotexist, get_qualifier_doesnotexist, delete_function_not_found)
	msgNoEventInvoke = "The function %s doesn't have an EventInvokeConfig"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions (put_functionname_name_notfound, list_function_doesnotexist)
	msgEventInvokeNoFunction = "The function doesn't exist."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions (put_functionname_nootherargs)
	msgEventInvokeEmpty = "You must specify at least one of error handling or destination setting."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions (put_destination_invalid_service_arn)
	msgDestinationConfig = "The provided destination config %s is invalid."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions (put_destination_lambda_doesntexist)
	msgDestinationARN = "The destination ARN %s is invalid."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions (put_destination_recursive)
	msgDestinationSelf = "You can't specify the function as a destination for itself."
	// The DestinationArn pattern AWS quotes (newer than botocore's model:
	// the region may start with "eusc-").
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions (put_destination_invalid_arn_pattern)
	patDestination = `$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)`
)

// Provisioned concurrency.
var (
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (get_provisioned_config_doesnotexist: 404, "message", Type User)
	errProvisionedNotFound = awserr.Code{Name: "ProvisionedConcurrencyConfigNotFoundException", Status: http.StatusNotFound, LowerMessage: true}
)

const (
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (get_provisioned_config_doesnotexist)
	msgNoProvisioned = "No Provisioned Concurrency Config found for this function"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (get_provisioned_latest, delete_provisioned_latest)
	msgProvisionedAliasOrVersion = "The function resource provided must be an alias or a published version."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (put_provisioned_latest)
	msgProvisionedUnpublished = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle (put_provisioned_on_alias_versionconflict)
	msgProvisionedAliasOnVersion = "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle (put_provisioned_on_version_conflict)
	msgProvisionedVersionByAlias = "Version is pointed by a Provisioned Concurrency alias"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits (put_provisioned_concurrency_account_limit_exceeded)
	msgProvisionedOverUnreserved = "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [%d]."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits (put_provisioned_concurrency_below_unreserved_min_value)
	msgProvisionedUnreservedMin = "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d]."
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_reserved_provisioned_overlap (reserved_equals_provisioned_another_provisioned_exc)
	msgProvisionedOverReserved = "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function"
	// AWS's text starts with a space and has two before the number.
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_reserved_provisioned_overlap (reserved_lower_than_provisioned_exc)
	msgReservedBelowProvisioned = " ReservedConcurrentExecutions  %d should not be lower than function's total provisioned concurrency [%d]."
)

// Code signing configs.
var (
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (put_function_csc_invalid_csc_arn: 404, "Message", Type User)
	errCSCNotFound = awserr.Code{Name: "CodeSigningConfigNotFoundException", Status: http.StatusNotFound}
)

const (
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (get_csc_invalid, delete_csc_notfound, update_csc_invalid_csc_arn)
	msgCSCMissing = "The Lambda code signing configuration %s can not be found."
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (put_function_csc_invalid_csc_arn, put_function_csc_invalid_both)
	msgCSCNotFound = "The code signing configuration cannot be found. Check that the provided configuration is not deleted: %s."
	// source: unconfirmed the rule is DeleteCodeSigningConfig's (API reference: "only if no function is using it"); no recording has AWS's words
	msgCSCInUse = "The code signing configuration cannot be deleted because it is used by one or more functions."
	// The CodeSigningConfigArn pattern of Lambda's service model.
	// source: doc https://docs.aws.amazon.com/lambda/latest/api/API_GetCodeSigningConfig.html
	patCSCArn = `arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}`
)

// Recursive loop detection and SnapStart.
const (
	// RecursiveLoop's values, in the order AWS's enum message lists them.
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaRecursion::test_put_function_recursion_config_invalid_value
	recursionTerminate = "Terminate"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaRecursion::test_put_function_recursion_config_allow
	recursionAllow = "Allow"
)

// recursiveLoopValues is the enum as AWS's message lists it.
var recursiveLoopValues = []string{recursionTerminate, recursionAllow}

// SnapStart.
const (
	// SnapStart.ApplyOn's values, in the order AWS's enum message lists them.
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaSnapStart::test_snapstart_exceptions
	snapStartPublished = "PublishedVersions"
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaSnapStart::test_snapstart_lifecycle[python3.12]
	snapStartNone = "None"
	// SnapStart asked for on a runtime without it (InvalidParameterValueException, 400).
	// source: unconfirmed AWS's answer to CreateFunction(nodejs22.x, SnapStart PublishedVersions) quoted in localstack/localstack pull request 12458 (2025-03-31); no validated recording has it
	msgSnapStartRuntime = "%s is not supported for SnapStart enabled functions."
)

// snapStartApplyOnValues is the enum as AWS's message lists it.
var snapStartApplyOnValues = []string{snapStartPublished, snapStartNone}

// Provisioned concurrency's initialization.
const (
	// What the function sees in AWS_LAMBDA_INITIALIZATION_TYPE in an
	// environment initialized for provisioned concurrency.
	// source: doc https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
	initProvisioned = "provisioned-concurrency"
	// StatusReason of a config whose environments failed INIT.
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_provisioned_concurrency_init_failure (get_provisioned_postwait)
	reasonInitFailure = "FUNCTION_ERROR_INIT_FAILURE"
)
