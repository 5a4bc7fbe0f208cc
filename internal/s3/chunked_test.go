package s3_test

import (
	"bytes"
	"context"
	"crypto/hmac"
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

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// signedChunkedPut builds a PutObject with a STREAMING-AWS4-HMAC-SHA256-PAYLOAD
// body, as the Java SDK and others send it: the seed request is signed
// with the streaming payload hash, then every chunk's signature chains
// from the previous one. tamper flips a byte of the first chunk after
// signing.
func signedChunkedPut(t *testing.T, e *env, url string, data []byte, chunk int, tamper bool) *http.Request {
	t.Helper()
	now := time.Now().UTC()
	amzDate := now.Format("20060102T150405Z")
	date := now.Format("20060102")
	scope := date + "/us-east-1/s3/aws4_request"
	secret := "root-secret-a"

	var chunks [][]byte
	for i := 0; i < len(data); i += chunk {
		chunks = append(chunks, data[i:min(i+chunk, len(data))])
	}
	chunks = append(chunks, nil)
	bodyLen := 0
	for _, c := range chunks {
		bodyLen += len(strconv.FormatInt(int64(len(c)), 16)) + len(";chunk-signature=") + 64 + 2 + len(c) + 2
	}
	req, _ := http.NewRequest(http.MethodPut, url, nil)
	req.Header.Set("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("x-amz-decoded-content-length", strconv.Itoa(len(data)))
	req.Header.Set("X-Amz-Date", amzDate)
	req.ContentLength = int64(bodyLen)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: "AKIAROOTAAAAAAAAAAAA", SecretAccessKey: secret}
	if err := signer.SignHTTP(context.Background(), creds, req, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "s3", "us-east-1", now); err != nil {
		t.Fatal(err)
	}
	auth := req.Header.Get("Authorization")
	prev := auth[strings.Index(auth, "Signature=")+len("Signature="):]

	key := hmacSHA256([]byte("AWS4"+secret), date)
	key = hmacSHA256(key, "us-east-1")
	key = hmacSHA256(key, "s3")
	key = hmacSHA256(key, "aws4_request")
	empty := sha256.Sum256(nil)
	var body bytes.Buffer
	for i, c := range chunks {
		sum := sha256.Sum256(c)
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + prev + "\n" + hex.EncodeToString(empty[:]) + "\n" + hex.EncodeToString(sum[:])
		sig := hex.EncodeToString(hmacSHA256(key, sts))
		fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n", len(c), sig)
		if tamper && i == 0 {
			c = append([]byte{c[0] ^ 1}, c[1:]...)
		}
		body.Write(c)
		body.WriteString("\r\n")
		prev = sig
	}
	if body.Len() != bodyLen {
		t.Fatalf("body length %d, computed %d", body.Len(), bodyLen)
	}
	req.Body = io.NopCloser(&body)
	return req
}

func TestSignedChunkedUpload(t *testing.T) {
	e := newEnv(t)
	a := e.rootA()
	mustCreateBucket(t, a, "chunked")
	data := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB: four 16 KiB chunks
	resp, err := e.httpClient().Do(signedChunkedPut(t, e, e.srv.URL+"/chunked/streamed%20object", data, 16<<10, false))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("signed chunked PUT: %d %s", resp.StatusCode, b)
	}
	if resp.Header.Get("ETag") != `"`+md5hex(string(data))+`"` {
		t.Fatalf("ETag %s", resp.Header.Get("ETag"))
	}
	if got, g := get(t, a, "chunked", "streamed object"); got != string(data) || aws.ToString(g.ContentEncoding) != "" {
		t.Fatalf("stored %d bytes, content-encoding %q", len(got), aws.ToString(g.ContentEncoding))
	}

	// A chunk changed in flight fails its signature, and nothing is stored.
	resp, err = e.httpClient().Do(signedChunkedPut(t, e, e.srv.URL+"/chunked/tampered", data, 16<<10, true))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered chunk: %d %s", resp.StatusCode, b)
	}
	_, err = a.HeadObject(context.Background(), headInput("chunked", "tampered"))
	wantCode(t, err, "NotFound")
}

func headInput(bucket, key string) *awss3.HeadObjectInput {
	return &awss3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
}
