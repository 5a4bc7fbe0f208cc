package analyze

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

const usage = `Usage: seki analyze [--endpoint URL] [--format text|json|dot|html] [--output FILE] [--data-dir DIR]
       seki analyze --from FILE [--from FILE]... [--format ...] [--output FILE]

Who may invoke each function, what its execution role may reach, and what to
fix. With --endpoint (default $AWS_ENDPOINT_URL, else http://127.0.0.1:4566)
it signs with the usual AWS credentials variables and analyses their
account (--endpoint '' calls AWS itself: each service's endpoint in
$AWS_REGION); with --from it analyses exports of a real account made with the
AWS CLI: get-account-authorization-details, lambda list-functions, lambda
get-policy (per function and qualifier), s3api get-bucket-policy,
get-bucket-notification-configuration (saved as BUCKET.notification.json),
s3api list-buckets, dynamodb list-tables, logs describe-log-groups.
--data-dir is seki's data directory, whose decision log shows what each
role used (for unused-permission findings).
`

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// Run is `seki analyze`; defaultDataDir is seki's default data directory.
func Run(args []string, defaultDataDir string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("seki analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var from multi
	endpoint := fs.String("endpoint", envOr("http://127.0.0.1:4566", "AWS_ENDPOINT_URL"), "")
	format := fs.String("format", "text", "")
	output := fs.String("output", "", "")
	dataDir := fs.String("data-dir", defaultDataDir, "")
	fs.Var(&from, "from", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	from = append(from, fs.Args()...)
	write, ok := map[string]func(*Report, io.Writer) error{
		"text": (*Report).WriteText, "json": (*Report).WriteJSON, "dot": (*Report).WriteDot, "html": (*Report).WriteHTML,
	}[*format]
	if !ok {
		fmt.Fprintf(stderr, "seki analyze: unknown --format %q (text, json, dot or html)\n", *format)
		return 2
	}

	var x *Export
	var notes []string
	var err error
	if len(from) > 0 {
		x, err = ReadFiles(from)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		x, notes, err = Fetch(ctx, Endpoint{
			URL: strings.TrimRight(*endpoint, "/"), Region: envOr("us-east-1", "AWS_REGION", "AWS_DEFAULT_REGION"),
			AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), Secret: os.Getenv("AWS_SECRET_ACCESS_KEY"), Token: os.Getenv("AWS_SESSION_TOKEN"),
		})
	}
	if err != nil {
		fmt.Fprintln(stderr, "seki analyze:", err)
		return 1
	}
	var used Usage
	if len(from) == 0 {
		if used, err = ReadUsage(*dataDir); err != nil {
			notes = append(notes, "decision log: "+err.Error())
		}
	}
	s := Build(x)
	s.Notes = append(s.Notes, notes...)
	rep := Analyze(s, used)

	out := stdout
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			fmt.Fprintln(stderr, "seki analyze:", err)
			return 1
		}
		defer f.Close()
		out = f
	}
	if err := write(rep, out); err != nil {
		fmt.Fprintln(stderr, "seki analyze:", err)
		return 1
	}
	return 0
}

// RunGenerate is `seki policy generate`.
func RunGenerate(args []string, defaultDataDir string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("seki policy generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	principal := fs.String("principal", "", "role or user ARN")
	endpoint := fs.String("endpoint", "", "read the decisions from a running seki (signing with the usual AWS variables) instead of --data-dir")
	since := fs.Duration("since", 0, "only requests of the last DURATION (e.g. 24h)")
	dataDir := fs.String("data-dir", defaultDataDir, "seki's data directory (its decision log)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: seki policy generate [--endpoint URL | --data-dir DIR] --principal ARN [--since DURATION]\n\nPrints the least-privilege identity policy for a role or user from what its\nrequests asked for in seki's decision log, allowed or denied. With --endpoint\nthe running seki reads its log for you (the caller needs\naccess-analyzer:StartPolicyGeneration on the principal, as root has).\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *principal == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	var from time.Time
	if *since > 0 {
		from = time.Now().Add(-*since)
	}
	var calls []Call
	var err error
	where := *dataDir
	if *endpoint != "" {
		where = *endpoint
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		calls, err = FetchObserved(ctx, Endpoint{URL: strings.TrimRight(*endpoint, "/"), Region: envOr("us-east-1", "AWS_REGION", "AWS_DEFAULT_REGION"),
			AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), Secret: os.Getenv("AWS_SECRET_ACCESS_KEY"), Token: os.Getenv("AWS_SESSION_TOKEN")}, *principal, from)
	} else {
		calls, err = Observed(*dataDir, *principal, from)
	}
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "seki policy generate: no decision log in %s (is that seki's --data-dir?)\n", *dataDir)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "seki policy generate:", err)
		return 1
	}
	if len(calls) == 0 {
		fmt.Fprintf(stderr, "seki policy generate: the decision log of %s has no request of %s\n", where, *principal)
		return 1
	}
	doc, err := Generate(calls)
	if err != nil {
		fmt.Fprintln(stderr, "seki policy generate:", err)
		return 1
	}
	stdout.Write(doc)
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
