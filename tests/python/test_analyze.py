"""`seki analyze` (issue 13): the export path, fed with what the AWS CLI
exports from seki itself, answers as the endpoint path does."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

from seki_harness import ACCOUNT_A, Seki, clean_env, seki_binary

ACCT = ACCOUNT_A[0]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def setUpModule():
    global seki, work
    seki = Seki()
    work = tempfile.mkdtemp(prefix="seki-analyze-")


def tearDownModule():
    seki.close()
    shutil.rmtree(work, ignore_errors=True)


class ExportFromCLI(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        seki.aws("s3api", "create-bucket", "--bucket", "uploads")
        seki.aws("dynamodb", "create-table", "--table-name", "meta", "--billing-mode", "PAY_PER_REQUEST",
                 "--attribute-definitions", "AttributeName=key,AttributeType=S",
                 "--key-schema", "AttributeName=key,KeyType=HASH")
        seki.aws("iam", "create-role", "--role-name", "processor", "--assume-role-policy-document", TRUST)
        seki.aws("iam", "put-role-policy", "--role-name", "processor", "--policy-name", "p", "--policy-document", json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::uploads/*"},
                {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:us-east-1:%s:table/meta" % ACCT}]}))
        seki.aws("iam", "attach-role-policy", "--role-name", "processor",
                 "--policy-arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        z = os.path.join(work, "fn.zip")
        with zipfile.ZipFile(z, "w") as f:
            f.writestr("app.py", "def handler(e, c):\n    return e\n")
        for name in ("f", "open"):
            seki.aws("lambda", "create-function", "--function-name", name, "--runtime", "python3.12",
                     "--handler", "app.handler", "--role", "arn:aws:iam::%s:role/processor" % ACCT,
                     "--zip-file", "fileb://" + z)
        seki.aws("lambda", "add-permission", "--function-name", "f", "--statement-id", "s3", "--action",
                 "lambda:InvokeFunction", "--principal", "s3.amazonaws.com", "--source-arn", "arn:aws:s3:::uploads",
                 "--source-account", ACCT)
        seki.aws("lambda", "add-permission", "--function-name", "open", "--statement-id", "any-bucket", "--action",
                 "lambda:InvokeFunction", "--principal", "s3.amazonaws.com")

        # The export, exactly as a reviewer makes it of a real account.
        files = []

        def save(name, *args):
            _, out, _ = seki.aws(*args)
            path = os.path.join(work, name)
            with open(path, "w") as f:
                f.write(out)
            files.append(path)
        save("auth.json", "iam", "get-account-authorization-details")
        save("functions.json", "lambda", "list-functions")
        save("policy-f.json", "lambda", "get-policy", "--function-name", "f")
        save("policy-open.json", "lambda", "get-policy", "--function-name", "open")
        save("buckets.json", "s3api", "list-buckets")
        save("tables.json", "dynamodb", "list-tables")
        cls.files = files

    def analyze(self, *args):
        # The usual AWS variables, as a reviewer's shell has them.
        env = clean_env()
        env.update(AWS_ACCESS_KEY_ID=ACCOUNT_A[1], AWS_SECRET_ACCESS_KEY=ACCOUNT_A[2], AWS_DEFAULT_REGION="us-east-1",
                   AWS_ENDPOINT_URL=seki.endpoint)
        p = subprocess.run([seki_binary(), "analyze", "--format", "json", "--data-dir", seki.data_dir] + list(args),
                           env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_from_export_matches_endpoint(self):
        args = []
        for f in self.files:
            args += ["--from", f]
        exported = self.analyze(*args)
        self.assertEqual(exported["account"], ACCT)
        by_arn = {f["arn"]: f for f in exported["functions"]}
        f = by_arn["arn:aws:lambda:us-east-1:%s:function:f" % ACCT]
        self.assertEqual(f["role"], "arn:aws:iam::%s:role/processor" % ACCT)
        self.assertIn({"principal": "s3.amazonaws.com", "via": "resource-policy", "statement": "s3",
                       "conditions": {"aws:SourceArn": "arn:aws:s3:::uploads", "aws:SourceAccount": ACCT}}, f["invokers"])
        reach = {(r["action"], r["resource"]) for r in f["reach"]}
        self.assertIn(("s3:GetObject", "arn:aws:s3:::uploads/*"), reach)
        self.assertIn(("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:%s:table/meta" % ACCT), reach)
        # The AWS managed policy's real document grants the function's logs.
        self.assertIn(("logs:PutLogEvents", "arn:aws:logs:us-east-1:%s:log-group:/aws/lambda/f" % ACCT), reach)
        self.assertEqual(f["findings"], [])
        kinds = [x["kind"] for x in by_arn["arn:aws:lambda:us-east-1:%s:function:open" % ACCT]["findings"]]
        self.assertIn("confused-deputy", kinds)

        # The endpoint path (signing with the usual variables) answers the same.
        live = self.analyze()
        self.assertEqual({f["arn"]: (f["invokers"], f["reach"], f["findings"]) for f in live["functions"]},
                         {f["arn"]: (f["invokers"], f["reach"], f["findings"]) for f in exported["functions"]})

    def test_formats(self):
        args = []
        for f in self.files:
            args += ["--from", f]
        for fmt, want in (("text", "who may invoke it"), ("dot", "digraph seki"), ("html", "<!doctype html>")):
            p = seki.seki("analyze", "--format", fmt, *args)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(want, p.stdout)
            self.assertIn("function:open", p.stdout)
