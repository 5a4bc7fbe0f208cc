package servertest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// File is one entry of a function's deployment package.
type File struct {
	Name, Body string
	// Mode is the entry's permission bits; zero means 0644.
	Mode os.FileMode
}

// Zip builds a deployment package (.zip) from files.
func Zip(tb testing.TB, files ...File) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(f.Body))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BuildBootstrap compiles the Go main package in dir for linux and returns a
// deployment package holding it as the provided runtime's executable
// bootstrap, as an aws-lambda-go function is shipped to AWS. It takes
// seconds; callers build once per test binary.
func BuildBootstrap(tb testing.TB, dir string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "seki-bootstrap-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bootstrap")
	cmd := exec.Command("go", "build", "-o", bin, dir)
	cmd.Env = append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build %s: %v\n%s", dir, err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	return Zip(tb, File{"bootstrap", string(b), 0o755}), nil
}
