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
