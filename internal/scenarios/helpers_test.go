package scenarios_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/examples"
	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

var ctx = context.Background()

func needPython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	// The functions import boto3, which seki provides (`seki runtimes
	// install`), as Lambda does.
	servertest.NeedSDK(t, "python")
}

// example reads a file of examples/.
func example(t testing.TB, name string) string {
	t.Helper()
	b, err := fs.ReadFile(examples.FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	goOnce sync.Once
	goZip  []byte
	goErr  error
)

// goFunction builds examples/image-pipeline/function-go for linux as the
// provided runtime's bootstrap, once, and zips it.
func goFunction(t *testing.T) []byte {
	t.Helper()
	goOnce.Do(func() {
		goZip, goErr = servertest.BuildBootstrap(t, "../../examples/image-pipeline/function-go")
	})
	if goErr != nil {
		t.Fatal(goErr)
	}
	return goZip
}

func s3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// wantAPIError checks an AWS error's code and, when msg is not empty, its
// exact message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// requestID of an AWS error.
func requestID(err error) string {
	var re interface{ ServiceRequestID() string }
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}

// executionRole creates a role that lambda.amazonaws.com may assume, with
// one inline policy.
func executionRole(t testing.TB, c *iam.Client, name, trust, policyName, policy string) string {
	t.Helper()
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(policyName), PolicyDocument: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	return aws.ToString(out.Role.Arn)
}

// createFunction creates a function and returns its ARN.
func createFunction(t testing.TB, c *lambda.Client, in *lambda.CreateFunctionInput) string {
	t.Helper()
	if in.Timeout == nil {
		in.Timeout = aws.Int32(30)
	}
	out, err := c.CreateFunction(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.FunctionArn)
}

// logsMatching waits until the log group has an event containing every
// want (in one event) and returns all the group's messages since start.
func logsMatching(t *testing.T, c *cloudwatchlogs.Client, group string, start time.Time, wants ...string) []string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group),
			StartTime: aws.Int64(start.Add(-time.Second).UnixMilli())})
		var msgs []string
		if err == nil {
			for _, e := range out.Events {
				msgs = append(msgs, aws.ToString(e.Message))
			}
			for _, m := range msgs {
				all := true
				for _, w := range wants {
					all = all && strings.Contains(m, w)
				}
				if all {
					return msgs
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no event with %q in %s: %v\n%s", wants, group, err, strings.Join(msgs, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// explained waits for `seki explain ID` to print every want, and returns
// its output.
func explained(t *testing.T, env *servertest.Env, id string, wants ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	deadline := time.Now().Add(10 * time.Second)
	for {
		out.Reset()
		errOut.Reset()
		if explain.Run(env.DataDir, id, &out, &errOut) == 0 {
			all := true
			for _, w := range wants {
				all = all && strings.Contains(out.String(), w)
			}
			if all {
				return out.String()
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("seki explain %s:\n%s%s\nwant %q", id, out.String(), errOut.String(), wants)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sameJSON reports whether two JSON documents are equal as values.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

// between returns the text after the first occurrence of after, up to
// before.
func between(s, after, before string) string {
	_, rest, ok := strings.Cut(s, after)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, before)
	return v
}
