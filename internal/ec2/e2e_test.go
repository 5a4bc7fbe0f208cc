package ec2_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

// TestDefaultVPC: an account has a default VPC in each region, with a
// default subnet per zone and its default group, the same ids on every
// call; another account's are its own.
func TestDefaultVPC(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	c := ec2.NewFromConfig(env.Root(servertest.AccountA))
	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vpcs.Vpcs) != 1 || !aws.ToBool(vpcs.Vpcs[0].IsDefault) || aws.ToString(vpcs.Vpcs[0].CidrBlock) != "172.31.0.0/16" ||
		vpcs.Vpcs[0].State != types.VpcStateAvailable || aws.ToString(vpcs.Vpcs[0].OwnerId) != servertest.AccountA.Account {
		t.Fatalf("default VPC: %+v", vpcs.Vpcs)
	}
	def := aws.ToString(vpcs.Vpcs[0].VpcId)
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{def}}}})
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string]bool{}
	for _, s := range subnets.Subnets {
		if !aws.ToBool(s.DefaultForAz) || aws.ToInt32(s.AvailableIpAddressCount) != 4091 || !strings.HasPrefix(aws.ToString(s.SubnetId), "subnet-") {
			t.Fatalf("default subnet: %+v", s)
		}
		zones[aws.ToString(s.AvailabilityZone)] = true
	}
	if len(subnets.Subnets) < 2 || len(zones) != len(subnets.Subnets) {
		t.Fatalf("want one default subnet per zone, got %d in %v", len(subnets.Subnets), zones)
	}
	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"default"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.SecurityGroups) != 1 || aws.ToString(groups.SecurityGroups[0].VpcId) != def ||
		aws.ToString(groups.SecurityGroups[0].Description) != "default VPC security group" {
		t.Fatalf("default group: %+v", groups.SecurityGroups)
	}
	again, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{def}})
	if err != nil || len(again.Vpcs) != 1 {
		t.Fatalf("the default VPC by id: %v %+v", err, again)
	}
	other, err := ec2.NewFromConfig(env.Root(servertest.AccountB)).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(other.Vpcs) != 1 || aws.ToString(other.Vpcs[0].VpcId) == def {
		t.Fatalf("account B's VPCs: %+v", other.Vpcs)
	}
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{aws.ToString(other.Vpcs[0].VpcId)}})
	wantCode(t, err, "InvalidVpcID.NotFound", "The vpc ID '"+aws.ToString(other.Vpcs[0].VpcId)+"' does not exist")
}

// TestVPCLifecycle: a VPC, its subnets and groups are created, found by
// id and by filter, refused where EC2 refuses them, survive a restart, and
// are deleted in order.
func TestVPCLifecycle(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	c := ec2.NewFromConfig(env.Root(servertest.AccountA))
	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"), TagSpecifications: []types.TagSpecification{{
		ResourceType: types.ResourceTypeVpc, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	v := vpc.Vpc
	if v.State != types.VpcStatePending || aws.ToBool(v.IsDefault) || len(v.CidrBlockAssociationSet) != 1 || len(v.Tags) != 1 ||
		v.CidrBlockAssociationSet[0].CidrBlockState.State != types.VpcCidrBlockStateCodeAssociated {
		t.Fatalf("CreateVpc: %+v", v)
	}
	id := aws.ToString(v.VpcId)
	if err := ec2.NewVpcAvailableWaiter(c).Wait(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{id}}, 5e9); err != nil {
		t.Fatal(err)
	}
	byTag, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("tag:team"), Values: []string{"bl*"}}}})
	if err != nil || len(byTag.Vpcs) != 1 || aws.ToString(byTag.Vpcs[0].VpcId) != id {
		t.Fatalf("by tag: %v %+v", err, byTag)
	}
	sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(id), CidrBlock: aws.String("10.0.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sn.Subnet.VpcId) != id || aws.ToInt32(sn.Subnet.AvailableIpAddressCount) != 251 {
		t.Fatalf("CreateSubnet: %+v", sn.Subnet)
	}
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(id), CidrBlock: aws.String("10.0.1.128/25")})
	wantCode(t, err, "InvalidSubnet.Conflict", "The CIDR '10.0.1.128/25' conflicts with another subnet")
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(id), CidrBlock: aws.String("10.1.0.0/24")})
	wantCode(t, err, "InvalidSubnet.Range", "")
	_, err = c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String("vpc-0000000000000000f"), CidrBlock: aws.String("10.1.0.0/24")})
	wantCode(t, err, "InvalidVpcID.NotFound", "The vpc ID 'vpc-0000000000000000f' does not exist")
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	wantCode(t, err, "InvalidVpc.Range", "")
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{})
	wantCode(t, err, "MissingParameter", "The request must contain the parameter cidrBlock")

	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(id), GroupName: aws.String("web"), Description: aws.String("web servers")})
	if err != nil {
		t.Fatal(err)
	}
	gid := aws.ToString(sg.GroupId)
	if !strings.HasPrefix(gid, "sg-") || aws.ToString(sg.SecurityGroupArn) != "arn:aws:ec2:"+env.Region+":"+servertest.AccountA.Account+":security-group/"+gid {
		t.Fatalf("CreateSecurityGroup: %+v", sg)
	}
	_, err = c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(id), GroupName: aws.String("web"), Description: aws.String("again")})
	wantCode(t, err, "InvalidGroup.Duplicate", "The security group 'web' already exists for VPC '"+id+"'")
	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{id}}}})
	if err != nil || len(groups.SecurityGroups) != 2 {
		t.Fatalf("the VPC's groups (default and web): %v %+v", err, groups)
	}
	var defID string
	for _, g := range groups.SecurityGroups {
		if aws.ToString(g.GroupName) == "default" {
			defID = aws.ToString(g.GroupId)
		}
	}
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0123456789abcdef0"}})
	wantCode(t, err, "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist")
	_, err = c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("color"), Values: []string{"x"}}}})
	wantCode(t, err, "InvalidParameterValue", "The filter 'color' is invalid")
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id), DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperation", "")

	// What was acknowledged survives a restart.
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	c = ec2.NewFromConfig(env.Root(servertest.AccountA))
	got, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{aws.ToString(sn.Subnet.SubnetId)}})
	if err != nil || len(got.Subnets) != 1 || aws.ToString(got.Subnets[0].CidrBlock) != "10.0.1.0/24" {
		t.Fatalf("after restart: %v %+v", err, got)
	}

	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)})
	wantCode(t, err, "DependencyViolation", "The vpc '"+id+"' has dependencies and cannot be deleted.")
	_, err = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(defID)})
	wantCode(t, err, "CannotDelete", "")
	if _, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(gid)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn.Subnet.SubnetId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sn.Subnet.SubnetId})
	wantCode(t, err, "InvalidSubnetID.NotFound", "The subnet ID '"+aws.ToString(sn.Subnet.SubnetId)+"' does not exist")
	if _, err := c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{defID}})
	wantCode(t, err, "InvalidGroup.NotFound", "")
}

// TestEC2ThroughTheDoor: a user without EC2 permissions is refused with
// EC2's UnauthorizedOperation; allowed DescribeVpcs only, it may describe
// and still not create.
func TestEC2ThroughTheDoor(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("net")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("net")})
	if err != nil {
		t.Fatal(err)
	}
	c := ec2.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	wantCode(t, err, "UnauthorizedOperation", "")
	var ae smithy.APIError
	errors.As(err, &ae)
	if !strings.HasPrefix(ae.ErrorMessage(), "You are not authorized to perform this operation. User: arn:aws:iam::"+servertest.AccountA.Account+":user/net is not authorized to perform: ec2:DescribeVpcs") {
		t.Fatalf("message: %q", ae.ErrorMessage())
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("net"), PolicyName: aws.String("describe"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeVpcs","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	wantCode(t, err, "UnauthorizedOperation", "")
	_, err = c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"), DryRun: aws.Bool(true)})
	wantCode(t, err, "UnauthorizedOperation", "")
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
}
