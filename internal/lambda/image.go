package lambda

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/protocol"
)

// Container-image functions (PackageType Image). Their code is an image in
// an ECR repository, named by Code.ImageUri (a tag or a digest); Lambda
// resolves it once, when the function is created or its code updated, to
// the image's digest, which is its CodeSha256 (hex) and its
// ResolvedImageUri. seki stores and answers them as AWS does, but has no
// container runtime: the runtime refuses to invoke them, saying so.

// Images resolves container images for Lambda; the server adapts ECR.
type Images interface {
	// Image authorizes the pull q asks for and returns the image's digest
	// ("sha256:<hex>"). Its errors wrap ErrImageNotFound (no such
	// repository or image) or ErrImageDenied (the door refused the caller,
	// or Lambda for a function of another account); others are seki's.
	Image(ctx context.Context, q ImageQuery) (string, error)
}

// ImageQuery is one pull: the image, and who asks for it for which
// function.
type ImageQuery struct {
	Caller    *authz.Caller
	RequestID string
	Region    string
	Account   string // the registry's account
	Name      string // the repository
	Tag       string
	Digest    string
	// FunctionARN and FunctionAccount are the function's.
	FunctionARN, FunctionAccount string
}

// The refusals an Images implementation reports.
var (
	ErrImageNotFound = errors.New("lambda: the image does not exist")
	ErrImageDenied   = errors.New("lambda: the image may not be pulled")
)

// ImageConfig overrides an image's entry point, command and working
// directory.
type ImageConfig struct {
	EntryPoint       []string `json:"EntryPoint,omitempty"`
	Command          []string `json:"Command,omitempty"`
	WorkingDirectory string   `json:"WorkingDirectory,omitempty"`
}

func (c *ImageConfig) empty() bool {
	return c == nil || (c.EntryPoint == nil && c.Command == nil && c.WorkingDirectory == "")
}

// ImageConfigResponse is a function's image configuration as its
// configuration shows it; absent without one.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaImages::test_lambda_image_and_image_config_crud
type ImageConfigResponse struct {
	ImageConfig *ImageConfig `json:"ImageConfig,omitempty"`
}

// imageCode is the code of an image function's version: the ImageUri as
// given and the image it resolved to.
type imageCode struct {
	URI      string
	Resolved string // REPOSITORY_URI@sha256:HEX
}

// imageRef is an ImageUri taken apart.
type imageRef struct {
	account, region, repo, tag, digest string
}

// imageURIPattern is an ECR image URI: ACCOUNT.dkr.ecr.REGION.amazonaws.com/
// REPOSITORY, then :TAG or @sha256:DIGEST (or both, the digest ruling).
var imageURIPattern = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$`)

// parseImageURI takes an ImageUri apart; a URI without tag or digest
// names the tag latest, as docker does.
func parseImageURI(uri string) (imageRef, bool) {
	if len(uri) > 1024 {
		return imageRef{}, false
	}
	m := imageURIPattern.FindStringSubmatch(uri)
	if m == nil {
		return imageRef{}, false
	}
	ref := imageRef{account: m[1], region: m[2], repo: m[3], tag: m[4], digest: m[5]}
	if ref.tag == "" && ref.digest == "" {
		ref.tag = "latest"
	}
	return ref, true
}

// resolveImage resolves uri for function fn as r's caller, through ECR
// (which authorizes the pull through the door). The repository must be in
// the function's region.
// source: doc https://docs.aws.amazon.com/lambda/latest/dg/images-create.html
func (s *Service) resolveImage(ctx context.Context, r *protocol.Request, uri string, fn FunctionRef) (*imageCode, string, error) {
	ref, ok := parseImageURI(uri)
	if !ok || ref.region != fn.Region {
		return nil, "", errInvalidParameter.Errorf(msgImageInvalidFmt, uri)
	}
	if s.opts.Images == nil {
		return nil, "", errInvalidParameter.New(msgNoImages)
	}
	digest, err := s.opts.Images.Image(ctx, ImageQuery{Caller: r.Caller, RequestID: r.ID, Region: ref.region, Account: ref.account,
		Name: ref.repo, Tag: ref.tag, Digest: ref.digest, FunctionARN: fn.ARN(), FunctionAccount: fn.Account})
	switch {
	case errors.Is(err, ErrImageNotFound):
		return nil, "", errInvalidParameter.Errorf(msgImageMissingFmt, uri).Wrap(err)
	case errors.Is(err, ErrImageDenied):
		return nil, "", AccessDenied.New(msgImageDenied).Wrap(err)
	case err != nil:
		return nil, "", err
	}
	repoURI := ref.account + ".dkr.ecr." + ref.region + ".amazonaws.com/" + ref.repo
	return &imageCode{URI: uri, Resolved: repoURI + "@" + digest}, strings.TrimPrefix(digest, "sha256:"), nil
}

// checkImageCreate checks what CreateFunction with PackageType Image must
// and must not be given.
func checkImageCreate(in *createFunctionInput) error {
	if (in.Runtime != nil && *in.Runtime != "") || (in.Handler != nil && *in.Handler != "") || (in.Layers != nil && len(*in.Layers) > 0) {
		return errInvalidParameter.New(msgImageNoRuntime)
	}
	if in.Code.ImageUri == "" || in.Code.ZipFile != nil || in.Code.S3Bucket != "" || in.Code.S3Key != "" {
		return errInvalidParameter.New(msgImageNeedsURICreate)
	}
	return nil
}

// applyImageConfig sets or, given an empty one, removes the image
// configuration.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaImages::test_lambda_image_and_image_config_crud (update-function-code-delete-imageconfig-response)
func applyImageConfig(cfg *FunctionConfiguration, c *ImageConfig) {
	if c.empty() {
		cfg.ImageConfigResponse = nil
		return
	}
	ic := *c
	cfg.ImageConfigResponse = &ImageConfigResponse{ImageConfig: &ic}
}

// imageCodeLocation is GetFunction's Code for an image function.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaImages::test_lambda_image_crud (get-function-code-response)
func imageCodeLocation(c *imageCode) map[string]string {
	return map[string]string{"RepositoryType": "ECR", "ImageUri": c.URI, "ResolvedImageUri": c.Resolved}
}
