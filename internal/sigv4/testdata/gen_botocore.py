#!/usr/bin/env python3
"""Sign requests with botocore's SigV4 signers and print them as JSON.

The Go tests replay every request byte for byte against sigv4.Verify, so
they check seki's canonicalisation against botocore's (the AWS CLI's and
boto3's). Regenerate the committed fixtures with:

    python3 testdata/gen_botocore.py > testdata/botocore_cases.json

The signing time and credentials are fixed, so the output is deterministic.
"""
import datetime
import json
import sys

import botocore
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

SIGN_TIME = datetime.datetime(2024, 5, 17, 12, 30, 45)
auth.get_current_datetime = lambda: SIGN_TIME

PERM = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
TEMP = Credentials(
    "ASIAIOSFODNN7EXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "FQoGZXIvYXdzEXAMPLEtokenWithSlashes/and+plus==",
)
# The Host header is signed, so the fixtures carry one; the tests send it
# to whatever port their server listens on.
BASE = "http://127.0.0.1:4566"

# Query parameters that exercise the canonical query string: repeated keys
# (sorted by value), empty values, reserved characters, spaces (sent as '+'
# by urlencode and signed as %20), unicode and the unreserved '~'.
AWKWARD_PARAMS = [
    ("b", "2"),
    ("a", "2"),
    ("a", "1"),
    ("empty", ""),
    ("reserved", "!*'();:@&=+$,/?#[]"),
    ("space", "a b  c"),
    ("unicode", "ü€"),
    ("tilde", "~-_."),
    ("x-id", "GetObject"),
]


def case(name, service, method, path, *, params=None, headers=None, body=b"",
         creds=PERM, presign=False, expires=900, context=None):
    req = AWSRequest(method=method, url=BASE + path, params=params or {},
                     headers=dict(headers or {}), data=body)
    if context:
        req.context.update(context)
    if presign:
        cls = auth.S3SigV4QueryAuth if service == "s3" else auth.SigV4QueryAuth
        signer = cls(creds, service, "us-east-1", expires=expires)
    else:
        cls = auth.S3SigV4Auth if service == "s3" else auth.SigV4Auth
        signer = cls(creds, service, "us-east-1")
    signer.add_auth(req)
    prepared = req.prepare()
    url = prepared.url
    request_uri = url[len(BASE):]
    hdrs = [["Host", BASE[len("http://"):]]]
    for k, v in prepared.headers.items():
        if k.lower() in ("host", "content-length"):
            continue
        hdrs.append([k, v if isinstance(v, str) else v.decode()])
    data = prepared.body or b""
    if isinstance(data, str):
        data = data.encode()
    return {
        "name": name,
        "service": service,
        "method": method,
        "request_uri": request_uri,
        "headers": hdrs,
        "body": data.decode("latin-1"),
        "temporary": creds is TEMP,
        "presigned": presign,
    }


def cases():
    out = []
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    out.append(case("iam GetUser", "iam", "POST", "/", headers=form,
                    body=b"Action=GetUser&Version=2010-05-08"))
    out.append(case("iam temporary credentials", "iam", "POST", "/", headers=form,
                    body=b"Action=ListUsers&Version=2010-05-08", creds=TEMP))
    out.append(case("sts GET params", "sts", "GET", "/",
                    params={"Action": "GetCallerIdentity", "Version": "2011-06-15"}))
    out.append(case("sts awkward query", "sts", "GET", "/", params=AWKWARD_PARAMS))
    out.append(case("sts Date header", "sts", "POST", "/", headers=dict(form, Date="x"),
                    body=b"Action=GetCallerIdentity&Version=2011-06-15"))
    out.append(case("lambda arn path", "lambda", "GET",
                    "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/configuration",
                    params={"Qualifier": "$LATEST"}))
    out.append(case("lambda dot segments and slashes", "lambda", "GET",
                    "/2015-03-31//functions/./x/../f/configuration/"))
    out.append(case("lambda awkward path", "lambda", "POST",
                    "/2015-03-31/functions/a%20b%C3%BC+c%2Fd~e/invocations",
                    body=b'{"k": "v"}'))
    out.append(case("dynamodb header whitespace", "dynamodb", "POST", "/",
                    headers={"X-Amz-Target": "DynamoDB_20120810.ListTables",
                             "Content-Type": "application/x-amz-json-1.0",
                             "X-Custom": "  several    spaces   here  "},
                    body=b"{}"))
    out.append(case("logs", "logs", "POST", "/",
                    headers={"X-Amz-Target": "Logs_20140328.DescribeLogGroups",
                             "Content-Type": "application/x-amz-json-1.1"},
                    body=b'{"limit": 5}'))
    s3_paths = [
        ("s3 plain", "/bucket/key.txt"),
        ("s3 space", "/bucket/a%20b"),
        ("s3 unicode", "/bucket/%C3%BC%E2%82%AC"),
        ("s3 plus raw", "/bucket/a+b"),
        ("s3 plus encoded", "/bucket/a%2Bb"),
        ("s3 encoded slash", "/bucket/a%2Fb"),
        ("s3 double slash", "/bucket//a//b"),
        ("s3 dot segments", "/bucket/./a/../b/."),
        ("s3 tilde encoded", "/bucket/%7E~"),
    ]
    for name, path in s3_paths:
        out.append(case(name, "s3", "GET", path))
    out.append(case("s3 put", "s3", "PUT", "/bucket/obj",
                    headers={"Content-Type": "text/plain", "x-amz-meta-a": "b"},
                    body=b"hello, world"))
    out.append(case("s3 list params", "s3", "GET", "/bucket",
                    params={"list-type": "2", "prefix": "a/b c", "delimiter": "/",
                            "encoding-type": "url"}))
    out.append(case("s3 awkward query", "s3", "GET", "/bucket/k", params=AWKWARD_PARAMS))
    out.append(case("s3 unsigned payload", "s3", "PUT", "/bucket/unsigned", body=b"data",
                    context={"client_config": Config(s3={"payload_signing_enabled": False})}))
    out.append(case("s3 temporary credentials", "s3", "GET", "/bucket/key", creds=TEMP))
    # Presigned URLs.
    out.append(case("s3 presigned get", "s3", "GET", "/bucket/a%20b%2Bc",
                    params={"versionId": "v 1"}, presign=True))
    out.append(case("s3 presigned dot segments", "s3", "GET", "/bucket/./a/../b", presign=True))
    out.append(case("s3 presigned temporary", "s3", "PUT", "/bucket/up", presign=True,
                    creds=TEMP, expires=3600))
    # As botocore presigns query-protocol calls: the form body moves into
    # the query string.
    out.append(case("sts presigned", "sts", "GET", "/", headers=form,
                    body={"Action": "GetCallerIdentity", "Version": "2011-06-15"}, presign=True))
    out.append(case("lambda presigned dot segments", "lambda", "GET",
                    "/2015-03-31/functions/./f/../g", presign=True, creds=TEMP))
    return out


if __name__ == "__main__":
    json.dump({"botocore": botocore.__version__, "cases": cases()}, sys.stdout,
              indent=1, ensure_ascii=True)
    sys.stdout.write("\n")
