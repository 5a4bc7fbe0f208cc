package runtime_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// withExtraFile returns pkg with one more small entry, so that its content
// (and CodeSha256) is new; the existing entries are copied still
// compressed.
func withExtraFile(b testing.TB, pkg []byte, name, body string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			b.Fatal(err)
		}
	}
	w, _ := zw.Create(name)
	w.Write([]byte(body))
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkE2ECreateToFirstResponse measures what a developer waits for
// after deploying a provided.al2023 Go function (a 9 MB aws-lambda-go
// bootstrap), from aws-sdk-go-v2, as a careful AWS client does it:
// CreateFunction, GetFunction until the function is Active, Invoke.
// p50-ms is create sent → first response received; active-p50-ms create
// sent → Active seen (the package is unpacked by then); invoke-p50-ms the
// first Invoke alone, sent once Active. "fresh" deploys new content every
// time (its package is unpacked for the first time); "same" deploys the
// same content under a new name (already unpacked: a function that stays
// holds it). The "s3-" cases give the package as an S3 object, uploaded
// before the clock starts, as CloudFormation, SAM and the CDK deploy: the
// create is then a small request.
func BenchmarkE2ECreateToFirstResponse(b *testing.B) {
	for _, c := range []string{"fresh", "same", "s3-fresh", "s3-same"} {
		b.Run(c, func(b *testing.B) {
			w := newWorld(b)
			roleARN := w.role(b, "create-role", "")
			base := goFunction(b)
			ctx := context.Background()
			fromS3 := strings.HasPrefix(c, "s3-")
			var s3c *s3.Client
			if fromS3 {
				s3c = s3.NewFromConfig(w.env.Root(servertest.AccountA), func(o *s3.Options) { o.UsePathStyle = true })
				if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("code")}); err != nil {
					b.Fatal(err)
				}
			}
			if strings.HasSuffix(c, "same") {
				// A function that keeps the content referenced, so that
				// deleting each iteration's function does not remove its
				// unpacked copy.
				w.function(b, &sdk.CreateFunctionInput{FunctionName: aws.String("keeper"), Runtime: types.RuntimeProvidedal2023, Role: aws.String(roleARN),
					Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: base}})
			}
			var total, active, first []time.Duration
			var cpu time.Duration // the process's CPU (server and client) in the timed part
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				name := "fn-" + strconv.Itoa(i)
				pkg := base
				if strings.HasSuffix(c, "fresh") {
					pkg = withExtraFile(b, base, "build-id", strconv.Itoa(i)+"-"+strconv.FormatInt(time.Now().UnixNano(), 10))
				}
				code := &types.FunctionCode{ZipFile: pkg}
				if fromS3 {
					if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("code"), Key: aws.String(name + ".zip"), Body: bytes.NewReader(pkg)}); err != nil {
						b.Fatal(err)
					}
					code = &types.FunctionCode{S3Bucket: aws.String("code"), S3Key: aws.String(name + ".zip")}
				}
				in := &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023, Role: aws.String(roleARN),
					Handler: aws.String("bootstrap"), Code: code}
				b.StartTimer()
				c0 := processCPU()
				s := time.Now()
				if _, err := w.lambda.CreateFunction(ctx, in); err != nil {
					b.Fatal(err)
				}
				for {
					g, err := w.lambda.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String(name)})
					if err != nil {
						b.Fatal(err)
					}
					if g.Configuration.State == types.StateActive {
						break
					}
					time.Sleep(time.Millisecond)
				}
				s2 := time.Now()
				out, err := w.lambda.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{}`)})
				total = append(total, time.Since(s))
				active = append(active, s2.Sub(s))
				first = append(first, time.Since(s2))
				if err != nil || out.FunctionError != nil {
					b.Fatal(err)
				}
				cpu += processCPU() - c0
				b.StopTimer()
				if _, err := w.lambda.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String(name)}); err != nil {
					b.Fatal(err)
				}
				time.Sleep(5 * time.Millisecond)
				b.StartTimer()
			}
			b.StopTimer()
			reportLatency(b, total)
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/create")
			for _, m := range []struct {
				name string
				d    []time.Duration
			}{{"active-p50-ms", active}, {"invoke-p50-ms", first}} {
				slices.Sort(m.d)
				b.ReportMetric(float64(m.d[len(m.d)/2].Microseconds())/1000, m.name)
			}
		})
	}
}

// processCPU is the process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stubHTTP answers every request at once, without sending it.
type stubHTTP struct{}

func (stubHTTP) Do(r *http.Request) (*http.Response, error) {
	r.Body.Close()
	return &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"FunctionName":"f"}`)), Request: r}, nil
}

// BenchmarkCreateClientBuild is the client's own share of a create, which
// no server can shorten: aws-sdk-go-v2 validating, serializing
// (base64-encoding the 6 MB package into the JSON) and signing (SHA-256 of
// the body for the SigV4 payload hash) CreateFunction for the 9 MB
// aws-lambda-go bootstrap, with an HTTP client that answers at once.
func BenchmarkCreateClientBuild(b *testing.B) {
	pkg := goFunction(b)
	cl := sdk.New(sdk.Options{Region: "us-east-1", HTTPClient: stubHTTP{}, BaseEndpoint: aws.String("http://127.0.0.1:1"),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")})
	in := &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: types.RuntimeProvidedal2023, Role: aws.String("arn:aws:iam::000000000000:role/r"),
		Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: pkg}}
	b.ReportAllocs()
	c0 := processCPU()
	for b.Loop() {
		if _, err := cl.CreateFunction(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/create")
}
