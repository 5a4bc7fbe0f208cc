"""CloudWatch Logs through boto3 and the AWS CLI (issue 5): log groups and
streams, PutLogEvents' rules, GetLogEvents' tokens, FilterLogEvents with
filter patterns, pagination with botocore's paginators, AWS's errors and
AccessDenied messages, and function logs delivered only when the execution
role allows them (and explained by `seki explain` when it does not)."""
import io
import json
import time
import unittest
import zipfile

import botocore.exceptions

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki, error_code, request_id


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def logs(creds=ACCOUNT_A):
    return seki.client("logs", creds=creds)


def now_ms():
    return int(time.time() * 1000)


def message(exc):
    return exc.response["Error"]["Message"]


class Groups(unittest.TestCase):
    def test_cli_lifecycle(self):
        seki.aws("logs", "create-log-group", "--log-group-name", "/cli/app")
        seki.aws("logs", "create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "web")
        t = now_ms()
        out = seki.aws_json("logs", "put-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "web",
                            "--log-events", "timestamp=%d,message=GET /index 200" % t,
                            "timestamp=%d,message=GET /missing 404" % (t + 1))
        self.assertRegex(out["nextSequenceToken"], r"^\d{56}$")
        got = seki.aws_json("logs", "get-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "web",
                            "--start-from-head")
        self.assertEqual([e["message"] for e in got["events"]], ["GET /index 200", "GET /missing 404"])
        self.assertRegex(got["nextForwardToken"], r"^f/\d{56}/s$")
        self.assertRegex(got["nextBackwardToken"], r"^b/\d{56}/s$")
        found = seki.aws_json("logs", "filter-log-events", "--log-group-name", "/cli/app", "--filter-pattern", "404")
        self.assertEqual([e["message"] for e in found["events"]], ["GET /missing 404"])
        self.assertEqual(found["events"][0]["logStreamName"], "web")
        groups = seki.aws_json("logs", "describe-log-groups", "--log-group-name-prefix", "/cli/")["logGroups"]
        self.assertEqual(len(groups), 1)
        g = groups[0]
        self.assertEqual(g["arn"], "arn:aws:logs:us-east-1:111111111111:log-group:/cli/app:*")
        self.assertEqual(g["logGroupArn"], "arn:aws:logs:us-east-1:111111111111:log-group:/cli/app")
        self.assertEqual(g["storedBytes"], len("GET /index 200") + len("GET /missing 404"))
        self.assertEqual(g["logGroupClass"], "STANDARD")
        self.assertEqual(g["metricFilterCount"], 0)
        seki.aws("logs", "delete-log-group", "--log-group-name", "/cli/app")
        rc, _, err = seki.aws("logs", "delete-log-group", "--log-group-name", "/cli/app", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("ResourceNotFoundException", err)
        self.assertIn("The specified log group does not exist.", err)

    def test_errors(self):
        c = logs()
        c.create_log_group(logGroupName="dup")
        with self.assertRaises(c.exceptions.ResourceAlreadyExistsException) as cm:
            c.create_log_group(logGroupName="dup")
        self.assertEqual(message(cm.exception), "The specified log group already exists")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        with self.assertRaises(c.exceptions.InvalidParameterException) as cm:
            c.create_log_group(logGroupName="has space")
        self.assertEqual(message(cm.exception),
                         "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
        with self.assertRaises(c.exceptions.ResourceNotFoundException) as cm:
            c.create_log_stream(logGroupName="nope", logStreamName="s")
        self.assertEqual(message(cm.exception), "The specified log group does not exist.")

    def test_paginators(self):
        c = logs()
        for i in range(7):
            c.create_log_group(logGroupName="page/%02d" % i)
        pages = list(c.get_paginator("describe_log_groups").paginate(
            logGroupNamePrefix="page/", PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(p["logGroups"]) for p in pages], [3, 3, 1])
        names = [g["logGroupName"] for p in pages for g in p["logGroups"]]
        self.assertEqual(names, ["page/%02d" % i for i in range(7)])

        for i in range(5):
            c.create_log_stream(logGroupName="page/00", logStreamName="s%d" % i)
        streams = [s["logStreamName"] for p in c.get_paginator("describe_log_streams").paginate(
            logGroupName="page/00", descending=True, PaginationConfig={"PageSize": 2}) for s in p["logStreams"]]
        self.assertEqual(streams, ["s4", "s3", "s2", "s1", "s0"])


class Events(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        c = logs()
        c.create_log_group(logGroupName="ev")
        c.create_log_stream(logGroupName="ev", logStreamName="a")
        c.create_log_stream(logGroupName="ev", logStreamName="b")
        cls.t = t = now_ms() - 60000
        c.put_log_events(logGroupName="ev", logStreamName="a", logEvents=[
            {"timestamp": t, "message": "INFO start"},
            {"timestamp": t + 20, "message": '{"level":"ERROR","code":500}'},
            {"timestamp": t + 40, "message": "INFO done"}])
        c.put_log_events(logGroupName="ev", logStreamName="b", logEvents=[
            {"timestamp": t + 10, "message": "WARN slow"},
            {"timestamp": t + 30, "message": '{"level":"INFO","code":200}'}])

    def test_put_rules(self):
        c = logs()
        t = now_ms()
        with self.assertRaises(c.exceptions.InvalidParameterException) as cm:
            c.put_log_events(logGroupName="ev", logStreamName="a", logEvents=[
                {"timestamp": t, "message": "b"}, {"timestamp": t - 1, "message": "a"}])
        self.assertEqual(message(cm.exception), "Log events in a single PutLogEvents request must be in chronological order.")
        with self.assertRaises(c.exceptions.InvalidParameterException) as cm:
            c.put_log_events(logGroupName="ev", logStreamName="a", logEvents=[
                {"timestamp": t - 25 * 3600 * 1000, "message": "a"}, {"timestamp": t, "message": "b"}])
        self.assertEqual(message(cm.exception),
                         "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
        with self.assertRaises(c.exceptions.ResourceNotFoundException) as cm:
            c.put_log_events(logGroupName="ev", logStreamName="zz", logEvents=[{"timestamp": t, "message": "x"}])
        self.assertEqual(message(cm.exception), "The specified log stream does not exist.")
        out = c.put_log_events(logGroupName="ev", logStreamName="b", sequenceToken="ignored", logEvents=[
            {"timestamp": t - 20 * 24 * 3600 * 1000, "message": "too old"},
            {"timestamp": t + 5 * 3600 * 1000, "message": "too new"}])
        self.assertEqual(out["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 1})

    def test_get_tokens(self):
        c = logs()
        first = c.get_log_events(logGroupName="ev", logStreamName="a", startFromHead=True, limit=2)
        self.assertEqual([e["message"] for e in first["events"]], ["INFO start", '{"level":"ERROR","code":500}'])
        rest = c.get_log_events(logGroupName="ev", logStreamName="a", startFromHead=True,
                                nextToken=first["nextForwardToken"])
        self.assertEqual([e["message"] for e in rest["events"]], ["INFO done"])
        end = c.get_log_events(logGroupName="ev", logStreamName="a", startFromHead=True,
                               nextToken=rest["nextForwardToken"])
        self.assertEqual(end["events"], [])
        self.assertEqual(end["nextForwardToken"], rest["nextForwardToken"])
        tail = c.get_log_events(logGroupName="ev", logStreamName="a", limit=1)
        self.assertEqual([e["message"] for e in tail["events"]], ["INFO done"])

    def test_filter_patterns(self):
        c = logs()

        def f(**kw):
            return [(e["logStreamName"], e["message"]) for e in c.filter_log_events(logGroupName="ev", **kw)["events"]]

        self.assertEqual(f(), [("a", "INFO start"), ("b", "WARN slow"), ("a", '{"level":"ERROR","code":500}'),
                               ("b", '{"level":"INFO","code":200}'), ("a", "INFO done")])
        self.assertEqual(f(filterPattern="INFO -done"), [("a", "INFO start"), ("b", '{"level":"INFO","code":200}')])
        self.assertEqual(f(filterPattern="?WARN ?done"), [("b", "WARN slow"), ("a", "INFO done")])
        self.assertEqual(f(filterPattern='{ $.code >= 500 }'), [("a", '{"level":"ERROR","code":500}')])
        self.assertEqual(f(filterPattern='{ $.level = "INFO" || $.level = ERR* }'),
                         [("a", '{"level":"ERROR","code":500}'), ("b", '{"level":"INFO","code":200}')])
        self.assertEqual(f(logStreamNames=["b"], filterPattern='"WARN slow"'), [("b", "WARN slow")])
        self.assertEqual(f(startTime=self.t + 10, endTime=self.t + 20),
                         [("b", "WARN slow"), ("a", '{"level":"ERROR","code":500}')])
        with self.assertRaises(c.exceptions.InvalidParameterException) as cm:
            c.filter_log_events(logGroupName="ev", filterPattern="?Status: timeout")
        self.assertEqual(message(cm.exception), "Invalid character(s) in term ':'")
        pages = list(c.get_paginator("filter_log_events").paginate(logGroupName="ev", PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["events"]) for p in pages], [2, 2, 1])
        ids = [e["eventId"] for p in pages for e in p["events"]]
        self.assertEqual(len(set(ids)), 5)
        for i in ids:
            self.assertRegex(i, r"^\d{56}$")


class Manage(unittest.TestCase):
    """Retention, stream deletion and tags (issue 14). Tag shapes follow
    LocalStack's AWS-validated snapshots: test_logs_groups.py
    TestLogsGroupsTags::test_tag_resource_api and
    TestLogsGroupsRetention::test_put_retention_policy."""

    def test_retention(self):
        c = logs()
        c.create_log_group(logGroupName="ret")
        c.put_retention_policy(logGroupName="ret", retentionInDays=7)
        g = c.describe_log_groups(logGroupNamePrefix="ret")["logGroups"][0]
        self.assertEqual(g["retentionInDays"], 7)
        c.delete_retention_policy(logGroupName="ret")
        g = c.describe_log_groups(logGroupNamePrefix="ret")["logGroups"][0]
        self.assertNotIn("retentionInDays", g)
        with self.assertRaises(c.exceptions.InvalidParameterException) as cm:
            c.put_retention_policy(logGroupName="ret", retentionInDays=2)
        self.assertIn("Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: "
                      "[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, "
                      "3288, 3653]", message(cm.exception))
        with self.assertRaises(c.exceptions.ResourceNotFoundException) as cm:
            c.put_retention_policy(logGroupName="nope", retentionInDays=1)
        self.assertEqual(message(cm.exception), "The specified log group does not exist.")
        seki.aws("logs", "put-retention-policy", "--log-group-name", "ret", "--retention-in-days", "3653")
        g = seki.aws_json("logs", "describe-log-groups", "--log-group-name-prefix", "ret")["logGroups"][0]
        self.assertEqual(g["retentionInDays"], 3653)

    def test_delete_log_stream(self):
        c = logs()
        c.create_log_group(logGroupName="del-stream")
        c.create_log_stream(logGroupName="del-stream", logStreamName="a")
        c.create_log_stream(logGroupName="del-stream", logStreamName="b")
        c.put_log_events(logGroupName="del-stream", logStreamName="a",
                         logEvents=[{"timestamp": now_ms(), "message": "gone"}])
        c.put_log_events(logGroupName="del-stream", logStreamName="b",
                         logEvents=[{"timestamp": now_ms(), "message": "kept"}])
        c.delete_log_stream(logGroupName="del-stream", logStreamName="a")
        names = [s["logStreamName"] for s in c.describe_log_streams(logGroupName="del-stream")["logStreams"]]
        self.assertEqual(names, ["b"])
        self.assertEqual([e["message"] for e in c.filter_log_events(logGroupName="del-stream")["events"]], ["kept"])
        g = c.describe_log_groups(logGroupNamePrefix="del-stream")["logGroups"][0]
        self.assertEqual(g["storedBytes"], len("kept"))
        with self.assertRaises(c.exceptions.ResourceNotFoundException) as cm:
            c.delete_log_stream(logGroupName="del-stream", logStreamName="a")
        self.assertEqual(message(cm.exception), "The specified log stream does not exist.")
        with self.assertRaises(c.exceptions.ResourceNotFoundException) as cm:
            c.delete_log_stream(logGroupName="nope", logStreamName="a")
        self.assertEqual(message(cm.exception), "The specified log group does not exist.")
        # The stream's name is free again.
        c.create_log_stream(logGroupName="del-stream", logStreamName="a")

    def test_tags(self):
        c = logs()
        c.create_log_group(logGroupName="tagged", tags={"env": "testing1"})
        arn = "arn:aws:logs:us-east-1:111111111111:log-group:tagged"
        self.assertEqual(c.list_tags_for_resource(resourceArn=arn)["tags"], {"env": "testing1"})
        c.tag_resource(resourceArn=arn, tags={"test1": "val1", "test2": "val2"})
        want = {"env": "testing1", "test1": "val1", "test2": "val2"}
        self.assertEqual(c.list_tags_log_group(logGroupName="tagged")["tags"], want)
        self.assertEqual(c.list_tags_for_resource(resourceArn=arn)["tags"], want)
        c.tag_log_group(logGroupName="tagged", tags={"test3": "val3"})
        want["test3"] = "val3"
        self.assertEqual(c.list_tags_for_resource(resourceArn=arn + ":*")["tags"], want)
        c.untag_log_group(logGroupName="tagged", tags=["test3"])
        c.untag_resource(resourceArn=arn, tagKeys=["env", "test1"])
        self.assertEqual(c.list_tags_log_group(logGroupName="tagged")["tags"], {"test2": "val2"})
        with self.assertRaises(c.exceptions.TooManyTagsException):
            c.tag_resource(resourceArn=arn, tags={"k%d" % i: "v" for i in range(50)})
        self.assertEqual(c.list_tags_log_group(logGroupName="tagged")["tags"], {"test2": "val2"})
        with self.assertRaises(c.exceptions.ResourceNotFoundException):
            c.list_tags_for_resource(resourceArn=arn + "-missing")
        # Deleting and recreating the group starts without tags.
        c.delete_log_group(logGroupName="tagged")
        c.create_log_group(logGroupName="tagged")
        self.assertEqual(c.list_tags_log_group(logGroupName="tagged")["tags"], {})

    def test_authorization(self):
        iam = seki.client("iam")
        iam.create_user(UserName="tagger")
        iam.put_user_policy(UserName="tagger", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["logs:TagResource", "logs:ListTagsForResource"],
                 "Resource": "arn:aws:logs:us-east-1:111111111111:log-group:mine-tags",
                 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}},
                {"Effect": "Allow", "Action": ["logs:PutRetentionPolicy", "logs:DeleteLogStream"],
                 "Resource": "arn:aws:logs:us-east-1:111111111111:log-group:mine-tags:*"}]}))
        key = iam.create_access_key(UserName="tagger")["AccessKey"]
        logs().create_log_group(logGroupName="mine-tags")
        logs().create_log_group(logGroupName="other-tags")
        logs().create_log_stream(logGroupName="mine-tags", logStreamName="s")
        c = logs(key)
        arn = "arn:aws:logs:us-east-1:111111111111:log-group:"
        c.tag_resource(resourceArn=arn + "mine-tags", tags={"team": "a"})
        self.assertEqual(c.list_tags_for_resource(resourceArn=arn + "mine-tags")["tags"], {"team": "a"})
        c.put_retention_policy(logGroupName="mine-tags", retentionInDays=1)
        c.delete_log_stream(logGroupName="mine-tags", logStreamName="s")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.tag_resource(resourceArn=arn + "mine-tags", tags={"owner": "x"})
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.tag_resource(resourceArn=arn + "other-tags", tags={"team": "a"})
        self.assertIn("logs:TagResource on resource: " + arn + "other-tags ", message(cm.exception))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_retention_policy(logGroupName="other-tags", retentionInDays=1)
        self.assertIn("logs:PutRetentionPolicy on resource: " + arn + "other-tags:log-stream: ", message(cm.exception))
        self.assertEqual(logs().list_tags_log_group(logGroupName="other-tags")["tags"], {})


class Access(unittest.TestCase):
    def test_access_denied(self):
        iam = seki.client("iam")
        iam.create_user(UserName="logreader")
        iam.put_user_policy(UserName="logreader", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["logs:FilterLogEvents", "logs:DescribeLogStreams"],
                 "Resource": "arn:aws:logs:us-east-1:111111111111:log-group:readable:*"}]}))
        key = iam.create_access_key(UserName="logreader")["AccessKey"]
        logs().create_log_group(logGroupName="readable")
        logs().create_log_group(logGroupName="secret")
        c = logs(key)
        c.filter_log_events(logGroupName="readable")
        c.describe_log_streams(logGroupName="readable")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.filter_log_events(logGroupName="secret")
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(message(cm.exception),
                         "User: arn:aws:iam::111111111111:user/logreader is not authorized to perform: "
                         "logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:111111111111:log-group:secret:log-stream: "
                         "because no identity-based policy allows the logs:FilterLogEvents action")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.describe_log_groups()
        self.assertIn("on resource: arn:aws:logs:us-east-1:111111111111:log-group::log-stream:", message(cm.exception))
        out = seki.explain(request_id(cm.exception))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("logs:DescribeLogGroups", out.stdout)

    def test_accounts_are_separate(self):
        logs().create_log_group(logGroupName="mine")
        names = [g["logGroupName"] for g in logs(ACCOUNT_B).describe_log_groups()["logGroups"]]
        self.assertNotIn("mine", names)


HANDLER = """
def handler(event, context):
    print("hello from", context.function_name)
    return {"ok": True}
"""

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def zip_of(name, body):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, body)
    return buf.getvalue()


class FunctionLogs(unittest.TestCase):
    def function(self, name, managed=()):
        iam = seki.client("iam")
        role = iam.create_role(RoleName=name + "-role", AssumeRolePolicyDocument=TRUST)["Role"]
        for arn in managed:
            iam.attach_role_policy(RoleName=name + "-role", PolicyArn=arn)
        seki.client("lambda").create_function(FunctionName=name, Runtime="python3.12", Role=role["Arn"],
                                              Handler="app.handler", Code={"ZipFile": zip_of("app.py", HANDLER)})

    def invoke(self, name):
        out = seki.client("lambda").invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
        self.assertNotIn("FunctionError", out)
        return out["ResponseMetadata"]["RequestId"]

    def test_delivered_with_basic_execution_role(self):
        self.function("logged", ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])
        rid = self.invoke("logged")
        deadline = time.time() + 15
        while True:
            try:
                msgs = [e["message"] for e in logs().filter_log_events(logGroupName="/aws/lambda/logged")["events"]]
            except botocore.exceptions.ClientError:
                msgs = []
            if any(m.startswith("REPORT RequestId: " + rid) for m in msgs):
                break
            self.assertLess(time.time(), deadline, "no REPORT line for %s: %r" % (rid, msgs))
            time.sleep(0.05)
        self.assertIn("START RequestId: %s Version: $LATEST" % rid, msgs)
        self.assertTrue(any("hello from logged" in m for m in msgs), msgs)
        self.assertIn("END RequestId: " + rid, msgs)
        streams = logs().describe_log_streams(logGroupName="/aws/lambda/logged")["logStreams"]
        self.assertRegex(streams[0]["logStreamName"], r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
        # The AWS CLI reads them too.
        out = seki.aws_json("logs", "filter-log-events", "--log-group-name", "/aws/lambda/logged",
                            "--filter-pattern", '"END RequestId"')
        self.assertEqual([e["message"] for e in out["events"]], ["END RequestId: " + rid])

    def test_dropped_and_explained_without_permission(self):
        self.function("unlogged")
        rid = self.invoke("unlogged")
        deadline = time.time() + 15
        while True:
            out = seki.explain(rid)
            if "logs:CreateLogGroup" in out.stdout:
                break
            self.assertLess(time.time(), deadline, out.stdout + out.stderr)
            time.sleep(0.05)
        self.assertIn("arn:aws:sts::111111111111:assumed-role/unlogged-role/unlogged asked to logs:CreateLogGroup "
                      "on arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/unlogged:log-stream:", out.stdout)
        self.assertIn("because no identity-based policy allows the logs:CreateLogGroup action", out.stdout)
        names = [g["logGroupName"] for g in logs().describe_log_groups(logGroupNamePrefix="/aws/lambda/unlogged")["logGroups"]]
        self.assertEqual(names, [])


if __name__ == "__main__":
    unittest.main()
