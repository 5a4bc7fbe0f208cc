package ecr

import (
	"net/http"

	"github.com/seki-dev/seki/internal/awserr"
)

// AccessDenied is ECR's denial: AccessDeniedException, answered with 400
// like every error of its JSON 1.1 protocol (botocore's ecr model declares
// no status, so the protocol's default applies).
var AccessDenied = awserr.Code{Name: "AccessDeniedException", Status: http.StatusBadRequest}

// The codes ECR answers with (botocore's ecr model, 2015-09-21). Each error
// body names its message "message" (the model's member).
var (
	errRepoNotFound     = awserr.Code{Name: "RepositoryNotFoundException", Status: http.StatusBadRequest, LowerMessage: true}
	errRepoExists       = awserr.Code{Name: "RepositoryAlreadyExistsException", Status: http.StatusBadRequest, LowerMessage: true}
	errRepoNotEmpty     = awserr.Code{Name: "RepositoryNotEmptyException", Status: http.StatusBadRequest, LowerMessage: true}
	errPolicyNotFound   = awserr.Code{Name: "RepositoryPolicyNotFoundException", Status: http.StatusBadRequest, LowerMessage: true}
	errImageNotFound    = awserr.Code{Name: "ImageNotFoundException", Status: http.StatusBadRequest, LowerMessage: true}
	errImageExists      = awserr.Code{Name: "ImageAlreadyExistsException", Status: http.StatusBadRequest, LowerMessage: true}
	errTagExists        = awserr.Code{Name: "ImageTagAlreadyExistsException", Status: http.StatusBadRequest, LowerMessage: true}
	errDigestMismatch   = awserr.Code{Name: "ImageDigestDoesNotMatchException", Status: http.StatusBadRequest, LowerMessage: true}
	errInvalidParameter = awserr.Code{Name: "InvalidParameterException", Status: http.StatusBadRequest, LowerMessage: true}
	errValidation       = awserr.Code{Name: "ValidationException", Status: http.StatusBadRequest, LowerMessage: true}
)

// LocalStack's validated snapshots hold no ECR test, so no text below is
// recorded; each says where it comes from.
const (
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgRepoNotFoundFmt = "The repository with name '%s' does not exist in the registry with id '%s'"
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgRepoExistsFmt = "The repository with name '%s' already exists in the registry with id '%s'"
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgRepoNotEmptyFmt = "The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images"
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgPolicyNotFoundFmt = "Repository policy does not exist for the repository with name '%s' in the registry with id '%s'"
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgImageNotFoundFmt = "The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'"
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgImageExistsFmt = "Image with digest '%s' and tag '%s' already exists in the repository with name '%s' in registry with id '%s'"
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgTagExistsFmt = "The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable."
	// source: unconfirmed ECR's wording for a digest that is not the manifest's
	msgDigestMismatchFmt = "Invalid parameter at 'imageDigest' failed to satisfy constraint: 'provided digest %s does not match the digest of the manifest %s'"
	// source: unconfirmed ECR's wording, as AWS CLI users quote it in public issue reports
	msgRepoNamePattern = "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''"
	// source: unconfirmed ECR's wording for a name outside the model's 2..256 characters
	msgRepoNameLength = "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must be between 2 and 256 characters'"
	// source: unconfirmed the JSON protocols' wording for a missing required member
	msgRequiredFmt = "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null"
	// source: unconfirmed ECR's wording for a registry id that is not 12 digits
	msgRegistryID = "Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''"
	// source: unconfirmed ECR's wording for a manifest that is not a JSON image manifest
	msgManifestInvalid = "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
	// source: doc https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html
	msgManifestTooLarge = "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must have length less than or equal to 4194304'"
	// source: unconfirmed ECR's wording for an image tag outside the model's 1..300 characters
	msgTagLength = "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must be between 1 and 300 characters'"
	// source: unconfirmed ECR's wording for a digest that is not sha256:<64 hex>
	msgDigestInvalidFmt = "Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid digest: %s'"
	// source: unconfirmed ECR's wording for a policy it cannot parse
	msgPolicyInvalidFmt = "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided': %s"
	// source: doc https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
	msgPolicyTooLong = "Invalid parameter at 'policyText' failed to satisfy constraint: 'Member must have length less than or equal to 10240'"
	// source: doc https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
	msgMaxResults = "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'"
	// source: unconfirmed ECR's wording for a nextToken it did not issue
	msgNextToken = "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'"
	// source: unconfirmed ECR's wording for an image tag mutability outside the model's enum
	msgMutability = "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'"
)

// Per-image failures of BatchGetImage and BatchDeleteImage (the model's
// ImageFailureCode enum).
const (
	failImageNotFound = "ImageNotFound"
	failMissing       = "MissingDigestAndTag"
	failInvalidDigest = "InvalidImageDigest"
	// source: doc https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
	msgFailNotFound = "Requested image not found"
	// source: unconfirmed ECR's wording for an image id with neither tag nor digest
	msgFailMissing = "Invalid request parameters: both tag and digest cannot be null"
	// source: unconfirmed ECR's wording for an image id whose digest is not sha256:<64 hex>
	msgFailInvalidDigest = "Invalid image digest"
)

// source: unconfirmed seki's own words: ECR built without the door cannot authorize a pull
const msgNoAuthorizer = "seki: ECR was built without the door"
