package analyze

import "strings"

// actionSpec is an action the analysis asks about for one kind of
// resource, and the ARN seki authorizes that action on.
type actionSpec struct {
	action string
	// on gives the ARN the action is authorized on for resource r (the
	// object ARN bucket/* for object actions, the log-stream form for log
	// actions); nil means r.ARN.
	on func(r Resource) string
}

func objects(r Resource) string { return r.ARN + "/*" }

// logStreams is what seki authorizes log actions on.
func logStreams(r Resource) string { return r.ARN + ":log-stream:*" }

// catalog lists, per resource type, the actions a reviewer asks about: what
// code can read and write, and what it can change about permissions.
var catalog = map[string][]actionSpec{
	"bucket": {
		{"s3:ListBucket", nil}, {"s3:GetBucketPolicy", nil}, {"s3:PutBucketPolicy", nil},
		{"s3:PutBucketNotification", nil}, {"s3:DeleteBucket", nil},
		{"s3:GetObject", objects}, {"s3:PutObject", objects}, {"s3:DeleteObject", objects},
	},
	"table": {
		{"dynamodb:GetItem", nil}, {"dynamodb:PutItem", nil}, {"dynamodb:UpdateItem", nil},
		{"dynamodb:DeleteItem", nil}, {"dynamodb:Query", nil}, {"dynamodb:Scan", nil},
		{"dynamodb:BatchGetItem", nil}, {"dynamodb:BatchWriteItem", nil},
		{"dynamodb:DescribeTable", nil}, {"dynamodb:DeleteTable", nil},
	},
	"log-group": {
		{"logs:CreateLogGroup", logStreams}, {"logs:CreateLogStream", logStreams}, {"logs:PutLogEvents", logStreams},
		{"logs:FilterLogEvents", logStreams}, {"logs:DeleteLogGroup", logStreams},
	},
	"function": {
		{"lambda:InvokeFunction", nil}, {"lambda:GetFunction", nil}, {"lambda:UpdateFunctionCode", nil},
		{"lambda:UpdateFunctionConfiguration", nil}, {"lambda:AddPermission", nil}, {"lambda:DeleteFunction", nil},
	},
	"role": {
		{"iam:PassRole", nil}, {"sts:AssumeRole", nil}, {"iam:GetRole", nil}, {"iam:PutRolePolicy", nil},
		{"iam:AttachRolePolicy", nil}, {"iam:UpdateAssumeRolePolicy", nil},
		{"iam:PutRolePermissionsBoundary", nil}, {"iam:DeleteRolePermissionsBoundary", nil},
	},
	"queue": {
		{"sqs:SendMessage", nil}, {"sqs:ReceiveMessage", nil}, {"sqs:DeleteMessage", nil},
		{"sqs:GetQueueAttributes", nil}, {"sqs:SetQueueAttributes", nil},
	},
	"topic": {
		{"sns:Publish", nil}, {"sns:Subscribe", nil}, {"sns:SetTopicAttributes", nil},
	},
	// account: actions on things that do not exist yet. The account's
	// resource is arn:aws:iam::ACCOUNT:root with the region as its Name.
	"account": {
		{"lambda:CreateFunction", func(r Resource) string {
			return "arn:aws:lambda:" + r.Name + ":" + accountOf(r.ARN) + ":function:*"
		}},
		{"iam:CreateRole", func(r Resource) string { return "arn:aws:iam::" + accountOf(r.ARN) + ":role/*" }},
		{"iam:CreatePolicy", func(r Resource) string { return "arn:aws:iam::" + accountOf(r.ARN) + ":policy/*" }},
	},
}

// serviceOf is the resource types each service's actions apply to; an
// action a policy names that the catalog lacks is asked about on these.
var serviceOf = map[string][]string{
	"s3": {"bucket"}, "dynamodb": {"table"}, "logs": {"log-group"}, "lambda": {"function"},
	"iam": {"role"}, "sts": {"role"}, "sqs": {"queue"}, "sns": {"topic"},
}

func service(action string) string {
	s, _, _ := strings.Cut(action, ":")
	return strings.ToLower(s)
}
