package s3

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// maxPolicySize is S3's bucket policy limit: 20 KB.
const maxPolicySize = 20 << 10

// ownerBucket is the bucket of a bucket policy operation, which the door
// has allowed. Only the owner's account may manage the policy: a caller
// from another account that is allowed still gets 405 MethodNotAllowed,
// as AWS documents. (The owner's root user is always allowed these
// operations, whatever the policy says; that rule is the door's.)
func ownerBucket(r *protocol.Request, c *call) (*bucket, error) {
	if r.Caller.Principal.Account != c.b.account {
		return nil, methodNotAllowed(r.HTTP.Method, "BUCKET")
	}
	return c.b, nil
}

func (s *Service) getBucketPolicy(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := ownerBucket(r, c)
	if err != nil {
		return nil, err
	}
	if b.policyDoc == nil {
		return nil, errNoSuchBucketPolicy.New(msgTheBucketPolicyDoes).With("BucketName", b.name)
	}
	doc, err := authz.ShowPrincipals(ctx, s.opts.Principals, string(b.policyDoc))
	if err != nil {
		return nil, err
	}
	return rawJSON(doc), nil
}

// rawJSON answers with the policy document exactly as it was put.
type rawJSON []byte

func (j rawJSON) Respond(w http.ResponseWriter, r *protocol.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(j)))
	w.WriteHeader(http.StatusOK)
	w.Write(j)
}

func (s *Service) putBucketPolicy(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := ownerBucket(r, c)
	if err != nil {
		return nil, err
	}
	doc, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	if _, err := parseBucketPolicy(doc, c.bucket); err != nil {
		return nil, err
	}
	// Stored, and judged, bound to the principals' unique ids.
	bound, err := authz.BindPrincipals(ctx, s.opts.Principals, string(doc))
	if err != nil {
		return nil, err
	}
	doc = []byte(bound)
	p, err := parseBucketPolicy(doc, c.bucket)
	if err != nil {
		return nil, err
	}
	public := isPublicPolicy(doc)
	if public && b.pab != nil && b.pab.BlockPublicPolicy {
		return nil, blockedPublicPolicy(r, b.name)
	}
	if err := s.updateBucket(ctx, c.bucket, func(tx *store.Tx, b *bucket) error {
		b.policyDoc, b.policy, b.policyPublic = doc, p, public
		_, err := tx.Exec(`UPDATE s3_buckets SET policy = ? WHERE name = ?`, doc, b.name)
		return err
	}); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

func (s *Service) deleteBucketPolicy(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	if _, err := ownerBucket(r, c); err != nil {
		return nil, err
	}
	if err := s.updateBucket(ctx, c.bucket, func(tx *store.Tx, b *bucket) error {
		b.policyDoc, b.policy, b.policyPublic = nil, nil, false
		_, err := tx.Exec(`UPDATE s3_buckets SET policy = NULL WHERE name = ?`, b.name)
		return err
	}); err != nil {
		return nil, err
	}
	return noContent{}, nil
}

// updateBucket changes a bucket's configuration in the store and then in
// the cache, under writeMu so that the two agree.
func (s *Service) updateBucket(ctx context.Context, name string, fn func(tx *store.Tx, b *bucket) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	cur := s.lookup(name)
	if cur == nil {
		return noSuchBucket(name)
	}
	next := cur.clone()
	if err := s.db.Write(ctx, func(tx *store.Tx) error { return fn(tx, next) }); err != nil {
		return err
	}
	s.setBucket(name, next)
	return nil
}

func malformedPolicy(msg string) *awserr.Error { return errMalformedPolicy.New(msg) }

// parseBucketPolicy validates a bucket policy as S3 does, with S3's
// MalformedPolicy messages, and compiles it.
func parseBucketPolicy(doc []byte, bucketName string) (*policy.Policy, error) {
	if len(doc) > maxPolicySize {
		return nil, malformedPolicy("Policies must be less than 20 KB")
	}
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, malformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, malformedPolicy("This policy contains invalid Json")
	}
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, malformedPolicy("Unknown field " + k)
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformedPolicy("Missing required field Statement")
	}
	var stmts []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &stmts); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, malformedPolicy("This policy contains invalid Json")
		}
		stmts = append(stmts, one)
	}
	if len(stmts) == 0 {
		return nil, malformedPolicy("Could not parse the policy: Statement is empty!")
	}
	for _, st := range stmts {
		if err := checkStatement(st, bucketName); err != nil {
			return nil, err
		}
	}
	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		var se *policy.SyntaxError
		if errors.As(err, &se) {
			return nil, malformedPolicy(s3PolicyMessage(se.Message))
		}
		return nil, malformedPolicy("This policy contains invalid Json")
	}
	p.Name = "bucket policy"
	return p, nil
}

// s3PolicyMessage turns the engine's IAM-style message into S3's wording
// where S3's differs.
func s3PolicyMessage(m string) string {
	switch {
	case strings.HasPrefix(m, "Invalid principal in policy"):
		return "Invalid principal in policy"
	case strings.HasPrefix(m, "Resource ") && strings.HasSuffix(m, "must be in ARN format or \"*\"."):
		return "Policy has invalid resource"
	case strings.Contains(m, "prefaced by a vendor") || strings.Contains(m, "only one colon") || strings.HasPrefix(m, "Vendor "):
		return "Policy has invalid action"
	case m == "Syntax errors in policy.":
		return "This policy contains invalid Json"
	case strings.HasPrefix(m, "Missing required field Principal"):
		return "Missing required field Principal"
	}
	return m
}

func checkStatement(st map[string]json.RawMessage, bucketName string) error {
	for k := range st {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition":
		default:
			return malformedPolicy("Unknown field " + k)
		}
	}
	effect, ok := st["Effect"]
	if !ok {
		return malformedPolicy("Missing required field Effect")
	}
	var e string
	if json.Unmarshal(effect, &e) != nil || (e != "Allow" && e != "Deny") {
		return malformedPolicy("Invalid effect: " + strings.Trim(string(effect), `"`))
	}
	if _, ok := st["Principal"]; !ok {
		if _, ok := st["NotPrincipal"]; !ok {
			return malformedPolicy("Missing required field Principal")
		}
	}
	actions, negActions, err := stringList(st, "Action", "NotAction")
	if err != nil {
		return err
	}
	if actions == nil && negActions == nil {
		return malformedPolicy("Missing required field Action")
	}
	resources, negResources, err := stringList(st, "Resource", "NotResource")
	if err != nil {
		return err
	}
	if resources == nil && negResources == nil {
		return malformedPolicy("Missing required field Resource")
	}
	kinds := 0 // bit 1: a bucket resource, bit 2: an object resource
	for _, res := range append(append([]string(nil), resources...), negResources...) {
		k, ok := resourceKind(res, bucketName)
		if !ok {
			return malformedPolicy("Policy has invalid resource")
		}
		kinds |= k
	}
	if negResources != nil {
		// NotResource covers everything else, both kinds.
		kinds = kindBucket | kindObject
	}
	applies := negActions != nil
	for _, a := range actions {
		k, ok := actionKinds(a)
		if !ok {
			return malformedPolicy("Policy has invalid action")
		}
		if k&kinds != 0 {
			applies = true
		}
	}
	for _, a := range negActions {
		if _, ok := actionKinds(a); !ok {
			return malformedPolicy("Policy has invalid action")
		}
	}
	if !applies {
		return malformedPolicy("Action does not apply to any resource(s) in statement")
	}
	return nil
}

// stringList reads a string-or-array member and its negated form.
func stringList(st map[string]json.RawMessage, name, neg string) ([]string, []string, error) {
	read := func(k string) ([]string, error) {
		raw, ok := st[k]
		if !ok {
			return nil, nil
		}
		var one string
		if json.Unmarshal(raw, &one) == nil {
			return []string{one}, nil
		}
		var many []string
		if json.Unmarshal(raw, &many) != nil {
			return nil, malformedPolicy("This policy contains invalid Json")
		}
		if many == nil {
			many = []string{}
		}
		return many, nil
	}
	a, err := read(name)
	if err != nil {
		return nil, nil, err
	}
	b, err := read(neg)
	return a, b, err
}

const (
	kindBucket = 1 << iota
	kindObject
	kindAccount
)

// resourceKind says whether res names this bucket (kindBucket) or objects in
// it (kindObject). A bucket policy may only name its own bucket.
func resourceKind(res, bucketName string) (int, bool) {
	rest, ok := strings.CutPrefix(res, "arn:aws:s3:::")
	if !ok || rest == "" {
		return 0, false
	}
	b, _, hasKey := strings.Cut(rest, "/")
	if matched, err := path.Match(globToPath(b), bucketName); err != nil || !matched {
		return 0, false
	}
	if hasKey {
		return kindObject, true
	}
	if strings.Contains(b, "*") {
		// "arn:aws:s3:::bucket*" also covers that bucket's objects.
		return kindBucket | kindObject, true
	}
	return kindBucket, true
}

// globToPath makes an IAM wildcard usable with path.Match (which would
// treat [ and \ specially).
func globToPath(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`)
	return r.Replace(p)
}

// actionKinds returns which resource kinds an action (possibly with
// wildcards) applies to, or false when it names no S3 action.
func actionKinds(a string) (int, bool) {
	if a == "*" {
		return kindBucket | kindObject | kindAccount, true
	}
	vendor, name, ok := strings.Cut(a, ":")
	if !ok || !strings.EqualFold(vendor, "s3") || name == "" {
		return 0, false
	}
	if !strings.ContainsAny(name, "*?") {
		k, ok := s3Actions[strings.ToLower(name)]
		return k, ok
	}
	pat := strings.ToLower(globToPath(name))
	kinds, found := 0, false
	for n, k := range s3Actions {
		if m, _ := path.Match(pat, n); m {
			kinds |= k
			found = true
		}
	}
	return kinds, found
}

// s3Actions are S3's actions (lower case) and the resource kinds each
// applies to, from the Service Authorization Reference.
var s3Actions = func() map[string]int {
	m := map[string]int{}
	add := func(kind int, names ...string) {
		for _, n := range names {
			m[strings.ToLower(n)] |= kind
		}
	}
	add(kindObject,
		"AbortMultipartUpload", "BypassGovernanceRetention", "DeleteObject", "DeleteObjectTagging",
		"DeleteObjectVersion", "DeleteObjectVersionTagging", "GetObject", "GetObjectAcl",
		"GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention", "GetObjectTagging",
		"GetObjectTorrent", "GetObjectVersion", "GetObjectVersionAcl", "GetObjectVersionAttributes",
		"GetObjectVersionForReplication", "GetObjectVersionTagging", "GetObjectVersionTorrent",
		"InitiateReplication", "ListMultipartUploadParts", "ObjectOwnerOverrideToBucketOwner",
		"PutObject", "PutObjectAcl", "PutObjectLegalHold", "PutObjectRetention", "PutObjectTagging",
		"PutObjectVersionAcl", "PutObjectVersionTagging", "ReplicateDelete", "ReplicateObject",
		"ReplicateTags", "RestoreObject", "RenameObject")
	add(kindBucket,
		"CreateBucket", "DeleteBucket", "DeleteBucketOwnershipControls", "DeleteBucketPolicy",
		"DeleteBucketWebsite", "GetAccelerateConfiguration", "GetAnalyticsConfiguration",
		"GetBucketAcl", "GetBucketCORS", "GetBucketLocation", "GetBucketLogging",
		"GetBucketNotification", "GetBucketObjectLockConfiguration", "GetBucketOwnershipControls",
		"GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketPublicAccessBlock",
		"GetBucketRequestPayment", "GetBucketTagging", "GetBucketVersioning", "GetBucketWebsite",
		"GetEncryptionConfiguration", "GetIntelligentTieringConfiguration",
		"GetInventoryConfiguration", "GetLifecycleConfiguration", "GetMetricsConfiguration",
		"GetReplicationConfiguration", "ListBucket", "ListBucketMultipartUploads",
		"ListBucketVersions", "PutAccelerateConfiguration", "PutAnalyticsConfiguration",
		"PutBucketAcl", "PutBucketCORS", "PutBucketLogging", "PutBucketNotification",
		"PutBucketObjectLockConfiguration", "PutBucketOwnershipControls", "PutBucketPolicy",
		"PutBucketPublicAccessBlock", "PutBucketRequestPayment", "PutBucketTagging",
		"PutBucketVersioning", "PutBucketWebsite", "PutEncryptionConfiguration",
		"PutIntelligentTieringConfiguration", "PutInventoryConfiguration",
		"PutLifecycleConfiguration", "PutMetricsConfiguration", "PutReplicationConfiguration",
		"GetBucketMetadataTableConfiguration", "CreateBucketMetadataTableConfiguration",
		"DeleteBucketMetadataTableConfiguration", "GetBucketAbac", "PutBucketAbac",
		"PutBucketMetadataTableConfiguration", "UpdateBucketMetadataInventoryTableConfiguration",
		"UpdateBucketMetadataJournalTableConfiguration")
	add(kindAccount,
		"ListAllMyBuckets", "GetAccountPublicAccessBlock", "PutAccountPublicAccessBlock",
		"CreateJob", "ListJobs", "ListAccessPoints", "ListAccessPointsForObjectLambda",
		"ListStorageLensConfigurations", "ListMultiRegionAccessPoints", "CreateAccessGrantsInstance",
		"ListAccessGrantsInstances", "ListStorageLensGroups", "ListCallerAccessGrants",
		"PutStorageLensConfiguration", "GetStorageLensConfiguration")
	return m
}()
