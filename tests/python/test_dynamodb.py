"""DynamoDB through boto3 (client and resource layers) and the AWS CLI
(issue 6): tables, items, expressions built by boto3's condition builder,
batches, pagination, number precision, AWS's errors, and a fine-grained
access control policy."""
import json
import unittest
from decimal import Decimal

import botocore.exceptions
from boto3.dynamodb.conditions import Attr, Key

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki, error_code, request_id


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def ddb(creds=ACCOUNT_A):
    return seki.client("dynamodb", creds=creds)


def resource(creds=ACCOUNT_A):
    import boto3
    key, secret = creds[1], creds[2]
    return boto3.session.Session().resource(
        "dynamodb", endpoint_url=seki.endpoint, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret)


def create(name, hash_key="pk", hash_type="S", range_key=None, range_type="S"):
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    defs = [{"AttributeName": hash_key, "AttributeType": hash_type}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
        defs.append({"AttributeName": range_key, "AttributeType": range_type})
    return ddb().create_table(TableName=name, KeySchema=keys, AttributeDefinitions=defs,
                              BillingMode="PAY_PER_REQUEST")["TableDescription"]


class Tables(unittest.TestCase):
    def test_cli_lifecycle(self):
        seki.aws("dynamodb", "create-table", "--table-name", "cli-table",
                 "--attribute-definitions", "AttributeName=id,AttributeType=S",
                 "--key-schema", "AttributeName=id,KeyType=HASH",
                 "--provisioned-throughput", "ReadCapacityUnits=3,WriteCapacityUnits=4")
        seki.aws("dynamodb", "wait", "table-exists", "--table-name", "cli-table")
        t = seki.aws_json("dynamodb", "describe-table", "--table-name", "cli-table")["Table"]
        self.assertEqual(t["TableStatus"], "ACTIVE")
        self.assertEqual(t["TableArn"], "arn:aws:dynamodb:us-east-1:111111111111:table/cli-table")
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 3)
        self.assertEqual(t["KeySchema"], [{"AttributeName": "id", "KeyType": "HASH"}])
        seki.aws("dynamodb", "put-item", "--table-name", "cli-table",
                 "--item", json.dumps({"id": {"S": "a"}, "n": {"N": "1.50"}, "tags": {"SS": ["x", "y"]}}))
        got = seki.aws_json("dynamodb", "get-item", "--table-name", "cli-table",
                            "--key", json.dumps({"id": {"S": "a"}}))
        self.assertEqual(got["Item"]["n"], {"N": "1.5"})
        self.assertEqual(sorted(got["Item"]["tags"]["SS"]), ["x", "y"])
        names = seki.aws_json("dynamodb", "list-tables")["TableNames"]
        self.assertIn("cli-table", names)
        seki.aws("dynamodb", "update-table", "--table-name", "cli-table",
                 "--provisioned-throughput", "ReadCapacityUnits=5,WriteCapacityUnits=4")
        seki.aws("dynamodb", "delete-table", "--table-name", "cli-table")
        rc, _, err = seki.aws("dynamodb", "describe-table", "--table-name", "cli-table", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("ResourceNotFoundException", err)
        self.assertIn("Requested resource not found: Table: cli-table not found", err)

    def test_duplicate_and_paginated_list(self):
        for i in range(4):
            create("page-%d" % i)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create("page-0")
        self.assertEqual(error_code(cm.exception), "ResourceInUseException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Table already exists: page-0")
        names = []
        for page in ddb().get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}):
            names += page["TableNames"]
        self.assertEqual([n for n in names if n.startswith("page-")], ["page-0", "page-1", "page-2", "page-3"])


class Items(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        create("people", "pk", "S", "sk", "N")
        cls.table = resource().Table("people")

    def test_resource_layer_round_trip(self):
        item = {"pk": "p1", "sk": 1, "name": "Ada", "score": Decimal("12.50"),
                "tags": {"a", "b"}, "meta": {"l": [1, "two", None, True]}, "raw": b"\x00\x01"}
        self.table.put_item(Item=item)
        got = self.table.get_item(Key={"pk": "p1", "sk": 1}, ConsistentRead=True)["Item"]
        self.assertEqual(got["score"], Decimal("12.5"))
        self.assertEqual(got["tags"], {"a", "b"})
        self.assertEqual(got["meta"]["l"], [1, "two", None, True])
        self.assertEqual(got["raw"].value, b"\x00\x01")

    def test_condition_builder_and_updates(self):
        self.table.put_item(Item={"pk": "p2", "sk": 1, "visits": 0, "status": "new"})
        # boto3 writes the expressions, with #n/:v placeholders.
        out = self.table.update_item(
            Key={"pk": "p2", "sk": 1},
            UpdateExpression="SET visits = visits + :one, #st = :s",
            ConditionExpression=Attr("status").eq("new") & Attr("visits").lt(10),
            ExpressionAttributeNames={"#st": "status"},
            ExpressionAttributeValues={":one": 1, ":s": "seen"},
            ReturnValues="UPDATED_NEW")
        self.assertEqual(out["Attributes"], {"visits": 1, "status": "seen"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.table.put_item(Item={"pk": "p2", "sk": 1}, ConditionExpression=Attr("pk").not_exists())
        self.assertEqual(error_code(cm.exception), "ConditionalCheckFailedException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "The conditional request failed")

    def test_query_and_scan(self):
        with self.table.batch_writer() as batch:
            for i in range(40):
                batch.put_item(Item={"pk": "q", "sk": i - 20, "even": i % 2 == 0})
        got = self.table.query(KeyConditionExpression=Key("pk").eq("q") & Key("sk").between(-3, 3))["Items"]
        self.assertEqual([int(i["sk"]) for i in got], [-3, -2, -1, 0, 1, 2, 3])
        got = self.table.query(KeyConditionExpression=Key("pk").eq("q") & Key("sk").lt(-18),
                               ScanIndexForward=False)["Items"]
        self.assertEqual([int(i["sk"]) for i in got], [-19, -20])
        # Pagination through the low-level paginator.
        seen = []
        pages = ddb().get_paginator("query").paginate(
            TableName="people", KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "q"}}, PaginationConfig={"PageSize": 7})
        for page in pages:
            seen += [int(i["sk"]["N"]) for i in page["Items"]]
        self.assertEqual(seen, list(range(-20, 20)))
        res = self.table.scan(FilterExpression=Attr("even").eq(True) & Attr("pk").eq("q"))
        self.assertEqual(res["Count"], 20)
        n = self.table.query(KeyConditionExpression=Key("pk").eq("q"), Select="COUNT")
        self.assertEqual(n["Count"], 40)
        self.assertNotIn("Items", n)

    def test_batch_get(self):
        with self.table.batch_writer() as batch:
            for i in range(5):
                batch.put_item(Item={"pk": "bg", "sk": i, "v": "x" * i})
        res = resource().batch_get_item(RequestItems={"people": {"Keys": [{"pk": "bg", "sk": i} for i in range(7)]}})
        self.assertEqual(len(res["Responses"]["people"]), 5)
        self.assertEqual(res["UnprocessedKeys"], {})

    def test_errors(self):
        c = ddb()
        cases = [
            (dict(TableName="people", Item={"pk": {"S": "x"}}),
             "One or more parameter values were invalid: Missing the key sk in the item"),
            (dict(TableName="people", Item={"pk": {"S": "x"}, "sk": {"S": "1"}}),
             "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S"),
            (dict(TableName="people", Item={"pk": {"S": "x"}, "sk": {"N": "1"}, "bad": {"NS": []}}),
             "1 validation error detected: One or more parameter values were invalid: An number set  may not be empty"),
            (dict(TableName="people", Item={"pk": {"S": "x"}, "sk": {"N": "1"}}, ConditionExpression="a = = b"),
             '1 validation error detected: Invalid ConditionExpression: Syntax error; token: "=", near: "= = b"'),
        ]
        for kwargs, message in cases:
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                c.put_item(**kwargs)
            self.assertEqual(error_code(cm.exception), "ValidationException")
            self.assertEqual(cm.exception.response["Error"]["Message"], message)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_item(TableName="people", Key={"pk": {"S": "x"}})
        self.assertEqual(cm.exception.response["Error"]["Message"], "The provided key element does not match the schema")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_item(TableName="ghost", Key={"pk": {"S": "x"}})
        self.assertEqual(error_code(cm.exception), "ResourceNotFoundException")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Requested resource not found")


class Numbers(unittest.TestCase):
    def test_precision_and_normalization(self):
        create("numbers")
        c = ddb()
        cases = {"00042": "42", "1.0": "1", "-0.0": "0", "1.5E2": "150", "1e-3": "0.001",
                 "12345678901234567890123456789012345678": "12345678901234567890123456789012345678",
                 "1E+100": "1" + "0" * 100}
        for raw, want in cases.items():
            c.put_item(TableName="numbers", Item={"pk": {"S": raw}, "n": {"N": raw}})
            got = c.get_item(TableName="numbers", Key={"pk": {"S": raw}})["Item"]["n"]["N"]
            self.assertEqual(got, want, raw)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.put_item(TableName="numbers", Item={"pk": {"S": "x"}, "n": {"N": "1" * 39}})
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "1 validation error detected: Attempting to store more than 38 significant digits in a Number")


class FineGrainedAccess(unittest.TestCase):
    def test_leading_keys(self):
        create("fgac", "pk", "S", "sk", "S")
        iam = seki.client("iam")
        iam.create_user(UserName="dana")
        uid = iam.get_user(UserName="dana")["User"]["UserId"]
        iam.put_user_policy(UserName="dana", PolicyName="own-items", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": "arn:aws:dynamodb:us-east-1:111111111111:table/fgac",
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]}},
            }]}))
        key = iam.create_access_key(UserName="dana")["AccessKey"]
        dana = ddb(creds=key)
        dana.put_item(TableName="fgac", Item={"pk": {"S": uid}, "sk": {"S": "1"}})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            dana.put_item(TableName="fgac", Item={"pk": {"S": "someone-else"}, "sk": {"S": "1"}})
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(
            cm.exception.response["Error"]["Message"],
            "User: arn:aws:iam::111111111111:user/dana is not authorized to perform: dynamodb:PutItem on resource: "
            "arn:aws:dynamodb:us-east-1:111111111111:table/fgac because no identity-based policy allows the dynamodb:PutItem action")
        items = dana.query(TableName="fgac", KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": {"S": uid}})["Items"]
        self.assertEqual(len(items), 1)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            dana.query(TableName="fgac", KeyConditionExpression="pk = :p",
                       ExpressionAttributeValues={":p": {"S": "someone-else"}})
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")

    def test_denial_is_explained(self):
        create("explained", "k")
        iam = seki.client("iam")
        iam.create_user(UserName="erin")
        key = iam.create_access_key(UserName="erin")["AccessKey"]
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb(creds=key).put_item(TableName="explained", Item={"k": {"S": "x"}})
        p = seki.explain(request_id(cm.exception))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("arn:aws:iam::111111111111:user/erin asked to dynamodb:PutItem on "
                      "arn:aws:dynamodb:us-east-1:111111111111:table/explained", p.stdout)
        self.assertIn("ImplicitlyDenied", p.stdout)

    def test_other_account(self):
        create("private")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb(creds=ACCOUNT_B).get_item(TableName="arn:aws:dynamodb:us-east-1:111111111111:table/private",
                                          Key={"pk": {"S": "x"}})
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")


if __name__ == "__main__":
    unittest.main()
