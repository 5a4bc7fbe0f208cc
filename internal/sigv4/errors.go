package sigv4

import (
	"strconv"

	"github.com/seki-dev/seki/internal/awserr"
)

// Reason says why a request failed verification, independent of the
// protocol that will report it.
type Reason int

// The reasons a request can fail. Each has one row in the rules table below.
const (
	_ Reason = iota
	// ReasonMissingAuth: no Authorization header and no X-Amz-* query auth.
	ReasonMissingAuth
	// ReasonUnsupportedAuthType: an Authorization header that is not SigV4
	// at all ("Bearer …", SigV2 "AWS AKID:sig").
	ReasonUnsupportedAuthType
	// ReasonBothAuth: both an Authorization header and X-Amz-Algorithm.
	ReasonBothAuth
	// ReasonMalformedAuth: an Authorization component without '='.
	ReasonMalformedAuth
	// ReasonIncompleteSignature: Credential, Signature or SignedHeaders (or
	// a presigned URL's required parameters) are missing.
	ReasonIncompleteSignature
	// ReasonMissingDate: neither X-Amz-Date nor Date is present.
	ReasonMissingDate
	// ReasonInvalidDate: the request date is not ISO 8601 basic format.
	ReasonInvalidDate
	// ReasonUnsupportedAlgorithm: AWS4-… but not AWS4-HMAC-SHA256.
	ReasonUnsupportedAlgorithm
	// ReasonMalformedCredential: the credential is not key/date/region/service/term.
	ReasonMalformedCredential
	// ReasonScope: the credential scope's region, terminator or date is wrong.
	ReasonScope
	// ReasonHostNotSigned: "host" is not among the signed headers.
	ReasonHostNotSigned
	// ReasonHeadersNotSigned: S3 presigned request carrying unsigned x-amz-* headers.
	ReasonHeadersNotSigned
	// ReasonSkew: the request time is outside the allowed clock skew.
	ReasonSkew
	// ReasonInvalidExpires: X-Amz-Expires is not a number, negative or over a week.
	ReasonInvalidExpires
	// ReasonPresignExpired: a presigned URL used after its expiry.
	ReasonPresignExpired
	// ReasonPresignNotYetValid: a presigned URL dated in the future.
	ReasonPresignNotYetValid
	// ReasonMalformedQuery: the query string has an invalid %-escape.
	ReasonMalformedQuery
	// ReasonUnknownKey: the access key id is not known.
	ReasonUnknownKey
	// ReasonMissingToken: temporary credentials used without their session token.
	ReasonMissingToken
	// ReasonInvalidToken: a session token that does not belong to the key.
	ReasonInvalidToken
	// ReasonExpiredToken: the credentials have expired.
	ReasonExpiredToken
	// ReasonSignatureMismatch: the signature does not match.
	ReasonSignatureMismatch
	// ReasonMissingContentSHA256: S3 header auth without x-amz-content-sha256.
	ReasonMissingContentSHA256
	// ReasonInvalidContentSHA256: an x-amz-content-sha256 value S3 does not accept.
	ReasonInvalidContentSHA256
	// ReasonContentSHA256Mismatch: the body does not hash to x-amz-content-sha256.
	ReasonContentSHA256Mismatch
	// ReasonChunkSignature: an aws-chunked chunk or trailer signature does not match.
	ReasonChunkSignature
	// ReasonChunkMalformed: the aws-chunked body is malformed or truncated.
	ReasonChunkMalformed
	// ReasonChunkSize: a chunk other than the last is smaller than 8 KiB.
	ReasonChunkSize
	// ReasonBadDigest: a trailing x-amz-checksum-* does not match the body.
	ReasonBadDigest
	// ReasonDuplicateAuth: more than one Authorization header. Which one a
	// proxy or a service would honour is unclear, so none is.
	ReasonDuplicateAuth

	numReasons
)

var reasonNames = [numReasons]string{
	ReasonMissingAuth:           "MissingAuth",
	ReasonUnsupportedAuthType:   "UnsupportedAuthType",
	ReasonBothAuth:              "BothAuth",
	ReasonMalformedAuth:         "MalformedAuth",
	ReasonIncompleteSignature:   "IncompleteSignature",
	ReasonMissingDate:           "MissingDate",
	ReasonInvalidDate:           "InvalidDate",
	ReasonUnsupportedAlgorithm:  "UnsupportedAlgorithm",
	ReasonMalformedCredential:   "MalformedCredential",
	ReasonScope:                 "Scope",
	ReasonHostNotSigned:         "HostNotSigned",
	ReasonHeadersNotSigned:      "HeadersNotSigned",
	ReasonSkew:                  "Skew",
	ReasonInvalidExpires:        "InvalidExpires",
	ReasonPresignExpired:        "PresignExpired",
	ReasonPresignNotYetValid:    "PresignNotYetValid",
	ReasonMalformedQuery:        "MalformedQuery",
	ReasonUnknownKey:            "UnknownKey",
	ReasonMissingToken:          "MissingToken",
	ReasonInvalidToken:          "InvalidToken",
	ReasonExpiredToken:          "ExpiredToken",
	ReasonSignatureMismatch:     "SignatureMismatch",
	ReasonMissingContentSHA256:  "MissingContentSHA256",
	ReasonInvalidContentSHA256:  "InvalidContentSHA256",
	ReasonContentSHA256Mismatch: "ContentSHA256Mismatch",
	ReasonChunkSignature:        "ChunkSignature",
	ReasonChunkMalformed:        "ChunkMalformed",
	ReasonChunkSize:             "ChunkSize",
	ReasonBadDigest:             "BadDigest",
	ReasonDuplicateAuth:         "DuplicateAuth",
}

func (r Reason) String() string {
	if r > 0 && r < numReasons {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Error is a verification failure, independent of protocol. Message is the
// text AWS's common front end (IAM, STS, Lambda, DynamoDB, Logs) sends; S3
// words most failures differently, and AWS picks the right one.
type Error struct {
	Reason  Reason
	Message string

	// presigned selects S3's query-auth wording (AuthorizationQueryParametersError).
	presigned bool
	// s3Message and s3Fields are what S3 says; s3Message "" means Message.
	s3Message string
	s3Fields  []awserr.Field
	// s3Code overrides the table for the few reasons where S3 answers with
	// different codes depending on details (SigV2 vs. unknown schemes).
	s3Code *awserr.Code
	// CanonicalRequest and StringToSign are what seki computed, for
	// signature mismatches. S3 returns them to the client; the other services
	// do not, but seki's logs and `seki explain` may.
	CanonicalRequest string
	StringToSign     string
}

func (e *Error) Error() string {
	return "sigv4: " + e.Reason.String() + ": " + e.Message
}

// family is a group of services that answer authentication failures alike.
type family int

const (
	famQuery   family = iota // IAM, STS: query protocol, codes without "Exception"
	famLambda                // Lambda: REST-JSON, 403 for every auth failure
	famJSON                  // DynamoDB, CloudWatch Logs, EventBridge, ECR, Kinesis: JSON 1.0/1.1, 400
	famS3                    // S3 with header auth
	famS3Query               // S3 with presigned (query) auth
	numFamilies
)

func familyOf(service string, presigned bool) family {
	switch service {
	case "s3":
		if presigned {
			return famS3Query
		}
		return famS3
	case "lambda":
		return famLambda
	case "dynamodb", "logs", "events", "ecr", "kinesis":
		return famJSON
	}
	// IAM, STS and any service seki does not know: the query protocol's
	// wording is AWS's generic one.
	return famQuery
}

// rule is one row of the table: the code each family answers with, and the
// message where it is fixed for that family ("" means the error's own).
type rule struct {
	code [numFamilies]awserr.Code
	msg  [numFamilies]string
}

// Codes, by the service family that answers. Sources, per row below:
// [obs] observed in real AWS responses quoted in public issue reports;
// [doc] AWS documentation ("Common Errors" pages give the status codes);
// [dyn] dynalite's record of real DynamoDB answers, in the order it checks;
// [guess] not confirmed; the most plausible answer, documented as such.
var (
	codeMissingAuthQuery  = awserr.Code{Name: "MissingAuthenticationToken", Status: 403}          // [obs] STS 403, [doc]
	codeMissingAuthLambda = awserr.Code{Name: "MissingAuthenticationTokenException", Status: 403} // [obs] Lambda invoke 403
	codeMissingAuthJSON   = awserr.Code{Name: "MissingAuthenticationTokenException", Status: 400} // [dyn]
	codeAccessDeniedS3    = awserr.Code{Name: "AccessDenied", Status: 403}                        // [obs]

	codeIncompleteQuery  = awserr.Code{Name: "IncompleteSignature", Status: 400}          // [doc]
	codeIncompleteLambda = awserr.Code{Name: "IncompleteSignatureException", Status: 403} // [guess] Lambda answers auth failures with 403
	codeIncompleteJSON   = awserr.Code{Name: "IncompleteSignatureException", Status: 400} // [obs] 400, [dyn]

	codeSigQuery  = awserr.Code{Name: "SignatureDoesNotMatch", Status: 403}             // [obs]
	codeSigLambda = awserr.Code{Name: "InvalidSignatureException", Status: 403}         // [obs] Lambda 403
	codeSigJSON   = awserr.Code{Name: "InvalidSignatureException", Status: 400}         // [obs] DynamoDB 400
	codeSigS3     = awserr.Code{Name: "SignatureDoesNotMatch", Status: 403}             // [obs]
	codeTokenIDQ  = awserr.Code{Name: "InvalidClientTokenId", Status: 403}              // [obs], [doc]
	codeUnrecL    = awserr.Code{Name: "UnrecognizedClientException", Status: 403}       // [obs] Lambda 403
	codeUnrecJ    = awserr.Code{Name: "UnrecognizedClientException", Status: 400}       // [obs] DynamoDB 400
	codeKeyIDS3   = awserr.Code{Name: "InvalidAccessKeyId", Status: 403}                // [obs]
	codeTokenS3   = awserr.Code{Name: "InvalidToken", Status: 400}                      // [guess]
	codeExpQ      = awserr.Code{Name: "ExpiredToken", Status: 403}                      // [obs] STS 403
	codeExpL      = awserr.Code{Name: "ExpiredTokenException", Status: 403}             // [obs] Lambda 403
	codeExpJ      = awserr.Code{Name: "ExpiredTokenException", Status: 400}             // [obs] DynamoDB 400
	codeExpS3     = awserr.Code{Name: "ExpiredToken", Status: 400}                      // [obs] S3 400
	codeSkewS3    = awserr.Code{Name: "RequestTimeTooSkewed", Status: 403}              // [obs]
	codeReqExpQ   = awserr.Code{Name: "RequestExpired", Status: 400}                    // [doc] (for presigned URLs; wording [guess])
	codeReqExpL   = awserr.Code{Name: "RequestExpired", Status: 403}                    // [guess]
	codeHdrMalS3  = awserr.Code{Name: "AuthorizationHeaderMalformed", Status: 400}      // [obs]
	codeQryErrS3  = awserr.Code{Name: "AuthorizationQueryParametersError", Status: 400} // [obs]
	codeInvArgS3  = awserr.Code{Name: "InvalidArgument", Status: 400}                   // [obs]
	codeInvReqS3  = awserr.Code{Name: "InvalidRequest", Status: 400}                    // [obs]
	codeMalQryQ   = awserr.Code{Name: "MalformedQueryString", Status: 404}              // [doc] (404 is what the docs say)
	codeMalQryJ   = awserr.Code{Name: "MalformedQueryString", Status: 400}              // [guess]
	codeInvURIS3  = awserr.Code{Name: "InvalidURI", Status: 400}                        // [guess]
	codeSHAMisS3  = awserr.Code{Name: "XAmzContentSHA256Mismatch", Status: 400}         // [obs]
	codeIncBodyS3 = awserr.Code{Name: "IncompleteBody", Status: 400}                    // [doc] code; use for malformed chunks [guess]
	codeChunkS3   = awserr.Code{Name: "InvalidChunkSizeError", Status: 403}             // [obs]
	codeDigestS3  = awserr.Code{Name: "BadDigest", Status: 400}                         // [obs]
)

// Fixed messages.
const (
	// source: unconfirmed observed in STS answers quoted in public issue reports; dynalite records DynamoDB answering the same
	msgMissingAuth = "Request is missing Authentication Token"
	// source: snapshot tests/aws/services/apigateway/test_apigateway_common.snapshot.json#tests/aws/services/apigateway/test_apigateway_common.py::TestApigatewayRouting::test_routing_not_found
	msgMissingAuthLambda = "Missing Authentication Token"
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgSigMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_request_malformed_policy[s3]
	msgSigMismatchS3 = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgTokenInvalid = "The security token included in the request is invalid."
	// source: unconfirmed dynalite's record of DynamoDB's real answers: no period when the token itself is wrong
	msgTokenInvalidJSON = "The security token included in the request is invalid"
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgTokenExpired = "The security token included in the request is expired"
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgTokenExpiredS3 = "The provided token has expired."
	// source: unconfirmed the most plausible answer; not confirmed by a recording
	msgTokenInvalidS3 = "The provided token is malformed or otherwise invalid."
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgUnknownKeyS3 = "The AWS Access Key Id you provided does not exist in our records."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_delete_bucket_policy_expected_bucket_owner
	msgAccessDeniedS3 = "Access Denied"
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgSkewS3 = "The difference between the request time and the current time is too large."
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgBadDateS3 = "AWS authentication requires a valid Date or x-amz-date header"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedUrl::test_presigned_url_signature_authentication_expired[s3-False]
	msgPresignExpiredS3 = "Request has expired"
	// source: unconfirmed observed in real AWS answers quoted in public issue reports (seen on S3; exact V4 fields [guess])
	msgPresignFutureS3 = "Request is not yet valid"
	// source: unconfirmed the most plausible answer; not confirmed by a recording
	msgRequestExpired = "Request has expired."
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgMissingSHA256S3 = "Missing required header for this request: x-amz-content-sha256"
	// source: unconfirmed observed in real AWS answers quoted in public issue reports (2016 wording; S3 may now list the newer STREAMING-* values too)
	msgInvalidSHA256S3 = "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value."
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgSHA256MismatchS3 = "The provided 'x-amz-content-sha256' header does not match what was computed."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedUrl::test_put_object_with_md5_and_chunk_signature_bad_headers[s3v4-True]
	msgHeadersNotSigned = "There were headers present in the request which were not signed"
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgChunkSizeS3 = "Only the last chunk is allowed to have a size less than 8192 bytes"
	// source: unconfirmed the AWS documentation gives the code and status; the wording is the one AWS is reported to use (IncompleteBody)
	msgIncompleteBodyS3 = "You did not provide the number of bytes specified by the Content-Length HTTP header"
	// source: snapshot tests/aws/services/s3control/test_s3control.snapshot.json#tests/aws/services/s3control/test_s3control.py::TestS3ControlAccessPoint::test_access_point_name_validation
	msgInvalidURIS3 = "Couldn't parse the specified URI."
	// source: unconfirmed observed in real AWS answers quoted in public issue reports
	msgThreeComponentsS3 = "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature."
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedUrl::test_s3_put_presigned_url_missing_sig_param[s3v4]
	msgPresignParamsS3 = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
	// source: unconfirmed the most plausible answer; not confirmed by a recording
	msgUnsupportedTypeS3 = "Unsupported Authorization Type"
	// source: unconfirmed dynalite's record of DynamoDB's real answers
	msgBothAuth = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	// source: unconfirmed the most plausible answer; not confirmed by a recording
	msgBothAuthS3 = "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
)

// A credential scope's region that is not an AWS region. The texts are
// built around the region: "<msgInvalidRegion>mars-1'. " and, for S3,
// "<header or query prefix><msgWrongRegionS3>mars-1<...Expecting>us-east-1'".
const (
	// source: unconfirmed quoted from IAM and other services' answers in aws/aws-sdk-go#156, aws/aws-sdk-php#493 and aws/aws-sdk-ruby#508 ("Credential should be scoped to a valid region, not 'us-west-2'. ")
	msgInvalidRegion = "Credential should be scoped to a valid region, not '"
	// source: doc https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-400-bad-request.html
	msgWrongRegionHeaderS3 = "The authorization header is malformed; "
	// source: unconfirmed S3's presigned-URL wording of the same check, as commonly reported for a URL signed for the wrong region
	msgWrongRegionQueryS3 = "Error parsing the X-Amz-Credential parameter; "
	// source: doc https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-400-bad-request.html
	msgWrongRegionS3 = "the region '"
	// source: doc https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-400-bad-request.html
	msgWrongRegionS3Expecting = "' is wrong; expecting '"
)

// Signature Version 2 (S3).
const (
	// source: unconfirmed S3's answer to "Authorization: AWS" without AKID:signature, as quoted in S3-compatible servers' issue reports
	msgV2MalformedHeader = "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"
	// source: unconfirmed S3's answer to a query-string-authenticated URL missing a parameter, as quoted in public issue reports
	msgV2QueryParams = "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"
	// source: unconfirmed S3's answer to a non-numeric Expires, as quoted in public issue reports ("Invalid date (should be seconds since epoch): X")
	msgV2InvalidExpires = "Invalid date (should be seconds since epoch): "
)

// source: unconfirmed AWS's front end is not documented to refuse a second Authorization header; this says what seki refuses and why
const msgDuplicateAuth = "Only one 'Authorization' header is allowed; the request carries more than one."

// sig returns the three non-S3 codes of the "invalid signature" kind.
func sigRow(s3, s3q awserr.Code) [numFamilies]awserr.Code {
	return [numFamilies]awserr.Code{codeSigQuery, codeSigLambda, codeSigJSON, s3, s3q}
}

func incompleteRow(s3, s3q awserr.Code) [numFamilies]awserr.Code {
	return [numFamilies]awserr.Code{codeIncompleteQuery, codeIncompleteLambda, codeIncompleteJSON, s3, s3q}
}

// rules is the one table of codes and fixed messages, indexed by Reason and
// service family. It is built once and never written to.
var rules = [numReasons]rule{
	ReasonMissingAuth: {
		code: [numFamilies]awserr.Code{codeMissingAuthQuery, codeMissingAuthLambda, codeMissingAuthJSON, codeAccessDeniedS3, codeAccessDeniedS3},
		msg:  [numFamilies]string{msgMissingAuth, msgMissingAuthLambda, msgMissingAuth, msgAccessDeniedS3, msgAccessDeniedS3},
	},
	// [dyn] DynamoDB answers a non-"AWS4-" Authorization header as if none
	// were there; S3 names the scheme it does not support.
	ReasonUnsupportedAuthType: {
		code: [numFamilies]awserr.Code{codeMissingAuthQuery, codeMissingAuthLambda, codeMissingAuthJSON, codeInvArgS3, codeInvArgS3},
		msg:  [numFamilies]string{msgMissingAuth, msgMissingAuthLambda, msgMissingAuth},
	},
	ReasonBothAuth: {
		code: sigRow(codeInvArgS3, codeInvArgS3),
		msg:  [numFamilies]string{msgBothAuth, msgBothAuth, msgBothAuth, msgBothAuthS3, msgBothAuthS3},
	},
	ReasonMalformedAuth:        {code: incompleteRow(codeHdrMalS3, codeQryErrS3)},
	ReasonIncompleteSignature:  {code: incompleteRow(codeHdrMalS3, codeQryErrS3)},
	ReasonMissingDate:          {code: incompleteRow(codeAccessDeniedS3, codeQryErrS3)},
	ReasonInvalidDate:          {code: incompleteRow(codeAccessDeniedS3, codeQryErrS3)},
	ReasonUnsupportedAlgorithm: {code: incompleteRow(codeInvArgS3, codeQryErrS3)},
	ReasonMalformedCredential:  {code: incompleteRow(codeHdrMalS3, codeQryErrS3)},
	ReasonScope:                {code: sigRow(codeHdrMalS3, codeQryErrS3)},
	ReasonHostNotSigned:        {code: sigRow(codeAccessDeniedS3, codeAccessDeniedS3)},
	ReasonHeadersNotSigned: {
		code: sigRow(codeAccessDeniedS3, codeAccessDeniedS3),
		msg:  [numFamilies]string{famS3: msgHeadersNotSigned, famS3Query: msgHeadersNotSigned},
	},
	ReasonSkew: {
		code: sigRow(codeSkewS3, codeAccessDeniedS3),
	},
	ReasonInvalidExpires: {code: incompleteRow(codeQryErrS3, codeQryErrS3)},
	ReasonPresignExpired: {
		code: [numFamilies]awserr.Code{codeReqExpQ, codeReqExpL, codeReqExpQ, codeAccessDeniedS3, codeAccessDeniedS3},
		msg:  [numFamilies]string{msgRequestExpired, msgRequestExpired, msgRequestExpired, msgPresignExpiredS3, msgPresignExpiredS3},
	},
	ReasonPresignNotYetValid: {
		code: sigRow(codeAccessDeniedS3, codeAccessDeniedS3),
		msg:  [numFamilies]string{famS3: msgPresignFutureS3, famS3Query: msgPresignFutureS3},
	},
	ReasonMalformedQuery: {
		code: [numFamilies]awserr.Code{codeMalQryQ, codeMalQryJ, codeMalQryJ, codeInvURIS3, codeInvURIS3},
		msg:  [numFamilies]string{famS3: msgInvalidURIS3, famS3Query: msgInvalidURIS3},
	},
	ReasonUnknownKey: {
		code: [numFamilies]awserr.Code{codeTokenIDQ, codeUnrecL, codeUnrecJ, codeKeyIDS3, codeKeyIDS3},
		msg:  [numFamilies]string{msgTokenInvalid, msgTokenInvalid, msgTokenInvalid, msgUnknownKeyS3, msgUnknownKeyS3},
	},
	// Without its token a temporary key is unknown to S3 too [guess].
	ReasonMissingToken: {
		code: [numFamilies]awserr.Code{codeTokenIDQ, codeUnrecL, codeUnrecJ, codeKeyIDS3, codeKeyIDS3},
		msg:  [numFamilies]string{msgTokenInvalid, msgTokenInvalid, msgTokenInvalidJSON, msgUnknownKeyS3, msgUnknownKeyS3},
	},
	ReasonInvalidToken: {
		code: [numFamilies]awserr.Code{codeTokenIDQ, codeUnrecL, codeUnrecJ, codeTokenS3, codeTokenS3},
		msg:  [numFamilies]string{msgTokenInvalid, msgTokenInvalid, msgTokenInvalidJSON, msgTokenInvalidS3, msgTokenInvalidS3},
	},
	ReasonExpiredToken: {
		code: [numFamilies]awserr.Code{codeExpQ, codeExpL, codeExpJ, codeExpS3, codeExpS3},
		msg:  [numFamilies]string{msgTokenExpired, msgTokenExpired, msgTokenExpired, msgTokenExpiredS3, msgTokenExpiredS3},
	},
	ReasonSignatureMismatch: {
		code: sigRow(codeSigS3, codeSigS3),
		msg:  [numFamilies]string{msgSigMismatch, msgSigMismatch, msgSigMismatch, msgSigMismatchS3, msgSigMismatchS3},
	},
	ReasonMissingContentSHA256: {
		code: sigRow(codeInvReqS3, codeInvReqS3),
		msg:  [numFamilies]string{msgSigMismatch, msgSigMismatch, msgSigMismatch, msgMissingSHA256S3, msgMissingSHA256S3},
	},
	ReasonInvalidContentSHA256: {
		code: sigRow(codeInvArgS3, codeInvArgS3),
		msg:  [numFamilies]string{msgSigMismatch, msgSigMismatch, msgSigMismatch, msgInvalidSHA256S3, msgInvalidSHA256S3},
	},
	ReasonContentSHA256Mismatch: {
		code: sigRow(codeSHAMisS3, codeSHAMisS3),
		msg:  [numFamilies]string{msgSigMismatch, msgSigMismatch, msgSigMismatch, msgSHA256MismatchS3, msgSHA256MismatchS3},
	},
	ReasonChunkSignature: {
		code: sigRow(codeSigS3, codeSigS3),
		msg:  [numFamilies]string{msgSigMismatch, msgSigMismatch, msgSigMismatch, msgSigMismatchS3, msgSigMismatchS3},
	},
	ReasonChunkMalformed: {
		code: incompleteRow(codeIncBodyS3, codeIncBodyS3),
		msg:  [numFamilies]string{famS3: msgIncompleteBodyS3, famS3Query: msgIncompleteBodyS3},
	},
	ReasonChunkSize: {
		code: incompleteRow(codeChunkS3, codeChunkS3),
		msg:  [numFamilies]string{famS3: msgChunkSizeS3, famS3Query: msgChunkSizeS3},
	},
	ReasonBadDigest: {
		code: incompleteRow(codeDigestS3, codeDigestS3),
	},
	// S3 answers a request carrying two ways to authenticate with
	// InvalidArgument (ReasonBothAuth); two headers are two ways.
	ReasonDuplicateAuth: {
		code: incompleteRow(codeInvArgS3, codeInvArgS3),
		msg:  [numFamilies]string{msgDuplicateAuth, msgDuplicateAuth, msgDuplicateAuth, msgBothAuthS3, msgBothAuthS3},
	},
}

// AWS returns the AWS error for this failure as the given service (the
// credential scope's service name: "iam", "sts", "lambda", "s3",
// "dynamodb", "logs") answers it. The returned error wraps e.
func (e *Error) AWS(service string) *awserr.Error {
	fam := familyOf(service, e.presigned)
	var row rule
	if e.Reason > 0 && e.Reason < numReasons {
		row = rules[e.Reason]
	}
	code := row.code[fam]
	if code.Name == "" {
		code = awserr.Internal
	}
	msg := row.msg[fam]
	isS3 := fam == famS3 || fam == famS3Query
	if isS3 && e.s3Code != nil {
		code = *e.s3Code
	}
	if msg == "" {
		msg = e.Message
		if isS3 && e.s3Message != "" {
			msg = e.s3Message
		}
	}
	out := code.New(msg)
	if isS3 && len(e.s3Fields) > 0 {
		out.Fields = append([]awserr.Field(nil), e.s3Fields...)
	}
	out.Cause = e
	return out
}

func newError(reason Reason, msg string) *Error {
	return &Error{Reason: reason, Message: msg}
}

func (e *Error) withS3(msg string, fields ...awserr.Field) *Error {
	e.s3Message = msg
	e.s3Fields = fields
	return e
}

// Messages built around a value (fmt formats, or prefixes the value
// follows). The wording of the non-S3 family is what AWS's common front end
// answers (dynalite recorded DynamoDB's; IAM, STS and Lambda answer alike).
const (
	// source: unconfirmed the front end's answer to a %-escape that is not hex, as recorded by dynalite for DynamoDB
	msgIllegalHex = "Illegal hex character in escape % pattern: "
	// source: unconfirmed seki's own detail of IncompleteBody for a malformed aws-chunked body
	msgChunkMalformed = "Malformed aws-chunked body: "
	// source: unconfirmed the front end's answer to an Authorization component without '=', as recorded by dynalite for DynamoDB
	msgMalformedAuthFmt = "'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'."
	// source: unconfirmed S3's answer to the same, as quoted in S3-compatible servers' issue reports
	msgMalformedAuthS3Fmt = "The authorization header is malformed; the authorization component \"%s\" is malformed."
	// source: unconfirmed the front end's answer to a presigned URL without X-Amz-Expires for S3, in the style of the missing-parameter answers below
	msgNeedExpires = "AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters."
	// source: unconfirmed the front end's answer to a presigned URL missing a parameter, as recorded by dynalite for DynamoDB (one sentence per parameter, then msgReexamine)
	msgQueryParamMissingFmt = "AWS query-string parameters must include '%s'. "
	// source: unconfirmed as msgQueryParamMissingFmt
	msgReexamine = "Re-examine the query-string parameters."
	// source: unconfirmed the front end's answer when host is not signed, as recorded by dynalite for DynamoDB
	msgHostNotSigned = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	// source: unconfirmed the front end's answer to another AWS4 algorithm, as recorded by dynalite for DynamoDB
	msgUnsupportedAlgorithmFmt = "Unsupported AWS 'algorithm': '%s' (only AWS4-HMAC-SHA256 for now). "
	// source: unconfirmed S3's answer to another presigned algorithm, as quoted in S3-compatible servers' issue reports
	msgUnsupportedAlgorithmS3 = `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`
	// source: unconfirmed the front end's answer to a malformed X-Amz-Date, as recorded by dynalite for DynamoDB
	msgInvalidDateFmt = "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601"
	// source: unconfirmed S3's answer to a malformed presigned X-Amz-Date, as quoted in S3-compatible servers' issue reports
	msgInvalidDateQueryS3 = `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`
	// source: unconfirmed the front end's answer to a late request, as observed in public issue reports ("Signature expired: 20190101T000000Z is now earlier than …")
	msgSkewPastFmt = "Signature expired: %s is now earlier than %s (%s - %s)"
	// source: unconfirmed the front end's answer to an early request, as observed in public issue reports
	msgSkewFutureFmt = "Signature not yet current: %s is still later than %s (%s + %s)"
	// source: unconfirmed the front end's answer to a non-numeric X-Amz-Expires, as recorded by dynalite for DynamoDB
	msgExpiresNumber = "X-Amz-Expires should be a number"
	// source: unconfirmed the front end's answer to a negative X-Amz-Expires, as recorded by dynalite for DynamoDB
	msgExpiresNegative = "X-Amz-Expires must be non-negative"
	// source: unconfirmed the front end's answer to X-Amz-Expires over a week, as recorded by dynalite for DynamoDB
	msgExpiresWeek = "X-Amz-Expires must be less than a week (in seconds) that is 604800"
	// source: unconfirmed the front end's answer to a credential without five parts, as recorded by dynalite for DynamoDB
	msgCredentialPartsFmt = "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'"
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedUrl::test_presigned_double_encoded_credentials
	msgCredentialQueryS3 = `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`
	// source: unconfirmed S3's header-auth wording of the same, as quoted in S3-compatible servers' issue reports
	msgCredentialHeaderS3 = `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`
)
