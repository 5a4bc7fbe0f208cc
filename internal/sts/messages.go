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
