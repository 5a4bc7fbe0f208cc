package runtime_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// The SDK is there, as in Lambda: these functions call STS through the SDK
// seki provides (`seki runtimes install`), with their execution role's
// session, and get the assumed-role ARN.

const nodeSTSCommonJS = `
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
exports.handler = async () => {
  const id = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  return { arn: id.Arn, node: process.version };
};`

const nodeSTSModule = `
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
export const handler = async () => {
  const id = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  return { arn: id.Arn, node: process.version, clients: [S3Client, DynamoDBClient, LambdaClient, SQSClient, SNSClient].map((c) => c.name) };
};`

// nodeRuntimes are the Node.js runtimes this host can run: nodejs20.x, and
// nodejs22.x where discovery finds a Node.js 22 (`seki runtimes install
// --node 22` puts one in the cache; .ci/run does).
func nodeRuntimes(t *testing.T) []types.Runtime {
	rts := []types.Runtime{types.RuntimeNodejs20x}
	if m, _ := filepath.Glob(filepath.Join(server.DefaultCacheDir(), "node", "v22.*", "bin", "node")); len(m) > 0 {
		rts = append(rts, types.RuntimeNodejs22x)
	} else if os.Getenv("SEKI_REQUIRE_SDK") != "" {
		t.Fatal("no Node.js 22 in the cache; .ci/run installs it with `seki runtimes install --node 22`")
	}
	return rts
}

func TestE2ENodeSDKv3GetCallerIdentity(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	servertest.NeedSDK(t, "nodejs")
	w := newWorld(t)
	roleARN := w.role(t, "node-role", "")
	for _, rt := range nodeRuntimes(t) {
		major := strings.TrimSuffix(strings.TrimPrefix(string(rt), "nodejs"), ".x")
		for _, c := range []struct{ name, file, body string }{
			{"cjs", "index.js", nodeSTSCommonJS},
			{"esm", "index.mjs", nodeSTSModule},
		} {
			name := "sts-" + c.name + "-" + major
			t.Run(name, func(t *testing.T) {
				w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: rt, Role: aws.String(roleARN),
					Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: c.file, Body: c.body})}})
				out := w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String(name)})
				if out.FunctionError != nil {
					t.Fatalf("function error: %s", out.Payload)
				}
				m := payloadMap(t, out)
				if m["arn"] != "arn:aws:sts::"+acct+":assumed-role/node-role/"+name {
					t.Fatalf("caller identity: %v", m)
				}
				if !strings.HasPrefix(m["node"].(string), "v"+major+".") {
					t.Fatalf("%s ran on Node.js %s", rt, m["node"])
				}
				if c.name == "esm" && len(m["clients"].([]any)) != 5 {
					t.Fatalf("clients: %v", m["clients"])
				}
			})
		}
	}
}

func TestE2EPythonBoto3OnItsVersion(t *testing.T) {
	servertest.NeedSDK(t, "python")
	w := newWorld(t)
	roleARN := w.role(t, "py-role", "")
	code := `
import sys, boto3

def handler(event, context):
    ident = boto3.client("sts").get_caller_identity()
    return {"arn": ident["Arn"], "python": "%d.%d" % sys.version_info[:2], "boto3": boto3.__file__}
`
	w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String("py-sts"), Runtime: types.RuntimePython312, Role: aws.String(roleARN),
		Handler: aws.String("app.handler"), Code: &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "app.py", Body: code})}})
	out := w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("py-sts")})
	if out.FunctionError != nil {
		t.Fatalf("function error: %s", out.Payload)
	}
	m := payloadMap(t, out)
	if m["arn"] != "arn:aws:sts::"+acct+":assumed-role/py-role/py-sts" || m["python"] != "3.12" {
		t.Fatalf("%v", m)
	}
}

// A function's own copy of the SDK comes first, as in Lambda (boto3 in
// the package, @aws-sdk/client-sts in its node_modules).
func TestE2EBundledSDKWins(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	servertest.NeedSDK(t, "python")
	servertest.NeedSDK(t, "nodejs")
	w := newWorld(t)
	roleARN := w.role(t, "bundle-role", "")
	fake := `{"name":"@aws-sdk/client-sts","version":"0.0.0-bundled","main":"index.js","exports":{"import":"./index.mjs","require":"./index.js"}}`
	pkgs := map[string]struct {
		rt    types.Runtime
		files []servertest.File
	}{
		"py-bundled": {types.RuntimePython312, []servertest.File{
			{Name: "app.py", Body: "import boto3\ndef handler(e, c):\n    return {'which': boto3.WHICH}\n"},
			{Name: "boto3/__init__.py", Body: "WHICH = 'bundled'\n"}}},
		"node-bundled-cjs": {types.RuntimeNodejs20x, []servertest.File{
			{Name: "index.js", Body: "exports.handler = async () => ({ which: require('@aws-sdk/client-sts').WHICH });"},
			{Name: "node_modules/@aws-sdk/client-sts/package.json", Body: fake},
			{Name: "node_modules/@aws-sdk/client-sts/index.js", Body: "exports.WHICH = 'bundled';"},
			{Name: "node_modules/@aws-sdk/client-sts/index.mjs", Body: "export const WHICH = 'bundled';"}}},
		"node-bundled-esm": {types.RuntimeNodejs20x, []servertest.File{
			{Name: "index.mjs", Body: "import { WHICH } from '@aws-sdk/client-sts';\nexport const handler = async () => ({ which: WHICH });"},
			{Name: "node_modules/@aws-sdk/client-sts/package.json", Body: fake},
			{Name: "node_modules/@aws-sdk/client-sts/index.js", Body: "exports.WHICH = 'bundled';"},
			{Name: "node_modules/@aws-sdk/client-sts/index.mjs", Body: "export const WHICH = 'bundled';"}}},
	}
	for name, p := range pkgs {
		t.Run(name, func(t *testing.T) {
			w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: p.rt, Role: aws.String(roleARN),
				Handler: aws.String(map[bool]string{true: "app.handler", false: "index.handler"}[p.rt == types.RuntimePython312]),
				Code:    &types.FunctionCode{ZipFile: servertest.Zip(t, p.files...)}})
			out := w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String(name)})
			var m map[string]any
			json.Unmarshal(out.Payload, &m)
			if out.FunctionError != nil || m["which"] != "bundled" {
				t.Fatalf("%s", out.Payload)
			}
		})
	}
}
