package ecr

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Pull is what Lambda asks of ECR to run an image: the image, the caller
// of the Lambda request (who must be allowed to pull it), and the function
// that will run it.
type Pull struct {
	Caller    *authz.Caller
	RequestID string // the Lambda request's, so that its decisions are found under it
	Region    string
	Account   string // the registry
	Name      string // the repository
	Tag       string // or
	Digest    string
	// FunctionARN and FunctionAccount are the function's; a repository
	// of another account must allow lambda.amazonaws.com for it too.
	FunctionARN, FunctionAccount string
}

// lambdaPrincipal is Lambda itself, as a repository policy names it.
var lambdaPrincipal = &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "lambda.amazonaws.com"}}

// pullActions are what Lambda needs of a repository to run its image.
// source: doc https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions
var pullActions = []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

// Image authorizes a pull and returns the image's digest. The caller is
// judged through the door for ecr:BatchGetImage and
// ecr:GetDownloadUrlForLayer on the repository, with its policy as the
// resource policy (so a caller of another account needs that policy to
// allow it); for a function of another account, lambda.amazonaws.com must
// be allowed by the repository policy too (Lambda's "Amazon ECR
// permissions"). Authorized first, then looked up: a refused caller learns
// nothing about the repository. Errors are ECR's: AccessDeniedException,
// RepositoryNotFoundException, ImageNotFoundException.
func (s *Service) Image(ctx context.Context, p Pull) (string, error) {
	if s.opts.Authz == nil {
		return "", awserr.Internal.New(msgNoAuthorizer)
	}
	ref := repoRef{arn: repoARN(p.Region, p.Account, p.Name), account: p.Account, region: p.Region, name: p.Name}
	id := p.RequestID
	if id == "" {
		var b [16]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	r := &protocol.Request{ID: id, Service: "ecr", Region: p.Region, Caller: p.Caller, Context: policy.NewContext(2), Now: s.now()}
	r.Bind(s.opts.Authz, AccessDenied)
	t := s.target(ref)
	for _, a := range pullActions {
		if err := r.Authorize(ctx, a, t, nil); err != nil {
			return "", err
		}
	}
	if p.FunctionAccount != p.Account {
		keys := policy.NewContext(2)
		keys.Set("aws:SourceAccount", p.FunctionAccount)
		keys.Set("aws:SourceArn", p.FunctionARN)
		for _, a := range pullActions {
			if err := r.AuthorizeAs(ctx, lambdaPrincipal, a, t, keys); err != nil {
				return "", err
			}
		}
	}
	rp, err := s.existing(ref)
	if err != nil {
		return "", err
	}
	var digest string
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		im, err := lookup(tx, rp.arn, imageID{ImageDigest: p.Digest, ImageTag: p.Tag})
		if im != nil {
			digest = im.digest
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if digest == "" {
		return "", errImageNotFound.Errorf(msgImageNotFoundFmt, nullable(p.Digest), nullable(p.Tag), rp.name, rp.account)
	}
	return digest, nil
}
