// Command noop is a function that does nothing with its event: the
// consumer of the event source mapping throughput benchmark.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, json.RawMessage) error { return nil })
}
