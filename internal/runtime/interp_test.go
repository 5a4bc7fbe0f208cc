package runtime

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/lambda"
)

// hostPython returns an installed Python X.Y's executable found the way
// seki finds it, or skips when the host has none.
func hostPython(t testing.TB, want string) string {
	t.Helper()
	in := newInterpreters(Discovery{})
	f, err := in.lookup(t.Context(), "python"+want)
	if err != nil {
		t.Skipf("no Python %s on this host: %v", want, err)
	}
	return f.in.Path
}

const pyVersionHandler = "import sys\ndef handler(event, context):\n    return {'version': '%d.%d.%d' % sys.version_info[:3], 'exe': sys.executable}\n"

// A python3.12 function runs on Python 3.12, wherever discovery finds it
// (here: pyenv, whose python3.12 shim on PATH does not run it), never on
// the python3 on PATH.
func TestPythonRunsOnItsVersion(t *testing.T) {
	for _, v := range []string{"3.12", "3.13"} {
		t.Run(v, func(t *testing.T) {
			hostPython(t, v)
			rt := newTestRT(t, nil)
			spec := newSpec("pyver", "python"+v, "app.handler", writeZip(t, rt.dir, zipEntry{Name: "app.py", Body: []byte(pyVersionHandler)}))
			res := invokeJSON(t, rt.Runtime, spec, map[string]any{})
			if res.FunctionError != "" {
				t.Fatalf("%s", res.Payload)
			}
			if got := decode(t, res)["version"].(string); !versionIs(got, v) {
				t.Fatalf("python%s ran on Python %s", v, got)
			}
		})
	}
}

// When no interpreter of the exact version can be found, the invoke fails
// with an error naming the runtime and --runtime; another version on PATH
// (the host's python3 and node) is not used.
func TestMissingInterpreterIsNamed(t *testing.T) {
	// The host's real PATH (python3 and node of other versions are on it),
	// but no HOME: no version managers, no cache.
	env := func(k string) string {
		if k == "PATH" {
			return os.Getenv("PATH")
		}
		return ""
	}
	rt := newTestRT(t, func(o *Options) { o.Discovery = Discovery{Getenv: env} })
	for _, c := range []struct{ runtime, handler string }{{"python3.12", "app.handler"}, {"nodejs22.x", "index.handler"}, {"python3.14", "app.handler"}} {
		t.Run(c.runtime, func(t *testing.T) {
			if p := findOnPath(c.runtime); p != "" {
				t.Skipf("%s is on PATH (%s)", c.runtime, p)
			}
			spec := newSpec("missing", c.runtime, c.handler, writeZip(t, rt.dir,
				zipEntry{Name: "app.py", Body: []byte(pyVersionHandler)},
				zipEntry{Name: "index.js", Body: []byte(`exports.handler = async () => process.version;`)}))
			_, err := rt.Run(t.Context(), spec, newInvokeRequest())
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Code != "InvalidRuntimeException" {
				t.Fatalf("err = %v, want InvalidRuntimeException", err)
			}
			if !strings.Contains(ae.Message, "the "+c.runtime+" runtime") || !strings.Contains(ae.Message, "--runtime "+c.runtime+"=") ||
				!strings.Contains(ae.Message, "never runs a function on another version") {
				t.Fatalf("message does not name the runtime and the flag: %s", ae.Message)
			}
		})
	}
}

// findOnPath is the exact-version executable a runtime may find on PATH.
func findOnPath(runtime string) string {
	name := runtime
	if m := reNode.FindStringSubmatch(runtime); m != nil {
		name = "node" + m[1]
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil && !strings.Contains(dir, "pyenv/shims") {
			return p
		}
	}
	return ""
}

// --runtime names the interpreter; a wrong version there is refused, not
// run.
func TestExplicitRuntime(t *testing.T) {
	py313 := hostPython(t, "3.13")
	py312 := hostPython(t, "3.12")
	rt := newTestRT(t, func(o *Options) {
		o.Discovery = Discovery{
			Explicit: map[string]string{"python3.13": filepath.Dir(filepath.Dir(py313)), "python3.11": py312},
			Getenv:   func(string) string { return "" },
		}
	})
	code := writeZip(t, rt.dir, zipEntry{Name: "app.py", Body: []byte(pyVersionHandler)})
	res := invokeJSON(t, rt.Runtime, newSpec("explicit", "python3.13", "app.handler", code), map[string]any{})
	if got := decode(t, res)["version"].(string); !versionIs(got, "3.13") {
		t.Fatalf("ran on %s", got)
	}
	_, err := rt.Run(t.Context(), newSpec("wrong", "python3.11", "app.handler", code), newInvokeRequest())
	if err == nil || !strings.Contains(err.Error(), "--runtime python3.11="+py312) || !strings.Contains(err.Error(), "not Python 3.11") {
		t.Fatalf("err = %v", err)
	}
	var listed bool
	for _, in := range rt.Interpreters(t.Context()) {
		if in.Runtime == "python3.13" {
			listed = in.Source == "--runtime" && versionIs(in.Version, "3.13")
		}
	}
	if !listed {
		t.Fatalf("python3.13 is not listed as from --runtime: %+v", rt.Interpreters(t.Context()))
	}
}

// Version managers' directories are read newest first, and a version is a
// release of the wanted one only (3.1 is not 3.12).
func TestGlobVersions(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"3.12.1", "3.12.10", "3.12.9", "3.1.5", "3.12-dev", "3.13.0", "3.12.4t"} {
		os.MkdirAll(filepath.Join(dir, v, "bin"), 0o755)
		os.WriteFile(filepath.Join(dir, v, "bin", "python3.12"), nil, 0o755)
	}
	var got []string
	for _, c := range globVersions(dir, "", "3.12", "bin/python3.12", "pyenv") {
		got = append(got, filepath.Base(filepath.Dir(filepath.Dir(c.path))))
	}
	if strings.Join(got, " ") != "3.12.10 3.12.9 3.12.1 3.12-dev" {
		t.Fatalf("got %v", got)
	}
	if versionIs("3.12.1", "3.1") || !versionIs("22.12.0", "22") || versionIs("2.0.0", "22") {
		t.Fatal("versionIs")
	}
}

func newInvokeRequest() *lambda.InvokeRequest {
	return &lambda.InvokeRequest{RequestID: newRequestID(), Payload: []byte("{}"), InvocationType: "RequestResponse"}
}

// Code Lambda hands over at create time is unpacked then: the first invoke
// uses it (here the stored package does not even exist), and another
// function with the same content shares it.
func TestPrepareCode(t *testing.T) {
	rt := newTestRT(t, nil)
	pkg := writeZip(t, rt.dir, zipEntry{Name: "app.py", Body: []byte(pyVersionHandler)})
	data, err := os.ReadFile(pkg)
	if err != nil {
		t.Fatal(err)
	}
	rt.PrepareCode("c2hhLW9mLXRoZS1wYWNrYWdl", data)
	for _, name := range []string{"prepared", "same-content"} {
		spec := newSpec(name, "python3.12", "app.handler", filepath.Join(rt.dir, "no-such-blob.zip"))
		spec.CodeSHA256 = "c2hhLW9mLXRoZS1wYWNrYWdl"
		res := invokeJSON(t, rt.Runtime, spec, map[string]any{})
		if res.FunctionError != "" {
			t.Fatalf("%s: %s", name, res.Payload)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(rt.dir, "rt", "unpacked", "code-*")); len(m) != 1 {
		t.Fatalf("unpacked: %v", m)
	}
}

// The launcher names the interpreter's installation and, once installed,
// the SDK's directory, for a sandbox to make visible.
func TestLauncherRoots(t *testing.T) {
	py := hostPython(t, "3.12")
	cache := t.TempDir()
	in := newInterpreters(Discovery{Explicit: map[string]string{"python3.12": py}, Cache: cache, Getenv: func(string) string { return "" }})
	l, err := in.resolve(t.Context(), "python3.12")
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Dir(filepath.Dir(py))
	if l.sdk != "" || len(l.roots) == 0 || l.roots[0] != prefix {
		t.Fatalf("before install: sdk %q roots %v, want %s", l.sdk, l.roots, prefix)
	}
	sdk := filepath.Join(cache, "sdk", "python")
	os.MkdirAll(sdk, 0o755)
	os.WriteFile(filepath.Join(sdk, "SOURCE"), []byte("test\n"), 0o644)
	l, err = in.resolve(t.Context(), "python3.12")
	if err != nil {
		t.Fatal(err)
	}
	if l.sdk != sdk || l.roots[len(l.roots)-1] != sdk {
		t.Fatalf("after install: sdk %q roots %v", l.sdk, l.roots)
	}
}

// Without `seki runtimes install`, importing the SDK fails as a missing
// module does, and the message says how to install it.
func TestSDKMissingSaysSo(t *testing.T) {
	py := hostPython(t, "3.12")
	if exec.Command(py, "-c", "import boto3").Run() == nil {
		t.Skip("this host's Python 3.12 has boto3 of its own")
	}
	rt := newTestRT(t, nil) // no cache
	for _, c := range []struct{ runtime, handler string }{{"python3.12", "app.handler"}, {"nodejs20.x", "index.handler"}} {
		if c.runtime == "nodejs20.x" {
			if _, err := exec.LookPath("node"); err != nil {
				continue
			}
		}
		spec := newSpec("nosdk-"+strings.Split(c.runtime, ".")[0], c.runtime, c.handler, writeZip(t, rt.dir,
			zipEntry{Name: "app.py", Body: []byte("import boto3\ndef handler(e, c):\n    return 1\n")},
			zipEntry{Name: "index.js", Body: []byte("const { STSClient } = require('@aws-sdk/client-sts');\nexports.handler = async () => 1;")}))
		res := invokeJSON(t, rt.Runtime, spec, map[string]any{})
		m := decode(t, res)
		if m["errorType"] != "Runtime.ImportModuleError" || !strings.Contains(m["errorMessage"].(string), "is not installed; run `seki runtimes install`") {
			t.Fatalf("%s: %s", c.runtime, res.Payload)
		}
	}
}
