package runtime

import (
	"context"
	"errors"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
)

// Assumer assumes execution roles for environments. STS implements it (the
// server adapts (*sts.Service).AssumeRoleForService): the role is assumed
// as the service principal lambda.amazonaws.com through the one door, so
// its trust policy is evaluated on every call, and the session is named
// after the function, making the function's calls
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION.
//
// A refusal must be an *awserr.Error (STS's AccessDenied); Run reports it
// as Lambda does, keeping it as the cause for seki's own logs.
type Assumer interface {
	AssumeRole(ctx context.Context, in AssumeInput) (Credentials, error)
}

// AssumeInput is one role assumption.
type AssumeInput struct {
	RoleARN string
	// SessionName is the function's name.
	SessionName string
	// FunctionARN is the unqualified function ARN (for the decision log).
	FunctionARN string
	// RequestID is the invocation that starts the environment; it keys the
	// decision in the decision log.
	RequestID string
	// Duration is the session lifetime asked for.
	Duration time.Duration
}

// Credentials are an environment's role session.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// sessionDuration is the lifetime asked for an environment's session.
// Environments are retired before it ends (see usable); the refresh is a
// new environment, since a running process's environment variables cannot
// be changed. AWS, too, recycles environments every few hours.
const sessionDuration = time.Hour

// credentialMargin is how long a session must still be valid, beyond the
// function's timeout, for an environment to take another invocation.
const credentialMargin = 5 * time.Minute

// assumeRole gets an environment's credentials, turning a refusal into
// Lambda's error.
func (r *Runtime) assumeRole(ctx context.Context, in AssumeInput) (Credentials, error) {
	if r.opts.Assumer == nil {
		return Credentials{}, errService.New(msgNoSTS)
	}
	c, err := r.opts.Assumer.AssumeRole(ctx, in)
	if err == nil {
		return c, nil
	}
	var e *awserr.Error
	if errors.As(err, &e) && e.Status < 500 {
		return Credentials{}, errRoleAssume.New(msgRoleCannotAssume).Wrap(err)
	}
	return Credentials{}, err
}
