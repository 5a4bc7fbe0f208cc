"""Function code runs for real (issue 5), driven through boto3 and the AWS CLI.

Each function here is a real Python or Node handler, zipped in the test; it
runs in its own execution environment and calls seki back as its execution
role's session.
"""
import base64
import json
import os
import re
import tempfile
import time
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_A, Seki, error_code, zip_of

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}

WHOAMI = '''
import json, os, uuid
import boto3
from botocore.exceptions import ClientError

def handler(event, context):
    if event.get("mark"):
        # The function sees nothing of the host's files (its sandbox), so
        # it leaves its mark where its role may write: an S3 object.
        boto3.client("s3").put_object(Bucket=event["bucket"], Body=b"",
                                      Key="%s/%s/%s" % (event["mark"], context.aws_request_id, uuid.uuid4()))
    if event.get("sleep"):
        import time
        time.sleep(event["sleep"])
    if event.get("fail"):
        raise RuntimeError(event["fail"])
    out = {"request_id": context.aws_request_id, "env": sorted(os.environ)}
    if event.get("whoami"):
        out["arn"] = boto3.client("sts").get_caller_identity()["Arn"]
        try:
            boto3.client("iam").list_users()
            out["denied"] = None
        except ClientError as e:
            out["denied"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
    print("handled", json.dumps(event))
    return out
'''

CANARY = "SEKI_PY_RUNTIME_CANARY"
MARKS = "py-runtime-marks"


def setUpModule():
    global seki, lam, role_arn
    os.environ[CANARY] = "must-not-leak"  # seki inherits it; functions must not
    try:
        seki = Seki()
    finally:
        del os.environ[CANARY]
    iam = seki.client("iam")
    role_arn = iam.create_role(RoleName="py-exec", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    # Events leave their marks in this bucket (the role may write nothing else).
    seki.client("s3").create_bucket(Bucket=MARKS)
    iam.put_role_policy(RoleName="py-exec", PolicyName="marks", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/*" % MARKS}]}))
    lam = seki.client("lambda")
    lam.create_function(FunctionName="whoami", Runtime="python3.12", Role=role_arn, Handler="app.handler",
                        Code={"ZipFile": zip_of({"app.py": WHOAMI})}, Timeout=30)


def tearDownModule():
    seki.close()


class Invoke(unittest.TestCase):
    def test_role_session_inside_the_function(self):
        out = lam.invoke(FunctionName="whoami", Payload=json.dumps({"whoami": True}))
        self.assertEqual(out["StatusCode"], 200)
        self.assertNotIn("FunctionError", out)
        body = json.loads(out["Payload"].read())
        self.assertEqual(body["arn"], "arn:aws:sts::111111111111:assumed-role/py-exec/whoami")
        self.assertEqual(body["denied"][0], "AccessDenied")
        self.assertEqual(body["denied"][1],
                         "User: arn:aws:sts::111111111111:assumed-role/py-exec/whoami is not authorized to perform: "
                         "iam:ListUsers on resource: arn:aws:iam::111111111111:user/ because no identity-based policy "
                         "allows the iam:ListUsers action")

    def test_environment_is_awss_and_nothing_of_sekis(self):
        body = json.loads(lam.invoke(FunctionName="whoami", Payload=b"{}")["Payload"].read())
        self.assertNotIn(CANARY, body["env"])
        for name in ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                     "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_REGION", "AWS_DEFAULT_REGION",
                     "AWS_EXECUTION_ENV", "_HANDLER", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_LAMBDA_RUNTIME_API",
                     "TZ", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                     "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"]:
            self.assertIn(name, body["env"])

    def test_log_tail(self):
        out = lam.invoke(FunctionName="whoami", Payload=b'{"x": 1}', LogType="Tail")
        tail = base64.b64decode(out["LogResult"]).decode()
        rid = out["ResponseMetadata"]["RequestId"]
        self.assertIn("START RequestId: %s Version: $LATEST\n" % rid, tail)
        self.assertIn('handled {"x": 1}\n', tail)
        self.assertIn("END RequestId: %s\n" % rid, tail)
        self.assertRegex(tail, r"REPORT RequestId: %s\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
                               r"Memory Size: 128 MB\tMax Memory Used: \d+ MB" % re.escape(rid))
        self.assertEqual(json.loads(out["Payload"].read())["request_id"], rid)

    def test_function_error(self):
        out = lam.invoke(FunctionName="whoami", Payload=json.dumps({"fail": "it broke"}))
        self.assertEqual(out["StatusCode"], 200)
        self.assertEqual(out["FunctionError"], "Unhandled")
        err = json.loads(out["Payload"].read())
        self.assertEqual(err["errorType"], "RuntimeError")
        self.assertEqual(err["errorMessage"], "it broke")
        self.assertEqual(err["requestId"], out["ResponseMetadata"]["RequestId"])
        self.assertTrue(err["stackTrace"][0].lstrip().startswith('File "'))

    def test_timeout(self):
        lam.create_function(FunctionName="slow", Runtime="python3.12", Role=role_arn, Handler="app.handler",
                            Code={"ZipFile": zip_of({"app.py": WHOAMI})}, Timeout=1)
        out = lam.invoke(FunctionName="slow", Payload=json.dumps({"sleep": 5}))
        self.assertEqual(out["FunctionError"], "Unhandled")
        err = json.loads(out["Payload"].read())
        self.assertEqual(err["errorType"], "Sandbox.Timedout")
        self.assertEqual(err["errorMessage"], "RequestId: %s Error: Task timed out after 1.00 seconds"
                         % out["ResponseMetadata"]["RequestId"])

    def test_aws_cli_invoke(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.json")
            _, stdout, _ = seki.aws("lambda", "invoke", "--function-name", "whoami", "--payload", '{"cli": true}', path)
            meta = json.loads(stdout)
            self.assertEqual(meta["StatusCode"], 200)
            self.assertEqual(meta["ExecutedVersion"], "$LATEST")
            self.assertNotIn("FunctionError", meta)
            with open(path) as f:
                self.assertIn("request_id", json.load(f))
            _, stdout, _ = seki.aws("lambda", "invoke", "--function-name", "whoami", "--payload", '{"fail": "cli"}', path)
            self.assertEqual(json.loads(stdout)["FunctionError"], "Unhandled")

    def test_reserved_concurrency_throttles(self):
        lam.create_function(FunctionName="closed", Runtime="python3.12", Role=role_arn, Handler="app.handler",
                            Code={"ZipFile": zip_of({"app.py": WHOAMI})})
        lam.put_function_concurrency(FunctionName="closed", ReservedConcurrentExecutions=0)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.invoke(FunctionName="closed", Payload=b"{}")
        self.assertEqual(error_code(cm.exception), "TooManyRequestsException")
        self.assertEqual(cm.exception.response["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Rate Exceeded.")

    def test_node_handler(self):
        lam.create_function(FunctionName="node", Runtime="nodejs20.x", Role=role_arn, Handler="index.handler",
                            Code={"ZipFile": zip_of({"index.mjs": "export const handler = async (e, ctx) => "
                                                                 "({ sum: e.a + e.b, fn: ctx.functionName });"})})
        out = lam.invoke(FunctionName="node", Payload=b'{"a": 2, "b": 3}')
        self.assertEqual(json.loads(out["Payload"].read()), {"sum": 5, "fn": "node"})


class AsyncEvents(unittest.TestCase):
    def wait_lines(self, mark, n, timeout=30):
        """The request ids of the runs that left mark, oldest first, once
        there are n."""
        s3 = seki.client("s3")
        deadline = time.time() + timeout
        while time.time() < deadline:
            objs = s3.list_objects_v2(Bucket=MARKS, Prefix=mark + "/").get("Contents", [])
            if len(objs) >= n:
                objs.sort(key=lambda o: o["LastModified"])
                return [o["Key"].split("/")[1] for o in objs]
            time.sleep(0.05)
        self.fail("%s did not reach %d runs" % (mark, n))

    def test_event_runs_in_the_background(self):
        marks = "background"
        out = lam.invoke(FunctionName="whoami", InvocationType="Event",
                         Payload=json.dumps({"mark": marks, "bucket": MARKS}))
        self.assertEqual(out["StatusCode"], 202)
        lines = self.wait_lines(marks, 1)
        self.assertEqual(lines[0], out["ResponseMetadata"]["RequestId"])

    def test_accepted_event_survives_a_restart(self):
        global lam
        # The event is running when seki stops: it stays queued and runs
        # again after the restart (at least once, as AWS delivers).
        lam.create_function(FunctionName="durable", Runtime="python3.12", Role=role_arn, Handler="app.handler",
                            Code={"ZipFile": zip_of({"app.py": WHOAMI})}, Timeout=60)
        marks = "durable"
        lam.invoke(FunctionName="durable", InvocationType="Event",
                   Payload=json.dumps({"mark": marks, "bucket": MARKS, "sleep": 3}))
        self.wait_lines(marks, 1)
        seki.restart()
        lam = seki.client("lambda")
        lines = self.wait_lines(marks, 2)
        self.assertEqual(lines[0], lines[1])


if __name__ == "__main__":
    unittest.main()
