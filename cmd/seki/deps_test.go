package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoAWSSDK fails if the seki binary links the AWS SDK again. Its
// service clients and models cost `seki serve` about 8 MB of resident
// memory for nothing (their package inits build schemas that stay live,
// and their code is touched at start; BENCHMARKS.md, idle RSS), so seki's
// own commands call AWS through internal/awsclient; tests keep using the
// SDK as a client.
func TestNoAWSSDK(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps listed %d packages; expected seki's whole tree", len(deps))
	}
	for _, p := range deps {
		for _, banned := range []string{"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go", "github.com/aws/aws-sdk-go"} {
			if p == banned || strings.HasPrefix(p, banned+"/") {
				t.Errorf("cmd/seki links %s (SDK module %s): call AWS through internal/awsclient instead", p, banned)
			}
		}
	}
}
