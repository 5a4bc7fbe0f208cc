package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sdkCase is a request signed by aws-sdk-go-v2's signer.
type sdkCase struct {
	name    string
	service string
	method  string
	path    string // raw path as sent, with its encoding
	query   string // raw query as sent
	headers map[string][]string
	body    string
}

// Awkward paths and queries. For S3 the path is signed as sent; for the
// other services aws-sdk-go-v2 encodes twice without normalising, so
// dot segments and "//" only appear in S3 (and botocore) cases.
var sdkCases = []sdkCase{
	{name: "iam GetUser", service: "iam", method: "POST", path: "/", body: "Action=GetUser&Version=2010-05-08",
		headers: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}},
	{name: "sts GET query", service: "sts", method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15"},
	{name: "lambda arn path", service: "lambda", method: "GET", path: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/configuration", query: "Qualifier=%24LATEST"},
	{name: "lambda space unicode plus", service: "lambda", method: "GET", path: "/2015-03-31/functions/a%20b%C3%BC+c/invocations"},
	{name: "lambda encoded slash", service: "lambda", method: "DELETE", path: "/2015-03-31/functions/a%2Fb"},
	{name: "dynamodb json", service: "dynamodb", method: "POST", path: "/", body: `{"TableName":"t"}`,
		headers: map[string][]string{"X-Amz-Target": {"DynamoDB_20120810.DescribeTable"}, "Content-Type": {"application/x-amz-json-1.0"}}},
	{name: "logs header spaces", service: "logs", method: "POST", path: "/", body: `{}`,
		headers: map[string][]string{"X-Amz-Target": {"Logs_20140328.DescribeLogGroups"}, "X-Custom": {"  a   b  ", "c"}}},
	{name: "repeated keys empty values reserved", service: "sts", method: "GET", path: "/",
		query: "b=2&a=2&a=1&empty=&novalue&r=%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D&sp=a+b&pct=a%20b&u=%C3%BC&t=~-_."},
	{name: "s3 plain", service: "s3", method: "GET", path: "/bucket/key.txt"},
	{name: "s3 space", service: "s3", method: "GET", path: "/bucket/a%20b"},
	{name: "s3 unicode", service: "s3", method: "GET", path: "/bucket/%C3%BC%E2%82%AC"},
	{name: "s3 plus raw", service: "s3", method: "GET", path: "/bucket/a+b"},
	{name: "s3 plus encoded", service: "s3", method: "GET", path: "/bucket/a%2Bb"},
	{name: "s3 encoded slash", service: "s3", method: "GET", path: "/bucket/a%2Fb"},
	{name: "s3 double slash", service: "s3", method: "GET", path: "/bucket//a//b"},
	{name: "s3 dot segments", service: "s3", method: "GET", path: "/bucket/./a/../b/."},
	{name: "s3 list query", service: "s3", method: "GET", path: "/bucket", query: "list-type=2&prefix=a%2Fb%20c&delimiter=%2F&encoding-type=url"},
	{name: "s3 put body", service: "s3", method: "PUT", path: "/bucket/obj", body: "hello, world",
		headers: map[string][]string{"X-Amz-Meta-Multi": {"one", "two"}, "Content-Type": {"text/plain"}}},
	{name: "s3 subresource no value", service: "s3", method: "GET", path: "/bucket", query: "acl"},
}

func (c sdkCase) request(t *testing.T, base string) *http.Request {
	t.Helper()
	u, err := url.Parse(base + c.path)
	if err != nil {
		t.Fatal(err)
	}
	u.RawQuery = c.query
	var body *bytes.Reader
	if c.body != "" {
		body = bytes.NewReader([]byte(c.body))
	}
	var req *http.Request
	if body != nil {
		req, err = http.NewRequest(c.method, base, body)
	} else {
		req, err = http.NewRequest(c.method, base, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	req.URL = u
	for k, vs := range c.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if got := u.EscapedPath(); got != c.path {
		t.Fatalf("net/url would send %q, not %q", got, c.path)
	}
	return req
}

func (c sdkCase) payloadHash() string {
	sum := sha256.Sum256([]byte(c.body))
	return hex.EncodeToString(sum[:])
}

func sdkOptions(service string) func(*v4.SignerOptions) {
	return func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = service == "s3"
	}
}

func TestSDKHeaderSignatures(t *testing.T) {
	for _, creds := range []aws.Credentials{
		{AccessKeyID: testAKID, SecretAccessKey: testSecret},
		{AccessKeyID: testTempAKID, SecretAccessKey: testTempSecret, SessionToken: testToken},
	} {
		srv := newVerifyServer(t, newVerifier(3*time.Second), defaultKeys(), false)
		for _, c := range sdkCases {
			t.Run(creds.AccessKeyID+"/"+c.name, func(t *testing.T) {
				req := c.request(t, srv.URL)
				hash := c.payloadHash()
				if c.service == "s3" {
					req.Header.Set("X-Amz-Content-Sha256", hash)
				}
				signer := v4.NewSigner()
				if err := signer.SignHTTP(context.Background(), creds, req, hash, c.service, "eu-west-3", signTime, sdkOptions(c.service)); err != nil {
					t.Fatal(err)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				o := srv.next(t)
				if o.status != 200 {
					t.Fatalf("status %d %s: %s\n%v", o.status, o.code, o.message, o.err)
				}
				if o.res.Service != c.service || o.res.Region != "eu-west-3" || o.res.AccessKeyID != creds.AccessKeyID {
					t.Errorf("result scope = %+v", o.res)
				}
				if o.res.PayloadHash != hash {
					t.Errorf("payload hash %s, want %s", o.res.PayloadHash, hash)
				}
				if want := hex.EncodeToString(sha256Sum(c.body)); o.bodySum != want {
					t.Errorf("server read body hash %s, want %s", o.bodySum, want)
				}
			})
		}
	}
}

func sha256Sum(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestSDKPresignedSignatures(t *testing.T) {
	for _, creds := range []aws.Credentials{
		{AccessKeyID: testAKID, SecretAccessKey: testSecret},
		{AccessKeyID: testTempAKID, SecretAccessKey: testTempSecret, SessionToken: testToken},
	} {
		srv := newVerifyServer(t, newVerifier(10*time.Minute), defaultKeys(), false)
		for _, c := range sdkCases {
			if c.body != "" && c.service != "s3" {
				continue // presigned requests of these services carry no body
			}
			t.Run(creds.AccessKeyID+"/"+c.name, func(t *testing.T) {
				req := c.request(t, srv.URL)
				req.Body, req.ContentLength = nil, 0
				hash := UnsignedPayload
				if c.service != "s3" {
					hash = emptySHA256
				} else {
					q := req.URL.Query()
					q.Set("X-Amz-Expires", "900")
					req.URL.RawQuery = q.Encode()
				}
				signer := v4.NewSigner()
				signed, hdr, err := signer.PresignHTTP(context.Background(), creds, req, hash, c.service, "us-west-2", signTime, sdkOptions(c.service))
				if err != nil {
					t.Fatal(err)
				}
				out, err := http.NewRequest(c.method, signed, nil)
				if err != nil {
					t.Fatal(err)
				}
				for k, vs := range hdr {
					if strings.EqualFold(k, "host") {
						continue
					}
					out.Header[k] = vs
				}
				if c.body != "" {
					out.Body = http.NoBody
					out.ContentLength = 0
				}
				resp, err := http.DefaultClient.Do(out)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				o := srv.next(t)
				if o.status != 200 {
					t.Fatalf("status %d %s: %s\nurl %s\n%v\n%s", o.status, o.code, o.message, signed, o.err, o.err.CanonicalRequest)
				}
				if !o.res.Presigned {
					t.Error("Presigned = false")
				}
			})
		}
	}
}
