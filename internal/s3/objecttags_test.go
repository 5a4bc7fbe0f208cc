package s3_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func tagSet(kv ...string) *types.Tagging {
	t := &types.Tagging{TagSet: []types.Tag{}}
	for i := 0; i+1 < len(kv); i += 2 {
		t.TagSet = append(t.TagSet, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return t
}

func tagsOf(t *testing.T, c *awss3.Client, bucket, key, version string) []string {
	t.Helper()
	in := &awss3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := c.GetObjectTagging(context.Background(), in)
	if err != nil {
		t.Fatalf("GetObjectTagging %s %s: %v", key, version, err)
	}
	var got []string
	for _, tg := range out.TagSet {
		got = append(got, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	return got
}

// TestObjectTagging drives object tags through the SDK: the x-amz-tagging
// header of PutObject, CopyObject (both directives) and multipart uploads,
// the three tagging operations on current and earlier versions, the tag
// count GetObject and HeadObject report, AWS's limits, and a restart.
func TestObjectTagging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "tags")
	put(t, a, "tags", "k", "body", func(in *awss3.PutObjectInput) { in.Tagging = aws.String("a=1&b=two%20words") })
	if got := strings.Join(tagsOf(t, a, "tags", "k", ""), ","); got != "a=1,b=two words" {
		t.Fatalf("tags from the header: %q", got)
	}
	h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("tags"), Key: aws.String("k")})
	if err != nil || aws.ToInt32(h.TagCount) != 2 {
		t.Fatalf("HeadObject TagCount %v %v", h.TagCount, err)
	}
	if _, err := a.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("k"), Tagging: tagSet("z", "")}); err != nil {
		t.Fatal(err)
	}
	if _, g := get(t, a, "tags", "k"); aws.ToInt32(g.TagCount) != 1 {
		t.Fatalf("GetObject TagCount %v", g.TagCount)
	}

	// Copies: COPY keeps the source's tags, REPLACE takes the header's.
	copyTo := func(key, directive, tagging string) {
		in := &awss3.CopyObjectInput{Bucket: aws.String("tags"), Key: aws.String(key), CopySource: aws.String("tags/k"), TaggingDirective: types.TaggingDirective(directive)}
		if tagging != "" {
			in.Tagging = aws.String(tagging)
		}
		if _, err := a.CopyObject(ctx, in); err != nil {
			t.Fatalf("CopyObject %s: %v", key, err)
		}
	}
	copyTo("copy", "", "ignored=1")
	copyTo("replace", "REPLACE", "r=1")
	copyTo("replace-none", "REPLACE", "")
	for key, want := range map[string]string{"copy": "z=", "replace": "r=1", "replace-none": ""} {
		if got := strings.Join(tagsOf(t, a, "tags", key, ""), ","); got != want {
			t.Fatalf("%s: tags %q, want %q", key, got, want)
		}
	}

	// A multipart upload's object gets the tags its creation named.
	up, err := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("tags"), Key: aws.String("mp"), Tagging: aws.String("m=p")})
	if err != nil {
		t.Fatal(err)
	}
	part, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("tags"), Key: aws.String("mp"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("tags"), Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tagsOf(t, a, "tags", "mp", ""), ","); got != "m=p" {
		t.Fatalf("multipart tags %q", got)
	}

	// Limits: 10 tags, keys of 128 and values of 256 characters.
	many := make([]string, 0, 22)
	for i := range 11 {
		many = append(many, "k"+string(rune('a'+i)), "v")
	}
	_, err = a.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("k"), Tagging: tagSet(many...)})
	if msg := wantCode(t, err, "BadRequest"); msg != "Object tags cannot be greater than 10" {
		t.Fatalf("11 tags: %q", msg)
	}
	if _, err := a.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("k"), Tagging: tagSet(many[:20]...)}); err != nil {
		t.Fatalf("10 tags: %v", err)
	}
	_, err = a.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("k"), Tagging: tagSet(strings.Repeat("k", 129), "v")})
	wantCode(t, err, "InvalidTag")
	_, err = a.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("k"), Tagging: tagSet("k", strings.Repeat("v", 257))})
	wantCode(t, err, "InvalidTag")
	_, err = a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("tags"), Key: aws.String("bad"), Body: strings.NewReader("x"), Tagging: aws.String("a=1&a=2")})
	wantCode(t, err, "InvalidArgument")
	if _, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("tags"), Key: aws.String("bad")}); err == nil {
		t.Fatal("a refused PutObject stored the object")
	}

	// Versions keep their own tags; a new version starts with its own.
	if _, err := a.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String("tags"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v1 := put(t, a, "tags", "v", "one", func(in *awss3.PutObjectInput) { in.Tagging = aws.String("v=1") }).VersionId
	v2 := put(t, a, "tags", "v", "two").VersionId
	pt, err := a.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("v"), VersionId: v1, Tagging: tagSet("v", "one")})
	if err != nil || aws.ToString(pt.VersionId) != aws.ToString(v1) {
		t.Fatalf("PutObjectTagging on v1: %v %v", pt, err)
	}
	if got := strings.Join(tagsOf(t, a, "tags", "v", aws.ToString(v1)), ","); got != "v=one" {
		t.Fatalf("v1 tags %q", got)
	}
	if got := tagsOf(t, a, "tags", "v", aws.ToString(v2)); len(got) != 0 {
		t.Fatalf("v2 tags %q", got)
	}
	dm, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("tags"), Key: aws.String("v")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.GetObjectTagging(ctx, &awss3.GetObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("v")})
	wantCode(t, err, "MethodNotAllowed")
	_, err = a.DeleteObjectTagging(ctx, &awss3.DeleteObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("v"), VersionId: dm.VersionId})
	wantCode(t, err, "MethodNotAllowed")

	// Tags are stored: a restart keeps them.
	e.restart()
	if got := strings.Join(tagsOf(t, a, "tags", "v", aws.ToString(v1)), ","); got != "v=one" {
		t.Fatalf("after restart: v1 tags %q", got)
	}
	if _, err := a.DeleteObjectTagging(ctx, &awss3.DeleteObjectTaggingInput{Bucket: aws.String("tags"), Key: aws.String("v"), VersionId: v1}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, a, "tags", "v", aws.ToString(v1)); len(got) != 0 {
		t.Fatalf("after DeleteObjectTagging: %q", got)
	}
}

// TestObjectTaggingPermissions: the tagging operations are authorized with
// their own actions (the *VersionTagging ones with a versionId), and a
// write carrying x-amz-tagging needs s3:PutObjectTagging besides
// s3:PutObject, as AWS requires.
func TestObjectTaggingPermissions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "ptags")
	put(t, a, "ptags", "k", "body")
	writer := e.client(e.user(accountA, "writer", allow(`["s3:PutObject","s3:GetObjectTagging"]`, `"arn:aws:s3:::ptags/*"`)))
	put(t, writer, "ptags", "plain", "no tags need no tagging permission")
	_, err := writer.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("ptags"), Key: aws.String("tagged"), Body: strings.NewReader("x"), Tagging: aws.String("a=1")})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "s3:PutObjectTagging") {
		t.Fatalf("denial %q", msg)
	}
	_, err = writer.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: aws.String("ptags"), Key: aws.String("k"), Tagging: tagSet("a", "1")})
	wantCode(t, err, "AccessDenied")
	if got := tagsOf(t, writer, "ptags", "k", ""); len(got) != 0 {
		t.Fatalf("tags %q", got)
	}
	// With a versionId the action is s3:GetObjectVersionTagging.
	_, err = writer.GetObjectTagging(ctx, &awss3.GetObjectTaggingInput{Bucket: aws.String("ptags"), Key: aws.String("k"), VersionId: aws.String("null")})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "s3:GetObjectVersionTagging") {
		t.Fatalf("denial %q", msg)
	}
	tagger := e.client(e.user(accountA, "tagger", allow(`["s3:PutObject","s3:PutObjectTagging"]`, `"arn:aws:s3:::ptags/*"`)))
	put(t, tagger, "ptags", "tagged", "x", func(in *awss3.PutObjectInput) { in.Tagging = aws.String("a=1") })
	if got := strings.Join(tagsOf(t, a, "ptags", "tagged", ""), ","); got != "a=1" {
		t.Fatalf("tags %q", got)
	}
	// A missing key is NoSuchKey only for a caller allowed to list.
	_, err = writer.GetObjectTagging(ctx, &awss3.GetObjectTaggingInput{Bucket: aws.String("ptags"), Key: aws.String("missing")})
	wantCode(t, err, "AccessDenied")
	_, err = a.GetObjectTagging(ctx, &awss3.GetObjectTaggingInput{Bucket: aws.String("ptags"), Key: aws.String("missing")})
	wantCode(t, err, "NoSuchKey")
}
