package policy

import (
	"reflect"
	"testing"
)

func TestStatementsView(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",
	  "Resource":"arn:aws:lambda:us-east-1:111111111111:function:f",
	  "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"AWS:SourceAccount":["111111111111"]}}},
	 {"Effect":"Deny","Principal":"*","NotAction":["lambda:GetPolicy"],"Resource":"*"}]}`), Resource)
	if err != nil {
		t.Fatal(err)
	}
	got := p.Statements()
	want := []StatementView{
		{Index: 0, Sid: "s3", Effect: "Allow", Actions: []string{"lambda:InvokeFunction"},
			Resources:  []string{"arn:aws:lambda:us-east-1:111111111111:function:f"},
			Principals: []PrincipalView{{Type: "Service", Values: []string{"s3.amazonaws.com"}}},
			Conditions: []ConditionView{{Operator: "ArnLike", Key: "AWS:SourceArn", Values: []string{"arn:aws:s3:::uploads"}},
				{Operator: "StringEquals", Key: "AWS:SourceAccount", Values: []string{"111111111111"}}}},
		{Index: 1, Effect: "Deny", Actions: []string{"lambda:GetPolicy"}, NotAction: true, Resources: []string{"*"},
			Principals: []PrincipalView{{Type: "*", Values: []string{"*"}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Statements() =\n%+v\nwant\n%+v", got, want)
	}
}

// TestContextKeys follows the example of AWS's CLI reference for
// get-context-keys-for-custom-policy: the Resource's variable, then the
// condition key.
// source: doc https://docs.aws.amazon.com/cli/latest/reference/iam/get-context-keys-for-custom-policy.html
func TestContextKeys(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}`), Identity)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.ContextKeys(); !reflect.DeepEqual(got, []string{"aws:username", "aws:CurrentTime"}) {
		t.Fatalf("ContextKeys() = %q", got)
	}
	p, err = Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:userid}/${*}","Condition":{"StringEquals":{"s3:prefix":"${aws:username}/","AWS:UserName":"x"}}}]}`), Identity)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.ContextKeys(); !reflect.DeepEqual(got, []string{"aws:userid", "s3:prefix", "aws:username"}) {
		t.Fatalf("ContextKeys() = %q", got)
	}
}
