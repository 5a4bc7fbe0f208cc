package sigv4

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestPresignMatchesSDK signs the same URL with Presign and with
// aws-sdk-go-v2's presigner: the signatures must be equal, and the
// Verifier must accept it until it expires and refuse it, in S3's words,
// once it has or when any part of it is changed.
func TestPresignMatchesSDK(t *testing.T) {
	p := Presigned{Scheme: "http", Host: "127.0.0.1:4566", Path: "/_seki/code/lambda/code/000000000000/ab%20c.zip",
		AccessKeyID: testAKID, Secret: testSecret, Region: "us-west-2", Service: "s3", Expires: 10 * time.Minute}
	got := Presign(p, signTime)

	u, _ := url.Parse(got)
	q := u.Query()
	req, _ := http.NewRequest("GET", p.Scheme+"://"+p.Host+p.Path+"?X-Amz-Expires=600", nil)
	want, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret},
		req, UnsignedPayload, "s3", "us-west-2", signTime, sdkOptions("s3"))
	if err != nil {
		t.Fatal(err)
	}
	wu, _ := url.Parse(want)
	if g, w := q.Get("X-Amz-Signature"), wu.Query().Get("X-Amz-Signature"); g != w || g == "" {
		t.Fatalf("signature %q, aws-sdk-go-v2 signs %q\n%s\n%s", g, w, got, want)
	}

	for _, c := range []struct {
		name   string
		url    string
		offset time.Duration
		code   string
	}{
		{"fresh", got, time.Minute, ""},
		{"expired", got, 11 * time.Minute, "AccessDenied"},
		{"other path", replacePath(got, "/_seki/code/lambda/code/000000000000/other.zip"), time.Minute, "SignatureDoesNotMatch"},
		{"longer expiry", withQuery(got, "X-Amz-Expires", "6000"), time.Minute, "SignatureDoesNotMatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", c.url, nil)
			r.RequestURI = r.URL.RequestURI()
			_, err := newVerifier(c.offset).Verify(r, nil, defaultKeys())
			switch {
			case c.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.code != "":
				if err == nil {
					t.Fatal("accepted")
				}
				if e := err.(*Error).AWS("s3"); e.Code != c.code {
					t.Fatalf("code %s, want %s (%s)", e.Code, c.code, e.Message)
				}
			}
		})
	}
}

func replacePath(raw, path string) string {
	u, _ := url.Parse(raw)
	u.RawPath, u.Path = path, path
	return u.String()
}

func withQuery(raw, k, v string) string {
	u, _ := url.Parse(raw)
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}

// FuzzPresign: whatever the path and region, a URL Presign signs verifies,
// and the same URL with its path or expiry changed does not.
func FuzzPresign(f *testing.F) {
	f.Add("lambda/code/000000000000/abc.zip", "us-east-1", uint16(600))
	f.Add("a%20b/c+d", "eu-west-3", uint16(1))
	f.Add("", "x", uint16(0))
	f.Fuzz(func(t *testing.T, path, region string, expires uint16) {
		u := &url.URL{Path: "/_seki/code/" + path}
		p := Presigned{Scheme: "http", Host: "127.0.0.1:4566", Path: u.EscapedPath(), AccessKeyID: testAKID, Secret: testSecret,
			Region: region, Service: "s3", Expires: time.Duration(expires) * time.Second}
		if region == "" || strings.ContainsAny(region, "/") {
			return // not a credential scope
		}
		signed := Presign(p, signTime)
		verify := func(raw string) error {
			r, err := http.NewRequest("GET", raw, nil)
			if err != nil {
				return err
			}
			r.RequestURI = r.URL.RequestURI()
			_, err = newVerifier(0).Verify(r, nil, defaultKeys())
			return err
		}
		if err := verify(signed); err != nil {
			t.Fatalf("%s: %v", signed, err)
		}
		if err := verify(strings.Replace(signed, "/_seki/code/", "/_seki/code/x", 1)); err == nil {
			t.Fatalf("%s: a changed path verifies", signed)
		}
		if err := verify(strings.Replace(signed, "X-Amz-Expires=", "X-Amz-Expires=1", 1)); err == nil {
			t.Fatalf("%s: a changed expiry verifies", signed)
		}
	})
}

// BenchmarkPresign is the cost GetFunction and GetLayerVersion pay for a
// Code.Location.
func BenchmarkPresign(b *testing.B) {
	p := Presigned{Scheme: "http", Host: "127.0.0.1:4566", Path: "/_seki/code/lambda/code/000000000000/ln84x0knpvafzwr5b8scio1bw35489ao.zip",
		AccessKeyID: testAKID, Secret: testSecret, Region: "us-east-1", Service: "s3", Expires: 10 * time.Minute}
	b.ReportAllocs()
	for b.Loop() {
		Presign(p, signTime)
	}
}
