package main

import (
	"os"

	"github.com/seki-dev/seki/internal/cli/policycmd"
)

func main() {
	switch os.Args[1] {
	case "validate":
		os.Exit(policycmd.Validate(os.Args[2:], os.Stdout, os.Stderr))
	case "simulate":
		os.Exit(policycmd.Simulate(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
}
