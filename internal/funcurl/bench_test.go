package funcurl_test

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkURLInvoke measures a function URL request end to end over
// loopback HTTP: routing, authentication, both authorization decisions
// (logged), the event, the stand-in runner and the response conversion.
// It reports p50 and p99 latencies beside ns/op.
func BenchmarkURLInvoke(b *testing.B) {
	for _, auth := range []types.FunctionUrlAuthType{types.FunctionUrlAuthTypeNone, types.FunctionUrlAuthTypeAwsIam} {
		b.Run(string(auth), func(b *testing.B) {
			e := newURLEnv(b)
			u := e.createURL(auth, "", nil)
			e.allowPublic("")
			body := []byte(`{"name":"seki"}`)
			req, _ := http.NewRequest("POST", u+"echo?x=1", nil)
			req.Header.Set("Content-Type", "application/json")
			if auth == types.FunctionUrlAuthTypeAwsIam {
				// One signature, reused: the server verifies it every time.
				signer(b, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret, "", "lambda", region)(req, body)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r := req.Clone(req.Context())
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.ContentLength = int64(len(body))
				start := time.Now()
				resp, err := e.client.Do(r)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(start))
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
