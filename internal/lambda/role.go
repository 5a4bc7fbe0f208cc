package lambda

import (
	"context"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// lambdaPrincipal is the service principal that assumes execution roles.
const lambdaPrincipal = "lambda.amazonaws.com"

// validRoleARN matches arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
// against the whole string.
func validRoleARN(s string) bool {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return false
	}
	i := strings.IndexByte(rest, ':')
	if i < 0 {
		return false
	}
	if part := rest[:i]; part != "" && !validPartition(part) {
		return false
	}
	rest, ok = strings.CutPrefix(rest[i+1:], "iam::")
	if !ok || len(rest) < 13 || !isAccountID(rest[:12]) {
		return false
	}
	rest, ok = strings.CutPrefix(rest[12:], ":role")
	if !ok {
		return false
	}
	// "/?" then one or more of a set that itself contains '/': so simply
	// one or more characters of the set.
	if rest == "" {
		return false
	}
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-/", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// checkRole is what CreateFunction and UpdateFunctionConfiguration do with
// an execution role: the ARN's shape, iam:PassRole for the caller (with
// iam:PassedToService), and the role's trust policy letting
// lambda.amazonaws.com call sts:AssumeRole.
func (s *Service) checkRole(ctx context.Context, r *protocol.Request, roleARN string) error {
	if !validRoleARN(roleARN) {
		return validationError("role", roleARN, patRole)
	}
	// A function's execution role lives in the function's account.
	if parts := strings.SplitN(roleARN, ":", 6); len(parts) == 6 && parts[4] != r.Account() {
		return AccessDenied.New(msgCrossAccountPassRole)
	}
	keys := policy.NewContext(r.Context.Len() + 1)
	r.Context.Range(func(k string, v []string) bool {
		keys.Set(k, v...)
		return true
	})
	keys.Set("iam:PassedToService", lambdaPrincipal)
	if err := r.Authorize(ctx, "iam:PassRole", protocol.Target{Resource: roleARN}, keys); err != nil {
		return err
	}
	if s.opts.Roles == nil {
		return errInvalidParameter.New(msgRoleNotAssumed)
	}
	role, ok, err := s.opts.Roles.RoleByARN(ctx, roleARN)
	if err != nil {
		return err
	}
	if !ok || role.Trust == nil {
		return errInvalidParameter.New(msgRoleNotAssumed)
	}
	caller := &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: lambdaPrincipal}}
	err = r.AuthorizeAs(ctx, caller, "sts:AssumeRole", protocol.Target{Resource: role.ARN, Account: role.Account, Policy: role.Trust}, policy.NewContext(0))
	if err != nil {
		if AccessDenied.Is(err) {
			return errInvalidParameter.New(msgRoleNotAssumed).Wrap(err)
		}
		return err
	}
	return nil
}
