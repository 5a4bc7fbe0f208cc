package server_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seki serve says at start which runtimes it found and where, and which it
// did not; --runtime names an interpreter and wins over discovery.
func TestBannerListsRuntimes(t *testing.T) {
	py, _ := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".pyenv/versions/3.13.*/bin/python3.13"))
	if len(py) == 0 {
		t.Skip("no pyenv Python 3.13 on this host")
	}
	cmd := exec.Command(sekiBinary(t), "serve", "--listen", freeAddr(t), "--data-dir", t.TempDir(),
		"--runtime", "python3.13="+py[0])
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var banner []string
	timeout := time.After(30 * time.Second)
read:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				break read
			}
			banner = append(banner, l)
			if strings.Contains(l, "seki never runs a function on another version") || strings.HasPrefix(strings.TrimSpace(l), "nodejs24.x") {
				break read
			}
		case <-timeout:
			t.Fatalf("no runtimes in the banner:\n%s", strings.Join(banner, "\n"))
		}
	}
	text := strings.Join(banner, "\n")
	want := []string{"Runtimes:", "provided.al2023", "python3.13", py[0] + " 3.13.", "(--runtime)"}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("banner lacks %q:\n%s", w, text)
		}
	}
	if !strings.Contains(text, "nodejs") {
		t.Fatalf("banner says nothing of Node.js:\n%s", text)
	}
}

// A malformed --runtime is refused before anything starts.
func TestRuntimeFlagRefused(t *testing.T) {
	cmd := exec.Command(sekiBinary(t), "serve", "--data-dir", t.TempDir(), "--runtime", "ruby3.3=/usr/bin/ruby")
	b, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(b), "python3.X or nodejsN.x") {
		t.Fatalf("err %v: %s", err, b)
	}
}
