package s3_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func customerKey(raw string) (key, sum *string) {
	d := md5.Sum([]byte(raw))
	return aws.String(base64.StdEncoding.EncodeToString([]byte(raw))), aws.String(base64.StdEncoding.EncodeToString(d[:]))
}

// TestSSEC: an object written with a customer key is read with that key
// only (GET, HEAD, a copy's source, the parts of an upload begun with it),
// as S3 refuses otherwise; the key survives a restart as its MD5.
func TestSSEC(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "ssec")
	k1, m1 := customerKey("1234567890abcdef1234567890abcdef")
	k2, m2 := customerKey("abcdef1234567890abcdef1234567890")
	out, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("ssec"), Key: aws.String("k"), Body: strings.NewReader("secret"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k1, SSECustomerKeyMD5: m1})
	if err != nil || aws.ToString(out.SSECustomerKeyMD5) != *m1 || out.ServerSideEncryption != "" {
		t.Fatalf("PutObject %+v %v", out, err)
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("ssec"), Key: aws.String("k")})
	wantCode(t, err, "InvalidRequest")
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("ssec"), Key: aws.String("k"), SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k2, SSECustomerKeyMD5: m2})
	wantCode(t, err, "AccessDenied")
	_, err = a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("ssec"), Key: aws.String("k"), Body: strings.NewReader("x"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k1, SSECustomerKeyMD5: m2})
	wantCode(t, err, "InvalidArgument")

	e.restart()
	g, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("ssec"), Key: aws.String("k"), SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k1, SSECustomerKeyMD5: m1})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(g.Body)
	g.Body.Close()
	if string(body) != "secret" || aws.ToString(g.SSECustomerKeyMD5) != *m1 {
		t.Fatalf("GetObject %q %+v", body, g)
	}
	if h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("ssec"), Key: aws.String("k"), SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k1, SSECustomerKeyMD5: m1}); err != nil || aws.ToString(h.SSECustomerAlgorithm) != "AES256" {
		t.Fatalf("HeadObject %+v %v", h, err)
	}

	// A copy reads the source with its key and is SSE-C only with a key
	// of its own.
	_, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("ssec"), Key: aws.String("plain"), CopySource: aws.String("ssec/k")})
	wantCode(t, err, "InvalidRequest")
	if _, err := a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("ssec"), Key: aws.String("plain"), CopySource: aws.String("ssec/k"),
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: k1, CopySourceSSECustomerKeyMD5: m1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := get(t, a, "ssec", "plain"); got != "secret" {
		t.Fatalf("plain copy %q", got)
	}
	if _, err := a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("ssec"), Key: aws.String("rekeyed"), CopySource: aws.String("ssec/k"),
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: k1, CopySourceSSECustomerKeyMD5: m1,
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k2, SSECustomerKeyMD5: m2}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("ssec"), Key: aws.String("rekeyed"), SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k1, SSECustomerKeyMD5: m1})
	wantCode(t, err, "AccessDenied")

	// Parts carry the upload's key; the completed object needs it.
	up, err := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("ssec"), Key: aws.String("mp"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k1, SSECustomerKeyMD5: m1})
	if err != nil || aws.ToString(up.SSECustomerKeyMD5) != *m1 {
		t.Fatalf("CreateMultipartUpload %+v %v", up, err)
	}
	_, err = a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	wantCode(t, err, "InvalidRequest")
	part, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: k1, SSECustomerKeyMD5: m1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("ssec"), Key: aws.String("mp")})
	wantCode(t, err, "InvalidRequest")
}
