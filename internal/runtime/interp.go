package runtime

import (
	"context"
	"embed"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// bootstraps are seki's own runtime clients for the interpreted runtimes,
// written to the runtime directory (LAMBDA_RUNTIME_DIR) at start.
//
//go:embed bootstrap/bootstrap.py bootstrap/bootstrap.mjs
var bootstraps embed.FS

// kind is a runtime family.
type kind int

const (
	kindProvided kind = iota
	kindPython
	kindNode
)

var (
	rePython = regexp.MustCompile(`^python3\.(\d+)$`)
	reNode   = regexp.MustCompile(`^nodejs(\d+)\.x$`)
)

// launcher says how to start one runtime's process.
type launcher struct {
	kind kind
	// exe is the interpreter's absolute path ("" for provided runtimes).
	exe string
	// binDir is the interpreter's directory, first on PATH (AWS puts
	// /var/lang/bin there).
	binDir string
	// major is the declared Node.js major version ("20"), for NODE_PATH.
	major string
}

// interpreters finds and remembers the host interpreters. A missing one is
// looked up again on the next cold start, so installing it needs no
// restart.
type interpreters struct {
	mu    sync.Mutex
	found map[string]*launcher
}

// resolve returns the launcher for a Lambda runtime name, or an
// InvalidRuntimeException naming what to install.
func (in *interpreters) resolve(ctx context.Context, runtime string) (*launcher, error) {
	switch runtime {
	case "provided", "provided.al2", "provided.al2023":
		return &launcher{kind: kindProvided}, nil
	}
	in.mu.Lock()
	l, ok := in.found[runtime]
	in.mu.Unlock()
	if ok {
		return l, nil
	}
	var err error
	switch {
	case rePython.MatchString(runtime):
		l, err = findPython(ctx, runtime)
	case reNode.MatchString(runtime):
		l, err = findNode(runtime)
	default:
		return nil, errRuntime.Errorf("seki: runtime %s is not supported; seki runs provided.al2023, provided.al2, python3.x and nodejs18.x, nodejs20.x and nodejs22.x functions", runtime)
	}
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	in.found[runtime] = l
	in.mu.Unlock()
	return l, nil
}

// findPython prefers the exact version (python3.12), then python3, on
// seki's PATH, and asks it for its real executable so that version
// managers' shims (pyenv) need none of their own environment variables.
func findPython(ctx context.Context, runtime string) (*launcher, error) {
	for _, name := range []string{runtime, "python3"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		out, err := exec.CommandContext(ctx, p, "-c", "import sys; print(sys.executable)").Output()
		cancel()
		if err != nil {
			continue
		}
		exe := strings.TrimSpace(string(out))
		if exe == "" || !filepath.IsAbs(exe) {
			exe = p
		}
		return &launcher{kind: kindPython, exe: exe, binDir: filepath.Dir(exe)}, nil
	}
	return nil, errRuntime.Errorf("seki: the %s runtime needs a Python 3 interpreter, but neither %s nor python3 was found on seki's PATH; install Python 3 (for example `apt-get install python3`) and invoke again", runtime, runtime)
}

func findNode(runtime string) (*launcher, error) {
	p, err := exec.LookPath("node")
	if err != nil {
		return nil, errRuntime.Errorf("seki: the %s runtime needs Node.js, but node was not found on seki's PATH; install Node.js (for example `apt-get install nodejs`) and invoke again", runtime)
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	major := reNode.FindStringSubmatch(runtime)[1]
	return &launcher{kind: kindNode, exe: p, binDir: filepath.Dir(p), major: major}, nil
}

// writeBootstraps puts the embedded bootstraps into dir.
func writeBootstraps(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"bootstrap.py", "bootstrap.mjs"} {
		b, err := bootstraps.ReadFile("bootstrap/" + name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
