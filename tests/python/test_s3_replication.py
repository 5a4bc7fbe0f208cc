"""S3 replication, server access logging and CORS configurations through
boto3 (issue 11): AWS's validation errors as LocalStack's AWS-validated
snapshots record them (tests/aws/services/s3/test_s3.snapshot.json:
TestS3BucketReplication, TestS3BucketLogging; test_s3_cors.snapshot.json:
test_put_cors_invalid_rules), and a new object copied to the destination as
the configuration's role, the copy refused when the role may not write."""
import json
import time
import unittest

import botocore.exceptions

from seki_harness import Seki, error_code

ROLE = "arn:aws:iam::111111111111:role/py-replication"


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def versioned(c, name):
    c.create_bucket(Bucket=name)
    c.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def rule(dest, prefix):
    return {"ID": "r", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": prefix},
            "Destination": {"Bucket": "arn:aws:s3:::" + dest},
            "DeleteMarkerReplication": {"Status": "Disabled"}}


class Replication(unittest.TestCase):
    def test_validation(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-repl-v-src")
        versioned(c, "py-repl-v-dst")
        conf = {"Role": ROLE, "Rules": [rule("py-repl-v-dst", "a/")]}
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_replication(Bucket="py-repl-v-src")
        self.assertEqual(error_code(cm.exception), "ReplicationConfigurationNotFoundError")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_replication(Bucket="py-repl-v-src", ReplicationConfiguration=conf)
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
        c.put_bucket_versioning(Bucket="py-repl-v-src", VersioningConfiguration={"Status": "Enabled"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_replication(Bucket="py-repl-v-src", ReplicationConfiguration={"Role": ROLE, "Rules": []})
        self.assertEqual(error_code(cm.exception), "MalformedXML")
        c.put_bucket_replication(Bucket="py-repl-v-src", ReplicationConfiguration=conf)
        got = c.get_bucket_replication(Bucket="py-repl-v-src")["ReplicationConfiguration"]
        self.assertEqual((got["Role"], got["Rules"][0]["Filter"]), (ROLE, {"Prefix": "a/"}))

    def test_new_objects_are_copied_as_the_role(self):
        c = seki.client("s3")
        iam = seki.client("iam")
        versioned(c, "py-repl-src")
        versioned(c, "py-repl-dst")
        iam.create_role(RoleName="py-replication", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))

        def allow(actions):
            iam.put_role_policy(RoleName="py-replication", PolicyName="p", PolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObjectVersionForReplication", "Resource": "arn:aws:s3:::py-repl-src/*"},
                    {"Effect": "Allow", "Action": actions, "Resource": "arn:aws:s3:::py-repl-dst/*"}]}))

        def settled(key, version):
            for _ in range(400):
                status = c.head_object(Bucket="py-repl-src", Key=key, VersionId=version).get("ReplicationStatus")
                if status != "PENDING":
                    return status
                time.sleep(0.05)
            return status

        allow(["s3:ReplicateObject"])
        c.put_bucket_replication(Bucket="py-repl-src", ReplicationConfiguration={"Role": ROLE, "Rules": [rule("py-repl-dst", "docs/")]})
        v = c.put_object(Bucket="py-repl-src", Key="docs/a", Body=b"copied", Metadata={"color": "red"})["VersionId"]
        self.assertEqual(settled("docs/a", v), "COMPLETED")
        replica = c.get_object(Bucket="py-repl-dst", Key="docs/a", VersionId=v)
        self.assertEqual((replica["Body"].read(), replica["ReplicationStatus"], replica["Metadata"]),
                         (b"copied", "REPLICA", {"color": "red"}))

        allow(["s3:GetObject"])  # no longer s3:ReplicateObject
        v = c.put_object(Bucket="py-repl-src", Key="docs/b", Body=b"refused")["VersionId"]
        self.assertEqual(settled("docs/b", v), "FAILED")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.head_object(Bucket="py-repl-dst", Key="docs/b")
        self.assertEqual(error_code(cm.exception), "404")


class Logging(unittest.TestCase):
    def test_target_rules(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-log-src")
        c.create_bucket(Bucket="py-log-target")
        self.assertNotIn("LoggingEnabled", c.get_bucket_logging(Bucket="py-log-src"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_logging(Bucket="py-log-src", BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "py-log-missing", "TargetPrefix": "log"}})
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["TargetBucket"]), ("InvalidTargetBucketForLogging", "py-log-missing"))
        c.put_bucket_logging(Bucket="py-log-src", BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "py-log-target", "TargetPrefix": "log"}})
        got = c.get_bucket_logging(Bucket="py-log-src")["LoggingEnabled"]
        self.assertEqual((got["TargetBucket"], got["TargetPrefix"]), ("py-log-target", "log"))


class CORS(unittest.TestCase):
    def test_crud_and_validation(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-cors")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_cors(Bucket="py-cors", CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["MYMETHOD"]}]})
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD")
        c.put_bucket_cors(Bucket="py-cors", CORSConfiguration={"CORSRules": [{"AllowedOrigins": [""], "AllowedMethods": ["GET", "PUT"]}]})
        self.assertEqual(c.get_bucket_cors(Bucket="py-cors")["CORSRules"], [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": [""]}])
        c.delete_bucket_cors(Bucket="py-cors")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_cors(Bucket="py-cors")
        self.assertEqual(error_code(cm.exception), "NoSuchCORSConfiguration")


if __name__ == "__main__":
    unittest.main()
