package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// These tests run the real seki binary as a child process.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func sekiBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "seki-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "seki")
		// Built as `make build` builds it (static, CGO_ENABLED=0), so that
		// BenchmarkStartup measures the binary users run.
		build := exec.Command("go", "build", "-o", binPath, "../../cmd/seki")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := build.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type proc struct {
	cmd  *exec.Cmd
	addr string
}

// startSeki starts the binary on dataDir and waits until /_seki/health
// answers, returning how long that took from process start.
func startSeki(t testing.TB, dataDir string) (*proc, time.Duration) {
	t.Helper()
	addr := freeAddr(t)
	k := servertest.AccountA
	cmd := exec.Command(sekiBinary(t), "serve", "--listen", addr, "--data-dir", dataDir,
		"--root-key", k.Account+":"+k.AccessKeyID+":"+k.Secret)
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, addr: addr}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 20*time.Second {
		resp, err := client.Get("http://" + addr + "/_seki/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, time.Since(start)
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
	t.Fatal("seki did not become healthy")
	return nil, 0
}

func (p *proc) s3() *s3.Client {
	k := servertest.AccountA
	return s3.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.Secret, ""),
		BaseEndpoint:     aws.String("http://" + p.addr),
		RetryMaxAttempts: 1,
	}, func(o *s3.Options) { o.UsePathStyle = true })
}

func (p *proc) iam() *iam.Client {
	k := servertest.AccountA
	return iam.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.Secret, ""),
		BaseEndpoint:     aws.String("http://" + p.addr),
		RetryMaxAttempts: 1,
	})
}

// killDuringWrites runs write from 4 clients at once (w is the client, i
// its call) until n calls have been acknowledged, then kills seki with
// SIGKILL mid-stream and returns what each acknowledged call wrote.
func killDuringWrites(p *proc, n int, write func(ctx context.Context, w, i int) (string, error)) []string {
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				id, err := write(ctx, w, i)
				if err != nil {
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}(w)
	}
	for {
		mu.Lock()
		got := len(acked)
		mu.Unlock()
		if got >= n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	cancel()
	wg.Wait()
	return acked
}

// TestKill9KeepsAcknowledgedWrites streams CreateUser calls from several
// clients, kills the server with SIGKILL mid-stream, restarts it and checks
// that every write the server acknowledged is there.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	p, _ := startSeki(t, dir)
	client := p.iam()

	acked := killDuringWrites(p, 200, func(ctx context.Context, w, i int) (string, error) {
		name := "u" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
		_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
		return name, err
	})

	p2, _ := startSeki(t, dir)
	have := map[string]bool{}
	pg := iam.NewListUsersPaginator(p2.iam(), &iam.ListUsersInput{})
	for pg.HasMorePages() {
		out, err := pg.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			have[*u.UserName] = true
		}
	}
	for _, name := range acked {
		if !have[name] {
			t.Errorf("acknowledged user %s lost after kill -9", name)
		}
	}
	t.Logf("%d acknowledged writes, %d users after restart", len(acked), len(have))
}

// TestSIGTERMDrains sends SIGTERM to the real binary while an upload is in
// flight: new connections are refused from then on, the upload completes
// and is acknowledged, the process exits 0 well within its drain timeout,
// and the acknowledged object is there after a restart.
func TestSIGTERMDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	p, _ := startSeki(t, dir)
	ctx := context.Background()
	if _, err := p.s3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("drain")}); err != nil {
		t.Fatal(err)
	}

	// A signed PutObject whose body arrives slowly, over about a second.
	body := bytes.Repeat([]byte("seki drains "), 1<<16) // 768 KiB
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPut, "http://"+p.addr+"/drain/in-flight", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("X-Amz-Content-Sha256", hash)
	k := servertest.AccountA
	creds := aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.Secret}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	const pieces = 20
	piece := len(body) / pieces
	write := func(i int) {
		end := (i + 1) * piece
		if i == pieces-1 {
			end = len(body)
		}
		if _, err := pw.Write(body[i*piece : end]); err != nil {
			t.Fatalf("writing the body: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i := 0; i < pieces/2; i++ {
		write(i)
	}

	// In flight: SIGTERM.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	refused := false
	// 10 s: the listener closes at once, but a loaded machine may not
	// schedule seki's signal handling for a while.
	for time.Since(signalled) < 10*time.Second {
		c, err := net.DialTimeout("tcp", p.addr, 200*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(5 * time.Millisecond)
	}
	if !refused {
		t.Fatal("new connections are still accepted 10s after SIGTERM")
	}
	select {
	case r := <-done:
		t.Fatalf("the upload ended before its body was sent: %+v", r)
	default:
	}
	for i := pieces / 2; i < pieces; i++ {
		write(i)
	}
	pw.Close()
	r := <-done
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("in-flight upload after SIGTERM: status %d, %v", r.status, r.err)
	}

	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("seki did not exit within 10s of draining (its drain timeout is 30s)")
	}

	p2, _ := startSeki(t, dir)
	out, err := p2.s3().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("drain"), Key: aws.String("in-flight")})
	if err != nil {
		t.Fatalf("the acknowledged upload is lost: %v", err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, body) {
		t.Fatalf("stored %d bytes, uploaded %d", len(got), len(body))
	}
}

// rssKB reads a process's resident set size.
func rssKB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return -1
}
