package logs_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// userClient creates an IAM user in account A with an inline policy and
// returns a CloudWatch Logs client signed with its access key.
func userClient(t *testing.T, env *servertest.Env, name, policy string) *cloudwatchlogs.Client {
	t.Helper()
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return cloudwatchlogs.NewFromConfig(env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, ""))
}

// Every operation is authorized against the resource AWS names in its
// AccessDenied messages, so that policies written for AWS grant and deny
// the same calls here.
func TestAuthorizationResources(t *testing.T) {
	env, root := newClient(t)
	mustCreateGroup(t, root, "/aws/lambda/fn")
	mustCreateStream(t, root, "/aws/lambda/fn", "s")
	nobody := userClient(t, env, "nobody", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)
	deny := func(action, resource string) string {
		return "User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: " + action + " on resource: " + resource +
			" because no identity-based policy allows the " + action + " action"
	}
	const group = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/fn"
	now := time.Now().UnixMilli()
	for _, tc := range []struct {
		action, resource string
		call             func() error
	}{
		{"logs:CreateLogGroup", group + ":log-stream:", func() error {
			_, err := nobody.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/fn")})
			return err
		}},
		{"logs:DeleteLogGroup", group + ":log-stream:", func() error {
			_, err := nobody.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/fn")})
			return err
		}},
		{"logs:DescribeLogGroups", "arn:aws:logs:us-east-1:111111111111:log-group::log-stream:", func() error {
			_, err := nobody.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws")})
			return err
		}},
		{"logs:CreateLogStream", group + ":log-stream:s2", func() error {
			_, err := nobody.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/aws/lambda/fn"), LogStreamName: aws.String("s2")})
			return err
		}},
		{"logs:DescribeLogStreams", group + ":log-stream:", func() error {
			_, err := nobody.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/fn")})
			return err
		}},
		{"logs:PutLogEvents", group + ":log-stream:s", func() error {
			_, err := nobody.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/aws/lambda/fn"), LogStreamName: aws.String("s"), LogEvents: []types.InputLogEvent{ev(now, "x")}})
			return err
		}},
		{"logs:GetLogEvents", group + ":log-stream:s", func() error {
			_, err := nobody.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/fn"), LogStreamName: aws.String("s")})
			return err
		}},
		{"logs:FilterLogEvents", group + ":log-stream:", func() error {
			_, err := nobody.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/fn")})
			return err
		}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			wantErr(t, tc.call(), "AccessDeniedException", deny(tc.action, tc.resource))
		})
	}
	// Authorization comes first: a caller without permission learns
	// nothing about a group that does not exist.
	_, err := nobody.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("missing")})
	wantErr(t, err, "AccessDeniedException", deny("logs:DescribeLogStreams", "arn:aws:logs:us-east-1:111111111111:log-group:missing:log-stream:"))
}

// The documented policy forms work as in AWS: log-group:NAME:* grants the
// group's and its streams' actions, and DescribeLogGroups needs a resource
// that matches log-group::log-stream: ("*" or log-group:*).
func TestAuthorizationPolicies(t *testing.T) {
	env, root := newClient(t)
	mustCreateGroup(t, root, "app-1")
	mustCreateStream(t, root, "app-1", "s")
	mustCreateGroup(t, root, "other")
	reader := userClient(t, env, "reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["logs:DescribeLogStreams","logs:GetLogEvents","logs:FilterLogEvents","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:111111111111:log-group:app-*:*"},
		{"Effect":"Allow","Action":"logs:DescribeLogGroups","Resource":"arn:aws:logs:us-east-1:111111111111:log-group:*"},
		{"Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"arn:aws:logs:us-east-1:111111111111:log-group:app-2"},
		{"Effect":"Deny","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:*:*:log-group:*:log-stream:locked"}]}`)

	if _, err := reader.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{}); err != nil {
		t.Fatalf("DescribeLogGroups: %v", err)
	}
	if _, err := reader.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("app-1")}); err != nil {
		t.Fatalf("DescribeLogStreams: %v", err)
	}
	if _, err := reader.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("app-1")}); err != nil {
		t.Fatalf("FilterLogEvents: %v", err)
	}
	put(t, reader, "app-1", "s", ev(time.Now().UnixMilli(), "hi"))
	if _, err := reader.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("app-1"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatalf("GetLogEvents: %v", err)
	}
	_, err := reader.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("other")})
	wantErr(t, err, "AccessDeniedException", "")
	mustCreateStream(t, root, "app-1", "locked")
	_, err = reader.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("app-1"), LogStreamName: aws.String("locked"), LogEvents: []types.InputLogEvent{ev(time.Now().UnixMilli(), "x")}})
	wantErr(t, err, "AccessDeniedException", "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:us-east-1:111111111111:log-group:app-1:log-stream:locked with an explicit deny in an identity-based policy")
	// A policy on the bare group ARN does not grant CreateLogGroup, which
	// AWS checks against log-group:NAME:log-stream:.
	_, err = reader.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("app-2")})
	wantErr(t, err, "AccessDeniedException", "")

	// Tags on create need logs:TagResource as well.
	tagger := userClient(t, env, "tagger", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"*"}]}`)
	_, err = tagger.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("tagged"), Tags: map[string]string{"team": "a"}})
	wantErr(t, err, "AccessDeniedException", `User with accountId: 111111111111 is not authorized to perform CreateLogGroup with Tags. An additional permission "logs:TagResource" is required.`)
	if _, err := tagger.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("untagged")}); err != nil {
		t.Fatal(err)
	}
	// aws:RequestTag and aws:TagKeys are set on CreateLogGroup.
	cond := userClient(t, env, "cond", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:TagResource"],"Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`)
	if _, err := cond.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("blue"), Tags: map[string]string{"team": "blue"}}); err != nil {
		t.Fatal(err)
	}
	_, err = cond.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("red"), Tags: map[string]string{"team": "red"}})
	wantErr(t, err, "AccessDeniedException", "")
}

// Another account's group, named by ARN, is refused without a resource
// policy (CloudWatch Logs has none here), and the refusal names the
// group's own account.
func TestAuthorizationCrossAccount(t *testing.T) {
	env, root := newClient(t)
	mustCreateGroup(t, root, "shared")
	b := cloudwatchlogs.NewFromConfig(env.Root(servertest.AccountB))
	_, err := b.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:111111111111:log-group:shared")})
	wantErr(t, err, "AccessDeniedException", "")
	var ae interface{ ErrorMessage() string }
	if !errorsAs(err, &ae) || !strings.Contains(ae.ErrorMessage(), "arn:aws:logs:us-east-1:111111111111:log-group:shared:log-stream:") {
		t.Fatalf("message %v", err)
	}
}

// The wire shape of CloudWatch Logs' JSON 1.1 protocol, checked on raw
// signed requests: content type, request id, and errors as
// {"__type":"Code","message":"…"} with the bare code.
func TestWireShape(t *testing.T) {
	env := servertest.Start(t)
	call := func(target, body string) (int, http.Header, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("POST", env.URL+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "Logs_20140328."+target)
		sum := sha256.Sum256([]byte(body))
		creds := aws.Credentials{AccessKeyID: servertest.AccountA.AccessKeyID, SecretAccessKey: servertest.AccountA.Secret}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "logs", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: body %q", target, raw)
		}
		return resp.StatusCode, resp.Header, m
	}

	status, h, m := call("CreateLogGroup", `{"logGroupName":"g"}`)
	if status != 200 || h.Get("Content-Type") != "application/x-amz-json-1.1" || len(h.Get("x-amzn-RequestId")) != 36 || len(m) != 0 {
		t.Fatalf("create: %d %v %v", status, h, m)
	}
	for _, tc := range []struct {
		target, body string
		status       int
		typ, msg     string
	}{
		{"CreateLogGroup", `{"logGroupName":"g"}`, 400, "ResourceAlreadyExistsException", "The specified log group already exists"},
		{"DeleteLogGroup", `{}`, 400, "InvalidParameterException", "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"},
		{"CreateLogStream", `{"logGroupName":"g"}`, 400, "InvalidParameterException", "1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"},
		{"PutLogEvents", `{"logGroupName":"g","logStreamName":"s","logEvents":[{"message":"m"}]}`, 400, "InvalidParameterException", "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must not be null"},
		{"PutLogEvents", `{"logGroupName":"g","logStreamName":"s"}`, 400, "InvalidParameterException", "1 validation error detected: Value null at 'logEvents' failed to satisfy constraint: Member must not be null"},
		{"GetLogEvents", `{"logGroupName":"g"}`, 400, "InvalidParameterException", "1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"},
		{"CreateLogGroup", `{"logGroupName":""}`, 400, "InvalidParameterException", `2 validation errors detected: Value '' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+; Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1`},
		{"CreateLogGroup", `{"logGroupName":5}`, 400, "SerializationException", ""},
		{"CreateLogGroup", `{`, 400, "SerializationException", ""},
		{"NoSuchOperation", `{}`, 400, "UnknownOperationException", ""},
	} {
		status, _, m := call(tc.target, tc.body)
		if status != tc.status || m["__type"] != tc.typ || (tc.msg != "" && m["message"] != tc.msg) {
			t.Errorf("%s %s: %d %v", tc.target, tc.body, status, m)
		}
	}
	// AccessDeniedException is status 400 with a lower-case message member.
	ic := iam.NewFromConfig(env.Root(servertest.AccountA))
	ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	k, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", env.URL+"/", bytes.NewReader([]byte(`{}`)))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Logs_20140328.DescribeLogGroups")
	sum := sha256.Sum256([]byte(`{}`))
	v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: *k.AccessKey.AccessKeyId, SecretAccessKey: *k.AccessKey.SecretAccessKey}, req, hex.EncodeToString(sum[:]), "logs", "us-east-1", time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.HasPrefix(string(raw), `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::111111111111:user/u is not authorized to perform: logs:DescribeLogGroups on resource: arn:aws:logs:us-east-1:111111111111:log-group::log-stream: because`) {
		t.Fatalf("denied: %d %s", resp.StatusCode, raw)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
