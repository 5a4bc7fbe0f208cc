package scenarios_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/seki-dev/seki/internal/analyze"
	"github.com/seki-dev/seki/internal/server"
	"github.com/seki-dev/seki/internal/server/servertest"
)

var update = flag.Bool("update", false, "rewrite the expected seki analyze reports in testdata/")

// analyzed runs seki analyze on account k as the scenario left it and
// compares the JSON report with testdata/analyze-NAME.json (go test -run X
// -update rewrites it). Unused-permission findings depend on when the
// function's log deliveries reach the decision log, so they are left out.
func analyzed(t *testing.T, env *servertest.Env, k server.RootKey, name string) {
	t.Helper()
	x, notes, err := analyze.Fetch(ctx, analyze.Endpoint{URL: env.URL, Region: "us-east-1", AccessKey: k.AccessKeyID, Secret: k.Secret})
	if err != nil {
		t.Fatal(err)
	}
	s := analyze.Build(x)
	s.Notes = append(s.Notes, notes...)
	rep := analyze.Analyze(s, nil)
	var got bytes.Buffer
	if err := rep.WriteJSON(&got); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "analyze-"+name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("seki analyze of the %s scenario differs from %s:\n%s", name, path, got.String())
	}
}
