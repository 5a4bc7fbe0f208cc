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
