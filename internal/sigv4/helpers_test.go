package sigv4

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The AWS documentation's example credentials.
const (
	testAKID   = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	// Temporary credentials.
	testTempAKID   = "ASIAIOSFODNN7EXAMPLE"
	testTempSecret = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
	testToken      = "FQoGZXIvYXdzEXAMPLEtokenWithSlashes/and+plus=="
)

// signTime is when the test requests are signed.
var signTime = time.Date(2024, 5, 17, 12, 30, 45, 0, time.UTC)

type testKeys map[string]Key

func (k testKeys) Key(id string) (Key, bool) {
	v, ok := k[id]
	return v, ok
}

func defaultKeys() testKeys {
	return testKeys{
		testAKID:     {Secret: testSecret},
		testTempAKID: {Secret: testTempSecret, SessionToken: testToken, Expires: signTime.Add(time.Hour)},
	}
}

// newVerifier returns a Verifier whose clock reads signTime plus offset.
func newVerifier(offset time.Duration) *Verifier {
	return &Verifier{Now: func() time.Time { return signTime.Add(offset) }}
}

// outcome is what the verifying test server saw.
type outcome struct {
	status  int
	code    string
	message string
	bodySum string // hex SHA-256 of the decoded body (S3)
	uri     string
	size    int
	err     *Error
	res     *Result
}

// verifyServer is a real HTTP server that verifies every request the way
// seki's server will: Scope to pick the service, Verify, then the payload
// (CheckPayload, or NewChunkedReader for aws-chunked bodies).
type verifyServer struct {
	*httptest.Server
	last chan outcome
}

func newVerifyServer(t testing.TB, v *Verifier, keys Keys, tls bool) *verifyServer {
	t.Helper()
	s := &verifyServer{last: make(chan outcome, 16)}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// botocore sends "Expect: 100-continue" even with an empty body;
		// net/http then answers without a 100, and botocore misreads the
		// next response on that connection (a read-timeout stall). AWS
		// sends the 100; so does this server, as seki's must.
		if r.ContentLength == 0 && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
			w.WriteHeader(http.StatusContinue)
		}
		o := s.handle(r, v, keys)
		select {
		case s.last <- o:
		default:
		}
		if o.status != 200 {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(o.status)
			fmt.Fprintf(w, "<Error><Code>%s</Code><Message>%s</Message></Error>", o.code, escapeXML(o.message))
			return
		}
		w.Header().Set("ETag", `"`+o.bodySum[:32]+`"`)
		w.WriteHeader(200)
	})
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func escapeXML(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

func (s *verifyServer) handle(r *http.Request, v *Verifier, keys Keys) outcome {
	service, _, _ := Scope(r)
	var body []byte
	if service != "s3" {
		body, _ = io.ReadAll(r.Body)
		if body == nil {
			body = []byte{}
		}
	}
	res, err := v.Verify(r, body, keys)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return outcome{status: 500, code: "NotAnError", message: err.Error()}
		}
		ae := e.AWS(service)
		return outcome{status: ae.Status, code: ae.Code, message: ae.Message, err: e}
	}
	if service == "s3" {
		var rd io.Reader = r.Body
		if res.Streaming != "" {
			rd = NewChunkedReader(r.Body, res)
		} else {
			rd = NewPayloadReader(res.PayloadHash, r.Body)
		}
		data, err := io.ReadAll(rd)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				ae := e.AWS(service)
				return outcome{status: ae.Status, code: ae.Code, message: ae.Message, err: e, res: res}
			}
			return outcome{status: 500, code: "ReadError", message: err.Error(), res: res}
		}
		body = data
	}
	sum := sha256.Sum256(body)
	return outcome{status: 200, res: res, bodySum: hex.EncodeToString(sum[:]), uri: r.RequestURI, size: len(body)}
}

// next returns what the server saw for the last request.
func (s *verifyServer) next(t testing.TB) outcome {
	t.Helper()
	select {
	case o := <-s.last:
		return o
	case <-time.After(10 * time.Second):
		t.Fatal("server saw no request")
		return outcome{}
	}
}

// sendRaw writes an HTTP/1.1 request byte for byte, so the request line
// reaches the server exactly as a client other than Go's would send it.
func sendRaw(t testing.TB, addr, method, requestURI string, headers [][2]string, body []byte) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, requestURI)
	hasLen := false
	for _, h := range headers {
		if strings.EqualFold(h[0], "content-length") {
			hasLen = true
		}
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	if !hasLen && len(body) > 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("Connection: close\r\n\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
