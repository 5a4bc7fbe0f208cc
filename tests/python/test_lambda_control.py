"""Lambda's control plane and who may invoke (issue 4), through boto3 and the AWS CLI."""
import io
import json
import os
import tempfile
import unittest
import zipfile

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki, error_code, request_id

A, B = ACCOUNT_A[0], ACCOUNT_B[0]
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
INVOKE_ALL = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}]}


def setUpModule():
    global seki, role_arn
    seki = Seki()
    role = seki.client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))
    role_arn = role["Role"]["Arn"]


def tearDownModule():
    seki.close()


def zip_bytes(files=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in (files or {"index.py": "def handler(event, context):\n    return event\n"}).items():
            z.writestr(name, body)
    return buf.getvalue()


def create(name, **kw):
    args = dict(FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="index.handler",
                Code={"ZipFile": zip_bytes()})
    args.update(kw)
    return seki.client("lambda").create_function(**args)


def user(account, name, policy=None):
    iam = seki.client("iam", creds=account)
    iam.create_user(UserName=name)
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return iam.create_access_key(UserName=name)["AccessKey"]


class Functions(unittest.TestCase):
    def test_lifecycle(self):
        lam = seki.client("lambda")
        out = create("life", Environment={"Variables": {"STAGE": "dev"}})
        arn = "arn:aws:lambda:us-east-1:%s:function:life" % A
        self.assertEqual(out["FunctionArn"], arn)
        # Pending while the code is prepared, as AWS answers; Active after.
        self.assertEqual((out["State"], out["StateReasonCode"]), ("Pending", "Creating"))
        self.assertEqual(len(out["RevisionId"]), 36)
        self.assertRegex(out["LastModified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        lam.get_waiter("function_active_v2").wait(FunctionName=arn)
        got = lam.get_function(FunctionName=arn)
        self.assertEqual(got["Configuration"]["State"], "Active")
        self.assertEqual(got["Configuration"]["CodeSha256"], out["CodeSha256"])
        up = lam.update_function_configuration(FunctionName="life", Timeout=20)
        self.assertNotEqual(up["RevisionId"], out["RevisionId"])
        v = lam.publish_version(FunctionName="life")
        self.assertEqual(v["Version"], "1")
        self.assertEqual(v["FunctionArn"], arn + ":1")
        alias = lam.create_alias(FunctionName="life", Name="prod", FunctionVersion="1")
        self.assertEqual(alias["AliasArn"], arn + ":prod")
        names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
        self.assertIn("life", names)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create("life")
        self.assertEqual(error_code(cm.exception), "ResourceConflictException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Function already exist: life")
        lam.delete_function(FunctionName="life")
        with self.assertRaises(lam.exceptions.ResourceNotFoundException) as cm:
            lam.get_function(FunctionName="life")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Function not found: " + arn)

    def test_role_errors(self):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create("bad", Role="r1")
        self.assertEqual(error_code(cm.exception), "ValidationException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must "
                         "satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create("bad", Role="arn:aws:iam::%s:role/missing" % A)
        self.assertEqual(error_code(cm.exception), "InvalidParameterValueException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "The role defined for the function cannot be assumed by Lambda.")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create("bad", Environment={"Variables": {"AWS_REGION": "x"}})
        self.assertIn("Reserved keys used in this request: AWS_REGION", cm.exception.response["Error"]["Message"])

    def test_pass_role_denied(self):
        key = user(ACCOUNT_A, "noPass", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]})
        lam = seki.client("lambda", creds=key)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.create_function(FunctionName="np", Runtime="python3.12", Role=role_arn, Handler="index.handler",
                                Code={"ZipFile": zip_bytes()})
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/noPass is not authorized to perform: iam:PassRole on resource: %s "
                         "because no identity-based policy allows the iam:PassRole action" % (A, role_arn))


class Permissions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        create("perm")

    def test_add_get_remove(self):
        lam = seki.client("lambda")
        st = lam.add_permission(FunctionName="perm", StatementId="s3", Action="lambda:InvokeFunction",
                                Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::bucket", SourceAccount=A)
        arn = "arn:aws:lambda:us-east-1:%s:function:perm" % A
        self.assertEqual(json.loads(st["Statement"]), {
            "Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceAccount": A}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}})
        pol = lam.get_policy(FunctionName="perm")
        doc = json.loads(pol["Policy"])
        self.assertEqual(doc["Version"], "2012-10-17")
        self.assertEqual(doc["Id"], "default")
        with self.assertRaises(lam.exceptions.ResourceConflictException) as cm:
            lam.add_permission(FunctionName="perm", StatementId="s3", Action="lambda:InvokeFunction", Principal=B)
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.")
        with self.assertRaises(lam.exceptions.PreconditionFailedException):
            lam.remove_permission(FunctionName="perm", StatementId="s3", RevisionId="stale")
        lam.remove_permission(FunctionName="perm", StatementId="s3", RevisionId=pol["RevisionId"])
        with self.assertRaises(lam.exceptions.ResourceNotFoundException) as cm:
            lam.remove_permission(FunctionName="perm", StatementId="s3")
        # The last statement removed, the function has no policy left.
        self.assertEqual(cm.exception.response["Error"]["Message"], "No policy is associated with the given resource.")

    def test_errors(self):
        lam = seki.client("lambda")
        cases = [
            (dict(StatementId="p", Principal="invalid.nonaws.com"), "InvalidParameterValueException",
             "The provided principal was invalid. Please check the principal and try again."),
            (dict(StatementId="example.com", Principal=B), "ValidationException",
             "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: "
             "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)"),
            (dict(StatementId="l", Principal=B, Qualifier="$LATEST"), "InvalidParameterValueException",
             "We currently do not support adding policies for $LATEST."),
            (dict(StatementId="v", Principal=B, Qualifier="42"), "ResourceNotFoundException",
             "Function not found: arn:aws:lambda:us-east-1:%s:function:perm:42" % A),
        ]
        for kw, code, msg in cases:
            with self.subTest(kw=kw):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    lam.add_permission(FunctionName="perm", Action="lambda:InvokeFunction", **kw)
                self.assertEqual(error_code(cm.exception), code)
                self.assertEqual(cm.exception.response["Error"]["Message"], msg)

    def test_cli(self):
        out = seki.aws_json("lambda", "add-permission", "--function-name", "perm", "--statement-id", "cli",
                            "--action", "lambda:InvokeFunction", "--principal", B)
        self.assertEqual(json.loads(out["Statement"])["Principal"], {"AWS": "arn:aws:iam::%s:root" % B})
        pol = seki.aws_json("lambda", "get-policy", "--function-name", "perm")
        self.assertIn('"Sid":"cli"', pol["Policy"])
        seki.aws("lambda", "remove-permission", "--function-name", "perm", "--statement-id", "cli")


class WhoMayInvoke(unittest.TestCase):
    def test_cross_account_denied_then_allowed(self):
        fn = create("shared")["FunctionArn"]
        key = user(ACCOUNT_B, "bob", INVOKE_ALL)
        bob = seki.client("lambda", creds=key)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            bob.invoke(FunctionName=fn, InvocationType="DryRun")
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/bob is not authorized to perform: lambda:InvokeFunction on resource: "
                         "%s because no resource-based policy allows the lambda:InvokeFunction action" % (B, fn))
        exp = seki.explain(request_id(cm.exception))
        self.assertEqual(exp.returncode, 0, exp.stderr)
        self.assertIn("lambda:InvokeFunction", exp.stdout)
        seki.client("lambda").add_permission(FunctionName="shared", StatementId="b", Action="lambda:InvokeFunction", Principal=B)
        self.assertEqual(bob.invoke(FunctionName=fn, InvocationType="DryRun")["StatusCode"], 204)
        # The AWS CLI agrees (it writes the empty payload to a file).
        with tempfile.TemporaryDirectory() as d:
            rc, out, err = seki.aws("lambda", "invoke", "--function-name", fn, "--invocation-type", "DryRun",
                                    os.path.join(d, "out.json"), creds=key)
            self.assertEqual(json.loads(out)["StatusCode"], 204)

    def test_qualified_policy(self):
        lam = seki.client("lambda")
        fn = create("qual")["FunctionArn"]
        lam.publish_version(FunctionName="qual")
        lam.add_permission(FunctionName="qual", Qualifier="1", StatementId="v1", Action="lambda:InvokeFunction", Principal=B)
        key = user(ACCOUNT_B, "carl", INVOKE_ALL)
        carl = seki.client("lambda", creds=key)
        self.assertEqual(carl.invoke(FunctionName=fn, Qualifier="1", InvocationType="DryRun")["StatusCode"], 204)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            carl.invoke(FunctionName=fn, InvocationType="DryRun")
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        with self.assertRaises(lam.exceptions.ResourceNotFoundException) as cm:
            lam.get_policy(FunctionName="qual")
        self.assertEqual(cm.exception.response["Error"]["Message"], "The resource you requested does not exist.")


class LayersAndURLs(unittest.TestCase):
    def test_layers(self):
        lamb = seki.client("lambda", creds=ACCOUNT_B)
        lv = lamb.publish_layer_version(LayerName="lib", Content={"ZipFile": zip_bytes({"python/lib.py": "X=1\n"})},
                                        CompatibleRuntimes=["python3.12"])
        self.assertEqual(lv["Version"], 1)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create("uselayer", Layers=[lv["LayerVersionArn"]])
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        with self.assertRaises(lamb.exceptions.ResourceNotFoundException) as cm:
            lamb.get_layer_version_policy(LayerName="lib", VersionNumber=1)
        self.assertEqual(cm.exception.response["Error"]["Message"], "No policy is associated with the given resource.")
        lamb.add_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="a",
                                          Action="lambda:GetLayerVersion", Principal=A)
        out = create("uselayer", Layers=[lv["LayerVersionArn"]])
        self.assertEqual(out["Layers"][0]["Arn"], lv["LayerVersionArn"])
        self.assertEqual(seki.client("lambda").get_layer_version_by_arn(Arn=lv["LayerVersionArn"])["Version"], 1)

    def test_function_url(self):
        lam = seki.client("lambda")
        create("urlfn")
        out = lam.create_function_url_config(FunctionName="urlfn", AuthType="NONE")
        self.assertRegex(out["FunctionUrl"], r"^http://[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:%d/$" % seki.port)
        got = lam.get_function_url_config(FunctionName="urlfn")
        self.assertEqual(got["FunctionUrl"], out["FunctionUrl"])
        self.assertEqual(len(lam.list_function_url_configs(FunctionName="urlfn")["FunctionUrlConfigs"]), 1)
        lam.delete_function_url_config(FunctionName="urlfn")
        with self.assertRaises(lam.exceptions.ResourceNotFoundException):
            lam.get_function_url_config(FunctionName="urlfn")

    def test_tags_and_concurrency(self):
        lam = seki.client("lambda")
        arn = create("tagged", Tags={"a": "1"})["FunctionArn"]
        lam.tag_resource(Resource=arn, Tags={"b": "2"})
        self.assertEqual(lam.list_tags(Resource=arn)["Tags"], {"a": "1", "b": "2"})
        lam.untag_resource(Resource=arn, TagKeys=["a"])
        self.assertEqual(lam.list_tags(Resource=arn)["Tags"], {"b": "2"})
        lam.put_function_concurrency(FunctionName="tagged", ReservedConcurrentExecutions=5)
        self.assertEqual(lam.get_function_concurrency(FunctionName="tagged")["ReservedConcurrentExecutions"], 5)
        self.assertEqual(lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"], 995)
        cli = seki.aws_json("lambda", "get-function-concurrency", "--function-name", "tagged")
        self.assertEqual(cli["ReservedConcurrentExecutions"], 5)


if __name__ == "__main__":
    unittest.main()
