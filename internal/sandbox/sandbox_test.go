package sandbox

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestSpare runs a command in a spare sandbox started before its Spec was
// known: the code (below /tmp on the host, which the spare's root already
// covers) is bound read-only at /var/task, /tmp is the environment's own
// and the host's processes and files are not there.
func TestSpare(t *testing.T) {
	if s := Probe(); !s.Namespaces {
		t.Skipf("no sandbox on this host: %v", s.Err)
	}
	dir := t.TempDir()
	os.WriteFile(dir+"/handler", []byte("code"), 0o644)
	os.WriteFile(os.TempDir()+"/"+filepath.Base(dir)+"-host-tmp", []byte("host"), 0o644)
	defer os.Remove(os.TempDir() + "/" + filepath.Base(dir) + "-host-tmp")
	s, err := NewSpare(-1)
	if err != nil {
		t.Fatal(err)
	}
	p, out := s.Use(&Spec{Binds: []Bind{{Src: dir, Dst: "/var/task"}}, Dir: "/var/task", TmpBytes: 1 << 20,
		Argv: []string{"/bin/sh", "-c", `cat handler; echo; touch handler 2>/dev/null && echo WROTE-CODE; ls /tmp | wc -l; ls /proc | grep -c '^[0-9]'; test -e ` + dir + ` && echo SEES-HOST; echo ok`},
		Env:  []string{"PATH=/usr/bin:/bin"}})
	if err := p.Release(); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out)
	out.Close()
	if err := p.Wait(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	// The code, read-only; an empty /tmp of its own; nothing of the host.
	got := string(b)
	if !strings.HasPrefix(got, "code\n0\n") || strings.Contains(got, "WROTE-CODE") || strings.Contains(got, "SEES-HOST") || !strings.HasSuffix(got, "ok\n") {
		t.Fatalf("spare sandbox saw:\n%s", got)
	}
}

// TestSpareClosedUnused ends a spare that was never used: its init exits.
func TestSpareClosedUnused(t *testing.T) {
	if s := Probe(); !s.Namespaces {
		t.Skipf("no sandbox on this host: %v", s.Err)
	}
	s, err := NewSpare(-1)
	if err != nil {
		t.Fatal(err)
	}
	pid := s.Pid()
	s.Close()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Fatalf("init %d still runs", pid)
	}
}

// BenchmarkSpareStart is what is left of BenchmarkStart when a spare
// sandbox is ready (NewSpare outside the timer): handing it its Spec,
// binding the function's directory, /tmp, the pivot, Landlock, starting
// /bin/true and reaping it.
func BenchmarkSpareStart(b *testing.B) {
	if s := Probe(); !s.Namespaces {
		b.Skipf("no sandbox on this host: %v", s.Err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := NewSpare(-1)
		if err != nil {
			b.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // the spare builds its root meanwhile
		b.StartTimer()
		p, out := s.Use(&Spec{Argv: []string{"/bin/true"}, Dir: "/var/task", ConnectPorts: []uint16{443},
			Binds: []Bind{{Src: dir, Dst: "/var/task"}}})
		if err := p.Release(); err != nil {
			b.Fatal(err)
		}
		if err := p.Wait(); err != nil {
			b.Fatal(err)
		}
		out.Close()
	}
}
