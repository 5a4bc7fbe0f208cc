package lambda_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestFunctionLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	zipA := zipBytes(t, handlerZip)
	sum := sha256.Sum256(zipA)
	out, err := c.CreateFunction(ctx, &sdk.CreateFunctionInput{
		FunctionName: aws.String("f"), Runtime: "python3.12", Role: aws.String(roleA), Handler: aws.String("index.handler"),
		Code:        &types.FunctionCode{ZipFile: zipA},
		Environment: &types.Environment{Variables: map[string]string{"STAGE": "dev"}},
		Tags:        map[string]string{"team": "a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:lambda:us-east-1:111111111111:function:f"
	if *out.FunctionArn != arn || *out.FunctionName != "f" || *out.Version != "$LATEST" || *out.Role != roleA {
		t.Fatalf("create: %+v", out)
	}
	if *out.CodeSha256 != base64.StdEncoding.EncodeToString(sum[:]) || out.CodeSize != int64(len(zipA)) {
		t.Fatalf("code sha/size: %s %d", *out.CodeSha256, out.CodeSize)
	}
	if *out.Timeout != 3 || *out.MemorySize != 128 || out.State != types.StatePending || *out.StateReason != "The function is being created." || out.StateReasonCode != types.StateReasonCodeCreating || out.LastUpdateStatus != "" ||
		out.PackageType != types.PackageTypeZip || len(out.Architectures) != 1 || out.Architectures[0] != types.ArchitectureX8664 ||
		*out.EphemeralStorage.Size != 512 || out.TracingConfig.Mode != types.TracingModePassThrough || *out.LoggingConfig.LogGroup != "/aws/lambda/f" {
		t.Fatalf("defaults: %+v", out)
	}
	if len(*out.RevisionId) != 36 || !strings.HasSuffix(*out.LastModified, "+0000") || len(*out.LastModified) != len("2024-01-01T00:00:00.000+0000") {
		t.Fatalf("revision/last modified: %s %s", *out.RevisionId, *out.LastModified)
	}
	if out.Environment.Variables["STAGE"] != "dev" {
		t.Fatal("environment")
	}

	// Every name form reaches the same function.
	for _, name := range []string{"f", arn, "111111111111:function:f", "f:$LATEST", arn + ":$LATEST"} {
		g, err := c.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if *g.CodeSha256 != *out.CodeSha256 {
			t.Fatalf("%s: %+v", name, g)
		}
	}
	gf, err := c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	if gf.Tags["team"] != "a" || *gf.Code.RepositoryType != "S3" || *gf.Configuration.FunctionArn != arn {
		t.Fatalf("GetFunction: %+v", gf)
	}

	// The RevisionId CreateFunction answers is replaced once the function
	// is Active, as in AWS (test_function_revisions_basic: rev1, then rev2
	// in GetFunction); updates change it every time; a stale one is refused.
	if *gf.Configuration.RevisionId == *out.RevisionId {
		t.Fatalf("RevisionId of the Active function is CreateFunction's: %s", *out.RevisionId)
	}
	_, err = c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(30), RevisionId: out.RevisionId})
	apiErr(t, err, "PreconditionFailedException", "")
	rev0 := *gf.Configuration.RevisionId
	u, err := c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(30), Description: aws.String("d"), RevisionId: aws.String(rev0)})
	if err != nil {
		t.Fatal(err)
	}
	if *u.Timeout != 30 || *u.Description != "d" || *u.RevisionId == rev0 || u.Environment.Variables["STAGE"] != "dev" {
		t.Fatalf("update config: %+v", u)
	}
	_, err = c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(31), RevisionId: aws.String(rev0)})
	apiErr(t, err, "PreconditionFailedException", "")

	zipB := zipBytes(t, map[string]string{"index.py": "def handler(e, c):\n    return 2\n"})
	uc, err := c.UpdateFunctionCode(ctx, &sdk.UpdateFunctionCodeInput{FunctionName: aws.String("f"), ZipFile: zipB})
	if err != nil {
		t.Fatal(err)
	}
	if *uc.CodeSha256 == *out.CodeSha256 || *uc.RevisionId == *u.RevisionId || uc.CodeSize != int64(len(zipB)) {
		t.Fatalf("update code: %+v", uc)
	}

	// Versions: publish, the unchanged publish returns the same version,
	// and the CodeSha256 precondition.
	_, err = c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f"), CodeSha256: aws.String("AAAA")})
	apiErr(t, err, "InvalidParameterValueException", "CodeSHA256 (AAAA) is different from current CodeSHA256 in $LATEST ("+*uc.CodeSha256+"). Please try again with the CodeSHA256 in $LATEST.")
	_, err = c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f"), RevisionId: aws.String(rev0)})
	apiErr(t, err, "PreconditionFailedException", "")
	v1, err := c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f"), CodeSha256: uc.CodeSha256, Description: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	if *v1.Version != "1" || *v1.FunctionArn != arn+":1" || *v1.Description != "first" {
		t.Fatalf("publish: %+v", v1)
	}
	again, err := c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	if err != nil || *again.Version != "1" {
		t.Fatalf("unchanged publish: %v %+v", err, again)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), MemorySize: aws.Int32(256)}); err != nil {
		t.Fatal(err)
	}
	v2, err := c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	if err != nil || *v2.Version != "2" || *v2.MemorySize != 256 {
		t.Fatalf("second publish: %v %+v", err, v2)
	}
	g1, err := c.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	if err != nil || *g1.MemorySize != 128 || *g1.Version != "1" || *g1.FunctionArn != arn+":1" {
		t.Fatalf("version 1 is immutable: %v %+v", err, g1)
	}
	_, err = c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f"), Qualifier: aws.String("42")})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: "+arn+":42")
	_, err = c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f:1"), Qualifier: aws.String("2")})
	apiErr(t, err, "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.")

	lv, err := c.ListVersionsByFunction(ctx, &sdk.ListVersionsByFunctionInput{FunctionName: aws.String("f")})
	if err != nil || len(lv.Versions) != 3 || *lv.Versions[0].Version != "$LATEST" || *lv.Versions[0].FunctionArn != arn+":$LATEST" || *lv.Versions[2].Version != "2" {
		t.Fatalf("list versions: %v %+v", err, lv)
	}
	p := sdk.NewListVersionsByFunctionPaginator(c, &sdk.ListVersionsByFunctionInput{FunctionName: aws.String("f"), MaxItems: aws.Int32(1)})
	n := 0
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.Versions)
	}
	if n != 3 {
		t.Fatalf("paged versions: %d", n)
	}

	// Deleting: $LATEST by qualifier is refused, a version goes alone.
	_, err = c.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("f"), Qualifier: aws.String("$LATEST")})
	apiErr(t, err, "InvalidParameterValueException", "$LATEST version cannot be deleted without deleting the function.")
	if _, err := c.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f:1")})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: "+arn+":1")
	if _, err := c.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f")})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: "+arn)
	_, err = c.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("f")})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: "+arn)
}

func TestListFunctionsPaginates(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		e.createFn(c, n, roleA)
	}
	e.createFn(e.client("ROOTB"), "other", roleB)
	var names []string
	p := sdk.NewListFunctionsPaginator(c, &sdk.ListFunctionsInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Functions) > 2 {
			t.Fatalf("page of %d", len(pg.Functions))
		}
		for _, f := range pg.Functions {
			names = append(names, *f.FunctionName)
		}
	}
	if strings.Join(names, ",") != "a,b,c,d,e" {
		t.Fatalf("listed %v", names)
	}
	_, err := c.ListFunctions(ctx, &sdk.ListFunctionsInput{MaxItems: aws.Int32(0)})
	apiErr(t, err, "ValidationException", "")
}

func TestCreateFunctionErrors(t *testing.T) {
	e := newEnv(t)
	root := e.client("ROOTA")
	ctx := context.Background()
	create := func(c *sdk.Client, in *sdk.CreateFunctionInput) error {
		if in.FunctionName == nil {
			in.FunctionName = aws.String("g")
		}
		if in.Runtime == "" {
			in.Runtime = "python3.12"
		}
		if in.Handler == nil {
			in.Handler = aws.String("index.handler")
		}
		if in.Role == nil {
			in.Role = aws.String(roleA)
		}
		if in.Code == nil {
			in.Code = &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}
		}
		_, err := c.CreateFunction(ctx, in)
		return err
	}
	apiErr(t, create(root, &sdk.CreateFunctionInput{Role: aws.String("r1")}), "ValidationException",
		`1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`)
	apiErr(t, create(root, &sdk.CreateFunctionInput{Role: aws.String(missRole)}), "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.")
	apiErr(t, create(root, &sdk.CreateFunctionInput{Role: aws.String(roleEC2)}), "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.")
	// Another account's role, even one that trusts Lambda, as AWS answers it (issue 11).
	apiErr(t, create(root, &sdk.CreateFunctionInput{Role: aws.String(roleB)}), "AccessDeniedException", "Cross-account pass role is not allowed.")
	apiErr(t, create(root, &sdk.CreateFunctionInput{Environment: &types.Environment{Variables: map[string]string{"AWS_REGION": "x", "AWS_ACCESS_KEY_ID": "y", "OK": "z"}}}),
		"InvalidParameterValueException", "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_ACCESS_KEY_ID, AWS_REGION")
	apiErr(t, create(root, &sdk.CreateFunctionInput{Code: &types.FunctionCode{ZipFile: []byte("not a zip")}}), "InvalidParameterValueException", "Could not unzip uploaded file. Please check your file, then try to upload again.")
	apiErr(t, create(root, &sdk.CreateFunctionInput{Code: &types.FunctionCode{S3Bucket: aws.String("b"), S3Key: aws.String("k")}}), "InvalidParameterValueException", "")
	apiErr(t, create(root, &sdk.CreateFunctionInput{Timeout: aws.Int32(0)}), "ValidationException",
		"1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")
	apiErr(t, create(root, &sdk.CreateFunctionInput{MemorySize: aws.Int32(64), Runtime: "cobol"}), "ValidationException", "")
	apiErr(t, create(root, &sdk.CreateFunctionInput{FunctionName: aws.String("bad name")}), "ValidationException", "")
	layers := []string{}
	for i := 0; i < 6; i++ {
		layers = append(layers, "arn:aws:lambda:us-east-1:111111111111:layer:l"+itoa(i)+":1")
	}
	apiErr(t, create(root, &sdk.CreateFunctionInput{Layers: layers}), "InvalidParameterValueException", "Cannot reference more than 5 layers.")
	apiErr(t, create(root, &sdk.CreateFunctionInput{Layers: []string{"arn:aws:lambda:us-east-1:111111111111:layer:missing:3"}}), "InvalidParameterValueException",
		"Layer version arn:aws:lambda:us-east-1:111111111111:layer:missing:3 does not exist.")

	// iam:PassRole: a user allowed to create functions but not to pass the
	// role is denied with AWS's message.
	e.ids.set(t, principals["ALICE"].ARN, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}`)
	alice := e.client("ALICE")
	err := create(alice, &sdk.CreateFunctionInput{})
	apiErr(t, err, "AccessDeniedException", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:PassRole on resource: "+roleA+" because no identity-based policy allows the iam:PassRole action")
	// PassRole limited to another service does not count.
	e.ids.set(t, principals["ALICE"].ARN, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"},
		{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}`)
	apiErr(t, create(alice, &sdk.CreateFunctionInput{}), "AccessDeniedException", "")
	e.ids.set(t, principals["ALICE"].ARN, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"},
		{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`)
	if err := create(alice, &sdk.CreateFunctionInput{}); err != nil {
		t.Fatal(err)
	}
	apiErr(t, create(alice, &sdk.CreateFunctionInput{}), "ResourceConflictException", "Function already exist: g")
	// Without lambda:CreateFunction the caller learns nothing more.
	apiErr(t, create(e.client("CAROL"), &sdk.CreateFunctionInput{FunctionName: aws.String("h")}), "AccessDeniedException",
		"User: arn:aws:iam::111111111111:user/carol is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:h because no identity-based policy allows the lambda:CreateFunction action")

	// UpdateFunctionConfiguration checks the role the same way.
	_, err = root.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("g"), Role: aws.String(roleEC2)})
	apiErr(t, err, "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.")
	_, err = root.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("g"), Environment: &types.Environment{Variables: map[string]string{"LAMBDA_TASK_ROOT": "x"}}})
	apiErr(t, err, "InvalidParameterValueException", "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: LAMBDA_TASK_ROOT")
	_, err = root.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("g"), Environment: &types.Environment{Variables: map[string]string{"_X": "x"}}})
	apiErr(t, err, "ValidationException", "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
	_, err = root.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("nope"), Timeout: aws.Int32(5)})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope")
}
