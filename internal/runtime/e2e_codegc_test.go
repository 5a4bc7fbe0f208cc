package runtime_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// unpackedDirs lists the unpacked packages under a server's data dir.
func unpackedDirs(t *testing.T, dataDir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dataDir, "runtime", "unpacked", "code-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Deleting a function removes its unpacked code (not another function's),
// and a restarted seki removes what was left while it was down.
func TestE2EUnpackedCodeCollected(t *testing.T) {
	dataDir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dataDir})
	w := worldOf(env)
	roleARN := w.role(t, "gc-role", "")
	base := goFunction(t)
	for i, name := range []string{"keep", "gone"} {
		w.function(t, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023, Role: aws.String(roleARN),
			Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: withExtraFile(t, base, "id", name+string(rune('0'+i)))}})
		w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{}`)})
	}
	if n := len(unpackedDirs(t, dataDir)); n != 2 {
		t.Fatalf("%d unpacked packages, want 2", n)
	}
	if _, err := w.lambda.DeleteFunction(context.Background(), &sdk.DeleteFunctionInput{FunctionName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(unpackedDirs(t, dataDir)) != 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(unpackedDirs(t, dataDir)); n != 1 {
		t.Fatalf("%d unpacked packages after the delete, want 1", n)
	}
	kept := unpackedDirs(t, dataDir)[0]

	env.Stop()
	orphan := filepath.Join(dataDir, "runtime", "unpacked", "code-0123456789abcdef0123456789abcdef")
	os.MkdirAll(filepath.Join(orphan, "lib"), 0o755)
	env = servertest.Start(t, servertest.Options{DataDir: dataDir})
	w = worldOf(env)
	deadline = time.Now().Add(10 * time.Second)
	for len(unpackedDirs(t, dataDir)) != 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := unpackedDirs(t, dataDir); len(got) != 1 || got[0] != kept {
		t.Fatalf("after a restart: %v, want only %s", got, kept)
	}
	if out := w.invoke(t, &sdk.InvokeInput{FunctionName: aws.String("keep"), Payload: []byte(`{"k":1}`)}); string(out.Payload) != `{"k":1}` {
		t.Fatalf("%s", out.Payload)
	}
}
