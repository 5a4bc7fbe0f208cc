package s3

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/kms"
	"github.com/seki-dev/seki/internal/protocol"
)

// Server-side encryption with KMS keys (SSE-KMS). S3 uses the key for
// the caller: a write needs kms:GenerateDataKey on the key, a read (GET,
// HEAD, a copy's source) kms:Decrypt, each asked through the door for the
// request's caller with the key policy and kms:ViaService
// s3.REGION.amazonaws.com, logged under the request's id, as AWS's forward
// access sessions make KMS see the caller. A missing, disabled or
// pending-deletion key is KMS's error with S3's "KMS." prefix.
//
// The object's bytes are stored as they are, not encrypted with a data
// key (docs/ARCHITECTURE.md): what SSE-KMS changes for a user is who may
// read and write, and that is decided exactly.

// Keys is KMS as S3 uses it (kms.Service implements it).
type Keys interface {
	Use(ctx context.Context, r *protocol.Request, account, region, keyID, service, action string) (string, error)
}

// The SSE-KMS headers, as stored with an object (canonical names).
const (
	hSSE          = "X-Amz-Server-Side-Encryption"
	hSSEKeyID     = "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"
	hSSEContext   = "X-Amz-Server-Side-Encryption-Context"
	hSSEBucketKey = "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"
)

// defaultSSE is a bucket's default encryption when it is SSE-KMS.
type defaultSSE struct {
	algorithm, keyID string
	bucketKey        bool
}

// applyDefaultSSE keeps a bucket's default encryption in the cached
// bucket when it names KMS.
func applyDefaultSSE(b *bucket, doc []byte) {
	b.sse = nil
	var e xEncryption
	if doc == nil || xml.Unmarshal(doc, &e) != nil || len(e.Rules) != 1 || e.Rules[0].Default == nil {
		return
	}
	d := e.Rules[0].Default
	if d.SSEAlgorithm != "aws:kms" && d.SSEAlgorithm != "aws:kms:dsse" {
		return
	}
	b.sse = &defaultSSE{algorithm: d.SSEAlgorithm, bucketKey: e.Rules[0].BucketKeyEnabled}
	if d.KMSMasterKeyID != nil {
		b.sse.keyID = *d.KMSMasterKeyID
	}
}

// kmsWrite decides a write's SSE-KMS (the request's, or the bucket's
// default when the request names no encryption) and returns the headers
// to store with the object or upload, none when it is not SSE-KMS. The
// caller must be allowed kms:GenerateDataKey on the key.
func (s *Service) kmsWrite(ctx context.Context, r *protocol.Request, b *bucket, hdr http.Header) ([][2]string, error) {
	algo, keyID := hdr.Get(hSSE), hdr.Get(hSSEKeyID)
	bucketKey := hdr.Get(hSSEBucketKey) == "true"
	switch algo {
	case "":
		if b.sse == nil {
			return nil, nil
		}
		algo, keyID, bucketKey = b.sse.algorithm, b.sse.keyID, b.sse.bucketKey || bucketKey
	case "AES256":
		return nil, nil
	case "aws:kms", "aws:kms:dsse":
		if keyID == "" && b.sse != nil && b.sse.keyID != "" {
			keyID = b.sse.keyID
		}
		if hdr.Get(hSSEBucketKey) == "" && b.sse != nil {
			bucketKey = b.sse.bucketKey
		}
	default:
		return nil, invalidArgument(msgSSEInvalid, "x-amz-server-side-encryption", algo)
	}
	if s.opts.Keys == nil {
		return nil, nil
	}
	arn, err := s.opts.Keys.Use(ctx, r, r.Account(), b.region, keyID, "s3", "kms:GenerateDataKey")
	if err != nil {
		return nil, kmsErr(err)
	}
	out := [][2]string{{hSSE, algo}, {hSSEKeyID, arn}}
	if v := hdr.Get(hSSEContext); v != "" {
		out = append(out, [2]string{hSSEContext, v})
	}
	if bucketKey {
		out = append(out, [2]string{hSSEBucketKey, "true"})
	}
	return out, nil
}

// kmsRead checks that the caller may read an object (or a copy's source)
// stored with headers: kms:Decrypt on its key when it is SSE-KMS.
func (s *Service) kmsRead(ctx context.Context, r *protocol.Request, b *bucket, headers [][2]string) error {
	arn := storedKMSKey(headers)
	if arn == "" || s.opts.Keys == nil {
		return nil
	}
	if _, err := s.opts.Keys.Use(ctx, r, r.Account(), b.region, arn, "s3", "kms:Decrypt"); err != nil {
		return kmsErr(err)
	}
	return nil
}

// storedKMSKey is the ARN of the KMS key an object was written with, ""
// for none.
func storedKMSKey(headers [][2]string) string {
	for _, h := range headers {
		if h[0] == hSSEKeyID {
			return h[1]
		}
	}
	return ""
}

// defaultChangesKey reports whether a write naming no encryption (the
// bucket's default applies) would encrypt otherwise than an object stored
// with headers: an SSE-KMS object under a default that is not SSE-KMS, or
// names another key. A default naming no key uses the AWS managed key,
// whose ARN is not known here without making it, so only a named key is
// compared.
func defaultChangesKey(b *bucket, headers [][2]string) bool {
	stored := storedKMSKey(headers)
	if stored == "" {
		return false
	}
	if b.sse == nil {
		return true
	}
	return b.sse.keyID != "" && b.sse.keyID != stored && !strings.HasSuffix(stored, "/"+b.sse.keyID)
}

// withoutSSE is headers less every encryption header (a copy's source's:
// the copy is encrypted as its own request and bucket say).
func withoutSSE(headers [][2]string) [][2]string {
	var out [][2]string
	for _, h := range withoutSSEC(headers) {
		switch h[0] {
		case hSSE, hSSEKeyID, hSSEContext, hSSEBucketKey:
		default:
			out = append(out, h)
		}
	}
	return out
}

// kmsErr is a KMS error as S3 reports it.
func kmsErr(err error) error {
	e := awserr.As(err)
	switch {
	case kms.ErrNotFound.Is(err):
		return errKMSNotFound.New(e.Message)
	case kms.ErrDisabled.Is(err):
		return errKMSDisabled.New(e.Message)
	case kms.ErrInvalidState.Is(err):
		return errKMSInvalidState.New(e.Message)
	}
	return err
}

// kmsHeaders sets an SSE-KMS object's encryption headers on an answer;
// false when it is not SSE-KMS.
func kmsHeaders(h http.Header, headers [][2]string) bool {
	found := false
	for _, kv := range headers {
		switch kv[0] {
		case hSSE, hSSEKeyID, hSSEContext, hSSEBucketKey:
			h.Set(kv[0], kv[1])
			found = true
		}
	}
	return found
}
