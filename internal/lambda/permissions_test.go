package lambda_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

const fnARN = "arn:aws:lambda:us-east-1:111111111111:function:f"

func TestAddPermissionStatements(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	e.createFn(c, "f", roleA)
	cases := []struct {
		in   sdk.AddPermissionInput
		want string
	}{
		{sdk.AddPermissionInput{StatementId: aws.String("s3"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
			SourceArn: aws.String("arn:aws:s3:::bucket"), SourceAccount: aws.String(acctA)},
			`{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `","Condition":{"StringEquals":{"AWS:SourceAccount":"111111111111"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}}`},
		{sdk.AddPermissionInput{StatementId: aws.String("acct"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(acctB)},
			`{"Sid":"acct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `"}`},
		{sdk.AddPermissionInput{StatementId: aws.String("user"), Action: aws.String("lambda:GetFunction"), Principal: aws.String("arn:aws:iam::222222222222:user/bob")},
			`{"Sid":"user","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/bob"},"Action":"lambda:GetFunction","Resource":"` + fnARN + `"}`},
		{sdk.AddPermissionInput{StatementId: aws.String("url"), Action: aws.String("lambda:InvokeFunctionUrl"), Principal: aws.String("*"), FunctionUrlAuthType: types.FunctionUrlAuthTypeNone},
			`{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + fnARN + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`},
		{sdk.AddPermissionInput{StatementId: aws.String("viaurl"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*"), InvokedViaFunctionUrl: aws.Bool(true)},
			`{"Sid":"viaurl","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + fnARN + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`},
		{sdk.AddPermissionInput{StatementId: aws.String("org"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*"), PrincipalOrgID: aws.String("o-abcdefghij")},
			`{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + fnARN + `","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}`},
		{sdk.AddPermissionInput{StatementId: aws.String("alexa"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("alexa-appkit.amazon.com"), EventSourceToken: aws.String("amzn1.ask.skill.1")},
			`{"Sid":"alexa","Effect":"Allow","Principal":{"Service":"alexa-appkit.amazon.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `","Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.1"}}}`},
	}
	var stmts []string
	for _, tc := range cases {
		in := tc.in
		in.FunctionName = aws.String("f")
		out, err := c.AddPermission(ctx, &in)
		if err != nil {
			t.Fatalf("%s: %v", *in.StatementId, err)
		}
		if *out.Statement != tc.want {
			t.Fatalf("%s statement:\n got  %s\n want %s", *in.StatementId, *out.Statement, tc.want)
		}
		stmts = append(stmts, tc.want)
	}
	pol, err := c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Id":"default","Statement":[` + strings.Join(stmts, ",") + `]}`
	if *pol.Policy != want {
		t.Fatalf("policy:\n got  %s\n want %s", *pol.Policy, want)
	}
	cfg, _ := c.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("f")})
	if *pol.RevisionId != *cfg.RevisionId {
		t.Fatalf("policy revision %s, function revision %s", *pol.RevisionId, *cfg.RevisionId)
	}
	if _, err := c.RemovePermission(ctx, &sdk.RemovePermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("s3"), RevisionId: pol.RevisionId}); err != nil {
		t.Fatal(err)
	}
	pol2, _ := c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String("f")})
	if strings.Contains(*pol2.Policy, `"Sid":"s3"`) || *pol2.RevisionId == *pol.RevisionId {
		t.Fatalf("after remove: %s", *pol2.Policy)
	}
}

func TestPermissionErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	e.createFn(c, "f", roleA)
	if _, err := c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	add := func(sid, principal string, mod func(*sdk.AddPermissionInput)) error {
		in := &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String(sid), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(principal)}
		if mod != nil {
			mod(in)
		}
		_, err := c.AddPermission(ctx, in)
		return err
	}
	_, err := c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String("f")})
	apiErr(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	if err := add("one", acctB, nil); err != nil {
		t.Fatal(err)
	}
	apiErr(t, add("one", acctB, nil), "ResourceConflictException",
		"The statement id (one) provided already exists. Please provide a new statement id, or remove the existing statement.")
	_, err = c.RemovePermission(ctx, &sdk.RemovePermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("nope")})
	apiErr(t, err, "ResourceNotFoundException", "Statement nope is not found in resource policy.")
	apiErr(t, add("two", acctB, func(in *sdk.AddPermissionInput) { in.RevisionId = aws.String("stale") }), "PreconditionFailedException",
		"The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	_, err = c.RemovePermission(ctx, &sdk.RemovePermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("one"), RevisionId: aws.String("stale")})
	apiErr(t, err, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	apiErr(t, add("bad", "invalid.nonaws.com", nil), "InvalidParameterValueException", "The provided principal was invalid. Please check the principal and try again.")
	apiErr(t, add("example.com", acctB, nil), "ValidationException",
		"1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
	apiErr(t, add("latest", acctB, func(in *sdk.AddPermissionInput) { in.Qualifier = aws.String("$LATEST") }), "InvalidParameterValueException",
		"We currently do not support adding policies for $LATEST.")
	apiErr(t, add("clash", acctB, func(in *sdk.AddPermissionInput) { in.FunctionName = aws.String("f:1"); in.Qualifier = aws.String("2") }), "InvalidParameterValueException",
		"The derived qualifier from the function name does not match the specified qualifier.")
	apiErr(t, add("v42", acctB, func(in *sdk.AddPermissionInput) { in.Qualifier = aws.String("42") }), "ResourceNotFoundException",
		"Function not found: "+fnARN+":42")
	apiErr(t, add("nofn", acctB, func(in *sdk.AddPermissionInput) { in.FunctionName = aws.String("nofn") }), "ResourceNotFoundException",
		"Function not found: arn:aws:lambda:us-east-1:111111111111:function:nofn")

	// Policies are per qualifier: version 1 has none of the unqualified one.
	_, err = c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	apiErr(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	if err := add("v1", acctB, func(in *sdk.AddPermissionInput) { in.Qualifier = aws.String("1") }); err != nil {
		t.Fatal(err)
	}
	p1, err := c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String(fnARN + ":1")})
	if err != nil || !strings.Contains(*p1.Policy, `"Resource":"`+fnARN+`:1"`) || strings.Contains(*p1.Policy, `"Sid":"one"`) {
		t.Fatalf("version policy: %v %v", err, p1)
	}

	// 20 KB: statements with long source ARNs fill it.
	long := "arn:aws:s3:::" + strings.Repeat("b", 900)
	var lastErr error
	for i := 0; i < 40 && lastErr == nil; i++ {
		lastErr = add("big"+itoa(i), "s3.amazonaws.com", func(in *sdk.AddPermissionInput) { in.SourceArn = aws.String(long) })
	}
	apiErr(t, lastErr, "PolicyLengthExceededException", "The final policy size is bigger than the limit.")
	pol, _ := c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String("f")})
	if len(*pol.Policy) > 20480 {
		t.Fatalf("policy grew to %d", len(*pol.Policy))
	}
}

func TestConcurrentAddPermissionLosesNothing(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	e.createFn(c, "f", roleA)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := c.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("s" + itoa(i)),
				Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(acctB)})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	pol, err := c.GetPolicy(ctx, &sdk.GetPolicyInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Statement []struct{ Sid string } }
	if err := json.Unmarshal([]byte(*pol.Policy), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != n {
		t.Fatalf("%d statements, want %d", len(doc.Statement), n)
	}
}
