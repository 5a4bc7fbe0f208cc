package apigateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	apigw "github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// REST APIs end to end: managed with aws-sdk-go-v2's apigateway client,
// called over real HTTP, answered by a real aws-lambda-go function
// (testdata/restecho) that decodes the format 1.0 event.

type restEnv struct {
	*env
	v1  *apigw.Client
	api string // REST API id
}

// newRestEnv starts seki with the restecho function and a REST API whose
// root has GET, with /items/{id} GET, /items/special GET and /{proxy+}
// ANY, each an AWS_PROXY integration of restecho, deployed to "prod".
func newRestEnv(t testing.TB) *restEnv {
	t.Helper()
	e := &restEnv{env: newBareEnv(t)}
	e.fnARN = e.function("restecho", bootstrapZip(t, "./testdata/restecho"))
	e.v1 = apigw.NewFromConfig(e.srv.Root(servertest.AccountA))
	ctx := context.Background()
	a, err := e.v1.CreateRestApi(ctx, &apigw.CreateRestApiInput{Name: aws.String("shop")})
	if err != nil {
		t.Fatal(err)
	}
	e.api = *a.Id
	root := *a.RootResourceId
	e.method(root, "GET", "NONE")
	items := e.resource(root, "items")
	e.method(e.resource(items, "{id}"), "GET", "NONE")
	e.method(e.resource(items, "special"), "GET", "NONE")
	e.method(e.resource(root, "{proxy+}"), "ANY", "NONE")
	if _, err := e.v1.CreateDeployment(ctx, &apigw.CreateDeploymentInput{RestApiId: a.Id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *restEnv) resource(parent, part string) string {
	e.t.Helper()
	r, err := e.v1.CreateResource(context.Background(), &apigw.CreateResourceInput{RestApiId: &e.api, ParentId: &parent, PathPart: &part})
	if err != nil {
		e.t.Fatal(part, err)
	}
	return *r.Id
}

// method puts an HTTP method with authorization auth and a Lambda proxy
// integration of the env's function on a resource.
func (e *restEnv) method(res, httpMethod, auth string) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.v1.PutMethod(ctx, &apigw.PutMethodInput{RestApiId: &e.api, ResourceId: &res, HttpMethod: &httpMethod, AuthorizationType: &auth}); err != nil {
		e.t.Fatal(err)
	}
	_, err := e.v1.PutIntegration(ctx, &apigw.PutIntegrationInput{RestApiId: &e.api, ResourceId: &res, HttpMethod: &httpMethod,
		Type: "AWS_PROXY", IntegrationHttpMethod: aws.String("POST"),
		Uri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + e.fnARN + "/invocations")})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *restEnv) url(path string) string {
	return e.srv.URL + "/_seki/execute-api/" + e.api + path
}

func (e *restEnv) base() string {
	return "arn:aws:execute-api:us-east-1:" + strings.Split(e.fnARN, ":")[4] + ":" + e.api
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestRestProxyAndLambdaPermission(t *testing.T) {
	e := newRestEnv(t)

	// Unknown routes and methods, on an API without {proxy+}: REST's
	// Missing Authentication Token.
	ctx := context.Background()
	bare, err := e.v1.CreateRestApi(ctx, &apigw.CreateRestApiInput{Name: aws.String("bare")})
	if err != nil {
		t.Fatal(err)
	}
	only := restEnv{env: e.env, v1: e.v1, api: *bare.Id}
	only.method(only.resource(*bare.RootResourceId, "existing"), "GET", "NONE")
	if _, err := e.v1.CreateDeployment(ctx, &apigw.CreateDeploymentInput{RestApiId: bare.Id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path string }{{"GET", "/prod/random"}, {"POST", "/prod/existing"}, {"GET", "/prod/"}} {
		r := call(t, c.method, only.url(c.path))
		if r.status != 403 || r.body != `{"message":"Missing Authentication Token"}` || r.header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Fatalf("%s %s: %d %v %s", c.method, c.path, r.status, r.header, r.body)
		}
	}

	// No Lambda permission: 500, and the door refused apigateway.amazonaws.com.
	r := call(t, "GET", e.url("/prod/items/7"))
	if r.status != 500 || r.body != `{"message": "Internal server error"}` {
		t.Fatalf("without permission: %d %s", r.status, r.body)
	}
	d := e.srv.WaitDecision(t, r.header.Get("x-amzn-RequestId"), "lambda:InvokeFunction", "apigateway.amazonaws.com", 0)
	if strings.EqualFold(d.Decision, "allow") {
		t.Fatalf("decision %+v", d)
	}
	// Permissions for another stage, another method: still 500.
	e.permit("other-stage", e.base()+"/dev/GET/items/{id}")
	e.permit("other-method", e.base()+"/*/POST/items/{id}")
	if r := call(t, "GET", e.url("/prod/items/7")); r.status != 500 {
		t.Fatalf("permission for another stage or method: %d %s", r.status, r.body)
	}
	// The method's own source ARN names the resource path as defined.
	e.permit("items", e.base()+"/*/GET/items/{id}")
	r = call(t, "GET", e.url("/prod/items/7?x=1&x=2"))
	if r.status != 200 || r.header.Get("X-Handler") != "aws-lambda-go" {
		t.Fatalf("permitted: %d %v %s", r.status, r.header, r.body)
	}
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	rc := ev.RequestContext
	if ev.Resource != "/items/{id}" || ev.Path != "/items/7" || ev.HTTPMethod != "GET" || ev.PathParameters["id"] != "7" ||
		ev.QueryStringParameters["x"] != "2" || len(ev.MultiValueQueryStringParameters["x"]) != 2 ||
		rc.Stage != "prod" || rc.Path != "/prod/items/7" || rc.ResourcePath != "/items/{id}" || rc.APIID != e.api ||
		rc.RequestID != r.header.Get("x-amzn-RequestId") || rc.Identity.SourceIP != "127.0.0.1" {
		t.Fatalf("event as aws-lambda-go read it: %+v", ev)
	}

	// Literal over {param} over {proxy+}: /items/special and /a/b are other
	// resources, with other source ARNs.
	for path, resource := range map[string]string{"/items/special": "/items/special", "/a/b": "/{proxy+}", "/": "/"} {
		if r := call(t, "GET", e.url("/prod"+path)); r.status != 500 {
			t.Fatalf("%s without its permission: %d %s", path, r.status, r.body)
		}
		e.permit(strings.NewReplacer("/", "x", "{", "", "}", "", "+", "").Replace(resource), e.base()+"/prod/GET"+resource)
		r := call(t, "GET", e.url("/prod"+path))
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		var ev events.APIGatewayProxyRequest
		json.Unmarshal([]byte(r.body), &ev)
		if ev.Resource != resource {
			t.Fatalf("%s matched %q, want %q", path, ev.Resource, resource)
		}
		if resource == "/{proxy+}" && ev.PathParameters["proxy"] != "a/b" {
			t.Fatalf("proxy parameter %v", ev.PathParameters)
		}
	}
	// The host form reaches the same API.
	e.permit("all", e.base()+"/*/*/*")
	req, _ := http.NewRequest("GET", e.srv.URL+"/prod/x/multi", nil)
	req.Host = e.api + ".execute-api.us-east-1.localhost:4566"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("host form: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// The function's answers: multiValueHeaders, an unusable answer, an error.
	if r := call(t, "GET", e.url("/prod/x/multi")); r.status != 201 || strings.Join(r.header.Values("X-Multi"), ",") != "a,b" || r.body != "multi" {
		t.Fatalf("multiValueHeaders: %d %v %s", r.status, r.header, r.body)
	}
	for _, p := range []string{"/prod/x/bad", "/prod/x/boom"} {
		if r := call(t, "GET", e.url(p)); r.status != 502 || r.body != `{"message": "Internal server error"}` {
			t.Fatalf("%s: %d %s", p, r.status, r.body)
		}
	}
	// An unknown stage.
	if r := call(t, "GET", e.url("/nostage/items/7")); r.status != 403 {
		t.Fatalf("unknown stage: %d %s", r.status, r.body)
	}
}

// A deployment is a snapshot: a method added later answers only once
// deployed again.
func TestRestDeploymentSnapshot(t *testing.T) {
	e := newRestEnv(t)
	ctx := context.Background()
	e.permit("all", e.base()+"/*/*/*")
	res, err := e.v1.GetResources(ctx, &apigw.GetResourcesInput{RestApiId: &e.api})
	if err != nil {
		t.Fatal(err)
	}
	var items string
	paths := map[string]bool{}
	for _, it := range res.Items {
		paths[*it.Path] = true
		if *it.Path == "/items" {
			items = *it.Id
		}
	}
	for _, p := range []string{"/", "/items", "/items/{id}", "/items/special", "/{proxy+}"} {
		if !paths[p] {
			t.Fatalf("GetResources lacks %s: %v", p, paths)
		}
	}
	e.method(items, "POST", "NONE")
	// Not deployed: POST /items still reaches /{proxy+} ANY, as the
	// deployed tree has no POST on /items; deployed, /items answers.
	resourceOf := func(r reply) string {
		var ev events.APIGatewayProxyRequest
		json.Unmarshal([]byte(r.body), &ev)
		return ev.Resource
	}
	if r := call(t, "POST", e.url("/prod/items")); r.status != 200 || resourceOf(r) != "/{proxy+}" {
		t.Fatalf("undeployed method: %d %s", r.status, r.body)
	}
	d, err := e.v1.CreateDeployment(ctx, &apigw.CreateDeploymentInput{RestApiId: &e.api, StageName: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	if r := call(t, "POST", e.url("/prod/items")); r.status != 200 || resourceOf(r) != "/items" {
		t.Fatalf("deployed method: %d %s", r.status, r.body)
	}
	st, err := e.v1.GetStage(ctx, &apigw.GetStageInput{RestApiId: &e.api, StageName: aws.String("prod")})
	if err != nil || *st.DeploymentId != *d.Id {
		t.Fatalf("GetStage: %+v %v", st, err)
	}
	deps, err := e.v1.GetDeployments(ctx, &apigw.GetDeploymentsInput{RestApiId: &e.api})
	if err != nil || len(deps.Items) != 2 {
		t.Fatalf("GetDeployments: %+v %v", deps, err)
	}
}

func TestRestControlPlaneErrors(t *testing.T) {
	e := newRestEnv(t)
	ctx := context.Background()
	_, err := e.v1.GetRestApi(ctx, &apigw.GetRestApiInput{RestApiId: aws.String("nosuchapi0")})
	if errorCode(err) != "NotFoundException" || !strings.Contains(err.Error(), "Invalid API identifier specified") {
		t.Fatalf("GetRestApi of an unknown id: %v", err)
	}
	a, err := e.v1.GetRestApi(ctx, &apigw.GetRestApiInput{RestApiId: &e.api})
	if err != nil {
		t.Fatal(err)
	}
	root := *a.RootResourceId
	for _, c := range []struct{ parent, part, code, msg string }{
		{root, "items", "ConflictException", "Another resource with the same parent already has this name: items"},
		{root, "{other}", "BadRequestException", "A sibling ({proxy+}) of this resource already has a variable path part -- only one is allowed"},
		{"nosuchres", "x", "NotFoundException", "Invalid Resource identifier specified"},
		{root, "bad part", "BadRequestException", "path part"},
	} {
		_, err := e.v1.CreateResource(ctx, &apigw.CreateResourceInput{RestApiId: &e.api, ParentId: &c.parent, PathPart: &c.part})
		if errorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("CreateResource %q: %v", c.part, err)
		}
	}
	res, _ := e.v1.GetResources(ctx, &apigw.GetResourcesInput{RestApiId: &e.api})
	for _, it := range res.Items {
		if *it.Path == "/{proxy+}" {
			_, err := e.v1.CreateResource(ctx, &apigw.CreateResourceInput{RestApiId: &e.api, ParentId: it.Id, PathPart: aws.String("child")})
			if errorCode(err) != "BadRequestException" || !strings.Contains(err.Error(), "greedy path variable: {proxy+}") {
				t.Errorf("child of {proxy+}: %v", err)
			}
			_, err = e.v1.GetMethod(ctx, &apigw.GetMethodInput{RestApiId: &e.api, ResourceId: it.Id, HttpMethod: aws.String("GET")})
			if errorCode(err) != "NotFoundException" || !strings.Contains(err.Error(), "Invalid Method identifier specified") {
				t.Errorf("GetMethod of a missing method: %v", err)
			}
			m, err := e.v1.GetMethod(ctx, &apigw.GetMethodInput{RestApiId: &e.api, ResourceId: it.Id, HttpMethod: aws.String("ANY")})
			if err != nil || *m.AuthorizationType != "NONE" || m.MethodIntegration == nil || m.MethodIntegration.Type != "AWS_PROXY" {
				t.Errorf("GetMethod: %+v %v", m, err)
			}
		}
	}
	_, err = e.v1.PutMethod(ctx, &apigw.PutMethodInput{RestApiId: &e.api, ResourceId: &root, HttpMethod: aws.String("POST"), AuthorizationType: aws.String("CUSTOM"), AuthorizerId: aws.String("nope")})
	if errorCode(err) != "BadRequestException" || !strings.Contains(err.Error(), "Invalid authorizer ID specified") {
		t.Errorf("CUSTOM with an unknown authorizer: %v", err)
	}
	_, err = e.v1.PutMethod(ctx, &apigw.PutMethodInput{RestApiId: &e.api, ResourceId: &root, HttpMethod: aws.String("FETCH"), AuthorizationType: aws.String("NONE")})
	if errorCode(err) != "BadRequestException" || !strings.Contains(err.Error(), "Invalid HttpMethod specified") {
		t.Errorf("unknown HTTP method: %v", err)
	}
	_, err = e.v1.PutIntegration(ctx, &apigw.PutIntegrationInput{RestApiId: &e.api, ResourceId: &root, HttpMethod: aws.String("GET"),
		Type: "AWS_PROXY", IntegrationHttpMethod: aws.String("POST"), Uri: aws.String(e.fnARN)})
	if errorCode(err) != "BadRequestException" || !strings.Contains(err.Error(), "AWS ARN for integration must contain path or action") {
		t.Errorf("a bare function ARN as the URI: %v", err)
	}

	// UpdateRestApi: name, description; tags.
	up, err := e.v1.UpdateRestApi(ctx, &apigw.UpdateRestApiInput{RestApiId: &e.api, PatchOperations: []apigwtypes.PatchOperation{
		{Op: "replace", Path: aws.String("/name"), Value: aws.String("renamed")},
		{Op: "replace", Path: aws.String("/description"), Value: aws.String("d")}}})
	if err != nil || *up.Name != "renamed" || *up.Description != "d" {
		t.Fatalf("UpdateRestApi: %+v %v", up, err)
	}
	arn := "arn:aws:apigateway:us-east-1::/restapis/" + e.api
	if _, err := e.v1.TagResource(ctx, &apigw.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"team": "a"}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := e.v1.GetTags(ctx, &apigw.GetTagsInput{ResourceArn: &arn}); err != nil || tags.Tags["team"] != "a" {
		t.Fatalf("GetTags: %+v %v", tags, err)
	}
	if _, err := e.v1.UntagResource(ctx, &apigw.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := e.v1.GetTags(ctx, &apigw.GetTagsInput{ResourceArn: &arn}); err != nil || len(tags.Tags) != 0 {
		t.Fatalf("GetTags after untag: %+v %v", tags, err)
	}

	// Deleting the API: calls find nothing, GetRestApi NotFound.
	if _, err := e.v1.DeleteRestApi(ctx, &apigw.DeleteRestApiInput{RestApiId: &e.api}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v1.GetRestApi(ctx, &apigw.GetRestApiInput{RestApiId: &e.api}); errorCode(err) != "NotFoundException" {
		t.Fatalf("GetRestApi after delete: %v", err)
	}
}

// restPolicy is a resource policy of statements (JSON objects).
func restPolicy(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func (e *restEnv) setPolicy(doc string) {
	e.t.Helper()
	_, err := e.v1.UpdateRestApi(context.Background(), &apigw.UpdateRestApiInput{RestApiId: &e.api, PatchOperations: []apigwtypes.PatchOperation{
		{Op: "replace", Path: aws.String("/policy"), Value: aws.String(doc)}}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// The API's resource policy with NONE methods: the anonymous caller is
// judged by the resource policy alone; an explicit deny is AWS's 403.
func TestRestResourcePolicyNone(t *testing.T) {
	e := newRestEnv(t)
	e.permit("all", e.base()+"/*/*/*")
	e.setPolicy(restPolicy(
		`{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`,
		`{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/GET/items/*"}`))
	a, err := e.v1.GetRestApi(context.Background(), &apigw.GetRestApiInput{RestApiId: &e.api})
	if err != nil || !strings.Contains(*a.Policy, `\"arn:aws:execute-api:us-east-1:`) {
		t.Fatalf("GetRestApi's policy (escaped, shorthand expanded): %v %v", a, err)
	}
	if r := call(t, "GET", e.url("/prod/a/b")); r.status != 200 {
		t.Fatalf("allowed by the resource policy: %d %s", r.status, r.body)
	}
	r := call(t, "GET", e.url("/prod/items/7"))
	masked := "arn:aws:execute-api:us-east-1:********1111:" + e.api + "/prod/GET/items/7"
	want := `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: ` + masked + ` with an explicit deny"}`
	if r.status != 403 || r.body != want || r.header.Get("x-amzn-ErrorType") != "AccessDeniedException" {
		t.Fatalf("explicit deny: %d %v %s\nwant %s", r.status, r.header, r.body, want)
	}
	if out := explained(t, e.env, r.header.Get("x-amzn-RequestId")); !strings.Contains(out, "anonymous asked to execute-api:Invoke") || !strings.Contains(out, "denied by resource policy") {
		t.Fatalf("explain: %s", out)
	}
	// A policy that allows nobody: an implicit deny, without the suffix.
	e.setPolicy(restPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"execute-api:Invoke","Resource":"execute-api:/*"}`))
	if r := call(t, "GET", e.url("/prod/a/b")); r.status != 403 || strings.Contains(r.body, "explicit") || !strings.HasPrefix(r.body, `{"Message":"User: anonymous is not authorized`) {
		t.Fatalf("implicit deny: %d %s", r.status, r.body)
	}
}

// AWS_IAM methods and the resource policy: same account, identity or
// resource policy; another account, both; unsigned, Missing
// Authentication Token.
func TestRestIAMAndResourcePolicy(t *testing.T) {
	e := newRestEnv(t)
	ctx := context.Background()
	e.permit("all", e.base()+"/*/*/*")
	a, _ := e.v1.GetRestApi(ctx, &apigw.GetRestApiInput{RestApiId: &e.api})
	secure := e.resource(*a.RootResourceId, "secure")
	e.method(secure, "GET", "AWS_IAM")
	if _, err := e.v1.CreateDeployment(ctx, &apigw.CreateDeploymentInput{RestApiId: &e.api, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	url := e.url("/prod/secure")
	invoke := invokePolicy("arn:aws:execute-api:*:*:*")
	aliceKey, aliceSecret := newUser(t, e.srv.Root(servertest.AccountA), "alice", invoke)
	bobKey, bobSecret := newUser(t, e.srv.Root(servertest.AccountA), "bob", "")
	carolKey, carolSecret := newUser(t, e.srv.Root(servertest.AccountB), "carol", invoke)

	if r := signed(t, "GET", url, "", "", ""); r.status != 403 || r.body != `{"message":"Missing Authentication Token"}` {
		t.Fatalf("unsigned: %d %s", r.status, r.body)
	}
	if r := signed(t, "GET", url, aliceKey, "wrong-secret", ""); r.status != 403 || !strings.Contains(r.body, "signature") {
		t.Fatalf("bad signature: %d %s", r.status, r.body)
	}
	// No resource policy: the account's own users by their identity policy.
	r := signed(t, "GET", url, aliceKey, aliceSecret, "")
	if r.status != 200 {
		t.Fatalf("alice: %d %s", r.status, r.body)
	}
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil || ev.RequestContext.Identity.UserArn != "arn:aws:iam::111111111111:user/alice" ||
		ev.RequestContext.Identity.AccessKey != aliceKey || ev.RequestContext.Identity.AccountID != "111111111111" {
		t.Fatalf("identity in the event: %+v %v", ev.RequestContext.Identity, err)
	}
	r = signed(t, "GET", url, bobKey, bobSecret, "")
	if r.status != 403 || r.body != `{"Message":"User: arn:aws:iam::111111111111:user/bob is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********1111:`+e.api+`/prod/GET/secure"}` {
		t.Fatalf("bob: %d %s", r.status, r.body)
	}
	// Another account: its identity policy alone is not enough.
	if r := signed(t, "GET", url, carolKey, carolSecret, ""); r.status != 403 {
		t.Fatalf("carol without a resource policy: %d %s", r.status, r.body)
	}
	// A resource policy for account B: carol passes (both allow); bob,
	// of the API's own account, passes by the resource policy? No: it
	// names account B only, and bob's identity allows nothing.
	e.setPolicy(restPolicy(`{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/secure"}`))
	if r := signed(t, "GET", url, carolKey, carolSecret, ""); r.status != 200 {
		t.Fatalf("carol allowed by both: %d %s", r.status, r.body)
	}
	if r := signed(t, "GET", url, bobKey, bobSecret, ""); r.status != 403 {
		t.Fatalf("bob: %d %s", r.status, r.body)
	}
	// A resource policy for account C: carol is refused again, alice
	// still passes by her identity policy (same account).
	e.setPolicy(restPolicy(`{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"execute-api:Invoke","Resource":"execute-api:/*"}`))
	if r := signed(t, "GET", url, carolKey, carolSecret, ""); r.status != 403 {
		t.Fatalf("carol with a policy for another account: %d %s", r.status, r.body)
	}
	if r := signed(t, "GET", url, aliceKey, aliceSecret, ""); r.status != 200 {
		t.Fatalf("alice: %d %s", r.status, r.body)
	}
	// An explicit deny in the resource policy refuses even alice, and
	// explain names the resource policy.
	e.setPolicy(restPolicy(`{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`))
	r = signed(t, "GET", url, aliceKey, aliceSecret, "")
	if r.status != 403 || !strings.HasSuffix(r.body, `with an explicit deny"}`) {
		t.Fatalf("alice with an explicit deny: %d %s", r.status, r.body)
	}
	if out := explained(t, e.env, r.header.Get("x-amzn-RequestId")); !strings.Contains(out, "denied by resource policy") {
		t.Fatalf("explain: %s", out)
	}
}

// A REST API, its deployments (with their compiled trees) and its resource
// policy are kept across a restart.
func TestRestSurvivesRestart(t *testing.T) {
	e := newRestEnv(t)
	e.permit("all", e.base()+"/*/*/*")
	e.setPolicy(restPolicy(
		`{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`,
		`{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/GET/items/*"}`))
	e.srv.Stop()
	srv := servertest.Start(t, servertest.Options{DataDir: e.srv.DataDir})
	url := srv.URL + "/_seki/execute-api/" + e.api
	if r := call(t, "GET", url+"/prod/a/b"); r.status != 200 {
		t.Fatalf("after a restart: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", url+"/prod/items/7"); r.status != 403 || !strings.Contains(r.body, "explicit deny") {
		t.Fatalf("the resource policy after a restart: %d %s", r.status, r.body)
	}
	a, err := apigw.NewFromConfig(srv.Root(servertest.AccountA)).GetRestApi(context.Background(), &apigw.GetRestApiInput{RestApiId: &e.api})
	if err != nil || *a.Name != "shop" || a.Policy == nil {
		t.Fatalf("GetRestApi after a restart: %+v %v", a, err)
	}
}

// An integration with credentials: API Gateway assumes the role (its trust
// policy must allow apigateway.amazonaws.com) and invokes the function as
// that role session, so the role's identity policy allows the call and the
// function needs no permission for API Gateway.
func TestRestIntegrationCredentials(t *testing.T) {
	e := newRestEnv(t)
	ctx := context.Background()
	im := iam.NewFromConfig(e.srv.Root(servertest.AccountA))
	trust := func(service string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`)
	}
	invoke := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"` + e.fnARN + `"}]}`)
	var roles []string
	for _, c := range []struct{ name, service string }{{"apigw-invoke", "apigateway.amazonaws.com"}, {"wrong-trust", "lambda.amazonaws.com"}} {
		role, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(c.name), AssumeRolePolicyDocument: trust(c.service)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(c.name), PolicyName: aws.String("invoke"), PolicyDocument: invoke}); err != nil {
			t.Fatal(err)
		}
		roles = append(roles, *role.Role.Arn)
	}
	res, _ := e.v1.GetResources(ctx, &apigw.GetResourcesInput{RestApiId: &e.api})
	ids := map[string]string{}
	for _, it := range res.Items {
		ids[*it.Path] = *it.Id
	}
	uri := aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + e.fnARN + "/invocations")
	for path, role := range map[string]string{"/items/{id}": roles[0], "/items/special": roles[1]} {
		if _, err := e.v1.PutIntegration(ctx, &apigw.PutIntegrationInput{RestApiId: &e.api, ResourceId: aws.String(ids[path]), HttpMethod: aws.String("GET"),
			Type: "AWS_PROXY", IntegrationHttpMethod: aws.String("POST"), Uri: uri, Credentials: aws.String(role)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.v1.CreateDeployment(ctx, &apigw.CreateDeploymentInput{RestApiId: &e.api, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	r := call(t, "GET", e.url("/prod/items/7"))
	if r.status != 200 {
		t.Fatalf("with the integration's role: %d %s", r.status, r.body)
	}
	d := e.srv.WaitDecision(t, r.header.Get("x-amzn-RequestId"), "lambda:InvokeFunction", "arn:aws:sts::111111111111:assumed-role/apigw-invoke/BackplaneAssumeRoleSession", 0)
	if !strings.EqualFold(d.Decision, "allow") && !strings.EqualFold(d.Decision, "allowed") {
		t.Fatalf("decision %+v", d)
	}
	// A role that does not trust API Gateway: 500, and explain says so.
	r = call(t, "GET", e.url("/prod/items/special"))
	if r.status != 500 || r.body != `{"message": "Internal server error"}` {
		t.Fatalf("with a role API Gateway may not assume: %d %s", r.status, r.body)
	}
	if out := explained(t, e.env, r.header.Get("x-amzn-RequestId")); !strings.Contains(out, "apigateway.amazonaws.com asked to sts:AssumeRole") {
		t.Fatalf("explain: %s", out)
	}
}
