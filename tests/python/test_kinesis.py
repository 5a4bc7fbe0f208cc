"""Kinesis Data Streams and DynamoDB's Kinesis streaming destinations
through boto3 and the AWS CLI: a stream, records put and read back, a
table's item changes delivered to the stream in DynamoDB's record format,
and AWS's errors of the destination operations."""
import json
import unittest

import botocore.exceptions

from seki_harness import ACCOUNT_A, Seki, error_code


def setUpModule():
    global seki
    seki = Seki()


def tearDownModule():
    seki.close()


def read_all(kinesis, stream, shard="shardId-000000000000"):
    it = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard,
                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    out = []
    while True:
        page = kinesis.get_records(ShardIterator=it, Limit=2)
        if not page["Records"]:
            return out
        out += page["Records"]
        it = page["NextShardIterator"]


class Streams(unittest.TestCase):
    def test_records_round_trip(self):
        k = seki.client("kinesis")
        k.create_stream(StreamName="py-orders", ShardCount=1)
        k.get_waiter("stream_exists").wait(StreamName="py-orders")
        # AWS CLI v1 sends --data as given (v2 would read it as base64).
        seki.aws("kinesis", "put-record", "--stream-name", "py-orders", "--partition-key", "a",
                 "--data", "hello")
        k.put_records(StreamName="py-orders", Records=[
            {"PartitionKey": "b", "Data": b"second"}, {"PartitionKey": "c", "Data": b"third"}])
        recs = read_all(k, "py-orders")
        self.assertEqual([r["Data"] for r in recs], [b"hello", b"second", b"third"])
        self.assertEqual([r["PartitionKey"] for r in recs], ["a", "b", "c"])
        names = k.list_streams()["StreamNames"]
        self.assertIn("py-orders", names)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            k.describe_stream(StreamName="py-missing")
        self.assertEqual(error_code(cm.exception), "ResourceNotFoundException")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Stream py-missing under account %s not found." % ACCOUNT_A[0])


class Destinations(unittest.TestCase):
    def test_item_changes_reach_the_stream(self):
        k, d = seki.client("kinesis"), seki.client("dynamodb")
        k.create_stream(StreamName="py-changes", ShardCount=1)
        arn = k.describe_stream_summary(StreamName="py-changes")["StreamDescriptionSummary"]["StreamARN"]
        d.create_table(TableName="py-music", BillingMode="PAY_PER_REQUEST",
                       KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            d.enable_kinesis_streaming_destination(TableName="py-missing", StreamArn=arn)
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Requested resource not found: Table: py-missing not found")
        out = d.enable_kinesis_streaming_destination(TableName="py-music", StreamArn=arn)
        self.assertEqual(out["DestinationStatus"], "ENABLING")
        desc = d.describe_kinesis_streaming_destination(TableName="py-music")
        self.assertEqual(desc["KinesisDataStreamDestinations"],
                         [{"StreamArn": arn, "DestinationStatus": "ACTIVE"}])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            d.update_kinesis_streaming_destination(
                TableName="py-music", StreamArn=arn,
                UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "SECOND"})
        self.assertEqual(error_code(cm.exception), "ValidationException")

        d.put_item(TableName="py-music", Item={"id": {"S": "song"}, "plays": {"N": "1"}})
        d.update_item(TableName="py-music", Key={"id": {"S": "song"}}, UpdateExpression="SET plays = :n",
                      ExpressionAttributeValues={":n": {"N": "2"}})
        d.disable_kinesis_streaming_destination(TableName="py-music", StreamArn=arn)
        d.delete_item(TableName="py-music", Key={"id": {"S": "song"}})  # after disabling: not delivered

        recs = [json.loads(r["Data"]) for r in read_all(k, "py-changes")]
        self.assertEqual([r["eventName"] for r in recs], ["INSERT", "MODIFY"])
        self.assertEqual(recs[1]["tableName"], "py-music")
        self.assertEqual(recs[1]["dynamodb"]["OldImage"]["plays"], {"N": "1"})
        self.assertEqual(recs[1]["dynamodb"]["NewImage"]["plays"], {"N": "2"})
        self.assertEqual(recs[1]["eventSource"], "aws:dynamodb")


if __name__ == "__main__":
    unittest.main()
