// Package policycmd implements the `seki policy validate` and
// `seki policy simulate` commands on top of internal/policy.
package policycmd

import (
	"fmt"
	"io"
)

// Validate runs `seki policy validate [--type KIND] FILE...` with args being
// everything after "validate". It returns the process exit code: 0 when every
// file is valid, 1 when any is not (one line per error on stdout), 2 on
// usage errors.
func Validate(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "seki policy validate: not implemented yet")
	return 2
}

// Simulate runs `seki policy simulate --input FILE` ("-" reads stdin) with
// args being everything after "simulate". It prints one JSON object
// {"decision","reasons","message"} and returns 0 whatever the decision, or
// 2 with a message on stderr when the input cannot be read.
func Simulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "seki policy simulate: not implemented yet")
	return 2
}
