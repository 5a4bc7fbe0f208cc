package s3

import (
	"context"
	"database/sql"
	"encoding/xml"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Replication of new objects (live replication), as S3 performs it: a
// version written to a bucket with a matching enabled rule is marked
// PENDING, and after the write is acknowledged S3 copies it to each
// destination as the configuration's role. The role is assumed as
// s3.amazonaws.com (its trust policy decides, at the door), and reading the
// source version (s3:GetObjectVersionForReplication) and writing the replica
// (s3:ReplicateObject, s3:ReplicateTags for a tagged version) are
// authorized for the role session at the door, against the buckets'
// policies, and logged under the write's request id, so that `seki explain`
// shows why a replication failed. The replica keeps the version id, body,
// metadata and tags and is marked REPLICA; the source version becomes
// COMPLETED, or FAILED when any destination refused.
//
// A delete marker that DeleteObject stacks on a key is replicated the same
// way (s3:ReplicateDelete) when the matching rule's DeleteMarkerReplication
// is Enabled; tag-based rules never replicate markers, as in S3, and a
// marker carries no replication status (so one not yet replicated when
// seki stops is not resumed).
//
// Not done: markers stacked by DeleteObjects, existing objects (batch replication), replica
// modification sync, ownership override and KMS settings are stored but
// not acted on (SSE-KMS objects are not replicated). The copy runs in the
// background of this process; a version still PENDING when seki stopped
// (or was killed) is replicated after the next start (resumeReplication).

// Roles lets S3 act as an IAM role (the server wires STS's service
// sessions in): the role is assumed as s3.amazonaws.com through the door.
type Roles interface {
	RoleCaller(ctx context.Context, requestID, roleARN, session string) (*authz.Caller, error)
}

// The x-amz-replication-status values a version carries (HeadObject's
// ReplicationStatus enumeration in S3's API reference).
const (
	replPending   = "PENDING"
	replCompleted = "COMPLETED"
	replFailed    = "FAILED"
	replReplica   = "REPLICA"
	// replHeader is where a version keeps its status, with its other
	// stored headers, so that GET and HEAD answer it.
	replHeader = "X-Amz-Replication-Status"
	// replSession is the role session name S3 replicates under.
	replSession = "s3-replication"
)

// applyReplication keeps the parsed configuration in the cached bucket.
func applyReplication(b *bucket, doc []byte) {
	b.replication = nil
	if doc == nil {
		return
	}
	var v xReplication
	if xml.Unmarshal(doc, &v) == nil {
		b.replication = &v
	}
}

// replicationTargets are the destination buckets a version of key with
// tags goes to: per destination, the enabled rule of highest priority that
// matches (a higher number wins, as S3 orders priorities).
func (v *xReplication) targets(key string, tags []bucketTag) []xReplicationRule {
	rules := make([]xReplicationRule, 0, len(v.Rules))
	for _, r := range v.Rules {
		if r.Status == "Enabled" && r.matches(key, tags) {
			rules = append(rules, r)
		}
	}
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].priority() > rules[j].priority() })
	seen := map[string]bool{}
	out := rules[:0]
	for _, r := range rules {
		if !seen[r.Destination.Bucket] {
			seen[r.Destination.Bucket] = true
			out = append(out, r)
		}
	}
	return out
}

func (r *xReplicationRule) priority() int {
	if r.Priority == nil {
		return 0
	}
	return *r.Priority
}

// matches applies a rule's Prefix (V1) or Filter (V2) to a version.
func (r *xReplicationRule) matches(key string, tags []bucketTag) bool {
	if r.Filter == nil {
		return r.Prefix == nil || strings.HasPrefix(key, *r.Prefix)
	}
	f := r.Filter
	switch {
	case f.Prefix != nil:
		return strings.HasPrefix(key, *f.Prefix)
	case f.Tag != nil:
		return hasTag(tags, *f.Tag)
	case f.And != nil:
		if f.And.Prefix != nil && !strings.HasPrefix(key, *f.And.Prefix) {
			return false
		}
		for _, t := range f.And.Tags {
			if !hasTag(tags, t) {
				return false
			}
		}
	}
	return true
}

func hasTag(tags []bucketTag, t xTag) bool {
	for _, have := range tags {
		if t.Key != nil && t.Value != nil && have.Key == *t.Key && have.Value == *t.Value {
			return true
		}
	}
	return false
}

// setReplicationStatus replaces (or, with status "", removes) a version's
// stored replication status.
func setReplicationStatus(headers [][2]string, status string) [][2]string {
	if status == "" && !hasHeader(headers, replHeader) {
		return headers // the write path's common case: nothing to drop
	}
	out := make([][2]string, 0, len(headers)+1)
	for _, h := range headers {
		if h[0] != replHeader {
			out = append(out, h)
		}
	}
	if status != "" {
		out = append(out, [2]string{replHeader, status})
	}
	return out
}

// markReplication is called before a version is committed to b: a status
// the version carried (a copy of a replicated object) is dropped, and a
// version some enabled rule matches becomes PENDING. It reports whether
// the version is to be replicated once committed.
func markReplication(b *bucket, o *object) bool {
	o.headers = setReplicationStatus(o.headers, "")
	// SSE-KMS objects are replicated only when a rule opts in
	// (SourceSelectionCriteria), which seki does not act on: they are left
	// out, as S3 leaves them out by default.
	if b.replication == nil || b.versioning != versioningEnabled || hasHeader(o.headers, hSSEKeyID) || len(b.replication.targets(o.key, o.tags)) == 0 {
		return false
	}
	o.headers = setReplicationStatus(o.headers, replPending)
	return true
}

// replicateLater copies a committed version in the background.
func (s *Service) replicateLater(requestID string, o *object) {
	bucket, key, version := o.bucket, o.key, o.version
	s.replicating.Add(1)
	go func() {
		defer s.replicating.Done()
		s.replicate(context.Background(), requestID, bucket, key, version)
	}()
}

// replicate copies one version to the destinations of its bucket's rules
// and records the outcome on the source version.
func (s *Service) replicate(ctx context.Context, requestID, bucketName, key, version string) {
	status := replFailed
	defer func() {
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			return updateHeaders(tx, bucketName, key, version, func(h [][2]string) [][2]string { return setReplicationStatus(h, status) })
		}); err != nil {
			s.logReplication(requestID, bucketName, key, err)
		}
	}()
	b := s.lookup(bucketName)
	if b == nil || b.replication == nil || s.opts.Roles == nil || s.opts.Authz == nil {
		return
	}
	conf := b.replication
	caller, err := s.opts.Roles.RoleCaller(ctx, requestID, conf.Role, replSession)
	if err != nil {
		// AssumeRoleNotPermitted, in S3's replication failure reasons.
		s.logReplication(requestID, bucketName, key, err)
		return
	}
	r := &protocol.Request{ID: requestID, Service: "s3", Region: s.opts.Region, Caller: caller, Context: policy.NewContext(2), Now: s.now()}
	r.Bind(s.opts.Authz, errAccessDenied)
	src := &call{bucket: bucketName, key: key}
	t, err := s.target(r, src, objectARN(bucketName, key))
	if err != nil {
		s.logReplication(requestID, bucketName, key, err)
		return
	}
	r.Context.Set("s3:versionid", version)
	if err := r.Authorize(ctx, "s3:GetObjectVersionForReplication", t, nil); err != nil {
		s.logReplication(requestID, bucketName, key, err)
		return
	}
	o, err := s.readVersion(ctx, r, src.b, key, version, true)
	if err != nil {
		s.logReplication(requestID, bucketName, key, err)
		return
	}
	ok := true
	for _, rule := range conf.targets(o.key, o.tags) {
		if err := s.replicateTo(ctx, r, o, rule); err != nil {
			s.logReplication(requestID, bucketName, key, err)
			ok = false
		}
	}
	if ok {
		status = replCompleted
	}
}

// replicateTo writes o's replica to one rule's destination as the role.
func (s *Service) replicateTo(ctx context.Context, r *protocol.Request, o *object, rule xReplicationRule) error {
	dest := strings.TrimPrefix(rule.Destination.Bucket, "arn:aws:s3:::")
	dc := &call{bucket: dest, key: o.key}
	t, err := s.target(r, dc, objectARN(dest, o.key))
	if err != nil {
		// DstBucketNotFound.
		return err
	}
	r.Context.Delete("s3:versionid")
	if err := r.Authorize(ctx, "s3:ReplicateObject", t, nil); err != nil {
		return err
	}
	if len(o.tags) > 0 {
		if err := r.Authorize(ctx, "s3:ReplicateTags", t, nil); err != nil {
			return err
		}
	}
	if dc.b.versioning != versioningEnabled {
		// DstBucketUnversioned.
		return errInvalidRequest.New(msgDestinationNeedsVersioning)
	}
	replica := *o
	replica.id, replica.bucket, replica.latest, replica.blob, replica.data = 0, dest, true, "", nil
	replica.headers = setReplicationStatus(o.headers, replReplica)
	if sc := rule.Destination.StorageClass; sc != nil {
		replica.headers = setHeader(replica.headers, "X-Amz-Storage-Class", *sc)
	}
	body, err := s.content(o)
	if err != nil {
		return err
	}
	err = s.storeContent(&replica, body, o.size)
	body.Close()
	if err != nil {
		return err
	}
	var oldBlob string
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		// A version already replicated (a retry) is left as it is.
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM s3_objects WHERE bucket = ? AND key = ? AND version = ?`, dest, o.key, o.version).Scan(&n); err != nil || n > 0 {
			return err
		}
		cur, err := latestRow(tx, dest, o.key)
		if err != nil {
			return err
		}
		oldBlob, err = insertVersion(tx, &replica, cur)
		return err
	})
	if err != nil {
		s.removeBlobs([]string{replica.blob})
		return err
	}
	s.removeBlobs([]string{oldBlob})
	return nil
}

// setHeader replaces (or, for STANDARD storage, removes) a stored header.
func setHeader(headers [][2]string, name, value string) [][2]string {
	out := make([][2]string, 0, len(headers)+1)
	for _, h := range headers {
		if h[0] != name {
			out = append(out, h)
		}
	}
	if !(name == "X-Amz-Storage-Class" && value == "STANDARD") {
		out = append(out, [2]string{name, value})
	}
	return out
}

// updateHeaders rewrites one version's stored headers.
func updateHeaders(tx *store.Tx, bucket, key, version string, change func([][2]string) [][2]string) error {
	var raw sql.NullString
	err := tx.QueryRow(`SELECT headers FROM s3_objects WHERE bucket = ? AND key = ? AND version = ?`, bucket, key, version).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		// The version was deleted meanwhile: nothing to record.
		return nil
	}
	if err != nil {
		return err
	}
	_, err = tx.Exec(`UPDATE s3_objects SET headers = ? WHERE bucket = ? AND key = ? AND version = ?`, encodePairs(change(decodePairs(raw))), bucket, key, version)
	return err
}

func (s *Service) logReplication(requestID, bucket, key string, err error) {
	if s.opts.Logger != nil {
		s.opts.Logger.Warn("s3 replication failed", "request", requestID, "bucket", bucket, "key", key, "err", err)
	}
}

func hasHeader(headers [][2]string, name string) bool {
	for _, h := range headers {
		if h[0] == name {
			return true
		}
	}
	return false
}

// resumeReplication replicates the versions a previous run acknowledged but
// did not copy: those still PENDING. Their decisions are logged under a
// request id of their own, the write's being gone with that run.
func (s *Service) resumeReplication(ctx context.Context) error {
	type pending struct{ bucket, key, version string }
	var todo []pending
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		// The status is kept among the stored headers (a JSON list of
		// pairs); LIKE finds the candidates, the decoded pairs decide.
		rows, err := tx.Query(`SELECT bucket, key, version, headers FROM s3_objects WHERE headers LIKE '%' || ? || '%'`, replPending)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p pending
			var hs sql.NullString
			if err := rows.Scan(&p.bucket, &p.key, &p.version, &hs); err != nil {
				return err
			}
			for _, h := range decodePairs(hs) {
				if h[0] == replHeader && h[1] == replPending {
					todo = append(todo, p)
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, p := range todo {
		s.replicateLater(newRequestID(), &object{bucket: p.bucket, key: p.key, version: p.version})
	}
	return nil
}

// replicateMarkerLater replicates, in the background, the delete marker
// version that DeleteObject stacked on key in b, to the destinations of the
// matching rules that replicate delete markers.
func (s *Service) replicateMarkerLater(requestID string, b *bucket, key, version string) {
	conf := b.replication
	if conf == nil || b.versioning != versioningEnabled {
		return
	}
	var rules []xReplicationRule
	for _, r := range conf.targets(key, nil) {
		if r.DeleteMarkerReplication != nil && r.DeleteMarkerReplication.Status == "Enabled" {
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		return
	}
	s.replicating.Add(1)
	go func() {
		defer s.replicating.Done()
		ctx := context.Background()
		if err := s.replicateMarker(ctx, requestID, conf.Role, key, version, rules); err != nil {
			s.logReplication(requestID, b.name, key, err)
		}
	}()
}

// replicateMarker writes the marker to each destination as the role, each
// write decided at the door (s3:ReplicateDelete).
func (s *Service) replicateMarker(ctx context.Context, requestID, role, key, version string, rules []xReplicationRule) error {
	if s.opts.Roles == nil || s.opts.Authz == nil {
		return nil
	}
	caller, err := s.opts.Roles.RoleCaller(ctx, requestID, role, replSession)
	if err != nil {
		return err
	}
	r := &protocol.Request{ID: requestID, Service: "s3", Region: s.opts.Region, Caller: caller, Context: policy.NewContext(2), Now: s.now()}
	r.Bind(s.opts.Authz, errAccessDenied)
	var first error
	for _, rule := range rules {
		dest := strings.TrimPrefix(rule.Destination.Bucket, "arn:aws:s3:::")
		dc := &call{bucket: dest, key: key}
		t, err := s.target(r, dc, objectARN(dest, key))
		if err == nil {
			err = r.Authorize(ctx, "s3:ReplicateDelete", t, nil)
		}
		if err == nil && dc.b.versioning != versioningEnabled {
			err = errInvalidRequest.New(msgDestinationNeedsVersioning)
		}
		if err == nil {
			m := &object{bucket: dest, key: key, owner: caller.Principal.Account, marker: true, version: version,
				modified: r.Now.UTC().Truncate(time.Millisecond)}
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				var n int
				if err := tx.QueryRow(`SELECT COUNT(*) FROM s3_objects WHERE bucket = ? AND key = ? AND version = ?`, dest, key, version).Scan(&n); err != nil || n > 0 {
					return err
				}
				cur, err := latestRow(tx, dest, key)
				if err != nil {
					return err
				}
				_, err = insertVersion(tx, m, cur)
				return err
			})
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}
