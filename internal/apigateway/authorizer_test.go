package apigateway_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	apigw "github.com/aws/aws-sdk-go-v2/service/apigateway"
	gw "github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	gwtypes "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// authfn creates the function of testdata/authfn (an authorizer that
// answers as its token says, and an integration that echoes its event)
// and returns its ARN.
func (e *env) authfn(name string) string {
	e.t.Helper()
	return e.function(name, bootstrapZip(e.t, "./testdata/authfn"))
}

// permitFn lets API Gateway invoke function name under sourceARN.
func (e *env) permitFn(name, sid, sourceARN string) {
	e.t.Helper()
	_, err := e.lam.AddPermission(context.Background(), &sdk.AddPermissionInput{
		FunctionName: aws.String(name), StatementId: aws.String(sid), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("apigateway.amazonaws.com"), SourceArn: aws.String(sourceARN),
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// api creates an HTTP API with an integration of fnARN (payload format
// version) and an auto-deployed $default stage, and returns its id and
// the integration's target.
func (e *env) api(fnARN, version string) (id, endpoint, target string) {
	e.t.Helper()
	ctx := context.Background()
	a, err := e.gw.CreateApi(ctx, &gw.CreateApiInput{Name: aws.String("auth"), ProtocolType: "HTTP"})
	if err != nil {
		e.t.Fatal(err)
	}
	ig, err := e.gw.CreateIntegration(ctx, &gw.CreateIntegrationInput{ApiId: a.ApiId, IntegrationType: "AWS_PROXY",
		IntegrationUri: aws.String(fnARN), PayloadFormatVersion: aws.String(version)})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.gw.CreateStage(ctx, &gw.CreateStageInput{ApiId: a.ApiId, StageName: aws.String("$default"), AutoDeploy: aws.Bool(true)}); err != nil {
		e.t.Fatal(err)
	}
	return *a.ApiId, *a.ApiEndpoint, "integrations/" + *ig.IntegrationId
}

// signed calls url as the holder of the credentials, signed for
// execute-api (empty key: unsigned).
func signed(t testing.TB, method, url, key, secret, token string) reply {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if key != "" {
		sum := sha256.Sum256(nil)
		hash := hex.EncodeToString(sum[:])
		creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, "execute-api", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return send(t, req)
}

// newUser creates an IAM user of the account of cfg with an inline policy
// (none when empty) and returns its keys.
func newUser(t testing.TB, cfg aws.Config, name, pol string) (string, string) {
	t.Helper()
	ctx := context.Background()
	im := iam.NewFromConfig(cfg)
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if pol != "" {
		if _, err := im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(pol)}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey
}

// explained is what `seki explain` prints for a request.
func explained(t testing.TB, e *env, id string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	deadline := time.Now().Add(5 * time.Second)
	for explain.Run(e.srv.DataDir, id, &out, &errOut) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("seki explain %s: %s", id, errOut.String())
		}
		out.Reset()
		errOut.Reset()
		time.Sleep(20 * time.Millisecond)
	}
	return out.String()
}

func invokePolicy(resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + resource + `"}]}`
}

func TestIAMRoute(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, endpoint, target := e.api(e.fnARN, "2.0")
	acct := servertest.AccountA.Account
	base := "arn:aws:execute-api:us-east-1:" + acct + ":" + id
	rt, err := e.gw.CreateRoute(ctx, &gw.CreateRouteInput{ApiId: aws.String(id), RouteKey: aws.String("GET /secret/{id}"),
		Target: aws.String(target), AuthorizationType: "AWS_IAM"})
	if err != nil || rt.AuthorizationType != "AWS_IAM" {
		t.Fatalf("CreateRoute AWS_IAM: %+v %v", rt, err)
	}
	e.permit("api", base+"/*/*")

	aliceKey, aliceSecret := newUser(t, e.srv.Root(servertest.AccountA), "alice", invokePolicy(base+"/$default/GET/secret/*"))
	bobKey, bobSecret := newUser(t, e.srv.Root(servertest.AccountA), "bob", "")
	// Another account's user, allowed by its own account: HTTP APIs have
	// no resource policy to admit it.
	carolKey, carolSecret := newUser(t, e.srv.Root(servertest.AccountB), "carol", invokePolicy("*"))

	url := endpoint + "/secret/7"
	if r := signed(t, "GET", url, "", "", ""); r.status != 403 || r.body != `{"message":"Forbidden"}` {
		t.Fatalf("unsigned: %d %s", r.status, r.body)
	}
	r := signed(t, "GET", url, aliceKey, aliceSecret, "")
	if r.status != 200 {
		t.Fatalf("alice: %d %s", r.status, r.body)
	}
	var ev struct {
		RequestContext struct {
			AccountID  string `json:"accountId"`
			Authorizer struct {
				IAM struct {
					AccessKey, AccountID, CallerID, UserArn, UserID string
					PrincipalOrgID                                  *string `json:"principalOrgId"`
				} `json:"iam"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	iamc := ev.RequestContext.Authorizer.IAM
	if iamc.AccessKey != aliceKey || iamc.AccountID != acct || iamc.UserArn != "arn:aws:iam::"+acct+":user/alice" ||
		!strings.HasPrefix(iamc.UserID, "AIDA") || iamc.CallerID != iamc.UserID || ev.RequestContext.AccountID != acct {
		t.Fatalf("requestContext.authorizer.iam: %+v (%s)", ev.RequestContext, r.body)
	}

	for who, k := range map[string][2]string{"bob": {bobKey, bobSecret}, "carol": {carolKey, carolSecret}} {
		r := signed(t, "GET", url, k[0], k[1], "")
		if r.status != 403 || r.body != `{"message":"Forbidden"}` {
			t.Fatalf("%s: %d %s", who, r.status, r.body)
		}
		d := e.srv.WaitDecision(t, r.header.Get("apigw-requestid"), "execute-api:Invoke", "user/"+who, 5*time.Second)
		if d.Decision == "allow" || d.Resource != base+"/$default/GET/secret/7" {
			t.Fatalf("%s's decision: %+v", who, d)
		}
		if out := explained(t, e, r.header.Get("apigw-requestid")); !strings.Contains(out, "user/"+who+" asked to execute-api:Invoke") {
			t.Fatalf("explain for %s names the caller's execute-api:Invoke:\n%s", who, out)
		}
	}
	// Carol in a role of the API's account is an API-account caller.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + servertest.AccountB.Account + `:root"},"Action":"sts:AssumeRole"}]}`
	im := iam.NewFromConfig(e.srv.Root(servertest.AccountA))
	if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("caller"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("caller"), PolicyName: aws.String("p"), PolicyDocument: aws.String(invokePolicy(base + "/*"))}); err != nil {
		t.Fatal(err)
	}
	carolCfg := e.srv.Config(carolKey, carolSecret, "")
	if _, err := iam.NewFromConfig(e.srv.Root(servertest.AccountB)).PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke","sts:AssumeRole"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	as, err := sts.NewFromConfig(carolCfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/caller"), RoleSessionName: aws.String("carol")})
	if err != nil {
		t.Fatal(err)
	}
	c := as.Credentials
	if r := signed(t, "GET", url, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken); r.status != 200 {
		t.Fatalf("carol in the API account's role: %d %s", r.status, r.body)
	}

	// Alice is allowed, the function's policy is not: the other layer
	// denied, and explain says which.
	e.unpermit("api")
	r = signed(t, "GET", url, aliceKey, aliceSecret, "")
	if r.status != 500 || r.body != `{"message":"Internal Server Error"}` {
		t.Fatalf("alice without the function's permission: %d %s", r.status, r.body)
	}
	out := explained(t, e, r.header.Get("apigw-requestid"))
	if !strings.Contains(out, "user/alice asked to execute-api:Invoke") || !strings.Contains(out, "apigateway.amazonaws.com asked to lambda:InvokeFunction") {
		t.Fatalf("explain of a refused function permission:\n%s", out)
	}
	// A signature for another service is refused with what is wrong.
	req, _ := http.NewRequest("GET", url, nil)
	sum := sha256.Sum256(nil)
	v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: aliceKey, SecretAccessKey: aliceSecret}, req, hex.EncodeToString(sum[:]), "lambda", "us-east-1", time.Now())
	if r := send(t, req); r.status != 403 || !strings.Contains(r.body, "execute-api") {
		t.Fatalf("signed for lambda: %d %s", r.status, r.body)
	}
	// UpdateRoute back to NONE: anyone.
	if _, err := e.gw.UpdateRoute(ctx, &gw.UpdateRouteInput{ApiId: aws.String(id), RouteId: rt.RouteId, AuthorizationType: "NONE"}); err != nil {
		t.Fatal(err)
	}
	e.permit("api2", base+"/*/*")
	if r := signed(t, "GET", url, "", "", ""); r.status != 200 {
		t.Fatalf("NONE again: %d %s", r.status, r.body)
	}
}

// authorized calls url with an Authorization header.
func authorized(t testing.TB, url, token string) reply {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	return send(t, req)
}

func TestLambdaAuthorizer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	echo := e.authfn("echo")
	authARN := e.authfn("authorizer")
	id, endpoint, target := e.api(echo, "2.0")
	acct := servertest.AccountA.Account
	base := "arn:aws:execute-api:us-east-1:" + acct + ":" + id
	e.permitFn("echo", "api", base+"/*/*")
	uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + authARN + "/invocations"

	simple, err := e.gw.CreateAuthorizer(ctx, &gw.CreateAuthorizerInput{ApiId: aws.String(id), Name: aws.String("simple"),
		AuthorizerType: "REQUEST", AuthorizerUri: aws.String(uri), AuthorizerPayloadFormatVersion: aws.String("2.0"),
		EnableSimpleResponses: aws.Bool(true), IdentitySource: []string{"$request.header.Authorization"}})
	if err != nil || !*simple.EnableSimpleResponses || simple.IdentitySource[0] != "$request.header.Authorization" {
		t.Fatalf("CreateAuthorizer: %+v %v", simple, err)
	}
	iamAuth, err := e.gw.CreateAuthorizer(ctx, &gw.CreateAuthorizerInput{ApiId: aws.String(id), Name: aws.String("policy"),
		AuthorizerType: "REQUEST", AuthorizerUri: aws.String(uri), AuthorizerPayloadFormatVersion: aws.String("2.0"),
		IdentitySource: []string{"$request.header.Authorization"}, AuthorizerResultTtlInSeconds: aws.Int32(300)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.gw.CreateAuthorizer(ctx, &gw.CreateAuthorizerInput{ApiId: aws.String(id), Name: aws.String("bad"),
		AuthorizerType: "REQUEST", AuthorizerUri: aws.String("arn:aws:lambda:us-east-1:" + acct + ":function:x"),
		AuthorizerPayloadFormatVersion: aws.String("2.0"), IdentitySource: []string{"$request.header.Authorization"}}); err == nil {
		t.Fatal("an authorizer URI that is not an invoke URI was accepted")
	}
	for key, au := range map[string]*string{"GET /simple": simple.AuthorizerId, "GET /policy/{id}": iamAuth.AuthorizerId} {
		if _, err := e.gw.CreateRoute(ctx, &gw.CreateRouteInput{ApiId: aws.String(id), RouteKey: aws.String(key),
			Target: aws.String(target), AuthorizationType: "CUSTOM", AuthorizerId: au}); err != nil {
			t.Fatal(key, err)
		}
	}
	if _, err := e.gw.CreateRoute(ctx, &gw.CreateRouteInput{ApiId: aws.String(id), RouteKey: aws.String("GET /x"),
		Target: aws.String(target), AuthorizationType: "CUSTOM", AuthorizerId: aws.String("nope")}); err == nil {
		t.Fatal("a route naming no authorizer was accepted")
	}
	got, err := e.gw.GetAuthorizers(ctx, &gw.GetAuthorizersInput{ApiId: aws.String(id)})
	if err != nil || len(got.Items) != 2 {
		t.Fatalf("GetAuthorizers: %+v %v", got, err)
	}

	// The authorizer's function does not allow API Gateway yet: 500, and
	// the log has the refusal under the authorizer's source ARN.
	r := authorized(t, endpoint+"/simple", "allow")
	if r.status != 500 || r.body != `{"message":"Internal Server Error"}` {
		t.Fatalf("authorizer without permission: %d %s", r.status, r.body)
	}
	out := explained(t, e, r.header.Get("apigw-requestid"))
	if !strings.Contains(out, "apigateway.amazonaws.com asked to lambda:InvokeFunction on "+authARN) {
		t.Fatalf("explain of the authorizer's refused invocation:\n%s", out)
	}
	e.permitFn("authorizer", "authorizers", base+"/authorizers/*")

	// No identity source: 401 without calling the authorizer.
	if r := authorized(t, endpoint+"/simple", ""); r.status != 401 || r.body != `{"message":"Unauthorized"}` {
		t.Fatalf("no Authorization header: %d %s", r.status, r.body)
	}
	// Allowed: the context reaches the integration.
	r = authorized(t, endpoint+"/simple", "allow")
	if r.status != 200 {
		t.Fatalf("simple allow: %d %s", r.status, r.body)
	}
	var ev struct {
		RequestContext struct {
			Authorizer struct {
				Lambda map[string]any `json:"lambda"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	if l := ev.RequestContext.Authorizer.Lambda; l["user"] != "alice" || l["level"] != float64(7) {
		t.Fatalf("requestContext.authorizer.lambda: %s", r.body)
	}
	// Denied by a simple response, by a policy; the authorizer's decision
	// is in the log.
	for path, tok := range map[string]string{"/simple": "deny", "/policy/1": "policy-deny"} {
		r := authorized(t, endpoint+path, tok)
		if r.status != 403 || r.body != `{"message":"Forbidden"}` {
			t.Fatalf("%s %s: %d %s", path, tok, r.status, r.body)
		}
		out := explained(t, e, r.header.Get("apigw-requestid"))
		if !strings.Contains(out, base+"/authorizers/") || !strings.Contains(out, "execute-api:Invoke on "+base+"/$default/GET"+path) {
			t.Fatalf("explain of %s:\n%s", tok, out)
		}
	}
	if r := authorized(t, endpoint+"/simple", "unauthorized"); r.status != 401 {
		t.Fatalf("authorizer raising Unauthorized: %d %s", r.status, r.body)
	}
	if r := authorized(t, endpoint+"/simple", "boom"); r.status != 500 {
		t.Fatalf("authorizer failing: %d %s", r.status, r.body)
	}
	// A policy answer allows the route it names; it is cached for 300 s
	// by identity source, so a second call does not invoke the
	// authorizer, and the cached policy still decides per route.
	r = authorized(t, endpoint+"/policy/1", "policy-allow")
	if r.status != 200 || !strings.Contains(r.body, `"lambda":{`) {
		t.Fatalf("policy allow: %d %s", r.status, r.body)
	}
	r = authorized(t, endpoint+"/policy/2", "policy-allow")
	if r.status != 403 {
		t.Fatalf("cached policy naming another path: %d %s", r.status, r.body)
	}
	for _, d := range e.srv.Decisions(t, r.header.Get("apigw-requestid")) {
		if strings.Contains(d.Resource, authARN) {
			t.Fatalf("a cached answer invoked the authorizer: %+v", d)
		}
	}
	// Deleting the authorizer a route names.
	if _, err := e.gw.DeleteAuthorizer(ctx, &gw.DeleteAuthorizerInput{ApiId: aws.String(id), AuthorizerId: simple.AuthorizerId}); err == nil {
		t.Fatal("an authorizer a route uses was deleted")
	}
	// UpdateAuthorizer: an updated authorizer's cached answers are gone
	// (its TTL is now 0), and a bad update changes nothing.
	up, err := e.gw.UpdateAuthorizer(ctx, &gw.UpdateAuthorizerInput{ApiId: aws.String(id), AuthorizerId: iamAuth.AuthorizerId,
		Name: aws.String("policy2"), AuthorizerResultTtlInSeconds: aws.Int32(0)})
	if err != nil || *up.Name != "policy2" || *up.AuthorizerResultTtlInSeconds != 0 || *up.AuthorizerUri != uri {
		t.Fatalf("UpdateAuthorizer: %+v %v", up, err)
	}
	if _, err := e.gw.UpdateAuthorizer(ctx, &gw.UpdateAuthorizerInput{ApiId: aws.String(id), AuthorizerId: iamAuth.AuthorizerId,
		AuthorizerPayloadFormatVersion: aws.String("3.0")}); err == nil {
		t.Fatal("payload format 3.0 was accepted")
	}
	if got, err := e.gw.GetAuthorizer(ctx, &gw.GetAuthorizerInput{ApiId: aws.String(id), AuthorizerId: iamAuth.AuthorizerId}); err != nil || *got.AuthorizerPayloadFormatVersion != "2.0" || *got.Name != "policy2" {
		t.Fatalf("GetAuthorizer after a refused update: %+v %v", got, err)
	}
	r = authorized(t, endpoint+"/policy/1", "policy-allow")
	if r.status != 200 {
		t.Fatalf("after UpdateAuthorizer: %d %s", r.status, r.body)
	}
	// The answer is judged after the authorizer's invocation: once that
	// decision is logged, so is the invocation's, if there was one.
	e.srv.WaitDecision(t, r.header.Get("apigw-requestid"), "execute-api:Invoke", "/authorizers/", 5*time.Second)
	invoked := false
	for _, d := range e.srv.Decisions(t, r.header.Get("apigw-requestid")) {
		invoked = invoked || strings.Contains(d.Resource, authARN)
	}
	if !invoked {
		t.Fatal("the updated authorizer's answer came from the old one's cache")
	}
}

func TestPayloadFormatV1(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	echo := e.authfn("echo")
	authARN := e.authfn("authorizer")
	id, endpoint, target := e.api(echo, "1.0")
	acct := servertest.AccountA.Account
	base := "arn:aws:execute-api:us-east-1:" + acct + ":" + id
	e.permitFn("echo", "api", base+"/*/*")
	e.permitFn("authorizer", "authorizers", base+"/authorizers/*")
	au, err := e.gw.CreateAuthorizer(ctx, &gw.CreateAuthorizerInput{ApiId: aws.String(id), Name: aws.String("v1"),
		AuthorizerType: "REQUEST", AuthorizerPayloadFormatVersion: aws.String("1.0"), IdentitySource: []string{"$request.header.Authorization"},
		AuthorizerUri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + authARN + "/invocations")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.gw.CreateAuthorizer(ctx, &gw.CreateAuthorizerInput{ApiId: aws.String(id), Name: aws.String("v1simple"),
		AuthorizerType: "REQUEST", AuthorizerPayloadFormatVersion: aws.String("1.0"), EnableSimpleResponses: aws.Bool(true),
		IdentitySource: []string{"$request.header.Authorization"},
		AuthorizerUri:  aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + authARN + "/invocations")}); err == nil {
		t.Fatal("simple responses were accepted for payload format 1.0")
	}
	for key, auth := range map[string]gwtypes.AuthorizationType{"GET /v1/{id}": "CUSTOM", "POST /iam": "AWS_IAM"} {
		in := &gw.CreateRouteInput{ApiId: aws.String(id), RouteKey: aws.String(key), Target: aws.String(target), AuthorizationType: auth}
		if auth == "CUSTOM" {
			in.AuthorizerId = au.AuthorizerId
		}
		if _, err := e.gw.CreateRoute(ctx, in); err != nil {
			t.Fatal(key, err)
		}
	}
	// The 1.0 authorizer gets methodArn and identitySource as a string
	// (authfn reads its token from there and allows methodArn).
	r := authorized(t, endpoint+"/v1/42?a=1&a=2", "policy-allow")
	if r.status != 200 {
		t.Fatalf("1.0 route behind a 1.0 authorizer: %d %s", r.status, r.body)
	}
	var ev struct {
		Version, Resource, Path, HTTPMethod, RouteKey string
		PathParameters                                map[string]string
		MultiValueQueryStringParameters               map[string][]string
		RequestContext                                struct {
			AccountID, Stage string
			Authorizer       map[string]any
			Identity         struct{ UserArn, AccessKey *string }
		}
	}
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Version != "1.0" || ev.Resource != "/v1/{id}" || ev.Path != "/v1/42" || ev.HTTPMethod != "GET" || ev.RouteKey != "GET /v1/{id}" ||
		ev.PathParameters["id"] != "42" || len(ev.MultiValueQueryStringParameters["a"]) != 2 || ev.RequestContext.AccountID != acct ||
		ev.RequestContext.Authorizer["principalId"] != "alice" || ev.RequestContext.Authorizer["user"] != "alice" || ev.RequestContext.Identity.UserArn != nil {
		t.Fatalf("1.0 event: %s", r.body)
	}
	if r := authorized(t, endpoint+"/v1/42", "policy-deny"); r.status != 403 || r.body != `{"message":"Forbidden"}` {
		t.Fatalf("1.0 authorizer denying: %d %s", r.status, r.body)
	}
	// AWS_IAM with format 1.0: requestContext.identity is the caller.
	r = signed(t, "POST", endpoint+"/iam", servertest.AccountA.AccessKeyID, servertest.AccountA.Secret, "")
	if r.status != 200 {
		t.Fatalf("AWS_IAM 1.0: %d %s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.RequestContext.Identity.UserArn == nil || *ev.RequestContext.Identity.UserArn != "arn:aws:iam::"+acct+":root" ||
		*ev.RequestContext.Identity.AccessKey != servertest.AccountA.AccessKeyID {
		t.Fatalf("AWS_IAM 1.0 identity: %s", r.body)
	}
}

func TestRestLambdaAuthorizer(t *testing.T) {
	e := newRestEnv(t)
	ctx := context.Background()
	authARN := e.authfn("authorizer")
	uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + authARN + "/invocations"
	token, err := e.v1.CreateAuthorizer(ctx, &apigw.CreateAuthorizerInput{RestApiId: &e.api, Name: aws.String("token"),
		Type: "TOKEN", AuthorizerUri: aws.String(uri), IdentitySource: aws.String("method.request.header.Authorization")})
	if err != nil || *token.AuthorizerResultTtlInSeconds != 300 {
		t.Fatalf("CreateAuthorizer TOKEN: %+v %v", token, err)
	}
	request, err := e.v1.CreateAuthorizer(ctx, &apigw.CreateAuthorizerInput{RestApiId: &e.api, Name: aws.String("request"),
		Type: "REQUEST", AuthorizerUri: aws.String(uri), IdentitySource: aws.String("method.request.header.Authorization"),
		AuthorizerResultTtlInSeconds: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.v1.GetAuthorizers(ctx, &apigw.GetAuthorizersInput{RestApiId: &e.api}); err != nil || len(got.Items) != 2 {
		t.Fatalf("GetAuthorizers: %+v %v", got, err)
	}
	if got, err := e.v1.GetAuthorizer(ctx, &apigw.GetAuthorizerInput{RestApiId: &e.api, AuthorizerId: request.Id}); err != nil || got.Type != "REQUEST" {
		t.Fatalf("GetAuthorizer: %+v %v", got, err)
	}
	res, err := e.v1.GetResources(ctx, &apigw.GetResourcesInput{RestApiId: &e.api})
	if err != nil {
		t.Fatal(err)
	}
	var root string
	for _, r := range res.Items {
		if *r.Path == "/" {
			root = *r.Id
		}
	}
	for part, au := range map[string]*string{"token": token.Id, "request": request.Id} {
		id := e.resource(root, part)
		if _, err := e.v1.PutMethod(ctx, &apigw.PutMethodInput{RestApiId: &e.api, ResourceId: &id, HttpMethod: aws.String("GET"),
			AuthorizationType: aws.String("CUSTOM"), AuthorizerId: au}); err != nil {
			t.Fatal(part, err)
		}
		if _, err := e.v1.PutIntegration(ctx, &apigw.PutIntegrationInput{RestApiId: &e.api, ResourceId: &id, HttpMethod: aws.String("GET"),
			Type: "AWS_PROXY", IntegrationHttpMethod: aws.String("POST"),
			Uri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + e.fnARN + "/invocations")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.v1.CreateDeployment(ctx, &apigw.CreateDeploymentInput{RestApiId: &e.api, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	e.permit("api", e.base()+"/*/*")

	// No token: 401 without calling the authorizer.
	if r := authorized(t, e.url("/prod/token"), ""); r.status != 401 || r.body != `{"message":"Unauthorized"}` {
		t.Fatalf("no token: %d %s", r.status, r.body)
	}
	// The authorizer's function policy does not allow API Gateway: 500.
	r := authorized(t, e.url("/prod/token"), "policy-allow")
	if r.status != 500 {
		t.Fatalf("authorizer without permission: %d %s", r.status, r.body)
	}
	if out := explained(t, e.env, r.header.Get("x-amzn-RequestId")); !strings.Contains(out, "apigateway.amazonaws.com asked to lambda:InvokeFunction on "+authARN) {
		t.Fatalf("explain of the refused authorizer:\n%s", out)
	}
	e.permitFn("authorizer", "authorizers", e.base()+"/authorizers/*")

	for _, path := range []string{"/prod/token", "/prod/request"} {
		r := authorized(t, e.url(path), "policy-allow")
		if r.status != 200 {
			t.Fatalf("%s allowed: %d %s", path, r.status, r.body)
		}
		var ev events.APIGatewayProxyRequest
		if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
			t.Fatal(err)
		}
		if a := ev.RequestContext.Authorizer; a["principalId"] != "alice" || a["user"] != "alice" || a["level"] != float64(7) {
			t.Fatalf("%s requestContext.authorizer: %s", path, r.body)
		}
		r = authorized(t, e.url(path), "policy-deny")
		if r.status != 403 || r.body != `{"Message":"User is not authorized to access this resource with an explicit deny"}` {
			t.Fatalf("%s denied: %d %s", path, r.status, r.body)
		}
		out := explained(t, e.env, r.header.Get("x-amzn-RequestId"))
		if !strings.Contains(out, e.base()+"/authorizers/") || !strings.Contains(out, "asked to execute-api:Invoke on "+e.base()+"/prod/GET"+strings.TrimPrefix(path, "/prod")) {
			t.Fatalf("explain of %s denied:\n%s", path, out)
		}
		if r := authorized(t, e.url(path), "unauthorized"); r.status != 401 || r.body != `{"message":"Unauthorized"}` {
			t.Fatalf("%s Unauthorized: %d %s", path, r.status, r.body)
		}
		// A simple response is not a REST authorizer's answer.
		if r := authorized(t, e.url(path), "allow"); r.status != 500 {
			t.Fatalf("%s simple answer: %d %s", path, r.status, r.body)
		}
	}
	// The API's resource policy is evaluated with the authorizer's answer:
	// its explicit Deny refuses what the authorizer allows, in its own
	// words; where it says nothing, the authorizer's Allow is enough.
	e.setPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/GET/request"}]}`)
	r = authorized(t, e.url("/prod/request"), "policy-allow")
	if r.status != 403 || !strings.Contains(r.body, "is not authorized to perform: execute-api:Invoke on resource:") || !strings.HasSuffix(r.body, `with an explicit deny"}`) {
		t.Fatalf("resource policy denying what the authorizer allows: %d %s", r.status, r.body)
	}
	if r := authorized(t, e.url("/prod/token"), "policy-allow"); r.status != 200 {
		t.Fatalf("resource policy silent, authorizer allowing: %d %s", r.status, r.body)
	}
	if _, err := e.v1.DeleteAuthorizer(ctx, &apigw.DeleteAuthorizerInput{RestApiId: &e.api, AuthorizerId: token.Id}); err == nil {
		t.Fatal("an authorizer a method uses was deleted")
	}
	if _, err := e.v1.PutMethod(ctx, &apigw.PutMethodInput{RestApiId: &e.api, ResourceId: &root, HttpMethod: aws.String("PUT"),
		AuthorizationType: aws.String("CUSTOM"), AuthorizerId: aws.String("nope")}); err == nil {
		t.Fatal("a CUSTOM method naming no authorizer was accepted")
	}
}
