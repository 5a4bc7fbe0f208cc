"""AssumeRoleWithWebIdentity through boto3 (issue 10), with a GitHub-Actions-style
trust policy. The test plays the identity provider: it makes an RSA key, gives
seki the public half (--oidc-jwks) and signs tokens with the private half."""
import base64
import json
import os
import tempfile
import time
import unittest

import boto3
import botocore.exceptions
from botocore import UNSIGNED
from botocore.config import Config
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from seki_harness import ACCOUNT_A, Seki, error_code

ISSUER = "https://token.actions.githubusercontent.com"
HOST = "token.actions.githubusercontent.com"


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwks(key, kid):
    n = key.public_key().public_numbers()
    return {"keys": [{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
                      "n": b64(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
                      "e": b64(n.e.to_bytes(3, "big"))}]}


def mint(key, kid, **claims):
    body = {"iss": ISSUER, "aud": "sts.amazonaws.com", "sub": "repo:octo-org/app:ref:refs/heads/main",
            "iat": int(time.time()), "exp": int(time.time()) + 300}
    body.update(claims)
    signed = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}).encode()) + "." + b64(json.dumps(body).encode())
    sig = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signed + "." + b64(sig)


def setUpModule():
    global seki, key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(jwks(key, "gh"), f)
    f.close()
    seki = Seki(extra_args=["--oidc-jwks", "%s=%s" % (HOST, f.name)])
    os.unlink(f.name)  # read once, at start


def tearDownModule():
    seki.close()


class WebIdentity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        iam = seki.client("iam")
        arn = iam.create_open_id_connect_provider(Url=ISSUER, ClientIDList=["sts.amazonaws.com"],
                                                   ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
        cls.provider = arn
        iam.create_role(RoleName="gha", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": arn}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {HOST + ":aud": "sts.amazonaws.com"},
                          "StringLike": {HOST + ":sub": "repo:octo-org/app:*"}}}]}))
        iam.put_role_policy(RoleName="gha", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
        cls.sts = boto3.session.Session().client("sts", endpoint_url=seki.endpoint, region_name="us-east-1",
                                                 config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))

    def assume(self, token):
        return self.sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::%s:role/gha" % ACCOUNT_A[0],
                                                      RoleSessionName="ci", WebIdentityToken=token)

    def test_github_actions_token(self):
        out = self.assume(mint(key, "gh"))
        self.assertEqual(out["SubjectFromWebIdentityToken"], "repo:octo-org/app:ref:refs/heads/main")
        self.assertEqual(out["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/gha/ci" % ACCOUNT_A[0])
        c = out["Credentials"]
        s3 = seki.client("s3", creds={"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                                      "SessionToken": c["SessionToken"]})
        s3.list_buckets()

    def test_refused(self):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for name, token, code in [
            ("other repository", mint(key, "gh", sub="repo:evil/app:ref:refs/heads/main"), "AccessDenied"),
            ("other signer", mint(other, "gh"), "InvalidIdentityToken"),
            ("expired", mint(key, "gh", exp=int(time.time()) - 10), "ExpiredTokenException"),
            ("other audience", mint(key, "gh", aud="x"), "InvalidIdentityToken"),
        ]:
            with self.subTest(name):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    self.assume(token)
                self.assertEqual(error_code(cm.exception), code)

    def test_provider_operations(self):
        iam = seki.client("iam")
        got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=self.provider)
        self.assertEqual(got["Url"], HOST)
        self.assertEqual(got["ClientIDList"], ["sts.amazonaws.com"])
        arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
        self.assertIn(self.provider, arns)


if __name__ == "__main__":
    unittest.main()
