"""The newcomer's path through IAM and STS (issue 3), through boto3 and the AWS CLI."""
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, ROOT, Seki, clean_env, error_code, free_port, request_id

TRUST_ACCOUNT_A = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}],
}


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def user_with_policy(name, statement, account=ACCOUNT_A):
    """Create a user with one inline policy statement and return its access key."""
    iam = seki.client("iam", creds=account)
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))
    return iam.create_access_key(UserName=name)["AccessKey"]


class Health(unittest.TestCase):
    def test_health(self):
        with urllib.request.urlopen(seki.endpoint + "/_seki/health") as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(json.loads(r.read())["status"], "ok")

    def test_unsigned_request_is_refused(self):
        req = urllib.request.Request(seki.endpoint + "/", data=b"Action=ListUsers&Version=2010-05-08", method="POST")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req)
        self.assertEqual(cm.exception.code, 403)
        self.assertIn(b"MissingAuthenticationToken", cm.exception.read())

    def test_bad_secret_is_refused(self):
        iam = seki.client("iam", creds=(ACCOUNT_A[0], ACCOUNT_A[1], "wrong-secret"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.list_users()
        self.assertEqual(error_code(cm.exception), "SignatureDoesNotMatch")

    def test_unknown_key_is_refused(self):
        iam = seki.client("iam", creds=("111111111111", "AKIANOSUCHKEY0000000", "x"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.list_users()
        self.assertEqual(error_code(cm.exception), "InvalidClientTokenId")


class NewcomerPath(unittest.TestCase):
    """README's path: create a user, see it denied with the reason, attach a
    policy, see it pass, assume a role, restart and find everything."""

    def test_user_denied_then_allowed(self):
        seki.aws("iam", "create-user", "--user-name", "dev")
        key = seki.aws_json("iam", "create-access-key", "--user-name", "dev")["AccessKey"]
        dev = seki.client("iam", creds=key)

        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            dev.list_users()
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "AccessDenied")
        self.assertEqual(
            err["Message"],
            "User: arn:aws:iam::111111111111:user/dev is not authorized to perform: iam:ListUsers on resource: "
            "arn:aws:iam::111111111111:user/ because no identity-based policy allows the iam:ListUsers action")

        # seki explain names what is missing.
        out = seki.explain(request_id(cm.exception))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("ImplicitlyDenied", out.stdout)
        self.assertIn("identity-based policy", out.stdout)

        seki.aws("iam", "attach-user-policy", "--user-name", "dev",
                 "--policy-arn", "arn:aws:iam::aws:policy/IAMFullAccess")
        names = [u["UserName"] for u in dev.list_users()["Users"]]
        self.assertIn("dev", names)

    def test_assume_role_and_caller_identity(self):
        seki.aws("iam", "create-role", "--role-name", "deployer",
                 "--assume-role-policy-document", json.dumps(TRUST_ACCOUNT_A))
        # Root may not assume roles (AWS refuses it), so a user does, with an
        # identity policy: the trust policy names the account, which delegates.
        sts = seki.client("sts", creds=user_with_policy("assumer", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
        creds = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/deployer", RoleSessionName="ci")["Credentials"]
        ident = seki.client("sts", creds=creds).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:sts::111111111111:assumed-role/deployer/ci")
        self.assertEqual(ident["Account"], "111111111111")
        self.assertTrue(ident["UserId"].startswith("AROA") and ident["UserId"].endswith(":ci"))

        # The AWS CLI sees the same identity.
        who = seki.aws_json("sts", "get-caller-identity", creds=creds)
        self.assertEqual(who["Arn"], ident["Arn"])

    def test_assume_role_refused_by_trust_policy(self):
        seki.aws("iam", "create-role", "--role-name", "only-a",
                 "--assume-role-policy-document", json.dumps(TRUST_ACCOUNT_A))
        # A user of account B whose own policy allows it is still refused:
        # the trust policy names only account A.
        sts_b = seki.client("sts", creds=user_with_policy(
            "outsider", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}, account=ACCOUNT_B))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts_b.assume_role(RoleArn="arn:aws:iam::111111111111:role/only-a", RoleSessionName="xx")
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        self.assertIn("is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/only-a",
                      cm.exception.response["Error"]["Message"])

    def test_state_survives_restart(self):
        seki.aws("iam", "create-user", "--user-name", "persisted")
        seki.aws("iam", "put-user-policy", "--user-name", "persisted", "--policy-name", "p",
                 "--policy-document", json.dumps({"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}))
        key = seki.aws_json("iam", "create-access-key", "--user-name", "persisted")["AccessKey"]
        seki.restart()
        user = seki.client("iam", creds=key).get_user()["User"]
        self.assertEqual(user["UserName"], "persisted")
        self.assertEqual(seki.client("iam").get_user_policy(UserName="persisted", PolicyName="p")["PolicyName"], "p")


class Shutdown(unittest.TestCase):
    def test_sigterm_exits_zero(self):
        s = Seki()
        try:
            self.assertEqual(s.stop(), 0)
        finally:
            s.close()

    def test_make_run_stops_on_sigterm(self):
        """The README's run command: SIGTERM to `make run` stops seki itself,
        freeing the port (go run would leave seki serving)."""
        port = free_port()
        data = tempfile.mkdtemp(prefix="seki-make-run-")
        try:
            p = subprocess.Popen(["make", "--no-print-directory", "run",
                                  "ARGS=--listen 127.0.0.1:%d --data-dir %s" % (port, data)],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=clean_env())
            url = "http://127.0.0.1:%d/_seki/health" % port
            deadline = time.time() + 120
            while time.time() < deadline:
                try:
                    with urllib.request.urlopen(url, timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.05)
            else:
                p.kill()
                self.fail("make run never became healthy")
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
            deadline = time.time() + 10
            while time.time() < deadline:
                with socket.socket() as c:
                    if c.connect_ex(("127.0.0.1", port)) != 0:
                        return
                time.sleep(0.05)
            self.fail("seki still serves on port %d after SIGTERM to make run" % port)
        finally:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
