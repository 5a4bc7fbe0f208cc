package logs

import (
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// groupRef names a log group: its account, region and name.
type groupRef struct {
	account, region, name string
}

func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// arn is the log group's ARN as ARN-taking APIs (and logGroupArn) spell
// it: arn:aws:logs:REGION:ACCOUNT:log-group:NAME.
func (g groupRef) arn() string {
	return "arn:" + partition(g.region) + ":logs:" + g.region + ":" + g.account + ":log-group:" + g.name
}

// describedARN is the form DescribeLogGroups returns in arn, with ":*".
func (g groupRef) describedARN() string { return g.arn() + ":*" }

// authARN is what group-level actions are authorized against. AWS's
// AccessDenied messages for CreateLogGroup, DescribeLogStreams and
// FilterLogEvents name ...:log-group:NAME:log-stream:, which is why the
// documented policy form log-group:NAME:* grants them.
// unconfirmed: DeleteLogGroup uses the same form (some reported messages
// name the bare group ARN); it follows the documented advice that
// log-group:NAME:* is what policies name for every action but the
// ARN-taking APIs.
func (g groupRef) authARN() string { return g.arn() + ":log-stream:" }

// streamARN is a stream's ARN, which stream-level actions (CreateLogStream,
// PutLogEvents, GetLogEvents) are authorized against.
func (g groupRef) streamARN(stream string) string { return g.arn() + ":log-stream:" + stream }

// accountAuthARN is what DescribeLogGroups is authorized against: a group
// ARN with an empty name, as AWS's AccessDenied messages show.
func accountAuthARN(region, account string) string {
	return groupRef{account: account, region: region}.authARN()
}

// groupTarget is the authorization target of a group-level action.
func groupTarget(g groupRef) protocol.Target {
	return protocol.Target{Resource: g.authARN(), Account: g.account}
}

// ref names the caller's group name in the request's region.
func ref(r *protocol.Request, name string) groupRef {
	return groupRef{account: r.Account(), region: r.Region, name: name}
}

// resolveIdentifier turns a logGroupName or logGroupIdentifier (a name, or
// a log group ARN with or without ":*", which may name another account)
// into a groupRef. Exactly one of the two must be given.
func resolveIdentifier(r *protocol.Request, name, identifier *string) (groupRef, error) {
	switch {
	case name != nil && identifier != nil:
		return groupRef{}, errInvalidParameter.New(msgNameAndARN)
	case name != nil:
		return ref(r, *name), nil
	case identifier == nil:
		return groupRef{}, errInvalidParameter.New(msgNameOrARN)
	}
	id := *identifier
	if !strings.HasPrefix(id, "arn:") {
		return ref(r, id), nil
	}
	// arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*]
	parts := strings.SplitN(id, ":", 7)
	if len(parts) != 7 || parts[2] != "logs" || parts[5] != "log-group" || parts[6] == "" {
		return groupRef{}, errInvalidParameter.New(msgBadIdentifier + id)
	}
	return groupRef{account: parts[4], region: parts[3], name: strings.TrimSuffix(parts[6], ":*")}, nil
}
