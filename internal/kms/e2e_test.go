package kms_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/explain"
	"github.com/seki-dev/seki/internal/server/servertest"
)

var ctx = context.Background()

func apiErr(t *testing.T, err error, code string) string {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	return ae.ErrorMessage()
}

// TestKeysEndToEnd drives the key lifecycle and the cryptographic
// operations through the Go SDK, and checks they survive a restart.
func TestKeysEndToEnd(t *testing.T) {
	env := servertest.Start(t)
	c := kms.NewFromConfig(env.Root(servertest.AccountA))
	k, err := c.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("test key 123")})
	if err != nil {
		t.Fatal(err)
	}
	m := k.KeyMetadata
	if m.KeyState != types.KeyStateEnabled || m.KeyManager != types.KeyManagerTypeCustomer || m.KeySpec != types.KeySpecSymmetricDefault ||
		*m.Arn != "arn:aws:kms:us-east-1:111111111111:key/"+*m.KeyId || *m.AWSAccountId != "111111111111" {
		t.Fatalf("metadata %+v", m)
	}
	// Invalid usage/spec combinations and enum values are refused.
	_, err = c.CreateKey(ctx, &kms.CreateKeyInput{KeyUsage: types.KeyUsageTypeSignVerify, KeySpec: types.KeySpecSymmetricDefault})
	apiErr(t, err, "ValidationException")
	_, err = c.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: "NOPE"})
	apiErr(t, err, "ValidationException")

	ec := map[string]string{"purpose": "test"}
	enc, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("secret"), EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	if *enc.KeyId != *m.Arn || bytes.Contains(enc.CiphertextBlob, []byte("secret")) {
		t.Fatalf("encrypt %+v", enc)
	}
	dec, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	if err != nil || string(dec.Plaintext) != "secret" || *dec.KeyId != *m.Arn {
		t.Fatalf("decrypt %+v %v", dec, err)
	}
	// The encryption context is bound: without it, or with another, no.
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	apiErr(t, err, "InvalidCiphertextException")
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"purpose": "other"}})
	apiErr(t, err, "InvalidCiphertextException")
	flipped := bytes.Clone(enc.CiphertextBlob)
	flipped[len(flipped)-1] ^= 1
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: flipped, EncryptionContext: ec})
	apiErr(t, err, "InvalidCiphertextException")

	// Aliases name keys everywhere a KeyId goes.
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: m.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("app"), TargetKeyId: m.KeyId})
	if msg := apiErr(t, err, "ValidationException"); !strings.HasPrefix(msg, `Alias must start with the prefix "alias/".`) {
		t.Fatal(msg)
	}
	dk, err := c.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String("alias/app"), KeySpec: types.DataKeySpecAes256})
	if err != nil || len(dk.Plaintext) != 32 || *dk.KeyId != *m.Arn {
		t.Fatalf("data key %+v %v", dk, err)
	}
	back, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, KeyId: aws.String("alias/app")})
	if err != nil || !bytes.Equal(back.Plaintext, dk.Plaintext) {
		t.Fatalf("data key decrypt %v", err)
	}
	k2, err := c.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, KeyId: k2.KeyMetadata.KeyId})
	apiErr(t, err, "IncorrectKeyException")
	re, err := c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: ec, DestinationKeyId: k2.KeyMetadata.KeyId})
	if err != nil || *re.SourceKeyId != *m.Arn || *re.KeyId != *k2.KeyMetadata.Arn {
		t.Fatalf("re-encrypt %+v %v", re, err)
	}
	if _, err := c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: k2.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}
	al, err := c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: k2.KeyMetadata.KeyId})
	if err != nil || len(al.Aliases) != 1 || *al.Aliases[0].AliasName != "alias/app" {
		t.Fatalf("aliases %+v %v", al, err)
	}

	// Not found, in every way of naming a key.
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("fake-key-id")})
	if msg := apiErr(t, err, "NotFoundException"); msg != "Invalid keyId 'fake-key-id'" {
		t.Fatal(msg)
	}
	const missing = "134f2428-cec1-4b25-a1ae-9048164dba47"
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(missing)})
	if msg := apiErr(t, err, "NotFoundException"); msg != "Key 'arn:aws:kms:us-east-1:111111111111:key/"+missing+"' does not exist" {
		t.Fatal(msg)
	}
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:eu-west-1:111111111111:key/" + missing)})
	if msg := apiErr(t, err, "NotFoundException"); msg != "Invalid arn eu-west-1" {
		t.Fatal(msg)
	}

	// States: disabled, pending deletion, cancelled (Disabled again).
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: m.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("x")})
	if msg := apiErr(t, err, "DisabledException"); msg != *m.Arn+" is disabled." {
		t.Fatal(msg)
	}
	sd, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: m.KeyId, PendingWindowInDays: aws.Int32(7)})
	if err != nil || sd.KeyState != types.KeyStatePendingDeletion || *sd.PendingWindowInDays != 7 {
		t.Fatalf("schedule %+v %v", sd, err)
	}
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	if msg := apiErr(t, err, "KMSInvalidStateException"); msg != *m.Arn+" is pending deletion." {
		t.Fatal(msg)
	}
	if _, err := c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: m.KeyId}); err != nil {
		t.Fatal(err)
	}

	// Durable: a restart keeps keys, states, aliases and secrets.
	env.Stop()
	env2 := servertest.Start(t, servertest.Options{DataDir: env.DataDir})
	c2 := kms.NewFromConfig(env2.Root(servertest.AccountA))
	d, err := c2.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/app")})
	if err != nil || *d.KeyMetadata.KeyId != *k2.KeyMetadata.KeyId {
		t.Fatalf("after restart %+v %v", d, err)
	}
	d, err = c2.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: m.KeyId})
	if err != nil || d.KeyMetadata.KeyState != types.KeyStateDisabled {
		t.Fatalf("after restart %+v %v", d, err)
	}
	if back, err := c2.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: re.CiphertextBlob, EncryptionContext: nil}); err != nil || string(back.Plaintext) != "secret" {
		t.Fatalf("decrypt after restart %v", err)
	}
}

func s3c(cfg aws.Config) *awss3.Client {
	return awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })
}

// user makes an IAM user of account A (see userIn).
func user(t *testing.T, env *servertest.Env, name, doc string) aws.Config {
	t.Helper()
	return userIn(t, env, env.Root(servertest.AccountA), name, doc)
}

// TestSSEKMSPermissions is the permission model users meet every day: a
// reader of an SSE-KMS object needs kms:Decrypt on its key (and the
// denial names the key), a writer kms:GenerateDataKey, and a key policy
// without the account's root statement refuses even an administrator.
func TestSSEKMSPermissions(t *testing.T) {
	env := servertest.Start(t)
	root := env.Root(servertest.AccountA)
	kc := kms.NewFromConfig(root)
	k, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := *k.KeyMetadata.Arn
	s := s3c(root)
	if _, err := s.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("enc")}); err != nil {
		t.Fatal(err)
	}
	put, err := s.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("enc"), Key: aws.String("o"), Body: strings.NewReader("hello"),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: k.KeyMetadata.KeyId})
	if err != nil {
		t.Fatal(err)
	}
	if put.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || *put.SSEKMSKeyId != keyARN {
		t.Fatalf("put answered %s %v", put.ServerSideEncryption, put.SSEKMSKeyId)
	}

	reader := s3c(user(t, env, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`))
	_, err = reader.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("enc"), Key: aws.String("o")})
	want := "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: kms:Decrypt on resource: " + keyARN + " because no identity-based policy allows the kms:Decrypt action"
	if msg := apiErr(t, err, "AccessDenied"); msg != want {
		t.Fatalf("message %q\nwant %q", msg, want)
	}
	var re interface{ ServiceRequestID() string }
	if !errors.As(err, &re) {
		t.Fatalf("no request id in %v", err)
	} else {
		found := false
		for _, d := range env.Decisions(t, re.ServiceRequestID()) {
			if d.Action == "kms:Decrypt" && d.Resource == keyARN && d.Decision == "ImplicitlyDenied" {
				found = true
			}
		}
		if !found {
			t.Fatalf("no kms:Decrypt denial logged under %s: %+v", re.ServiceRequestID(), env.Decisions(t, re.ServiceRequestID()))
		}
	}
	explained(t, env, err, "kms:Decrypt", keyARN, "ImplicitlyDenied", "no identity-based policy allows the kms:Decrypt action")
	rootIAM := iam.NewFromConfig(root)
	if _, err := rootIAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","kms:Decrypt"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	got, err := reader.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("enc"), Key: aws.String("o")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	if string(body) != "hello" || *got.SSEKMSKeyId != keyARN {
		t.Fatalf("read %q %v", body, got.SSEKMSKeyId)
	}

	// A writer needs kms:GenerateDataKey.
	writer := s3c(user(t, env, "writer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`))
	_, err = writer.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("enc"), Key: aws.String("w"), Body: strings.NewReader("x"),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(keyARN)})
	if msg := apiErr(t, err, "AccessDenied"); !strings.Contains(msg, "kms:GenerateDataKey on resource: "+keyARN) {
		t.Fatal(msg)
	}
	explained(t, env, err, "kms:GenerateDataKey", keyARN, "ImplicitlyDenied")

	// A key policy without the root statement: the administrator's
	// identity policy has no effect, neither through S3 nor directly.
	admin := user(t, env, "admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	locked, err := kc.CreateKey(ctx, &kms.CreateKeyInput{BypassPolicyLockoutSafetyCheck: true,
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/reader"},"Action":"kms:*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = kms.NewFromConfig(admin).Encrypt(ctx, &kms.EncryptInput{KeyId: locked.KeyMetadata.KeyId, Plaintext: []byte("x")})
	if msg := apiErr(t, err, "AccessDeniedException"); !strings.Contains(msg, "because no resource-based policy allows the kms:Encrypt action") {
		t.Fatal(msg)
	}
	_, err = s3c(admin).PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("enc"), Key: aws.String("a"), Body: strings.NewReader("x"),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: locked.KeyMetadata.Arn})
	apiErr(t, err, "AccessDenied")
	explained(t, env, err, "kms:GenerateDataKey", *locked.KeyMetadata.Arn, "the key policy allows neither")
	// The user the key policy names needs no identity policy for it.
	if _, err := kms.NewFromConfig(user(t, env, "plain", "")).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: locked.KeyMetadata.KeyId}); err == nil {
		t.Fatal("a user neither the key policy nor an identity policy allows described the key")
	}

	// Bucket default encryption with the AWS managed key: made on first
	// use, named by alias/aws/s3, usable by the account's principals
	// through S3 only.
	if _, err := s.PutBucketEncryption(ctx, &awss3.PutBucketEncryptionInput{Bucket: aws.String("enc"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms},
			BucketKeyEnabled:                   aws.Bool(true)}}}}); err != nil {
		t.Fatal(err)
	}
	dp, err := s.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("enc"), Key: aws.String("d"), Body: strings.NewReader("x")})
	if err != nil || dp.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || !*dp.BucketKeyEnabled {
		t.Fatalf("default put %+v %v", dp, err)
	}
	mk, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/s3")})
	if err != nil || *mk.KeyMetadata.Arn != *dp.SSEKMSKeyId || mk.KeyMetadata.KeyManager != types.KeyManagerTypeAws {
		t.Fatalf("managed key %+v %v", mk, err)
	}
	_, err = kms.NewFromConfig(admin).Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/aws/s3"), Plaintext: []byte("x")})
	apiErr(t, err, "AccessDeniedException")
}

// userIn makes an IAM user of root's account with an inline policy (none
// when doc is "") and returns its configuration.
func userIn(t *testing.T, env *servertest.Env, root aws.Config, name, doc string) aws.Config {
	t.Helper()
	c := iam.NewFromConfig(root)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: &name}); err != nil {
		t.Fatal(err)
	}
	if doc != "" {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &name, PolicyName: aws.String("p"), PolicyDocument: &doc}); err != nil {
			t.Fatal(err)
		}
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &name})
	if err != nil {
		t.Fatal(err)
	}
	return env.Config(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
}

// explained runs `seki explain` on the request of err (a denial) and
// checks that it names action, resource and the decision's reason.
func explained(t *testing.T, env *servertest.Env, err error, action, resource string, want ...string) {
	t.Helper()
	var re interface{ ServiceRequestID() string }
	if !errors.As(err, &re) || re.ServiceRequestID() == "" {
		t.Fatalf("no request id in %v", err)
	}
	var out, errOut bytes.Buffer
	deadline := time.Now().Add(3 * time.Second)
	for {
		out.Reset()
		errOut.Reset()
		// The decision log is written behind the answer.
		if explain.Run(env.DataDir, re.ServiceRequestID(), &out, &errOut) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, w := range append([]string{action, resource}, want...) {
		if !strings.Contains(out.String(), w) {
			t.Fatalf("seki explain %s does not say %q:\n%s%s", re.ServiceRequestID(), w, out.String(), errOut.String())
		}
	}
}

// TestKeyPolicyRule is KMS's rule for key policies
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html):
// identity policies count only where the key policy allows the account
// (its root user's ARN), and another account's principal needs both the
// key policy and its own identity policy.
func TestKeyPolicyRule(t *testing.T) {
	env := servertest.Start(t)
	rootA := env.Root(servertest.AccountA)
	kc := kms.NewFromConfig(rootA)
	// The default key policy allows only the account (root).
	k, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := *k.KeyMetadata.Arn
	gp, err := kc.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.KeyMetadata.KeyId, PolicyName: aws.String("default")})
	if err != nil || !strings.Contains(*gp.Policy, `"arn:aws:iam::111111111111:root"`) || strings.Contains(*gp.Policy, "user/") {
		t.Fatalf("default key policy %v %v", gp, err)
	}

	// An identity policy of the account is enough under it.
	allowed := kms.NewFromConfig(userIn(t, env, rootA, "enc", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"`+keyARN+`"}]}`))
	enc, err := allowed.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("p")})
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := allowed.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}); err != nil || string(dec.Plaintext) != "p" {
		t.Fatalf("decrypt %v %v", dec, err)
	}
	// Without one, KMS's AccessDeniedException, explained.
	none := kms.NewFromConfig(userIn(t, env, rootA, "none", ""))
	_, err = none.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("p")})
	want := "User: arn:aws:iam::111111111111:user/none is not authorized to perform: kms:Encrypt on resource: " + keyARN +
		" because no identity-based policy allows the kms:Encrypt action"
	if msg := apiErr(t, err, "AccessDeniedException"); msg != want {
		t.Fatalf("message %q\nwant %q", msg, want)
	}
	explained(t, env, err, "kms:Encrypt", keyARN, "ImplicitlyDenied")

	// Another account's user: the key policy names it (by its account)
	// and its identity policy allows the key.
	rootB := env.Root(servertest.AccountB)
	crossDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"` + keyARN + `"}]}`
	crossUser := kms.NewFromConfig(userIn(t, env, rootB, "partner", crossDoc))
	crossBare := kms.NewFromConfig(userIn(t, env, rootB, "bare", ""))

	// Before the key policy allows account B: denied whatever B's
	// identity policy says, and the denial names the key policy.
	_, err = crossUser.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("p")})
	want = "User: arn:aws:iam::222222222222:user/partner is not authorized to perform: kms:Encrypt on resource: " + keyARN +
		" because no resource-based policy allows the kms:Encrypt action"
	if msg := apiErr(t, err, "AccessDeniedException"); msg != want {
		t.Fatalf("message %q\nwant %q", msg, want)
	}
	explained(t, env, err, "kms:Encrypt", keyARN, "ImplicitlyDenied", "the key policy allows neither", "aws kms put-key-policy")

	keyPolicy := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]}`
	if _, err := kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyMetadata.KeyId, PolicyName: aws.String("default"), Policy: &keyPolicy}); err != nil {
		t.Fatal(err)
	}
	// Both allow: allowed, by ARN (another account's key cannot be named
	// by id or alias).
	enc, err = crossUser.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("cross"), EncryptionContext: map[string]string{"by": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := crossUser.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"by": "b"}}); err != nil ||
		string(dec.Plaintext) != "cross" || *dec.KeyId != keyARN {
		t.Fatalf("cross-account decrypt %v %v", dec, err)
	}
	// A user of A decrypts what B encrypted with A's key.
	if dec, err := allowed.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"by": "b"}}); err != nil || string(dec.Plaintext) != "cross" {
		t.Fatalf("decrypt of B's blob %v %v", dec, err)
	}
	// The key id alone names a key of the caller's own account.
	_, err = kms.NewFromConfig(rootB).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyMetadata.KeyId})
	if msg := apiErr(t, err, "NotFoundException"); msg != "Key 'arn:aws:kms:us-east-1:222222222222:key/"+*k.KeyMetadata.KeyId+"' does not exist" {
		t.Fatal(msg)
	}
	// The key policy allows B, but B's user has no identity policy.
	_, err = crossBare.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("p")})
	want = "User: arn:aws:iam::222222222222:user/bare is not authorized to perform: kms:Encrypt on resource: " + keyARN +
		" because no identity-based policy allows the kms:Encrypt action"
	if msg := apiErr(t, err, "AccessDeniedException"); msg != want {
		t.Fatalf("message %q\nwant %q", msg, want)
	}
	explained(t, env, err, "kms:Encrypt", keyARN, "ImplicitlyDenied", "identity")
	// An action the key policy does not give B: denied though the
	// partner's identity policy would allow every KMS action.
	_, err = crossUser.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(keyARN)})
	apiErr(t, err, "AccessDeniedException")
	// B's root user is no exception: its account's identity is not A's.
	_, err = kms.NewFromConfig(rootB).DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(keyARN)})
	apiErr(t, err, "AccessDeniedException")
	explained(t, env, err, "kms:DisableKey", keyARN, "ImplicitlyDenied")
}

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// dataFiles returns the bytes of every file under dir (the store and its
// WAL), to look for a secret kept in the clear.
func dataFiles(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		all = append(all, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// TestLambdaEnvironmentKMSKey is Lambda's KMSKeyArn: configuring a key
// needs kms:Encrypt and kms:CreateGrant for the caller (the key policy
// counting), the variables are kept sealed with the key, and invoking
// fails with KMS's state once the key cannot be used.
func TestLambdaEnvironmentKMSKey(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	env := servertest.Start(t)
	root := env.Root(servertest.AccountA)
	kc := kms.NewFromConfig(root)
	k, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := *k.KeyMetadata.Arn
	role, err := iam.NewFromConfig(root).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fn-role"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
	if err != nil {
		t.Fatal(err)
	}
	code := servertest.Zip(t, servertest.File{Name: "app.py", Body: "import os\ndef handler(event, context):\n    return os.environ.get('SECRET', 'unset')\n"})
	create := func(c *awslambda.Client, name string, key *string, secret string) error {
		_, err := c.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: ltypes.RuntimePython312,
			Role: role.Role.Arn, Handler: aws.String("app.handler"), Code: &ltypes.FunctionCode{ZipFile: code}, KMSKeyArn: key,
			Environment: &ltypes.Environment{Variables: map[string]string{"SECRET": secret}}})
		return err
	}

	// A deployer without KMS permissions cannot put the key on a function.
	deployDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","iam:PassRole"],"Resource":"*"}]}`
	deployer := awslambda.NewFromConfig(user(t, env, "deployer", deployDoc))
	err = create(deployer, "sealed", aws.String(keyARN), "kms-guarded-value")
	msg := apiErr(t, err, "InvalidParameterValueException")
	if !strings.Contains(msg, "invalid for CreateGrant") || !strings.Contains(msg, "kms:Encrypt on resource: "+keyARN) {
		t.Fatal(msg)
	}
	explained(t, env, err, "kms:Encrypt", keyARN, "ImplicitlyDenied")
	if _, err := iam.NewFromConfig(root).PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("deployer"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","iam:PassRole","kms:Encrypt"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	err = create(deployer, "sealed", aws.String(keyARN), "kms-guarded-value")
	if msg := apiErr(t, err, "InvalidParameterValueException"); !strings.Contains(msg, "kms:CreateGrant") {
		t.Fatal(msg)
	}
	if _, err := iam.NewFromConfig(root).PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("deployer"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","iam:PassRole","kms:Encrypt","kms:CreateGrant"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if err := create(deployer, "sealed", aws.String(keyARN), "kms-guarded-value"); err != nil {
		t.Fatal(err)
	}
	if err := create(deployer, "plain", nil, "plain-stored-value"); err != nil {
		t.Fatal(err)
	}

	// At rest: the sealed function's value is nowhere in the data
	// directory; the plain one's is (so the search can find a value).
	files := dataFiles(t, env.DataDir)
	if bytes.Contains(files, []byte("kms-guarded-value")) || !bytes.Contains(files, []byte("plain-stored-value")) {
		t.Fatalf("at rest: sealed value found %v, plain value found %v",
			bytes.Contains(files, []byte("kms-guarded-value")), bytes.Contains(files, []byte("plain-stored-value")))
	}

	lc := awslambda.NewFromConfig(root)
	invoke := func() (string, error) {
		out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("sealed")})
		if err != nil {
			return "", err
		}
		if out.FunctionError != nil {
			t.Fatalf("function error %s: %s", *out.FunctionError, out.Payload)
		}
		return string(out.Payload), nil
	}
	if got, err := invoke(); err != nil || got != `"kms-guarded-value"` {
		t.Fatalf("invoke %q %v", got, err)
	}
	gc, err := lc.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("sealed")})
	if err != nil || *gc.KMSKeyArn != keyARN || gc.Environment.Variables["SECRET"] != "kms-guarded-value" {
		t.Fatalf("configuration %+v %v", gc, err)
	}

	// A disabled key stops the function, warm or not, with KMS's state.
	if _, err := kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(keyARN)}); err != nil {
		t.Fatal(err)
	}
	_, err = invoke()
	apiErr(t, err, "KMSDisabledException")
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 502 {
		t.Fatalf("status of %v", err)
	}
	gc, err = lc.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("sealed")})
	if err != nil || gc.Environment.Error == nil || *gc.Environment.Error.ErrorCode != "KMSDisabledException" || gc.Environment.Variables != nil {
		t.Fatalf("configuration with the key disabled %+v %v", gc.Environment, err)
	}
	// A change that leaves the variables alone keeps them sealed as they were.
	if _, err := lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("sealed"), Description: aws.String("d")}); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(keyARN)}); err != nil {
		t.Fatal(err)
	}
	if got, err := invoke(); err != nil || got != `"kms-guarded-value"` {
		t.Fatalf("invoke after enabling %q %v", got, err)
	}
	if _, err := kc.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyARN), PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	_, err = invoke()
	apiErr(t, err, "KMSInvalidStateException")
	// The plain function is not affected.
	if out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("plain")}); err != nil || string(out.Payload) != `"plain-stored-value"` {
		t.Fatalf("plain invoke %v", err)
	}
}
