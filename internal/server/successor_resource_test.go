package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// resourceGrant is one service's resource-based policy granting a role of
// another account: grant writes it, use calls the service with the role's
// session, show reads the policy back as the resource's owner sees it.
type resourceGrant struct {
	name  string
	grant func(roleARN string) error
	use   func(cfg aws.Config) error
	show  func() (string, error)
}

// TestResourcePoliciesDoNotGrantASuccessor is the rest of issue #10's hole
// 4: a Lambda function policy, an S3 bucket policy, an SQS queue policy and
// an SNS topic policy that grant a role (of another account) by ARN are
// bound to the role's unique id when saved, as AWS binds them. While the
// role exists they show its ARN; once it is deleted they show its unique
// id (AROA…), and a new role of the same name is not granted.
func TestResourcePoliciesDoNotGrantASuccessor(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	a, b := servertest.AccountA, servertest.AccountB
	rootA := e.Root(a)
	iamB := iam.NewFromConfig(e.Root(b))

	// Account A's resources.
	lam := lambda.NewFromConfig(rootA)
	iamA := iam.NewFromConfig(rootA)
	if _, err := iamA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("exec"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := lam.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("granted"), Runtime: lambdatypes.RuntimePython312,
		Role: aws.String("arn:aws:iam::" + a.Account + ":role/exec"), Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: pythonZip(t)}}); err != nil {
		t.Fatal(err)
	}
	s3A := s3.NewFromConfig(rootA, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3A.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("granted")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3A.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("granted"), Key: aws.String("k"), Body: strings.NewReader("v")}); err != nil {
		t.Fatal(err)
	}
	sqsA := sqs.NewFromConfig(rootA)
	q, err := sqsA.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("granted")})
	if err != nil {
		t.Fatal(err)
	}
	snsA := sns.NewFromConfig(rootA)
	topic, err := snsA.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("granted")})
	if err != nil {
		t.Fatal(err)
	}
	fnARN := "arn:aws:lambda:us-east-1:" + a.Account + ":function:granted"
	queueARN := "arn:aws:sqs:us-east-1:" + a.Account + ":granted"
	doc := func(principal, action, resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"grant","Effect":"Allow","Principal":{"AWS":"` + principal +
			`"},"Action":"` + action + `","Resource":"` + resource + `"}]}`
	}

	services := []resourceGrant{{
		name: "lambda",
		grant: func(role string) error {
			_, err := lam.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("granted"), StatementId: aws.String("grant"),
				Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(role)})
			return err
		},
		use: func(cfg aws.Config) error {
			_, err := lambda.NewFromConfig(cfg).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fnARN), InvocationType: lambdatypes.InvocationTypeDryRun})
			return err
		},
		show: func() (string, error) {
			out, err := lam.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("granted")})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Policy), nil
		},
	}, {
		name: "s3",
		grant: func(role string) error {
			_, err := s3A.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("granted"),
				Policy: aws.String(doc(role, "s3:GetObject", "arn:aws:s3:::granted/*"))})
			return err
		},
		use: func(cfg aws.Config) error {
			out, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("granted"), Key: aws.String("k")})
			if err == nil {
				out.Body.Close()
			}
			return err
		},
		show: func() (string, error) {
			out, err := s3A.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("granted")})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Policy), nil
		},
	}, {
		name: "sqs",
		grant: func(role string) error {
			_, err := sqsA.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl,
				Attributes: map[string]string{"Policy": doc(role, "sqs:SendMessage", queueARN)}})
			return err
		},
		use: func(cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("m")})
			return err
		},
		show: func() (string, error) {
			out, err := sqsA.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
				AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNamePolicy}})
			if err != nil {
				return "", err
			}
			return out.Attributes["Policy"], nil
		},
	}, {
		name: "sns",
		grant: func(role string) error {
			_, err := snsA.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: topic.TopicArn, AttributeName: aws.String("Policy"),
				AttributeValue: aws.String(doc(role, "SNS:Publish", *topic.TopicArn))})
			return err
		},
		use: func(cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("m")})
			return err
		},
		show: func() (string, error) {
			out, err := snsA.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: topic.TopicArn})
			if err != nil {
				return "", err
			}
			return out.Attributes["Policy"], nil
		},
	}}

	// Role R of account B, allowed by its own policy to do all four: the
	// resource policies are what decides.
	roleARN := "arn:aws:iam::" + b.Account + ":role/R"
	// Roots may not assume roles: a user of account B does.
	if _, err := iamB.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("assumer")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamB.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("assumer"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := iamB.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("assumer")})
	if err != nil {
		t.Fatal(err)
	}
	assumer := sts.NewFromConfig(e.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	createRole := func() (id string, session aws.Config) {
		t.Helper()
		out, err := iamB.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("R"), AssumeRolePolicyDocument: aws.String(trustingRoot(b.Account))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := iamB.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction","s3:GetObject","sqs:SendMessage","sns:Publish"],"Resource":"*"}]}`)}); err != nil {
			t.Fatal(err)
		}
		cred, err := assumer.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("session")})
		if err != nil {
			t.Fatal(err)
		}
		c := cred.Credentials
		return *out.Role.RoleId, e.Config(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	}

	oldID, old := createRole()
	for _, s := range services {
		if err := s.grant(roleARN); err != nil {
			t.Fatalf("%s: granting %s: %v", s.name, roleARN, err)
		}
		if err := s.use(old); err != nil {
			t.Errorf("%s: the granted role: %v", s.name, err)
		}
		shown, err := s.show()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !strings.Contains(shown, `"`+roleARN+`"`) || strings.Contains(shown, oldID) {
			t.Errorf("%s: while the role exists its policy should name it by ARN: %s", s.name, shown)
		}
	}

	if _, err := iamB.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("R"), PolicyName: aws.String("p")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamB.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("R")}); err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		shown, err := s.show()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !strings.Contains(shown, `"`+oldID+`"`) || strings.Contains(shown, roleARN) {
			t.Errorf("%s: after the role's deletion its policy should show the role's unique id %s: %s", s.name, oldID, shown)
		}
	}

	newID, successor := createRole()
	if newID == oldID {
		t.Fatal("the successor has its predecessor's unique id")
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, s := range services {
		err := s.use(successor)
		for err != nil && strings.Contains(err.Error(), "Pending") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			err = s.use(successor)
		}
		if err == nil {
			t.Errorf("%s: a new role of the same name is granted what its deleted predecessor was", s.name)
			continue
		}
		if code := apiError(t, err).ErrorCode(); !strings.Contains(code, "AccessDenied") && code != "AuthorizationError" {
			t.Errorf("%s: the successor: %s, want an access denial", s.name, code)
		}
	}
}

// pythonZip is a deployment package with a handler that is never run.
func pythonZip(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("index.py")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("def handler(event, context):\n    return event\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
