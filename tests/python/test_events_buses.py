"""Custom EventBridge buses and their resource policies (issue 12's plus),
driven through boto3.

A rule on a custom bus invokes its function as events.amazonaws.com with
aws:SourceArn = the rule's ARN, which has the bus in it
(arn:aws:events:REGION:ACCOUNT:rule/BUS/NAME). Another account puts events
on the bus by its ARN only when its identity policy and the bus policy
(PutPermission) both allow events:PutEvents; a refused entry comes back in
the answer with AccessDeniedException, and `seki explain` tells why.
"""
import json
import unittest

from seki_harness import ACCOUNT_A, ACCOUNT_B, Recorders, Seki

A = ACCOUNT_A[0]
B = ACCOUNT_B[0]


def setUpModule():
    global seki, recorders
    seki = Seki()
    recorders = Recorders(seki)


def tearDownModule():
    recorders.close()
    seki.close()


def entry(bus, detail):
    return {"EventBusName": bus, "Source": "b.app", "DetailType": "Ping", "Detail": json.dumps(detail)}


class CustomBus(unittest.TestCase):
    def test_bus_api(self):
        events = seki.client("events")
        arn = events.create_event_bus(Name="api-bus", Description="test bus")["EventBusArn"]
        self.assertEqual(arn, "arn:aws:events:us-east-1:%s:event-bus/api-bus" % A)
        with self.assertRaises(events.exceptions.ResourceAlreadyExistsException):
            events.create_event_bus(Name="api-bus")
        d = events.describe_event_bus(Name=arn)
        self.assertEqual((d["Name"], d["Description"]), ("api-bus", "test bus"))
        self.assertIn("CreationTime", d)
        names = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
        self.assertEqual(names, ["api-bus", "default"])
        rule = events.put_rule(Name="r", EventBusName="api-bus", EventPattern='{"source":["x"]}')["RuleArn"]
        self.assertEqual(rule, "arn:aws:events:us-east-1:%s:rule/api-bus/r" % A)
        with self.assertRaises(events.exceptions.ClientError) as e:
            events.delete_event_bus(Name="api-bus")
        self.assertEqual(e.exception.response["Error"]["Message"], "EventBus can't be deleted since it has rules.")
        with self.assertRaises(events.exceptions.ClientError) as e:
            events.delete_event_bus(Name="default")
        self.assertEqual(e.exception.response["Error"]["Message"], "Cannot delete event bus default.")
        events.put_permission(EventBusName="api-bus", Action="events:PutEvents", Principal=B, StatementId="b")
        policy = json.loads(events.describe_event_bus(Name="api-bus")["Policy"])
        self.assertEqual(policy["Statement"], [{"Sid": "b", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % B},
                                                "Action": "events:PutEvents", "Resource": arn}])
        with self.assertRaises(events.exceptions.ResourceNotFoundException):
            events.remove_permission(EventBusName="api-bus", StatementId="nope")
        events.remove_permission(EventBusName="api-bus", StatementId="b")
        self.assertNotIn("Policy", events.describe_event_bus(Name="api-bus"))
        events.delete_rule(Name="r", EventBusName="api-bus")
        events.delete_event_bus(Name="api-bus")
        with self.assertRaises(events.exceptions.ResourceNotFoundException):
            events.describe_event_bus(Name="api-bus")

    def test_cross_account_put_events(self):
        events = seki.client("events")
        bus = events.create_event_bus(Name="shared")["EventBusArn"]
        fn, path = recorders.create("bus-fn")
        rule = events.put_rule(Name="from-b", EventBusName="shared", EventPattern=json.dumps({"account": [B]}))["RuleArn"]
        events.put_targets(Rule="from-b", EventBusName="shared", Targets=[{"Id": "fn", "Arn": fn}])
        seki.client("lambda").add_permission(FunctionName="bus-fn", StatementId="rule", Action="lambda:InvokeFunction",
                                             Principal="events.amazonaws.com", SourceArn=rule)

        # B's root may do anything in B, but A's bus has no policy.
        b = seki.client("events", creds=ACCOUNT_B)
        out = b.put_events(Entries=[entry(bus, {"n": 1})])
        self.assertEqual(out["FailedEntryCount"], 1)
        self.assertEqual(out["Entries"][0]["ErrorCode"], "AccessDeniedException")
        text = seki.wait_explained(out["ResponseMetadata"]["RequestId"], "events:PutEvents")
        self.assertIn("no resource-based policy allows", text)

        events.put_permission(EventBusName="shared", Action="events:PutEvents", Principal=B, StatementId="b")
        out = b.put_events(Entries=[entry(bus, {"n": 2})])
        self.assertEqual(out["FailedEntryCount"], 0, out)
        ev = recorders.wait(path, 1)[0]
        self.assertEqual((ev["account"], ev["source"], ev["detail"]), (B, "b.app", {"n": 2}))
