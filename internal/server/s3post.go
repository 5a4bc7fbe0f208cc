package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/s3"
	"github.com/seki-dev/seki/internal/sigv4"
)

// servePostUpload serves an S3 browser POST upload, which arrives unsigned:
// its credentials are in the form, and S3 hands their signature back to
// the server's verifier and identities (verifyPost), as for any request.
func (s *Server) servePostUpload(w http.ResponseWriter, r *protocol.Request) bool {
	h, ok := s.svc.byName["s3"].(*s3.Handler)
	if !ok || !h.IsPostUpload(r.HTTP) {
		return false
	}
	r.Service, r.Region = "s3", s.cfg.Region
	r.Context = requestContext(r)
	h.ServePost(w, r, s.verifyPost)
	return true
}

// verifyPost authenticates a POST upload's policy signature and names its
// caller, with the credential keys identification adds to every request.
func (s *Server) verifyPost(ctx context.Context, r *protocol.Request, f sigv4.PostForm) (*authz.Caller, error) {
	res, err := s.verifier.VerifyPost(f, s.svc.keys)
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			return nil, se.AWS("s3")
		}
		return nil, err
	}
	r.Signature = res
	if res.Region != "" {
		r.Region = res.Region
	}
	return s.svc.identify(ctx, "s3", res.AccessKeyID, r.Context)
}
