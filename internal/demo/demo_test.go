package demo_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/seki-dev/seki/internal/demo"
	"github.com/seki-dev/seki/internal/server"
	"github.com/seki-dev/seki/internal/server/servertest"
)

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	// The functions import boto3, which seki provides (`seki runtimes
	// install`), as Lambda does.
	servertest.NeedSDK(t, "python")
}

// run runs the demo as account k against env and returns its exit status
// and output.
func run(t *testing.T, env *servertest.Env, k server.RootKey, dataDir string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := demo.Run([]string{"--endpoint", env.URL, "--access-key", k.AccessKeyID, "--secret-key", k.Secret,
		"--region", "us-east-1", "--data-dir", dataDir}, &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if t.Failed() {
		t.Fatalf("output:\n%s", text)
	}
}

// TestDemo runs the demo twice against one server, as a newcomer would
// after trying it once: both runs tell the whole story and succeed.
func TestDemo(t *testing.T) {
	needPython(t)
	env := servertest.Start(t)
	for run1 := range 2 {
		code, out, errOut := run(t, env, servertest.AccountA, env.DataDir)
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s\n%s", run1+1, code, out, errOut)
		}
		mustContain(t, out,
			"arn:aws:iam::111111111111:root (account 111111111111)",
			"ReadUploads    Allow s3:GetObject on arn:aws:s3:::seki-demo-uploads/*",
			"DENIED: S3 answered 400 InvalidArgument: Unable to validate the following destination configurations",
			"s3.amazonaws.com asked to lambda:InvokeFunction on arn:aws:lambda:us-east-1:111111111111:function:seki-demo-image-processor",
			"because no resource-based policy allows the lambda:InvokeFunction action",
			`"Principal":{"Service":"s3.amazonaws.com"}`,
			`statement "s3-uploads" (Allow)`,
			"key=photos/cat.jpg size=706 contentType=image/jpeg",
			"START RequestId: ", "REPORT RequestId: ",
			"processing s3://seki-demo-uploads/photos/cat.jpg",
			`statement "ReadUploads" (Allow)`,
			`statement "WriteMetadata" (Allow)`,
			"An error occurred (AccessDeniedException) when calling the PutItem operation: User: arn:aws:sts::111111111111:assumed-role/seki-demo-image-processor-role/seki-demo-image-processor is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:111111111111:table/seki-demo-image-metadata because no identity-based policy allows the dynamodb:PutItem action",
			"no item for photos/dog.jpg in seki-demo-image-metadata",
			"Decision: ImplicitlyDenied",
			"To allow it: attach an identity-based policy to role seki-demo-image-processor-role",
			"What seki decided, and why:",
		)
		if n := strings.Count(out, "\n  DENIED "); n != 2 {
			t.Errorf("summary has %d denials, want 2 (notification, PutItem)", n)
		}
		if n := strings.Count(out, "\n  ALLOWED "); n != 4 {
			t.Errorf("summary has %d allows, want 4 (notification, invocation, GetObject, PutItem)", n)
		}
		if run1 == 1 {
			mustContain(t, out, "deleted the function of an earlier run", "table seki-demo-image-metadata already exists")
		}
	}
	// What the demo printed is what the table holds.
	ddb := dynamodb.NewFromConfig(env.Root(servertest.AccountA))
	scan, err := ddb.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String("seki-demo-image-metadata")})
	if err != nil || len(scan.Items) != 1 {
		t.Fatalf("scan: %v %+v", err, scan)
	}
	if k := scan.Items[0]["key"].(*ddbtypes.AttributeValueMemberS).Value; k != "photos/cat.jpg" {
		t.Fatalf("item %q", k)
	}
}

// TestDemoBucketTaken: bucket names are global; when another account owns
// "seki-demo-uploads", the demo uses a name of its own and still works.
func TestDemoBucketTaken(t *testing.T) {
	needPython(t)
	env := servertest.Start(t)
	b := s3.NewFromConfig(env.Root(servertest.AccountB), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := b.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("seki-demo-uploads")}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, env, servertest.AccountA, env.DataDir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	mustContain(t, out, "bucket seki-demo-uploads belongs to another account (names are global); using seki-demo-uploads-111111111111",
		"Allow s3:GetObject on arn:aws:s3:::seki-demo-uploads-111111111111/*", "processing s3://seki-demo-uploads-111111111111/photos/cat.jpg",
		"key=photos/cat.jpg size=706")
}

// TestDemoBesideUserResources: a user who followed the example by hand has
// its table (with another key), role and bucket under the example's names;
// the demo uses names of its own and leaves the user's resources as they
// were.
func TestDemoBesideUserResources(t *testing.T) {
	needPython(t)
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	ddb := dynamodb.NewFromConfig(cfg)
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("image-metadata"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeN}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("image-processor-role"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, env, servertest.AccountA, env.DataDir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	mustContain(t, out, "table seki-demo-image-metadata created", "processing s3://seki-demo-uploads/photos/cat.jpg")
	desc, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("image-metadata")})
	if err != nil || aws.ToString(desc.Table.KeySchema[0].AttributeName) != "id" {
		t.Fatalf("the user's table changed: %v %+v", err, desc)
	}
	role, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("image-processor-role")})
	if err != nil || !strings.Contains(aws.ToString(role.Role.AssumeRolePolicyDocument), "ec2.amazonaws.com") {
		t.Fatalf("the user's role changed: %v %+v", err, role)
	}
}

// TestDemoWithoutDecisionLog: when the demo cannot see the server's data
// directory it still runs, and says how to get each explanation.
func TestDemoWithoutDecisionLog(t *testing.T) {
	needPython(t)
	env := servertest.Start(t)
	other := t.TempDir()
	code, out, errOut := run(t, env, servertest.AccountA, other)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	mustContain(t, out, "why: seki explain --data-dir "+other+" ", "AccessDeniedException")
	if strings.Contains(out, "Decision:") {
		t.Fatalf("explanations without a decision log:\n%s", out)
	}
}

// TestDemoOnlyTalksToSeki: an endpoint that is not seki, or nothing at all,
// stops the demo before it creates anything.
func TestDemoOnlyTalksToSeki(t *testing.T) {
	var hits int
	notSeki := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.NotFound(w, r)
	}))
	defer notSeki.Close()
	// The endpoint comes from AWS_ENDPOINT_URL when no flag names one.
	t.Setenv("AWS_ENDPOINT_URL", notSeki.URL)
	var out, errOut bytes.Buffer
	if code := demo.Run(nil, &out, &errOut); code != 1 || hits != 1 ||
		!strings.Contains(errOut.String(), notSeki.URL+" does not answer /_seki/health as seki does") {
		t.Fatalf("exit %d, %d requests, %q", code, hits, errOut.String())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	errOut.Reset()
	if code := demo.Run([]string{"--endpoint", "http://" + addr}, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "cannot reach seki at http://"+addr) || !strings.Contains(errOut.String(), "make run") {
		t.Fatalf("exit %d, %q", code, errOut.String())
	}
	if code := demo.Run([]string{"extra"}, &out, &errOut); code != 2 {
		t.Fatalf("extra argument: exit %d", code)
	}
	if out.Len() != 0 {
		t.Fatalf("printed a story without seki: %q", out.String())
	}
}

// TestDemoAsAdministrator: an IAM user with AdministratorAccess runs the
// demo as well as the root user; its identity policy allows iam:PassRole.
func TestDemoAsAdministrator(t *testing.T) {
	needPython(t)
	env := servertest.Start(t)
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("admin")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.AttachUserPolicy(context.Background(), &iam.AttachUserPolicyInput{UserName: aws.String("admin"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	key, err := ic.CreateAccessKey(context.Background(), &iam.CreateAccessKeyInput{UserName: aws.String("admin")})
	if err != nil {
		t.Fatal(err)
	}
	admin := server.RootKey{Account: "111111111111", AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), Secret: aws.ToString(key.AccessKey.SecretAccessKey)}
	code, out, errOut := run(t, env, admin, env.DataDir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	mustContain(t, out, "arn:aws:iam::111111111111:user/admin (account 111111111111)",
		"creating it needed iam:PassRole on the role, which arn:aws:iam::111111111111:user/admin's policies allow",
		"key=photos/cat.jpg size=706", "Decision: ImplicitlyDenied")
}
