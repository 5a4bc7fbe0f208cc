package provision

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Where no package index answers, boto3 is copied from a host Python that
// has it, said so in SOURCE, and another Python version imports the copy.
func TestInstallPythonCopiesFromHost(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import boto3").Run() != nil {
		t.Skip("no python3 with boto3 on this host")
	}
	cache := t.TempDir()
	src, err := InstallPython(context.Background(), cache, PythonOptions{Pythons: []string{"/nonexistent/python3", py}, NoIndex: true}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	marker, ok := Installed(cache, PythonSDK)
	if !ok || !strings.HasPrefix(src, "copied from ") || !strings.Contains(marker, "boto3 ") || !strings.Contains(marker, "no package index was reachable") {
		t.Fatalf("source %q, marker %q", src, marker)
	}
	for _, d := range []string{"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"} {
		if _, err := os.Stat(filepath.Join(cache, PythonSDK, d)); err != nil {
			t.Fatal(err)
		}
	}
	// No Python's compiled files come along.
	if m, _ := filepath.Glob(filepath.Join(cache, PythonSDK, "botocore", "__pycache__")); len(m) != 0 {
		t.Fatal("copied __pycache__")
	}
	cmd := exec.Command(py, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import boto3; print(boto3.__file__)", filepath.Join(cache, PythonSDK))
	out, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(out), filepath.Join(cache, PythonSDK)) {
		t.Fatalf("import from the copy: %v %s", err, out)
	}
}

// Without any source, the error says what was tried.
func TestInstallPythonNoSource(t *testing.T) {
	_, err := InstallPython(context.Background(), t.TempDir(), PythonOptions{Pythons: []string{"/nonexistent/python3"}, NoIndex: true}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/python3") || !strings.Contains(err.Error(), "boto3") {
		t.Fatalf("err = %v", err)
	}
}

// An npm tarball's package/ is unpacked with its modes; entries outside
// package/ or climbing out are left out.
func TestUntgz(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	add := func(name string, mode int64, body string) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	add("package/bin/node", 0o755, "#!/bin/sh\n")
	add("package/../../evil", 0o644, "x")
	add("other/file", 0o644, "x")
	tw.WriteHeader(&tar.Header{Name: "package/bin/nodejs", Linkname: "node", Typeflag: tar.TypeSymlink})
	tw.Close()
	gz.Close()
	dir := t.TempDir()
	f := filepath.Join(dir, "p.tgz")
	os.WriteFile(f, buf.Bytes(), 0o644)
	out := filepath.Join(dir, "out")
	if err := untgz(f, out); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(out, "bin", "node"))
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("bin/node: %v %v", st, err)
	}
	if l, _ := os.Readlink(filepath.Join(out, "bin", "nodejs")); l != "node" {
		t.Fatal("symlink")
	}
	for _, p := range []string{filepath.Join(dir, "evil"), filepath.Join(out, "other"), filepath.Join(filepath.Dir(dir), "evil")} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s was written", p)
		}
	}
}
