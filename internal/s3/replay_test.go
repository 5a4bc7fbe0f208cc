package s3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// signedPut is a PUT as a client that signs its payload hash sends it
// (the AWS CLI v1, boto3 without checksums): x-amz-content-sha256 is the
// body's SHA-256, and nothing else describes the body.
func signedPut(t *testing.T, url string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("x-amz-content-sha256", hash)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: "AKIAROOTAAAAAAAAAAAA", SecretAccessKey: "root-secret-a"}
	if err := signer.SignHTTP(context.Background(), creds, req, hash, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

// unsignedChunks frames data as an aws-chunked body without signatures.
func unsignedChunks(data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%x\r\n", len(data))
	b.Write(data)
	b.WriteString("\r\n0\r\n\r\n")
	return b.Bytes()
}

func send(t *testing.T, e *env, req *http.Request) (int, string) {
	t.Helper()
	resp, err := e.httpClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// replayPut captures a signed PUT of a body as long as the aws-chunked
// framing of evil (so that even a signed Content-Length fits), sends it,
// then replays it with an added, unsigned Content-Encoding: aws-chunked and
// the framed evil body. It returns both answers.
func replayPut(t *testing.T, e *env, url string, pad func(n int) []byte, evil []byte) (first, second int, body string) {
	t.Helper()
	framed := unsignedChunks(evil)
	captured := signedPut(t, url, pad(len(framed)))
	header := captured.Header.Clone()
	first, b := send(t, e, captured)
	if first/100 != 2 {
		t.Fatalf("original PUT: %d %s", first, b)
	}
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(framed))
	req.Header = header
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("x-amz-decoded-content-length", strconv.Itoa(len(evil)))
	second, body = send(t, e, req)
	return first, second, body
}

// TestReplayWithUnsignedChunkedEncoding is issue #10's hole 1: a captured,
// signed PutBucketPolicy or PutObject replayed with an added, unsigned
// Content-Encoding: aws-chunked and another body must not swap the body.
// The framing is not covered by the signature, so the body is read as sent
// and fails the signed x-amz-content-sha256; nothing is stored.
func TestReplayWithUnsignedChunkedEncoding(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "victim")

	// The owner's policy, padded with JSON whitespace to the replay's length.
	own := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::victim/*"}]}`
	pad := func(n int) []byte { return []byte(own[:len(own)-1] + strings.Repeat(" ", n-len(own)) + "}") }
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:*","Resource":["arn:aws:s3:::victim","arn:aws:s3:::victim/*"]}]}`
	_, status, body := replayPut(t, e, e.srv.URL+"/victim?policy", pad, []byte(grant))
	if status != 400 || !strings.Contains(body, "<Code>XAmzContentSHA256Mismatch</Code>") {
		t.Fatalf("replayed PutBucketPolicy: %d %s", status, body)
	}
	gp, err := a.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("victim")})
	if err != nil || strings.Contains(aws.ToString(gp.Policy), "222222222222") {
		t.Fatalf("policy after replay: %v %v", aws.ToString(gp.Policy), err)
	}
	if _, err := e.rootB().ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("victim")}); err == nil {
		t.Fatal("account B lists the victim's bucket after the replay")
	}

	orig := func(n int) []byte { return bytes.Repeat([]byte("o"), n) }
	_, status, body = replayPut(t, e, e.srv.URL+"/victim/k", orig, []byte("swapped"))
	if status != 400 || !strings.Contains(body, "<Code>XAmzContentSHA256Mismatch</Code>") {
		t.Fatalf("replayed PutObject: %d %s", status, body)
	}
	if got, _ := get(t, a, "victim", "k"); strings.Trim(got, "o") != "" {
		t.Fatalf("object after replay: %q", got)
	}
}
