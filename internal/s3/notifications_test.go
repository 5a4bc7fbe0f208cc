package s3_test

import (
	"context"
	"encoding/json"
	"errors"
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
var _ = http.StatusOK
var _ = strings.TrimSpace
var _ = aws.String
var _ = types.EventS3ObjectCreated
var _ awss3.Options
