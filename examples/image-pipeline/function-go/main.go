// Command function-go is the image-processor function written in Go with
// aws-lambda-go and aws-sdk-go-v2: S3 calls it for every .jpg uploaded to the
// bucket; it reads the object and records its metadata (key, size, content
// type) in the DynamoDB table named by TABLE_NAME.
//
// Build it for the provided.al2023 runtime as a file named bootstrap:
//
//	GOOS=linux CGO_ENABLED=0 go build -o bootstrap ./examples/image-pipeline/function-go
//
// Every AWS call uses the execution role's session credentials, which Lambda
// puts in the environment, so the role's policies decide what it may touch.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

type processor struct {
	s3    *s3.Client
	ddb   *dynamodb.Client
	table string
}

func (p *processor) handle(ctx context.Context, ev events.S3Event) (map[string][]string, error) {
	var stored []string
	for _, rec := range ev.Records {
		bucket, key := rec.S3.Bucket.Name, rec.S3.Object.URLDecodedKey
		log.Printf("processing s3://%s/%s (upload request %s)", bucket, key, rec.ResponseElements["x-amz-request-id"])
		obj, err := p.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return nil, err
		}
		n, err := io.Copy(io.Discard, obj.Body)
		obj.Body.Close()
		if err != nil {
			return nil, err
		}
		contentType := aws.ToString(obj.ContentType)
		getID, _ := awsmiddleware.GetRequestIDMetadata(obj.ResultMetadata)
		log.Printf("read %d bytes, %s (GetObject request id %s)", n, contentType, getID)
		out, err := p.ddb.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(p.table),
			Item: map[string]types.AttributeValue{
				"key":         &types.AttributeValueMemberS{Value: key},
				"bucket":      &types.AttributeValueMemberS{Value: bucket},
				"size":        &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)},
				"contentType": &types.AttributeValueMemberS{Value: contentType},
			},
		})
		if err != nil {
			// The request id names this decision in `seki explain`.
			var re *awshttp.ResponseError
			id := ""
			if errors.As(err, &re) {
				id = re.ServiceRequestID()
			}
			log.Printf("PutItem %s failed (request id %s): %v", key, id, err)
			return nil, fmt.Errorf("PutItem %s: %w", key, err)
		}
		id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		log.Printf("stored metadata for %s (PutItem request id %s)", key, id)
		stored = append(stored, key)
	}
	return map[string][]string{"stored": stored}, nil
}

func main() {
	log.SetFlags(0)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		table = "image-metadata"
	}
	p := &processor{s3: s3.NewFromConfig(cfg), ddb: dynamodb.NewFromConfig(cfg), table: table}
	lambda.Start(p.handle)
}
