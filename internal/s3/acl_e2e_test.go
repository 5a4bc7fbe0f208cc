package s3_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// ACLs end to end: the real server, the Go SDK, two accounts.

// canonicalIDOf is the caller's canonical user id, as a user learns it:
// from ListBuckets' Owner.
func canonicalIDOf(t *testing.T, c *awss3.Client) string {
	t.Helper()
	out, err := c.ListBuckets(context.Background(), &awss3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Owner.ID
}

// TestE2EACLGrantsCrossAccount: an ACL grant to another account's
// canonical id lets that account read, through the door, beside the
// bucket policy; without the grant it is refused; users of the grantee
// account still need their own identity policy; grants survive a
// restart, and a bucket back to BucketOwnerEnforced stops honouring them.
func TestE2EACLGrantsCrossAccount(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	b := e2eS3(env, env.Root(servertest.AccountB))
	idB := canonicalIDOf(t, b)

	const bucket = "acl-grants"
	if _, err := a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(bucket), ObjectOwnership: types.ObjectOwnershipObjectWriter}); err != nil {
		t.Fatal(err)
	}
	put(t, a, bucket, "shared", "for B")
	put(t, a, bucket, "private", "for A")

	// Without a grant, account B is refused.
	_, err := b.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("shared")})
	wantCode(t, err, "AccessDenied")

	// A grants B READ on one object: B reads it, and only it.
	if _, err := a.PutObjectAcl(ctx, &awss3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("shared"), GrantRead: aws.String(`id="` + idB + `"`)}); err != nil {
		t.Fatal(err)
	}
	out, err := b.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("shared")})
	if err != nil {
		t.Fatalf("B reading an object granted to it: %v", err)
	}
	md := out.ResultMetadata
	out.Body.Close()
	_, err = b.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("private")})
	wantCode(t, err, "AccessDenied")
	_, err = b.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	wantCode(t, err, "AccessDenied")

	// seki explain names the grant that allowed B.
	reqID, _ := awsmiddleware.GetRequestIDMetadata(md)
	var explained, stderr bytes.Buffer
	if code := explain.Run(env.DataDir, reqID, &explained, &stderr); code != 0 {
		t.Fatalf("seki explain %s: %d %s", reqID, code, stderr.String())
	}
	if want := "ACL grant 1 of object shared: READ to account 222222222222"; !strings.Contains(explained.String(), want) {
		t.Fatalf("the explanation does not name the grant (%q):\n%s", want, explained.String())
	}

	// The bucket's ACL: READ lets B list.
	if _, err := a.PutBucketAcl(ctx, &awss3.PutBucketAclInput{Bucket: aws.String(bucket), GrantRead: aws.String(`id="` + idB + `"`), GrantFullControl: aws.String(`id="` + canonicalIDOf(t, a) + `"`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("B listing with a bucket READ grant: %v", err)
	}
	acl, err := a.GetBucketAcl(ctx, &awss3.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil || len(acl.Grants) != 2 || *acl.Grants[1].Grantee.ID != idB || acl.Grants[1].Permission != types.PermissionRead {
		t.Fatalf("GetBucketAcl: %+v %v", acl, err)
	}

	// A user of account B without an identity policy is still refused: an
	// ACL grants to the account, and the account's users need its
	// permission, as for any cross-account access.
	iamB := iam.NewFromConfig(env.Root(servertest.AccountB))
	if _, err := iamB.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	key, err := iamB.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	bob := e2eS3(env, env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	_, err = bob.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("shared")})
	wantCode(t, err, "AccessDenied")

	// Durable: the grants hold after a restart.
	env.Stop()
	env2 := servertest.Start(t, servertest.Options{DataDir: env.DataDir})
	b2 := e2eS3(env2, env2.Root(servertest.AccountB))
	if got, _ := get(t, b2, bucket, "shared"); got != "for B" {
		t.Fatalf("after restart: %q", got)
	}

	// Back to BucketOwnerEnforced: refused while the bucket's ACL grants
	// others, and then ACLs no longer count.
	a2 := e2eS3(env2, env2.Root(servertest.AccountA))
	enforced := &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}
	_, err = a2.PutBucketOwnershipControls(ctx, &awss3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket), OwnershipControls: enforced})
	wantCode(t, err, "InvalidBucketAclWithObjectOwnership")
	if _, err := a2.PutBucketAcl(ctx, &awss3.PutBucketAclInput{Bucket: aws.String(bucket), ACL: types.BucketCannedACLPrivate}); err != nil {
		t.Fatal(err)
	}
	if _, err := a2.PutBucketOwnershipControls(ctx, &awss3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket), OwnershipControls: enforced}); err != nil {
		t.Fatal(err)
	}
	_, err = b2.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("shared")})
	wantCode(t, err, "AccessDenied")
	_, err = a2.PutObjectAcl(ctx, &awss3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("shared"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, err, "AccessControlListNotSupported")
}

// TestE2EBlockPublicAcls: Block Public Access wins over public ACLs.
// BlockPublicAcls refuses a public ACL on the bucket, on an object and on a
// write; IgnorePublicAcls keeps a stored public grant from allowing.
func TestE2EBlockPublicAcls(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	b := e2eS3(env, env.Root(servertest.AccountB))
	const bucket = "acl-public"
	if _, err := a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(bucket), ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}); err != nil {
		t.Fatal(err)
	}
	put(t, a, bucket, "k", "public?")

	// New buckets block public access: a public-read ACL is refused.
	_, err := a.PutBucketAcl(ctx, &awss3.PutBucketAclInput{Bucket: aws.String(bucket), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, err, "AccessDenied")
	_, err = a.PutObjectAcl(ctx, &awss3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, err, "AccessDenied")
	_, err = a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k2"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, err, "AccessDenied")
	_, err = b.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	wantCode(t, err, "AccessDenied")

	// Without Block Public Access, the object is public: B reads it.
	if _, err := a.DeletePublicAccessBlock(ctx, &awss3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PutObjectAcl(ctx, &awss3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	if got, _ := get(t, b, bucket, "k"); got != "public?" {
		t.Fatalf("B reading a public-read object: %q", got)
	}

	// IgnorePublicAcls: the grant is kept, and ignored.
	if _, err := a.PutPublicAccessBlock(ctx, &awss3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	wantCode(t, err, "AccessDenied")
	acl, err := a.GetObjectAcl(ctx, &awss3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if err != nil || len(acl.Grants) != 2 || acl.Grants[1].Grantee.URI == nil {
		t.Fatalf("the public grant is kept: %+v %v", acl, err)
	}
}
