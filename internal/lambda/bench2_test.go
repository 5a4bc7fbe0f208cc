package lambda_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkInvokeDryRunHandler is the same call against the Lambda handler
// alone (no SigV4 verification, identity from a table): it isolates
// Lambda's own cost from the server's.
func BenchmarkInvokeDryRunHandler(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	root := e.client("ROOTA")
	e.createFn(root, "f", roleA)
	for i := 0; i < 10; i++ {
		root.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("s" + itoa(i)),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("22222222222" + itoa(i%10))})
	}
	e.ids.set(b, principals["BOB"].ARN, allowInvokeAll)
	bob := e.client("BOB")
	in := &sdk.InvokeInput{FunctionName: aws.String(fnARN), InvocationType: types.InvocationTypeDryRun}
	if _, err := bob.Invoke(ctx, in); err != nil {
		b.Fatal(err)
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
