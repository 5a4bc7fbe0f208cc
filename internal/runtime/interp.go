package runtime

import (
	"context"
	"embed"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/provision"
)

// bootstraps are seki's own runtime clients for the interpreted runtimes,
// written to the runtime directory (LAMBDA_RUNTIME_DIR) at start.
//
//go:embed bootstrap/bootstrap.py bootstrap/launch.py bootstrap/bootstrap.mjs
var bootstraps embed.FS

// kind is a runtime family.
type kind int

const (
	kindProvided kind = iota
	kindPython
	kindNode
)

var (
	rePython = regexp.MustCompile(`^python(3)\.(\d+)$`)
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
	// roots are the host directories the runtime process reads besides
	// the system directories: the interpreter's installation (its prefix,
	// and a virtual environment's base) and the SDK seki provides for it.
	// A sandbox makes them visible, read-only.
	roots []string
	// sdk is the directory holding the AWS SDK for this runtime's
	// language ("" when `seki runtimes install` has not provided it). It
	// comes after the function's own code and layers on the module path,
	// so a bundled copy wins, as in Lambda.
	sdk string
}

// Interpreter is the host interpreter that runs one Lambda runtime.
type Interpreter struct {
	// Runtime is the Lambda runtime name ("python3.12").
	Runtime string
	// Path is the interpreter's executable ("" for the OS-only runtimes,
	// which run the function's own bootstrap).
	Path string
	// Version is what the interpreter reported ("3.12.1", "22.12.0").
	Version string
	// Source says where it was found: "--runtime", "PATH", "pyenv", "uv",
	// "nvm", "fnm", "asdf", "seki cache" or "built in".
	Source string
}

// Discovery says where interpreters are looked for. The zero value is the
// host's: seki's environment (PATH, HOME, PYENV_ROOT, ...).
type Discovery struct {
	// Explicit maps runtime names to interpreters named by the operator
	// (`seki serve --runtime python3.12=/opt/py312/bin/python3`); they are
	// looked at first. A value may be the executable or its installation
	// directory.
	Explicit map[string]string
	// Getenv reads the environment variables discovery depends on (PATH,
	// HOME, PYENV_ROOT, NVM_DIR, FNM_DIR, ASDF_DATA_DIR, XDG_DATA_HOME,
	// UV_PYTHON_INSTALL_DIR); nil is os.Getenv.
	Getenv func(string) string
	// Cache is seki's own cache (`seki runtimes install`), looked at last
	// for interpreters and used for the SDKs; "" is none.
	Cache string
}

// KnownRuntimes are the interpreted runtimes seki lists in its banner: the
// ones Lambda lets a function be created with today.
var KnownRuntimes = []string{
	"python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
	"nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
}

// interpreters finds and remembers the host interpreters. A missing one is
// looked up again on the next cold start, so installing it needs no
// restart.
type interpreters struct {
	disc  Discovery
	mu    sync.Mutex
	found map[string]*found
}

type found struct {
	l  *launcher
	in Interpreter
}

func newInterpreters(d Discovery) *interpreters {
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	return &interpreters{disc: d, found: map[string]*found{}}
}

// resolve returns the launcher for a Lambda runtime name, or an
// InvalidRuntimeException naming the runtime and the --runtime flag. It
// never substitutes another version.
func (in *interpreters) resolve(ctx context.Context, runtime string) (*launcher, error) {
	switch runtime {
	case "provided", "provided.al2", "provided.al2023":
		return &launcher{kind: kindProvided}, nil
	}
	f, err := in.lookup(ctx, runtime)
	if err != nil {
		return nil, err
	}
	// The SDK is looked for at every start, not remembered with the
	// interpreter: `seki runtimes install` may run while seki serves.
	rel := provision.PythonSDK
	if f.l.kind == kindNode {
		// Lambda's Node.js 18 and later runtimes ship the SDK for
		// JavaScript v3 (earlier ones shipped v2).
		if n, _ := strconv.Atoi(f.l.major); n < 18 {
			return f.l, nil
		}
		rel = provision.NodeSDK
	}
	sdk := in.sdkDir(rel)
	if sdk == "" {
		return f.l, nil
	}
	l := *f.l
	l.sdk = sdk
	l.roots = append(slices.Clip(l.roots), sdk)
	return &l, nil
}

func (in *interpreters) lookup(ctx context.Context, runtime string) (*found, error) {
	in.mu.Lock()
	f, ok := in.found[runtime]
	in.mu.Unlock()
	if ok {
		return f, nil
	}
	var err error
	switch {
	case rePython.MatchString(runtime):
		f, err = in.findPython(ctx, runtime)
	case reNode.MatchString(runtime):
		f, err = in.findNode(ctx, runtime)
	default:
		return nil, errRuntime.Errorf(msgUnsupportedRuntime, runtime)
	}
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	in.found[runtime] = f
	in.mu.Unlock()
	return f, nil
}

// list reports every known runtime's interpreter, looking them up in
// parallel; a missing one has an empty Path and Source.
func (in *interpreters) list(ctx context.Context) []Interpreter {
	names := slices.Clone(KnownRuntimes)
	for name := range in.disc.Explicit {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	out := make([]Interpreter, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			out[i] = Interpreter{Runtime: name}
			if f, err := in.lookup(ctx, name); err == nil {
				out[i] = f.in
			}
		})
	}
	wg.Wait()
	return out
}

// FindInterpreters reports, without a Runtime, what discovery d finds for
// every known runtime (and every one d names), as Runtime.Interpreters
// does.
func FindInterpreters(ctx context.Context, d Discovery) []Interpreter {
	return newInterpreters(d).list(ctx)
}

// candidate is one place an interpreter may be, and what found it there.
type candidate struct{ path, source string }

// findPython looks for Python X.Y: the --runtime entry, pythonX.Y and
// python3 on PATH, then pyenv, uv and asdf installations, then seki's
// cache. Every candidate is asked for its version; only X.Y is accepted.
func (in *interpreters) findPython(ctx context.Context, runtime string) (*found, error) {
	m := rePython.FindStringSubmatch(runtime)
	want := m[1] + "." + m[2]
	exeName := "python" + want
	var cands []candidate
	if p, ok := in.disc.Explicit[runtime]; ok {
		cands = append(cands, candidate{explicitExe(p, exeName, "python3"), "--runtime"})
	} else {
		cands = append(cands, in.onPath(exeName, "python3")...)
		home := in.home()
		env := in.disc.Getenv
		pyenv := firstNonEmpty(env("PYENV_ROOT"), join(home, ".pyenv"))
		cands = append(cands, globVersions(join(pyenv, "versions"), "", want, "bin/"+exeName, "pyenv")...)
		uv := firstNonEmpty(env("UV_PYTHON_INSTALL_DIR"), join(firstNonEmpty(env("XDG_DATA_HOME"), join(home, ".local/share")), "uv/python"))
		cands = append(cands, globVersions(uv, "cpython-", want, "bin/"+exeName, "uv")...)
		asdf := firstNonEmpty(env("ASDF_DATA_DIR"), join(home, ".asdf"))
		cands = append(cands, globVersions(join(asdf, "installs/python"), "", want, "bin/"+exeName, "asdf")...)
		if in.disc.Cache != "" {
		}
	}
	for _, c := range cands {
		if c.path == "" {
			continue
		}
		info, ok := probePython(ctx, in.home(), c.path)
		if !ok || !versionIs(info.version, want) {
			if c.source == "--runtime" {
				return nil, errRuntime.Errorf(msgExplicitWrong, runtime, c.path, orUnknown(info.version), "Python "+want)
			}
			continue
		}
		l := &launcher{kind: kindPython, exe: info.exe, binDir: filepath.Dir(info.exe), roots: dedupe(info.roots)}
		return &found{l: l, in: Interpreter{Runtime: runtime, Path: info.exe, Version: info.version, Source: c.source}}, nil
	}
	return nil, errRuntime.Errorf(msgNoInterpreter, runtime, "Python "+want, exeName+" and python3 on PATH, pyenv, uv, asdf", runtime, exeName)
}

// findNode looks for Node.js N: the --runtime entry, nodeN and node on
// PATH, then nvm, fnm and asdf installations, then seki's cache.
func (in *interpreters) findNode(ctx context.Context, runtime string) (*found, error) {
	major := reNode.FindStringSubmatch(runtime)[1]
	var cands []candidate
	if p, ok := in.disc.Explicit[runtime]; ok {
		cands = append(cands, candidate{explicitExe(p, "node", "node"), "--runtime"})
	} else {
		cands = append(cands, in.onPath("node"+major, "node")...)
		home := in.home()
		env := in.disc.Getenv
		nvm := firstNonEmpty(env("NVM_DIR"), join(home, ".nvm"))
		cands = append(cands, globVersions(join(nvm, "versions/node"), "v", major, "bin/node", "nvm")...)
		for _, fnm := range dedupe([]string{env("FNM_DIR"), join(firstNonEmpty(env("XDG_DATA_HOME"), join(home, ".local/share")), "fnm"), join(home, ".fnm")}) {
			cands = append(cands, globVersions(join(fnm, "node-versions"), "v", major, "installation/bin/node", "fnm")...)
		}
		asdf := firstNonEmpty(env("ASDF_DATA_DIR"), join(home, ".asdf"))
		cands = append(cands, globVersions(join(asdf, "installs/nodejs"), "", major, "bin/node", "asdf")...)
		if in.disc.Cache != "" {
			cands = append(cands, globVersions(filepath.Join(in.disc.Cache, provision.Nodes), "v", major, "bin/node", "seki cache")...)
		}
	}
	for _, c := range cands {
		if c.path == "" {
			continue
		}
		info, ok := probeNode(ctx, in.home(), c.path)
		if !ok || !versionIs(info.version, major) {
			if c.source == "--runtime" {
				return nil, errRuntime.Errorf(msgExplicitWrong, runtime, c.path, orUnknown(info.version), "Node.js "+major)
			}
			continue
		}
		l := &launcher{kind: kindNode, exe: info.exe, binDir: filepath.Dir(info.exe), major: major, roots: info.roots}
		return &found{l: l, in: Interpreter{Runtime: runtime, Path: info.exe, Version: info.version, Source: c.source}}, nil
	}
	return nil, errRuntime.Errorf(msgNoInterpreter, runtime, "Node.js "+major, "node"+major+" and node on PATH, nvm, fnm, asdf", runtime, "node")
}

// sdkDir is the cache's complete SDK directory rel, or "".
func (in *interpreters) sdkDir(rel string) string {
	if in.disc.Cache == "" {
		return ""
	}
	if _, ok := provision.Installed(in.disc.Cache, rel); !ok {
		return ""
	}
	return filepath.Join(in.disc.Cache, rel)
}

// onPath lists the executables named names on the PATH discovery sees,
// every directory for the first name (the exact one, python3.12) before
// any for the next (python3).
func (in *interpreters) onPath(names ...string) []candidate {
	var out []candidate
	for _, name := range names {
		for _, dir := range filepath.SplitList(in.disc.Getenv("PATH")) {
			// Version managers' shims (pyenv's, asdf's) are slow to ask
			// and choose a version by their own configuration; the
			// installations behind them are looked at directly.
			if dir == "" || !filepath.IsAbs(dir) || filepath.Base(dir) == "shims" {
				continue
			}
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				out = append(out, candidate{p, "PATH"})
			}
		}
	}
	return out
}

func (in *interpreters) home() string { return in.disc.Getenv("HOME") }

// explicitExe turns a --runtime value into an executable: the path itself,
// or, for a directory, its bin/NAME (or bin/FALLBACK).
func explicitExe(p, name, fallback string) string {
	st, err := os.Stat(p)
	if err != nil || !st.IsDir() {
		return p
	}
	for _, n := range []string{name, fallback} {
		c := filepath.Join(p, "bin", n)
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return p
}

// globVersions lists dir/PREFIX<version>*/REL for installations whose
// version starts with want ("3.12" or "22"), newest first.
func globVersions(dir, prefix, want, rel, source string) []candidate {
	if dir == "" {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	type v struct {
		nums []int
		path string
	}
	var vs []v
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		// "3.12.1", "v22.12.0", "cpython-3.12.8-linux-x86_64-gnu"; not
		// "3.12.1t" (free-threaded) or "3.12-dev".
		ver, _, _ := strings.Cut(name, "-")
		if !versionIs(ver, want) {
			continue
		}
		nums, ok := parseVersion(ver)
		if !ok {
			continue
		}
		p := filepath.Join(dir, e.Name(), rel)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		vs = append(vs, v{nums, p})
	}
	slices.SortFunc(vs, func(a, b v) int { return slices.Compare(b.nums, a.nums) })
	out := make([]candidate, len(vs))
	for i, x := range vs {
		out[i] = candidate{x.path, source}
	}
	return out
}

// versionIs reports whether version ("3.12.1") is want ("3.12") or a
// release of it.
func versionIs(version, want string) bool {
	return version == want || strings.HasPrefix(version, want+".")
}

func parseVersion(s string) ([]int, bool) {
	parts := strings.Split(s, ".")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		nums[i] = n
	}
	return nums, true
}

// probed is what an interpreter says about itself.
type probed struct {
	version string
	exe     string
	roots   []string
}

// probeTimeout bounds asking an interpreter for its version (a broken
// version-manager shim may hang).
const probeTimeout = 10 * time.Second

// probePython asks a Python for its version, its real executable and its
// installation prefixes. -I -S keeps it from reading the environment or
// site-packages, and makes it quick.
func probePython(ctx context.Context, home, path string) (probed, bool) {
	out, ok := probe(ctx, home, path, "-I", "-S", "-c",
		"import sys;print('%d.%d.%d'%sys.version_info[:3]);print(sys.executable);print(sys.prefix);print(sys.base_prefix)")
	if !ok || len(out) < 4 {
		return probed{}, false
	}
	exe := out[1]
	if exe == "" || !filepath.IsAbs(exe) {
		exe = path
	}
	roots := []string{out[2], out[3]}
	// A virtual environment's prefix is set by the site module, which -S
	// skips: its directory (pyvenv.cfg beside bin/) holds the executable
	// the sandbox must see.
	if venv := filepath.Dir(filepath.Dir(exe)); fileExists(filepath.Join(venv, "pyvenv.cfg")) {
		roots = append(roots, venv)
	}
	return probed{version: out[0], exe: exe, roots: roots}, true
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// probeNode asks a node for its version and real executable; its
// installation is the directory above bin/.
func probeNode(ctx context.Context, home, path string) (probed, bool) {
	out, ok := probe(ctx, home, path, "-e", "console.log(process.versions.node);console.log(process.execPath)")
	if !ok || len(out) < 2 {
		return probed{}, false
	}
	exe := out[1]
	if exe == "" || !filepath.IsAbs(exe) {
		exe = path
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return probed{version: out[0], exe: exe, roots: []string{filepath.Dir(filepath.Dir(exe))}}, true
}

func probe(ctx context.Context, home, path string, args ...string) ([]string, bool) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	// Nothing of seki's environment: a shim must not pick another version
	// from PYENV_VERSION and the like.
	// (HOME stays: shims find their installations through it.)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + home}
	b, err := cmd.Output()
	if err != nil {
		return nil, false
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return lines, true
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// join is filepath.Join that keeps an empty base empty (no HOME: no
// version managers under it).
func join(base, rel string) string {
	if base == "" {
		return ""
	}
	return filepath.Join(base, rel)
}

func orUnknown(s string) string {
	if s == "" {
		return "no version (it could not be run)"
	}
	return s
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// writeBootstraps puts the embedded bootstraps into dir, and links the
// SDKs of the cache (if any) beside them, where Lambda keeps them
// (/var/runtime): node_modules is on NODE_PATH after the layers' and the
// Python bootstrap puts python-sdk on sys.path after the function's code
// and layers, so that a function's own copy wins, as in Lambda. The links
// may dangle until `seki runtimes install` fills the cache.
func writeBootstraps(dir, cache string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"bootstrap.py", "launch.py", "bootstrap.mjs"} {
		b, err := bootstraps.ReadFile("bootstrap/" + name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	for link, target := range map[string]string{
		"node_modules": filepath.Join(cache, provision.NodeSDK, "node_modules"),
		"python-sdk":   filepath.Join(cache, provision.PythonSDK),
	} {
		p := filepath.Join(dir, link)
		os.Remove(p)
		if cache == "" {
			continue
		}
		if err := os.Symlink(target, p); err != nil {
			return err
		}
	}
	return nil
}

// compileBootstrap compiles bootstrap.py into the runtime directory's
// __pycache__ for the Python at exe, once per seki run (launch.py imports
// it, so Python loads it compiled; the sandbox's /var/runtime is
// read-only, where Python could not cache it itself). A failure only
// costs the compiling at each start.
func (r *Runtime) compileBootstrap(exe string) {
	once, _ := r.compiled.LoadOrStore(exe, new(sync.Once))
	once.(*sync.Once).Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, exe, "-S", "-c", "import py_compile,sys;py_compile.compile(sys.argv[1],doraise=True)",
			filepath.Join(r.runtimeDir, "bootstrap.py"))
		cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"}
		if cmd.Run() == nil {
			r.own(filepath.Join(r.runtimeDir, "__pycache__"))
		}
	})
}
