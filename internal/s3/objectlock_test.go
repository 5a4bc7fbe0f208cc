package s3_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Object Lock through the Go SDK against the real handler, the door and
// the store: a bucket created with Object Lock, retention and legal hold
// on versions, enforcement of deletes and retention changes, and the
// governance bypass decided by policy.

const lockedMsg = "Access Denied because object protected by object lock."

func lockedBucket(t *testing.T, c *awss3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

// clock lets a test move the server's time forward.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

func TestObjectLockLockedVersionSurvivesDelete(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	lockedBucket(t, a, "worm")
	v, err := a.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String("worm")})
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning %v, %v: Object Lock enables it", v.Status, err)
	}
	cfg, err := a.GetObjectLockConfiguration(ctx, &awss3.GetObjectLockConfigurationInput{Bucket: aws.String("worm")})
	if err != nil || cfg.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled || cfg.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("configuration %+v, %v", cfg, err)
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	out := put(t, a, "worm", "ledger", "v1", func(in *awss3.PutObjectInput) {
		in.ObjectLockMode = types.ObjectLockModeGovernance
		in.ObjectLockRetainUntilDate = aws.Time(until)
	})
	v1 := aws.ToString(out.VersionId)

	// Deleting the version is refused; deleting the key stacks a marker,
	// and the version is still there.
	_, err = a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("worm"), Key: aws.String("ledger"), VersionId: aws.String(v1)})
	if msg := wantCode(t, err, "AccessDenied"); msg != lockedMsg {
		t.Fatalf("message %q", msg)
	}
	del, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("worm"), Key: aws.String("ledger")})
	if err != nil || !aws.ToBool(del.DeleteMarker) {
		t.Fatalf("delete marker: %+v, %v", del, err)
	}
	got, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("worm"), Key: aws.String("ledger"), VersionId: aws.String(v1)})
	if err != nil {
		t.Fatalf("the locked version is gone: %v", err)
	}
	got.Body.Close()
	if got.ObjectLockMode != types.ObjectLockModeGovernance || !aws.ToTime(got.ObjectLockRetainUntilDate).Equal(until) {
		t.Fatalf("GET answers mode %q until %v, want GOVERNANCE %v", got.ObjectLockMode, got.ObjectLockRetainUntilDate, until)
	}

	// Shortening without a bypass is refused; lengthening is not.
	_, err = a.PutObjectRetention(ctx, &awss3.PutObjectRetentionInput{Bucket: aws.String("worm"), Key: aws.String("ledger"), VersionId: aws.String(v1),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until.Add(-time.Minute))}})
	if msg := wantCode(t, err, "AccessDenied"); msg != lockedMsg {
		t.Fatalf("message %q", msg)
	}
	later := until.Add(time.Hour)
	if _, err := a.PutObjectRetention(ctx, &awss3.PutObjectRetentionInput{Bucket: aws.String("worm"), Key: aws.String("ledger"), VersionId: aws.String(v1),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(later)}}); err != nil {
		t.Fatal(err)
	}

	// The lock is durable: after a restart the version is still held.
	e.restart()
	r, err := a.GetObjectRetention(ctx, &awss3.GetObjectRetentionInput{Bucket: aws.String("worm"), Key: aws.String("ledger"), VersionId: aws.String(v1)})
	if err != nil || r.Retention.Mode != types.ObjectLockRetentionModeGovernance || !aws.ToTime(r.Retention.RetainUntilDate).Equal(later) {
		t.Fatalf("retention after restart: %+v, %v", r, err)
	}
	_, err = a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("worm"), Key: aws.String("ledger"), VersionId: aws.String(v1)})
	wantCode(t, err, "AccessDenied")
	_, err = a.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String("worm"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	wantCode(t, err, "InvalidBucketState")
}

// bypassDecisions are the door's s3:BypassGovernanceRetention decisions.
func bypassDecisions(e *env) []string {
	var out []string
	for _, d := range e.decisions() {
		if d.Action == "s3:BypassGovernanceRetention" {
			out = append(out, d.Principal+" "+d.Decision)
		}
	}
	return out
}

func TestObjectLockGovernanceBypassByPolicy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	lockedBucket(t, a, "gov")
	until := time.Now().Add(time.Hour)
	v1 := aws.ToString(put(t, a, "gov", "k", "one", func(in *awss3.PutObjectInput) {
		in.ObjectLockMode = types.ObjectLockModeGovernance
		in.ObjectLockRetainUntilDate = aws.Time(until)
	}).VersionId)
	v2 := aws.ToString(put(t, a, "gov", "k", "two", func(in *awss3.PutObjectInput) {
		in.ObjectLockMode = types.ObjectLockModeGovernance
		in.ObjectLockRetainUntilDate = aws.Time(until)
	}).VersionId)

	// ops may delete versions and change retention, but not bypass.
	base := allow(`["s3:DeleteObjectVersion","s3:PutObjectRetention","s3:GetObjectRetention"]`, `"arn:aws:s3:::gov/*"`)
	ops := e.client(e.user(accountA, "ops", base))
	del := func(c *awss3.Client, version string) error {
		_, err := c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("gov"), Key: aws.String("k"), VersionId: aws.String(version), BypassGovernanceRetention: aws.Bool(true)})
		return err
	}
	if msg := wantCode(t, del(ops, v1), "AccessDenied"); msg != lockedMsg {
		t.Fatalf("message %q", msg)
	}
	if got := bypassDecisions(e); len(got) != 1 || got[0] != "arn:aws:iam::111111111111:user/ops ImplicitlyDenied" {
		t.Fatalf("bypass decisions %v: want one denial", got)
	}
	// Removing the retention needs the bypass too.
	_, err := ops.PutObjectRetention(ctx, &awss3.PutObjectRetentionInput{Bucket: aws.String("gov"), Key: aws.String("k"), VersionId: aws.String(v1),
		Retention: &types.ObjectLockRetention{}, BypassGovernanceRetention: aws.Bool(true)})
	wantCode(t, err, "AccessDenied")

	// With s3:BypassGovernanceRetention the same requests succeed, and the
	// door's allow is logged as its own decision.
	admin := e.client(e.user(accountA, "admin", base, allow(`"s3:BypassGovernanceRetention"`, `"arn:aws:s3:::gov/*"`)))
	if err := del(admin, v1); err != nil {
		t.Fatalf("bypass allowed by policy: %v", err)
	}
	// (ops's refused removal above was the second.)
	got := bypassDecisions(e)
	if len(got) != 3 || got[2] != "arn:aws:iam::111111111111:user/admin Allowed" {
		t.Fatalf("bypass decisions %v", got)
	}
	if _, err := admin.PutObjectRetention(ctx, &awss3.PutObjectRetentionInput{Bucket: aws.String("gov"), Key: aws.String("k"), VersionId: aws.String(v2),
		Retention: &types.ObjectLockRetention{}, BypassGovernanceRetention: aws.Bool(true)}); err != nil {
		t.Fatalf("removing a governance retention with the bypass: %v", err)
	}
	_, err = admin.GetObjectRetention(ctx, &awss3.GetObjectRetentionInput{Bucket: aws.String("gov"), Key: aws.String("k"), VersionId: aws.String(v2)})
	wantCode(t, err, "NoSuchObjectLockConfiguration")
	// Unprotected now, the version goes without a bypass (and without
	// asking the door for one).
	n := len(bypassDecisions(e))
	if _, err := ops.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("gov"), Key: aws.String("k"), VersionId: aws.String(v2)}); err != nil {
		t.Fatal(err)
	}
	if len(bypassDecisions(e)) != n {
		t.Fatal("the door was asked for a bypass nobody needed")
	}
	// A bucket policy that denies the bypass wins over the identity policy.
	lockedBucket(t, a, "gov2")
	v3 := aws.ToString(put(t, a, "gov2", "k", "three", func(in *awss3.PutObjectInput) {
		in.ObjectLockMode = types.ObjectLockModeGovernance
		in.ObjectLockRetainUntilDate = aws.Time(until)
	}).VersionId)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::gov2/*"}]}`
	if _, err := a.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("gov2"), Policy: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	admin2 := e.client(e.user(accountA, "admin2", allow(`["s3:DeleteObjectVersion","s3:BypassGovernanceRetention"]`, `"*"`)))
	_, err = admin2.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("gov2"), Key: aws.String("k"), VersionId: aws.String(v3), BypassGovernanceRetention: aws.Bool(true)})
	wantCode(t, err, "AccessDenied")
}

func TestObjectLockComplianceAndLegalHold(t *testing.T) {
	var clk clock
	e := newEnv(t)
	e.now = clk.now
	ctx := context.Background()
	a := e.rootA()
	lockedBucket(t, a, "vault")
	// Ten minutes: the clock moves past it within SigV4's allowed skew.
	until := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Second)
	v1 := aws.ToString(put(t, a, "vault", "k", "c", func(in *awss3.PutObjectInput) {
		in.ObjectLockMode = types.ObjectLockModeCompliance
		in.ObjectLockRetainUntilDate = aws.Time(until)
	}).VersionId)
	// Nobody shortens COMPLIANCE or turns it into GOVERNANCE, bypass or not.
	for _, r := range []types.ObjectLockRetention{
		{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(until.Add(-time.Minute))},
		{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until.Add(time.Hour))},
		{},
	} {
		_, err := a.PutObjectRetention(ctx, &awss3.PutObjectRetentionInput{Bucket: aws.String("vault"), Key: aws.String("k"), VersionId: aws.String(v1), Retention: &r, BypassGovernanceRetention: aws.Bool(true)})
		wantCode(t, err, "AccessDenied")
	}
	_, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("vault"), Key: aws.String("k"), VersionId: aws.String(v1), BypassGovernanceRetention: aws.Bool(true)})
	wantCode(t, err, "AccessDenied")
	if len(bypassDecisions(e)) != 0 {
		t.Fatal("COMPLIANCE asked the door for a bypass")
	}

	// A legal hold keeps a version with no retention, per key in
	// DeleteObjects, until it is removed.
	v2 := aws.ToString(put(t, a, "vault", "held", "h", func(in *awss3.PutObjectInput) { in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn }).VersionId)
	v3 := aws.ToString(put(t, a, "vault", "free", "f").VersionId)
	res, err := a.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("vault"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("held"), VersionId: aws.String(v2)}, {Key: aws.String("free"), VersionId: aws.String(v3)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || aws.ToString(res.Errors[0].Key) != "held" || aws.ToString(res.Errors[0].Code) != "AccessDenied" || aws.ToString(res.Errors[0].Message) != lockedMsg ||
		len(res.Deleted) != 1 || aws.ToString(res.Deleted[0].Key) != "free" {
		t.Fatalf("DeleteObjects: deleted %+v errors %+v", res.Deleted, res.Errors)
	}
	if _, err := a.PutObjectLegalHold(ctx, &awss3.PutObjectLegalHoldInput{Bucket: aws.String("vault"), Key: aws.String("held"), VersionId: aws.String(v2),
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("vault"), Key: aws.String("held"), VersionId: aws.String(v2)}); err != nil {
		t.Fatalf("delete after the hold was removed: %v", err)
	}

	// Once the retention date has passed, the COMPLIANCE version goes.
	clk.advance(11 * time.Minute)
	if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("vault"), Key: aws.String("k"), VersionId: aws.String(v1)}); err != nil {
		t.Fatalf("delete after the retention expired: %v", err)
	}
}

func TestObjectLockDefaultRetentionAndUploads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.rootA()
	// An existing bucket takes Object Lock only once versioning is on.
	mustCreateBucket(t, a, "later")
	cfg := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}
	_, err := a.PutObjectLockConfiguration(ctx, &awss3.PutObjectLockConfigurationInput{Bucket: aws.String("later"), ObjectLockConfiguration: cfg})
	wantCode(t, err, "InvalidBucketState")
	if _, err := a.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String("later"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PutObjectLockConfiguration(ctx, &awss3.PutObjectLockConfigurationInput{Bucket: aws.String("later"), ObjectLockConfiguration: cfg}); err != nil {
		t.Fatal(err)
	}
	// The default rule survives a restart (it is kept in the cached bucket).
	e.restart()
	put(t, a, "later", "d", "default")
	h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("later"), Key: aws.String("d")})
	if err != nil {
		t.Fatal(err)
	}
	// Exactly a day after creation (LastModified is in whole seconds).
	if d := aws.ToTime(h.ObjectLockRetainUntilDate).Sub(aws.ToTime(h.LastModified).AddDate(0, 0, 1)); h.ObjectLockMode != types.ObjectLockModeGovernance || d < 0 || d >= time.Second {
		t.Fatalf("default retention: mode %q until %v, modified %v", h.ObjectLockMode, h.ObjectLockRetainUntilDate, h.LastModified)
	}

	// A multipart upload keeps the lock it was begun with; a copy does not
	// inherit its source's, it gets the default.
	until := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Second)
	up, err := a.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("later"), Key: aws.String("mpu"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until), ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	if err != nil {
		t.Fatal(err)
	}
	part, err := a.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("later"), Key: aws.String("mpu"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("later"), Key: aws.String("mpu"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	h, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("later"), Key: aws.String("mpu")})
	if err != nil || h.ObjectLockMode != types.ObjectLockModeCompliance || !aws.ToTime(h.ObjectLockRetainUntilDate).Equal(until) || h.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("completed upload: %+v, %v", h, err)
	}
	if _, err := a.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("later"), Key: aws.String("copy"), CopySource: aws.String("later/mpu")}); err != nil {
		t.Fatal(err)
	}
	h, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("later"), Key: aws.String("copy")})
	if err != nil || h.ObjectLockMode != types.ObjectLockModeGovernance || h.ObjectLockLegalHoldStatus != "" {
		t.Fatalf("copy: mode %q hold %q, %v", h.ObjectLockMode, h.ObjectLockLegalHoldStatus, err)
	}

	// A bucket without Object Lock takes no lock headers and no bypass.
	mustCreateBucket(t, a, "plain")
	_, err = a.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("plain"), Key: aws.String("k"), Body: strings.NewReader("x"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(until)})
	wantCode(t, err, "InvalidRequest")
	_, err = a.GetObjectRetention(ctx, &awss3.GetObjectRetentionInput{Bucket: aws.String("plain"), Key: aws.String("k")})
	wantCode(t, err, "InvalidRequest")
	_, err = a.GetObjectLockConfiguration(ctx, &awss3.GetObjectLockConfigurationInput{Bucket: aws.String("plain")})
	wantCode(t, err, "ObjectLockConfigurationNotFoundError")
}
