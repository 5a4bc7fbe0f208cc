package s3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// Versioning, end to end: the facts checked below are AWS's answers as
// LocalStack's AWS-validated snapshots record them (test_s3_api.snapshot.json:
// test_delete_object_versioned, test_delete_objects_versioned,
// test_object_version_id_format; test_s3.snapshot.json:
// test_s3_put_object_versioned, test_put_object_acl_on_delete_marker,
// test_s3_copy_object_in_place_versioned; test_s3_list_operations.snapshot.json:
// test_list_objects_versions_markers,
// test_list_object_versions_pagination_common_prefixes).

func enableVersioning(t testing.TB, c *awss3.Client, bucket string, status types.BucketVersioningStatus) {
	t.Helper()
	if _, err := c.PutBucketVersioning(context.Background(), &awss3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}}); err != nil {
		t.Fatalf("PutBucketVersioning %s: %v", status, err)
	}
}

func getVersion(t testing.TB, c *awss3.Client, bucket, key, version string) (string, *awss3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(version)})
	if err != nil {
		t.Fatalf("GetObject %s/%s?versionId=%s: %v", bucket, key, version, err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	return string(b), out
}

// respHeader is a header of the HTTP response an SDK error came from.
func respHeader(t testing.TB, err error, name string) string {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	return re.Response.Header.Get(name)
}

func status(t testing.TB, err error) int {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	return re.HTTPStatusCode()
}

// validID is the shape of AWS's version ids (test_object_version_id_format).
func validID(v string) bool {
	if len(v) != 32 {
		return false
	}
	for _, c := range v {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// versionsOf lists a bucket's versions as "key@id" (delete markers with
// "*", the latest with "!"): versions first, then markers, as the SDK
// splits them.
func versionsOf(t testing.TB, c *awss3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListObjectVersions(context.Background(), &awss3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("ListObjectVersions: %v", err)
	}
	var all []string
	for _, v := range out.Versions {
		s := aws.ToString(v.Key) + "@" + aws.ToString(v.VersionId)
		if aws.ToBool(v.IsLatest) {
			s += "!"
		}
		all = append(all, s)
	}
	for _, m := range out.DeleteMarkers {
		s := aws.ToString(m.Key) + "@" + aws.ToString(m.VersionId) + "*"
		if aws.ToBool(m.IsLatest) {
			s += "!"
		}
		all = append(all, s)
	}
	return all
}

func TestVersioningEndToEnd(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	const bkt = "versioned"
	mustCreateBucket(t, a, bkt)

	// Unversioned: no version ids anywhere but ListObjectVersions' "null".
	if out := put(t, a, bkt, "k", "v0"); out.VersionId != nil {
		t.Fatalf("unversioned PutObject answered version %q", *out.VersionId)
	}
	if _, out := get(t, a, bkt, "k"); out.VersionId != nil {
		t.Fatalf("unversioned GetObject answered version %q", *out.VersionId)
	}
	if got := versionsOf(t, a, bkt); fmt.Sprint(got) != "[k@null!]" {
		t.Fatalf("unversioned versions %v", got)
	}

	enableVersioning(t, a, bkt, types.BucketVersioningStatusEnabled)
	gv, err := a.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String(bkt)})
	if err != nil || gv.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("GetBucketVersioning %v %v", gv, err)
	}
	v1 := aws.ToString(put(t, a, bkt, "k", "v1").VersionId)
	v2 := aws.ToString(put(t, a, bkt, "k", "v2").VersionId)
	if !validID(v1) || !validID(v2) || v1 == v2 {
		t.Fatalf("version ids %q %q", v1, v2)
	}
	if body, out := get(t, a, bkt, "k"); body != "v2" || aws.ToString(out.VersionId) != v2 {
		t.Fatalf("latest %q %q", body, aws.ToString(out.VersionId))
	}
	for v, want := range map[string]string{v1: "v1", v2: "v2", "null": "v0"} {
		if body, out := getVersion(t, a, bkt, "k", v); body != want || aws.ToString(out.VersionId) != v {
			t.Fatalf("version %s: %q (%q)", v, body, aws.ToString(out.VersionId))
		}
	}
	h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String(v1)})
	if err != nil || aws.ToString(h.VersionId) != v1 || aws.ToInt64(h.ContentLength) != 2 {
		t.Fatalf("HeadObject v1: %+v %v", h, err)
	}

	// A delete stacks a marker; the key is gone for GET and listings.
	d, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(bkt), Key: aws.String("k")})
	if err != nil || !aws.ToBool(d.DeleteMarker) || !validID(aws.ToString(d.VersionId)) {
		t.Fatalf("DeleteObject %+v %v", d, err)
	}
	m1 := aws.ToString(d.VersionId)
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bkt), Key: aws.String("k")})
	wantCode(t, err, "NoSuchKey")
	if respHeader(t, err, "x-amz-delete-marker") != "true" || respHeader(t, err, "x-amz-version-id") != m1 {
		t.Fatalf("GET after delete: marker headers %q %q", respHeader(t, err, "x-amz-delete-marker"), respHeader(t, err, "x-amz-version-id"))
	}
	_, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(bkt), Key: aws.String("k")})
	if status(t, err) != 404 || respHeader(t, err, "x-amz-delete-marker") != "true" {
		t.Fatalf("HEAD after delete: %d %q", status(t, err), respHeader(t, err, "x-amz-delete-marker"))
	}
	_, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String(m1)})
	if status(t, err) != 405 || respHeader(t, err, "x-amz-version-id") != m1 {
		t.Fatalf("HEAD of a delete marker: %d", status(t, err))
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String(m1)})
	if msg := wantCode(t, err, "MethodNotAllowed"); msg != "The specified method is not allowed against this resource." || status(t, err) != 405 ||
		respHeader(t, err, "Allow") != "DELETE" || respHeader(t, err, "x-amz-delete-marker") != "true" {
		t.Fatalf("GET of a delete marker: %q %d", msg, status(t, err))
	}
	_, err = a.PutObjectAcl(ctx, &awss3.PutObjectAclInput{Bucket: aws.String(bkt), Key: aws.String("k"), ACL: types.ObjectCannedACLPrivate})
	wantCode(t, err, "MethodNotAllowed")
	lo, err := a.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String(bkt)})
	if err != nil || len(lo.Contents) != 0 {
		t.Fatalf("ListObjectsV2 after delete: %+v %v", lo.Contents, err)
	}
	want := fmt.Sprint([]string{"k@" + v2, "k@" + v1, "k@null", "k@" + m1 + "*!"})
	if got := fmt.Sprint(versionsOf(t, a, bkt)); got != want {
		t.Fatalf("versions\n got %s\nwant %s", got, want)
	}

	// Removing the marker by its id restores the object; removing the
	// latest version makes the next one latest.
	d, err = a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String(m1)})
	if err != nil || !aws.ToBool(d.DeleteMarker) || aws.ToString(d.VersionId) != m1 {
		t.Fatalf("DeleteObject marker: %+v %v", d, err)
	}
	if body, _ := get(t, a, bkt, "k"); body != "v2" {
		t.Fatalf("after removing the marker: %q", body)
	}
	d, err = a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String(v2)})
	if err != nil || d.DeleteMarker != nil || aws.ToString(d.VersionId) != v2 {
		t.Fatalf("DeleteObject v2: %+v %v", d, err)
	}
	if body, out := get(t, a, bkt, "k"); body != "v1" || aws.ToString(out.VersionId) != v1 {
		t.Fatalf("after removing v2: %q", body)
	}
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String(v2)})
	if msg := wantCode(t, err, "NoSuchVersion"); msg != "The specified version does not exist." {
		t.Fatalf("message %q", msg)
	}
	// An id seki never minted is not a version that was removed.
	_, err = a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String("HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD")})
	if msg := wantCode(t, err, "InvalidArgument"); msg != "Invalid version id specified" {
		t.Fatalf("message %q", msg)
	}
	_, err = a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), VersionId: aws.String(v1[:28] + "ABCD")})
	wantCode(t, err, "InvalidArgument")

	// Copy from a version: the null one is not named as the source, and
	// copying an earlier version onto its key restores it.
	cp, err := a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String(bkt), Key: aws.String("restored"), CopySource: aws.String(bkt + "/k?versionId=" + v1)})
	if err != nil || aws.ToString(cp.CopySourceVersionId) != v1 || !validID(aws.ToString(cp.VersionId)) {
		t.Fatalf("CopyObject of v1: %+v %v", cp, err)
	}
	restoredVersion := cp.VersionId
	_, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), CopySource: aws.String(bkt + "/k?versionId=" + v1)})
	wantCode(t, err, "InvalidRequest") // v1 is the current version
	cp, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String(bkt), Key: aws.String("k"), CopySource: aws.String(bkt + "/k?versionId=null")})
	if err != nil || cp.CopySourceVersionId != nil || !validID(aws.ToString(cp.VersionId)) {
		t.Fatalf("CopyObject restoring null onto its key: %+v %v", cp, err)
	}
	v3 := aws.ToString(cp.VersionId)
	if body, _ := get(t, a, bkt, "restored"); body != "v1" {
		t.Fatalf("restored %q", body)
	}
	if body, _ := get(t, a, bkt, "k"); body != "v0" {
		t.Fatalf("k after restoring null: %q", body)
	}

	// DeleteObjects: a version, an id never minted, a marker.
	do, err := a.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String(bkt), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: aws.String(v1)},
		{Key: aws.String("k"), VersionId: aws.String("HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD")},
		{Key: aws.String("restored")},
	}}})
	if err != nil || len(do.Deleted) != 2 || len(do.Errors) != 1 {
		t.Fatalf("DeleteObjects %+v %v", do, err)
	}
	if dd := do.Deleted[0]; aws.ToString(dd.VersionId) != v1 || dd.DeleteMarker != nil {
		t.Fatalf("deleted version %+v", dd)
	}
	if dd := do.Deleted[1]; !aws.ToBool(dd.DeleteMarker) || !validID(aws.ToString(dd.DeleteMarkerVersionId)) || dd.VersionId != nil {
		t.Fatalf("deleted with a marker %+v", dd)
	}
	if e := do.Errors[0]; aws.ToString(e.Code) != "NoSuchVersion" || aws.ToString(e.Message) != "The specified version does not exist." {
		t.Fatalf("error %+v", e)
	}

	// Multipart completion makes a version too.
	cu, err := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String(bkt), Key: aws.String("mpu")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String(bkt), Key: aws.String("mpu"), UploadId: cu.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := a.UploadPartCopy(ctx, &awss3.UploadPartCopyInput{Bucket: aws.String(bkt), Key: aws.String("mpu"), UploadId: cu.UploadId, PartNumber: aws.Int32(2),
		CopySource: aws.String(bkt + "/restored?versionId=" + aws.ToString(restoredVersion))})
	if err != nil || aws.ToString(pc.CopySourceVersionId) != aws.ToString(restoredVersion) {
		t.Fatalf("UploadPartCopy from a version: %+v %v", pc, err)
	}
	co, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String(bkt), Key: aws.String("mpu"), UploadId: cu.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: p.ETag, PartNumber: aws.Int32(1)}}}})
	if err != nil || !validID(aws.ToString(co.VersionId)) {
		t.Fatalf("CompleteMultipartUpload %+v %v", co, err)
	}

	// Suspended: writes are the null version, replacing the earlier null
	// one; other versions stay.
	enableVersioning(t, a, bkt, types.BucketVersioningStatusSuspended)
	if out := put(t, a, bkt, "k", "s1"); out.VersionId != nil {
		t.Fatalf("suspended PutObject answered version %q", *out.VersionId)
	}
	if body, out := get(t, a, bkt, "k"); body != "s1" || aws.ToString(out.VersionId) != "null" {
		t.Fatalf("suspended latest %q %q", body, aws.ToString(out.VersionId))
	}
	want = fmt.Sprint([]string{"k@null!", "k@" + v3})
	if got := fmt.Sprint(versionsOf(t, a, bkt)[:2]); got != want {
		t.Fatalf("suspended versions\n got %s\nwant %s", got, want)
	}
	d, err = a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String(bkt), Key: aws.String("k")})
	if err != nil || !aws.ToBool(d.DeleteMarker) || aws.ToString(d.VersionId) != "null" {
		t.Fatalf("suspended DeleteObject %+v %v", d, err)
	}
	// The marker replaced the null version: v3 is the only object version.
	if body, _ := getVersion(t, a, bkt, "k", v3); body != "v0" {
		t.Fatalf("v3 %q", body)
	}
	// A bucket never goes back to unversioned.
	_, err = a.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String(bkt),
		VersioningConfiguration: &types.VersioningConfiguration{Status: "Disabled"}})
	wantCode(t, err, "MalformedXML")

	// Every version is durable: a restart keeps them all.
	before := versionsOf(t, a, bkt)
	env.Stop()
	env2 := servertest.Start(t, servertest.Options{DataDir: env.DataDir})
	a2 := e2eS3(env2, env2.Root(servertest.AccountA))
	if got := versionsOf(t, a2, bkt); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("after restart\n got %v\nwant %v", got, before)
	}
	_, err = a2.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String(bkt)})
	wantCode(t, err, "BucketNotEmpty")
}

// TestVersionAuthorization: requests naming a version are the *Version
// actions, with s3:versionid; listing versions is s3:ListBucketVersions.
func TestVersionAuthorization(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "vauth")
	enableVersioning(t, a, "vauth", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(put(t, a, "vauth", "k", "one").VersionId)
	v2 := aws.ToString(put(t, a, "vauth", "k", "two").VersionId)

	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("vreader")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("vreader")})
	if err != nil {
		t.Fatal(err)
	}
	u := e2eS3(env, env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	setPolicy := func(doc string) {
		t.Helper()
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("vreader"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	setPolicy(allow(`["s3:GetObject","s3:DeleteObject","s3:ListBucket"]`, `["arn:aws:s3:::vauth","arn:aws:s3:::vauth/*"]`))
	if body, _ := get(t, u, "vauth", "k"); body != "two" {
		t.Fatalf("latest %q", body)
	}
	_, err = u.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("vauth"), Key: aws.String("k"), VersionId: aws.String(v1)})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "s3:GetObjectVersion") {
		t.Fatalf("denial %q", msg)
	}
	_, err = u.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("vauth"), Key: aws.String("k"), VersionId: aws.String(v1)})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "s3:DeleteObjectVersion") {
		t.Fatalf("denial %q", msg)
	}
	_, err = u.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: aws.String("vauth")})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "s3:ListBucketVersions") {
		t.Fatalf("denial %q", msg)
	}
	do, err := u.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("vauth"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k"), VersionId: aws.String(v1)}}}})
	if err != nil || len(do.Errors) != 1 || aws.ToString(do.Errors[0].Code) != "AccessDenied" {
		t.Fatalf("DeleteObjects of a version without s3:DeleteObjectVersion: %+v %v", do, err)
	}

	// s3:versionid narrows s3:GetObjectVersion to one version.
	setPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectVersion","Resource":"arn:aws:s3:::vauth/*",
		"Condition":{"StringEquals":{"s3:versionid":"` + v1 + `"}}}]}`)
	if body, _ := getVersion(t, u, "vauth", "k", v1); body != "one" {
		t.Fatalf("v1 %q", body)
	}
	_, err = u.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("vauth"), Key: aws.String("k"), VersionId: aws.String(v2)})
	wantCode(t, err, "AccessDenied")
}

// TestListObjectVersionsPages follows test_list_objects_versions_markers
// and test_list_object_versions_pagination_common_prefixes: paging with
// every page size yields the full listing in order, and the markers mean
// what AWS's mean.
func TestListObjectVersionsPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rec := &recorder{c: e.httpClient()}
	a := e.rootA(func(o *awss3.Options) { o.HTTPClient = rec })
	mustCreateBucket(t, a, "pages")
	enableVersioning(t, a, "pages", types.BucketVersioningStatusEnabled)
	for _, k := range []string{"test_0", "test_1", "test_2"} {
		put(t, a, "pages", k, "version 1")
		put(t, a, "pages", k, "version 2")
	}
	for _, k := range []string{"test_0", "test_1", "test_2"} {
		if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("pages"), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
	put(t, a, "pages", "test_0", "version 3")
	put(t, a, "pages", "test_1", "version 3")

	// The whole listing, in wire order.
	if _, err := a.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: aws.String("pages")}); err != nil {
		t.Fatal(err)
	}
	full := rec.entries(t)
	if len(full) != 11 {
		t.Fatalf("%d entries: %v", len(full), full)
	}
	wantKeys := "test_0 test_0 test_0 test_0 test_1 test_1 test_1 test_1 test_2 test_2 test_2"
	var keys []string
	for _, en := range full {
		keys = append(keys, en.Key)
	}
	if strings.Join(keys, " ") != wantKeys {
		t.Fatalf("keys %v", keys)
	}
	// test_0: version 3 (latest), marker, version 2, version 1.
	isMarker := func(i int) bool { return full[i].XMLName.Local == "DeleteMarker" }
	if !full[0].Latest || isMarker(0) || !isMarker(1) || full[1].Latest || isMarker(2) || !isMarker(8) || !full[8].Latest {
		t.Fatalf("order %v", full)
	}
	for size := int32(1); size <= 6; size++ {
		var got []versionEntry
		var keyMarker, vidMarker *string
		for page := 0; ; page++ {
			out, err := a.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: aws.String("pages"), MaxKeys: aws.Int32(size), KeyMarker: keyMarker, VersionIdMarker: vidMarker})
			if err != nil {
				t.Fatal(err)
			}
			n := len(out.Versions) + len(out.DeleteMarkers)
			if n > int(size) || page > 20 {
				t.Fatalf("page of %d for max %d", n, size)
			}
			got = append(got, rec.entries(t)...)
			if !aws.ToBool(out.IsTruncated) {
				break
			}
			keyMarker, vidMarker = out.NextKeyMarker, out.NextVersionIdMarker
		}
		if fmt.Sprint(got) != fmt.Sprint(full) {
			t.Fatalf("pages of %d:\n got %v\nwant %v", size, got, full)
		}
	}
	_, err := a.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: aws.String("pages"), VersionIdMarker: aws.String(full[0].ID)})
	if msg := wantCode(t, err, "InvalidArgument"); msg != "A version-id marker cannot be specified without a key marker." {
		t.Fatalf("message %q", msg)
	}
	// A key marker alone continues after all of that key's versions.
	out, err := a.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: aws.String("pages"), KeyMarker: aws.String("test_1"), MaxKeys: aws.Int32(1)})
	if err != nil || len(out.DeleteMarkers) != 1 || aws.ToString(out.DeleteMarkers[0].Key) != "test_2" || aws.ToString(out.NextVersionIdMarker) != full[8].ID {
		t.Fatalf("after test_1: %+v %v", out, err)
	}

	// Common prefixes page like keys; a key marker inside a prefix skips it.
	mustCreateBucket(t, a, "prefixes")
	enableVersioning(t, a, "prefixes", types.BucketVersioningStatusEnabled)
	for _, k := range []string{"folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1", "folder/file2"} {
		put(t, a, "prefixes", k, "content 123")
	}
	list := func(marker string) *awss3.ListObjectVersionsOutput {
		in := &awss3.ListObjectVersionsInput{Bucket: aws.String("prefixes"), Prefix: aws.String("folder/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)}
		if marker != "" {
			in.KeyMarker = aws.String(marker)
		}
		out, err := a.ListObjectVersions(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	o1 := list("")
	if len(o1.CommonPrefixes) != 1 || aws.ToString(o1.NextKeyMarker) != "folder/aSubfolder/" || o1.NextVersionIdMarker != nil || !aws.ToBool(o1.IsTruncated) {
		t.Fatalf("first page %+v", o1)
	}
	o2 := list(aws.ToString(o1.NextKeyMarker))
	if len(o2.Versions) != 1 || aws.ToString(o2.Versions[0].Key) != "folder/file1" || aws.ToString(o2.NextKeyMarker) != "folder/file1" {
		t.Fatalf("second page %+v", o2)
	}
	o3 := list("folder/aSubfolder/subFile1")
	if len(o3.Versions) != 1 || aws.ToString(o3.Versions[0].Key) != "folder/file1" || len(o3.CommonPrefixes) != 0 {
		t.Fatalf("from inside a prefix %+v", o3)
	}
	if o4 := list("folder/file1"); len(o4.Versions) != 1 || aws.ToString(o4.Versions[0].Key) != "folder/file2" || aws.ToBool(o4.IsTruncated) {
		t.Fatalf("last page %+v", o4)
	}
}

// versionEntry is a Version or DeleteMarker of a listing, in wire order.
type versionEntry struct {
	XMLName xml.Name
	Key     string `xml:"Key"`
	ID      string `xml:"VersionId"`
	Latest  bool   `xml:"IsLatest"`
}

func (v versionEntry) String() string {
	s := v.Key + "@" + v.ID
	if v.XMLName.Local == "DeleteMarker" {
		s += "*"
	}
	if v.Latest {
		s += "!"
	}
	return s
}

// recorder keeps the body of the last response, so that a test sees the
// listing as sent (the SDK splits versions and delete markers apart).
type recorder struct {
	c    *http.Client
	last []byte
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.c.Do(req)
	if err != nil {
		return nil, err
	}
	r.last, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(r.last))
	return resp, err
}

// entries parses the last listing's versions and markers in wire order.
func (r *recorder) entries(t testing.TB) []versionEntry {
	t.Helper()
	var doc struct {
		Any []versionEntry `xml:",any"`
	}
	if err := xml.Unmarshal(r.last, &doc); err != nil {
		t.Fatalf("%v: %s", err, r.last)
	}
	var out []versionEntry
	for _, e := range doc.Any {
		if n := e.XMLName.Local; n == "Version" || n == "DeleteMarker" {
			out = append(out, e)
		}
	}
	return out
}

// TestVersionedNotifications: created events carry the new version's id;
// a delete that stacks a marker is ObjectRemoved:DeleteMarkerCreated with
// the marker's id; removing a version is ObjectRemoved:Delete with its id
// (test_object_created_put_versioned, test_s3_notifications_sqs).
func TestVersionedNotifications(t *testing.T) {
	e, f := notifEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "vnotes")
	f.add(t, fnARN, "arn:aws:s3:::vnotes", accountA)
	if err := putNotif(a, "vnotes",
		lambdaConfig("created", fnARN, []types.Event{"s3:ObjectCreated:*"}, "", ""),
		lambdaConfig("removed", fnARN, []types.Event{"s3:ObjectRemoved:*"}, "", "")); err != nil {
		t.Fatal(err)
	}
	event := func() (name, version string) {
		t.Helper()
		inv := f.next(t)
		var ev struct {
			Records []struct {
				EventName string
				S3        struct{ Object map[string]any }
			}
		}
		if err := json.Unmarshal(inv.payload, &ev); err != nil || len(ev.Records) != 1 {
			t.Fatalf("payload %s", inv.payload)
		}
		v, _ := ev.Records[0].S3.Object["versionId"].(string)
		return ev.Records[0].EventName, v
	}
	put(t, a, "vnotes", "plain", "x")
	if n, v := event(); n != "ObjectCreated:Put" || v != "" {
		t.Fatalf("unversioned event %s %q", n, v)
	}
	enableVersioning(t, a, "vnotes", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(put(t, a, "vnotes", "k", "x").VersionId)
	if n, v := event(); n != "ObjectCreated:Put" || v != v1 {
		t.Fatalf("put event %s %q, want %q", n, v, v1)
	}
	d, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("vnotes"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if n, v := event(); n != "ObjectRemoved:DeleteMarkerCreated" || v != aws.ToString(d.VersionId) {
		t.Fatalf("marker event %s %q", n, v)
	}
	if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("vnotes"), Key: aws.String("k"), VersionId: aws.String(v1)}); err != nil {
		t.Fatal(err)
	}
	if n, v := event(); n != "ObjectRemoved:Delete" || v != v1 {
		t.Fatalf("version delete event %s %q", n, v)
	}
}

// TestE2ELambdaCodeFromAVersion: Lambda reads S3ObjectVersion's version of
// the code, not the latest, through the door as s3:GetObjectVersion.
func TestE2ELambdaCodeFromAVersion(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	A := servertestKey{servertest.AccountA.Account, servertest.AccountA.AccessKeyID, servertest.AccountA.Secret}
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "code-versions")
	enableVersioning(t, a, "code-versions", types.BucketVersioningStatusEnabled)
	zip := functionZip(t)
	out, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("code-versions"), Key: aws.String("code.zip"), Body: bytes.NewReader(zip)})
	if err != nil {
		t.Fatal(err)
	}
	put(t, a, "code-versions", "code.zip", "not a zip")
	arn := createFunction(t, env, A, "from-a-version", &lambdatypes.FunctionCode{S3Bucket: aws.String("code-versions"),
		S3Key: aws.String("code.zip"), S3ObjectVersion: out.VersionId})
	fn, err := lambda.NewFromConfig(env.Root(servertest.AccountA)).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(zip)
	if got := aws.ToString(fn.Configuration.CodeSha256); got != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("CodeSha256 %s: not the version asked for", got)
	}
	_, err = lambda.NewFromConfig(env.Root(servertest.AccountA)).CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("from-no-version"),
		Role: fn.Configuration.Role, Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{S3Bucket: aws.String("code-versions"), S3Key: aws.String("code.zip"), S3ObjectVersion: aws.String("HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD")}})
	if err == nil {
		t.Fatal("a function was built from a version that does not exist")
	}
}

// TestConcurrentVersions: writers and deleters racing on one key leave
// every acknowledged version listed and exactly one latest.
func TestConcurrentVersions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "racing")
	enableVersioning(t, a, "racing", types.BucketVersioningStatusEnabled)
	const writers, each = 8, 6
	ids := make(chan string, writers*each)
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			for i := range each {
				if w%2 == 1 && i%3 == 2 {
					d, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("racing"), Key: aws.String("k")})
					if err != nil {
						errs <- err
						return
					}
					ids <- aws.ToString(d.VersionId)
					continue
				}
				out, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("racing"), Key: aws.String("k"), Body: strings.NewReader(fmt.Sprint(w, i))})
				if err != nil {
					errs <- err
					return
				}
				ids <- aws.ToString(out.VersionId)
			}
			errs <- nil
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(ids)
	want := map[string]bool{}
	for id := range ids {
		want[id] = true
	}
	got := versionsOf(t, a, "racing")
	latest := 0
	for _, v := range got {
		id := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(v, "k@"), "!"), "*")
		if !want[id] {
			t.Fatalf("listed %s, never acknowledged", v)
		}
		delete(want, id)
		if strings.HasSuffix(v, "!") {
			latest++
		}
	}
	if len(want) != 0 || latest != 1 {
		t.Fatalf("missing %v, %d latest, listing %v", want, latest, got)
	}
}
