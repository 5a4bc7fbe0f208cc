"""HTTP APIs' authorization layers (issue 16), driven with boto3 and the AWS CLI.

An AWS_IAM route called with requests signed by botocore's SigV4Auth (service
execute-api) by an allowed user, a denied user and another account's user;
Lambda REQUEST authorizers that allow and deny, whose context reaches the
integration; an authorizer whose function policy does not allow API Gateway
(500); a REST API's TOKEN authorizer answering with IAM policies. The functions are Python handlers run for real on seki's runtime.
"""
import io
import json
import unittest
import urllib.error
import urllib.request
import zipfile

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from seki_harness import ACCOUNT_A, ACCOUNT_B, REGION, Seki

A = ACCOUNT_A[0]
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

# One handler is both the authorizer (an event with a "type") and the
# integration (it answers with the event it received).
HANDLER = """import json

def handler(event, context):
    if "type" not in event:
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}
    source = event.get("identitySource")
    token = event.get("authorizationToken") or (source[0] if isinstance(source, list) else source)
    if token == "unauthorized":
        raise Exception("Unauthorized")
    ctx = {"user": "alice", "token": token}
    if token in ("allow", "deny"):
        return {"isAuthorized": token == "allow", "context": ctx}
    effect = "Allow" if token == "policy-allow" else "Deny"
    return {"principalId": "alice", "context": ctx, "policyDocument": {"Version": "2012-10-17",
            "Statement": [{"Effect": effect, "Action": "execute-api:Invoke",
                           "Resource": event.get("routeArn") or event["methodArn"]}]}}
"""


def setUpModule():
    global seki, role_arn
    seki = Seki()
    role = seki.client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(TRUST))
    role_arn = role["Role"]["Arn"]


def tearDownModule():
    seki.close()


def create_function(name):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", HANDLER)
    return seki.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="index.handler",
        Code={"ZipFile": buf.getvalue()}, Timeout=30)["FunctionArn"]


def permit(name, sid, source_arn):
    seki.client("lambda").add_permission(FunctionName=name, StatementId=sid, Action="lambda:InvokeFunction",
                                         Principal="apigateway.amazonaws.com", SourceArn=source_arn)


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def call(url, method="GET", headers=None, creds=None):
    """Call an API; creds (key, secret[, token]) signs for execute-api."""
    headers = dict(headers or {})
    if creds:
        req = AWSRequest(method=method, url=url, data=b"", headers=headers)
        SigV4Auth(Credentials(*creds), "execute-api", REGION).add_auth(req)
        headers = dict(req.headers.items())
    req = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return Reply(r.status, r.headers, r.read().decode())
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read().decode())


def user(name, policy=None, account=ACCOUNT_A):
    iam = seki.client("iam", creds=account)
    iam.create_user(UserName=name)
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return k["AccessKeyId"], k["SecretAccessKey"]


def invoke_policy(resource):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": resource}]}


def new_api(fn_arn):
    """An API with a Lambda integration and the auto-deployed $default
    stage, made with the AWS CLI; returns (id, endpoint, target)."""
    api = seki.aws_json("apigatewayv2", "create-api", "--name", "auth", "--protocol-type", "HTTP")
    ig = seki.aws_json("apigatewayv2", "create-integration", "--api-id", api["ApiId"], "--integration-type", "AWS_PROXY",
                       "--integration-uri", fn_arn, "--payload-format-version", "2.0")
    seki.aws("apigatewayv2", "create-stage", "--api-id", api["ApiId"], "--stage-name", "$default", "--auto-deploy")
    return api["ApiId"], api["ApiEndpoint"], "integrations/" + ig["IntegrationId"]


class HTTPAPIAuthorization(unittest.TestCase):
    def assertForbidden(self, r):
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual(r.body, '{"message":"Forbidden"}')

    def explained(self, r, needle):
        return seki.wait_explained(r.headers["apigw-requestid"], needle)

    def test_aws_iam_route(self):
        fn = create_function("iam-echo")
        api, url, target = new_api(fn)
        base = "arn:aws:execute-api:%s:%s:%s" % (REGION, A, api)
        permit("iam-echo", "api", base + "/*/*")
        seki.aws("apigatewayv2", "create-route", "--api-id", api, "--route-key", "GET /orders/{id}",
                 "--target", target, "--authorization-type", "AWS_IAM")
        allowed = user("iam-alice", invoke_policy(base + "/$default/GET/orders/*"))
        denied = user("iam-bob")
        other = user("iam-carol", invoke_policy("*"), account=ACCOUNT_B)

        self.assertForbidden(call(url + "/orders/1"))
        r = call(url + "/orders/1", creds=allowed)
        self.assertEqual(r.status, 200, r.body)
        iam = r.json()["requestContext"]["authorizer"]["iam"]
        self.assertEqual(iam["userArn"], "arn:aws:iam::%s:user/iam-alice" % A)
        self.assertEqual(iam["accessKey"], allowed[0])
        self.assertEqual(iam["accountId"], A)

        for who, creds in (("iam-bob", denied), ("iam-carol", other)):
            r = call(url + "/orders/1", creds=creds)
            self.assertForbidden(r)
            out = self.explained(r, "user/%s asked to execute-api:Invoke on %s/$default/GET/orders/1" % (who, base))
            self.assertIn("Decision: ", out)

        # Allowed by IAM, refused by the function's policy: explain names
        # that layer.
        seki.client("lambda").remove_permission(FunctionName="iam-echo", StatementId="api")
        r = call(url + "/orders/1", creds=allowed)
        self.assertEqual(r.status, 500, r.body)
        self.assertEqual(r.body, '{"message":"Internal Server Error"}')
        self.explained(r, "apigateway.amazonaws.com asked to lambda:InvokeFunction")

    def test_lambda_authorizer(self):
        fn = create_function("la-echo")
        auth_fn = create_function("la-authorizer")
        api, url, target = new_api(fn)
        base = "arn:aws:execute-api:%s:%s:%s" % (REGION, A, api)
        permit("la-echo", "api", base + "/*/*")
        gw = seki.client("apigatewayv2")
        uri = "arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations" % (REGION, auth_fn)
        simple = gw.create_authorizer(ApiId=api, Name="simple", AuthorizerType="REQUEST", AuthorizerUri=uri,
                                      AuthorizerPayloadFormatVersion="2.0", EnableSimpleResponses=True,
                                      IdentitySource=["$request.header.Authorization"])
        policy = gw.create_authorizer(ApiId=api, Name="policy", AuthorizerType="REQUEST", AuthorizerUri=uri,
                                      AuthorizerPayloadFormatVersion="2.0",
                                      IdentitySource=["$request.header.Authorization"])
        self.assertEqual(gw.get_authorizer(ApiId=api, AuthorizerId=simple["AuthorizerId"])["Name"], "simple")
        gw.create_route(ApiId=api, RouteKey="GET /simple", Target=target, AuthorizationType="CUSTOM",
                        AuthorizerId=simple["AuthorizerId"])
        gw.create_route(ApiId=api, RouteKey="GET /policy", Target=target, AuthorizationType="CUSTOM",
                        AuthorizerId=policy["AuthorizerId"])

        # The authorizer's function does not allow API Gateway: 500.
        r = call(url + "/simple", headers={"Authorization": "allow"})
        self.assertEqual(r.status, 500, r.body)
        self.assertEqual(r.body, '{"message":"Internal Server Error"}')
        self.explained(r, "apigateway.amazonaws.com asked to lambda:InvokeFunction on " + auth_fn)
        seki.aws("lambda", "add-permission", "--function-name", "la-authorizer", "--statement-id", "authorizers",
                 "--action", "lambda:InvokeFunction", "--principal", "apigateway.amazonaws.com",
                 "--source-arn", base + "/authorizers/*")

        r = call(url + "/simple")
        self.assertEqual((r.status, r.body), (401, '{"message":"Unauthorized"}'))
        for path, token in (("/simple", "allow"), ("/policy", "policy-allow")):
            r = call(url + path, headers={"Authorization": token})
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["requestContext"]["authorizer"]["lambda"], {"user": "alice", "token": token})
        for path, token in (("/simple", "deny"), ("/policy", "policy-deny")):
            r = call(url + path, headers={"Authorization": token})
            self.assertForbidden(r)
            self.explained(r, "/authorizers/")

    def test_rest_api_token_authorizer(self):
        fn = create_function("rest-echo")
        auth_fn = create_function("rest-authorizer")
        v1 = seki.client("apigateway")
        api = v1.create_rest_api(name="rest-auth")["id"]
        base = "arn:aws:execute-api:%s:%s:%s" % (REGION, A, api)
        root = [r for r in v1.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]
        uri = "arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%%s/invocations" % REGION
        au = v1.create_authorizer(restApiId=api, name="token", type="TOKEN", authorizerUri=uri % auth_fn,
                                  identitySource="method.request.header.Authorization")
        res = v1.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
        v1.put_method(restApiId=api, resourceId=res, httpMethod="GET", authorizationType="CUSTOM", authorizerId=au["id"])
        v1.put_integration(restApiId=api, resourceId=res, httpMethod="GET", type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=uri % fn)
        v1.create_deployment(restApiId=api, stageName="prod")
        permit("rest-echo", "api", base + "/*/*")
        permit("rest-authorizer", "authorizers", base + "/authorizers/" + au["id"])
        url = "%s/_seki/execute-api/%s/prod/orders" % (seki.endpoint, api)

        r = call(url)
        self.assertEqual((r.status, r.body), (401, '{"message":"Unauthorized"}'))
        r = call(url, headers={"Authorization": "policy-allow"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["requestContext"]["authorizer"],
                         {"principalId": "alice", "user": "alice", "token": "policy-allow"})
        r = call(url, headers={"Authorization": "policy-deny"})
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual(r.body, '{"Message":"User is not authorized to access this resource with an explicit deny"}')
        seki.wait_explained(r.headers["x-amzn-RequestId"], "/authorizers/%s asked to execute-api:Invoke" % au["id"])
        r = call(url, headers={"Authorization": "unauthorized"})
        self.assertEqual((r.status, r.body), (401, '{"message":"Unauthorized"}'))


if __name__ == "__main__":
    unittest.main()
