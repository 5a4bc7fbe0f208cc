package runtime

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

// manyFiles is a package of n files in a few directories, some executable.
func manyFiles(n int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.CreateHeader(&zip.FileHeader{Name: "empty/"})
	for i := range n {
		h := &zip.FileHeader{Name: fmt.Sprintf("d%d/sub/f%d.txt", i%5, i), Method: zip.Deflate}
		h.SetMode(0o644 | fs.FileMode(i%2)*0o111)
		w, _ := zw.CreateHeader(h)
		w.Write(bytes.Repeat([]byte(fmt.Sprintf("file %d\n", i)), 100+i))
	}
	zw.Close()
	return buf.Bytes()
}

// tree lists a directory: path → mode and content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		v := info.Mode().String()
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			v += " " + string(b)
		}
		m[rel] = v
		return nil
	})
	return m
}

// Many files are written by several goroutines, with the same result as
// one at a time, and the size budget still holds.
func TestExtractParallel(t *testing.T) {
	defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(4))
	data := manyFiles(40)
	extract := func(min int, budget int64) (string, int64, error) {
		defer func(n int) { parallelMin = n }(parallelMin)
		parallelMin = min
		dir := t.TempDir()
		b := budget
		err := extractZipBytes(data, dir, &b)
		return dir, b, err
	}
	par, parLeft, err := extract(8, maxUnzipped)
	if err != nil {
		t.Fatal(err)
	}
	seq, seqLeft, err := extract(1<<30, maxUnzipped)
	if err != nil {
		t.Fatal(err)
	}
	a, b := tree(t, par), tree(t, seq)
	if len(a) != 52 || fmt.Sprint(a) != fmt.Sprint(b) || parLeft != seqLeft {
		t.Fatalf("parallel extraction differs: %d entries, budget %d vs %d", len(a), parLeft, seqLeft)
	}
	if !strings.HasPrefix(a["d1/sub/f1.txt"], "-rwxr-xr-x") || !strings.HasPrefix(a["d0/sub/f0.txt"], "-rw-r--r--") {
		t.Fatalf("modes: %q %q", a["d1/sub/f1.txt"][:10], a["d0/sub/f0.txt"][:10])
	}
	if _, _, err := extract(8, 20000); !errors.Is(err, errZip) || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("over the budget: %v", err)
	}
}
