package s3_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func keysOf(objs []types.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, aws.ToString(o.Key))
	}
	return out
}

func prefixesOf(cps []types.CommonPrefix) []string {
	var out []string
	for _, p := range cps {
		out = append(out, aws.ToString(p.Prefix))
	}
	return out
}

func TestListObjectsV2(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "list")
	keys := []string{"a", "b/1", "b/2", "b/c/3", "c", "d/1", "d/2", "e f/1", "z"}
	for _, k := range keys {
		put(t, a, "list", k, k)
	}
	l, err := a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("list")})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keysOf(l.Contents), ","); got != strings.Join(keys, ",") {
		t.Fatalf("all keys: %s", got)
	}
	if aws.ToInt32(l.KeyCount) != int32(len(keys)) || aws.ToBool(l.IsTruncated) {
		t.Fatalf("KeyCount %d truncated %v", aws.ToInt32(l.KeyCount), aws.ToBool(l.IsTruncated))
	}
	o := l.Contents[0]
	if aws.ToInt64(o.Size) != 1 || aws.ToString(o.ETag) != `"`+md5hex("a")+`"` || o.StorageClass != types.ObjectStorageClassStandard || o.LastModified == nil {
		t.Fatalf("object entry %+v", o)
	}

	// Listings report the class an object was stored with (issue 11).
	if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("list"), Key: aws.String("zz-ia"),
		Body: strings.NewReader("x"), StorageClass: types.StorageClassStandardIa}); err != nil {
		t.Fatal(err)
	}
	ia, err := a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("list"), Prefix: aws.String("zz-ia")})
	if err != nil || len(ia.Contents) != 1 || ia.Contents[0].StorageClass != types.ObjectStorageClassStandardIa {
		t.Fatalf("StorageClass in listing: %+v %v", ia, err)
	}
	if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("list"), Key: aws.String("zz-ia")}); err != nil {
		t.Fatal(err)
	}

	// Delimiter and prefix.
	l, err = a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("list"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keysOf(l.Contents), ","); got != "a,c,z" {
		t.Fatalf("top-level keys %s", got)
	}
	if got := strings.Join(prefixesOf(l.CommonPrefixes), ","); got != "b/,d/,e f/" {
		t.Fatalf("common prefixes %s", got)
	}
	l, err = a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("list"), Prefix: aws.String("b/"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if keysOf(l.Contents)[0] != "b/1" || len(l.Contents) != 2 || prefixesOf(l.CommonPrefixes)[0] != "b/c/" {
		t.Fatalf("under b/: %v %v", keysOf(l.Contents), prefixesOf(l.CommonPrefixes))
	}

	// Pagination with a delimiter: every entry once, in order, whatever
	// the page size.
	for max := int32(1); max <= 4; max++ {
		var got []string
		p := awss3.NewListObjectsV2Paginator(a, &awss3.ListObjectsV2Input{Bucket: aws.String("list"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(max)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(page.Contents) + len(page.CommonPrefixes); n > int(max) {
				t.Fatalf("page of %d entries with max %d", n, max)
			}
			got = append(got, keysOf(page.Contents)...)
			got = append(got, prefixesOf(page.CommonPrefixes)...)
		}
		want := "a,b/,c,d/,e f/,z"
		if strings.Join(sortedCopy(got), ",") != want {
			t.Fatalf("max %d: %v", max, got)
		}
	}

	// StartAfter.
	l, err = a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("list"), StartAfter: aws.String("d/1")})
	if err != nil || strings.Join(keysOf(l.Contents), ",") != "d/2,e f/1,z" || aws.ToString(l.StartAfter) != "d/1" {
		t.Fatalf("start-after: %v %v", keysOf(l.Contents), err)
	}

	// max-keys 0 and bad parameters.
	l, err = a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("list"), MaxKeys: aws.Int32(0)})
	if err != nil || len(l.Contents) != 0 || aws.ToInt32(l.MaxKeys) != 0 {
		t.Fatalf("max-keys 0: %+v %v", l, err)
	}
	_, err = a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("list"), ContinuationToken: aws.String("garbage!")})
	wantCode(t, err, "InvalidArgument")
	_, err = a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("nothere")})
	wantCode(t, err, "NoSuchBucket")
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}

func TestListEncodingURL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "enc")
	for _, k := range []string{"a b.txt", "a+b.txt", "100%.csv", "한글/x.txt", "run books/x.txt", "ctl\x01char"} {
		put(t, a, "enc", k, "x")
	}
	l, err := a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("enc"), EncodingType: types.EncodingTypeUrl, Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	// AWS form-encodes (space as '+') and keeps '/'.
	want := map[string]bool{"100%25.csv": true, "a+b.txt": true, "a%2Bb.txt": true, "ctl%01char": true}
	for _, k := range keysOf(l.Contents) {
		if !want[k] {
			t.Errorf("unexpected encoded key %q", k)
		}
		delete(want, k)
	}
	if len(want) != 0 {
		t.Errorf("missing encoded keys %v", want)
	}
	if got := strings.Join(prefixesOf(l.CommonPrefixes), ","); got != "run+books/,%ED%95%9C%EA%B8%80/" {
		t.Errorf("encoded prefixes %s", got)
	}
	if l.EncodingType != types.EncodingTypeUrl {
		t.Errorf("EncodingType %q", l.EncodingType)
	}
}

func TestListObjectsV1(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "v1list")
	for _, k := range []string{"a", "b/1", "b/2", "c"} {
		put(t, a, "v1list", k, k)
	}
	var got []string
	marker := ""
	for {
		out, err := a.ListObjects(ctx, &awss3.ListObjectsInput{Bucket: aws.String("v1list"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1), Marker: aws.String(marker)})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, keysOf(out.Contents)...)
		got = append(got, prefixesOf(out.CommonPrefixes)...)
		if len(out.Contents) > 0 && out.Contents[0].Owner == nil {
			t.Fatal("V1 listing without Owner")
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		marker = aws.ToString(out.NextMarker)
	}
	if strings.Join(got, ",") != "a,b/,c" {
		t.Fatalf("V1 pages: %v", got)
	}
}

// TestPresigned drives GET and PUT through presigned URLs with a plain
// HTTP client, as browsers and curl use them.
func TestPresigned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "presign")
	ps := awss3.NewPresignClient(a)
	req, err := ps.PresignPutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("presign"), Key: aws.String("up load+1.txt")})
	if err != nil {
		t.Fatal(err)
	}
	hreq, _ := http.NewRequest(req.Method, req.URL, strings.NewReader("via presigned put"))
	for k, v := range req.SignedHeader {
		hreq.Header[k] = v
	}
	resp, err := e.httpClient().Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT status %d", resp.StatusCode)
	}
	g, err := ps.PresignGetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("presign"), Key: aws.String("up load+1.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = e.httpClient().Get(g.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "via presigned put" {
		t.Fatalf("presigned GET %d %q", resp.StatusCode, b)
	}
	// A tampered URL is refused with S3's error.
	u, _ := url.Parse(g.URL)
	q := u.Query()
	q.Set("X-Amz-Signature", strings.Repeat("0", 64))
	u.RawQuery = q.Encode()
	resp, err = e.httpClient().Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered presigned GET %d %s", resp.StatusCode, b)
	}
}
