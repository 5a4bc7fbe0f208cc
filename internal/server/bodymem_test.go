package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// zeros is an endless body that costs the client no memory.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > z.n {
		n = z.n
	}
	clear(p[:n])
	z.n -= n
	return int(n), nil
}

// procStatusKB reads one kB field of /proc/PID/status (VmRSS, VmHWM).
func procStatusKB(pid int, field string) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return -1
}

// TestBadSignaturesDoNotCostMemory is issue #10's hole 2: 20 concurrent
// 60 MB bodies with a bad signature (half with an unknown access key, half
// with a known key and a wrong signature) must keep seki under 400 MB of
// resident memory at its peak, with its health endpoint answering
// throughout. Before, each body was read into memory before its
// signature was checked (2.3 GB for 20).
func TestBadSignaturesDoNotCostMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes, sends 1.2 GB")
	}
	p, _ := startSeki(t, t.TempDir())
	pid := p.cmd.Process.Pid
	const size = 60 << 20
	send := func(keyID, secret string) (int, error) {
		req, err := http.NewRequest(http.MethodPost, "http://"+p.addr+"/2015-03-31/functions", &zeros{n: size})
		if err != nil {
			return 0, err
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/json")
		signer := v4.NewSigner()
		creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
		// The signed payload hash is not the body's: the signature is bad
		// whatever seki computes.
		if err := signer.SignHTTP(context.Background(), creds, req, strings.Repeat("0", 64), "lambda", "us-east-1", time.Now()); err != nil {
			return 0, err
		}
		resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}

	done := make(chan struct{})
	var healthFailures, healthChecks int
	var healthWG sync.WaitGroup
	healthWG.Add(1)
	go func() {
		defer healthWG.Done()
		// Healthy means answering; 10 s, because on a machine loaded
		// many times over (CI beside other work) 2 s was missed by a
		// seki whose memory stayed flat.
		client := &http.Client{Timeout: 10 * time.Second}
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			healthChecks++
			resp, err := client.Get("http://" + p.addr + "/_seki/health")
			if err != nil || resp.StatusCode != 200 {
				healthFailures++
			}
			if err == nil {
				resp.Body.Close()
			}
		}
	}()

	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[string][]string{}
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kind, key, secret := "unknown key", "AKIANOSUCHKEYAAAAAAA", "x"
			if i%2 == 1 {
				kind, key, secret = "wrong signature", servertest.AccountA.AccessKeyID, "not-the-secret"
			}
			status, err := send(key, secret)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				// seki may answer an unknown key without reading the body
				// and close the connection under the client's writes.
				statuses[kind] = append(statuses[kind], "error")
				return
			}
			statuses[kind] = append(statuses[kind], strconv.Itoa(status))
		}()
	}
	wg.Wait()
	close(done)
	healthWG.Wait()

	peak := procStatusKB(pid, "VmHWM")
	t.Logf("peak RSS %d MB; answers %v; health %d/%d failed", peak>>10, statuses, healthFailures, healthChecks)
	if peak <= 0 || peak > 400<<10 {
		t.Errorf("peak RSS %d kB, want under 400 MB", peak)
	}
	if healthFailures > 0 {
		t.Errorf("health endpoint failed %d of %d times", healthFailures, healthChecks)
	}
	for kind, ss := range statuses {
		for _, s := range ss {
			if s == "200" || s == "201" || s == "202" {
				t.Errorf("%s: answered %s", kind, s)
			}
		}
	}
	for _, s := range statuses["wrong signature"] {
		if s != "403" {
			t.Errorf("wrong signature: %s, want 403 InvalidSignatureException", s)
		}
	}
}

// countingReader counts what the client's transport sends.
type countingReader struct {
	mu sync.Mutex
	r  io.Reader
	n  int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
	return n, err
}

// TestUnknownKeyRefusedBeforeBody checks that seki refuses an unknown
// access key without reading the body: a client that waits for
// "100 Continue" is answered and never sends it. A known key with a large
// body is read, spilled to disk, and served (the body arrives whole).
func TestUnknownKeyRefusedBeforeBody(t *testing.T) {
	e := servertest.Start(t)
	body := &countingReader{r: &zeros{n: 8 << 20}}
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/", body)
	req.ContentLength = 8 << 20
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Expect", "100-continue")
	creds := aws.Credentials{AccessKeyID: "AKIANOSUCHKEYAAAAAAA", SecretAccessKey: "x"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, strings.Repeat("0", 64), "iam", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 10 * time.Second}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "<Code>InvalidClientTokenId</Code>") {
		t.Fatalf("unknown key: %d %s", resp.StatusCode, b)
	}
	body.mu.Lock()
	defer body.mu.Unlock()
	if body.n != 0 {
		t.Fatalf("client sent %d body bytes for an unknown key", body.n)
	}
}
