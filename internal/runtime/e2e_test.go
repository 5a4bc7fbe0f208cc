package runtime_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/runtime"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// These tests run the real server (SigV4, IAM, STS, Lambda, the door) and
// drive it with aws-sdk-go-v2; functions are a real aws-lambda-go binary,
// real Python and real Node handlers, written or built here.

const acct = "111111111111"

var (
	goOnce sync.Once
	goZip  []byte
	goErr  error
)

// goFunction builds testdata/goecho for linux once and zips it.
func goFunction(t testing.TB) []byte {
	t.Helper()
	goOnce.Do(func() {
		goZip, goErr = servertest.BuildBootstrap(t, "./testdata/goecho")
	})
	if goErr != nil {
		t.Fatal(goErr)
	}
	return goZip
}

// world is a running seki with a Lambda client and an execution role.
type world struct {
	env    *servertest.Env
	lambda *sdk.Client
	iam    *iam.Client
}

func newWorld(t testing.TB) *world {
	t.Helper()
	return worldOf(servertest.Start(t))
}

func worldOf(env *servertest.Env) *world {
	cfg := env.Root(servertest.AccountA)
	return &world{env: env, lambda: sdk.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg)}
}

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// role creates an execution role trusting Lambda, with the given inline
// policy ("" for none).
func (w *world) role(t testing.TB, name, policy string) string {
	t.Helper()
	ctx := context.Background()
	out, err := w.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if _, err := w.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("inline"), PolicyDocument: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	return *out.Role.Arn
}

func (w *world) function(t testing.TB, in *sdk.CreateFunctionInput) {
	t.Helper()
	if in.Timeout == nil {
		in.Timeout = aws.Int32(30)
	}
	if _, err := w.lambda.CreateFunction(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func (w *world) invoke(t testing.TB, in *sdk.InvokeInput) *sdk.InvokeOutput {
	t.Helper()
	out, err := w.lambda.Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("Invoke %s: %v", *in.FunctionName, err)
	}
	return out
}

func payloadMap(t testing.TB, out *sdk.InvokeOutput) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(out.Payload, &m); err != nil {
		t.Fatalf("payload %s: %v", out.Payload, err)
	}
	return m
}

// The seed's core loop: a Python function calls AWS as its execution role
// (boto3, through seki's endpoint), allowed where the role allows and
// denied with AWS's message where it does not.
func TestE2EFunctionCallsAWSAsItsRole(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	servertest.NeedSDK(t, "python")
	w := newWorld(t)
	roleARN := w.role(t, "exec-role", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)
	code := `
import boto3
from botocore.exceptions import ClientError

def handler(event, context):
    ident = boto3.client("sts").get_caller_identity()
    iam = boto3.client("iam")
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    try:
        iam.list_users()
        denied = None
    except ClientError as e:
        denied = {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}
    return {"arn": ident["Arn"], "account": ident["Account"], "roles": roles, "denied": denied}
`
	w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String("whoami"), Runtime: types.RuntimePython312, Role: aws.String(roleARN),
		Handler: aws.String("app.handler"), Code: &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "app.py", Body: code})}})
	out := w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("whoami")})
	if out.FunctionError != nil {
		t.Fatalf("function error: %s", out.Payload)
	}
	m := payloadMap(t, out)
	if m["arn"] != "arn:aws:sts::"+acct+":assumed-role/exec-role/whoami" || m["account"] != acct {
		t.Fatalf("caller identity: %v", m)
	}
	if roles, _ := m["roles"].([]any); len(roles) != 1 || roles[0] != "exec-role" {
		t.Fatalf("allowed call: %v", m["roles"])
	}
	d, _ := m["denied"].(map[string]any)
	wantMsg := "User: arn:aws:sts::" + acct + ":assumed-role/exec-role/whoami is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::" + acct + ":user/ because no identity-based policy allows the iam:ListUsers action"
	if d == nil || d["code"] != "AccessDenied" || d["message"] != wantMsg {
		t.Fatalf("denied call: %v\nwant %s", d, wantMsg)
	}
}

// A real aws-lambda-go binary through the SDK: echo, LogType=Tail, the
// executed version and alias weights, ClientContext, the variables (and
// no leak of seki's), a timeout and a crash.
func TestE2EGoFunction(t *testing.T) {
	t.Setenv("SEKI_E2E_CANARY", "must-not-leak")
	w := newWorld(t)
	roleARN := w.role(t, "go-role", "")
	ctx := context.Background()
	w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String("goecho"), Runtime: types.RuntimeProvidedal2023, Role: aws.String(roleARN),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: goFunction(t)}, Timeout: aws.Int32(2),
		Environment: &types.Environment{Variables: map[string]string{"GREETING": "hello"}}})

	out := w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("goecho"), Payload: []byte(`{"print":"log line","k":"v"}`), LogType: types.LogTypeTail})
	if out.StatusCode != 200 || out.FunctionError != nil || *out.ExecutedVersion != "$LATEST" {
		t.Fatalf("invoke: %+v %s", out, out.Payload)
	}
	if !strings.Contains(string(out.Payload), `"k":"v"`) {
		t.Fatalf("payload %s", out.Payload)
	}
	tail, _ := base64.StdEncoding.DecodeString(*out.LogResult)
	if !strings.Contains(string(tail), "START RequestId: ") || !strings.Contains(string(tail), "\nlog line\n") || !strings.Contains(string(tail), "\nREPORT RequestId: ") {
		t.Fatalf("tail %q", tail)
	}

	cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"who":"me"},"env":{},"client":{}}`))
	m := payloadMap(t, w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("goecho"), Payload: []byte(`{"context":true}`), ClientContext: aws.String(cc)}))
	if c, _ := m["clientContext"].(map[string]any); c == nil || c["custom"].(map[string]any)["who"] != "me" {
		t.Fatalf("client context %v", m["clientContext"])
	}
	if m["invokedArn"] != "arn:aws:lambda:us-east-1:"+acct+":function:goecho" {
		t.Fatalf("invoked arn %v", m["invokedArn"])
	}

	envOut := payloadMap(t, w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("goecho"), Payload: []byte(`{"env":true}`)}))
	vars := envOut["env"].(map[string]any)
	if vars["GREETING"] != "hello" || vars["AWS_ENDPOINT_URL"] != w.env.URL || !strings.HasPrefix(vars["AWS_ACCESS_KEY_ID"].(string), "ASIA") ||
		vars["AWS_LAMBDA_FUNCTION_NAME"] != "goecho" {
		t.Fatalf("variables %v", vars)
	}
	for k, v := range vars {
		if strings.Contains(v.(string), "must-not-leak") {
			t.Fatalf("seki's environment leaked into %s", k)
		}
	}

	// Versions and an alias with weights: the executed version is reported.
	v1, err := w.lambda.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("goecho")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.lambda.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("goecho"),
		Environment: &types.Environment{Variables: map[string]string{"GREETING": "v2"}}}); err != nil {
		t.Fatal(err)
	}
	v2, err := w.lambda.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("goecho")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.lambda.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("goecho"), Name: aws.String("live"), FunctionVersion: v1.Version,
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{*v2.Version: 0.5}}}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i := 0; i < 60; i++ {
		out := w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("goecho:live"), Payload: []byte(`{"env":true}`)})
		vars := payloadMap(t, out)["env"].(map[string]any)
		// The code that ran is the version reported.
		want := map[string]string{*v1.Version: "hello", *v2.Version: "v2"}[*out.ExecutedVersion]
		if vars["GREETING"] != want || vars["AWS_LAMBDA_FUNCTION_VERSION"] != *out.ExecutedVersion {
			t.Fatalf("version %s ran with %v / %v", *out.ExecutedVersion, vars["GREETING"], vars["AWS_LAMBDA_FUNCTION_VERSION"])
		}
		seen[*out.ExecutedVersion]++
	}
	if seen[*v1.Version] < 10 || seen[*v2.Version] < 10 {
		t.Fatalf("routing %v", seen)
	}

	// A timeout and a crash, as AWS reports them.
	out = w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("goecho"), Payload: []byte(`{"sleep":5000}`)})
	m = payloadMap(t, out)
	if out.StatusCode != 200 || aws.ToString(out.FunctionError) != "Unhandled" || m["errorType"] != "Sandbox.Timedout" ||
		!strings.HasSuffix(m["errorMessage"].(string), "Error: Task timed out after 2.00 seconds") {
		t.Fatalf("timeout: %s", out.Payload)
	}
	out = w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("goecho"), Payload: []byte(`{"crash":1}`)})
	m = payloadMap(t, out)
	if aws.ToString(out.FunctionError) != "Unhandled" || m["errorType"] != "Runtime.ExitError" ||
		!strings.HasSuffix(m["errorMessage"].(string), "Error: Runtime exited with error: exit status 1") {
		t.Fatalf("crash: %s", out.Payload)
	}
}

// Reserved concurrency 0 throttles with AWS's exception; an Event
// invocation is accepted with 202 and runs in the background.
func TestE2EThrottleAndEvent(t *testing.T) {
	w := newWorld(t)
	roleARN := w.role(t, "ev-role", "")
	ctx := context.Background()
	w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String("ev"), Runtime: types.RuntimeProvidedal2, Role: aws.String(roleARN),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: goFunction(t)}})
	marks := filepath.Join(runtime.SharedDir(), "e2e-event-marks")
	os.Remove(marks)
	out, err := w.lambda.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("ev"), InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`{"append":"` + marks + `"}`)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("event: %v %+v", err, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, _ := os.ReadFile(marks); len(b) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the event did not run")
		}
		time.Sleep(20 * time.Millisecond)
	}

	if _, err := w.lambda.PutFunctionConcurrency(ctx, &sdk.PutFunctionConcurrencyInput{FunctionName: aws.String("ev"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	_, err = w.lambda.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("ev"), Payload: []byte(`{}`)})
	var tm *types.TooManyRequestsException
	if !errors.As(err, &tm) || aws.ToString(tm.Message) != "Rate Exceeded." || tm.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Fatalf("throttle: %v", err)
	}
}

// A role whose trust no longer allows Lambda: a new environment cannot be
// started and the invoke fails with Lambda's error.
func TestE2ETrustRevoked(t *testing.T) {
	w := newWorld(t)
	roleARN := w.role(t, "revoked", "")
	ctx := context.Background()
	w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String("rv"), Runtime: types.RuntimeProvidedal2023, Role: aws.String(roleARN),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: goFunction(t)}})
	if _, err := w.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("revoked"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err := w.lambda.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("rv"), Payload: []byte(`{}`)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != "The role defined for the function cannot be assumed by Lambda." {
		t.Fatalf("revoked trust: %v", err)
	}
}

// Node handlers (CommonJS and ES module) and a layer through the SDK.
func TestE2ENodeAndLayer(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	w := newWorld(t)
	roleARN := w.role(t, "node-role", "")
	ctx := context.Background()
	layer, err := w.lambda.PublishLayerVersion(ctx, &sdk.PublishLayerVersionInput{LayerName: aws.String("shout"),
		Content: &types.LayerVersionContentInput{ZipFile: servertest.Zip(t, servertest.File{Name: "nodejs/node_modules/shout/index.js", Body: `module.exports = (s) => s.toUpperCase() + "!";`})}})
	if err != nil {
		t.Fatal(err)
	}
	w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String("cjs"), Runtime: types.RuntimeNodejs20x, Role: aws.String(roleARN),
		Handler: aws.String("index.handler"), Layers: []string{*layer.LayerVersionArn},
		Code: &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "index.js", Body: `const shout = require('shout');
exports.handler = (event, context, callback) => callback(null, { said: shout(event.say), fn: context.functionName });`})}})
	w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String("esm"), Runtime: types.RuntimeNodejs22x, Role: aws.String(roleARN),
		Handler: aws.String("index.handler"),
		Code:    &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "index.mjs", Body: `export const handler = async (event) => ({ said: event.say + "?" });`})}})
	if m := payloadMap(t, w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("cjs"), Payload: []byte(`{"say":"hi"}`)})); m["said"] != "HI!" || m["fn"] != "cjs" {
		t.Fatalf("cjs: %v", m)
	}
	if m := payloadMap(t, w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("esm"), Payload: []byte(`{"say":"hi"}`)})); m["said"] != "hi?" {
		t.Fatalf("esm: %v", m)
	}
}
