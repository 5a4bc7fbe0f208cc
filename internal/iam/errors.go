package iam

import (
	"errors"
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
)

// IAM's error codes, with the statuses botocore's model gives them.
var (
	errEntityExists        = awserr.Code{Name: "EntityAlreadyExists", Status: http.StatusConflict}
	errMalformedPolicy     = awserr.Code{Name: "MalformedPolicyDocument", Status: http.StatusBadRequest}
	errLimitExceeded       = awserr.Code{Name: "LimitExceeded", Status: http.StatusConflict}
	errDeleteConflict      = awserr.Code{Name: "DeleteConflict", Status: http.StatusConflict}
	errValidation          = awserr.Code{Name: "ValidationError", Status: http.StatusBadRequest}
	errInvalidInput        = awserr.Code{Name: "InvalidInput", Status: http.StatusBadRequest}
	errPolicyNotAttachable = awserr.Code{Name: "PolicyNotAttachable", Status: http.StatusBadRequest}
)

// Messages confirmed against AWS responses quoted in public bug reports are
// written plainly; the others carry an "unconfirmed:" note.

// source: unconfirmed IAM's answer as quoted in public bug reports
func noSuchGroup(name string) error {
	return errNoSuchEntity.Errorf("The group with name %s cannot be found.", name)
}

// noSuchInline: "The role policy with name X cannot be found." and "The group
// policy with name X cannot be found." are confirmed; the user form follows
// the same pattern.
// source: unconfirmed the role and group forms as quoted in public bug reports; the user form follows them
func noSuchInline(kind entityKind, name string) error {
	return errNoSuchEntity.Errorf("The %s policy with name %s cannot be found.", kind, name)
}

// source: unconfirmed the message for an access key id that does not exist.
func noSuchAccessKey(id string) error {
	return errNoSuchEntity.Errorf("The Access Key with id %s cannot be found.", id)
}

// GetPolicy (and friends) on a missing policy.
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#tests/aws/services/iam/test_iam.py::TestIAMIntegrations::test_delete_non_existent_policy_returns_no_such_entity
func noSuchPolicy(arn string) error {
	return errNoSuchEntity.Errorf("Policy %s was not found.", arn)
}

// source: unconfirmed detaching a policy that is not attached.
func notAttached(arn string) error {
	return errNoSuchEntity.Errorf("Policy %s was not found.", arn)
}

// source: unconfirmed a version id that the policy does not have.
func noSuchVersion(arn, version string) error {
	return errNoSuchEntity.Errorf("Policy %s version %s does not exist or is not attachable.", arn, version)
}

// source: unconfirmed a permissions boundary naming a policy that does not exist.
func noSuchBoundary(arn string) error {
	return errNoSuchEntity.Errorf("Scope ARN: %s does not exist or is not attachable.", arn)
}

// unparsableARN answers Attach*Policy with a PolicyArn that is not an ARN
// (a policy name, a word), whatever its length.
// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_role_attach_policy (non_existent_malformed_policy_arn, existing_policy_name_provided)
func unparsableARN() error {
	return errValidation.New("Invalid ARN:  Could not be parsed!")
}

// source: unconfirmed IAM's answer as quoted in public bug reports
func invalidARN(arn string) error {
	return errInvalidInput.Errorf("ARN %s is not valid.", arn)
}

// source: unconfirmed IAM's answer as quoted in public bug reports
func userExists(name string) error {
	return errEntityExists.Errorf("User with name %s already exists.", name)
}

// source: unconfirmed IAM's answer as quoted in public bug reports
func roleExists(name string) error {
	return errEntityExists.Errorf("Role with name %s already exists.", name)
}

// source: unconfirmed follows the user and role messages.
func groupExists(name string) error {
	return errEntityExists.Errorf("Group with name %s already exists.", name)
}

// source: unconfirmed IAM's answer as quoted in public bug reports
func policyExists(name string) error {
	return errEntityExists.Errorf("A policy called %s already exists. Duplicate names are not allowed.", name)
}

// quota answers going past one of IAM's quotas ("Cannot exceed quota for
// AccessKeysPerUser: 2", "... PolicySize: 6144", "... ACLSizePerRole: 2048",
// "... PoliciesPerRole: 10").
// source: unconfirmed IAM's answer as quoted in public bug reports
func quota(name string, n int) error {
	return errLimitExceeded.Errorf("Cannot exceed quota for %s: %d", name, n)
}

// inlineTooLarge answers a combined inline-policy size past the entity's
// quota ("Maximum policy size of 2048 bytes exceeded for user X").
// source: unconfirmed IAM's answer as quoted in public bug reports
func inlineTooLarge(kind entityKind, name string, limit int) error {
	return errLimitExceeded.Errorf("Maximum policy size of %d bytes exceeded for %s %s", limit, kind, name)
}

const (
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgMustDeletePolicies = "Cannot delete entity, must delete policies first."
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgMustDetach = "Cannot delete entity, must detach all policies first."
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgMustRemoveUsers = "Cannot delete entity, must remove users from group first."
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgMustDeleteKeys = "Cannot delete entity, must delete access keys first."
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgPolicyAttached = "Cannot delete a policy attached to entities."
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgPolicyHasVersions = "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgDefaultVersion = "Cannot delete the default version of a policy."
	// source: unconfirmed IAM's answer as quoted in public bug reports
	msgTooManyVersions = "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
	// source: unconfirmed a user's own-credential call made with other credentials.
	msgNeedUserName = "Must specify userName when calling with non-User credentials"
	// source: unconfirmed changing an AWS managed policy.
	msgNotYourNamespace = "Policy %s is not in your namespace."
	// source: unconfirmed request tags with keys equal but for case.
	msgDuplicateTagKeys = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
	// source: unconfirmed more than 50 tags on one entity.
	msgTooManyTags = "The number of tags has reached the maximum limit."
	// source: unconfirmed a Marker seki did not issue.
	msgBadMarker = "Invalid Marker."
)

// malformed turns a policy parse failure into MalformedPolicyDocument with
// the engine's AWS message.
// source: unconfirmed the engine's texts (internal/policy/messages.go), and IAM's generic "Syntax errors in policy." as quoted in github.com/99designs/iamy/issues/74
func malformed(err error) error {
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		return errMalformedPolicy.New(se.Message).Wrap(err)
	}
	return errMalformedPolicy.New("Syntax errors in policy.").Wrap(err)
}

// Messages of the SAML provider operations (saml.go).
const (
	// source: unconfirmed IAM's InvalidInput for a document that is not SAML metadata, as users report it
	msgSAMLMetadata = "Could not parse metadata"
	// source: unconfirmed the wording of the other IAM entities' EntityAlreadyExists, applied to providers
	msgSAMLExists = "SAML provider with name %s already exists."
	// source: unconfirmed the text quoted by public tests that mock IAM's NoSuchEntity for GetSAMLProvider
	msgSAMLNotFound = "Manifest not found for arn %s"
)

// Texts that were spelled out where they are used.
const (
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaAlias::test_notfound_and_invalid_routingconfigs (the request framework's form, which IAM shares; the value is already quoted or null)
	msgViolationFmt = "Value %s at '%s' failed to satisfy constraint: %s"
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_user_match_id_mismatch (a credential id's violation names no value)
	msgViolationHiddenFmt = "Value at '%s' failed to satisfy constraint: %s"
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_invalid_update_parameters
	msgEnumHidden = "Member must satisfy enum value set"
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_create_service_specific_credential_invalid_service
	msgSSCServiceFmt = "No such service %s is supported for Service Specific Credentials"
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_user_match_id_mismatch
	msgNoSuchSSCFmt = "No such credential %s exists"
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_delete_user_after_service_credential_created
	msgMustRemoveReferenced = "Cannot delete entity, must remove referenced objects first."
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_user_match_id_mismatch ("1 validation error detected: …")
	msgViolationsFmt = "%d validation %s detected: %s"
	// source: unconfirmed IAM's answer to a trust policy naming a principal that does not exist, as quoted in many public issue reports
	msgInvalidPrincipalFmt = `Invalid principal in policy: "AWS":"%s"`
	// source: unconfirmed IAM's answer to UpdateAccessKey with Status Expired (the model's enum has it, IAM refuses it)
	msgStatusExpired = "Invalid status: Expired"
	// source: unconfirmed IAM's answer to SimulateCustomPolicy with a CallerArn that is not a user or role
	msgCallerARNFmt = "Invalid CallerArn: %s"
)
