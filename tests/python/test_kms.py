"""KMS through boto3: keys, aliases, real encryption bound to its context, KMS's key-policy
rule (an identity policy counts only where the key policy allows the account), another
account's user allowed by both, S3 SSE-KMS deciding as the caller (kms:GenerateDataKey
to write, kms:Decrypt to read), and a Lambda function's KMSKeyArn (kms:Encrypt to set it,
invocations refused while the key is disabled), every denial explained by `seki explain`."""
import json
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, LAMBDA_TRUST, Seki, error_code, request_id, zip_of

A, B = ACCOUNT_A[0], ACCOUNT_B[0]


def doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def allow(actions, resource="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def setUpModule():
    global seki, kms
    seki = Seki()
    kms = seki.client("kms")


def tearDownModule():
    seki.close()


def user(name, policy=None, creds=ACCOUNT_A):
    """An IAM user of creds' account with an inline policy, as boto3 credentials."""
    iam = seki.client("iam", creds=creds)
    iam.create_user(UserName=name)
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AccessKeyId": k["AccessKeyId"], "SecretAccessKey": k["SecretAccessKey"]}


class Keys(unittest.TestCase):
    def test_encrypt_decrypt_alias(self):
        meta = kms.create_key(Description="py")["KeyMetadata"]
        self.assertEqual(meta["Arn"], "arn:aws:kms:us-east-1:%s:key/%s" % (A, meta["KeyId"]))
        self.assertEqual((meta["KeyState"], meta["KeySpec"], meta["KeyUsage"]), ("Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"))
        kms.create_alias(AliasName="alias/py", TargetKeyId=meta["KeyId"])
        ec = {"app": "py"}
        blob = kms.encrypt(KeyId="alias/py", Plaintext=b"secret", EncryptionContext=ec)["CiphertextBlob"]
        self.assertNotIn(b"secret", blob)
        out = kms.decrypt(CiphertextBlob=blob, EncryptionContext=ec)
        self.assertEqual((out["Plaintext"], out["KeyId"]), (b"secret", meta["Arn"]))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            kms.decrypt(CiphertextBlob=blob)
        self.assertEqual(error_code(cm.exception), "InvalidCiphertextException")
        dk = kms.generate_data_key(KeyId=meta["Arn"], KeySpec="AES_256")
        self.assertEqual(len(dk["Plaintext"]), 32)
        self.assertEqual(kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"], dk["Plaintext"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            kms.describe_key(KeyId="fake-key-id")
        self.assertEqual((error_code(cm.exception), cm.exception.response["Error"]["Message"]),
                         ("NotFoundException", "Invalid keyId 'fake-key-id'"))
        kms.disable_key(KeyId=meta["KeyId"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            kms.encrypt(KeyId="alias/py", Plaintext=b"x")
        self.assertEqual((error_code(cm.exception), cm.exception.response["Error"]["Message"]),
                         ("DisabledException", meta["Arn"] + " is disabled."))


class KeyPolicies(unittest.TestCase):
    def test_identity_policy_counts_where_the_key_policy_allows_the_account(self):
        arn = kms.create_key()["KeyMetadata"]["Arn"]
        ok = seki.client("kms", creds=user("py-enc", doc(allow(["kms:Encrypt"], arn))))
        ok.encrypt(KeyId=arn, Plaintext=b"x")
        # A key policy naming someone else: the same identity policy allows nothing.
        locked = kms.create_key(BypassPolicyLockoutSafetyCheck=True, Policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/nobody" % A}, "Action": "kms:*", "Resource": "*"}))
        larn = locked["KeyMetadata"]["Arn"]
        admin = seki.client("kms", creds=user("py-admin", doc(allow("*"))))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            admin.encrypt(KeyId=larn, Plaintext=b"x")
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/py-admin is not authorized to perform: kms:Encrypt on resource: %s "
                         "because no resource-based policy allows the kms:Encrypt action" % (A, larn))
        out = seki.wait_explained(request_id(cm.exception), "the key policy allows neither")
        self.assertIn("aws kms put-key-policy", out)

    def test_another_account_needs_the_key_policy_and_its_own_policy(self):
        key = kms.create_key()["KeyMetadata"]
        arn = key["Arn"]
        partner = seki.client("kms", creds=user("partner", doc(allow(["kms:Encrypt", "kms:Decrypt"], arn)), creds=ACCOUNT_B))
        bare = seki.client("kms", creds=user("bare", creds=ACCOUNT_B))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            partner.encrypt(KeyId=arn, Plaintext=b"x")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/partner is not authorized to perform: kms:Encrypt on resource: %s "
                         "because no resource-based policy allows the kms:Encrypt action" % (B, arn))
        kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % A}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % B}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}))
        blob = partner.encrypt(KeyId=arn, Plaintext=b"from b")["CiphertextBlob"]
        self.assertEqual(partner.decrypt(CiphertextBlob=blob)["Plaintext"], b"from b")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            bare.decrypt(CiphertextBlob=blob)
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/bare is not authorized to perform: kms:Decrypt on resource: %s "
                         "because no identity-based policy allows the kms:Decrypt action" % (B, arn))
        seki.wait_explained(request_id(cm.exception), "no identity-based policy allows the kms:Decrypt action")


class SSEKMS(unittest.TestCase):
    def test_s3_uses_the_key_as_the_caller(self):
        arn = kms.create_key()["KeyMetadata"]["Arn"]
        s3 = seki.client("s3")
        s3.create_bucket(Bucket="py-kms")
        put = s3.put_object(Bucket="py-kms", Key="o", Body=b"hello", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"]), ("aws:kms", arn))

        s3_only = doc(allow(["s3:GetObject", "s3:PutObject"]))
        plain = seki.client("s3", creds=user("py-s3", s3_only))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            plain.get_object(Bucket="py-kms", Key="o")
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/py-s3 is not authorized to perform: kms:Decrypt on resource: %s "
                         "because no identity-based policy allows the kms:Decrypt action" % (A, arn))
        seki.wait_explained(request_id(cm.exception), "kms:Decrypt")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            plain.put_object(Bucket="py-kms", Key="w", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        self.assertIn("kms:GenerateDataKey on resource: " + arn, cm.exception.response["Error"]["Message"])
        seki.wait_explained(request_id(cm.exception), "kms:GenerateDataKey")

        both = seki.client("s3", creds=user("py-s3kms", doc(allow(["s3:GetObject", "s3:PutObject", "kms:Decrypt", "kms:GenerateDataKey"]))))
        both.put_object(Bucket="py-kms", Key="w", Body=b"written", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        got = both.get_object(Bucket="py-kms", Key="w")
        self.assertEqual((got["Body"].read(), got["SSEKMSKeyId"]), (b"written", arn))
        self.assertEqual(both.get_object(Bucket="py-kms", Key="o")["Body"].read(), b"hello")


class LambdaEnvironment(unittest.TestCase):
    def test_kms_key_arn_seals_variables_and_gates_invocations(self):
        arn = kms.create_key()["KeyMetadata"]["Arn"]
        role = seki.client("iam").create_role(RoleName="py-kms-fn", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
        code = zip_of({"app.py": "import os\ndef handler(event, context):\n    return os.environ['SECRET']\n"})
        args = dict(FunctionName="py-sealed", Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": code},
                    KMSKeyArn=arn, Environment={"Variables": {"SECRET": "py-sealed-value"}})
        deployer = seki.client("lambda", creds=user("py-deployer", doc(allow(["lambda:*", "iam:PassRole"]))))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            deployer.create_function(**args)
        self.assertEqual(error_code(cm.exception), "InvalidParameterValueException")
        self.assertIn("kms:Encrypt on resource: " + arn, cm.exception.response["Error"]["Message"])
        seki.wait_explained(request_id(cm.exception), "kms:Encrypt")
        lam = seki.client("lambda")
        lam.create_function(**args)
        self.assertEqual(json.loads(lam.invoke(FunctionName="py-sealed")["Payload"].read()), "py-sealed-value")
        kms.disable_key(KeyId=arn)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.invoke(FunctionName="py-sealed")
        self.assertEqual((error_code(cm.exception), cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]), ("KMSDisabledException", 502))
        env = lam.get_function_configuration(FunctionName="py-sealed")["Environment"]
        self.assertEqual(env["Error"]["ErrorCode"], "KMSDisabledException")


if __name__ == "__main__":
    unittest.main()
