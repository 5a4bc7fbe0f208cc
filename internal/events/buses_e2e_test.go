package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// busPolicy is a bus policy as DescribeEventBus returns it.
type busPolicy struct {
	Version   string
	Statement []struct {
		Sid       string
		Effect    string
		Principal any
		Action    string
		Resource  string
		Condition map[string]map[string]string
	}
}

func describePolicy(t *testing.T, c *eventbridge.Client, bus string) (busPolicy, bool) {
	t.Helper()
	d, err := c.DescribeEventBus(context.Background(), &eventbridge.DescribeEventBusInput{Name: aws.String(bus)})
	if err != nil {
		t.Fatalf("DescribeEventBus %s: %v", bus, err)
	}
	var p busPolicy
	if d.Policy == nil {
		return p, false
	}
	if err := json.Unmarshal([]byte(*d.Policy), &p); err != nil {
		t.Fatalf("Policy %s: %v", *d.Policy, err)
	}
	return p, true
}

// TestBusAPI follows the LocalStack snapshots of TestEventBus
// (tests/aws/services/events/test_events.snapshot.json): create, describe,
// list, delete, their errors, tags, rules on a custom bus, and the policy
// PutPermission and RemovePermission write.
func TestBusAPI(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	c := ebClient(env, servertest.AccountA)

	cr, err := c.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders"), Description: aws.String("test bus"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("shop")}}})
	busARN := "arn:aws:events:us-east-1:" + a + ":event-bus/orders"
	if err != nil || aws.ToString(cr.EventBusArn) != busARN || aws.ToString(cr.Description) != "test bus" {
		t.Fatalf("CreateEventBus %+v %v", cr, err)
	}
	_, err = c.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", "Event bus orders already exists.")
	d, err := c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(busARN)})
	if err != nil || aws.ToString(d.Name) != "orders" || aws.ToString(d.Arn) != busARN || aws.ToString(d.Description) != "test bus" ||
		d.CreationTime == nil || d.LastModifiedTime == nil || d.Policy != nil {
		t.Fatalf("DescribeEventBus %+v %v", d, err)
	}
	_, err = c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus nope does not exist.")
	if _, err := c.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("nope")}); err != nil {
		t.Fatalf("deleting a missing bus: %v", err)
	}
	_, err = c.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("default")})
	wantAPIError(t, err, "ValidationException", "Cannot delete event bus default.")
	_, err = c.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("bad name")})
	wantAPIError(t, err, "ValidationException", "")

	for _, n := range []string{"orders-2", "orders-3"} {
		if _, err := c.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	names := allPages(t, func(token *string) ([]string, *string, error) {
		l, err := c.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NamePrefix: aws.String("orders"), Limit: aws.Int32(2), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		var names []string
		for _, b := range l.EventBuses {
			names = append(names, aws.ToString(b.Name))
		}
		return names, l.NextToken, nil
	})
	if strings.Join(names, ",") != "orders,orders-2,orders-3" {
		t.Fatalf("ListEventBuses pages: %v", names)
	}
	l, err := c.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	if err != nil || len(l.EventBuses) != 4 || aws.ToString(l.EventBuses[0].Name) != "default" {
		t.Fatalf("ListEventBuses %+v %v", l, err)
	}
	// B sees none of A's buses.
	if l, err := ebClient(env, servertest.AccountB).ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NamePrefix: aws.String("orders")}); err != nil || len(l.EventBuses) != 0 {
		t.Fatalf("B's ListEventBuses %+v %v", l, err)
	}

	// Tags.
	if _, err := c.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(busARN), Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("orders")}, {Key: aws.String("env"), Value: aws.String("test")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &eventbridge.UntagResourceInput{ResourceARN: aws.String(busARN), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(busARN)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "orders" {
		t.Fatalf("ListTagsForResource %+v %v", tags, err)
	}
	_, err = c.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:events:us-east-1:" + a + ":event-bus/gone")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus gone does not exist.")
	// Rules have tags too (tests_tag_untag_resource, TestRuleTags).
	_, err = c.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String("arn:aws:events:us-east-1:" + a + ":rule/gone"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule gone does not exist on EventBus default.")
	tagged, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("tagged"), EventBusName: aws.String("orders"), EventPattern: aws.String(`{"source":["t"]}`),
		Tags: []types.Tag{{Key: aws.String("tag1"), Value: aws.String("value1")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: tagged.RuleArn, Tags: []types.Tag{{Key: aws.String("tag2"), Value: aws.String("value2")}}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := c.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: tagged.RuleArn}); err != nil || len(tags.Tags) != 2 ||
		aws.ToString(tags.Tags[1].Value) != "value2" {
		t.Fatalf("rule tags %+v %v", tags, err)
	}
	if _, err := c.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("tagged"), EventBusName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: tagged.RuleArn})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule tagged does not exist on EventBus orders.")

	// Rules on a custom bus: their ARN has the bus in it, and each bus
	// has its own rules.
	out, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders"), EventPattern: aws.String(`{"source":["shop"]}`)})
	if err != nil || aws.ToString(out.RuleArn) != "arn:aws:events:us-east-1:"+a+":rule/orders/big" {
		t.Fatalf("PutRule %+v %v", out, err)
	}
	putRule(t, c, "big", `{"source":["other"]}`) // the same name on the default bus
	dr, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("big"), EventBusName: aws.String(busARN)})
	if err != nil || aws.ToString(dr.EventBusName) != "orders" || aws.ToString(dr.EventPattern) != `{"source":["shop"]}` {
		t.Fatalf("DescribeRule %+v %v", dr, err)
	}
	lr, err := c.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("orders")})
	if err != nil || len(lr.Rules) != 1 || aws.ToString(lr.Rules[0].Arn) != aws.ToString(out.RuleArn) || aws.ToString(lr.Rules[0].EventBusName) != "orders" {
		t.Fatalf("ListRules %+v %v", lr, err)
	}
	_, err = c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nope"), EventBusName: aws.String("orders")})
	wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus orders.")
	_, err = c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("gone"), EventPattern: aws.String(`{}`)})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus gone does not exist.")
	_, err = c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("tick"), EventBusName: aws.String("orders"), ScheduleExpression: aws.String("rate(5 minutes)")})
	wantAPIError(t, err, "ValidationException", "ScheduleExpression is supported only on the default event bus.")
	if _, err := c.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("big"), EventBusName: aws.String("orders"),
		Targets: []types.Target{{Id: aws.String("t"), Arn: aws.String("arn:aws:lambda:us-east-1:" + a + ":function:f")}}}); err != nil {
		t.Fatal(err)
	}
	lt, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("big"), EventBusName: aws.String("orders")})
	if err != nil || len(lt.Targets) != 1 {
		t.Fatalf("ListTargetsByRule %+v %v", lt, err)
	}
	if lt, err := c.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("big")}); err != nil || len(lt.Targets) != 0 {
		t.Fatalf("the default bus's rule of the same name: %+v %v", lt, err)
	}
	_, err = c.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("orders")})
	wantAPIError(t, err, "ValidationException", "EventBus can't be deleted since it has rules.")
	if _, err := c.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("big"), EventBusName: aws.String("orders"), Ids: []string{"t"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("big"), EventBusName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("big")}); err != nil {
		t.Fatalf("the default bus's rule went with the custom one's: %v", err)
	}

	// Permissions (TestEventBus::test_put_permission, test_remove_permission).
	for _, p := range []struct{ sid, principal string }{{"s1", a}, {"s2", b}, {"s3", "*"}, {"s3", "*"}} {
		if _, err := c.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("orders"), Action: aws.String("events:PutEvents"),
			Principal: aws.String(p.principal), StatementId: aws.String(p.sid)}); err != nil {
			t.Fatalf("PutPermission %s: %v", p.sid, err)
		}
	}
	pol, ok := describePolicy(t, c, "orders")
	if !ok || pol.Version != "2012-10-17" || len(pol.Statement) != 3 {
		t.Fatalf("policy %+v", pol)
	}
	st := pol.Statement[1]
	if st.Sid != "s2" || st.Effect != "Allow" || st.Action != "events:PutEvents" || st.Resource != busARN ||
		st.Principal.(map[string]any)["AWS"] != "arn:aws:iam::"+b+":root" || pol.Statement[2].Principal != "*" {
		t.Fatalf("statement %+v", pol.Statement)
	}
	if _, err := c.PutPermission(ctx, &eventbridge.PutPermissionInput{Action: aws.String("events:PutEvents"), Principal: aws.String("*"),
		StatementId: aws.String("org"), Condition: &types.Condition{Type: aws.String("StringEquals"), Key: aws.String("aws:PrincipalOrgID"), Value: aws.String("o-1234567890")}}); err != nil {
		t.Fatal(err)
	}
	if pol, ok := describePolicy(t, c, "default"); !ok || len(pol.Statement) != 1 || pol.Statement[0].Condition["StringEquals"]["aws:PrincipalOrgID"] != "o-1234567890" ||
		pol.Statement[0].Resource != "arn:aws:events:us-east-1:"+a+":event-bus/default" {
		t.Fatalf("default bus policy %+v", pol)
	}
	_, err = c.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("gone"), Action: aws.String("events:PutEvents"), Principal: aws.String("*"), StatementId: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus gone does not exist.")
	_, err = c.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("orders"), Action: aws.String("events:PutEvents"), Principal: aws.String("12345"), StatementId: aws.String("x")})
	wantAPIError(t, err, "ValidationException", `1 validation error detected: Value '12345' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: (\d{12}|\*)`)
	if _, err := c.RemovePermission(ctx, &eventbridge.RemovePermissionInput{EventBusName: aws.String("orders"), StatementId: aws.String("s1")}); err != nil {
		t.Fatal(err)
	}
	if pol, _ := describePolicy(t, c, "orders"); len(pol.Statement) != 2 || pol.Statement[0].Sid != "s2" {
		t.Fatalf("after RemovePermission %+v", pol)
	}
	_, err = c.RemovePermission(ctx, &eventbridge.RemovePermissionInput{EventBusName: aws.String("orders"), StatementId: aws.String("non-existing-sid")})
	wantAPIError(t, err, "ResourceNotFoundException", "Statement with the provided id does not exist.")
	// The Policy form replaces the whole policy.
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"s5","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"events:ListRules","Resource":"*"}]}`
	if _, err := c.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("orders"), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if pol, _ := describePolicy(t, c, "orders"); len(pol.Statement) != 1 || pol.Statement[0].Sid != "s5" {
		t.Fatalf("after PutPermission with Policy %+v", pol)
	}
	_, err = c.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("orders"), Policy: aws.String(`{"Statement":[{"Effect":"Maybe"}]}`)})
	wantAPIError(t, err, "ValidationException", "")
	if _, err := c.RemovePermission(ctx, &eventbridge.RemovePermissionInput{EventBusName: aws.String("orders"), RemoveAllPermissions: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok := describePolicy(t, c, "orders"); ok {
		t.Fatal("a policy is left after RemoveAllPermissions")
	}
	if _, err := c.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus orders does not exist.")
}

// TestBusesSurviveRestart: buses, their policies and tags, and the rules
// on them are in the store.
func TestBusesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	env := servertest.Start(t, servertest.Options{DataDir: dir})
	ctx := context.Background()
	c := ebClient(env, servertest.AccountA)
	if _, err := c.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("kept"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("kept"), Action: aws.String("events:PutEvents"), Principal: aws.String(b), StatementId: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("kept"), EventPattern: aws.String(`{"source":["x"]}`),
		Tags: []types.Tag{{Key: aws.String("rk"), Value: aws.String("rv")}}}); err != nil {
		t.Fatal(err)
	}
	env.Stop()
	env = servertest.Start(t, servertest.Options{DataDir: dir})
	c = ebClient(env, servertest.AccountA)
	if pol, ok := describePolicy(t, c, "kept"); !ok || len(pol.Statement) != 1 || pol.Statement[0].Sid != "b" {
		t.Fatalf("policy after restart %+v", pol)
	}
	tags, err := c.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:events:us-east-1:" + a + ":event-bus/kept")})
	if err != nil || len(tags.Tags) != 1 {
		t.Fatalf("tags after restart %+v %v", tags, err)
	}
	r, err := c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r"), EventBusName: aws.String("kept")})
	if err != nil || aws.ToString(r.Arn) != "arn:aws:events:us-east-1:"+a+":rule/kept/r" || aws.ToString(r.EventBusName) != "kept" {
		t.Fatalf("rule after restart %+v %v", r, err)
	}
	if tags, err := c.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: r.Arn}); err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "rk" {
		t.Fatalf("rule tags after restart %+v %v", tags, err)
	}
}

func putBusEvent(t *testing.T, c *eventbridge.Client, bus, source, detail string) *eventbridge.PutEventsOutput {
	t.Helper()
	out, err := c.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{
		EventBusName: aws.String(bus), Source: aws.String(source), DetailType: aws.String("Order Placed"), Detail: aws.String(detail)}}})
	if err != nil {
		t.Fatalf("PutEvents to %s: %v", bus, err)
	}
	return out
}

func requestID(out *eventbridge.PutEventsOutput) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	return id
}

// TestE2ECustomBusRuleToFunction: a rule on a custom bus invokes its
// function as events.amazonaws.com with aws:SourceArn = the rule's ARN,
// which has the bus in it: a permission for the default bus's rule of the
// same name does not let it through. Events on the default bus do not
// reach the custom bus's rules.
func TestE2ECustomBusRuleToFunction(t *testing.T) {
	servertest.NeedPython(t)
	env := servertest.Start(t)
	ctx := context.Background()
	c := ebClient(env, servertest.AccountA)
	rec := servertest.NewRecorder(t, env, servertest.AccountA, "eb-bus")
	if _, err := c.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("shop")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("orders"), EventBusName: aws.String("shop"), EventPattern: aws.String(`{"source":["shop.orders"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	ruleARN := aws.ToString(out.RuleArn)
	if ruleARN != "arn:aws:events:us-east-1:"+a+":rule/shop/orders" {
		t.Fatalf("RuleArn %s", ruleARN)
	}
	if _, err := c.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("orders"), EventBusName: aws.String("shop"),
		Targets: []types.Target{{Id: aws.String("fn"), Arn: aws.String(rec.FunctionARN)}}}); err != nil {
		t.Fatal(err)
	}
	lc := lambda.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("default-bus-rule"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"),
		SourceArn: aws.String("arn:aws:events:us-east-1:" + a + ":rule/orders")}); err != nil {
		t.Fatal(err)
	}
	rid := requestID(putBusEvent(t, c, "shop", "shop.orders", `{"n":1}`))
	if d := env.WaitDecision(t, rid, "lambda:InvokeFunction", "events.amazonaws.com", 5*time.Second); d.Decision == "Allowed" || d.Resource != rec.FunctionARN {
		t.Fatalf("delivered under the default bus's rule's permission: %+v", d)
	}
	if _, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN), StatementId: aws.String("shop-bus-rule"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"), SourceArn: aws.String(ruleARN)}); err != nil {
		t.Fatal(err)
	}
	// The default bus has no rule for it: nothing is asked.
	pe, err := c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{
		Source: aws.String("shop.orders"), DetailType: aws.String("Order Placed"), Detail: aws.String(`{"n":2}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range env.Decisions(t, requestID(pe)) {
		if d.Action == "lambda:InvokeFunction" {
			t.Fatalf("an event on the default bus reached the custom bus's rule: %+v", d)
		}
	}
	pe = putBusEvent(t, c, "arn:aws:events:us-east-1:"+a+":event-bus/shop", "shop.orders", `{"n":3}`)
	got := rec.WaitFor(t, aws.ToString(pe.Entries[0].EventId), 60*time.Second)
	var ev deliveredEvent
	if err := json.Unmarshal(got.Event, &ev); err != nil || ev.Source != "shop.orders" || ev.Detail["n"] != float64(3) || ev.Account != a {
		t.Fatalf("event %s %v", got.Event, err)
	}
	if d := env.WaitDecision(t, requestID(pe), "lambda:InvokeFunction", "events.amazonaws.com", 5*time.Second); d.Decision != "Allowed" {
		t.Fatalf("decision %+v", d)
	}
}

// TestE2ECrossAccountPutEvents: a user of account B puts events on A's
// custom bus by its ARN. The door decides with the bus policy as the
// resource policy: without it, or without B's identity policy, the entry
// fails with AccessDeniedException (the request itself succeeds, as
// PutEvents reports denials per entry) and `seki explain` tells why; with
// both, the event reaches A's rule and function, with B as its account.
func TestE2ECrossAccountPutEvents(t *testing.T) {
	servertest.NeedPython(t)
	env := servertest.Start(t)
	ctx := context.Background()
	ca := ebClient(env, servertest.AccountA)
	rec := servertest.NewRecorder(t, env, servertest.AccountA, "eb-xacct")
	if _, err := ca.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	busARN := "arn:aws:events:us-east-1:" + a + ":event-bus/shared"
	out, err := ca.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("from-b"), EventBusName: aws.String("shared"), EventPattern: aws.String(`{"account":["` + b + `"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("from-b"), EventBusName: aws.String("shared"),
		Targets: []types.Target{{Id: aws.String("fn"), Arn: aws.String(rec.FunctionARN)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := lambda.NewFromConfig(env.Root(servertest.AccountA)).AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(rec.FunctionARN),
		StatementId: aws.String("rule"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"), SourceArn: out.RuleArn}); err != nil {
		t.Fatal(err)
	}

	ib := iam.NewFromConfig(env.Root(servertest.AccountB))
	if _, err := ib.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("publisher")}); err != nil {
		t.Fatal(err)
	}
	key, err := ib.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("publisher")})
	if err != nil {
		t.Fatal(err)
	}
	cb := eventbridge.NewFromConfig(env.Config(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""))
	allowB := func(on bool) {
		t.Helper()
		if on {
			if _, err := ib.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("publisher"), PolicyName: aws.String("put"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"events:PutEvents","Resource":"arn:aws:events:*:*:event-bus/*"}]}`)}); err != nil {
				t.Fatal(err)
			}
			return
		}
		if _, err := ib.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("publisher"), PolicyName: aws.String("put")}); err != nil {
			t.Fatal(err)
		}
	}
	user := "arn:aws:iam::" + b + ":user/publisher"
	wantDenied := func(why string) string {
		t.Helper()
		pe := putBusEvent(t, cb, busARN, "b.app", `{}`)
		want := "User: " + user + " is not authorized to perform: events:PutEvents on resource: " + busARN + " because " + why
		if pe.FailedEntryCount != 1 || aws.ToString(pe.Entries[0].ErrorCode) != "AccessDeniedException" || aws.ToString(pe.Entries[0].ErrorMessage) != want ||
			pe.Entries[0].EventId != nil {
			t.Fatalf("PutEvents: %d failed, entry %s: %q; want %q", pe.FailedEntryCount, aws.ToString(pe.Entries[0].ErrorCode), aws.ToString(pe.Entries[0].ErrorMessage), want)
		}
		return requestID(pe)
	}

	// Identity allows, the bus has no policy: denied, and explained.
	allowB(true)
	rid := wantDenied("no resource-based policy allows the events:PutEvents action")
	var explained bytes.Buffer
	if code := explain.Run(env.DataDir, rid, &explained, &explained); code != 0 || !strings.Contains(explained.String(), "events:PutEvents") ||
		!strings.Contains(explained.String(), busARN) || !strings.Contains(explained.String(), "cross-account") ||
		!strings.Contains(explained.String(), "aws events put-permission") {
		t.Fatalf("seki explain %s:\n%s", rid, explained.String())
	}

	if testing.Verbose() {
		t.Logf("seki explain:\n%s", explained.String())
	}

	// The bus policy allows B; B's identity policy is still needed.
	if _, err := ca.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("shared"), Action: aws.String("events:PutEvents"),
		Principal: aws.String(b), StatementId: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	allowB(false)
	wantDenied("no identity-based policy allows the events:PutEvents action")

	// Both: delivered to A's function, with B as the event's account. An
	// entry for B's own default bus in the same request goes there.
	allowB(true)
	pe, err := cb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		{EventBusName: aws.String(busARN), Source: aws.String("b.app"), DetailType: aws.String("Ping"), Detail: aws.String(`{"n":1}`)},
		{Source: aws.String("b.app"), DetailType: aws.String("Ping"), Detail: aws.String(`{"n":2}`)},
	}})
	if err != nil || pe.FailedEntryCount != 0 {
		t.Fatalf("PutEvents %+v %v", pe, err)
	}
	got := rec.WaitFor(t, aws.ToString(pe.Entries[0].EventId), 60*time.Second)
	var ev deliveredEvent
	if err := json.Unmarshal(got.Event, &ev); err != nil || ev.Account != b || ev.Source != "b.app" {
		t.Fatalf("event %s %v", got.Event, err)
	}
	var allowed int
	for _, d := range env.Decisions(t, requestID(pe)) {
		if d.Action == "events:PutEvents" && d.Decision == "Allowed" {
			allowed++
		}
	}
	if allowed != 2 {
		t.Fatalf("%d PutEvents decisions allowed, want one per bus", allowed)
	}

	// A principal-specific statement in the Policy form: another user of
	// B is refused.
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"only-publisher","Effect":"Allow","Principal":{"AWS":"` + user + `"},"Action":"events:PutEvents","Resource":"` + busARN + `"}]}`
	if _, err := ca.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("shared"), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if pe := putBusEvent(t, cb, busARN, "b.app", `{}`); pe.FailedEntryCount != 0 {
		t.Fatalf("the named user was refused: %+v", pe.Entries[0])
	}
	if pe := putBusEvent(t, ebClient(env, servertest.AccountB), busARN, "b.app", `{}`); pe.FailedEntryCount != 1 {
		t.Fatalf("B's root was let in by a statement naming one user: %+v", pe.Entries[0])
	}
}

// TestCrossAccountRules: rule operations name a bus by ARN too, and on
// another account's bus the bus policy is the resource policy of its rules
// (EventBridge User Guide, "Permissions for event buses"): B may put a rule
// on A's bus once A's policy allows it; the rule is A's, created by B.
func TestCrossAccountRules(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	ca, cb := ebClient(env, servertest.AccountA), ebClient(env, servertest.AccountB)
	if _, err := ca.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	busARN := "arn:aws:events:us-east-1:" + a + ":event-bus/shared"
	ruleARN := "arn:aws:events:us-east-1:" + a + ":rule/shared/from-b"
	put := &eventbridge.PutRuleInput{Name: aws.String("from-b"), EventBusName: aws.String(busARN), EventPattern: aws.String(`{"source":["b.app"]}`)}
	_, err := cb.PutRule(ctx, put)
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::"+b+":root is not authorized to perform: events:PutRule on resource: "+ruleARN+
		" because no resource-based policy allows the events:PutRule action")
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"b-rules","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + b + `:root"},` +
		`"Action":["events:PutRule","events:DescribeRule"],"Resource":"arn:aws:events:us-east-1:` + a + `:rule/shared/*"}]}`
	if _, err := ca.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("shared"), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	out, err := cb.PutRule(ctx, put)
	if err != nil || aws.ToString(out.RuleArn) != ruleARN {
		t.Fatalf("PutRule on A's bus: %+v %v", out, err)
	}
	d, err := ca.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("from-b"), EventBusName: aws.String("shared")})
	if err != nil || aws.ToString(d.CreatedBy) != b || aws.ToString(d.Arn) != ruleARN {
		t.Fatalf("A's DescribeRule %+v %v", d, err)
	}
	// The policy allows rules, not deleting them.
	_, err = cb.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("from-b"), EventBusName: aws.String(busARN)})
	wantAPIError(t, err, "AccessDeniedException", "")
	// B's own bus of the same name is another bus.
	_, err = cb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("from-b"), EventBusName: aws.String("shared")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus shared does not exist.")
}

// TestBusPolicyDoesNotGrantASuccessor: a bus policy naming a user is
// stored with the user's unique id, so a user created later under the same
// name is not granted, and DescribeEventBus then shows the id, as AWS's
// resource policies do.
func TestBusPolicyDoesNotGrantASuccessor(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	ca := ebClient(env, servertest.AccountA)
	if _, err := ca.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	busARN := "arn:aws:events:us-east-1:" + a + ":event-bus/shared"
	user := "arn:aws:iam::" + b + ":user/publisher"
	ib := iam.NewFromConfig(env.Root(servertest.AccountB))
	newPublisher := func() *eventbridge.Client {
		t.Helper()
		if _, err := ib.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("publisher")}); err != nil {
			t.Fatal(err)
		}
		if _, err := ib.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("publisher"), PolicyName: aws.String("put"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"events:PutEvents","Resource":"*"}]}`)}); err != nil {
			t.Fatal(err)
		}
		key, err := ib.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("publisher")})
		if err != nil {
			t.Fatal(err)
		}
		return eventbridge.NewFromConfig(env.Config(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""))
	}
	first := newPublisher()
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"p","Effect":"Allow","Principal":{"AWS":"` + user + `"},"Action":"events:PutEvents","Resource":"` + busARN + `"}]}`
	if _, err := ca.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("shared"), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if pol, _ := describePolicy(t, ca, "shared"); pol.Statement[0].Principal.(map[string]any)["AWS"] != user {
		t.Fatalf("policy shows %+v", pol.Statement[0].Principal)
	}
	if pe := putBusEvent(t, first, busARN, "b.app", `{}`); pe.FailedEntryCount != 0 {
		t.Fatalf("the named user was refused: %+v", pe.Entries[0])
	}
	keys, err := ib.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("publisher")})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.AccessKeyMetadata {
		if _, err := ib.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("publisher"), AccessKeyId: k.AccessKeyId}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ib.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("publisher"), PolicyName: aws.String("put")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ib.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("publisher")}); err != nil {
		t.Fatal(err)
	}
	successor := newPublisher()
	if pe := putBusEvent(t, successor, busARN, "b.app", `{}`); pe.FailedEntryCount != 1 || aws.ToString(pe.Entries[0].ErrorCode) != "AccessDeniedException" {
		t.Fatalf("the successor was let in: %+v", pe.Entries[0])
	}
	if pol, _ := describePolicy(t, ca, "shared"); !strings.HasPrefix(pol.Statement[0].Principal.(map[string]any)["AWS"].(string), "AIDA") {
		t.Fatalf("policy shows %+v after the user was deleted", pol.Statement[0].Principal)
	}
}
