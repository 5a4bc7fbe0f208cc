// Package policycmd implements the `seki policy validate` and
// `seki policy simulate` commands on top of internal/policy. Both take
// their arguments and streams explicitly and return the exit code, so that
// cmd/seki stays thin and tests can call them directly.
package policycmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/policy"
)

// quota is the size limit AWS applies to each kind of policy (characters,
// whitespace outside strings not counted) and the error AWS reports.
func quota(k policy.Kind, size int) (limit int, msg string) {
	switch k {
	case policy.Identity, policy.Boundary:
		limit, msg = 6144, "Cannot exceed quota for PolicySize: 6144"
	case policy.Trust:
		limit, msg = 2048, "Cannot exceed quota for ACLSizePerRole: 2048"
	case policy.Session:
		limit, msg = 2048, "Packed policy consumes more than 2048 characters of the session policy quota"
	case policy.SCP, policy.RCP:
		limit, msg = 5120, "The provided policy document exceeds the maximum size of 5120 characters"
	case policy.Resource:
		limit = 20480
		msg = "The final policy size (" + strconv.Itoa(size) + ") is bigger than the limit (20480)."
	}
	return limit, msg
}

// Validate runs `seki policy validate [--type KIND] FILE...`; args are
// everything after "validate". Each invalid file gets one line on stdout:
//
//	FILE: MESSAGE (at LINE:COL, PATH)
//
// for example
//
//	p.json: Policy statement must contain actions. (at 3:16, Statement[0].Action)
//
// It returns 0 when every file is valid, 1 when any is not (or cannot be
// read), and 2 on a usage error.
func Validate(args []string, stdout, stderr io.Writer) int {
	kind := policy.Identity
	var files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--type" || a == "-type" || a == "-t":
			if i+1 >= len(args) {
				fmt.Fprintln(stderr, "seki policy validate: --type needs a value (identity, resource, trust, boundary, session, scp, rcp)")
				return 2
			}
			i++
			k, err := policy.ParseKind(args[i])
			if err != nil {
				fmt.Fprintln(stderr, "seki policy validate:", err)
				return 2
			}
			kind = k
		case strings.HasPrefix(a, "--type="):
			k, err := policy.ParseKind(strings.TrimPrefix(a, "--type="))
			if err != nil {
				fmt.Fprintln(stderr, "seki policy validate:", err)
				return 2
			}
			kind = k
		case a == "-h" || a == "--help":
			fmt.Fprintln(stdout, "usage: seki policy validate [--type identity|resource|trust|boundary|session|scp|rcp] FILE...")
			return 0
		case a == "--":
			files = append(files, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "seki policy validate: unknown flag %s\n", a)
			return 2
		default:
			files = append(files, a)
		}
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "usage: seki policy validate [--type identity|resource|trust|boundary|session|scp|rcp] FILE...")
		return 2
	}
	code := 0
	for _, f := range files {
		doc, err := readFile(f, nil)
		if err != nil {
			fmt.Fprintf(stdout, "%s: cannot read file: %v\n", f, err)
			code = 1
			continue
		}
		// Every problem of the file, as policy validation lists them
		// (issue 11), not only the first.
		if errs := policy.Validate(doc, kind); len(errs) > 0 {
			for _, se := range errs {
				loc := "at " + strconv.Itoa(se.Line) + ":" + strconv.Itoa(se.Column)
				if se.Path != "" {
					loc += ", " + se.Path
				}
				fmt.Fprintf(stdout, "%s: %s (%s)\n", f, se.Message, loc)
			}
			code = 1
			continue
		}
		if limit, msg := quota(kind, policy.Size(doc)); policy.Size(doc) > limit {
			fmt.Fprintf(stdout, "%s: %s (size %d)\n", f, msg, policy.Size(doc))
			code = 1
		}
	}
	return code
}

// Simulate runs `seki policy simulate --input FILE` ("-" reads stdin);
// args are everything after "simulate". It prints one JSON object
// {"decision","reasons","message"} and returns 0 whatever the decision, or
// 2 with a message on stderr when the input cannot be read. It never
// panics on bad input.
func Simulate(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "seki policy simulate: internal error: %v\n", r)
			code = 2
		}
	}()
	input := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--input" || a == "-input" || a == "-i":
			if i+1 >= len(args) {
				fmt.Fprintln(stderr, "seki policy simulate: --input needs a file name (or - for stdin)")
				return 2
			}
			i++
			input = args[i]
		case strings.HasPrefix(a, "--input="):
			input = strings.TrimPrefix(a, "--input=")
		case a == "-h" || a == "--help":
			fmt.Fprintln(stdout, "usage: seki policy simulate --input FILE   (- reads stdin)")
			return 0
		default:
			fmt.Fprintf(stderr, "seki policy simulate: unexpected argument %s\n", a)
			return 2
		}
	}
	if input == "" {
		fmt.Fprintln(stderr, "usage: seki policy simulate --input FILE   (- reads stdin)")
		return 2
	}
	b, err := readFile(input, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "seki policy simulate: cannot read %s: %v\n", input, err)
		return 2
	}
	sim, err := policy.ParseSimulation(b)
	if err != nil {
		fmt.Fprintf(stderr, "seki policy simulate: %s: %v\n", input, err)
		return 2
	}
	out, err := json.MarshalIndent(sim.Run(), "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "seki policy simulate: %v\n", err)
		return 2
	}
	out = append(out, '\n')
	if _, err := stdout.Write(out); err != nil {
		return 2
	}
	return 0
}

// maxInput bounds what the commands read: far above any AWS policy quota.
const maxInput = 16 << 20

func readFile(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("input larger than %d bytes", maxInput)
	}
	return b, nil
}
