"""S3 browser POST uploads: forms presigned by boto3's generate_presigned_post
(SigV4 and SigV2) and posted as multipart/form-data with requests, as a
browser would. The answers checked are AWS's as LocalStack's AWS-validated
snapshots record them (tests/aws/services/s3/test_s3.snapshot.json:
TestS3PresignedPost)."""
import json
import time
import unittest
import xml.etree.ElementTree as ET

import boto3
import requests
from botocore.config import Config

from seki_harness import ACCOUNT_A, Seki

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def setUpModule():
    global seki
    seki = Seki()
    seki.client("s3").create_bucket(Bucket="py-post")


def tearDownModule():
    seki.close()


def post(presigned, body=b"abcdef", filename=None, **kw):
    files = {"file": (filename, body) if filename else body}
    return requests.post(presigned["url"], data=presigned["fields"], files=files, allow_redirects=False, **kw)


def error(resp):
    root = ET.fromstring(resp.content)
    return {child.tag.replace(NS, ""): child.text for child in root}


class PostUpload(unittest.TestCase):
    def test_upload_sigv4_and_sigv2(self):
        for version in ("s3v4", "s3"):
            c = seki.client("s3")
            if version == "s3":  # Signature Version 2
                c = boto3.session.Session().client("s3", endpoint_url=seki.endpoint, region_name="us-east-1",
                                                   aws_access_key_id=ACCOUNT_A[1], aws_secret_access_key=ACCOUNT_A[2],
                                                   config=Config(signature_version="s3"))
            p = c.generate_presigned_post(Bucket="py-post", Key="up-" + version + "-${filename}", ExpiresIn=60,
                                          Fields={"success_action_status": "201", "x-amz-meta-who": "form"},
                                          Conditions=[{"bucket": "py-post"}, ["starts-with", "$key", "up-"],
                                                      ["eq", "$success_action_status", "201"], ["eq", "$x-amz-meta-who", "form"],
                                                      ["content-length-range", 1, 100]])
            r = post(p, b"hello post", filename="a.txt")
            self.assertEqual(r.status_code, 201, r.text)
            doc = error(r)
            self.assertEqual((doc["Key"], doc["Bucket"], doc["ETag"]), ("up-%s-a.txt" % version, "py-post", r.headers["ETag"]))
            got = seki.client("s3").get_object(Bucket="py-post", Key="up-%s-a.txt" % version)
            self.assertEqual((got["Body"].read(), got["Metadata"]), (b"hello post", {"who": "form"}))
            self.assertEqual(r.headers["x-amz-checksum-type"], "FULL_OBJECT")

    def test_refusals(self):
        c = seki.client("s3")
        # The policy's conditions, its size range and its expiry.
        p = c.generate_presigned_post(Bucket="py-post", Key="k", ExpiresIn=60,
                                      Fields={"success_action_redirect": "http://localhost.test/ok"},
                                      Conditions=[["eq", "$success_action_redirect", "http://localhost.test/ok"], ["content-length-range", 2, 4]])
        p["fields"]["success_action_redirect"] = "http://elsewhere.test/"
        r = post(p, b"abc")
        self.assertEqual((r.status_code, error(r)["Message"]), (403, 'Invalid according to Policy: Policy Condition failed: '
                                                                    '["eq", "$success_action_redirect", "http://localhost.test/ok"]'))
        p["fields"]["success_action_redirect"] = "http://localhost.test/ok"
        r = post(p, b"abcdef")
        self.assertEqual((r.status_code, error(r)["Code"], error(r)["MaxSizeAllowed"]), (400, "EntityTooLarge", "4"))
        r = post(p, b"abc")
        self.assertEqual(r.status_code, 303)
        self.assertTrue(r.headers["Location"].startswith("http://localhost.test/ok?"), r.headers["Location"])
        short = c.generate_presigned_post(Bucket="py-post", Key="late", ExpiresIn=1)
        time.sleep(1.5)
        r = post(short)
        self.assertEqual((r.status_code, error(r)["Message"]), (403, "Invalid according to Policy: Policy expired."))
        # A tampered policy no longer matches its signature.
        p = c.generate_presigned_post(Bucket="py-post", Key="k", ExpiresIn=60)
        p["fields"]["policy"] = p["fields"]["policy"][:-2]
        r = post(p)
        self.assertEqual((r.status_code, error(r)["Code"]), (403, "SignatureDoesNotMatch"))
        # Without credentials the upload is anonymous, and the door refuses it.
        r = requests.post(seki.endpoint + "/py-post", data={"key": "anon"}, files={"file": b"x"})
        self.assertEqual((r.status_code, error(r)["Code"], error(r)["Message"]), (403, "AccessDenied", "Access Denied"))
        # A user without s3:PutObject is refused by the door, explained.
        iam = seki.client("iam")
        iam.create_user(UserName="py-post-reader")
        iam.put_user_policy(UserName="py-post-reader", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
        reader = seki.client("s3", creds=iam.create_access_key(UserName="py-post-reader")["AccessKey"])
        time.sleep(0.5)
        r = post(reader.generate_presigned_post(Bucket="py-post", Key="r", ExpiresIn=60))
        self.assertEqual((r.status_code, error(r)["Code"]), (403, "AccessDenied"))
        out = seki.wait_explained(error(r)["RequestId"], "s3:PutObject")
        self.assertIn("py-post-reader", out)


if __name__ == "__main__":
    unittest.main()
