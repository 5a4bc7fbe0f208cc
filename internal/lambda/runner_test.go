package lambda_test

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/lambda"
)

// echoRunner is a Runner that returns what it was given, so the tests can
// see the spec Lambda hands to the runtime.
type echoRunner struct {
	mu    sync.Mutex
	specs []*lambda.FunctionSpec
}

func (r *echoRunner) Run(ctx context.Context, spec *lambda.FunctionSpec, req *lambda.InvokeRequest) (*lambda.InvokeResult, error) {
	r.mu.Lock()
	r.specs = append(r.specs, spec)
	r.mu.Unlock()
	if _, err := os.Stat(spec.CodePath); err != nil {
		return nil, err
	}
	if req.InvocationType == "Event" {
		return &lambda.InvokeResult{StatusCode: 202}, nil
	}
	if string(req.Payload) == `"fail"` {
		return &lambda.InvokeResult{StatusCode: 200, FunctionError: "Unhandled", Payload: []byte(`{"errorMessage":"boom"}`), LogResult: "bG9n"}, nil
	}
	return &lambda.InvokeResult{StatusCode: 200, Payload: req.Payload}, nil
}

func TestInvokeThroughRunner(t *testing.T) {
	r := &echoRunner{}
	e := newEnv(t, r)
	c := e.client("ROOTA")
	ctx := context.Background()
	_, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: aws.String(roleA),
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)},
		Environment: &types.Environment{Variables: map[string]string{"KEY": "v"}}, MemorySize: aws.Int32(256), Timeout: aws.Int32(7)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`{"x":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 200 || string(out.Payload) != `{"x":1}` || *out.ExecutedVersion != "$LATEST" || out.FunctionError != nil {
		t.Fatalf("invoke: %+v", out)
	}
	sp := r.specs[0]
	if sp.FunctionARN != fnARN || sp.Version != "$LATEST" || sp.Runtime != "python3.12" || sp.Handler != "index.handler" || sp.MemoryMB != 256 ||
		sp.Timeout != 7 || sp.Environment["KEY"] != "v" || sp.RoleARN != roleA || sp.Account != acctA || sp.Region != region || sp.LogGroup != "/aws/lambda/f" {
		b, _ := json.Marshal(sp)
		t.Fatalf("spec: %s", b)
	}
	out, err = c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`"fail"`), LogType: types.LogTypeTail})
	if err != nil || *out.FunctionError != "Unhandled" || *out.LogResult != "bG9n" {
		t.Fatalf("function error: %v %+v", err, out)
	}
	out, err = c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{}`)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("event: %v %+v", err, out)
	}
	_, err = c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`{not json`)})
	apiErr(t, err, "InvalidRequestContentException", "")

	// Alias routing: the executed version is reported.
	c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(8)})
	c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}}})
	seen := map[string]int{}
	for i := 0; i < 200; i++ {
		out, err := c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f:live"), Payload: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		seen[*out.ExecutedVersion]++
	}
	if seen["1"] < 50 || seen["2"] < 50 || len(seen) != 2 {
		t.Fatalf("routing split %v", seen)
	}
	last := r.specs[len(r.specs)-1]
	if last.InvokedARN != fnARN+":live" {
		t.Fatalf("invoked arn %s", last.InvokedARN)
	}
}

// TestWarmInvokeReusesSpec: Lambda builds a version's FunctionSpec once and
// hands the same one to every invoke until something in Lambda is written;
// then the next invoke sees the change. Versions an alias routes to are
// cached the same way.
func TestWarmInvokeReusesSpec(t *testing.T) {
	r := &echoRunner{}
	e := newEnv(t, r)
	c := e.client("ROOTA")
	ctx := context.Background()
	if _, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: aws.String(roleA),
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, Timeout: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	invoke := func(name string) *lambda.FunctionSpec {
		t.Helper()
		if _, err := c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.specs[len(r.specs)-1]
	}
	first := invoke("f")
	if again := invoke("f"); again != first {
		t.Fatal("a warm invoke built its spec again")
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(9)}); err != nil {
		t.Fatal(err)
	}
	if sp := invoke("f"); sp == first || sp.Timeout != 9 || first.Timeout != 7 {
		t.Fatalf("after an update: same spec %v, timeout %d (first %d)", sp == first, sp.Timeout, first.Timeout)
	}

	c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(11)})
	c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	if _, err := c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}}}); err != nil {
		t.Fatal(err)
	}
	byVersion := map[string]*lambda.FunctionSpec{}
	for i := 0; i < 100; i++ {
		sp := invoke("f:live")
		if prev, ok := byVersion[sp.Version]; ok && prev != sp {
			t.Fatalf("version %s: spec built again", sp.Version)
		}
		byVersion[sp.Version] = sp
	}
	if len(byVersion) != 2 || byVersion["1"].Timeout != 9 || byVersion["2"].Timeout != 11 {
		t.Fatalf("routed specs: %d versions, %+v", len(byVersion), byVersion)
	}
}

// TestTaggingKeepsEnvironments: tagging, publishing and policy changes give
// $LATEST a new RevisionId, as AWS's does (test_tag_lifecycle,
// test_function_revisions_version_and_alias), but not new code or
// configuration, so the runtime is handed the same revision (its pool
// key) and keeps the warm environments; an update hands it a new one.
func TestTaggingKeepsEnvironments(t *testing.T) {
	r := &echoRunner{}
	e := newEnv(t, r)
	c := e.client("ROOTA")
	ctx := context.Background()
	if _, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: "python3.12", Role: aws.String(roleA),
		Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}}); err != nil {
		t.Fatal(err)
	}
	revs := func() (shown, run string) {
		t.Helper()
		g, err := c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		return *g.Configuration.RevisionId, r.specs[len(r.specs)-1].RevisionId
	}
	shown0, run0 := revs()
	steps := []struct {
		name string
		do   func() error
	}{
		{"TagResource", func() error {
			_, err := c.TagResource(ctx, &sdk.TagResourceInput{Resource: aws.String(fnARN), Tags: map[string]string{"a": "b"}})
			return err
		}},
		{"PublishVersion", func() error {
			_, err := c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
			return err
		}},
		{"AddPermission", func() error {
			_, err := c.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("s"),
				Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com")})
			return err
		}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		shown, run := revs()
		if shown == shown0 || run != run0 {
			t.Fatalf("after %s: RevisionId %s (before %s), runtime's revision %s (before %s)", s.name, shown, shown0, run, run0)
		}
		shown0 = shown
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(9)}); err != nil {
		t.Fatal(err)
	}
	if shown, run := revs(); shown == shown0 || run == run0 {
		t.Fatalf("after an update: RevisionId %s (before %s), runtime's revision %s (before %s)", shown, shown0, run, run0)
	}
}
