package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"

	"github.com/seki-dev/seki/internal/awserr"
)

// PostForm is what an S3 browser POST upload's form says about its
// signature: the policy document (base64) is the string to sign, signed
// with SigV4 (x-amz-algorithm, -credential, -date, -signature) or SigV2
// (AWSAccessKeyId, signature). The caller has checked that the fields of
// the version used are present.
type PostForm struct {
	Policy string
	// V2 says the form is signed with Signature Version 2.
	V2 bool
	// SigV4.
	Algorithm, Credential, Date string
	// SigV2.
	AccessKeyID string
	// Signature is x-amz-signature (SigV4) or signature (SigV2).
	Signature string
	// SecurityToken is x-amz-security-token, for temporary credentials.
	SecurityToken string
}

// VerifyPost checks a POST upload's signature of its policy. There is no
// clock check: a POST form's validity is its policy's expiration, which
// the service judges. A mismatch is answered as S3 answers it, with the
// policy as the string to sign.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_request_malformed_policy[s3v4]
func (v *Verifier) VerifyPost(f PostForm, keys Keys) (*Result, error) {
	res := &Result{Service: "s3", Signature: f.Signature, PayloadHash: UnsignedPayload, DecodedContentLength: -1}
	id := f.AccessKeyID
	if !f.V2 {
		if f.Algorithm != Algorithm {
			return nil, newError(ReasonUnsupportedAlgorithm, fmt.Sprintf(msgUnsupportedAlgorithmFmt, f.Algorithm))
		}
		c, ok := parseCredential(f.Credential)
		if !ok || c.term != "aws4_request" || c.service != "s3" || c.region == "" || len(c.date) != 8 {
			return nil, malformedCredential(f.Credential, true)
		}
		if v.Region != nil && !v.Region(c.region) {
			return nil, invalidRegion(c.region, "us-east-1", true)
		}
		id, res.Region, res.Date, res.Algorithm, res.Timestamp = c.key, c.region, c.date, Algorithm, f.Date
	} else {
		res.Algorithm = AlgorithmV2
	}
	res.AccessKeyID = id
	key, found := Key{}, false
	if keys != nil {
		key, found = keys.Key(id)
	}
	if !found {
		return nil, newError(ReasonUnknownKey, msgTokenInvalid).withS3(msgUnknownKeyS3, awserr.Field{Name: "AWSAccessKeyId", Value: id})
	}
	if key.SessionToken != "" && subtle.ConstantTimeCompare([]byte(f.SecurityToken), []byte(key.SessionToken)) != 1 {
		return nil, newError(ReasonInvalidToken, msgTokenInvalid)
	}
	if !key.Expires.IsZero() && !v.now().Before(key.Expires) {
		return nil, newError(ReasonExpiredToken, msgTokenExpired).withS3(msgTokenExpiredS3, awserr.Field{Name: "Token-0", Value: f.SecurityToken})
	}
	var want string
	if f.V2 {
		want = v2Signature(key.Secret, f.Policy)
	} else {
		k := v.cache.get(key.Secret, res.Date, res.Region, "s3")
		m := hmac.New(sha256.New, k[:])
		m.Write([]byte(f.Policy))
		want = hex.EncodeToString(m.Sum(nil))
	}
	if subtle.ConstantTimeCompare([]byte(f.Signature), []byte(want)) != 1 {
		e := newError(ReasonSignatureMismatch, msgSigMismatch)
		e.StringToSign = f.Policy
		return nil, e.withS3(msgSigMismatchS3,
			awserr.Field{Name: "AWSAccessKeyId", Value: id},
			awserr.Field{Name: "StringToSign", Value: f.Policy},
			awserr.Field{Name: "SignatureProvided", Value: f.Signature},
			awserr.Field{Name: "StringToSignBytes", Value: spacedHex(f.Policy)})
	}
	return res, nil
}
