package apigateway

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// API Gateway's management API speaks REST-JSON: the code in
// x-amzn-ErrorType and the message in a lower-case "message" member.

// AccessDenied is API Gateway's denial. The server passes it as the
// Dispatcher's Deny code.
var AccessDenied = awserr.Code{Name: "AccessDeniedException", Status: http.StatusForbidden, LowerMessage: true}

var (
	errNotFound   = awserr.Code{Name: "NotFoundException", Status: http.StatusNotFound, LowerMessage: true}
	errBadRequest = awserr.Code{Name: "BadRequestException", Status: http.StatusBadRequest, LowerMessage: true}
	errConflict   = awserr.Code{Name: "ConflictException", Status: http.StatusConflict, LowerMessage: true}
	errUnknownOp  = awserr.Code{Name: "UnknownOperationException", Status: http.StatusNotFound, LowerMessage: true}
)

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayGatewayResponse::test_gateway_response_validation
const msgInvalidAPI = "Invalid API identifier specified %s:%s"

// source: unconfirmed API Gateway's wording for its other identifiers follows msgInvalidAPI's
const msgInvalidIntegration = "Invalid Integration identifier specified"

// source: unconfirmed the required-member message of API Gateway's validation
const msgRequired = "%s is required."

// source: unconfirmed API Gateway rejects a stage that exists by name
const msgStageExists = "Stage already exists"

// source: unconfirmed API Gateway rejects a second route with one key
const msgRouteExists = "Route with key %s already exists for this API"

// source: unconfirmed what HTTP API validation says of an unusable route key
const msgBadRouteKey = "Invalid route key %s"

// source: unconfirmed what HTTP API validation says of an integration seki cannot run
const msgIntegration = "Only AWS_PROXY integrations with a Lambda function ARN are supported"

// source: unconfirmed HTTP APIs accept payload format versions 1.0 and 2.0
const msgPayloadVersion = "PayloadFormatVersion must be 1.0 or 2.0"

// source: unconfirmed seki serves HTTP APIs only
const msgProtocol = "Only ProtocolType HTTP is supported"

// Bodies of an API's own answers to callers (not the management API).
const (
	// source: doc https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
	bodyInternal = `{"message":"Internal Server Error"}`
	// source: unconfirmed HTTP APIs answer a request no route matches so
	bodyNotFound = `{"message":"Not Found"}`
	// source: unconfirmed the payload limit answer of HTTP APIs
	bodyTooLarge = `{"message":"Request Entity Too Large"}`
	// source: doc https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
	bodyForbidden = `{"message":"Forbidden"}`
	// source: doc https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
	bodyUnauthorized = `{"message":"Unauthorized"}`
)

// source: unconfirmed seki serves NONE, AWS_IAM and CUSTOM (Lambda authorizer) routes, not JWT
const msgAuthorizationType = "AuthorizationType %s is not supported; use NONE, AWS_IAM or CUSTOM"

// source: unconfirmed what API Gateway says of a CUSTOM route without an authorizer
const msgAuthorizerIDRequired = "AuthorizerId is required for a CUSTOM route"

// source: unconfirmed what API Gateway says of an authorizer on a route that is not CUSTOM
const msgAuthorizerNotCustom = "AuthorizerId can only be set when AuthorizationType is CUSTOM"

// source: unconfirmed seki serves Lambda (REQUEST) authorizers, not JWT ones
const msgJWT = "JWT authorizers are not supported by seki; use a REQUEST (Lambda) authorizer"

// source: unconfirmed HTTP APIs' authorizer types are REQUEST and JWT
const msgAuthorizerType = "Invalid authorizer type %s"

// source: unconfirmed a REQUEST authorizer needs its Lambda invoke URI
const msgAuthorizerURI = "AuthorizerUri is required for a REQUEST authorizer"

// source: unconfirmed the invoke URI form of the Developer Guide (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations)
const msgBadAuthorizerURI = "Invalid AuthorizerUri %s: want arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations"

// source: unconfirmed a REQUEST authorizer of an HTTP API must say its payload format version
const msgAuthorizerVersion = "AuthorizerPayloadFormatVersion is required for a REQUEST authorizer"

// source: unconfirmed HTTP API authorizers take payload format versions 1.0 and 2.0
const msgBadAuthorizerVersion = "Invalid AuthorizerPayloadFormatVersion %s: want 1.0 or 2.0"

// source: doc https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
const msgSimpleV2 = "EnableSimpleResponses is only supported for AuthorizerPayloadFormatVersion 2.0"

// source: doc https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html
const msgTTL = "AuthorizerResultTtlInSeconds must be between 0 and 3600"

// source: doc https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html
const msgIdentityForCache = "IdentitySource is required when authorization caching is enabled"

// source: unconfirmed the identity source expressions of HTTP API authorizers ($request.header.NAME, $request.querystring.NAME, $context.NAME, $stageVariables.NAME)
const msgIdentitySource = "Invalid identity source %s"

// source: unconfirmed what API Gateway says of a stage name with a slash or space
const msgBadStage = "Invalid stage name %s"

// source: unconfirmed API Gateway's not-found wording for an API's routes, integrations and stages
const msgInvalidChild = "Invalid %s identifier specified %s"

// source: unconfirmed API Gateway refuses to delete an authorizer a route still names
const msgAuthorizerInUse = "Cannot delete authorizer %s: it is used by route %s"

// source: unconfirmed API Gateway's not-found wording for a resource ARN it does not know
const msgTagResource = "Invalid resource ARN %s"

// source: doc https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
const msgTooManyTags = "A resource can have at most 50 tags"

// source: unconfirmed AWS's tagging rules: keys of 1 to 128 characters not starting with aws:, values up to 256
const msgBadTag = "Invalid tag key %s"

// REST APIs (API Gateway v1): the management API's texts.

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiResource::test_update_resource_behaviour
const msgInvalidResource = "Invalid Resource identifier specified"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiMethod::test_method_lifecycle
const msgInvalidMethod = "Invalid Method identifier specified"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiResource::test_update_resource_behaviour
const msgSiblingName = "Another resource with the same parent already has this name: %s"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiResource::test_create_proxy_resource_validation
const msgSiblingVariable = "A sibling (%s) of this resource already has a variable path part -- only one is allowed"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiResource::test_create_proxy_resource_validation
const msgGreedyChild = "Cannot create a child of a resource with a greedy path variable: %s"

// source: unconfirmed the wording CloudFormation users quote for a pathPart API Gateway refuses
const msgPathPart = "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace."

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiMethod::test_put_method_validation
const msgHTTPMethod = "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiMethod::test_put_method_validation
const msgAuthorizerRequired = "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer."

// source: unconfirmed the enum AuthorizationType values of PutMethod's documentation
const msgRestAuthorizationType = "Invalid authorization type specified. Valid options are NONE,AWS_IAM,CUSTOM,COGNITO_USER_POOLS"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiRestApi::test_create_rest_api_with_optional_params
const msgEmptyDescription = "Description cannot be an empty string"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiRestApi::test_update_rest_api_ip_address_type
const msgEndpointTypes = "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiRestApi::test_create_rest_api_with_optional_params
const msgMultipleEndpointTypes = "Cannot create an api with multiple Endpoint Types."

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiRestApi::test_update_rest_api_compression
const msgPatchOp = "Invalid patch operation specified. Must be one of: [replace]"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApiGatewayApiRestApi::test_update_rest_api_behaviour
const msgPatchPath = "Invalid patch path %s"

// source: snapshot tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json#test_put_integration_aws_proxy_uri
const msgIntegrationARN = "AWS ARN for integration must contain path or action"

// source: snapshot tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json#test_put_integration_aws_proxy_uri
const msgIntegrationBadARN = "Invalid ARN specified in the request"

// source: snapshot tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json#test_put_integration_aws_proxy_uri
const msgIntegrationProxy = "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations."

// source: unconfirmed seki runs AWS_PROXY Lambda integrations (and answers MOCK ones with nothing) only
const msgIntegrationType = "Integration type %s is not supported by seki; use AWS_PROXY with a Lambda function"

// source: unconfirmed the required-member wording of API Gateway v1 validation
const msgRestRequired = "%s is required"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestApigatewayIntegrationResponse::test_integration_response_invalid_integration
const msgNoIntegration = "Invalid Integration identifier specified"

// source: unconfirmed API Gateway's not-found wording for a stage, as for its other identifiers
const msgInvalidStage = "Invalid Stage identifier specified"

// source: unconfirmed API Gateway's not-found wording for a deployment, as for its other identifiers
const msgInvalidDeployment = "Invalid Deployment identifier specified"

// source: unconfirmed CreateDeployment of an API without methods
const msgNoMethods = "The REST API doesn't contain any methods"

// source: unconfirmed API Gateway refuses a second stage with one name
const msgRestStageExists = "Stage already exists"

// source: snapshot tests/aws/services/apigateway/test_apigateway_api.snapshot.json#TestDeployments::test_create_delete_deployments[True]
const msgDeploymentInUse = "Active stages pointing to this deployment must be moved or deleted"

// source: unconfirmed the IAM policy grammar errors of API Gateway resource policies
const msgRestPolicy = "Invalid policy document. Please check the policy syntax and try again."

// What a REST API answers its callers when it does not run the function.
const (
	// source: snapshot tests/aws/services/apigateway/test_apigateway_common.snapshot.json#TestApigatewayRouting::test_routing_not_found
	bodyMissingToken = `{"message":"Missing Authentication Token"}`
	// source: snapshot tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json#test_aws_proxy_response_payload_format_validation
	bodyRestInternal = `{"message": "Internal server error"}`
	// source: unconfirmed REST APIs answer a stage that does not exist with a bare Forbidden
	bodyRestForbidden = `{"message":"Forbidden"}`
)

// The x-amzn-ErrorType of a REST API's own answers.
const (
	// source: snapshot tests/aws/services/apigateway/test_apigateway_common.snapshot.json#TestApigatewayRouting::test_routing_not_found
	typeMissingToken = "MissingAuthenticationTokenException"
	// source: unconfirmed the gateway response type ACCESS_DENIED answers with AccessDeniedException
	typeAccessDenied = "AccessDeniedException"
	// source: unconfirmed the gateway response types of SigV4 failures (INVALID_SIGNATURE, EXPIRED_TOKEN)
	typeInvalidSignature = "InvalidSignatureException"
	// source: unconfirmed the gateway response type of an unknown access key
	typeUnrecognizedClient = "UnrecognizedClientException"
)

// msgExecuteDenied is a REST API's denial of execute-api:Invoke, sent as
// {"Message":...} with the API owner's account masked but for its last
// four digits.
// source: unconfirmed AWS's answers quoted in ASFHyP3/hyp3#2283 and aws-samples/nft-deployment-amazon-managed-blockchain#1 ({"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-west-2:********2543:vd2gh6uqw3/api/GET/"})
const msgExecuteDenied = "User: %s is not authorized to perform: execute-api:Invoke on resource: %s"

// source: unconfirmed AWS's answers quoted in aws-samples/nft-deployment-amazon-managed-blockchain#1
const msgExplicitDenySuffix = " with an explicit deny"

// source: unconfirmed DeleteResource of an API's root resource
const msgRootDelete = "Cannot delete root resource"

// source: unconfirmed an identityValidationExpression that is not a regular expression
const msgValidationExpression = "Invalid identity validation expression %s"

// source: unconfirmed seki has no Cognito user pools
const msgCognito = "COGNITO_USER_POOLS authorizers are not supported by seki; use TOKEN or REQUEST"

// What a REST API answers when its Lambda authorizer refuses or fails.
const (
	// source: doc https://repost.aws/knowledge-center/api-gateway-401-error-lambda-authorizer
	typeUnauthorized = "UnauthorizedException"
	// source: unconfirmed the gateway response type AUTHORIZER_CONFIGURATION_ERROR
	typeAuthorizerConfig = "AuthorizerConfigurationException"
	// source: unconfirmed what REST APIs answer when the authorizer cannot be run or its answer cannot be used
	bodyAuthorizerConfig = `{"message":null}`
	// source: doc https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer (the member named Message, as REST APIs name it in their denials)
	bodyRestAuthorizerDenied = `{"Message":"User is not authorized to access this resource"}`
	// source: doc https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer (the member named Message, as REST APIs name it in their denials)
	bodyRestAuthorizerExplicit = `{"Message":"User is not authorized to access this resource with an explicit deny"}`
)
