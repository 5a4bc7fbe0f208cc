package sandbox

import (
	"os"
	"strings"
	"testing"
)

// run runs a shell script in a sandbox and returns its output and how it
// ended.
func run(t *testing.T, spec *Spec, script string) (string, error) {
	t.Helper()
	if s := Probe(); !s.Namespaces {
		t.Skipf("no sandbox on this host: %v", s.Err)
	}
	spec.Argv = []string{"/bin/sh", "-c", script}
	if spec.Dir == "" {
		spec.Dir = "/"
	}
	spec.Env = append(spec.Env, "PATH=/usr/bin:/bin")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(spec, w, -1)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Release(); err != nil {
		t.Fatal(err)
	}
	out := make(chan string)
	go func() {
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		out <- b.String()
	}()
	werr := p.Wait()
	return <-out, werr
}

func TestSandboxView(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/handler", []byte("code"), 0o644)
	out, err := run(t, &Spec{Binds: []Bind{{Src: dir, Dst: "/var/task"}}, Dir: "/var/task"},
		`id; pwd; cat handler; echo; ls /proc | grep -c '^[0-9]'; touch handler 2>&1; touch /x 2>&1; echo hi > /tmp/ok && cat /tmp/ok; ls /`)
	t.Logf("%s", out)
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkStart is a sandbox's whole life around a command that does
// nothing: re-executing seki, the namespaces, the mounts, the pivot,
// Landlock, starting /bin/true and reaping it.
func BenchmarkStart(b *testing.B) {
	if s := Probe(); !s.Namespaces {
		b.Skipf("no sandbox on this host: %v", s.Err)
	}
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p, err := Start(&Spec{Argv: []string{"/bin/true"}, Dir: "/var/task", ConnectPorts: []uint16{443},
			Binds: []Bind{{Src: dir, Dst: "/var/task"}}}, devnull, -1)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Release(); err != nil {
			b.Fatal(err)
		}
		if err := p.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}
