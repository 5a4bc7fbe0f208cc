"""REST APIs (API Gateway v1, issue 16), driven with the AWS CLI and boto3.

A REST API with {proxy+} built with the AWS CLI and called over HTTP: the
missing Lambda permission (500), permissions whose SourceArn names another
stage or method (500), the right one (200, the format 1.0 event), an
unknown route (403 Missing Authentication Token). A resource policy limiting
callers by account on an AWS_IAM method, called with requests signed by
botocore for execute-api by an allowed and a denied account; `seki explain`
names the layer that refused. The function is a Python handler run for real
on seki's runtime.
"""
import json
import unittest

import test_apigateway_auth as auth
from seki_harness import ACCOUNT_A, ACCOUNT_B, REGION, Seki
from test_apigateway_auth import call, create_function, permit, user

A, B = ACCOUNT_A[0], ACCOUNT_B[0]

MISSING_TOKEN = '{"message":"Missing Authentication Token"}'
INTERNAL = '{"message": "Internal server error"}'


def setUpModule():
    # The HTTP API tests' helpers (a Python function answering with its
    # event, permissions, users), on this module's server.
    global seki
    seki = auth.seki = Seki()
    role = seki.client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(auth.TRUST))
    auth.role_arn = role["Role"]["Arn"]


def tearDownModule():
    seki.close()


def invoke_uri(fn_arn):
    return "arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations" % (REGION, fn_arn)


def proxy_api(name, fn_arn, authorization="NONE"):
    """A REST API with ANY /{proxy+} and GET /items, Lambda proxy
    integrations of fn_arn, deployed to "prod" with the AWS CLI; returns the
    API id and the stage's URL."""
    api = seki.aws_json("apigateway", "create-rest-api", "--name", name)
    api_id = api["id"]
    resources = seki.aws_json("apigateway", "get-resources", "--rest-api-id", api_id)["items"]
    root = [r for r in resources if r["path"] == "/"][0]["id"]
    for part, method in (("{proxy+}", "ANY"), ("items", "GET")):
        res = seki.aws_json("apigateway", "create-resource", "--rest-api-id", api_id, "--parent-id", root, "--path-part", part)
        seki.aws("apigateway", "put-method", "--rest-api-id", api_id, "--resource-id", res["id"],
                 "--http-method", method, "--authorization-type", authorization)
        seki.aws("apigateway", "put-integration", "--rest-api-id", api_id, "--resource-id", res["id"],
                 "--http-method", method, "--type", "AWS_PROXY", "--integration-http-method", "POST",
                 "--uri", invoke_uri(fn_arn))
    seki.aws("apigateway", "create-deployment", "--rest-api-id", api_id, "--stage-name", "prod")
    return api_id, "%s/_seki/execute-api/%s/prod" % (seki.endpoint, api_id)


class RESTAPIs(unittest.TestCase):
    def test_proxy_and_lambda_permission(self):
        fn = create_function("rest-echo")
        api, url = proxy_api("shop", fn)
        base = "arn:aws:execute-api:%s:%s:%s" % (REGION, A, api)

        # No permission: 500, and explain shows API Gateway refused by the
        # function's policy.
        r = call(url + "/a/b?x=1")
        self.assertEqual((r.status, r.body), (500, INTERNAL))
        seki.wait_explained(r.headers["x-amzn-RequestId"], "apigateway.amazonaws.com asked to lambda:InvokeFunction")

        # A permission for another stage, then for another method: 500.
        permit("rest-echo", "dev", base + "/dev/*/*")
        permit("rest-echo", "post", base + "/*/POST/{proxy+}")
        self.assertEqual(call(url + "/a/b").status, 500)
        r = call(url + "/a/b", method="POST")
        self.assertEqual(r.status, 200, r.body)

        # The method's own: GET on the {proxy+} resource.
        permit("rest-echo", "get", base + "/prod/GET/{proxy+}")
        r = call(url + "/a/b?x=1&x=2", headers={"X-Test": "yes"})
        self.assertEqual(r.status, 200, r.body)
        ev = r.json()
        self.assertEqual(ev["resource"], "/{proxy+}")
        self.assertEqual(ev["path"], "/a/b")
        self.assertEqual(ev["pathParameters"], {"proxy": "a/b"})
        self.assertEqual(ev["queryStringParameters"], {"x": "2"})
        self.assertEqual(ev["multiValueQueryStringParameters"], {"x": ["1", "2"]})
        self.assertEqual(ev["headers"]["X-Test"], "yes")
        self.assertIsNone(ev["body"])
        self.assertIsNone(ev["stageVariables"])
        ctx = ev["requestContext"]
        self.assertEqual((ctx["stage"], ctx["path"], ctx["resourcePath"], ctx["apiId"], ctx["accountId"]),
                         ("prod", "/prod/a/b", "/{proxy+}", api, A))
        self.assertEqual(ctx["requestId"], r.headers["x-amzn-RequestId"])
        self.assertIsNone(ctx["identity"]["userArn"])

        # A literal resource wins over {proxy+}: /items has its own ARN.
        self.assertEqual(call(url + "/items").status, 500)
        permit("rest-echo", "items", base + "/*/GET/items")
        r = call(url + "/items")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["resource"], "/items")

        # Unknown routes, on an API without {proxy+}: a path no resource
        # has, a method /existing does not have.
        gw = seki.client("apigateway")
        bare = gw.create_rest_api(name="bare")
        existing = gw.create_resource(restApiId=bare["id"], parentId=bare["rootResourceId"], pathPart="existing")
        gw.put_method(restApiId=bare["id"], resourceId=existing["id"], httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=bare["id"], resourceId=existing["id"], httpMethod="GET", type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=invoke_uri(fn))
        gw.create_deployment(restApiId=bare["id"], stageName="prod")
        for method, path in (("GET", "/random"), ("POST", "/existing")):
            r = call("%s/_seki/execute-api/%s/prod%s" % (seki.endpoint, bare["id"], path), method=method)
            self.assertEqual((r.status, r.body), (403, MISSING_TOKEN))
            self.assertEqual(r.headers["x-amzn-ErrorType"], "MissingAuthenticationTokenException")

    def test_resource_policy_by_account(self):
        fn = create_function("rest-iam")
        api, url = proxy_api("partners", fn, authorization="AWS_IAM")
        base = "arn:aws:execute-api:%s:%s:%s" % (REGION, A, api)
        permit("rest-iam", "all", base + "/*/*/*")
        gw = seki.client("apigateway")
        # Callers of account B only: allowed for B, explicitly denied for
        # every other account (the API's own included).
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
             "Condition": {"StringEquals": {"aws:PrincipalAccount": B}}},
            {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
             "Condition": {"StringNotEquals": {"aws:PrincipalAccount": B}}}]}
        gw.update_rest_api(restApiId=api, patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(policy)}])
        stored = gw.get_rest_api(restApiId=api)["policy"]
        self.assertIn(base, stored.replace("\\", ""))

        invoke = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}
        partner = user("partner", invoke, account=ACCOUNT_B)
        insider = user("insider", invoke, account=ACCOUNT_A)

        r = call(url + "/orders/1")
        self.assertEqual((r.status, r.body), (403, MISSING_TOKEN))

        r = call(url + "/orders/1", creds=partner)
        self.assertEqual(r.status, 200, r.body)
        identity = r.json()["requestContext"]["identity"]
        self.assertEqual(identity["userArn"], "arn:aws:iam::%s:user/partner" % B)
        self.assertEqual(identity["accountId"], B)
        self.assertEqual(identity["accessKey"], partner[0])

        r = call(url + "/orders/1", creds=insider)
        self.assertEqual(r.status, 403, r.body)
        masked = "arn:aws:execute-api:%s:********%s:%s/prod/GET/orders/1" % (REGION, A[-4:], api)
        self.assertEqual(r.body, '{"Message":"User: arn:aws:iam::%s:user/insider is not authorized to perform: '
                                 'execute-api:Invoke on resource: %s with an explicit deny"}' % (A, masked))
        out = seki.wait_explained(r.headers["x-amzn-RequestId"], "user/insider asked to execute-api:Invoke")
        self.assertIn("Deny", out)

        # The partner without an identity policy: cross-account, both must
        # allow.
        idle = user("idle", account=ACCOUNT_B)
        r = call(url + "/orders/1", creds=idle)
        self.assertEqual(r.status, 403, r.body)
        self.assertNotIn("explicit", r.body)

        # Allowed by both policies, refused by the function's: 500, and
        # explain names that layer.
        seki.client("lambda").remove_permission(FunctionName="rest-iam", StatementId="all")
        r = call(url + "/orders/1", creds=partner)
        self.assertEqual((r.status, r.body), (500, INTERNAL))
        seki.wait_explained(r.headers["x-amzn-RequestId"], "apigateway.amazonaws.com asked to lambda:InvokeFunction")


if __name__ == "__main__":
    unittest.main()
