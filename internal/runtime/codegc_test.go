package runtime

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
)

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Unpacked code that no version runs is removed, and so is what a previous
// run left; code an environment runs from (idle or in the middle of an
// invocation) stays until the environment ends.
func TestCollectCode(t *testing.T) {
	rt := newTestRT(t, nil)
	zip := goZip(t, rt.dir)
	a := newSpec("a", "provided.al2023", "bootstrap", zip)
	b := newSpec("b", "provided.al2023", "bootstrap", zip)
	for _, s := range []*lambda.FunctionSpec{a, b} {
		if res := invokeJSON(t, rt.Runtime, s, map[string]any{"x": 1}); res.FunctionError != "" {
			t.Fatalf("%s", res.Payload)
		}
	}
	u := rt.unpacked.dir
	dirA, dirB := filepath.Join(u, specCodeKey(a)), filepath.Join(u, specCodeKey(b))
	orphan := filepath.Join(u, codeKey("deleted-while-seki-was-down"))
	oldTmp := filepath.Join(u, ".tmp-crashed")
	oldTrash := filepath.Join(u, ".trash-crashed")
	for _, d := range []string{orphan, oldTmp, oldTrash} {
		os.MkdirAll(filepath.Join(d, "sub"), 0o755)
		os.WriteFile(filepath.Join(d, "sub", "f"), []byte("x"), 0o644)
	}
	past := time.Now().Add(-time.Hour)
	os.Chtimes(oldTmp, past, past)
	building := filepath.Join(u, ".tmp-building") // a build of this run
	os.Mkdir(building, 0o755)

	rt.CollectCode([]lambda.CodeRef{{CodeSHA256: b.CodeSHA256}})
	for _, d := range []string{orphan, oldTmp, oldTrash} {
		if exists(d) {
			t.Errorf("%s was not collected", filepath.Base(d))
		}
	}
	if !exists(dirA) || !exists(dirB) || !exists(building) {
		t.Fatalf("collected code in use: a %v, b %v, build %v", exists(dirA), exists(dirB), exists(building))
	}

	// a is deleted while it runs: the invocation still reads its code.
	var wg sync.WaitGroup
	wg.Add(1)
	var out string
	go func() {
		defer wg.Done()
		res := invokeJSON(t, rt.Runtime, a, map[string]any{"sh": "sleep 1; wc -c < /var/task/bootstrap"})
		out = string(res.Payload)
	}()
	time.Sleep(300 * time.Millisecond)
	rt.Retire(a.FunctionARN)
	rt.CollectCode([]lambda.CodeRef{{CodeSHA256: b.CodeSHA256}})
	if !exists(dirA) {
		t.Fatal("the code of a running invocation was collected")
	}
	wg.Wait()
	if !strings.Contains(out, `"code":0`) || !strings.Contains(out, `"out":"1`) {
		t.Fatalf("the running invocation lost its code: %s", out)
	}
	// The environment has ended: the reaper's next sweep collects it.
	deadline := time.Now().Add(10 * time.Second)
	for exists(dirA) && time.Now().Before(deadline) {
		rt.Reap()
		if rt.sweepPending.Load() {
			rt.sweepCode()
		}
		time.Sleep(20 * time.Millisecond)
	}
	if exists(dirA) {
		t.Fatal("the code of an ended environment was not collected")
	}
	if !exists(dirB) {
		t.Fatal("live code was collected")
	}
	// a, created again with the same package, unpacks it again.
	a2 := *a
	a2.RevisionId = "rev-2"
	if res := invokeJSON(t, rt.Runtime, &a2, map[string]any{"again": 1}); string(res.Payload) != `{"again":1}` {
		t.Fatalf("%s %s", res.FunctionError, res.Payload)
	}
}

// A package PrepareCode unpacked for a function not committed yet is kept
// though no version runs it yet.
func TestCollectCodeKeepsFreshlyPrepared(t *testing.T) {
	rt := newTestRT(t, nil)
	data := mustRead(t, goZip(t, rt.dir))
	rt.PrepareCode("fresh-sha", data)
	dir := filepath.Join(rt.unpacked.dir, codeKey("fresh-sha"))
	for i := 0; i < 500 && !exists(dir); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	rt.CollectCode(nil)
	if !exists(dir) {
		t.Fatal("a package prepared a moment ago was collected")
	}
}

// Unpacked code is written without fsync, so it is kept across a restart
// only when the previous run stopped cleanly (and synced it); after a run
// that ended otherwise (killed, power lost) it is removed, to be unpacked
// again from the stored package.
func TestUnpackedKeptOnlyAfterCleanStop(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rt")
	ctx := context.Background()
	start := func() *Runtime {
		t.Helper()
		r, err := New(Options{Dir: dir, Assumer: &staticAssumer{}, Endpoint: fixedEndpoint("http://127.0.0.1:1")})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := start()
	mark := filepath.Join(r.unpacked.dir, cleanMark)
	code := filepath.Join(r.unpacked.dir, codeKey("some package"))
	os.MkdirAll(code, 0o755)
	os.WriteFile(filepath.Join(code, "bootstrap"), []byte("x"), 0o755)
	if exists(mark) {
		t.Fatal("marked clean while running")
	}
	r.Stop(ctx)
	if !exists(mark) {
		t.Fatal("a clean stop left no mark")
	}
	r = start()
	if !exists(code) || exists(mark) {
		t.Fatalf("after a clean stop: code kept %v, mark left %v", exists(code), exists(mark))
	}
	r.Stop(ctx)
	// A run that did not stop: its start removed the mark, and nothing
	// wrote it again.
	os.Remove(mark)
	r = start()
	defer r.Stop(ctx)
	if exists(code) {
		t.Fatal("code unpacked by a run that did not stop cleanly was kept")
	}
}
