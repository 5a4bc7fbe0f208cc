package lambda_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
)

const allowInvokeAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`

// dryRun invokes with InvocationType=DryRun as key.
func (e *env) dryRun(key, name, qualifier string) error {
	in := &sdk.InvokeInput{FunctionName: aws.String(name), InvocationType: types.InvocationTypeDryRun}
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
	}
	out, err := e.client(key).Invoke(context.Background(), in)
	if err == nil && out.StatusCode != 204 {
		e.t.Fatalf("DryRun status %d", out.StatusCode)
	}
	return err
}

// explained checks that `seki explain` finds the denial of err's request.
func (e *env) explained(err error, want string) {
	e.t.Helper()
	id := requestID(err)
	if id == "" {
		e.t.Fatalf("no request id in %v", err)
	}
	var out, errOut bytes.Buffer
	deadline := time.Now().Add(3 * time.Second)
	for {
		out.Reset()
		errOut.Reset()
		if explain.Run(e.dir, id, &out, &errOut) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "lambda:InvokeFunction") || !strings.Contains(out.String(), want) {
		e.t.Fatalf("explain %s:\n%s%s\nwant %q", id, out.String(), errOut.String(), want)
	}
}

func denied(reason string) string {
	return "because no " + reason + " allows the lambda:InvokeFunction action"
}

func TestInvokeDryRunWhoMayInvoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	root := e.client("ROOTA")
	e.createFn(root, "f", roleA)
	if _, err := root.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	addPerm := func(sid, principal, qualifier string) {
		t.Helper()
		in := &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String(sid), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(principal)}
		if qualifier != "" {
			in.Qualifier = aws.String(qualifier)
		}
		if _, err := root.AddPermission(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	removePerm := func(sid, qualifier string) {
		t.Helper()
		in := &sdk.RemovePermissionInput{FunctionName: aws.String("f"), StatementId: aws.String(sid)}
		if qualifier != "" {
			in.Qualifier = aws.String(qualifier)
		}
		if _, err := root.RemovePermission(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	msg := func(who, resource, tail string) string {
		return "User: " + who + " is not authorized to perform: lambda:InvokeFunction on resource: " + resource + " " + tail
	}
	alice, carol, bob, dave := principals["ALICE"].ARN, principals["CAROL"].ARN, principals["BOB"].ARN, principals["DAVE"].ARN

	t.Run("same account, identity policy only", func(t *testing.T) {
		err := e.dryRun("ALICE", "f", "")
		apiErr(t, err, "AccessDeniedException", msg(alice, fnARN, denied("identity-based policy")))
		e.explained(err, "ImplicitlyDenied")
		e.ids.set(t, alice, allowInvokeAll)
		if err := e.dryRun("ALICE", "f", ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("same account, resource policy only", func(t *testing.T) {
		err := e.dryRun("CAROL", "f", "")
		apiErr(t, err, "AccessDeniedException", msg(carol, fnARN, denied("identity-based policy")))
		e.explained(err, "ImplicitlyDenied")
		addPerm("carol", carol, "")
		if err := e.dryRun("CAROL", "f", ""); err != nil {
			t.Fatal(err)
		}
		removePerm("carol", "")
	})
	t.Run("cross account naming the caller's account", func(t *testing.T) {
		e.ids.set(t, bob, allowInvokeAll)
		err := e.dryRun("BOB", fnARN, "")
		apiErr(t, err, "AccessDeniedException", msg(bob, fnARN, denied("resource-based policy")))
		e.explained(err, "ImplicitlyDenied")
		addPerm("acctB", acctB, "")
		if err := e.dryRun("BOB", fnARN, ""); err != nil {
			t.Fatal(err)
		}
		// The partial ARN names the account too.
		if err := e.dryRun("BOB", "111111111111:function:f", ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("cross account, policy naming another account", func(t *testing.T) {
		e.ids.set(t, principals["MALLET"].ARN, allowInvokeAll)
		err := e.dryRun("MALLET", fnARN, "")
		apiErr(t, err, "AccessDeniedException", msg(principals["MALLET"].ARN, fnARN, denied("resource-based policy")))
		e.explained(err, "ImplicitlyDenied")
	})
	t.Run("cross account without an identity policy", func(t *testing.T) {
		err := e.dryRun("DAVE", fnARN, "")
		apiErr(t, err, "AccessDeniedException", msg(dave, fnARN, denied("identity-based policy")))
		e.explained(err, "ImplicitlyDenied")
		// Naming the user in the policy does not help across accounts.
		addPerm("dave", dave, "")
		err = e.dryRun("DAVE", fnARN, "")
		apiErr(t, err, "AccessDeniedException", msg(dave, fnARN, denied("identity-based policy")))
		e.explained(err, "ImplicitlyDenied")
		removePerm("dave", "")
	})
	t.Run("qualified policy, unqualified invoke and the reverse", func(t *testing.T) {
		removePerm("acctB", "")
		addPerm("prodB", acctB, "prod")
		if err := e.dryRun("BOB", fnARN, "prod"); err != nil {
			t.Fatal(err)
		}
		if err := e.dryRun("BOB", fnARN+":prod", ""); err != nil {
			t.Fatal(err)
		}
		err := e.dryRun("BOB", fnARN, "")
		apiErr(t, err, "AccessDeniedException", msg(bob, fnARN, denied("resource-based policy")))
		e.explained(err, "ImplicitlyDenied")
		// The alias's grant does not reach the version it points at.
		err = e.dryRun("BOB", fnARN, "1")
		apiErr(t, err, "AccessDeniedException", msg(bob, fnARN+":1", denied("resource-based policy")))
		e.explained(err, "ImplicitlyDenied")
		removePerm("prodB", "prod")
		addPerm("unq", acctB, "")
		err = e.dryRun("BOB", fnARN, "prod")
		apiErr(t, err, "AccessDeniedException", msg(bob, fnARN+":prod", denied("resource-based policy")))
		e.explained(err, "ImplicitlyDenied")
		if err := e.dryRun("BOB", fnARN, ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("explicit deny", func(t *testing.T) {
		e.ids.set(t, alice, allowInvokeAll, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:Invoke*","Resource":"`+fnARN+`"}]}`)
		err := e.dryRun("ALICE", "f", "")
		apiErr(t, err, "AccessDeniedException", msg(alice, fnARN, "with an explicit deny in an identity-based policy"))
		e.explained(err, "ExplicitlyDenied")
		// The deny names the unqualified ARN only.
		if err := e.dryRun("ALICE", "f", "1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("missing function after authorization", func(t *testing.T) {
		err := e.dryRun("ROOTA", "nope", "")
		apiErr(t, err, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope:$LATEST") // test_lambda_api.snapshot.json#test_function_name_and_qualifier_validation[function_name_too_long-invoke]
		err = e.dryRun("ROOTA", "f", "9")
		apiErr(t, err, "ResourceNotFoundException", "Function not found: "+fnARN+":9")
		// A caller without permission learns nothing about existence.
		err = e.dryRun("MALLET", "arn:aws:lambda:us-east-1:111111111111:function:nope", "")
		apiErr(t, err, "AccessDeniedException", "")
	})
	t.Run("other invocation types need the runtime", func(t *testing.T) {
		_, err := root.Invoke(ctx, &sdk.InvokeInput{FunctionName: aws.String("f"), Payload: []byte(`{}`)})
		apiErr(t, err, "ServiceException", "")
	})
}

func TestServicePrincipalInvoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	root := e.client("ROOTA")
	e.createFn(root, "f", roleA)
	if _, err := root.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::uploads"), SourceAccount: aws.String(acctA)}); err != nil {
		t.Fatal(err)
	}
	s3 := &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}
	invoke := func(id, sourceArn, sourceAccount, fn string) error {
		c := policy.NewContext(2)
		c.Set("aws:SourceArn", sourceArn)
		c.Set("aws:SourceAccount", sourceAccount)
		_, err := e.svc.InvokeAs(ctx, &lambda.InvokeAsInput{RequestID: id, Caller: s3, FunctionARN: fn, Context: c, InvocationType: "DryRun"})
		return err
	}
	if err := invoke("s3-ok", "arn:aws:s3:::uploads", acctA, fnARN); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ id, arn, acct, fn string }{
		{"s3-bucket", "arn:aws:s3:::other", acctA, fnARN},
		{"s3-account", "arn:aws:s3:::uploads", acctB, fnARN},
		{"s3-qualified", "arn:aws:s3:::uploads", acctA, fnARN + ":$LATEST"},
	} {
		err := invoke(tc.id, tc.arn, tc.acct, tc.fn)
		res := fnARN
		if strings.HasSuffix(tc.fn, "$LATEST") {
			res = tc.fn
		}
		apiErr(t, err, "AccessDeniedException", "User: s3.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: "+res+" "+denied("resource-based policy"))
		e.explainedID(tc.id, "s3.amazonaws.com")
	}
	// Nothing grants a service another account's function by default.
	err := invoke("s3-none", "arn:aws:s3:::uploads", acctA, "arn:aws:lambda:us-east-1:222222222222:function:f")
	apiErr(t, err, "AccessDeniedException", "")
}

func (e *env) explainedID(id, want string) {
	e.t.Helper()
	var out, errOut bytes.Buffer
	deadline := time.Now().Add(3 * time.Second)
	for explain.Run(e.dir, id, &out, &errOut) != 0 && time.Now().Before(deadline) {
		out.Reset()
		errOut.Reset()
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), want) {
		e.t.Fatalf("explain %s:\n%s%s", id, out.String(), errOut.String())
	}
}

func TestS3Functions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	root := e.client("ROOTA")
	e.createFn(root, "f", roleA)
	err := e.svc.CheckInvoke(ctx, "chk-1", fnARN+"x", "arn:aws:s3:::b", acctA)
	apiErr(t, err, "ResourceNotFoundException", "Function not found: "+fnARN+"x:$LATEST")
	err = e.svc.CheckInvoke(ctx, "chk-2", fnARN, "arn:aws:s3:::b", acctA)
	apiErr(t, err, "AccessDeniedException", "")
	root.AddPermission(ctx, &sdk.AddPermissionInput{FunctionName: aws.String("f"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"), SourceArn: aws.String("arn:aws:s3:::b")})
	if err := e.svc.CheckInvoke(ctx, "chk-3", fnARN, "arn:aws:s3:::b", acctA); err != nil {
		t.Fatal(err)
	}
	// Without a runtime the event cannot run, and says so.
	err = e.svc.InvokeAsync(ctx, "ev-1", fnARN, "arn:aws:s3:::b", acctA, []byte(`{"Records":[]}`))
	apiErr(t, err, "ServiceException", "")
	// The same store served by a Lambda that has a runner.
	r := &echoRunner{}
	withRunner := lambda.New(e.db, lambda.Options{Runner: r, Authz: e.az})
	if err := withRunner.InvokeAsync(ctx, "ev-2", fnARN, "arn:aws:s3:::b", acctA, []byte(`{"Records":[]}`)); err != nil {
		t.Fatal(err)
	}
	err = withRunner.InvokeAsync(ctx, "ev-3", fnARN, "arn:aws:s3:::other", acctA, []byte(`{}`))
	apiErr(t, err, "AccessDeniedException", "")
	if len(r.specs) != 1 {
		t.Fatalf("runner saw %d invocations", len(r.specs))
	}
}
