package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server"
	"github.com/seki-dev/seki/internal/server/servertest"
)

const (
	a = "111111111111"
	b = "222222222222"
)

func ebClient(env *servertest.Env, k server.RootKey) *eventbridge.Client {
	return eventbridge.NewFromConfig(env.Root(k))
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func putRule(t testing.TB, c *eventbridge.Client, name, pattern string) string {
	t.Helper()
	out, err := c.PutRule(context.Background(), &eventbridge.PutRuleInput{Name: aws.String(name), EventPattern: aws.String(pattern)})
	if err != nil {
		t.Fatalf("PutRule %s: %v", name, err)
	}
	return aws.ToString(out.RuleArn)
}

func putTarget(t testing.TB, c *eventbridge.Client, rule, id, arn string) {
	t.Helper()
	if _, err := c.PutTargets(context.Background(), &eventbridge.PutTargetsInput{Rule: aws.String(rule), Targets: []types.Target{{Id: aws.String(id), Arn: aws.String(arn)}}}); err != nil {
		t.Fatalf("PutTargets: %v", err)
	}
}

// putEvent publishes one event and returns its id and the request id.
func putEvent(t testing.TB, c *eventbridge.Client, source, detailType, detail string) (eventID, requestID string) {
	t.Helper()
	out, err := c.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{
		Source: aws.String(source), DetailType: aws.String(detailType), Detail: aws.String(detail), Resources: []string{"arn:aws:s3:::r"}}}})
	if err != nil {
		t.Fatalf("PutEvents: %v", err)
	}
	if out.FailedEntryCount != 0 {
		t.Fatalf("PutEvents failed: %+v", out.Entries[0])
	}
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	return aws.ToString(out.Entries[0].EventId), rid
}

type deliveredEvent struct {
	Version    string `json:"version"`
	ID         string `json:"id"`
	DetailType string `json:"detail-type"`
	Source     string `json:"source"`
	Account    string `json:"account"`
	Time       string `json:"time"`
	Region     string `json:"region"`
	Resources  []string
	Detail     map[string]any `json:"detail"`
}

// TestE2ERuleToFunction: a matching event is not delivered while the
// function's policy does not allow events.amazonaws.com for the rule (the
// refusal is logged under the PutEvents request id), nor with a permission
// for another rule; with the rule's permission it arrives in AWS's shape.
// Events the pattern does not match and a disabled rule deliver nothing.
func TestE2ERuleToFunction(t *testing.T) {
	servertest.NeedPython(t)
	env := servertest.Start(t)
	ctx := context.Background()
	c := ebClient(env, servertest.AccountA)
	rec := servertest.NewRecorder(t, env, servertest.AccountA, "eb-recorder")
	ruleARN := putRule(t, c, "orders", `{"source":["shop.orders"],"detail":{"total":[{"numeric":[">",100]}]}}`)
	putTarget(t, c, "orders", "fn", rec.FunctionARN)

	_, rid := putEvent(t, c, "shop.orders", "Order Placed", `{"total":150}`)
	if d := env.WaitDecision(t, rid, "lambda:InvokeFunction", "events.amazonaws.com", 5*time.Second); d.Decision == "Allowed" || d.Resource != rec.FunctionARN {
		t.Fatalf("decision %+v", d)
	}
	lc := lambda.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("other"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"),
		SourceArn: aws.String("arn:aws:events:us-east-1:" + a + ":rule/other")}); err != nil {
		t.Fatal(err)
	}
	_, rid = putEvent(t, c, "shop.orders", "Order Placed", `{"total":150}`)
	if d := env.WaitDecision(t, rid, "lambda:InvokeFunction", "events.amazonaws.com", 5*time.Second); d.Decision == "Allowed" {
		t.Fatalf("decision %+v", d)
	}
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("orders"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"), SourceArn: aws.String(ruleARN)}); err != nil {
		t.Fatal(err)
	}

	// Not matched: nothing is asked.
	_, rid = putEvent(t, c, "shop.orders", "Order Placed", `{"total":50}`)
	for _, d := range env.Decisions(t, rid) {
		if d.Action == "lambda:InvokeFunction" {
			t.Fatalf("unmatched event delivered: %+v", d)
		}
	}
	asked := env.CountDecisions(t, "lambda:InvokeFunction", "events.amazonaws.com")
	id, _ := putEvent(t, c, "shop.orders", "Order Placed", `{"total":150,"items":["book"]}`)
	got := rec.WaitFor(t, id, 60*time.Second)
	var ev deliveredEvent
	if err := json.Unmarshal(got.Event, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Version != "0" || ev.ID != id || ev.DetailType != "Order Placed" || ev.Source != "shop.orders" || ev.Account != a ||
		ev.Region != "us-east-1" || len(ev.Resources) != 1 || ev.Detail["total"] != float64(150) {
		t.Fatalf("event %s", got.Event)
	}
	if _, err := time.Parse(time.RFC3339, ev.Time); err != nil {
		t.Fatalf("time %q", ev.Time)
	}
	for _, k := range []string{"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} {
		if !strings.Contains(string(got.Event), `"`+k+`"`) {
			t.Fatalf("event lacks %s: %s", k, got.Event)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(rec.Events(t)); n != 1 {
		t.Fatalf("%d events delivered, want 1", n)
	}
	// Authorized once (issue #10), under the PutEvents request id.
	if n := env.CountDecisions(t, "lambda:InvokeFunction", "events.amazonaws.com") - asked; n != 1 {
		t.Fatalf("the delivery was authorized %d times, want once", n)
	}

	// Disabled: nothing.
	if _, err := c.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	_, rid = putEvent(t, c, "shop.orders", "Order Placed", `{"total":150}`)
	for _, d := range env.Decisions(t, rid) {
		if d.Action == "lambda:InvokeFunction" {
			t.Fatalf("disabled rule delivered: %+v", d)
		}
	}
}

// TestE2ECrossAccountTarget: a rule in B targets a function in A; A's
// function policy decides, with the rule's ARN as aws:SourceArn.
func TestE2ECrossAccountTarget(t *testing.T) {
	servertest.NeedPython(t)
	env := servertest.Start(t)
	ctx := context.Background()
	cb := ebClient(env, servertest.AccountB)
	rec := servertest.NewRecorder(t, env, servertest.AccountA, "eb-cross")
	ruleARN := putRule(t, cb, "to-a", `{"source":["b.app"]}`)
	putTarget(t, cb, "to-a", "a-fn", rec.FunctionARN)

	_, rid := putEvent(t, cb, "b.app", "Ping", `{}`)
	if d := env.WaitDecision(t, rid, "lambda:InvokeFunction", "events.amazonaws.com", 5*time.Second); d.Decision == "Allowed" {
		t.Fatalf("decision %+v", d)
	}
	if _, err := lambda.NewFromConfig(env.Root(servertest.AccountA)).AddPermission(ctx, &lambda.AddPermissionInput{
		FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("b-rule"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("events.amazonaws.com"), SourceArn: aws.String(ruleARN)}); err != nil {
		t.Fatal(err)
	}
	id, _ := putEvent(t, cb, "b.app", "Ping", `{"n":1}`)
	var ev deliveredEvent
	json.Unmarshal(rec.WaitFor(t, id, 60*time.Second).Event, &ev)
	if ev.Account != b || ev.Source != "b.app" {
		t.Fatalf("event %+v", ev)
	}
}

func TestRuleAPI(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	c := ebClient(env, servertest.AccountA)

	_, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r")})
	wantAPIError(t, err, "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
	_, err = c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":"x"}`)})
	wantAPIError(t, err, "InvalidEventPatternException", `Event pattern is not valid. Reason: "source" must be an object or an array`)
	_, err = c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad name"), EventPattern: aws.String(`{}`)})
	wantAPIError(t, err, "ValidationException", `1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`)
	_, err = c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("s"), ScheduleExpression: aws.String("rate(5 parsecs)")})
	wantAPIError(t, err, "ValidationException", "")
	if _, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("sched"), ScheduleExpression: aws.String("rate(5 minutes)")}); err != nil {
		t.Fatal(err)
	}

	arn := putRule(t, c, "r", `{"source":["a"]}`)
	if arn != "arn:aws:events:us-east-1:"+a+":rule/r" {
		t.Fatalf("RuleArn %s", arn)
	}
	d, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r")})
	if err != nil || aws.ToString(d.Arn) != arn || d.State != types.RuleStateEnabled || aws.ToString(d.EventBusName) != "default" || aws.ToString(d.CreatedBy) != a {
		t.Fatalf("DescribeRule %+v %v", d, err)
	}
	_, err = c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus default.")
	_, err = c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r"), EventBusName: aws.String("custom")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus custom does not exist.")

	for i := 0; i < 5; i++ {
		putTarget(t, c, "r", fmt.Sprint("t", i), "arn:aws:lambda:us-east-1:"+a+":function:f")
	}
	_, err = c.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: []types.Target{{Id: aws.String("t5"), Arn: aws.String("arn:aws:lambda:us-east-1:" + a + ":function:f")}}})
	wantAPIError(t, err, "LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	_, err = c.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), Targets: []types.Target{{Id: aws.String("!@#$@!#$"), Arn: aws.String("x")}}})
	wantAPIError(t, err, "ValidationException", `1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+`)
	_, err = c.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("nope"), Targets: []types.Target{{Id: aws.String("x"), Arn: aws.String("x")}}})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus default.")
	lt, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("r")})
	if err != nil || len(lt.Targets) != 5 {
		t.Fatalf("ListTargetsByRule %+v %v", lt, err)
	}
	_, err = c.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("r")})
	wantAPIError(t, err, "ValidationException", "Rule can't be deleted since it has targets.")
	if _, err := c.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("r"), Ids: []string{"t0", "t1", "t2", "t3", "t4"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("r")}); err != nil {
		t.Fatal(err)
	}

	for i := 0; i < 5; i++ {
		putRule(t, c, fmt.Sprint("page-", i), `{"source":["a"]}`)
	}
	names := allPages(t, func(token *string) ([]string, *string, error) {
		out, err := c.ListRules(ctx, &eventbridge.ListRulesInput{NamePrefix: aws.String("page-"), Limit: aws.Int32(2), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		var names []string
		for _, r := range out.Rules {
			names = append(names, aws.ToString(r.Name))
		}
		return names, out.NextToken, nil
	})
	if strings.Join(names, ",") != "page-0,page-1,page-2,page-3,page-4" {
		t.Fatalf("ListRules pages: %v", names)
	}

	out, err := c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{DetailType: aws.String("x"), Detail: aws.String("{}")},
		{Source: aws.String("s"), DetailType: aws.String("x"), Detail: aws.String("{}")},
	}})
	if err != nil || out.FailedEntryCount != 1 || aws.ToString(out.Entries[0].ErrorCode) != "InvalidArgument" ||
		aws.ToString(out.Entries[0].ErrorMessage) != "Parameter Source is not valid. Reason: Source is a required argument." || aws.ToString(out.Entries[1].EventId) == "" {
		t.Fatalf("PutEvents %+v %v", out, err)
	}
	_, err = c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{Source: aws.String("s"), DetailType: aws.String("x"), Detail: aws.String(`{"x":"` + strings.Repeat("y", 262144) + `"}`)}}})
	wantAPIError(t, err, "ValidationException", "Total size of the entries in the request is over the limit.")

	tp, err := c.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"detail":{"n":[{"numeric":["<",3]}]}}`),
		Event: aws.String(`{"id":"1","source":"s","detail-type":"t","account":"` + a + `","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"n":2}}`)})
	if err != nil || !tp.Result {
		t.Fatalf("TestEventPattern %+v %v", tp, err)
	}
}

// TestRuleAccess: an IAM user needs events:PutRule; the denial is
// AccessDeniedException with AWS's text.
func TestRuleAccess(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	key, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	c := eventbridge.NewFromConfig(env.Config(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""))
	_, err = c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":["a"]}`)})
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::"+a+":user/dev is not authorized to perform: events:PutRule on resource: arn:aws:events:us-east-1:"+a+":rule/r because no identity-based policy allows the events:PutRule action")
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"events:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(`{"source":["a"]}`)}); err != nil {
		t.Fatal(err)
	}
}

// TestRulesSurviveRestart: rules and targets are in the store.
func TestRulesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	c := ebClient(env, servertest.AccountA)
	putRule(t, c, "kept", `{"detail":{"n":[{"numeric":[">",1]}]}}`)
	putTarget(t, c, "kept", "t", "arn:aws:lambda:us-east-1:"+a+":function:f")
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	out, err := ebClient(env, servertest.AccountA).ListTargetsByRule(context.Background(), &eventbridge.ListTargetsByRuleInput{Rule: aws.String("kept")})
	if err != nil || len(out.Targets) != 1 {
		t.Fatalf("after restart: %+v %v", out, err)
	}
}

// TestE2EScheduledRule: a rate(1 minute) rule sends AWS's Scheduled Event
// to its function once a minute of the server's clock has passed, through
// the same permission check as any other event.
func TestE2EScheduledRule(t *testing.T) {
	servertest.NeedPython(t)
	clock := &testClock{t: time.Now()}
	env := servertest.Start(t, servertest.Options{Now: clock.now})
	ctx := context.Background()
	c := ebClient(env, servertest.AccountA)
	rec := servertest.NewRecorder(t, env, servertest.AccountA, "eb-sched")
	out, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("every-minute"), ScheduleExpression: aws.String("rate(1 minute)")})
	if err != nil {
		t.Fatal(err)
	}
	putTarget(t, c, "every-minute", "fn", rec.FunctionARN)
	if _, err := lambda.NewFromConfig(env.Root(servertest.AccountA)).AddPermission(ctx, &lambda.AddPermissionInput{
		FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("sched"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("events.amazonaws.com"), SourceArn: out.RuleArn}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond) // the scheduler sees the rule
	if n := len(rec.Events(t)); n != 0 {
		t.Fatalf("%d events before the first minute", n)
	}
	clock.advance(61 * time.Second)
	got := rec.Wait(t, 1, 60*time.Second)
	var ev deliveredEvent
	if err := json.Unmarshal(got[0].Event, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Source != "aws.events" || ev.DetailType != "Scheduled Event" || len(ev.Resources) != 1 || ev.Resources[0] != aws.ToString(out.RuleArn) || len(ev.Detail) != 0 {
		t.Fatalf("scheduled event %s", got[0].Event)
	}
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// allPages follows a listing's NextToken to its end and returns the names
// of every page, in order.
func allPages(t testing.TB, page func(token *string) ([]string, *string, error)) []string {
	t.Helper()
	var all []string
	var token *string
	for {
		names, next, err := page(token)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, names...)
		if token = next; token == nil {
			return all
		}
	}
}
