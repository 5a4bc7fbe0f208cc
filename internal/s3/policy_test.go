package s3_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/explain"
)

func allow(actions, resources string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":` + resources + `}]}`
}

func TestSameAccountDenialMessage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "msgs")
	put(t, a, "msgs", "k", "v")
	alice := e.client(e.user(accountA, "alice"))
	_, err := alice.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("msgs"), Key: aws.String("k")})
	msg := wantCode(t, err, "AccessDenied")
	want := `User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::msgs/k" because no identity-based policy allows the s3:GetObject action`
	if msg != want {
		t.Fatalf("message\n got %s\nwant %s", msg, want)
	}
	// A caller from another account learns only "Access Denied".
	_, err = e.rootB().GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("msgs"), Key: aws.String("k")})
	if msg := wantCode(t, err, "AccessDenied"); msg != "Access Denied" {
		t.Fatalf("cross-account message %q", msg)
	}
	// The decision log has both denials, under S3-style request ids.
	var denied int
	for _, d := range e.decisions() {
		if d.Action == "s3:GetObject" && d.Decision != "Allowed" {
			denied++
			if len(d.RequestID) != 16 {
				t.Errorf("request id %q is not S3's form", d.RequestID)
			}
		}
	}
	if denied != 2 {
		t.Fatalf("%d denials logged, want 2", denied)
	}
}

func TestDisclosureRule(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "disc")
	getOnly := e.client(e.user(accountA, "getonly", allow(`"s3:GetObject"`, `"arn:aws:s3:::disc/*"`)))
	getList := e.client(e.user(accountA, "getlist", allow(`["s3:GetObject","s3:ListBucket"]`, `["arn:aws:s3:::disc","arn:aws:s3:::disc/*"]`)))
	_, err := getOnly.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("disc"), Key: aws.String("missing")})
	msg := wantCode(t, err, "AccessDenied")
	if !strings.Contains(msg, "s3:ListBucket") {
		t.Errorf("denial should name s3:ListBucket: %s", msg)
	}
	_, err = getOnly.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("disc"), Key: aws.String("missing")})
	wantCode(t, err, "Forbidden")
	_, err = getList.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("disc"), Key: aws.String("missing")})
	wantCode(t, err, "NoSuchKey")
	_, err = getList.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("disc"), Key: aws.String("missing")})
	wantCode(t, err, "NotFound")
	put(t, a, "disc", "there", "yes")
	if got, _ := get(t, getOnly, "disc", "there"); got != "yes" {
		t.Fatalf("got %q", got)
	}
	// A missing bucket is NoSuchBucket to anyone, permission or not, in
	// any account: S3 answers it before authorizing.
	nobody := e.client(e.user(accountA, "nobody"))
	for _, c := range []*awss3.Client{nobody, e.rootB()} {
		_, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("no-such-bucket-x"), Key: aws.String("k")})
		wantCode(t, err, "NoSuchBucket")
		_, err = c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket-x")})
		wantCode(t, err, "NoSuchBucket")
	}
	// An existing bucket the caller may not touch is AccessDenied.
	_, err = nobody.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("disc")})
	wantCode(t, err, "AccessDenied")
}

func TestBucketPolicyCrossAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.rootA(), e.rootB()
	mustCreateBucket(t, a, "shared")
	put(t, a, "shared", "doc.txt", "shared doc")
	bob := e.client(e.user(accountB, "bob", allow(`"s3:GetObject"`, `"*"`)))
	carol := e.client(e.user(accountB, "carol"))

	_, err := bob.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("doc.txt")})
	wantCode(t, err, "AccessDenied")

	pol := `{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::shared","arn:aws:s3:::shared/*"]}]}`
	if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(pol)}); err != nil {
		t.Fatalf("PutBucketPolicy: %v", err)
	}
	gp, err := a.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("shared")})
	if err != nil || aws.ToString(gp.Policy) != pol {
		t.Fatalf("GetBucketPolicy %v %v", gp, err)
	}
	// Both sides allow bob: his identity policy and the bucket policy.
	if got, _ := get(t, bob, "shared", "doc.txt"); got != "shared doc" {
		t.Fatalf("got %q", got)
	}
	// Account B's root too (root is allowed by identity in its account).
	if got, _ := get(t, b, "shared", "doc.txt"); got != "shared doc" {
		t.Fatalf("got %q", got)
	}
	// Carol has no identity policy: the account principal delegates, so she
	// is denied.
	_, err = carol.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("doc.txt")})
	wantCode(t, err, "AccessDenied")
	// Writes were not granted.
	_, err = b.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("x"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied")
	// Cross-account listing with s3:ListBucket from the bucket policy.
	l, err := b.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("shared")})
	if err != nil || len(l.Contents) != 1 {
		t.Fatalf("cross-account list %+v %v", l, err)
	}
	// Another account may not manage the policy even when allowed by it.
	pol2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetBucketPolicy","Resource":"arn:aws:s3:::shared"}]}`
	if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(pol2)}); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("shared")})
	wantCode(t, err, "MethodNotAllowed")

	if _, err := a.DeleteBucketPolicy(ctx, &awss3.DeleteBucketPolicyInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("shared")})
	wantCode(t, err, "NoSuchBucketPolicy")
}

func TestBucketPolicyDenyAndRootEscape(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "locked")
	put(t, a, "locked", "k", "v")
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"]}]}`
	if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("locked"), Policy: aws.String(pol)}); err != nil {
		t.Fatal(err)
	}
	_, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("locked"), Key: aws.String("k")})
	msg := wantCode(t, err, "AccessDenied")
	if !strings.Contains(msg, "with an explicit deny in a resource-based policy") {
		t.Fatalf("message %s", msg)
	}
	// The owner's root user can always get and remove the policy. The door
	// decides so by AWS's rule, and records and explains it like any
	// other decision.
	if _, err := a.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("locked")}); err != nil {
		t.Fatalf("root GetBucketPolicy: %v", err)
	}
	if _, err := a.DeleteBucketPolicy(ctx, &awss3.DeleteBucketPolicyInput{Bucket: aws.String("locked")}); err != nil {
		t.Fatalf("root DeleteBucketPolicy: %v", err)
	}
	for _, action := range []string{"s3:GetBucketPolicy", "s3:DeleteBucketPolicy"} {
		var got *authz.Entry
		for _, d := range e.decisions() {
			if d.Action == action {
				got = d
			}
		}
		if got == nil {
			t.Fatalf("no decision recorded for %s", action)
		}
		got.Explain()
		var out strings.Builder
		explain.Write(&out, got)
		if got.Decision != "Allowed" || !strings.Contains(got.Rule, "root user of the bucket owner's account") ||
			!strings.Contains(out.String(), "Decided by the rule that the root user of the bucket owner's account may always use "+action) ||
			!strings.Contains(out.String(), "denied by resource policy") {
			t.Fatalf("%s: decision %s, rule %q, explained:\n%s", action, got.Decision, got.Rule, out.String())
		}
	}
	if got, _ := get(t, a, "locked", "k"); got != "v" {
		t.Fatal("after removing the policy")
	}
}

func TestSecureTransportCondition(t *testing.T) {
	for _, tls := range []bool{false, true} {
		e := newEnv(t, envOptions{tls: tls})
		ctx := context.Background()
		a := e.rootA()
		mustCreateBucket(t, a, "tlsonly")
		put(t, a, "tlsonly", "k", "v")
		pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::tlsonly/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
		if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("tlsonly"), Policy: aws.String(pol)}); err != nil {
			t.Fatal(err)
		}
		_, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("tlsonly"), Key: aws.String("k")})
		if tls && err != nil {
			t.Fatalf("over TLS: %v", err)
		}
		if !tls {
			wantCode(t, err, "AccessDenied")
		}
	}
}

func TestListConditionKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "homes")
	put(t, a, "homes", "home/dave/notes", "mine")
	put(t, a, "homes", "home/erin/notes", "hers")
	dave := e.client(e.user(accountA, "dave",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::homes","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"},"StringEquals":{"s3:delimiter":"/"},"NumericLessThanEquals":{"s3:max-keys":"10"}}}]}`))
	if _, err := dave.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("homes"), Prefix: aws.String("home/dave/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(10)}); err != nil {
		t.Fatalf("own prefix: %v", err)
	}
	for _, in := range []*awss3.ListObjectsV2Input{
		{Bucket: aws.String("homes"), Prefix: aws.String("home/erin/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(10)},
		{Bucket: aws.String("homes"), Prefix: aws.String("home/dave/"), MaxKeys: aws.Int32(10)},
		{Bucket: aws.String("homes"), Prefix: aws.String("home/dave/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(100)},
		{Bucket: aws.String("homes")},
	} {
		_, err := dave.ListObjectsV2(ctx, in)
		wantCode(t, err, "AccessDenied")
	}
	// s3:ResourceAccount restricts by bucket owner.
	frank := e.client(e.user(accountA, "frank",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"111111111111"}}}]}`))
	if got, _ := get(t, frank, "homes", "home/dave/notes"); got != "mine" {
		t.Fatal(got)
	}
}

func TestACLsDisabled(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "noacl")
	_, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("noacl"), Key: aws.String("k"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
	if msg := wantCode(t, err, "AccessControlListNotSupported"); msg != "The bucket does not allow ACLs" {
		t.Fatalf("message %q", msg)
	}
	if _, err := a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("noacl"), Key: aws.String("k"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLBucketOwnerFullControl}); err != nil {
		t.Fatalf("bucket-owner-full-control: %v", err)
	}
	_, err = a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("pub"), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, err, "InvalidBucketAclWithObjectOwnership")
	acl, err := a.GetBucketAcl(ctx, &awss3.GetBucketAclInput{Bucket: aws.String("noacl")})
	if err != nil || len(acl.Grants) != 1 || acl.Grants[0].Permission != types.PermissionFullControl {
		t.Fatalf("GetBucketAcl %+v %v", acl, err)
	}
	// The s3:x-amz-acl condition key is set for policies that require it.
	g := e.client(e.user(accountA, "grace",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`))
	_, err = g.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("noacl"), Key: aws.String("g"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied")
	if _, err := g.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("noacl"), Key: aws.String("g"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLBucketOwnerFullControl}); err != nil {
		t.Fatalf("with the ACL: %v", err)
	}
}

func TestMalformedPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "pols")
	for _, tc := range []struct{ doc, msg string }{
		{`["x"]`, "Policies must be valid JSON and the first byte must be '{'"},
		{`{"Version":`, "This policy contains invalid Json"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pols/*"}]}`, "Missing required field Principal"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`, "Policy has invalid resource"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, "Policy has invalid resource"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:NoSuchAction","Resource":"arn:aws:s3:::pols/*"}]}`, "Policy has invalid action"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"iam:PassRole","Resource":"arn:aws:s3:::pols/*"}]}`, "Policy has invalid action"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pols"}]}`, "Action does not apply to any resource(s) in statement"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"not-a-principal"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pols/*"}]}`, "Invalid principal in policy"},
	} {
		_, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("pols"), Policy: aws.String(tc.doc)})
		if msg := wantCode(t, err, "MalformedPolicy"); msg != tc.msg {
			t.Errorf("%s\n got %q\nwant %q", tc.doc, msg, tc.msg)
		}
	}
	ok := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["s3:Get*","s3:ListBucket"],"Resource":["arn:aws:s3:::pols","arn:aws:s3:::pols/*"]}]}`
	if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("pols"), Policy: aws.String(ok)}); err != nil {
		t.Fatalf("valid policy refused: %v", err)
	}
}

func TestBlockPublicAccess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.rootA(), e.rootB()
	mustCreateBucket(t, a, "public")
	put(t, a, "public", "index.html", "hello world")
	// New buckets block public policies, as S3's have since 2023.
	pab, err := a.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: aws.String("public")})
	if err != nil {
		t.Fatal(err)
	}
	c := pab.PublicAccessBlockConfiguration
	if !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.IgnorePublicAcls) || !aws.ToBool(c.BlockPublicPolicy) || !aws.ToBool(c.RestrictPublicBuckets) {
		t.Fatalf("default configuration %+v", c)
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}]}`
	_, err = a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("public"), Policy: aws.String(public)})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "BlockPublicPolicy") {
		t.Fatalf("message %s", msg)
	}
	// Pinned to a source account, "*" is not public.
	pinnedDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"222222222222"}}}]}`
	if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("public"), Policy: aws.String(pinnedDoc)}); err != nil {
		t.Fatalf("pinned policy: %v", err)
	}
	st, err := a.GetBucketPolicyStatus(ctx, &awss3.GetBucketPolicyStatusInput{Bucket: aws.String("public")})
	if err != nil || aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatalf("policy status %+v %v", st, err)
	}
	// Allow public policies but keep RestrictPublicBuckets: the policy is
	// stored, but other accounts get nothing from it.
	if _, err := a.PutPublicAccessBlock(ctx, &awss3.PutPublicAccessBlockInput{Bucket: aws.String("public"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("public"), Policy: aws.String(public)}); err != nil {
		t.Fatalf("public policy with BlockPublicPolicy off: %v", err)
	}
	st, _ = a.GetBucketPolicyStatus(ctx, &awss3.GetBucketPolicyStatusInput{Bucket: aws.String("public")})
	if !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("public policy not reported public")
	}
	_, err = b.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("public"), Key: aws.String("index.html")})
	wantCode(t, err, "AccessDenied")
	// Without any block, the public policy lets everyone read.
	if _, err := a.DeletePublicAccessBlock(ctx, &awss3.DeletePublicAccessBlockInput{Bucket: aws.String("public")}); err != nil {
		t.Fatal(err)
	}
	_, err = a.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: aws.String("public")})
	wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
	if got, _ := get(t, b, "public", "index.html"); got != "hello world" {
		t.Fatalf("got %q", got)
	}
	// The configuration survives a restart.
	e.restart()
	_, err = a.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: aws.String("public")})
	wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
}

func TestDeleteObjectsPerKeyDenial(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "mixed")
	put(t, a, "mixed", "public/x", "x")
	put(t, a, "mixed", "private/y", "y")
	hank := e.client(e.user(accountA, "hank", allow(`"s3:DeleteObject"`, `"arn:aws:s3:::mixed/public/*"`)))
	out, err := hank.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("mixed"), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("public/x")}, {Key: aws.String("private/y")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "public/x" {
		t.Fatalf("deleted %+v", out.Deleted)
	}
	if len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "AccessDenied" || aws.ToString(out.Errors[0].Key) != "private/y" {
		t.Fatalf("errors %+v", out.Errors)
	}
	if got, _ := get(t, a, "mixed", "private/y"); got != "y" {
		t.Fatal("denied key was deleted")
	}
}

func TestCopyNeedsSourceRead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "csrc")
	mustCreateBucket(t, a, "cdst")
	put(t, a, "csrc", "secret", "s")
	ivan := e.client(e.user(accountA, "ivan", allow(`"s3:PutObject"`, `"arn:aws:s3:::cdst/*"`)))
	_, err := ivan.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("cdst"), Key: aws.String("k"), CopySource: aws.String("csrc/secret")})
	msg := wantCode(t, err, "AccessDenied")
	if !strings.Contains(msg, "s3:GetObject") || !strings.Contains(msg, `"arn:aws:s3:::csrc/secret"`) {
		t.Fatalf("message %s", msg)
	}
}

// Issue #10, hole 6: x-amz-expected-bucket-owner is checked after
// authorization. A caller who may not read the bucket, guessing at its
// owner with the header, gets the door's denial whether or not the guess is
// right; only an allowed caller learns of a mismatch.
func TestExpectedOwnerIsCheckedAfterAuthorization(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	mustCreateBucket(t, a, "owned")
	put(t, a, "owned", "k", "v")
	nobody := e.client(e.user(accountA, "nobody"))
	for _, guess := range []string{accountA, "222222222222"} {
		_, err := nobody.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("owned"), Key: aws.String("k"), ExpectedBucketOwner: aws.String(guess)})
		msg := wantCode(t, err, "AccessDenied")
		if !strings.Contains(msg, "is not authorized to perform: s3:GetObject") {
			t.Fatalf("guess %s: %q, want the door's denial", guess, msg)
		}
		_, err = nobody.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("owned"), ExpectedBucketOwner: aws.String(guess),
			Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k")}}}})
		if err != nil {
			t.Fatalf("guess %s: DeleteObjects answered %v, want per-key denials", guess, err)
		}
	}
	// The owner itself is told of a wrong guess.
	_, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("owned"), Key: aws.String("k"), ExpectedBucketOwner: aws.String("222222222222")})
	if msg := wantCode(t, err, "AccessDenied"); msg != "Access Denied" {
		t.Fatalf("owner with a wrong guess: %q", msg)
	}
	_, err = a.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("owned"), ExpectedBucketOwner: aws.String("222222222222"),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k")}}}})
	wantCode(t, err, "AccessDenied")
	if got, _ := get(t, a, "owned", "k"); got != "v" {
		t.Fatal("the object was deleted despite the wrong owner")
	}
}
