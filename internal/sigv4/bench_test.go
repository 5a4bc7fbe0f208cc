package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// capturedGetUser is an IAM GetUser request exactly as aws-sdk-go-v2's IAM
// client sends it, recorded once from a real HTTP exchange.
type captured struct {
	req  *http.Request
	body []byte
	now  time.Time
}

var captureOnce = sync.OnceValues(func() (captured, error) {
	var got captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		clone := r.Clone(context.Background())
		clone.Body = http.NoBody
		got = captured{req: clone, body: body}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><Path>/</Path><UserName>u</UserName><UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::000000000000:user/u</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></User></GetUserResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetUserResponse>`)
	}))
	defer srv.Close()
	client := iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return permCreds, nil }),
	})
	if _, err := client.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("alice")}); err != nil {
		return captured{}, err
	}
	t, _ := parseISOBasic(got.req.Header.Get("X-Amz-Date"))
	got.now = t
	return got, nil
})

func captureGetUser(tb testing.TB) captured {
	tb.Helper()
	c, err := captureOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestCapturedGetUserVerifies(t *testing.T) {
	c := captureGetUser(t)
	v := &Verifier{Now: func() time.Time { return c.now }}
	res, err := v.Verify(c.req, c.body, defaultKeys())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("signed headers %v, %d-byte body", res.SignedHeaders, len(c.body))
}

// BenchmarkVerifyGetUser is the common case: a signed IAM GetUser, signing
// key already derived.
func BenchmarkVerifyGetUser(b *testing.B) {
	c := captureGetUser(b)
	v := &Verifier{Now: func() time.Time { return c.now }}
	keys := defaultKeys()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(c.req, c.body, keys); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyGetUserColdKey derives the signing key every time, as the
// first request of each day does.
func BenchmarkVerifyGetUserColdKey(b *testing.B) {
	c := captureGetUser(b)
	keys := defaultKeys()
	now := func() time.Time { return c.now }
	b.ReportAllocs()
	for b.Loop() {
		v := &Verifier{Now: now}
		if _, err := v.Verify(c.req, c.body, keys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyGetUserParallel(b *testing.B) {
	c := captureGetUser(b)
	v := &Verifier{Now: func() time.Time { return c.now }}
	keys := defaultKeys()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(c.req, c.body, keys); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkVerifyS3Presigned(b *testing.B) {
	r := presigned(b, "s3", permCreds, "900")
	v := newVerifier(time.Second)
	keys := defaultKeys()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, nil, keys); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChunkedReaderSigned decodes a 1 MiB signed aws-chunked body in
// 64 KiB chunks.
func BenchmarkChunkedReaderSigned(b *testing.B) {
	res := exampleResult(StreamingPayload)
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	res.DecodedContentLength = int64(len(payload))
	s := newChunkSigner(res)
	var body strings.Builder
	for i := 0; i < len(payload); i += 64 << 10 {
		body.WriteString(s.chunk(payload[i : i+64<<10]))
	}
	body.WriteString(s.chunk(nil) + "\r\n")
	enc := body.String()
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := io.CopyBuffer(io.Discard, NewChunkedReader(strings.NewReader(enc), res), buf); err != nil {
			b.Fatal(err)
		}
	}
}

// The allocation budget of the hot path: the Result and the hex of the
// computed body hash.
func TestVerifyAllocations(t *testing.T) {
	c := captureGetUser(t)
	v := &Verifier{Now: func() time.Time { return c.now }}
	keys := defaultKeys()
	v.Verify(c.req, c.body, keys)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := v.Verify(c.req, c.body, keys); err != nil {
			t.Fatal(err)
		}
	})
	const budget = 2
	if allocs > budget {
		t.Errorf("Verify allocates %.0f times per request, budget %d", allocs, budget)
	}
}
