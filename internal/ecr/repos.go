package ecr

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sort"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// input is the members of the operations on one repository (botocore's
// ecr model; each operation reads its own).
type input struct {
	RegistryID                 string    `json:"registryId"`
	RepositoryName             string    `json:"repositoryName"`
	Force                      bool      `json:"force"`
	ImageManifest              *string   `json:"imageManifest"`
	ImageManifestMediaType     string    `json:"imageManifestMediaType"`
	ImageTag                   *string   `json:"imageTag"`
	ImageDigest                *string   `json:"imageDigest"`
	ImageIDs                   []imageID `json:"imageIds"`
	AcceptedMediaTypes         []string  `json:"acceptedMediaTypes"`
	PolicyText                 *string   `json:"policyText"`
	NextToken                  string    `json:"nextToken"`
	MaxResults                 *int      `json:"maxResults"`
	Filter                     *filter   `json:"filter"`
	Tags                       []tag     `json:"tags"`
	ImageTagMutability         string    `json:"imageTagMutability"`
	ImageScanningConfiguration *struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration *struct {
		EncryptionType string `json:"encryptionType"`
		KmsKey         string `json:"kmsKey"`
	} `json:"encryptionConfiguration"`
	ref repoRef
}

type filter struct {
	TagStatus string `json:"tagStatus"`
}

// decode reads an operation's input and the repository it names.
func decode(ctx context.Context, r *protocol.Request) (*input, error) {
	in := &input{}
	if err := protocol.DecodeJSON(r.Body, in); err != nil {
		return nil, err
	}
	var err error
	in.ref, err = parseRef(r.Region, r.Account(), in.RegistryID, in.RepositoryName)
	return in, err
}

// check authorizes action on the repository an input names.
func (s *Service) check(action string) protocol.Auth[*input] {
	return protocol.Check(action, func(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
		return s.target(in.ref), nil
	})
}

// repoOut is the Repository shape.
type repoOut struct {
	RepositoryArn              string  `json:"repositoryArn"`
	RegistryID                 string  `json:"registryId"`
	RepositoryName             string  `json:"repositoryName"`
	RepositoryURI              string  `json:"repositoryUri"`
	CreatedAt                  float64 `json:"createdAt"`
	ImageTagMutability         string  `json:"imageTagMutability"`
	ImageScanningConfiguration struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration struct {
		EncryptionType string `json:"encryptionType"`
		KmsKey         string `json:"kmsKey,omitempty"`
	} `json:"encryptionConfiguration"`
}

func (rp *repo) out() repoOut {
	o := repoOut{RepositoryArn: rp.arn, RegistryID: rp.account, RepositoryName: rp.name,
		RepositoryURI: URI(rp.region, rp.account, rp.name), CreatedAt: epoch(rp.created), ImageTagMutability: rp.mutability}
	o.ImageScanningConfiguration.ScanOnPush = rp.scanOnPush
	o.EncryptionConfiguration.EncryptionType, o.EncryptionConfiguration.KmsKey = rp.encryption, rp.kmsKey
	return o
}

func (s *Service) save(ctx context.Context, rp *repo) error {
	tags, _ := json.Marshal(rp.tags)
	if rp.tags == nil {
		tags = []byte("[]")
	}
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO ecr_repositories (arn, account, region, name, created, mutability, scan_on_push, encryption, kms_key, tags, policy)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(arn) DO UPDATE SET policy = excluded.policy, tags = excluded.tags`,
			rp.arn, rp.account, rp.region, rp.name, rp.created, rp.mutability, rp.scanOnPush, rp.encryption, rp.kmsKey, string(tags), rp.policyDoc)
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.repos[rp.arn] = rp
	s.mu.Unlock()
	return nil
}

func (s *Service) createRepositoryOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "CreateRepository",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := decode(ctx, r)
			if err == nil && in.ImageTagMutability != "" && in.ImageTagMutability != "MUTABLE" && in.ImageTagMutability != "IMMUTABLE" {
				err = errInvalidParameter.New(msgMutability)
			}
			return in, err
		},
		Auth: s.check("ecr:CreateRepository"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			if s.repo(in.ref) != nil {
				return nil, errRepoExists.Errorf(msgRepoExistsFmt, in.ref.name, in.ref.account)
			}
			rp := &repo{arn: in.ref.arn, account: in.ref.account, region: in.ref.region, name: in.ref.name,
				created: r.Now.UnixNano(), mutability: "MUTABLE", encryption: "AES256", tags: in.Tags}
			if in.ImageTagMutability != "" {
				rp.mutability = in.ImageTagMutability
			}
			if c := in.ImageScanningConfiguration; c != nil {
				rp.scanOnPush = c.ScanOnPush
			}
			if c := in.EncryptionConfiguration; c != nil && c.EncryptionType != "" {
				rp.encryption, rp.kmsKey = c.EncryptionType, c.KmsKey
			}
			if err := s.save(ctx, rp); err != nil {
				return nil, err
			}
			return struct {
				Repository repoOut `json:"repository"`
			}{rp.out()}, nil
		},
	})
}

type describeReposInput struct {
	RegistryID      string   `json:"registryId"`
	RepositoryNames []string `json:"repositoryNames"`
	NextToken       string   `json:"nextToken"`
	MaxResults      *int     `json:"maxResults"`
	refs            []repoRef
	account         string
}

func (s *Service) describeRepositoriesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*describeReposInput]{
		Name: "DescribeRepositories",
		Decode: func(ctx context.Context, r *protocol.Request) (*describeReposInput, error) {
			in := &describeReposInput{}
			if err := protocol.DecodeJSON(r.Body, in); err != nil {
				return nil, err
			}
			if err := checkMax(in.MaxResults); err != nil {
				return nil, err
			}
			in.account = r.Account()
			if in.RegistryID != "" {
				if !registryPattern.MatchString(in.RegistryID) {
					return nil, errInvalidParameter.New(msgRegistryID)
				}
				in.account = in.RegistryID
			}
			for _, n := range in.RepositoryNames {
				ref, err := parseRef(r.Region, r.Account(), in.RegistryID, n)
				if err != nil {
					return nil, err
				}
				in.refs = append(in.refs, ref)
			}
			return in, nil
		},
		// Each repository named is authorized with its own policy; a
		// listing of the registry is authorized on its repositories'
		// wildcard, as IAM policies name them.
		Auth: protocol.PerItem[*describeReposInput]("each named repository is judged with its own repository policy"),
		Handle: func(ctx context.Context, r *protocol.Request, in *describeReposInput) (any, error) {
			var found []*repo
			if len(in.refs) > 0 {
				for _, ref := range in.refs {
					if err := r.Authorize(ctx, "ecr:DescribeRepositories", s.target(ref), nil); err != nil {
						return nil, err
					}
				}
				for _, ref := range in.refs {
					rp, err := s.existing(ref)
					if err != nil {
						return nil, err
					}
					found = append(found, rp)
				}
			} else {
				all := protocol.Target{Resource: repoARN(r.Region, in.account, "*"), Account: in.account}
				if err := r.Authorize(ctx, "ecr:DescribeRepositories", all, nil); err != nil {
					return nil, err
				}
				s.mu.RLock()
				for _, rp := range s.repos {
					if rp.account == in.account && rp.region == r.Region {
						found = append(found, rp)
					}
				}
				s.mu.RUnlock()
				sort.Slice(found, func(i, j int) bool { return found[i].name < found[j].name })
			}
			out := struct {
				Repositories []repoOut `json:"repositories"`
				NextToken    string    `json:"nextToken,omitempty"`
			}{Repositories: []repoOut{}}
			page, next, err := pageOf(found, func(rp *repo) string { return rp.name }, in.NextToken, in.MaxResults)
			if err != nil {
				return nil, err
			}
			for _, rp := range page {
				out.Repositories = append(out.Repositories, rp.out())
			}
			out.NextToken = next
			return out, nil
		},
	})
}

func (s *Service) deleteRepositoryOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name:   "DeleteRepository",
		Decode: decode,
		Auth:   s.check("ecr:DeleteRepository"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			rp, err := s.existing(in.ref)
			if err != nil {
				return nil, err
			}
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				if !in.Force {
					var one int
					err := tx.QueryRow(`SELECT 1 FROM ecr_images WHERE repo = ? LIMIT 1`, rp.arn).Scan(&one)
					if err == nil {
						return errRepoNotEmpty.Errorf(msgRepoNotEmptyFmt, rp.name, rp.account)
					}
					if !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
				for _, q := range []string{`DELETE FROM ecr_tags WHERE repo = ?`, `DELETE FROM ecr_images WHERE repo = ?`, `DELETE FROM ecr_repositories WHERE arn = ?`} {
					if _, err := tx.Exec(q, rp.arn); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			delete(s.repos, rp.arn)
			s.mu.Unlock()
			return struct {
				Repository repoOut `json:"repository"`
			}{rp.out()}, nil
		},
	})
}

// policyOut is the answer of the three policy operations.
type policyOut struct {
	RegistryID     string `json:"registryId"`
	RepositoryName string `json:"repositoryName"`
	PolicyText     string `json:"policyText,omitempty"`
}

func (s *Service) setPolicyOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: "SetRepositoryPolicy",
		Decode: func(ctx context.Context, r *protocol.Request) (*input, error) {
			in, err := decode(ctx, r)
			if err == nil && in.PolicyText == nil {
				err = errValidation.Errorf(msgRequiredFmt, "policyText")
			}
			if err == nil && len(*in.PolicyText) > 10240 {
				err = errInvalidParameter.New(msgPolicyTooLong)
			}
			return in, err
		},
		Auth: s.check("ecr:SetRepositoryPolicy"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			old, err := s.existing(in.ref)
			if err != nil {
				return nil, err
			}
			bound, err := authz.BindPrincipals(ctx, s.opts.Principals, *in.PolicyText)
			if err != nil {
				return nil, policyError(err)
			}
			p, err := parsePolicy(old.arn, bound)
			if err != nil {
				return nil, policyError(err)
			}
			rp := *old
			rp.policyDoc, rp.policy = bound, p
			if err := s.save(ctx, &rp); err != nil {
				return nil, err
			}
			return s.policyOut(ctx, &rp)
		},
	})
}

func policyError(err error) error {
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		return errInvalidParameter.Errorf(msgPolicyInvalidFmt, se.Message)
	}
	return errInvalidParameter.Errorf(msgPolicyInvalidFmt, err.Error())
}

func (s *Service) policyOut(ctx context.Context, rp *repo) (any, error) {
	doc, err := authz.ShowPrincipals(ctx, s.opts.Principals, rp.policyDoc)
	if err != nil {
		return nil, err
	}
	return policyOut{RegistryID: rp.account, RepositoryName: rp.name, PolicyText: doc}, nil
}

// withPolicy is the repository in, when it has a policy.
func (s *Service) withPolicy(in *input) (*repo, error) {
	rp, err := s.existing(in.ref)
	if err != nil {
		return nil, err
	}
	if rp.policyDoc == "" {
		return nil, errPolicyNotFound.Errorf(msgPolicyNotFoundFmt, rp.name, rp.account)
	}
	return rp, nil
}

func (s *Service) getPolicyOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name:   "GetRepositoryPolicy",
		Decode: decode,
		Auth:   s.check("ecr:GetRepositoryPolicy"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			rp, err := s.withPolicy(in)
			if err != nil {
				return nil, err
			}
			return s.policyOut(ctx, rp)
		},
	})
}

func (s *Service) deletePolicyOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name:   "DeleteRepositoryPolicy",
		Decode: decode,
		Auth:   s.check("ecr:DeleteRepositoryPolicy"),
		Handle: func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			old, err := s.withPolicy(in)
			if err != nil {
				return nil, err
			}
			out, err := s.policyOut(ctx, old)
			if err != nil {
				return nil, err
			}
			rp := *old
			rp.policyDoc, rp.policy = "", nil
			return out, s.save(ctx, &rp)
		},
	})
}

func checkMax(n *int) error {
	if n != nil && (*n < 1 || *n > 1000) {
		return errInvalidParameter.New(msgMaxResults)
	}
	return nil
}

// pageOf is one page of items sorted by key: from the item after the one
// nextToken names, at most max (default 100) of them, and the token of the
// next page. Tokens are the last key, base64: opaque to clients.
func pageOf[T any](items []T, key func(T) string, token string, max *int) ([]T, string, error) {
	n := 100
	if max != nil {
		n = *max
	}
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", errInvalidParameter.New(msgNextToken)
		}
		after := string(b)
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	}
	items = items[start:]
	if len(items) > n {
		return items[:n], base64.RawURLEncoding.EncodeToString([]byte(key(items[n-1]))), nil
	}
	return items, "", nil
}
