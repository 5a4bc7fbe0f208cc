package apigateway_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	gw "github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	gwtypes "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
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
	// The authorization layers: an AWS_IAM route called by the account's
	// root (signed for execute-api each time; one more logged decision),
	// and a CUSTOM route whose Lambda authorizer's simple answer is
	// cached (TTL 300 s; one more logged decision, no authorizer run).
	b.Run("http-api-aws-iam", func(b *testing.B) {
		e := newEnv(b)
		id, endpoint, _ := e.apiWithRoute("AWS_IAM", "")
		e.permit("bench", "arn:aws:execute-api:us-east-1:"+servertest.AccountA.Account+":"+id+"/*/*")
		creds := aws.Credentials{AccessKeyID: servertest.AccountA.AccessKeyID, SecretAccessKey: servertest.AccountA.Secret}
		signer := v4.NewSigner()
		warmRequests(b, func() *http.Request {
			req, _ := http.NewRequest("GET", endpoint+"/plain?x=1", nil)
			signer.SignHTTP(context.Background(), creds, req, emptySHA256, "execute-api", "us-east-1", time.Now())
			return req
		})
	})
	b.Run("http-api-authorizer", func(b *testing.B) {
		e := newEnv(b)
		authARN := e.authfn("authorizer")
		id, endpoint, _ := e.apiWithRoute("CUSTOM", authARN)
		base := "arn:aws:execute-api:us-east-1:" + servertest.AccountA.Account + ":" + id
		e.permit("bench", base+"/*/*")
		e.permitFn("authorizer", "bench", base+"/authorizers/*")
		warmRequests(b, func() *http.Request {
			req, _ := http.NewRequest("GET", endpoint+"/plain?x=1", nil)
			req.Header.Set("Authorization", "allow")
			return req
		})
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
	warmRequests(b, func() *http.Request {
		req, _ := http.NewRequest("GET", url, nil)
		return req
	})
}

// warmRequests measures warm calls of the requests next makes (signing
// included, as a client pays it).
func warmRequests(b *testing.B, next func() *http.Request) {
	client := &http.Client{Timeout: 30 * time.Second}
	get := func() {
		resp, err := client.Do(next())
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

// emptySHA256 is the payload hash of an empty body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// apiWithRoute makes an API whose $default route to httpecho has the
// given authorization (for CUSTOM, a cached simple-response authorizer of
// function authARN).
func (e *env) apiWithRoute(auth, authARN string) (id, endpoint, target string) {
	e.t.Helper()
	ctx := context.Background()
	id, endpoint, target = e.api(e.fnARN, "2.0")
	in := &gw.CreateRouteInput{ApiId: aws.String(id), RouteKey: aws.String("$default"), Target: aws.String(target), AuthorizationType: gwtypes.AuthorizationType(auth)}
	if auth == "CUSTOM" {
		au, err := e.gw.CreateAuthorizer(ctx, &gw.CreateAuthorizerInput{ApiId: aws.String(id), Name: aws.String("bench"),
			AuthorizerType: "REQUEST", AuthorizerPayloadFormatVersion: aws.String("2.0"), EnableSimpleResponses: aws.Bool(true),
			IdentitySource: []string{"$request.header.Authorization"}, AuthorizerResultTtlInSeconds: aws.Int32(300),
			AuthorizerUri: aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + authARN + "/invocations")})
		if err != nil {
			e.t.Fatal(err)
		}
		in.AuthorizerId = au.AuthorizerId
	}
	if _, err := e.gw.CreateRoute(ctx, in); err != nil {
		e.t.Fatal(err)
	}
	return id, endpoint, target
}
