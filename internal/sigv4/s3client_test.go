package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// liveKeys are the test keys for tests that run on the real clock.
func liveKeys() testKeys {
	k := defaultKeys()
	tk := k[testTempAKID]
	tk.Expires = time.Now().Add(time.Hour)
	k[testTempAKID] = tk
	return k
}

// onlyReader hides Seek, so the SDK must stream the body.
type onlyReader struct{ io.Reader }

// TestS3ClientPutObject uploads with the real aws-sdk-go-v2 S3 client to a
// server running Verify and NewChunkedReader, and checks the bytes that
// arrive. Depending on TLS and checksum settings the client signs the
// payload, sends UNSIGNED-PAYLOAD, or streams aws-chunked with a trailing
// checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
func TestS3ClientPutObject(t *testing.T) {
	sizes := []int{0, 1, 8191, 70000, 200_000}
	for _, tlsOn := range []bool{false, true} {
		for _, calc := range []aws.RequestChecksumCalculation{aws.RequestChecksumCalculationWhenSupported, aws.RequestChecksumCalculationWhenRequired} {
			for _, streamed := range []bool{false, true} {
				if streamed && !tlsOn {
					continue // the SDK refuses unseekable bodies over plain HTTP
				}
				for _, creds := range []aws.Credentials{permCreds, tempCreds} {
					name := fmt.Sprintf("tls=%v/checksum=%v/streamed=%v/%s", tlsOn, calc, streamed, creds.AccessKeyID)
					t.Run(name, func(t *testing.T) {
						srv := newVerifyServer(t, &Verifier{}, liveKeys(), tlsOn)
						client := s3.New(s3.Options{
							Region:                     "us-east-1",
							BaseEndpoint:               aws.String(srv.URL),
							UsePathStyle:               true,
							Credentials:                aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }),
							HTTPClient:                 srv.Client(),
							RequestChecksumCalculation: calc,
							ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
							RetryMaxAttempts:           1,
						})
						seen := map[string]bool{}
						for _, n := range sizes {
							data := make([]byte, n)
							for i := range data {
								data[i] = byte(i*7 + n)
							}
							var body io.Reader = bytes.NewReader(data)
							if streamed {
								body = onlyReader{bytes.NewReader(data)}
							}
							_, err := client.PutObject(context.Background(), &s3.PutObjectInput{
								Bucket: aws.String("bucket"),
								Key:    aws.String(fmt.Sprintf("dir/obj ü+%d", n)),
								Body:   body,
							})
							o := srv.next(t)
							if err != nil || o.status != 200 {
								t.Fatalf("size %d: %v; server: %d %s %s", n, err, o.status, o.code, o.message)
							}
							sum := sha256.Sum256(data)
							if o.bodySum != hex.EncodeToString(sum[:]) {
								t.Fatalf("size %d: server read other bytes", n)
							}
							seen[o.res.PayloadHash[:min(len(o.res.PayloadHash), 20)]] = true
						}
						t.Logf("payload hashes: %v", keys(seen))
						if tlsOn && calc == aws.RequestChecksumCalculationWhenSupported && !seen[StreamingUnsignedPayloadTrailer[:20]] {
							t.Errorf("never saw %s", StreamingUnsignedPayloadTrailer)
						}
					})
				}
			}
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestS3ClientTamperedChunk changes one byte of an aws-chunked upload in
// flight: the trailing CRC32 no longer matches and the upload fails.
func TestS3ClientTamperedChunk(t *testing.T) {
	srv := newVerifyServer(t, &Verifier{}, liveKeys(), true)
	hc := srv.Client()
	hc.Transport = tamperTransport{hc.Transport}
	client := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return permCreds, nil }),
		HTTPClient:  hc, RetryMaxAttempts: 1,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	})
	_, err := client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("bucket"), Key: aws.String("k"),
		Body: bytes.NewReader(bytes.Repeat([]byte("x"), 100_000)),
	})
	o := srv.next(t)
	if err == nil || o.code != "BadDigest" {
		t.Fatalf("err %v, server %d %s %s", err, o.status, o.code, o.message)
	}
}

type tamperTransport struct{ next http.RoundTripper }

func (tt tamperTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Header.Get("Content-Encoding") == "aws-chunked" {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		i := bytes.IndexByte(data, 'x')
		data[i] = 'y'
		r.Body = io.NopCloser(bytes.NewReader(data))
	}
	return tt.next.RoundTrip(r)
}

// TestS3PresignClient presigns with the S3 presign client and fetches the
// URLs with a plain HTTP client, as a browser or curl would.
func TestS3PresignClient(t *testing.T) {
	srv := newVerifyServer(t, &Verifier{}, liveKeys(), false)
	for _, creds := range []aws.Credentials{permCreds, tempCreds} {
		client := s3.New(s3.Options{
			Region: "eu-central-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }),
		})
		ps := s3.NewPresignClient(client, s3.WithPresignExpires(10*time.Minute))
		get, err := ps.PresignGetObject(context.Background(), &s3.GetObjectInput{
			Bucket: aws.String("bucket"), Key: aws.String("a b/ü+c%d.txt"),
			ResponseContentDisposition: aws.String(`attachment; filename="x y.txt"`),
		})
		if err != nil {
			t.Fatal(err)
		}
		put, err := ps.PresignPutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String("bucket"), Key: aws.String("up/load"), ContentType: aws.String("text/plain"),
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			method, url string
			hdr         http.Header
			body        string
		}{{get.Method, get.URL, get.SignedHeader, ""}, {put.Method, put.URL, put.SignedHeader, "uploaded body"}} {
			req, _ := http.NewRequest(p.method, p.url, strings.NewReader(p.body))
			for k, v := range p.hdr {
				if !strings.EqualFold(k, "host") {
					req.Header[k] = v
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if o := srv.next(t); o.status != 200 || !o.res.Presigned {
				t.Fatalf("%s %s: %d %s %s", p.method, p.url, o.status, o.code, o.message)
			}
		}
	}
}
