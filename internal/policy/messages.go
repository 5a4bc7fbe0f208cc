package policy

// AWS's MalformedPolicyDocument texts, declared once. Where AWS builds a
// message around a value (the resource, the vendor), a helper formats it.
//
// "moto's cases" below are the invalid documents and IAM's answers listed
// in moto's IAM policy-validation tests, which record what IAM answered.
const (
	// source: unconfirmed quoted from a real CreatePolicy answer in github.com/99designs/iamy/issues/74
	msgSyntax = "Syntax errors in policy."
	// source: unconfirmed IAM's answer to a document without Version, in moto's cases
	msgVersion = "Policy document must be version 2012-10-17 or greater."
	// source: unconfirmed quoted from a real CreatePolicy answer in github.com/aws-samples/torchserve-eks/issues/3
	msgLegacy = "The policy failed legacy parsing"
	// source: unconfirmed IAM's answer to two statements with one Sid, in moto's cases
	msgSidUnique = "Statement IDs (SID) in a single policy must be unique."
	// source: unconfirmed IAM's answer to a Sid with punctuation, in moto's cases
	msgSidAlnum = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	// source: unconfirmed IAM's answer to a statement without Action, in moto's cases
	msgNoActions = "Policy statement must contain actions."
	// source: unconfirmed quoted from a real CreatePolicy answer in github.com/terraform-aws-modules/terraform-aws-iam/issues/603
	msgNoResources = "Policy statement must contain resources."
	// source: unconfirmed IAM's answer to an action without a vendor, in moto's cases
	msgVendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	// source: unconfirmed IAM's answer to an action with two colons, in moto's cases
	msgOneColon = "Actions/Condition can contain only one colon."
	// source: unconfirmed quoted from a real answer to an identity policy with a Principal (Terraform's MalformedPolicyDocument report, volcengine.com/article/2076895)
	msgNoPrincipalHere = "Policy document should not specify a principal."
	// source: unconfirmed IAM's answer to a trust policy statement without Principal; same family as the documented "Has prohibited field Principal" (repost.aws/knowledge-center/iam-principal-policy)
	msgMissingPrincipal = "Missing required field Principal"
	// source: unconfirmed IAM's answer to a trust policy with Resource; same family as the documented "Has prohibited field Principal" (repost.aws/knowledge-center/iam-principal-policy)
	msgTrustResource = "Has prohibited field Resource"
	// source: unconfirmed IAM's answer to a trust policy with NotPrincipal, worded as the documented "Has prohibited field Principal"
	msgTrustNotPrincipal = "Has prohibited field NotPrincipal"
	// source: unconfirmed IAM's answer to a trust policy granting other actions, as quoted in public issue reports (the double space is AWS's)
	msgTrustActions = "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity"
	// source: unconfirmed IAM's answer to "arn:aws" and wildcard services, in moto's cases
	msgResourceVendor = "Resource vendor must be fully qualified and cannot contain regexes."
	// source: doc https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html (RCPs allow only through RCPFullAWSAccess; the wording is unconfirmed)
	msgRCPAllow = "The effect Allow is only supported for the RCPFullAWSAccess policy."
	// source: unconfirmed IAM's answer to NotPrincipal with Allow, as quoted in public issue reports
	msgNotPrincipalAllow = "NotPrincipal must be used with \"Effect\":\"Deny\"."
	// source: doc https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html (RCPs must name Principal "*"; the wording is unconfirmed)
	msgRCPPrincipal = "Resource control policies must specify Principal \"*\"."
	// A trust policy that is not JSON at all.
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_create_role_with_malformed_assume_role_policy_document
	msgTrustJSON = "This policy contains invalid Json"
	// An IAM resource ARN that names no kind of IAM entity ("arn:aws:iam:::x");
	// the list is iamResourcePaths.
	// source: unconfirmed quoted from a real PutRolePolicy answer in public incident notes (2026); moto's cases record the older wording without "root"
	msgIAMResourcePath = `IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
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

// msgResourceFormat refuses a resource that is not an ARN.
// source: unconfirmed quoted from a real IAM answer in github.com/CloudSnorkel/CloudWatch2S3/issues/1
func msgResourceFormat(r string) string {
	return "Resource " + r + " must be in ARN format or \"*\"."
}

// msgPartition refuses a resource of another partition; as is the
// resource as IAM read it (foreignPartition).
// source: unconfirmed quoted from real IAM answers in github.com/eksctl-io/eksctl/issues/4329 and github.com/terraform-aws-modules/terraform-aws-iam/issues/39; moto's cases record "a:bsdfdsafsad" answered for "arn:bsdfdsafsad:*:*:*:*"
func msgPartition(part, as string) string {
	return "Partition \"" + part + "\" is not valid for resource \"" + as + "\"."
}

// msgVendorInvalid refuses an action whose vendor has other characters.
// source: unconfirmed IAM's answer to "s3s s:ListBucket"-like vendors, in moto's cases
func msgVendorInvalid(v string) string {
	return "Vendor " + v + " is not valid"
}

// msgInvalidPrincipal refuses a principal that names nobody.
// source: unconfirmed quoted from real CreateRole and PutBucketPolicy answers in many public issue reports ("Invalid principal in policy: \"AWS\":\"arn:…\"")
func msgInvalidPrincipal(typ, v string) string {
	return "Invalid principal in policy: \"" + typ + "\":\"" + v + "\""
}
