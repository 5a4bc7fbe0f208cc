package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/server"
)

// recorderCode stores every event the function receives, with the time
// its handler started, in the bucket named by RESULTS_BUCKET, under the
// id the source gave the event (an SNS MessageId, an EventBridge event
// id) or else the invocation's request id. It writes with its execution
// role's credentials, through the same door as any caller.
const recorderCode = `import json, os, time, boto3
s3 = boto3.client("s3")
def key(event, context):
    try:
        return event["Records"][0]["Sns"]["MessageId"]
    except (KeyError, IndexError, TypeError):
        pass
    if isinstance(event, dict) and "detail-type" in event:
        return event["id"]
    return context.aws_request_id
def handler(event, context):
    start = time.time()
    s3.put_object(Bucket=os.environ["RESULTS_BUCKET"], Key=key(event, context),
                  Body=json.dumps({"start": start, "event": event}))
`

// Recorder is a real Python function that records the events it is
// invoked with, for tests of event sources (S3, SNS, EventBridge): what
// the function saw is read back from S3.
type Recorder struct {
	FunctionARN string
	Bucket      string
	s3          *s3.Client
}

// Recorded is one event a Recorder received.
type Recorded struct {
	// Start is when the handler started, by the function's clock (Unix
	// seconds).
	Start float64
	Event json.RawMessage
}

// NeedPython skips the test when python3 with boto3 is not installed: the
// Recorder runs as a Python function.
func NeedPython(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Skip("python3 is not installed")
	}
	if exec.Command("python3", "-c", "import boto3").Run() != nil {
		tb.Skip("boto3 is not installed for python3")
	}
}

// S3 returns a path-style S3 client for cfg.
func S3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// NewRecorder creates, in account k, a bucket, an execution role allowed
// to write to it, and the recording function called name.
func NewRecorder(tb testing.TB, e *Env, k server.RootKey, name string) *Recorder {
	tb.Helper()
	ctx := context.Background()
	cfg := e.Root(k)
	bucket := strings.ToLower(name) + "-" + k.Account
	sc := S3(cfg)
	if _, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		tb.Fatalf("CreateBucket: %v", err)
	}
	ic := iam.NewFromConfig(cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name + "-role"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		tb.Fatalf("CreateRole: %v", err)
	}
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name + "-role"), PolicyName: aws.String("results"), PolicyDocument: aws.String(perms)}); err != nil {
		tb.Fatalf("PutRolePolicy: %v", err)
	}
	lc := lambda.NewFromConfig(cfg)
	fn, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Role: role.Role.Arn,
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"), Timeout: aws.Int32(30),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"RESULTS_BUCKET": bucket}},
		Code:        &lambdatypes.FunctionCode{ZipFile: Zip(tb, File{Name: "index.py", Body: recorderCode})}})
	if err != nil {
		tb.Fatalf("CreateFunction: %v", err)
	}
	return &Recorder{FunctionARN: aws.ToString(fn.FunctionArn), Bucket: bucket, s3: sc}
}

// Events returns what the function has recorded so far, oldest first.
func (r *Recorder) Events(tb testing.TB) []Recorded {
	tb.Helper()
	ctx := context.Background()
	out, err := r.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(r.Bucket)})
	if err != nil {
		tb.Fatalf("ListObjectsV2: %v", err)
	}
	var got []Recorded
	for _, o := range out.Contents {
		obj, err := r.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.Bucket), Key: o.Key})
		if err != nil {
			tb.Fatalf("GetObject: %v", err)
		}
		var b bytes.Buffer
		b.ReadFrom(obj.Body)
		obj.Body.Close()
		var rec Recorded
		if err := json.Unmarshal(b.Bytes(), &rec); err != nil {
			tb.Fatalf("recorded %s: %v", b.String(), err)
		}
		got = append(got, rec)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Start < got[j].Start })
	return got
}

// Clear removes what the function has recorded.
func (r *Recorder) Clear(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	out, err := r.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(r.Bucket)})
	if err != nil {
		tb.Fatalf("ListObjectsV2: %v", err)
	}
	for _, o := range out.Contents {
		if _, err := r.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(r.Bucket), Key: o.Key}); err != nil {
			tb.Fatalf("DeleteObject: %v", err)
		}
	}
}

// WaitFor waits until the function has recorded the event with the given
// id (an SNS MessageId, an EventBridge event id) and returns it.
func (r *Recorder) WaitFor(tb testing.TB, id string, timeout time.Duration) Recorded {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		obj, err := r.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(r.Bucket), Key: aws.String(id)})
		if err == nil {
			var rec Recorded
			err = json.NewDecoder(obj.Body).Decode(&rec)
			obj.Body.Close()
			if err != nil {
				tb.Fatalf("recorded %s: %v", id, err)
			}
			return rec
		}
		if time.Now().After(deadline) {
			tb.Fatalf("function %s did not record %s within %v", r.FunctionARN, id, timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// Wait waits until the function has recorded at least n events.
func (r *Recorder) Wait(tb testing.TB, n int, timeout time.Duration) []Recorded {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := r.Events(tb)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("function %s recorded %d events within %v, want %d", r.FunctionARN, len(got), timeout, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Decision is one entry of the decision log, as `seki explain` reads it.
type Decision struct {
	RequestID string `json:"requestId"`
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	Decision  string `json:"decision"`
}

// Decisions returns the decisions the server logged under requestID.
func (e *Env) Decisions(tb testing.TB, requestID string) []Decision {
	tb.Helper()
	return e.decisions(func(d *Decision) bool { return d.RequestID == requestID })
}

// CountDecisions counts the decisions for action by principal in the whole
// log, under any request id: an event authorized twice (once under the
// source's request, once under the invocation's) shows here.
func (e *Env) CountDecisions(tb testing.TB, action, principal string) int {
	tb.Helper()
	return len(e.decisions(func(d *Decision) bool { return d.Action == action && d.Principal == principal }))
}

func (e *Env) decisions(keep func(*Decision) bool) []Decision {
	var out []Decision
	authz.Each(e.DataDir, func(en *authz.Entry) {
		d := Decision{RequestID: en.RequestID, Principal: en.Principal, Action: en.Action, Resource: en.Resource, Decision: en.Decision}
		if keep(&d) {
			out = append(out, d)
		}
	})
	return out
}

// WaitDecision waits until a decision for action by a principal containing
// principal is logged under requestID, and returns it.
func (e *Env) WaitDecision(tb testing.TB, requestID, action, principal string, timeout time.Duration) Decision {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, d := range e.Decisions(tb, requestID) {
			if d.Action == action && strings.Contains(d.Principal, principal) {
				return d
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no %s decision for %s logged under request %s", action, principal, requestID)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
