package iam

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestSimulatePrincipalPolicy(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("u")})
	ok(t, err)
	inline := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n" +
		"    {\"Effect\": \"Deny\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::secret/*\"}\n  ]\n}"
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("reads"), PolicyDocument: aws.String(inline)})
	ok(t, err)
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")})
	ok(t, err)

	out, err := c.SimulatePrincipalPolicy(bg, &awsiam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::123456789012:user/u"),
		ActionNames:     []string{"s3:GetObject", "s3:PutObject", "lambda:GetFunction"},
		ResourceArns:    []string{"arn:aws:s3:::public/x", "arn:aws:s3:::secret/x"},
	})
	ok(t, err)
	if e.auth.last().Action != "iam:SimulatePrincipalPolicy" || e.auth.last().Resource != "arn:aws:iam::123456789012:user/u" {
		t.Fatalf("authorized %s on %s", e.auth.last().Action, e.auth.last().Resource)
	}
	got := map[string]types.PolicyEvaluationDecisionType{}
	for _, r := range out.EvaluationResults {
		got[aws.ToString(r.EvalActionName)+" "+aws.ToString(r.EvalResourceName)] = r.EvalDecision
	}
	want := map[string]types.PolicyEvaluationDecisionType{
		"s3:GetObject arn:aws:s3:::public/x":       types.PolicyEvaluationDecisionTypeAllowed,
		"s3:GetObject arn:aws:s3:::secret/x":       types.PolicyEvaluationDecisionTypeExplicitDeny,
		"s3:PutObject arn:aws:s3:::public/x":       types.PolicyEvaluationDecisionTypeImplicitDeny,
		"lambda:GetFunction arn:aws:s3:::public/x": types.PolicyEvaluationDecisionTypeAllowed,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	// The matched statements say where they come from and where they are.
	for _, r := range out.EvaluationResults {
		switch aws.ToString(r.EvalActionName) + " " + aws.ToString(r.EvalResourceName) {
		case "s3:GetObject arn:aws:s3:::secret/x":
			if len(r.MatchedStatements) != 1 {
				t.Fatalf("deny matched %+v", r.MatchedStatements)
			}
			m := r.MatchedStatements[0]
			if aws.ToString(m.SourcePolicyId) != "reads" || m.SourcePolicyType != types.PolicySourceTypeUser ||
				aws.ToInt32(&m.StartPosition.Line) != 5 || m.StartPosition.Column != 6 { // one past the brace, as AWS says (test_iam.snapshot.json#test_simulate_principle_policy[role])
				t.Fatalf("deny statement: %s %s %+v", aws.ToString(m.SourcePolicyId), m.SourcePolicyType, m.StartPosition)
			}
		case "lambda:GetFunction arn:aws:s3:::public/x":
			if len(r.MatchedStatements) != 1 || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "AWSLambda_ReadOnlyAccess" ||
				r.MatchedStatements[0].SourcePolicyType != types.PolicySourceTypeAwsManaged {
				t.Fatalf("managed statement: %+v", r.MatchedStatements)
			}
		}
	}

	// Extra policies, a boundary and context keys.
	out, err = c.SimulatePrincipalPolicy(bg, &awsiam.SimulatePrincipalPolicyInput{
		PolicySourceArn:                    aws.String("arn:aws:iam::123456789012:user/u"),
		ActionNames:                        []string{"dynamodb:GetItem", "s3:GetObject"},
		PolicyInputList:                    []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}]}`},
		PermissionsBoundaryPolicyInputList: []string{doc(allow("dynamodb:*", "*"))},
	})
	ok(t, err)
	for _, r := range out.EvaluationResults {
		switch aws.ToString(r.EvalActionName) {
		case "dynamodb:GetItem":
			if r.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || len(r.MissingContextValues) != 1 ||
				r.MissingContextValues[0] != "aws:PrincipalTag/team" {
				t.Fatalf("missing context: %+v", r)
			}
		case "s3:GetObject":
			if r.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || r.PermissionsBoundaryDecisionDetail == nil ||
				r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
				t.Fatalf("boundary: %+v", r)
			}
		}
	}

	_, err = c.SimulatePrincipalPolicy(bg, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:user/ghost"), ActionNames: []string{"s3:GetObject"}})
	wantErr(t, err, "NoSuchEntity", "The user with name ghost cannot be found.")
	_, err = c.SimulatePrincipalPolicy(bg, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:user/u"),
		ActionNames: []string{"s3:GetObject"}, PolicyInputList: []string{"{"}})
	wantErr(t, err, "InvalidInput", "")

	// Roles and groups are simulated with their own policies.
	_, err = c.CreateRole(bg, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	ok(t, err)
	_, err = c.AttachRolePolicy(bg, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(basicExecARN)})
	ok(t, err)
	out, err = c.SimulatePrincipalPolicy(bg, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/r"),
		ActionNames: []string{"logs:CreateLogStream"}})
	ok(t, err)
	if out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || aws.ToString(out.EvaluationResults[0].EvalResourceName) != "*" {
		t.Fatalf("role simulation: %+v", out.EvaluationResults[0])
	}
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	_, err = c.PutGroupPolicy(bg, &awsiam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gp"), PolicyDocument: aws.String(doc(allow("sqs:*", "*")))})
	ok(t, err)
	out, err = c.SimulatePrincipalPolicy(bg, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:group/g"),
		ActionNames: []string{"sqs:SendMessage"}})
	ok(t, err)
	if out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed ||
		out.EvaluationResults[0].MatchedStatements[0].SourcePolicyType != types.PolicySourceTypeGroup {
		t.Fatalf("group simulation: %+v", out.EvaluationResults[0])
	}
}

func TestSimulateCustomPolicy(t *testing.T) {
	e := newEnv(t)
	c := e.root()
	out, err := c.SimulateCustomPolicy(bg, &awsiam.SimulateCustomPolicyInput{
		PolicyInputList: []string{doc(allow("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:f"))},
		ActionNames:     []string{"lambda:InvokeFunction"},
		ResourceArns:    []string{"arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:g"},
		MaxItems:        aws.Int32(1),
	})
	ok(t, err)
	if len(out.EvaluationResults) != 1 || !out.IsTruncated || out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("page 1: %+v", out)
	}
	if m := out.EvaluationResults[0].MatchedStatements; len(m) != 1 || aws.ToString(m[0].SourcePolicyId) != "PolicyInputList.1" {
		t.Fatalf("matched: %+v", m)
	}
	out, err = c.SimulateCustomPolicy(bg, &awsiam.SimulateCustomPolicyInput{
		PolicyInputList: []string{doc(allow("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:f"))},
		ActionNames:     []string{"lambda:InvokeFunction"},
		ResourceArns:    []string{"arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:g"},
		Marker:          out.Marker,
	})
	ok(t, err)
	if len(out.EvaluationResults) != 1 || out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Fatalf("page 2: %+v", out)
	}
	if e.auth.last().Resource != "*" {
		t.Fatalf("SimulateCustomPolicy authorized on %s", e.auth.last().Resource)
	}
	_, err = c.SimulateCustomPolicy(bg, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[]}x`}, ActionNames: []string{"s3:GetObject"}})
	wantErr(t, err, "InvalidInput", "")
	_, err = c.SimulateCustomPolicy(bg, &awsiam.SimulateCustomPolicyInput{PolicyInputList: []string{allowAll}, ActionNames: []string{"s"}})
	wantErr(t, err, "ValidationError", "1 validation error detected: Value 's' at 'actionNames.1.member' failed to satisfy constraint: Member must have length greater than or equal to 3")
}
