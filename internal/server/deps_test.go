package server_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the architecture's arrows true:
// cmd → server → services → {authz, protocol, store, arn}, authz → policy →
// arn. Services never import each other (the server wires them through small
// interfaces), and the policy engine stays pure.
func TestDependencyDirection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const mod = "github.com/seki-dev/seki/internal/"
	out, err := exec.Command("go", "list", "-deps=false", "-json", "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	services := map[string]bool{"iam": true, "sts": true, "lambda": true, "s3": true, "dynamodb": true, "logs": true, "runtime": true, "funcurl": true, "sqs": true, "sns": true, "events": true, "apigateway": true}
	// Exceptions, each for a reason: the runtime executes Lambda's
	// FunctionSpec and InvokeRequest types, and function URLs are a way in
	// to Lambda's invoke path; so are API Gateway's APIs, which build the
	// same payload format 2.0 event as function URLs and map the response
	// the same way.
	allowed := map[string]bool{"runtime→lambda": true, "funcurl→lambda": true, "apigateway→lambda": true, "apigateway→funcurl": true}
	leaves := map[string][]string{
		"policy":  {"net/http", "os", "context", mod + "store", mod + "authz", mod + "protocol"},
		"arn":     {mod},
		"pattern": {mod},
		"awserr":  {mod},
		"sigv4":   {mod + "policy", mod + "store", mod + "authz"},
		"store":   {mod},
		"authz":   {mod + "protocol", mod + "store"},
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(p.ImportPath, mod)
		if !ok {
			continue
		}
		top := strings.SplitN(name, "/", 2)[0]
		for _, imp := range p.Imports {
			if dep, ok := strings.CutPrefix(imp, mod); ok {
				depTop := strings.SplitN(dep, "/", 2)[0]
				if services[top] && services[depTop] && depTop != top && !allowed[top+"→"+depTop] {
					t.Errorf("%s imports %s: services talk through interfaces the server wires", p.ImportPath, imp)
				}
				if depTop == "server" && top != "server" {
					t.Errorf("%s imports the server package", p.ImportPath)
				}
			}
			for _, banned := range leaves[top] {
				if imp == banned || (strings.HasSuffix(banned, "/") && strings.HasPrefix(imp, banned)) {
					t.Errorf("%s imports %s", p.ImportPath, imp)
				}
			}
		}
	}
}
