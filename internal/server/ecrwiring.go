package server

import (
	"context"
	"fmt"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/ecr"
	"github.com/seki-dev/seki/internal/lambda"
)

// ecrImages is ECR as Lambda's container-image functions see it: a pull
// authorized through the door as the Lambda caller (and as Lambda for a
// function of another account), and the image's digest. ECR's refusals
// become Lambda's, which Lambda words as AWS's Lambda does.
type ecrImages struct{ ecr *ecr.Service }

func (e ecrImages) Image(ctx context.Context, q lambda.ImageQuery) (string, error) {
	digest, err := e.ecr.Image(ctx, ecr.Pull{Caller: q.Caller, RequestID: q.RequestID, Region: q.Region, Account: q.Account,
		Name: q.Name, Tag: q.Tag, Digest: q.Digest, FunctionARN: q.FunctionARN, FunctionAccount: q.FunctionAccount})
	if err == nil {
		return digest, nil
	}
	if ae := awserr.As(err); ae != nil {
		switch ae.Code {
		case "RepositoryNotFoundException", "ImageNotFoundException":
			return "", fmt.Errorf("%w: %w", lambda.ErrImageNotFound, err)
		case ecr.AccessDenied.Name:
			return "", fmt.Errorf("%w: %w", lambda.ErrImageDenied, err)
		}
	}
	return digest, err
}
