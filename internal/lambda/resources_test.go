package lambda_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestAliases(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	e.createFn(c, "f", roleA)
	c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	c.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("f"), Timeout: aws.Int32(9)})
	c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})

	a, err := c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod"), FunctionVersion: aws.String("1"), Description: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	if *a.AliasArn != fnARN+":prod" || *a.FunctionVersion != "1" || *a.Description != "p" || len(*a.RevisionId) != 36 {
		t.Fatalf("alias: %+v", a)
	}
	_, err = c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod"), FunctionVersion: aws.String("1")})
	apiErr(t, err, "ResourceConflictException", "Alias already exists: "+fnARN+":prod")
	_, err = c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("x"), FunctionVersion: aws.String("7")})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: "+fnARN+":7")
	_, err = c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("123"), FunctionVersion: aws.String("1")})
	apiErr(t, err, "ValidationException", "")
	_, err = c.GetAlias(ctx, &sdk.GetAliasInput{FunctionName: aws.String("f"), Name: aws.String("nope")})
	apiErr(t, err, "ResourceNotFoundException", "Cannot find alias arn: "+fnARN+":nope")

	u, err := c.UpdateAlias(ctx, &sdk.UpdateAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod"), FunctionVersion: aws.String("2"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"1": 0.25}}, RevisionId: a.RevisionId})
	if err != nil {
		t.Fatal(err)
	}
	if *u.FunctionVersion != "2" || u.RoutingConfig.AdditionalVersionWeights["1"] != 0.25 || *u.RevisionId == *a.RevisionId {
		t.Fatalf("update alias: %+v", u)
	}
	_, err = c.UpdateAlias(ctx, &sdk.UpdateAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod"), Description: aws.String("x"), RevisionId: a.RevisionId})
	apiErr(t, err, "PreconditionFailedException", "")
	_, err = c.UpdateAlias(ctx, &sdk.UpdateAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod"),
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": 0.5}}})
	apiErr(t, err, "InvalidParameterValueException", "")
	g, err := c.GetAlias(ctx, &sdk.GetAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod")})
	if err != nil || *g.RevisionId != *u.RevisionId {
		t.Fatalf("get alias: %v %+v", err, g)
	}
	// GetFunction through the alias shows the version it points at.
	gc, err := c.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("f:prod")})
	if err != nil || *gc.Version != "2" || *gc.FunctionArn != fnARN+":prod" {
		t.Fatalf("config via alias: %v %+v", err, gc)
	}
	// A version an alias uses cannot be deleted.
	_, err = c.DeleteFunction(ctx, &sdk.DeleteFunctionInput{FunctionName: aws.String("f"), Qualifier: aws.String("1")})
	apiErr(t, err, "ResourceConflictException", "Unable to delete version because the following aliases reference it: [prod]")

	c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("dev"), FunctionVersion: aws.String("$LATEST")})
	l, err := c.ListAliases(ctx, &sdk.ListAliasesInput{FunctionName: aws.String("f")})
	if err != nil || len(l.Aliases) != 2 || *l.Aliases[0].Name != "dev" {
		t.Fatalf("list aliases: %v %+v", err, l)
	}
	l, _ = c.ListAliases(ctx, &sdk.ListAliasesInput{FunctionName: aws.String("f"), FunctionVersion: aws.String("2")})
	if len(l.Aliases) != 1 || *l.Aliases[0].Name != "prod" {
		t.Fatalf("filtered aliases: %+v", l.Aliases)
	}
	if _, err := c.DeleteAlias(ctx, &sdk.DeleteAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAlias(ctx, &sdk.GetAliasInput{FunctionName: aws.String("f"), Name: aws.String("prod")})
	apiErr(t, err, "ResourceNotFoundException", "")
}

func TestLayers(t *testing.T) {
	e := newEnv(t)
	a := e.client("ROOTA")
	b := e.client("ROOTB")
	ctx := context.Background()
	lv, err := b.PublishLayerVersion(ctx, &sdk.PublishLayerVersionInput{LayerName: aws.String("shared"), Description: aws.String("d"),
		Content:            &types.LayerVersionContentInput{ZipFile: zipBytes(t, map[string]string{"python/lib.py": "X = 1\n"})},
		CompatibleRuntimes: []types.Runtime{types.RuntimePython312}})
	if err != nil {
		t.Fatal(err)
	}
	layerARN := "arn:aws:lambda:us-east-1:222222222222:layer:shared"
	if *lv.LayerArn != layerARN || *lv.LayerVersionArn != layerARN+":1" || lv.Version != 1 || lv.Content.CodeSize == 0 || *lv.Content.CodeSha256 == "" {
		t.Fatalf("publish layer: %+v", lv)
	}
	lv2, _ := b.PublishLayerVersion(ctx, &sdk.PublishLayerVersionInput{LayerName: aws.String("shared"),
		Content: &types.LayerVersionContentInput{ZipFile: zipBytes(t, map[string]string{"python/lib.py": "X = 2\n"})}})
	if lv2.Version != 2 {
		t.Fatalf("second version %d", lv2.Version)
	}
	g, err := b.GetLayerVersion(ctx, &sdk.GetLayerVersionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	if err != nil || *g.Description != "d" {
		t.Fatalf("get layer: %v %+v", err, g)
	}
	ga, err := b.GetLayerVersionByArn(ctx, &sdk.GetLayerVersionByArnInput{Arn: aws.String(layerARN + ":2")})
	if err != nil || ga.Version != 2 {
		t.Fatalf("get layer by arn: %v %+v", err, ga)
	}
	_, err = b.GetLayerVersion(ctx, &sdk.GetLayerVersionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(9)})
	apiErr(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	versions, err := b.ListLayerVersions(ctx, &sdk.ListLayerVersionsInput{LayerName: aws.String("shared")})
	if err != nil || len(versions.LayerVersions) != 2 || versions.LayerVersions[0].Version != 2 {
		t.Fatalf("list layer versions: %v %+v", err, versions)
	}
	versions, _ = b.ListLayerVersions(ctx, &sdk.ListLayerVersionsInput{LayerName: aws.String("shared"), CompatibleRuntime: types.RuntimePython312})
	if len(versions.LayerVersions) != 1 || versions.LayerVersions[0].Version != 1 {
		t.Fatalf("filtered: %+v", versions.LayerVersions)
	}
	layers, err := b.ListLayers(ctx, &sdk.ListLayersInput{})
	if err != nil || len(layers.Layers) != 1 || layers.Layers[0].LatestMatchingVersion.Version != 2 {
		t.Fatalf("list layers: %v %+v", err, layers)
	}

	// Account A may not read or use B's layer until B's layer policy says so.
	_, err = a.GetLayerVersionByArn(ctx, &sdk.GetLayerVersionByArnInput{Arn: aws.String(layerARN + ":1")})
	apiErr(t, err, "AccessDeniedException", "")
	// Issue #10, hole 5: listing B's layer versions is authorized in B's
	// account, on the layer, so A (root, allowed everything in its own
	// account) is denied; a layer-version permission can only grant
	// lambda:GetLayerVersion, so it is denied after the grant below too.
	listB := func() error {
		_, err := a.ListLayerVersions(ctx, &sdk.ListLayerVersionsInput{LayerName: aws.String(layerARN)})
		return err
	}
	apiErr(t, listB(), "AccessDeniedException",
		"User: arn:aws:iam::111111111111:root is not authorized to perform: lambda:ListLayerVersions on resource: "+layerARN+" because no resource-based policy allows the lambda:ListLayerVersions action")
	create := func(name string) error {
		_, err := a.CreateFunction(ctx, &sdk.CreateFunctionInput{FunctionName: aws.String(name), Runtime: "python3.12", Role: aws.String(roleA),
			Handler: aws.String("index.handler"), Code: &types.FunctionCode{ZipFile: zipBytes(t, handlerZip)}, Layers: []string{layerARN + ":1"}})
		return err
	}
	apiErr(t, create("withlayer"), "AccessDeniedException",
		"User: arn:aws:iam::111111111111:root is not authorized to perform: lambda:GetLayerVersion on resource: "+layerARN+":1 because no resource-based policy allows the lambda:GetLayerVersion action")
	_, err = b.GetLayerVersionPolicy(ctx, &sdk.GetLayerVersionPolicyInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	apiErr(t, err, "ResourceNotFoundException", "No policy is associated with the given resource.")
	perm, err := b.AddLayerVersionPermission(ctx, &sdk.AddLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1),
		StatementId: aws.String("a"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String(acctA)})
	if err != nil {
		t.Fatal(err)
	}
	wantStmt := `{"Sid":"a","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"lambda:GetLayerVersion","Resource":"` + layerARN + `:1"}`
	if *perm.Statement != wantStmt {
		t.Fatalf("layer statement %s", *perm.Statement)
	}
	_, err = b.AddLayerVersionPermission(ctx, &sdk.AddLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1),
		StatementId: aws.String("a"), Action: aws.String("lambda:GetLayerVersion"), Principal: aws.String("*")})
	apiErr(t, err, "ResourceConflictException", "")
	_, err = b.AddLayerVersionPermission(ctx, &sdk.AddLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1),
		StatementId: aws.String("x"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})
	apiErr(t, err, "ValidationException", "")
	pol, err := b.GetLayerVersionPolicy(ctx, &sdk.GetLayerVersionPolicyInput{LayerName: aws.String(layerARN), VersionNumber: aws.Int64(1)})
	if err != nil || *pol.Policy != `{"Version":"2012-10-17","Id":"default","Statement":[`+wantStmt+`]}` || *pol.RevisionId != *perm.RevisionId {
		t.Fatalf("layer policy: %v %+v", err, pol)
	}
	if _, err := a.GetLayerVersionByArn(ctx, &sdk.GetLayerVersionByArnInput{Arn: aws.String(layerARN + ":1")}); err != nil {
		t.Fatal(err)
	}
	apiErr(t, listB(), "AccessDeniedException", "")
	if err := create("withlayer"); err != nil {
		t.Fatal(err)
	}
	cfg, _ := a.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("withlayer")})
	if len(cfg.Layers) != 1 || *cfg.Layers[0].Arn != layerARN+":1" || cfg.Layers[0].CodeSize != lv.Content.CodeSize {
		t.Fatalf("function layers: %+v", cfg.Layers)
	}
	// Version 2 has no policy of its own.
	_, err = a.UpdateFunctionConfiguration(ctx, &sdk.UpdateFunctionConfigurationInput{FunctionName: aws.String("withlayer"), Layers: []string{layerARN + ":2"}})
	apiErr(t, err, "AccessDeniedException", "")

	_, err = b.RemoveLayerVersionPermission(ctx, &sdk.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String("zz")})
	apiErr(t, err, "ResourceNotFoundException", "")
	_, err = b.RemoveLayerVersionPermission(ctx, &sdk.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String("a"), RevisionId: aws.String("old")})
	apiErr(t, err, "PreconditionFailedException", "")
	if _, err := b.RemoveLayerVersionPermission(ctx, &sdk.RemoveLayerVersionPermissionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1), StatementId: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DeleteLayerVersion(ctx, &sdk.DeleteLayerVersionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	// The function keeps its (deleted) layer version.
	cfg, _ = a.GetFunctionConfiguration(ctx, &sdk.GetFunctionConfigurationInput{FunctionName: aws.String("withlayer")})
	if len(cfg.Layers) != 1 {
		t.Fatalf("layers after delete: %+v", cfg.Layers)
	}
	_, err = b.GetLayerVersion(ctx, &sdk.GetLayerVersionInput{LayerName: aws.String("shared"), VersionNumber: aws.Int64(1)})
	apiErr(t, err, "ResourceNotFoundException", "")
}

func TestFunctionURLs(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	e.createFn(c, "f", roleA)
	out, err := c.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("f"), AuthType: types.FunctionUrlAuthTypeAwsIam})
	if err != nil {
		t.Fatal(err)
	}
	port := e.srv.URL[strings.LastIndexByte(e.srv.URL, ':'):]
	if !strings.HasPrefix(*out.FunctionUrl, "http://") || !strings.HasSuffix(*out.FunctionUrl, ".lambda-url.us-east-1.localhost"+port+"/") ||
		len(strings.TrimPrefix(*out.FunctionUrl, "http://")) != 32+len(".lambda-url.us-east-1.localhost"+port+"/") {
		t.Fatalf("url %s", *out.FunctionUrl)
	}
	// CreateFunctionUrlConfig answers no InvokeMode unless the request set one (test_lambda_api.snapshot.json#test_url_config_lifecycle).
	if *out.FunctionArn != fnARN || out.AuthType != types.FunctionUrlAuthTypeAwsIam || out.InvokeMode != "" || *out.CreationTime == "" {
		t.Fatalf("create url: %+v", out)
	}
	_, err = c.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("f"), AuthType: types.FunctionUrlAuthTypeNone})
	apiErr(t, err, "ResourceConflictException", "")
	_, err = c.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("f"), AuthType: "BASIC"})
	apiErr(t, err, "ValidationException", "1 validation error detected: Value 'BASIC' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]")
	u, err := c.UpdateFunctionUrlConfig(ctx, &sdk.UpdateFunctionUrlConfigInput{FunctionName: aws.String("f"), AuthType: types.FunctionUrlAuthTypeNone,
		Cors: &types.Cors{AllowOrigins: []string{"*"}}})
	if err != nil || u.AuthType != types.FunctionUrlAuthTypeNone || u.Cors.AllowOrigins[0] != "*" || *u.FunctionUrl != *out.FunctionUrl {
		t.Fatalf("update url: %v %+v", err, u)
	}
	g, err := c.GetFunctionUrlConfig(ctx, &sdk.GetFunctionUrlConfigInput{FunctionName: aws.String("f")})
	if err != nil || *g.FunctionUrl != *out.FunctionUrl || *g.LastModifiedTime == "" {
		t.Fatalf("get url: %v %+v", err, g)
	}
	id := strings.SplitN(strings.TrimPrefix(*out.FunctionUrl, "http://"), ".", 2)[0]
	target, ok, err := e.svc.FunctionURL(ctx, id)
	if err != nil || !ok || target.FunctionARN != fnARN || target.AuthType != "NONE" {
		t.Fatalf("FunctionURL lookup: %v %v %+v", err, ok, target)
	}
	// An alias gets its own URL.
	c.PublishVersion(ctx, &sdk.PublishVersionInput{FunctionName: aws.String("f")})
	c.CreateAlias(ctx, &sdk.CreateAliasInput{FunctionName: aws.String("f"), Name: aws.String("live"), FunctionVersion: aws.String("1")})
	al, err := c.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("live"), AuthType: types.FunctionUrlAuthTypeAwsIam})
	if err != nil || *al.FunctionArn != fnARN+":live" || *al.FunctionUrl == *out.FunctionUrl {
		t.Fatalf("alias url: %v %+v", err, al)
	}
	_, err = c.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("f"), Qualifier: aws.String("1"), AuthType: types.FunctionUrlAuthTypeAwsIam})
	apiErr(t, err, "ValidationException", "")
	list, err := c.ListFunctionUrlConfigs(ctx, &sdk.ListFunctionUrlConfigsInput{FunctionName: aws.String("f")})
	if err != nil || len(list.FunctionUrlConfigs) != 2 {
		t.Fatalf("list urls: %v %+v", err, list)
	}
	if _, err := c.DeleteFunctionUrlConfig(ctx, &sdk.DeleteFunctionUrlConfigInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunctionUrlConfig(ctx, &sdk.GetFunctionUrlConfigInput{FunctionName: aws.String("f")})
	apiErr(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	_, err = c.DeleteFunctionUrlConfig(ctx, &sdk.DeleteFunctionUrlConfigInput{FunctionName: aws.String("f")})
	apiErr(t, err, "ResourceNotFoundException", "")

	// lambda:FunctionUrlAuthType is in the context for URL operations.
	e.ids.set(t, principals["ALICE"].ARN, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:CreateFunctionUrlConfig","Resource":"*",
		"Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}]}`)
	alice := e.client("ALICE")
	_, err = alice.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("f"), AuthType: types.FunctionUrlAuthTypeNone})
	apiErr(t, err, "AccessDeniedException", "")
	if _, err := alice.CreateFunctionUrlConfig(ctx, &sdk.CreateFunctionUrlConfigInput{FunctionName: aws.String("f"), AuthType: types.FunctionUrlAuthTypeAwsIam}); err != nil {
		t.Fatal(err)
	}
}

func TestTagsConcurrencyAccountSettings(t *testing.T) {
	e := newEnv(t)
	c := e.client("ROOTA")
	ctx := context.Background()
	e.createFn(c, "f", roleA)
	e.createFn(c, "g", roleA)
	if _, err := c.TagResource(ctx, &sdk.TagResourceInput{Resource: aws.String(fnARN), Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &sdk.UntagResourceInput{Resource: aws.String(fnARN), TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTags(ctx, &sdk.ListTagsInput{Resource: aws.String(fnARN)})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["b"] != "2" {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	_, err = c.ListTags(ctx, &sdk.ListTagsInput{Resource: aws.String("arn:aws:lambda:us-east-1:111111111111:function:none")})
	apiErr(t, err, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:111111111111:function:none")
	_, err = c.ListTags(ctx, &sdk.ListTagsInput{Resource: aws.String("f")})
	apiErr(t, err, "ValidationException", "")

	gc, err := c.GetFunctionConcurrency(ctx, &sdk.GetFunctionConcurrencyInput{FunctionName: aws.String("f")})
	if err != nil || gc.ReservedConcurrentExecutions != nil {
		t.Fatalf("unset concurrency: %v %+v", err, gc)
	}
	pc, err := c.PutFunctionConcurrency(ctx, &sdk.PutFunctionConcurrencyInput{FunctionName: aws.String("f"), ReservedConcurrentExecutions: aws.Int32(600)})
	if err != nil || *pc.ReservedConcurrentExecutions != 600 {
		t.Fatalf("put concurrency: %v %+v", err, pc)
	}
	_, err = c.PutFunctionConcurrency(ctx, &sdk.PutFunctionConcurrencyInput{FunctionName: aws.String("g"), ReservedConcurrentExecutions: aws.Int32(301)})
	apiErr(t, err, "InvalidParameterValueException", "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].")
	gf, _ := c.GetFunction(ctx, &sdk.GetFunctionInput{FunctionName: aws.String("f")})
	if gf.Concurrency == nil || *gf.Concurrency.ReservedConcurrentExecutions != 600 {
		t.Fatalf("GetFunction concurrency: %+v", gf.Concurrency)
	}
	st, err := c.GetAccountSettings(ctx, &sdk.GetAccountSettingsInput{})
	if err != nil || st.AccountLimit.ConcurrentExecutions != 1000 || *st.AccountLimit.UnreservedConcurrentExecutions != 400 || st.AccountUsage.FunctionCount != 2 || st.AccountUsage.TotalCodeSize <= 0 {
		t.Fatalf("account settings: %v %+v %+v", err, st.AccountLimit, st.AccountUsage)
	}
	if _, err := c.DeleteFunctionConcurrency(ctx, &sdk.DeleteFunctionConcurrencyInput{FunctionName: aws.String("f")}); err != nil {
		t.Fatal(err)
	}
	gc, _ = c.GetFunctionConcurrency(ctx, &sdk.GetFunctionConcurrencyInput{FunctionName: aws.String("f")})
	if gc.ReservedConcurrentExecutions != nil {
		t.Fatal("concurrency not deleted")
	}
	_, err = c.PutFunctionConcurrency(ctx, &sdk.PutFunctionConcurrencyInput{FunctionName: aws.String("zz"), ReservedConcurrentExecutions: aws.Int32(1)})
	apiErr(t, err, "ResourceNotFoundException", "")
}
