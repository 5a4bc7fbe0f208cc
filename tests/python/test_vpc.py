"""Functions in a VPC (issue 11), driven through boto3 and the AWS CLI as a
user sets one up: a VPC, a subnet and a security group from seki's EC2,
then a function put in it. Lambda refuses the VpcConfig until the execution
role may manage network interfaces, with AWS's text, and `seki explain`
shows the role session's denial; the default VPC is there from the start.
"""
import json
import unittest

import botocore.exceptions

from seki_harness import Seki, error_code, request_id, zip_of

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
ENI = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], "Resource": "*"}]})
CODE = zip_of({"index.py": "def handler(event, context):\n    return event\n"})


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


class VpcFunctions(unittest.TestCase):
    def test_function_in_a_vpc(self):
        ec2 = seki.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.get_waiter("vpc_available").wait(VpcIds=[vpc])
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(VpcId=vpc, GroupName="fn", Description="functions")["GroupId"]
        role = seki.client("iam").create_role(RoleName="vpc-exec", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        lam = seki.client("lambda")
        vpc_config = {"SubnetIds": [subnet], "SecurityGroupIds": [group]}

        def create():
            return lam.create_function(FunctionName="in-vpc", Runtime="python3.12", Role=role, Handler="index.handler",
                                       Code={"ZipFile": CODE}, VpcConfig=vpc_config)

        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create()
        self.assertEqual(error_code(cm.exception), "InvalidParameterValueException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "The provided execution role does not have permissions to call CreateNetworkInterface on EC2")
        text = seki.wait_explained(request_id(cm.exception), "ec2:CreateNetworkInterface")
        self.assertIn("assumed-role/vpc-exec/in-vpc", text)

        seki.client("iam").put_role_policy(RoleName="vpc-exec", PolicyName="eni", PolicyDocument=ENI)
        out = create()
        self.assertEqual(out["VpcConfig"], {"SubnetIds": [subnet], "SecurityGroupIds": [group], "VpcId": vpc,
                                            "Ipv6AllowedForDualStack": False})
        lam.get_waiter("function_active_v2").wait(FunctionName="in-vpc")
        self.assertEqual(json.loads(lam.invoke(FunctionName="in-vpc", Payload=b'{"a": 1}')["Payload"].read()), {"a": 1})

        # The AWS CLI reads the same configuration; empty lists take the function out.
        conf = seki.aws_json("lambda", "get-function-configuration", "--function-name", "in-vpc")
        self.assertEqual(conf["VpcConfig"]["VpcId"], vpc)
        out = lam.update_function_configuration(FunctionName="in-vpc", VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})
        self.assertEqual(out["VpcConfig"], {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": "", "Ipv6AllowedForDualStack": False})

        # A subnet EC2 does not know: EC2's error, wrapped as Lambda wraps it.
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.update_function_configuration(FunctionName="in-vpc", VpcConfig={"SubnetIds": ["subnet-0123456789abcdef0"],
                                                                                "SecurityGroupIds": [group]})
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. "
                         "EC2 Error Message: The subnet ID 'subnet-0123456789abcdef0' does not exist")

        # The VPC is deleted only once it is empty.
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ec2.delete_vpc(VpcId=vpc)
        self.assertEqual(error_code(cm.exception), "DependencyViolation")
        ec2.delete_security_group(GroupId=group)
        ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ec2.describe_vpcs(VpcIds=[vpc])
        self.assertEqual(error_code(cm.exception), "InvalidVpcID.NotFound")

    def test_default_vpc_with_the_cli(self):
        vpcs = seki.aws_json("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"]
        self.assertEqual(len(vpcs), 1)
        self.assertEqual(vpcs[0]["CidrBlock"], "172.31.0.0/16")
        subnets = seki.aws_json("ec2", "describe-subnets", "--filters", "Name=vpc-id,Values=" + vpcs[0]["VpcId"])["Subnets"]
        self.assertTrue(subnets and all(s["DefaultForAz"] for s in subnets))
        groups = seki.aws_json("ec2", "describe-security-groups", "--group-names", "default")["SecurityGroups"]
        self.assertEqual([g["VpcId"] for g in groups], [vpcs[0]["VpcId"]])


if __name__ == "__main__":
    unittest.main()
