"""S3 versioning through boto3 and the AWS CLI (issue 14): Enabled and
Suspended buckets, delete markers, versionId on reads and deletes,
ListObjectVersions, and the version actions at the door. The answers checked
are AWS's as LocalStack's AWS-validated snapshots record them
(tests/aws/services/s3/test_s3_api.snapshot.json: test_delete_object_versioned,
test_delete_objects_versioned, test_bucket_versioning_crud,
test_object_version_id_format; test_s3.snapshot.json:
test_s3_put_object_versioned; test_s3_list_operations.snapshot.json:
test_list_objects_versions_markers)."""
import json
import string
import unittest

import botocore.exceptions

from seki_harness import Seki, error_code

ID_CHARS = set(string.ascii_letters + string.digits + "._")


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def is_version_id(v):
    return len(v) == 32 and set(v) <= ID_CHARS


def headers(exc):
    return exc.response["ResponseMetadata"]["HTTPHeaders"]


class Versioning(unittest.TestCase):
    def test_enabled_bucket_keeps_every_version(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-ver")
        c.put_object(Bucket="py-ver", Key="k", Body=b"before")
        c.put_bucket_versioning(Bucket="py-ver", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(c.get_bucket_versioning(Bucket="py-ver")["Status"], "Enabled")
        v1 = c.put_object(Bucket="py-ver", Key="k", Body=b"one")["VersionId"]
        v2 = c.put_object(Bucket="py-ver", Key="k", Body=b"two")["VersionId"]
        self.assertTrue(is_version_id(v1) and is_version_id(v2) and v1 != v2, (v1, v2))
        got = c.get_object(Bucket="py-ver", Key="k")
        self.assertEqual((got["Body"].read(), got["VersionId"]), (b"two", v2))
        for vid, body in ((v1, b"one"), ("null", b"before")):
            got = c.get_object(Bucket="py-ver", Key="k", VersionId=vid)
            self.assertEqual((got["Body"].read(), got["VersionId"]), (body, vid))
        self.assertEqual(c.head_object(Bucket="py-ver", Key="k", VersionId=v1)["ContentLength"], 3)

        # A delete stacks a marker: the key is gone, its versions are not.
        d = c.delete_object(Bucket="py-ver", Key="k")
        self.assertTrue(d["DeleteMarker"])
        self.assertEqual(d["ResponseMetadata"]["HTTPStatusCode"], 204)
        marker = d["VersionId"]
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-ver", Key="k")
        self.assertEqual(error_code(cm.exception), "NoSuchKey")
        self.assertEqual(headers(cm.exception)["x-amz-delete-marker"], "true")
        self.assertEqual(headers(cm.exception)["x-amz-version-id"], marker)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-ver", Key="k", VersionId=marker)
        self.assertEqual(error_code(cm.exception), "MethodNotAllowed")
        self.assertEqual(cm.exception.response["Error"]["ResourceType"], "DeleteMarker")
        self.assertEqual(headers(cm.exception)["allow"], "DELETE")
        self.assertEqual(c.list_objects_v2(Bucket="py-ver")["KeyCount"], 0)
        out = c.list_object_versions(Bucket="py-ver")
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in out["Versions"]],
                         [(v2, False), (v1, False), ("null", False)])
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in out["DeleteMarkers"]], [(marker, True)])
        self.assertEqual(out["Versions"][0]["ChecksumAlgorithm"], ["CRC32"])  # boto3 sends CRC32

        # Removing the marker brings the object back; removing a version is
        # permanent.
        d = c.delete_object(Bucket="py-ver", Key="k", VersionId=marker)
        self.assertEqual((d["DeleteMarker"], d["VersionId"]), (True, marker))
        self.assertEqual(c.get_object(Bucket="py-ver", Key="k")["Body"].read(), b"two")
        d = c.delete_object(Bucket="py-ver", Key="k", VersionId=v2)
        self.assertNotIn("DeleteMarker", d)
        self.assertEqual(c.get_object(Bucket="py-ver", Key="k")["Body"].read(), b"one")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-ver", Key="k", VersionId=v2)
        self.assertEqual(error_code(cm.exception), "NoSuchVersion")
        self.assertEqual(cm.exception.response["Error"]["Message"], "The specified version does not exist.")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.delete_object(Bucket="py-ver", Key="k", VersionId=v1[:-4] + "ABCD")
        self.assertEqual(error_code(cm.exception), "InvalidArgument")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Invalid version id specified")

        # DeleteObjects with and without version ids.
        out = c.delete_objects(Bucket="py-ver", Delete={"Objects": [
            {"Key": "k", "VersionId": "null"}, {"Key": "never"},
            {"Key": "k", "VersionId": "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"}]})
        deleted = sorted(out["Deleted"], key=lambda d: d["Key"])
        self.assertEqual(deleted[0], {"Key": "k", "VersionId": "null"})
        self.assertTrue(deleted[1]["DeleteMarker"] and is_version_id(deleted[1]["DeleteMarkerVersionId"]))
        self.assertEqual([(e["Code"], e["Message"]) for e in out["Errors"]],
                         [("NoSuchVersion", "The specified version does not exist.")])

        # A versioned bucket cannot be deleted while versions remain.
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.delete_bucket(Bucket="py-ver")
        self.assertEqual(error_code(cm.exception), "BucketNotEmpty")

    def test_suspended_bucket_replaces_the_null_version(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-susp")
        c.put_bucket_versioning(Bucket="py-susp", VersioningConfiguration={"Status": "Enabled"})
        kept = c.put_object(Bucket="py-susp", Key="k", Body=b"kept")["VersionId"]
        c.put_bucket_versioning(Bucket="py-susp", VersioningConfiguration={"Status": "Suspended"})
        out = c.put_object(Bucket="py-susp", Key="k", Body=b"n1")
        self.assertNotIn("VersionId", out)
        c.put_object(Bucket="py-susp", Key="k", Body=b"n2")
        got = c.get_object(Bucket="py-susp", Key="k")
        self.assertEqual((got["Body"].read(), got["VersionId"]), (b"n2", "null"))
        out = c.list_object_versions(Bucket="py-susp")
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in out["Versions"]], [("null", True), (kept, False)])
        # Versioning is never turned off again.
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_versioning(Bucket="py-susp", VersioningConfiguration={"Status": "Disabled"})
        self.assertEqual(error_code(cm.exception), "MalformedXML")

    def test_list_object_versions_markers(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-vmarkers")
        c.put_bucket_versioning(Bucket="py-vmarkers", VersioningConfiguration={"Status": "Enabled"})
        for k in ("test_0", "test_1", "test_2"):
            c.put_object(Bucket="py-vmarkers", Key=k, Body=b"version 1")
            c.put_object(Bucket="py-vmarkers", Key=k, Body=b"version 2")
            c.delete_object(Bucket="py-vmarkers", Key=k)
        full = c.list_object_versions(Bucket="py-vmarkers")
        everything = sorted((v["Key"], v["VersionId"]) for v in full["Versions"] + full["DeleteMarkers"])
        pages = list(c.get_paginator("list_object_versions").paginate(
            Bucket="py-vmarkers", PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 5)
        paged = sorted((v["Key"], v["VersionId"]) for p in pages
                       for v in p.get("Versions", []) + p.get("DeleteMarkers", []))
        self.assertEqual(paged, everything)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.list_object_versions(Bucket="py-vmarkers", VersionIdMarker=full["Versions"][0]["VersionId"])
        self.assertEqual(error_code(cm.exception), "InvalidArgument")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "A version-id marker cannot be specified without a key marker.")

    def test_version_actions_at_the_door(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-vdoor")
        c.put_bucket_versioning(Bucket="py-vdoor", VersioningConfiguration={"Status": "Enabled"})
        v1 = c.put_object(Bucket="py-vdoor", Key="k", Body=b"one")["VersionId"]
        c.put_object(Bucket="py-vdoor", Key="k", Body=b"two")
        iam = seki.client("iam")
        iam.create_user(UserName="py-vreader")
        iam.put_user_policy(UserName="py-vreader", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                 "Resource": ["arn:aws:s3:::py-vdoor", "arn:aws:s3:::py-vdoor/*"]}]}))
        r = seki.client("s3", creds=iam.create_access_key(UserName="py-vreader")["AccessKey"])
        self.assertEqual(r.get_object(Bucket="py-vdoor", Key="k")["Body"].read(), b"two")
        for call, action in ((lambda: r.get_object(Bucket="py-vdoor", Key="k", VersionId=v1), "s3:GetObjectVersion"),
                             (lambda: r.delete_object(Bucket="py-vdoor", Key="k", VersionId=v1), "s3:DeleteObjectVersion"),
                             (lambda: r.list_object_versions(Bucket="py-vdoor"), "s3:ListBucketVersions"),
                             (lambda: r.put_bucket_versioning(Bucket="py-vdoor", VersioningConfiguration={"Status": "Suspended"}),
                              "s3:PutBucketVersioning")):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                call()
            self.assertEqual(error_code(cm.exception), "AccessDenied")
            self.assertIn(action, cm.exception.response["Error"]["Message"])


class CLI(unittest.TestCase):
    def test_versions_through_the_cli(self):
        seki.aws("s3api", "create-bucket", "--bucket", "py-cli-ver")
        seki.aws("s3api", "put-bucket-versioning", "--bucket", "py-cli-ver",
                 "--versioning-configuration", "Status=Enabled")
        out = seki.aws_json("s3api", "get-bucket-versioning", "--bucket", "py-cli-ver")
        self.assertEqual(out["Status"], "Enabled")
        first = seki.aws_json("s3api", "put-object", "--bucket", "py-cli-ver", "--key", "k")["VersionId"]
        second = seki.aws_json("s3api", "put-object", "--bucket", "py-cli-ver", "--key", "k")["VersionId"]
        self.assertTrue(is_version_id(first) and first != second)
        out = seki.aws_json("s3api", "delete-object", "--bucket", "py-cli-ver", "--key", "k")
        self.assertTrue(out["DeleteMarker"])
        out = seki.aws_json("s3api", "list-object-versions", "--bucket", "py-cli-ver")
        self.assertEqual([v["VersionId"] for v in out["Versions"]], [second, first])
        self.assertEqual(len(out["DeleteMarkers"]), 1)
        seki.aws("s3api", "delete-object", "--bucket", "py-cli-ver", "--key", "k", "--version-id", first)
        out = seki.aws_json("s3api", "list-object-versions", "--bucket", "py-cli-ver")
        self.assertEqual([v["VersionId"] for v in out["Versions"]], [second])
        # The high-level commands see only current objects.
        _, listing, _ = seki.aws("s3", "ls", "s3://py-cli-ver/")
        self.assertEqual(listing.strip(), "")


if __name__ == "__main__":
    unittest.main()
