package server

import (
	"context"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/sts"
)

// serviceSessions are the role sessions an AWS service holds to act as a
// role: Lambda's pollers with a function's execution role, API Gateway with
// a REST integration's credentials. The role is assumed as the service
// (through the door, so its trust policy decides) and the session kept
// until shortly before it expires; what the session may do is decided by
// the door on every call, so holding one never outlives a revoked policy.
type serviceSessions struct {
	sts     *sts.Service
	service string // the service principal, "lambda.amazonaws.com"

	mu       sync.Mutex
	sessions map[[2]string]heldSession
}

type heldSession struct {
	caller  *authz.Caller
	expires time.Time
}

func newServiceSessions(s *sts.Service, service string) *serviceSessions {
	return &serviceSessions{sts: s, service: service, sessions: map[[2]string]heldSession{}}
}

// sessionTTL is how long a service's role session lives; it is renewed
// when less than refreshBefore is left.
const (
	sessionTTL    = time.Hour
	refreshBefore = 5 * time.Minute
)

// RoleCaller returns the role session's principal, assuming the role when
// there is no fresh session.
func (a *serviceSessions) RoleCaller(ctx context.Context, requestID, roleARN, session string) (*authz.Caller, error) {
	key := [2]string{roleARN, session}
	a.mu.Lock()
	s, ok := a.sessions[key]
	a.mu.Unlock()
	if ok && time.Until(s.expires) > refreshBefore {
		return s.caller, nil
	}
	creds, err := a.sts.AssumeRoleForService(ctx, sts.ServiceSession{
		RoleARN: roleARN, Service: a.service, SessionName: session, Duration: sessionTTL, RequestID: requestID,
	})
	if err != nil {
		return nil, err
	}
	c, err := a.sts.Caller(ctx, creds.AccessKeyID)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.sessions[key] = heldSession{caller: c, expires: creds.Expiration}
	a.mu.Unlock()
	return c, nil
}
