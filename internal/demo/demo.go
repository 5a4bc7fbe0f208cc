// Package demo implements `seki demo`: it runs the image pipeline (scenario
// 1 of examples/) against an already running seki, step by step, and prints
// what each step did, what seki allowed and denied, and why.
//
// It only ever talks to seki: before creating anything it checks the
// endpoint's /_seki/health answer, so a mistyped endpoint cannot create roles
// and functions in a real AWS account.
package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awsclient"
	"github.com/seki-dev/seki/internal/sigv4"
)

const usage = `Usage: seki demo [--endpoint URL] [--access-key ID] [--secret-key KEY] [--region R] [--data-dir DIR]

Runs the image pipeline against a running seki (start one first:
make run) and prints every step: what was allowed, what was
denied, and why. Safe to run again and again.

`

// options are the demo's flags.
type options struct {
	endpoint, accessKey, secretKey, token, region, dataDir string
	timeout                                                time.Duration
}

// Run runs the demo with command-line args and returns the exit status: 0
// when every step turned out as the scenario says, 1 when one did not, 2
// for bad usage. The AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION (or
// AWS_DEFAULT_REGION) variables set the defaults; flags win over them.
// When --data-dir is given more than once the last one wins, so a caller can
// put a default first (cmd/seki passes `seki serve`'s default data
// directory that way).
func Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	var o options
	fs.StringVar(&o.endpoint, "endpoint", envOr("http://127.0.0.1:4566", "AWS_ENDPOINT_URL"), "seki's endpoint")
	fs.StringVar(&o.accessKey, "access-key", envOr("test", "AWS_ACCESS_KEY_ID"), "access key id")
	fs.StringVar(&o.secretKey, "secret-key", envOr("test", "AWS_SECRET_ACCESS_KEY"), "secret access key")
	fs.StringVar(&o.region, "region", envOr("us-east-1", "AWS_REGION", "AWS_DEFAULT_REGION"), "region")
	fs.StringVar(&o.dataDir, "data-dir", "", "seki's data directory, where the decision log that explains each decision is")
	fs.DurationVar(&o.timeout, "timeout", 90*time.Second, "how long to wait for the function each time")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	// A session token only belongs to the key it came with.
	keyFlag := false
	fs.Visit(func(f *flag.Flag) { keyFlag = keyFlag || f.Name == "access-key" })
	if !keyFlag {
		o.token = os.Getenv("AWS_SESSION_TOKEN")
	}
	o.endpoint = strings.TrimRight(o.endpoint, "/")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := checkSeki(ctx, o.endpoint); err != nil {
		fmt.Fprintln(stderr, "seki demo:", err)
		return 1
	}
	d := newDemo(o, stdout)
	if err := d.run(ctx); err != nil {
		fmt.Fprintf(stdout, "\nThe demo stopped: %v\n", err)
		return 1
	}
	return 0
}

func envOr(def string, names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return def
}

// checkSeki makes sure the endpoint is seki before anything is created.
func checkSeki(ctx context.Context, endpoint string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/_seki/health", nil)
	if err != nil {
		return fmt.Errorf("bad endpoint %q: %v", endpoint, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach seki at %s (%v)\n\nStart it first, in another terminal:\n  make run        (in a seki checkout; or: seki serve)", endpoint, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		return fmt.Errorf("%s does not answer /_seki/health as seki does; the demo creates roles, functions and buckets, so it only talks to seki", endpoint)
	}
	return nil
}

// demo is one run: the client, the printer and what was decided.
type demo struct {
	o   options
	p   *printer
	x   *explainer
	aws *awsclient.Client

	account string
	caller  string
	bucket  string
	fnARN   string
}

func newDemo(o options, out io.Writer) *demo {
	return &demo{
		o: o,
		p: &printer{w: out},
		x: &explainer{dir: o.dataDir},
		aws: awsclient.New(awsclient.Config{Endpoint: o.endpoint, Region: o.region,
			Credentials: sigv4.Credentials{AccessKeyID: o.accessKey, Secret: o.secretKey, SessionToken: o.token}}),
	}
}
