"""Lambda's SnapStart setting and recursive loop detection (issue 11), through boto3: what a user
calls (SnapStart on create, publish and update; Get/PutFunctionRecursionConfig), AWS's answers and
errors as recorded, the waiters AWS's clients use, and the door's decisions."""
import io
import json
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


def code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    return {"ZipFile": buf.getvalue()}


class Base(unittest.TestCase):
    def err(self, code, msg, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        self.assertEqual(cm.exception.response["Error"]["Code"], code)
        self.assertEqual(cm.exception.response["Error"]["Message"], msg)


class SnapStart(Base):
    def test_create_publish_invoke(self):
        out = lam.create_function(FunctionName="snap", Runtime="python3.13", Role=role_arn, Handler="index.handler",
                                  Code=code(), SnapStart={"ApplyOn": "PublishedVersions"})
        self.assertEqual(out["SnapStart"], {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"})
        lam.get_waiter("function_active_v2").wait(FunctionName="snap")
        v = lam.publish_version(FunctionName="snap", Description="first")
        self.assertEqual(v["SnapStart"], {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"})
        lam.get_waiter("published_version_active").wait(FunctionName="snap", Qualifier=v["Version"])
        got = lam.get_function(FunctionName="snap:" + v["Version"])["Configuration"]
        self.assertEqual(got["SnapStart"]["OptimizationStatus"], "On")
        self.assertEqual(got["State"], "Active")
        self.assertEqual(lam.get_function(FunctionName="snap")["Configuration"]["SnapStart"]["OptimizationStatus"], "Off")
        res = lam.invoke(FunctionName="snap", Qualifier=v["Version"], Payload=b'{"x": 1}')
        self.assertEqual(json.loads(res["Payload"].read()), {"x": 1})
        self.assertEqual(res["ExecutedVersion"], v["Version"])

    def test_enable_on_update(self):
        lam.create_function(FunctionName="snap-up", Runtime="python3.12", Role=role_arn, Handler="index.handler", Code=code())
        lam.get_waiter("function_active_v2").wait(FunctionName="snap-up")
        out = lam.update_function_configuration(FunctionName="snap-up", SnapStart={"ApplyOn": "PublishedVersions"})
        self.assertEqual(out["SnapStart"], {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"})
        self.assertEqual(out["LastUpdateStatus"], "InProgress")
        lam.get_waiter("function_updated_v2").wait(FunctionName="snap-up")
        self.assertEqual(lam.publish_version(FunctionName="snap-up")["SnapStart"]["OptimizationStatus"], "On")

    def test_refused(self):
        self.err("ValidationException",
                 "1 validation error detected: Value 'invalidOption' at 'snapStart.applyOn' failed to satisfy constraint: "
                 "Member must satisfy enum value set: [PublishedVersions, None]",
                 lam.create_function, FunctionName="snap-bad", Runtime="java21", Role=role_arn, Handler="x.Handler",
                 Code=code(), SnapStart={"ApplyOn": "invalidOption"})
        self.err("InvalidParameterValueException", "nodejs22.x is not supported for SnapStart enabled functions.",
                 lam.create_function, FunctionName="snap-bad", Runtime="nodejs22.x", Role=role_arn, Handler="index.handler",
                 Code=code(), SnapStart={"ApplyOn": "PublishedVersions"})
        self.err("ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:%s:function:snap-bad" % A,
                 lam.get_function, FunctionName="snap-bad")


class RecursionConfig(Base):
    def test_default_put_get(self):
        lam.create_function(FunctionName="rec", Runtime="python3.12", Role=role_arn, Handler="index.handler", Code=code())
        self.assertEqual(lam.get_function_recursion_config(FunctionName="rec")["RecursiveLoop"], "Terminate")
        self.assertEqual(lam.put_function_recursion_config(FunctionName="rec", RecursiveLoop="Allow")["RecursiveLoop"], "Allow")
        self.assertEqual(lam.get_function_recursion_config(FunctionName="rec")["RecursiveLoop"], "Allow")
        self.err("ValidationException",
                 "1 validation error detected: Value 'InvalidValue' at 'recursiveLoop' failed to satisfy constraint: "
                 "Member must satisfy enum value set: [Terminate, Allow]",
                 lam.put_function_recursion_config, FunctionName="rec", RecursiveLoop="InvalidValue")
        self.err("ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:%s:function:norec" % A,
                 lam.get_function_recursion_config, FunctionName="norec")

    def test_door(self):
        lam.create_function(FunctionName="rec-door", Runtime="python3.12", Role=role_arn, Handler="index.handler", Code=code())
        iam = seki.client("iam")
        iam.create_user(UserName="recreader")
        iam.put_user_policy(UserName="recreader", PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "lambda:GetFunctionRecursionConfig", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="recreader")["AccessKey"]
        reader = seki.client("lambda", creds=key)
        self.assertEqual(reader.get_function_recursion_config(FunctionName="rec-door")["RecursiveLoop"], "Terminate")
        fn = "arn:aws:lambda:us-east-1:%s:function:rec-door" % A
        self.err("AccessDeniedException",
                 "User: arn:aws:iam::%s:user/recreader is not authorized to perform: lambda:PutFunctionRecursionConfig on "
                 "resource: %s because no identity-based policy allows the lambda:PutFunctionRecursionConfig action" % (A, fn),
                 reader.put_function_recursion_config, FunctionName="rec-door", RecursiveLoop="Allow")


if __name__ == "__main__":
    unittest.main()
