// Command seki is a local, AWS-compatible implementation of AWS Lambda's
// permission model. It only parses flags and calls into internal/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/seki-dev/seki/internal/analyze"
	"github.com/seki-dev/seki/internal/cli/policycmd"
	"github.com/seki-dev/seki/internal/cli/runtimescmd"
	"github.com/seki-dev/seki/internal/demo"
	"github.com/seki-dev/seki/internal/explain"
	// The sandbox's hook: when seki re-executes itself to start a
	// function's sandbox, this package's init becomes the sandbox's init
	// (PID 1) before anything else of seki runs, and never returns.
	_ "github.com/seki-dev/seki/internal/sandbox"
	"github.com/seki-dev/seki/internal/server"
)

const usage = `seki: AWS Lambda's permission model, locally.

Usage:
  seki serve [--listen ADDR] [--data-dir DIR] [--region REGION] [--root-key ACCOUNT:KEY:SECRET]...
             [--runtime NAME=PATH]... [--cache-dir DIR]
  seki runtimes list [--runtime NAME=PATH]... [--cache-dir DIR]
  seki runtimes install [--node MAJOR]... [--cache-dir DIR] [--force] [--no-pip]
  seki policy validate [--type identity|resource|trust|boundary|session|scp|rcp] FILE...
  seki policy simulate --input FILE|-
  seki policy generate [--endpoint URL | --data-dir DIR] --principal ARN [--since DURATION]
  seki analyze [--endpoint URL | --from FILE...] [--format text|json|dot|html] [--output FILE] [--data-dir DIR]
  seki explain [--data-dir DIR] (REQUEST_ID | --last [--principal ARN-PART] [--action ACTION-PART])
  seki demo [--endpoint URL] [--access-key ID] [--secret-key KEY] [--region REGION] [--data-dir DIR]
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "policy":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return 2
		}
		switch args[1] {
		case "validate":
			return policycmd.Validate(args[2:], stdout, stderr)
		case "simulate":
			return policycmd.Simulate(args[2:], stdin, stdout, stderr)
		case "generate":
			return analyze.RunGenerate(args[2:], server.DefaultDataDir(), stdout, stderr)
		}
	case "explain":
		return explainCmd(args[1:], stdout, stderr)
	case "runtimes":
		return runtimescmd.Run(context.Background(), args[1:], server.DefaultCacheDir(), stdout, stderr)
	case "analyze":
		return analyze.Run(args[1:], server.DefaultDataDir(), stdout, stderr)
	case "demo": // a later --data-dir overrides this default
		return demo.Run(append([]string{"--data-dir", server.DefaultDataDir()}, args[1:]...), stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "seki: unknown command %q\n\n%s", strings.Join(args, " "), usage)
	return 2
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := server.Config{Out: stdout}
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:4566", "address to serve on")
	fs.StringVar(&cfg.DataDir, "data-dir", server.DefaultDataDir(), "directory for state")
	fs.StringVar(&cfg.Region, "region", "us-east-1", "default region")
	fs.Func("root-key", "ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY (repeatable)", func(v string) error {
		k, err := parseRootKey(v)
		if err == nil {
			cfg.RootKeys = append(cfg.RootKeys, k)
		}
		return err
	})
	cfg.Runtimes = map[string]string{}
	runtimescmd.RuntimeFlag(fs, cfg.Runtimes)
	fs.StringVar(&cfg.CacheDir, "cache-dir", server.DefaultCacheDir(), "what `seki runtimes install` fetched (the AWS SDKs)")
	cfg.OIDCKeys = map[string][]byte{}
	fs.Func("oidc-jwks", "ISSUER=FILE: the signing keys (JWKS) of an OpenID Connect provider, for AssumeRoleWithWebIdentity (repeatable)", func(v string) error {
		issuer, file, ok := strings.Cut(v, "=")
		if !ok || issuer == "" || file == "" {
			return errors.New("want ISSUER=FILE, e.g. token.actions.githubusercontent.com=jwks.json")
		}
		b, err := os.ReadFile(file)
		if err == nil {
			cfg.OIDCKeys[issuer] = b
		}
		return err
	})
	fs.StringVar(&cfg.URLHost, "url-host", "localhost", "domain of the function URLs the Lambda API returns (ID.lambda-url.REGION.DOMAIN:PORT), or \"path\" for http://HOST:PORT/_seki/lambda-url/ID/, which every resolver reaches")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	s, err := server.New(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "seki:", err)
		return 1
	}
	if err := s.Serve(ctx, 30*time.Second); err != nil {
		fmt.Fprintln(stderr, "seki:", err)
		return 1
	}
	return 0
}

func parseRootKey(v string) (server.RootKey, error) {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) != 3 || len(parts[0]) != 12 || strings.Trim(parts[0], "0123456789") != "" || parts[1] == "" || parts[2] == "" {
		return server.RootKey{}, errors.New("want ACCOUNT_ID:ACCESS_KEY_ID:SECRET_ACCESS_KEY with a 12-digit account id")
	}
	return server.RootKey{Account: parts[0], AccessKeyID: parts[1], Secret: parts[2]}, nil
}

func explainCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data-dir", server.DefaultDataDir(), "seki's data directory")
	last := fs.Bool("last", false, "explain the most recent denied request")
	var f explain.Filter
	fs.StringVar(&f.Principal, "principal", "", "with --last: the last denial of a principal whose ARN contains this")
	fs.StringVar(&f.Action, "action", "", "with --last: the last denial of an action containing this (sqs:ReceiveMessage, lambda:)")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	switch {
	case *last && len(ids) == 0:
		ids = []string{explain.Last}
	case len(ids) != 1 || *last:
		fmt.Fprintln(stderr, "usage: seki explain [--data-dir DIR] (REQUEST_ID | --last [--principal ARN-PART] [--action ACTION-PART])")
		return 2
	}
	return explain.RunFiltered(*dir, ids[0], f, stdout, stderr)
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (`seki explain ID --data-dir D` reads naturally too),
// and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
