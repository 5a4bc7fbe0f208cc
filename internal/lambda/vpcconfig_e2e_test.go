package lambda_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// vpcFixture makes a VPC with a subnet and a security group in account A
// and answers their ids.
func vpcFixture(t *testing.T, env *servertest.Env, block string) (vpc, subnet, group string) {
	t.Helper()
	ctx := context.Background()
	c := ec2.NewFromConfig(env.Root(servertest.AccountA))
	v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(block + ".0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpc = aws.ToString(v.Vpc.VpcId)
	sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpc), CidrBlock: aws.String(block + ".1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpc), GroupName: aws.String("fn"), Description: aws.String("functions")})
	if err != nil {
		t.Fatal(err)
	}
	return vpc, aws.ToString(sn.Subnet.SubnetId), aws.ToString(sg.GroupId)
}

// TestEndToEndVpcConfig: a function is put in a VPC only when its
// execution role may manage network interfaces (checked through the door
// as the role's session, and logged) and the subnets and groups exist in
// one VPC (described as the caller); it answers its VpcConfig everywhere,
// leaves the VPC with empty lists, and runs all along.
func TestEndToEndVpcConfig(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	role := execRole(t, env)
	vpc, subnet, group := vpcFixture(t, env, "10.0")
	_, otherSubnet, otherGroup := vpcFixture(t, env, "10.1")
	lam := sdk.NewFromConfig(env.Root(servertest.AccountA))
	create := func(name string, cfg *types.VpcConfig) (*sdk.CreateFunctionOutput, error) {
		return lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: "python3.12", Role: role,
			Handler: aws.String("index.handler"), VpcConfig: cfg,
			Code: &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "index.py", Body: "def handler(event, context):\n    return event\n"})}})
	}
	in := &types.VpcConfig{SubnetIds: []string{subnet}, SecurityGroupIds: []string{group}}

	// The role may not manage network interfaces: AWS's refusal, and the
	// role session's denial in the log under the request's id.
	_, err := create("f", in)
	apiErr(t, err, "InvalidParameterValueException", "The provided execution role does not have permissions to call CreateNetworkInterface on EC2")
	denied := false
	for _, d := range env.Decisions(t, requestID(err)) {
		if d.Action == "ec2:CreateNetworkInterface" && d.Decision != "allow" && strings.Contains(d.Principal, ":assumed-role/exec/f") {
			denied = true
		}
	}
	if !denied {
		t.Fatalf("no denial of ec2:CreateNetworkInterface for the role session in %+v", env.Decisions(t, requestID(err)))
	}
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("exec"), PolicyName: aws.String("eni"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateNetworkInterface","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = create("f", in)
	apiErr(t, err, "InvalidParameterValueException", "The provided execution role does not have permissions to call DescribeNetworkInterfaces on EC2")
	if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("exec"), PolicyName: aws.String("eni"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DeleteNetworkInterface"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}

	// What EC2 does not know, and what is not in one VPC.
	_, err = create("f", &types.VpcConfig{SubnetIds: []string{"subnet-0000000000000000a"}, SecurityGroupIds: []string{group}})
	apiErr(t, err, "InvalidParameterValueException", "Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID 'subnet-0000000000000000a' does not exist")
	_, err = create("f", &types.VpcConfig{SubnetIds: []string{"subnet-0000000000000000a"}, SecurityGroupIds: []string{"sg-0000000000000000a"}})
	apiErr(t, err, "InvalidParameterValueException", "Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. EC2 Error Message: The security group 'sg-0000000000000000a' does not exist")
	_, err = create("f", &types.VpcConfig{SubnetIds: []string{"bad-format"}, SecurityGroupIds: []string{group}})
	apiErr(t, err, "ValidationException", "1 validation error detected: Value '[bad-format]' at 'vpcConfig.subnetIds' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: subnet-[0-9a-z]*]")
	_, err = create("f", &types.VpcConfig{SubnetIds: []string{subnet, otherSubnet}, SecurityGroupIds: []string{group}})
	apiErr(t, err, "InvalidParameterValueException", "Subnets are required to be in the same VPC.")
	_, err = create("f", &types.VpcConfig{SubnetIds: []string{subnet}, SecurityGroupIds: []string{otherGroup}})
	apiErr(t, err, "InvalidParameterValueException", "Security group "+otherGroup+" does not belong to VPC "+vpc+".")

	// A caller who may create functions but not describe EC2.
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("lambda"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","iam:PassRole"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	dev := sdk.NewFromConfig(env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	_, err = dev.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("d"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"), VpcConfig: in, Code: &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "index.py", Body: "def handler(e, c):\n    return e\n"})}})
	apiErr(t, err, "InvalidParameterValueException", "")
	if msg := err.Error(); !strings.Contains(msg, "Error occurred while DescribeSecurityGroups. EC2 Error Code: UnauthorizedOperation.") || !strings.Contains(msg, "user/dev is not authorized to perform: ec2:DescribeSecurityGroups") {
		t.Fatalf("the caller's missing ec2:DescribeSecurityGroups: %v", err)
	}

	// Allowed: created in the VPC, answered everywhere.
	out, err := create("f", in)
	if err != nil {
		t.Fatal(err)
	}
	want := func(where string, got *types.VpcConfigResponse, subnets, groups []string, vpcID string) {
		t.Helper()
		if got == nil || strings.Join(got.SubnetIds, ",") != strings.Join(subnets, ",") || strings.Join(got.SecurityGroupIds, ",") != strings.Join(groups, ",") ||
			aws.ToString(got.VpcId) != vpcID || aws.ToBool(got.Ipv6AllowedForDualStack) {
			t.Fatalf("%s: VpcConfig %+v, want %v %v %s", where, got, subnets, groups, vpcID)
		}
	}
	want("CreateFunction", out.VpcConfig, []string{subnet}, []string{group}, vpc)
	got, err := lam.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	want("GetFunction", got.Configuration.VpcConfig, []string{subnet}, []string{group}, vpc)
	pub, err := lam.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	want("PublishVersion", pub.VpcConfig, []string{subnet}, []string{group}, vpc)

	// The function runs as before: seki does not cut its network.
	inv, err := lam.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`{"in":"vpc"}`)})
	if err != nil || inv.FunctionError != nil || string(inv.Payload) != `{"in": "vpc"}` {
		t.Fatalf("Invoke in a VPC: %v %+v %s", err, inv, inv.Payload)
	}

	// Out of the VPC with empty lists.
	upd, err := lam.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"),
		VpcConfig: &types.VpcConfig{SubnetIds: []string{}, SecurityGroupIds: []string{}}})
	if err != nil {
		t.Fatal(err)
	}
	want("UpdateFunctionConfiguration", upd.VpcConfig, []string{}, []string{}, "")
	cfg, err := lam.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	want("GetFunctionConfiguration", cfg.VpcConfig, []string{}, []string{}, "")
	v1, err := lam.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	if err != nil {
		t.Fatal(err)
	}
	want("version 1", v1.VpcConfig, []string{subnet}, []string{group}, vpc)
}
