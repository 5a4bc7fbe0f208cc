"""S3 Signature Version 2 (issue 10): what boto3's generate_presigned_url and
the AWS CLI v1's `aws s3 presign` produce for us-east-1 by default."""
import json
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import botocore.exceptions
from botocore.config import Config

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki, error_code, request_id


def setUpModule():
    global seki
    seki = Seki()
    s3 = seki.client("s3")
    s3.create_bucket(Bucket="sigv2")
    s3.put_object(Bucket="sigv2", Key="hello world.txt", Body=b"hello v2")


def tearDownModule():
    seki.close()


def v2client(creds=ACCOUNT_A, **kw):
    import boto3
    key, secret = creds[1], creds[2]
    return boto3.session.Session().client(
        "s3", endpoint_url=seki.endpoint, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=kw.get("token"),
        config=Config(signature_version="s3", retries={"max_attempts": 1}, s3={"addressing_style": "path"}))


def fetch(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def tamper(url, param, value):
    parts = urllib.parse.urlsplit(url)
    q = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    q = [(k, value if k == param else v) for k, v in q]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))


class PresignedQuery(unittest.TestCase):
    def test_boto3_presigned_get(self):
        url = v2client().generate_presigned_url("get_object", Params={"Bucket": "sigv2", "Key": "hello world.txt"}, ExpiresIn=300)
        self.assertIn("AWSAccessKeyId=", url)
        self.assertIn("Signature=", url)
        self.assertNotIn("X-Amz-Signature", url)
        status, body, _ = fetch(url)
        self.assertEqual((status, body), (200, b"hello v2"))

    def test_boto3_presigned_put(self):
        url = v2client().generate_presigned_url("put_object", Params={"Bucket": "sigv2", "Key": "uploaded", "ContentType": "text/plain"}, ExpiresIn=300)
        status, body, _ = fetch(url, method="PUT", data=b"via v2", headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 200, body)
        got = seki.client("s3").get_object(Bucket="sigv2", Key="uploaded")["Body"].read()
        self.assertEqual(got, b"via v2")

    def test_expired(self):
        url = v2client().generate_presigned_url("get_object", Params={"Bucket": "sigv2", "Key": "hello world.txt"}, ExpiresIn=1)
        time.sleep(2.1)
        status, body, _ = fetch(url)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        self.assertIn(b"<Message>Request has expired</Message>", body)
        self.assertIn(b"<Expires>", body)
        self.assertIn(b"<ServerTime>", body)

    def test_tampered(self):
        url = v2client().generate_presigned_url("get_object", Params={"Bucket": "sigv2", "Key": "hello world.txt"}, ExpiresIn=300)
        cases = {
            "key": url.replace("hello%20world.txt", "other.txt"),
            "expires": tamper(url, "Expires", str(int(time.time()) + 100000)),
            "signature": tamper(url, "Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        }
        for name, bad in cases.items():
            with self.subTest(name):
                status, body, _ = fetch(bad)
                self.assertEqual(status, 403, body)
                self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
                self.assertIn(b"<StringToSign>", body)

    def test_unknown_key(self):
        url = v2client(creds=("000000000000", "AKIANOSUCHKEY0000000", "x")).generate_presigned_url(
            "get_object", Params={"Bucket": "sigv2", "Key": "hello world.txt"})
        status, body, _ = fetch(url)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>InvalidAccessKeyId</Code>", body)

    def test_missing_parameter(self):
        url = v2client().generate_presigned_url("get_object", Params={"Bucket": "sigv2", "Key": "hello world.txt"})
        parts = urllib.parse.urlsplit(url)
        q = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "Expires"]
        status, body, _ = fetch(urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q))))
        self.assertEqual(status, 403)
        self.assertIn(b"Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters", body)

    def test_cli_v1_presign(self):
        _, out, _ = seki.aws("s3", "presign", "s3://sigv2/hello world.txt", "--expires-in", "120")
        url = out.strip()
        self.assertIn("AWSAccessKeyId=", url)
        status, body, _ = fetch(url)
        self.assertEqual((status, body), (200, b"hello v2"))
        status, body, _ = fetch(tamper(url, "Expires", str(int(time.time()) + 5000)))
        self.assertEqual(status, 403)
        self.assertIn(b"SignatureDoesNotMatch", body)


class HeaderAuth(unittest.TestCase):
    def test_operations_through_the_door(self):
        c = v2client()
        c.put_object(Bucket="sigv2", Key="hdr", Body=b"header v2", ContentType="text/plain")
        self.assertEqual(c.get_object(Bucket="sigv2", Key="hdr")["Body"].read(), b"header v2")
        keys = [o["Key"] for o in c.list_objects_v2(Bucket="sigv2")["Contents"]]
        self.assertIn("hdr", keys)
        c.get_bucket_location(Bucket="sigv2")  # a signed sub-resource

    def test_other_account_is_denied_and_explained(self):
        c = v2client(creds=ACCOUNT_B)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="sigv2", Key="hdr")
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        out = seki.explain(request_id(cm.exception))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("s3:GetObject", out.stdout)

    def test_signature_version_condition_key(self):
        # s3:signatureversion is "AWS" for SigV2: a bucket policy can refuse it.
        s3 = seki.client("s3")
        s3.create_bucket(Bucket="v4-only")
        s3.put_object(Bucket="v4-only", Key="k", Body=b"x")
        s3.put_bucket_policy(Bucket="v4-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::v4-only", "arn:aws:s3:::v4-only/*"],
            "Condition": {"StringEquals": {"s3:signatureversion": "AWS"}}}]}))
        s3.get_object(Bucket="v4-only", Key="k")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            v2client().get_object(Bucket="v4-only", Key="k")
        self.assertEqual(error_code(cm.exception), "AccessDenied")

    def test_wrong_secret(self):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            v2client(creds=(ACCOUNT_A[0], ACCOUNT_A[1], "wrong")).get_object(Bucket="sigv2", Key="hdr")
        self.assertEqual(error_code(cm.exception), "SignatureDoesNotMatch")


if __name__ == "__main__":
    unittest.main()
