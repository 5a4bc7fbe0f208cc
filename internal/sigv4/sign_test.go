package sigv4

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestSignMatchesSDK signs every SDK case with Sign and with aws-sdk-go-v2's
// signer: the Authorization headers must be the same bytes, so that seki's
// own clients sign as the SDK does (and so as AWS expects); then the
// verifier must accept Sign's request over HTTP.
func TestSignMatchesSDK(t *testing.T) {
	for _, creds := range []aws.Credentials{
		{AccessKeyID: testAKID, SecretAccessKey: testSecret},
		{AccessKeyID: testTempAKID, SecretAccessKey: testTempSecret, SessionToken: testToken},
	} {
		srv := newVerifyServer(t, newVerifier(3*time.Second), defaultKeys(), false)
		for _, c := range sdkCases {
			t.Run(creds.AccessKeyID+"/"+c.name, func(t *testing.T) {
				hash := c.payloadHash()
				sdk := c.request(t, srv.URL)
				if c.service == "s3" {
					sdk.Header.Set("X-Amz-Content-Sha256", hash)
				}
				if err := v4.NewSigner().SignHTTP(context.Background(), creds, sdk, hash, c.service, "eu-west-3", signTime, sdkOptions(c.service)); err != nil {
					t.Fatal(err)
				}
				ours := c.request(t, srv.URL)
				Sign(ours, Credentials{AccessKeyID: creds.AccessKeyID, Secret: creds.SecretAccessKey, SessionToken: creds.SessionToken},
					"eu-west-3", c.service, hash, signTime)
				if got, want := ours.Header.Get("Authorization"), sdk.Header.Get("Authorization"); got != want {
					t.Fatalf("Authorization\n got %s\nwant %s", got, want)
				}
				for _, h := range []string{"X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"} {
					if got, want := ours.Header.Get(h), sdk.Header.Get(h); got != want {
						t.Errorf("%s = %q, want %q", h, got, want)
					}
				}
				resp, err := http.DefaultClient.Do(ours)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if o := srv.next(t); o.status != 200 {
					t.Fatalf("verifier refused Sign's request: %d %s: %s", o.status, o.code, o.message)
				}
			})
		}
	}
}

func TestPayloadHash(t *testing.T) {
	if got := PayloadHash(nil); got != emptySHA256 {
		t.Fatalf("PayloadHash(nil) = %s", got)
	}
}
