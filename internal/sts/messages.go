package sts

// AWS's texts of the operations whose files declare none of their own.

// The texts of AssumeRoleWithSAML's errors.
const (
	// source: unconfirmed STS's answer quoted in cevoaustralia/aws-google-auth#270 ("InvalidIdentityToken ... Response signature invalid")
	msgSAMLSignature = "Response signature invalid"
	// source: unconfirmed STS's answer quoted in dbeaver/cloudbeaver#3112 for an Issuer the provider's metadata does not name
	msgSAMLIssuer = "Issuer not present in specified provider"
	// source: unconfirmed STS's answer quoted in MicrosoftDocs/azure-docs#45025
	msgSAMLSessionName = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
	// source: unconfirmed the text users of SAML federation report for a PrincipalArn with no provider behind it
	msgSAMLNoProvider = "Specified provider doesn't exist"
	// source: unconfirmed seki's own: the SAMLAssertion is not base64 of a SAML 2.0 Response seki can read
	msgSAMLMalformed = "Invalid SAML response: %s"
	// source: unconfirmed seki's own: the assertion's AudienceRestriction does not name AWS sign-in
	msgSAMLAudience = "SAML assertion audience is not https://signin.aws.amazon.com/saml"
	// source: unconfirmed seki's own: SubjectConfirmationData's Recipient is not AWS sign-in
	msgSAMLRecipient = "SAML assertion recipient is not https://signin.aws.amazon.com/saml"
	// source: unconfirmed seki's own: the Conditions' NotBefore is still ahead
	msgSAMLNotYetValid = "SAML assertion is not yet valid"
	// source: unconfirmed seki's own: the Role attribute does not hold the pair RoleArn,PrincipalArn of the request
	msgSAMLRolePair = "The SAML assertion's Role attribute does not contain the pair %s,%s"
	// source: unconfirmed the text SAML users report for a trust policy that does not admit them (aws/aws-sdk-net#744: "Not authorized to perform sts:AssumeRoleWithSAML")
	msgSAMLDenied = "Not authorized to perform sts:AssumeRoleWithSAML"
	// source: unconfirmed the form of STS's ValidationError for a malformed ARN that AssumeRoleWithWebIdentity also uses
	msgSAMLInvalidARN = "%s is invalid"
)

// source: unconfirmed STS's answer as users of AssumeRole commonly report it
const msgDurationExceedsRoleMax = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."

// Texts the handlers answer with, declared once.
const (
	// source: snapshot tests/aws/services/apigateway/test_apigateway_common.snapshot.json#tests/aws/services/apigateway/test_apigateway_common.py::TestApigatewayRouting::test_routing_not_found
	msgMissingAuthenticationToken = "Missing Authentication Token"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgRolesMayNotBe = "Roles may not be assumed by root accounts."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgUserIsNotAuthorizedFmt = "User: %s is not authorized to perform: sts:SetSourceIdentity on resource: %s"
	// source: snapshot tests/aws/services/sts/test_sts.snapshot.json#tests/aws/services/sts/test_sts.py::TestSTSAssumeRoleTagging::test_assume_role_tag_validation
	msgDuplicateTagKeysFound = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
	// source: snapshot tests/aws/services/sts/test_sts.snapshot.json#tests/aws/services/sts/test_sts.py::TestSTSAssumeRoleTagging::test_assume_role_tag_validation
	msgTheSpecifiedTransitiveTag = "The specified transitive tag key must be included in the requested tags."
	// source: snapshot tests/aws/services/sts/test_sts.snapshot.json#tests/aws/services/sts/test_sts.py::TestSTSAssumeRoleTagging::test_iam_role_chaining_override_transitive_tags
	msgOneOfTheSpecified = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgUserIsNotAuthorizedFmt2 = "User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheRequestedDurationsecondsExceeds = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#tests/aws/services/iam/test_iam.py::TestIAMIntegrations::test_role_attach_policy
	msgPolicyDoesNotExistFmt = "Policy %s does not exist or is not attachable."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgPackedPolicyConsumesFFmt = "Packed policy consumes %d%% of allotted space, please use smaller policy."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgPackedSizeOfSessionFmt = "Packed size of session tags consumes %d%% of allotted space."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgStsNoAuthorizerFor = "sts: no authorizer for service sessions"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheSecurityTokenIncluded = "The security token included in the request is invalid."
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgTheSecurityTokenIncluded2 = "The security token included in the request is expired"
	// source: unconfirmed seki's reading of AWS's answer; no validated recording has it
	msgCannotCallGetsessiontokenWith = "Cannot call GetSessionToken with session credentials"
	// source: unconfirmed GetSessionToken's wording for the same refusal (the API reference: GetFederationToken needs an IAM user's or the root user's long-term credentials)
	msgCannotCallGetFederationToken = "Cannot call GetFederationToken with session credentials"
)
