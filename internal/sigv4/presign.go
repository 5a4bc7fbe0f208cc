package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"time"
)

// Presigned describes a GET URL to sign by its query string.
type Presigned struct {
	// Scheme and Host are the endpoint's ("http", "127.0.0.1:4566"); Host
	// is the one signed header.
	Scheme, Host string
	// Path is the escaped path, signed as sent (S3's canonical URI).
	Path string
	// AccessKeyID and Secret sign; Region and Service scope the credential.
	AccessKeyID, Secret, Region, Service string
	// Expires is how long the URL works (X-Amz-Expires), at most a week.
	Expires time.Duration
}

// Presign returns p's URL signed at now, as AWS's SDKs presign S3 GETs:
// host the only signed header, UNSIGNED-PAYLOAD. Anyone holding it may
// GET it until it expires, and changing any part of it breaks the
// signature. Verifier.Verify checks it like any presigned request.
func Presign(p Presigned, now time.Time) string {
	now = now.UTC()
	ts := now.Format(isoBasic)
	date := ts[:8]
	scope := string(appendScope(nil, date, p.Region, p.Service))
	q := url.Values{}
	q.Set("X-Amz-Algorithm", Algorithm)
	q.Set("X-Amz-Credential", p.AccessKeyID+"/"+scope)
	q.Set("X-Amz-Date", ts)
	q.Set("X-Amz-Expires", strconv.FormatInt(int64(p.Expires/time.Second), 10))
	q.Set("X-Amz-SignedHeaders", "host")
	raw := q.Encode()
	params, _ := parseQuery(nil, raw)

	c := []byte("GET\n")
	c = appendCanonicalURI(c, p.Path, p.Service == "s3")
	c = append(c, '\n')
	c = appendCanonicalQuery(c, params, true)
	c = append(c, "\nhost:"...)
	c = appendHeaderValue(c, p.Host)
	c = append(c, "\n\nhost\n"+UnsignedPayload...)
	crHash := sha256.Sum256(c)
	key := deriveKey(p.Secret, date, p.Region, p.Service)
	sig := hmacSHA256(key[:], appendStringToSign(nil, ts, date, p.Region, p.Service, crHash))
	return p.Scheme + "://" + p.Host + p.Path + "?" + raw + "&X-Amz-Signature=" + hex.EncodeToString(sig[:])
}
