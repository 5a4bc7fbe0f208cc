package lambda_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestEndToEndKafkaMapping: a self-managed Kafka mapping is refused without
// SourceAccessConfigurations, answered with AWS's defaults, refused again
// for the same function, topic and a shared broker, kept with its tags,
// listed, and deleted. No broker exists: seki polls none.
func TestEndToEndKafkaMapping(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	role := execRole(t, env)
	lam := sdk.NewFromConfig(env.Root(servertest.AccountA))
	fn, err := lam.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("k"), Runtime: "python3.12", Role: role,
		Handler: aws.String("index.handler"),
		Code:    &types.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "index.py", Body: "def handler(event, context):\n    return event\n"})}})
	if err != nil {
		t.Fatal(err)
	}
	secret := "arn:aws:secretsmanager:us-east-1:111122223333:secret:kafka-AbCdEf"
	source := func(brokers ...string) *types.SelfManagedEventSource {
		return &types.SelfManagedEventSource{Endpoints: map[string][]string{"KAFKA_BOOTSTRAP_SERVERS": brokers}}
	}
	access := []types.SourceAccessConfiguration{{Type: types.SourceAccessTypeBasicAuth, URI: aws.String(secret)}}

	_, err = lam.CreateEventSourceMapping(ctx, &sdk.CreateEventSourceMappingInput{FunctionName: aws.String("k"), Topics: []string{"orders"},
		SelfManagedEventSource: source("kafka:1000")})
	apiErr(t, err, "InvalidParameterValueException", "Required 'sourceAccessConfigurations' parameter is missing.")

	first, err := lam.CreateEventSourceMapping(ctx, &sdk.CreateEventSourceMappingInput{FunctionName: aws.String("k"), Topics: []string{"orders"},
		SelfManagedEventSource: source("kafka:1000"), SourceAccessConfigurations: access, Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(first.UUID)
	if aws.ToInt32(first.BatchSize) != 100 || first.StartingPosition != types.EventSourcePositionTrimHorizon || aws.ToString(first.State) != "Creating" ||
		first.SelfManagedKafkaEventSourceConfig == nil || aws.ToString(first.SelfManagedKafkaEventSourceConfig.ConsumerGroupId) != id ||
		first.EventSourceArn != nil || aws.ToString(first.FunctionArn) != aws.ToString(fn.FunctionArn) ||
		len(first.Topics) != 1 || first.Topics[0] != "orders" || aws.ToString(first.SourceAccessConfigurations[0].URI) != secret {
		t.Fatalf("defaults: %+v", first)
	}

	_, err = lam.CreateEventSourceMapping(ctx, &sdk.CreateEventSourceMappingInput{FunctionName: aws.String("k"), Topics: []string{"orders"},
		SelfManagedEventSource: source("kafka:2000", "kafka:1000"), SourceAccessConfigurations: access})
	apiErr(t, err, "ResourceConflictException", `An event source mapping with event source ("kafka:2000,kafka:1000"), function ("`+
		aws.ToString(fn.FunctionArn)+`"), topics ("orders") already exists. Please update or delete the existing mapping with UUID `+id)

	second, err := lam.CreateEventSourceMapping(ctx, &sdk.CreateEventSourceMappingInput{FunctionName: aws.String("k"), Topics: []string{"payments"},
		SelfManagedEventSource: source("kafka:1000"), SourceAccessConfigurations: access, BatchSize: aws.Int32(1),
		StartingPosition: types.EventSourcePositionLatest, SelfManagedKafkaEventSourceConfig: &types.SelfManagedKafkaEventSourceConfig{ConsumerGroupId: aws.String("g1")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(second.BatchSize) != 1 || second.StartingPosition != types.EventSourcePositionLatest || aws.ToString(second.SelfManagedKafkaEventSourceConfig.ConsumerGroupId) != "g1" {
		t.Fatalf("values: %+v", second)
	}

	tags, err := lam.ListTags(ctx, &sdk.ListTagsInput{Resource: first.EventSourceMappingArn})
	if err != nil || tags.Tags["team"] != "a" {
		t.Fatalf("tags %+v %v", tags, err)
	}
	// The mapping leaves Creating as any mapping does, though nothing polls.
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := lam.GetEventSourceMapping(ctx, &sdk.GetEventSourceMappingInput{UUID: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(got.State) == "Enabled" {
			if aws.ToString(got.LastProcessingResult) != "No records processed" || got.Topics[0] != "orders" {
				t.Fatalf("get: %+v", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %q after 10 s", aws.ToString(got.State))
		}
		time.Sleep(100 * time.Millisecond)
	}
	list, err := lam.ListEventSourceMappings(ctx, &sdk.ListEventSourceMappingsInput{FunctionName: aws.String("k")})
	if err != nil || len(list.EventSourceMappings) != 2 {
		t.Fatalf("list %+v %v", list, err)
	}
	if _, err := lam.DeleteEventSourceMapping(ctx, &sdk.DeleteEventSourceMappingInput{UUID: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	// With the first gone, its topic and broker are free again.
	if _, err := lam.CreateEventSourceMapping(ctx, &sdk.CreateEventSourceMappingInput{FunctionName: aws.String("k"), Topics: []string{"orders"},
		SelfManagedEventSource: source("kafka:1000"), SourceAccessConfigurations: access}); err != nil {
		t.Fatal(err)
	}
}
