package s3_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestCORSConfiguration: PutBucketCors validated as S3 validates it (an
// unknown method named in S3's words), stored,
// answered, deleted; through the SDK, durable across a restart.
func TestCORSConfiguration(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "cors")
	_, err := a.GetBucketCors(ctx, &awss3.GetBucketCorsInput{Bucket: aws.String("cors")})
	wantCode(t, err, "NoSuchCORSConfiguration")
	put := func(rules ...types.CORSRule) error {
		_, err := a.PutBucketCors(ctx, &awss3.PutBucketCorsInput{Bucket: aws.String("cors"), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}})
		return err
	}
	if msg := wantCode(t, put(types.CORSRule{AllowedMethods: []string{"GET", "MYMETHOD"}, AllowedOrigins: []string{"*"}}), "InvalidRequest"); msg != "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD" {
		t.Fatalf("message %q", msg)
	}
	rule := types.CORSRule{AllowedMethods: []string{"GET", "PUT"}, AllowedOrigins: []string{"https://app.test.com", ""},
		AllowedHeaders: []string{"x-amz-expected-bucket-owner"}, MaxAgeSeconds: aws.Int32(3000)}
	if err := put(rule); err != nil {
		t.Fatal(err)
	}
	e.restart()
	a = e.rootA()
	got, err := a.GetBucketCors(ctx, &awss3.GetBucketCorsInput{Bucket: aws.String("cors")})
	if err != nil || len(got.CORSRules) != 1 || len(got.CORSRules[0].AllowedOrigins) != 2 || got.CORSRules[0].AllowedOrigins[1] != "" ||
		aws.ToInt32(got.CORSRules[0].MaxAgeSeconds) != 3000 || got.CORSRules[0].AllowedHeaders[0] != "x-amz-expected-bucket-owner" {
		t.Fatalf("GetBucketCors after restart: %+v %v", got, err)
	}
	if _, err := a.DeleteBucketCors(ctx, &awss3.DeleteBucketCorsInput{Bucket: aws.String("cors")}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetBucketCors(ctx, &awss3.GetBucketCorsInput{Bucket: aws.String("cors")})
	wantCode(t, err, "NoSuchCORSConfiguration")
}
