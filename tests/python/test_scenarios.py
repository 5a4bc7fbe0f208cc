"""The scenarios of examples/ (issue 6) through boto3 and the AWS CLI, with the
examples' own functions and policy documents; the examples' run.sh scripts;
and the `seki demo` command of the real binary.

1. The image pipeline in one account: upload, function, metadata item, logs;
   then dynamodb:PutItem is removed and the next upload is denied inside the
   function, visible in its logs and in `seki explain`.
2. The cross-account trigger: a bucket of 123456789012 invokes a function of
   987654321098, allowed by the function's policy with SourceArn and
   SourceAccount; another bucket is refused at notification configuration.
3. The cross-account caller: a user of account B invokes a function of
   account A only when both accounts allow it.
"""
import io
import json
import os
import re
import subprocess
import time
import unittest
import zipfile

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, ROOT, Seki, clean_env, error_code, request_id, seki_binary

EXAMPLES = os.path.join(ROOT, "examples")

BUCKET_OWNER = ("123456789012", "bucket-owner", "bucket-owner-secret")
FUNCTION_OWNER = ("987654321098", "function-owner", "function-owner-secret")
UNABLE = "Unable to validate the following destination configurations"


def example(*path, mode="r"):
    with open(os.path.join(EXAMPLES, *path), mode) as f:
        return f.read()


def zip_of(name, body):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, body)
    return buf.getvalue()


def root_key_args(*keys):
    args = []
    for acct, key, secret in keys:
        args += ["--root-key", "%s:%s:%s" % (acct, key, secret)]
    return args


def wait_for(fn, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def log_messages(logs, group, start_ms):
    try:
        out = logs.filter_log_events(logGroupName=group, startTime=start_ms)
    except botocore.exceptions.ClientError as e:
        if error_code(e) == "ResourceNotFoundException":
            return []
        raise
    return [e["message"] for e in out["events"]]


def wait_log(logs, group, start_ms, *wants):
    """Waits for one event containing every want; returns all messages."""
    def found():
        msgs = log_messages(logs, group, start_ms)
        for m in msgs:
            if all(w in m for w in wants):
                return msgs
        return None
    return wait_for(found, what="a log event with %r in %s" % (wants, group))


def now_ms():
    return int(time.time() * 1000) - 1000


class ImagePipeline(unittest.TestCase):
    """Scenario 1, with the exact names of the issue, in account A."""

    @classmethod
    def setUpClass(cls):
        cls.seki = Seki()

    @classmethod
    def tearDownClass(cls):
        cls.seki.close()

    def explained(self, rid, *wants):
        def ok():
            p = self.seki.explain(rid)
            return p.stdout if p.returncode == 0 and all(w in p.stdout for w in wants) else None
        return wait_for(ok, timeout=10, what="seki explain %s to show %r" % (rid, wants))

    def test_pipeline(self):
        seki, acct = self.seki, ACCOUNT_A[0]
        iam, lam, s3 = seki.client("iam"), seki.client("lambda"), seki.client("s3")
        ddb, logs = seki.client("dynamodb"), seki.client("logs")
        d = os.path.join(EXAMPLES, "image-pipeline")

        # The role and its policy, with the AWS CLI and the example's files.
        seki.aws("iam", "create-role", "--role-name", "image-processor-role",
                 "--assume-role-policy-document", "file://" + os.path.join(d, "trust-policy.json"))
        seki.aws("iam", "put-role-policy", "--role-name", "image-processor-role", "--policy-name",
                 "image-processor-permissions", "--policy-document", "file://" + os.path.join(d, "permissions.json"))
        ddb.create_table(TableName="image-metadata", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}])
        s3.create_bucket(Bucket="uploads")
        fn = lam.create_function(
            FunctionName="image-processor", Runtime="python3.12", Handler="image_processor.handler",
            Role="arn:aws:iam::%s:role/image-processor-role" % acct, Timeout=30,
            Environment={"Variables": {"TABLE_NAME": "image-metadata"}},
            Code={"ZipFile": zip_of("image_processor.py", example("image-pipeline", "function", "image_processor.py"))},
        )["FunctionArn"]
        self.assertEqual(fn, "arn:aws:lambda:us-east-1:%s:function:image-processor" % acct)

        config = {"LambdaFunctionConfigurations": [{
            "Id": "jpg-uploads", "LambdaFunctionArn": fn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".jpg"}]}}}]}
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration=config)
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["Message"]), ("InvalidArgument", UNABLE))
        self.assertTrue(err["ArgumentName1"].startswith(fn))
        self.assertEqual(err["ArgumentValue1"], "Not authorized to invoke function [%s]" % fn)
        self.explained(request_id(cm.exception), "s3.amazonaws.com asked to lambda:InvokeFunction on " + fn,
                       "because no resource-based policy allows the lambda:InvokeFunction action")

        stmt = json.loads(seki.aws_json(
            "lambda", "add-permission", "--function-name", "image-processor", "--statement-id", "s3-uploads",
            "--action", "lambda:InvokeFunction", "--principal", "s3.amazonaws.com",
            "--source-arn", "arn:aws:s3:::uploads", "--source-account", acct)["Statement"])
        self.assertEqual(stmt["Condition"], {"StringEquals": {"AWS:SourceAccount": acct},
                                             "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}})
        seki.aws("s3api", "put-bucket-notification-configuration", "--bucket", "uploads",
                 "--notification-configuration", json.dumps(config))
        got = seki.aws_json("s3api", "get-bucket-notification-configuration", "--bucket", "uploads")
        self.assertEqual(got["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"], fn)

        # Upload with the CLI's high-level s3 command.
        start = now_ms()
        seki.aws("s3", "cp", os.path.join(d, "cat.jpg"), "s3://uploads/photos/cat.jpg", "--content-type", "image/jpeg")
        size = len(example("image-pipeline", "cat.jpg", mode="rb"))
        item = wait_for(lambda: ddb.get_item(TableName="image-metadata", Key={"key": {"S": "photos/cat.jpg"}},
                                             ConsistentRead=True).get("Item"), what="the metadata item")
        self.assertEqual(item, {"key": {"S": "photos/cat.jpg"}, "bucket": {"S": "uploads"},
                                "size": {"N": str(size)}, "contentType": {"S": "image/jpeg"}})
        msgs = wait_log(logs, "/aws/lambda/image-processor", start, "REPORT RequestId: ")
        text = "\n".join(msgs)
        for want in ("START RequestId: ", "processing s3://uploads/photos/cat.jpg",
                     "read %d bytes, image/jpeg" % size, "stored metadata for photos/cat.jpg", "END RequestId: "):
            self.assertIn(want, text)
        # The same lines through the AWS CLI.
        cli = seki.aws_json("logs", "filter-log-events", "--log-group-name", "/aws/lambda/image-processor",
                            "--filter-pattern", '"stored metadata"')
        self.assertEqual(len(cli["events"]), 1)
        put_id = re.search(r"\(PutItem request id ([^)]+)\)", text).group(1)
        self.explained(put_id, "dynamodb:PutItem", 'statement "WriteMetadata"', "Decision: Allowed")

        # Remove dynamodb:PutItem: the next upload is denied inside the function.
        seki.aws("iam", "put-role-policy", "--role-name", "image-processor-role", "--policy-name",
                 "image-processor-permissions", "--policy-document",
                 "file://" + os.path.join(d, "permissions-without-putitem.json"))
        start = now_ms()
        s3.put_object(Bucket="uploads", Key="photos/dog.jpg", Body=example("image-pipeline", "cat.jpg", mode="rb"),
                      ContentType="image/jpeg")
        denial = ("User: arn:aws:sts::%s:assumed-role/image-processor-role/image-processor is not authorized to "
                  "perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:%s:table/image-metadata "
                  "because no identity-based policy allows the dynamodb:PutItem action") % (acct, acct)
        msgs = wait_log(logs, "/aws/lambda/image-processor", start, "PutItem photos/dog.jpg failed", denial)
        line = [m for m in msgs if "PutItem photos/dog.jpg failed" in m][0]
        self.assertIn("An error occurred (AccessDeniedException) when calling the PutItem operation: " + denial, line)
        wait_log(logs, "/aws/lambda/image-processor", start, "[ERROR] ClientError: ", denial)
        denied_id = re.search(r"failed \(request id ([^)]+)\)", line).group(1)
        out = self.explained(denied_id, "Decision: ImplicitlyDenied", "AWS says: " + denial)
        self.assertIn("attach an identity-based policy to role image-processor-role", out)
        self.assertNotIn("Item", ddb.get_item(TableName="image-metadata", Key={"key": {"S": "photos/dog.jpg"}},
                                              ConsistentRead=True))


class CrossAccountTrigger(unittest.TestCase):
    """Scenario 2: bucket of 123456789012, function of 987654321098."""

    @classmethod
    def setUpClass(cls):
        cls.seki = Seki(extra_args=root_key_args(BUCKET_OWNER, FUNCTION_OWNER))

    @classmethod
    def tearDownClass(cls):
        cls.seki.close()

    def test_trigger(self):
        seki = self.seki
        fiam, flam, flogs = (seki.client(s, creds=FUNCTION_OWNER) for s in ("iam", "lambda", "logs"))
        bs3 = seki.client("s3", creds=BUCKET_OWNER)
        fiam.create_role(RoleName="my-lambda-function-role",
                         AssumeRolePolicyDocument=example("cross-account-trigger", "trust-policy.json"))
        fiam.put_role_policy(RoleName="my-lambda-function-role", PolicyName="read-source",
                             PolicyDocument=example("cross-account-trigger", "role-policy.json"))
        fn = flam.create_function(
            FunctionName="my-lambda-function", Runtime="python3.12", Handler="handler.handler", Timeout=30,
            Role="arn:aws:iam::987654321098:role/my-lambda-function-role",
            Code={"ZipFile": zip_of("handler.py", example("cross-account-trigger", "function", "handler.py"))})["FunctionArn"]
        self.assertEqual(fn, "arn:aws:lambda:us-east-1:987654321098:function:my-lambda-function")
        flam.add_permission(FunctionName="my-lambda-function", StatementId="s3-source-s3-bucket-name",
                            Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                            SourceArn="arn:aws:s3:::source-s3-bucket-name", SourceAccount="123456789012")
        self.assertEqual(json.loads(flam.get_policy(FunctionName="my-lambda-function")["Policy"]),
                         json.loads(example("cross-account-trigger", "function-policy.json")))

        config = json.loads(example("cross-account-trigger", "notification.json"))
        for b in ("source-s3-bucket-name", "other-s3-bucket-name"):
            bs3.create_bucket(Bucket=b)
        bs3.put_bucket_policy(Bucket="source-s3-bucket-name", Policy=example("cross-account-trigger", "bucket-policy.json"))
        bs3.put_bucket_notification_configuration(Bucket="source-s3-bucket-name", NotificationConfiguration=config)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            bs3.put_bucket_notification_configuration(Bucket="other-s3-bucket-name", NotificationConfiguration=config)
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["Message"]), ("InvalidArgument", UNABLE))
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err["ArgumentValue1"], "Not authorized to invoke function [%s]" % fn)

        start = now_ms()
        bs3.put_object(Bucket="source-s3-bucket-name", Key="reports/q1 2024.csv", Body=b"a,b\n1,2\n")
        wait_log(flogs, "/aws/lambda/my-lambda-function", start,
                 "ObjectCreated:Put on s3://source-s3-bucket-name/reports/q1 2024.csv: read 8 bytes as " + fn)


class CrossAccountCaller(unittest.TestCase):
    """Scenario 3: a user of account B invokes a function of account A."""

    @classmethod
    def setUpClass(cls):
        cls.seki = Seki()

    @classmethod
    def tearDownClass(cls):
        cls.seki.close()

    def test_matrix(self):
        seki = self.seki
        fn = "arn:aws:lambda:us-east-1:111111111111:function:my-function"
        user = "arn:aws:iam::222222222222:user/caller"
        alam, biam = seki.client("lambda"), seki.client("iam", creds=ACCOUNT_B)
        seki.client("iam").create_role(RoleName="my-function-role",
                                       AssumeRolePolicyDocument=example("cross-account-caller", "trust-policy.json"))
        alam.create_function(FunctionName="my-function", Runtime="python3.12", Handler="handler.handler",
                             Role="arn:aws:iam::111111111111:role/my-function-role",
                             Code={"ZipFile": zip_of("handler.py", example("cross-account-caller", "function", "handler.py"))})
        biam.create_user(UserName="caller")
        key = biam.create_access_key(UserName="caller")["AccessKey"]
        caller = seki.client("lambda", creds=key)

        def names(principal):
            try:
                alam.remove_permission(FunctionName="my-function", StatementId="cross-account")
            except botocore.exceptions.ClientError as e:
                self.assertEqual(error_code(e), "ResourceNotFoundException")
            if principal:
                alam.add_permission(FunctionName="my-function", StatementId="cross-account",
                                    Action="lambda:InvokeFunction", Principal=principal)

        def b_allows(yes):
            if yes:
                biam.put_user_policy(UserName="caller", PolicyName="invoke-a",
                                     PolicyDocument=example("cross-account-caller", "caller-policy.json"))
            else:
                try:
                    biam.delete_user_policy(UserName="caller", PolicyName="invoke-a")
                except botocore.exceptions.ClientError as e:
                    self.assertEqual(error_code(e), "NoSuchEntity")

        prefix = "User: %s is not authorized to perform: lambda:InvokeFunction on resource: %s" % (user, fn)
        no_resource = prefix + " because no resource-based policy allows the lambda:InvokeFunction action"
        no_identity = prefix + " because no identity-based policy allows the lambda:InvokeFunction action"
        for label, principal, allows, want in [
            ("A names B, B allows", "222222222222", True, None),
            ("A names B, B does not", "222222222222", False, no_identity),
            ("A names nobody, B allows", None, True, no_resource),
            ("A names nobody, B does not", None, False, no_resource),
            ("A names another account, B allows", "333333333333", True, no_resource),
            ("A names the user, B allows", user, True, None),
            ("A names the user, B does not", user, False, no_identity),
        ]:
            with self.subTest(label):
                names(principal)
                b_allows(allows)
                if want is None:
                    out = caller.invoke(FunctionName=fn, Payload=b'{"n": 1}')
                    self.assertNotIn("FunctionError", out)
                    self.assertEqual(json.loads(out["Payload"].read()),
                                     {"message": "hello from " + fn, "event": {"n": 1}})
                    # The same through the AWS CLI.
                    rc, _, err = seki.aws("lambda", "invoke", "--function-name", fn, "/dev/null", creds=key, check=False)
                    self.assertEqual(rc, 0, err)
                else:
                    with self.assertRaises(botocore.exceptions.ClientError) as cm:
                        caller.invoke(FunctionName=fn, Payload=b"{}")
                    self.assertEqual(error_code(cm.exception), "AccessDeniedException")
                    self.assertEqual(cm.exception.response["Error"]["Message"], want)
                    self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
                    rc, _, err = seki.aws("lambda", "invoke", "--function-name", fn, "/dev/null", creds=key, check=False)
                    self.assertNotEqual(rc, 0)
                    self.assertIn("An error occurred (AccessDeniedException) when calling the Invoke operation: " + want, err)


class ExampleScripts(unittest.TestCase):
    """Each example's run.sh, as a reader would run it, against one server
    that knows every account the examples use."""

    @classmethod
    def setUpClass(cls):
        cls.seki = Seki(extra_args=root_key_args(("000000000000", "test", "test"), BUCKET_OWNER, FUNCTION_OWNER))

    @classmethod
    def tearDownClass(cls):
        cls.seki.close()

    def run_script(self, name, **env):
        e = clean_env()
        e.update(AWS_ENDPOINT_URL=self.seki.endpoint, AWS_CONFIG_FILE="/dev/null",
                 AWS_SHARED_CREDENTIALS_FILE="/dev/null", PATH=os.environ["PATH"], **env)
        p = subprocess.run(["sh", os.path.join(EXAMPLES, name, "run.sh")], env=e, capture_output=True, text=True,
                           timeout=600)
        self.assertEqual(p.returncode, 0, "%s failed:\n%s\n%s" % (name, p.stdout, p.stderr))
        return p.stdout

    def test_image_pipeline(self):
        out = self.run_script("image-pipeline")
        self.assertIn('"contentType": {\n            "S": "image/jpeg"', out)
        self.assertIn("AccessDeniedException", out)
        rid = re.search(r"seki explain (\S+)", out).group(1)
        p = self.seki.explain(rid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Decision: ImplicitlyDenied", p.stdout)

    def test_cross_account_trigger(self):
        out = self.run_script("cross-account-trigger")
        self.assertIn(UNABLE, out)
        self.assertIn("read 24 bytes as arn:aws:lambda:us-east-1:987654321098:function:my-lambda-function", out)

    def test_cross_account_caller(self):
        out = self.run_script("cross-account-caller", ACCOUNT_A_KEY=ACCOUNT_A[1], ACCOUNT_A_SECRET=ACCOUNT_A[2],
                              ACCOUNT_B_KEY=ACCOUNT_B[1], ACCOUNT_B_SECRET=ACCOUNT_B[2])
        self.assertEqual(out.count(" allowed\n"), 2)
        self.assertEqual(out.count(" denied\n"), 5)


class DemoCommand(unittest.TestCase):
    """`seki demo` of the real binary against a real server."""

    @classmethod
    def setUpClass(cls):
        cls.seki = Seki(extra_args=root_key_args(("000000000000", "test", "test")))

    @classmethod
    def tearDownClass(cls):
        cls.seki.close()

    def demo(self, *args, **env):
        e = clean_env()
        e.update(env)
        return subprocess.run([seki_binary(), "demo"] + list(args), env=e, capture_output=True, text=True, timeout=300)

    def test_demo_twice(self):
        for _ in range(2):
            # The endpoint and keys from the usual AWS variables, the data
            # directory from the flag.
            p = self.demo("--data-dir", self.seki.data_dir, AWS_ENDPOINT_URL=self.seki.endpoint,
                          AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            for want in ("DENIED: S3 answered 400 InvalidArgument: " + UNABLE,
                         "key=photos/cat.jpg size=706 contentType=image/jpeg",
                         'statement "WriteMetadata" (Allow)',
                         "AccessDeniedException",
                         "Decision: ImplicitlyDenied",
                         "What seki decided, and why:"):
                self.assertIn(want, p.stdout)

    def test_no_server(self):
        p = self.demo("--endpoint", "http://127.0.0.1:1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot reach seki at http://127.0.0.1:1", p.stderr)
        self.assertIn("make run", p.stderr)


if __name__ == "__main__":
    unittest.main()
