package server

import (
	"context"

	"github.com/seki-dev/seki/internal/dynamodb"
	"github.com/seki-dev/seki/internal/sts"
)

// esmStreams is DynamoDB Streams as Lambda's event source mappings see it.
// Lambda reads a stream with the function's execution role: the role is
// assumed as lambda.amazonaws.com (through the door, so the trust policy
// decides), and every read is then authorized for that role session
// through the door and logged, as the function's own calls are.
type esmStreams struct {
	ddb *dynamodb.Service
	*serviceSessions
}

func newESMStreams(d *dynamodb.Service, s *sts.Service) *esmStreams {
	return &esmStreams{ddb: d, serviceSessions: newServiceSessions(s, "lambda.amazonaws.com")}
}

func (a *esmStreams) Check(ctx context.Context, requestID, roleARN, session, action, streamARN string) error {
	c, err := a.RoleCaller(ctx, requestID, roleARN, session)
	if err != nil {
		return err
	}
	return a.ddb.CheckStreamAs(ctx, requestID, c, action, streamARN)
}

func (a *esmStreams) Position(ctx context.Context, requestID, roleARN, session, streamARN, position string) (int64, error) {
	c, err := a.RoleCaller(ctx, requestID, roleARN, session)
	if err != nil {
		return 0, err
	}
	return a.ddb.StreamPositionAs(ctx, requestID, c, streamARN, position)
}

func (a *esmStreams) Read(ctx context.Context, requestID, roleARN, session, streamARN string, from int64, limit int) ([][]byte, int64, error) {
	c, err := a.RoleCaller(ctx, requestID, roleARN, session)
	if err != nil {
		return nil, 0, err
	}
	return a.ddb.ReadStreamAs(ctx, requestID, c, streamARN, from, limit)
}
