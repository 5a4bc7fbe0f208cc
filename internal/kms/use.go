package kms

import (
	"context"
	"strings"

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

// keyByARN returns the key an ARN names, or KMS's NotFoundException.
func (s *Service) keyByARN(arn string) (*key, error) {
	a, ok := parseKeyARN(arn)
	id, isKey := strings.CutPrefix(a.resource, "key/")
	if !ok || !isKey {
		return nil, ErrNotFound.Errorf(msgInvalidKeyID, arn)
	}
	k := s.keyByID(a.account, a.region, id)
	if k == nil {
		return nil, ErrNotFound.Errorf(msgKeyNotFound, arn)
	}
	return k, nil
}

// Usable is KMS's error for a key (by ARN) that cannot encrypt or decrypt
// now (NotFoundException, DisabledException, KMSInvalidStateException),
// nil when it can.
func (s *Service) Usable(keyARN string) error {
	k, err := s.keyByARN(keyARN)
	if err != nil {
		return err
	}
	return usable(k)
}

// Seal encrypts plaintext under the key keyARN for a service keeping data
// at rest with it (Lambda's environment variables). No caller is
// authorized here: AWS's services do this with the grant the caller made
// when it configured the key, and the caller was authorized then (Use).
func (s *Service) Seal(keyARN string, plaintext []byte, ec map[string]string) ([]byte, error) {
	k, err := s.keyByARN(keyARN)
	if err != nil {
		return nil, err
	}
	if err := usable(k); err != nil {
		return nil, err
	}
	return seal(k.arn(), k.secret, plaintext, ec)
}

// Open decrypts what Seal made, with the key the blob names; the key's
// state is KMS's error as for Decrypt.
func (s *Service) Open(b []byte, ec map[string]string) ([]byte, error) {
	p, err := parseBlob(b)
	if err != nil {
		return nil, errInvalidCiphertext.New("")
	}
	k, err := s.keyByARN(p.keyARN)
	if err != nil {
		return nil, err
	}
	if err := usable(k); err != nil {
		return nil, err
	}
	pt, err := p.open(k.secret, ec)
	if err != nil {
		return nil, errInvalidCiphertext.New("")
	}
	return pt, nil
}
