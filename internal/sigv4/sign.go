package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Credentials sign a request: an access key, its secret and, for temporary
// credentials, the session token.
type Credentials struct {
	AccessKeyID, Secret, SessionToken string
}

// unsignedHeaders are the headers a signer leaves out, as AWS's SDKs do:
// proxies and transports may add or change them.
var unsignedHeaders = [...]string{"Authorization", "User-Agent", "X-Amzn-Trace-Id", "Expect", "Transfer-Encoding"}

// Sign signs r for service in region at now, in place, the way AWS's SDKs
// sign (seki's own clients use it: `seki analyze`, `seki demo`): it sets
// X-Amz-Date, X-Amz-Security-Token for temporary credentials, and the
// Authorization header over host, content-length when the body is not
// empty, and every other header r carries. payloadHash is the hex SHA-256 of
// the body (or UnsignedPayload); S3 also gets it as X-Amz-Content-Sha256. The
// canonical request is the one Verify computes, from the same code.
func Sign(r *http.Request, c Credentials, region, service, payloadHash string, now time.Time) {
	now = now.UTC()
	ts := now.Format(isoBasic)
	date := ts[:8]
	r.Header.Del("Authorization")
	r.Header.Set("X-Amz-Date", ts)
	if c.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", c.SessionToken)
	}
	s3 := service == "s3"
	if s3 {
		r.Header.Set("X-Amz-Content-Sha256", payloadHash)
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
		r.Host = host
	}

	signed := []string{"host"}
	if r.ContentLength > 0 {
		signed = append(signed, "content-length")
	}
	for k := range r.Header {
		if slices.Contains(unsignedHeaders[:], k) || strings.EqualFold(k, "Content-Length") {
			continue
		}
		signed = append(signed, strings.ToLower(k))
	}
	slices.Sort(signed)
	signed = slices.Compact(signed)
	list := strings.Join(signed, ";")

	params, _ := parseQuery(nil, r.URL.RawQuery)
	c1 := append([]byte(r.Method), '\n')
	c1 = appendCanonicalURI(c1, requestPath(r), s3)
	c1 = append(c1, '\n')
	c1 = appendCanonicalQuery(c1, params, false)
	c1 = append(c1, '\n')
	c1 = appendCanonicalHeaders(c1, r, signed)
	c1 = append(c1, '\n')
	c1 = append(c1, list...)
	c1 = append(c1, '\n')
	c1 = append(c1, payloadHash...)
	crHash := sha256.Sum256(c1)

	key := deriveKey(c.Secret, date, region, service)
	sig := hmacSHA256(key[:], appendStringToSign(nil, ts, date, region, service, crHash))
	r.Header.Set("Authorization", Algorithm+" Credential="+c.AccessKeyID+"/"+
		string(appendScope(nil, date, region, service))+", SignedHeaders="+list+", Signature="+hex.EncodeToString(sig[:]))
}

// PayloadHash is the hex SHA-256 of body, the payload hash Sign takes.
func PayloadHash(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

// URIEncode is AWS's URI encoding of s (every byte but the unreserved ones
// as %XX, upper-case hex), keeping '/' when keepSlash: how a client builds
// the paths and query strings it then signs.
func URIEncode(s string, keepSlash bool) string {
	return string(appendEncoded(make([]byte, 0, len(s)+8), s, keepSlash))
}
