package server

import (
	"context"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/ec2"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/sts"
)

// lambdaNetworks is EC2 as Lambda checks a VpcConfig: the caller's
// Describe calls and the execution role's network-interface permissions,
// each through the door as EC2 authorizes them. The role is assumed as
// lambda.amazonaws.com (its trust policy decides), as for event source
// mappings.
type lambdaNetworks struct {
	ec2 *ec2.Service
	*serviceSessions
}

func newLambdaNetworks(e *ec2.Service, s *sts.Service) *lambdaNetworks {
	return &lambdaNetworks{ec2: e, serviceSessions: newServiceSessions(s, "lambda.amazonaws.com")}
}

func (n *lambdaNetworks) SecurityGroupVPCs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region string, ids []string) ([]string, error) {
	groups, err := n.ec2.SecurityGroupsAs(ctx, requestID, caller, keys, region, ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = g.VpcID
	}
	return out, nil
}

func (n *lambdaNetworks) SubnetVPCs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region string, ids []string) ([]string, error) {
	subnets, err := n.ec2.SubnetsAs(ctx, requestID, caller, keys, region, ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(subnets))
	for i, s := range subnets {
		out[i] = s.VpcID
	}
	return out, nil
}

func (n *lambdaNetworks) DescribeVpc(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region, vpcID string) error {
	_, err := n.ec2.VpcsAs(ctx, requestID, caller, keys, region, []string{vpcID})
	return err
}

func (n *lambdaNetworks) RoleCan(ctx context.Context, requestID, roleARN, session, action, resource string) error {
	c, err := n.RoleCaller(ctx, requestID, roleARN, session)
	if err != nil {
		return err
	}
	return n.ec2.CheckAs(ctx, requestID, c, nil, action, resource)
}
