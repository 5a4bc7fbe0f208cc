package analyze

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/seki-dev/seki/internal/policy"
)

// bigExport is an account of n functions, each with its own role of ten
// statements (10·n statements in all), its own table, bucket, queue, topic
// and log group, and a resource policy letting its bucket invoke it.
func bigExport(n int) *Export {
	const a = "111111111111"
	x := &Export{Account: a, Region: "us-east-1", Notifications: map[string]NotificationConfig{}}
	for i := range n {
		fn := fmt.Sprintf("fn-%d", i)
		next := fmt.Sprintf("%d", (i+1)%n)
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:%[1]s:log-group:/aws/lambda/%[2]s:*"},
{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:us-east-1:%[1]s:table/t-%[3]d"},
{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-%[3]d/*"},
{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b-%[3]d"},
{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:%[1]s:table/t-%[4]s"},
{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:%[1]s:function:fn-%[4]s"},
{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:%[1]s:q-%[3]d"},
{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:%[1]s:topic-%[3]d"},
{"Effect":"Allow","Action":"dynamodb:UpdateItem","Resource":"arn:aws:dynamodb:us-east-1:%[1]s:table/t-%[3]d","Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["k"]}}},
{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`, a, fn, i, next)
		role := fmt.Sprintf("arn:aws:iam::%s:role/r-%d", a, i)
		x.Auth.RoleDetailList = append(x.Auth.RoleDetailList, RoleDetail{RoleName: fmt.Sprintf("r-%d", i), Arn: role,
			AssumeRolePolicyDocument: PolicyText(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			RolePolicyList:           []InlinePolicy{{PolicyName: "p", PolicyDocument: PolicyText(doc)}}})
		farn := fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:%s", a, fn)
		x.Functions = append(x.Functions, FunctionConfig{FunctionName: fn, FunctionArn: farn, Role: role})
		x.Policies = append(x.Policies, Document{Policy: fmt.Sprintf(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"%s","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b-%d"},"StringEquals":{"AWS:SourceAccount":"%s"}}}]}`, farn, i, a)})
		x.Buckets = append(x.Buckets, fmt.Sprintf("b-%d", i))
		x.Tables = append(x.Tables, fmt.Sprintf("t-%d", i))
		x.Queues = append(x.Queues, fmt.Sprintf("arn:aws:sqs:us-east-1:%s:q-%d", a, i))
		x.Topics = append(x.Topics, fmt.Sprintf("arn:aws:sns:us-east-1:%s:topic-%d", a, i))
	}
	return x
}

func TestBigExportReach(t *testing.T) {
	rep := Analyze(Build(bigExport(50)), nil)
	if len(rep.Functions) != 50 || len(rep.Notes) != 0 {
		t.Fatalf("%d entries, notes %v", len(rep.Functions), rep.Notes)
	}
	f := rep.Functions[0]
	got := map[Reach]bool{}
	for _, r := range f.Reach {
		got[r] = true
	}
	// fn-0's role reaches its own table, bucket, queue, topic and log group,
	// fn-1's table (Query) and function (invoke); UpdateItem only under the
	// LeadingKeys condition; DeleteObject never.
	for _, want := range []Reach{
		{Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/t-0"},
		{Action: "dynamodb:Query", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/t-1"},
		{Action: "dynamodb:UpdateItem", Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/t-0", Conditional: true},
		{Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:111111111111:function:fn-1"},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::b-0/*"},
		{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111111111111:q-0"},
		{Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:111111111111:topic-0"},
		{Action: "logs:PutLogEvents", Resource: "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/fn-0"},
	} {
		if !got[want] {
			t.Errorf("reach lacks %+v; has %+v", want, f.Reach)
		}
	}
	if len(f.Reach) != 12 {
		t.Errorf("reach has %d entries, want 12: %+v", len(f.Reach), f.Reach)
	}
	if len(f.Findings) != 0 {
		t.Errorf("findings: %+v", f.Findings)
	}
}

// BenchmarkAnalyze1000 is issue 13's workload: 1,000 functions, 1,000 roles,
// 10,000 role statements (and 1,000 function-policy statements), from the
// parsed export to the report.
func BenchmarkAnalyze1000(b *testing.B) {
	x := bigExport(1000)
	b.ReportAllocs()
	for b.Loop() {
		rep := Analyze(Build(x), nil)
		if len(rep.Functions) != 1000 {
			b.Fatal(len(rep.Functions))
		}
	}
}

// BenchmarkBruteForcePerRole is the baseline issue 13 names: ask `seki
// policy simulate` (ParseSimulation + Run, as the command does) for every
// (action, resource) pair the catalog knows, for one role of the same
// workload. Multiply by 1,000 roles for the whole account.
func BenchmarkBruteForcePerRole(b *testing.B) {
	x := bigExport(1000)
	s := Build(x)
	role := x.Auth.RoleDetailList[0]
	var pairs [][2]string
	a := &analyzer{s: s}
	a.index()
	for typ, specs := range catalog {
		for _, r := range a.byType[typ] {
			for _, sp := range specs {
				on := r.ARN
				if sp.on != nil {
					on = sp.on(r)
				}
				pairs = append(pairs, [2]string{sp.action, on})
			}
		}
	}
	doc := json.RawMessage(role.RolePolicyList[0].PolicyDocument)
	b.ReportMetric(float64(len(pairs)), "pairs/role")
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pairs {
			in, _ := json.Marshal(map[string]any{
				"principal":        "arn:aws:sts::111111111111:assumed-role/r-0/s",
				"action":           p[0],
				"resource":         p[1],
				"identityPolicies": []json.RawMessage{doc},
			})
			sim, err := policy.ParseSimulation(in)
			if err != nil {
				b.Fatal(err)
			}
			sim.Run()
		}
	}
}
