package logs_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// These tests invoke real functions (a Python handler run by seki's
// runtime) and check that their logs reach CloudWatch Logs exactly when the
// execution role allows it, as in AWS.

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const pyLogger = `
import logging
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("cold start line")

def handler(event, context):
    print("hello from", context.function_name)
    logger.info("structured info\nsecond line")
    return {"ok": True}
`

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
}

func zipOf(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte(body))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type fnEnv struct {
	t    *testing.T
	env  *servertest.Env
	iam  *iam.Client
	lam  *lambda.Client
	logs *cloudwatchlogs.Client
}

func newFnEnv(t *testing.T) *fnEnv {
	needPython(t)
	env := servertest.Start(t)
	cfg := env.Root(servertest.AccountA)
	return &fnEnv{t: t, env: env, iam: iam.NewFromConfig(cfg), lam: lambda.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg)}
}

// function creates a role with the given managed and inline policies and a
// Python function that uses it.
func (e *fnEnv) function(name string, managed []string, inline string) {
	e.t.Helper()
	role, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name + "-role"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, arn := range managed {
		if _, err := e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: role.Role.RoleName, PolicyArn: aws.String(arn)}); err != nil {
			e.t.Fatal(err)
		}
	}
	if inline != "" {
		if _, err := e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: role.Role.RoleName, PolicyName: aws.String("logs"), PolicyDocument: aws.String(inline)}); err != nil {
			e.t.Fatal(err)
		}
	}
	_, err = e.lam.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: ltypes.RuntimePython312, Role: role.Role.Arn, Handler: aws.String("app.handler"),
		Code: &ltypes.FunctionCode{ZipFile: zipOf(e.t, "app.py", pyLogger)},
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// invoke calls the function with LogType=Tail and returns the invocation's
// request id and its tail.
func (e *fnEnv) invoke(name string) (string, string) {
	e.t.Helper()
	out, err := e.lam.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{}`), LogType: ltypes.LogTypeTail})
	if err != nil {
		e.t.Fatal(err)
	}
	if out.FunctionError != nil {
		e.t.Fatalf("function error: %s", out.Payload)
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	return id, string(tail)
}

// explained waits for `seki explain REQUEST_ID` to show every want.
func (e *fnEnv) explained(id string, want ...string) string {
	e.t.Helper()
	var out, errOut bytes.Buffer
	deadline := time.Now().Add(10 * time.Second)
	for {
		out.Reset()
		errOut.Reset()
		if explain.Run(e.env.DataDir, id, &out, &errOut) == 0 {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(out.String(), w)
			}
			if ok {
				return out.String()
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("explain %s:\n%s%s\nwant %q", id, out.String(), errOut.String(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// messages waits until the group holds events mentioning id, with the END
// line (delivery is asynchronous), and returns them.
func (e *fnEnv) messages(group, id string) []string {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := e.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
		var msgs []string
		if err == nil {
			for _, ev := range out.Events {
				msgs = append(msgs, *ev.Message)
			}
			if strings.Contains(strings.Join(msgs, "\n"), "REPORT RequestId: "+id) {
				return msgs
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no logs for %s in %s: %v %q", id, group, err, msgs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFunctionLogsDelivered(t *testing.T) {
	e := newFnEnv(t)
	e.function("allowed", []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}, "")
	id, tail := e.invoke("allowed")
	if !strings.Contains(tail, "hello from allowed") || strings.Contains(tail, "INIT_START") || !strings.Contains(tail, "structured info\rsecond line") {
		t.Fatalf("tail %q", tail)
	}
	msgs := e.messages("/aws/lambda/allowed", id)
	joined := strings.Join(msgs, "\n")
	// A new environment's log opens with INIT_START, naming the runtime
	// version that GetFunction's RuntimeVersionConfig names.
	if len(msgs) == 0 || !regexp.MustCompile(`^INIT_START Runtime Version: [a-z]+:[0-9.a-z]+\.v1\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$`).MatchString(msgs[0]) {
		t.Errorf("the log does not open with INIT_START: %q", msgs)
	}
	for _, want := range []string{
		"START RequestId: " + id + " Version: $LATEST",
		"hello from allowed",
		// One event, its lines apart: the runtime's \r is CloudWatch's \n.
		"structured info\nsecond line",
		"END RequestId: " + id,
		"REPORT RequestId: " + id + "\tDuration: ",
		"Billed Duration: ", "Memory Size: 128 MB", "Max Memory Used: ", "Init Duration: ",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("logs lack %q:\n%s", want, joined)
		}
	}
	// The stream is the environment's, named as Lambda names them.
	streams, err := e.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/allowed")})
	if err != nil || len(streams.LogStreams) != 1 ||
		!regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`).MatchString(*streams.LogStreams[0].LogStreamName) {
		t.Fatalf("streams: %v %+v", err, streams)
	}
	// The delivery was authorized as the role session, under the
	// invocation's request id.
	e.explained(id, "arn:aws:sts::111111111111:assumed-role/allowed-role/allowed asked to logs:CreateLogGroup on arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/allowed:log-stream:",
		"logs:PutLogEvents", "Decision: Allowed")

	// A warm second invocation adds to the same stream without creating.
	id2, _ := e.invoke("allowed")
	msgs = e.messages("/aws/lambda/allowed", id2)
	if n := strings.Count(strings.Join(msgs, "\n"), "START RequestId: "); n != 2 {
		t.Fatalf("%d START lines: %q", n, msgs)
	}
	out := e.explained(id2, "logs:PutLogEvents")
	if strings.Contains(out, "logs:CreateLogGroup") || strings.Contains(out, "logs:CreateLogStream") {
		t.Fatalf("warm delivery created again:\n%s", out)
	}
}

func TestFunctionLogsDenied(t *testing.T) {
	e := newFnEnv(t)
	// No logs permissions at all: nothing is delivered, and explain shows
	// the CreateLogGroup denial.
	e.function("silent", nil, "")
	id, tail := e.invoke("silent")
	// LogType=Tail never depends on the role.
	if !strings.Contains(tail, "hello from silent") || !strings.Contains(tail, "END RequestId: "+id) {
		t.Fatalf("tail %q", tail)
	}
	e.explained(id, "asked to logs:CreateLogGroup on arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/silent:log-stream:",
		"Decision: ImplicitlyDenied", "because no identity-based policy allows the logs:CreateLogGroup action")
	groups, err := e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil || len(groups.LogGroups) != 0 {
		t.Fatalf("groups: %v %+v", err, groups)
	}

	// The group exists (created by an administrator) and the role may
	// create streams but not put events: the stream is created, no event
	// is stored, and explain shows the PutLogEvents denial.
	mustCreateGroup(t, e.logs, "/aws/lambda/mute")
	e.function("mute", nil, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:CreateLogStream","Resource":"arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/mute:*"}]}`)
	id, _ = e.invoke("mute")
	e.explained(id, "logs:CreateLogStream", "asked to logs:PutLogEvents on arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/mute:log-stream:",
		"because no identity-based policy allows the logs:PutLogEvents action")
	streams, err := e.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/mute")})
	if err != nil || len(streams.LogStreams) != 1 || streams.LogStreams[0].LastEventTimestamp != nil {
		t.Fatalf("streams: %v %+v", err, streams)
	}
	ev, err := e.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/mute")})
	if err != nil || len(ev.Events) != 0 {
		t.Fatalf("events: %v %+v", err, ev)
	}

	// The console's least-privilege policy (CreateLogGroup on the account,
	// stream actions on the group's ARN with :*) is enough.
	e.function("scoped", nil, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"arn:aws:logs:us-east-1:111111111111:*"},
		{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/scoped:*"]}]}`)
	id, _ = e.invoke("scoped")
	e.messages("/aws/lambda/scoped", id)
}

// Logs survive a restart, and a function's last lines are stored even when
// the server stops right after the invocation: the runtime hands over its
// queued batches and the writer commits them before the store closes.
func TestFunctionLogsSurviveShutdown(t *testing.T) {
	e := newFnEnv(t)
	e.function("brief", []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}, "")
	id, _ := e.invoke("brief")
	e.env.Stop()

	env := servertest.Start(t, servertest.Options{DataDir: e.env.DataDir})
	c := cloudwatchlogs.NewFromConfig(env.Root(servertest.AccountA))
	out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/brief")})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, ev := range out.Events {
		msgs = append(msgs, *ev.Message)
	}
	joined := strings.Join(msgs, "\n")
	if !strings.Contains(joined, "START RequestId: "+id) || !strings.Contains(joined, "REPORT RequestId: "+id) {
		t.Fatalf("after restart: %q", msgs)
	}
}
