"""Code.Location and Content.Location are working download URLs (issue 11), as AWS's
presigned S3 URLs are: fetched with plain HTTP (requests, urllib), no credentials."""
import base64
import hashlib
import io
import json
import os
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

import requests

from seki_harness import Seki, zip_of

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def setUpModule():
    global seki, role_arn
    seki = Seki()
    role_arn = seki.client("iam").create_role(
        RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]


def tearDownModule():
    seki.close()


def s3_error(body):
    root = ET.fromstring(body)
    return root.findtext("Code"), root.findtext("Message")


class CodeLocation(unittest.TestCase):
    def test_function_and_layer_downloads(self):
        lam = seki.client("lambda")
        zips = {"one": zip_of({"index.py": "def handler(e, c):\n    return 1\n"}),
                "two": zip_of({"index.py": "def handler(e, c):\n    return 2\n"})}
        loc = {}
        for name, z in zips.items():
            lam.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn,
                                Handler="index.handler", Code={"ZipFile": z})
            loc[name] = lam.get_function(FunctionName=name)["Code"]["Location"]
            r = requests.get(loc[name])
            self.assertEqual(r.status_code, 200, r.text)
            self.assertEqual(r.content, z)
            with urllib.request.urlopen(loc[name]) as u:
                self.assertEqual(u.read(), z)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(loc["one"]).query)
        self.assertEqual(q["X-Amz-Expires"], ["600"])

        layer = zip_of({"python/lib.py": "X = 1\n"})
        pub = lam.publish_layer_version(LayerName="lib", Content={"ZipFile": layer})
        got = lam.get_layer_version(LayerName="lib", VersionNumber=pub["Version"])
        for l in (pub["Content"]["Location"], got["Content"]["Location"]):
            self.assertEqual(requests.get(l).content, layer)

        # One function's signature cannot reach the other's package.
        one, two = urllib.parse.urlsplit(loc["one"]), urllib.parse.urlsplit(loc["two"])
        edited = one._replace(path=two.path).geturl()
        r = requests.get(edited)
        self.assertEqual(r.status_code, 403)
        self.assertEqual(s3_error(r.content), ("SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you provided. "
                         "Check your key and signing method."))
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(edited)
        self.assertEqual(cm.exception.code, 403)
        # Without its signature it is an anonymous GET.
        r = requests.get(one._replace(query="").geturl())
        self.assertEqual((r.status_code, s3_error(r.content)), (403, ("AccessDenied", "Access Denied")))

    def test_large_package_stored_as_sent(self):
        # A package large enough to be decoded as boto3's body streams in
        # (issue 9) is stored byte for byte, with its CodeSha256 and
        # CodeSize, by create and by update; one that is not a zip is
        # refused as before.
        lam = seki.client("lambda")

        def big(n):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
                z.writestr("index.py", "def handler(e, c):\n    return 1\n")
                z.writestr("blob.bin", os.urandom(n))
            return buf.getvalue()

        def check(conf, z):
            self.assertEqual(conf["CodeSha256"], base64.b64encode(hashlib.sha256(z).digest()).decode())
            self.assertEqual(conf["CodeSize"], len(z))
            loc = lam.get_function(FunctionName="big")["Code"]["Location"]
            self.assertEqual(requests.get(loc).content, z)

        one = big(600 << 10)
        check(lam.create_function(FunctionName="big", Runtime="python3.12", Role=role_arn,
                                  Handler="index.handler", Code={"ZipFile": one}), one)
        two = big(300 << 10)
        check(lam.update_function_code(FunctionName="big", ZipFile=two), two)
        with self.assertRaises(lam.exceptions.InvalidParameterValueException):
            lam.update_function_code(FunctionName="big", ZipFile=os.urandom(200 << 10))


if __name__ == "__main__":
    unittest.main()
