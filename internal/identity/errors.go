package identity

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// The errors of the lookups, with the statuses botocore's IAM model gives
// them. internal/iam answers with the same ones.
var (
	// ErrNoSuchEntity is IAM's code for a missing user, group, role or policy.
	ErrNoSuchEntity = awserr.Code{Name: "NoSuchEntity", Status: http.StatusNotFound}
	errUnknownKey   = awserr.Code{Name: "InvalidClientTokenId", Status: http.StatusForbidden}
)

const (
	// source: unconfirmed observed in real AWS answers quoted in public issue reports (as sigv4's msgTokenInvalid)
	msgUnknownKey = "The security token included in the request is invalid."
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_create_service_specific_credential_invalid_user
	msgNoSuchUserFmt = "The user with name %s cannot be found."
	// source: unconfirmed the user form's wording (snapshot test_create_service_specific_credential_invalid_user) with "role"
	msgNoSuchRoleFmt = "The role with name %s cannot be found."
	// source: snapshot tests/aws/services/iam/test_iam.snapshot.json#test_role_attach_policy
	msgNotAttachableFmt = "Policy %s does not exist or is not attachable."
)

// NoSuchUser is IAM's answer for a user name that names no user.
func NoSuchUser(name string) error { return ErrNoSuchEntity.Errorf(msgNoSuchUserFmt, name) }

// NoSuchRole is IAM's answer for a role name that names no role.
func NoSuchRole(name string) error { return ErrNoSuchEntity.Errorf(msgNoSuchRoleFmt, name) }

// NotAttachable answers a policy ARN that names no policy that may be
// attached.
func NotAttachable(arn string) error { return ErrNoSuchEntity.Errorf(msgNotAttachableFmt, arn) }
