package sts

import (
	"context"
	"time"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
)

// ServiceSession asks for a role session on behalf of an AWS service, the
// way Lambda assumes a function's execution role.
type ServiceSession struct {
	RoleARN string
	// Service is the service principal assuming the role
	// ("lambda.amazonaws.com").
	Service string
	// SessionName becomes the last part of the session ARN (Lambda uses the
	// function name). It must be a valid RoleSessionName.
	SessionName string
	// Duration is the session's lifetime; 0 means one hour. It is held
	// within 15 minutes and 12 hours.
	Duration time.Duration
	// RequestID keys the decision in the decision log.
	RequestID string
	// Context carries extra condition keys the service supplies
	// (aws:SourceAccount, aws:SourceArn); nil means none.
	Context *policy.Context
}

// AssumeRoleForService assumes a role as a service principal. The role's
// trust policy must allow sts:AssumeRole for that service, decided by the
// same door as every request; a refusal (or a missing role) is AWS's
// AccessDenied, which the calling service turns into its own error.
func (s *Service) AssumeRoleForService(ctx context.Context, in ServiceSession) (Credentials, error) {
	var v violations
	v.str(in.SessionName, "roleSessionName", serviceSessionNameShape)
	v.str(in.RoleARN, "roleArn", arnShape)
	if err := v.err(); err != nil {
		return Credentials{}, err
	}
	a, err := arn.Parse(in.RoleARN)
	if err != nil || a.Resource == "" {
		return Credentials{}, errValidation.Errorf(msgInvalidRoleFmt, in.RoleARN)
	}
	door := s.authz
	if door == nil {
		return Credentials{}, awserr.Internal.New(msgStsNoAuthorizerFor)
	}
	role, found, err := s.roles.RoleByARN(ctx, in.RoleARN)
	if err != nil {
		return Credentials{}, err
	}
	keys := in.Context
	if keys == nil {
		keys = policy.NewContext(2)
	}
	keys.Set("sts:RoleSessionName", in.SessionName)
	check := &authz.Check{
		RequestID:       in.RequestID,
		Caller:          &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: in.Service}},
		Action:          "sts:AssumeRole",
		Resource:        in.RoleARN,
		ResourceAccount: a.AccountID,
		Context:         keys,
	}
	if found {
		check.ResourcePolicy = role.Trust
	}
	if err := door.Authorize(ctx, check); err != nil {
		return Credentials{}, err
	}
	if !found {
		return Credentials{}, errAccessDenied.Errorf(msgUserIsNotAuthorizedFmt2, in.Service, in.RoleARN)
	}
	d := in.Duration
	if d == 0 {
		d = defaultRoleDuration * time.Second
	}
	d = min(max(d, minDuration*time.Second), maxRoleDuration*time.Second)
	now := s.now().Truncate(time.Second)
	rec := &record{
		Session: Session{
			AccessKeyID: newKeyID(),
			Kind:        KindService,
			Issued:      now,
			Expires:     now.Add(d),
		},
		Principal: rolePrincipal(a.Partition, role, in.SessionName, nil),
	}
	return s.issue(ctx, rec, nil)
}
