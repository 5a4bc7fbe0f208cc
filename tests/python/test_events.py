"""EventBridge rules invoke functions under the function's resource policy
(issue 12), driven through boto3 and the AWS CLI.

An event that matches an enabled rule on the default bus goes to each Lambda
target as an asynchronous invocation by events.amazonaws.com with
aws:SourceArn = the rule; without a permission that matches, nothing is
delivered and `seki explain PUTEVENTS_REQUEST_ID` shows the refusal.
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


def entry(source, detail, detail_type="Order Placed"):
    return {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail)}


class Delivery(unittest.TestCase):
    def test_denied_then_allowed_then_explained(self):
        events = seki.client("events")
        fn, path = recorders.create("eb-fn")
        rule = events.put_rule(Name="big-orders", EventPattern=json.dumps(
            {"source": ["shop"], "detail": {"total": [{"numeric": [">=", 100]}], "state": [{"anything-but": "test"}]}}))["RuleArn"]
        events.put_targets(Rule="big-orders", Targets=[{"Id": "fn", "Arn": fn}])

        out = events.put_events(Entries=[entry("shop", {"total": 120, "state": "new"})])
        text = seki.wait_explained(out["ResponseMetadata"]["RequestId"], "events.amazonaws.com")
        self.assertIn("lambda:InvokeFunction", text)
        self.assertIn("no resource-based policy allows", text)

        seki.client("lambda").add_permission(FunctionName="eb-fn", StatementId="rule", Action="lambda:InvokeFunction",
                                             Principal="events.amazonaws.com", SourceArn=rule)
        events.put_events(Entries=[entry("shop", {"total": 50, "state": "new"}),     # too small
                                   entry("shop", {"total": 500, "state": "test"}),   # excluded state
                                   entry("other", {"total": 500, "state": "new"})])  # other source
        out = events.put_events(Entries=[entry("shop", {"total": 100, "state": "new"})])
        got = recorders.wait(path, 1)
        time.sleep(0.3)
        got = recorders.read(path)
        self.assertEqual(len(got), 1, got)
        ev = got[0]
        self.assertEqual(sorted(ev), sorted(["version", "id", "detail-type", "source", "account", "time", "region",
                                             "resources", "detail"]))
        self.assertEqual((ev["version"], ev["id"], ev["source"], ev["account"], ev["region"], ev["detail"]),
                         ("0", out["Entries"][0]["EventId"], "shop", A, "us-east-1", {"total": 100, "state": "new"}))

    def test_aws_cli_cross_account_target(self):
        # A rule in B, a function in A: A's function policy names B's rule.
        fn, path = recorders.create("eb-cross")
        rule = seki.aws_json("events", "put-rule", "--name", "to-a", "--event-pattern", '{"source":["b.app"]}',
                             creds=ACCOUNT_B)["RuleArn"]
        seki.aws("events", "put-targets", "--rule", "to-a", "--targets", "Id=a,Arn=" + fn, creds=ACCOUNT_B)
        seki.aws("lambda", "add-permission", "--function-name", "eb-cross", "--statement-id", "b-rule",
                 "--action", "lambda:InvokeFunction", "--principal", "events.amazonaws.com", "--source-arn", rule)
        seki.aws("events", "put-events", "--entries", json.dumps([entry("b.app", {"n": 1})]), creds=ACCOUNT_B)
        self.assertEqual(recorders.wait(path, 1)[0]["account"], B)

    def test_aws_cli_errors(self):
        rc, _, err = seki.aws("events", "put-rule", "--name", "bad", "--event-pattern", '{"source":"x"}', check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn('InvalidEventPatternException', err)
        self.assertIn('Event pattern is not valid. Reason: "source" must be an object or an array', err)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            seki.client("events").describe_rule(Name="missing")
        self.assertEqual(error_code(cm.exception), "ResourceNotFoundException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Rule missing does not exist on EventBus default.")
        out = seki.client("events").test_event_pattern(
            EventPattern=json.dumps({"detail": {"ip": [{"cidr": "10.0.0.0/8"}]}}),
            Event=json.dumps({"id": "1", "source": "s", "detail-type": "t", "account": A, "time": "2026-01-01T00:00:00Z",
                              "region": "us-east-1", "resources": [], "detail": {"ip": "10.1.2.3"}}))
        self.assertTrue(out["Result"])


class Durability(unittest.TestCase):
    def test_kill_9_keeps_acknowledged_deliveries(self):
        events = seki.client("events")
        fn, path = recorders.create("eb-slow", sleep=0.5)
        rule = events.put_rule(Name="durable", EventPattern=json.dumps({"source": ["kill"]}))["RuleArn"]
        events.put_targets(Rule="durable", Targets=[{"Id": "fn", "Arn": fn}])
        seki.client("lambda").add_permission(FunctionName="eb-slow", StatementId="rule", Action="lambda:InvokeFunction",
                                             Principal="events.amazonaws.com", SourceArn=rule)
        ids = {events.put_events(Entries=[entry("kill", {"i": i})])["Entries"][0]["EventId"] for i in range(5)}
        ran = len(recorders.read(path))
        seki.stop(signal.SIGKILL)
        self.assertLess(ran, len(ids), "every delivery ran before the kill: the test proves nothing")
        seki.start()
        deadline = time.time() + 90
        while time.time() < deadline:
            got = {e["id"] for e in recorders.read(path)}
            if ids <= got:
                break
            time.sleep(0.1)
        self.assertLessEqual(ids, got, "acknowledged events lost")


if __name__ == "__main__":
    unittest.main()
