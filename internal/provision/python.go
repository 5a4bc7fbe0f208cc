package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// PythonOptions say where boto3 may come from.
type PythonOptions struct {
	// Pythons are host interpreters to try, in order: the first that can
	// pip-install boto3 from its package index installs it; failing that,
	// the first that already has boto3 and its dependencies is copied from.
	Pythons []string
	// Compile are the interpreters to precompile the SDK for (each writes
	// its own __pycache__ entries), so that functions, which cannot write
	// there, import boto3 quickly.
	Compile []string
	// NoIndex skips pip (no package index is reachable).
	NoIndex bool
}

// pipTimeout bounds pip's attempt: an unreachable index must not stall the
// installation, which then copies from the host.
const pipTimeout = 90 * time.Second

// InstallPython puts boto3 and its dependencies into cache/sdk/python and
// returns where they came from. boto3, botocore, s3transfer, jmespath,
// python-dateutil, urllib3 and six are pure Python, so one copy serves
// every Python 3 version Lambda offers.
func InstallPython(ctx context.Context, cache string, o PythonOptions, log io.Writer) (string, error) {
	final := filepath.Join(cache, PythonSDK)
	tmp, err := tempDir(final)
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	var source string
	if !o.NoIndex {
		for _, py := range o.Pythons {
			fmt.Fprintf(log, "boto3: trying pip install with %s ...\n", py)
			if source, err = pipInstall(ctx, py, tmp); err == nil {
				break
			}
			fmt.Fprintf(log, "boto3: pip could not install it (%v)\n", err)
			os.RemoveAll(tmp)
			if tmp, err = tempDir(final); err != nil {
				return "", err
			}
			break // one index attempt is enough: every pip asks the same index
		}
	}
	if source == "" {
		for _, py := range o.Pythons {
			if source, err = copyFromHost(ctx, py, tmp); err == nil {
				break
			}
			fmt.Fprintf(log, "boto3: not taken from %s: %v\n", py, err)
		}
	}
	if source == "" {
		return "", errorf("boto3 could not be installed: no package index answered pip, and no Python on this host has boto3, botocore, s3transfer, jmespath, python-dateutil, urllib3 and six to copy (tried %s)", strings.Join(o.Pythons, ", "))
	}
	for _, py := range o.Compile {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		out, err := exec.CommandContext(cctx, py, "-I", "-m", "compileall", "-q", tmp).CombinedOutput()
		cancel()
		if err != nil {
			fmt.Fprintf(log, "boto3: precompiling with %s failed (functions on it import more slowly): %v %s\n", py, err, out)
		}
	}
	if err := writeMarker(tmp, source+"\n"); err != nil {
		return "", err
	}
	if err := replaceDir(tmp, final); err != nil {
		return "", err
	}
	return source, nil
}

func pipInstall(ctx context.Context, py, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, pipTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-m", "pip", "install", "--quiet", "--no-input", "--disable-pip-version-check",
		"--only-binary=:all:", "--retries", "0", "--timeout", "10", "--target", dir, "boto3")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, lastLine(out))
	}
	vers, err := versionsIn(ctx, py, dir)
	if err != nil {
		return "", err
	}
	return "pip install boto3 (" + py + "'s package index): " + vers, nil
}

// hostScript prints, for a Python that has them, where each package lives
// and its version.
const hostScript = `
import importlib, importlib.metadata as md, json, sys
out = {}
for mod, dist in json.loads(sys.argv[1]):
    m = importlib.import_module(mod)
    f = m.__file__
    if f.endswith("__init__.py"):
        f = f[:-len("/__init__.py")]
    out[mod] = {"path": f, "version": md.version(dist), "dist": str(md.distribution(dist)._path)}
out[""] = {"path": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3], "dist": ""}
print(json.dumps(out))
`

type hostPackage struct{ Path, Version, Dist string }

// copyFromHost copies the packages (and their .dist-info directories, so
// importlib.metadata works) from a Python that has them.
func copyFromHost(ctx context.Context, py, dir string) (string, error) {
	arg, _ := json.Marshal(PythonPackages)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-I", "-c", hostScript, string(arg)).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("%s", lastLine(ee.Stderr))
		}
		return "", err
	}
	var pkgs map[string]hostPackage
	if err := json.Unmarshal(out, &pkgs); err != nil {
		return "", err
	}
	var vers []string
	var from string
	for _, p := range PythonPackages {
		hp, ok := pkgs[p[0]]
		if !ok {
			return "", fmt.Errorf("%s is missing", p[0])
		}
		for _, src := range []string{hp.Path, hp.Dist} {
			if src == "" || src == "." {
				continue
			}
			if err := copyTree(src, filepath.Join(dir, filepath.Base(src))); err != nil {
				return "", err
			}
		}
		vers = append(vers, p[1]+" "+hp.Version)
		from = filepath.Dir(hp.Path)
	}
	self := pkgs[""]
	return "copied from " + from + " (Python " + self.Version + " at " + self.Path + "; no package index was reachable): " + strings.Join(vers, ", "), nil
}

// versionsIn lists the installed distributions' versions in dir.
func versionsIn(ctx context.Context, py, dir string) (string, error) {
	arg, _ := json.Marshal(PythonPackages)
	// -I drops sys.path additions; ask with the target directory first.
	out, err := exec.CommandContext(ctx, py, "-I", "-c",
		"import sys, json\nsys.path.insert(0, sys.argv[1])\nimport importlib.metadata as md\nprint(', '.join(d + ' ' + md.version(d) for _, d in json.loads(sys.argv[2])))",
		dir, string(arg)).Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// copyTree copies a file or a directory tree, leaving out compiled files
// (they belong to the Python that wrote them; InstallPython compiles its
// own).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			if d.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			if strings.HasSuffix(p, ".pyc") {
				return nil
			}
			return copyFile(p, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
