package s3_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestE2EConfigurationsByID: inventory, analytics and Intelligent-Tiering
// configurations through the Go SDK: validated, kept per id, listed in id
// order, durable, refused to another account, gone with their deletion.
func TestE2EConfigurationsByID(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	const bucket = "conf-by-id"
	mustCreateBucket(t, a, bucket)
	b := aws.String(bucket)

	inv := func(id string) *types.InventoryConfiguration {
		return &types.InventoryConfiguration{Id: aws.String(id), IsEnabled: aws.Bool(true), IncludedObjectVersions: types.InventoryIncludedObjectVersionsCurrent,
			Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{Bucket: aws.String("arn:aws:s3:::" + bucket), Format: types.InventoryFormatParquet}},
			Schedule:    &types.InventorySchedule{Frequency: types.InventoryFrequencyWeekly}}
	}
	for _, id := range []string{"z", "a"} {
		if _, err := a.PutBucketInventoryConfiguration(ctx, &awss3.PutBucketInventoryConfigurationInput{Bucket: b, Id: aws.String(id), InventoryConfiguration: inv(id)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := a.PutBucketInventoryConfiguration(ctx, &awss3.PutBucketInventoryConfigurationInput{Bucket: b, Id: aws.String("other"), InventoryConfiguration: inv("a")})
	wantCode(t, err, "IdMismatch")

	tier := &types.IntelligentTieringConfiguration{Id: aws.String("t"), Status: types.IntelligentTieringStatusEnabled,
		Tierings: []types.Tiering{{Days: aws.Int32(180), AccessTier: types.IntelligentTieringAccessTierDeepArchiveAccess}}}
	if _, err := a.PutBucketIntelligentTieringConfiguration(ctx, &awss3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: aws.String("t"), IntelligentTieringConfiguration: tier}); err != nil {
		t.Fatal(err)
	}
	tier.Tierings[0].Days = aws.Int32(90) // too few days for the deep archive
	_, err = a.PutBucketIntelligentTieringConfiguration(ctx, &awss3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: aws.String("t"), IntelligentTieringConfiguration: tier})
	wantCode(t, err, "MalformedXML")

	an := &types.AnalyticsConfiguration{Id: aws.String("an"), Filter: &types.AnalyticsFilterMemberPrefix{Value: "logs/"}, StorageClassAnalysis: &types.StorageClassAnalysis{}}
	if _, err := a.PutBucketAnalyticsConfiguration(ctx, &awss3.PutBucketAnalyticsConfigurationInput{Bucket: b, Id: aws.String("an"), AnalyticsConfiguration: an}); err != nil {
		t.Fatal(err)
	}

	// Another account may not read them.
	other := e2eS3(env, env.Root(servertest.AccountB))
	_, err = other.GetBucketInventoryConfiguration(ctx, &awss3.GetBucketInventoryConfigurationInput{Bucket: b, Id: aws.String("a")})
	wantCode(t, err, "AccessDenied")

	// Durable: all three after a restart.
	env.Stop()
	env2 := servertest.Start(t, servertest.Options{DataDir: env.DataDir})
	a2 := e2eS3(env2, env2.Root(servertest.AccountA))
	list, err := a2.ListBucketInventoryConfigurations(ctx, &awss3.ListBucketInventoryConfigurationsInput{Bucket: b})
	if err != nil || len(list.InventoryConfigurationList) != 2 || *list.InventoryConfigurationList[0].Id != "a" ||
		list.InventoryConfigurationList[1].Destination.S3BucketDestination.Format != types.InventoryFormatParquet {
		t.Fatalf("ListBucketInventoryConfigurations: %+v %v", list, err)
	}
	got, err := a2.GetBucketIntelligentTieringConfiguration(ctx, &awss3.GetBucketIntelligentTieringConfigurationInput{Bucket: b, Id: aws.String("t")})
	if err != nil || *got.IntelligentTieringConfiguration.Tierings[0].Days != 180 {
		t.Fatalf("GetBucketIntelligentTieringConfiguration: %+v %v", got, err)
	}
	gotAn, err := a2.GetBucketAnalyticsConfiguration(ctx, &awss3.GetBucketAnalyticsConfigurationInput{Bucket: b, Id: aws.String("an")})
	if p, ok := gotAn.AnalyticsConfiguration.Filter.(*types.AnalyticsFilterMemberPrefix); err != nil || !ok || p.Value != "logs/" {
		t.Fatalf("GetBucketAnalyticsConfiguration: %+v %v", gotAn, err)
	}
	if _, err := a2.DeleteBucketAnalyticsConfiguration(ctx, &awss3.DeleteBucketAnalyticsConfigurationInput{Bucket: b, Id: aws.String("an")}); err != nil {
		t.Fatal(err)
	}
	_, err = a2.DeleteBucketAnalyticsConfiguration(ctx, &awss3.DeleteBucketAnalyticsConfigurationInput{Bucket: b, Id: aws.String("an")})
	wantCode(t, err, "NoSuchConfiguration")
}
