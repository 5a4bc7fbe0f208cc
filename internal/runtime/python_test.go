package runtime

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/lambda"
)

func needPython(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
}

const pyHandler = `
import json, logging, os, sys
import helper

logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("init output")

def handler(event, context):
    if event.get("raise"):
        raise ValueError(event["raise"])
    if event.get("unserializable"):
        return {1, 2}
    print("hello from python")
    logger.info("info line\nsecond line")
    cc = context.client_context
    return {
        "event": event,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
        "client_context": None if cc is None else {"custom": cc.custom, "env": cc.env, "app_title": cc.client and cc.client.app_title},
        "remaining": context.get_remaining_time_in_millis(),
        "helper": helper.VALUE,
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "cwd": os.getcwd(),
        "path0": sys.path[0],
    }
`

func TestPythonHandler(t *testing.T) {
	needPython(t)
	rt := newTestRT(t, nil)
	code := writeZip(t, rt.dir,
		zipEntry{Name: "app.py", Body: []byte(pyHandler)},
	)
	layer := writeZip(t, rt.dir, zipEntry{Name: "python/helper.py", Body: []byte("VALUE = 'from the layer'\n")})
	spec := newSpec("py", "python3.12", "app.handler", code)
	spec.Layers = []lambda.LayerSpec{{ARN: "arn:aws:lambda:us-east-1:111111111111:layer:helper:1", Path: layer, CodeSHA256: "x"}}
	cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"k":"v"},"env":{"e":"1"},"client":{"app_title":"t"}}`))
	res, err := rt.Run(t.Context(), spec, &lambda.InvokeRequest{RequestID: "11111111-2222-3333-4444-555555555555",
		Payload: []byte(`{"a": 1}`), LogType: "Tail", ClientContext: cc})
	if err != nil {
		t.Fatal(err)
	}
	if res.FunctionError != "" {
		t.Fatalf("error: %s", res.Payload)
	}
	m := decode(t, res)
	want := map[string]any{
		"function_name": "py", "function_version": "$LATEST", "invoked_function_arn": spec.InvokedARN,
		"memory_limit_in_mb": "128", "aws_request_id": "11111111-2222-3333-4444-555555555555",
		"log_group_name": "/aws/lambda/py", "helper": "from the layer",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if m["event"].(map[string]any)["a"] != float64(1) {
		t.Errorf("event %v", m["event"])
	}
	if c := m["client_context"].(map[string]any); c["custom"].(map[string]any)["k"] != "v" || c["app_title"] != "t" {
		t.Errorf("client context %v", c)
	}
	if r := m["remaining"].(float64); r < 2000 || r > 3000 {
		t.Errorf("remaining %v", r)
	}
	if m["cwd"] != m["path0"] || !strings.HasSuffix(m["cwd"].(string), "/task") {
		t.Errorf("cwd %v, sys.path[0] %v", m["cwd"], m["path0"])
	}
	// The JSON is Python's (spaces after separators, as AWS's runtime).
	if !strings.Contains(string(res.Payload), `"function_name": "py"`) {
		t.Errorf("payload %s", res.Payload)
	}
	tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
	lines := strings.Split(strings.TrimSuffix(string(tail), "\n"), "\n")
	if lines[0] != "init output" || !strings.HasPrefix(lines[1], "START RequestId: 11111111-2222-3333-4444-555555555555 Version: $LATEST") ||
		lines[2] != "hello from python" ||
		!regexp.MustCompile(`^\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t11111111-2222-3333-4444-555555555555\tinfo line\rsecond line$`).MatchString(lines[3]) ||
		lines[4] != "END RequestId: 11111111-2222-3333-4444-555555555555" ||
		!regexp.MustCompile(`^REPORT RequestId: 11111111-2222-3333-4444-555555555555\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t$`).MatchString(lines[5]) {
		t.Fatalf("tail:\n%s", tail)
	}

	// An exception: AWS's shape, with the request id and the user's frames.
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"raise": "bad value"})
	m = decode(t, res)
	st := m["stackTrace"].([]any)
	if res.FunctionError != "Unhandled" || m["errorType"] != "ValueError" || m["errorMessage"] != "bad value" ||
		len(m["requestId"].(string)) != 36 || len(st) != 1 || !strings.Contains(st[0].(string), `app.py", line 11, in handler`) {
		t.Fatalf("exception: %s", res.Payload)
	}
	tail, _ = base64.StdEncoding.DecodeString(res.LogResult)
	if !strings.Contains(string(tail), "[ERROR] ValueError: bad value\rTraceback (most recent call last):\r\u00a0\u00a0File") {
		t.Fatalf("error log: %q", tail)
	}
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"unserializable": true})
	if m := decode(t, res); m["errorType"] != "Runtime.MarshalError" || !strings.HasPrefix(m["errorMessage"].(string), "Unable to marshal response: ") {
		t.Fatalf("marshal: %s", res.Payload)
	}
}

func TestPythonLoadErrors(t *testing.T) {
	needPython(t)
	rt := newTestRT(t, nil)
	cases := []struct {
		handler, file, body, typ, msg string
	}{
		{"missing.handler", "app.py", "x = 1\n", "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"},
		{"app.handler", "app.py", "import nosuchmodule\n", "Runtime.ImportModuleError", "Unable to import module 'app': No module named 'nosuchmodule'"},
		{"app.nothere", "app.py", "def handler(e, c): pass\n", "Runtime.HandlerNotFound", "Handler 'nothere' missing on module 'app'"},
		{"app.handler", "app.py", "def handler(e, c)\n  pass\n", "Runtime.UserCodeSyntaxError", "Syntax error in module 'app': "},
	}
	for _, c := range cases {
		spec := newSpec("pyerr", "python3.12", c.handler, writeZip(t, rt.dir, zipEntry{Name: c.file, Body: []byte(c.body)}))
		spec.RevisionId = randomHex(8)
		res := invokeJSON(t, rt.Runtime, spec, map[string]any{})
		m := decode(t, res)
		if res.FunctionError != "Unhandled" || m["errorType"] != c.typ || !strings.HasPrefix(m["errorMessage"].(string), c.msg) || len(m["requestId"].(string)) != 36 {
			t.Errorf("%s: %s", c.handler, res.Payload)
		}
	}
	// An exception while the module runs is an init error.
	spec := newSpec("pyinit", "python3.12", "app.handler", writeZip(t, rt.dir, zipEntry{Name: "app.py", Body: []byte("raise RuntimeError('init failed')\n")}))
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{})
	m := decode(t, res)
	if res.FunctionError != "Unhandled" || m["errorType"] != "RuntimeError" || m["errorMessage"] != "init failed" || m["requestId"] != "" {
		t.Fatalf("init error: %s", res.Payload)
	}
	tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
	if !strings.Contains(string(tail), "INIT_REPORT Init Duration: ") || !strings.Contains(string(tail), "\tPhase: init\tStatus: error\tError Type: RuntimeError") {
		t.Fatalf("init tail: %q", tail)
	}
	if st := rt.Stats(); st.Idle != 1 || st.Environments != 1 {
		// A load error keeps its environment (the fault is reported per
		// invocation, as AWS's runtime does; older revisions' environments
		// are retired); the init error's environment is gone.
		t.Errorf("stats %+v", st)
	}
}

// A Python function sees its code, its layers, the standard library and the
// SDK seki provides: nothing the host's installation has in its
// site-packages. The interpreter here is a virtual environment of the
// host's Python 3.12 with a module of its own in its site-packages.
func TestPythonHostSitePackagesHidden(t *testing.T) {
	base := hostPython(t, "3.12")
	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command(base, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Skipf("cannot create a virtual environment: %v %s", err, out)
	}
	py := filepath.Join(venv, "bin", "python3")
	site, err := exec.Command(py, "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])").Output()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(strings.TrimSpace(string(site)), "hostonly_seki.py"), []byte("X = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The host's interpreter itself imports it: the test can fail.
	if out, err := exec.Command(py, "-c", "import hostonly_seki").CombinedOutput(); err != nil {
		t.Fatalf("the host cannot import its own module: %v %s", err, out)
	}
	os.Chmod(filepath.Dir(venv), 0o755) // readable by the sandbox's uid
	rt := newTestRT(t, func(o *Options) { o.Discovery = Discovery{Explicit: map[string]string{"python3.12": py}} })

	paths := newSpec("paths", "python3.12", "app.handler", writeZip(t, rt.dir, zipEntry{Name: "app.py",
		Body: []byte("import sys\ndef handler(event, context):\n    return {'path': sys.path, 'exit': callable(exit)}\n")}))
	res := invokeJSON(t, rt.Runtime, paths, map[string]any{})
	if res.FunctionError != "" {
		t.Fatalf("%s", res.Payload)
	}
	var got struct {
		Path []string
		Exit bool
	}
	json.Unmarshal(res.Payload, &got)
	for _, p := range got.Path {
		if strings.Contains(p, "site-packages") && !strings.HasPrefix(p, "/opt/") || strings.HasPrefix(p, venv) {
			t.Errorf("the host's %s is on sys.path: %v", p, got.Path)
		}
	}
	if !got.Exit {
		t.Errorf("exit() is missing: %s", res.Payload)
	}
	// The runtime client was compiled once for this interpreter, where the
	// read-only /var/runtime lets Python load it without compiling it.
	if m, _ := filepath.Glob(filepath.Join(rt.runtimeDir, "__pycache__", "bootstrap.cpython-312*.pyc")); len(m) != 1 {
		t.Errorf("bootstrap.py was not compiled: %v", m)
	}

	spec := newSpec("hostonly", "python3.12", "app.handler", writeZip(t, rt.dir, zipEntry{Name: "app.py",
		Body: []byte("import hostonly_seki\ndef handler(event, context):\n    return 1\n")}))
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{})
	var e struct{ ErrorType, ErrorMessage string }
	json.Unmarshal(res.Payload, &e)
	if e.ErrorType != "Runtime.ImportModuleError" || !strings.Contains(e.ErrorMessage, "hostonly_seki") {
		t.Fatalf("a module of the host's site-packages was imported: %s %s", res.FunctionError, res.Payload)
	}
}
