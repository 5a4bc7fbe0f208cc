package lambda_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// imageManifest is a small Docker v2 image manifest; n makes it unique.
func imageManifest(n int) (doc, digest string) {
	layer := sha256.Sum256([]byte(fmt.Sprint("layer", n)))
	config := sha256.Sum256([]byte(fmt.Sprint("config", n)))
	doc = `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",` +
		`"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1470,"digest":"sha256:` + hex.EncodeToString(config[:]) + `"},` +
		`"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":3000,"digest":"sha256:` + hex.EncodeToString(layer[:]) + `"}]}`
	sum := sha256.Sum256([]byte(doc))
	return doc, hex.EncodeToString(sum[:])
}

// pushImage creates repository name in k's account (if needed) and pushes
// manifest n as tag; it answers the repository URI and the digest's hex.
func pushImage(t *testing.T, env *servertest.Env, cfg aws.Config, name, tag string, n int) (uri, hexDigest string) {
	t.Helper()
	ctx := context.Background()
	c := ecr.NewFromConfig(cfg)
	r, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
	if err == nil {
		uri = *r.Repository.RepositoryUri
	} else {
		d, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
		if err != nil {
			t.Fatal(err)
		}
		uri = *d.Repositories[0].RepositoryUri
	}
	doc, digest := imageManifest(n)
	if _, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String(name), ImageManifest: aws.String(doc), ImageTag: aws.String(tag)}); err != nil {
		t.Fatal(err)
	}
	return uri, digest
}

func wantLambdaError(t *testing.T, err error, code, msgPart string) string {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msgPart) {
		t.Fatalf("got %v, want %s containing %q", err, code, msgPart)
	}
	var withID interface{ ServiceRequestID() string }
	if errors.As(err, &withID) {
		return withID.ServiceRequestID()
	}
	return ""
}

// TestImageFunctionEndToEnd: an image pushed to seki's ECR becomes a
// PackageType Image function through the Go SDK, as LocalStack's
// validated TestLambdaImages recordings show AWS's answers: CodeSha256 is
// the digest's hex, GetFunction's Code names the ECR image, the package
// type never changes, versions publish; a missing image is refused in
// Lambda's words, and invoking says plainly that seki has no container
// runtime.
func TestImageFunctionEndToEnd(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	root := env.Root(servertest.AccountA)
	lam := sdk.NewFromConfig(root)
	role := execRole(t, env)
	uri, d1 := pushImage(t, env, root, "fn/app", "latest", 1)
	_, d2 := pushImage(t, env, root, "fn/app", "v2", 2)

	cr, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("img"), Role: role, PackageType: types.PackageTypeImage,
		Code:        &types.FunctionCode{ImageUri: aws.String(uri + ":latest")},
		ImageConfig: &types.ImageConfig{EntryPoint: []string{"sh"}, Command: []string{"-c", "echo test"}, WorkingDirectory: aws.String("/app1")}})
	if err != nil {
		t.Fatal(err)
	}
	if cr.PackageType != types.PackageTypeImage || *cr.CodeSha256 != d1 || cr.Runtime != "" || cr.Handler != nil ||
		cr.ImageConfigResponse == nil || *cr.ImageConfigResponse.ImageConfig.WorkingDirectory != "/app1" || cr.State != types.StatePending {
		t.Fatalf("CreateFunction: %+v", cr)
	}
	if err := sdk.NewFunctionActiveV2Waiter(lam).Wait(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("img")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	g, err := lam.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("img")})
	if err != nil {
		t.Fatal(err)
	}
	if *g.Code.RepositoryType != "ECR" || *g.Code.ImageUri != uri+":latest" || *g.Code.ResolvedImageUri != uri+"@sha256:"+d1 || g.Code.Location != nil {
		t.Fatalf("GetFunction Code: %+v", g.Code)
	}

	for _, c := range []struct {
		name string
		in   *sdk.CreateFunctionInput
		code string
		msg  string
	}{
		{"missing tag", &sdk.CreateFunctionInput{Code: &types.FunctionCode{ImageUri: aws.String(uri + ":nope")}}, "InvalidParameterValueException",
			"Source image " + uri + ":nope does not exist. Provide a valid source image."},
		{"missing repository", &sdk.CreateFunctionInput{Code: &types.FunctionCode{ImageUri: aws.String(strings.Replace(uri, "fn/app", "fn/none", 1) + ":latest")}},
			"InvalidParameterValueException", "does not exist"},
		{"another region", &sdk.CreateFunctionInput{Code: &types.FunctionCode{ImageUri: aws.String(strings.Replace(uri, env.Region, "eu-west-1", 1) + ":latest")}},
			"InvalidParameterValueException", "is not valid"},
		{"with a runtime", &sdk.CreateFunctionInput{Runtime: types.RuntimePython312, Code: &types.FunctionCode{ImageUri: aws.String(uri + ":latest")}},
			"InvalidParameterValueException", "Please don't provide Handler or Runtime or Layer"},
	} {
		c.in.FunctionName, c.in.Role, c.in.PackageType = aws.String("bad"), role, types.PackageTypeImage
		_, err := lam.CreateFunction(ctx, c.in)
		wantLambdaError(t, err, c.code, c.msg)
	}

	_, err = lam.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("img"), ZipFile: zipBytes(t, handlerZip)})
	wantLambdaError(t, err, "InvalidParameterValueException", "Please provide ImageUri when updating a function with packageType Image.")
	up, err := lam.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("img"), ImageUri: aws.String(uri + "@sha256:" + d2)})
	if err != nil || *up.CodeSha256 != d2 {
		t.Fatalf("UpdateFunctionCode: %+v %v", up, err)
	}
	pv, err := lam.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("img"), CodeSha256: aws.String(d2)})
	if err != nil || *pv.Version != "1" || pv.PackageType != types.PackageTypeImage {
		t.Fatalf("PublishVersion: %+v %v", pv, err)
	}
	uc, err := lam.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("img"), ImageConfig: &types.ImageConfig{}})
	if err != nil || uc.ImageConfigResponse != nil {
		t.Fatalf("UpdateFunctionConfiguration ImageConfig {}: %+v %v", uc, err)
	}

	// A .zip function takes no image.
	if _, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("zip"), Role: role, Runtime: types.RuntimePython312,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}}); err != nil {
		t.Fatal(err)
	}
	_, err = lam.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("zip"), ImageUri: aws.String(uri + ":latest")})
	wantLambdaError(t, err, "InvalidParameterValueException", "Please don't provide ImageUri when updating a function with packageType Zip.")

	// Invoking says what seki cannot do, for every invocation type.
	once := sdk.NewFromConfig(root, func(o *sdk.Options) { o.RetryMaxAttempts = 1 })
	for _, it := range []types.InvocationType{types.InvocationTypeRequestResponse, types.InvocationTypeEvent} {
		_, err = once.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("img"), InvocationType: it})
		wantLambdaError(t, err, "InvalidRuntimeException", "seki has no container runtime")
	}
}

// TestImageFunctionNeedsECRPermissions: the caller of CreateFunction must
// be allowed ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the
// repository (Lambda's "Amazon ECR permissions"); a refusal is Lambda's
// AccessDeniedException, and the door's decision is logged under the
// Lambda request. A function of another account needs the repository
// policy to allow that account and Lambda.
func TestImageFunctionNeedsECRPermissions(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	root := env.Root(servertest.AccountA)
	role := execRole(t, env)
	uri, _ := pushImage(t, env, root, "private", "latest", 3)

	ic := iam.NewFromConfig(root)
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	put := func(doc string) {
		if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","iam:PassRole"],"Resource":"*"}]}`)
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	dev := sdk.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	create := func(c *sdk.Client, name string, role *string) error {
		_, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Role: role, PackageType: types.PackageTypeImage,
			Code: &types.FunctionCode{ImageUri: aws.String(uri + ":latest")}})
		return err
	}
	id := wantLambdaError(t, create(dev, "f", role), "AccessDeniedException", "Lambda does not have permission to access the ECR image. Check the ECR permissions.")
	denied := false
	for _, d := range env.Decisions(t, id) {
		if d.Action == "ecr:BatchGetImage" && d.Decision != "allow" && strings.HasSuffix(d.Resource, ":repository/private") {
			denied = true
		}
	}
	if !denied {
		t.Fatalf("no refused ecr:BatchGetImage decision under request %s: %+v", id, env.Decisions(t, id))
	}
	// One of the two actions is not enough.
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","iam:PassRole","ecr:BatchGetImage"],"Resource":"*"}]}`)
	wantLambdaError(t, create(dev, "f", role), "AccessDeniedException", "Lambda does not have permission")
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","iam:PassRole","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"*"}]}`)
	if err := create(dev, "f", role); err != nil {
		t.Fatal(err)
	}

	// Account B's function of account A's image.
	ib := iam.NewFromConfig(env.Root(servertest.AccountB))
	rb, err := ib.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		t.Fatal(err)
	}
	lb := sdk.NewFromConfig(env.Root(servertest.AccountB))
	wantLambdaError(t, create(lb, "g", rb.Role.Arn), "AccessDeniedException", "Lambda does not have permission")
	repoPolicy := func(principals string) {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principals + `,"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`
		if _, err := ecr.NewFromConfig(root).SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("private"), PolicyText: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	// The account alone: Lambda itself is not allowed.
	repoPolicy(`{"AWS":"arn:aws:iam::` + servertest.AccountB.Account + `:root"}`)
	wantLambdaError(t, create(lb, "g", rb.Role.Arn), "AccessDeniedException", "Lambda does not have permission")
	repoPolicy(`{"AWS":"arn:aws:iam::` + servertest.AccountB.Account + `:root","Service":"lambda.amazonaws.com"}`)
	if err := create(lb, "g", rb.Role.Arn); err != nil {
		t.Fatal(err)
	}
	out, err := lb.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("g")})
	if err != nil || *out.Code.ImageUri != uri+":latest" {
		t.Fatalf("GetFunction in B: %+v %v", out, err)
	}
}
