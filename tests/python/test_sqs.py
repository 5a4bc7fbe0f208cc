"""Amazon SQS through boto3 and the AWS CLI (issue 12): queues, messages,
long polling, visibility, FIFO, redrive, queue policies across accounts with
AWS's AccessDenied, messages that survive kill -9, and event source mappings
that read queues as the function's execution role."""
import json
import os
import signal
import threading
import time
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki, error_code, request_id


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def sqs(creds=ACCOUNT_A):
    return seki.client("sqs", creds=creds)


def message(exc):
    return exc.response["Error"]["Message"]


class Queues(unittest.TestCase):
    def test_boto3_speaks_json(self):
        c = sqs()
        seen = {}
        c.meta.events.register("before-send.sqs.*", lambda request, **kw: seen.update(
            ct=request.headers.get("Content-Type"), target=request.headers.get("X-Amz-Target")))
        url = c.create_queue(QueueName="proto")["QueueUrl"]
        self.assertEqual(url, seki.endpoint + "/111111111111/proto")
        self.assertEqual(seen["ct"], b"application/x-amz-json-1.0" if isinstance(seen["ct"], bytes) else "application/x-amz-json-1.0")
        self.assertIn("AmazonSQS.CreateQueue", str(seen["target"]))

    def test_lifecycle(self):
        c = sqs()
        url = c.create_queue(QueueName="life", Attributes={"VisibilityTimeout": "20"}, tags={"team": "a"})["QueueUrl"]
        self.assertEqual(c.get_queue_url(QueueName="life")["QueueUrl"], url)
        # Same attributes: idempotent; different: AWS's error.
        self.assertEqual(c.create_queue(QueueName="life", Attributes={"VisibilityTimeout": "20"})["QueueUrl"], url)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.create_queue(QueueName="life", Attributes={"VisibilityTimeout": "21"})
        self.assertEqual(error_code(e.exception), "QueueAlreadyExists")
        self.assertEqual(message(e.exception), "A queue already exists with the same name and a different value for attribute VisibilityTimeout")
        attrs = c.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "20")
        self.assertEqual(attrs["MaximumMessageSize"], "1048576")
        self.assertEqual(attrs["MessageRetentionPeriod"], "345600")
        self.assertEqual(attrs["QueueArn"], "arn:aws:sqs:us-east-1:111111111111:life")
        self.assertEqual(c.list_queue_tags(QueueUrl=url)["Tags"], {"team": "a"})
        self.assertIn(url, c.list_queues(QueueNamePrefix="li")["QueueUrls"])
        c.delete_queue(QueueUrl=url)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.get_queue_url(QueueName="life")
        self.assertEqual(error_code(e.exception), "AWS.SimpleQueueService.NonExistentQueue")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_unknown_attribute(self):
        c = sqs()
        url = c.create_queue(QueueName="attrs")["QueueUrl"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "true"})
        self.assertEqual(error_code(e.exception), "InvalidAttributeValue")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true"})
        self.assertEqual(error_code(e.exception), "InvalidAttributeName")
        self.assertEqual(message(e.exception), "Unknown Attribute ContentBasedDeduplication.")


class Messages(unittest.TestCase):
    def test_send_receive_delete(self):
        c = sqs()
        url = c.create_queue(QueueName="msgs")["QueueUrl"]
        sent = c.send_message(QueueUrl=url, MessageBody="hello", MessageAttributes={
            "k": {"DataType": "String", "StringValue": "v"}, "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
        self.assertEqual(sent["MD5OfMessageBody"], "5d41402abc4b2a76b9719d911017c592")
        got = c.receive_message(QueueUrl=url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"],
                                VisibilityTimeout=30)["Messages"]
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["MD5OfMessageAttributes"], sent["MD5OfMessageAttributes"])
        self.assertEqual(m["MessageAttributes"]["b"]["BinaryValue"], b"\x00\x01")
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertNotIn("Messages", c.receive_message(QueueUrl=url))
        c.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        again = c.receive_message(QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"][0]
        self.assertEqual(again["Attributes"]["ApproximateReceiveCount"], "2")
        c.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
        attrs = c.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        self.assertEqual(attrs["Attributes"], {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_batches(self):
        c = sqs()
        url = c.create_queue(QueueName="batch")["QueueUrl"]
        out = c.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m%d" % i} for i in range(10)])
        self.assertEqual(len(out["Successful"]), 10)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m"} for i in range(11)])
        self.assertEqual(error_code(e.exception), "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
        self.assertEqual(message(e.exception), "Maximum number of entries per request are 10. You have sent 11.")
        got = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual(len(got), 10)
        res = c.delete_message_batch(QueueUrl=url, Entries=[{"Id": "d%d" % i, "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])
        self.assertEqual(len(res["Successful"]), 10)

    def test_long_poll(self):
        c = sqs()
        url = c.create_queue(QueueName="poll")["QueueUrl"]
        threading.Timer(0.5, lambda: sqs().send_message(QueueUrl=url, MessageBody="late")).start()
        start = time.time()
        got = c.receive_message(QueueUrl=url, WaitTimeSeconds=10)
        self.assertEqual(got["Messages"][0]["Body"], "late")
        self.assertLess(time.time() - start, 5)

    def test_errors(self):
        c = sqs()
        url = c.create_queue(QueueName="errs")["QueueUrl"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.receive_message(QueueUrl=url, WaitTimeSeconds=21)
        self.assertEqual(error_code(e.exception), "InvalidParameterValue")
        self.assertEqual(message(e.exception), "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.send_message(QueueUrl=url, MessageBody="x" * (1048576 + 1))
        self.assertEqual(message(e.exception), "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")

    def test_fifo(self):
        c = sqs()
        url = c.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            c.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
        self.assertEqual(message(e.exception), "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
        a = c.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g", MessageDeduplicationId="d1")
        b = c.send_message(QueueUrl=url, MessageBody="1 again", MessageGroupId="g", MessageDeduplicationId="d1")
        self.assertEqual(a["MessageId"], b["MessageId"])
        c.send_message(QueueUrl=url, MessageBody="2", MessageGroupId="g", MessageDeduplicationId="d2")
        got = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])["Messages"]
        self.assertEqual([m["Body"] for m in got], ["1", "2"])
        self.assertEqual(got[0]["Attributes"]["MessageGroupId"], "g")

    def test_redrive(self):
        c = sqs()
        dlq = c.create_queue(QueueName="dead")["QueueUrl"]
        dlq_arn = c.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        src = c.create_queue(QueueName="live", Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
        c.send_message(QueueUrl=src, MessageBody="poison")
        m = c.receive_message(QueueUrl=src)["Messages"][0]
        c.change_message_visibility(QueueUrl=src, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        self.assertNotIn("Messages", c.receive_message(QueueUrl=src))
        moved = c.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"][0]
        self.assertEqual(moved["Body"], "poison")
        self.assertEqual(moved["Attributes"]["DeadLetterQueueSourceArn"], "arn:aws:sqs:us-east-1:111111111111:live")


class CrossAccount(unittest.TestCase):
    def test_queue_policy_decides(self):
        a, b = sqs(ACCOUNT_A), sqs(ACCOUNT_B)
        url = a.create_queue(QueueName="shared")["QueueUrl"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            b.send_message(QueueUrl=url, MessageBody="x")
        self.assertEqual(error_code(e.exception), "AccessDenied")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(message(e.exception), "User: arn:aws:iam::222222222222:root is not authorized to perform: "
                         "sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111111111111:shared because no "
                         "resource-based policy allows the sqs:sendmessage action")
        out = seki.explain(request_id(e.exception))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("sqs:SendMessage", out.stdout)
        a.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "222222222222"},
                           "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"], "Resource": "arn:aws:sqs:us-east-1:111111111111:shared"}]})})
        b.send_message(QueueUrl=url, MessageBody="x")
        self.assertEqual(b.get_queue_url(QueueName="shared", QueueOwnerAWSAccountId="111111111111")["QueueUrl"], url)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            b.receive_message(QueueUrl=url)
        self.assertEqual(error_code(e.exception), "AccessDenied")


def cli(*args, **kw):
    # AWS CLI v1 replaces SQS's us-east-1 endpoint with queue.amazonaws.com
    # unless --endpoint-url is given (its overridesslcommonname
    # customization ignores AWS_ENDPOINT_URL), so SQS commands name seki.
    return seki.aws("--endpoint-url", seki.endpoint, *args, **kw)


def cli_json(*args, **kw):
    _, out, _ = cli(*args, **kw)
    return json.loads(out) if out.strip() else None


class CLI(unittest.TestCase):
    def test_cli(self):
        url = cli_json("sqs", "create-queue", "--queue-name", "cli")["QueueUrl"]
        cli_json("sqs", "send-message", "--queue-url", url, "--message-body", "from the cli")
        got = cli_json("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "1")
        self.assertEqual(got["Messages"][0]["Body"], "from the cli")
        cli("sqs", "delete-message", "--queue-url", url, "--receipt-handle", got["Messages"][0]["ReceiptHandle"])
        rc, _, err = cli("sqs", "get-queue-url", "--queue-name", "cli-missing", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AWS.SimpleQueueService.NonExistentQueue", err)
        # Account B cannot read A's queue without a policy.
        rc, _, err = cli("sqs", "receive-message", "--queue-url", url, creds=ACCOUNT_B, check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", err)


class QueryProtocol(unittest.TestCase):
    """Older SDKs speak SQS's query protocol: Debian's AWS CLI v2.9 does."""

    def test_cli_v2_query_protocol(self):
        import shutil
        import subprocess
        from seki_harness import clean_env
        exe = "/usr/bin/aws"
        if not os.path.exists(exe) or "aws-cli/2." not in subprocess.run([exe, "--version"], capture_output=True, text=True).stdout:
            self.skipTest("Debian's AWS CLI v2 is not installed")

        def v2(*args, creds=ACCOUNT_A, check=True):
            env = clean_env()
            env.update(AWS_ACCESS_KEY_ID=creds[1], AWS_SECRET_ACCESS_KEY=creds[2], AWS_DEFAULT_REGION="us-east-1",
                       AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="")
            p = subprocess.run([exe, "--endpoint-url", seki.endpoint, "--output", "json"] + list(args), env=env,
                               capture_output=True, text=True, timeout=120)
            if check and p.returncode != 0:
                raise AssertionError(p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else p

        url = v2("sqs", "create-queue", "--queue-name", "query", "--attributes", "VisibilityTimeout=40", "--tags", "a=b")["QueueUrl"]
        sent = v2("sqs", "send-message", "--queue-url", url, "--message-body", "hi",
                  "--message-attributes", '{"k":{"DataType":"String","StringValue":"v"}}')
        got = v2("sqs", "receive-message", "--queue-url", url, "--attribute-names", "All", "--message-attribute-names", "All")["Messages"][0]
        self.assertEqual(got["MessageId"], sent["MessageId"])
        self.assertEqual(got["MessageAttributes"]["k"]["StringValue"], "v")
        self.assertEqual(got["Attributes"]["ApproximateReceiveCount"], "1")
        attrs = v2("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "40")
        self.assertEqual(v2("sqs", "list-queue-tags", "--queue-url", url)["Tags"], {"a": "b"})
        out = v2("sqs", "send-message-batch", "--queue-url", url, "--entries", "Id=a,MessageBody=x", "Id=b,MessageBody=y")
        self.assertEqual(sorted(e["Id"] for e in out["Successful"]), ["a", "b"])
        p = v2("sqs", "get-queue-url", "--queue-name", "query-missing", check=False)
        self.assertIn("(AWS.SimpleQueueService.NonExistentQueue)", p.stderr)
        p = v2("sqs", "receive-message", "--queue-url", url, creds=ACCOUNT_B, check=False)
        self.assertIn("(AccessDenied)", p.stderr)


class Durability(unittest.TestCase):
    def test_kill_9_keeps_acknowledged_messages(self):
        own = Seki()
        try:
            url = own.client("sqs").create_queue(QueueName="durable")["QueueUrl"]
            acked, lock, stop = [], threading.Lock(), threading.Event()

            def sender(n):
                c = own.client("sqs")
                i = 0
                while not stop.is_set():
                    try:
                        r = c.send_message(QueueUrl=url, MessageBody="%d-%d" % (n, i))
                    except Exception:
                        return
                    with lock:
                        acked.append(r["MessageId"])
                    i += 1

            threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            # Kill mid-stream once a fair number are acknowledged; on a busy
            # machine that takes longer than on a quiet one.
            deadline = time.time() + 60
            while time.time() < deadline:
                with lock:
                    if len(acked) >= 20:
                        break
                time.sleep(0.05)
            own.stop(sig=signal.SIGKILL)
            stop.set()
            for t in threads:
                t.join()
            self.assertGreater(len(acked), 10)
            own.start()
            c = own.client("sqs")
            url = c.get_queue_url(QueueName="durable")["QueueUrl"]
            seen = set()
            while True:
                got = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300).get("Messages", [])
                if not got:
                    break
                seen.update(m["MessageId"] for m in got)
            missing = set(acked) - seen
            self.assertFalse(missing, "%d acknowledged messages lost after kill -9" % len(missing))
        finally:
            own.close()


# Function code runs isolated and cannot write the test's files: the
# consumer stores each event in the bucket BUCKET under its request id,
# with its role's credentials.
CONSUMER = '''
import json, os, boto3
s3 = boto3.client("s3")

def handler(event, context):
    s3.put_object(Bucket=os.environ["BUCKET"], Key=context.aws_request_id, Body=json.dumps(event))
    return {}
'''

LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def zipped(body):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", body)
    return buf.getvalue()


def wait_for(cond, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out")


class EventSourceMappings(unittest.TestCase):
    """SQS queue -> mapping -> function, with the role's queue access
    checked at creation and used by the poller, across accounts too."""

    def function(self, name):
        iam, lam = seki.client("iam"), seki.client("lambda")
        role = iam.create_role(RoleName=name + "-role", AssumeRolePolicyDocument=LAMBDA_TRUST)["Role"]
        out = name + "-events"
        seki.client("s3").create_bucket(Bucket=out)
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="events", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/*" % out}]}))
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role["Arn"], Handler="app.handler",
                            Code={"ZipFile": zipped(CONSUMER)}, Environment={"Variables": {"BUCKET": out}})
        return role, out

    @staticmethod
    def records(out):
        s3 = seki.client("s3")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=out).get("Contents", [])]
        return [r for k in keys for r in json.loads(s3.get_object(Bucket=out, Key=k)["Body"].read())["Records"]]

    def test_same_account(self):
        role, out = self.function("esm-same")
        url = sqs().create_queue(QueueName="esm-same")["QueueUrl"]
        arn = "arn:aws:sqs:us-east-1:111111111111:esm-same"
        lam = seki.client("lambda")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            lam.create_event_source_mapping(FunctionName="esm-same", EventSourceArn=arn)
        self.assertEqual(error_code(e.exception), "InvalidParameterValueException")
        self.assertEqual(message(e.exception), "The function execution role does not have permissions to call ReceiveMessage on SQS")
        explained = seki.explain(request_id(e.exception))
        self.assertEqual(explained.returncode, 0, explained.stderr)
        self.assertIn("sqs:ReceiveMessage", explained.stdout)
        seki.client("iam").put_role_policy(RoleName=role["RoleName"], PolicyName="queue", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": arn,
                                                    "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]}]}))
        m = lam.create_event_source_mapping(FunctionName="esm-same", EventSourceArn=arn, BatchSize=5)
        self.assertEqual(m["ResponseMetadata"]["HTTPStatusCode"], 202)
        self.assertEqual(m["State"], "Creating")
        self.assertEqual(m["FunctionResponseTypes"], [])
        self.assertEqual(m["EventSourceMappingArn"], "arn:aws:lambda:us-east-1:111111111111:event-source-mapping:" + m["UUID"])
        wait_for(lambda: lam.get_event_source_mapping(UUID=m["UUID"])["State"] == "Enabled")
        sqs().send_message(QueueUrl=url, MessageBody="hello", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
        r = wait_for(lambda: self.records(out))[0]
        self.assertEqual(r["body"], "hello")
        self.assertEqual(r["eventSource"], "aws:sqs")
        self.assertEqual(r["eventSourceARN"], arn)
        self.assertEqual(r["awsRegion"], "us-east-1")
        self.assertEqual(r["messageAttributes"]["k"]["stringValue"], "v")
        self.assertEqual(r["messageAttributes"]["k"]["dataType"], "String")
        self.assertEqual(r["attributes"]["ApproximateReceiveCount"], "1")
        wait_for(lambda: sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "0")
        listed = lam.list_event_source_mappings(FunctionName="esm-same")["EventSourceMappings"]
        self.assertEqual([x["UUID"] for x in listed], [m["UUID"]])
        u = lam.update_event_source_mapping(UUID=m["UUID"], Enabled=False)
        self.assertEqual(u["State"], "Disabling")
        wait_for(lambda: lam.get_event_source_mapping(UUID=m["UUID"])["State"] == "Disabled")
        d = lam.delete_event_source_mapping(UUID=m["UUID"])
        self.assertEqual(d["State"], "Deleting")

    def test_cross_account_queue_needs_queue_policy(self):
        # The function and its role are in A, the queue in B.
        role, out = self.function("esm-cross")
        b = sqs(ACCOUNT_B)
        url = b.create_queue(QueueName="esm-cross")["QueueUrl"]
        arn = "arn:aws:sqs:us-east-1:222222222222:esm-cross"
        actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        seki.client("iam").put_role_policy(RoleName=role["RoleName"], PolicyName="queue", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": arn, "Action": actions}]}))
        lam = seki.client("lambda")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            lam.create_event_source_mapping(FunctionName="esm-cross", EventSourceArn=arn)
        self.assertEqual(message(e.exception), "The function execution role does not have permissions to call ReceiveMessage on SQS")
        b.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": role["Arn"]}, "Action": actions, "Resource": arn}]})})
        m = lam.create_event_source_mapping(FunctionName="esm-cross", EventSourceArn=arn)
        b.send_message(QueueUrl=url, MessageBody="from B")
        r = wait_for(lambda: self.records(out))[0]
        self.assertEqual(r["body"], "from B")
        lam.delete_event_source_mapping(UUID=m["UUID"])

    def test_cli(self):
        role, out = self.function("esm-cli")
        cli("sqs", "create-queue", "--queue-name", "esm-cli")
        arn = "arn:aws:sqs:us-east-1:111111111111:esm-cli"
        seki.client("iam").put_role_policy(RoleName=role["RoleName"], PolicyName="queue", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": arn,
                                                    "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]}]}))
        m = seki.aws_json("lambda", "create-event-source-mapping", "--function-name", "esm-cli", "--event-source-arn", arn,
                          "--batch-size", "10", "--maximum-batching-window-in-seconds", "1")
        self.assertEqual(m["MaximumBatchingWindowInSeconds"], 1)
        got = seki.aws_json("lambda", "get-event-source-mapping", "--uuid", m["UUID"])
        self.assertEqual(got["EventSourceArn"], arn)
        seki.aws("lambda", "delete-event-source-mapping", "--uuid", m["UUID"])


if __name__ == "__main__":
    unittest.main()
