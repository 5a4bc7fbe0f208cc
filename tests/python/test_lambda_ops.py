"""Lambda's event invoke configs, provisioned concurrency and code signing configs (issue 11),
through boto3: AWS's shapes and errors as recorded, and the door's decisions."""
import io
import json
import time
import unittest
import zipfile

import botocore.exceptions

from seki_harness import ACCOUNT_A, Seki

A = ACCOUNT_A[0]
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def setUpModule():
    global seki, lam, role_arn
    seki = Seki()
    role = seki.client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))
    role_arn = role["Role"]["Arn"]
    lam = seki.client("lambda")


def tearDownModule():
    seki.close()


def create(name):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    return lam.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn,
                               Handler="index.handler", Code={"ZipFile": buf.getvalue()})


def arn(name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (A, name)


class EventInvokeConfigs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        create("eic")
        create("eic-dest")
        lam.publish_version(FunctionName="eic")
        lam.create_alias(FunctionName="eic", Name="live", FunctionVersion="1")

    def err(self, code, msg, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        self.assertEqual(cm.exception.response["Error"]["Code"], code)
        self.assertEqual(cm.exception.response["Error"]["Message"], msg)

    def test_put_update_get_list_delete(self):
        out = lam.put_function_event_invoke_config(FunctionName="eic", MaximumRetryAttempts=0,
                                                   DestinationConfig={"OnFailure": {"Destination": arn("eic-dest")}})
        self.assertEqual(out["FunctionArn"], arn("eic") + ":$LATEST")
        self.assertEqual(out["DestinationConfig"], {"OnSuccess": {}, "OnFailure": {"Destination": arn("eic-dest")}})
        self.assertNotIn("MaximumEventAgeInSeconds", out)
        out = lam.update_function_event_invoke_config(FunctionName="eic", MaximumEventAgeInSeconds=120)
        self.assertEqual((out["MaximumRetryAttempts"], out["MaximumEventAgeInSeconds"]), (0, 120))
        self.assertEqual(out["DestinationConfig"]["OnFailure"], {"Destination": arn("eic-dest")})
        lam.put_function_event_invoke_config(FunctionName=arn("eic") + ":live", MaximumRetryAttempts=2)
        got = lam.get_function_event_invoke_config(FunctionName="eic", Qualifier="live")
        self.assertEqual(got["FunctionArn"], arn("eic") + ":live")
        self.assertEqual(got["MaximumRetryAttempts"], 2)
        listed = lam.list_function_event_invoke_configs(FunctionName="eic")["FunctionEventInvokeConfigs"]
        self.assertEqual([c["FunctionArn"] for c in listed], [arn("eic") + ":$LATEST", arn("eic") + ":live"])
        page = lam.list_function_event_invoke_configs(FunctionName="eic", MaxItems=1)
        self.assertEqual(len(page["FunctionEventInvokeConfigs"]), 1)
        rest = lam.list_function_event_invoke_configs(FunctionName="eic", Marker=page["NextMarker"])
        self.assertEqual(rest["FunctionEventInvokeConfigs"][0]["FunctionArn"], arn("eic") + ":live")
        lam.delete_function_event_invoke_config(FunctionName="eic", Qualifier="live")
        self.err("ResourceNotFoundException", "The function %s:live doesn't have an EventInvokeConfig" % arn("eic"),
                 lam.get_function_event_invoke_config, FunctionName="eic", Qualifier="live")

    def test_errors_as_recorded(self):
        self.err("InvalidParameterValueException", "You must specify at least one of error handling or destination setting.",
                 lam.put_function_event_invoke_config, FunctionName="doesnotexist")
        self.err("ResourceNotFoundException", "The function doesn't exist.",
                 lam.put_function_event_invoke_config, FunctionName="doesnotexist", MaximumRetryAttempts=1)
        self.err("InvalidParameterValueException", "The destination ARN %s is invalid." % arn("doesnotexist"),
                 lam.put_function_event_invoke_config, FunctionName="eic",
                 DestinationConfig={"OnSuccess": {"Destination": arn("doesnotexist")}})
        bad = arn("eic").replace(":lambda:", ":iam:")
        self.err("InvalidParameterValueException",
                 "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=%s), onFailure=null) is invalid." % bad,
                 lam.put_function_event_invoke_config, FunctionName="eic", DestinationConfig={"OnSuccess": {"Destination": bad}})
        self.err("InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.",
                 lam.put_function_event_invoke_config, FunctionName="eic:1", Qualifier="live", MaximumRetryAttempts=1)

    def test_the_door_decides(self):
        iam = seki.client("iam")
        iam.create_user(UserName="eic-reader")
        iam.put_user_policy(UserName="eic-reader", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:ListFunctionEventInvokeConfigs", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="eic-reader")["AccessKey"]
        reader = seki.client("lambda", creds=(A, key["AccessKeyId"], key["SecretAccessKey"]))
        reader.list_function_event_invoke_configs(FunctionName="eic")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            reader.put_function_event_invoke_config(FunctionName="eic", MaximumRetryAttempts=1)
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn("lambda:PutFunctionEventInvokeConfig", cm.exception.response["Error"]["Message"])


class ProvisionedConcurrency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        create("pc")
        lam.publish_version(FunctionName="pc")
        lam.create_alias(FunctionName="pc", Name="live", FunctionVersion="1")

    def test_lifecycle(self):
        with self.assertRaises(lam.exceptions.InvalidParameterValueException) as cm:
            lam.get_provisioned_concurrency_config(FunctionName="pc", Qualifier="$LATEST")
        self.assertEqual(cm.exception.response["Error"]["Message"], "The function resource provided must be an alias or a published version.")
        with self.assertRaises(lam.exceptions.ProvisionedConcurrencyConfigNotFoundException):
            lam.get_provisioned_concurrency_config(FunctionName="pc", Qualifier="1")
        out = lam.put_provisioned_concurrency_config(FunctionName="pc", Qualifier="1", ProvisionedConcurrentExecutions=3)
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 202)
        self.assertEqual((out["Status"], out["RequestedProvisionedConcurrentExecutions"], out["AllocatedProvisionedConcurrentExecutions"]),
                         ("IN_PROGRESS", 3, 0))
        with self.assertRaises(lam.exceptions.ResourceConflictException) as cm:
            lam.put_provisioned_concurrency_config(FunctionName="pc", Qualifier="live", ProvisionedConcurrentExecutions=1)
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
        for _ in range(50):
            got = lam.get_provisioned_concurrency_config(FunctionName="pc", Qualifier="1")
            if got["Status"] == "READY":
                break
            time.sleep(0.2)
        self.assertEqual((got["Status"], got["AvailableProvisionedConcurrentExecutions"]), ("READY", 3))
        listed = lam.list_provisioned_concurrency_configs(FunctionName="pc")["ProvisionedConcurrencyConfigs"]
        self.assertEqual([c["FunctionArn"] for c in listed], [arn("pc") + ":1"])
        lam.delete_provisioned_concurrency_config(FunctionName="pc", Qualifier="1")
        self.assertEqual(lam.list_provisioned_concurrency_configs(FunctionName="pc")["ProvisionedConcurrencyConfigs"], [])


class CodeSigningConfigs(unittest.TestCase):
    def test_lifecycle(self):
        create("csc-fn")
        profile = "arn:aws:signer:us-east-1:%s:/signing-profiles/test" % A
        made = lam.create_code_signing_config(Description="Testing CodeSigning Config",
                                              AllowedPublishers={"SigningProfileVersionArns": [profile]},
                                              CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})
        self.assertEqual(made["ResponseMetadata"]["HTTPStatusCode"], 201)
        csc = made["CodeSigningConfig"]["CodeSigningConfigArn"]
        self.assertRegex(made["CodeSigningConfig"]["CodeSigningConfigId"], r"^csc-[a-z0-9]{17}$")
        up = lam.update_code_signing_config(CodeSigningConfigArn=csc, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Warn"})
        self.assertEqual(up["CodeSigningConfig"]["CodeSigningPolicies"], {"UntrustedArtifactOnDeployment": "Warn"})
        self.assertEqual(lam.get_function_code_signing_config(FunctionName="csc-fn")["ResponseMetadata"]["HTTPStatusCode"], 200)
        put = lam.put_function_code_signing_config(CodeSigningConfigArn=csc, FunctionName="csc-fn")
        self.assertEqual((put["CodeSigningConfigArn"], put["FunctionName"]), (csc, "csc-fn"))
        self.assertEqual(lam.list_functions_by_code_signing_config(CodeSigningConfigArn=csc)["FunctionArns"], [arn("csc-fn")])
        lam.delete_function_code_signing_config(FunctionName="csc-fn")
        lam.delete_code_signing_config(CodeSigningConfigArn=csc)
        gone = csc[:-1] + ("x" if csc[-1] != "x" else "y")
        with self.assertRaises(lam.exceptions.CodeSigningConfigNotFoundException) as cm:
            lam.put_function_code_signing_config(CodeSigningConfigArn=gone, FunctionName="csc-fn")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "The code signing configuration cannot be found. Check that the provided configuration is not deleted: %s." % gone)
        with self.assertRaises(lam.exceptions.ResourceNotFoundException) as cm:
            lam.get_code_signing_config(CodeSigningConfigArn=csc)
        self.assertEqual(cm.exception.response["Error"]["Message"], "The Lambda code signing configuration %s can not be found." % csc)


if __name__ == "__main__":
    unittest.main()
