package sts

import (
	"context"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// GetSessionToken duration limits, in seconds.
const (
	defaultUserSessionDuration = 43200
	maxSessionDuration         = 129600
	// rootMaxDuration caps root sessions; longer requests get one hour
	// rather than an error (STS API Reference, GetSessionToken).
	rootMaxDuration = 3600
)

type getSessionTokenResult struct {
	Credentials *credentialsXML
}

// getSessionToken issues credentials with the caller's own permissions.
// It needs no permission, and session credentials may not call it.
func (s *Service) getSessionToken(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	var v violations
	d, has := v.integer(r.Params, "DurationSeconds", "durationSeconds", minDuration, maxSessionDuration)
	v.optional(r.Params, "SerialNumber", "serialNumber", serialNumberShape)
	v.optional(r.Params, "TokenCode", "tokenCode", tokenCodeShape)
	if err := v.err(); err != nil {
		return nil, err
	}
	c := r.Caller
	if c == nil {
		return nil, errMissingCredential.New(msgMissingAuthenticationToken)
	}
	if strings.HasPrefix(c.AccessKeyID, "ASIA") || (c.Principal.Type != policy.User && c.Principal.Type != policy.Root) {
		return nil, errAccessDenied.New(msgCannotCallGetsessiontokenWith)
	}
	duration := defaultUserSessionDuration
	if has {
		duration = d
	}
	if c.Principal.Type == policy.Root {
		duration = min(duration, rootMaxDuration)
	}
	now := s.now().Truncate(time.Second)
	p := c.Principal
	rec := &record{
		Session: Session{
			AccessKeyID: newKeyID(),
			Kind:        KindSessionToken,
			Issued:      now,
			Expires:     now.Add(time.Duration(duration) * time.Second),
		},
		// The session acts as the user (or root) itself, as it stood when
		// the session was made.
		Principal: principalRecord{
			Type: p.Type.String(), ARN: p.ARN, Account: p.Account, UserID: p.UserID,
			Username: p.Username, Tags: p.Tags,
		},
	}
	if p.Type == policy.Root && rec.Principal.UserID == "" {
		rec.Principal.UserID = p.Account
	}
	creds, err := s.issue(ctx, rec, nil)
	if err != nil {
		return nil, err
	}
	return &getSessionTokenResult{Credentials: creds.xml()}, nil
}

type getCallerIdentityResult struct {
	Arn     string
	UserID  string `xml:"UserId"`
	Account string
}

// getCallerIdentity answers who signed the request; it needs no permission.
func (s *Service) getCallerIdentity(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	if r.Caller == nil {
		return nil, errMissingCredential.New(msgMissingAuthenticationToken)
	}
	p := &r.Caller.Principal
	id := p.UserID
	if id == "" && p.Type == policy.Root {
		id = p.Account
	}
	return &getCallerIdentityResult{Arn: p.ARN, UserID: id, Account: p.Account}, nil
}
