//go:build linux

package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitSpare waits until a spare sandbox is ready.
func waitSpare(t testing.TB, r *Runtime) {
	t.Helper()
	for i := 0; i < 500; i++ {
		r.spares.mu.Lock()
		ready := r.spares.ready != nil
		r.spares.mu.Unlock()
		if ready {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no spare sandbox after 5 s")
}

// A cold start that takes the spare sandbox runs the function in it as in
// one built for it: its own code at /var/task, its memory limit on the
// spare's cgroup, its own processes only, and the next spare is made.
func TestSpareColdStart(t *testing.T) {
	rt := newTestRT(t, func(o *Options) { o.MemoryLimits = true })
	if rt.spares == nil {
		t.Skip("no sandbox on this host")
	}
	rt.PrepareCode("unused", nil) // new code: a spare is made
	waitSpare(t, rt.Runtime)
	spec := newSpec("spare", "provided.al2023", "bootstrap", goZip(t, rt.dir))
	spec.MemoryMB = 192
	res := invokeJSON(t, rt.Runtime, spec, map[string]any{"sh": "ls /var/task; ls /proc | grep -c '^[0-9]'; touch /var/task/x 2>&1; id -u"})
	m := decode(t, res)
	out, _ := m["out"].(string)
	if res.FunctionError != "" || !strings.HasPrefix(out, "bootstrap\n") || !strings.Contains(out, "Read-only file system") ||
		!strings.HasSuffix(out, "993\n") {
		t.Fatalf("in a spare sandbox: %s", res.Payload)
	}
	rt.mu.Lock()
	var cg *cgroup
	for e := range rt.all {
		cg = e.cg
	}
	rt.mu.Unlock()
	if mode := rt.cgroups.Mode(); mode == "cgroup1" || mode == "cgroup2" {
		if cg == nil || !strings.Contains(filepath.Base(cg.dir), "spare-") {
			t.Fatalf("the environment did not take the spare (cgroup %+v)", cg)
		}
		file := "memory.limit_in_bytes"
		if mode == "cgroup2" {
			file = "memory.max"
		}
		b, _ := os.ReadFile(filepath.Join(cg.dir, file))
		if strings.TrimSpace(string(b)) != strconv.Itoa(192<<20) {
			t.Fatalf("%s of the spare's cgroup: %q", file, b)
		}
	}
	waitSpare(t, rt.Runtime) // the next one
}
