package ecr_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkECR measures, through the real server and the Go SDK (SigV4, the
// door, the store), what a container-image deploy costs seki: PutImage of a
// new manifest (a durable write), BatchGetImage of a tag (a read), and
// UpdateFunctionCode of an image function (the image resolved as the
// caller: two door checks and a lookup, then the version's durable write).
// CPU per operation (cpu-µs/op, server and client in one process) is the
// number to compare on a busy machine; wall time is not.
func BenchmarkECR(b *testing.B) {
	env := servertest.Start(b)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	c := ecr.NewFromConfig(cfg)
	r, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	uri := *r.Repository.RepositoryUri
	if _, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("bench"), ImageManifest: aws.String(Manifest(0)), ImageTag: aws.String("latest")}); err != nil {
		b.Fatal(err)
	}
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("exec"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		b.Fatal(err)
	}
	lam := lambda.NewFromConfig(cfg)
	if _, err := lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("img"), Role: role.Role.Arn,
		PackageType: lambdatypes.PackageTypeImage, Code: &lambdatypes.FunctionCode{ImageUri: aws.String(uri + ":latest")}}); err != nil {
		b.Fatal(err)
	}
	pushed := 0 // manifests are new in every round: a push of one already there is refused
	b.Run("PutImage", func(b *testing.B) {
		b.ReportAllocs()
		docs := make([]string, b.N)
		for i := range docs {
			pushed++
			docs[i] = Manifest(pushed)
		}
		cpu := servertest.StartCPU(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("bench"), ImageManifest: aws.String(docs[i])}); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		cpu(int64(b.N), "op")
	})
	b.Run("BatchGetImage", func(b *testing.B) {
		b.ReportAllocs()
		in := &ecr.BatchGetImageInput{RepositoryName: aws.String("bench"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("latest")}}}
		cpu := servertest.StartCPU(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.BatchGetImage(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		cpu(int64(b.N), "op")
	})
	b.Run("UpdateFunctionCode-image", func(b *testing.B) {
		b.ReportAllocs()
		in := &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("img"), ImageUri: aws.String(uri + ":latest")}
		cpu := servertest.StartCPU(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := lam.UpdateFunctionCode(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		cpu(int64(b.N), "op")
	})
}
