"""The AccessDenied paths (issue 3): every request passes one door, which
answers with AWS's AccessDenied message (principal, action, resource and the
reason), and `seki explain REQUEST_ID` says which policy and statement
decided, or what is missing.

The message formats are AWS's ("Troubleshoot access denied error messages",
IAM User Guide): "User: P is not authorized to perform: A on resource: R
because no T policy allows the A action" for an implicit deny, "... with an
explicit deny in a T policy" for an explicit one. The explain output is
seki's own; the tests check that it names what a person needs to act on.
"""
import json
import time
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

from seki_harness import ACCOUNT_A, ACCOUNT_B, Seki

A = ACCOUNT_A[0]
B = ACCOUNT_B[0]


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


def unique(prefix):
    global _counter
    _counter += 1
    return "%s%d" % (prefix, _counter)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def deny(action, resource="*", **extra):
    return dict({"Effect": "Deny", "Action": action, "Resource": resource}, **extra)


def make_user(statements=(), account=ACCOUNT_A, tags=None):
    """A user with one inline policy ("own") of the given statements;
    returns (name, arn, access key)."""
    iam = client("iam", account)
    name = unique("user")
    iam.create_user(UserName=name, **({"Tags": tags} if tags else {}))
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="own", PolicyDocument=doc(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, "arn:aws:iam::%s:user/%s" % (account[0], name), key


def make_role(trust_statements, policy_statements=(), account=ACCOUNT_A):
    iam = client("iam", account)
    name = unique("role")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(*trust_statements))["Role"]
    if policy_statements:
        iam.put_role_policy(RoleName=name, PolicyName="perms", PolicyDocument=doc(*policy_statements))
    return role


ROLES = "arn:aws:iam::%s:role/" % A  # the resource of iam:ListRoles


def implicit(principal, action, resource, kind="identity-based policy"):
    return ("User: %s is not authorized to perform: %s on resource: %s because no %s allows the %s action"
            % (principal, action, resource, kind, action))


def explicit(principal, action, resource, kind="an identity-based policy"):
    return "User: %s is not authorized to perform: %s on resource: %s with an explicit deny in %s" % (
        principal, action, resource, kind)


class Case(unittest.TestCase):
    maxDiff = None

    def denied(self, fn, *args, message=None, prefix=None, suffix=None, **kwargs):
        """fn must be refused with AccessDenied (HTTP 403); returns (message, explain output)."""
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kwargs)
        resp = cm.exception.response
        self.assertEqual(resp["Error"]["Code"], "AccessDenied", resp["Error"])
        self.assertEqual(resp["Error"]["Type"], "Sender")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 403)
        msg = resp["Error"]["Message"]
        if message is not None:
            self.assertEqual(msg, message)
        if prefix is not None:
            self.assertTrue(msg.startswith(prefix), msg)
        if suffix is not None:
            self.assertTrue(msg.endswith(suffix), msg)
        return msg, self.explain(resp["ResponseMetadata"]["RequestId"])

    def allowed(self, fn, *args, **kwargs):
        """fn must succeed; returns (response, explain output)."""
        out = fn(*args, **kwargs)
        return out, self.explain(out["ResponseMetadata"]["RequestId"])

    def explain(self, request_id):
        self.assertTrue(request_id)
        # The decision log is written by a background writer that flushes
        # when idle; give it a moment before concluding nothing was recorded.
        deadline = time.time() + 3
        out = seki.explain(request_id)
        while out.returncode != 0 and "no decision recorded" in out.stderr and time.time() < deadline:
            time.sleep(0.05)
            out = seki.explain(request_id)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(request_id, out.stdout)
        return out.stdout

    def assertExplains(self, text, *parts):
        for p in parts:
            self.assertIn(p, text)


class IdentityPolicies(Case):
    def test_user_without_a_policy(self):
        _, arn, key = make_user()
        msg, why = self.denied(client("iam", key).list_roles,
                               message=implicit(arn, "iam:ListRoles", ROLES))
        self.assertExplains(why, "Decision: ImplicitlyDenied", "AWS says: " + msg,
                            "%s asked to iam:ListRoles on %s" % (arn, ROLES),
                            "missing: no identity-based policy allows the iam:ListRoles action",
                            "To allow it: attach an identity-based policy to %s that allows iam:ListRoles" % arn)

    def test_user_with_a_policy(self):
        name, arn, key = make_user([dict(allow("iam:ListRoles"), Sid="AllowRoles")])
        out, why = self.allowed(client("iam", key).list_roles)
        self.assertIn("Roles", out)
        self.assertExplains(why, "Decision: Allowed", "%s asked to iam:ListRoles" % arn,
                            "inline policy own on user %s" % name, '"AllowRoles"')
        self.assertNotIn("AWS says", why)
        # An action the policy does not name stays denied.
        self.denied(client("iam", key).list_users, message=implicit(arn, "iam:ListUsers", "arn:aws:iam::%s:user/" % A))

    def test_attached_managed_policy(self):
        name, arn, key = make_user()
        iam_full = "arn:aws:iam::aws:policy/IAMFullAccess"
        self.denied(client("iam", key).list_groups)
        client("iam").attach_user_policy(UserName=name, PolicyArn=iam_full)
        _, why = self.allowed(client("iam", key).list_groups)
        self.assertExplains(why, "Decision: Allowed", "IAMFullAccess")
        client("iam").detach_user_policy(UserName=name, PolicyArn=iam_full)
        self.denied(client("iam", key).list_groups,
                    message=implicit(arn, "iam:ListGroups", "arn:aws:iam::%s:group/" % A))

    def test_explicit_deny(self):
        name, arn, key = make_user([dict(allow("iam:*"), Sid="Everything"), dict(deny("iam:ListRoles"), Sid="NoRoles")])
        client("iam", key).list_users()
        msg, why = self.denied(client("iam", key).list_roles, message=explicit(arn, "iam:ListRoles", ROLES))
        self.assertExplains(why, "Decision: ExplicitlyDenied", "AWS says: " + msg, '"NoRoles"', '"Everything"',
                            "inline policy own on user %s" % name)

    def test_group_policy_grants_and_is_withdrawn(self):
        name, arn, key = make_user()
        group = unique("group")
        iam = client("iam")
        iam.create_group(GroupName=group)
        iam.put_group_policy(GroupName=group, PolicyName="team", PolicyDocument=doc(dict(allow("iam:ListRoles"),
                                                                                     Sid="TeamRoles")))
        self.denied(client("iam", key).list_roles, message=implicit(arn, "iam:ListRoles", ROLES))
        iam.add_user_to_group(GroupName=group, UserName=name)
        _, why = self.allowed(client("iam", key).list_roles)
        self.assertExplains(why, "Decision: Allowed", group, '"TeamRoles"')
        iam.remove_user_from_group(GroupName=group, UserName=name)
        self.denied(client("iam", key).list_roles, message=implicit(arn, "iam:ListRoles", ROLES))

    def test_explicit_deny_in_a_group_beats_the_users_allow(self):
        name, arn, key = make_user([allow("iam:ListRoles")])
        group = unique("nogroup")
        iam = client("iam")
        iam.create_group(GroupName=group)
        iam.put_group_policy(GroupName=group, PolicyName="block", PolicyDocument=doc(dict(deny("iam:ListRoles"),
                                                                                      Sid="Blocked")))
        iam.add_user_to_group(GroupName=group, UserName=name)
        _, why = self.denied(client("iam", key).list_roles, message=explicit(arn, "iam:ListRoles", ROLES))
        self.assertExplains(why, "Decision: ExplicitlyDenied", '"Blocked"', group)

    def test_policy_variable_scopes_a_user_to_itself(self):
        name, arn, key = make_user([allow("iam:GetUser", "arn:aws:iam::%s:user/${aws:username}" % A)])
        other, other_arn, _ = make_user()
        self.assertEqual(client("iam", key).get_user(UserName=name)["User"]["Arn"], arn)
        # How AWS names the resource of iam:GetUser is checked in
        # ResourceNamesInMessages; here, that the user is refused and why.
        msg, _ = self.denied(client("iam", key).get_user, UserName=other,
                             prefix="User: %s is not authorized to perform: iam:GetUser on resource: " % arn,
                             suffix=" because no identity-based policy allows the iam:GetUser action")
        self.assertIn(other, msg)

    def test_authorization_comes_before_existence(self):
        # A caller that may not look does not learn whether the user exists.
        _, arn, key = make_user()
        self.denied(client("iam", key).get_user, UserName="nosuchuser",
                    prefix="User: %s is not authorized to perform: iam:GetUser on resource: " % arn,
                    suffix=" because no identity-based policy allows the iam:GetUser action")

    def test_root_is_allowed_in_its_account(self):
        _, why = self.allowed(client("iam").list_roles)
        self.assertExplains(why, "Decision: Allowed", "arn:aws:iam::%s:root asked to iam:ListRoles" % A, "root")

    def test_the_cli_shows_the_reason(self):
        _, arn, key = make_user()
        rc, _, err = seki.aws("iam", "list-roles", creds=key, check=False)
        self.assertEqual(rc, 255)
        self.assertIn("An error occurred (AccessDenied) when calling the ListRoles operation: "
                      + implicit(arn, "iam:ListRoles", ROLES), err)


class PermissionsBoundaries(Case):
    def boundary(self, *statements):
        out = client("iam").create_policy(PolicyName=unique("Boundary"), PolicyDocument=doc(*statements))
        return out["Policy"]["Arn"]

    def test_boundary_that_does_not_allow(self):
        name, arn, key = make_user([allow("iam:*")])
        client("iam").put_user_permissions_boundary(UserName=name, PermissionsBoundary=self.boundary(
            dict(allow("iam:ListUsers"), Sid="OnlyUsers")))
        _, why = self.allowed(client("iam", key).list_users)
        self.assertExplains(why, "Decision: Allowed")
        msg, why = self.denied(client("iam", key).list_roles,
                               message=implicit(arn, "iam:ListRoles", ROLES, "permissions boundary"))
        self.assertExplains(why, "Decision: ImplicitlyDenied", "AWS says: " + msg,
                            "missing: no permissions boundary allows the iam:ListRoles action",
                            "permissions boundary of %s must also allow iam:ListRoles" % arn)

    def test_boundary_does_not_grant(self):
        name, arn, key = make_user([allow("iam:ListUsers")])
        client("iam").put_user_permissions_boundary(UserName=name, PermissionsBoundary=self.boundary(allow("iam:*")))
        client("iam", key).list_users()
        self.denied(client("iam", key).list_roles, message=implicit(arn, "iam:ListRoles", ROLES))

    def test_explicit_deny_in_a_boundary(self):
        name, arn, key = make_user([allow("iam:*")])
        client("iam").put_user_permissions_boundary(UserName=name, PermissionsBoundary=self.boundary(
            allow("iam:*"), dict(deny("iam:ListRoles"), Sid="BoundaryDeny")))
        # AWS has been adding ": POLICY_ARN" after the policy type of an
        # explicit deny by a managed policy (a boundary is one) since 2025-26,
        # rolling out gradually; the text up to the type is fixed.
        _, why = self.denied(client("iam", key).list_roles,
                             prefix=explicit(arn, "iam:ListRoles", ROLES, "a permissions boundary"))
        self.assertExplains(why, "Decision: ExplicitlyDenied", '"BoundaryDeny"')

    def test_role_boundary_applies_to_its_sessions(self):
        _, user_arn, key = make_user([allow("sts:AssumeRole")])
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}],
                         [allow("iam:*")])
        client("iam").put_role_permissions_boundary(RoleName=role["RoleName"],
                                                    PermissionsBoundary=self.boundary(allow("iam:ListUsers")))
        out = client("sts", key).assume_role(RoleArn=role["Arn"], RoleSessionName="bounded")
        iam = client("iam", out["Credentials"])
        iam.list_users()
        self.denied(iam.list_roles, message=implicit(out["AssumedRoleUser"]["Arn"], "iam:ListRoles", ROLES,
                                                     "permissions boundary"))


class SessionPolicies(Case):
    def test_session_policy_that_does_not_allow(self):
        _, user_arn, key = make_user([allow("sts:AssumeRole")])
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}],
                         [allow(["iam:ListUsers", "iam:ListRoles"])])
        out = client("sts", key).assume_role(RoleArn=role["Arn"], RoleSessionName="scoped",
                                             Policy=doc(dict(allow("iam:ListUsers"), Sid="SessionUsers")))
        session = out["AssumedRoleUser"]["Arn"]
        iam = client("iam", out["Credentials"])
        _, why = self.allowed(iam.list_users)
        self.assertExplains(why, "Decision: Allowed", "%s asked to iam:ListUsers" % session, '"SessionUsers"')
        msg, why = self.denied(iam.list_roles, message=implicit(session, "iam:ListRoles", ROLES, "session policy"))
        self.assertExplains(why, "Decision: ImplicitlyDenied", "AWS says: " + msg,
                            "missing: no session policy allows the iam:ListRoles action",
                            "inline policy perms on role %s" % role["RoleName"])


class TrustPolicies(Case):
    def test_assume_role_refused_by_the_trust_policy(self):
        _, user_arn, key = make_user([allow("sts:AssumeRole")])
        other, _, _ = make_user()
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/%s" % (A, other)},
                           "Action": "sts:AssumeRole"}])
        msg, why = self.denied(client("sts", key).assume_role, RoleArn=role["Arn"], RoleSessionName="nope",
                               prefix="User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                                      % (user_arn, role["Arn"]))
        self.assertExplains(why, "Decision: ImplicitlyDenied", "AWS says: " + msg,
                            "%s asked to sts:AssumeRole on %s" % (user_arn, role["Arn"]),
                            "trust policy does not name the principal",
                            "name %s in the role's trust policy" % user_arn)

    def test_trust_refusal_message_names_the_role_trust_policy(self):
        # AWS documents the reason for a trust-policy refusal as "because no
        # role trust policy allows the sts:AssumeRole action" ("Access denied
        # due to role trust policies – implicit denial", IAM User Guide,
        # troubleshoot_access-denied).
        _, user_arn, key = make_user([allow("sts:AssumeRole")])
        role = make_role([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                           "Action": "sts:AssumeRole"}])
        msg, _ = self.denied(client("sts", key).assume_role, RoleArn=role["Arn"], RoleSessionName="nope",
                             prefix="User: %s is not authorized to perform: sts:AssumeRole" % user_arn)
        self.assertTrue(msg.endswith(" because no role trust policy allows the sts:AssumeRole action"), msg)

    def test_explicit_deny_in_the_trust_policy(self):
        _, user_arn, key = make_user([allow("sts:AssumeRole")])
        role = make_role([
            {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"},
            {"Sid": "NotThisSession", "Effect": "Deny", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:RoleSessionName": "forbidden"}}}])
        client("sts", key).assume_role(RoleArn=role["Arn"], RoleSessionName="fine")
        _, why = self.denied(client("sts", key).assume_role, RoleArn=role["Arn"], RoleSessionName="forbidden",
                             prefix="User: %s is not authorized to perform: sts:AssumeRole" % user_arn)
        self.assertExplains(why, "Decision: ExplicitlyDenied", '"NotThisSession"')

    def test_trust_explicit_deny_message_names_the_role_trust_policy(self):
        # AWS: "... sts:AssumeRole with an explicit deny in the role trust
        # policy" (IAM User Guide, troubleshoot_access-denied).
        _, user_arn, key = make_user([allow("sts:AssumeRole")])
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"},
                          {"Effect": "Deny", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}])
        msg, _ = self.denied(client("sts", key).assume_role, RoleArn=role["Arn"], RoleSessionName="nope")
        self.assertTrue(msg.endswith(" with an explicit deny in the role trust policy"), msg)

    def test_same_account_trust_naming_the_account_needs_an_identity_policy(self):
        # A trust policy that names the account delegates to the account's
        # identity policies: the caller's own policy must allow sts:AssumeRole.
        _, user_arn, key = make_user()
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % A},
                           "Action": "sts:AssumeRole"}])
        _, why = self.denied(client("sts", key).assume_role, RoleArn=role["Arn"], RoleSessionName="x1",
                             message=implicit(user_arn, "sts:AssumeRole", role["Arn"]))
        self.assertExplains(why, "missing: no identity-based policy allows the sts:AssumeRole action")

    def test_same_account_trust_naming_the_user_is_enough(self):
        # Naming the user itself in the trust policy grants on its own.
        _, user_arn, key = make_user()
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}])
        out, why = self.allowed(client("sts", key).assume_role, RoleArn=role["Arn"], RoleSessionName="named")
        self.assertExplains(why, "Decision: Allowed", "trust policy")


class CrossAccount(Case):
    def test_trust_names_account_b_but_b_user_has_no_identity_policy(self):
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": B}, "Action": "sts:AssumeRole"}])
        _, b_arn, b_key = make_user(account=ACCOUNT_B)
        msg, why = self.denied(client("sts", b_key).assume_role, RoleArn=role["Arn"], RoleSessionName="visitor",
                               message=implicit(b_arn, "sts:AssumeRole", role["Arn"]))
        self.assertExplains(why, "Decision: ImplicitlyDenied", "AWS says: " + msg, "cross-account",
                            "missing: no identity-based policy allows the sts:AssumeRole action",
                            "attach an identity-based policy to %s that allows sts:AssumeRole on %s"
                            % (b_arn, role["Arn"]))

    def test_trust_names_account_b_and_b_user_has_the_policy(self):
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": B}, "Action": "sts:AssumeRole"}])
        _, b_arn, b_key = make_user([dict(allow("sts:AssumeRole", role["Arn"]), Sid="MayVisit")], account=ACCOUNT_B)
        out, why = self.allowed(client("sts", b_key).assume_role, RoleArn=role["Arn"], RoleSessionName="visitor")
        self.assertExplains(why, "Decision: Allowed", '"MayVisit"', "trust policy")
        self.assertEqual(client("sts", out["Credentials"]).get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:assumed-role/%s/visitor" % (A, role["RoleName"]))

    def test_trust_naming_the_b_user_still_needs_its_identity_policy(self):
        # Across accounts both sides must allow, however precisely the trust
        # policy names the caller.
        _, b_arn, b_key = make_user(account=ACCOUNT_B)
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": b_arn}, "Action": "sts:AssumeRole"}])
        self.denied(client("sts", b_key).assume_role, RoleArn=role["Arn"], RoleSessionName="visitor",
                    message=implicit(b_arn, "sts:AssumeRole", role["Arn"]))

    def test_trust_naming_only_account_a_refuses_b(self):
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % A},
                           "Action": "sts:AssumeRole"}])
        _, b_arn, b_key = make_user([allow("sts:AssumeRole")], account=ACCOUNT_B)
        _, why = self.denied(client("sts", b_key).assume_role, RoleArn=role["Arn"], RoleSessionName="outsider",
                             prefix="User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                                    % (b_arn, role["Arn"]))
        self.assertExplains(why, "Decision: ImplicitlyDenied", "trust policy")

    def test_identity_policy_resource_must_match_the_role(self):
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": B}, "Action": "sts:AssumeRole"}])
        _, b_arn, b_key = make_user([allow("sts:AssumeRole", "arn:aws:iam::%s:role/some-other-role" % A)],
                                    account=ACCOUNT_B)
        self.denied(client("sts", b_key).assume_role, RoleArn=role["Arn"], RoleSessionName="visitor",
                    message=implicit(b_arn, "sts:AssumeRole", role["Arn"]))


class Conditions(Case):
    def test_source_ip(self):
        # Requests reach seki from 127.0.0.1.
        _, arn, key = make_user([dict(allow("iam:ListRoles"), Sid="FromOffice",
                                      Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})])
        msg, why = self.denied(client("iam", key).list_roles, message=implicit(arn, "iam:ListRoles", ROLES))
        self.assertExplains(why, '"FromOffice"', "aws:SourceIp", "203.0.113.0/24", "127.0.0.1")
        _, _, local = make_user([allow("iam:ListRoles", Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})])
        client("iam", local).list_roles()
        _, arn, notlocal = make_user([allow("iam:ListRoles"), deny("iam:ListRoles", Condition={
            "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})])
        self.denied(client("iam", notlocal).list_roles, message=explicit(arn, "iam:ListRoles", ROLES))

    def test_requested_region(self):
        role = make_role([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % A},
                           "Action": "sts:AssumeRole"}])
        _, arn, key = make_user([dict(allow("sts:AssumeRole"), Sid="OnlyEU",
                                      Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})])
        _, why = self.denied(client("sts", key, region="us-east-1").assume_role, RoleArn=role["Arn"],
                             RoleSessionName="us", message=implicit(arn, "sts:AssumeRole", role["Arn"]))
        self.assertExplains(why, '"OnlyEU"', "aws:RequestedRegion", "eu-west-1", "us-east-1")
        out = client("sts", key, region="eu-west-1").assume_role(RoleArn=role["Arn"], RoleSessionName="eu")
        self.assertIn("Credentials", out)
        # IAM is a global service: its requests are in us-east-1.
        _, _, iam_key = make_user([allow("iam:ListRoles", Condition={
            "StringEquals": {"aws:RequestedRegion": "us-east-1"}})])
        client("iam", iam_key).list_roles()

    def test_principal_tag(self):
        statement = dict(allow("iam:ListRoles"), Sid="BlueTeam",
                         Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})
        _, _, blue = make_user([statement], tags=[{"Key": "team", "Value": "blue"}])
        client("iam", blue).list_roles()
        _, red_arn, red = make_user([statement], tags=[{"Key": "team", "Value": "red"}])
        _, why = self.denied(client("iam", red).list_roles, message=implicit(red_arn, "iam:ListRoles", ROLES))
        self.assertExplains(why, '"BlueTeam"', "aws:PrincipalTag/team", '"blue"', '"red"')
        _, untagged_arn, untagged = make_user([statement])
        _, why = self.denied(client("iam", untagged).list_roles,
                             message=implicit(untagged_arn, "iam:ListRoles", ROLES))
        self.assertExplains(why, '"BlueTeam"', "aws:PrincipalTag/team")

    def test_principal_tag_policy_variable(self):
        # ${aws:PrincipalTag/team} in a resource: each team reads its own path.
        _, arn, key = make_user([allow("iam:GetRole", "arn:aws:iam::%s:role/${aws:PrincipalTag/team}/*" % A)],
                                tags=[{"Key": "team", "Value": "blue"}])
        iam = client("iam")
        blue = unique("bluerole")
        red = unique("redrole")
        iam.create_role(RoleName=blue, Path="/blue/", AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}))
        iam.create_role(RoleName=red, Path="/red/", AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}))
        client("iam", key).get_role(RoleName=blue)
        msg, _ = self.denied(client("iam", key).get_role, RoleName=red,
                             prefix="User: %s is not authorized to perform: iam:GetRole on resource: " % arn,
                             suffix=" because no identity-based policy allows the iam:GetRole action")
        self.assertIn(red, msg)


class ResourceNamesInMessages(Case):
    """How AWS names the resource in IAM's own AccessDenied messages: the new
    entity's ARN for CreateUser and CreateRole, the path prefix ARN for the
    List calls, but "user NAME", "role NAME" and "policy ARN" for calls on an
    existing user, role or policy. The expected texts are AWS responses
    quoted in public reports, e.g. "is not authorized to perform: iam:GetUser
    on resource: user dev_user1 because no identity-based policy allows the
    iam:GetUser action", "iam:GetRole on resource: role
    GreengrassV2TokenExchangeRole because ...", "iam:GetPolicy on resource:
    policy arn:aws:iam::aws:policy/GreengrassV2TokenExchangeRoleAccess because
    ...", "iam:ListAttachedRolePolicies on resource: role ServerManager because
    ...", "iam:CreatePolicy on resource: policy FraudFirstStepFunctionsDeploy",
    "iam:CreateAccessKey on resource: user Claude with an explicit deny ...",
    "iam:CreateRole on resource: arn:aws:iam::058264546342:role/service-role/
    OlympicsDataExtraction-role-gxqt7ypj because ...".
    """

    @classmethod
    def setUpClass(cls):
        cls.name, cls.arn, key = make_user()
        cls.iam = client("iam", key)

    def test_create_user_and_role_name_the_new_arn(self):
        self.denied(self.iam.create_user, UserName="newbie", Path="/team/",
                    message=implicit(self.arn, "iam:CreateUser", "arn:aws:iam::%s:user/team/newbie" % A))
        trust = doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
        self.denied(self.iam.create_role, RoleName="fn-role", Path="/service-role/", AssumeRolePolicyDocument=trust,
                    message=implicit(self.arn, "iam:CreateRole", "arn:aws:iam::%s:role/service-role/fn-role" % A))

    def test_get_user_names_the_user(self):
        self.denied(self.iam.get_user, UserName="someone",
                    message=implicit(self.arn, "iam:GetUser", "user someone"))

    def test_create_access_key_names_the_user(self):
        self.denied(self.iam.create_access_key, UserName=self.name,
                    message=implicit(self.arn, "iam:CreateAccessKey", "user " + self.name))

    def test_get_role_names_the_role(self):
        self.denied(self.iam.get_role, RoleName="some-role",
                    message=implicit(self.arn, "iam:GetRole", "role some-role"))

    def test_list_attached_role_policies_names_the_role(self):
        self.denied(self.iam.list_attached_role_policies, RoleName="some-role",
                    message=implicit(self.arn, "iam:ListAttachedRolePolicies", "role some-role"))

    def test_get_policy_names_the_policy_by_arn(self):
        arn = "arn:aws:iam::aws:policy/IAMFullAccess"
        self.denied(self.iam.get_policy, PolicyArn=arn, message=implicit(self.arn, "iam:GetPolicy", "policy " + arn))

    def test_create_policy_names_the_policy(self):
        self.denied(self.iam.create_policy, PolicyName="some-policy", PolicyDocument=doc(allow("s3:*")),
                    message=implicit(self.arn, "iam:CreatePolicy", "policy some-policy"))


class DecisionLog(Case):
    def test_unknown_request_id(self):
        out = seki.explain("00000000-0000-0000-0000-000000000000")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("00000000-0000-0000-0000-000000000000", out.stderr)

    def test_decisions_survive_a_restart(self):
        s = Seki()
        try:
            iam = new_client(s, "iam")
            iam.create_user(UserName="u")
            key = iam.create_access_key(UserName="u")["AccessKey"]
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                new_client(s, "iam", key).list_roles()
            rid = cm.exception.response["ResponseMetadata"]["RequestId"]
            s.restart()
            out = s.explain(rid)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("Decision: ImplicitlyDenied", out.stdout)
            self.assertIn("no identity-based policy allows the iam:ListRoles action", out.stdout)
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
