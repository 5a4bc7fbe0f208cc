package sts_test

// End-to-end tests through the real server: real SigV4, the one door with
// IAM's identity policies, IAM's roles, and STS, driven by aws-sdk-go-v2.

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

var ctx = context.Background()

// world is a server with a user alice in account A (111111111111) and bob
// in account B (222222222222), each with access keys.
type world struct {
	t          *testing.T
	env        *servertest.Env
	rootA      *iam.Client
	rootB      *iam.Client
	alice, bob aws.Config
}

func newWorld(t *testing.T, opts ...servertest.Options) *world {
	t.Helper()
	w := &world{t: t, env: servertest.Start(t, opts...)}
	w.rootA = iam.NewFromConfig(w.env.Root(servertest.AccountA))
	w.rootB = iam.NewFromConfig(w.env.Root(servertest.AccountB))
	w.alice = w.user(w.rootA, "alice")
	w.bob = w.user(w.rootB, "bob")
	return w
}

func (w *world) user(root *iam.Client, name string) aws.Config {
	w.t.Helper()
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		w.t.Fatal(err)
	}
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		w.t.Fatal(err)
	}
	return w.env.Config(aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey), "")
}

// role creates a role in the account of root trusting principal (a JSON
// Principal value) and returns its ARN and id.
func (w *world) role(root *iam.Client, name, principal string, permissions string) (arn, id string) {
	w.t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`
	out, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		w.t.Fatal(err)
	}
	if permissions != "" {
		if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("perms"), PolicyDocument: aws.String(permissions)}); err != nil {
			w.t.Fatal(err)
		}
	}
	return aws.ToString(out.Role.Arn), aws.ToString(out.Role.RoleId)
}

func (w *world) session(c *types.Credentials) aws.Config {
	return w.env.Config(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

func wantError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("message %q\n   want %q", ae.ErrorMessage(), msg)
	}
}

func TestE2EAssumeRoleRefusedByTrustPolicy(t *testing.T) {
	w := newWorld(t)
	w.user(w.rootA, "carol")
	arn, _ := w.role(w.rootA, "OnlyCarol", `{"AWS":"arn:aws:iam::111111111111:user/carol"}`, "")
	_, err := sts.NewFromConfig(w.alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("try")})
	wantError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: "+arn+" because no role trust policy allows the sts:AssumeRole action")
}

// TestE2EAssumeRoleExplicitDenyInTrustPolicy: AWS names the role trust
// policy in an explicit denial ("... with an explicit deny in the role trust
// policy", IAM User Guide, troubleshoot_access-denied).
func TestE2EAssumeRoleExplicitDenyInTrustPolicy(t *testing.T) {
	w := newWorld(t)
	alice := `"arn:aws:iam::111111111111:user/alice"`
	_, err := w.rootA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("assume"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":` + alice + `},"Action":"sts:AssumeRole"},` +
		`{"Effect":"Deny","Principal":{"AWS":` + alice + `},"Action":"sts:AssumeRole"}]}`
	out, err := w.rootA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Denied"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.Role.Arn)
	_, err = sts.NewFromConfig(w.alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("try")})
	wantError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: "+arn+" with an explicit deny in the role trust policy")
}

// TestE2ETrustPolicyNamingAMissingPrincipal: IAM refuses a trust policy
// naming a user that does not exist, so a role cannot be made to trust one
// that might be created later.
func TestE2ETrustPolicyNamingAMissingPrincipal(t *testing.T) {
	w := newWorld(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/carol"},"Action":"sts:AssumeRole"}]}`
	_, err := w.rootA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ForCarol"), AssumeRolePolicyDocument: aws.String(trust)})
	wantError(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::222222222222:user/carol"`)
	// Bob exists in account B: a role in A may trust him by ARN.
	trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/bob"},"Action":"sts:AssumeRole"}]}`
	out, err := w.rootA.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ForBob"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(w.bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: out.Role.Arn, RoleSessionName: aws.String("bob")})
	// Bob's own account must still allow the call.
	wantError(t, err, "AccessDenied", "User: arn:aws:iam::222222222222:user/bob is not authorized to perform: sts:AssumeRole on resource: "+aws.ToString(out.Role.Arn)+" because no identity-based policy allows the sts:AssumeRole action")
}

func TestE2EAssumeRoleAcrossAccounts(t *testing.T) {
	w := newWorld(t)
	trustsB, _ := w.role(w.rootA, "TrustsB", `{"AWS":"222222222222"}`, "")
	trustsA, _ := w.role(w.rootA, "TrustsOnlyA", `{"AWS":"111111111111"}`, "")
	bob := sts.NewFromConfig(w.bob)

	// The role's side allows account B, but bob's own side does not yet.
	_, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(trustsB), RoleSessionName: aws.String("bob")})
	wantError(t, err, "AccessDenied", "User: arn:aws:iam::222222222222:user/bob is not authorized to perform: sts:AssumeRole on resource: "+trustsB+" because no identity-based policy allows the sts:AssumeRole action")

	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	if _, err := w.rootB.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("assume"), PolicyDocument: aws.String(allow)}); err != nil {
		t.Fatal(err)
	}
	out, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(trustsB), RoleSessionName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(w.session(out.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != "111111111111" || aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/TrustsB/bob" {
		t.Errorf("identity %s %s", aws.ToString(id.Account), aws.ToString(id.Arn))
	}

	// Bob's side now allows any role, but this role's trust policy does not
	// name account B.
	_, err = bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(trustsA), RoleSessionName: aws.String("bob")})
	wantError(t, err, "AccessDenied", "User: arn:aws:iam::222222222222:user/bob is not authorized to perform: sts:AssumeRole on resource: "+trustsA+" because no role trust policy allows the sts:AssumeRole action")
}

func TestE2ESessionPolicyAndCallerIdentity(t *testing.T) {
	w := newWorld(t)
	perms := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"*"}]}`
	arn, roleID := w.role(w.rootA, "Admin", `{"AWS":"arn:aws:iam::111111111111:user/alice"}`, perms)
	out, err := sts.NewFromConfig(w.alice).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(arn),
		RoleSessionName: aws.String("narrow"),
		Policy:          aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := w.session(out.Credentials)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/Admin/narrow" || aws.ToString(id.UserId) != roleID+":narrow" || aws.ToString(id.Account) != "111111111111" {
		t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
	if !strings.HasPrefix(roleID, "AROA") {
		t.Errorf("role id %s", roleID)
	}
	client := iam.NewFromConfig(cfg)
	if _, err := client.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("ListUsers within the session policy: %v", err)
	}
	// The role allows GetUser; the session policy does not.
	_, err = client.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	wantError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:assumed-role/Admin/narrow is not authorized to perform: iam:GetUser on resource: user alice because no session policy allows the iam:GetUser action")

	// Without a session policy the role's permissions apply in full.
	full, err := sts.NewFromConfig(w.alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("full")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(w.session(full.Credentials)).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")}); err != nil {
		t.Errorf("GetUser as the full session: %v", err)
	}
}

// offsetClock is a server clock the test moves, starting a little in the
// past so that it stays within SigV4's 15-minute skew of the SDK's clock.
type offsetClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *offsetClock) Add(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

func TestE2EExpiryAndRestart(t *testing.T) {
	clock := &offsetClock{off: -14 * time.Minute}
	w := newWorld(t, servertest.Options{Now: clock.Now})
	arn, _ := w.role(w.rootA, "Short", `{"AWS":"arn:aws:iam::111111111111:user/alice"}`, "")
	out, err := sts.NewFromConfig(w.alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	gst, err := sts.NewFromConfig(w.alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}

	// A restart keeps both sessions.
	dir := w.env.DataDir
	w.env.Stop()
	w.env = servertest.Start(t, servertest.Options{DataDir: dir, Now: clock.Now})
	role := sts.NewFromConfig(w.session(out.Credentials))
	if _, err := role.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("role session after restart: %v", err)
	}
	id, err := sts.NewFromConfig(w.session(gst.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::111111111111:user/alice" {
		t.Fatalf("session token after restart: %v %v", err, id)
	}

	// Past its 15 minutes the role session is refused as expired (the
	// server's clock is now a minute or two ahead of the SDK's).
	clock.Add(15*time.Minute + 30*time.Second)
	_, err = role.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "ExpiredToken", "")
	if _, err := sts.NewFromConfig(w.session(gst.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("12-hour session token: %v", err)
	}
}
