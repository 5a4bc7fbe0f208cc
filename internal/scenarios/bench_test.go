package scenarios_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// BenchmarkImagePipeline measures scenario 1 end to end, warm: from
// PutObject acknowledged to the function's metadata item being readable
// with GetItem. Each iteration crosses S3's notification, Lambda's policy
// check, the Event queue, a warm Python function calling S3 GetObject and
// DynamoDB PutItem as its role (each through SigV4 and the door), and the
// client's polling GetItem (every 1 ms). Reported as p50/p99 in µs.
func BenchmarkImagePipeline(b *testing.B) {
	needPython(b)
	env := servertest.Start(b)
	cfg := env.Root(servertest.AccountA)
	sc, ddb := s3Client(cfg), dynamodb.NewFromConfig(cfg)
	role := executionRole(b, iam.NewFromConfig(cfg), "image-processor-role", example(b, "image-pipeline/trust-policy.json"),
		"image-processor-permissions", example(b, "image-pipeline/permissions.json"))
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("image-metadata"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("key"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("key"), KeyType: ddbtypes.KeyTypeHash}},
	}); err != nil {
		b.Fatal(err)
	}
	if _, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("uploads")}); err != nil {
		b.Fatal(err)
	}
	lc := lambda.NewFromConfig(cfg)
	fn := createFunction(b, lc, &lambda.CreateFunctionInput{FunctionName: aws.String("image-processor"), Role: aws.String(role),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("image_processor.handler"),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"TABLE_NAME": "image-metadata"}},
		Code:        &lambdatypes.FunctionCode{ZipFile: servertest.Zip(b, servertest.File{Name: "image_processor.py", Body: example(b, "image-pipeline/function/image_processor.py")})}})
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("image-processor"), StatementId: aws.String("s3-uploads"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::uploads"), SourceAccount: aws.String(pipelineAccount)}); err != nil {
		b.Fatal(err)
	}
	if _, err := sc.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("uploads"),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{
			LambdaFunctionArn: aws.String(fn), Events: []s3types.Event{"s3:ObjectCreated:*"}}}}}); err != nil {
		b.Fatal(err)
	}
	body := example(b, "image-pipeline/cat.jpg")
	one := func(key string) time.Duration {
		if _, err := sc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key),
			Body: strings.NewReader(body), ContentType: aws.String("image/jpeg")}); err != nil {
			b.Fatal(err)
		}
		acked := time.Now()
		for deadline := acked.Add(30 * time.Second); ; {
			out, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("image-metadata"),
				Key: map[string]ddbtypes.AttributeValue{"key": &ddbtypes.AttributeValueMemberS{Value: key}}})
			if err != nil {
				b.Fatal(err)
			}
			if out.Item != nil {
				return time.Since(acked)
			}
			if time.Now().After(deadline) {
				b.Fatalf("no item for %s", key)
			}
			time.Sleep(time.Millisecond)
		}
	}
	one("warm-up.jpg")
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		lat = append(lat, one("photos/"+strconv.Itoa(i)+".jpg"))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
