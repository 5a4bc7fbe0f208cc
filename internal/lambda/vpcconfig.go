package lambda

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// A function in a VPC. Lambda checks a VpcConfig the way AWS does before
// it stores it: the ids' shapes (ValidationException), then, as the
// caller, EC2's DescribeSecurityGroups, DescribeSubnets and DescribeVpcs
// (their errors wrapped in "Error occurred while …"), that everything is in
// one VPC, and, as the execution role's session, that the role may create,
// describe and delete network interfaces. Every check goes through the
// door and is in the decision log. Nothing about the network changes:
// seki does not attach functions to a network (docs/ARCHITECTURE.md).

// Networks is EC2 as Lambda sees it; internal/server adapts internal/ec2.
type Networks interface {
	// SecurityGroupVPCs describes the groups as caller: the VPC of each,
	// in order, or EC2's error.
	SecurityGroupVPCs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region string, ids []string) ([]string, error)
	// SubnetVPCs describes the subnets as caller, likewise.
	SubnetVPCs(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region string, ids []string) ([]string, error)
	// DescribeVpc describes the VPC as caller: nil or EC2's error.
	DescribeVpc(ctx context.Context, requestID string, caller *authz.Caller, keys *policy.Context, region, vpcID string) error
	// RoleCan authorizes action on resource for the execution role's
	// session (the role assumed as lambda.amazonaws.com): nil, or EC2's
	// UnauthorizedOperation.
	RoleCan(ctx context.Context, requestID, roleARN, session, action, resource string) error
}

// vpcConfigInput is the VpcConfig of CreateFunction and
// UpdateFunctionConfiguration.
type vpcConfigInput struct {
	SubnetIds               []string `json:"SubnetIds"`
	SecurityGroupIds        []string `json:"SecurityGroupIds"`
	Ipv6AllowedForDualStack *bool    `json:"Ipv6AllowedForDualStack"`
}

// VpcConfigResponse is a function's VPC settings as every configuration
// answer shows them once a VpcConfig was given; removing it (empty lists)
// leaves empty lists and an empty VpcId.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaFunction::test_vpc_config
type VpcConfigResponse struct {
	SubnetIds               []string `json:"SubnetIds"`
	SecurityGroupIds        []string `json:"SecurityGroupIds"`
	VpcId                   string   `json:"VpcId"`
	Ipv6AllowedForDualStack bool     `json:"Ipv6AllowedForDualStack"`
}

var (
	reSubnetID = regexp.MustCompile(`^(?:` + patSubnetID + `)$`)
	reGroupID  = regexp.MustCompile(`^(?:` + patSecurityGroupID + `)$`)
)

// validate checks the model's constraints on the two lists.
func (c *vpcConfigInput) validate(v *validation) {
	if c == nil {
		return
	}
	list := func(field string, ids []string, re *regexp.Regexp, pat string, max int) {
		shown := strings.Join(ids, ", ")
		if len(ids) > max {
			v.errs = append(v.errs, fmt.Sprintf(msgVpcListLenFmt, shown, field, max))
			return
		}
		for _, id := range ids {
			if len(id) > 1024 || !re.MatchString(id) {
				v.errs = append(v.errs, fmt.Sprintf(msgVpcListFmt, shown, field, pat))
				return
			}
		}
	}
	list("vpcConfig.subnetIds", c.SubnetIds, reSubnetID, patSubnetID, 16)
	list("vpcConfig.securityGroupIds", c.SecurityGroupIds, reGroupID, patSecurityGroupID, 5)
}

// checkVpc checks a VpcConfig for a function whose execution role is role
// and answers what the function's configuration will show; nil when the
// request has none (nothing changes).
func (s *Service) checkVpc(ctx context.Context, r *protocol.Request, in *vpcConfigInput, role, function string) (*VpcConfigResponse, error) {
	if in == nil {
		return nil, nil
	}
	out := &VpcConfigResponse{SubnetIds: nonNil(in.SubnetIds), SecurityGroupIds: nonNil(in.SecurityGroupIds)}
	switch {
	case len(in.SubnetIds) == 0 && len(in.SecurityGroupIds) == 0:
		// Out of the VPC.
		return out, nil
	case len(in.SubnetIds) == 0 || len(in.SecurityGroupIds) == 0:
		return nil, errInvalidParameter.New(msgVpcCoexist)
	}
	n := s.opts.Networks
	if n == nil {
		return nil, errInvalidParameter.New(msgNoNetworks)
	}
	// AWS looks at the security groups first (test_invalid_vpc_config_subnet
	// says so), then the subnets.
	groupVPCs, err := n.SecurityGroupVPCs(ctx, r.ID, r.Caller, r.Context, r.Region, in.SecurityGroupIds)
	if err != nil {
		return nil, ec2Error("DescribeSecurityGroups", err)
	}
	subnetVPCs, err := n.SubnetVPCs(ctx, r.ID, r.Caller, r.Context, r.Region, in.SubnetIds)
	if err != nil {
		return nil, ec2Error("DescribeSubnets", err)
	}
	vpc := subnetVPCs[0]
	for _, v := range subnetVPCs[1:] {
		if v != vpc {
			return nil, errInvalidParameter.New(msgSubnetsOneVpc)
		}
	}
	for i, v := range groupVPCs {
		if v != vpc {
			return nil, errInvalidParameter.Errorf(msgGroupsOneVpcFmt, in.SecurityGroupIds[i], vpc)
		}
	}
	if err := n.DescribeVpc(ctx, r.ID, r.Caller, r.Context, r.Region, vpc); err != nil {
		return nil, ec2Error("DescribeVpcs", err)
	}
	// The execution role must let Lambda manage the function's network
	// interfaces (the Lambda Developer Guide's "Required IAM permissions"
	// of configuration-vpc); DescribeNetworkInterfaces takes no resource.
	enis := "arn:aws:ec2:" + r.Region + ":" + r.Account() + ":network-interface/*"
	for _, c := range []struct{ action, resource string }{
		{"CreateNetworkInterface", enis}, {"DescribeNetworkInterfaces", "*"}, {"DeleteNetworkInterface", enis},
	} {
		if err := n.RoleCan(ctx, r.ID, role, function, "ec2:"+c.action, c.resource); err != nil {
			if e := awserr.As(err); e.Status == 403 {
				return nil, errInvalidParameter.Errorf(msgRoleCannotCallEC2Fmt, c.action)
			}
			return nil, err
		}
	}
	out.VpcId = vpc
	out.Ipv6AllowedForDualStack = in.Ipv6AllowedForDualStack != nil && *in.Ipv6AllowedForDualStack
	return out, nil
}

// ec2Error is an EC2 refusal as Lambda reports it; a fault of seki's own
// passes through.
func ec2Error(op string, err error) error {
	e := awserr.As(err)
	if e.Status < 400 || e.Status >= 500 {
		return err
	}
	return errInvalidParameter.Errorf(msgEC2ErrorFmt, op, e.Code, e.Message)
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
