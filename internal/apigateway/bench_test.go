package apigateway_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	gw "github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkWarmCall measures a warm call to a real aws-lambda-go function
// (testdata/httpecho) over loopback HTTP, through a quick-created HTTP API
// and, beside it, through a function URL (AuthType NONE) of the same
// function: routing, the 2.0 event, the logged decisions against the
// function's resource policy, the runtime round trip and the response
// mapping. It reports p50 and p99.
func BenchmarkWarmCall(b *testing.B) {
	b.Run("http-api", func(b *testing.B) {
		e := newEnv(b)
		a, err := e.gw.CreateApi(context.Background(), &gw.CreateApiInput{Name: aws.String("bench"), ProtocolType: "HTTP", Target: aws.String(e.fnARN)})
		if err != nil {
			b.Fatal(err)
		}
		e.permit("bench", "arn:aws:execute-api:us-east-1:"+servertest.AccountA.Account+":"+*a.ApiId+"/*/*")
		warmCalls(b, *a.ApiEndpoint+"/plain?x=1")
	})
	b.Run("function-url", func(b *testing.B) {
		e := newEnv(b)
		ctx := context.Background()
		u, err := e.lam.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("httpecho"), AuthType: types.FunctionUrlAuthTypeNone})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range []*sdk.AddPermissionInput{
			{StatementId: aws.String("url"), Action: aws.String("lambda:InvokeFunctionUrl"), FunctionUrlAuthType: types.FunctionUrlAuthTypeNone},
			{StatementId: aws.String("invoke"), Action: aws.String("lambda:InvokeFunction"), InvokedViaFunctionUrl: aws.Bool(true)},
		} {
			p.FunctionName, p.Principal = aws.String("httpecho"), aws.String("*")
			if _, err := e.lam.AddPermission(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
		// The path form: every client resolves it.
		id := strings.Split(strings.TrimPrefix(*u.FunctionUrl, "http://"), ".")[0]
		warmCalls(b, e.srv.URL+"/_seki/lambda-url/"+id+"/plain?x=1")
	})
}

func warmCalls(b *testing.B, url string) {
	client := &http.Client{Timeout: 30 * time.Second}
	get := func() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	get() // the cold start
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		get()
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	servertest.ReportLatency(b, lat)
}
