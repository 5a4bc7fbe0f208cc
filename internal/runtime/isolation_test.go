package runtime

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sandbox"
)

// shellRuntime is the classic custom runtime from AWS's tutorial: a shell
// script that talks to the Runtime API with curl, one connection per
// request. It starts a background child (a sleep with a unique duration,
// to find it among the host's processes) to show that a timeout kills
// everything the runtime started.
const shellRuntime = `#!/bin/sh
set -eu
sleep "$SLEEP" &
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "$API/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  case "$EVENT" in
    *sleep*) sleep 10 ;;
  esac
  curl -sS -X POST "$API/$ID/response" -d "{\"shell\":$EVENT}" > /dev/null
done
`

func TestShellRuntimeAndProcessGroup(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	rt := newTestRT(t, nil)
	token := "300." + strconv.Itoa(int(time.Now().UnixNano()%1e9))
	spec := newSpec("shell", "provided.al2", "function.handler", writeZip(t, rt.dir, zipEntry{Name: "bootstrap", Body: []byte(shellRuntime), Mode: 0o755}))
	spec.Environment = map[string]string{"SLEEP": token}
	spec.Timeout = 1
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"n": 1})
	if string(res.Payload) != `{"shell":{"n":1}}` {
		t.Fatalf("shell runtime: %s", res.Payload)
	}
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"n": 2}) // warm, new connection
	if string(res.Payload) != `{"shell":{"n":2}}` {
		t.Fatalf("shell runtime, warm: %s", res.Payload)
	}
	if len(hostProcs(token)) != 1 {
		t.Fatalf("background child not running")
	}
	res = invokeJSON(t, rt.Runtime, spec, map[string]any{"sleep": true})
	if m := decode(t, res); m["errorType"] != "Sandbox.Timedout" {
		t.Fatalf("timeout: %s", res.Payload)
	}
	waitFor(t, func() bool { return len(hostProcs(token)) == 0 })
}

// Each environment's Runtime API serves only its own invocations: asking
// another environment's listener for work gets nothing.
func TestRuntimeAPIIsPerEnvironment(t *testing.T) {
	rt := newTestRT(t, nil)
	code := goZip(t, rt.dir)
	a := newSpec("iso-a", "provided.al2023", "bootstrap", code)
	b := newSpec("iso-b", "provided.al2023", "bootstrap", code)
	invokeJSON(t, rt.Runtime, a, map[string]any{})
	invokeJSON(t, rt.Runtime, b, map[string]any{})
	rt.mu.Lock()
	ea := rt.idle[poolKey{a.FunctionARN, a.Version, a.RevisionId}][0]
	eb := rt.idle[poolKey{b.FunctionARN, b.Version, b.RevisionId}][0]
	rt.mu.Unlock()
	if ea.ln.Addr().String() == eb.ln.Addr().String() {
		t.Fatal("two environments share a Runtime API address")
	}
	// While b is invoked, a stranger polls a's API: it gets no event.
	done := make(chan string)
	go func() {
		res := invokeJSON(t, rt.Runtime, b, map[string]any{"secret": "for b only", "sleep": 300})
		done <- string(res.Payload)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+ea.ln.Addr().String()+"/2018-06-01/runtime/invocation/next", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a's API handed out an event: %d", resp.StatusCode)
	}
	if got := <-done; !strings.Contains(got, "for b only") {
		t.Fatalf("b: %s", got)
	}
}

// A function that floods its output does not hurt seki: lines beyond the
// event limit are split, the tail is the last 4 KB.
func TestOutputFlood(t *testing.T) {
	rt := newTestRT(t, nil)
	spec := newSpec("flood", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	big := strings.Repeat("y", 3<<20)
	res, err := rt.Run(context.Background(), spec, &lambda.InvokeRequest{RequestID: newRequestID(), LogType: "Tail",
		Payload: []byte(`{"print":"` + big + `"}`)})
	if err != nil || res.FunctionError != "" {
		t.Fatalf("%v %q", err, res.FunctionError)
	}
	tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
	if len(tail) != tailBytes || !strings.Contains(string(tail), "REPORT RequestId: ") {
		t.Fatalf("tail of %d bytes: %.200q", len(tail), tail)
	}
}

// Without a sandbox, functions still run, and every environment's first
// log line says what is not isolated.
func TestUnisolatedSaysSo(t *testing.T) {
	rt := newTestRT(t, nil)
	rt.sandbox = sandbox.Support{Err: errors.New("no user namespaces (test)")}
	spec := newSpec("plain", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"env": true})
	if res.FunctionError != "" {
		t.Fatalf("%s", res.Payload)
	}
	env := decode(t, res)["env"].(map[string]any)
	if env["LAMBDA_TASK_ROOT"] == "/var/task" {
		t.Fatalf("unsandboxed, yet LAMBDA_TASK_ROOT is /var/task")
	}
	tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
	first, _, _ := strings.Cut(string(tail), "\n")
	if !strings.HasPrefix(first, "WARNING: functions are NOT isolated (no user namespaces (test))") ||
		!strings.Contains(first, "seki.db") {
		t.Fatalf("first log line %q", first)
	}
	if !strings.HasPrefix(rt.Stats().Isolation, "WARNING") {
		t.Fatalf("stats: %q", rt.Stats().Isolation)
	}
}
