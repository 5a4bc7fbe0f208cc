package s3_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	awshttp "github.com/aws/smithy-go/transport/http"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// Archive storage classes, RestoreObject and GetObjectAttributes through
// the Go SDK against a real seki: an archived object is refused to GET and
// to copies until restored, then read; its attributes answer what
// HeadObject does; the door asks for both of AWS's actions.

func TestArchiveRestore(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "cold")
	for _, sc := range []types.StorageClass{types.StorageClassGlacier, types.StorageClassDeepArchive} {
		key := "k-" + string(sc)
		if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("cold"), Key: aws.String(key), Body: strings.NewReader("frozen"), StorageClass: sc}); err != nil {
			t.Fatal(err)
		}
		_, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("cold"), Key: aws.String(key)})
		if msg := wantCode(t, err, "InvalidObjectState"); msg != "The operation is not valid for the object's storage class" {
			t.Fatalf("GET of %s: %q", sc, msg)
		}
		_, err = a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("cold"), Key: aws.String("copy"), CopySource: aws.String("cold/" + key)})
		wantCode(t, err, "InvalidObjectState")
		h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("cold"), Key: aws.String(key)})
		if err != nil || h.StorageClass != sc || h.Restore != nil {
			t.Fatalf("HEAD of %s: %+v %v", sc, h, err)
		}
		restore := &awss3.RestoreObjectInput{Bucket: aws.String("cold"), Key: aws.String(key),
			RestoreRequest: &types.RestoreRequest{Days: aws.Int32(2), GlacierJobParameters: &types.GlacierJobParameters{Tier: types.TierBulk}}}
		out, err := a.RestoreObject(ctx, restore)
		if err != nil {
			t.Fatal(err)
		}
		if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*awshttp.Response); !ok || raw.StatusCode != 202 {
			t.Fatalf("first restore: %v", raw)
		}
		out, err = a.RestoreObject(ctx, restore)
		if err != nil {
			t.Fatal(err)
		}
		if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*awshttp.Response); !ok || raw.StatusCode != 200 {
			t.Fatalf("second restore: %v", raw)
		}
		h, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("cold"), Key: aws.String(key)})
		if err != nil || !strings.HasPrefix(aws.ToString(h.Restore), `ongoing-request="false", expiry-date="`) {
			t.Fatalf("HEAD after restore: %+v %v", h, err)
		}
		if body, _ := get(t, a, "cold", key); body != "frozen" {
			t.Fatalf("GET after restore: %q", body)
		}
		// The copy is a new object: STANDARD, not restored.
		if _, err := a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("cold"), Key: aws.String("copy"), CopySource: aws.String("cold/" + key)}); err != nil {
			t.Fatal(err)
		}
		h, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("cold"), Key: aws.String("copy")})
		if err != nil || h.Restore != nil || (h.StorageClass != "" && h.StorageClass != types.StorageClassStandard) {
			t.Fatalf("HEAD of the copy: %+v %v", h, err)
		}
	}
	// Nothing to restore in a class read directly.
	_, err := a.RestoreObject(ctx, &awss3.RestoreObjectInput{Bucket: aws.String("cold"), Key: aws.String("copy"),
		RestoreRequest: &types.RestoreRequest{Days: aws.Int32(1)}})
	wantCode(t, err, "InvalidObjectState")
	_, err = a.RestoreObject(ctx, &awss3.RestoreObjectInput{Bucket: aws.String("cold"), Key: aws.String("k-GLACIER"),
		RestoreRequest: &types.RestoreRequest{Days: aws.Int32(0)}})
	wantCode(t, err, "MalformedXML")
}

func TestGetObjectAttributes(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	mustCreateBucket(t, a, "attrs")
	if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("attrs"), Key: aws.String("k"), Body: strings.NewReader("version 2"),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256, StorageClass: types.StorageClassStandardIa}); err != nil {
		t.Fatal(err)
	}
	all := []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum, types.ObjectAttributesObjectParts,
		types.ObjectAttributesStorageClass, types.ObjectAttributesObjectSize}
	got, err := a.GetObjectAttributes(ctx, &awss3.GetObjectAttributesInput{Bucket: aws.String("attrs"), Key: aws.String("k"), ObjectAttributes: all})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.ETag) != "d4ca1ed7571e2e7b1f1c375bd50fa220" || aws.ToInt64(got.ObjectSize) != 9 || got.StorageClass != types.StorageClassStandardIa ||
		got.Checksum == nil || got.Checksum.ChecksumType != types.ChecksumTypeFullObject || aws.ToString(got.Checksum.ChecksumSHA256) == "" ||
		got.ObjectParts != nil || got.LastModified == nil || got.VersionId != nil {
		t.Fatalf("attributes: %+v", got)
	}
	_, err = a.GetObjectAttributes(ctx, &awss3.GetObjectAttributesInput{Bucket: aws.String("attrs"), Key: aws.String("none"), ObjectAttributes: all})
	wantCode(t, err, "NoSuchKey")

	// AWS needs s3:GetObject and s3:GetObjectAttributes: either alone is
	// refused, each denial naming the action the door refused.
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("attr")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("attr")})
	if err != nil {
		t.Fatal(err)
	}
	u := e2eS3(env, env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	for _, c := range []struct{ allowed, denied string }{{"s3:GetObject", "s3:GetObjectAttributes"}, {"s3:GetObjectAttributes", "s3:GetObject"}} {
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("attr"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(allow(`"`+c.allowed+`"`, `"arn:aws:s3:::attrs/*"`))}); err != nil {
			t.Fatal(err)
		}
		_, err = u.GetObjectAttributes(ctx, &awss3.GetObjectAttributesInput{Bucket: aws.String("attrs"), Key: aws.String("k"), ObjectAttributes: all})
		if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, c.denied+" ") {
			t.Fatalf("with only %s: %q", c.allowed, msg)
		}
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("attr"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(allow(`["s3:GetObject","s3:GetObjectAttributes"]`, `"arn:aws:s3:::attrs/*"`))}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.GetObjectAttributes(ctx, &awss3.GetObjectAttributesInput{Bucket: aws.String("attrs"), Key: aws.String("k"), ObjectAttributes: all}); err != nil {
		t.Fatalf("with both actions: %v", err)
	}
}
