package scenarios_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// Scenario 3, the cross-account caller (examples/cross-account-caller): a
// user of account B invokes a function of account A. Both accounts must
// agree: A's function policy names B (or the user), and B's identity policy
// allows the call.

const (
	callerFnARN = "arn:aws:lambda:us-east-1:111111111111:function:my-function"
	callerUser  = "arn:aws:iam::222222222222:user/caller"
)

func TestCrossAccountCaller(t *testing.T) {
	needPython(t)
	env := servertest.Start(t)
	a := env.Root(servertest.AccountA)
	alc := lambda.NewFromConfig(a)
	roleARN := executionRole(t, iam.NewFromConfig(a), "my-function-role", example(t, "cross-account-caller/trust-policy.json"), "", "")
	if arn := createFunction(t, alc, &lambda.CreateFunctionInput{FunctionName: aws.String("my-function"), Role: aws.String(roleARN),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("handler.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: servertest.Zip(t, servertest.File{Name: "handler.py", Body: example(t, "cross-account-caller/function/handler.py")})}}); arn != callerFnARN {
		t.Fatalf("function ARN %s", arn)
	}

	bic := iam.NewFromConfig(env.Root(servertest.AccountB))
	if _, err := bic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("caller")}); err != nil {
		t.Fatal(err)
	}
	key, err := bic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("caller")})
	if err != nil {
		t.Fatal(err)
	}
	caller := lambda.NewFromConfig(env.Config(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""))

	names := func(principal string) {
		t.Helper()
		_, err := alc.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("my-function"), StatementId: aws.String("cross-account")})
		var nf *lambdatypes.ResourceNotFoundException
		if err != nil && !errors.As(err, &nf) {
			t.Fatal(err)
		}
		if principal == "" {
			return
		}
		if _, err := alc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("my-function"), StatementId: aws.String("cross-account"),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(principal)}); err != nil {
			t.Fatal(err)
		}
	}
	const denyAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:*","Resource":"*"}]}`
	bPolicy := func(doc string) {
		t.Helper()
		if doc == "" {
			_, err := bic.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("caller"), PolicyName: aws.String("invoke-a")})
			var nf interface{ ErrorCode() string }
			if err != nil && (!errors.As(err, &nf) || nf.ErrorCode() != "NoSuchEntity") {
				t.Fatal(err)
			}
			return
		}
		if _, err := bic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("caller"), PolicyName: aws.String("invoke-a"),
			PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	allow := example(t, "cross-account-caller/caller-policy.json")
	prefix := "User: " + callerUser + " is not authorized to perform: lambda:InvokeFunction on resource: " + callerFnARN
	noResource := prefix + " because no resource-based policy allows the lambda:InvokeFunction action"
	noIdentity := prefix + " because no identity-based policy allows the lambda:InvokeFunction action"
	explicit := prefix + " with an explicit deny in an identity-based policy"

	for _, c := range []struct {
		name      string
		principal string // named by A's function policy; "" for none
		identity  string // B's policy for the user; "" for none
		denial    string // "" when allowed
	}{
		{"A names account B, B allows", "222222222222", allow, ""},
		{"A names account B, B does not", "222222222222", "", noIdentity},
		{"A names nobody, B allows", "", allow, noResource},
		{"A names nobody, B does not", "", "", noResource},
		{"A names another account, B allows", "333333333333", allow, noResource},
		{"A names B's root ARN, B allows", "arn:aws:iam::222222222222:root", allow, ""},
		{"A names the user, B allows", callerUser, allow, ""},
		{"A names the user, B does not", callerUser, "", noIdentity},
		{"A names the user, B denies", callerUser, denyAll, explicit},
		{"A names account B, B denies", "222222222222", denyAll, explicit},
	} {
		names(c.principal)
		bPolicy(c.identity)
		out, err := caller.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(callerFnARN), Payload: []byte(`{"from":"B"}`)})
		if c.denial == "" {
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got struct {
				Message string
				Event   map[string]string
			}
			if out.FunctionError != nil || json.Unmarshal(out.Payload, &got) != nil || got.Message != "hello from "+callerFnARN || got.Event["from"] != "B" {
				t.Fatalf("%s: %s", c.name, out.Payload)
			}
			continue
		}
		var missing *lambdatypes.ResourceNotFoundException
		if errors.As(err, &missing) {
			t.Fatalf("%s: the function's existence leaked: %v", c.name, err)
		}
		wantAPIError(t, err, "AccessDeniedException", c.denial)
		explained(t, env, requestID(err), "Decision: ", callerUser+" asked to lambda:InvokeFunction on "+callerFnARN)
	}

	// The partial ARN form names the same function.
	names("222222222222")
	bPolicy(allow)
	if _, err := caller.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("111111111111:function:my-function")}); err != nil {
		t.Fatalf("partial ARN: %v", err)
	}
	// A bare name means a function of the caller's own account, which the
	// user may not invoke (Lambda authorizes before it looks).
	_, err = caller.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("my-function")})
	wantAPIError(t, err, "AccessDeniedException", "User: "+callerUser+" is not authorized to perform: lambda:InvokeFunction on resource: "+
		"arn:aws:lambda:us-east-1:222222222222:function:my-function because no identity-based policy allows the lambda:InvokeFunction action")
	// Account A's view: account B may invoke my-function.
	analyzed(t, env, servertest.AccountA, "cross-account-caller")
}
