"""The front door (issue 10): services seki does not serve, regions that do not exist."""
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_A, Seki, error_code


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


class UnservedServices(unittest.TestCase):
    """A correctly signed call for a service seki does not serve is 501
    NotImplemented, in a shape the service's own boto3 client reads."""

    CALLS = [
        ("cloudformation", lambda c: c.list_stacks()),         # query
        ("firehose", lambda c: c.list_delivery_streams()),       # JSON 1.1 (seki serves kinesis now)
        ("eks", lambda c: c.list_clusters()),                    # REST-JSON (seki serves apigateway now)
        ("route53", lambda c: c.list_hosted_zones()),            # REST-XML
    ]

    def test_not_implemented_in_each_protocol(self):
        for service, call in self.CALLS:
            with self.subTest(service=service):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    call(seki.client(service))
                resp = cm.exception.response
                self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 501)
                self.assertEqual(error_code(cm.exception), "NotImplemented")
                msg = resp["Error"]["Message"]
                self.assertIn("seki does not serve the '%s' service" % service, msg)

    def test_bad_signature_for_unserved_service_is_an_auth_error(self):
        bad = (ACCOUNT_A[0], ACCOUNT_A[1], "wrong-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            seki.client("cloudformation", creds=bad).list_stacks()
        self.assertEqual(error_code(cm.exception), "SignatureDoesNotMatch")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


class Regions(unittest.TestCase):
    def test_invalid_region_refused(self):
        for region in ("us-eats-1", "mars-1"):
            with self.subTest(region=region):
                with self.assertRaises(botocore.exceptions.ClientError) as cm:
                    seki.client("sts", region=region).get_caller_identity()
                self.assertEqual(error_code(cm.exception), "SignatureDoesNotMatch")
                self.assertEqual(cm.exception.response["Error"]["Message"],
                                 "Credential should be scoped to a valid region, not '%s'. " % region)

    def test_invalid_region_refused_by_s3(self):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            seki.client("s3", region="mars-1").list_buckets()
        self.assertEqual(error_code(cm.exception), "AuthorizationHeaderMalformed")
        self.assertIn("the region 'mars-1' is wrong; expecting 'us-east-1'", cm.exception.response["Error"]["Message"])

    def test_global_iam_accepts_any_aws_region(self):
        # Against AWS an SDK signs IAM for us-east-1 whatever its configured
        # region; pointed at seki it signs with the configured one.
        seki.client("iam", region="eu-west-1").list_users()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            seki.client("iam", region="mars-1").list_users()
        self.assertEqual(error_code(cm.exception), "SignatureDoesNotMatch")


if __name__ == "__main__":
    unittest.main()
