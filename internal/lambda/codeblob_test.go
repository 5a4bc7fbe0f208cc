package lambda_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// codeBlobs are the stored deployment packages of an account.
func codeBlobs(t *testing.T, e *env, account string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(e.dir, "blobs", "lambda", "code", account)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".zip") {
			out = append(out, filepath.Base(p))
		}
		return nil
	})
	return out
}

// A package is stored once per account and content: a second function of
// the same code (or the same function redeployed) writes nothing, the
// package stays while any version runs it, and goes with the last.
func TestCodeStoredOncePerContent(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	pkg := zipBytes(t, handlerZip)
	create := func(name string, code []byte) {
		t.Helper()
		if _, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: "python3.12",
			Role: aws.String(roleA), Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: code}}); err != nil {
			t.Fatal(err)
		}
	}
	create("one", pkg)
	create("two", pkg)
	if _, err := c.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("two"), ZipFile: pkg}); err != nil {
		t.Fatal(err)
	}
	if b := codeBlobs(t, e, acctA); len(b) != 1 {
		t.Fatalf("one content, stored as %v", b)
	}
	// A create that fails after storing keeps what another function runs.
	if _, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("one"), Runtime: "python3.12",
		Role: aws.String(roleA), Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: pkg}}); err == nil {
		t.Fatal("created a function twice")
	}
	if _, err := c.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("one")}); err != nil {
		t.Fatal(err)
	}
	if b := codeBlobs(t, e, acctA); len(b) != 1 {
		t.Fatalf("after deleting one of two functions of the content: %v", b)
	}
	// New content for two: the old package has no function left.
	if _, err := c.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("two"),
		ZipFile: zipBytes(t, map[string]string{"index.py": "def handler(e, c):\n    return 2\n"})}); err != nil {
		t.Fatal(err)
	}
	if b := codeBlobs(t, e, acctA); len(b) != 1 {
		t.Fatalf("after replacing the last user of a package: %v", b)
	}
	if _, err := c.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("two")}); err != nil {
		t.Fatal(err)
	}
	if b := codeBlobs(t, e, acctA); len(b) != 0 {
		t.Fatalf("after deleting every function: %v", b)
	}
}
