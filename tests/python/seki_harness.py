"""Start a real seki binary for the Python suite and hand out real clients.

The suite drives seki exactly as a user would: boto3 clients and the AWS CLI
pointed at the endpoint with AWS_ENDPOINT_URL / endpoint_url, signing with
real credentials. Nothing is mocked.
"""
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import zipfile

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Accounts every harness server starts with: (account, access key id, secret).
ACCOUNT_A = ("111111111111", "AKIAROOTAAAAAAAAAAAA", "root-secret-a")
ACCOUNT_B = ("222222222222", "AKIAROOTBBBBBBBBBBBB", "root-secret-b")
REGION = "us-east-1"


def seki_binary():
    """The seki binary under test: $SEKI_BIN, or one built into bin/."""
    path = os.environ.get("SEKI_BIN")
    if path:
        return path
    path = os.path.join(ROOT, "bin", "seki")
    subprocess.run(["go", "build", "-o", path, "./cmd/seki"], cwd=ROOT, check=True)
    os.environ["SEKI_BIN"] = path
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Seki:
    """One seki process with its own data directory."""

    def __init__(self, data_dir=None, extra_args=()):
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="seki-py-")
        self.extra_args = list(extra_args)
        self.proc = None
        self.start()

    def start(self):
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        args = [seki_binary(), "serve", "--listen", "127.0.0.1:%d" % self.port,
                "--data-dir", self.data_dir]
        for acct, key, secret in (ACCOUNT_A, ACCOUNT_B):
            args += ["--root-key", "%s:%s:%s" % (acct, key, secret)]
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args + self.extra_args, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=clean_env())
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("seki exited with %s; see %s/server.log" % (self.proc.returncode, self.data_dir))
            try:
                with urllib.request.urlopen(self.endpoint + "/_seki/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("seki did not become healthy")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        self.stop()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # Clients -----------------------------------------------------------

    def client(self, service, creds=ACCOUNT_A, region=REGION):
        """A boto3 client signing with creds: an (account, key, secret) root tuple,
        or a dict with AccessKeyId/SecretAccessKey[/SessionToken]."""
        key, secret, token = _creds(creds)
        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
            config=Config(retries={"max_attempts": 1}))

    def aws(self, *args, creds=ACCOUNT_A, region=REGION, check=True):
        """Run the AWS CLI against seki; returns (returncode, stdout, stderr)."""
        key, secret, token = _creds(creds)
        env = clean_env()
        env.update(AWS_ENDPOINT_URL=self.endpoint, AWS_ACCESS_KEY_ID=key,
                   AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION=region,
                   AWS_MAX_ATTEMPTS="1", AWS_CONFIG_FILE="/dev/null",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        if token:
            env["AWS_SESSION_TOKEN"] = token
        p = subprocess.run(["aws", "--output", "json"] + list(args), env=env,
                           capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError("aws %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def aws_json(self, *args, **kw):
        _, out, _ = self.aws(*args, **kw)
        return json.loads(out) if out.strip() else None

    def seki(self, *args, input=None):
        """Run a seki subcommand (explain, policy ...) with this server's data dir."""
        return subprocess.run([seki_binary()] + list(args), capture_output=True, text=True,
                              input=input, timeout=60)

    def explain(self, request_id):
        return self.seki("explain", "--data-dir", self.data_dir, request_id)

    def wait_explained(self, request_id, needle, timeout=10):
        """`seki explain REQUEST_ID` once its output contains needle (decisions
        of asynchronous deliveries are logged moments after the answer)."""
        deadline = time.time() + timeout
        while True:
            p = self.explain(request_id)
            if needle in p.stdout:
                return p.stdout
            if time.time() > deadline:
                raise AssertionError("explain %s lacks %r:\n%s%s" % (request_id, needle, p.stdout, p.stderr))
            time.sleep(0.05)


def _creds(creds):
    if isinstance(creds, dict):
        return creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken")
    return creds[1], creds[2], None


def clean_env():
    """The environment without any AWS settings of the machine running the tests."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


def zip_of(files):
    """A deployment package (.zip) holding files: {name: body}."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


# Stores every event it receives in the bucket named by BUCKET, under
# PREFIX/REQUEST_ID, with its execution role's credentials (function code
# runs isolated and cannot write to the test's files); SLEEP makes it slow,
# so that deliveries are still queued when seki is killed.
RECORDER_CODE = '''
import json, os, time, boto3
s3 = boto3.client("s3")
def handler(event, context):
    time.sleep(float(os.environ.get("SLEEP", "0")))
    s3.put_object(Bucket=os.environ["BUCKET"], Key=os.environ["PREFIX"] + "/" + context.aws_request_id,
                  Body=json.dumps(event))
'''

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


class Recorders:
    """Real Python functions that record the events they are invoked with in
    an S3 bucket, for tests of event sources (SNS, EventBridge)."""

    def __init__(self, server, creds=ACCOUNT_A):
        self.server, self.creds = server, creds
        self.bucket = "recorders-" + creds[0]
        server.client("s3", creds=creds).create_bucket(Bucket=self.bucket)
        iam = server.client("iam", creds=creds)
        self.role_arn = iam.create_role(RoleName="recorder-role",
                                        AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
        iam.put_role_policy(RoleName="recorder-role", PolicyName="results", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/*" % self.bucket}]}))

    def create(self, name, sleep=0):
        """A recording function; returns (function ARN, its name for read/wait)."""
        fn = self.server.client("lambda", creds=self.creds).create_function(
            FunctionName=name, Runtime="python3.12", Role=self.role_arn, Handler="app.handler", Timeout=30,
            Code={"ZipFile": zip_of({"app.py": RECORDER_CODE})},
            Environment={"Variables": {"BUCKET": self.bucket, "PREFIX": name, "SLEEP": str(sleep)}})
        return fn["FunctionArn"], name

    def read(self, name):
        """The events the function has recorded so far."""
        s3 = self.server.client("s3", creds=self.creds)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=self.bucket, Prefix=name + "/").get("Contents", [])]
        return [json.loads(s3.get_object(Bucket=self.bucket, Key=k)["Body"].read()) for k in keys]

    def wait(self, name, n, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.read(name)
            if len(got) >= n:
                return got
            time.sleep(0.1)
        raise AssertionError("%s: %d events, want %d" % (name, len(self.read(name)), n))

    def close(self):
        pass


def error_code(exc):
    return exc.response["Error"]["Code"]


def request_id(exc):
    return exc.response["ResponseMetadata"]["RequestId"]
