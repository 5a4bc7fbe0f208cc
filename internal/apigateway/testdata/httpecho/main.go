// Command httpecho is an HTTP API handler built with aws-lambda-go,
// unchanged, for seki's API Gateway tests: it decodes the event as
// aws-lambda-go's APIGatewayV2HTTPRequest and answers with that request, as
// Go read it; a path ending in /bad answers a response API Gateway cannot
// use (statusCode 42), and /plain answers a bare JSON value.
package main

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, req events.APIGatewayV2HTTPRequest) (any, error) {
	switch {
	case strings.HasSuffix(req.RawPath, "/bad"):
		return map[string]any{"statusCode": 42}, nil
	case strings.HasSuffix(req.RawPath, "/plain"):
		return map[string]any{"hello": "world"}, nil
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json", "X-Handler": "aws-lambda-go"},
		Body:       string(body),
	}, nil
}

func main() { lambda.Start(handle) }
