package runtime

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
)

// zipBytes builds a zip in memory for seeds: name → body; a name ending in
// "@" is a symlink whose body is its target.
func zipBytes(entries ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(entries); i += 2 {
		name, body := entries[i], entries[i+1]
		h := &zip.FileHeader{Name: strings.TrimSuffix(name, "@"), Method: zip.Store}
		if strings.HasSuffix(name, "@") {
			h.SetMode(fs.ModeSymlink | 0o777)
		} else {
			h.SetMode(0o755)
		}
		w, _ := zw.CreateHeader(h)
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

// FuzzExtractZip feeds deployment packages to the extractor: whatever the
// zip holds, nothing is written outside the target directory, and it
// never panics.
func FuzzExtractZip(f *testing.F) {
	f.Add(zipBytes("bootstrap", "#!/bin/sh\n", "lib/a.py", "x = 1\n"))
	f.Add(zipBytes("../escape", "x"))
	f.Add(zipBytes("/abs/path", "x"))
	f.Add(zipBytes("a/../../b", "x"))
	f.Add(zipBytes("link@", "/tmp", "link/owned", "x"))
	f.Add(zipBytes("link@", "..", "link/owned", "x"))
	f.Add(zipBytes("dir/", "", "dir/file", "y", "dir/file", "z"))
	f.Add(zipBytes("nul\x00name", "x"))
	f.Add([]byte("PK\x03\x04 not really a zip"))
	f.Add(manyFiles(10)) // written in parallel
	many := []string{}
	for i := range 9 {
		many = append(many, fmt.Sprintf("f%d", i), "x")
	}
	f.Add(zipBytes(append(many, "../escape", "x")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		src := filepath.Join(root, "pkg.zip")
		if err := os.WriteFile(src, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(root, "out")
		os.Mkdir(out, 0o755)
		budget := int64(1 << 20)
		extractZip(src, out, &budget)
		ents, err := os.ReadDir(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.Name() != "pkg.zip" && e.Name() != "out" {
				t.Fatalf("extraction wrote %q outside its directory", e.Name())
			}
		}
	})
}

// FuzzRuntimeAPI sends arbitrary requests to an environment's Runtime API:
// no panic, only the statuses the API defines, and an invocation is
// answered at most once with a valid JSON error document when it fails.
func FuzzRuntimeAPI(f *testing.F) {
	f.Add("POST", "/2018-06-01/runtime/invocation/ID/response", "", []byte(`{"ok":true}`), "", "")
	f.Add("POST", "/2018-06-01/runtime/invocation/ID/error", "Runtime.Custom", []byte(`{"errorMessage":"x"}`), "", "")
	f.Add("POST", "/2018-06-01/runtime/invocation/ID/error", "", []byte(`not json`), "", "")
	f.Add("POST", "/2018-06-01/runtime/invocation/ID/response", "", []byte(`partial`), "Some.Error", "eyJlcnJvck1lc3NhZ2UiOiJ4In0=")
	f.Add("POST", "/2018-06-01/runtime/invocation/other/response", "", []byte(`{}`), "", "")
	f.Add("POST", "/2018-06-01/runtime/init/error", "Runtime.ImportModuleError", []byte(`{"errorMessage":"m"}`), "", "")
	f.Add("GET", "/2018-06-01/runtime/invocation/next", "", []byte(nil), "", "")
	f.Add("PUT", "/2018-06-01/runtime/invocation/ID/response", "", []byte(`{}`), "", "")
	f.Add("POST", "/2018-06-01/runtime/invocation//response", "", []byte(`{}`), "", "")
	f.Add("GET", "/etc/passwd", "", []byte(nil), "", "")
	f.Fuzz(func(t *testing.T, method, path, errType string, body []byte, trailerType, trailerBody string) {
		e := &env{
			rt:         &Runtime{now: time.Now},
			spec:       &lambda.FunctionSpec{Version: "$LATEST"},
			initDone:   make(chan struct{}),
			initFailed: make(chan struct{}),
			stopping:   make(chan struct{}),
			invq:       make(chan *invocation, 1),
		}
		inv := &invocation{id: "ID", timeout: time.Second, delivered: make(chan struct{}), done: make(chan struct{}), invokedARN: "arn"}
		if strings.HasSuffix(path, "/next") {
			e.invq <- inv
		} else {
			e.cur = inv
		}
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?%\x00") || !isToken(method) {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, "http://api"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		if errType != "" && !strings.ContainsAny(errType, "\r\n\x00") {
			req.Header.Set(hdrErrorType, errType)
		}
		if trailerType != "" && !strings.ContainsAny(trailerType+trailerBody, "\r\n\x00") {
			req.Trailer = http.Header{hdrErrorType: {trailerType}, hdrErrorBody: {trailerBody}}
		}
		w := httptest.NewRecorder()
		(&api{e: e}).ServeHTTP(w, req)
		switch w.Code {
		case 200, 202, 400, 403, 404, 405, 413, 500:
		default:
			t.Fatalf("status %d", w.Code)
		}
		if inv.isDone() && inv.errType != "" && !json.Valid(inv.result) {
			t.Fatalf("error result is not JSON: %q", inv.result)
		}
		if w.Code == http.StatusAccepted && path == "/2018-06-01/runtime/init/error" && !json.Valid(e.initErr) {
			t.Fatalf("init error is not JSON: %q", e.initErr)
		}
	})
}

// isToken reports whether s can be an HTTP method.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// FuzzErrorPayload: whatever a runtime posts as an error, the caller gets
// a JSON document.
func FuzzErrorPayload(f *testing.F) {
	f.Add([]byte(`{"errorMessage":"m","errorType":"T"}`), "T")
	f.Add([]byte("plain text\n\twith \"quotes\" and \x01 control"), "")
	f.Add([]byte("\xff\xfe invalid utf8"), "Runtime.X")
	f.Add([]byte(`  `), "")
	f.Fuzz(func(t *testing.T, body []byte, typ string) {
		p := errorPayload(body, typ)
		if !json.Valid(p) {
			t.Fatalf("not JSON: %q", p)
		}
		if typ == "" {
			_ = errorTypeOf(p)
		}
	})
}
