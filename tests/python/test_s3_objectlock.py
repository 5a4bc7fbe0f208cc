"""S3 Object Lock through boto3 and the AWS CLI: a bucket created with Object
Lock, retention and legal hold on versions, and their enforcement, the
governance bypass decided by the door (s3:BypassGovernanceRetention) and
explained by `seki explain`. The answers checked are AWS's as LocalStack's
AWS-validated snapshots record them (tests/aws/services/s3/test_s3.snapshot.json:
TestS3ObjectLockRetention, TestS3ObjectLockLegalHold; test_s3_api.snapshot.json:
TestS3ObjectLock)."""
import datetime
import json
import unittest

import botocore.exceptions

from seki_harness import Seki, error_code, request_id

LOCKED = "Access Denied because object protected by object lock."


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def in_(minutes):
    return datetime.datetime.now(tz=datetime.timezone.utc) + datetime.timedelta(minutes=minutes)


def user(name, *actions):
    iam = seki.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "arn:aws:s3:::py-lock*"}]}))
    return seki.client("s3", creds=iam.create_access_key(UserName=name)["AccessKey"])


class ObjectLock(unittest.TestCase):
    def test_governance_bypass_is_the_doors_decision(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-lock", ObjectLockEnabledForBucket=True)
        self.assertEqual(c.get_bucket_versioning(Bucket="py-lock")["Status"], "Enabled")
        self.assertEqual(c.get_object_lock_configuration(Bucket="py-lock")["ObjectLockConfiguration"],
                         {"ObjectLockEnabled": "Enabled"})
        v = c.put_object(Bucket="py-lock", Key="k", Body=b"kept", ObjectLockMode="GOVERNANCE",
                         ObjectLockRetainUntilDate=in_(60))["VersionId"]
        head = c.head_object(Bucket="py-lock", Key="k")
        self.assertEqual(head["ObjectLockMode"], "GOVERNANCE")

        # Without the bypass the version stays; a delete only stacks a marker.
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.delete_object(Bucket="py-lock", Key="k", VersionId=v)
        self.assertEqual((error_code(cm.exception), cm.exception.response["Error"]["Message"]), ("AccessDenied", LOCKED))
        self.assertTrue(c.delete_object(Bucket="py-lock", Key="k")["DeleteMarker"])
        self.assertEqual(c.get_object(Bucket="py-lock", Key="k", VersionId=v)["Body"].read(), b"kept")

        # A user allowed to delete versions but not to bypass: refused, and
        # the door's denial of s3:BypassGovernanceRetention is explained.
        ops = user("py-lock-ops", "s3:DeleteObjectVersion")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ops.delete_object(Bucket="py-lock", Key="k", VersionId=v, BypassGovernanceRetention=True)
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        out = seki.wait_explained(request_id(cm.exception), "s3:BypassGovernanceRetention")
        self.assertIn("py-lock-ops", out)

        # With s3:BypassGovernanceRetention the same request removes it.
        admin = user("py-lock-admin", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention")
        d = admin.delete_object(Bucket="py-lock", Key="k", VersionId=v, BypassGovernanceRetention=True)
        self.assertEqual(d["VersionId"], v)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.head_object(Bucket="py-lock", Key="k", VersionId=v)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_compliance_legal_hold_and_default_retention(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-lock-vault", ObjectLockEnabledForBucket=True)
        until = in_(30).replace(microsecond=0)
        v = c.put_object(Bucket="py-lock-vault", Key="c", Body=b"c")["VersionId"]
        c.put_object_retention(Bucket="py-lock-vault", Key="c", VersionId=v,
                               Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until})
        r = c.get_object_retention(Bucket="py-lock-vault", Key="c", VersionId=v)["Retention"]
        self.assertEqual((r["Mode"], r["RetainUntilDate"]), ("COMPLIANCE", until))
        # COMPLIANCE is never shortened, not even by the root user with a bypass.
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_object_retention(Bucket="py-lock-vault", Key="c", VersionId=v, BypassGovernanceRetention=True,
                                   Retention={"Mode": "COMPLIANCE", "RetainUntilDate": in_(5)})
        self.assertEqual(cm.exception.response["Error"]["Message"], LOCKED)

        # A legal hold refuses deletes per key in DeleteObjects until removed.
        h = c.put_object(Bucket="py-lock-vault", Key="h", Body=b"h", ObjectLockLegalHoldStatus="ON")["VersionId"]
        self.assertEqual(c.get_object_legal_hold(Bucket="py-lock-vault", Key="h", VersionId=h)["LegalHold"], {"Status": "ON"})
        out = c.delete_objects(Bucket="py-lock-vault", Delete={"Objects": [{"Key": "h", "VersionId": h}]})
        self.assertEqual([(e["Key"], e["Code"], e["Message"]) for e in out["Errors"]], [("h", "AccessDenied", LOCKED)])
        c.put_object_legal_hold(Bucket="py-lock-vault", Key="h", VersionId=h, LegalHold={"Status": "OFF"})
        out = c.delete_objects(Bucket="py-lock-vault", Delete={"Objects": [{"Key": "h", "VersionId": h}]})
        self.assertEqual([d["VersionId"] for d in out["Deleted"]], [h])

        # The default rule (through the AWS CLI) locks every new version.
        seki.aws("s3api", "put-object-lock-configuration", "--bucket", "py-lock-vault", "--object-lock-configuration",
                 json.dumps({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}))
        cfg = seki.aws_json("s3api", "get-object-lock-configuration", "--bucket", "py-lock-vault")
        self.assertEqual(cfg["ObjectLockConfiguration"]["Rule"]["DefaultRetention"], {"Mode": "GOVERNANCE", "Days": 1})
        c.put_object(Bucket="py-lock-vault", Key="d", Body=b"d")
        head = c.head_object(Bucket="py-lock-vault", Key="d")
        self.assertEqual(head["ObjectLockMode"], "GOVERNANCE")
        self.assertLess(abs((head["ObjectLockRetainUntilDate"] - head["LastModified"]).total_seconds() - 86400), 2)

        # Versioning of a bucket with Object Lock stays Enabled.
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_versioning(Bucket="py-lock-vault", VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(error_code(cm.exception), "InvalidBucketState")


if __name__ == "__main__":
    unittest.main()
