package analyze_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/seki-dev/seki/internal/analyze"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/server/servertest"
)

const acct = "111111111111"

// world builds, through the AWS SDK against a real seki, an account with one
// case per finding kind and the negative cases beside them.
type world struct {
	t   *testing.T
	env *servertest.Env
	iam *iam.Client
	lam *lambda.Client
	ctx context.Context
}

func (w *world) role(name, trust string, policies map[string]string) string {
	w.t.Helper()
	out, err := w.iam.CreateRole(w.ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		w.t.Fatal(err)
	}
	for pn, doc := range policies {
		if _, err := w.iam.PutRolePolicy(w.ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn), PolicyDocument: aws.String(doc)}); err != nil {
			w.t.Fatal(err)
		}
	}
	return *out.Role.Arn
}

func (w *world) function(name, role string) {
	w.t.Helper()
	zip := servertest.Zip(w.t, servertest.File{Name: "app.py", Body: "def handler(e, c):\n    return e\n"})
	if _, err := w.lam.CreateFunction(w.ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: lambdatypes.RuntimePython312,
		Handler: aws.String("app.handler"), Role: aws.String(role), Code: &lambdatypes.FunctionCode{ZipFile: zip}}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) permission(fn, sid, principal, sourceArn, sourceAccount string) {
	w.t.Helper()
	in := &lambda.AddPermissionInput{FunctionName: aws.String(fn), StatementId: aws.String(sid), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(principal)}
	if sourceArn != "" {
		in.SourceArn = aws.String(sourceArn)
	}
	if sourceAccount != "" {
		in.SourceAccount = aws.String(sourceAccount)
	}
	if _, err := w.lam.AddPermission(w.ctx, in); err != nil {
		w.t.Fatal(err)
	}
}

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func setup(t *testing.T) *world {
	env := servertest.Start(t)
	cfg := env.Root(servertest.AccountA)
	w := &world{t: t, env: env, iam: iam.NewFromConfig(cfg), lam: lambda.NewFromConfig(cfg), ctx: context.Background()}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	for _, b := range []string{"uploads", "other"} {
		if _, err := s3c.CreateBucket(w.ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	ddb := dynamodb.NewFromConfig(cfg)
	if _, err := ddb.CreateTable(w.ctx, &dynamodb.CreateTableInput{TableName: aws.String("meta"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("key"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("key"), KeyType: ddbtypes.KeyTypeHash}}}); err != nil {
		t.Fatal(err)
	}

	// The pipeline's function: a scoped role, S3 allowed with SourceArn and
	// SourceAccount (not a confused deputy). Its trust also lets the
	// account assume it, so the test can use it and leave a decision log.
	processor := w.role("processor", `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`, map[string]string{"p": `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"},
	 {"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:GetItem"],"Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/meta"},
	 {"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/f:*"}]}`})
	w.function("f", processor)
	w.permission("f", "s3-uploads", "s3.amazonaws.com", "arn:aws:s3:::uploads", acct)
	// An alias with a policy of its own is an entry of its own.
	v, err := w.lam.PublishVersion(w.ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.lam.CreateAlias(w.ctx, &lambda.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: v.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.lam.AddPermission(w.ctx, &lambda.AddPermissionInput{FunctionName: aws.String("f"), Qualifier: aws.String("live"),
		StatementId: aws.String("partner"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("222222222222")}); err != nil {
		t.Fatal(err)
	}
	// Topics exist once SNS has them; the role may publish to one.
	topic, err := sns.NewFromConfig(cfg).CreateTopic(w.ctx, &sns.CreateTopicInput{Name: aws.String("done")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.iam.PutRolePolicy(w.ctx, &iam.PutRolePolicyInput{RoleName: aws.String("processor"), PolicyName: aws.String("notify"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"` + *topic.TopicArn + `"}]}`)}); err != nil {
		t.Fatal(err)
	}

	// A careless function: public, another account, a service without source.
	wild := w.role("wild", lambdaTrust, map[string]string{"all-s3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`})
	w.function("open", wild)
	w.permission("open", "everyone", "*", "", "")
	w.permission("open", "other-account", "222222222222", "", "")
	w.permission("open", "any-bucket", "s3.amazonaws.com", "", "")

	// An escalation: deployer may pass the admin role and create functions.
	admin := w.role("admin", lambdaTrust, map[string]string{"all": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/*"}]}`})
	deployer := w.role("deployer", lambdaTrust, map[string]string{"deploy": `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"iam:PassRole","Resource":"` + admin + `"},
	 {"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"}]}`})
	w.function("deploy", deployer)
	return w
}

func analyzeEndpoint(t *testing.T, w *world) *analyze.Report {
	t.Helper()
	x, notes, err := analyze.Fetch(w.ctx, analyze.Endpoint{URL: w.env.URL, Region: "us-east-1",
		AccessKey: servertest.AccountA.AccessKeyID, Secret: servertest.AccountA.Secret})
	if err != nil {
		t.Fatal(err)
	}
	used, err := analyze.ReadUsage(w.env.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	s := analyze.Build(x)
	s.Notes = append(s.Notes, notes...)
	return analyze.Analyze(s, used)
}

func entry(t *testing.T, rep *analyze.Report, name string) analyze.FunctionReport {
	t.Helper()
	for _, f := range rep.Functions {
		if f.ARN == "arn:aws:lambda:us-east-1:111111111111:function:"+name {
			return f
		}
	}
	t.Fatalf("no entry for %s in %+v", name, rep.Functions)
	return analyze.FunctionReport{}
}

func kinds(f analyze.FunctionReport) map[string]int {
	m := map[string]int{}
	for _, fd := range f.Findings {
		m[fd.Kind]++
		if fd.Detail == "" || fd.Fix == "" {
			m["incomplete"]++
		}
	}
	return m
}

func TestAnalyzeFindings(t *testing.T) {
	w := setup(t)
	rep := analyzeEndpoint(t, w)
	if rep.Account != acct {
		t.Fatalf("account %q", rep.Account)
	}

	f := entry(t, rep, "f")
	if f.Role != "arn:aws:iam::111111111111:role/processor" {
		t.Errorf("role %q", f.Role)
	}
	var s3inv *analyze.Invoker
	for i, inv := range f.Invokers {
		if inv.Principal == "s3.amazonaws.com" {
			s3inv = &f.Invokers[i]
		}
	}
	if s3inv == nil || s3inv.Via != "resource-policy" || s3inv.Conditions["aws:SourceArn"] != "arn:aws:s3:::uploads" || s3inv.Conditions["aws:SourceAccount"] != acct {
		t.Errorf("f's S3 invoker: %+v", f.Invokers)
	}
	wantReach := []analyze.Reach{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::uploads/*"},
		{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/meta"},
		{Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/meta"},
		{Action: "logs:CreateLogGroup", Resource: "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/f"},
		{Action: "logs:CreateLogStream", Resource: "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/f"},
		{Action: "logs:PutLogEvents", Resource: "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/f"},
		{Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:111111111111:done"},
	}
	for _, r := range wantReach {
		found := false
		for _, got := range f.Reach {
			found = found || got == r
		}
		if !found {
			t.Errorf("f's reach lacks %+v: %+v", r, f.Reach)
		}
	}
	for _, got := range f.Reach {
		if strings.Contains(got.Resource, "other") || got.Action == "s3:PutObject" {
			t.Errorf("f's reach has %+v, which its role does not allow", got)
		}
	}
	// Negative: a service grant with SourceArn and SourceAccount is no
	// confused deputy, and nothing else is wrong with f.
	if k := kinds(f); len(k) != 0 {
		t.Errorf("f's findings: %+v", f.Findings)
	}

	open := kinds(entry(t, rep, "open"))
	for _, want := range []string{analyze.PublicInvoke, analyze.CrossAccountInvoke, analyze.ConfusedDeputy, analyze.WildcardPermission} {
		if open[want] == 0 {
			t.Errorf("open lacks %s: %+v", want, entry(t, rep, "open").Findings)
		}
	}
	if open["incomplete"] > 0 {
		t.Errorf("a finding lacks its detail or fix: %+v", entry(t, rep, "open").Findings)
	}
	var crossInv bool
	for _, inv := range entry(t, rep, "open").Invokers {
		crossInv = crossInv || (inv.Principal == "arn:aws:iam::222222222222:root" && strings.Contains(inv.Requires, "account 222222222222 must also allow"))
	}
	if !crossInv {
		t.Errorf("the cross-account invoker does not say what the other side must allow: %+v", entry(t, rep, "open").Invokers)
	}

	dep := entry(t, rep, "deploy")
	var esc *analyze.Finding
	for i, fd := range dep.Findings {
		if fd.Kind == analyze.PrivilegeEscalation {
			esc = &dep.Findings[i]
		}
	}
	if esc == nil || len(esc.Path) < 2 || !strings.Contains(esc.Path[0], "role/admin") {
		t.Errorf("deploy's escalation: %+v", dep.Findings)
	}

	// The JSON contract's members.
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var generic struct {
		Account   string `json:"account"`
		Functions []struct {
			ARN      string            `json:"arn"`
			Role     string            `json:"role"`
			Invokers []json.RawMessage `json:"invokers"`
			Reach    []json.RawMessage `json:"reach"`
			Findings []json.RawMessage `json:"findings"`
		} `json:"functions"`
	}
	// The alias with its own policy: its own entry, its own invokers.
	live := entry(t, rep, "f:live")
	if len(live.Invokers) == 0 || live.Invokers[0].Principal != "arn:aws:iam::222222222222:root" || kinds(live)[analyze.CrossAccountInvoke] != 1 {
		t.Errorf("f:live: %+v", live)
	}
	if err := json.Unmarshal(buf.Bytes(), &generic); err != nil || generic.Account != acct || len(generic.Functions) != 4 {
		t.Fatalf("JSON: %v\n%s", err, buf.String())
	}
	for _, format := range []func(*analyze.Report, *bytes.Buffer) error{
		func(r *analyze.Report, b *bytes.Buffer) error { return r.WriteText(b) },
		func(r *analyze.Report, b *bytes.Buffer) error { return r.WriteDot(b) },
		func(r *analyze.Report, b *bytes.Buffer) error { return r.WriteHTML(b) },
	} {
		var b bytes.Buffer
		if err := format(rep, &b); err != nil || !strings.Contains(b.String(), "function:open") {
			t.Errorf("render: %v\n%s", err, b.String())
		}
	}
}

// TestUnusedAndGenerate: once the role's sessions have run, what they never
// used is reported, and the generated policy allows exactly what they did.
func TestUnusedAndGenerate(t *testing.T) {
	w := setup(t)
	root := w.env.Root(servertest.AccountA)
	if _, err := s3.NewFromConfig(root, func(o *s3.Options) { o.UsePathStyle = true }).PutObject(w.ctx, &s3.PutObjectInput{
		Bucket: aws.String("uploads"), Key: aws.String("cat.jpg"), Body: strings.NewReader("meow")}); err != nil {
		t.Fatal(err)
	}
	// Before the role has run, nothing is called unused.
	if k := kinds(entry(t, analyzeEndpoint(t, w), "f")); k[analyze.UnusedPermission] != 0 {
		t.Fatalf("unused before any run: %+v", entry(t, analyzeEndpoint(t, w), "f").Findings)
	}

	// A user of the account assumes the processor role and works as it.
	if _, err := w.iam.CreateUser(w.ctx, &iam.CreateUserInput{UserName: aws.String("runner")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.iam.PutUserPolicy(w.ctx, &iam.PutUserPolicyInput{UserName: aws.String("runner"), PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/processor"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := w.iam.CreateAccessKey(w.ctx, &iam.CreateAccessKeyInput{UserName: aws.String("runner")})
	if err != nil {
		t.Fatal(err)
	}
	as, err := sts.NewFromConfig(w.env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")).AssumeRole(w.ctx,
		&sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/processor"), RoleSessionName: aws.String("fn")})
	if err != nil {
		t.Fatal(err)
	}
	sess := w.env.Config(*as.Credentials.AccessKeyId, *as.Credentials.SecretAccessKey, *as.Credentials.SessionToken)
	if _, err := dynamodb.NewFromConfig(sess).PutItem(w.ctx, &dynamodb.PutItemInput{TableName: aws.String("meta"),
		Item: map[string]ddbtypes.AttributeValue{"key": &ddbtypes.AttributeValueMemberS{Value: "cat.jpg"}}}); err != nil {
		t.Fatal(err)
	}
	obj, err := s3.NewFromConfig(sess, func(o *s3.Options) { o.UsePathStyle = true }).GetObject(w.ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("cat.jpg")})
	if err != nil {
		t.Fatal(err)
	}
	obj.Body.Close()

	f := entry(t, analyzeEndpoint(t, w), "f")
	var unused string
	for _, fd := range f.Findings {
		if fd.Kind == analyze.UnusedPermission {
			unused = fd.Detail
		}
	}
	if !strings.Contains(unused, "dynamodb:GetItem") || !strings.Contains(unused, "logs:PutLogEvents") ||
		strings.Contains(unused, "dynamodb:PutItem") || strings.Contains(unused, "s3:GetObject") {
		t.Fatalf("unused-permission: %q (findings %+v)", unused, f.Findings)
	}

	const processor = "arn:aws:iam::111111111111:role/processor"
	calls, err := analyze.Observed(w.env.DataDir, processor, time.Time{})
	if err != nil || len(calls) != 2 {
		t.Fatalf("Observed: %+v, %v", calls, err)
	}
	// Through the endpoint (seki policy generate --endpoint), as the root
	// user: the same calls; as a user without permission: AccessDenied.
	ep := analyze.Endpoint{URL: w.env.URL, Region: "us-east-1", AccessKey: servertest.AccountA.AccessKeyID, Secret: servertest.AccountA.Secret}
	remote, err := analyze.FetchObserved(w.ctx, ep, processor, time.Time{})
	if err != nil || !reflect.DeepEqual(remote, calls) {
		t.Fatalf("FetchObserved: %+v, %v; want %+v", remote, err, calls)
	}
	ep.AccessKey, ep.Secret = *key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey
	if _, err := analyze.FetchObserved(w.ctx, ep, processor, time.Time{}); err == nil || !strings.Contains(err.Error(), "access-analyzer:StartPolicyGeneration") {
		t.Fatalf("FetchObserved without permission: %v", err)
	}
	doc, err := analyze.Generate(calls)
	if err != nil {
		t.Fatalf("Generate: %v\n%s", err, doc)
	}
	p, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		t.Fatalf("generated policy does not validate: %v\n%s", err, doc)
	}
	who := &policy.Principal{Type: policy.AssumedRole, Account: acct, ARN: "arn:aws:sts::111111111111:assumed-role/processor/fn", RoleARN: "arn:aws:iam::111111111111:role/processor"}
	decide := func(action, resource string) bool {
		return policy.Evaluate(&policy.Request{Principal: who, Action: action, Resource: resource, Context: &policy.Context{}},
			&policy.Set{Identity: []*policy.Policy{p}}).Allowed()
	}
	for _, c := range [][2]string{
		{"dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:111111111111:table/meta"},
		{"s3:GetObject", "arn:aws:s3:::uploads/cat.jpg"},
	} {
		if !decide(c[0], c[1]) {
			t.Errorf("the generated policy does not allow the observed %s on %s:\n%s", c[0], c[1], doc)
		}
	}
	for _, c := range [][2]string{
		{"dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111111111111:table/meta"},
		{"dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:111111111111:table/other"},
		{"s3:GetObject", "arn:aws:s3:::uploads/dog.jpg"},
	} {
		if decide(c[0], c[1]) {
			t.Errorf("the generated policy allows the unobserved %s on %s:\n%s", c[0], c[1], doc)
		}
	}
}
