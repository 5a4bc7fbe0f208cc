// Package ecr is seki's Amazon ECR, the part a Lambda container-image
// function needs: private repositories (with their repository policies,
// judged by the door as resource policies), and image manifests pushed
// with PutImage, named by tag and by digest (sha256 of the manifest's
// bytes, as the registry computes it), over the JSON 1.1 protocol (target
// prefix AmazonEC2ContainerRegistry_V20150921, signing name ecr).
//
// There is no Docker registry HTTP API (/v2/…): layers are not uploaded or
// served, so a pushed manifest's layers are taken on trust and an image
// cannot be pulled by docker. Lambda resolves an ImageUri through Image
// (access.go), authorized as its caller.
package ecr

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// TargetPrefix is the X-Amz-Target prefix of ECR's operations.
const TargetPrefix = "AmazonEC2ContainerRegistry_V20150921"

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Authz is the door, for the checks Image makes outside a request.
	Authz protocol.Authorizer
	// Principals binds the users and roles repository policies name to
	// their unique ids; nil keeps policies as written.
	Principals authz.Principals
}

// Service is ECR. It is safe for concurrent use.
type Service struct {
	db   *store.DB
	now  func() time.Time
	opts Options

	mu    sync.RWMutex
	repos map[string]*repo // by ARN
	// writeMu serializes the writes (a repository and its images).
	writeMu sync.Mutex
}

// repo is an immutable snapshot of a repository; writers replace it.
type repo struct {
	arn, account, region, name string
	created                    int64 // UnixNano
	mutability                 string
	scanOnPush                 bool
	encryption, kmsKey         string
	tags                       []tag
	policyDoc                  string         // as stored: principals bound to unique ids
	policy                     *policy.Policy // compiled policyDoc; nil without one
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Migrations are ECR's tables. Images are named by digest; tags point at
// them, one digest per tag.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "ecr", Version: 1, SQL: `
CREATE TABLE ecr_repositories (
	arn          TEXT PRIMARY KEY,
	account      TEXT NOT NULL,
	region       TEXT NOT NULL,
	name         TEXT NOT NULL,
	created      INTEGER NOT NULL,
	mutability   TEXT NOT NULL,
	scan_on_push INTEGER NOT NULL,
	encryption   TEXT NOT NULL,
	kms_key      TEXT NOT NULL,
	tags         TEXT NOT NULL,
	policy       TEXT NOT NULL
);
CREATE TABLE ecr_images (
	repo       TEXT NOT NULL,
	digest     TEXT NOT NULL,
	manifest   TEXT NOT NULL,
	media_type TEXT NOT NULL,
	size       INTEGER NOT NULL,
	pushed     INTEGER NOT NULL,
	PRIMARY KEY (repo, digest)
) WITHOUT ROWID;
CREATE TABLE ecr_tags (
	repo   TEXT NOT NULL,
	tag    TEXT NOT NULL,
	digest TEXT NOT NULL,
	PRIMARY KEY (repo, tag)
) WITHOUT ROWID;
CREATE INDEX ecr_tags_digest ON ecr_tags (repo, digest);
`}}
}

// New returns the service over db (opened with Migrations). Start loads
// the repositories.
func New(db *store.DB, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now, opts: opts, repos: map[string]*repo{}}
}

// Start loads the repositories and compiles their policies.
func (s *Service) Start(ctx context.Context) error {
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT arn, account, region, name, created, mutability, scan_on_push, encryption, kms_key, tags, policy FROM ecr_repositories`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &repo{}
			var tags string
			if err := rows.Scan(&r.arn, &r.account, &r.region, &r.name, &r.created, &r.mutability, &r.scanOnPush, &r.encryption, &r.kmsKey, &tags, &r.policyDoc); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(tags), &r.tags); err != nil {
				return err
			}
			if r.policyDoc != "" {
				if r.policy, err = parsePolicy(r.arn, r.policyDoc); err != nil {
					return fmt.Errorf("repository %s: %w", r.arn, err)
				}
			}
			s.repos[r.arn] = r
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("ecr: loading repositories: %w", err)
	}
	return nil
}

// Stop has nothing to stop: ECR runs nothing in the background.
func (s *Service) Stop(context.Context) error { return nil }

// Handler returns the ECR JSON 1.1 endpoint, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *protocol.JSON {
	ops := protocol.Table(
		s.createRepositoryOp(), s.describeRepositoriesOp(), s.deleteRepositoryOp(),
		s.putImageOp(), s.batchGetImageOp(), s.describeImagesOp(), s.listImagesOp(), s.batchDeleteImageOp(),
		s.setPolicyOp(), s.getPolicyOp(), s.deletePolicyOp(),
	)
	return &protocol.JSON{Dispatcher: d, TargetPrefix: TargetPrefix, ContentType: "application/x-amz-json-1.1", Ops: ops}
}

// repoRef is a repository named by an operation: its name, in the
// registry (account) registryId names or the caller's.
type repoRef struct {
	arn, account, region, name string
}

func repoARN(region, account, name string) string {
	return "arn:aws:ecr:" + region + ":" + account + ":repository/" + name
}

// URI is a repository's URI, as Lambda's ImageUri names it.
func URI(region, account, name string) string {
	return account + ".dkr.ecr." + region + ".amazonaws.com/" + name
}

// The model's RepositoryName pattern and RegistryId pattern.
var (
	repoNamePattern = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$`)
	registryPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// parseRef checks a repository name (and registry id) as ECR does.
func parseRef(region, caller, registryID, name string) (repoRef, error) {
	account := caller
	if registryID != "" {
		if !registryPattern.MatchString(registryID) {
			return repoRef{}, errInvalidParameter.New(msgRegistryID)
		}
		account = registryID
	}
	if name == "" {
		return repoRef{}, errValidation.Errorf(msgRequiredFmt, "repositoryName")
	}
	if len(name) < 2 || len(name) > 256 {
		return repoRef{}, errInvalidParameter.New(msgRepoNameLength)
	}
	if !repoNamePattern.MatchString(name) {
		return repoRef{}, errInvalidParameter.New(msgRepoNamePattern)
	}
	return repoRef{arn: repoARN(region, account, name), account: account, region: region, name: name}, nil
}

func (s *Service) repo(ref repoRef) *repo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.repos[ref.arn]
}

// existing is the repository ref names, or RepositoryNotFoundException.
func (s *Service) existing(ref repoRef) (*repo, error) {
	if r := s.repo(ref); r != nil {
		return r, nil
	}
	return nil, errRepoNotFound.Errorf(msgRepoNotFoundFmt, ref.name, ref.account)
}

// target names a repository for the door: its ARN, its account, and its
// policy as the resource policy. A repository that is not there is not an
// error here: the door decides first.
func (s *Service) target(ref repoRef) protocol.Target {
	t := protocol.Target{Resource: ref.arn, Account: ref.account}
	if r := s.repo(ref); r != nil && r.policy != nil {
		t.Policy = r.policy
	}
	return t
}

// parsePolicy compiles a repository policy. Its statements name no
// Resource (the repository is implied, as ECR's documentation's examples
// show), so the compiled copy gets the repository's ARN where a statement
// has neither Resource nor NotResource; the stored text stays as given.
func parsePolicy(arn, doc string) (*policy.Policy, error) {
	var d map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &d); err == nil {
		var one map[string]any
		var many []map[string]any
		switch {
		case json.Unmarshal(d["Statement"], &many) == nil:
		case json.Unmarshal(d["Statement"], &one) == nil && one != nil:
			many = []map[string]any{one}
		}
		for _, st := range many {
			if st == nil {
				continue // not a statement: Parse says so
			}
			if _, ok := st["Resource"]; !ok && st["NotResource"] == nil {
				st["Resource"] = arn
			}
		}
		if many != nil {
			d["Statement"], _ = json.Marshal(many)
			b, _ := json.Marshal(d)
			doc = string(b)
		}
	}
	p, err := policy.Parse([]byte(doc), policy.Resource)
	if err != nil {
		return nil, err
	}
	p.Name = "repository policy"
	return p, nil
}

// epoch is a JSON protocol timestamp: seconds since the epoch.
func epoch(nanos int64) float64 {
	return float64(nanos/1e6) / 1e3
}
