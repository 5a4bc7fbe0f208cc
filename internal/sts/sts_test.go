package sts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
)

var ctx = context.Background()

func assume(t testing.TB, c *awssts.Client, in *awssts.AssumeRoleInput) *awssts.AssumeRoleOutput {
	t.Helper()
	out, err := c.AssumeRole(ctx, in)
	if err != nil {
		t.Fatalf("AssumeRole %s: %v", aws.ToString(in.RoleArn), err)
	}
	return out
}

func whoami(t testing.TB, c *awssts.Client) *awssts.GetCallerIdentityOutput {
	t.Helper()
	out, err := c.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return out
}

func status(t testing.TB, err error) int {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	return re.HTTPStatusCode()
}

func TestGetCallerIdentity(t *testing.T) {
	e := newEnv(t, "", nil)
	for _, tc := range []struct{ user, arn, id, account string }{
		{"alice", "arn:aws:iam::111111111111:user/alice", "AIDAALICE0000000000A", acctA},
		{"rootA", "arn:aws:iam::111111111111:root", acctA, acctA},
		{"bob", "arn:aws:iam::222222222222:user/bob", "AIDABOB000000000000B", acctB},
	} {
		out := whoami(t, e.as(tc.user))
		if aws.ToString(out.Arn) != tc.arn || aws.ToString(out.UserId) != tc.id || aws.ToString(out.Account) != tc.account {
			t.Errorf("%s: got %s %s %s", tc.user, aws.ToString(out.Arn), aws.ToString(out.UserId), aws.ToString(out.Account))
		}
	}
}

func TestAssumeRole(t *testing.T) {
	e := newEnv(t, "", nil)
	out := assume(t, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("sess-1")})
	if got, want := aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::111111111111:assumed-role/Reader/sess-1"; got != want {
		t.Errorf("Arn = %s, want %s", got, want)
	}
	if got, want := aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROAREADER0000000001:sess-1"; got != want {
		t.Errorf("AssumedRoleId = %s, want %s", got, want)
	}
	c := out.Credentials
	if id := aws.ToString(c.AccessKeyId); !isSessionKeyID(id) {
		t.Errorf("AccessKeyId = %q, want ASIA + 16", id)
	}
	if n := len(aws.ToString(c.SecretAccessKey)); n != 40 {
		t.Errorf("secret has %d characters, want 40", n)
	}
	if n := len(aws.ToString(c.SessionToken)); n < 300 {
		t.Errorf("session token has %d characters, want a long opaque token", n)
	}
	if want := e.clock.Now().Add(time.Hour); !aws.ToTime(c.Expiration).Equal(want) {
		t.Errorf("Expiration = %v, want %v", aws.ToTime(c.Expiration), want)
	}
	if out.PackedPolicySize != nil || out.SourceIdentity != nil {
		t.Errorf("PackedPolicySize/SourceIdentity present without session policies: %v %v", out.PackedPolicySize, out.SourceIdentity)
	}

	// The credentials work, as the assumed-role session.
	id := whoami(t, e.session(c))
	if aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/Reader/sess-1" ||
		aws.ToString(id.UserId) != "AROAREADER0000000001:sess-1" || aws.ToString(id.Account) != acctA {
		t.Errorf("GetCallerIdentity of the session = %s %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId), aws.ToString(id.Account))
	}
	caller, err := e.svc.Caller(ctx, aws.ToString(c.AccessKeyId))
	if err != nil {
		t.Fatal(err)
	}
	p := caller.Principal
	if p.Type != policy.AssumedRole || p.RoleARN != readerARN || p.Account != acctA || p.Tags["team"] != "blue" || caller.SessionPolicies != nil {
		t.Errorf("caller = %+v", caller)
	}
	k, ok := e.svc.Key(aws.ToString(c.AccessKeyId))
	if !ok || k.Secret != aws.ToString(c.SecretAccessKey) || k.SessionToken != aws.ToString(c.SessionToken) || !k.Expires.Equal(aws.ToTime(c.Expiration)) {
		t.Errorf("Key = %+v, %v", k, ok)
	}
}

func TestAssumeRoleDenied(t *testing.T) {
	e := newEnv(t, "", nil)
	_, err := e.as("carol").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/carol is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/app/Reader…")
	if s := status(t, err); s != 403 {
		t.Errorf("status %d", s)
	}

	// A role that does not exist looks the same as one that does not trust
	// the caller.
	_, err = e.as("alice").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/Nope"), RoleSessionName: aws.String("s1")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/Nope…")

	// Root may not assume roles at all.
	_, err = e.as("rootA").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1")})
	apiError(t, err, "AccessDenied", "Roles may not be assumed by root accounts.")
}

func TestAssumeRoleCrossAccount(t *testing.T) {
	e := newEnv(t, "", nil)
	// The trust policy names account B; bob's identity policy allows the
	// role, so both sides agree.
	out := assume(t, e.as("bob"), &awssts.AssumeRoleInput{RoleArn: aws.String(crossARN), RoleSessionName: aws.String("from-b")})
	id := whoami(t, e.session(out.Credentials))
	if aws.ToString(id.Account) != acctA || aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/CrossB/from-b" {
		t.Errorf("cross-account session = %s %s", aws.ToString(id.Account), aws.ToString(id.Arn))
	}
	// dave is in the trusted account but has no identity policy allowing it.
	_, err := e.as("dave").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(crossARN), RoleSessionName: aws.String("from-b")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::222222222222:user/dave is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/CrossB because no identity-based policy allows the sts:AssumeRole action")
	// An account the trust policy does not name is refused by the role's
	// side even though... carol is in account A itself, which the CrossB
	// trust policy does not name.
	_, err = e.as("carol").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(crossARN), RoleSessionName: aws.String("x1")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/carol is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/CrossB…")
}

func TestAssumeRoleExternalID(t *testing.T) {
	e := newEnv(t, "", nil)
	// Strict trusts account A (delegation), so carol also needs an
	// identity policy; and the trust policy wants the external id.
	e.ids[e.users["carol"].caller.Principal.ARN] = []*policy.Policy{identity(t, "sts:AssumeRole", "*")}
	in := &awssts.AssumeRoleInput{RoleArn: aws.String(strictARN), RoleSessionName: aws.String("ext")}
	_, err := e.as("carol").AssumeRole(ctx, in)
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/carol is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/Strict…")
	in.ExternalId = aws.String("wrong-one")
	_, err = e.as("carol").AssumeRole(ctx, in)
	apiError(t, err, "AccessDenied", "")
	in.ExternalId = aws.String("open-sesame")
	assume(t, e.as("carol"), in)
}

func TestAssumeRoleValidation(t *testing.T) {
	e := newEnv(t, "", nil)
	alice := e.as("alice")
	for _, tc := range []struct {
		name string
		in   awssts.AssumeRoleInput
		code string
		msg  string
	}{
		{"short session name", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("a")}, "ValidationError",
			"1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name pattern", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("Session1:2")}, "ValidationError",
			`1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"long session name", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String(strings.Repeat("s", 65))}, "ValidationError",
			"1 validation error detected: Value '" + strings.Repeat("s", 65) + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"two errors", awssts.AssumeRoleInput{RoleArn: aws.String("arn:x"), RoleSessionName: aws.String("a:")}, "ValidationError",
			`2 validation errors detected: Value 'arn:x' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; Value 'a:' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"malformed arn", awssts.AssumeRoleInput{RoleArn: aws.String("nothing-valid-in-here"), RoleSessionName: aws.String("s1")}, "ValidationError",
			"nothing-valid-in-here is invalid"},
		{"arn without resource", awssts.AssumeRoleInput{RoleArn: aws.String("arn:a:a::aaaaaaaaaa:"), RoleSessionName: aws.String("s1")}, "ValidationError",
			"arn:a:a::aaaaaaaaaa: is invalid"},
		{"short duration", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(600)}, "ValidationError",
			"1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"over role max", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7201)}, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"bad external id", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), ExternalId: aws.String("has space")}, "ValidationError",
			`1 validation error detected: Value 'has space' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`},
		{"bad source identity", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("aws:me")}, "ValidationError",
			`1 validation error detected: Value 'aws:me' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"bad tag value", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("a;b")}}}, "ValidationError",
			`1 validation error detected: Value 'a;b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`},
		{"duplicate tags", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), Tags: []types.Tag{{Key: aws.String("Team"), Value: aws.String("a")}, {Key: aws.String("team"), Value: aws.String("b")}}}, "InvalidParameterValue",
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"transitive not a tag", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}, TransitiveTagKeys: []string{"b"}}, "InvalidParameterValue",
			"The specified transitive tag key must be included in the requested tags."},
		{"malformed policy", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"`)}, "MalformedPolicyDocument", ""},
		{"eleven policy arns", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), PolicyArns: policyArns(11)}, "ValidationError", "1 validation error detected: Value '[…"},
		{"unknown policy arn", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::111111111111:policy/Nope")}}}, "ValidationError",
			"Policy arn:aws:iam::111111111111:policy/Nope does not exist or is not attachable."},
		{"session policy over 2048 characters", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), Policy: aws.String(bigPolicy(2100))}, "ValidationError",
			"1 validation error detected: Value '" + bigPolicy(2100) + "' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{"packed policy too large", awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), Policy: aws.String(bigPolicy(2040)), PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String(readOnlyS3)}}}, "PackedPolicyTooLarge",
			"Packed policy consumes 102% of allotted space, please use smaller policy."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := alice.AssumeRole(ctx, &tc.in)
			apiError(t, err, tc.code, tc.msg)
			if s := status(t, err); s != 400 {
				t.Errorf("status %d, want 400", s)
			}
		})
	}
}

func policyArns(n int) []types.PolicyDescriptorType {
	out := make([]types.PolicyDescriptorType, n)
	for i := range out {
		out[i].Arn = aws.String(readOnlyS3)
	}
	return out
}

// bigPolicy returns a valid session policy of exactly n counted characters.
func bigPolicy(n int) string {
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`
	tail := `"}]}`
	return head + strings.Repeat("b", n-len(head)-len(tail)) + tail
}

// TestSessionPolicyLength checks the 2,048-character bound on the inline
// session policy: counted on the document as sent, whitespace included (the
// model's length, unlike the packed size), reported with the other
// validation errors in member order.
func TestSessionPolicyLength(t *testing.T) {
	e := newEnv(t, "", nil)
	alice := e.as("alice")
	// Exactly 2,048 characters is within the bound.
	assume(t, alice, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("edge"), Policy: aws.String(bigPolicy(2048))})

	over := bigPolicy(2049)
	_, err := alice.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("over"), Policy: aws.String(over)})
	apiError(t, err, "ValidationError", "1 validation error detected: Value '"+over+"' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048")

	// Whitespace counts towards the model's length, though not towards the
	// packed size: a small policy padded past 2,048 characters is refused.
	padded := `{"Version":"2012-10-17",` + strings.Repeat(" ", 2000) + `"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	_, err = alice.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("padded"), Policy: aws.String(padded)})
	apiError(t, err, "ValidationError", "1 validation error detected: Value '"+padded+"' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048")

	// With another invalid member, both are reported, policy after
	// roleSessionName as in the model.
	_, err = alice.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("a"), Policy: aws.String(over)})
	apiError(t, err, "ValidationError", "2 validation errors detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '"+over+"' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048")
}

func TestSessionPolicy(t *testing.T) {
	e := newEnv(t, "", nil)
	in := &awssts.AssumeRoleInput{
		RoleArn:         aws.String(readerARN),
		RoleSessionName: aws.String("limited"),
		Policy:          aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`),
		PolicyArns:      []types.PolicyDescriptorType{{Arn: aws.String(readOnlyS3)}},
	}
	out := assume(t, e.as("alice"), in)
	if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 || *out.PackedPolicySize > 100 {
		t.Errorf("PackedPolicySize = %v", out.PackedPolicySize)
	}
	key := aws.ToString(out.Credentials.AccessKeyId)
	check := func(action string) error {
		c, err := e.svc.Caller(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return e.door.Authorize(ctx, &authz.Check{Caller: c, Action: action, Resource: "arn:aws:s3:::bucket/key"})
	}
	// The role allows s3:*; the session policies allow GetObject only.
	if err := check("s3:GetObject"); err != nil {
		t.Errorf("GetObject: %v", err)
	}
	err := check("s3:PutObject")
	if err == nil || !strings.Contains(err.Error(), "because no session policy allows the s3:PutObject action") {
		t.Errorf("PutObject: %v", err)
	}
	// And after a restart, the same.
	e.restart()
	if err := check("s3:PutObject"); err == nil {
		t.Error("PutObject allowed after restart")
	}
	if err := check("s3:GetObject"); err != nil {
		t.Errorf("GetObject after restart: %v", err)
	}
}

func TestSessionTags(t *testing.T) {
	e := newEnv(t, "", nil)
	out := assume(t, e.as("alice"), &awssts.AssumeRoleInput{
		RoleArn:           aws.String(readerARN),
		RoleSessionName:   aws.String("tagged"),
		Tags:              []types.Tag{{Key: aws.String("Team"), Value: aws.String("red")}, {Key: aws.String("project"), Value: aws.String("x")}},
		TransitiveTagKeys: []string{"project"},
		SourceIdentity:    aws.String("alice@example.com"),
	})
	if aws.ToString(out.SourceIdentity) != "alice@example.com" || out.PackedPolicySize == nil {
		t.Errorf("SourceIdentity %v PackedPolicySize %v", out.SourceIdentity, out.PackedPolicySize)
	}
	key := aws.ToString(out.Credentials.AccessKeyId)
	c, err := e.svc.Caller(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	// Session tags override role tags of the same key, whatever its case.
	want := map[string]string{"Team": "red", "project": "x", "env": "test"}
	if len(c.Principal.Tags) != len(want) {
		t.Errorf("tags = %v, want %v", c.Principal.Tags, want)
	}
	for k, v := range want {
		if c.Principal.Tags[k] != v {
			t.Errorf("tags = %v, want %v", c.Principal.Tags, want)
		}
	}
	info, ok := e.svc.Session(ctx, key)
	if !ok || info.SourceIdentity != "alice@example.com" || info.Kind != KindAssumeRole {
		t.Errorf("Session = %+v", info)
	}

	// Chaining: the transitive tag and the source identity go along.
	sess := e.session(out.Credentials)
	chained := assume(t, sess, &awssts.AssumeRoleInput{RoleArn: aws.String(chainARN), RoleSessionName: aws.String("chained")})
	c2, err := e.svc.Caller(ctx, aws.ToString(chained.Credentials.AccessKeyId))
	if err != nil {
		t.Fatal(err)
	}
	if c2.Principal.Tags["project"] != "x" || c2.Principal.Tags["Team"] != "" {
		t.Errorf("chained tags = %v", c2.Principal.Tags)
	}
	if aws.ToString(chained.SourceIdentity) != "alice@example.com" {
		t.Errorf("chained SourceIdentity = %v", chained.SourceIdentity)
	}
	// A transitive key cannot be set again down the chain, nor the source
	// identity changed.
	_, err = sess.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(chainARN), RoleSessionName: aws.String("c2"),
		Tags: []types.Tag{{Key: aws.String("Project"), Value: aws.String("y")}}, TransitiveTagKeys: []string{"Project"}})
	apiError(t, err, "InvalidParameterValue", "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
	_, err = sess.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(chainARN), RoleSessionName: aws.String("c3"), SourceIdentity: aws.String("mallory")})
	apiError(t, err, "AccessDenied", "")

	// Tagging needs sts:TagSession in the trust policy; a source identity
	// needs sts:SetSourceIdentity.
	_, err = e.as("alice").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(noTagARN), RoleSessionName: aws.String("t1"),
		Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:TagSession on resource: arn:aws:iam::111111111111:role/NoTag…")
	_, err = e.as("alice").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(noTagARN), RoleSessionName: aws.String("t1"),
		SourceIdentity: aws.String("alice")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::111111111111:role/NoTag…")
	assume(t, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(noTagARN), RoleSessionName: aws.String("t1")})
}

func TestRoleChainingDuration(t *testing.T) {
	e := newEnv(t, "", nil)
	first := assume(t, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("hop1"), DurationSeconds: aws.Int32(7200)})
	if want := e.clock.Now().Add(2 * time.Hour); !aws.ToTime(first.Credentials.Expiration).Equal(want) {
		t.Errorf("Expiration = %v, want %v", aws.ToTime(first.Credentials.Expiration), want)
	}
	sess := e.session(first.Credentials)
	_, err := sess.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(chainARN), RoleSessionName: aws.String("hop2"), DurationSeconds: aws.Int32(3601)})
	apiError(t, err, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	out := assume(t, sess, &awssts.AssumeRoleInput{RoleArn: aws.String(chainARN), RoleSessionName: aws.String("hop2"), DurationSeconds: aws.Int32(3600)})
	id := whoami(t, e.session(out.Credentials))
	if aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/Chain/hop2" {
		t.Errorf("chained identity %s", aws.ToString(id.Arn))
	}
	// The chain is refused where the trust policy does not name the caller.
	_, err = sess.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(noTagARN), RoleSessionName: aws.String("hop2")})
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:assumed-role/Reader/hop1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/NoTag…")
}

func TestGetSessionToken(t *testing.T) {
	e := newEnv(t, "", nil)
	now := e.clock.Now()
	out, err := e.as("alice").GetSessionToken(ctx, &awssts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(12 * time.Hour); !aws.ToTime(out.Credentials.Expiration).Equal(want) {
		t.Errorf("default Expiration = %v, want %v", aws.ToTime(out.Credentials.Expiration), want)
	}
	sess := e.session(out.Credentials)
	id := whoami(t, sess)
	if aws.ToString(id.Arn) != "arn:aws:iam::111111111111:user/alice" || aws.ToString(id.UserId) != "AIDAALICE0000000000A" {
		t.Errorf("session identity = %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	info, _ := e.svc.Session(ctx, aws.ToString(out.Credentials.AccessKeyId))
	if info.Kind != KindSessionToken {
		t.Errorf("kind = %s", info.Kind)
	}
	// Session credentials cannot get another session token.
	_, err = sess.GetSessionToken(ctx, &awssts.GetSessionTokenInput{})
	apiError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	if s := status(t, err); s != 403 {
		t.Errorf("status %d", s)
	}
	// ...but can assume a role, and that is not role chaining.
	assume(t, sess, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("via-gst"), DurationSeconds: aws.Int32(7200)})

	out, err = e.as("bob").GetSessionToken(ctx, &awssts.GetSessionTokenInput{DurationSeconds: aws.Int32(129600)})
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(36 * time.Hour); !aws.ToTime(out.Credentials.Expiration).Equal(want) {
		t.Errorf("Expiration = %v, want %v", aws.ToTime(out.Credentials.Expiration), want)
	}
	// Root sessions are held to one hour.
	out, err = e.as("rootA").GetSessionToken(ctx, &awssts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(time.Hour); !aws.ToTime(out.Credentials.Expiration).Equal(want) {
		t.Errorf("root Expiration = %v, want %v", aws.ToTime(out.Credentials.Expiration), want)
	}
	id = whoami(t, e.session(out.Credentials))
	if aws.ToString(id.Arn) != "arn:aws:iam::111111111111:root" || aws.ToString(id.UserId) != acctA {
		t.Errorf("root session identity = %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	_, err = e.as("alice").GetSessionToken(ctx, &awssts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)})
	apiError(t, err, "ValidationError", "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600")
	// Assumed-role sessions are session credentials too.
	ar := assume(t, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1")})
	_, err = e.session(ar.Credentials).GetSessionToken(ctx, &awssts.GetSessionTokenInput{})
	apiError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
}

func TestExpiry(t *testing.T) {
	e := newEnv(t, "", nil)
	out := assume(t, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(900)})
	key := aws.ToString(out.Credentials.AccessKeyId)
	sess := e.session(out.Credentials)
	e.clock.Add(899 * time.Second)
	whoami(t, sess)
	e.clock.Add(time.Second)
	_, err := sess.GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "ExpiredToken", "The security token included in the request is expired")
	// The key still resolves, with its expiry, so that SigV4 can say
	// ExpiredToken rather than InvalidClientTokenId; Caller refuses it.
	k, ok := e.svc.Key(key)
	if !ok || !k.Expires.Equal(aws.ToTime(out.Credentials.Expiration)) {
		t.Errorf("Key of an expired session = %+v, %v", k, ok)
	}
	if _, err := e.svc.Caller(ctx, key); !errExpiredToken.Is(err) {
		t.Errorf("Caller of an expired session: %v", err)
	}
	// After a restart too.
	e.restart()
	if k, ok := e.svc.Key(key); !ok || !k.Expires.Equal(aws.ToTime(out.Credentials.Expiration)) {
		t.Errorf("Key after restart = %+v, %v", k, ok)
	}
	// Long-expired sessions are pruned by a later write.
	e.clock.Add(pruneAfter + time.Minute)
	assume(t, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("later")})
	if _, ok := e.svc.Key(key); ok {
		t.Error("long-expired session still resolves")
	}
	e.restart()
	if _, ok := e.svc.Key(key); ok {
		t.Error("long-expired session still stored")
	}
	if _, err := e.svc.Caller(ctx, key); !errInvalidClientTok.Is(err) {
		t.Errorf("Caller of a pruned session: %v", err)
	}
}

func TestRestartPersistence(t *testing.T) {
	e := newEnv(t, "", nil)
	ar := assume(t, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("durable"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}, SourceIdentity: aws.String("alice")})
	gst, err := e.as("bob").GetSessionToken(ctx, &awssts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.svc.Caller(ctx, aws.ToString(ar.Credentials.AccessKeyId))
	e.restart()
	after, err := e.svc.Caller(ctx, aws.ToString(ar.Credentials.AccessKeyId))
	if err != nil {
		t.Fatal(err)
	}
	if before.Principal.ARN != after.Principal.ARN || before.Principal.UserID != after.Principal.UserID ||
		after.Principal.Tags["k"] != "v" || after.Principal.RoleARN != readerARN {
		t.Errorf("after restart %+v, before %+v", after.Principal, before.Principal)
	}
	if info, _ := e.svc.Session(ctx, aws.ToString(ar.Credentials.AccessKeyId)); info.SourceIdentity != "alice" {
		t.Errorf("source identity after restart: %+v", info)
	}
	if id := whoami(t, e.session(ar.Credentials)); aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/Reader/durable" {
		t.Errorf("role session after restart: %s", aws.ToString(id.Arn))
	}
	if id := whoami(t, e.session(gst.Credentials)); aws.ToString(id.Arn) != "arn:aws:iam::222222222222:user/bob" {
		t.Errorf("session token after restart: %s", aws.ToString(id.Arn))
	}
	// A wrong token is refused.
	bad := *gst.Credentials
	bad.SessionToken = aws.String("forged")
	_, err = e.session(&bad).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "")
}

func TestAssumeRoleForService(t *testing.T) {
	e := newEnv(t, "", nil)
	creds, err := e.svc.AssumeRoleForService(ctx, ServiceSession{RoleARN: lambdaARN, Service: "lambda.amazonaws.com", SessionName: "my-function", RequestID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(time.Hour); !creds.Expiration.Equal(want) {
		t.Errorf("Expiration %v, want %v", creds.Expiration, want)
	}
	c, err := e.svc.Caller(ctx, creds.AccessKeyID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Principal.ARN != "arn:aws:sts::111111111111:assumed-role/LambdaExec/my-function" || c.Principal.UserID != "AROALAMBDA0000000006:my-function" {
		t.Errorf("principal %+v", c.Principal)
	}
	info, _ := e.svc.Session(ctx, creds.AccessKeyID)
	if info.Kind != KindService {
		t.Errorf("kind %s", info.Kind)
	}
	id := whoami(t, e.client(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken))
	if aws.ToString(id.Arn) != c.Principal.ARN {
		t.Errorf("GetCallerIdentity %s", aws.ToString(id.Arn))
	}
	// A role whose trust policy does not name Lambda.
	_, err = e.svc.AssumeRoleForService(ctx, ServiceSession{RoleARN: readerARN, Service: "lambda.amazonaws.com", SessionName: "my-function"})
	if !authz.AccessDenied.Is(err) || !strings.HasPrefix(err.Error(), "AccessDenied: User: lambda.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: "+readerARN) {
		t.Errorf("untrusted role: %v", err)
	}
	_, err = e.svc.AssumeRoleForService(ctx, ServiceSession{RoleARN: "arn:aws:iam::111111111111:role/Gone", Service: "lambda.amazonaws.com", SessionName: "f1"})
	if !authz.AccessDenied.Is(err) {
		t.Errorf("missing role: %v", err)
	}
	_, err = e.svc.AssumeRoleForService(ctx, ServiceSession{RoleARN: lambdaARN, Service: "lambda.amazonaws.com", SessionName: "bad name"})
	if !errValidation.Is(err) {
		t.Errorf("bad session name: %v", err)
	}
}
