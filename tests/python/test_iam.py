"""IAM through boto3 and the AWS CLI (issue 3): every operation seki serves,
its success path and its AWS error, checked against the shapes botocore
parses and the codes and messages AWS returns.

Where a message is asserted word for word it is one AWS is known to return
(AWS documentation, or AWS responses quoted in public bug reports); where
AWS's wording is not known, only the code and HTTP status are asserted.
"""
import datetime
import json
import re
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki

A = ACCOUNT_A[0]
B = ACCOUNT_B[0]

# AWS's unique-id and key formats: a four-letter prefix naming the kind of
# entity, then upper-case letters and digits.
USER_ID = re.compile(r"^AIDA[A-Z0-9]{17}$")
ROLE_ID = re.compile(r"^AROA[A-Z0-9]{17}$")
GROUP_ID = re.compile(r"^AGPA[A-Z0-9]{17}$")
POLICY_ID = re.compile(r"^ANPA[A-Z0-9]{17}$")
ACCESS_KEY_ID = re.compile(r"^AKIA[A-Z0-9]{16}$")
# The CLI (v1) prints timestamps as IAM sends them: ISO 8601 in UTC.
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}

EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}

AWS_MANAGED = {
    # name: path, as AWS publishes them.
    "AWSLambdaBasicExecutionRole": "/service-role/",
    "AWSLambdaRole": "/service-role/",
    "AWSLambdaDynamoDBExecutionRole": "/service-role/",
    "AWSLambdaSQSQueueExecutionRole": "/service-role/",
    "AWSLambda_FullAccess": "/",
    "AWSLambda_ReadOnlyAccess": "/",
    "AmazonS3ReadOnlyAccess": "/",
    "AmazonS3FullAccess": "/",
    "AmazonDynamoDBFullAccess": "/",
    "AmazonDynamoDBReadOnlyAccess": "/",
    "CloudWatchLogsFullAccess": "/",
    "IAMFullAccess": "/",
    "AdministratorAccess": "/",
}


def aws_managed_arn(name):
    return "arn:aws:iam::aws:policy%s%s" % (AWS_MANAGED[name], name)


BASIC_EXEC = aws_managed_arn("AWSLambdaBasicExecutionRole")
IAM_FULL = aws_managed_arn("IAMFullAccess")


# One boto3 session for every client: a client made from a shared session
# costs ~40 ms, one made from a new session (as Seki.client does) ~0.5 s.
_session = boto3.session.Session()


def new_client(server, service, creds=ACCOUNT_A, region="us-east-1", **config):
    """A boto3 client for server, signing with creds: an (account, key,
    secret) root tuple or a dict with AccessKeyId/SecretAccessKey[/SessionToken]."""
    if isinstance(creds, dict):
        key, secret, token = creds["AccessKeyId"], creds["SecretAccessKey"], creds.get("SessionToken")
    else:
        key, secret, token = creds[1], creds[2], None
    return _session.client(service, endpoint_url=server.endpoint, region_name=region, aws_access_key_id=key,
                           aws_secret_access_key=secret, aws_session_token=token,
                           config=Config(retries={"max_attempts": 1}, **config))


def setUpModule():
    global seki, _clients, _counter
    seki = Seki()
    _clients = {}
    _counter = 0


def tearDownModule():
    seki.close()


def client(service="iam", creds=ACCOUNT_A, region="us-east-1"):
    """A cached boto3 client: making one costs ~0.2 s, a call ~10 ms."""
    key = (service, json.dumps(creds, sort_keys=True, default=str), region, seki.endpoint)
    if key not in _clients:
        _clients[key] = new_client(seki, service, creds, region)
    return _clients[key]


def unique(prefix):
    """A name no other test in the module uses."""
    global _counter
    _counter += 1
    return "%s%d" % (prefix, _counter)


def doc(*statements, version="2012-10-17"):
    return json.dumps({"Version": version, "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


class Case(unittest.TestCase):
    maxDiff = None

    def assertError(self, code, message, fn, *args, status=None, prefix=False, **kwargs):
        """fn(*args, **kwargs) must fail with AWS error code (and message,
        unless None, or a message starting with it when prefix; and HTTP
        status, unless None). Returns the error."""
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        if message is not None and prefix:
            self.assertTrue(err["Message"].startswith(message), err["Message"])
        elif message is not None:
            self.assertEqual(err["Message"], message)
        if status is not None:
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        self.assertEqual(err.get("Type"), "Sender")
        return cm.exception

    def assertRecent(self, when):
        """A timestamp botocore parsed: timezone-aware and within a minute of now."""
        self.assertIsInstance(when, datetime.datetime)
        self.assertIsNotNone(when.tzinfo)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - when).total_seconds()), 60, when)


class Users(Case):
    def test_create_get_list_shape(self):
        iam = client()
        name = unique("Shape")
        u = iam.create_user(UserName=name, Path="/eng/team/")["User"]
        self.assertEqual(u["UserName"], name)
        self.assertEqual(u["Path"], "/eng/team/")
        self.assertEqual(u["Arn"], "arn:aws:iam::%s:user/eng/team/%s" % (A, name))
        self.assertRegex(u["UserId"], USER_ID)
        self.assertRecent(u["CreateDate"])
        self.assertNotIn("Tags", u)

        got = iam.get_user(UserName=name)["User"]
        self.assertEqual(got, u)
        listed = [x for x in iam.list_users(PathPrefix="/eng/")["Users"] if x["UserName"] == name]
        self.assertEqual(listed, [u])
        self.assertEqual([x for x in iam.list_users(PathPrefix="/ops/")["Users"] if x["UserName"] == name], [])

        # Each user gets its own id.
        other = iam.create_user(UserName=unique("Shape"))["User"]
        self.assertNotEqual(other["UserId"], u["UserId"])
        self.assertEqual(other["Path"], "/")

    def test_create_with_tags(self):
        iam = client()
        name = unique("tagged")
        u = iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "blue"}])["User"]
        self.assertEqual(u["Tags"], [{"Key": "team", "Value": "blue"}])
        self.assertEqual(iam.get_user(UserName=name)["User"]["Tags"], [{"Key": "team", "Value": "blue"}])

    def test_get_user_without_name_is_the_caller(self):
        root = client().get_user()["User"]
        self.assertEqual(root["Arn"], "arn:aws:iam::%s:root" % A)
        self.assertEqual(root["UserId"], A)
        self.assertNotIn("UserName", root)

        iam = client()
        name = unique("self")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(allow("iam:GetUser")))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        me = client(creds=key).get_user()["User"]
        self.assertEqual(me["UserName"], name)
        self.assertEqual(me["Arn"], "arn:aws:iam::%s:user/%s" % (A, name))

    def test_names_collide_regardless_of_case(self):
        iam = client()
        n = unique("")
        iam.create_user(UserName="Alice" + n)
        self.assertError("EntityAlreadyExists", "User with name alice%s already exists." % n,
                         iam.create_user, UserName="alice" + n, status=409)
        self.assertError("EntityAlreadyExists", "User with name Alice%s already exists." % n,
                         iam.create_user, UserName="Alice" + n, status=409)
        # Renaming onto another user's name collides the same way.
        iam.create_user(UserName="Bob" + n)
        self.assertError("EntityAlreadyExists", "User with name ALICE%s already exists." % n,
                         iam.update_user, UserName="Bob" + n, NewUserName="ALICE" + n)

    def test_same_name_in_another_account(self):
        name = unique("shared")
        a = client().create_user(UserName=name)["User"]
        b = client(creds=ACCOUNT_B).create_user(UserName=name)["User"]
        self.assertEqual(b["Arn"], "arn:aws:iam::%s:user/%s" % (B, name))
        self.assertNotEqual(a["UserId"], b["UserId"])
        # Each account lists only its own.
        self.assertEqual([u["Arn"] for u in client(creds=ACCOUNT_B).list_users()["Users"] if u["UserName"] == name],
                         [b["Arn"]])
        self.assertEqual([u["Arn"] for u in client().list_users()["Users"] if u["UserName"] == name], [a["Arn"]])

    def test_missing_user(self):
        iam = client()
        msg = "The user with name nobody cannot be found."
        self.assertError("NoSuchEntity", msg, iam.get_user, UserName="nobody", status=404)
        self.assertError("NoSuchEntity", msg, iam.delete_user, UserName="nobody", status=404)
        self.assertError("NoSuchEntity", msg, iam.update_user, UserName="nobody", NewPath="/x/")
        self.assertError("NoSuchEntity", msg, iam.create_access_key, UserName="nobody")
        self.assertError("NoSuchEntity", msg, iam.list_access_keys, UserName="nobody")
        self.assertError("NoSuchEntity", msg, iam.list_groups_for_user, UserName="nobody")

    def test_validation_errors(self):
        iam = client()
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
            iam.create_user, UserName="bad name!", status=400)
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value '%s' at 'userName' failed to satisfy constraint: "
            "Member must have length less than or equal to 64" % ("x" * 65),
            iam.create_user, UserName="x" * 65, status=400)
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value 'eng' at 'path' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
            iam.create_user, UserName=unique("p"), Path="eng")
        self.assertError("ValidationError", None, iam.list_users, PathPrefix="eng")

    def test_pagination(self):
        iam = client()
        prefix = "/page%s/" % unique("")
        names = sorted(unique("pg") for _ in range(3))
        for n in names:
            iam.create_user(UserName=n, Path=prefix)
        first = iam.list_users(PathPrefix=prefix, MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(len(first["Users"]), 2)
        rest = iam.list_users(PathPrefix=prefix, MaxItems=2, Marker=first["Marker"])
        self.assertFalse(rest["IsTruncated"])
        self.assertNotIn("Marker", rest)
        self.assertEqual(sorted(u["UserName"] for u in first["Users"] + rest["Users"]), names)
        # boto3's paginator drives Marker/IsTruncated the same way.
        full = iam.get_paginator("list_users").paginate(PathPrefix=prefix, PaginationConfig={"PageSize": 1})
        self.assertEqual(sorted(u["UserName"] for u in full.build_full_result()["Users"]), names)

    def test_update_user(self):
        iam = client()
        old, new = unique("old"), unique("new")
        u = iam.create_user(UserName=old)["User"]
        iam.update_user(UserName=old, NewUserName=new, NewPath="/moved/")
        self.assertError("NoSuchEntity", "The user with name %s cannot be found." % old, iam.get_user, UserName=old)
        got = iam.get_user(UserName=new)["User"]
        self.assertEqual(got["Arn"], "arn:aws:iam::%s:user/moved/%s" % (A, new))
        self.assertEqual(got["UserId"], u["UserId"])

    def test_delete_user_refuses_while_it_has_things(self):
        iam = client()
        name = unique("del")
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        self.assertError("DeleteConflict", "Cannot delete entity, must delete access keys first.",
                         iam.delete_user, UserName=name, status=409)
        iam.delete_access_key(UserName=name, AccessKeyId=key)

        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(allow("s3:*")))
        self.assertError("DeleteConflict", "Cannot delete entity, must delete policies first.",
                         iam.delete_user, UserName=name, status=409)
        iam.delete_user_policy(UserName=name, PolicyName="p")

        iam.attach_user_policy(UserName=name, PolicyArn=IAM_FULL)
        self.assertError("DeleteConflict", "Cannot delete entity, must detach all policies first.",
                         iam.delete_user, UserName=name, status=409)
        iam.detach_user_policy(UserName=name, PolicyArn=IAM_FULL)

        group = unique("delgroup")
        iam.create_group(GroupName=group)
        iam.add_user_to_group(GroupName=group, UserName=name)
        self.assertError("DeleteConflict", None, iam.delete_user, UserName=name, status=409)
        iam.remove_user_from_group(GroupName=group, UserName=name)

        iam.delete_user(UserName=name)
        self.assertError("NoSuchEntity", None, iam.get_user, UserName=name)
        # The name is free again.
        iam.create_user(UserName=name)


class AccessKeys(Case):
    def test_lifecycle(self):
        iam = client()
        name = unique("keys")
        iam.create_user(UserName=name)
        k = iam.create_access_key(UserName=name)["AccessKey"]
        self.assertEqual(k["UserName"], name)
        self.assertRegex(k["AccessKeyId"], ACCESS_KEY_ID)
        self.assertEqual(len(k["SecretAccessKey"]), 40)
        self.assertEqual(k["Status"], "Active")
        self.assertRecent(k["CreateDate"])

        k2 = iam.create_access_key(UserName=name)["AccessKey"]
        self.assertError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2",
                         iam.create_access_key, UserName=name, status=409)

        meta = iam.list_access_keys(UserName=name)
        self.assertFalse(meta["IsTruncated"])
        by_id = {m["AccessKeyId"]: m for m in meta["AccessKeyMetadata"]}
        self.assertEqual(set(by_id), {k["AccessKeyId"], k2["AccessKeyId"]})
        for m in by_id.values():
            self.assertEqual(m["UserName"], name)
            self.assertEqual(m["Status"], "Active")
            self.assertNotIn("SecretAccessKey", m)

        # The key signs requests; once inactive or deleted it does not.
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(allow("iam:GetUser")))
        self.assertEqual(client(creds=k2).get_user()["User"]["UserName"], name)
        iam.update_access_key(UserName=name, AccessKeyId=k2["AccessKeyId"], Status="Inactive")
        statuses = {m["AccessKeyId"]: m["Status"] for m in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]}
        self.assertEqual(statuses,
                         {k["AccessKeyId"]: "Active", k2["AccessKeyId"]: "Inactive"})
        self.assertError("InvalidClientTokenId", "The security token included in the request is invalid.",
                         client(creds=k2).get_user, status=403)
        iam.update_access_key(UserName=name, AccessKeyId=k2["AccessKeyId"], Status="Active")
        self.assertEqual(client(creds=k2).get_user()["User"]["UserName"], name)
        iam.delete_access_key(UserName=name, AccessKeyId=k2["AccessKeyId"])
        self.assertError("InvalidClientTokenId", "The security token included in the request is invalid.",
                         client(creds=k2).get_user)
        self.assertEqual([m["AccessKeyId"] for m in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]],
                         [k["AccessKeyId"]])

    def test_missing_key_and_bad_status(self):
        iam = client()
        name = unique("keys")
        iam.create_user(UserName=name)
        missing = "AKIAAAAAAAAAAAAAAAAA"
        # AWS: "The Access Key with id ... cannot be found" (whether it ends
        # with a period is not known, so the prefix is checked).
        msg = "The Access Key with id %s cannot be found" % missing
        self.assertError("NoSuchEntity", msg, iam.update_access_key, UserName=name, AccessKeyId=missing,
                         Status="Inactive", status=404, prefix=True)
        self.assertError("NoSuchEntity", msg, iam.delete_access_key, UserName=name, AccessKeyId=missing, prefix=True)
        self.assertError("NoSuchEntity", None, iam.get_access_key_last_used, AccessKeyId=missing)
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value 'Bogus' at 'status' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Active, Inactive, Expired]",
            iam.update_access_key, UserName=name, AccessKeyId=missing, Status="Bogus")

    def test_user_manages_own_keys_without_user_name(self):
        iam = client()
        name = unique("selfkeys")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(allow("iam:*AccessKey*")))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        mine = client(creds=key)
        k2 = mine.create_access_key()["AccessKey"]
        self.assertEqual(k2["UserName"], name)
        self.assertEqual({m["AccessKeyId"] for m in mine.list_access_keys()["AccessKeyMetadata"]},
                         {key["AccessKeyId"], k2["AccessKeyId"]})
        mine.update_access_key(AccessKeyId=k2["AccessKeyId"], Status="Inactive")
        mine.delete_access_key(AccessKeyId=k2["AccessKeyId"])
        self.assertEqual([m["AccessKeyId"] for m in mine.list_access_keys()["AccessKeyMetadata"]], [key["AccessKeyId"]])

    def test_last_used(self):
        iam = client()
        name = unique("lastused")
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        out = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        self.assertEqual(out["UserName"], name)
        # Never used: AWS reports N/A for service and region, and no date.
        self.assertEqual(out["AccessKeyLastUsed"]["ServiceName"], "N/A")
        self.assertEqual(out["AccessKeyLastUsed"]["Region"], "N/A")
        self.assertNotIn("LastUsedDate", out["AccessKeyLastUsed"])


class Groups(Case):
    def test_lifecycle_and_membership(self):
        iam = client()
        g, u1, u2 = unique("Devs"), unique("member"), unique("member")
        group = iam.create_group(GroupName=g, Path="/eng/")["Group"]
        self.assertEqual(group["GroupName"], g)
        self.assertEqual(group["Path"], "/eng/")
        self.assertEqual(group["Arn"], "arn:aws:iam::%s:group/eng/%s" % (A, g))
        self.assertRegex(group["GroupId"], GROUP_ID)
        self.assertRecent(group["CreateDate"])

        for u in (u1, u2):
            iam.create_user(UserName=u)
            iam.add_user_to_group(GroupName=g, UserName=u)
        got = iam.get_group(GroupName=g)
        self.assertEqual(got["Group"], group)
        self.assertEqual(sorted(x["UserName"] for x in got["Users"]), sorted([u1, u2]))
        self.assertFalse(got["IsTruncated"])
        self.assertEqual([x["GroupName"] for x in iam.list_groups_for_user(UserName=u1)["Groups"]], [g])
        self.assertIn(g, [x["GroupName"] for x in iam.list_groups(PathPrefix="/eng/")["Groups"]])
        self.assertNotIn(g, [x["GroupName"] for x in iam.list_groups(PathPrefix="/ops/")["Groups"]])

        # Adding a member twice is not an error.
        iam.add_user_to_group(GroupName=g, UserName=u1)
        self.assertEqual(len(iam.get_group(GroupName=g)["Users"]), 2)

        self.assertError("DeleteConflict", "Cannot delete entity, must remove users from group first.",
                         iam.delete_group, GroupName=g, status=409)
        iam.remove_user_from_group(GroupName=g, UserName=u1)
        iam.remove_user_from_group(GroupName=g, UserName=u2)
        self.assertEqual(iam.list_groups_for_user(UserName=u1)["Groups"], [])

        renamed = unique("Renamed")
        iam.update_group(GroupName=g, NewGroupName=renamed, NewPath="/ops/")
        self.assertError("NoSuchEntity", "The group with name %s cannot be found." % g, iam.get_group, GroupName=g)
        moved = iam.get_group(GroupName=renamed)["Group"]
        self.assertEqual(moved["Arn"], "arn:aws:iam::%s:group/ops/%s" % (A, renamed))
        self.assertEqual(moved["GroupId"], group["GroupId"])

        iam.delete_group(GroupName=renamed)
        self.assertError("NoSuchEntity", "The group with name %s cannot be found." % renamed,
                         iam.get_group, GroupName=renamed, status=404)

    def test_errors(self):
        iam = client()
        g, u = unique("Ops"), unique("opsuser")
        iam.create_group(GroupName=g)
        iam.create_user(UserName=u)
        self.assertError("EntityAlreadyExists", "Group with name %s already exists." % g.upper(),
                         iam.create_group, GroupName=g.upper(), status=409)
        self.assertError("NoSuchEntity", "The group with name nogroup cannot be found.",
                         iam.add_user_to_group, GroupName="nogroup", UserName=u, status=404)
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.",
                         iam.add_user_to_group, GroupName=g, UserName="nobody", status=404)
        self.assertError("NoSuchEntity", "The group with name nogroup cannot be found.",
                         iam.delete_group, GroupName="nogroup")
        self.assertError("NoSuchEntity", None, iam.remove_user_from_group, GroupName=g, UserName="nobody")
        # A user that exists but is not a member.
        self.assertError("NoSuchEntity", None, iam.remove_user_from_group, GroupName=g, UserName=u)

        iam.put_group_policy(GroupName=g, PolicyName="p", PolicyDocument=doc(allow("s3:*")))
        self.assertError("DeleteConflict", "Cannot delete entity, must delete policies first.",
                         iam.delete_group, GroupName=g)
        iam.delete_group_policy(GroupName=g, PolicyName="p")
        iam.attach_group_policy(GroupName=g, PolicyArn=IAM_FULL)
        self.assertError("DeleteConflict", "Cannot delete entity, must detach all policies first.",
                         iam.delete_group, GroupName=g)
        iam.detach_group_policy(GroupName=g, PolicyArn=IAM_FULL)
        iam.delete_group(GroupName=g)


class Roles(Case):
    def test_create_get_list_update(self):
        iam = client()
        name = unique("Deployer")
        r = iam.create_role(RoleName=name, Path="/svc/", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                            Description="deploys", MaxSessionDuration=7200,
                            Tags=[{"Key": "env", "Value": "prod"}])["Role"]
        self.assertEqual(r["RoleName"], name)
        self.assertEqual(r["Path"], "/svc/")
        self.assertEqual(r["Arn"], "arn:aws:iam::%s:role/svc/%s" % (A, name))
        self.assertRegex(r["RoleId"], ROLE_ID)
        self.assertRecent(r["CreateDate"])
        # botocore decodes the URL-encoded JSON document IAM sends.
        self.assertEqual(r["AssumeRolePolicyDocument"], LAMBDA_TRUST)
        self.assertEqual(r["Description"], "deploys")
        self.assertEqual(r["MaxSessionDuration"], 7200)
        self.assertEqual(r["Tags"], [{"Key": "env", "Value": "prod"}])

        got = iam.get_role(RoleName=name)["Role"]
        for k in ("RoleName", "Path", "Arn", "RoleId", "CreateDate", "AssumeRolePolicyDocument", "Description",
                  "MaxSessionDuration", "Tags"):
            self.assertEqual(got[k], r[k], k)
        self.assertIn("RoleLastUsed", got)
        listed = [x for x in iam.list_roles(PathPrefix="/svc/")["Roles"] if x["RoleName"] == name]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0]["Arn"], r["Arn"])

        iam.update_role(RoleName=name, Description="still deploys", MaxSessionDuration=3600)
        got = iam.get_role(RoleName=name)["Role"]
        self.assertEqual(got["Description"], "still deploys")
        self.assertEqual(got["MaxSessionDuration"], 3600)
        desc = iam.update_role_description(RoleName=name, Description="newest")["Role"]
        self.assertEqual(desc["Description"], "newest")
        self.assertEqual(desc["Arn"], r["Arn"])

    def test_defaults(self):
        r = client().create_role(RoleName=unique("plain"), AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]
        self.assertEqual(r["Path"], "/")
        # CreateRole does not echo a default MaxSessionDuration; GetRole shows it
        # (localstack test_iam.snapshot.json#test_create_describe_role, AWS-validated).
        self.assertNotIn("MaxSessionDuration", r)
        self.assertEqual(client().get_role(RoleName=r["RoleName"])["Role"]["MaxSessionDuration"], 3600)
        self.assertNotIn("Description", r)

    def test_update_assume_role_policy(self):
        iam = client()
        name = unique("trusting")
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % B}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "xyz"}}}]}
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        self.assertEqual(iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"], trust)
        self.assertError("MalformedPolicyDocument", "Has prohibited field Resource",
                         iam.update_assume_role_policy, RoleName=name,
                         PolicyDocument=doc(dict(LAMBDA_TRUST["Statement"][0], Resource="*")), status=400,
                         prefix=True)
        self.assertError("NoSuchEntity", "The role with name nope cannot be found.",
                         iam.update_assume_role_policy, RoleName="nope", PolicyDocument=json.dumps(LAMBDA_TRUST))
        # A failed update leaves the old policy in place.
        self.assertEqual(iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"], trust)

    def test_trust_policy_is_validated(self):
        iam = client()
        stmt = LAMBDA_TRUST["Statement"][0]
        self.assertError("MalformedPolicyDocument", "Has prohibited field Resource", iam.create_role,
                         RoleName=unique("bad"), AssumeRolePolicyDocument=doc(dict(stmt, Resource="*")), status=400,
                         prefix=True)
        self.assertError("MalformedPolicyDocument", "Syntax errors in policy.", iam.create_role,
                         RoleName=unique("bad"), AssumeRolePolicyDocument="{not json")
        no_principal = {k: v for k, v in stmt.items() if k != "Principal"}
        self.assertError("MalformedPolicyDocument", None, iam.create_role,
                         RoleName=unique("bad"), AssumeRolePolicyDocument=doc(no_principal))
        # The trust policy quota: 2,048 characters.
        big = dict(stmt, Condition={"StringEquals": {"sts:ExternalId": "x" * 2100}})
        self.assertError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", iam.create_role,
                         RoleName=unique("big"), AssumeRolePolicyDocument=doc(big), status=409)
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: "
            "Member must have value less than or equal to 43200",
            iam.create_role, RoleName=unique("long"), AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
            MaxSessionDuration=50000)

    def test_prohibited_field_message_has_no_period(self):
        # AWS's API answer is "Has prohibited field Resource", without a final
        # period (boto3 output quoted in public reports: "An error occurred
        # (MalformedPolicyDocument) when calling the CreateRole operation: Has
        # prohibited field Resource").
        stmt = dict(LAMBDA_TRUST["Statement"][0], Resource="*")
        self.assertError("MalformedPolicyDocument", "Has prohibited field Resource", client().create_role,
                         RoleName=unique("bad"), AssumeRolePolicyDocument=doc(stmt))

    def test_trust_policy_naming_a_missing_principal_is_refused(self):
        # AWS resolves IAM user and role ARNs in a trust policy to their unique
        # ids when it stores the policy, and refuses one that does not exist:
        # MalformedPolicyDocument 'Invalid principal in policy:
        # "AWS":"arn:aws:iam::959325414060:role/bk-1588-092-a-eks-nodes"'
        # (AWS responses quoted in opstrace/opstrace#88, databrickslabs/ucx#2269).
        iam = client()
        ghost = "arn:aws:iam::%s:role/%s" % (A, unique("ghost"))
        trust = doc({"Effect": "Allow", "Principal": {"AWS": ghost}, "Action": "sts:AssumeRole"})
        self.assertError("MalformedPolicyDocument", 'Invalid principal in policy: "AWS":"%s"' % ghost,
                         iam.create_role, RoleName=unique("trustsghost"), AssumeRolePolicyDocument=trust, status=400)

    def test_names_collide_regardless_of_case(self):
        iam = client()
        name = unique("Builder")
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        self.assertError("EntityAlreadyExists", "Role with name %s already exists." % name.lower(),
                         iam.create_role, RoleName=name.lower(), AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                         status=409)

    def test_delete_role_refuses_while_policies_are_attached(self):
        iam = client()
        name = unique("doomed")
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=doc(allow("s3:*")))
        self.assertError("DeleteConflict", "Cannot delete entity, must delete policies first.",
                         iam.delete_role, RoleName=name, status=409)
        iam.delete_role_policy(RoleName=name, PolicyName="inline")
        iam.attach_role_policy(RoleName=name, PolicyArn=BASIC_EXEC)
        self.assertError("DeleteConflict", "Cannot delete entity, must detach all policies first.",
                         iam.delete_role, RoleName=name, status=409)
        iam.detach_role_policy(RoleName=name, PolicyArn=BASIC_EXEC)
        iam.delete_role(RoleName=name)
        self.assertError("NoSuchEntity", "The role with name %s cannot be found." % name,
                         iam.get_role, RoleName=name, status=404)
        self.assertError("NoSuchEntity", "The role with name %s cannot be found." % name,
                         iam.delete_role, RoleName=name)


class ServiceSpecificCredentials(Case):
    """CodeCommit/Keyspaces credentials through boto3, with the answers AWS
    recorded (LocalStack's test_iam.snapshot.json, TestIAMServiceSpecificCredentials)."""

    def test_lifecycle(self):
        iam = client()
        user = unique("ssc")
        iam.create_user(UserName=user)
        cred = iam.create_service_specific_credential(UserName=user, ServiceName="cassandra.amazonaws.com")[
            "ServiceSpecificCredential"]
        self.assertEqual(cred["ServiceUserName"], "%s-at-%s" % (user, A))
        self.assertEqual(cred["Status"], "Active")
        cid = cred["ServiceSpecificCredentialId"]
        iam.update_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cid, Status="Inactive")
        listed = iam.list_service_specific_credentials(UserName=user, ServiceName="cassandra.amazonaws.com")
        self.assertEqual([(c["ServiceSpecificCredentialId"], c["Status"]) for c in listed["ServiceSpecificCredentials"]],
                         [(cid, "Inactive")])
        self.assertNotIn("ServicePassword", listed["ServiceSpecificCredentials"][0])
        self.assertEqual(iam.list_service_specific_credentials(UserName=user, ServiceName="codecommit.amazonaws.com")[
            "ServiceSpecificCredentials"], [])
        reset = iam.reset_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cid)[
            "ServiceSpecificCredential"]
        self.assertNotEqual(reset["ServicePassword"], cred["ServicePassword"])
        self.assertError("DeleteConflict", "Cannot delete entity, must remove referenced objects first.",
                         iam.delete_user, UserName=user, status=409)
        self.assertError("NoSuchEntity", "No such service lambda.amazonaws.com is supported for Service Specific Credentials",
                         iam.create_service_specific_credential, UserName=user, ServiceName="lambda.amazonaws.com",
                         status=404)
        self.assertError("NoSuchEntity", "No such credential satisfiesregexbutstillinvalid exists",
                         iam.delete_service_specific_credential, UserName=user,
                         ServiceSpecificCredentialId="satisfiesregexbutstillinvalid", status=404)
        iam.delete_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cid)
        iam.delete_user(UserName=user)


class ServiceLinkedRoles(Case):
    """CreateServiceLinkedRole (issue 14): names, paths, trust and errors as
    LocalStack's AWS-validated snapshots record them (test_iam.snapshot.json,
    TestIAMServiceRoles)."""

    def test_create(self):
        iam = client()
        r = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
        self.assertEqual(r["RoleName"], "AWSServiceRoleForECS")
        self.assertEqual(r["Path"], "/aws-service-role/ecs.amazonaws.com/")
        self.assertEqual(r["Arn"], "arn:aws:iam::%s:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS" % A)
        self.assertEqual(r["AssumeRolePolicyDocument"], {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"},
                                                   "Action": "sts:AssumeRole"}]})
        got = iam.get_role(RoleName="AWSServiceRoleForECS")["Role"]
        self.assertEqual(got["MaxSessionDuration"], 3600)
        self.assertEqual(got["Arn"], r["Arn"])
        self.assertEqual(iam.create_service_linked_role(AWSServiceName="eks.amazonaws.com")["Role"]["RoleName"],
                         "AWSServiceRoleForAmazonEKS")
        self.assertError("InvalidInput",
                         "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.",
                         iam.create_service_linked_role, AWSServiceName="ecs.amazonaws.com", status=400)
        self.assertError("InvalidInput", "Custom suffix is not allowed for ecs.amazonaws.com",
                         iam.create_service_linked_role, AWSServiceName="ecs.amazonaws.com", CustomSuffix="x")
        r = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="blue",
                                           Description="asg")["Role"]
        self.assertEqual(r["RoleName"], "AWSServiceRoleForAutoScaling_blue")
        self.assertEqual(r["Description"], "asg")

    def test_delete(self):
        iam = client()
        iam.create_service_linked_role(AWSServiceName="backup.amazonaws.com")
        # AWS attaches the service's own managed policy (recorded in LocalStack's
        # test_iam.snapshot.json#test_service_role_lifecycle[backup.amazonaws.com]),
        # and deleting the role takes it along.
        self.assertEqual(iam.list_attached_role_policies(RoleName="AWSServiceRoleForBackup")["AttachedPolicies"], [{
            "PolicyName": "AWSBackupServiceLinkedRolePolicyForBackup",
            "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup"}])
        task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForBackup")["DeletionTaskId"]
        self.assertRegex(task, r"^task/aws-service-role/backup\.amazonaws\.com/AWSServiceRoleForBackup/"
                               r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"], "SUCCEEDED")
        self.assertError("NoSuchEntity", "The role with name AWSServiceRoleForBackup cannot be found.",
                         iam.get_role, RoleName="AWSServiceRoleForBackup")
        # The name is free again.
        iam.create_service_linked_role(AWSServiceName="backup.amazonaws.com")
        plain = unique("plain")
        iam.create_role(RoleName=plain, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        self.assertError("InvalidInput", None, iam.delete_service_linked_role, RoleName=plain)
        self.assertError("InvalidInput", None, iam.get_service_linked_role_deletion_status, DeletionTaskId="nope")

    def test_authorization(self):
        iam = client()
        user = unique("slr")
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=doc(
            allow("iam:CreateServiceLinkedRole", "arn:aws:iam::%s:role/aws-service-role/*" % A,
                  Condition={"StringEquals": {"iam:AWSServiceName": "batch.amazonaws.com"}})))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        c = client(creds=key)
        self.assertEqual(c.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]["RoleName"],
                         "AWSServiceRoleForBatch")
        err = self.assertError("AccessDenied", None, c.create_service_linked_role, AWSServiceName="rds.amazonaws.com")
        self.assertIn("iam:CreateServiceLinkedRole on resource: arn:aws:iam::%s:role/aws-service-role/rds.amazonaws.com/"
                      "AWSServiceRoleForRDS" % A, err.response["Error"]["Message"])


class InstanceProfiles(Case):
    """Instance profiles (issue 14): one role per profile (LimitExceeded),
    DeleteConflict while a role is in one, iam:PassRole to add a role."""

    def test_lifecycle(self):
        iam = client()
        name, role = unique("web"), unique("webrole")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
        p = iam.create_instance_profile(InstanceProfileName=name, Path="/app/",
                                        Tags=[{"Key": "team", "Value": "a"}])["InstanceProfile"]
        self.assertEqual(p["InstanceProfileName"], name)
        self.assertEqual(p["Path"], "/app/")
        self.assertEqual(p["Arn"], "arn:aws:iam::%s:instance-profile/app/%s" % (A, name))
        self.assertRegex(p["InstanceProfileId"], r"^AIPA[A-Z0-9]{17}$")
        self.assertEqual(p["Roles"], [])
        self.assertRecent(p["CreateDate"])
        self.assertError("EntityAlreadyExists", "Instance Profile %s already exists." % name,
                         iam.create_instance_profile, InstanceProfileName=name, status=409)

        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=role)
        got = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
        self.assertEqual([r["RoleName"] for r in got["Roles"]], [role])
        self.assertEqual(got["Roles"][0]["AssumeRolePolicyDocument"], EC2_TRUST)
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "a"}])
        other = unique("otherrole")
        iam.create_role(RoleName=other, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
        self.assertError("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
                         iam.add_role_to_instance_profile, InstanceProfileName=name, RoleName=other, status=409)
        self.assertError("NoSuchEntity", "The role with name nosuchrole cannot be found.",
                         iam.add_role_to_instance_profile, InstanceProfileName=name, RoleName="nosuchrole")

        listed = iam.list_instance_profiles(PathPrefix="/app/")["InstanceProfiles"]
        self.assertEqual([x["InstanceProfileName"] for x in listed], [name])
        self.assertEqual([x["InstanceProfileName"] for x in
                          iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]], [name])
        self.assertEqual(iam.list_instance_profiles_for_role(RoleName=other)["InstanceProfiles"], [])

        msg = "Cannot delete entity, must remove roles from instance profile first."
        self.assertError("DeleteConflict", msg, iam.delete_instance_profile, InstanceProfileName=name, status=409)
        self.assertError("DeleteConflict", msg, iam.delete_role, RoleName=role)
        iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=role)
        self.assertError("NoSuchEntity", None, iam.remove_role_from_instance_profile,
                         InstanceProfileName=name, RoleName=role)
        iam.delete_role(RoleName=role)
        iam.delete_instance_profile(InstanceProfileName=name)
        self.assertError("NoSuchEntity", "Instance Profile %s cannot be found." % name,
                         iam.get_instance_profile, InstanceProfileName=name, status=404)

    def test_paginator(self):
        iam = client()
        names = sorted(unique("pg") for _ in range(5))
        for n in names:
            iam.create_instance_profile(InstanceProfileName=n, Path="/pages/")
        pages = list(iam.get_paginator("list_instance_profiles").paginate(
            PathPrefix="/pages/", PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["InstanceProfiles"]) for p in pages], [2, 2, 1])
        self.assertEqual([x["InstanceProfileName"] for p in pages for x in p["InstanceProfiles"]], names)

    def test_authorization(self):
        iam = client()
        user, name, role = unique("ipuser"), unique("ip"), unique("iprole")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=doc(
            allow(["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:GetInstanceProfile"],
                  "arn:aws:iam::%s:instance-profile/%s" % (A, name))))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        c = client(creds=key)
        c.create_instance_profile(InstanceProfileName=name)
        err = self.assertError("AccessDenied", None, c.create_instance_profile, InstanceProfileName=name + "x")
        self.assertIn("iam:CreateInstanceProfile on resource: arn:aws:iam::%s:instance-profile/%sx" % (A, name),
                      err.response["Error"]["Message"])
        # Adding a role also passes it.
        err = self.assertError("AccessDenied", None, c.add_role_to_instance_profile,
                               InstanceProfileName=name, RoleName=role)
        self.assertIn("iam:PassRole", err.response["Error"]["Message"])
        self.assertEqual(c.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"], [])
        iam.put_user_policy(UserName=user, PolicyName="pass", PolicyDocument=doc(
            allow("iam:PassRole", "arn:aws:iam::%s:role/%s" % (A, role))))
        c.add_role_to_instance_profile(InstanceProfileName=name, RoleName=role)
        self.assertEqual([r["RoleName"] for r in c.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]],
                         [role])


class InlinePolicies(Case):
    """Put/Get/List/Delete for users, groups and roles."""

    def entities(self):
        iam = client()
        u, g, r = unique("inl"), unique("inlg"), unique("inlr")
        iam.create_user(UserName=u)
        iam.create_group(GroupName=g)
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        return [
            ("user", {"UserName": u}, iam.put_user_policy, iam.get_user_policy, iam.list_user_policies,
             iam.delete_user_policy, u),
            ("group", {"GroupName": g}, iam.put_group_policy, iam.get_group_policy, iam.list_group_policies,
             iam.delete_group_policy, g),
            ("role", {"RoleName": r}, iam.put_role_policy, iam.get_role_policy, iam.list_role_policies,
             iam.delete_role_policy, r),
        ]

    def test_put_get_list_delete(self):
        document = {"Version": "2012-10-17", "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*"}]}
        for kind, who, put, get, lst, delete, name in self.entities():
            with self.subTest(kind=kind):
                put(PolicyName="read", PolicyDocument=json.dumps(document), **who)
                put(PolicyName="write", PolicyDocument=doc(allow("s3:PutObject")), **who)
                got = get(PolicyName="read", **who)
                self.assertEqual(got["PolicyName"], "read")
                self.assertEqual(got["PolicyDocument"], document)
                self.assertEqual(got[kind.capitalize() + "Name"], name)
                listed = lst(**who)
                self.assertEqual(listed["PolicyNames"], ["read", "write"])
                self.assertFalse(listed["IsTruncated"])
                # Put again replaces.
                put(PolicyName="read", PolicyDocument=doc(allow("s3:ListBucket")), **who)
                self.assertEqual(get(PolicyName="read", **who)["PolicyDocument"]["Statement"][0]["Action"],
                                 "s3:ListBucket")
                delete(PolicyName="read", **who)
                self.assertEqual(lst(**who)["PolicyNames"], ["write"])
                self.assertError("NoSuchEntity", "The %s policy with name read cannot be found." % kind,
                                 get, PolicyName="read", status=404, **who)
                self.assertError("NoSuchEntity", "The %s policy with name read cannot be found." % kind,
                                 delete, PolicyName="read", **who)

    def test_missing_entity(self):
        iam = client()
        p = doc(allow("s3:*"))
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.",
                         iam.put_user_policy, UserName="nobody", PolicyName="p", PolicyDocument=p)
        self.assertError("NoSuchEntity", "The group with name nogroup cannot be found.",
                         iam.put_group_policy, GroupName="nogroup", PolicyName="p", PolicyDocument=p)
        self.assertError("NoSuchEntity", "The role with name norole cannot be found.",
                         iam.put_role_policy, RoleName="norole", PolicyName="p", PolicyDocument=p)
        self.assertError("NoSuchEntity", "The role with name norole cannot be found.",
                         iam.list_role_policies, RoleName="norole")

    def test_malformed_documents(self):
        iam = client()
        user = unique("malformed")
        iam.create_user(UserName=user)
        cases = [
            ("not json", "Syntax errors in policy."),
            (doc({"Effect": "Allow", "Action": "s3:*"}), "Policy statement must contain resources."),
            (doc({"Effect": "Allow", "Resource": "*"}), "Policy statement must contain actions."),
            (doc(allow("s3")), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
            (doc(allow("s3:*", "bucket")), 'Resource bucket must be in ARN format or "*".'),
            (doc(dict(allow("s3:*"), Sid="a"), dict(allow("s3:*"), Sid="a")),
             "Statement IDs (SID) in a single policy must be unique."),
            (doc(dict(allow("s3:*"), Principal="*")), "Policy document should not specify a principal."),
        ]
        for document, message in cases:
            with self.subTest(message=message):
                self.assertError("MalformedPolicyDocument", message, iam.put_user_policy,
                                 UserName=user, PolicyName="p", PolicyDocument=document, status=400)
        self.assertEqual(iam.list_user_policies(UserName=user)["PolicyNames"], [])

    def test_create_policy_resource_partition_and_iam_path(self):
        # Issue 11: IAM's answers (quoted from real errors, e.g. eksctl-io/eksctl#4329).
        iam = client()
        path = ('IAM resource path must either be "*", root, or start with user/, federated-user/, role/, '
                'group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, '
                'oidc-provider/, report/, access-report/.')
        for resource, message in [
            ("a:bsdf", 'Partition "bsdf" is not valid for resource "arn:bsdf:*:*:*:*".'),
            ("arn:aws-cn:s3:::b", 'Partition "aws-cn" is not valid for resource "arn:aws-cn:s3:::b".'),
            ("arn:aws:iam:::x", path),
            ("arn:aws:iam:us-east-1::x", "IAM resource arn:aws:iam:us-east-1::x cannot contain region information."),
            ("arn:aws:s3:us-east-1::x", "Resource arn:aws:s3:us-east-1::x can not contain region information."),
        ]:
            with self.subTest(resource=resource):
                self.assertError("MalformedPolicyDocument", message, iam.create_policy,
                                 PolicyName=unique("p"), PolicyDocument=doc(allow("s3:*", resource)), status=400)

    def test_inline_size_quota(self):
        iam = client()
        user = unique("sizeq")
        iam.create_user(UserName=user)
        big = doc(allow("s3:GetObject", "arn:aws:s3:::b/" + "k" * 2100))
        self.assertError("LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user %s" % user,
                         iam.put_user_policy, UserName=user, PolicyName="big", PolicyDocument=big, status=409)
        # A role's inline policies may be larger (10,240).
        role = unique("sizeqr")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        iam.put_role_policy(RoleName=role, PolicyName="big", PolicyDocument=big)


class ManagedPolicies(Case):
    def test_create_get_list(self):
        iam = client()
        name = unique("Reader")
        document = {"Version": "2012-10-17", "Statement": [allow("s3:GetObject")]}
        p = iam.create_policy(PolicyName=name, Path="/team/", PolicyDocument=json.dumps(document),
                              Description="reads", Tags=[{"Key": "a", "Value": "b"}])["Policy"]
        arn = "arn:aws:iam::%s:policy/team/%s" % (A, name)
        self.assertEqual(p["Arn"], arn)
        self.assertEqual(p["PolicyName"], name)
        self.assertEqual(p["Path"], "/team/")
        self.assertRegex(p["PolicyId"], POLICY_ID)
        self.assertEqual(p["DefaultVersionId"], "v1")
        self.assertEqual(p["AttachmentCount"], 0)
        self.assertEqual(p["PermissionsBoundaryUsageCount"], 0)
        self.assertTrue(p["IsAttachable"])
        self.assertEqual(p["Description"], "reads")
        self.assertRecent(p["CreateDate"])
        self.assertRecent(p["UpdateDate"])
        self.assertEqual(p["Tags"], [{"Key": "a", "Value": "b"}])

        got = iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(got["PolicyId"], p["PolicyId"])
        self.assertEqual(got["Description"], "reads")
        v1 = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
        self.assertEqual(v1["Document"], document)
        self.assertTrue(v1["IsDefaultVersion"])
        self.assertEqual(v1["VersionId"], "v1")

        local = iam.get_paginator("list_policies").paginate(Scope="Local").build_full_result()["Policies"]
        self.assertIn(arn, [x["Arn"] for x in local])
        self.assertTrue(all(not x["Arn"].startswith("arn:aws:iam::aws:") for x in local))
        self.assertIn(arn, [x["Arn"] for x in iam.list_policies(Scope="Local", PathPrefix="/team/")["Policies"]])
        self.assertNotIn(arn, [x["Arn"] for x in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]])

    def test_errors(self):
        iam = client()
        name = unique("Dup")
        iam.create_policy(PolicyName=name, PolicyDocument=doc(allow("s3:*")))
        self.assertError("EntityAlreadyExists",
                         "A policy called %s already exists. Duplicate names are not allowed." % name.upper(),
                         iam.create_policy, PolicyName=name.upper(), PolicyDocument=doc(allow("s3:*")), status=409)
        missing = "arn:aws:iam::%s:policy/nope" % A
        self.assertError("NoSuchEntity", "Policy %s was not found." % missing, iam.get_policy, PolicyArn=missing,
                         status=404)
        self.assertError("NoSuchEntity", None, iam.delete_policy, PolicyArn=missing)
        self.assertError("NoSuchEntity", None, iam.list_policy_versions, PolicyArn=missing)
        self.assertError("MalformedPolicyDocument", "Syntax errors in policy.",
                         iam.create_policy, PolicyName=unique("bad"), PolicyDocument="{", status=400)
        # Managed policies must use the current policy language version.
        self.assertError("MalformedPolicyDocument", "Policy document must be version 2012-10-17 or greater.",
                         iam.create_policy, PolicyName=unique("old"),
                         PolicyDocument=doc(allow("s3:*"), version="2008-10-17"))
        self.assertError("LimitExceeded", "Cannot exceed quota for PolicySize: 6144",
                         iam.create_policy, PolicyName=unique("huge"),
                         PolicyDocument=doc(allow("s3:GetObject", "arn:aws:s3:::b/" + "k" * 6200)), status=409)

    def test_versions(self):
        iam = client()
        arn = iam.create_policy(PolicyName=unique("Versioned"),
                                PolicyDocument=doc(allow("s3:GetObject")))["Policy"]["Arn"]
        v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("s3:PutObject")), SetAsDefault=True)
        self.assertEqual(v2["PolicyVersion"]["VersionId"], "v2")
        self.assertTrue(v2["PolicyVersion"]["IsDefaultVersion"])
        self.assertRecent(v2["PolicyVersion"]["CreateDate"])
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v2")
        for n in (3, 4, 5):
            v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("s3:DeleteObject")))
            self.assertEqual(v["PolicyVersion"]["VersionId"], "v%d" % n)
            self.assertFalse(v["PolicyVersion"]["IsDefaultVersion"])
        self.assertError(
            "LimitExceeded",
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
            "existing version.",
            iam.create_policy_version, PolicyArn=arn, PolicyDocument=doc(allow("s3:*")), status=409)

        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertEqual(sorted(v["VersionId"] for v in versions), ["v1", "v2", "v3", "v4", "v5"])
        self.assertEqual([v["VersionId"] for v in versions if v["IsDefaultVersion"]], ["v2"])
        self.assertTrue(all("Document" not in v for v in versions))

        iam.set_default_policy_version(PolicyArn=arn, VersionId="v4")
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v4")
        self.assertTrue(iam.get_policy_version(PolicyArn=arn, VersionId="v4")["PolicyVersion"]["IsDefaultVersion"])
        self.assertFalse(iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["IsDefaultVersion"])
        self.assertEqual(iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["Document"]
                         ["Statement"][0]["Action"], "s3:PutObject")

        self.assertError("DeleteConflict", None, iam.delete_policy_version, PolicyArn=arn, VersionId="v4", status=409)
        self.assertError("DeleteConflict",
                         "This policy has more than one version. Before you delete a policy, you must delete the "
                         "policy's versions. The default version is deleted with the policy.",
                         iam.delete_policy, PolicyArn=arn, status=409)
        for bad in ("v9",):
            self.assertError("NoSuchEntity", None, iam.get_policy_version, PolicyArn=arn, VersionId=bad, status=404)
            self.assertError("NoSuchEntity", None, iam.set_default_policy_version, PolicyArn=arn, VersionId=bad)
            self.assertError("NoSuchEntity", None, iam.delete_policy_version, PolicyArn=arn, VersionId=bad)

        for v in ("v1", "v2", "v3", "v5"):
            iam.delete_policy_version(PolicyArn=arn, VersionId=v)
        self.assertEqual([v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]], ["v4"])
        # Version ids are never reused.
        self.assertEqual(iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("s3:*")))
                         ["PolicyVersion"]["VersionId"], "v6")
        iam.delete_policy_version(PolicyArn=arn, VersionId="v6")
        iam.delete_policy(PolicyArn=arn)
        self.assertError("NoSuchEntity", "Policy %s was not found." % arn, iam.get_policy, PolicyArn=arn)

    def test_policy_tags(self):
        iam = client()
        arn = iam.create_policy(PolicyName=unique("TaggedPolicy"), PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
        iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "owner", "Value": "me"}, {"Key": "cost", "Value": "1"}])
        tags = iam.list_policy_tags(PolicyArn=arn)
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags["Tags"]), [("cost", "1"), ("owner", "me")])
        self.assertFalse(tags["IsTruncated"])
        iam.untag_policy(PolicyArn=arn, TagKeys=["cost"])
        self.assertEqual(iam.list_policy_tags(PolicyArn=arn)["Tags"], [{"Key": "owner", "Value": "me"}])
        missing = "arn:aws:iam::%s:policy/nope" % A
        self.assertError("NoSuchEntity", None, iam.tag_policy, PolicyArn=missing, Tags=[{"Key": "a", "Value": "b"}])


class Attachments(Case):
    def test_attach_detach_list(self):
        iam = client()
        u, g, r = unique("att"), unique("attg"), unique("attr")
        iam.create_user(UserName=u)
        iam.create_group(GroupName=g)
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        pname = unique("Attachable")
        arn = iam.create_policy(PolicyName=pname, PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
        kinds = [
            ({"UserName": u}, iam.attach_user_policy, iam.detach_user_policy, iam.list_attached_user_policies),
            ({"GroupName": g}, iam.attach_group_policy, iam.detach_group_policy, iam.list_attached_group_policies),
            ({"RoleName": r}, iam.attach_role_policy, iam.detach_role_policy, iam.list_attached_role_policies),
        ]
        for who, attach, _, lst in kinds:
            attach(PolicyArn=arn, **who)
            attach(PolicyArn=BASIC_EXEC, **who)
            # Attaching again is not an error and does not duplicate.
            attach(PolicyArn=arn, **who)
            out = lst(**who)
            self.assertFalse(out["IsTruncated"])
            self.assertEqual(sorted((p["PolicyName"], p["PolicyArn"]) for p in out["AttachedPolicies"]),
                             sorted([(pname, arn), ("AWSLambdaBasicExecutionRole", BASIC_EXEC)]))
            self.assertEqual([p["PolicyArn"] for p in lst(PathPrefix="/service-role/", **who)["AttachedPolicies"]],
                             [BASIC_EXEC])
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 3)
        entities = iam.list_entities_for_policy(PolicyArn=arn)
        self.assertEqual([x["UserName"] for x in entities["PolicyUsers"]], [u])
        self.assertEqual([x["GroupName"] for x in entities["PolicyGroups"]], [g])
        self.assertEqual([x["RoleName"] for x in entities["PolicyRoles"]], [r])
        self.assertRegex(entities["PolicyUsers"][0]["UserId"], USER_ID)
        self.assertRegex(entities["PolicyRoles"][0]["RoleId"], ROLE_ID)
        self.assertEqual([x["RoleName"] for x in iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
                          ["PolicyRoles"]], [r])
        self.assertIn(arn, [p["Arn"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]])
        self.assertError("DeleteConflict", "Cannot delete a policy attached to entities.",
                         iam.delete_policy, PolicyArn=arn, status=409)

        for who, _, detach, lst in kinds:
            detach(PolicyArn=arn, **who)
            self.assertEqual([p["PolicyArn"] for p in lst(**who)["AttachedPolicies"]], [BASIC_EXEC])
            self.assertError("NoSuchEntity", None, detach, PolicyArn=arn, status=404, **who)
            detach(PolicyArn=BASIC_EXEC, **who)
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 0)
        iam.delete_policy(PolicyArn=arn)

    def test_errors(self):
        iam = client()
        r = unique("atterr")
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        missing = "arn:aws:iam::%s:policy/nope" % A
        self.assertError("NoSuchEntity", "Policy %s does not exist or is not attachable." % missing,
                         iam.attach_role_policy, RoleName=r, PolicyArn=missing, status=404)
        self.assertError("NoSuchEntity", "The role with name norole cannot be found.",
                         iam.attach_role_policy, RoleName="norole", PolicyArn=BASIC_EXEC)
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.",
                         iam.attach_user_policy, UserName="nobody", PolicyArn=BASIC_EXEC)
        self.assertError("NoSuchEntity", "The group with name nogroup cannot be found.",
                         iam.list_attached_group_policies, GroupName="nogroup")

    def test_managed_policies_per_role_quota(self):
        iam = client()
        r = unique("quota")
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        arns = [iam.create_policy(PolicyName=unique("q"), PolicyDocument=doc(allow("s3:GetObject")))["Policy"]["Arn"]
                for _ in range(11)]
        for arn in arns[:10]:
            iam.attach_role_policy(RoleName=r, PolicyArn=arn)
        self.assertError("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10",
                         iam.attach_role_policy, RoleName=r, PolicyArn=arns[10], status=409)
        self.assertEqual(len(iam.list_attached_role_policies(RoleName=r)["AttachedPolicies"]), 10)


class AWSManagedPolicies(Case):
    def test_catalogue(self):
        iam = client()
        listed = {p["Arn"]: p for p in
                  iam.get_paginator("list_policies").paginate(Scope="AWS").build_full_result()["Policies"]}
        for name in AWS_MANAGED:
            with self.subTest(policy=name):
                arn = aws_managed_arn(name)
                p = iam.get_policy(PolicyArn=arn)["Policy"]
                self.assertEqual(p["PolicyName"], name)
                self.assertEqual(p["Arn"], arn)
                self.assertEqual(p["Path"], AWS_MANAGED[name])
                self.assertTrue(p["IsAttachable"])
                self.assertRegex(p["PolicyId"], POLICY_ID)
                self.assertRegex(p["DefaultVersionId"], r"^v\d+$")
                self.assertIn(arn, listed)
                v = iam.get_policy_version(PolicyArn=arn, VersionId=p["DefaultVersionId"])["PolicyVersion"]
                self.assertTrue(v["IsDefaultVersion"])
                self.assertEqual(v["Document"]["Version"], "2012-10-17")
                self.assertTrue(v["Document"]["Statement"])
        self.assertTrue(all(a.startswith("arn:aws:iam::aws:policy/") for a in listed))

    def test_known_documents(self):
        iam = client()
        basic = iam.get_policy_version(PolicyArn=BASIC_EXEC, VersionId="v1")["PolicyVersion"]["Document"]
        self.assertEqual(basic, {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*"}]})
        admin = aws_managed_arn("AdministratorAccess")
        self.assertEqual(iam.get_policy(PolicyArn=admin)["Policy"]["PolicyId"], "ANPAIWMBCKSKIEE64ZLYK")
        self.assertEqual(iam.get_policy_version(PolicyArn=admin, VersionId="v1")["PolicyVersion"]["Document"],
                         {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})

    def test_attach_by_arn_and_service_role_path(self):
        iam = client()
        r = unique("lambdaexec")
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        before = iam.get_policy(PolicyArn=BASIC_EXEC)["Policy"]["AttachmentCount"]
        iam.attach_role_policy(RoleName=r, PolicyArn=BASIC_EXEC)
        self.assertEqual(iam.list_attached_role_policies(RoleName=r)["AttachedPolicies"],
                         [{"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": BASIC_EXEC}])
        self.assertEqual(iam.get_policy(PolicyArn=BASIC_EXEC)["Policy"]["AttachmentCount"], before + 1)
        self.assertIn(BASIC_EXEC, [p["Arn"] for p in iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]])
        # Without its service-role/ path the ARN names no policy.
        wrong = "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"
        self.assertError("NoSuchEntity", "Policy %s does not exist or is not attachable." % wrong,
                         iam.attach_role_policy, RoleName=r, PolicyArn=wrong, status=404)
        self.assertError("NoSuchEntity", None, iam.get_policy, PolicyArn=wrong)
        iam.detach_role_policy(RoleName=r, PolicyArn=BASIC_EXEC)
        self.assertEqual(iam.get_policy(PolicyArn=BASIC_EXEC)["Policy"]["AttachmentCount"], before)


class PermissionsBoundaries(Case):
    def test_user_and_role(self):
        iam = client()
        u, r = unique("bounded"), unique("boundedr")
        iam.create_user(UserName=u)
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        arn = iam.create_policy(PolicyName=unique("Boundary"), PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
        iam.put_user_permissions_boundary(UserName=u, PermissionsBoundary=arn)
        iam.put_role_permissions_boundary(RoleName=r, PermissionsBoundary=aws_managed_arn("AmazonS3ReadOnlyAccess"))
        expect_user = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}
        self.assertEqual(iam.get_user(UserName=u)["User"]["PermissionsBoundary"], expect_user)
        self.assertEqual(iam.get_role(RoleName=r)["Role"]["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                          "PermissionsBoundaryArn": aws_managed_arn("AmazonS3ReadOnlyAccess")})
        p = iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(p["PermissionsBoundaryUsageCount"], 1)
        self.assertEqual(p["AttachmentCount"], 0)
        # A boundary is not an attachment.
        self.assertEqual(iam.list_attached_user_policies(UserName=u)["AttachedPolicies"], [])

        iam.delete_user_permissions_boundary(UserName=u)
        iam.delete_role_permissions_boundary(RoleName=r)
        self.assertNotIn("PermissionsBoundary", iam.get_user(UserName=u)["User"])
        self.assertNotIn("PermissionsBoundary", iam.get_role(RoleName=r)["Role"])
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"], 0)

    def test_boundary_at_creation(self):
        iam = client()
        arn = aws_managed_arn("AmazonS3ReadOnlyAccess")
        u = iam.create_user(UserName=unique("bornbounded"), PermissionsBoundary=arn)["User"]
        self.assertEqual(u["PermissionsBoundary"]["PermissionsBoundaryArn"], arn)
        r = iam.create_role(RoleName=unique("bornboundedr"), AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                            PermissionsBoundary=arn)["Role"]
        self.assertEqual(r["PermissionsBoundary"]["PermissionsBoundaryArn"], arn)

    def test_errors(self):
        iam = client()
        u = unique("boundaryerr")
        iam.create_user(UserName=u)
        missing = "arn:aws:iam::%s:policy/nope" % A
        self.assertError("NoSuchEntity", None, iam.put_user_permissions_boundary, UserName=u,
                         PermissionsBoundary=missing, status=404)
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.",
                         iam.put_user_permissions_boundary, UserName="nobody", PermissionsBoundary=IAM_FULL)
        self.assertError("NoSuchEntity", "The role with name norole cannot be found.",
                         iam.put_role_permissions_boundary, RoleName="norole", PermissionsBoundary=IAM_FULL)
        self.assertError("NoSuchEntity", "The role with name norole cannot be found.",
                         iam.delete_role_permissions_boundary, RoleName="norole")


class Tags(Case):
    def test_user_and_role_tags(self):
        iam = client()
        u, r = unique("tagu"), unique("tagr")
        iam.create_user(UserName=u)
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        for who, tag, untag, lst in (({"UserName": u}, iam.tag_user, iam.untag_user, iam.list_user_tags),
                                     ({"RoleName": r}, iam.tag_role, iam.untag_role, iam.list_role_tags)):
            tag(Tags=[{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "42"}], **who)
            # Tagging an existing key replaces its value.
            tag(Tags=[{"Key": "team", "Value": "red"}], **who)
            out = lst(**who)
            self.assertFalse(out["IsTruncated"])
            self.assertEqual(sorted((t["Key"], t["Value"]) for t in out["Tags"]), [("cost", "42"), ("team", "red")])
            # Untagging a key that is not there is not an error.
            untag(TagKeys=["cost", "absent"], **who)
            self.assertEqual(lst(**who)["Tags"], [{"Key": "team", "Value": "red"}])
        self.assertEqual(iam.get_user(UserName=u)["User"]["Tags"], [{"Key": "team", "Value": "red"}])
        self.assertEqual(iam.get_role(RoleName=r)["Role"]["Tags"], [{"Key": "team", "Value": "red"}])

    def test_errors(self):
        iam = client()
        u = unique("tagerr")
        iam.create_user(UserName=u)
        self.assertError("NoSuchEntity", "The role with name norole cannot be found.",
                         iam.tag_role, RoleName="norole", Tags=[{"Key": "a", "Value": "b"}], status=404)
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.",
                         iam.list_user_tags, UserName="nobody")
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.",
                         iam.untag_user, UserName="nobody", TagKeys=["a"])
        self.assertError("ValidationError", None, iam.tag_user, UserName=u, Tags=[{"Key": "a!", "Value": "b"}],
                         status=400)
        # Tag keys are case-insensitive: two keys equal but for case clash.
        self.assertError("InvalidInput", None, iam.tag_user, UserName=u,
                         Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}], status=400)
        # At most 50 tags per user.
        iam.tag_user(UserName=u, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
        self.assertError("LimitExceeded", None, iam.tag_user, UserName=u, Tags=[{"Key": "one-more", "Value": "v"}],
                         status=409)
        self.assertEqual(len(iam.list_user_tags(UserName=u)["Tags"]), 50)


class AccountAuthorizationDetails(Case):
    def test_details(self):
        iam = client(creds=ACCOUNT_B)  # account B: a small, known world
        u, g, r = unique("detu"), unique("detg"), unique("detr")
        iam.create_user(UserName=u, Tags=[{"Key": "t", "Value": "v"}])
        iam.create_group(GroupName=g)
        iam.add_user_to_group(GroupName=g, UserName=u)
        iam.put_user_policy(UserName=u, PolicyName="up", PolicyDocument=doc(allow("s3:GetObject")))
        iam.put_group_policy(GroupName=g, PolicyName="gp", PolicyDocument=doc(allow("s3:PutObject")))
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        iam.put_role_policy(RoleName=r, PolicyName="rp", PolicyDocument=doc(allow("logs:*")))
        iam.attach_role_policy(RoleName=r, PolicyArn=BASIC_EXEC)
        parn = iam.create_policy(PolicyName=unique("DetPolicy"), PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
        iam.create_policy_version(PolicyArn=parn, PolicyDocument=doc(allow("s3:ListBucket")), SetAsDefault=True)
        iam.attach_user_policy(UserName=u, PolicyArn=parn)

        d = iam.get_paginator("get_account_authorization_details").paginate().build_full_result()
        user = next(x for x in d["UserDetailList"] if x["UserName"] == u)
        self.assertEqual(user["Arn"], "arn:aws:iam::%s:user/%s" % (B, u))
        self.assertRegex(user["UserId"], USER_ID)
        self.assertEqual(user["GroupList"], [g])
        self.assertEqual(user["UserPolicyList"], [{"PolicyName": "up", "PolicyDocument": json.loads(
            doc(allow("s3:GetObject")))}])
        self.assertEqual([p["PolicyArn"] for p in user["AttachedManagedPolicies"]], [parn])
        self.assertEqual(user["Tags"], [{"Key": "t", "Value": "v"}])

        group = next(x for x in d["GroupDetailList"] if x["GroupName"] == g)
        self.assertEqual(group["GroupPolicyList"][0]["PolicyName"], "gp")
        self.assertEqual(group["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"], "s3:PutObject")
        self.assertRegex(group["GroupId"], GROUP_ID)

        role = next(x for x in d["RoleDetailList"] if x["RoleName"] == r)
        self.assertEqual(role["AssumeRolePolicyDocument"], LAMBDA_TRUST)
        self.assertEqual(role["RolePolicyList"][0]["PolicyName"], "rp")
        self.assertEqual(role["AttachedManagedPolicies"],
                         [{"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": BASIC_EXEC}])
        self.assertIn("InstanceProfileList", role)

        pol = next(x for x in d["Policies"] if x["Arn"] == parn)
        self.assertEqual(pol["DefaultVersionId"], "v2")
        self.assertEqual(pol["AttachmentCount"], 1)
        self.assertEqual(sorted(v["VersionId"] for v in pol["PolicyVersionList"]), ["v1", "v2"])
        v2 = next(v for v in pol["PolicyVersionList"] if v["VersionId"] == "v2")
        self.assertTrue(v2["IsDefaultVersion"])
        self.assertEqual(v2["Document"]["Statement"][0]["Action"], "s3:ListBucket")

        # Filter narrows to the entity kinds asked for.
        roles_only = iam.get_account_authorization_details(Filter=["Role"])
        self.assertEqual(roles_only["UserDetailList"], [])
        self.assertEqual(roles_only["GroupDetailList"], [])
        self.assertEqual(roles_only["Policies"], [])
        self.assertIn(r, [x["RoleName"] for x in roles_only["RoleDetailList"]])
        aws = iam.get_account_authorization_details(Filter=["AWSManagedPolicy"])
        self.assertIn(BASIC_EXEC, [p["Arn"] for p in aws["Policies"]])
        self.assertNotIn(parn, [p["Arn"] for p in aws["Policies"]])

        # Account A sees none of account B's entities.
        a = client().get_account_authorization_details(Filter=["User"])
        self.assertNotIn(u, [x["UserName"] for x in a["UserDetailList"]])


class Simulation(Case):
    def test_simulate_principal_policy(self):
        iam = client()
        u, g = unique("simu"), unique("simg")
        iam.create_user(UserName=u)
        iam.create_group(GroupName=g)
        iam.add_user_to_group(GroupName=g, UserName=u)
        iam.put_user_policy(UserName=u, PolicyName="own", PolicyDocument=doc(
            dict(allow("s3:*"), Sid="AllS3"),
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}))
        iam.put_group_policy(GroupName=g, PolicyName="grp", PolicyDocument=doc(dict(allow("logs:PutLogEvents"),
                                                                                  Sid="Logs")))
        arn = "arn:aws:iam::%s:user/%s" % (A, u)
        out = iam.simulate_principal_policy(
            PolicySourceArn=arn,
            ActionNames=["s3:GetObject", "s3:DeleteObject", "logs:PutLogEvents", "iam:ListUsers"])
        self.assertFalse(out["IsTruncated"])
        results = {r["EvalActionName"]: r for r in out["EvaluationResults"]}
        self.assertEqual({k: v["EvalDecision"] for k, v in results.items()}, {
            "s3:GetObject": "allowed", "s3:DeleteObject": "explicitDeny",
            "logs:PutLogEvents": "allowed", "iam:ListUsers": "implicitDeny"})
        self.assertEqual(results["s3:GetObject"]["EvalResourceName"], "*")
        self.assertEqual([m["SourcePolicyId"] for m in results["s3:GetObject"]["MatchedStatements"]], ["own"])
        self.assertEqual([m["SourcePolicyId"] for m in results["logs:PutLogEvents"]["MatchedStatements"]], ["grp"])
        self.assertIn("own", [m["SourcePolicyId"] for m in results["s3:DeleteObject"]["MatchedStatements"]])
        self.assertEqual(results["iam:ListUsers"]["MatchedStatements"], [])

        # A resource and an extra policy passed in the request.
        out = iam.simulate_principal_policy(
            PolicySourceArn=arn, ActionNames=["iam:ListUsers"],
            PolicyInputList=[doc(allow("iam:ListUsers"))], ResourceArns=["arn:aws:iam::%s:user/" % A])
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "allowed")
        self.assertEqual(out["EvaluationResults"][0]["EvalResourceName"], "arn:aws:iam::%s:user/" % A)

    def test_simulate_principal_policy_for_a_role_with_context(self):
        iam = client()
        r = unique("simr")
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        iam.put_role_policy(RoleName=r, PolicyName="office", PolicyDocument=doc(dict(
            allow("s3:GetObject"), Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})))
        arn = "arn:aws:iam::%s:role/%s" % (A, r)

        def decide(ip):
            return iam.simulate_principal_policy(
                PolicySourceArn=arn, ActionNames=["s3:GetObject"],
                ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip],
                                 "ContextKeyType": "ip"}])["EvaluationResults"][0]["EvalDecision"]

        self.assertEqual(decide("203.0.113.7"), "allowed")
        self.assertEqual(decide("198.51.100.7"), "implicitDeny")

    def test_simulate_custom_policy(self):
        iam = client()
        policy = doc(dict(allow("s3:*"), Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
                     {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})

        def run(actions, ip=None, **kw):
            if ip:
                kw["ContextEntries"] = [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip],
                                         "ContextKeyType": "ip"}]
            out = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=actions, **kw)
            return {r["EvalActionName"]: r for r in out["EvaluationResults"]}

        res = run(["s3:GetObject", "s3:DeleteBucket", "iam:ListUsers"], ip="10.1.2.3")
        self.assertEqual({k: v["EvalDecision"] for k, v in res.items()},
                         {"s3:GetObject": "allowed", "s3:DeleteBucket": "explicitDeny",
                          "iam:ListUsers": "implicitDeny"})
        self.assertEqual(res["s3:GetObject"]["MatchedStatements"][0]["SourcePolicyId"], "PolicyInputList.1")
        self.assertEqual(run(["s3:GetObject"], ip="192.0.2.1")["s3:GetObject"]["EvalDecision"], "implicitDeny")
        # Without the key the condition cannot be met, and AWS names it.
        missing = run(["s3:GetObject"])["s3:GetObject"]
        self.assertEqual(missing["EvalDecision"], "implicitDeny")
        self.assertEqual(missing["MissingContextValues"], ["aws:SourceIp"])

        # A permissions boundary that does not allow the action.
        res = iam.simulate_custom_policy(PolicyInputList=[doc(allow("s3:*"))],
                                         PermissionsBoundaryPolicyInputList=[doc(allow("s3:GetObject"))],
                                         ActionNames=["s3:GetObject", "s3:PutObject"])["EvaluationResults"]
        self.assertEqual({r["EvalActionName"]: r["EvalDecision"] for r in res},
                         {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"})

    def test_errors(self):
        iam = client()
        self.assertError("NoSuchEntity", "The user with name nobody cannot be found.",
                         iam.simulate_principal_policy, PolicySourceArn="arn:aws:iam::%s:user/nobody" % A,
                         ActionNames=["s3:GetObject"], status=404)
        self.assertError("InvalidInput", None, iam.simulate_custom_policy, PolicyInputList=["not a policy"],
                         ActionNames=["s3:GetObject"], status=400)


class ContextKeys(Case):
    """get-context-keys-for-custom-policy and -principal-policy, beside the
    simulator (issue 14); the expected keys follow the AWS CLI reference's
    example: the Resource's variable, then the condition key."""

    EXAMPLE = doc({"Effect": "Allow", "Action": "dynamodb:*",
                   "Resource": "arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",
                   "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2015-08-16T12:00:00Z"}}})

    def test_custom(self):
        out = client().get_context_keys_for_custom_policy(PolicyInputList=[self.EXAMPLE])
        self.assertEqual(out["ContextKeyNames"], ["aws:username", "aws:CurrentTime"])
        self.assertError("ValidationError", None, client().get_context_keys_for_custom_policy, PolicyInputList=[])

    def test_principal(self):
        iam = client()
        u, g = unique("ckuser"), unique("ckgroup")
        iam.create_user(UserName=u)
        iam.create_group(GroupName=g)
        iam.add_user_to_group(GroupName=g, UserName=u)
        iam.put_user_policy(UserName=u, PolicyName="own", PolicyDocument=self.EXAMPLE)
        iam.put_group_policy(GroupName=g, PolicyName="grp", PolicyDocument=doc(allow(
            "s3:ListBucket", "arn:aws:s3:::b", Condition={"StringLike": {"s3:prefix": "home/"}})))
        arn = "arn:aws:iam::%s:user/%s" % (A, u)
        out = iam.get_context_keys_for_principal_policy(PolicySourceArn=arn)
        self.assertEqual(sorted(out["ContextKeyNames"]), ["aws:CurrentTime", "aws:username", "s3:prefix"])
        more = iam.get_context_keys_for_principal_policy(PolicySourceArn=arn, PolicyInputList=[doc(allow(
            "ec2:RunInstances", Condition={"StringEquals": {"ec2:InstanceType": "t3.micro"}}))])
        self.assertIn("ec2:InstanceType", more["ContextKeyNames"])
        self.assertError("NoSuchEntity", None, iam.get_context_keys_for_principal_policy,
                         PolicySourceArn="arn:aws:iam::%s:user/nobody-here" % A)

    def test_authorized_through_the_door(self):
        iam = client()
        u = unique("cknoperm")
        iam.create_user(UserName=u)
        key = iam.create_access_key(UserName=u)["AccessKey"]
        other = client(creds=key)
        err = self.assertError("AccessDenied", None, other.get_context_keys_for_custom_policy, PolicyInputList=[self.EXAMPLE])
        self.assertIn("iam:GetContextKeysForCustomPolicy", err.response["Error"]["Message"])


class CLI(Case):
    """The same operations through the AWS CLI, as a newcomer types them."""

    def test_users_groups_keys(self):
        name, group = unique("cliuser"), unique("cligroup")
        u = seki.aws_json("iam", "create-user", "--user-name", name, "--path", "/cli/")["User"]
        self.assertEqual(u["Arn"], "arn:aws:iam::%s:user/cli/%s" % (A, name))
        self.assertRegex(u["UserId"], USER_ID)
        self.assertRegex(u["CreateDate"], ISO_UTC)

        seki.aws("iam", "create-group", "--group-name", group)
        seki.aws("iam", "add-user-to-group", "--group-name", group, "--user-name", name)
        got = seki.aws_json("iam", "get-group", "--group-name", group)
        self.assertEqual([x["UserName"] for x in got["Users"]], [name])
        key = seki.aws_json("iam", "create-access-key", "--user-name", name)["AccessKey"]
        self.assertRegex(key["AccessKeyId"], ACCESS_KEY_ID)
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        self.assertEqual(key["Status"], "Active")

    def test_roles_and_policies(self):
        role, pol = unique("clirole"), unique("CliPolicy")
        seki.aws("iam", "create-role", "--role-name", role, "--assume-role-policy-document", json.dumps(LAMBDA_TRUST))
        seki.aws("iam", "put-role-policy", "--role-name", role, "--policy-name", "inline",
                 "--policy-document", doc(allow("s3:GetObject")))
        got = seki.aws_json("iam", "get-role-policy", "--role-name", role, "--policy-name", "inline")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], "s3:GetObject")
        arn = seki.aws_json("iam", "create-policy", "--policy-name", pol,
                            "--policy-document", doc(allow("s3:PutObject")))["Policy"]["Arn"]
        self.assertEqual(arn, "arn:aws:iam::%s:policy/%s" % (A, pol))
        seki.aws("iam", "attach-role-policy", "--role-name", role, "--policy-arn", arn)
        client().attach_role_policy(RoleName=role, PolicyArn=BASIC_EXEC)
        attached = seki.aws_json("iam", "list-attached-role-policies", "--role-name", role)["AttachedPolicies"]
        self.assertEqual(sorted(p["PolicyArn"] for p in attached), sorted([arn, BASIC_EXEC]))
        r = seki.aws_json("iam", "get-role", "--role-name", role)["Role"]
        self.assertEqual(r["AssumeRolePolicyDocument"], LAMBDA_TRUST)
        self.assertRegex(r["RoleId"], ROLE_ID)
        self.assertRegex(r["CreateDate"], ISO_UTC)

    def test_errors_are_printed_as_aws_prints_them(self):
        rc, out, err = seki.aws("iam", "get-user", "--user-name", "nobody", check=False)
        self.assertEqual(rc, 255)
        self.assertEqual(out, "")
        self.assertIn("An error occurred (NoSuchEntity) when calling the GetUser operation: "
                      "The user with name nobody cannot be found.", err)
        name = unique("clidup")
        client().create_user(UserName=name)
        rc, _, err = seki.aws("iam", "create-user", "--user-name", name.upper(), check=False)
        self.assertEqual(rc, 255)
        self.assertIn("An error occurred (EntityAlreadyExists) when calling the CreateUser operation: "
                      "User with name %s already exists." % name.upper(), err)
        rc, _, err = seki.aws("iam", "create-role", "--role-name", unique("clibad"),
                              "--assume-role-policy-document", "{nope", check=False)
        self.assertEqual(rc, 255)
        self.assertIn("(MalformedPolicyDocument) when calling the CreateRole operation: Syntax errors in policy.", err)


class Persistence(Case):
    """Everything IAM holds survives a restart of the server (its own server,
    so that the restart does not disturb the module's shared one)."""

    def test_restart(self):
        s = Seki()
        try:
            iam = new_client(s, "iam")
            iam.create_user(UserName="Keeper", Path="/p/", Tags=[{"Key": "t", "Value": "v"}])
            key = iam.create_access_key(UserName="Keeper")["AccessKey"]
            iam.put_user_policy(UserName="Keeper", PolicyName="inline", PolicyDocument=doc(allow("iam:GetUser")))
            iam.create_group(GroupName="Keepers")
            iam.add_user_to_group(GroupName="Keepers", UserName="Keeper")
            iam.put_group_policy(GroupName="Keepers", PolicyName="gp", PolicyDocument=doc(allow("iam:ListUsers")))
            iam.create_role(RoleName="kept", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST), MaxSessionDuration=7200)
            iam.attach_role_policy(RoleName="kept", PolicyArn=BASIC_EXEC)
            parn = iam.create_policy(PolicyName="KeptPolicy", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
            iam.create_policy_version(PolicyArn=parn, PolicyDocument=doc(allow("s3:GetObject")), SetAsDefault=True)
            iam.put_role_permissions_boundary(RoleName="kept", PermissionsBoundary=parn)
            iam.tag_role(RoleName="kept", Tags=[{"Key": "env", "Value": "prod"}])
            before = (iam.get_user(UserName="Keeper")["User"], iam.get_role(RoleName="kept")["Role"],
                      iam.get_policy(PolicyArn=parn)["Policy"])

            s.restart()
            iam = new_client(s, "iam")
            user, role, pol = (iam.get_user(UserName="Keeper")["User"], iam.get_role(RoleName="kept")["Role"],
                               iam.get_policy(PolicyArn=parn)["Policy"])
            self.assertEqual(user, before[0])
            self.assertEqual({k: v for k, v in role.items() if k != "RoleLastUsed"},
                             {k: v for k, v in before[1].items() if k != "RoleLastUsed"})
            self.assertEqual(pol, before[2])
            self.assertEqual(iam.get_user_policy(UserName="Keeper", PolicyName="inline")["PolicyDocument"],
                             json.loads(doc(allow("iam:GetUser"))))
            self.assertEqual([g["GroupName"] for g in iam.list_groups_for_user(UserName="Keeper")["Groups"]],
                             ["Keepers"])
            self.assertEqual(iam.list_group_policies(GroupName="Keepers")["PolicyNames"], ["gp"])
            self.assertEqual([p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="kept")
                              ["AttachedPolicies"]], [BASIC_EXEC])
            self.assertEqual(sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=parn)["Versions"]),
                             ["v1", "v2"])
            # The access key still signs, and the group's policy still grants.
            me = new_client(s, "iam", key)
            self.assertEqual(me.get_user()["User"]["UserName"], "Keeper")
            self.assertIn("Keeper", [u["UserName"] for u in me.list_users()["Users"]])
            # Names still collide after a restart.
            self.assertError("EntityAlreadyExists", "User with name keeper already exists.",
                             iam.create_user, UserName="keeper")
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
