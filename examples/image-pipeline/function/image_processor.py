"""image-processor: S3 calls this function for every .jpg uploaded to the
bucket. It reads the object and records its metadata (key, size, content
type) in the DynamoDB table named by TABLE_NAME.

Every AWS call is made with the execution role's session credentials, which
Lambda puts in the environment: what this code may touch is decided by
image-processor-role's policies, not by this code.
"""
import logging
import os
import urllib.parse

import boto3
from botocore.exceptions import ClientError

TABLE_NAME = os.environ.get("TABLE_NAME", "image-metadata")

s3 = boto3.client("s3")
dynamodb = boto3.client("dynamodb")

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    stored = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        # Keys arrive URL-encoded in S3 events (a space is "+").
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        upload = record.get("responseElements", {}).get("x-amz-request-id", "")
        logger.info("processing s3://%s/%s (upload request %s)", bucket, key, upload)

        obj = s3.get_object(Bucket=bucket, Key=key)
        size = len(obj["Body"].read())
        content_type = obj.get("ContentType", "binary/octet-stream")
        logger.info("read %d bytes, %s (GetObject request id %s)", size, content_type,
                    obj["ResponseMetadata"].get("RequestId", ""))

        try:
            out = dynamodb.put_item(
                TableName=TABLE_NAME,
                Item={
                    "key": {"S": key},
                    "bucket": {"S": bucket},
                    "size": {"N": str(size)},
                    "contentType": {"S": content_type},
                },
            )
        except ClientError as e:
            # The request id names this decision in `seki explain`.
            logger.error("PutItem %s failed (request id %s): %s", key,
                         e.response["ResponseMetadata"].get("RequestId", ""), e)
            raise
        logger.info("stored metadata for %s (PutItem request id %s)", key,
                    out["ResponseMetadata"].get("RequestId", ""))
        stored.append(key)
    return {"stored": stored}
