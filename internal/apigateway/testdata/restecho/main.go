// Command restecho is a REST API (proxy integration, format 1.0) handler
// built with aws-lambda-go, unchanged, for seki's API Gateway tests: it
// decodes the event as aws-lambda-go's APIGatewayProxyRequest and answers
// with that request, as Go read it; a path ending in /bad answers a
// response API Gateway cannot use (statusCode 42), /multi answers
// multiValueHeaders, and /boom fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, req events.APIGatewayProxyRequest) (any, error) {
	switch {
	case strings.HasSuffix(req.Path, "/bad"):
		return map[string]any{"statusCode": 42}, nil
	case strings.HasSuffix(req.Path, "/boom"):
		return nil, errors.New("boom")
	case strings.HasSuffix(req.Path, "/multi"):
		return events.APIGatewayProxyResponse{StatusCode: 201, MultiValueHeaders: map[string][]string{"X-Multi": {"a", "b"}}, Body: "multi"}, nil
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	return events.APIGatewayProxyResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json", "X-Handler": "aws-lambda-go"},
		Body:       string(body),
	}, nil
}

func main() { lambda.Start(handle) }
