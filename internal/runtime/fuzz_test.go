package runtime

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
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
		e, inv := fuzzEnv(path)
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?%\x00") || !isToken(method) {
			return
		}
		// The request as net/http's client (aws-lambda-go's) writes it:
		// Content-Length for a known body, chunked with trailers else.
		var rd io.Reader = bytes.NewReader(body)
		if trailerType != "" {
			rd = io.MultiReader(rd) // unknown length: chunked
		}
		req, err := http.NewRequest(method, "http://api"+path, rd)
		if err != nil {
			return
		}
		if errType != "" && !strings.ContainsAny(errType, "\r\n\x00") {
			req.Header.Set(hdrErrorType, errType)
		}
		if trailerType != "" && !strings.ContainsAny(trailerType+trailerBody, "\r\n\x00") {
			req.Trailer = http.Header{hdrErrorType: {trailerType}, hdrErrorBody: {trailerBody}}
		}
		var wire bytes.Buffer
		if err := req.Write(&wire); err != nil {
			return
		}
		resps := serveWire(t, e, wire.Bytes())
		if len(resps) != 1 {
			t.Fatalf("%d answers to one request", len(resps))
		}
		switch code := resps[0].StatusCode; code {
		case 200, 202, 400, 403, 404, 405, 413, 500:
		default:
			t.Fatalf("status %d", code)
		}
		if inv.isDone() && inv.errType != "" && !json.Valid(inv.result) {
			t.Fatalf("error result is not JSON: %q", inv.result)
		}
		if resps[0].StatusCode == http.StatusAccepted && path == "/2018-06-01/runtime/init/error" && !json.Valid(e.initErr) {
			t.Fatalf("init error is not JSON: %q", e.initErr)
		}
	})
}

// FuzzRuntimeAPIWire sends arbitrary bytes to the Runtime API's HTTP
// server: no panic, and whatever it answers is HTTP/1.1 that net/http's
// client (the runtime client of aws-lambda-go) reads without error.
func FuzzRuntimeAPIWire(f *testing.F) {
	f.Add([]byte("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"))
	f.Add([]byte("POST /2018-06-01/runtime/invocation/ID/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: Lambda-Runtime-Function-Error-Type\r\n\r\n3\r\n{}\n\r\n0\r\nLambda-Runtime-Function-Error-Type: X\r\n\r\n"))
	f.Add([]byte("POST /2018-06-01/runtime/invocation/ID/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n"))
	f.Add([]byte("POST /2018-06-01/runtime/invocation/ID/error HTTP/1.0\r\nContent-Length: 5\r\nLambda-Runtime-Function-Error-Type: T\r\n\r\nnope!"))
	f.Add([]byte("POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
	f.Add([]byte("POST /2018-06-01/runtime/invocation/ID/response HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}"))
	f.Add([]byte("GET http://h/2018-06-01/runtime/invocation/next?x=1 HTTP/1.1\r\n\r\n"))
	f.Add([]byte("GET /2018-06-01/runtime/%69nvocation/next HTTP/1.1\r\n Folded: x\r\n\r\n"))
	f.Add([]byte("POST /2018-06-01/runtime/invocation/ID/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"))
	f.Fuzz(func(t *testing.T, wire []byte) {
		e, inv := fuzzEnv("")
		serveWire(t, e, wire)
		if inv.isDone() && inv.errType != "" && !json.Valid(inv.result) {
			t.Fatalf("error result is not JSON: %q", inv.result)
		}
	})
}

// fuzzEnv is an environment with one invocation: queued for a request to
// .../next, current otherwise ("" queues it and makes it current).
func fuzzEnv(path string) (*env, *invocation) {
	e := &env{
		rt:         &Runtime{now: time.Now},
		spec:       &lambda.FunctionSpec{Version: "$LATEST"},
		initDone:   make(chan struct{}),
		initFailed: make(chan struct{}),
		stopping:   make(chan struct{}),
		exited:     make(chan struct{}),
		invq:       make(chan *invocation, 1),
	}
	// A GET next with nothing queued answers at once: the runtime is gone.
	close(e.exited)
	inv := &invocation{id: "ID", timeout: time.Second, delivered: make(chan struct{}), done: make(chan struct{}), invokedARN: "arn", payload: []byte(`{"k":"v"}`)}
	if path == "" || strings.HasSuffix(path, "/next") {
		e.invq <- inv
	}
	if !strings.HasSuffix(path, "/next") {
		e.cur = inv
	}
	return e, inv
}

// serveWire serves one connection whose runtime sent wire and then
// closed its side, and reads every answer as net/http's client does.
func serveWire(t *testing.T, e *env, wire []byte) []*http.Response {
	c := &wireConn{r: bytes.NewReader(wire)}
	(&api{e: e}).serveConn(c)
	out := bufio.NewReader(bytes.NewReader(c.w.Bytes()))
	var resps []*http.Response
	for {
		if _, err := out.Peek(1); err == io.EOF {
			return resps
		}
		resp, err := http.ReadResponse(out, nil)
		if err != nil {
			t.Fatalf("answer %d is not HTTP: %v\n%q", len(resps)+1, err, c.w.Bytes())
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("answer %d's body: %v", len(resps)+1, err)
		}
		if resp.StatusCode != http.StatusContinue && resp.Header.Get("Content-Type") == "application/json" && !json.Valid(b) {
			t.Fatalf("answer %d is not JSON: %q", len(resps)+1, b)
		}
		resps = append(resps, resp)
	}
}

// wireConn is a connection whose peer wrote r and then closed.
type wireConn struct {
	r io.Reader
	w bytes.Buffer
}

func (c *wireConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *wireConn) Write(p []byte) (int, error)      { return c.w.Write(p) }
func (c *wireConn) Close() error                     { return nil }
func (c *wireConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *wireConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *wireConn) SetDeadline(time.Time) error      { return nil }
func (c *wireConn) SetReadDeadline(time.Time) error  { return nil }
func (c *wireConn) SetWriteDeadline(time.Time) error { return nil }

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
