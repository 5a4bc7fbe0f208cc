"""Lambda function URLs (issue 5), reached with the standard library only.

Clients reach a URL at the address the API returns,
http://<url-id>.lambda-url.us-east-1.localhost:<port>/, by connecting to
127.0.0.1 and sending that Host header (what `curl --resolve` does), or by
the path form http://127.0.0.1:<port>/_seki/lambda-url/<url-id>/. AWS_IAM
requests are signed with botocore's SigV4Auth for service "lambda".
Functions run for real on seki's runtime (a Python handler).
"""
import base64
import io
import json
import shutil
import unittest
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from seki_harness import ACCOUNT_A, ACCOUNT_B, REGION, Seki

A, B = ACCOUNT_A[0], ACCOUNT_B[0]
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
FORBIDDEN = ('{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: '
             'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}')

HANDLER = """import base64, json

def handler(event, context):
    path = event["rawPath"]
    if path.startswith("/error"):
        raise Exception("boom")
    if path.startswith("/return"):
        body = event.get("body", "")
        if event["isBase64Encoded"]:
            body = base64.b64decode(body).decode()
        return json.loads(body)
    return event
"""


def setUpModule():
    global seki, role_arn
    seki = Seki()
    role = seki.client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))
    role_arn = role["Role"]["Arn"]


def tearDownModule():
    seki.close()


def create_function(name):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", HANDLER)
    out = seki.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="index.handler",
        Code={"ZipFile": buf.getvalue()}, Timeout=30)
    return out["FunctionArn"]


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def call(url, method="GET", body=None, headers=None, creds=None):
    """Send a request to a function URL through 127.0.0.1 with the URL's Host
    header; creds (key, secret) signs it with SigV4 for service lambda."""
    headers = dict(headers or {})
    parts = urllib.parse.urlsplit(url)
    if creds:
        req = AWSRequest(method=method, url=url, data=body or b"", headers=headers)
        SigV4Auth(Credentials(creds[0], creds[1]), "lambda", REGION).add_auth(req)
        headers = dict(req.headers.items())
    headers["Host"] = parts.netloc
    local = "http://127.0.0.1:%d%s" % (seki.port, url[len(parts.scheme) + 3 + len(parts.netloc):])
    req = urllib.request.Request(local, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return Reply(r.status, r.headers, r.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read().decode("utf-8", "replace"))


def user(name, policies=(), account=ACCOUNT_A):
    iam = seki.client("iam", creds=account)
    iam.create_user(UserName=name)
    for i, doc in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName="p%d" % i, PolicyDocument=json.dumps(doc))
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return k["AccessKeyId"], k["SecretAccessKey"]


def allow(action, resource):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}


class FunctionURLs(unittest.TestCase):
    def assertForbidden(self, r):
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual(r.body, FORBIDDEN)
        self.assertEqual(r.headers["x-amzn-ErrorType"], "AccessDeniedException")
        self.assertTrue(r.headers["x-amzn-RequestId"])

    def explain(self, r, *want):
        out = seki.explain(r.headers["x-amzn-RequestId"])
        for w in want:
            self.assertIn(w, out.stdout, out.stdout + out.stderr)

    def test_none_auth_public_permissions_through_the_cli(self):
        create_function("pub")
        url = seki.client("lambda").create_function_url_config(FunctionName="pub", AuthType="NONE")["FunctionUrl"]
        self.assertRegex(url, r"^http://[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:%d/$" % seki.port)
        r = call(url + "echo")
        self.assertForbidden(r)
        self.explain(r, "lambda:InvokeFunctionUrl", "because no resource-based policy allows the lambda:InvokeFunctionUrl action")

        seki.aws("lambda", "add-permission", "--function-name", "pub", "--statement-id", "url",
                 "--action", "lambda:InvokeFunctionUrl", "--principal", "*", "--function-url-auth-type", "NONE")
        r = call(url + "echo")
        self.assertForbidden(r)
        self.explain(r, "because no resource-based policy allows the lambda:InvokeFunction action")

        seki.aws("lambda", "add-permission", "--function-name", "pub", "--statement-id", "invoke",
                 "--action", "lambda:InvokeFunction", "--principal", "*", "--invoked-via-function-url")
        r = call(url + "echo/a?x=1&x=2&y", method="POST", body=b'{"k": "v"}',
                 headers={"Content-Type": "application/json", "Cookie": "c1=v1; c2=v2", "User-Agent": "py-test/1"})
        self.assertEqual(r.status, 200, r.body)
        ev = r.json()
        self.assertEqual(ev["version"], "2.0")
        self.assertEqual(ev["routeKey"], "$default")
        self.assertEqual(ev["rawPath"], "/echo/a")
        self.assertEqual(ev["rawQueryString"], "x=1&x=2&y")
        self.assertEqual(ev["queryStringParameters"], {"x": "1,2", "y": ""})
        self.assertEqual(ev["cookies"], ["c1=v1", "c2=v2"])
        self.assertEqual(ev["body"], '{"k": "v"}')
        self.assertFalse(ev["isBase64Encoded"])
        self.assertEqual(ev["headers"]["content-type"], "application/json")
        self.assertEqual(ev["headers"]["host"], urllib.parse.urlsplit(url).netloc)
        self.assertNotIn("cookie", ev["headers"])
        rc = ev["requestContext"]
        url_id = url[7:39]
        self.assertEqual(rc["accountId"], "anonymous")
        self.assertEqual(rc["apiId"], url_id)
        self.assertEqual(rc["domainPrefix"], url_id)
        self.assertEqual(rc["domainName"], url_id + ".lambda-url.us-east-1.localhost")
        self.assertEqual(rc["http"], {"method": "POST", "path": "/echo/a", "protocol": "HTTP/1.1",
                                      "sourceIp": "127.0.0.1", "userAgent": "py-test/1"})
        self.assertEqual(rc["requestId"], r.headers["x-amzn-RequestId"])
        self.assertEqual((rc["routeKey"], rc["stage"]), ("$default", "$default"))
        self.assertRegex(rc["time"], r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$")
        self.assertIsInstance(rc["timeEpoch"], int)
        self.assertNotIn("authorizer", rc)

        # Binary bodies arrive base64-encoded.
        ev = call(url + "bin", method="PUT", body=b"\x00\xff", headers={"Content-Type": "application/octet-stream"}).json()
        self.assertTrue(ev["isBase64Encoded"])
        self.assertEqual(base64.b64decode(ev["body"]), b"\x00\xff")

        # The path form reaches the same URL.
        r = call_path(url_id, "/echo/p?q=1")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["rawPath"], "/echo/p")

    def test_response_conversion(self):
        create_function("conv")
        lam = seki.client("lambda")
        url = lam.create_function_url_config(FunctionName="conv", AuthType="NONE")["FunctionUrl"]
        lam.add_permission(FunctionName="conv", StatementId="url", Action="lambda:InvokeFunctionUrl",
                           Principal="*", FunctionUrlAuthType="NONE")
        lam.add_permission(FunctionName="conv", StatementId="invoke", Action="lambda:InvokeFunction",
                           Principal="*", InvokedViaFunctionUrl=True)

        def ret(result):
            return call(url + "return", method="POST", body=json.dumps(result).encode(),
                        headers={"Content-Type": "application/json"})

        r = ret({"statusCode": 201, "headers": {"Content-Type": "text/plain", "My-Custom-Header": "Custom Value"},
                 "cookies": ["Cookie_1=Value1; Max-Age=78000", "Cookie_2=Value2"], "body": "created"})
        self.assertEqual((r.status, r.body), (201, "created"))
        self.assertEqual(r.headers["Content-Type"], "text/plain")
        self.assertEqual(r.headers["my-custom-header"], "Custom Value")
        self.assertEqual(r.headers.get_all("Set-Cookie"), ["Cookie_1=Value1; Max-Age=78000", "Cookie_2=Value2"])
        r = ret({"statusCode": "418", "body": "i'm a teapot"})
        self.assertEqual((r.status, r.body), (418, "i'm a teapot"))
        r = ret("hello")
        self.assertEqual((r.status, r.body, r.headers["Content-Type"]), (200, "hello", "application/json"))
        r = ret({"hello": "world"})
        self.assertEqual((r.status, json.loads(r.body)), (200, {"hello": "world"}))
        r = ret({"statusCode": 200, "body": base64.b64encode(b"\x89PNG").decode(), "isBase64Encoded": True,
                 "headers": {"content-type": "image/png"}})
        self.assertEqual(r.status, 200)
        r = call(url + "error")
        self.assertEqual((r.status, r.body), (502, "Internal Server Error"))

    def test_iam_auth(self):
        arn = create_function("priv")
        lam = seki.client("lambda")
        url = lam.create_function_url_config(FunctionName="priv", AuthType="AWS_IAM")["FunctionUrl"]
        self.assertForbidden(call(url + "echo"))  # unsigned

        nobody = user("url-nobody")
        r = call(url + "echo", creds=nobody)
        self.assertForbidden(r)
        self.explain(r, "user/url-nobody", "because no identity-based policy allows the lambda:InvokeFunctionUrl action")

        alice = user("url-alice", [allow("lambda:InvokeFunctionUrl", arn), {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction",
                                                    "Resource": arn, "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}]}])
        r = call(url + "echo?signed=1", method="POST", body=b"payload", headers={"Content-Type": "text/plain"}, creds=alice)
        self.assertEqual(r.status, 200, r.body)
        ev = r.json()
        iam = ev["requestContext"]["authorizer"]["iam"]
        self.assertEqual(iam["userArn"], "arn:aws:iam::%s:user/url-alice" % A)
        self.assertEqual(iam["accountId"], A)
        self.assertEqual(iam["accessKey"], alice[0])
        self.assertTrue(iam["callerId"].startswith("AIDA"))
        self.assertEqual(ev["requestContext"]["accountId"], A)
        self.assertEqual(ev["body"], "payload")

        # The InvokedViaFunctionUrl grant does not allow a direct Invoke.
        c = seki.client("lambda", creds={"AccessKeyId": alice[0], "SecretAccessKey": alice[1]})
        with self.assertRaises(c.exceptions.ClientError) as cm:
            c.invoke(FunctionName=arn, InvocationType="DryRun")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDeniedException")

        # A wrong signature is refused before anything is decided.
        r = call(url + "echo", creds=(alice[0], "not-the-secret"))
        self.assertEqual(r.status, 403)
        self.assertEqual(r.headers["x-amzn-ErrorType"], "InvalidSignatureException")

        # Cross-account: B's identity policy and A's resource policy both.
        bob = user("url-bob", [allow("lambda:InvokeFunctionUrl", arn), allow("lambda:InvokeFunction", arn)], account=ACCOUNT_B)
        self.assertForbidden(call(url + "echo", creds=bob))
        lam.add_permission(FunctionName="priv", StatementId="b-url", Action="lambda:InvokeFunctionUrl",
                           Principal=B, FunctionUrlAuthType="AWS_IAM")
        lam.add_permission(FunctionName="priv", StatementId="b-invoke", Action="lambda:InvokeFunction",
                           Principal=B, InvokedViaFunctionUrl=True)
        r = call(url + "echo", creds=bob)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["requestContext"]["accountId"], B)

    def test_cors_preflight(self):
        create_function("cors")
        lam = seki.client("lambda")
        url = lam.create_function_url_config(FunctionName="cors", AuthType="AWS_IAM", Cors={
            "AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["content-type"], "ExposeHeaders": ["x-exposed"], "MaxAge": 600})["FunctionUrl"]
        r = call(url, method="OPTIONS", headers={"Origin": "https://app.example.com",
                                                "Access-Control-Request-Method": "POST"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Access-Control-Allow-Origin"], "https://app.example.com")
        self.assertEqual(r.headers["Access-Control-Allow-Methods"], "GET,POST")
        self.assertEqual(r.headers["Access-Control-Allow-Headers"], "content-type")
        self.assertEqual(r.headers["Access-Control-Max-Age"], "600")
        r = call(url, method="OPTIONS", headers={"Origin": "https://other.example", "Access-Control-Request-Method": "POST"})
        self.assertIsNone(r.headers.get("Access-Control-Allow-Origin"))
        root = (ACCOUNT_A[1], ACCOUNT_A[2])
        r = call(url + "echo", headers={"Origin": "https://app.example.com"}, creds=root)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["Access-Control-Allow-Origin"], "https://app.example.com")
        self.assertEqual(r.headers["Access-Control-Expose-Headers"], "x-exposed")

    def test_unknown_url(self):
        r = call_path("0123456789abcdefghijklmnopqrstuv", "/")
        self.assertEqual((r.status, r.body), (403, '{"Message":null}'))
        self.assertEqual(r.headers["x-amzn-ErrorType"], "AccessDeniedException")

    @unittest.skipUnless(shutil.which("curl"), "curl is not installed")
    def test_curl_resolve(self):
        create_function("curl")
        lam = seki.client("lambda")
        url = lam.create_function_url_config(FunctionName="curl", AuthType="NONE")["FunctionUrl"]
        lam.add_permission(FunctionName="curl", StatementId="url", Action="lambda:InvokeFunctionUrl",
                           Principal="*", FunctionUrlAuthType="NONE")
        lam.add_permission(FunctionName="curl", StatementId="invoke", Action="lambda:InvokeFunction",
                           Principal="*", InvokedViaFunctionUrl=True)
        host = urllib.parse.urlsplit(url).hostname
        import subprocess
        out = subprocess.run(["curl", "-sS", "--resolve", "%s:%d:127.0.0.1" % (host, seki.port), url + "echo?via=curl"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["queryStringParameters"], {"via": "curl"})


def call_path(url_id, path):
    req = urllib.request.Request("http://127.0.0.1:%d/_seki/lambda-url/%s%s" % (seki.port, url_id, path))
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return Reply(r.status, r.headers, r.read().decode())
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read().decode())


if __name__ == "__main__":
    unittest.main()
