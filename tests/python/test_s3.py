"""S3 through boto3 and the AWS CLI (issue 6): buckets, objects with awkward
keys, listing, multipart, checksums, bucket policies across accounts, the
disclosure rule and notification validation against real Lambda."""
import hashlib
import io
import json
import os
import tempfile
import unittest
import urllib.request
import zipfile

import botocore.exceptions
from botocore.config import Config

from seki_harness import ACCOUNT_A, ACCOUNT_B, REGION, Seki, error_code

AWKWARD_KEYS = [
    "with space", "plus+sign", "percent%20literal", "100%", "a//double//slash",
    "../dot-dot/..", "unicode/日本語.txt", "emoji 🚀", "q?mark", "hash#tag",
    "amp&ersand", "eq=ual", "tilde~", "quote\"x", "back\\slash", "trailing/",
]


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def s3(creds=ACCOUNT_A, **config):
    return seki.client("s3", creds=creds) if not config else _s3_with(creds, **config)


def _s3_with(creds, **config):
    import boto3
    key, secret = creds[1], creds[2]
    return boto3.session.Session().client(
        "s3", endpoint_url=seki.endpoint, region_name=REGION,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, **config))


def user(name, *policies):
    """An IAM user in account A with inline policies; returns its creds dict."""
    iam = seki.client("iam")
    iam.create_user(UserName=name)
    for i, doc in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName="p%d" % i, PolicyDocument=json.dumps(doc))
    return iam.create_access_key(UserName=name)["AccessKey"]


def allow(actions, resources):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}]}


class Objects(unittest.TestCase):
    def test_put_get_head_delete(self):
        c = s3()
        c.create_bucket(Bucket="py-objects")
        body = b"hello from boto3" * 10
        out = c.put_object(Bucket="py-objects", Key="k", Body=body, ContentType="text/plain", Metadata={"Color": "blue"})
        self.assertEqual(out["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        got = c.get_object(Bucket="py-objects", Key="k")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"color": "blue"})
        self.assertEqual(got["ServerSideEncryption"], "AES256")
        head = c.head_object(Bucket="py-objects", Key="k")
        self.assertEqual(head["ContentLength"], len(body))
        # boto3 sends no Content-Type unless asked: S3's default.
        c.put_object(Bucket="py-objects", Key="plain", Body=b"x")
        self.assertEqual(c.head_object(Bucket="py-objects", Key="plain")["ContentType"], "binary/octet-stream")
        c.delete_object(Bucket="py-objects", Key="k")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-objects", Key="k")
        self.assertEqual(error_code(cm.exception), "NoSuchKey")
        self.assertEqual(cm.exception.response["Error"]["Key"], "k")
        self.assertEqual(len(cm.exception.response["ResponseMetadata"]["RequestId"]), 16)

    def test_awkward_keys_both_addressing_styles(self):
        for style, bucket in (("path", "py-keys-path"), ("virtual", "py-keys-virtual")):
            c = _s3_with(ACCOUNT_A, s3={"addressing_style": style})
            c.create_bucket(Bucket=bucket)
            for k in AWKWARD_KEYS:
                c.put_object(Bucket=bucket, Key=k, Body=("body " + k).encode())
                self.assertEqual(c.get_object(Bucket=bucket, Key=k)["Body"].read(), ("body " + k).encode(), k)
            listed = [o["Key"] for p in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 5})
                      for o in p.get("Contents", [])]
            self.assertEqual(listed, sorted(AWKWARD_KEYS, key=lambda s: s.encode()))
            # boto3 asks for encoding-type=url and decodes: same keys again.
            listed_v1 = [o["Key"] for o in c.list_objects(Bucket=bucket)["Contents"]]
            self.assertEqual(sorted(listed_v1), sorted(AWKWARD_KEYS))

    def test_range_and_conditionals(self):
        c = s3()
        c.create_bucket(Bucket="py-range")
        etag = c.put_object(Bucket="py-range", Key="k", Body=b"0123456789")["ETag"]
        got = c.get_object(Bucket="py-range", Key="k", Range="bytes=2-4")
        self.assertEqual(got["Body"].read(), b"234")
        self.assertEqual(got["ContentRange"], "bytes 2-4/10")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-range", Key="k", Range="bytes=20-")
        self.assertEqual(error_code(cm.exception), "InvalidRange")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-range", Key="k", IfMatch='"nope"')
        self.assertEqual(error_code(cm.exception), "PreconditionFailed")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-range", Key="k", IfNoneMatch=etag)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)

    def test_checksums(self):
        c = s3()
        c.create_bucket(Bucket="py-checksums")
        # CRC32C and CRC64NVME need botocore[crt], which is not installed.
        for algo in ("CRC32", "SHA1", "SHA256"):
            out = c.put_object(Bucket="py-checksums", Key=algo, Body=b"checked", ChecksumAlgorithm=algo)
            self.assertIn("Checksum" + algo, out)
            got = c.get_object(Bucket="py-checksums", Key=algo, ChecksumMode="ENABLED")
            self.assertEqual(got["Body"].read(), b"checked")
            self.assertEqual(got["Checksum" + algo], out["Checksum" + algo])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_object(Bucket="py-checksums", Key="bad", Body=b"x", ChecksumCRC32="AAAAAA==")
        self.assertEqual(error_code(cm.exception), "BadDigest")

    def test_copy_and_delete_objects(self):
        c = s3()
        c.create_bucket(Bucket="py-copy")
        c.put_object(Bucket="py-copy", Key="src key+1", Body=b"payload", Metadata={"a": "1"})
        c.copy_object(Bucket="py-copy", Key="dst", CopySource={"Bucket": "py-copy", "Key": "src key+1"})
        got = c.get_object(Bucket="py-copy", Key="dst")
        self.assertEqual(got["Body"].read(), b"payload")
        self.assertEqual(got["Metadata"], {"a": "1"})
        out = c.delete_objects(Bucket="py-copy", Delete={"Objects": [{"Key": "src key+1"}, {"Key": "dst"}]})
        self.assertEqual(sorted(d["Key"] for d in out["Deleted"]), ["dst", "src key+1"])
        self.assertNotIn("Contents", c.list_objects_v2(Bucket="py-copy"))

    def test_multipart(self):
        c = s3()
        c.create_bucket(Bucket="py-mpu")
        up = c.create_multipart_upload(Bucket="py-mpu", Key="big")
        parts = [b"a" * (5 << 20), b"tail"]
        done = []
        for i, p in enumerate(parts, 1):
            r = c.upload_part(Bucket="py-mpu", Key="big", UploadId=up["UploadId"], PartNumber=i, Body=p)
            done.append({"ETag": r["ETag"], "PartNumber": i})
        out = c.complete_multipart_upload(Bucket="py-mpu", Key="big", UploadId=up["UploadId"], MultipartUpload={"Parts": done})
        md5s = b"".join(hashlib.md5(p).digest() for p in parts)
        self.assertEqual(out["ETag"], '"%s-2"' % hashlib.md5(md5s).hexdigest())
        self.assertEqual(c.get_object(Bucket="py-mpu", Key="big")["Body"].read(), b"".join(parts))

    def test_presigned_url(self):
        # boto3 presigns with SigV2 unless told otherwise; seki speaks SigV4.
        c = _s3_with(ACCOUNT_A, signature_version="s3v4")
        c.create_bucket(Bucket="py-presign")
        c.put_object(Bucket="py-presign", Key="shared file.txt", Body=b"presigned")
        url = c.generate_presigned_url("get_object", Params={"Bucket": "py-presign", "Key": "shared file.txt"}, ExpiresIn=60)
        with urllib.request.urlopen(url) as r:
            self.assertEqual(r.read(), b"presigned")


class BucketConfig(unittest.TestCase):
    """Bucket tagging, versioning and ListObjectVersions (issue 14). Shapes and
    errors follow LocalStack's AWS-validated snapshots
    (tests/aws/services/s3/test_s3_api.snapshot.json: test_bucket_tagging_crud,
    test_tagging_validation, test_bucket_versioning_crud)."""

    def test_tagging(self):
        c = s3()
        c.create_bucket(Bucket="py-tags")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_tagging(Bucket="py-tags")
        self.assertEqual(error_code(cm.exception), "NoSuchTagSet")
        self.assertEqual(cm.exception.response["Error"]["Message"], "The TagSet does not exist")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        out = c.put_bucket_tagging(Bucket="py-tags", Tagging={"TagSet": [{"Key": "tag1", "Value": "tag1"},
                                                                          {"Key": "tag2", "Value": ""}]})
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(c.get_bucket_tagging(Bucket="py-tags")["TagSet"],
                         [{"Key": "tag1", "Value": "tag1"}, {"Key": "tag2", "Value": ""}])
        c.put_bucket_tagging(Bucket="py-tags", Tagging={"TagSet": [{"Key": "tag3", "Value": "tag3"}]})
        self.assertEqual(c.get_bucket_tagging(Bucket="py-tags")["TagSet"], [{"Key": "tag3", "Value": "tag3"}])
        for tags, code, msg in [
            ([{"Key": "Key1", "Value": "a"}, {"Key": "Key1", "Value": "b"}], "InvalidTag",
             "Cannot provide multiple Tags with the same key"),
            ([{"Key": "Key1,Key2", "Value": "a"}], "InvalidTag", "The TagKey you have provided is invalid"),
            ([{"Key": "Key1", "Value": "Val1,Val2"}], "InvalidTag", "The TagValue you have provided is invalid"),
            ([{"Key": "aws:prefixed", "Value": "a"}], "InvalidTag", "System tags cannot be added/updated by requester"),
        ]:
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                c.put_bucket_tagging(Bucket="py-tags", Tagging={"TagSet": tags})
            self.assertEqual(error_code(cm.exception), code)
            self.assertEqual(cm.exception.response["Error"]["Message"], msg)
        # A refused request loses nothing.
        self.assertEqual(c.get_bucket_tagging(Bucket="py-tags")["TagSet"], [{"Key": "tag3", "Value": "tag3"}])
        self.assertEqual(c.delete_bucket_tagging(Bucket="py-tags")["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_tagging(Bucket="py-tags")
        self.assertEqual(error_code(cm.exception), "NoSuchTagSet")
        # The bucket is still there: DELETE ?tagging is not DeleteBucket.
        c.head_bucket(Bucket="py-tags")

    def test_tagging_authorization(self):
        s3().create_bucket(Bucket="py-tags-authz")
        creds = user("py-tagger", allow(["s3:GetBucketTagging"], "arn:aws:s3:::py-tags-authz"))
        r = seki.client("s3", creds=creds)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            r.put_bucket_tagging(Bucket="py-tags-authz", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        self.assertIn("s3:PutBucketTagging", cm.exception.response["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            r.delete_bucket_tagging(Bucket="py-tags-authz")
        self.assertIn("s3:PutBucketTagging", cm.exception.response["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            r.get_bucket_tagging(Bucket="py-tags-authz")
        self.assertEqual(error_code(cm.exception), "NoSuchTagSet")

    def test_object_tagging(self):
        """Object tags (tests/aws/services/s3/test_s3_api.snapshot.json:
        test_object_tagging_crud, test_put_object_with_tags,
        test_object_tagging_exc): the x-amz-tagging header, the three tagging
        operations, TagCount, and s3:PutObjectTagging for a tagged write."""
        c = s3()
        c.create_bucket(Bucket="py-otags")
        c.put_object(Bucket="py-otags", Key="k", Body=b"test-tagging", Tagging="tag1=tag1&tag2=tag2&tag=")
        tags = sorted(c.get_object_tagging(Bucket="py-otags", Key="k")["TagSet"], key=lambda t: t["Key"])
        self.assertEqual(tags, [{"Key": "tag", "Value": ""}, {"Key": "tag1", "Value": "tag1"}, {"Key": "tag2", "Value": "tag2"}])
        self.assertEqual(c.head_object(Bucket="py-otags", Key="k")["TagCount"], 3)
        c.put_object_tagging(Bucket="py-otags", Key="k", Tagging={"TagSet": [{"Key": "tag3", "Value": "tag3"}]})
        self.assertEqual(c.get_object_tagging(Bucket="py-otags", Key="k")["TagSet"], [{"Key": "tag3", "Value": "tag3"}])
        self.assertEqual(c.get_object(Bucket="py-otags", Key="k")["TagCount"], 1)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_object(Bucket="py-otags", Key="k2", Body=b"", Tagging="key1=val1&key1=val2")
        self.assertEqual(error_code(cm.exception), "InvalidArgument")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_object_tagging(Bucket="py-otags", Key="k", Tagging={"TagSet": [{"Key": "aws:prefixed", "Value": "v"}]})
        self.assertEqual(cm.exception.response["Error"]["Message"], "Your TagKey cannot be prefixed with aws:")
        self.assertEqual(c.delete_object_tagging(Bucket="py-otags", Key="k")["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(c.get_object_tagging(Bucket="py-otags", Key="k")["TagSet"], [])
        self.assertNotIn("TagCount", c.head_object(Bucket="py-otags", Key="k"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object_tagging(Bucket="py-otags", Key="missing")
        self.assertEqual(error_code(cm.exception), "NoSuchKey")
        creds = user("py-otagger", allow(["s3:PutObject"], "arn:aws:s3:::py-otags/*"))
        w = seki.client("s3", creds=creds)
        w.put_object(Bucket="py-otags", Key="plain", Body=b"x")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            w.put_object(Bucket="py-otags", Key="tagged", Body=b"x", Tagging="a=1")
        self.assertIn("s3:PutObjectTagging", cm.exception.response["Error"]["Message"])

    def test_lifecycle_website_configurations(self):
        """Configurations kept as documents (tests/aws/services/s3/test_s3.snapshot.json:
        TestS3BucketLifecycle, TestS3StaticWebsiteHosting; test_s3_api: accelerate)."""
        c = s3()
        c.create_bucket(Bucket="py-confs")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_lifecycle_configuration(Bucket="py-confs")
        self.assertEqual(error_code(cm.exception), "NoSuchLifecycleConfiguration")
        lfc = {"Rules": [{"Expiration": {"Days": 7}, "ID": "wholebucket", "Filter": {"Prefix": ""}, "Status": "Enabled"}]}
        out = c.put_bucket_lifecycle_configuration(Bucket="py-confs", LifecycleConfiguration=lfc)
        self.assertEqual(out["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")
        got = c.get_bucket_lifecycle_configuration(Bucket="py-confs")
        self.assertEqual(got["Rules"], lfc["Rules"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_lifecycle_configuration(Bucket="py-confs", LifecycleConfiguration={"Rules": [
                {"Expiration": {"Days": 7}, "ID": "no-filter", "Status": "Enabled"}]})
        self.assertEqual(error_code(cm.exception), "MalformedXML")
        self.assertEqual(c.get_bucket_lifecycle_configuration(Bucket="py-confs")["Rules"], lfc["Rules"])
        c.delete_bucket_lifecycle(Bucket="py-confs")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_lifecycle_configuration(Bucket="py-confs")
        self.assertEqual(error_code(cm.exception), "NoSuchLifecycleConfiguration")

        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_website(Bucket="py-confs", WebsiteConfiguration={"IndexDocument": {"Suffix": "/index.html"}})
        self.assertEqual(cm.exception.response["Error"]["Message"], "The IndexDocument Suffix is not well formed")
        c.put_bucket_website(Bucket="py-confs", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
        self.assertEqual(c.get_bucket_website(Bucket="py-confs")["IndexDocument"], {"Suffix": "index.html"})
        c.delete_bucket_website(Bucket="py-confs")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_website(Bucket="py-confs")
        self.assertEqual(error_code(cm.exception), "NoSuchWebsiteConfiguration")

        self.assertNotIn("Status", c.get_bucket_accelerate_configuration(Bucket="py-confs"))
        c.put_bucket_accelerate_configuration(Bucket="py-confs", AccelerateConfiguration={"Status": "Enabled"})
        self.assertEqual(c.get_bucket_accelerate_configuration(Bucket="py-confs")["Status"], "Enabled")
        self.assertEqual(c.get_bucket_request_payment(Bucket="py-confs")["Payer"], "BucketOwner")
        c.put_bucket_request_payment(Bucket="py-confs", RequestPaymentConfiguration={"Payer": "Requester"})
        self.assertEqual(c.get_bucket_request_payment(Bucket="py-confs")["Payer"], "Requester")

    def test_sse_c(self):
        """SSE-C (tests/aws/services/s3/test_s3.snapshot.json: TestS3SSECEncryption):
        an object written with a customer key is read with that key only."""
        c = s3()
        c.create_bucket(Bucket="py-ssec")
        key, key2 = "1234567890abcdef1234567890abcdef", "abcdef1234567890abcdef1234567890"
        out = c.put_object(Bucket="py-ssec", Key="k", Body=b"test_data", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
        self.assertEqual(out["SSECustomerAlgorithm"], "AES256")
        self.assertNotIn("ServerSideEncryption", out)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-ssec", Key="k")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_object(Bucket="py-ssec", Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=key2)
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        got = c.get_object(Bucket="py-ssec", Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
        self.assertEqual(got["Body"].read(), b"test_data")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_object(Bucket="py-ssec", Key="k2", Body=b"x", SSECustomerAlgorithm="KMS", SSECustomerKey=key)
        self.assertEqual(error_code(cm.exception), "InvalidEncryptionAlgorithmError")

    def test_versioning(self):
        c = s3()
        c.create_bucket(Bucket="py-vers")
        out = c.get_bucket_versioning(Bucket="py-vers")
        self.assertNotIn("Status", out)
        c.put_bucket_versioning(Bucket="py-vers", VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(c.get_bucket_versioning(Bucket="py-vers")["Status"], "Suspended")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_versioning(Bucket="py-vers", VersioningConfiguration={"Status": "Disabled"})
        self.assertEqual(error_code(cm.exception), "MalformedXML")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_versioning(Bucket="py-vers", VersioningConfiguration={})
        self.assertEqual(error_code(cm.exception), "IllegalVersioningConfigurationException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "The Versioning element must be specified")
        # Enabled keeps every version (test_s3_versioning.py).
        c.put_bucket_versioning(Bucket="py-vers", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(c.get_bucket_versioning(Bucket="py-vers")["Status"], "Enabled")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_versioning(Bucket="py-no-such-bucket")
        self.assertEqual(error_code(cm.exception), "NoSuchBucket")

    def test_list_object_versions(self):
        c = s3()
        c.create_bucket(Bucket="py-versions")
        for k in ("a", "b", "dir/c", "dir/d"):
            c.put_object(Bucket="py-versions", Key=k, Body=k.encode())
        c.put_object(Bucket="py-versions", Key="a", Body=b"again")
        out = c.list_object_versions(Bucket="py-versions")
        self.assertEqual([(v["Key"], v["VersionId"], v["IsLatest"]) for v in out["Versions"]],
                         [("a", "null", True), ("b", "null", True), ("dir/c", "null", True), ("dir/d", "null", True)])
        self.assertEqual(out["Versions"][0]["Size"], len(b"again"))
        self.assertEqual(out["Versions"][0]["ETag"], '"%s"' % hashlib.md5(b"again").hexdigest())
        self.assertFalse(out["IsTruncated"])
        out = c.list_object_versions(Bucket="py-versions", Delimiter="/")
        self.assertEqual([v["Key"] for v in out["Versions"]], ["a", "b"])
        self.assertEqual(out["CommonPrefixes"], [{"Prefix": "dir/"}])
        pages = list(c.get_paginator("list_object_versions").paginate(
            Bucket="py-versions", PaginationConfig={"PageSize": 3}))
        self.assertEqual([[v["Key"] for v in p.get("Versions", [])] for p in pages], [["a", "b", "dir/c"], ["dir/d"]])
        self.assertEqual(pages[0]["NextVersionIdMarker"], "null")
        self.assertEqual(c.get_object(Bucket="py-versions", Key="a", VersionId="null")["Body"].read(), b"again")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.list_object_versions(Bucket="py-versions", KeyMarker="a", VersionIdMarker="3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
        self.assertEqual(error_code(cm.exception), "InvalidArgument")
        creds = user("py-versions-reader", allow(["s3:ListBucket"], "arn:aws:s3:::py-versions"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            seki.client("s3", creds=creds).list_object_versions(Bucket="py-versions")
        self.assertIn("s3:ListBucketVersions", cm.exception.response["Error"]["Message"])


class Authorization(unittest.TestCase):
    def test_cross_account_bucket_policy(self):
        a, b = s3(), s3(ACCOUNT_B)
        a.create_bucket(Bucket="py-shared")
        a.put_object(Bucket="py-shared", Key="doc", Body=b"shared")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            b.get_object(Bucket="py-shared", Key="doc")
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Access Denied")
        a.put_bucket_policy(Bucket="py-shared", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::py-shared/*"}]}))
        self.assertEqual(b.get_object(Bucket="py-shared", Key="doc")["Body"].read(), b"shared")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            a.put_bucket_policy(Bucket="py-shared", Policy="not json")
        self.assertEqual(error_code(cm.exception), "MalformedPolicy")

    def test_disclosure_rule_and_message(self):
        a = s3()
        a.create_bucket(Bucket="py-disclose")
        creds = user("py-reader", allow("s3:GetObject", "arn:aws:s3:::py-disclose/*"))
        r = seki.client("s3", creds=creds)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            r.get_object(Bucket="py-disclose", Key="missing")
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            r.list_objects_v2(Bucket="py-disclose")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         'User: arn:aws:iam::111111111111:user/py-reader is not authorized to perform: s3:ListBucket '
                         'on resource: "arn:aws:s3:::py-disclose" because no identity-based policy allows the s3:ListBucket action')
        # The denial is in the decision log under S3's request id.
        rid = cm.exception.response["ResponseMetadata"]["RequestId"]
        out = seki.explain(rid)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("s3:ListBucket", out.stdout)


class Notifications(unittest.TestCase):
    def test_validation_against_lambda(self):
        a = s3()
        a.create_bucket(Bucket="py-uploads")
        iam = seki.client("iam")
        role = iam.create_role(RoleName="py-fn-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("index.py", "def handler(e, c):\n    return e\n")
        lam = seki.client("lambda")
        fn = lam.create_function(FunctionName="py-processor", Runtime="python3.12", Role=role,
                                 Handler="index.handler", Code={"ZipFile": buf.getvalue()})["FunctionArn"]
        cfg = {"LambdaFunctionConfigurations": [{"Id": "jpg", "LambdaFunctionArn": fn, "Events": ["s3:ObjectCreated:*"],
                                                 "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".jpg"}]}}}]}
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            a.put_bucket_notification_configuration(Bucket="py-uploads", NotificationConfiguration=cfg)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "InvalidArgument")
        self.assertEqual(err["Message"], "Unable to validate the following destination configurations")
        self.assertEqual(err["ArgumentValue1"], "Not authorized to invoke function [%s]" % fn)
        lam.add_permission(FunctionName="py-processor", StatementId="s3", Action="lambda:InvokeFunction",
                           Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::py-uploads", SourceAccount="111111111111")
        a.put_bucket_notification_configuration(Bucket="py-uploads", NotificationConfiguration=cfg)
        got = a.get_bucket_notification_configuration(Bucket="py-uploads")
        self.assertEqual(got["LambdaFunctionConfigurations"][0]["LambdaFunctionArn"], fn)
        self.assertEqual(got["LambdaFunctionConfigurations"][0]["Filter"]["Key"]["FilterRules"],
                         [{"Name": "Suffix", "Value": ".jpg"}])  # S3 capitalizes the rule names


class CLI(unittest.TestCase):
    def test_aws_s3_high_level_commands(self):
        seki.aws("s3", "mb", "s3://py-cli")
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "local file.txt")
            with open(src, "wb") as f:
                f.write(b"from the cli\n" * 1000)
            seki.aws("s3", "cp", src, "s3://py-cli/dir/remote file.txt")
            _, out, _ = seki.aws("s3", "ls", "s3://py-cli/dir/")
            self.assertIn("remote file.txt", out)
            dst = os.path.join(d, "back.txt")
            seki.aws("s3", "cp", "s3://py-cli/dir/remote file.txt", dst)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), b"from the cli\n" * 1000)
            # A multipart upload through the high-level command.
            big = os.path.join(d, "big.bin")
            with open(big, "wb") as f:
                f.write(os.urandom(9 << 20))
            seki.aws("s3", "cp", big, "s3://py-cli/big.bin")
            head = seki.aws_json("s3api", "head-object", "--bucket", "py-cli", "--key", "big.bin")
            self.assertEqual(head["ContentLength"], 9 << 20)
            self.assertTrue(head["ETag"].endswith('-2"'), head["ETag"])
            seki.aws("s3", "rm", "s3://py-cli", "--recursive")
            seki.aws("s3", "rb", "s3://py-cli")
        rc, _, err = seki.aws("s3api", "head-bucket", "--bucket", "py-cli", check=False)
        self.assertNotEqual(rc, 0)


if __name__ == "__main__":
    unittest.main()
