"""Container-image functions through boto3 (issue 11): a repository and an image pushed to
seki's ECR as a manifest, a PackageType Image function made of it, AWS's answers as recorded
(TestLambdaImages), a caller without ECR permissions refused, and invoking refused in seki's
words (seki has no container runtime)."""
import hashlib
import json
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki, error_code

A = ACCOUNT_A[0]
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def manifest(n):
    """A Docker v2 image manifest of our own and its digest (sha256 of its bytes)."""
    doc = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                      "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7,
                                 "digest": "sha256:" + hashlib.sha256(b"config %d" % n).hexdigest()},
                      "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 100 + n,
                                  "digest": "sha256:" + hashlib.sha256(b"layer %d" % n).hexdigest()}]})
    return doc, "sha256:" + hashlib.sha256(doc.encode()).hexdigest()


def setUpModule():
    global seki, ecr, lam, role_arn, uri
    seki = Seki()
    role_arn = seki.client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    ecr = seki.client("ecr")
    lam = seki.client("lambda")
    uri = ecr.create_repository(repositoryName="team/app")["repository"]["repositoryUri"]


def tearDownModule():
    seki.close()


class Registry(unittest.TestCase):
    def test_push_list_describe_delete(self):
        doc, digest = manifest(1)
        ecr.create_repository(repositoryName="scratch")
        out = ecr.put_image(repositoryName="scratch", imageManifest=doc, imageTag="v1")
        self.assertEqual(out["image"]["imageId"], {"imageDigest": digest, "imageTag": "v1"})
        self.assertEqual(ecr.list_images(repositoryName="scratch")["imageIds"], [{"imageDigest": digest, "imageTag": "v1"}])
        d = ecr.describe_images(repositoryName="scratch")["imageDetails"][0]
        self.assertEqual((d["imageDigest"], d["imageTags"], d["imageSizeInBytes"]), (digest, ["v1"], 101))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ecr.delete_repository(repositoryName="scratch")
        self.assertEqual(error_code(cm.exception), "RepositoryNotEmptyException")
        ecr.delete_repository(repositoryName="scratch", force=True)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ecr.describe_repositories(repositoryNames=["scratch"])
        self.assertEqual(error_code(cm.exception), "RepositoryNotFoundException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "The repository with name 'scratch' does not exist in the registry with id '%s'" % A)

    def test_another_account_needs_the_policy(self):
        doc, _ = manifest(2)
        ecr.create_repository(repositoryName="shared")
        ecr.put_image(repositoryName="shared", imageManifest=doc, imageTag="v1")
        b = seki.client("ecr", creds=ACCOUNT_B)
        get = dict(registryId=A, repositoryName="shared", imageIds=[{"imageTag": "v1"}])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            b.batch_get_image(**get)
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        ecr.set_repository_policy(repositoryName="shared", policyText=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_B[0]}, "Action": "ecr:BatchGetImage"}]}))
        self.assertEqual(b.batch_get_image(**get)["images"][0]["imageManifest"], doc)


class ImageFunctions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc, cls.digest = manifest(3)
        ecr.put_image(repositoryName="team/app", imageManifest=cls.doc, imageTag="latest")

    def test_create_get_update_publish(self):
        hexd = self.digest[len("sha256:"):]
        out = lam.create_function(FunctionName="img", Role=role_arn, PackageType="Image", Code={"ImageUri": uri + ":latest"},
                                  ImageConfig={"Command": ["app.handler"]})
        self.assertEqual((out["PackageType"], out["CodeSha256"], out["State"]), ("Image", hexd, "Pending"))
        self.assertNotIn("Runtime", out)
        self.assertEqual(out["ImageConfigResponse"], {"ImageConfig": {"Command": ["app.handler"]}})
        lam.get_waiter("function_active_v2").wait(FunctionName="img")
        code = lam.get_function(FunctionName="img")["Code"]
        self.assertEqual(code, {"RepositoryType": "ECR", "ImageUri": uri + ":latest", "ResolvedImageUri": uri + "@" + self.digest})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.update_function_code(FunctionName="img", ZipFile=b"PK\x05\x06" + b"\x00" * 18)
        self.assertEqual(cm.exception.response["Error"]["Message"], "Please provide ImageUri when updating a function with packageType Image.")
        self.assertEqual(lam.publish_version(FunctionName="img", CodeSha256=hexd)["Version"], "1")

    def test_missing_image(self):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.create_function(FunctionName="nope", Role=role_arn, PackageType="Image", Code={"ImageUri": uri + ":nope"})
        self.assertEqual(error_code(cm.exception), "InvalidParameterValueException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Source image %s:nope does not exist. Provide a valid source image." % uri)

    def test_caller_without_ecr_permissions(self):
        iam = seki.client("iam")
        iam.create_user(UserName="dev")
        iam.put_user_policy(UserName="dev", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["lambda:*", "iam:PassRole"], "Resource": "*"}]}))
        key = iam.create_access_key(UserName="dev")["AccessKey"]
        dev = seki.client("lambda", creds=key)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            dev.create_function(FunctionName="dev-img", Role=role_arn, PackageType="Image", Code={"ImageUri": uri + ":latest"})
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Lambda does not have permission to access the ECR image. Check the ECR permissions.")

    def test_invoke_says_seki_cannot_run_it(self):
        lam.create_function(FunctionName="img-run", Role=role_arn, PackageType="Image", Code={"ImageUri": uri + ":latest"})
        lam.get_waiter("function_active_v2").wait(FunctionName="img-run")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            lam.invoke(FunctionName="img-run", Payload=b"{}")
        self.assertEqual(error_code(cm.exception), "InvalidRuntimeException")
        self.assertIn("seki has no container runtime", cm.exception.response["Error"]["Message"])


if __name__ == "__main__":
    unittest.main()
