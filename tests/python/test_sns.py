"""SNS topics invoke functions under the function's resource policy (issue 12),
driven through boto3 and the AWS CLI.

Publish hands each message to Lambda as an asynchronous invocation by
sns.amazonaws.com with aws:SourceArn = the topic; without a permission that
matches, nothing is delivered and `seki explain PUBLISH_REQUEST_ID` shows the
refusal. A topic in another account needs its topic policy, and the caller
its identity policy, with AWS's AuthorizationError otherwise.
"""
import json
import signal
import time
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, Recorders, Seki, error_code

A = ACCOUNT_A[0]
B = ACCOUNT_B[0]

def setUpModule():
    global seki, recorders
    seki = Seki()
    recorders = Recorders(seki)


def tearDownModule():
    recorders.close()
    seki.close()


def recorder(name, sleep=0):
    return recorders.create(name, sleep)


def wait_explained(request_id, needle):
    return seki.wait_explained(request_id, needle)


class Delivery(unittest.TestCase):
    def test_denied_then_allowed_then_explained(self):
        sns = seki.client("sns")
        fn, path = recorder("sns-fn")
        topic = sns.create_topic(Name="orders")["TopicArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn)["SubscriptionArn"]

        out = sns.publish(TopicArn=topic, Message="refused")
        text = wait_explained(out["ResponseMetadata"]["RequestId"], "sns.amazonaws.com")
        self.assertIn("lambda:InvokeFunction", text)
        self.assertIn("no resource-based policy allows", text)

        seki.client("lambda").add_permission(FunctionName="sns-fn", StatementId="orders", Action="lambda:InvokeFunction",
                                             Principal="sns.amazonaws.com", SourceArn=topic, SourceAccount=A)
        out = sns.publish(TopicArn=topic, Message="hello", Subject="greeting",
                          MessageAttributes={"lang": {"DataType": "String", "StringValue": "en"}})
        events = recorders.wait(path, 1)
        time.sleep(0.3)
        events = recorders.read(path)
        self.assertEqual(len(events), 1, "the refused message must not arrive")
        rec = events[0]["Records"][0]
        self.assertEqual(rec["EventSource"], "aws:sns")
        self.assertEqual(rec["EventVersion"], "1.0")
        self.assertEqual(rec["EventSubscriptionArn"], sub)
        s = rec["Sns"]
        self.assertEqual((s["Type"], s["MessageId"], s["TopicArn"], s["Subject"], s["Message"]),
                         ("Notification", out["MessageId"], topic, "greeting", "hello"))
        self.assertEqual(s["MessageAttributes"], {"lang": {"Type": "String", "Value": "en"}})
        for k in ("Timestamp", "SignatureVersion", "Signature", "SigningCertUrl", "UnsubscribeUrl"):
            self.assertTrue(s[k], k)
        wait_explained(out["ResponseMetadata"]["RequestId"], "Allowed")

    def test_filter_policy(self):
        sns = seki.client("sns")
        fn, path = recorder("filtered-fn")
        topic = sns.create_topic(Name="filtered")["TopicArn"]
        seki.client("lambda").add_permission(FunctionName="filtered-fn", StatementId="sns", Action="lambda:InvokeFunction",
                                             Principal="sns.amazonaws.com", SourceArn=topic)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn,
                          Attributes={"FilterPolicy": json.dumps({"price": [{"numeric": [">", "cheap"]}]})})
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Invalid parameter: Attributes Reason: FilterPolicy: Value of > must be numeric")
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn, Attributes={"FilterPolicy": json.dumps(
            {"store": ["example_corp"], "price": [{"numeric": [">=", 100]}]})})
        attrs = lambda store, price: {"store": {"DataType": "String", "StringValue": store},
                                      "price": {"DataType": "Number", "StringValue": str(price)}}
        sns.publish(TopicArn=topic, Message="cheap", MessageAttributes=attrs("example_corp", 5))
        sns.publish(TopicArn=topic, Message="elsewhere", MessageAttributes=attrs("other", 500))
        sns.publish(TopicArn=topic, Message="expensive", MessageAttributes=attrs("example_corp", 500))
        recorders.wait(path, 1)
        time.sleep(0.5)
        self.assertEqual([e["Records"][0]["Sns"]["Message"] for e in recorders.read(path)], ["expensive"])

    def test_aws_cli_cross_account_publish(self):
        topic = seki.aws_json("sns", "create-topic", "--name", "b-topic", creds=ACCOUNT_B)["TopicArn"]
        rc, _, err = seki.aws("sns", "publish", "--topic-arn", topic, "--message", "hi", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AuthorizationError", err)
        self.assertIn("User: arn:aws:iam::%s:root is not authorized to perform: SNS:Publish on resource: %s "
                      "because no resource-based policy allows the SNS:Publish action" % (A, topic), err)
        seki.aws("sns", "add-permission", "--topic-arn", topic, "--label", "a-may-publish",
                 "--aws-account-id", A, "--action-name", "Publish", creds=ACCOUNT_B)
        out = seki.aws_json("sns", "publish", "--topic-arn", topic, "--message", "hi")
        self.assertTrue(out["MessageId"])

    def test_aws_cli_cross_account_subscription(self):
        # AWS's tutorial: topic in B, function in A.
        fn, path = recorder("cross-fn")
        topic = seki.aws_json("sns", "create-topic", "--name", "b-events", creds=ACCOUNT_B)["TopicArn"]
        rc, _, err = seki.aws("sns", "subscribe", "--topic-arn", topic, "--protocol", "lambda",
                              "--notification-endpoint", fn, check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AuthorizationError", err)
        seki.aws("sns", "add-permission", "--topic-arn", topic, "--label", "lambda-access", "--aws-account-id", A,
                 "--action-name", "Subscribe", "ListSubscriptionsByTopic", creds=ACCOUNT_B)
        seki.aws("lambda", "add-permission", "--function-name", "cross-fn", "--statement-id", "sns-b",
                 "--action", "lambda:InvokeFunction", "--principal", "sns.amazonaws.com", "--source-arn", topic)
        seki.aws("sns", "subscribe", "--topic-arn", topic, "--protocol", "lambda", "--notification-endpoint", fn)
        seki.aws("sns", "publish", "--topic-arn", topic, "--message", "from b", creds=ACCOUNT_B)
        self.assertEqual(recorders.wait(path, 1)[0]["Records"][0]["Sns"]["Message"], "from b")

    def test_boto3_errors(self):
        sns = seki.client("sns")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sns.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:%s:nope" % A)
        self.assertEqual(error_code(cm.exception), "NotFound")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(sns.exceptions.InvalidParameterException):
            sns.create_topic(Name="bad name")
        topic = sns.create_topic(Name="private")["TopicArn"]
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            seki.client("sns", creds=ACCOUNT_B).list_subscriptions_by_topic(TopicArn=topic)
        self.assertEqual(error_code(cm.exception), "AuthorizationError")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


class Durability(unittest.TestCase):
    def test_kill_9_keeps_acknowledged_deliveries(self):
        global seki
        sns = seki.client("sns")
        fn, path = recorder("slow-fn", sleep=0.5)
        topic = sns.create_topic(Name="durable")["TopicArn"]
        seki.client("lambda").add_permission(FunctionName="slow-fn", StatementId="sns", Action="lambda:InvokeFunction",
                                             Principal="sns.amazonaws.com", SourceArn=topic)
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn)
        ids = {sns.publish(TopicArn=topic, Message="m%d" % i)["MessageId"] for i in range(5)}
        # Every Publish above was acknowledged; none can have run to the end
        # yet (each takes half a second). Kill seki without warning.
        ran = len(recorders.read(path))
        seki.stop(signal.SIGKILL)
        self.assertLess(ran, len(ids), "every delivery ran before the kill: the test proves nothing")
        seki.start()
        deadline = time.time() + 90
        while time.time() < deadline:
            got = {e["Records"][0]["Sns"]["MessageId"] for e in recorders.read(path)}
            if ids <= got:
                break
            time.sleep(0.1)
        self.assertLessEqual(ids, got, "acknowledged messages lost")


if __name__ == "__main__":
    unittest.main()
