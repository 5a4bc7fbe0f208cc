package kms

import (
	"context"

	"github.com/seki-dev/seki/internal/protocol"
)

// Use is a service using a key for r's caller, as S3 does for SSE-KMS: it
// resolves keyID (a key id, key ARN, alias name or alias ARN; "" is the
// service's AWS managed key, alias/aws/SERVICE, made on first use) in
// account and region, authorizes action on the key for r's caller through
// the door with the key policy and the condition keys AWS sets when a
// service calls KMS for a principal (kms:ViaService, kms:CallerAccount),
// and checks that the key can be used now. It returns the key's ARN.
//
// Errors are KMS's (NotFoundException, DisabledException,
// KMSInvalidStateException: the caller reports them in its own shape) or
// r's AccessDenied, logged by the door under r's request id.
func (s *Service) Use(ctx context.Context, r *protocol.Request, account, region, keyID, service, action string) (string, error) {
	if keyID == "" {
		keyID = "alias/aws/" + service
	}
	rf := parseRef(account, region, keyID)
	if rf.err == nil && rf.alias != "" && s.find(rf) == nil {
		// An AWS managed key exists once a service has used it; its
		// policy then decides like any key's.
		if _, err := s.managedKey(ctx, rf.account, rf.region, rf.alias); err != nil {
			return "", err
		}
	}
	keys := r.Context.Snapshot()
	keys.Snapshot() // a change to keys now copies it, leaving r's intact
	keys.Set("kms:ViaService", service+"."+region+".amazonaws.com")
	keys.Set("kms:CallerAccount", r.Account())
	if err := r.Authorize(ctx, action, s.resource(rf), &keys); err != nil {
		return "", err
	}
	k, err := s.cryptoKey(ctx, rf)
	if err != nil {
		return "", err
	}
	return k.arn(), nil
}
