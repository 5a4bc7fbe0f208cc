"""DynamoDB secondary indexes through boto3 and the AWS CLI (issue 14):
tables created with global and local indexes, queries and scans of both,
projections, sparse indexes, pagination, UpdateTable adding and deleting a
global index, AWS's errors, and IAM policies on the table and on its
indexes (denials explained), with dynamodb:Attributes, Select and
LeadingKeys on index reads."""
import json
import unittest

import botocore.exceptions
from boto3.dynamodb.conditions import Key

from seki_harness import ACCOUNT_A, Seki, error_code, request_id

TABLE_ARN = "arn:aws:dynamodb:us-east-1:111111111111:table/games"


def setUpModule():
    global seki
    seki = Seki()
    create_games()


def tearDownModule():
    seki.close()


def ddb(creds=ACCOUNT_A):
    return seki.client("dynamodb", creds=creds)


def resource(creds=ACCOUNT_A):
    import boto3
    return boto3.session.Session().resource(
        "dynamodb", endpoint_url=seki.endpoint, region_name="us-east-1",
        aws_access_key_id=creds[1], aws_secret_access_key=creds[2])


def games_request(name="games"):
    """The Developer Guide's GameScores: scores by user and game, a global
    index of top scores by game (INCLUDE wins), a local index by date."""
    return dict(
        TableName=name,
        KeySchema=[{"AttributeName": "UserId", "KeyType": "HASH"},
                   {"AttributeName": "GameTitle", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "UserId", "AttributeType": "S"},
            {"AttributeName": "GameTitle", "AttributeType": "S"},
            {"AttributeName": "TopScore", "AttributeType": "N"},
            {"AttributeName": "LastPlayed", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[{
            "IndexName": "GameTitleIndex",
            "KeySchema": [{"AttributeName": "GameTitle", "KeyType": "HASH"},
                          {"AttributeName": "TopScore", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Wins"]},
            "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
        }],
        LocalSecondaryIndexes=[{
            "IndexName": "LastPlayedIndex",
            "KeySchema": [{"AttributeName": "UserId", "KeyType": "HASH"},
                          {"AttributeName": "LastPlayed", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )


SCORES = [
    # user, game, score, last played, wins, losses
    ("101", "Galaxy Invaders", 5842, "2026-01-03", 21, 72),
    ("101", "Meteor Blasters", 1000, "2026-01-01", 12, 3),
    ("102", "Galaxy Invaders", 9000, "2026-01-02", 40, 1),
    ("103", "Galaxy Invaders", 5842, "2026-01-05", 8, 8),
    ("104", "Galaxy Invaders", 100, None, 0, 9),  # never played: not in LastPlayedIndex
    ("105", "Galaxy Invaders", None, "2026-01-04", 0, 0),  # no score: not in GameTitleIndex
]


def create_games():
    ddb().create_table(**games_request())
    for user, game, score, played, wins, losses in SCORES:
        item = {"UserId": {"S": user}, "GameTitle": {"S": game},
                "Wins": {"N": str(wins)}, "Losses": {"N": str(losses)}}
        if score is not None:
            item["TopScore"] = {"N": str(score)}
        if played:
            item["LastPlayed"] = {"S": played}
        ddb().put_item(TableName="games", Item=item)


def galaxy(**kw):
    return ddb(kw.pop("creds", ACCOUNT_A)).query(
        TableName="games", IndexName="GameTitleIndex",
        KeyConditionExpression="GameTitle = :g",
        ExpressionAttributeValues={":g": {"S": "Galaxy Invaders"}, **kw.pop("values", {})}, **kw)


def users(items):
    return [it["UserId"]["S"] for it in items]


class Describe(unittest.TestCase):
    def test_describe_shows_indexes(self):
        t = ddb().describe_table(TableName="games")["Table"]
        g, = t["GlobalSecondaryIndexes"]
        self.assertEqual(g["IndexName"], "GameTitleIndex")
        self.assertEqual(g["IndexArn"], TABLE_ARN + "/index/GameTitleIndex")
        self.assertEqual(g["IndexStatus"], "ACTIVE")
        self.assertEqual(g["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Wins"]})
        self.assertEqual(g["ProvisionedThroughput"]["ReadCapacityUnits"], 2)
        self.assertEqual(g["ProvisionedThroughput"]["WriteCapacityUnits"], 3)
        self.assertEqual(g["ItemCount"], 5)
        self.assertGreater(g["IndexSizeBytes"], 0)
        lsi, = t["LocalSecondaryIndexes"]
        self.assertEqual(lsi["IndexArn"], TABLE_ARN + "/index/LastPlayedIndex")
        self.assertEqual(lsi["ItemCount"], 5)
        self.assertNotIn("IndexStatus", lsi)
        self.assertEqual(len(t["AttributeDefinitions"]), 4)
        self.assertEqual(t["ItemCount"], 6)

    def test_cli_describe(self):
        t = seki.aws_json("dynamodb", "describe-table", "--table-name", "games")["Table"]
        self.assertEqual([g["IndexName"] for g in t["GlobalSecondaryIndexes"]], ["GameTitleIndex"])


class Query(unittest.TestCase):
    def test_global_index_order_and_projection(self):
        out = galaxy(ScanIndexForward=False)
        # By score descending; the tie at 5842 is broken by the table keys.
        self.assertEqual(users(out["Items"]), ["102", "103", "101", "104"])
        self.assertEqual(sorted(out["Items"][0]), ["GameTitle", "TopScore", "UserId", "Wins"])
        self.assertEqual(out["Count"], 4)

    def test_resource_layer_key_conditions(self):
        table = resource().Table("games")
        out = table.query(IndexName="GameTitleIndex",
                          KeyConditionExpression=Key("GameTitle").eq("Galaxy Invaders") & Key("TopScore").gt(1000))
        self.assertEqual([it["UserId"] for it in out["Items"]], ["101", "103", "102"])

    def test_local_index(self):
        kw = dict(TableName="games", IndexName="LastPlayedIndex",
                  KeyConditionExpression="UserId = :u AND LastPlayed >= :d",
                  ExpressionAttributeValues={":u": {"S": "101"}, ":d": {"S": "2026-01-01"}})
        out = ddb().query(**kw)
        self.assertEqual([it["GameTitle"]["S"] for it in out["Items"]], ["Meteor Blasters", "Galaxy Invaders"])
        self.assertEqual(sorted(out["Items"][0]), ["GameTitle", "LastPlayed", "UserId"])
        # A local index fetches what it does not project from the table.
        out = ddb().query(ProjectionExpression="Losses", ConsistentRead=True, **kw)
        self.assertEqual(out["Items"], [{"Losses": {"N": "3"}}, {"Losses": {"N": "72"}}])
        out = ddb().query(Select="ALL_ATTRIBUTES", **kw)
        self.assertIn("Wins", out["Items"][0])

    def test_sparse_scan(self):
        self.assertEqual(ddb().scan(TableName="games", IndexName="GameTitleIndex")["Count"], 5)
        self.assertEqual(ddb().scan(TableName="games", IndexName="LastPlayedIndex")["Count"], 5)
        self.assertEqual(ddb().scan(TableName="games")["Count"], 6)

    def test_pagination(self):
        pages = ddb().get_paginator("query").paginate(
            TableName="games", IndexName="GameTitleIndex", KeyConditionExpression="GameTitle = :g",
            ExpressionAttributeValues={":g": {"S": "Galaxy Invaders"}}, PaginationConfig={"PageSize": 1})
        seen, keys = [], []
        for page in pages:
            seen += users(page["Items"])
            if "LastEvaluatedKey" in page:
                keys.append(sorted(page["LastEvaluatedKey"]))
        self.assertEqual(seen, ["104", "101", "103", "102"])
        self.assertEqual(keys[0], ["GameTitle", "TopScore", "UserId"])
        scanned = []
        for page in ddb().get_paginator("scan").paginate(TableName="games", IndexName="LastPlayedIndex",
                                                          PaginationConfig={"PageSize": 2}):
            scanned += users(page["Items"])
        self.assertEqual(sorted(scanned), ["101", "101", "102", "103", "105"])

    def test_errors(self):
        cases = [
            (dict(Select="ALL_ATTRIBUTES"),
             "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
             "secondary index GameTitleIndex because its projection type is not ALL"),
            (dict(ProjectionExpression="Losses"),
             "One or more parameter values were invalid: Global secondary index GameTitleIndex does not project [Losses]"),
            (dict(ConsistentRead=True), "Consistent reads are not supported on global secondary indexes"),
        ]
        for kw, msg in cases:
            with self.subTest(kw=kw), self.assertRaises(botocore.exceptions.ClientError) as cm:
                galaxy(**kw)
            self.assertEqual(error_code(cm.exception), "ValidationException")
            self.assertEqual(cm.exception.response["Error"]["Message"], msg)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb().query(TableName="games", IndexName="Nope", KeyConditionExpression="UserId = :u",
                        ExpressionAttributeValues={":u": {"S": "101"}})
        self.assertEqual(cm.exception.response["Error"]["Message"], "The table does not have the specified index: Nope")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb().query(TableName="games", IndexName="GameTitleIndex", KeyConditionExpression="UserId = :u",
                        ExpressionAttributeValues={":u": {"S": "101"}})
        self.assertEqual(cm.exception.response["Error"]["Message"], "Query condition missed key schema element: GameTitle")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb().put_item(TableName="games", Item={"UserId": {"S": "9"}, "GameTitle": {"S": "x"}, "TopScore": {"S": "high"}})
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "One or more parameter values were invalid: Type mismatch for Index Key TopScore "
                         "Expected: N Actual: S IndexName: GameTitleIndex")


class Lifecycle(unittest.TestCase):
    def test_create_errors(self):
        req = games_request("bad")
        req["LocalSecondaryIndexes"][0]["KeySchema"][0]["AttributeName"] = "GameTitle"
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb().create_table(**req)
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key "
                         "as table KeySchema for index: LastPlayedIndex. index hash key: GameTitle, table hash key: UserId")
        req = games_request("bad")
        req["AttributeDefinitions"].append({"AttributeName": "Wins", "AttributeType": "N"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb().create_table(**req)
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
                         "AttributeDefinitions: [GameTitle, LastPlayed, TopScore, UserId, Wins], "
                         "keys used: [GameTitle, LastPlayed, TopScore, UserId]")
        req = games_request("bad")
        del req["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb().create_table(**req)
        self.assertEqual(error_code(cm.exception), "ValidationException")
        self.assertNotIn("bad", ddb().list_tables()["TableNames"])

    def test_update_table_adds_and_deletes_a_global_index(self):
        ddb().create_table(**games_request("evolving"))
        ddb().put_item(TableName="evolving", Item={"UserId": {"S": "1"}, "GameTitle": {"S": "g"}, "Wins": {"N": "3"}})
        ddb().put_item(TableName="evolving", Item={"UserId": {"S": "2"}, "GameTitle": {"S": "g"}})
        seki.aws("dynamodb", "update-table", "--table-name", "evolving",
                 "--attribute-definitions", "AttributeName=Wins,AttributeType=N",
                 "--global-secondary-index-updates", json.dumps([{"Create": {
                     "IndexName": "WinsIndex",
                     "KeySchema": [{"AttributeName": "Wins", "KeyType": "HASH"}],
                     "Projection": {"ProjectionType": "ALL"},
                     "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]))
        # Backfilled: the item written before the index is in it.
        out = ddb().query(TableName="evolving", IndexName="WinsIndex", KeyConditionExpression="Wins = :w",
                          ExpressionAttributeValues={":w": {"N": "3"}})
        self.assertEqual(users(out["Items"]), ["1"])
        self.assertEqual(out["Items"][0]["GameTitle"], {"S": "g"})
        t = ddb().describe_table(TableName="evolving")["Table"]
        self.assertEqual(sorted(g["IndexName"] for g in t["GlobalSecondaryIndexes"]), ["GameTitleIndex", "WinsIndex"])
        self.assertIn({"AttributeName": "Wins", "AttributeType": "N"}, t["AttributeDefinitions"])
        ddb().update_table(TableName="evolving", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "WinsIndex"}}])
        t = ddb().describe_table(TableName="evolving")["Table"]
        self.assertEqual([g["IndexName"] for g in t["GlobalSecondaryIndexes"]], ["GameTitleIndex"])
        self.assertNotIn({"AttributeName": "Wins", "AttributeType": "N"}, t["AttributeDefinitions"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb().query(TableName="evolving", IndexName="WinsIndex", KeyConditionExpression="Wins = :w",
                        ExpressionAttributeValues={":w": {"N": "3"}})
        self.assertEqual(error_code(cm.exception), "ValidationException")
        ddb().delete_table(TableName="evolving")


def user_with(name, statements):
    iam = seki.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    return iam.create_access_key(UserName=name)["AccessKey"], iam.get_user(UserName=name)["User"]["UserId"]


def denied(user, action, resource):
    return ("User: arn:aws:iam::111111111111:user/%s is not authorized to perform: %s on resource: %s "
            "because no identity-based policy allows the %s action" % (user, action, resource, action))


class Authorization(unittest.TestCase):
    def test_table_policy_does_not_grant_its_indexes(self):
        key, _ = user_with("table-only", [{"Effect": "Allow", "Action": ["dynamodb:Query", "dynamodb:Scan"],
                                           "Resource": TABLE_ARN}])
        ddb(key).query(TableName="games", KeyConditionExpression="UserId = :u",
                       ExpressionAttributeValues={":u": {"S": "101"}})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            galaxy(creds=key)
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         denied("table-only", "dynamodb:Query", TABLE_ARN + "/index/GameTitleIndex"))
        p = seki.explain(request_id(cm.exception))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("arn:aws:iam::111111111111:user/table-only asked to dynamodb:Query on " + TABLE_ARN + "/index/GameTitleIndex",
                      p.stdout)
        self.assertIn("ImplicitlyDenied", p.stdout)

    def test_index_policy_does_not_grant_the_table(self):
        key, _ = user_with("index-only", [{"Effect": "Allow", "Action": ["dynamodb:Query", "dynamodb:Scan"],
                                           "Resource": TABLE_ARN + "/index/*"}])
        self.assertEqual(galaxy(creds=key)["Count"], 4)
        self.assertEqual(ddb(key).scan(TableName="games", IndexName="LastPlayedIndex")["Count"], 5)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb(key).scan(TableName="games")
        self.assertEqual(cm.exception.response["Error"]["Message"], denied("index-only", "dynamodb:Scan", TABLE_ARN))
        p = seki.explain(request_id(cm.exception))
        self.assertIn("ImplicitlyDenied", p.stdout)

    def test_projected_attributes_only(self):
        # The Developer Guide's policy for querying only some projected
        # attributes of an index: dynamodb:Attributes and dynamodb:Select.
        key, _ = user_with("projected", [{
            "Effect": "Allow", "Action": "dynamodb:Query", "Resource": TABLE_ARN + "/index/GameTitleIndex",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["UserId", "GameTitle", "TopScore"]},
                          "StringEquals": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}}])
        out = galaxy(creds=key, ProjectionExpression="UserId, TopScore")
        self.assertEqual(sorted(out["Items"][0]), ["TopScore", "UserId"])
        for kw in (dict(ProjectionExpression="UserId, Wins"), dict(Select="ALL_PROJECTED_ATTRIBUTES"), {}):
            with self.subTest(kw=kw), self.assertRaises(botocore.exceptions.ClientError) as cm:
                galaxy(creds=key, **kw)
            self.assertEqual(error_code(cm.exception), "AccessDeniedException")

    def test_leading_keys_on_an_index(self):
        # On an index Query, dynamodb:LeadingKeys is the index's partition
        # key value.
        key, _ = user_with("one-game", [{
            "Effect": "Allow", "Action": "dynamodb:Query", "Resource": TABLE_ARN + "/index/*",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["Galaxy Invaders"]}}}])
        self.assertEqual(galaxy(creds=key)["Count"], 4)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ddb(key).query(TableName="games", IndexName="GameTitleIndex", KeyConditionExpression="GameTitle = :g",
                           ExpressionAttributeValues={":g": {"S": "Meteor Blasters"}})
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")


if __name__ == "__main__":
    unittest.main()
