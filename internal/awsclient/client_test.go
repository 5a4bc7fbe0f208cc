package awsclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/awsclient"
	"github.com/seki-dev/seki/internal/server/servertest"
	"github.com/seki-dev/seki/internal/sigv4"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// must is for setup and reads that cannot fail in a passing test; a
// failure panics, which fails the test with its stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func client(env *servertest.Env) *awsclient.Client {
	k := servertest.AccountA
	return awsclient.New(awsclient.Config{Endpoint: env.URL, Region: env.Region,
		Credentials: sigv4.Credentials{AccessKeyID: k.AccessKeyID, Secret: k.Secret}})
}

// TestReadsAsTheSDK builds an account with the SDK, more of everything
// that pages than one page holds, and reads it back with the client and
// with the SDK: the answers must agree.
func TestReadsAsTheSDK(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	ic, lc, sc := iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg), s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	c := client(env)

	// IAM: 101 roles (a page is 100), a user in a group, a managed policy
	// with two versions, inline policies, a boundary.
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	pol := must(ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}))
	must(ic.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: aws.String(strings.ReplaceAll(doc, "b/*", "c/*")), SetAsDefault: true}))
	var roleARN string
	for i := range 101 {
		r := must(ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("r%03d", i)), AssumeRolePolicyDocument: aws.String(trust)}))
		roleARN = aws.ToString(r.Role.Arn)
	}
	must(ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r000"), PolicyName: aws.String("in-line"), PolicyDocument: aws.String(doc)}))
	must(ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r000"), PolicyArn: pol.Policy.Arn}))
	must(ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r001"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))
	must(ic.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r001"), PermissionsBoundary: pol.Policy.Arn}))
	must(ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))
	must(ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))
	must(ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("u"), GroupName: aws.String("g")}))
	must(ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("mine"), PolicyDocument: aws.String(doc)}))
	must(ic.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("ours"), PolicyDocument: aws.String(doc)}))
	must(ic.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: pol.Policy.Arn}))

	got := must(c.GetAccountAuthorizationDetails(ctx))
	var want iam.GetAccountAuthorizationDetailsOutput
	pages := 0
	for p := iam.NewGetAccountAuthorizationDetailsPaginator(ic, &iam.GetAccountAuthorizationDetailsInput{}); p.HasMorePages(); pages++ {
		out := must(p.NextPage(ctx))
		want.RoleDetailList = append(want.RoleDetailList, out.RoleDetailList...)
		want.UserDetailList = append(want.UserDetailList, out.UserDetailList...)
		want.GroupDetailList = append(want.GroupDetailList, out.GroupDetailList...)
		want.Policies = append(want.Policies, out.Policies...)
	}
	if pages < 2 {
		t.Fatalf("the SDK read %d page(s); the test needs more than one", pages)
	}
	if len(got.Roles) != len(want.RoleDetailList) || len(got.Roles) < 101 {
		t.Fatalf("%d roles, the SDK %d", len(got.Roles), len(want.RoleDetailList))
	}
	for i, r := range want.RoleDetailList {
		g := got.Roles[i]
		var inline, attached []string
		for _, p := range r.RolePolicyList {
			inline = append(inline, aws.ToString(p.PolicyName)+"="+aws.ToString(p.PolicyDocument))
		}
		for _, p := range r.AttachedManagedPolicies {
			attached = append(attached, aws.ToString(p.PolicyArn))
		}
		var gInline, gAttached []string
		for _, p := range g.RolePolicyList {
			gInline = append(gInline, p.PolicyName+"="+p.PolicyDocument)
		}
		for _, p := range g.AttachedManagedPolicies {
			gAttached = append(gAttached, p.PolicyArn)
		}
		wantBoundary := ""
		if r.PermissionsBoundary != nil {
			wantBoundary = aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
		}
		gotBoundary := ""
		if g.PermissionsBoundary != nil {
			gotBoundary = g.PermissionsBoundary.PermissionsBoundaryArn
		}
		if g.RoleName != aws.ToString(r.RoleName) || g.RoleId != aws.ToString(r.RoleId) || g.Arn != aws.ToString(r.Arn) ||
			g.AssumeRolePolicyDocument != aws.ToString(r.AssumeRolePolicyDocument) || !slices.Equal(gInline, inline) ||
			!slices.Equal(gAttached, attached) || gotBoundary != wantBoundary {
			t.Errorf("role %d: %+v\nthe SDK: %s %s %v %v %s", i, g, aws.ToString(r.RoleName), aws.ToString(r.AssumeRolePolicyDocument), inline, attached, wantBoundary)
		}
	}
	if len(got.Users) != 1 || got.Users[0].UserName != "u" || !slices.Equal(got.Users[0].GroupList, want.UserDetailList[0].GroupList) ||
		len(got.Users[0].UserPolicyList) != 1 || got.Users[0].UserPolicyList[0].PolicyDocument != aws.ToString(want.UserDetailList[0].UserPolicyList[0].PolicyDocument) {
		t.Errorf("users: %+v", got.Users)
	}
	if len(got.Groups) != 1 || got.Groups[0].Arn != aws.ToString(want.GroupDetailList[0].Arn) || len(got.Groups[0].GroupPolicyList) != 1 ||
		len(got.Groups[0].AttachedManagedPolicies) != 1 || got.Groups[0].AttachedManagedPolicies[0].PolicyArn != aws.ToString(pol.Policy.Arn) {
		t.Errorf("groups: %+v", got.Groups)
	}
	if len(got.Policies) != len(want.Policies) || len(got.Policies) == 0 {
		t.Fatalf("%d policies, the SDK %d", len(got.Policies), len(want.Policies))
	}
	for i, p := range want.Policies {
		g := got.Policies[i]
		if g.Arn != aws.ToString(p.Arn) || g.DefaultVersionId != aws.ToString(p.DefaultVersionId) || len(g.PolicyVersionList) != len(p.PolicyVersionList) {
			t.Fatalf("policy %d: %+v", i, g)
		}
		for j, v := range p.PolicyVersionList {
			gv := g.PolicyVersionList[j]
			if gv.Document != aws.ToString(v.Document) || gv.VersionId != aws.ToString(v.VersionId) || gv.IsDefaultVersion != v.IsDefaultVersion {
				t.Errorf("policy %d version %d: %+v", i, j, gv)
			}
		}
	}
	mp := must(c.GetPolicy(ctx, "arn:aws:iam::aws:policy/AdministratorAccess"))
	sdkMP := must(ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}))
	if mp.PolicyName != "AdministratorAccess" || mp.DefaultVersionId != aws.ToString(sdkMP.Policy.DefaultVersionId) {
		t.Errorf("GetPolicy: %+v", mp)
	}
	v := must(c.GetPolicyVersion(ctx, aws.ToString(pol.Policy.Arn), "v2"))
	sdkV := must(ic.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: aws.String("v2")}))
	if v.Document != aws.ToString(sdkV.PolicyVersion.Document) || !v.IsDefaultVersion || v.VersionId != "v2" {
		t.Errorf("GetPolicyVersion: %+v", v)
	}

	// Lambda: a function with 51 aliases (a page is 50), versions and a
	// policy per qualifier.
	zip := servertest.Zip(t, servertest.File{Name: "index.py", Body: "def handler(e, c):\n    return e\n"})
	for _, name := range []string{"f1", "f2"} {
		must(lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: lambdatypes.RuntimePython312,
			Handler: aws.String("index.handler"), Role: aws.String(roleARN), Code: &lambdatypes.FunctionCode{ZipFile: zip}}))
	}
	ver := must(lc.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("f1")}))
	for i := range 51 {
		must(lc.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("f1"), Name: aws.String(fmt.Sprintf("a%02d", i)), FunctionVersion: ver.Version}))
	}
	must(lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("f1"), Qualifier: aws.String("a07"), StatementId: aws.String("s"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com")}))
	fns := must(c.ListFunctions(ctx))
	if len(fns) != 2 || fns[0].FunctionName != "f1" || fns[0].Role != roleARN || fns[0].Runtime != "python3.12" ||
		fns[0].FunctionArn != "arn:aws:lambda:us-east-1:111111111111:function:f1" {
		t.Errorf("ListFunctions: %+v", fns)
	}
	aliases := must(c.ListAliases(ctx, "f1"))
	if len(aliases) != 51 || aliases[0] != "a00" || aliases[50] != "a50" {
		t.Errorf("ListAliases: %d %v", len(aliases), aliases)
	}
	if vs := must(c.ListVersionsByFunction(ctx, "f1")); !slices.Equal(vs, []string{"$LATEST", "1"}) {
		t.Errorf("ListVersionsByFunction: %v", vs)
	}
	fp := must(c.GetFunctionPolicy(ctx, "f1", "a07"))
	sdkFP := must(lc.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("f1"), Qualifier: aws.String("a07")}))
	if fp != aws.ToString(sdkFP.Policy) || !strings.Contains(fp, "s3.amazonaws.com") {
		t.Errorf("GetFunctionPolicy: %s", fp)
	}

	// S3: a bucket with a policy and a notification.
	must(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bk1")}))
	must(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bk2")}))
	bp := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bk1/*"}]}`
	must(sc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("bk1"), Policy: aws.String(bp)}))
	must(lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("f2"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::bk1")}))
	f2 := "arn:aws:lambda:us-east-1:111111111111:function:f2"
	must(sc.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("bk1"),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{
			LambdaFunctionArn: aws.String(f2), Events: []s3types.Event{"s3:ObjectCreated:*"}}}}}))
	if b := must(c.ListBuckets(ctx)); !slices.Equal(b, []string{"bk1", "bk2"}) {
		t.Errorf("ListBuckets: %v", b)
	}
	if p := must(c.GetBucketPolicy(ctx, "bk1")); p != bp {
		t.Errorf("GetBucketPolicy: %s", p)
	}
	n := must(c.GetBucketNotificationConfiguration(ctx, "bk1"))
	if len(n.Lambda) != 1 || n.Lambda[0].FunctionArn != f2 || !slices.Equal(n.Lambda[0].Events, []string{"s3:ObjectCreated:*"}) {
		t.Errorf("GetBucketNotificationConfiguration: %+v", n)
	}

	// The rest of what Fetch lists: tables, log groups, queues, 101 topics
	// (a page is 100).
	dc, lg := dynamodb.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg)
	must(dc.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("tbl"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("k"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("k"), KeyType: ddbtypes.KeyTypeHash}}}))
	must(lg.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/g")}))
	q := must(sqs.NewFromConfig(cfg).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")}))
	snc := sns.NewFromConfig(cfg)
	var topics []string
	for i := range 101 {
		out := must(snc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(fmt.Sprintf("t%03d", i))}))
		topics = append(topics, aws.ToString(out.TopicArn))
	}
	if tb := must(c.ListTables(ctx)); !slices.Equal(tb, []string{"tbl"}) {
		t.Errorf("ListTables: %v", tb)
	}
	if g := must(c.DescribeLogGroups(ctx)); !slices.Contains(g, "/g") {
		t.Errorf("DescribeLogGroups: %v", g)
	}
	if qs := must(c.ListQueues(ctx)); !slices.Equal(qs, []string{aws.ToString(q.QueueUrl)}) {
		t.Errorf("ListQueues: %v", qs)
	}
	gotTopics := must(c.ListTopics(ctx))
	slices.Sort(gotTopics)
	if !slices.Equal(gotTopics, topics) {
		t.Errorf("ListTopics: %d topics, want %d", len(gotTopics), len(topics))
	}
}

// TestErrorsAsTheSDK makes each protocol fail and checks that the client's
// Error says what the SDK's smithy.APIError says: code, message, request
// id, status.
func TestErrorsAsTheSDK(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	c := client(env)
	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	must(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("nopolicy")}))

	cases := []struct {
		name   string
		ours   func() error
		sdk    func() error
		code   string
		status int
	}{
		{"query (IAM)", func() error { _, err := c.GetPolicy(ctx, "arn:aws:iam::111111111111:policy/none"); return err },
			func() error {
				_, err := iam.NewFromConfig(cfg).GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/none")})
				return err
			}, "NoSuchEntity", 404},
		{"JSON 1.0 (DynamoDB)", func() error { _, err := c.TableStatus(ctx, "none"); return err },
			func() error {
				_, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("none")})
				return err
			}, "ResourceNotFoundException", 400},
		{"JSON 1.1 (Logs)", func() error { _, err := c.FilterLogEvents(ctx, "/none", "x", 0); return err },
			func() error {
				_, err := cloudwatchlogs.NewFromConfig(cfg).FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/none"), FilterPattern: aws.String("x"), StartTime: aws.Int64(0)})
				return err
			}, "ResourceNotFoundException", 400},
		{"REST-JSON (Lambda)", func() error { _, err := c.GetFunctionPolicy(ctx, "none", ""); return err },
			func() error {
				_, err := lambda.NewFromConfig(cfg).GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("none")})
				return err
			}, "ResourceNotFoundException", 404},
		{"REST-XML (S3)", func() error { _, err := c.GetBucketPolicy(ctx, "nopolicy"); return err },
			func() error {
				_, err := sc.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("nopolicy")})
				return err
			}, "NoSuchBucketPolicy", 404},
		{"REST-XML no such bucket", func() error { _, err := c.PutObject(ctx, "none", "k", "", []byte("x")); return err },
			func() error {
				_, err := sc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("none"), Key: aws.String("k"), Body: strings.NewReader("x")})
				return err
			}, "NoSuchBucket", 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e *awsclient.Error
			if err := tc.ours(); !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want *awsclient.Error", err, err)
			}
			var ae smithy.APIError
			if err := tc.sdk(); !errors.As(err, &ae) {
				t.Fatalf("the SDK's error %v", err)
			}
			if e.Code != tc.code || e.Code != ae.ErrorCode() || e.Message != ae.ErrorMessage() || e.StatusCode != tc.status {
				t.Errorf("got %s %q (%d), the SDK %s %q", e.Code, e.Message, e.StatusCode, ae.ErrorCode(), ae.ErrorMessage())
			}
			if e.RequestID == "" || awsclient.Code(fmt.Errorf("wrapped: %w", e)) != tc.code {
				t.Errorf("request id %q, Code() %q", e.RequestID, awsclient.Code(e))
			}
			if len(env.Decisions(t, e.RequestID)) == 0 && tc.code != "NoSuchBucket" {
				t.Errorf("request id %s names no decision", e.RequestID)
			}
		})
	}
}

// TestWritesAsTheSDKReads makes what seki demo makes with the client and
// reads it with the SDK.
func TestWritesAsTheSDKReads(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	cfg := env.Root(servertest.AccountA)
	c := client(env)

	id := must(c.GetCallerIdentity(ctx))
	if id.Account != "111111111111" || id.Arn != "arn:aws:iam::111111111111:root" {
		t.Fatalf("GetCallerIdentity: %+v", id)
	}
	if err := c.CreateRole(ctx, "role", trust, "a role: with words & signs"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateRole(ctx, "role", trust, ""); awsclient.Code(err) != "EntityAlreadyExists" {
		t.Fatalf("CreateRole again: %v", err)
	}
	other := strings.ReplaceAll(trust, `"lambda.amazonaws.com"`, `["lambda.amazonaws.com","edgelambda.amazonaws.com"]`)
	if err := c.UpdateAssumeRolePolicy(ctx, "role", other); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"Ab","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a b & c+d"}}}]}`
	if err := c.PutRolePolicy(ctx, "role", "p+q=r", doc); err != nil {
		t.Fatal(err)
	}
	ic := iam.NewFromConfig(cfg)
	r := must(ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("role")}))
	if aws.ToString(r.Role.Description) != "a role: with words & signs" || !strings.Contains(must(url.QueryUnescape(aws.ToString(r.Role.AssumeRolePolicyDocument))), "edgelambda") {
		t.Errorf("role: %+v", r.Role)
	}
	rp := must(ic.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("role"), PolicyName: aws.String("p+q=r")}))
	if must(url.QueryUnescape(aws.ToString(rp.PolicyDocument))) != doc {
		t.Errorf("role policy: %s", aws.ToString(rp.PolicyDocument))
	}

	// DynamoDB: create, wait, items.
	if err := c.CreateTable(ctx, awsclient.CreateTableInput{TableName: "tbl", BillingMode: "PAY_PER_REQUEST",
		AttributeDefinitions: []awsclient.AttributeDefinition{{AttributeName: "key", AttributeType: "S"}},
		KeySchema:            []awsclient.KeyElement{{AttributeName: "key", KeyType: "HASH"}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitTableActive(ctx, "tbl", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	dc := dynamodb.NewFromConfig(cfg)
	must(dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("tbl"), Item: map[string]ddbtypes.AttributeValue{
		"key": &ddbtypes.AttributeValueMemberS{Value: "a b"}, "size": &ddbtypes.AttributeValueMemberN{Value: "706"}}}))
	item := must(c.GetItem(ctx, "tbl", awsclient.Item{"key": awsclient.S("a b")}))
	if !reflect.DeepEqual(item, awsclient.Item{"key": {"S": "a b"}, "size": {"N": "706"}}) {
		t.Errorf("GetItem: %v", item)
	}
	if err := c.DeleteItem(ctx, "tbl", awsclient.Item{"key": awsclient.S("a b")}); err != nil {
		t.Fatal(err)
	}
	if item := must(c.GetItem(ctx, "tbl", awsclient.Item{"key": awsclient.S("a b")})); item != nil {
		t.Errorf("GetItem after DeleteItem: %v", item)
	}

	// Lambda: create, wait, permission, delete.
	zip := servertest.Zip(t, servertest.File{Name: "index.py", Body: "def handler(e, c):\n    return e\n"})
	f, err := c.CreateFunction(ctx, awsclient.CreateFunctionInput{FunctionName: "f", Runtime: "python3.12", Handler: "index.handler",
		Role: "arn:aws:iam::111111111111:role/role", Timeout: 30, Environment: map[string]string{"AB": "b c"}, ZipFile: zip})
	if err != nil {
		t.Fatal(err)
	}
	if f.FunctionArn != "arn:aws:lambda:us-east-1:111111111111:function:f" {
		t.Errorf("CreateFunction: %+v", f)
	}
	if err := c.WaitFunctionActive(ctx, "f", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	lc := lambda.NewFromConfig(cfg)
	conf := must(lc.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("f")}))
	if aws.ToInt32(conf.Timeout) != 30 || conf.Environment.Variables["AB"] != "b c" || aws.ToString(conf.Handler) != "index.handler" || conf.CodeSize != int64(len(zip)) {
		t.Errorf("function: %+v", conf)
	}
	st, err := c.AddPermission(ctx, "f", awsclient.Permission{StatementId: "s3", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com",
		SourceArn: "arn:aws:s3:::bucket", SourceAccount: "111111111111"})
	if err != nil || !strings.Contains(st, `"Sid":"s3"`) || !strings.Contains(st, "111111111111") {
		t.Errorf("AddPermission: %s %v", st, err)
	}

	// S3: bucket, notification, object.
	if err := c.CreateBucket(ctx, "bucket"); err != nil {
		t.Fatal(err)
	}
	nid, err := c.PutBucketNotificationConfiguration(ctx, "bucket", awsclient.Notification{Lambda: []awsclient.LambdaNotification{{
		ID: "jpg", FunctionArn: f.FunctionArn, Events: []string{"s3:ObjectCreated:*"}, Filter: []awsclient.FilterRule{{Name: "suffix", Value: ".jpg"}}}}})
	if err != nil || nid == "" {
		t.Fatalf("PutBucketNotificationConfiguration: %q %v", nid, err)
	}
	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	nc := must(sc.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("bucket")}))
	if len(nc.LambdaFunctionConfigurations) != 1 || aws.ToString(nc.LambdaFunctionConfigurations[0].Id) != "jpg" ||
		aws.ToString(nc.LambdaFunctionConfigurations[0].Filter.Key.FilterRules[0].Value) != ".jpg" {
		t.Errorf("notification: %+v", nc.LambdaFunctionConfigurations)
	}
	if _, err := c.PutBucketNotificationConfiguration(ctx, "bucket", awsclient.Notification{}); err != nil {
		t.Fatal(err)
	}
	if nc := must(sc.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("bucket")})); len(nc.LambdaFunctionConfigurations) != 0 {
		t.Errorf("cleared notification: %+v", nc.LambdaFunctionConfigurations)
	}
	body := []byte("\xff\xd8 a jpeg, or nearly")
	for _, key := range []string{"photos/cat.jpg", "a b+c/ü?#%.jpg"} {
		pid, err := c.PutObject(ctx, "bucket", key, "image/jpeg", body)
		if err != nil || pid == "" {
			t.Fatalf("PutObject %s: %q %v", key, pid, err)
		}
		got := must(sc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)}))
		id, _ := awsmiddleware.GetRequestIDMetadata(got.ResultMetadata)
		if aws.ToString(got.ContentType) != "image/jpeg" || aws.ToInt64(got.ContentLength) != int64(len(body)) || id == pid {
			t.Errorf("object %s: %s %d", key, aws.ToString(got.ContentType), aws.ToInt64(got.ContentLength))
		}
		got.Body.Close()
	}

	if err := c.DeleteFunction(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteFunction(ctx, "f"); awsclient.Code(err) != "ResourceNotFoundException" {
		t.Fatalf("DeleteFunction again: %v", err)
	}
}

// answer is a transport that records where each request went and what
// region signed it, and answers 400 without reaching any network.
type answer func(host, scope string)

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	auth := r.Header.Get("Authorization")
	_, cred, _ := strings.Cut(auth, "Credential=")
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	scope := ""
	if len(parts) == 5 {
		scope = parts[2] + "/" + parts[3]
	}
	a(r.URL.Host, scope)
	return &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

// TestAWSEndpoints: without an Endpoint the client calls AWS itself, each
// service at its own endpoint in the region, IAM at its partition's global
// one, signed for that partition's first region.
func TestAWSEndpoints(t *testing.T) {
	for _, tc := range []struct{ region, service, host, scope string }{
		{"eu-west-3", "sts", "sts.eu-west-3.amazonaws.com", "eu-west-3/sts"},
		{"eu-west-3", "iam", "iam.amazonaws.com", "us-east-1/iam"},
		{"us-east-1", "s3", "s3.us-east-1.amazonaws.com", "us-east-1/s3"},
		{"ap-south-1", "dynamodb", "dynamodb.ap-south-1.amazonaws.com", "ap-south-1/dynamodb"},
		{"cn-north-1", "lambda", "lambda.cn-north-1.amazonaws.com.cn", "cn-north-1/lambda"},
		{"cn-northwest-1", "iam", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1/iam"},
		{"us-gov-east-1", "iam", "iam.us-gov.amazonaws.com", "us-gov-west-1/iam"},
	} {
		var host, scope string
		c := awsclient.New(awsclient.Config{Region: tc.region, Credentials: sigv4.Credentials{AccessKeyID: "AKID", Secret: "s"},
			HTTPClient: &http.Client{Transport: answer(func(h, s string) { host, scope = h, s })}})
		var err error
		switch tc.service {
		case "sts":
			_, err = c.GetCallerIdentity(context.Background())
		case "iam":
			_, err = c.GetPolicy(context.Background(), "arn")
		case "s3":
			_, err = c.ListBuckets(context.Background())
		case "dynamodb":
			_, err = c.ListTables(context.Background())
		case "lambda":
			_, err = c.ListFunctions(context.Background())
		}
		if host != tc.host || scope != tc.scope {
			t.Errorf("%s in %s: %s signed for %s, want %s for %s", tc.service, tc.region, host, scope, tc.host, tc.scope)
		}
		if e := (*awsclient.Error)(nil); !errors.As(err, &e) || e.StatusCode != 400 || e.Code != "BadRequest" {
			t.Errorf("%s: a bodiless 400 gave %v", tc.service, err)
		}
	}
}
