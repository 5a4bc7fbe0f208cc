"""STS through boto3 and the AWS CLI (issue 3): GetCallerIdentity,
AssumeRole (trust policy, ExternalId, DurationSeconds, session policies,
session tags, SourceIdentity), GetSessionToken, and temporary credentials
that are wrong or expired.
"""
import datetime
import json
import os
import re
import sqlite3
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki

A = ACCOUNT_A[0]
B = ACCOUNT_B[0]

TEMP_KEY_ID = re.compile(r"^ASIA[A-Z0-9]{16}$")
ROLE_ID = re.compile(r"^AROA[A-Z0-9]{17}$")
USER_ID = re.compile(r"^AIDA[A-Z0-9]{17}$")


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


def client(service, creds=ACCOUNT_A, region="us-east-1"):
    key = (service, json.dumps(creds, sort_keys=True, default=str), region, seki.endpoint)
    if key not in _clients:
        _clients[key] = new_client(seki, service, creds, region)
    return _clients[key]


def unvalidated(service, creds):
    """A client that sends what botocore's own parameter validation would
    refuse, so that the server's answer can be checked."""
    return new_client(seki, service, creds, parameter_validation=False)


def unique(prefix):
    global _counter
    _counter += 1
    return "%s%d" % (prefix, _counter)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def make_user(statements=(), account=ACCOUNT_A, name=None, tags=None):
    """A user with an inline policy of the given statements; returns (name, arn, key)."""
    iam = client("iam", account)
    name = name or unique("user")
    kw = {"Tags": tags} if tags else {}
    iam.create_user(UserName=name, **kw)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, "arn:aws:iam::%s:user/%s" % (account[0], name), key


def make_role(trust_statements, policy_statements=(), account=ACCOUNT_A, name=None, **kw):
    iam = client("iam", account)
    name = name or unique("role")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(*trust_statements), **kw)["Role"]
    if policy_statements:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=doc(*policy_statements))
    return role


def trust(principal, actions=("sts:AssumeRole",), **extra):
    return dict({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": list(actions)}, **extra)


class Case(unittest.TestCase):
    maxDiff = None

    def assertError(self, code, message, fn, *args, status=None, prefix=False, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        if message is not None:
            if prefix:
                self.assertTrue(err["Message"].startswith(message), err["Message"])
            else:
                self.assertEqual(err["Message"], message)
        if status is not None:
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return cm.exception

    def assertLifetime(self, expiration, seconds):
        """Credentials expire `seconds` from now (give or take a minute)."""
        self.assertIsInstance(expiration, datetime.datetime)
        self.assertIsNotNone(expiration.tzinfo)
        left = (expiration - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertLess(abs(left - seconds), 60, "expires in %ds, want %ds" % (left, seconds))

    def assertTemporaryCredentials(self, creds):
        self.assertRegex(creds["AccessKeyId"], TEMP_KEY_ID)
        self.assertEqual(len(creds["SecretAccessKey"]), 40)
        self.assertTrue(creds["SessionToken"])


class GetCallerIdentity(Case):
    def test_root(self):
        self.assertEqual(
            {k: v for k, v in client("sts").get_caller_identity().items() if k != "ResponseMetadata"},
            {"UserId": A, "Account": A, "Arn": "arn:aws:iam::%s:root" % A})
        self.assertEqual(client("sts", ACCOUNT_B).get_caller_identity()["Arn"], "arn:aws:iam::%s:root" % B)

    def test_user(self):
        name, arn, key = make_user()
        ident = client("sts", key).get_caller_identity()
        self.assertEqual(ident["Arn"], arn)
        self.assertEqual(ident["Account"], A)
        self.assertEqual(ident["UserId"], client("iam").get_user(UserName=name)["User"]["UserId"])
        self.assertRegex(ident["UserId"], USER_ID)

    def test_needs_no_permission_even_when_denied(self):
        # "No permissions are required to perform this operation. If an
        # administrator attaches a policy to your identity that explicitly
        # denies access to the sts:GetCallerIdentity action, you can still
        # perform this operation." (STS API reference)
        _, arn, key = make_user([{"Effect": "Deny", "Action": "*", "Resource": "*"}])
        self.assertEqual(client("sts", key).get_caller_identity()["Arn"], arn)

    def test_assumed_role_and_cli(self):
        _, _, key = make_user([allow("sts:AssumeRole")])
        role = make_role([trust("arn:aws:iam::%s:root" % A)])
        creds = client("sts", key).assume_role(RoleArn=role["Arn"], RoleSessionName="who")["Credentials"]
        ident = client("sts", creds).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:sts::%s:assumed-role/%s/who" % (A, role["RoleName"]))
        self.assertEqual(ident["UserId"], role["RoleId"] + ":who")
        self.assertEqual(ident["Account"], A)
        self.assertEqual(seki.aws_json("sts", "get-caller-identity", creds=creds)["Arn"], ident["Arn"])


class AssumeRole(Case):
    @classmethod
    def setUpClass(cls):
        cls.user, cls.user_arn, cls.key = make_user([allow(["sts:AssumeRole", "sts:TagSession",
                                                            "sts:SetSourceIdentity"])])
        cls.sts = client("sts", cls.key)

    def test_response_shape(self):
        role = make_role([trust(self.user_arn)], [allow("iam:GetUser")])
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="shape-1@x.y")
        creds = out["Credentials"]
        self.assertTemporaryCredentials(creds)
        self.assertLifetime(creds["Expiration"], 3600)
        self.assertEqual(out["AssumedRoleUser"], {
            "AssumedRoleId": role["RoleId"] + ":shape-1@x.y",
            "Arn": "arn:aws:sts::%s:assumed-role/%s/shape-1@x.y" % (A, role["RoleName"])})
        # Only reported when session policies or tags were passed.
        self.assertNotIn("PackedPolicySize", out)
        self.assertNotIn("SourceIdentity", out)
        # The credentials work, as the role.
        self.assertEqual(client("iam", creds).get_user(UserName=self.user)["User"]["Arn"], self.user_arn)

    def test_path_of_role_is_not_in_session_arn(self):
        role = make_role([trust(self.user_arn)], Path="/deep/path/")
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="pathy")
        self.assertEqual(out["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/%s/pathy" % (A, role["RoleName"]))

    def test_root_may_not_assume_roles(self):
        role = make_role([trust("arn:aws:iam::%s:root" % A)])
        self.assertError("AccessDenied", "Roles may not be assumed by root accounts.",
                         client("sts").assume_role, RoleArn=role["Arn"], RoleSessionName="root", status=403)

    def test_missing_role_is_access_denied(self):
        arn = "arn:aws:iam::%s:role/%s" % (A, unique("nosuchrole"))
        # STS does not tell a missing role from one that refuses the caller.
        self.assertError("AccessDenied",
                         "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (self.user_arn, arn),
                         self.sts.assume_role, RoleArn=arn, RoleSessionName="ghost", status=403, prefix=True)

    def test_external_id(self):
        role = make_role([trust(self.user_arn, Condition={"StringEquals": {"sts:ExternalId": "s3cr3t-id"}})])
        denied = "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (self.user_arn, role["Arn"])
        self.assertError("AccessDenied", denied, self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="noext",
                         prefix=True)
        self.assertError("AccessDenied", denied, self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="wrong",
                         ExternalId="not-it", prefix=True)
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="right", ExternalId="s3cr3t-id")
        self.assertTemporaryCredentials(out["Credentials"])

    def test_duration_seconds(self):
        role = make_role([trust(self.user_arn)], MaxSessionDuration=7200)
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="long", DurationSeconds=7200)
        self.assertLifetime(out["Credentials"]["Expiration"], 7200)
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="short", DurationSeconds=900)
        self.assertLifetime(out["Credentials"]["Expiration"], 900)
        self.assertError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for "
                         "this role.", self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="toolong",
                         DurationSeconds=7201, status=400)
        raw = unvalidated("sts", self.key)
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
            "Member must have value greater than or equal to 900",
            raw.assume_role, RoleArn=role["Arn"], RoleSessionName="tooshort", DurationSeconds=899, status=400)
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: "
            "Member must have value less than or equal to 43200",
            raw.assume_role, RoleArn=role["Arn"], RoleSessionName="waytoolong", DurationSeconds=43201)

    def test_role_chaining_is_limited_to_one_hour(self):
        role = make_role([trust(self.user_arn)], [allow("sts:AssumeRole")], MaxSessionDuration=7200)
        target = make_role([trust(role["Arn"])], MaxSessionDuration=7200)
        creds = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="first")["Credentials"]
        chained = client("sts", creds)
        self.assertError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for "
                         "roles assumed by role chaining.", chained.assume_role, RoleArn=target["Arn"],
                         RoleSessionName="second", DurationSeconds=3601)
        out = chained.assume_role(RoleArn=target["Arn"], RoleSessionName="second")
        self.assertLifetime(out["Credentials"]["Expiration"], 3600)
        self.assertEqual(client("sts", out["Credentials"]).get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:assumed-role/%s/second" % (A, target["RoleName"]))

    def test_input_validation(self):
        role = make_role([trust(self.user_arn)])
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
            self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="a b", status=400)
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value 'bad id' at 'sourceIdentity' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
            self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="ok-name", SourceIdentity="bad id")
        self.assertError(
            "ValidationError",
            "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: "
            "Member must have length less than or equal to 64" % ("s" * 65),
            self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="s" * 65)

    def test_session_policy_intersects_with_the_role(self):
        role = make_role([trust(self.user_arn)], [allow(["iam:ListUsers", "iam:ListRoles", "iam:GetUser"])])
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="narrow",
                                   Policy=doc(allow(["iam:ListUsers", "iam:ListGroups"])))
        self.assertIsInstance(out["PackedPolicySize"], int)
        self.assertTrue(0 <= out["PackedPolicySize"] <= 100, out["PackedPolicySize"])
        iam = client("iam", out["Credentials"])
        session = out["AssumedRoleUser"]["Arn"]
        iam.list_users()  # both allow
        # The role allows it, the session policy does not.
        self.assertError("AccessDenied",
                         "User: %s is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::%s:role/ "
                         "because no session policy allows the iam:ListRoles action" % (session, A),
                         iam.list_roles, status=403)
        # The session policy allows it, the role does not: a session policy never grants.
        self.assertError("AccessDenied",
                         "User: %s is not authorized to perform: iam:ListGroups on resource: arn:aws:iam::%s:group/ "
                         "because no identity-based policy allows the iam:ListGroups action" % (session, A),
                         iam.list_groups)

    def test_session_policy_arns(self):
        iam = client("iam")
        parn = iam.create_policy(PolicyName=unique("SessionScope"),
                                 PolicyDocument=doc(allow("iam:ListUsers")))["Policy"]["Arn"]
        role = make_role([trust(self.user_arn)], [allow(["iam:ListUsers", "iam:ListRoles"])])
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="arns", PolicyArns=[{"arn": parn}])
        self.assertIn("PackedPolicySize", out)
        sess = client("iam", out["Credentials"])
        sess.list_users()
        self.assertError("AccessDenied", None, sess.list_roles)
        # An AWS managed policy works as a session policy too.
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="awsarn",
                                   PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}])
        self.assertError("AccessDenied", None, client("iam", out["Credentials"]).list_users)

    def test_session_policy_explicit_deny(self):
        role = make_role([trust(self.user_arn)], [allow("iam:*")])
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="denyish", Policy=doc(
            allow("iam:*"), {"Effect": "Deny", "Action": "iam:ListRoles", "Resource": "*"}))
        iam = client("iam", out["Credentials"])
        iam.list_users()
        self.assertError("AccessDenied",
                         "User: %s is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::%s:role/ "
                         "with an explicit deny in a session policy" % (out["AssumedRoleUser"]["Arn"], A),
                         iam.list_roles)

    def test_malformed_session_policy(self):
        role = make_role([trust(self.user_arn)])
        self.assertError("MalformedPolicyDocument", "Syntax errors in policy.", self.sts.assume_role,
                         RoleArn=role["Arn"], RoleSessionName="bad", Policy="{not json", status=400)

    def test_session_policy_longer_than_2048_characters(self):
        # The AssumeRole API reference bounds Policy at 2,048 characters ("The
        # plaintext that you use for both inline and managed session policies
        # can't exceed 2,048 characters"), as the model's
        # sessionPolicyDocumentType does; seki answers a longer one with the
        # model's ValidationError, printing the whole value as AWS's
        # validation does. (Recent models give AssumeRole's Policy an
        # unbounded unrestrictedSessionPolicyDocumentType; what AWS answers
        # since is unconfirmed.) This document has no whitespace, so it is
        # over the limit however whitespace is counted.
        role = make_role([trust(self.user_arn)])
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            allow("iam:GetUser", "arn:aws:iam::%s:user/%s" % (A, "x" * 2100))]}, separators=(",", ":"))
        self.assertGreater(len(policy), 2048)
        err = self.assertError("ValidationError", None, self.sts.assume_role, RoleArn=role["Arn"],
                               RoleSessionName="big", Policy=policy, status=400)
        self.assertEqual("1 validation error detected: Value '%s' at 'policy' failed to satisfy constraint: "
                         "Member must have length less than or equal to 2048" % policy,
                         err.response["Error"]["Message"])

    def test_session_tags_become_principal_tags(self):
        role = make_role([trust(self.user_arn, actions=("sts:AssumeRole", "sts:TagSession"))], [
            allow("iam:ListRoles", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}),
            allow("iam:ListUsers")])
        blue = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="blue",
                                    Tags=[{"Key": "team", "Value": "blue"}])
        self.assertIn("PackedPolicySize", blue)
        client("iam", blue["Credentials"]).list_roles()
        red = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="red", Tags=[{"Key": "team", "Value": "red"}])
        self.assertError("AccessDenied",
                         "User: %s is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::%s:role/ "
                         "because no identity-based policy allows the iam:ListRoles action"
                         % (red["AssumedRoleUser"]["Arn"], A),
                         client("iam", red["Credentials"]).list_roles)
        client("iam", red["Credentials"]).list_users()

    def test_session_tags_need_tag_session_in_the_trust_policy(self):
        role = make_role([trust(self.user_arn)])
        self.assertError("AccessDenied",
                         "User: %s is not authorized to perform: sts:TagSession on resource: %s"
                         % (self.user_arn, role["Arn"]),
                         self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="tagged",
                         Tags=[{"Key": "team", "Value": "blue"}], status=403, prefix=True)

    def test_source_identity(self):
        role = make_role([trust(self.user_arn, actions=("sts:AssumeRole", "sts:SetSourceIdentity"))],
                         [allow("sts:AssumeRole")])
        out = self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="src", SourceIdentity="alice@example.com")
        self.assertEqual(out["SourceIdentity"], "alice@example.com")
        # It cannot be changed along a role chain.
        self.assertError("AccessDenied", None, client("sts", out["Credentials"]).assume_role,
                         RoleArn=role["Arn"], RoleSessionName="src2", SourceIdentity="mallory")

        plain = make_role([trust(self.user_arn)])
        self.assertError("AccessDenied",
                         "User: %s is not authorized to perform: sts:SetSourceIdentity on resource: %s"
                         % (self.user_arn, plain["Arn"]),
                         self.sts.assume_role, RoleArn=plain["Arn"], RoleSessionName="src3",
                         SourceIdentity="alice", prefix=True)

    def test_source_identity_condition_in_trust_policy(self):
        role = make_role([trust(self.user_arn, actions=("sts:AssumeRole", "sts:SetSourceIdentity"),
                                Condition={"StringLike": {"sts:SourceIdentity": "*@example.com"}})])
        self.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ok", SourceIdentity="bob@example.com")
        self.assertError("AccessDenied", None, self.sts.assume_role, RoleArn=role["Arn"], RoleSessionName="no",
                         SourceIdentity="bob@elsewhere.org")

    def test_cross_account(self):
        role = make_role([trust(B)], [allow("iam:ListRoles")])
        _, b_arn, b_key = make_user([allow("sts:AssumeRole", role["Arn"])], account=ACCOUNT_B)
        out = client("sts", b_key).assume_role(RoleArn=role["Arn"], RoleSessionName="visitor")
        ident = client("sts", out["Credentials"]).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:sts::%s:assumed-role/%s/visitor" % (A, role["RoleName"]))
        self.assertEqual(ident["Account"], A)
        # The session acts in account A with the role's permissions.
        roles = client("iam", out["Credentials"]).list_roles()["Roles"]
        self.assertIn(role["RoleName"], [r["RoleName"] for r in roles])

    def test_cli(self):
        role = make_role([trust(self.user_arn)])
        out = seki.aws_json("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "cli",
                            "--duration-seconds", "900", creds=self.key)
        self.assertRegex(out["Credentials"]["AccessKeyId"], TEMP_KEY_ID)
        self.assertRegex(out["Credentials"]["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")
        self.assertEqual(out["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/%s/cli" % (A, role["RoleName"]))
        rc, _, err = seki.aws("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "rootsession",
                              creds=ACCOUNT_A, check=False)
        self.assertEqual(rc, 255)
        self.assertIn("An error occurred (AccessDenied) when calling the AssumeRole operation: "
                      "Roles may not be assumed by root accounts.", err)


class GetSessionToken(Case):
    def test_user(self):
        name, arn, key = make_user([allow("sts:AssumeRole")])
        out = client("sts", key).get_session_token()
        creds = out["Credentials"]
        self.assertTemporaryCredentials(creds)
        self.assertLifetime(creds["Expiration"], 12 * 3600)  # the default for IAM users
        self.assertEqual(client("sts", creds).get_caller_identity()["Arn"], arn)
        out = client("sts", key).get_session_token(DurationSeconds=900)
        self.assertLifetime(out["Credentials"]["Expiration"], 900)
        out = client("sts", key).get_session_token(DurationSeconds=129600)
        self.assertLifetime(out["Credentials"]["Expiration"], 129600)

    def test_needs_no_permission(self):
        # "No permissions are required for users to perform this operation
        # ... You cannot use policies to control authentication operations."
        # (GetSessionToken, STS API reference)
        _, arn, key = make_user([{"Effect": "Deny", "Action": "*", "Resource": "*"}])
        creds = client("sts", key).get_session_token(DurationSeconds=900)["Credentials"]
        self.assertEqual(client("sts", creds).get_caller_identity()["Arn"], arn)

    def test_root_sessions_last_at_most_an_hour(self):
        out = client("sts").get_session_token()
        self.assertLifetime(out["Credentials"]["Expiration"], 3600)
        out = client("sts").get_session_token(DurationSeconds=7200)
        self.assertLifetime(out["Credentials"]["Expiration"], 3600)
        self.assertEqual(client("sts", out["Credentials"]).get_caller_identity()["Arn"], "arn:aws:iam::%s:root" % A)

    def test_duration_limits(self):
        _, _, key = make_user()
        raw = unvalidated("sts", key)
        self.assertError("ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed "
                         "to satisfy constraint: Member must have value greater than or equal to 900",
                         raw.get_session_token, DurationSeconds=899, status=400)
        self.assertError("ValidationError", "1 validation error detected: Value '129601' at 'durationSeconds' "
                         "failed to satisfy constraint: Member must have value less than or equal to 129600",
                         raw.get_session_token, DurationSeconds=129601)

    def test_what_session_token_credentials_may_do(self):
        role = make_role([trust("arn:aws:iam::%s:root" % A)])
        _, _, key = make_user([allow(["sts:AssumeRole", "iam:*"])])
        creds = client("sts", key).get_session_token()["Credentials"]
        # "You cannot call any STS API except AssumeRole or GetCallerIdentity."
        self.assertError("AccessDenied", "Cannot call GetSessionToken with session credentials",
                         client("sts", creds).get_session_token, status=403)
        out = client("sts", creds).assume_role(RoleArn=role["Arn"], RoleSessionName="fromgst")
        self.assertTemporaryCredentials(out["Credentials"])
        # "You cannot call any IAM API operations unless MFA authentication
        # information is included in the request."
        self.assertError("InvalidClientTokenId", "The security token included in the request is invalid",
                         client("iam", creds).list_users, status=403, prefix=True)
        # A role session cannot call it either.
        self.assertError("AccessDenied", "Cannot call GetSessionToken with session credentials",
                         client("sts", out["Credentials"]).get_session_token)

    def test_cli(self):
        _, arn, key = make_user()
        creds = seki.aws_json("sts", "get-session-token", "--duration-seconds", "900", creds=key)["Credentials"]
        self.assertRegex(creds["AccessKeyId"], TEMP_KEY_ID)
        self.assertEqual(client("sts", creds).get_caller_identity()["Arn"], arn)


class BadTemporaryCredentials(Case):
    @classmethod
    def setUpClass(cls):
        _, cls.user_arn, key = make_user([allow("sts:AssumeRole")])
        cls.role = make_role([trust(cls.user_arn)])
        cls.creds = client("sts", key).assume_role(RoleArn=cls.role["Arn"], RoleSessionName="bad")["Credentials"]

    def test_tampered_token(self):
        bad = dict(self.creds, SessionToken=("A" if self.creds["SessionToken"][0] != "A" else "B")
                   + self.creds["SessionToken"][1:])
        self.assertError("InvalidClientTokenId", "The security token included in the request is invalid.",
                         new_client(seki, "sts", bad).get_caller_identity, status=403)

    def test_missing_token(self):
        bare = {k: v for k, v in self.creds.items() if k != "SessionToken"}
        self.assertError("InvalidClientTokenId", "The security token included in the request is invalid.",
                         new_client(seki, "sts", bare).get_caller_identity, status=403)

    def test_unknown_temporary_key(self):
        ghost = dict(self.creds, AccessKeyId="ASIAAAAAAAAAAAAAAAAA")
        self.assertError("InvalidClientTokenId", "The security token included in the request is invalid.",
                         new_client(seki, "sts", ghost).get_caller_identity, status=403)

    def test_wrong_secret(self):
        wrong = dict(self.creds, SecretAccessKey="x" * 40)
        self.assertError("SignatureDoesNotMatch", None, new_client(seki, "sts", wrong).get_caller_identity,
                         status=403)


class SessionsAcrossRestarts(Case):
    """Temporary credentials are stored: they survive a restart, and they
    expire. Expiry is checked without sleeping by moving a stored session's
    expiry into the past while the server is stopped (the server keeps the
    session in its SQLite file, table sts_sessions)."""

    def test_survive_restart_then_expire(self):
        s = Seki()
        try:
            iam = new_client(s, "iam")
            iam.create_user(UserName="u")
            iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=doc(allow("sts:AssumeRole")))
            key = iam.create_access_key(UserName="u")["AccessKey"]
            iam.create_role(RoleName="r", AssumeRolePolicyDocument=doc(trust("arn:aws:iam::%s:user/u" % A)))
            iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=doc(allow("iam:ListRoles")))
            creds = new_client(s, "sts", key).assume_role(
                RoleArn="arn:aws:iam::%s:role/r" % A, RoleSessionName="kept",
                Policy=doc(allow("iam:ListRoles")))["Credentials"]
            gst = new_client(s, "sts", key).get_session_token()["Credentials"]

            s.restart()
            self.assertEqual(new_client(s, "sts", creds).get_caller_identity()["Arn"],
                             "arn:aws:sts::%s:assumed-role/r/kept" % A)
            self.assertEqual(new_client(s, "sts", gst).get_caller_identity()["Arn"], "arn:aws:iam::%s:user/u" % A)
            # The session policy survived too.
            new_client(s, "iam", creds).list_roles()
            self.assertError("AccessDenied", None, new_client(s, "iam", creds).list_users)

            s.stop()
            db = os.path.join(s.data_dir, "seki.db")
            past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
            conn = sqlite3.connect(db)
            try:
                row = conn.execute("SELECT data FROM sts_sessions WHERE access_key_id = ?",
                                   (creds["AccessKeyId"],)).fetchone()
                self.assertIsNotNone(row, "the session is not stored where this test expects it")
                data = json.loads(row[0])
                self.assertIn("Expires", data)
                data["Expires"] = past.strftime("%Y-%m-%dT%H:%M:%SZ")
                conn.execute("UPDATE sts_sessions SET expires = ?, data = ? WHERE access_key_id = ?",
                             (int(past.timestamp()), json.dumps(data), creds["AccessKeyId"]))
                conn.commit()
            finally:
                conn.close()
            try:
                s.start()
            except RuntimeError:
                with open(os.path.join(s.data_dir, "server.log")) as f:
                    raise AssertionError("seki did not start after the edit:\n" + f.read()[-2000:])
            self.assertError("ExpiredToken", "The security token included in the request is expired",
                             new_client(s, "sts", creds).get_caller_identity, status=403)
            self.assertError("ExpiredToken", "The security token included in the request is expired",
                             new_client(s, "iam", creds).list_roles, status=403)
            # Other sessions are untouched.
            self.assertEqual(new_client(s, "sts", gst).get_caller_identity()["Arn"], "arn:aws:iam::%s:user/u" % A)
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
