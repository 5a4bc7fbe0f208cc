package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	dstypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kinesistypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/jwt"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/saml"
	"github.com/seki-dev/seki/internal/server/servertest"
)

// TestEveryOperationPassesTheDoor walks every operation of every service,
// as the services list them, and sends each a minimal valid request through
// the real server (real HTTP, SigV4) as a user without any permission. Each
// must answer only after the door recorded a decision for the request,
// except the operations declared authorization-free (protocol.None). An
// operation whose handler answers before authorizing (or a service that
// cannot list its operations) fails it.
func TestEveryOperationPassesTheDoor(t *testing.T) {
	w, env := startWalker(t)
	ctx := context.Background()
	ops := env.Server.Operations()
	if len(ops) == 0 {
		t.Fatal("the server lists no services")
	}
	walked := 0
	for _, service := range slices.Sorted(maps.Keys(ops)) {
		t.Run(service, func(t *testing.T) {
			list := ops[service]
			if len(list) == 0 {
				t.Fatalf("service %s lists no operations (its endpoint must implement protocol.Lister)", service)
			}
			for _, op := range list {
				t.Run(op.Name, func(t *testing.T) {
					if err := w.check(ctx, service, op); err != nil {
						t.Fatal(err)
					}
					walked++
				})
			}
		})
	}
	t.Logf("walked %d operations", walked)
}

// TestWalkerCatchesAnOperationThatForgetsTheDoor proves the walk can fail:
// an operation that answers without authorizing is reported. The broken
// operation claims to be checked per item but authorizes nothing; the
// request the walker sends it is answered (GetCallerIdentity needs no
// decision) without one.
func TestWalkerCatchesAnOperationThatForgetsTheDoor(t *testing.T) {
	w, _ := startWalker(t)
	forgetful := protocol.Define(protocol.Spec[struct{}]{
		Name:   "GetCallerIdentity",
		Auth:   protocol.PerItem[struct{}]("a deliberately broken operation"),
		Handle: func(context.Context, *protocol.Request, struct{}) (any, error) { return nil, nil },
	})
	err := w.check(context.Background(), "sts", forgetful)
	if err == nil || !strings.Contains(err.Error(), "without a recorded decision") {
		t.Fatalf("the walker accepted an operation that answered without authorizing: %v", err)
	}
}

type walker struct {
	env     *servertest.Env
	clients map[string]any
	// token is a valid web identity token (AssumeRoleWithWebIdentity
	// authenticates it before anything is authorized).
	token string
	// assertion is a valid SAML assertion for walkRole through
	// walkSAMLProvider (AssumeRoleWithSAML verifies it first, likewise).
	assertion string
}

// walkSAMLProvider is the SAML provider of the walker's assertion.
const walkSAMLProvider = "arn:aws:iam::111111111111:saml-provider/walk"

// walkIssuer is the OpenID Connect provider of the web identity token.
const walkIssuer = "https://token.actions.githubusercontent.com"

// startWalker starts a server that trusts a key for walkIssuer, and a
// walker for it.
func startWalker(t *testing.T) (*walker, *servertest.Env) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t, servertest.Options{OIDCKeys: map[string][]byte{walkIssuer: jwt.PublicKeySet(&key.PublicKey, "walk")}})
	w := newWalker(t, env)
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateOpenIDConnectProvider(context.Background(), &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(walkIssuer), ClientIDList: []string{"sts.amazonaws.com"}}); err != nil {
		t.Fatal(err)
	}
	w.token, err = jwt.Mint(key, "walk", map[string]any{"iss": walkIssuer, "aud": "sts.amazonaws.com", "sub": "walk",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	idp, err := saml.NewIdP("https://idp.example.com/walk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.CreateSAMLProvider(context.Background(), &iam.CreateSAMLProviderInput{
		Name: aws.String("walk"), SAMLMetadataDocument: aws.String(idp.Metadata())}); err != nil {
		t.Fatal(err)
	}
	w.assertion, err = idp.Assertion(saml.Claims{NameID: "walk", Attributes: []saml.Attribute{
		{Name: saml.AttrRole, Values: []string{walkRole + "," + walkSAMLProvider}}, {Name: saml.AttrRoleSessionName, Values: []string{"walk"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return w, env
}

// walkBucket is the bucket the S3 operations name: S3 answers NoSuchBucket
// before authorizing, as AWS does, so it must exist.
const walkBucket = "door-walk"

func newWalker(t *testing.T, env *servertest.Env) *walker {
	ctx := context.Background()
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nobody")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if err != nil {
		t.Fatal(err)
	}
	rootS3 := s3.NewFromConfig(env.Root(servertest.AccountA), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := rootS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(walkBucket)}); err != nil {
		t.Fatal(err)
	}
	cfg := env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
	return &walker{env: env, clients: map[string]any{
		"iam":      iam.NewFromConfig(cfg),
		"sts":      sts.NewFromConfig(cfg),
		"lambda":   lambda.NewFromConfig(cfg),
		"s3":       s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		"dynamodb": dynamodb.NewFromConfig(cfg),
		"logs":     cloudwatchlogs.NewFromConfig(cfg),
		"sqs":      sqs.NewFromConfig(cfg),
		"sns":      sns.NewFromConfig(cfg),
		"events":   eventbridge.NewFromConfig(cfg),
		"ec2":      ec2.NewFromConfig(cfg),
		"ecr":      ecr.NewFromConfig(cfg),
		"kms":      kms.NewFromConfig(cfg),
		"kinesis":  kinesis.NewFromConfig(cfg),
		// API Gateway v2 signs as "apigateway", and so does v1.
		"apigateway":    apigatewayv2.NewFromConfig(cfg),
		"apigateway/v1": apigateway.NewFromConfig(cfg),
		// DynamoDB Streams signs as "dynamodb"; the server lists it apart.
		"dynamodbstreams": dynamodbstreams.NewFromConfig(cfg),
	}}
}

// check sends op a minimal valid request and reports an error unless the
// answer came after a recorded decision (or op is declared None).
func (w *walker) check(ctx context.Context, service string, op *protocol.Op) error {
	client, ok := w.clients[service]
	if !ok {
		return fmt.Errorf("no SDK client for service %s: add one to newWalker", service)
	}
	kind, _, reason := op.Authorization()
	if kind == protocol.AuthNone {
		// Nothing to check but the stated reason.
		if reason == "" {
			return fmt.Errorf("%s is declared authorization-free without a reason", op.Name)
		}
		return nil
	}
	// A service two SDK clients speak (API Gateway's REST and HTTP APIs)
	// passes when either client's call of the operation was decided.
	err := w.checkWith(ctx, client, service, op)
	if alt, ok := w.clients[service+"/v1"]; ok && err != nil {
		if err = w.checkWith(ctx, alt, service, op); err != nil && strings.Contains(err.Error(), "SDK client has no method") {
			err = w.checkWith(ctx, client, service, op)
		}
	}
	return err
}

// checkWith is check through one SDK client.
func (w *walker) checkWith(ctx context.Context, client any, service string, op *protocol.Op) error {
	kind, _, _ := op.Authorization()
	if service == "s3" && op.Name == "PostObject" {
		return w.checkPostUpload() // a browser's form: no SDK method (s3post_test.go)
	}
	method := reflect.ValueOf(client).MethodByName(op.Name)
	if !method.IsValid() {
		return fmt.Errorf("the %s SDK client has no method for operation %s", service, op.Name)
	}
	in := reflect.New(method.Type().In(1).Elem())
	fillExtras(service, op.Name, in.Elem())
	if op.Name == "AssumeRoleWithWebIdentity" {
		set(in.Elem().FieldByName("WebIdentityToken"), w.token)
	}
	if op.Name == "AssumeRoleWithSAML" {
		set(in.Elem().FieldByName("SAMLAssertion"), w.assertion)
		set(in.Elem().FieldByName("PrincipalArn"), walkSAMLProvider)
	}
	var err error
	var out reflect.Value
	for attempt := 0; ; attempt++ {
		res := method.Call([]reflect.Value{reflect.ValueOf(ctx), in})
		out = res[0]
		err, _ = res[1].Interface().(error)
		var invalid smithy.InvalidParamsError
		if !errors.As(err, &invalid) {
			break
		}
		if attempt == 3 {
			return fmt.Errorf("%s: cannot build a valid input: %v", op.Name, err)
		}
		for _, e := range invalid.Errs() {
			var ipe smithy.InvalidParamError
			if !errors.As(e, &ipe) {
				return fmt.Errorf("%s: %v", op.Name, e)
			}
			field := strings.Split(ipe.Field(), ".")[1]
			if !fill(service, op.Name, field, in.Elem()) {
				return fmt.Errorf("%s: no minimal value for required member %s: add one to walkValues", op.Name, field)
			}
		}
	}
	id := requestID(out, err)
	if id == "" {
		return fmt.Errorf("%s answered without a request id: %v", op.Name, err)
	}
	decisions, _ := authz.Find(w.env.DataDir, id)
	if len(decisions) == 0 {
		// Denials are on disk before the answer, allowed decisions shortly
		// after it.
		time.Sleep(50 * time.Millisecond)
		decisions, _ = authz.Find(w.env.DataDir, id)
	}
	if len(decisions) == 0 {
		return fmt.Errorf("%s (authorized %s) answered without a recorded decision: %v", op.Name, kind, err)
	}
	return nil
}

// requestID is the request id of an SDK call's answer.
func requestID(out reflect.Value, err error) string {
	var withID interface{ ServiceRequestID() string }
	if errors.As(err, &withID) {
		return withID.ServiceRequestID()
	}
	if err != nil || out.IsNil() {
		return ""
	}
	md, ok := out.Elem().FieldByName("ResultMetadata").Interface().(middleware.Metadata)
	if !ok {
		return ""
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id
}

const (
	walkDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	walkTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	walkRole  = "arn:aws:iam::111111111111:role/walk"
	walkFn    = "walk"
)

// walkValues are minimal valid values of required members, looked up as
// "service.Operation.Member", then "service.Member", then "Member". A
// string stands for a string member of any string type.
var walkValues = map[string]any{
	// IAM.
	"iam.UserName":                    "walk",
	"iam.GroupName":                   "walk",
	"iam.RoleName":                    "walk",
	"iam.PolicyName":                  "walk",
	"iam.PolicyArn":                   "arn:aws:iam::111111111111:policy/walk",
	"iam.PolicyDocument":              walkDoc,
	"iam.AssumeRolePolicyDocument":    walkTrust,
	"iam.PermissionsBoundary":         "arn:aws:iam::111111111111:policy/walk",
	"iam.AccessKeyId":                 "AKIAWALKWALKWALKWALK",
	"iam.ServiceSpecificCredentialId": "ACCAWALKWALKWALKWALKW",
	"iam.Status":                      "Inactive",
	"iam.VersionId":                   "v1",
	"iam.Description":                 "walk",
	"iam.TagKeys":                     []string{"k"},
	"iam.Tags":                        []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
	"iam.ActionNames":                 []string{"s3:GetObject"},
	"iam.PolicySourceArn":             "arn:aws:iam::111111111111:user/walk",
	"iam.PolicyInputList":             []string{walkDoc},
	"iam.Url":                         "https://token.actions.githubusercontent.com",
	"iam.OpenIDConnectProviderArn":    "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
	"iam.ThumbprintList":              []string{strings.Repeat("a", 40)},
	"iam.ClientIDList":                []string{"sts.amazonaws.com"},
	"iam.ClientID":                    "sts.amazonaws.com",
	"iam.SAMLMetadataDocument":        strings.Repeat("x", 1000),
	"iam.SAMLProviderArn":             "arn:aws:iam::111111111111:saml-provider/walk",
	"iam.Name":                        "walk",

	// STS.
	"sts.RoleArn":         walkRole,
	"sts.RoleSessionName": "walk",

	// Lambda.
	"lambda.FunctionName":                        walkFn,
	"lambda.Role":                                walkRole,
	"lambda.Code":                                &lambdatypes.FunctionCode{ZipFile: []byte("PK\x05\x06" + strings.Repeat("\x00", 18))},
	"lambda.Name":                                "walk",
	"lambda.FunctionVersion":                     "$LATEST",
	"lambda.StatementId":                         "walk",
	"lambda.Action":                              "lambda:InvokeFunction",
	"lambda.Principal":                           "s3.amazonaws.com",
	"lambda.AddLayerVersionPermission.Action":    "lambda:GetLayerVersion",
	"lambda.AddLayerVersionPermission.Principal": "*",
	"lambda.AuthType":                            lambdatypes.FunctionUrlAuthTypeAwsIam,
	"lambda.CodeSigningConfigArn":                "arn:aws:lambda:us-east-1:111111111111:code-signing-config:csc-0123456789abcdefg",
	"lambda.AllowedPublishers":                   &lambdatypes.AllowedPublishers{SigningProfileVersionArns: []string{"arn:aws:signer:us-east-1:111111111111:/signing-profiles/walk"}},
	"lambda.Resource":                            "arn:aws:lambda:us-east-1:111111111111:function:walk",
	"lambda.Tags":                                map[string]string{"k": "v"},
	"lambda.TagKeys":                             []string{"k"},
	"lambda.ReservedConcurrentExecutions":        aws.Int32(1),
	"lambda.RecursiveLoop":                       lambdatypes.RecursiveLoopAllow,
	"lambda.LayerName":                           "walk",
	"lambda.VersionNumber":                       aws.Int64(1),
	"lambda.Content":                             &lambdatypes.LayerVersionContentInput{ZipFile: []byte("PK\x05\x06" + strings.Repeat("\x00", 18))},
	"lambda.Arn":                                 "arn:aws:lambda:us-east-1:111111111111:layer:walk:1",
	"lambda.UUID":                                "00000000-0000-4000-8000-000000000000",
	"lambda.EventSourceArn":                      "arn:aws:sqs:us-east-1:111111111111:walk",

	// S3.
	"s3.Bucket":                         walkBucket,
	"s3.Key":                            "walk",
	"s3.ObjectAttributes":               []s3types.ObjectAttributes{s3types.ObjectAttributesEtag},
	"s3.UploadId":                       "walk",
	"s3.PartNumber":                     aws.Int32(1),
	"s3.CopySource":                     walkBucket + "/walk",
	"s3.Policy":                         `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + walkBucket + `/*"}]}`,
	"s3.Delete":                         &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("walk")}}},
	"s3.NotificationConfiguration":      &s3types.NotificationConfiguration{},
	"s3.Tagging":                        &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}},
	"s3.VersioningConfiguration":        &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled},
	"s3.PublicAccessBlockConfiguration": &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)},
	"s3.WebsiteConfiguration":           &s3types.WebsiteConfiguration{IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")}},
	"s3.AccelerateConfiguration":        &s3types.AccelerateConfiguration{Status: s3types.BucketAccelerateStatusEnabled},
	"s3.RequestPaymentConfiguration":    &s3types.RequestPaymentConfiguration{Payer: s3types.PayerRequester},
	"s3.MetricsConfiguration":           &s3types.MetricsConfiguration{Id: aws.String("walk")},
	"s3.InventoryConfiguration": &s3types.InventoryConfiguration{Id: aws.String("walk"), IsEnabled: aws.Bool(true), IncludedObjectVersions: s3types.InventoryIncludedObjectVersionsAll,
		Destination: &s3types.InventoryDestination{S3BucketDestination: &s3types.InventoryS3BucketDestination{Bucket: aws.String("arn:aws:s3:::" + walkBucket), Format: s3types.InventoryFormatCsv}},
		Schedule:    &s3types.InventorySchedule{Frequency: s3types.InventoryFrequencyDaily}},
	"s3.AnalyticsConfiguration":          &s3types.AnalyticsConfiguration{Id: aws.String("walk"), StorageClassAnalysis: &s3types.StorageClassAnalysis{}},
	"s3.IntelligentTieringConfiguration": &s3types.IntelligentTieringConfiguration{Id: aws.String("walk"), Status: s3types.IntelligentTieringStatusEnabled, Tierings: []s3types.Tiering{{Days: aws.Int32(90), AccessTier: s3types.IntelligentTieringAccessTierArchiveAccess}}},
	"s3.ReplicationConfiguration": &s3types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::111111111111:role/walk"),
		Rules: []s3types.ReplicationRule{{Status: s3types.ReplicationRuleStatusEnabled, Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::" + walkBucket)}}}},
	"s3.BucketLoggingStatus": &s3types.BucketLoggingStatus{},
	"s3.CORSConfiguration":   &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}}}},
	"s3.OwnershipControls":   &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}},
	"s3.ServerSideEncryptionConfiguration": &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}},

	// DynamoDB.
	"dynamodb.TableName":            "walk",
	"dynamodb.KeySchema":            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
	"dynamodb.AttributeDefinitions": []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
	"dynamodb.Item":                 map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "a"}},
	"dynamodb.Key":                  map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "a"}},
	"dynamodb.BatchGetItem.RequestItems": map[string]ddbtypes.KeysAndAttributes{"walk": {Keys: []map[string]ddbtypes.AttributeValue{
		{"pk": &ddbtypes.AttributeValueMemberS{Value: "a"}}}}},
	"dynamodb.BatchWriteItem.RequestItems": map[string][]ddbtypes.WriteRequest{"walk": {{PutRequest: &ddbtypes.PutRequest{
		Item: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "a"}}}}}},
	"dynamodb.TransactWriteItems.TransactItems": []ddbtypes.TransactWriteItem{{Put: &ddbtypes.Put{TableName: aws.String("walk"),
		Item: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "a"}}}}},
	"dynamodb.TransactGetItems.TransactItems": []ddbtypes.TransactGetItem{{Get: &ddbtypes.Get{TableName: aws.String("walk"),
		Key: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "a"}}}}},

	// DynamoDB Streams (the iterator is well formed: next 1, issued 1 ms after the epoch).
	"dynamodbstreams.StreamArn":         "arn:aws:dynamodb:us-east-1:111111111111:table/walk/stream/2026-01-01T00:00:00.000",
	"dynamodbstreams.ShardId":           "shardId-00000000000000000000-00000000",
	"dynamodbstreams.ShardIteratorType": dstypes.ShardIteratorTypeLatest,
	"dynamodbstreams.ShardIterator":     "arn:aws:dynamodb:us-east-1:111111111111:table/walk/stream/2026-01-01T00:00:00.000|1|AAAAAAAAAAEAAAAAAAAAAQ",

	// DynamoDB's Kinesis streaming destinations name a Kinesis stream.
	"dynamodb.StreamArn": "arn:aws:kinesis:us-east-1:111111111111:stream/walk",

	// Kinesis (the iterator is well formed: shard 0, next 0, issued 1 ms after the epoch).
	"kinesis.StreamName":        "walk",
	"kinesis.ShardId":           "shardId-000000000000",
	"kinesis.ShardIteratorType": kinesistypes.ShardIteratorTypeLatest,
	"kinesis.ShardIterator":     "MXxhcm46YXdzOmtpbmVzaXM6dXMtZWFzdC0xOjExMTExMTExMTExMTpzdHJlYW0vd2Fsa3wwfDB8MHwx",
	"kinesis.PartitionKey":      "k",
	"kinesis.Data":              []byte("x"),
	"kinesis.Records":           []kinesistypes.PutRecordsRequestEntry{{PartitionKey: aws.String("k"), Data: []byte("x")}},

	// CloudWatch Logs.
	"logs.LogGroupName":       "walk",
	"logs.LogStreamName":      "walk",
	"logs.LogEvents":          []logtypes.InputLogEvent{{Message: aws.String("walk"), Timestamp: aws.Int64(1)}},
	"logs.ResourceArn":        "arn:aws:logs:us-east-1:111111111111:log-group:walk",
	"logs.TagLogGroup.Tags":   map[string]string{"k": "v"},
	"logs.UntagLogGroup.Tags": []string{"k"},
	"logs.Tags":               map[string]string{"k": "v"},
	"logs.TagKeys":            []string{"k"},
	"logs.RetentionInDays":    aws.Int32(1),

	// SQS.
	"kms.AliasName":                  "alias/walk",
	"kms.Tags":                       []kmstypes.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}},
	"kms.CiphertextBlob":             []byte("walk"),
	"kms.Plaintext":                  []byte("walk"),
	"kms.Policy":                     walkDoc,
	"sqs.QueueName":                  "walk",
	"sqs.QueueUrl":                   "http://sqs.us-east-1.localhost/111111111111/walk",
	"sqs.MessageBody":                "walk",
	"sqs.ReceiptHandle":              "walk",
	"sqs.Label":                      "walk",
	"sqs.AWSAccountIds":              []string{"222222222222"},
	"sqs.Actions":                    []string{"SendMessage"},
	"sqs.Attributes":                 map[string]string{"DelaySeconds": "0"},
	"sqs.AttributeNames":             []string{"DelaySeconds"},
	"sqs.Tags":                       map[string]string{"k": "v"},
	"sqs.TagKeys":                    []string{"k"},
	"sqs.VisibilityTimeout":          int32(0),
	"sqs.SendMessageBatch.Entries":   []sqstypes.SendMessageBatchRequestEntry{{Id: aws.String("a"), MessageBody: aws.String("walk")}},
	"sqs.DeleteMessageBatch.Entries": []sqstypes.DeleteMessageBatchRequestEntry{{Id: aws.String("a"), ReceiptHandle: aws.String("walk")}},
	"sqs.ChangeMessageVisibilityBatch.Entries": []sqstypes.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("a"), ReceiptHandle: aws.String("walk")}},
}

// SNS.
func init() {
	for k, v := range map[string]any{
		"sns.Name":                       "walk",
		"sns.TopicArn":                   "arn:aws:sns:us-east-1:111111111111:walk",
		"sns.SubscriptionArn":            "arn:aws:sns:us-east-1:111111111111:walk:00000000-0000-4000-8000-000000000000",
		"sns.ResourceArn":                "arn:aws:sns:us-east-1:111111111111:walk",
		"sns.Protocol":                   "sqs",
		"sns.Endpoint":                   "arn:aws:sqs:us-east-1:111111111111:walk",
		"sns.Message":                    "walk",
		"sns.Label":                      "walk",
		"sns.AWSAccountId":               []string{"222222222222"},
		"sns.ActionName":                 []string{"Publish"},
		"sns.AttributeName":              "DisplayName",
		"sns.AttributeValue":             "walk",
		"sns.Tags":                       []snstypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
		"sns.TagKeys":                    []string{"k"},
		"sns.PublishBatchRequestEntries": []snstypes.PublishBatchRequestEntry{{Id: aws.String("a"), Message: aws.String("walk")}},
	} {
		walkValues[k] = v
	}
}

// EventBridge.
func init() {
	for k, v := range map[string]any{
		"events.Name":         "walk",
		"events.Rule":         "walk",
		"events.Ids":          []string{"t"},
		"events.Targets":      []ebtypes.Target{{Id: aws.String("t"), Arn: aws.String("arn:aws:sqs:us-east-1:111111111111:walk")}},
		"events.Entries":      []ebtypes.PutEventsRequestEntry{{Source: aws.String("walk"), DetailType: aws.String("walk"), Detail: aws.String("{}")}},
		"events.Event":        `{"source":"walk","detail-type":"walk","detail":{},"id":"1","account":"111111111111","time":"2024-01-01T00:00:00Z","region":"us-east-1","resources":[],"version":"0"}`,
		"events.EventPattern": `{"source":["walk"]}`,
		"events.ResourceARN":  "arn:aws:events:us-east-1:111111111111:event-bus/walk",
		"events.Tags":         []ebtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
		"events.TagKeys":      []string{"k"},
	} {
		walkValues[k] = v
	}
}

// API Gateway (HTTP APIs).
func init() {
	for k, v := range map[string]any{
		"apigateway.ProtocolType":    "HTTP",
		"apigateway.RouteKey":        "GET /walk",
		"apigateway.IntegrationType": "AWS_PROXY",
		"apigateway.AuthorizerType":  "REQUEST",
		// REST APIs: values their validation accepts.
		"apigateway.HttpMethod":        "GET",
		"apigateway.AuthorizationType": "NONE",
		"apigateway.Type":              "MOCK",
		"apigateway.Tags":              map[string]string{"k": "v"},
	} {
		walkValues[k] = v
	}
}

// walkExtras are optional members some operations need to be valid.
var walkExtras = map[string]map[string]any{
	"dynamodb.CreateTable": {"BillingMode": ddbtypes.BillingModePayPerRequest},
	// One of KeySpec and NumberOfBytes is needed.
	"kms.GenerateDataKey":                 {"KeySpec": kmstypes.DataKeySpecAes256},
	"kms.GenerateDataKeyWithoutPlaintext": {"KeySpec": kmstypes.DataKeySpecAes256},
	"kms.Decrypt":                         {"CiphertextBlob": []byte("walk")},
	"kms.ReEncrypt":                       {"CiphertextBlob": []byte("walk")},
	// Either the group's name or its ARN (logGroupIdentifier) is needed.
	"logs.DescribeLogStreams":       {"LogGroupName": "walk"},
	"logs.GetLogEvents":             {"LogGroupName": "walk"},
	"logs.FilterLogEvents":          {"LogGroupName": "walk"},
	"sns.Subscribe":                 {"Endpoint": "arn:aws:sqs:us-east-1:111111111111:walk"},
	"sns.Publish":                   {"TopicArn": "arn:aws:sns:us-east-1:111111111111:walk"},
	"events.PutRule":                {"EventPattern": `{"source":["walk"]}`},
	"events.PutPermission":          {"Action": "events:PutEvents", "Principal": "222222222222", "StatementId": "walk"},
	"events.RemovePermission":       {"StatementId": "walk"},
	"apigateway.CreateIntegration":  {"IntegrationUri": "arn:aws:lambda:us-east-1:111111111111:function:walk", "PayloadFormatVersion": "2.0"},
	"sns.SetSubscriptionAttributes": {"AttributeName": "RawMessageDelivery", "AttributeValue": "true"},
	// EC2's model requires no CIDR (IPAM pools may stand for one); seki does.
	"ec2.CreateVpc":    {"CidrBlock": "10.0.0.0/16"},
	"ec2.CreateSubnet": {"CidrBlock": "10.0.0.0/24"},
	// Either GroupId or GroupName; the model requires neither.
	"ec2.DeleteSecurityGroup": {"GroupId": "sg-walk"},
	// Either the stream's name or its ARN is needed.
	"kinesis.DescribeStream":        {"StreamName": "walk"},
	"kinesis.DescribeStreamSummary": {"StreamName": "walk"},
	"kinesis.DeleteStream":          {"StreamName": "walk"},
	"kinesis.PutRecord":             {"StreamName": "walk", "PartitionKey": "k", "Data": []byte("x")},
	"kinesis.PutRecords":            {"StreamName": "walk"},
	"kinesis.GetShardIterator":      {"StreamName": "walk"},
	"apigateway.CreateAuthorizer": {"AuthorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:walk/invocations",
		"AuthorizerPayloadFormatVersion": "2.0", "IdentitySource": []string{"$request.header.Authorization"}},
}

func fillExtras(service, op string, v reflect.Value) {
	for field, val := range walkExtras[service+"."+op] {
		set(v.FieldByName(field), val)
	}
}

// fill sets member field of the input v to its minimal value.
func fill(service, op, field string, v reflect.Value) bool {
	val, ok := walkValues[service+"."+op+"."+field]
	if !ok {
		val, ok = walkValues[service+"."+field]
	}
	if !ok {
		val, ok = walkValues[field]
	}
	f := v.FieldByName(field)
	if !f.IsValid() {
		return false
	}
	if !ok {
		val, ok = fallback(service, field, f.Type())
	}
	return ok && set(f, val)
}

// fallback guesses a minimal value for a member walkValues does not name:
// an ARN for *Arn members, a name for other strings, one element for lists
// of strings, 1 for numbers.
func fallback(service, field string, t reflect.Type) (any, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.String && strings.HasSuffix(field, "Arn"):
		return "arn:aws:" + service + ":us-east-1:111111111111:walk", true
	case t.Kind() == reflect.String:
		return "walk", true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return []string{"walk"}, true
	case t.Kind() == reflect.Int32:
		return aws.Int32(1), true
	case t.Kind() == reflect.Int64:
		return aws.Int64(1), true
	}
	return nil, false
}

// set stores val in f, converting a string to f's string type.
func set(f reflect.Value, val any) bool {
	if s, ok := val.(string); ok {
		switch {
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
			p := reflect.New(f.Type().Elem())
			p.Elem().SetString(s)
			f.Set(p)
			return true
		case f.Kind() == reflect.String:
			f.SetString(s)
			return true
		}
	}
	v := reflect.ValueOf(val)
	if !v.Type().AssignableTo(f.Type()) {
		if v.Type().ConvertibleTo(f.Type()) {
			f.Set(v.Convert(f.Type()))
			return true
		}
		return false
	}
	f.Set(v)
	return true
}

// ECR.
func init() {
	walkValues["ecr.ImageIds"] = []ecrtypes.ImageIdentifier{{ImageTag: aws.String("walk")}}
	walkValues["ecr.RepositoryName"] = "walk"
}
