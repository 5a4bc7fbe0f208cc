package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
)

// signPost signs a POST policy the way SDKs do (computed here from the
// published algorithm, not with the verifier's own helpers).
func signPost(policy string, v2 bool) string {
	if v2 {
		m := hmac.New(sha1.New, []byte(testSecret))
		m.Write([]byte(policy))
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	k := []byte("AWS4" + testSecret)
	for _, part := range []string{"20151229", "us-east-1", "s3", "aws4_request"} {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(part))
		k = m.Sum(nil)
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(policy))
	return hex.EncodeToString(m.Sum(nil))
}

func TestVerifyPost(t *testing.T) {
	policy := base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2015-12-30T12:00:00.000Z","conditions":[{"bucket":"b"}]}`))
	cred := testAKID + "/20151229/us-east-1/s3/aws4_request"
	v := newVerifier(0)
	v4 := PostForm{Policy: policy, Algorithm: Algorithm, Credential: cred, Date: "20151229T000000Z", Signature: signPost(policy, false)}
	res, err := v.VerifyPost(v4, defaultKeys())
	if err != nil || res.AccessKeyID != testAKID || res.Region != "us-east-1" || res.Algorithm != Algorithm {
		t.Fatalf("SigV4 form: %+v, %v", res, err)
	}
	v2 := PostForm{Policy: policy, V2: true, AccessKeyID: testAKID, Signature: signPost(policy, true)}
	if res, err := v.VerifyPost(v2, defaultKeys()); err != nil || res.Algorithm != AlgorithmV2 {
		t.Fatalf("SigV2 form: %+v, %v", res, err)
	}
	for name, tc := range map[string]struct {
		f    PostForm
		want Reason
	}{
		"tampered policy":  {PostForm{Policy: policy[:len(policy)-2], Algorithm: Algorithm, Credential: cred, Signature: v4.Signature}, ReasonSignatureMismatch},
		"tampered v2":      {PostForm{Policy: policy + "x", V2: true, AccessKeyID: testAKID, Signature: v2.Signature}, ReasonSignatureMismatch},
		"unknown key":      {PostForm{Policy: policy, V2: true, AccessKeyID: "AKIANOBODY", Signature: v2.Signature}, ReasonUnknownKey},
		"other algorithm":  {PostForm{Policy: policy, Algorithm: "AWS4-HMAC-SHA512", Credential: cred, Signature: v4.Signature}, ReasonUnsupportedAlgorithm},
		"other service":    {PostForm{Policy: policy, Algorithm: Algorithm, Credential: testAKID + "/20151229/us-east-1/iam/aws4_request", Signature: v4.Signature}, ReasonMalformedCredential},
		"no session token": {PostForm{Policy: policy, V2: true, AccessKeyID: testTempAKID, Signature: v2.Signature}, ReasonInvalidToken},
	} {
		_, err := v.VerifyPost(tc.f, defaultKeys())
		var e *Error
		if !errors.As(err, &e) || e.Reason != tc.want {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	// A mismatch tells the client what was signed, as S3 does.
	_, err = v.VerifyPost(PostForm{Policy: "cG9saWN5", V2: true, AccessKeyID: testAKID, Signature: "x"}, defaultKeys())
	var e *Error
	errors.As(err, &e)
	got := e.AWS("s3")
	if got.Code != "SignatureDoesNotMatch" || len(got.Fields) != 4 || got.Fields[1].Value != "cG9saWN5" || got.Fields[2].Value != "x" {
		t.Fatalf("mismatch answer %+v", got)
	}
}
