"""my-lambda-function (account 987654321098): S3 calls it when an object is
created in source-s3-bucket-name, a bucket of account 123456789012. It reads
the object with its execution role's credentials, which works only because
both accounts agree: the role's policy allows s3:GetObject on the bucket and
the bucket's policy allows the role.
"""
import logging
import urllib.parse

import boto3

s3 = boto3.client("s3")

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        logger.info("%s on s3://%s/%s: read %d bytes as %s", record["eventName"], bucket, key,
                    len(body), context.invoked_function_arn)
    return {"records": len(event["Records"])}
