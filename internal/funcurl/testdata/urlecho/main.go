// Command urlecho is a function URL handler built with aws-lambda-go,
// unchanged, for seki's function URL tests: it decodes the event as
// aws-lambda-go's LambdaFunctionURLRequest and answers with a
// LambdaFunctionURLResponse whose body is that request, as Go read it.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

func handle(ctx context.Context, req events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	body, err := json.Marshal(map[string]any{"request": req, "awsRequestId": lc.AwsRequestID})
	if err != nil {
		return events.LambdaFunctionURLResponse{}, err
	}
	return events.LambdaFunctionURLResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json", "X-Handler": "aws-lambda-go"},
		Cookies:    []string{"handler=go; Path=/"},
		Body:       string(body),
	}, nil
}

func main() { lambda.Start(handle) }
