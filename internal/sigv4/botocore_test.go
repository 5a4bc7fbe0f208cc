package sigv4

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// botocoreCase is a request signed by botocore (testdata/gen_botocore.py).
type botocoreCase struct {
	Name       string      `json:"name"`
	Service    string      `json:"service"`
	Method     string      `json:"method"`
	RequestURI string      `json:"request_uri"`
	Headers    [][2]string `json:"headers"`
	Body       string      `json:"body"`
	Temporary  bool        `json:"temporary"`
	Presigned  bool        `json:"presigned"`
}

type botocoreFile struct {
	Botocore string         `json:"botocore"`
	Cases    []botocoreCase `json:"cases"`
}

func loadBotocore(t *testing.T, data []byte) botocoreFile {
	t.Helper()
	var f botocoreFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 20 {
		t.Fatalf("only %d cases", len(f.Cases))
	}
	return f
}

// replayBotocore sends every case byte for byte to a verifying server and
// expects it to pass; then, with one byte of the signature changed, to fail.
func replayBotocore(t *testing.T, f botocoreFile) {
	srv := newVerifyServer(t, newVerifier(5*time.Second), defaultKeys(), false)
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			body := latin1(c.Body) // latin-1 in the JSON: one rune per byte
			status := sendRaw(t, addr, c.Method, c.RequestURI, c.Headers, body)
			o := srv.next(t)
			if status != 200 || o.status != 200 {
				msg := ""
				if o.err != nil {
					msg = o.err.Message + "\n" + o.err.CanonicalRequest
				}
				t.Fatalf("status %d %s: %s", o.status, o.code, msg)
			}
			if o.res.Service != c.Service || o.res.Presigned != c.Presigned {
				t.Errorf("result %+v", o.res)
			}

			// Tampering with the signature must fail.
			uri, hdrs := tamper(c.RequestURI, c.Headers, c.Presigned)
			sendRaw(t, addr, c.Method, uri, hdrs, body)
			if o := srv.next(t); o.status == 200 || o.err == nil || o.err.Reason != ReasonSignatureMismatch {
				t.Errorf("tampered request: status %d %v", o.status, o.err)
			}
		})
	}
}

func latin1(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}

// tamper flips the last hex digit of the signature.
func tamper(uri string, headers [][2]string, presigned bool) (string, [][2]string) {
	flip := func(s string) string {
		last := s[len(s)-1]
		if last == '0' {
			return s[:len(s)-1] + "1"
		}
		return s[:len(s)-1] + "0"
	}
	if presigned {
		i := strings.Index(uri, "X-Amz-Signature=") + len("X-Amz-Signature=") + 64
		return flip(uri[:i]) + uri[i:], headers
	}
	out := make([][2]string, len(headers))
	for i, h := range headers {
		if strings.EqualFold(h[0], "Authorization") {
			h[1] = flip(h[1])
		}
		out[i] = h
	}
	return uri, out
}

func TestBotocoreFixtures(t *testing.T) {
	data, err := os.ReadFile("testdata/botocore_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	replayBotocore(t, loadBotocore(t, data))
}

// TestBotocoreLive signs the same requests with the botocore installed on
// this machine, so a botocore upgrade that changes signing shows up here.
func TestBotocoreLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	cmd := exec.Command(py, "testdata/gen_botocore.py")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "No module named 'botocore'") {
			t.Skip("botocore is not installed")
		}
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	f := loadBotocore(t, out)
	t.Logf("botocore %s", f.Botocore)
	replayBotocore(t, f)
}
