package s3_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestBucketConfigurations drives the configurations seki keeps as
// documents through the SDK: lifecycle, website, transfer acceleration and
// request payment; refused documents change nothing, a restart keeps them,
// and deleting the bucket removes them.
func TestBucketConfigurations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	b := aws.String("confs")
	mustCreateBucket(t, a, "confs")

	_, err := a.GetBucketLifecycleConfiguration(ctx, &awss3.GetBucketLifecycleConfigurationInput{Bucket: b})
	wantCode(t, err, "NoSuchLifecycleConfiguration")
	rules := []types.LifecycleRule{{
		ID: aws.String("logs"), Status: types.ExpirationStatusEnabled,
		Filter:      &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("logs/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}},
		Expiration:  &types.LifecycleExpiration{Date: aws.Time(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))},
		Transitions: []types.Transition{{Days: aws.Int32(30), StorageClass: types.TransitionStorageClassGlacier}},
	}, {
		Status:                         types.ExpirationStatusDisabled,
		Filter:                         &types.LifecycleRuleFilter{Prefix: aws.String("")},
		AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(2)},
	}}
	out, err := a.PutBucketLifecycleConfiguration(ctx, &awss3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}})
	if err != nil || out.TransitionDefaultMinimumObjectSize != types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k {
		t.Fatalf("PutBucketLifecycleConfiguration %v %v", out, err)
	}
	got, err := a.GetBucketLifecycleConfiguration(ctx, &awss3.GetBucketLifecycleConfigurationInput{Bucket: b})
	if err != nil || len(got.Rules) != 2 {
		t.Fatalf("GetBucketLifecycleConfiguration %v %v", got, err)
	}
	r0, r1 := got.Rules[0], got.Rules[1]
	if aws.ToString(r0.ID) != "logs" || aws.ToString(r0.Filter.And.Prefix) != "logs/" || !r0.Expiration.Date.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) ||
		r0.Transitions[0].StorageClass != types.TransitionStorageClassGlacier || aws.ToInt32(r1.AbortIncompleteMultipartUpload.DaysAfterInitiation) != 2 {
		t.Fatalf("rules %+v %+v", r0, r1)
	}
	if len(aws.ToString(r1.ID)) == 0 {
		t.Fatal("a rule sent without an ID got none")
	}
	// A refused configuration replaces nothing.
	_, err = a.PutBucketLifecycleConfiguration(ctx, &awss3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("x"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{}, Expiration: &types.LifecycleExpiration{Date: aws.Time(time.Date(2030, 1, 1, 2, 0, 0, 0, time.UTC))}}}}})
	if msg := wantCode(t, err, "InvalidArgument"); msg != "'Date' must be at midnight GMT" {
		t.Fatalf("message %q", msg)
	}

	_, err = a.PutBucketWebsite(ctx, &awss3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}, ErrorDocument: &types.ErrorDocument{Key: aws.String("error.html")},
		RoutingRules: []types.RoutingRule{{Condition: &types.Condition{KeyPrefixEquals: aws.String("old/")}, Redirect: &types.Redirect{ReplaceKeyPrefixWith: aws.String("new/")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.PutBucketWebsite(ctx, &awss3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("a/index.html")}}})
	wantCode(t, err, "InvalidArgument")
	if _, err := a.PutBucketAccelerateConfiguration(ctx, &awss3.PutBucketAccelerateConfigurationInput{Bucket: b,
		AccelerateConfiguration: &types.AccelerateConfiguration{Status: types.BucketAccelerateStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	// Default encryption: SSE-S3 until configured, and again once deleted.
	if _, err := a.PutBucketEncryption(ctx, &awss3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms,
			KMSMasterKeyID: aws.String("alias/mine")}, BucketKeyEnabled: aws.Bool(true)}}}}); err != nil {
		t.Fatal(err)
	}
	enc, err := a.GetBucketEncryption(ctx, &awss3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAwsKms ||
		aws.ToString(enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != "alias/mine" ||
		!aws.ToBool(enc.ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled) {
		t.Fatalf("GetBucketEncryption %+v %v", enc, err)
	}
	_, err = a.PutBucketEncryption(ctx, &awss3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256,
			KMSMasterKeyID: aws.String("k")}}}}})
	wantCode(t, err, "InvalidArgument")
	if _, err := a.DeleteBucketEncryption(ctx, &awss3.DeleteBucketEncryptionInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	enc, err = a.GetBucketEncryption(ctx, &awss3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Fatalf("GetBucketEncryption after delete %+v %v", enc, err)
	}
	// Metrics configurations, by id.
	for _, id := range []string{"b", "a"} {
		if _, err := a.PutBucketMetricsConfiguration(ctx, &awss3.PutBucketMetricsConfigurationInput{Bucket: b, Id: aws.String(id),
			MetricsConfiguration: &types.MetricsConfiguration{Id: aws.String(id), Filter: &types.MetricsFilterMemberPrefix{Value: "logs/" + id}}}); err != nil {
			t.Fatal(err)
		}
	}
	ml, err := a.ListBucketMetricsConfigurations(ctx, &awss3.ListBucketMetricsConfigurationsInput{Bucket: b})
	if err != nil || len(ml.MetricsConfigurationList) != 2 || aws.ToString(ml.MetricsConfigurationList[0].Id) != "a" {
		t.Fatalf("ListBucketMetricsConfigurations %+v %v", ml, err)
	}
	if _, err := a.DeleteBucketMetricsConfiguration(ctx, &awss3.DeleteBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetBucketMetricsConfiguration(ctx, &awss3.GetBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("a")})
	wantCode(t, err, "NoSuchConfiguration")
	mg, err := a.GetBucketMetricsConfiguration(ctx, &awss3.GetBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("b")})
	if p, ok := mg.MetricsConfiguration.Filter.(*types.MetricsFilterMemberPrefix); err != nil || !ok || p.Value != "logs/b" {
		t.Fatalf("GetBucketMetricsConfiguration %+v %v", mg, err)
	}
	rp, err := a.GetBucketRequestPayment(ctx, &awss3.GetBucketRequestPaymentInput{Bucket: b})
	if err != nil || rp.Payer != types.PayerBucketOwner {
		t.Fatalf("default payer %v %v", rp, err)
	}
	if _, err := a.PutBucketRequestPayment(ctx, &awss3.PutBucketRequestPaymentInput{Bucket: b,
		RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}}); err != nil {
		t.Fatal(err)
	}

	e.restart()
	w, err := a.GetBucketWebsite(ctx, &awss3.GetBucketWebsiteInput{Bucket: b})
	if err != nil || aws.ToString(w.IndexDocument.Suffix) != "index.html" || aws.ToString(w.ErrorDocument.Key) != "error.html" ||
		len(w.RoutingRules) != 1 || aws.ToString(w.RoutingRules[0].Redirect.ReplaceKeyPrefixWith) != "new/" {
		t.Fatalf("GetBucketWebsite after restart %+v %v", w, err)
	}
	acc, err := a.GetBucketAccelerateConfiguration(ctx, &awss3.GetBucketAccelerateConfigurationInput{Bucket: b})
	if err != nil || acc.Status != types.BucketAccelerateStatusEnabled {
		t.Fatalf("accelerate %v %v", acc, err)
	}
	if rp, err := a.GetBucketRequestPayment(ctx, &awss3.GetBucketRequestPaymentInput{Bucket: b}); err != nil || rp.Payer != types.PayerRequester {
		t.Fatalf("payer %v %v", rp, err)
	}
	if got, err := a.GetBucketLifecycleConfiguration(ctx, &awss3.GetBucketLifecycleConfigurationInput{Bucket: b}); err != nil || len(got.Rules) != 2 {
		t.Fatalf("lifecycle after restart %v %v", got, err)
	}

	// Who may read a configuration is the door's decision.
	reader := e.client(e.user(accountA, "confreader", allow(`"s3:GetLifecycleConfiguration"`, `"arn:aws:s3:::confs"`)))
	if _, err := reader.GetBucketLifecycleConfiguration(ctx, &awss3.GetBucketLifecycleConfigurationInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.GetBucketWebsite(ctx, &awss3.GetBucketWebsiteInput{Bucket: b})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "s3:GetBucketWebsite") {
		t.Fatalf("denial %q", msg)
	}
	_, err = reader.DeleteBucketLifecycle(ctx, &awss3.DeleteBucketLifecycleInput{Bucket: b})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "s3:PutLifecycleConfiguration") {
		t.Fatalf("denial %q", msg)
	}

	if _, err := a.DeleteBucketWebsite(ctx, &awss3.DeleteBucketWebsiteInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetBucketWebsite(ctx, &awss3.GetBucketWebsiteInput{Bucket: b})
	wantCode(t, err, "NoSuchWebsiteConfiguration")
	// A bucket created again under the name has none of the old ones.
	if _, err := a.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	mustCreateBucket(t, a, "confs")
	_, err = a.GetBucketLifecycleConfiguration(ctx, &awss3.GetBucketLifecycleConfigurationInput{Bucket: b})
	wantCode(t, err, "NoSuchLifecycleConfiguration")
	if acc, err := a.GetBucketAccelerateConfiguration(ctx, &awss3.GetBucketAccelerateConfigurationInput{Bucket: b}); err != nil || acc.Status != "" {
		t.Fatalf("accelerate of a new bucket %v %v", acc, err)
	}
}

// TestLifecycleExpiration: objects a lifecycle rule expires say when (and
// by which rule) on PUT, GET and HEAD, from the moment the rule exists,
// and after a restart; others, and reads naming a version, say nothing.
func TestLifecycleExpiration(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	b := aws.String("expiring")
	mustCreateBucket(t, a, "expiring")
	put(t, a, "expiring", "logs/old", "x")
	if _, err := a.PutBucketLifecycleConfiguration(ctx, &awss3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("logs-week"), Status: types.ExpirationStatusEnabled,
			Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(7)}}}}}); err != nil {
		t.Fatal(err)
	}
	out := put(t, a, "expiring", "logs/new", "x")
	exp := aws.ToString(out.Expiration)
	day := time.Now().UTC().Add(7 * 24 * time.Hour).Truncate(24 * time.Hour).Add(24 * time.Hour)
	if want := `expiry-date="` + day.Format(http.TimeFormat) + `", rule-id="logs-week"`; exp != want {
		t.Fatalf("PutObject Expiration %q, want %q", exp, want)
	}
	if h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b, Key: aws.String("logs/old")}); err != nil || !strings.Contains(aws.ToString(h.Expiration), `rule-id="logs-week"`) {
		t.Fatalf("HeadObject of an object older than the rule: %v %v", h.Expiration, err)
	}
	if out := put(t, a, "expiring", "data/kept", "x"); out.Expiration != nil {
		t.Fatalf("an object no rule matches: %q", aws.ToString(out.Expiration))
	}
	e.restart()
	if _, g := get(t, a, "expiring", "logs/new"); aws.ToString(g.Expiration) != exp {
		t.Fatalf("GetObject after restart %q", aws.ToString(g.Expiration))
	}
	if h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b, Key: aws.String("logs/new"), VersionId: aws.String("null")}); err != nil || h.Expiration != nil {
		t.Fatalf("HeadObject naming the version: %v %v", h, err)
	}
	if _, err := a.DeleteBucketLifecycle(ctx, &awss3.DeleteBucketLifecycleInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	if h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b, Key: aws.String("logs/new")}); err != nil || h.Expiration != nil {
		t.Fatalf("HeadObject after the rule's deletion: %v %v", h, err)
	}
}
