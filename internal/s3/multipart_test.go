package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestMultipartUpload(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "mpu")
	key := "big file+é.bin"
	cu, err := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String(key),
		ContentType: aws.String("application/x-test"), Metadata: map[string]string{"kind": "mpu"}})
	if err != nil {
		t.Fatal(err)
	}
	id := cu.UploadId
	parts := [][]byte{
		bytes.Repeat([]byte("A"), 5<<20),
		bytes.Repeat([]byte("B"), 5<<20),
		[]byte("tail"),
	}
	var completed []types.CompletedPart
	var md5s []byte
	for i, p := range parts {
		out, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: id,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		sum := md5.Sum(p)
		md5s = append(md5s, sum[:]...)
		if aws.ToString(out.ETag) != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Fatalf("part ETag %s", aws.ToString(out.ETag))
		}
		completed = append(completed, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	lp, err := a.ListParts(ctx, &awss3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: id})
	if err != nil || len(lp.Parts) != 3 || aws.ToInt64(lp.Parts[2].Size) != 4 {
		t.Fatalf("ListParts %+v %v", lp, err)
	}
	lu, err := a.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
	if err != nil || len(lu.Uploads) != 1 || aws.ToString(lu.Uploads[0].UploadId) != aws.ToString(id) {
		t.Fatalf("ListMultipartUploads %+v %v", lu, err)
	}

	// Out of order and wrong ETags are refused.
	_, err = a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{completed[1], completed[0]}}})
	wantCode(t, err, "InvalidPartOrder")
	_, err = a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: aws.String(`"0000"`), PartNumber: aws.Int32(1)}}}})
	wantCode(t, err, "InvalidPart")

	out, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	sum := md5.Sum(md5s)
	wantETag := fmt.Sprintf(`"%s-3"`, hex.EncodeToString(sum[:]))
	if aws.ToString(out.ETag) != wantETag {
		t.Fatalf("multipart ETag %s, want %s", aws.ToString(out.ETag), wantETag)
	}
	body, g := get(t, a, "mpu", key)
	if body != string(bytes.Join(parts, nil)) {
		t.Fatal("assembled body differs")
	}
	if aws.ToString(g.ETag) != wantETag || aws.ToString(g.ContentType) != "application/x-test" || g.Metadata["kind"] != "mpu" {
		t.Fatalf("GET after complete: %s %s %v", aws.ToString(g.ETag), aws.ToString(g.ContentType), g.Metadata)
	}
	// The upload is gone.
	_, err = a.ListParts(ctx, &awss3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String(key), UploadId: id})
	wantCode(t, err, "NoSuchUpload")
	// A ranged read across the part boundary.
	r, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String(key), Range: aws.String(fmt.Sprintf("bytes=%d-%d", 5<<20-2, 5<<20+1))})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(r.Body)
	r.Body.Close()
	if buf.String() != "AABB" {
		t.Fatalf("range across parts: %q", buf.String())
	}
	// GetObject and HeadObject by part number.
	pg, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String(key), PartNumber: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	buf.ReadFrom(pg.Body)
	pg.Body.Close()
	if !bytes.Equal(buf.Bytes(), parts[1]) || aws.ToInt32(pg.PartsCount) != 3 || aws.ToString(pg.ContentRange) != fmt.Sprintf("bytes %d-%d/%d", 5<<20, 10<<20-1, 10<<20+4) {
		t.Fatalf("part 2: %d bytes, parts %d, range %s", buf.Len(), aws.ToInt32(pg.PartsCount), aws.ToString(pg.ContentRange))
	}
	ph, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("mpu"), Key: aws.String(key), PartNumber: aws.Int32(3)})
	if err != nil || aws.ToInt64(ph.ContentLength) != 4 || aws.ToInt32(ph.PartsCount) != 3 {
		t.Fatalf("head part 3: %+v %v", ph, err)
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String(key), PartNumber: aws.Int32(4)})
	wantCode(t, err, "InvalidPartNumber")
	put(t, a, "mpu", "single", "one part")
	if got, _ := get(t, a, "mpu", "single"); got != "one part" {
		t.Fatal(got)
	}
	sp, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("single"), PartNumber: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	buf.ReadFrom(sp.Body)
	sp.Body.Close()
	if buf.String() != "one part" {
		t.Fatalf("part 1 of a simple object: %q", buf.String())
	}
}

func TestMultipartEntityTooSmallAndAbort(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "small")
	cu, err := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("small"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	var completed []types.CompletedPart
	for i := 1; i <= 2; i++ {
		out, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("small"), Key: aws.String("k"), UploadId: cu.UploadId,
			PartNumber: aws.Int32(int32(i)), Body: strings.NewReader("tiny")})
		if err != nil {
			t.Fatal(err)
		}
		completed = append(completed, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i))})
	}
	_, err = a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("small"), Key: aws.String("k"), UploadId: cu.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
	wantCode(t, err, "EntityTooSmall")
	_, err = a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("small"), Key: aws.String("k"), UploadId: cu.UploadId,
		PartNumber: aws.Int32(10001), Body: strings.NewReader("x")})
	wantCode(t, err, "InvalidArgument")
	if _, err := a.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{Bucket: aws.String("small"), Key: aws.String("k"), UploadId: cu.UploadId}); err != nil {
		t.Fatal(err)
	}
	_, err = a.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{Bucket: aws.String("small"), Key: aws.String("k"), UploadId: cu.UploadId})
	wantCode(t, err, "NoSuchUpload")
	_, err = a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("small"), Key: aws.String("k"), UploadId: aws.String("nope"),
		PartNumber: aws.Int32(1), Body: strings.NewReader("x")})
	wantCode(t, err, "NoSuchUpload")
	// A single small part is fine: only parts before the last have a minimum.
	cu, _ = a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("small"), Key: aws.String("one")})
	p, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("small"), Key: aws.String("one"), UploadId: cu.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("only")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("small"), Key: aws.String("one"), UploadId: cu.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: p.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := get(t, a, "small", "one"); got != "only" {
		t.Fatalf("got %q", got)
	}
}

func TestMultipartChecksumComposite(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "mpuck")
	cu, err := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("mpuck"), Key: aws.String("k"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{bytes.Repeat([]byte("x"), 5<<20), []byte("end")}
	var completed []types.CompletedPart
	for i, p := range parts {
		out, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("mpuck"), Key: aws.String("k"), UploadId: cu.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.ChecksumSHA256) == "" {
			t.Fatal("part checksum not echoed")
		}
		completed = append(completed, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1)), ChecksumSHA256: out.ChecksumSHA256})
	}
	out, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("mpuck"), Key: aws.String("k"), UploadId: cu.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(out.ChecksumSHA256), "-2") || out.ChecksumType != types.ChecksumTypeComposite {
		t.Fatalf("composite checksum %q %q", aws.ToString(out.ChecksumSHA256), out.ChecksumType)
	}
	// The SDK skips validating composite checksums on GET; the body must
	// still come back whole.
	body, _ := get(t, a, "mpuck", "k")
	if body != string(bytes.Join(parts, nil)) {
		t.Fatal("body differs")
	}
}
