package s3_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/s3"
)

// fakeFunctions is Lambda as S3 sees it: functions with resource-based
// policies, evaluated by the real policy engine for the service principal
// s3.amazonaws.com, as Lambda's own check does.
type fakeFunctions struct {
	mu       sync.Mutex
	policies map[string]*policy.Policy // function ARN → resource policy (nil: no policy)
	invoked  chan invocation
	denied   []string
}

type invocation struct {
	function, sourceARN, sourceAccount string
	payload                            []byte
}

func newFakeFunctions() *fakeFunctions {
	return &fakeFunctions{policies: map[string]*policy.Policy{}, invoked: make(chan invocation, 100)}
}

// add registers a function whose policy lets S3 invoke it from the given
// bucket ARN pattern and account (empty: no condition).
func (f *fakeFunctions) add(t testing.TB, fn, sourceArn, sourceAccount string) {
	t.Helper()
	cond := map[string]any{}
	if sourceArn != "" {
		cond["ArnLike"] = map[string]string{"AWS:SourceArn": sourceArn}
	}
	if sourceAccount != "" {
		cond["StringEquals"] = map[string]string{"AWS:SourceAccount": sourceAccount}
	}
	stmt := map[string]any{"Sid": "s3invoke", "Effect": "Allow", "Principal": map[string]string{"Service": "s3.amazonaws.com"},
		"Action": "lambda:InvokeFunction", "Resource": fn}
	if len(cond) > 0 {
		stmt["Condition"] = cond
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": []any{stmt}})
	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		t.Fatalf("function policy: %v", err)
	}
	f.mu.Lock()
	f.policies[fn] = p
	f.mu.Unlock()
}

func (f *fakeFunctions) addWithoutPolicy(fn string) {
	f.mu.Lock()
	f.policies[fn] = nil
	f.mu.Unlock()
}

func (f *fakeFunctions) remove(fn string) {
	f.mu.Lock()
	delete(f.policies, fn)
	f.mu.Unlock()
}

var errNotFound = awserr.Code{Name: "ResourceNotFoundException", Status: 404}

func (f *fakeFunctions) check(fn, sourceARN, sourceAccount string) error {
	f.mu.Lock()
	p, ok := f.policies[fn]
	f.mu.Unlock()
	if !ok {
		return errNotFound.New("Function not found: " + fn)
	}
	ctx := policy.NewContext(2)
	ctx.Set("aws:SourceArn", sourceARN)
	ctx.Set("aws:SourceAccount", sourceAccount)
	req := &policy.Request{Principal: &policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"},
		Action: "lambda:InvokeFunction", Resource: fn, Context: ctx}
	d := policy.Evaluate(req, &policy.Set{Resource: p})
	if !d.Allowed() {
		return errors.New(d.Message(req))
	}
	return nil
}

func (f *fakeFunctions) CheckInvoke(ctx context.Context, requestID, fn, sourceARN, sourceAccount string) error {
	return f.check(fn, sourceARN, sourceAccount)
}

func (f *fakeFunctions) InvokeAsync(ctx context.Context, requestID, fn, sourceARN, sourceAccount string, payload []byte) error {
	if err := f.check(fn, sourceARN, sourceAccount); err != nil {
		f.mu.Lock()
		f.denied = append(f.denied, fn)
		f.mu.Unlock()
		return err
	}
	f.invoked <- invocation{fn, sourceARN, sourceAccount, payload}
	return nil
}

func (f *fakeFunctions) next(t testing.TB) invocation {
	t.Helper()
	select {
	case inv := <-f.invoked:
		return inv
	case <-time.After(5 * time.Second):
		t.Fatal("no invocation within 5s")
	}
	return invocation{}
}

func (f *fakeFunctions) none(t testing.TB, wait time.Duration) {
	t.Helper()
	select {
	case inv := <-f.invoked:
		t.Fatalf("unexpected invocation of %s: %s", inv.function, inv.payload)
	case <-time.After(wait):
	}
}

var _ s3.Functions = (*fakeFunctions)(nil)

const fnARN = "arn:aws:lambda:us-east-1:111111111111:function:image-processor"

func notifEnv(t *testing.T) (*env, *fakeFunctions) {
	f := newFakeFunctions()
	return newEnv(t, envOptions{funcs: f}), f
}

func lambdaConfig(id, fn string, events []types.Event, prefix, suffix string) types.LambdaFunctionConfiguration {
	c := types.LambdaFunctionConfiguration{LambdaFunctionArn: aws.String(fn), Events: events}
	if id != "" {
		c.Id = aws.String(id)
	}
	var rules []types.FilterRule
	if prefix != "" {
		rules = append(rules, types.FilterRule{Name: types.FilterRuleNamePrefix, Value: aws.String(prefix)})
	}
	if suffix != "" {
		rules = append(rules, types.FilterRule{Name: types.FilterRuleNameSuffix, Value: aws.String(suffix)})
	}
	if rules != nil {
		c.Filter = &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: rules}}
	}
	return c
}

func putNotif(c *awss3.Client, bucket string, cfgs ...types.LambdaFunctionConfiguration) error {
	_, err := c.PutBucketNotificationConfiguration(context.Background(), &awss3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(bucket), NotificationConfiguration: &types.NotificationConfiguration{LambdaFunctionConfigurations: cfgs}})
	return err
}

func TestNotificationValidation(t *testing.T) {
	e, f := notifEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "uploads")
	mustCreateBucket(t, a, "other-bucket")
	created := []types.Event{"s3:ObjectCreated:*"}

	// No such function.
	err := putNotif(a, "uploads", lambdaConfig("c1", fnARN, created, "", ".jpg"))
	if msg := wantCode(t, err, "InvalidArgument"); msg != "Unable to validate the following destination configurations" {
		t.Fatalf("message %q", msg)
	}
	fields := errorFields(t, e, "uploads", lambdaConfig("c1", fnARN, created, "", ".jpg"))
	// As AWS: a missing function reads as one S3 may not invoke
	// (test_s3_notifications_lambda.snapshot.json#test_invalid_lambda_arn).
	if fields["ArgumentName1"] != fnARN+", null" || fields["ArgumentValue1"] != "Not authorized to invoke function ["+fnARN+"]" {
		t.Fatalf("missing function fields %v", fields)
	}

	// A function without a policy for S3.
	f.addWithoutPolicy(fnARN)
	fields = errorFields(t, e, "uploads", lambdaConfig("c1", fnARN, created, "", ".jpg"))
	if fields["ArgumentName1"] != fnARN+", null" || fields["ArgumentValue1"] != "Not authorized to invoke function ["+fnARN+"]" {
		t.Fatalf("unauthorized fields %v", fields)
	}

	// A policy for another bucket.
	f.add(t, fnARN, "arn:aws:s3:::other-bucket", accountA)
	fields = errorFields(t, e, "uploads", lambdaConfig("c1", fnARN, created, "", ".jpg"))
	if fields["ArgumentValue1"] != "Not authorized to invoke function ["+fnARN+"]" {
		t.Fatalf("other bucket fields %v", fields)
	}

	// The right policy.
	f.add(t, fnARN, "arn:aws:s3:::uploads", accountA)
	if err := putNotif(a, "uploads", lambdaConfig("c1", fnARN, created, "", ".jpg")); err != nil {
		t.Fatalf("valid configuration: %v", err)
	}
	got, err := a.GetBucketNotificationConfiguration(ctx, &awss3.GetBucketNotificationConfigurationInput{Bucket: aws.String("uploads")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.LambdaFunctionConfigurations) != 1 {
		t.Fatalf("stored %+v", got)
	}
	lc := got.LambdaFunctionConfigurations[0]
	if aws.ToString(lc.Id) != "c1" || aws.ToString(lc.LambdaFunctionArn) != fnARN || lc.Events[0] != "s3:ObjectCreated:*" ||
		lc.Filter.Key.FilterRules[0].Name != "Suffix" || aws.ToString(lc.Filter.Key.FilterRules[0].Value) != ".jpg" {
		t.Fatalf("round trip %+v", lc)
	}

	// Overlapping configurations are refused; a missing Id is generated.
	err = putNotif(a, "uploads", lambdaConfig("", fnARN, created, "", ".jpg"), lambdaConfig("", fnARN, []types.Event{"s3:ObjectCreated:Put"}, "img/", ""))
	if msg := wantCode(t, err, "InvalidArgument"); !strings.Contains(msg, "Configurations overlap") {
		t.Fatalf("overlap: %s", msg)
	}
	if err := putNotif(a, "uploads", lambdaConfig("", fnARN, created, "a/", ""), lambdaConfig("", fnARN, created, "b/", "")); err != nil {
		t.Fatalf("disjoint prefixes: %v", err)
	}
	got, _ = a.GetBucketNotificationConfiguration(ctx, &awss3.GetBucketNotificationConfigurationInput{Bucket: aws.String("uploads")})
	if len(got.LambdaFunctionConfigurations) != 2 || aws.ToString(got.LambdaFunctionConfigurations[0].Id) == "" {
		t.Fatalf("generated ids %+v", got.LambdaFunctionConfigurations)
	}
	err = putNotif(a, "uploads", lambdaConfig("", fnARN, []types.Event{"s3:ObjectCreated:Bogus"}, "", ""))
	wantCode(t, err, "InvalidArgument")
	// An empty configuration removes it.
	if err := putNotif(a, "uploads"); err != nil {
		t.Fatal(err)
	}
	got, _ = a.GetBucketNotificationConfiguration(ctx, &awss3.GetBucketNotificationConfigurationInput{Bucket: aws.String("uploads")})
	if len(got.LambdaFunctionConfigurations) != 0 {
		t.Fatalf("not cleared: %+v", got)
	}
}

// errorFields sends a configuration with a raw signed request, to read the
// ArgumentName/ArgumentValue members the SDK does not expose.
func errorFields(t *testing.T, e *env, bucket string, cfg types.LambdaFunctionConfiguration) map[string]string {
	t.Helper()
	rec := &bodyRecorder{c: e.httpClient()}
	c := e.rootA(func(o *awss3.Options) { o.HTTPClient = rec })
	err := putNotif(c, bucket, cfg)
	wantCode(t, err, "InvalidArgument")
	return errorXMLFields(t, rec.last)
}

// bodyRecorder keeps the last response body, for assertions on members
// the SDK does not surface.
type bodyRecorder struct {
	c    *http.Client
	last []byte
}

func (b *bodyRecorder) Do(r *http.Request) (*http.Response, error) {
	resp, err := b.c.Do(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	b.last = body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// errorXMLFields reads the children of an S3 <Error> document.
func errorXMLFields(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var doc struct {
		Fields []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	m := map[string]string{}
	for _, f := range doc.Fields {
		m[f.XMLName.Local] = f.Value
	}
	return m
}

func TestNotificationDelivery(t *testing.T) {
	e, f := notifEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "uploads")
	f.add(t, fnARN, "arn:aws:s3:::uploads", accountA)
	if err := putNotif(a, "uploads",
		lambdaConfig("created", fnARN, []types.Event{"s3:ObjectCreated:*"}, "images/", ".jpg"),
		lambdaConfig("removed", fnARN, []types.Event{"s3:ObjectRemoved:*"}, "images/", ".jpg")); err != nil {
		t.Fatal(err)
	}
	alice := e.client(e.user(accountA, "alice", allow(`["s3:PutObject","s3:DeleteObject"]`, `"*"`)))
	out, err := alice.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("images/red flower+1.jpg"), Body: strings.NewReader("jpeg bytes")})
	if err != nil {
		t.Fatal(err)
	}
	inv := f.next(t)
	if inv.function != fnARN || inv.sourceARN != "arn:aws:s3:::uploads" || inv.sourceAccount != accountA {
		t.Fatalf("invocation %+v", inv)
	}
	var ev struct {
		Records []struct {
			EventVersion, EventSource, AwsRegion, EventTime, EventName string
			UserIdentity                                               struct{ PrincipalID string }
			RequestParameters                                          struct{ SourceIPAddress string }
			ResponseElements                                           map[string]string
			S3                                                         struct {
				S3SchemaVersion, ConfigurationID string
				Bucket                           struct {
					Name          string
					OwnerIdentity struct{ PrincipalID string }
					Arn           string
				}
				Object struct {
					Key       string
					Size      *int64
					ETag      string
					Sequencer string
				}
			}
		}
	}
	if err := json.Unmarshal(inv.payload, &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("payload %s: %v", inv.payload, err)
	}
	r := ev.Records[0]
	if r.EventVersion != "2.1" || r.EventSource != "aws:s3" || r.AwsRegion != "us-east-1" || r.EventName != "ObjectCreated:Put" {
		t.Fatalf("record header %+v", r)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", r.EventTime); err != nil {
		t.Fatalf("eventTime %q", r.EventTime)
	}
	if r.UserIdentity.PrincipalID != "AWS:AIDAALICE" || r.RequestParameters.SourceIPAddress != "127.0.0.1" {
		t.Fatalf("identity %+v %+v", r.UserIdentity, r.RequestParameters)
	}
	if len(r.ResponseElements["x-amz-request-id"]) != 16 || r.ResponseElements["x-amz-id-2"] == "" {
		t.Fatalf("responseElements %v", r.ResponseElements)
	}
	if r.S3.S3SchemaVersion != "1.0" || r.S3.ConfigurationID != "created" || r.S3.Bucket.Name != "uploads" ||
		r.S3.Bucket.Arn != "arn:aws:s3:::uploads" || r.S3.Bucket.OwnerIdentity.PrincipalID == "" {
		t.Fatalf("s3 %+v", r.S3)
	}
	if r.S3.Object.Key != "images/red+flower%2B1.jpg" || r.S3.Object.Size == nil || *r.S3.Object.Size != 10 ||
		`"`+r.S3.Object.ETag+`"` != aws.ToString(out.ETag) || r.S3.Object.Sequencer == "" {
		t.Fatalf("object %+v", r.S3.Object)
	}
	// Not matching the filters: nothing.
	put(t, a, "uploads", "images/readme.txt", "x")
	put(t, a, "uploads", "docs/a.jpg", "x")
	f.none(t, 200*time.Millisecond)

	// Copy and multipart completion are ObjectCreated events too; delete
	// is ObjectRemoved:Delete without size or ETag.
	if _, err := a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("uploads"), Key: aws.String("images/copy.jpg"), CopySource: aws.String("uploads/docs/a.jpg")}); err != nil {
		t.Fatal(err)
	}
	if n := eventName(t, f.next(t)); n != "ObjectCreated:Copy" {
		t.Fatalf("copy event %s", n)
	}
	cu, _ := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("uploads"), Key: aws.String("images/mpu.jpg")})
	p, _ := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("uploads"), Key: aws.String("images/mpu.jpg"), UploadId: cu.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("p")})
	if _, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("uploads"), Key: aws.String("images/mpu.jpg"), UploadId: cu.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: p.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	if n := eventName(t, f.next(t)); n != "ObjectCreated:CompleteMultipartUpload" {
		t.Fatalf("multipart event %s", n)
	}
	if _, err := alice.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("uploads"), Key: aws.String("images/copy.jpg")}); err != nil {
		t.Fatal(err)
	}
	del := f.next(t)
	if n := eventName(t, del); n != "ObjectRemoved:Delete" || strings.Contains(string(del.payload), `"size"`) || strings.Contains(string(del.payload), `"eTag"`) {
		t.Fatalf("delete event %s", del.payload)
	}

	// When the function's policy no longer allows the bucket, the event is
	// not delivered.
	f.add(t, fnARN, "arn:aws:s3:::someone-else", accountA)
	put(t, a, "uploads", "images/late.jpg", "x")
	f.none(t, 300*time.Millisecond)
	f.mu.Lock()
	denied := len(f.denied)
	f.mu.Unlock()
	if denied != 1 {
		t.Fatalf("%d refused deliveries, want 1", denied)
	}
}

func eventName(t *testing.T, inv invocation) string {
	t.Helper()
	var ev struct{ Records []struct{ EventName string } }
	if err := json.Unmarshal(inv.payload, &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("payload %s", inv.payload)
	}
	return ev.Records[0].EventName
}

// TestNotificationOutboxSurvivesRestart: events written with an object but
// not yet handed to Lambda are delivered after a restart.
func TestNotificationOutboxSurvivesRestart(t *testing.T) {
	e, f := notifEnv(t)
	a := e.rootA()
	mustCreateBucket(t, a, "uploads")
	f.add(t, fnARN, "arn:aws:s3:::uploads", accountA)
	if err := putNotif(a, "uploads", lambdaConfig("c", fnARN, []types.Event{"s3:ObjectCreated:Put"}, "", "")); err != nil {
		t.Fatal(err)
	}
	// Lambda goes away: the dispatcher drops nothing it cannot hand over
	// while stopped, so stop it first.
	e.svc.Stop(context.Background())
	put(t, a, "uploads", "pending.jpg", "x")
	e.restart() // re-opens with e.funcs wired
	if inv := f.next(t); !strings.Contains(string(inv.payload), "pending.jpg") {
		t.Fatalf("payload %s", inv.payload)
	}
}
