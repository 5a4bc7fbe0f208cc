// Package runtimescmd implements `seki runtimes list` (which interpreter
// runs each Lambda runtime, and where it was found) and `seki runtimes
// install` (fetch the AWS SDKs, and Node.js releases on request, into
// seki's cache). Both take their arguments and streams explicitly and
// return the exit code, so that cmd/seki stays thin.
package runtimescmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/seki-dev/seki/internal/provision"
	"github.com/seki-dev/seki/internal/runtime"
)

// Run runs `seki runtimes SUBCOMMAND ...`; defaultCache is the cache
// directory when --cache-dir is not given.
func Run(ctx context.Context, args []string, defaultCache string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"list"}
	}
	switch args[0] {
	case "list":
		return list(ctx, args[1:], defaultCache, stdout, stderr)
	case "install":
		return install(ctx, args[1:], defaultCache, stdout, stderr)
	}
	fmt.Fprintln(stderr, "usage: seki runtimes [list | install] [--cache-dir DIR] [--runtime NAME=PATH]... [--node MAJOR]...")
	return 2
}

// RuntimeFlag adds the repeatable --runtime NAME=PATH flag to fs, filling m.
func RuntimeFlag(fs *flag.FlagSet, m map[string]string) {
	fs.Func("runtime", "NAME=PATH: the interpreter for a Lambda runtime, e.g. python3.12=/opt/py312/bin/python3 (repeatable)", func(v string) error {
		name, path, ok := strings.Cut(v, "=")
		if !ok || name == "" || path == "" || !(strings.HasPrefix(name, "python3.") || strings.HasPrefix(name, "nodejs")) {
			return errors.New("want NAME=PATH with a python3.X or nodejsN.x runtime name, e.g. python3.12=/usr/bin/python3.12")
		}
		// seki starts interpreters from other directories.
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		m[name] = abs
		return nil
	})
}

func list(ctx context.Context, args []string, defaultCache string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runtimes list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cache := fs.String("cache-dir", defaultCache, "seki's cache (`seki runtimes install` fills it)")
	explicit := map[string]string{}
	RuntimeFlag(fs, explicit)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	Print(stdout, runtime.FindInterpreters(ctx, runtime.Discovery{Explicit: explicit, Cache: *cache}), *cache)
	return 0
}

// Print writes the runtimes table seki's banner and `seki runtimes list`
// show: each runtime's interpreter and where it came from, the missing
// ones, and whether the SDKs are installed.
func Print(w io.Writer, found []runtime.Interpreter, cache string) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  provided.al2023, provided.al2\tthe function's own bootstrap")
	var missing []string
	for _, in := range found {
		if in.Path == "" {
			missing = append(missing, in.Runtime)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s %s (%s)\n", in.Runtime, in.Path, in.Version, in.Source)
	}
	tw.Flush()
	if len(missing) > 0 {
		fmt.Fprintf(w, "  not found: %s\n  (install them, or name one with --runtime NAME=PATH; seki never runs a function on another version)\n",
			strings.Join(missing, ", "))
	}
	for _, sdk := range []struct{ name, rel string }{{"AWS SDK for Python (boto3)", provision.PythonSDK}, {"AWS SDK for JavaScript v3", provision.NodeSDK}} {
		if src, ok := provision.Installed(cache, sdk.rel); ok {
			fmt.Fprintf(w, "  %s: %s\n", sdk.name, firstLine(src))
		} else {
			fmt.Fprintf(w, "  %s: not installed; functions cannot import it until `seki runtimes install` fetches it into %s\n", sdk.name, cache)
		}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func install(ctx context.Context, args []string, defaultCache string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runtimes install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cache := fs.String("cache-dir", defaultCache, "where to install")
	force := fs.Bool("force", false, "install again what is already installed")
	noIndex := fs.Bool("no-pip", false, "do not try pip (no Python package index is reachable); copy boto3 from a host Python")
	var nodes multi
	fs.Var(&nodes, "node", "also install Node.js MAJOR (e.g. 22) from the npm registry (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	abs, err := filepath.Abs(*cache)
	if err != nil {
		fmt.Fprintln(stderr, "seki:", err)
		return 1
	}
	*cache = abs
	failed := false
	fail := func(err error) {
		fmt.Fprintln(stderr, err)
		failed = true
	}
	npm, npmErr := exec.LookPath("npm")
	for _, major := range nodes {
		if npmErr != nil {
			fail(fmt.Errorf("seki runtimes install: Node.js %s comes from the npm registry, but npm is not installed", major))
			continue
		}
		exe, err := provision.InstallNode(ctx, *cache, npm, major, stdout)
		if err != nil {
			fail(err)
			continue
		}
		fmt.Fprintf(stdout, "Node.js %s: %s\n", major, exe)
	}

	if src, ok := provision.Installed(*cache, provision.NodeSDK); ok && !*force {
		fmt.Fprintf(stdout, "AWS SDK for JavaScript v3: already installed (%s)\n", firstLine(src))
	} else if npmErr != nil {
		fail(errors.New("seki runtimes install: the AWS SDK for JavaScript v3 comes from the npm registry, but npm is not installed"))
	} else if src, err := provision.InstallNodeSDK(ctx, *cache, npm, stdout); err != nil {
		fail(err)
	} else {
		fmt.Fprintf(stdout, "AWS SDK for JavaScript v3: installed from the %s\n", src)
	}

	if src, ok := provision.Installed(*cache, provision.PythonSDK); ok && !*force {
		fmt.Fprintf(stdout, "AWS SDK for Python: already installed (%s)\n", firstLine(src))
	} else {
		o := provision.PythonOptions{NoIndex: *noIndex}
		// The python3 on PATH first (the one a developer installs packages
		// into), then every Python discovery finds, which are also the
		// ones the SDK is precompiled for.
		if p, err := exec.LookPath("python3"); err == nil {
			o.Pythons = append(o.Pythons, p)
		}
		for _, in := range runtime.FindInterpreters(ctx, runtime.Discovery{Cache: *cache}) {
			if in.Path != "" && strings.HasPrefix(in.Runtime, "python") {
				o.Pythons = append(o.Pythons, in.Path)
				o.Compile = append(o.Compile, in.Path)
			}
		}
		if src, err := provision.InstallPython(ctx, *cache, o, stdout); err != nil {
			fail(err)
		} else {
			fmt.Fprintf(stdout, "AWS SDK for Python: %s\n", src)
		}
	}
	if failed {
		return 1
	}
	fmt.Fprintf(stdout, "Installed into %s; `seki serve` uses it for every function.\n", *cache)
	return 0
}
