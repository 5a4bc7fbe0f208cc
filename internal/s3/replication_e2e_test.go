package s3_test

import (
	"context"
	"database/sql"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/seki-dev/seki/internal/server/servertest"
	"github.com/seki-dev/seki/internal/store"
)

// TestE2EReplicationAndLogging: configurations validated as documents and
// against what they name (a replication destination must keep versions and
// the caller may pass the role; a logging target must exist, be the
// owner's and be in the same region), stored, durable.
func TestE2EReplicationAndLogging(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	for _, n := range []string{"repl-src", "repl-dst", "log-target"} {
		mustCreateBucket(t, a, n)
	}
	if _, err := a.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("log-far"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}); err != nil {
		t.Fatal(err)
	}
	enable := func(b string) {
		if _, err := a.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			t.Fatal(err)
		}
	}
	conf := &types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::111111111111:role/r"), Rules: []types.ReplicationRule{{
		Status: types.ReplicationRuleStatusEnabled, Priority: aws.Int32(1), Filter: &types.ReplicationRuleFilter{Prefix: aws.String("logs/")},
		Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::repl-dst")},
		DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled}}}}
	put := func() error {
		_, err := a.PutBucketReplication(ctx, &awss3.PutBucketReplicationInput{Bucket: aws.String("repl-src"), ReplicationConfiguration: conf})
		return err
	}
	wantCode(t, put(), "InvalidRequest") // the source keeps no versions
	enable("repl-src")
	wantCode(t, put(), "InvalidRequest") // nor does the destination
	enable("repl-dst")

	// The document's own rules: an IAM role's ARN; a rule with a Filter
	// (the V2 schema) gives a Priority, unique, and DeleteMarkerReplication.
	conf.Role = aws.String("arn:aws:s3:::not-a-role")
	wantCode(t, put(), "InvalidArgument")
	conf.Role = aws.String("arn:aws:iam::111111111111:role/r")
	conf.Rules[0].Priority = nil
	wantCode(t, put(), "InvalidRequest")
	conf.Rules[0].Priority = aws.Int32(1)
	conf.Rules = append(conf.Rules, conf.Rules[0])
	wantCode(t, put(), "InvalidRequest") // two rules of priority 1
	conf.Rules = conf.Rules[:1]

	// Passing the role to S3 is iam:PassRole, asked of the caller at the
	// door: a user allowed s3:PutReplicationConfiguration alone is refused.
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("replicator")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("replicator")})
	if err != nil {
		t.Fatal(err)
	}
	setPolicy := func(doc string) {
		if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("replicator"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	user := e2eS3(env, env.Config(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
	setPolicy(allow(`"s3:PutReplicationConfiguration"`, `"arn:aws:s3:::repl-src"`))
	_, err = user.PutBucketReplication(ctx, &awss3.PutBucketReplicationInput{Bucket: aws.String("repl-src"), ReplicationConfiguration: conf})
	if msg := wantCode(t, err, "AccessDenied"); !strings.Contains(msg, "iam:PassRole") {
		t.Fatalf("the refusal names iam:PassRole: %q", msg)
	}
	setPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutReplicationConfiguration","Resource":"arn:aws:s3:::repl-src"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111111111111:role/r","Condition":{"StringEquals":{"iam:PassedToService":"s3.amazonaws.com"}}}]}`)
	if _, err := user.PutBucketReplication(ctx, &awss3.PutBucketReplicationInput{Bucket: aws.String("repl-src"), ReplicationConfiguration: conf}); err != nil {
		t.Fatal(err)
	}

	logging := func(target string) error {
		_, err := a.PutBucketLogging(ctx, &awss3.PutBucketLoggingInput{Bucket: aws.String("repl-src"),
			BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String("access/")}}})
		return err
	}
	wantCode(t, logging("no-such-target"), "InvalidTargetBucketForLogging")
	wantCode(t, logging("log-far"), "CrossLocationLoggingProhibitted")
	mustCreateBucket(t, e2eS3(env, env.Root(servertest.AccountB)), "log-of-b")
	wantCode(t, logging("log-of-b"), "InvalidTargetBucketForLogging") // another owner's
	_, err = a.PutBucketLogging(ctx, &awss3.PutBucketLoggingInput{Bucket: aws.String("repl-src"),
		BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("log-target"), TargetPrefix: aws.String("access/"),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{SimplePrefix: &types.SimplePrefix{}, PartitionedPrefix: &types.PartitionedPrefix{}}}}})
	wantCode(t, err, "MalformedXML") // one key format, not two
	_, err = a.PutBucketLogging(ctx, &awss3.PutBucketLoggingInput{Bucket: aws.String("repl-src"),
		BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("log-target"), TargetPrefix: aws.String("access/"),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: types.PartitionDateSourceEventTime}}}}})
	if err != nil {
		t.Fatal(err)
	}

	env.Stop()
	env2 := servertest.Start(t, servertest.Options{DataDir: env.DataDir})
	a2 := e2eS3(env2, env2.Root(servertest.AccountA))
	got, err := a2.GetBucketReplication(ctx, &awss3.GetBucketReplicationInput{Bucket: aws.String("repl-src")})
	if err != nil || len(got.ReplicationConfiguration.Rules) != 1 || got.ReplicationConfiguration.Rules[0].ID == nil || *got.ReplicationConfiguration.Rules[0].ID == "" {
		t.Fatalf("GetBucketReplication after restart (S3 names a rule sent without an ID): %+v %v", got, err)
	}
	lg, err := a2.GetBucketLogging(ctx, &awss3.GetBucketLoggingInput{Bucket: aws.String("repl-src")})
	if err != nil || lg.LoggingEnabled == nil || *lg.LoggingEnabled.TargetPrefix != "access/" || lg.LoggingEnabled.TargetObjectKeyFormat == nil ||
		lg.LoggingEnabled.TargetObjectKeyFormat.PartitionedPrefix.PartitionDateSource != types.PartitionDateSourceEventTime {
		t.Fatalf("GetBucketLogging after restart: %+v %v", lg, err)
	}
	if _, err := a2.DeleteBucketReplication(ctx, &awss3.DeleteBucketReplicationInput{Bucket: aws.String("repl-src")}); err != nil {
		t.Fatal(err)
	}
	_, err = a2.GetBucketReplication(ctx, &awss3.GetBucketReplicationInput{Bucket: aws.String("repl-src")})
	wantCode(t, err, "ReplicationConfigurationNotFoundError")
}

// TestE2EReplicationCopiesAsTheRole: a new version under an enabled rule is
// copied to the destination as the configuration's role, assumed as
// s3.amazonaws.com, with its version id, body, metadata and tags; the source
// says COMPLETED, the replica REPLICA. Without s3:ReplicateObject the copy is
// refused at the door (the denial logged under the upload's request id) and
// the source says FAILED; a version no rule matches is not replicated.
func TestE2EReplicationCopiesAsTheRole(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	a := e2eS3(env, env.Root(servertest.AccountA))
	for _, n := range []string{"live-src", "live-dst"} {
		mustCreateBucket(t, a, n)
		if _, err := a.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String(n),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			t.Fatal(err)
		}
	}
	root := iam.NewFromConfig(env.Root(servertest.AccountA))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("replication"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	grant := func(actions string) {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectVersionForReplication","Resource":"arn:aws:s3:::live-src/*"},
{"Effect":"Allow","Action":` + actions + `,"Resource":"arn:aws:s3:::live-dst/*"}]}`
		if _, err := root.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("replication"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	grant(`["s3:ReplicateObject","s3:ReplicateTags"]`)
	if _, err := a.PutBucketReplication(ctx, &awss3.PutBucketReplicationInput{Bucket: aws.String("live-src"), ReplicationConfiguration: &types.ReplicationConfiguration{
		Role: aws.String("arn:aws:iam::111111111111:role/replication"), Rules: []types.ReplicationRule{{
			Status: types.ReplicationRuleStatusEnabled, Priority: aws.Int32(1), Filter: &types.ReplicationRuleFilter{Prefix: aws.String("docs/")},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::live-dst"), StorageClass: types.StorageClassStandardIa},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled}}}}}); err != nil {
		t.Fatal(err)
	}

	// status waits for the source version's replication to settle.
	status := func(a *awss3.Client, key, version string) types.ReplicationStatus {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("live-src"), Key: aws.String(key), VersionId: aws.String(version)})
			if err != nil {
				t.Fatal(err)
			}
			if h.ReplicationStatus != types.ReplicationStatusPending || time.Now().After(deadline) {
				return h.ReplicationStatus
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	plain := put(t, a, "live-src", "other/x", "not replicated")
	out := put(t, a, "live-src", "docs/a", "replicate me", func(in *awss3.PutObjectInput) {
		in.Metadata = map[string]string{"color": "red"}
		in.Tagging = aws.String("k=v")
	})
	if out.VersionId == nil {
		t.Fatal("no version id")
	}
	if got := status(a, "docs/a", *out.VersionId); got != types.ReplicationStatusCompleted {
		t.Fatalf("source status %q, want COMPLETED", got)
	}
	got, err := a.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("live-dst"), Key: aws.String("docs/a"), VersionId: out.VersionId})
	if err != nil {
		t.Fatalf("the replica keeps the version id: %v", err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "replicate me" || got.ReplicationStatus != types.ReplicationStatusReplica || got.Metadata["color"] != "red" ||
		got.StorageClass != types.StorageClassStandardIa || aws.ToInt32(got.TagCount) != 1 {
		t.Fatalf("replica %q status %q meta %v class %q tags %d", body, got.ReplicationStatus, got.Metadata, got.StorageClass, aws.ToInt32(got.TagCount))
	}
	// The copy was decided at the door for the role session, under the
	// upload's request id.
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	decided := map[string]string{}
	for _, d := range env.Decisions(t, rid) {
		if strings.Contains(d.Principal, "assumed-role/replication/") {
			decided[d.Action+" "+d.Resource] = d.Decision
		}
	}
	if decided["s3:GetObjectVersionForReplication arn:aws:s3:::live-src/docs/a"] != "Allowed" || decided["s3:ReplicateObject arn:aws:s3:::live-dst/docs/a"] != "Allowed" ||
		decided["s3:ReplicateTags arn:aws:s3:::live-dst/docs/a"] != "Allowed" {
		t.Fatalf("the role session's decisions under %s: %v", rid, decided)
	}
	if h, err := a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("live-src"), Key: aws.String("other/x"), VersionId: plain.VersionId}); err != nil || h.ReplicationStatus != "" {
		t.Fatalf("a version no rule matches has status %q (%v)", h.ReplicationStatus, err)
	}
	_, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("live-dst"), Key: aws.String("other/x")})
	wantCode(t, err, "NotFound")

	// The rule does not replicate delete markers: deleting docs/a stacks a
	// marker on the source alone.
	if _, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("live-src"), Key: aws.String("docs/a")}); err != nil {
		t.Fatal(err)
	}
	// With DeleteMarkerReplication Enabled (and s3:ReplicateDelete), the
	// next marker is replicated with its version id.
	grant(`["s3:ReplicateObject","s3:ReplicateTags","s3:ReplicateDelete"]`)
	if _, err := a.PutBucketReplication(ctx, &awss3.PutBucketReplicationInput{Bucket: aws.String("live-src"), ReplicationConfiguration: &types.ReplicationConfiguration{
		Role: aws.String("arn:aws:iam::111111111111:role/replication"), Rules: []types.ReplicationRule{{
			Status: types.ReplicationRuleStatusEnabled, Priority: aws.Int32(1), Filter: &types.ReplicationRuleFilter{Prefix: aws.String("docs/")},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::live-dst"), StorageClass: types.StorageClassStandardIa},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusEnabled}}}}}); err != nil {
		t.Fatal(err)
	}
	markers := func() []string {
		t.Helper()
		v, err := a.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: aws.String("live-dst"), Prefix: aws.String("docs/a")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range v.DeleteMarkers {
			ids = append(ids, aws.ToString(m.VersionId))
		}
		return ids
	}
	if got := markers(); len(got) != 0 {
		t.Fatalf("a marker was replicated by a rule that does not replicate them: %v", got)
	}
	del, err := a.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("live-src"), Key: aws.String("docs/a")})
	if err != nil || del.VersionId == nil {
		t.Fatalf("DeleteObject: %+v %v", del, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for got := markers(); len(got) != 1 || got[0] != *del.VersionId; got = markers() {
		if time.Now().After(deadline) {
			t.Fatalf("delete markers in the destination %v, want [%s]", got, *del.VersionId)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The role loses s3:ReplicateObject: the door refuses the copy.
	grant(`"s3:ReplicateTags"`)
	out = put(t, a, "live-src", "docs/b", "refused")
	if got := status(a, "docs/b", *out.VersionId); got != types.ReplicationStatusFailed {
		t.Fatalf("source status %q, want FAILED", got)
	}
	_, err = a.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("live-dst"), Key: aws.String("docs/b")})
	wantCode(t, err, "NotFound")
	rid, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	var denied bool
	for _, d := range env.Decisions(t, rid) {
		if d.Action == "s3:ReplicateObject" && d.Resource == "arn:aws:s3:::live-dst/docs/b" && strings.Contains(d.Principal, "assumed-role/replication/") && d.Decision != "Allowed" {
			denied = true
		}
	}
	if !denied {
		t.Fatalf("no refusal of s3:ReplicateObject logged under %s: %+v", rid, env.Decisions(t, rid))
	}

	// A version acknowledged but not copied when seki stopped is copied
	// after the next start: docs/b is set back to PENDING in the stopped
	// server's database, as a kill between the answer and the copy leaves
	// it, with the role allowed again.
	grant(`["s3:ReplicateObject","s3:ReplicateTags"]`)
	env.Stop()
	db, err := sql.Open("sqlite", filepath.Join(env.DataDir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE s3_objects SET headers = replace(headers, 'FAILED', 'PENDING') WHERE bucket = 'live-src' AND key = 'docs/b'`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("marking docs/b PENDING: %v (%d rows)", err, n)
	}
	db.Close()
	env2 := servertest.Start(t, servertest.Options{DataDir: env.DataDir})
	a2 := e2eS3(env2, env2.Root(servertest.AccountA))
	if got := status(a2, "docs/b", *out.VersionId); got != types.ReplicationStatusCompleted {
		t.Fatalf("after a restart docs/b is %q, want COMPLETED", got)
	}
	if _, err := a2.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("live-dst"), Key: aws.String("docs/b"), VersionId: out.VersionId}); err != nil {
		t.Fatalf("docs/b was not replicated after the restart: %v", err)
	}
}
