"""The web view at /_seki/ui/ (issue 13), in headless Chromium (Debian's
chromium, which .ci/run installs): the scenario's functions, roles and
findings are on the map, and the decision feed shows a new decision."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import botocore.exceptions

from seki_harness import ACCOUNT_A, Seki, request_id

ACCT = ACCOUNT_A[0]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def chromium():
    for exe in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(exe)
        if path:
            return path
    return None


class WebView(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = chromium()
        if cls.browser is None:
            if os.environ.get("CI"):
                raise AssertionError("CI must install Debian's chromium; see .ci/run")
            raise unittest.SkipTest("chromium is not installed")
        cls.seki = Seki()
        cls.work = tempfile.mkdtemp(prefix="seki-ui-")
        iam, lam = cls.seki.client("iam"), cls.seki.client("lambda")
        iam.create_role(RoleName="image-processor-role", AssumeRolePolicyDocument=TRUST)
        iam.put_role_policy(RoleName="image-processor-role", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::uploads/*"}]}))
        cls.seki.client("s3").create_bucket(Bucket="uploads")
        z = os.path.join(cls.work, "fn.zip")
        with zipfile.ZipFile(z, "w") as f:
            f.writestr("app.py", "def handler(e, c):\n    return e\n")
        with open(z, "rb") as f:
            code = f.read()
        lam.create_function(FunctionName="image-processor", Runtime="python3.12", Handler="app.handler",
                            Role="arn:aws:iam::%s:role/image-processor-role" % ACCT, Code={"ZipFile": code})
        # A service grant without SourceArn: a confused-deputy finding.
        lam.add_permission(FunctionName="image-processor", StatementId="any-bucket", Action="lambda:InvokeFunction",
                           Principal="s3.amazonaws.com")
        with open(os.path.join(cls.seki.data_dir, "ui-token")) as f:
            cls.token = f.read().strip()

    @classmethod
    def tearDownClass(cls):
        cls.seki.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    def run_browser(self, *args):
        profile = tempfile.mkdtemp(prefix="seki-chromium-", dir=self.work)
        argv = [self.browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--virtual-time-budget=15000", "--window-size=1600,900"] + list(args)
        p = subprocess.run(argv, capture_output=True, text=True, timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        return p.stdout

    def dom(self):
        return self.run_browser("--dump-dom", "%s/_seki/ui/#%s" % (self.seki.endpoint, self.token))

    def test_map_and_feed(self):
        page = self.dom()
        for want in ("image-processor", "image-processor-role", "s3.amazonaws.com", "arn:aws:s3:::uploads/*",
                     'title="confused-deputy"', "1 finding"):
            self.assertIn(want, page)

        # A new denied decision reaches the feed.
        user = self.seki.client("iam")
        user.create_user(UserName="viewer")
        key = user.create_access_key(UserName="viewer")["AccessKey"]
        with self.assertRaises(botocore.exceptions.ClientError) as denied:
            self.seki.client("iam", creds=key).list_users()
        rid = request_id(denied.exception)
        self.assertIn('data-request="%s"' % rid, self.dom())

    def test_click_shows_policies_and_findings(self):
        role = "r:arn:aws:iam::%s:role/image-processor-role" % ACCT
        page = self.run_browser("--dump-dom", "%s/_seki/ui/?select=%s#%s" % (self.seki.endpoint, urllib.parse.quote(role), self.token))
        self.assertIn("Policy p", page)
        self.assertIn("arn:aws:s3:::uploads/*", page)
        fn = "arn:aws:lambda:us-east-1:%s:function:image-processor" % ACCT
        page = self.run_browser("--dump-dom", "%s/_seki/ui/?select=%s#%s" % (self.seki.endpoint, urllib.parse.quote(fn), self.token))
        self.assertIn("Resource-based policy", page)
        self.assertIn("confused-deputy", page)
        self.assertIn("Fix: ", page)

    def test_a_thousand_functions(self):
        """The map stays usable at scale: a thousand functions render, each
        a node (edges are drawn for the selected node only)."""
        own = Seki()
        try:
            own.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
            lam = own.client("lambda")
            with open(os.path.join(self.work, "fn.zip"), "rb") as f:
                code = f.read()
            for i in range(1000):
                lam.create_function(FunctionName="fn-%04d" % i, Runtime="python3.12", Handler="app.handler",
                                    Role="arn:aws:iam::%s:role/r" % ACCT, Code={"ZipFile": code})
            with open(os.path.join(own.data_dir, "ui-token")) as f:
                token = f.read().strip()
            page = self.run_browser("--dump-dom", "%s/_seki/ui/#%s" % (own.endpoint, token))
            self.assertIn("1000 function entries", page)
            self.assertIn("fn-0000", page)
            self.assertIn("fn-0999", page)
        finally:
            own.close()

    def test_data_needs_the_token(self):
        for token in ("", "wrong"):
            req = urllib.request.Request(self.seki.endpoint + "/_seki/ui/api/decisions", headers={"X-Seki-Token": token})
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(req, timeout=10)
            self.assertEqual(e.exception.code, 403)
        req = urllib.request.Request(self.seki.endpoint + "/_seki/ui/api/accounts", headers={"X-Seki-Token": self.token})
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertIn(ACCT, json.load(r))

    def test_screenshot(self):
        out = os.path.join(self.work, "map.png")
        self.run_browser("--screenshot=" + out, "%s/_seki/ui/#%s" % (self.seki.endpoint, self.token))
        with open(out, "rb") as f:
            png = f.read()
        self.assertTrue(png.startswith(b"\x89PNG") and len(png) > 10000, len(png))
        if os.environ.get("SEKI_UI_SCREENSHOT"):
            shutil.copy(out, os.environ["SEKI_UI_SCREENSHOT"])
