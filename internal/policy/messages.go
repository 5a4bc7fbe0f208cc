package policy

// AWS's MalformedPolicyDocument texts, declared once. Where AWS builds a
// message around a value (the resource, the vendor), a helper formats it.
const (
	msgSyntax            = "Syntax errors in policy."
	msgVersion           = "Policy document must be version 2012-10-17 or greater."
	msgLegacy            = "The policy failed legacy parsing"
	msgSidUnique         = "Statement IDs (SID) in a single policy must be unique."
	msgSidAlnum          = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgNoActions         = "Policy statement must contain actions."
	msgNoResources       = "Policy statement must contain resources."
	msgVendor            = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon          = "Actions/Condition can contain only one colon."
	msgNoPrincipalHere   = "Policy document should not specify a principal."
	msgMissingPrincipal  = "Missing required field Principal"
	msgTrustResource     = "Has prohibited field Resource"
	msgTrustNotPrincipal = "Has prohibited field NotPrincipal"
	msgTrustActions      = "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity"
	msgResourceVendor    = "Resource vendor must be fully qualified and cannot contain regexes."
	msgRCPAllow          = "The effect Allow is only supported for the RCPFullAWSAccess policy."
	msgNotPrincipalAllow = "NotPrincipal must be used with \"Effect\":\"Deny\"."
	msgRCPPrincipal      = "Resource control policies must specify Principal \"*\"."
	// A trust policy that is not JSON at all.
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_create_role_with_malformed_assume_role_policy_document
	msgTrustJSON = "This policy contains invalid Json"
)

// msgIAMRegion refuses a region in an IAM resource ARN.
// source: unconfirmed AWS's text as quoted from an IAM 400 MalformedPolicyDocument in github.com/aws/aws-cdk/issues/13104
func msgIAMRegion(r string) string {
	return "IAM resource " + r + " cannot contain region information."
}

// msgS3Region refuses a region in an S3 resource ARN.
// source: unconfirmed AWS's text as quoted from an IAM 400 MalformedPolicyDocument in github.com/aws/aws-cdk/issues/22445
func msgS3Region(r string) string {
	return "Resource " + r + " can not contain region information."
}

func msgResourceFormat(r string) string {
	return "Resource " + r + " must be in ARN format or \"*\"."
}

func msgVendorInvalid(v string) string {
	return "Vendor " + v + " is not valid"
}

func msgInvalidPrincipal(typ, v string) string {
	return "Invalid principal in policy: \"" + typ + "\":\"" + v + "\""
}
