"""S3 Object Ownership and ACLs through boto3 (issue 11): ownership controls,
canned ACLs and grants, AWS's validation errors, and ACL grants taking part
in authorization across accounts, with Block Public Access winning over
public ACLs. The answers checked are AWS's as LocalStack's AWS-validated
snapshots record them (tests/aws/services/s3/test_s3.snapshot.json:
test_s3_bucket_acl, test_s3_object_acl, test_s3_bucket_acl_exceptions;
test_s3_api.snapshot.json: TestS3BucketOwnershipControls)."""
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_B, Seki, error_code

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


class Ownership(unittest.TestCase):
    def test_crud(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-own")
        rules = c.get_bucket_ownership_controls(Bucket="py-own")["OwnershipControls"]["Rules"]
        self.assertEqual(rules, [{"ObjectOwnership": "BucketOwnerEnforced"}])
        c.put_bucket_ownership_controls(Bucket="py-own", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
        rules = c.get_bucket_ownership_controls(Bucket="py-own")["OwnershipControls"]["Rules"]
        self.assertEqual(rules, [{"ObjectOwnership": "ObjectWriter"}])
        self.assertEqual(c.delete_bucket_ownership_controls(Bucket="py-own")["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_bucket_ownership_controls(Bucket="py-own")
        self.assertEqual(error_code(cm.exception), "OwnershipControlsNotFoundError")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_ownership_controls(Bucket="py-own", OwnershipControls={"Rules": [{"ObjectOwnership": "RandomValue"}]})
        self.assertEqual(error_code(cm.exception), "MalformedXML")


class ACLs(unittest.TestCase):
    def test_enforced_bucket_validates_then_refuses(self):
        c = seki.client("s3")
        c.create_bucket(Bucket="py-acl-enforced")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_acl(Bucket="py-acl-enforced", GrantWrite='id="wrong-id"')
        err = cm.exception.response["Error"]
        self.assertEqual((err["Code"], err["Message"], err["ArgumentName"]), ("InvalidArgument", "Invalid id", "id"))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_acl(Bucket="py-acl-enforced")
        self.assertEqual(error_code(cm.exception), "MissingSecurityHeader")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_bucket_acl(Bucket="py-acl-enforced", ACL="public-read")
        self.assertEqual(error_code(cm.exception), "AccessControlListNotSupported")
        c.put_bucket_acl(Bucket="py-acl-enforced", ACL="private")

    def test_grants_allow_another_account(self):
        a = seki.client("s3")
        b = seki.client("s3", creds=ACCOUNT_B)
        id_b = b.list_buckets()["Owner"]["ID"]
        a.create_bucket(Bucket="py-acl-shared", ObjectOwnership="ObjectWriter")
        a.put_object(Bucket="py-acl-shared", Key="k", Body=b"shared")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            b.get_object(Bucket="py-acl-shared", Key="k")
        self.assertEqual(error_code(cm.exception), "AccessDenied")

        owner = a.list_buckets()["Owner"]
        a.put_object_acl(Bucket="py-acl-shared", Key="k", AccessControlPolicy={
            "Owner": owner,
            "Grants": [
                {"Grantee": {"ID": owner["ID"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"ID": id_b, "Type": "CanonicalUser"}, "Permission": "READ"},
            ]})
        self.assertEqual(b.get_object(Bucket="py-acl-shared", Key="k")["Body"].read(), b"shared")
        grants = a.get_object_acl(Bucket="py-acl-shared", Key="k")["Grants"]
        self.assertEqual([(g["Grantee"].get("ID"), g["Permission"]) for g in grants],
                         [(owner["ID"], "FULL_CONTROL"), (id_b, "READ")])

    def test_block_public_acls(self):
        a = seki.client("s3")
        a.create_bucket(Bucket="py-acl-public", ObjectOwnership="BucketOwnerPreferred")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            a.put_bucket_acl(Bucket="py-acl-public", ACL="public-read")
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        a.delete_public_access_block(Bucket="py-acl-public")
        a.put_bucket_acl(Bucket="py-acl-public", ACL="public-read")
        grants = a.get_bucket_acl(Bucket="py-acl-public")["Grants"]
        self.assertEqual(grants[1], {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"})
        b = seki.client("s3", creds=ACCOUNT_B)
        self.assertEqual(b.list_objects_v2(Bucket="py-acl-public")["KeyCount"], 0)


if __name__ == "__main__":
    unittest.main()
