package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

func apiError(t *testing.T, err error) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want an API error, got %v", err)
	}
	return ae
}

// TestRegionsThatDoNotExist: a request signed for a region that is not an
// AWS region is refused as AWS refuses it, instead of opening an empty
// region; IAM, global, accepts any AWS region.
func TestRegionsThatDoNotExist(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	for _, region := range []string{"us-eats-1", "mars-1"} {
		cfg := e.Root(servertest.AccountA)
		cfg.Region = region
		_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		ae := apiError(t, err)
		if ae.ErrorCode() != "SignatureDoesNotMatch" || ae.ErrorMessage() != "Credential should be scoped to a valid region, not '"+region+"'. " {
			t.Errorf("STS in %s: %s: %s", region, ae.ErrorCode(), ae.ErrorMessage())
		}
		_, err = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
		ae = apiError(t, err)
		if ae.ErrorCode() != "AuthorizationHeaderMalformed" || !strings.Contains(ae.ErrorMessage(), "the region '"+region+"' is wrong; expecting 'us-east-1'") {
			t.Errorf("S3 in %s: %s: %s", region, ae.ErrorCode(), ae.ErrorMessage())
		}
	}
	cfg := e.Root(servertest.AccountA)
	cfg.Region = "ap-southeast-2"
	if _, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("IAM signed for ap-southeast-2: %v", err)
	}
}

// TestUnservedServiceIsNotImplemented: a correctly signed request for a
// service seki does not serve gets 501 NotImplemented in that service's
// protocol shape, not MissingAuthenticationToken.
func TestUnservedServiceIsNotImplemented(t *testing.T) {
	e := servertest.Start(t)
	send := func(secret string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "Firehose_20150804.ListDeliveryStreams")
		creds := aws.Credentials{AccessKeyID: servertest.AccountA.AccessKeyID, SecretAccessKey: secret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "firehose", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := send(servertest.AccountA.Secret)
	if resp.StatusCode != 501 || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" ||
		!strings.Contains(body, `"__type":"NotImplemented"`) || !strings.Contains(body, "seki does not serve the 'firehose' service") {
		t.Fatalf("signed firehose call: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = send("wrong")
	if resp.StatusCode != 400 || !strings.Contains(body, `"__type":"InvalidSignatureException"`) {
		t.Fatalf("badly signed firehose call: %d %s", resp.StatusCode, body)
	}
}
