package servertest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
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
	// Size, when larger than Body, repeats Body until the entry is Size
	// bytes (a package over Lambda's unzipped limit that zips small).
	Size int
	// Random makes the entry Size pseudo-random bytes after Body, stored
	// rather than deflated: a package whose zipped size is about Size.
	Random bool
}

// Zip builds a deployment package (.zip) from files.
func Zip(tb testing.TB, files ...File) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate}
		if f.Random {
			h.Method = zip.Store
		}
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
		switch {
		case f.Random:
			// A fixed seed: the same package on every run.
			rng := rand.NewChaCha8([32]byte{'s', 'e', 'k', 'i'})
			io.CopyN(w, rng, int64(f.Size-len(f.Body)))
		case f.Size > len(f.Body) && f.Body != "":
			for n := len(f.Body); n < f.Size; n += len(f.Body) {
				w.Write([]byte(f.Body[:min(len(f.Body), f.Size-n)]))
			}
		}
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
	return Zip(tb, File{Name: "bootstrap", Body: string(b), Mode: 0o755}), nil
}
