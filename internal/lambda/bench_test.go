package lambda_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// benchServer starts a real seki (real SigV4, IAM, store) with function f
// in account A carrying a 10-statement policy, and returns a client for
// bob in account B, who may invoke it.
func benchServer(b *testing.B) (*sdk.Client, *sdk.Client, string) {
	b.Helper()
	env := servertest.Start(b)
	ctx := context.Background()
	role := execRole(b, env)
	lamA := sdk.NewFromConfig(env.Root(servertest.AccountA))
	fn, err := lamA.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(b, handlerZip)}})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 9; i++ {
		if _, err := lamA.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("other" + strconv.Itoa(i)),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
			SourceArn: aws.String("arn:aws:s3:::bucket-" + strconv.Itoa(i)), SourceAccount: aws.String("111111111111")}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := lamA.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("b"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("222222222222")}); err != nil {
		b.Fatal(err)
	}
	iamB := iam.NewFromConfig(env.Root(servertest.AccountB))
	iamB.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
	iamB.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowInvokeAll)})
	key, err := iamB.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		b.Fatal(err)
	}
	cfg := env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return sdk.NewFromConfig(cfg), lamA, *fn.FunctionArn
}

// BenchmarkInvokeDryRun measures a cross-account Invoke DryRun through the
// Go SDK against a real server, with a 10-statement function policy; it
// reports p50/p99 latency of sequential calls.
func BenchmarkInvokeDryRun(b *testing.B) {
	bob, _, arn := benchServer(b)
	ctx := context.Background()
	in := &sdk.InvokeInput{FunctionName: aws.String(arn), InvocationType: types.InvocationTypeDryRun}
	for i := 0; i < 100; i++ {
		if _, err := bob.Invoke(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := bob.Invoke(ctx, in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)
}

// BenchmarkInvokeDryRunParallel measures throughput with concurrent clients.
func BenchmarkInvokeDryRunParallel(b *testing.B) {
	bob, _, arn := benchServer(b)
	ctx := context.Background()
	in := &sdk.InvokeInput{FunctionName: aws.String(arn), InvocationType: types.InvocationTypeDryRun}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := bob.Invoke(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// addGet runs AddPermission + GetPolicy round trips (RemovePermission
// between them, untimed, keeps the policy at one statement).
func addGet(b *testing.B, c *sdk.Client) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sid := "s" + strconv.Itoa(i)
		t0 := time.Now()
		if _, err := c.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String(sid),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("222222222222")}); err != nil {
			b.Fatal(err)
		}
		if _, err := c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String("f")}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		if _, err := c.RemovePermission(ctx, &sdk.RemovePermissionInput{FunctionName: aws.String("f"), StatementId: aws.String(sid)}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)
}

// BenchmarkAddPermissionGetPolicy compares seki with moto_server in one run.
func BenchmarkAddPermissionGetPolicy(b *testing.B) {
	b.Run("seki", func(b *testing.B) {
		_, root, _ := benchServer(b)
		addGet(b, root)
	})
	b.Run("moto", func(b *testing.B) {
		c := motoClient(b)
		addGet(b, c)
	})
}

// motoClient starts moto_server on a free port with function f.
func motoClient(b *testing.B) *sdk.Client {
	cfg, ok := servertest.Moto(b)
	if !ok {
		b.Skip("moto_server not installed")
	}
	ctx := context.Background()
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("exec"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		b.Fatal(err)
	}
	c := sdk.NewFromConfig(cfg)
	if _, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: role.Role.Arn,
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(b, handlerZip)}}); err != nil {
		b.Fatal(err)
	}
	return c
}
