package s3_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The tests below run against the real server (servertest): IAM users and
// policies, STS, Lambda's resource policies and S3 through one endpoint.

func e2eS3(env *servertest.Env, cfg aws.Config) *awss3.Client {
	return awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })
}

func TestE2EUserPoliciesAndDisclosure(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "e2e-bucket")
	put(t, a, "e2e-bucket", "k", "v")

	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	reader := e2eS3(env, env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	_, err = reader.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("k")})
	msg := wantCode(t, err, "AccessDenied")
	if want := `User: arn:aws:iam::111111111111:user/reader is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::e2e-bucket/k" because no identity-based policy allows the s3:GetObject action`; msg != want {
		t.Fatalf("message %q", msg)
	}
	doc := allow(`"s3:GetObject"`, `"arn:aws:s3:::e2e-bucket/*"`)
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := get(t, reader, "e2e-bucket", "k"); got != "v" {
		t.Fatalf("got %q", got)
	}
	_, err = reader.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("missing")})
	wantCode(t, err, "AccessDenied")
	doc2 := allow(`"s3:ListBucket"`, `"arn:aws:s3:::e2e-bucket"`)
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("list"), PolicyDocument: aws.String(doc2)}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("missing")})
	wantCode(t, err, "NoSuchKey")

	// Durable on acknowledgement: a restart keeps everything.
	env.Stop()
	env2 := servertest.Start(t, servertest.Options{DataDir: env.DataDir})
	a2 := e2eS3(env2, env2.Root(servertest.AccountA))
	if got, _ := get(t, a2, "e2e-bucket", "k"); got != "v" {
		t.Fatalf("after restart: %q", got)
	}
}

func functionZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, _ := w.Create("index.py")
	f.Write([]byte("def handler(event, context):\n    return event\n"))
	w.Close()
	return buf.Bytes()
}

// createFunction makes a role Lambda may assume and a function with it.
func createFunction(t *testing.T, env *servertest.Env, k servertestKey, name string, code *lambdatypes.FunctionCode) string {
	t.Helper()
	ctx := context.Background()
	cfg := env.Config(k.AccessKeyID, k.Secret, "")
	ic := iam.NewFromConfig(cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name + "-role"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	lc := lambda.NewFromConfig(cfg)
	out, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Role: role.Role.Arn,
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"), Code: code})
	if err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	return aws.ToString(out.FunctionArn)
}

type servertestKey struct{ Account, AccessKeyID, Secret string }

func TestE2ENotificationValidationWithLambda(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	A := servertestKey{servertest.AccountA.Account, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret}
	B := servertestKey{servertest.AccountB.Account, servertest.AccountB.AccessKeyID, servertest.AccountB.Secret}
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "uploads")
	mustCreateBucket(t, a, "source-s3-bucket-name")
	mustCreateBucket(t, a, "another-bucket")

	// A function that does not exist.
	missing := lambdaConfig("jpg", "arn:aws:lambda:us-east-1:111111111111:function:image-processor", []types.Event{"s3:ObjectCreated:*"}, "", ".jpg")
	rec := &bodyRecorder{c: &http.Client{}}
	withRec := awss3.NewFromConfig(env.Root(servertest.AccountA), func(o *awss3.Options) { o.UsePathStyle = true; o.HTTPClient = rec })
	wantCode(t, putNotif(withRec, "uploads", missing), "InvalidArgument")
	// AWS reads it as a function S3 may not invoke (test_s3_notifications_lambda.snapshot.json#test_invalid_lambda_arn).
	if f := errorXMLFields(t, rec.last); f["ArgumentValue1"] != "Not authorized to invoke function [arn:aws:lambda:us-east-1:111111111111:function:image-processor]" {
		t.Fatalf("missing function: %v", f)
	}

	// Same account: the function exists but S3 may not invoke it yet.
	fn := createFunction(t, env, A, "image-processor", &lambdatypes.FunctionCode{ZipFile: functionZip(t)})
	cfg := lambdaConfig("jpg", fn, []types.Event{"s3:ObjectCreated:*"}, "", ".jpg")
	wantCode(t, putNotif(withRec, "uploads", cfg), "InvalidArgument")
	if f := errorXMLFields(t, rec.last); f["ArgumentName1"] != fn+", null" || f["ArgumentValue1"] != "Not authorized to invoke function ["+fn+"]" ||
		f["Message"] != "Unable to validate the following destination configurations" {
		t.Fatalf("unauthorized: %v", f)
	}
	lc := lambda.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("image-processor"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::uploads"), SourceAccount: aws.String(A.Account)}); err != nil {
		t.Fatal(err)
	}
	if err := putNotif(a, "uploads", cfg); err != nil {
		t.Fatalf("after AddPermission: %v", err)
	}
	// The permission names one bucket; another is refused.
	wantCode(t, putNotif(a, "another-bucket", cfg), "InvalidArgument")

	// Cross account: the function lives in B and allows A's bucket.
	fnB := createFunction(t, env, B, "my-lambda-function", &lambdatypes.FunctionCode{ZipFile: functionZip(t)})
	lb := lambda.NewFromConfig(env.Root(servertest.AccountB))
	if _, err := lb.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("my-lambda-function"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::source-s3-bucket-name")}); err != nil {
		t.Fatal(err)
	}
	cfgB := lambdaConfig("x", fnB, []types.Event{"s3:ObjectCreated:*"}, "", "")
	if err := putNotif(a, "source-s3-bucket-name", cfgB); err != nil {
		t.Fatalf("cross-account configuration: %v", err)
	}
	wantCode(t, putNotif(a, "another-bucket", cfgB), "InvalidArgument")
}

func TestE2ELambdaCodeFromS3(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	A := servertestKey{servertest.AccountA.Account, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret}
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "code-bucket")
	if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("code-bucket"), Key: aws.String("fn/code.zip"), Body: bytes.NewReader(functionZip(t))}); err != nil {
		t.Fatal(err)
	}
	arn := createFunction(t, env, A, "from-s3", &lambdatypes.FunctionCode{S3Bucket: aws.String("code-bucket"), S3Key: aws.String("fn/code.zip")})
	if !strings.HasSuffix(arn, ":function:from-s3") {
		t.Fatalf("arn %s", arn)
	}
	// Account B cannot build a function from A's private object.
	B := servertestKey{servertest.AccountB.Account, servertest.AccountB.AccessKeyID, servertest.AccountB.Secret}
	ic := iam.NewFromConfig(env.Config(B.AccessKeyID, B.Secret, ""))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = lambda.NewFromConfig(env.Root(servertest.AccountB)).CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("stolen"),
		Role: role.Role.Arn, Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{S3Bucket: aws.String("code-bucket"), S3Key: aws.String("fn/code.zip")}})
	if err == nil {
		t.Fatal("account B built a function from A's private object")
	}
}

// TestE2EVirtualHostedAndPresigned addresses buckets as BUCKET.localhost
// through the real server, and uses presigned URLs with a plain client.
func TestE2EVirtualHostedAndPresigned(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	addr := strings.TrimPrefix(env.URL, "http://")
	_, port, _ := net.SplitHostPort(addr)
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
	cfg := env.Root(servertest.AccountA)
	cfg.HTTPClient = hc
	cfg.BaseEndpoint = aws.String("http://localhost:" + port)
	vh := awss3.NewFromConfig(cfg)
	mustCreateBucket(t, vh, "vhost-bucket")
	for _, k := range []string{"plain", "with space/and+plus", "日本/語"} {
		put(t, vh, "vhost-bucket", k, "v:"+k)
		if got, _ := get(t, vh, "vhost-bucket", k); got != "v:"+k {
			t.Fatalf("%q: %q", k, got)
		}
	}
	l, err := vh.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("vhost-bucket")})
	if err != nil || len(l.Contents) != 3 {
		t.Fatalf("list %+v %v", l, err)
	}
	g, err := awss3.NewPresignClient(vh).PresignGetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("vhost-bucket"), Key: aws.String("with space/and+plus")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Get(g.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "v:with space/and+plus" {
		t.Fatalf("presigned %d %q", resp.StatusCode, b)
	}
}
