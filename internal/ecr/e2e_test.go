package ecr_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// Manifest is a small Docker v2 image manifest; n makes it unique.
func Manifest(n int) string {
	layer := sha256.Sum256([]byte(fmt.Sprint("layer", n)))
	config := sha256.Sum256([]byte(fmt.Sprint("config", n)))
	return `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",` +
		`"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1470,"digest":"sha256:` + hex.EncodeToString(config[:]) + `"},` +
		`"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":` + fmt.Sprint(3000+n) + `,"digest":"sha256:` + hex.EncodeToString(layer[:]) + `"}]}`
}

func digestOf(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

// TestRepositoriesAndImages drives the ECR subset through the Go SDK:
// repositories, images pushed as manifests (digest = sha256 of the bytes),
// tags, lookups, deletes and the errors of each, and that it all survives a
// restart.
func TestRepositoriesAndImages(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	c := ecr.NewFromConfig(env.Root(servertest.AccountA))
	acct, region := servertest.AccountA.Account, env.Region

	cr, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("team/app")})
	if err != nil {
		t.Fatal(err)
	}
	r := cr.Repository
	if *r.RepositoryArn != "arn:aws:ecr:"+region+":"+acct+":repository/team/app" || *r.RegistryId != acct ||
		*r.RepositoryUri != acct+".dkr.ecr."+region+".amazonaws.com/team/app" || r.ImageTagMutability != types.ImageTagMutabilityMutable ||
		r.CreatedAt == nil || r.EncryptionConfiguration.EncryptionType != types.EncryptionTypeAes256 {
		t.Fatalf("CreateRepository: %+v", r)
	}
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("team/app")})
	wantCode(t, err, "RepositoryAlreadyExistsException", "The repository with name 'team/app' already exists in the registry with id '"+acct+"'")
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("Bad_Name")})
	wantCode(t, err, "InvalidParameterException", "")

	m1, m2 := Manifest(1), Manifest(2)
	put, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"), ImageManifest: aws.String(m1), ImageTag: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if *put.Image.ImageId.ImageDigest != digestOf(m1) || *put.Image.ImageId.ImageTag != "v1" || *put.Image.ImageManifest != m1 {
		t.Fatalf("PutImage: %+v", put.Image)
	}
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"), ImageManifest: aws.String(m1), ImageTag: aws.String("v1")})
	wantCode(t, err, "ImageAlreadyExistsException", "")
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"), ImageManifest: aws.String(m2), ImageTag: aws.String("latest"),
		ImageDigest: aws.String(digestOf(m1))})
	wantCode(t, err, "ImageDigestDoesNotMatchException", "")
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"), ImageManifest: aws.String("{not json")})
	wantCode(t, err, "InvalidParameterException", "")
	if _, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"), ImageManifest: aws.String(m2), ImageTag: aws.String("latest")}); err != nil {
		t.Fatal(err)
	}
	// The same manifest under another tag is the same image.
	if _, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"), ImageManifest: aws.String(m2), ImageTag: aws.String("stable")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("nope"), ImageManifest: aws.String(m1)})
	wantCode(t, err, "RepositoryNotFoundException", "The repository with name 'nope' does not exist in the registry with id '"+acct+"'")

	check := func(c *ecr.Client) {
		t.Helper()
		got, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("team/app"),
			ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("latest")}, {ImageDigest: aws.String(digestOf(m1))}, {ImageTag: aws.String("gone")}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Images) != 2 || *got.Images[0].ImageId.ImageDigest != digestOf(m2) || *got.Images[0].ImageManifest != m2 ||
			*got.Images[1].ImageId.ImageDigest != digestOf(m1) {
			t.Fatalf("BatchGetImage images: %+v", got.Images)
		}
		if len(got.Failures) != 1 || got.Failures[0].FailureCode != types.ImageFailureCodeImageNotFound || *got.Failures[0].ImageId.ImageTag != "gone" {
			t.Fatalf("BatchGetImage failures: %+v", got.Failures)
		}
		li, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("team/app")})
		if err != nil {
			t.Fatal(err)
		}
		if len(li.ImageIds) != 3 {
			t.Fatalf("ListImages: %+v", li.ImageIds)
		}
		di, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("team/app"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("stable")}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(di.ImageDetails) != 1 || strings.Join(di.ImageDetails[0].ImageTags, ",") != "latest,stable" || *di.ImageDetails[0].ImageSizeInBytes != 3002 {
			t.Fatalf("DescribeImages: %+v", di.ImageDetails)
		}
	}
	check(c)
	// A digest and a tag name one image only when the tag points at that
	// digest: a pair that disagrees is not found, one that agrees is.
	pair, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("team/app"),
		ImageIds: []types.ImageIdentifier{{ImageDigest: aws.String(digestOf(m1)), ImageTag: aws.String("latest")},
			{ImageDigest: aws.String(digestOf(m2)), ImageTag: aws.String("stable")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pair.Images) != 1 || *pair.Images[0].ImageId.ImageTag != "stable" || len(pair.Failures) != 1 ||
		*pair.Failures[0].ImageId.ImageTag != "latest" || pair.Failures[0].FailureCode != types.ImageFailureCodeImageNotFound {
		t.Fatalf("BatchGetImage of digest and tag pairs: %+v %+v", pair.Images, pair.Failures)
	}
	_, err = c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("team/app"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("gone")}}})
	wantCode(t, err, "ImageNotFoundException",
		"The image with imageId {imageDigest:'null', imageTag:'gone'} does not exist within the repository with name 'team/app' in the registry with id '"+acct+"'")

	// Durable: a restarted seki has it all.
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	c = ecr.NewFromConfig(env.Root(servertest.AccountA))
	check(c)

	_, err = c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("team/app")})
	wantCode(t, err, "RepositoryNotEmptyException", "")
	del, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("team/app"),
		ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("stable")}, {ImageDigest: aws.String(digestOf(m1))}, {}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.ImageIds) != 2 || len(del.Failures) != 1 || del.Failures[0].FailureCode != types.ImageFailureCodeMissingDigestAndTag {
		t.Fatalf("BatchDeleteImage: %+v %+v", del.ImageIds, del.Failures)
	}
	if _, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("team/app"), Force: true}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if err != nil || len(d.Repositories) != 0 {
		t.Fatalf("DescribeRepositories after delete: %+v %v", d, err)
	}
	_, err = c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"team/app"}})
	wantCode(t, err, "RepositoryNotFoundException", "")
}

// TestRepositoryPolicy: another account's caller is refused until the
// repository policy allows it, as the door judges a resource policy; a
// user of the owner's account needs its own identity policy.
func TestRepositoryPolicy(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := ecr.NewFromConfig(env.Root(servertest.AccountA))
	b := ecr.NewFromConfig(env.Root(servertest.AccountB))
	acct := servertest.AccountA.Account
	if _, err := a.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("shared"), ImageManifest: aws.String(Manifest(7)), ImageTag: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	get := &ecr.BatchGetImageInput{RegistryId: aws.String(acct), RepositoryName: aws.String("shared"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}}}
	_, err := b.BatchGetImage(ctx, get)
	wantCode(t, err, "AccessDeniedException", "")

	_, err = a.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("shared")})
	wantCode(t, err, "RepositoryPolicyNotFoundException", "")
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + servertest.AccountB.Account +
		`:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`
	if _, err := a.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("shared"), PolicyText: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	_, err = a.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("shared"), PolicyText: aws.String(`{"Statement":"no"}`)})
	wantCode(t, err, "InvalidParameterException", "")
	got, err := b.BatchGetImage(ctx, get)
	if err != nil || len(got.Images) != 1 {
		t.Fatalf("BatchGetImage with the policy: %+v %v", got, err)
	}
	// The policy allows pulling, not listing.
	_, err = b.ListImages(ctx, &ecr.ListImagesInput{RegistryId: aws.String(acct), RepositoryName: aws.String("shared")})
	wantCode(t, err, "AccessDeniedException", "")

	// A user of account A without an identity policy is refused too.
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nobody")}); err != nil {
		t.Fatal(err)
	}
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if err != nil {
		t.Fatal(err)
	}
	u := ecr.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
	_, err = u.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("shared"), ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}}})
	wantCode(t, err, "AccessDeniedException", "")

	if _, err := a.DeleteRepositoryPolicy(ctx, &ecr.DeleteRepositoryPolicyInput{RepositoryName: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	_, err = b.BatchGetImage(ctx, get)
	wantCode(t, err, "AccessDeniedException", "")
}
