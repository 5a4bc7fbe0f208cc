//go:build linux

package runtime

import (
	"encoding/base64"
	"strings"
	"testing"
)

// A function that exceeds its memory is killed and reported as AWS does:
// Runtime.OutOfMemory, and REPORT says so. With a cgroup the kernel
// enforces it; the watchdog is the fallback where none can be made.
func TestMemoryLimit(t *testing.T) {
	for _, mode := range []string{"cgroup", "watchdog"} {
		t.Run(mode, func(t *testing.T) {
			rt := newTestRT(t, func(o *Options) { o.MemoryLimits = true })
			if mode == "watchdog" {
				rt.cgroups.close()
				rt.cgroups = &cgroups{mode: cgWatchdog}
			} else if m := rt.cgroups.Mode(); m != "cgroup1" && m != "cgroup2" {
				t.Skipf("no memory cgroup on this host (%s)", m)
			}
			spec := newSpec("oom-"+mode, "provided.al2023", "bootstrap", goZip(t, rt.dir))
			spec.MemoryMB = 128
			// The test is about memory, not time: on a loaded machine
			// touching 512 MB can outlast the default 3 s.
			spec.Timeout = 60
			// Within the limit: fine, and Max Memory Used is reported.
			res := invokeJSON(t, rt.Runtime, spec, map[string]any{"alloc": 16})
			if res.FunctionError != "" {
				t.Fatalf("16 MB in 128 MB: %s", res.Payload)
			}
			tail, _ := base64.StdEncoding.DecodeString(res.LogResult)
			if !strings.Contains(string(tail), "Max Memory Used: ") || strings.Contains(string(tail), "Max Memory Used: 0 MB") {
				t.Fatalf("report: %s", tail)
			}
			res = invokeJSON(t, rt.Runtime, spec, map[string]any{"alloc": 512, "sleep": 500})
			m := decode(t, res)
			if res.FunctionError != "Unhandled" || m["errorType"] != "Runtime.OutOfMemory" ||
				!strings.HasSuffix(m["errorMessage"].(string), "Error: Runtime exited with error: signal: killed") {
				t.Fatalf("over the limit: %s", res.Payload)
			}
			tail, _ = base64.StdEncoding.DecodeString(res.LogResult)
			if !strings.Contains(string(tail), "\tStatus: error\tError Type: Runtime.OutOfMemory") {
				t.Fatalf("report: %s", tail)
			}
			// The next invocation gets a fresh environment.
			if res := invokeJSON(t, rt.Runtime, spec, map[string]any{"x": 1}); string(res.Payload) != `{"x":1}` {
				t.Fatalf("after OOM: %s", res.Payload)
			}
		})
	}
}
