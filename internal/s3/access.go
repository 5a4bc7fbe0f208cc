package s3

import (
	"context"
	"io"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// Object opens an object for a caller outside an S3 request (Lambda
// reading function code from S3Bucket/S3Key), after authorizing
// s3:GetObject for that caller through the same door, with the bucket
// policy and the disclosure rule; a version (S3ObjectVersion) is read with
// s3:GetObjectVersion. The caller
// must close the reader. Errors are S3's (*awserr.Error: NoSuchBucket,
// NoSuchKey, NoSuchVersion, AccessDenied). It implements lambda.Code.
func (s *Service) Object(ctx context.Context, caller *authz.Caller, bucket, key, version string) (io.ReadCloser, error) {
	a := s.opts.Authz
	if a == nil {
		return nil, awserr.Internal.New(msgS3NoAuthorizer)
	}
	if version != "" && !validVersionID(version) {
		return nil, invalidVersionID("versionId", version)
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	r := &protocol.Request{
		ID:      newRequestID(),
		Service: "s3",
		Region:  s.opts.Region,
		Caller:  caller,
		Context: policy.NewContext(2),
		Now:     s.now(),
	}
	c := &call{bucket: bucket, key: key}
	r.Bind(a, errAccessDenied)
	t, err := s.target(r, c, objectARN(bucket, key))
	if err != nil {
		return nil, err
	}
	action := "s3:GetObject"
	if version != "" {
		action = "s3:GetObjectVersion"
		r.Context.Set("s3:versionid", version)
	}
	if err := r.Authorize(ctx, action, t, nil); err != nil {
		return nil, s3AccessDenied(awserr.As(err))
	}
	b := c.b
	for attempt := 0; ; attempt++ {
		o, err := s.readVersion(ctx, r, b, key, version, version != "")
		if err != nil {
			return nil, s3AccessDenied(awserr.As(err))
		}
		body, err := s.content(o)
		if err == nil {
			return body, nil
		}
		if attempt == 3 {
			return nil, err
		}
	}
}
