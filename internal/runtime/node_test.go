package runtime

import (
	"encoding/base64"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/lambda"
)

func needNode(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
}

func TestNodeHandlers(t *testing.T) {
	needNode(t)
	rt := newTestRT(t, nil)
	layer := writeZip(t, rt.dir, zipEntry{Name: "nodejs/node_modules/greeter/index.js", Body: []byte(`module.exports.greet = (n) => "hi " + n;`)})
	layers := []lambda.LayerSpec{{ARN: "arn:aws:lambda:us-east-1:111111111111:layer:greeter:1", Path: layer, CodeSHA256: "g"}}
	cases := []struct {
		name    string
		handler string
		files   []zipEntry
	}{
		{"cjs-async", "index.handler", []zipEntry{{Name: "index.js", Body: []byte(`
const { greet } = require('greeter');
console.log('init');
exports.handler = async (event, context) => {
  console.log('event', JSON.stringify(event), 'multi\nline');
  return { style: 'cjs-async', greeting: greet(event.name), requestId: context.awsRequestId,
    fn: context.functionName, mem: context.memoryLimitInMB, arn: context.invokedFunctionArn,
    remaining: context.getRemainingTimeInMillis(), custom: context.clientContext && context.clientContext.custom };
};`)}}},
		{"cjs-callback", "lib/handler.main", []zipEntry{{Name: "lib/handler.js", Body: []byte(`
exports.main = function (event, context, callback) {
  setTimeout(() => callback(null, { style: 'cjs-callback', greeting: require('greeter').greet(event.name) }), 5);
};`)}}},
		{"esm-mjs", "app.handler", []zipEntry{{Name: "app.mjs", Body: []byte(`
export const handler = async (event) => ({ style: 'esm-mjs', greeting: 'hi ' + event.name });`)}}},
		{"esm-type-module", "index.handler", []zipEntry{
			{Name: "package.json", Body: []byte(`{"type":"module"}`)},
			{Name: "index.js", Body: []byte(`export async function handler(event) { return { style: 'esm-type-module', greeting: 'hi ' + event.name }; }`)}}},
		{"esm-callback", "cb.handler", []zipEntry{{Name: "cb.mjs", Body: []byte(`
export const handler = (event, context, callback) => { callback(null, { style: 'esm-callback', greeting: 'hi ' + event.name }); };`)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := newSpec("node-"+c.name, "nodejs20.x", c.handler, writeZip(t, rt.dir, c.files...))
			spec.Layers = layers
			cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"k":"v"}}`))
			res, err := rt.Run(t.Context(), spec, &lambda.InvokeRequest{RequestID: "aaaaaaaa-2222-3333-4444-555555555555",
				Payload: []byte(`{"name":"seki"}`), LogType: "Tail", ClientContext: cc})
			if err != nil {
				t.Fatal(err)
			}
			m := decode(t, res)
			if res.FunctionError != "" || m["style"] != c.name || m["greeting"] != "hi seki" {
				t.Fatalf("result: %s", res.Payload)
			}
			if c.name == "cjs-async" {
				if m["requestId"] != "aaaaaaaa-2222-3333-4444-555555555555" || m["fn"] != "node-cjs-async" || m["mem"] != "128" ||
					m["arn"] != spec.InvokedARN || m["custom"].(map[string]any)["k"] != "v" {
					t.Errorf("context: %s", res.Payload)
				}
				tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
				lines := strings.Split(string(tail), "\n")
				if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tundefined\tINFO\tinit$`).MatchString(lines[0]) ||
					!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\taaaaaaaa-2222-3333-4444-555555555555\tINFO\tevent \{"name":"seki"\} multi\rline$`).MatchString(lines[2]) {
					t.Errorf("tail:\n%s", tail)
				}
			}
		})
	}
}

func TestNodeErrors(t *testing.T) {
	needNode(t)
	rt := newTestRT(t, nil)
	cases := []struct {
		name, handler string
		files         []zipEntry
		typ, msg      string
	}{
		{"thrown", "index.handler", []zipEntry{{Name: "index.js", Body: []byte(`exports.handler = async () => { throw new TypeError('bad type'); };`)}}, "TypeError", "bad type"},
		{"callback-error", "index.handler", []zipEntry{{Name: "index.js", Body: []byte(`exports.handler = (e, c, cb) => cb(new Error('cb failed'));`)}}, "Error", "cb failed"},
		{"string", "index.handler", []zipEntry{{Name: "index.mjs", Body: []byte(`export const handler = async () => { throw 'plain'; };`)}}, "string", "plain"},
		{"not-found", "index.nothere", []zipEntry{{Name: "index.js", Body: []byte(`exports.handler = async () => 1;`)}}, "Runtime.HandlerNotFound", "index.nothere is undefined or not exported"},
		{"esm-no-package", "index.handler", []zipEntry{{Name: "index.mjs", Body: []byte(`import x from 'no-such-package';
export const handler = async () => x;`)}}, "Runtime.ImportModuleError", "Error: Cannot find package 'no-such-package'"},
		{"no-module", "missing.handler", []zipEntry{{Name: "index.js", Body: []byte(`exports.handler = async () => 1;`)}}, "Runtime.ImportModuleError", "Error: Cannot find module 'missing'"},
		{"syntax", "index.handler", []zipEntry{{Name: "index.js", Body: []byte(`exports.handler = async () => {`)}}, "Runtime.UserCodeSyntaxError", "SyntaxError: "},
		{"malformed", "index", []zipEntry{{Name: "index.js", Body: []byte(`exports.handler = async () => 1;`)}}, "Runtime.MalformedHandlerName", "Bad handler"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := newSpec("nodeerr-"+c.name, "nodejs20.x", c.handler, writeZip(t, rt.dir, c.files...))
			res := invokeJSON(t, rt.Runtime, spec, map[string]any{})
			m := decode(t, res)
			if res.FunctionError != "Unhandled" || m["errorType"] != c.typ || !strings.HasPrefix(m["errorMessage"].(string), c.msg) {
				t.Fatalf("%s", res.Payload)
			}
			if _, ok := m["trace"].([]any); !ok {
				t.Fatalf("no trace: %s", res.Payload)
			}
		})
	}
}
