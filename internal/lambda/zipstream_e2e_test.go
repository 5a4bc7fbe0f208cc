package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestStreamedPackage: packages large enough to be decoded as the body
// streams in (zipstream.go) are stored exactly as sent, with their
// CodeSha256 and CodeSize, by CreateFunction and UpdateFunctionCode from
// the SDK through the real server; a package that is not a zip is still
// refused as AWS refuses it.
func TestStreamedPackage(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	role := execRole(t, env)
	lam := sdk.NewFromConfig(env.Root(servertest.AccountA))
	// Random content does not compress: a package of about 1 MB.
	big := func(n int) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("index.py")
		w.Write([]byte("def handler(e, c):\n    return 1\n"))
		w, _ = zw.Create("blob.bin")
		b := make([]byte, n)
		rand.Read(b)
		w.Write(b)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	check := func(what string, cfgSha *string, size int64, pkg []byte) {
		t.Helper()
		sum := sha256.Sum256(pkg)
		if aws.ToString(cfgSha) != base64.StdEncoding.EncodeToString(sum[:]) || size != int64(len(pkg)) {
			t.Fatalf("%s: CodeSha256 %s, CodeSize %d; want those of the %d bytes sent", what, aws.ToString(cfgSha), size, len(pkg))
		}
		out, err := lam.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("big")})
		if err != nil {
			t.Fatal(err)
		}
		if st, got, _ := download(t, aws.ToString(out.Code.Location)); st != 200 || !bytes.Equal(got, pkg) {
			t.Fatalf("%s: the stored package is %d bytes (status %d), want the %d sent", what, len(got), st, len(pkg))
		}
	}
	one := big(1 << 20)
	c, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("big"), Runtime: "python3.12",
		Role: role, Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: one}})
	if err != nil {
		t.Fatal(err)
	}
	check("create", c.CodeSha256, c.CodeSize, one)
	two := big(700 << 10)
	u, err := lam.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("big"), ZipFile: two})
	if err != nil {
		t.Fatal(err)
	}
	check("update", u.CodeSha256, u.CodeSize, two)

	notZip := make([]byte, 300<<10)
	rand.Read(notZip)
	_, err = lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("bad"), Runtime: "python3.12",
		Role: role, Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: notZip}})
	var ipv *types.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		t.Fatalf("a package that is not a zip: %v", err)
	}
	_, err = lam.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("big"), ZipFile: notZip})
	if !errors.As(err, &ipv) {
		t.Fatalf("update with a package that is not a zip: %v", err)
	}
}
