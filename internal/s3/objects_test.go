package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBucketLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.rootA(), e.rootB()
	mustCreateBucket(t, a, "alpha")
	// Bucket names are global: the other account cannot take it.
	_, err := b.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("alpha")})
	wantCode(t, err, "BucketAlreadyExists")
	// us-east-1 keeps its legacy answer for the owner.
	if _, err := a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Fatalf("re-create own bucket in us-east-1: %v", err)
	}
	_, err = a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	wantCode(t, err, "InvalidBucketName")
	// us-east-1 named from another region's endpoint (issue 11).
	_, err = a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("east-from-west"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}},
		func(o *awss3.Options) { o.Region = "us-west-2" })
	wantCode(t, err, "IllegalLocationConstraintException")
	_, err = a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("beta"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	if err != nil {
		t.Fatalf("CreateBucket with LocationConstraint: %v", err)
	}
	_, err = a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("beta"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	wantCode(t, err, "BucketAlreadyOwnedByYou")
	loc, err := a.GetBucketLocation(ctx, &awss3.GetBucketLocationInput{Bucket: aws.String("beta")})
	if err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Fatalf("GetBucketLocation = %+v, %v", loc, err)
	}
	head, err := a.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String("beta")})
	if err != nil || aws.ToString(head.BucketRegion) != "eu-west-1" {
		t.Fatalf("HeadBucket = %+v, %v", head, err)
	}
	_, err = a.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String("nope-nope")})
	wantCode(t, err, "NotFound")

	list, err := a.ListBuckets(ctx, &awss3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, bk := range list.Buckets {
		names = append(names, aws.ToString(bk.Name))
	}
	if strings.Join(names, ",") != "alpha,beta" {
		t.Fatalf("ListBuckets = %v", names)
	}
	if lb, _ := b.ListBuckets(ctx, &awss3.ListBucketsInput{}); len(lb.Buckets) != 0 {
		t.Fatalf("account B sees A's buckets: %v", lb.Buckets)
	}

	put(t, a, "alpha", "k", "v")
	_, err = a.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("alpha")})
	wantCode(t, err, "BucketNotEmpty")
	if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("alpha"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	_, err = a.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("alpha")})
	wantCode(t, err, "NoSuchBucket")
	// Once deleted, the name is free for anyone.
	mustCreateBucket(t, b, "alpha")
}

func put(t testing.TB, c *awss3.Client, bucket, key, body string, opts ...func(*awss3.PutObjectInput)) *awss3.PutObjectOutput {
	t.Helper()
	in := &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	for _, o := range opts {
		o(in)
	}
	out, err := c.PutObject(context.Background(), in)
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return out
}

func get(t testing.TB, c *awss3.Client, bucket, key string) (string, *awss3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("reading %s/%s: %v", bucket, key, err)
	}
	return string(b), out
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestPutGetHeadDelete(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts envOptions
	}{{"inline", envOptions{}}, {"files", envOptions{inlineLimit: -1}}, {"tls", envOptions{tls: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts)
			ctx := context.Background()
			a := e.rootA()
			mustCreateBucket(t, a, "data")
			body := strings.Repeat("hello seki ", 100)
			out := put(t, a, "data", "dir/file.txt", body, func(in *awss3.PutObjectInput) {
				in.ContentType = aws.String("text/plain")
				in.Metadata = map[string]string{"Color": "blue", "owner": "me"}
				in.CacheControl = aws.String("max-age=60")
			})
			if aws.ToString(out.ETag) != `"`+md5hex(body)+`"` {
				t.Fatalf("ETag %s, want md5", aws.ToString(out.ETag))
			}
			got, g := get(t, a, "data", "dir/file.txt")
			if got != body {
				t.Fatalf("body mismatch")
			}
			if aws.ToString(g.ContentType) != "text/plain" || aws.ToString(g.CacheControl) != "max-age=60" {
				t.Fatalf("headers: %q %q", aws.ToString(g.ContentType), aws.ToString(g.CacheControl))
			}
			if g.Metadata["color"] != "blue" || g.Metadata["owner"] != "me" {
				t.Fatalf("metadata %v", g.Metadata)
			}
			if aws.ToInt64(g.ContentLength) != int64(len(body)) || aws.ToString(g.ETag) != aws.ToString(out.ETag) {
				t.Fatalf("length %d etag %s", aws.ToInt64(g.ContentLength), aws.ToString(g.ETag))
			}
			if g.ServerSideEncryption != types.ServerSideEncryptionAes256 {
				t.Fatalf("SSE %q", g.ServerSideEncryption)
			}
			h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/file.txt")})
			if err != nil || aws.ToInt64(h.ContentLength) != int64(len(body)) {
				t.Fatalf("HeadObject %+v %v", h, err)
			}
			// Overwrite.
			put(t, a, "data", "dir/file.txt", "second")
			if got, _ := get(t, a, "data", "dir/file.txt"); got != "second" {
				t.Fatalf("after overwrite: %q", got)
			}
			if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/file.txt")}); err != nil {
				t.Fatal(err)
			}
			_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/file.txt")})
			wantCode(t, err, "NoSuchKey")
			_, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("dir/file.txt")})
			wantCode(t, err, "NotFound")
			// Deleting a missing key succeeds.
			if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("data"), Key: aws.String("never")}); err != nil {
				t.Fatal(err)
			}
			_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("k")})
			wantCode(t, err, "NoSuchBucket")
			_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("plain"), ExpectedBucketOwner: aws.String("222222222222")})
			wantCode(t, err, "AccessDenied")
		})
	}
}

func TestLargeObjectBecomesFile(t *testing.T) {
	e := newEnv(t)
	a := e.rootA()
	mustCreateBucket(t, a, "big")
	body := strings.Repeat("0123456789abcdef", 20000) // 320 KB, over the inline limit
	put(t, a, "big", "blob", body)
	got, _ := get(t, a, "big", "blob")
	if got != body {
		t.Fatal("large body mismatch")
	}
	e.restart()
	if got, _ := get(t, a, "big", "blob"); got != body {
		t.Fatal("large body mismatch after restart")
	}
}

// awkwardKeys are keys with every character that trips up routing,
// signing and listing.
var awkwardKeys = []string{
	"with space", "plus+sign", "percent%20literal", "100%", "a//double//slash", "../dot-dot/..",
	"./dot", "trailing/", "/leading", "unicode/日本語/ファイル.txt", "emoji 🚀", "tilde~", "q?mark",
	"hash#tag", "amp&ersand", "eq=ual", "semi;colon", "colon:x", "comma,x", "at@x", "dollar$",
	"quote\"x", "apos'x", "lt<gt>", "brace{}", "brack[]", "pipe|", "back\\slash", "caret^", "grave`",
	"tab\tx", "ümlaut", "x/y/z/", strings.Repeat("k", 1024),
}

func TestAwkwardKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, style := range []string{"path", "virtual"} {
		t.Run(style, func(t *testing.T) {
			c := e.rootA()
			bucket := "keys-path"
			if style == "virtual" {
				c = e.virtualHosted("AKIAROOTAAAAAAAAAAAA", "root-secret-a")
				bucket = "keys-virtual"
			}
			mustCreateBucket(t, c, bucket)
			for _, k := range awkwardKeys {
				put(t, c, bucket, k, "body of "+k)
				if got, _ := get(t, c, bucket, k); got != "body of "+k {
					t.Errorf("key %q: got %q", k, got)
				}
			}
			// Every key lists back exactly.
			var listed []string
			p := awss3.NewListObjectsV2Paginator(c, &awss3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(7)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range page.Contents {
					listed = append(listed, aws.ToString(o.Key))
				}
			}
			if len(listed) != len(awkwardKeys) {
				t.Fatalf("listed %d keys, want %d: %q", len(listed), len(awkwardKeys), listed)
			}
			want := map[string]bool{}
			for _, k := range awkwardKeys {
				want[k] = true
			}
			for i, k := range listed {
				if !want[k] {
					t.Errorf("listed unknown key %q", k)
				}
				if i > 0 && listed[i-1] >= k {
					t.Errorf("not in order: %q then %q", listed[i-1], k)
				}
			}
		})
	}
	_, err := e.rootA().PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("keys-path"), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
	wantCode(t, err, "KeyTooLongError")
}

func TestRangeAndConditionals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "rng")
	body := "0123456789"
	etag := aws.ToString(put(t, a, "rng", "k", body).ETag)
	for _, tc := range []struct {
		rng, want, contentRange string
	}{
		{"bytes=0-3", "0123", "bytes 0-3/10"},
		{"bytes=5-", "56789", "bytes 5-9/10"},
		{"bytes=-3", "789", "bytes 7-9/10"},
		{"bytes=8-100", "89", "bytes 8-9/10"},
	} {
		out, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Range: aws.String(tc.rng)})
		if err != nil {
			t.Fatalf("%s: %v", tc.rng, err)
		}
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(b) != tc.want || aws.ToString(out.ContentRange) != tc.contentRange {
			t.Errorf("%s: got %q %q, want %q %q", tc.rng, b, aws.ToString(out.ContentRange), tc.want, tc.contentRange)
		}
	}
	_, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Range: aws.String("bytes=10-")})
	wantCode(t, err, "InvalidRange")

	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfMatch: aws.String(`"nope"`)})
	wantCode(t, err, "PreconditionFailed")
	if _, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfMatch: aws.String(etag)}); err != nil {
		t.Fatalf("If-Match with the ETag: %v", err)
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfNoneMatch: aws.String(etag)})
	wantCode(t, err, "NotModified")
	future := time.Now().Add(time.Hour)
	past := time.Now().Add(-time.Hour)
	now := time.Now()
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfModifiedSince: &now})
	wantCode(t, err, "NotModified")
	// A date in the future is ignored, as AWS ignores it (test_s3.snapshot.json,
	// test_s3_get_object_preconditions, obj-ignore-future-modified-since).
	if _, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfModifiedSince: &future}); err != nil {
		t.Fatalf("If-Modified-Since in the future: %v", err)
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfUnmodifiedSince: &past})
	wantCode(t, err, "PreconditionFailed")
	if _, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfModifiedSince: &past}); err != nil {
		t.Fatalf("If-Modified-Since in the past: %v", err)
	}
	// If-Match true wins over a false If-Unmodified-Since.
	if _, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfMatch: aws.String(etag), IfUnmodifiedSince: &past}); err != nil {
		t.Fatalf("If-Match + If-Unmodified-Since: %v", err)
	}
	_, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), IfNoneMatch: aws.String(etag)})
	wantCode(t, err, "NotModified")

	// Conditional writes.
	_, err = a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	wantCode(t, err, "PreconditionFailed")
	if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("new"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")}); err != nil {
		t.Fatalf("If-None-Match * on a new key: %v", err)
	}
	_, err = a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Body: strings.NewReader("x"), IfMatch: aws.String(`"bad"`)})
	wantCode(t, err, "PreconditionFailed")
	if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("rng"), Key: aws.String("k"), Body: strings.NewReader("x"), IfMatch: aws.String(etag)}); err != nil {
		t.Fatalf("If-Match with the ETag: %v", err)
	}
}

func TestChecksums(t *testing.T) {
	for _, tls := range []bool{false, true} {
		name := "http"
		if tls {
			name = "https-trailer"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, envOptions{tls: tls})
			ctx := context.Background()
			a := e.rootA()
			mustCreateBucket(t, a, "cks")
			for _, algo := range []types.ChecksumAlgorithm{types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc32c,
				types.ChecksumAlgorithmSha1, types.ChecksumAlgorithmSha256, types.ChecksumAlgorithmCrc64nvme} {
				key := "obj-" + string(algo)
				out, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("cks"), Key: aws.String(key),
					Body: bytes.NewReader([]byte("checksummed body")), ChecksumAlgorithm: algo})
				if err != nil {
					t.Fatalf("%s: %v", algo, err)
				}
				echo := map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: out.ChecksumCRC32,
					types.ChecksumAlgorithmCrc32c: out.ChecksumCRC32C, types.ChecksumAlgorithmSha1: out.ChecksumSHA1,
					types.ChecksumAlgorithmSha256: out.ChecksumSHA256, types.ChecksumAlgorithmCrc64nvme: out.ChecksumCRC64NVME}[algo]
				if aws.ToString(echo) == "" {
					t.Errorf("%s: checksum not echoed", algo)
				}
				g, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("cks"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
				if err != nil {
					t.Fatalf("%s get: %v", algo, err)
				}
				io.ReadAll(g.Body)
				g.Body.Close()
				got := map[types.ChecksumAlgorithm]*string{types.ChecksumAlgorithmCrc32: g.ChecksumCRC32,
					types.ChecksumAlgorithmCrc32c: g.ChecksumCRC32C, types.ChecksumAlgorithmSha1: g.ChecksumSHA1,
					types.ChecksumAlgorithmSha256: g.ChecksumSHA256, types.ChecksumAlgorithmCrc64nvme: g.ChecksumCRC64NVME}[algo]
				if aws.ToString(got) != aws.ToString(echo) {
					t.Errorf("%s: GET checksum %q, PUT %q", algo, aws.ToString(got), aws.ToString(echo))
				}
			}
			// A wrong declared checksum is BadDigest; a wrong Content-MD5 too.
			_, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("cks"), Key: aws.String("bad"),
				Body: strings.NewReader("data"), ChecksumCRC32: aws.String("AAAAAA==")})
			wantCode(t, err, "BadDigest")
			_, err = a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("cks"), Key: aws.String("bad"),
				Body: strings.NewReader("data"), ContentMD5: aws.String("1B2M2Y8AsgTpgAmY7PhCfg==")})
			wantCode(t, err, "BadDigest")
			_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("cks"), Key: aws.String("bad")})
			wantCode(t, err, "NoSuchKey")
			// Checksums off: the SDK sends none unless required.
			off := e.rootA(func(o *awss3.Options) {
				o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
				o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			})
			put(t, off, "cks", "plain", "no checksum")
			if got, _ := get(t, off, "cks", "plain"); got != "no checksum" {
				t.Fatalf("got %q", got)
			}
		})
	}
}

func TestCopyObject(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "src")
	mustCreateBucket(t, a, "dst")
	put(t, a, "src", "a b+c", "copied content", func(in *awss3.PutObjectInput) {
		in.ContentType = aws.String("text/x-test")
		in.Metadata = map[string]string{"m": "1"}
	})
	out, err := a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("copy"),
		CopySource: aws.String("src/a%20b%2Bc")})
	if err != nil {
		t.Fatalf("CopyObject: %v", err)
	}
	if aws.ToString(out.CopyObjectResult.ETag) != `"`+md5hex("copied content")+`"` {
		t.Fatalf("copy ETag %s", aws.ToString(out.CopyObjectResult.ETag))
	}
	body, g := get(t, a, "dst", "copy")
	if body != "copied content" || aws.ToString(g.ContentType) != "text/x-test" || g.Metadata["m"] != "1" {
		t.Fatalf("copy: %q %q %v", body, aws.ToString(g.ContentType), g.Metadata)
	}
	// REPLACE takes the request's metadata.
	_, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("copy2"),
		CopySource: aws.String("src/a%20b%2Bc"), MetadataDirective: types.MetadataDirectiveReplace,
		ContentType: aws.String("text/new"), Metadata: map[string]string{"n": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	_, g = get(t, a, "dst", "copy2")
	if aws.ToString(g.ContentType) != "text/new" || g.Metadata["n"] != "2" || g.Metadata["m"] != "" {
		t.Fatalf("replace: %q %v", aws.ToString(g.ContentType), g.Metadata)
	}
	// Copying onto itself without changes is refused.
	_, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("copy"), CopySource: aws.String("dst/copy")})
	wantCode(t, err, "InvalidRequest")
	_, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("x"), CopySource: aws.String("src/missing")})
	wantCode(t, err, "NoSuchKey")
	_, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("x"),
		CopySource: aws.String("src/a%20b%2Bc"), CopySourceIfMatch: aws.String(`"nope"`)})
	wantCode(t, err, "PreconditionFailed")
}

func TestDeleteObjects(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "del")
	for _, k := range []string{"a", "b", "c d", "e+f"} {
		put(t, a, "del", k, k)
	}
	out, err := a.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("del"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("c d")}, {Key: aws.String("e+f")}, {Key: aws.String("missing")}}}})
	if err != nil {
		t.Fatalf("DeleteObjects: %v", err)
	}
	if len(out.Deleted) != 4 || len(out.Errors) != 0 {
		t.Fatalf("deleted %d, errors %d", len(out.Deleted), len(out.Errors))
	}
	l, err := a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("del")})
	if err != nil || len(l.Contents) != 1 || aws.ToString(l.Contents[0].Key) != "b" {
		t.Fatalf("after delete: %+v %v", l, err)
	}
}

// TestSweepUnreferencedBlobs: blob files no row refers to (left by a crash
// between writing a blob and committing its row) are removed at startup;
// referenced ones stay.
func TestSweepUnreferencedBlobs(t *testing.T) {
	e := newEnv(t, envOptions{inlineLimit: -1})
	a := e.rootA()
	mustCreateBucket(t, a, "sweep")
	put(t, a, "sweep", "kept", "kept content")
	orphan := filepath.Join(e.dir, "blobs", "s3", "zz", "zz00000000000000000000000000000000")
	if err := os.MkdirAll(filepath.Dir(orphan), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphan, []byte("orphan"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(orphan, old, old)
	e.restart()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(orphan); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("orphan blob not removed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got, _ := get(t, a, "sweep", "kept"); got != "kept content" {
		t.Fatalf("referenced blob lost: %q", got)
	}
}
