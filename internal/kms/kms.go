// Package kms is seki's AWS Key Management Service: symmetric encryption
// keys over the JSON 1.1 protocol (target prefix TrentService, signing
// name kms), with aliases, key policies, key states and the cryptographic
// operations S3's SSE-KMS and clients use, and AWS managed keys
// (alias/aws/s3, ...) made on first use.
//
// Each key has a 256-bit secret kept in the store; Encrypt, Decrypt,
// GenerateDataKey and ReEncrypt are real AES-256-GCM under it, with the
// encryption context bound as additional data (blob.go).
//
// Authorization is AWS's for KMS: every operation on a key goes through
// the one door with the key policy as the resource policy, parsed as a
// policy.Key, so that the key policy must allow the caller or the
// caller's account before an identity policy counts
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
//
// Keys and aliases are kept in memory, each replaced as a whole on a
// change after the store's commit, so that authorizing and encrypting read
// no rows.
package kms

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Wire constants of KMS's JSON 1.1 protocol.
const (
	TargetPrefix = "TrentService"
	ContentType  = "application/x-amz-json-1.1"
)

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service is the KMS service. It is safe for concurrent use.
type Service struct {
	db  *store.DB
	now func() time.Time

	// wmu serializes the read-modify-write of keys and aliases.
	wmu     sync.Mutex
	mu      sync.RWMutex
	keys    map[keyRef]*key
	aliases map[aliasRef]*alias
}

type keyRef struct{ account, region, id string }
type aliasRef struct{ account, region, name string }

// key is one KMS key as stored. A *key is never changed once published:
// a change replaces it.
type key struct {
	account, region, id string
	created             time.Time
	description         string
	usage, spec         string
	state               string
	deletion            time.Time // when PendingDeletion
	pendingDays         int
	manager, origin     string
	policyDoc           string
	policy              *policy.Policy
	secret              []byte
	tags                []tag
}

type tag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

type alias struct {
	account, region, name, target string
	created, updated              time.Time
}

func (k *key) arn() string { return keyARN(k.account, k.region, k.id) }

func keyARN(account, region, id string) string {
	return "arn:aws:kms:" + region + ":" + account + ":key/" + id
}

func aliasARN(account, region, name string) string {
	return "arn:aws:kms:" + region + ":" + account + ":" + name
}

// materialID names the key's material (CurrentKeyMaterialId).
func (k *key) materialID() string {
	sum := sha256.Sum256(k.secret)
	return hex.EncodeToString(sum[:])
}

func (k *key) clone() *key { c := *k; return &c }

// New returns the service over db (opened with Migrations); Start loads
// the keys it holds.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, now: opts.Now, keys: map[keyRef]*key{}, aliases: map[aliasRef]*alias{}}
}

// Migrations returns the schema of keys and aliases.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "kms", Version: 1, SQL: `
CREATE TABLE kms_keys (
	account      TEXT    NOT NULL,
	region       TEXT    NOT NULL,
	id           TEXT    NOT NULL,
	created      INTEGER NOT NULL,
	description  TEXT    NOT NULL,
	usage        TEXT    NOT NULL,
	spec         TEXT    NOT NULL,
	state        TEXT    NOT NULL,
	deletion     INTEGER NOT NULL DEFAULT 0,
	pending_days INTEGER NOT NULL DEFAULT 0,
	manager      TEXT    NOT NULL,
	origin       TEXT    NOT NULL,
	policy       TEXT    NOT NULL,
	secret       BLOB    NOT NULL,
	tags         TEXT    NOT NULL,
	PRIMARY KEY (account, region, id)
) WITHOUT ROWID;
CREATE TABLE kms_aliases (
	account TEXT    NOT NULL,
	region  TEXT    NOT NULL,
	name    TEXT    NOT NULL,
	key_id  TEXT    NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	PRIMARY KEY (account, region, name)
) WITHOUT ROWID;
`}}
}

// Start loads keys and aliases.
func (s *Service) Start(ctx context.Context) error {
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT account, region, id, created, description, usage, spec, state, deletion, pending_days, manager, origin, policy, secret, tags FROM kms_keys`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			k := &key{}
			var created, deletion int64
			var tags string
			if err := rows.Scan(&k.account, &k.region, &k.id, &created, &k.description, &k.usage, &k.spec, &k.state, &deletion,
				&k.pendingDays, &k.manager, &k.origin, &k.policyDoc, &k.secret, &tags); err != nil {
				return err
			}
			k.created = time.UnixMilli(created).UTC()
			if deletion != 0 {
				k.deletion = time.UnixMilli(deletion).UTC()
			}
			// A stored policy was valid when set; a parser grown stricter
			// since leaves the key with none (only its account's root
			// user's identity, as any principal's, then decides nothing).
			k.policy, _ = policy.Parse([]byte(k.policyDoc), policy.Key)
			if err := json.Unmarshal([]byte(tags), &k.tags); err != nil {
				return err
			}
			s.keys[keyRef{k.account, k.region, k.id}] = k
		}
		if err := rows.Err(); err != nil {
			return err
		}
		arows, err := tx.Query(`SELECT account, region, name, key_id, created, updated FROM kms_aliases`)
		if err != nil {
			return err
		}
		defer arows.Close()
		for arows.Next() {
			a := &alias{}
			var created, updated int64
			if err := arows.Scan(&a.account, &a.region, &a.name, &a.target, &created, &updated); err != nil {
				return err
			}
			a.created, a.updated = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
			s.aliases[aliasRef{a.account, a.region, a.name}] = a
		}
		return arows.Err()
	})
	if err != nil {
		return fmt.Errorf("kms: loading keys: %w", err)
	}
	return nil
}

// Stop has nothing to stop.
func (s *Service) Stop(ctx context.Context) error { return nil }

// Handler returns KMS's endpoint, dispatching through d (whose Deny should
// be AccessDenied).
func (s *Service) Handler(d protocol.Dispatcher) *protocol.JSON {
	return &protocol.JSON{
		Dispatcher:   d,
		TargetPrefix: TargetPrefix,
		ContentType:  ContentType,
		Ops:          protocol.Table(s.ops()...),
	}
}

// putKey stores k (a new or changed key) and publishes it.
func (s *Service) putKey(ctx context.Context, k *key) error {
	tags, err := json.Marshal(k.tags)
	if err != nil {
		return err
	}
	if k.tags == nil {
		tags = []byte("[]")
	}
	var deletion int64
	if !k.deletion.IsZero() {
		deletion = k.deletion.UnixMilli()
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO kms_keys(account, region, id, created, description, usage, spec, state, deletion, pending_days, manager, origin, policy, secret, tags)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (account, region, id) DO UPDATE SET description = excluded.description, state = excluded.state,
	deletion = excluded.deletion, pending_days = excluded.pending_days, policy = excluded.policy, tags = excluded.tags`,
			k.account, k.region, k.id, k.created.UnixMilli(), k.description, k.usage, k.spec, k.state, deletion, k.pendingDays,
			k.manager, k.origin, k.policyDoc, k.secret, string(tags))
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.keys[keyRef{k.account, k.region, k.id}] = k
	s.mu.Unlock()
	return nil
}

// putAlias stores a (new or retargeted); drop deletes it instead.
func (s *Service) putAlias(ctx context.Context, a *alias, drop bool) error {
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		if drop {
			_, err := tx.Exec(`DELETE FROM kms_aliases WHERE account = ? AND region = ? AND name = ?`, a.account, a.region, a.name)
			return err
		}
		_, err := tx.Exec(`INSERT INTO kms_aliases(account, region, name, key_id, created, updated) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (account, region, name) DO UPDATE SET key_id = excluded.key_id, updated = excluded.updated`,
			a.account, a.region, a.name, a.target, a.created.UnixMilli(), a.updated.UnixMilli())
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	if drop {
		delete(s.aliases, aliasRef{a.account, a.region, a.name})
	} else {
		s.aliases[aliasRef{a.account, a.region, a.name}] = a
	}
	s.mu.Unlock()
	return nil
}

func (s *Service) keyByID(account, region, id string) *key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys[keyRef{account, region, id}]
}

func (s *Service) aliasByName(account, region, name string) *alias {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.aliases[aliasRef{account, region, name}]
}

// defaultPolicy is the key policy KMS writes when CreateKey names none:
// the account may use IAM policies to allow every KMS action on the key.
// source: doc https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func defaultPolicy(account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

// managedServices are the services whose AWS managed key seki makes on
// first use (alias/aws/SERVICE), with the key's description.
var managedServices = map[string]string{
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketEncryption::test_s3_bucket_encryption_sse_kms_aws_managed_key
	"s3": "Default key that protects my S3 objects when no other key is defined",
	// source: unconfirmed the description pattern of AWS managed keys, as the recorded aws/s3 key shows it
	"lambda": "Default key that protects my Lambda functions when no other key is defined",
	// source: unconfirmed the description pattern of AWS managed keys, as the recorded aws/s3 key shows it
	"sqs": "Default key that protects my SQS messages when no other key is defined",
	// source: unconfirmed the description pattern of AWS managed keys, as the recorded aws/s3 key shows it
	"sns": "Default key that protects my SNS data when no other key is defined",
	// source: unconfirmed the description pattern of AWS managed keys, as the recorded aws/s3 key shows it
	"dynamodb": "Default key that protects my DynamoDB data when no other key is defined",
	// source: unconfirmed the description pattern of AWS managed keys, as the recorded aws/s3 key shows it
	"logs": "Default key that protects my CloudWatch Logs data when no other key is defined",
}

// managedPolicy is an AWS managed key's policy: every principal of the
// account may use the key through the service, and the account may read
// its metadata directly (the documented shape of AWS managed key
// policies, https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key).
func managedPolicy(account, region, service string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "auto-` + service + `-2",
  "Statement" : [ {
    "Sid" : "Allow access through ` + service + ` for all principals in the account that are authorized to use ` + service + `",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + account + `",
        "kms:ViaService" : "` + service + `.` + region + `.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
}`
}

// newKey makes a key (not yet stored).
func (s *Service) newKey(account, region, description, manager, doc string) (*key, error) {
	p, err := policy.Parse([]byte(doc), policy.Key)
	if err != nil {
		return nil, errMalformedPolicy.New(err.Error())
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	return &key{account: account, region: region, id: protocol.NewUUID(), created: s.now().UTC().Truncate(time.Millisecond),
		description: description, usage: "ENCRYPT_DECRYPT", spec: "SYMMETRIC_DEFAULT", state: "Enabled",
		manager: manager, origin: "AWS_KMS", policyDoc: doc, policy: p, secret: secret}, nil
}

// managedKey returns the AWS managed key of alias/aws/SERVICE, making it
// (and its alias) on first use; nil when SERVICE has none.
func (s *Service) managedKey(ctx context.Context, account, region, name string) (*key, error) {
	service, ok := strings.CutPrefix(name, "alias/aws/")
	desc, known := managedServices[service]
	if !ok || !known {
		return nil, nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if a := s.aliasByName(account, region, name); a != nil {
		return s.keyByID(account, region, a.target), nil
	}
	k, err := s.newKey(account, region, desc, "AWS", managedPolicy(account, region, service))
	if err != nil {
		return nil, err
	}
	if err := s.putKey(ctx, k); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if err := s.putAlias(ctx, &alias{account: account, region: region, name: name, target: k.id, created: now, updated: now}, false); err != nil {
		return nil, err
	}
	return k, nil
}

// parsedARN is a KMS ARN's parts.
type parsedARN struct {
	region, account, resource string
}

// parseKeyARN splits arn:PARTITION:kms:REGION:ACCOUNT:RESOURCE.
func parseKeyARN(s string) (parsedARN, bool) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[2] != "kms" || p[3] == "" || p[4] == "" || p[5] == "" {
		return parsedARN{}, false
	}
	return parsedARN{region: p[3], account: p[4], resource: p[5]}, true
}

// validKeyID reports whether id has a key id's form: a UUID, or mrk-
// and 32 hex digits (a multi-Region key).
func validKeyID(id string) bool {
	if rest, ok := strings.CutPrefix(id, "mrk-"); ok {
		return len(rest) == 32 && isHex(rest)
	}
	if len(id) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := id[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !isHexByte(c) {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// ref is a KeyId as a request gives it, resolved as far as naming goes.
type ref struct {
	account, region string
	id              string // the key id, when the ref names a key
	alias           string // alias/NAME, when it names an alias
	err             error  // why it names nothing
}

// parseRef reads a KeyId (key id, key ARN, alias name or alias ARN) given
// in account and region.
func parseRef(account, region, s string) ref {
	r := ref{account: account, region: region}
	switch {
	case strings.HasPrefix(s, "arn:"):
		a, ok := parseKeyARN(s)
		if !ok {
			r.err = ErrNotFound.Errorf(msgInvalidKeyID, s)
			return r
		}
		if a.region != region {
			r.err = ErrNotFound.Errorf(msgInvalidArnRegion, a.region)
			return r
		}
		r.account = a.account
		if id, ok := strings.CutPrefix(a.resource, "key/"); ok && validKeyID(id) {
			r.id = id
		} else if strings.HasPrefix(a.resource, "alias/") {
			r.alias = a.resource
		} else {
			r.err = ErrNotFound.Errorf(msgInvalidKeyID, s)
		}
	case strings.HasPrefix(s, "alias/"):
		r.alias = s
	case validKeyID(s):
		r.id = s
	default:
		r.err = ErrNotFound.Errorf(msgInvalidKeyID, s)
	}
	return r
}

// find returns the key r names, nil when there is none (no key made).
func (s *Service) find(r ref) *key {
	if r.err != nil {
		return nil
	}
	id := r.id
	if r.alias != "" {
		a := s.aliasByName(r.account, r.region, r.alias)
		if a == nil {
			return nil
		}
		id = a.target
	}
	return s.keyByID(r.account, r.region, id)
}

// resolve returns the key r names, making an AWS managed key on its first
// use, or KMS's NotFoundException.
func (s *Service) resolve(ctx context.Context, r ref) (*key, error) {
	if r.err != nil {
		return nil, r.err
	}
	if k := s.find(r); k != nil {
		return k, nil
	}
	if r.alias != "" {
		k, err := s.managedKey(ctx, r.account, r.region, r.alias)
		if err != nil || k != nil {
			return k, err
		}
		return nil, ErrNotFound.Errorf(msgAliasNotFound, aliasARN(r.account, r.region, r.alias))
	}
	return nil, ErrNotFound.Errorf(msgKeyNotFound, keyARN(r.account, r.region, r.id))
}

// resource is what a request naming r is authorized on: the key's ARN and
// policy when it exists, else the ARN the request names.
func (s *Service) resource(r ref) protocol.Target {
	if k := s.find(r); k != nil {
		return protocol.Target{Resource: k.arn(), Account: k.account, Policy: k.policy}
	}
	switch {
	case r.err != nil:
		return protocol.Target{Resource: keyARN(r.account, r.region, "*"), Account: r.account}
	case r.alias != "":
		return protocol.Target{Resource: aliasARN(r.account, r.region, r.alias), Account: r.account}
	}
	return protocol.Target{Resource: keyARN(r.account, r.region, r.id), Account: r.account}
}

// usable reports why k cannot encrypt or decrypt now, nil when it can.
func usable(k *key) error {
	switch k.state {
	case "Disabled":
		return ErrDisabled.Errorf(msgDisabled, k.arn())
	case "PendingDeletion":
		return ErrInvalidState.Errorf(msgPendingDeletion, k.arn())
	}
	return nil
}

// sortedKeys lists the keys of account and region by id.
func (s *Service) sortedKeys(account, region string) []*key {
	s.mu.RLock()
	var out []*key
	for r, k := range s.keys {
		if r.account == account && r.region == region {
			out = append(out, k)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// sortedAliases lists the aliases of account and region by name.
func (s *Service) sortedAliases(account, region string) []*alias {
	s.mu.RLock()
	var out []*alias
	for r, a := range s.aliases {
		if r.account == account && r.region == region {
			out = append(out, a)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
