package s3_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/authz"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// notifiedFunction reads the object it is told about, as its execution
// role, and records the event it received in the results bucket.
const notifiedFunction = `import json, urllib.parse, boto3
s3 = boto3.client("s3")
def handler(event, context):
    rec = event["Records"][0]
    key = urllib.parse.unquote_plus(rec["s3"]["object"]["key"])
    body = s3.get_object(Bucket=rec["s3"]["bucket"]["name"], Key=key)["Body"].read()
    s3.put_object(Bucket="results", Key=key + ".json", Body=json.dumps({"event": event, "read": len(body)}))
`

// TestE2ENotificationDelivery runs the whole chain through the real
// server: an upload is acknowledged, S3 invokes the function as
// s3.amazonaws.com, the function reads the object with its role's
// credentials and writes what it saw. Then the function's permission is
// removed: the next upload succeeds but triggers nothing, and the decision
// log explains why under the upload's request id.
func TestE2ENotificationDelivery(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	servertest.NeedSDK(t, "python")
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "uploads")
	mustCreateBucket(t, a, "results")

	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("processor-role"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::results/*"}]}`
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("processor-role"), PolicyName: aws.String("s3"), PolicyDocument: aws.String(perms)}); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	f, _ := zw.Create("index.py")
	f.Write([]byte(notifiedFunction))
	zw.Close()
	lc := lambda.NewFromConfig(env.Root(servertest.AccountA))
	fn, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("processor"), Role: role.Role.Arn,
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"), Timeout: aws.Int32(30),
		Code: &lambdatypes.FunctionCode{ZipFile: zbuf.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("processor"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::uploads"), SourceAccount: aws.String("111111111111")}); err != nil {
		t.Fatal(err)
	}
	cfg := lambdaConfig("jpg", aws.ToString(fn.FunctionArn), []types.Event{"s3:ObjectCreated:*"}, "images/", ".jpg")
	if err := putNotif(a, "uploads", cfg); err != nil {
		t.Fatal(err)
	}

	put(t, a, "uploads", "images/red flower+1.jpg", "jpeg bytes")
	var got struct {
		Event struct {
			Records []struct {
				EventName string
				S3        struct {
					ConfigurationID string
					Object          struct{ Key string }
				}
			}
		}
		Read int
	}
	body := waitForObject(t, a, "results", "images/red flower+1.jpg.json", 60*time.Second)
	if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Event.Records) != 1 {
		t.Fatalf("result %s: %v", body, err)
	}
	r := got.Event.Records[0]
	if r.EventName != "ObjectCreated:Put" || r.S3.ConfigurationID != "jpg" || r.S3.Object.Key != "images/red+flower%2B1.jpg" || got.Read != 10 {
		t.Fatalf("function saw %s", body)
	}

	// Revoke S3's permission: the upload still succeeds, nothing runs, and
	// the refusal is in the decision log under the upload's request id.
	if _, err := lc.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("processor"), StatementId: aws.String("s3")}); err != nil {
		t.Fatal(err)
	}
	out := put(t, a, "uploads", "images/late.jpg", "x")
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	deadline := time.Now().Add(10 * time.Second)
	for !denialLogged(t, env.DataDir, rid) {
		if time.Now().After(deadline) {
			t.Fatalf("no denial logged for request %s", rid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	_, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("results"), Key: aws.String("images/late.jpg.json")})
	wantCode(t, err, "NotFound")
}

func waitForObject(t *testing.T, c *awss3.Client, bucket, key string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out, err := c.GetObject(context.Background(), &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err == nil {
			var b bytes.Buffer
			b.ReadFrom(out.Body)
			out.Body.Close()
			return b.String()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s did not appear: %v", bucket, key, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// denialLogged looks for a refused lambda:InvokeFunction under requestID
// in the server's decision log.
func denialLogged(t *testing.T, dir, requestID string) bool {
	es, _ := authz.Find(dir, requestID)
	for _, e := range es {
		if e.Action == "lambda:InvokeFunction" && e.Decision != "Allowed" && strings.Contains(e.Principal, "s3.amazonaws.com") {
			return true
		}
	}
	return false
}

// timingFunction records when its handler started, for the latency
// benchmark.
const timingFunction = `import json, time, urllib.parse, boto3
s3 = boto3.client("s3")
def handler(event, context):
    start = time.time()
    key = urllib.parse.unquote_plus(event["Records"][0]["s3"]["object"]["key"])
    s3.put_object(Bucket="timings", Key=key, Body=json.dumps({"start": start}))
`

// BenchmarkUploadToFunction measures upload-to-function latency through
// the real server and runtime: from PutObject acknowledged (response
// received) to the handler starting in a warm Python function, as the
// function's own clock records it. Reported as p50/p99 in µs.
func BenchmarkUploadToFunction(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is not installed")
	}
	servertest.NeedSDK(b, "python")
	env := servertest.Start(b)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(b, a, "bench-uploads")
	mustCreateBucket(b, a, "timings")
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("timing-role"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		b.Fatal(err)
	}
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::timings/*"}]}`
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("timing-role"), PolicyName: aws.String("s3"), PolicyDocument: aws.String(perms)}); err != nil {
		b.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	f, _ := zw.Create("index.py")
	f.Write([]byte(timingFunction))
	zw.Close()
	lc := lambda.NewFromConfig(env.Root(servertest.AccountA))
	fn, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("timing"), Role: role.Role.Arn,
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"), Timeout: aws.Int32(30),
		Code: &lambdatypes.FunctionCode{ZipFile: zbuf.Bytes()}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("timing"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::bench-uploads"), SourceAccount: aws.String("111111111111")}); err != nil {
		b.Fatal(err)
	}
	cfg := lambdaConfig("all", aws.ToString(fn.FunctionArn), []types.Event{"s3:ObjectCreated:Put"}, "", "")
	if _, err := a.PutBucketNotificationConfiguration(ctx, &awss3.PutBucketNotificationConfigurationInput{Bucket: aws.String("bench-uploads"),
		NotificationConfiguration: &types.NotificationConfiguration{LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{cfg}}}); err != nil {
		b.Fatal(err)
	}
	one := func(key string) time.Duration {
		if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("bench-uploads"), Key: aws.String(key), Body: strings.NewReader("x")}); err != nil {
			b.Fatal(err)
		}
		acked := time.Now()
		var rec struct{ Start float64 }
		deadline := time.Now().Add(30 * time.Second)
		for {
			out, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("timings"), Key: aws.String(key)})
			if err == nil {
				json.NewDecoder(out.Body).Decode(&rec)
				out.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("no timing for %s", key)
			}
			time.Sleep(2 * time.Millisecond)
		}
		start := time.Unix(0, int64(rec.Start*1e9))
		return start.Sub(acked)
	}
	one("warm-up") // the first invocation starts the function
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat = append(lat, one("k"+strings.Repeat("x", i%3)+time.Now().Format("150405.000000000")))
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)
}
