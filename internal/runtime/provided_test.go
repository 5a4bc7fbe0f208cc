package runtime

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/lambda"
)

// aws-lambda-go, unchanged, echoes through the Runtime API; the second
// invocation reuses the warm environment.
func TestProvidedEchoAndWarmReuse(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("echo", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"hello": "world"})
	if res.StatusCode != 200 || res.FunctionError != "" || string(res.Payload) != `{"hello":"world"}` {
		t.Fatalf("echo: %+v %s", res, res.Payload)
	}
	c1 := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))
	c2 := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))
	if c1["instance"] != c2["instance"] {
		t.Fatalf("not reused: %v vs %v", c1["instance"], c2["instance"])
	}
	if rt.assumer.count() != 1 {
		t.Fatalf("role assumed %d times for one environment", rt.assumer.count())
	}
	if c1["invokedArn"] != spec.InvokedARN || c1["functionName"] != "echo" || c1["version"] != "$LATEST" ||
		c1["memory"] != float64(128) || c1["logGroup"] != "/aws/lambda/echo" {
		t.Fatalf("context: %v", c1)
	}
	if ms := c1["remainingMs"].(float64); ms < 2000 || ms > 3000 {
		t.Fatalf("remaining time %v of a 3 s timeout", ms)
	}
	if !regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$`).MatchString(c1["trace"].(string)) {
		t.Fatalf("trace id %q", c1["trace"])
	}
	if st := rt.Stats(); st.Environments != 1 || st.Idle != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// The environment has exactly AWS's variables plus the function's, and
// nothing of seki's own environment.
func TestProvidedEnvironment(t *testing.T) {
	t.Setenv("SEKI_TEST_CANARY", "leaked")
	rt := newTestRT(t, nil)
	spec := newSpec("envfn", "provided.al2", "my.handler", goZip(t, rt.dir))
	spec.Environment = map[string]string{"MY_VAR": "mine", "LANG": "C.UTF-8"}
	spec.MemoryMB = 256
	out := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"env": true}))
	env := out["env"].(map[string]any)
	var keys []string
	for _, k := range out["keys"].([]any) {
		keys = append(keys, k.(string))
	}
	want := []string{
		"AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
		"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
		"AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "AWS_REGION",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMBDA_RUNTIME_DIR", "LAMBDA_TASK_ROOT", "LANG",
		"LD_LIBRARY_PATH", "MY_VAR", "PATH", "TZ", "_HANDLER", "_X_AMZN_TRACE_ID",
	}
	if !slices.Equal(keys, want) {
		t.Fatalf("variables:\n got %v\nwant %v", keys, want)
	}
	check := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": "envfn", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/envfn",
		"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "_HANDLER": "my.handler",
		"TZ": ":UTC", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_ACCESS_KEY_ID": "ASIATESTTESTTESTTEST",
		"AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token", "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
		"MY_VAR": "mine", "LANG": "C.UTF-8",
	}
	for k, v := range check {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	stream := env["AWS_LAMBDA_LOG_STREAM_NAME"].(string)
	if !regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`).MatchString(stream) {
		t.Errorf("log stream %q", stream)
	}
	if !regexp.MustCompile(`^127\.0\.0\.1:\d+$`).MatchString(env["AWS_LAMBDA_RUNTIME_API"].(string)) {
		t.Errorf("runtime API %q", env["AWS_LAMBDA_RUNTIME_API"])
	}
	if out["cwd"] != env["LAMBDA_TASK_ROOT"] {
		t.Errorf("cwd %v, task root %v", out["cwd"], env["LAMBDA_TASK_ROOT"])
	}
	if !strings.HasSuffix(env["PATH"].(string), "/bin") || strings.Contains(env["PATH"].(string), os.Getenv("HOME")+"/go") {
		t.Errorf("PATH %q", env["PATH"])
	}
	for k, v := range env {
		if strings.Contains(v.(string), "leaked") {
			t.Errorf("seki's environment leaked into %s", k)
		}
	}
	// Its own process group: the runtime leads it.
	if out["pgid"] != out["pid"] {
		t.Errorf("process group %v, pid %v", out["pgid"], out["pid"])
	}
}

func formatFloat(v any) string {
	f, _ := v.(float64)
	return strconv.FormatInt(int64(f), 10)
}

func TestProvidedFailures(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("fail", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	spec.Timeout = 1

	// A returned error: AWS's shape from aws-lambda-go, env kept warm.
	pid := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))["instance"]
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"error": "boom"})
	if res.FunctionError != "Unhandled" || string(res.Payload) != `{"errorMessage":"boom","errorType":"errorString"}` {
		t.Fatalf("error: %+v %s", res, res.Payload)
	}
	if p := decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{"context": true}))["instance"]; p != pid {
		t.Fatalf("a function error ended the environment")
	}

	// A timeout: status 200, Unhandled, AWS's message; the process is killed.
	start := time.Now()
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"sleep": 5000})
	if d := time.Since(start); d < time.Second || d > 3*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	m := decode(t, res)
	if res.FunctionError != "Unhandled" || m["errorType"] != "Sandbox.Timedout" ||
		!regexp.MustCompile(`^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$`).MatchString(m["errorMessage"].(string)) {
		t.Fatalf("timeout: %+v %s", res, res.Payload)
	}
	tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
	if !strings.Contains(string(tail), "\tStatus: timeout") {
		t.Fatalf("timeout tail: %q", tail)
	}

	// A crash: Runtime.ExitError with the exit status.
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"crash": 3})
	m = decode(t, res)
	if res.FunctionError != "Unhandled" || m["errorType"] != "Runtime.ExitError" ||
		!strings.HasSuffix(m["errorMessage"].(string), " Error: Runtime exited with error: exit status 3") {
		t.Fatalf("crash: %s", res.Payload)
	}

	// A panic: aws-lambda-go reports it, then exits.
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"panic": "oh no"})
	m = decode(t, res)
	if res.FunctionError != "Unhandled" || m["errorMessage"] != "oh no" || m["errorType"] != "string" {
		t.Fatalf("panic: %s", res.Payload)
	}

	// A streamed response that fails midway: the error arrives in the
	// trailers (chunked encoding), as aws-lambda-go sends it.
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"stream": "read failed"})
	if res.FunctionError != "Unhandled" || string(res.Payload) != `{"errorMessage":"read failed","errorType":"errorString"}` {
		t.Fatalf("trailer error: %q %s", res.FunctionError, res.Payload)
	}

	// Still serving after all that.
	if res := invokeJSON(t, rt.Runtime, spec, map[string]any{"a": 1}); string(res.Payload) != `{"a":1}` {
		t.Fatalf("after failures: %s", res.Payload)
	}
}

// A response over 6 MB is AWS's Function.ResponseSizeTooLarge.
func TestProvidedResponseTooLarge(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("big", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"big": maxResponse - 1})
	want := `{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`
	if res.FunctionError != "Unhandled" || string(res.Payload) != want {
		t.Fatalf("too large: %q %.200s", res.FunctionError, res.Payload)
	}
	// Just under the limit passes (the JSON string adds two quotes).
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"big": maxResponse - 2})
	if res.FunctionError != "" || len(res.Payload) != maxResponse {
		t.Fatalf("at the limit: %q %d", res.FunctionError, len(res.Payload))
	}
}

// Missing bootstrap: Runtime.InvalidEntrypoint; role refused: Lambda's error.
func TestProvidedStartFailures(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("nobootstrap", "provided.al2023", "bootstrap", writeZip(t, rt.dir, zipEntry{Name: "readme.txt", Body: []byte("hi")}))
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{})
	m := decode(t, res)
	if res.FunctionError != "Unhandled" || m["errorType"] != "Runtime.InvalidEntrypoint" ||
		!strings.HasSuffix(m["errorMessage"].(string), "Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]") {
		t.Fatalf("no bootstrap: %s", res.Payload)
	}
	// Not executable.
	spec = newSpec("noexec", "provided.al2023", "bootstrap", writeZip(t, rt.dir, zipEntry{Name: "bootstrap", Body: []byte("#!/bin/sh\n"), Mode: 0o644}))
	m = decode(t, invokeJSON(t, rt.Runtime, spec, map[string]any{}))
	if m["errorType"] != "Runtime.InvalidEntrypoint" || !strings.Contains(m["errorMessage"].(string), "permission denied") {
		t.Fatalf("not executable: %v", m)
	}

	rt.assumer.refuse = awserr.Code{Name: "AccessDenied", Status: 403}.New("User: lambda.amazonaws.com is not authorized to perform: sts:AssumeRole")
	spec = newSpec("norole", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	_, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)})
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "AccessDeniedException" || ae.Message != "The role defined for the function cannot be assumed by Lambda." {
		t.Fatalf("refused role: %v", err)
	}
	if st := rt.Stats(); st.Environments != 0 {
		t.Fatalf("environments left: %+v", st)
	}
}

// A runtime whose interpreter is missing fails the invoke with an error
// naming it and --runtime; an unsupported runtime says which are.
func TestMissingInterpreter(t *testing.T) {
	// Nothing on PATH, no version managers under HOME.
	t.Setenv("PATH", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	for _, v := range []string{"PYENV_ROOT", "NVM_DIR", "FNM_DIR", "ASDF_DATA_DIR", "UV_PYTHON_INSTALL_DIR", "XDG_DATA_HOME"} {
		t.Setenv(v, "")
	}
	rt := newTestRT(t, nil)
	code := writeZip(t, rt.dir, zipEntry{Name: "index.js", Body: []byte("exports.handler = async () => 1;")})
	for _, c := range []struct{ runtime, want string }{
		{"nodejs20.x", "the nodejs20.x runtime needs Node.js 20, which was not found"},
		{"python3.12", "start seki with --runtime python3.12=/path/to/python3.12"},
		{"java21", "not supported"},
	} {
		_, err := rt.Run(context.Background(), newSpec("missing", c.runtime, "index.handler", code),
			&lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte(`{}`)})
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Code != "InvalidRuntimeException" || ae.Status != 502 || !strings.Contains(ae.Message, c.want) {
			t.Errorf("%s: %v", c.runtime, err)
		}
	}
}
