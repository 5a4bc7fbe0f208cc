package apigateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	gw "github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The end-to-end tests run a real seki with a real aws-lambda-go function
// (testdata/httpecho) on its runtime, manage APIs with aws-sdk-go-v2's
// apigatewayv2 client and call them over real HTTP.

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// bootstraps are the test functions built, by directory: each is built
// once per test binary.
var bootstraps sync.Map // dir -> func() ([]byte, error)

func bootstrapZip(t testing.TB, dir string) []byte {
	t.Helper()
	build, _ := bootstraps.LoadOrStore(dir, sync.OnceValues(func() ([]byte, error) { return servertest.BuildBootstrap(t, dir) }))
	zip, err := build.(func() ([]byte, error))()
	if err != nil {
		t.Fatal(err)
	}
	return zip
}

func httpechoZip(t testing.TB) []byte { return bootstrapZip(t, "./testdata/httpecho") }

type env struct {
	t     testing.TB
	srv   *servertest.Env
	gw    *gw.Client
	lam   *sdk.Client
	fnARN string
	role  *string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := newBareEnv(t)
	e.fnARN = e.function("httpecho", httpechoZip(t))
	return e
}

// newBareEnv starts seki with an execution role and no function.
func newBareEnv(t testing.TB) *env {
	t.Helper()
	srv := servertest.Start(t)
	cfg := srv.Root(servertest.AccountA)
	e := &env{t: t, srv: srv, gw: gw.NewFromConfig(cfg), lam: sdk.NewFromConfig(cfg)}
	role, err := iam.NewFromConfig(cfg).CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		t.Fatal(err)
	}
	e.role = role.Role.Arn
	return e
}

// function creates a provided.al2023 function and returns its ARN.
func (e *env) function(name string, zip []byte) string {
	e.t.Helper()
	fn, err := e.lam.CreateFunction(context.Background(), &sdk.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023, Role: e.role,
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: zip}, Timeout: aws.Int32(30),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return *fn.FunctionArn
}

func (e *env) permit(sid, sourceARN string) {
	e.t.Helper()
	_, err := e.lam.AddPermission(context.Background(), &sdk.AddPermissionInput{
		FunctionName: aws.String(e.fnARN), StatementId: aws.String(sid), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("apigateway.amazonaws.com"), SourceArn: aws.String(sourceARN),
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) unpermit(sid string) {
	e.t.Helper()
	if _, err := e.lam.RemovePermission(context.Background(), &sdk.RemovePermissionInput{FunctionName: aws.String(e.fnARN), StatementId: aws.String(sid)}); err != nil {
		e.t.Fatal(err)
	}
}

type reply struct {
	status int
	header http.Header
	body   string
}

func call(t testing.TB, method, url string) reply {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	return send(t, req)
}

// send sends req and reads the reply.
func send(t testing.TB, req *http.Request) reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func TestQuickCreateAndLambdaPermission(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, err := e.gw.CreateApi(ctx, &gw.CreateApiInput{Name: aws.String("quick"), ProtocolType: "HTTP", Target: aws.String(e.fnARN)})
	if err != nil {
		t.Fatal(err)
	}
	id := *a.ApiId
	if want := e.srv.URL + "/_seki/execute-api/" + id; *a.ApiEndpoint != want {
		t.Fatalf("ApiEndpoint %q, want %q", *a.ApiEndpoint, want)
	}
	routes, err := e.gw.GetRoutes(ctx, &gw.GetRoutesInput{ApiId: a.ApiId})
	if err != nil || len(routes.Items) != 1 || *routes.Items[0].RouteKey != "$default" || !strings.HasPrefix(*routes.Items[0].Target, "integrations/") {
		t.Fatalf("quick create's routes: %+v %v", routes, err)
	}

	// No permission: the caller gets AWS's 500, the log has the denial of
	// apigateway.amazonaws.com.
	r := call(t, "GET", *a.ApiEndpoint+"/hello")
	if r.status != 500 || r.body != `{"message":"Internal Server Error"}` {
		t.Fatalf("without permission: %d %s", r.status, r.body)
	}
	d := e.srv.WaitDecision(t, r.header.Get("apigw-requestid"), "lambda:InvokeFunction", "apigateway.amazonaws.com", 0)
	if d.Decision == "allow" || d.Decision == "Allow" {
		t.Fatalf("decision %+v", d)
	}

	// A permission for another stage does not help.
	acct := strings.Split(e.fnARN, ":")[4]
	base := "arn:aws:execute-api:us-east-1:" + acct + ":" + id
	e.permit("other-stage", base+"/prod/*")
	if r := call(t, "GET", *a.ApiEndpoint+"/hello"); r.status != 500 {
		t.Fatalf("permission for another stage: %d %s", r.status, r.body)
	}
	e.permit("any", base+"/*/*")
	r = call(t, "GET", *a.ApiEndpoint+"/hello?x=1")
	if r.status != 200 || r.header.Get("X-Handler") != "aws-lambda-go" {
		t.Fatalf("with permission: %d %v %s", r.status, r.header, r.body)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.RouteKey != "$default" || ev.RawPath != "/hello" || ev.QueryStringParameters["x"] != "1" ||
		ev.RequestContext.APIID != id || ev.RequestContext.Stage != "$default" || ev.RequestContext.AccountID != acct ||
		ev.RequestContext.RequestID != r.header.Get("apigw-requestid") {
		t.Fatalf("event as aws-lambda-go read it: %+v", ev)
	}
	// AWS's host form reaches the same API.
	req, _ := http.NewRequest("GET", e.srv.URL+"/hello", nil)
	req.Host = id + ".execute-api.us-east-1.localhost:4566"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("host form: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// The stage may be named in the path.
	if r := call(t, "GET", *a.ApiEndpoint+"/$default/hello"); r.status != 200 {
		t.Fatalf("named $default stage: %d %s", r.status, r.body)
	}
	// Any other JSON value is a 200 JSON body; a response API Gateway
	// cannot use is a 502.
	if r := call(t, "GET", *a.ApiEndpoint+"/plain"); r.status != 200 || r.body != `{"hello":"world"}` || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("bare value: %d %v %s", r.status, r.header, r.body)
	}
	if r := call(t, "GET", *a.ApiEndpoint+"/bad"); r.status != 502 || r.body != `{"message":"Internal Server Error"}` {
		t.Fatalf("malformed response: %d %s", r.status, r.body)
	}

	if _, err := e.gw.DeleteApi(ctx, &gw.DeleteApiInput{ApiId: a.ApiId}); err != nil {
		t.Fatal(err)
	}
	if r := call(t, "GET", *a.ApiEndpoint+"/hello"); r.status != 404 || r.body != `{"message":"Not Found"}` {
		t.Fatalf("deleted API: %d %s", r.status, r.body)
	}
	_, err = e.gw.GetApi(ctx, &gw.GetApiInput{ApiId: a.ApiId})
	var nf interface{ ErrorCode() string }
	if !errors.As(err, &nf) || nf.ErrorCode() != "NotFoundException" {
		t.Fatalf("GetApi of a deleted API: %v", err)
	}
}

func TestRoutesStagesAndSourceARN(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, err := e.gw.CreateApi(ctx, &gw.CreateApiInput{Name: aws.String("items"), ProtocolType: "HTTP"})
	if err != nil {
		t.Fatal(err)
	}
	ig, err := e.gw.CreateIntegration(ctx, &gw.CreateIntegrationInput{ApiId: a.ApiId, IntegrationType: "AWS_PROXY",
		IntegrationUri: aws.String(e.fnARN), PayloadFormatVersion: aws.String("2.0")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.gw.CreateIntegration(ctx, &gw.CreateIntegrationInput{ApiId: a.ApiId, IntegrationType: "AWS_PROXY",
		IntegrationUri: aws.String(e.fnARN), PayloadFormatVersion: aws.String("3.0")}); err == nil {
		t.Fatal("payload format 3.0 was accepted")
	}
	target := aws.String("integrations/" + *ig.IntegrationId)
	for _, k := range []string{"GET /items/{id}", "GET /items/special", "ANY /{proxy+}"} {
		if _, err := e.gw.CreateRoute(ctx, &gw.CreateRouteInput{ApiId: a.ApiId, RouteKey: aws.String(k), Target: target}); err != nil {
			t.Fatal(k, err)
		}
	}
	if _, err := e.gw.CreateRoute(ctx, &gw.CreateRouteInput{ApiId: a.ApiId, RouteKey: aws.String("GET /items/{id}"), Target: target}); err == nil {
		t.Fatal("a second route with one key was accepted")
	}
	if _, err := e.gw.CreateStage(ctx, &gw.CreateStageInput{ApiId: a.ApiId, StageName: aws.String("dev"), AutoDeploy: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if d, err := e.gw.CreateDeployment(ctx, &gw.CreateDeploymentInput{ApiId: a.ApiId, StageName: aws.String("dev")}); err != nil || d.DeploymentStatus != "DEPLOYED" {
		t.Fatalf("CreateDeployment: %+v %v", d, err)
	}
	id, acct := *a.ApiId, strings.Split(e.fnARN, ":")[4]
	base := "arn:aws:execute-api:us-east-1:" + acct + ":" + id

	// No $default stage: nothing answers without a stage.
	if r := call(t, "GET", *a.ApiEndpoint+"/items/7"); r.status != 404 || r.body != `{"message":"Not Found"}` {
		t.Fatalf("no $default stage: %d %s", r.status, r.body)
	}
	// A permission for another method, then another stage: still 500.
	e.permit("post", base+"/*/POST/items/{id}")
	e.permit("prod", base+"/prod/GET/items/{id}")
	if r := call(t, "GET", *a.ApiEndpoint+"/dev/items/7"); r.status != 500 {
		t.Fatalf("permission for another method or stage: %d %s", r.status, r.body)
	}
	// The route's own ARN, as the console writes it.
	e.permit("get", base+"/*/GET/items/{id}")
	r := call(t, "GET", *a.ApiEndpoint+"/dev/items/7")
	if r.status != 200 {
		t.Fatalf("permitted route: %d %s", r.status, r.body)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.RouteKey != "GET /items/{id}" || ev.PathParameters["id"] != "7" || ev.RequestContext.Stage != "dev" || ev.RawPath != "/dev/items/7" {
		t.Fatalf("event: %+v", ev)
	}
	// The exact route wins over the variable, which wins over the greedy
	// one; the greedy route's permission is a different ARN.
	for path, key := range map[string]string{"/items/special": "GET /items/special", "/a/b/c": "ANY /{proxy+}"} {
		r := call(t, "GET", *a.ApiEndpoint+"/dev"+path)
		if r.status != 500 {
			t.Fatalf("%s without its permission: %d %s", path, r.status, r.body)
		}
		e.permit(strings.NewReplacer("/", "", "{", "", "}", "", "+", "").Replace(path), base+"/dev/GET"+strings.TrimPrefix(key, strings.Fields(key)[0]+" "))
		r = call(t, "GET", *a.ApiEndpoint+"/dev"+path)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		var ev events.APIGatewayV2HTTPRequest
		json.Unmarshal([]byte(r.body), &ev)
		if ev.RouteKey != key {
			t.Errorf("%s matched %q, want %q", path, ev.RouteKey, key)
		}
	}
	// Reading and deleting routes, integrations and stages.
	igs, err := e.gw.GetIntegrations(ctx, &gw.GetIntegrationsInput{ApiId: a.ApiId})
	if err != nil || len(igs.Items) != 1 || *igs.Items[0].IntegrationUri != e.fnARN || *igs.Items[0].PayloadFormatVersion != "2.0" {
		t.Fatalf("GetIntegrations: %+v %v", igs, err)
	}
	if st, err := e.gw.GetStage(ctx, &gw.GetStageInput{ApiId: a.ApiId, StageName: aws.String("dev")}); err != nil || !*st.AutoDeploy {
		t.Fatalf("GetStage: %+v %v", st, err)
	}
	routes, err := e.gw.GetRoutes(ctx, &gw.GetRoutesInput{ApiId: a.ApiId})
	if err != nil || len(routes.Items) != 3 {
		t.Fatalf("GetRoutes: %+v %v", routes, err)
	}
	for _, rt := range routes.Items {
		if *rt.RouteKey != "GET /items/special" {
			continue
		}
		if got, err := e.gw.GetRoute(ctx, &gw.GetRouteInput{ApiId: a.ApiId, RouteId: rt.RouteId}); err != nil || *got.RouteKey != *rt.RouteKey {
			t.Fatalf("GetRoute: %+v %v", got, err)
		}
		if _, err := e.gw.DeleteRoute(ctx, &gw.DeleteRouteInput{ApiId: a.ApiId, RouteId: rt.RouteId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.gw.GetRoute(ctx, &gw.GetRouteInput{ApiId: a.ApiId, RouteId: aws.String("nope123")})
	var nf smithy.APIError
	if !errors.As(err, &nf) || nf.ErrorCode() != "NotFoundException" {
		t.Fatalf("GetRoute of an unknown route: %v", err)
	}
	// UpdateRoute renames a route; the permission follows the route's path.
	for _, rt := range routes.Items {
		if *rt.RouteKey != "GET /items/{id}" {
			continue
		}
		up, err := e.gw.UpdateRoute(ctx, &gw.UpdateRouteInput{ApiId: a.ApiId, RouteId: rt.RouteId, RouteKey: aws.String("GET /things/{id}")})
		if err != nil || *up.RouteKey != "GET /things/{id}" || *up.Target != *target {
			t.Fatalf("UpdateRoute: %+v %v", up, err)
		}
		if r := call(t, "GET", *a.ApiEndpoint+"/dev/things/7"); r.status != 500 {
			t.Fatalf("renamed route without its permission: %d %s", r.status, r.body)
		}
		if _, err := e.gw.UpdateRoute(ctx, &gw.UpdateRouteInput{ApiId: a.ApiId, RouteId: rt.RouteId, RouteKey: aws.String("GET /items/{id}")}); err != nil {
			t.Fatal(err)
		}
	}
	// Without its exact route, /items/special is GET /items/{id}'s.
	r = call(t, "GET", *a.ApiEndpoint+"/dev/items/special")
	json.Unmarshal([]byte(r.body), &ev)
	if r.status != 200 || ev.RouteKey != "GET /items/{id}" {
		t.Fatalf("after DeleteRoute: %d %s", r.status, r.body)
	}
	if _, err := e.gw.DeleteStage(ctx, &gw.DeleteStageInput{ApiId: a.ApiId, StageName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if r := call(t, "GET", *a.ApiEndpoint+"/dev/items/7"); r.status != 404 {
		t.Fatalf("deleted stage: %d %s", r.status, r.body)
	}

	// No route matches a POST to /items/7? The greedy ANY route does; a
	// path with no route at all needs an API without one.
	b, err := e.gw.CreateApi(ctx, &gw.CreateApiInput{Name: aws.String("narrow"), ProtocolType: "HTTP", Target: aws.String(e.fnARN), RouteKey: aws.String("GET /only")})
	if err != nil {
		t.Fatal(err)
	}
	if r := call(t, "GET", *b.ApiEndpoint+"/other"); r.status != 404 || r.body != `{"message":"Not Found"}` {
		t.Fatalf("unknown route: %d %s", r.status, r.body)
	}
	apis, err := e.gw.GetApis(ctx, &gw.GetApisInput{})
	if err != nil || len(apis.Items) != 2 {
		t.Fatalf("GetApis: %+v %v", apis, err)
	}
}

func TestManagementIsAuthorized(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	im := iam.NewFromConfig(srv.Root(servertest.AccountA))
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	k, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	bob := gw.NewFromConfig(srv.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	_, err = bob.CreateApi(ctx, &gw.CreateApiInput{Name: aws.String("x"), ProtocolType: "HTTP"})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" ||
		!strings.Contains(ae.ErrorMessage(), "apigateway:POST on resource: arn:aws:apigateway:us-east-1::/apis") {
		t.Fatalf("CreateApi without permission: %v", err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"apigateway:POST","Resource":"arn:aws:apigateway:us-east-1::/apis"}]}`
	if _, err := im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p"), PolicyDocument: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	a, err := bob.CreateApi(ctx, &gw.CreateApiInput{Name: aws.String("x"), ProtocolType: "HTTP"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.GetApi(ctx, &gw.GetApiInput{ApiId: a.ApiId}); !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("GetApi without apigateway:GET: %v", err)
	}
}

func TestTags(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	c := gw.NewFromConfig(srv.Root(servertest.AccountA))
	a, err := c.CreateApi(ctx, &gw.CreateApiInput{Name: aws.String("t"), ProtocolType: "HTTP", Tags: map[string]string{"team": "a"}})
	if err != nil || a.Tags["team"] != "a" {
		t.Fatalf("CreateApi with tags: %+v %v", a, err)
	}
	arn := "arn:aws:apigateway:us-east-1::/apis/" + *a.ApiId
	if _, err := c.TagResource(ctx, &gw.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"env": "dev", "team": "b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &gw.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTags(ctx, &gw.GetTagsInput{ResourceArn: aws.String(arn)})
	if err != nil || len(got.Tags) != 1 || got.Tags["team"] != "b" {
		t.Fatalf("GetTags: %+v %v", got, err)
	}
	if api, err := c.GetApi(ctx, &gw.GetApiInput{ApiId: a.ApiId}); err != nil || api.Tags["team"] != "b" {
		t.Fatalf("GetApi's tags: %+v %v", api, err)
	}
	if _, err := c.TagResource(ctx, &gw.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"aws:x": "1"}}); err == nil {
		t.Fatal("an aws: tag key was accepted")
	}
	// Another account does not see the API.
	other := gw.NewFromConfig(srv.Root(servertest.AccountB))
	var nf smithy.APIError
	if _, err := other.GetTags(ctx, &gw.GetTagsInput{ResourceArn: aws.String(arn)}); !errors.As(err, &nf) || nf.ErrorCode() != "NotFoundException" {
		t.Fatalf("another account's GetTags: %v", err)
	}
}
