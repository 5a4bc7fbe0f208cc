package lambda

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
