package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
)

// Signature Version 2, S3's older scheme, is what boto3's
// generate_presigned_url and the AWS CLI v1's `aws s3 presign` produce for
// us-east-1 by default. It comes in two forms:
//
//	Authorization: AWS AKID:base64(HMAC-SHA1(secret, StringToSign))
//	?AWSAccessKeyId=AKID&Expires=EPOCH&Signature=...
//
// StringToSign is the method, Content-MD5, Content-Type, the date (Expires
// for the query form; empty when x-amz-date is sent), the x-amz-* headers
// and the resource with its sub-resources. It covers no body: S3 checks a
// Content-MD5 against the body as it stores it.
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html)

// AlgorithmV2 is S3's name for Signature Version 2 (s3:signatureversion).
const AlgorithmV2 = "AWS"

// v2Subresources are the query parameters StringToSign's resource keeps,
// the list AWS documents and botocore signs.
var v2Subresources = []string{
	"accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory",
	"lifecycle", "location", "logging", "metrics", "notification", "object-lock",
	"partNumber", "policy", "replication", "requestPayment", "response-cache-control",
	"response-content-disposition", "response-content-encoding", "response-content-language",
	"response-content-type", "response-expires", "restore", "select", "select-type",
	"storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
	"versions", "website",
}

// isV2Header reports whether an Authorization header is SigV2's.
func isV2Header(h string) bool { return strings.HasPrefix(h, "AWS ") }

// hasV2Query reports whether a raw query carries SigV2 query
// authentication.
func hasV2Query(raw string) bool {
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		k, _, _ := strings.Cut(seg, "=")
		switch k {
		case "AWSAccessKeyId", "Signature":
			return true
		}
	}
	return false
}

// v2Parts are SigV2's pieces, wherever they came from.
type v2Parts struct {
	key, signature string
	expires        string // query form only
	token          string
	presigned      bool
}

// verifyV2 checks a SigV2 request, in S3's order: the form of the
// credentials, the time, the key, the signature.
func (v *Verifier) verifyV2(r *http.Request, raw string, header string, keys Keys) (*Result, *Error) {
	var p v2Parts
	params := splitRawQuery(raw)
	if header != "" {
		akid, sig, ok := strings.Cut(strings.TrimSpace(header[len("AWS "):]), ":")
		if !ok || akid == "" || sig == "" {
			e := newError(ReasonMalformedAuth, msgV2MalformedHeader)
			e.s3Code = &codeInvArgS3
			return nil, e.withS3(msgV2MalformedHeader,
				awserr.Field{Name: "ArgumentName", Value: "Authorization"},
				awserr.Field{Name: "ArgumentValue", Value: header})
		}
		p.key, p.signature = akid, sig
		if t := r.Header["X-Amz-Security-Token"]; len(t) > 0 {
			p.token = t[0]
		}
	} else {
		p.presigned = true
		var hasKey, hasSig, hasExp bool
		for _, q := range params {
			switch q.key {
			case "AWSAccessKeyId":
				p.key, hasKey = q.value, true
			case "Signature":
				p.signature, hasSig = q.value, true
			case "Expires":
				p.expires, hasExp = q.value, true
			case "x-amz-security-token":
				p.token = q.value
			}
		}
		if !hasKey || !hasSig || !hasExp {
			e := newError(ReasonIncompleteSignature, msgV2QueryParams)
			e.s3Code = &codeAccessDeniedS3
			e.presigned = true
			return nil, e.withS3(msgV2QueryParams)
		}
		if t := r.Header["X-Amz-Security-Token"]; len(t) > 0 && p.token == "" {
			p.token = t[0]
		}
	}
	fail := func(e *Error) (*Result, *Error) {
		e.presigned = p.presigned
		return nil, e
	}

	now := v.now().UTC()
	date := ""
	if p.presigned {
		n, err := strconv.ParseInt(p.expires, 10, 64)
		if err != nil {
			e := newError(ReasonInvalidExpires, msgV2InvalidExpires+p.expires)
			e.s3Code = &codeAccessDeniedS3
			return fail(e.withS3(msgV2InvalidExpires + p.expires))
		}
		expires := time.Unix(n, 0).UTC()
		if now.After(expires) {
			return fail(newError(ReasonPresignExpired, msgRequestExpired).
				withS3(msgPresignExpiredS3,
					awserr.Field{Name: "Expires", Value: expires.Format(time.RFC3339)},
					awserr.Field{Name: "ServerTime", Value: now.Format(time.RFC3339)}))
		}
		date = p.expires
	} else {
		sent, hasAmzDate := "", false
		if d := r.Header["X-Amz-Date"]; len(d) > 0 {
			sent, hasAmzDate = d[0], true
		} else if d := r.Header["Date"]; len(d) > 0 {
			sent, date = d[0], d[0]
		}
		t, err := http.ParseTime(sent)
		if err != nil {
			if t, err = time.Parse(time.RFC1123Z, sent); err != nil {
				return fail(newError(ReasonMissingDate, msgBadDateS3).withS3(msgBadDateS3))
			}
		}
		t = t.UTC()
		if err := checkSkew(sent, t, t.Format(isoBasic), now, v.skew()); err != nil {
			return fail(err)
		}
		if hasAmzDate {
			date = "" // x-amz-date is signed among the x-amz-* headers instead
		}
	}

	key, found := Key{}, false
	if keys != nil {
		key, found = keys.Key(p.key)
	}
	if !found {
		return fail(newError(ReasonUnknownKey, msgTokenInvalid).
			withS3(msgUnknownKeyS3, awserr.Field{Name: "AWSAccessKeyId", Value: p.key}))
	}
	if key.SessionToken != "" {
		if p.token == "" {
			return fail(newError(ReasonMissingToken, msgTokenInvalid).
				withS3(msgUnknownKeyS3, awserr.Field{Name: "AWSAccessKeyId", Value: p.key}))
		}
		if subtle.ConstantTimeCompare([]byte(p.token), []byte(key.SessionToken)) != 1 {
			return fail(newError(ReasonInvalidToken, msgTokenInvalid))
		}
	} else if p.token != "" {
		return fail(newError(ReasonInvalidToken, msgTokenInvalid))
	}
	if !key.Expires.IsZero() && !now.Before(key.Expires) {
		return fail(newError(ReasonExpiredToken, msgTokenExpired).
			withS3(msgTokenExpiredS3, awserr.Field{Name: "Token-0", Value: p.token}))
	}

	sts := v2StringToSign(r, params, date, p.presigned, v.bucketOf(r))
	want := v2Signature(key.Secret, sts)
	if subtle.ConstantTimeCompare([]byte(p.signature), []byte(want)) != 1 {
		e := newError(ReasonSignatureMismatch, msgSigMismatch)
		e.StringToSign = sts
		return fail(e.withS3(msgSigMismatchS3,
			awserr.Field{Name: "AWSAccessKeyId", Value: p.key},
			awserr.Field{Name: "StringToSign", Value: sts},
			awserr.Field{Name: "SignatureProvided", Value: p.signature},
			awserr.Field{Name: "StringToSignBytes", Value: spacedHex(sts)}))
	}
	res := &Result{
		AccessKeyID:          p.key,
		Service:              "s3",
		Algorithm:            AlgorithmV2,
		Presigned:            p.presigned,
		PayloadHash:          UnsignedPayload,
		Signature:            p.signature,
		DecodedContentLength: -1,
	}
	// What StringToSign covers, in SignedHeaders' terms: a body's framing
	// (Content-Encoding) is not among it.
	res.SignedHeaders = append(res.signed[:0:len(res.signed)], "content-md5", "content-type", "date")
	return res, nil
}

// v2Signature is base64(HMAC-SHA1(secret, sts)).
func v2Signature(secret, sts string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// bucketOf is the bucket a virtual-hosted-style request names in its Host.
func (v *Verifier) bucketOf(r *http.Request) string {
	if v.HostBucket == nil {
		return ""
	}
	b, _ := v.HostBucket(r.Host)
	return b
}

// rawParam is one query parameter, decoded, remembering whether it had '='.
type rawParam struct {
	key, value string
	hasValue   bool
}

func splitRawQuery(raw string) []rawParam {
	var out []rawParam
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, val, has := strings.Cut(seg, "=")
		dk, _, _ := unescapeQuery(k)
		dv, _, _ := unescapeQuery(val)
		out = append(out, rawParam{dk, dv, has})
	}
	return out
}

// v2StringToSign builds SigV2's string to sign. For the query form the
// x-amz-* and Content-Type/Content-MD5 values a presigner moved into the
// URL count as headers, as botocore signs them.
func v2StringToSign(r *http.Request, params []rawParam, date string, presigned bool, bucket string) string {
	header := func(name string) string {
		if v := r.Header.Get(name); v != "" {
			return strings.TrimSpace(v)
		}
		if presigned {
			for _, q := range params {
				if strings.EqualFold(q.key, name) {
					return strings.TrimSpace(q.value)
				}
			}
		}
		return ""
	}
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(header("Content-MD5"))
	b.WriteByte('\n')
	b.WriteString(header("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte('\n')

	amz := map[string][]string{}
	for name, vals := range r.Header {
		lk := strings.ToLower(name)
		if strings.HasPrefix(lk, "x-amz-") {
			for _, v := range vals {
				amz[lk] = append(amz[lk], strings.TrimSpace(v))
			}
		}
	}
	if presigned {
		for _, q := range params {
			lk := strings.ToLower(q.key)
			if strings.HasPrefix(lk, "x-amz-") {
				if _, inHeader := amz[lk]; !inHeader || lk == "x-amz-security-token" {
					amz[lk] = []string{strings.TrimSpace(q.value)}
				}
			}
		}
	}
	names := make([]string, 0, len(amz))
	for n := range amz {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.Join(amz[n], ","))
		b.WriteByte('\n')
	}

	// The resource is /BUCKET/KEY however the request addressed the
	// bucket, so a request for the bucket itself signs "/BUCKET/".
	path := requestPath(r)
	if bucket != "" {
		b.WriteByte('/')
		b.WriteString(bucket)
	} else if path != "/" && strings.IndexByte(path[1:], '/') < 0 {
		path += "/"
	}
	b.WriteString(path)
	var sub []rawParam
	for _, q := range params {
		if slices.Contains(v2Subresources, q.key) {
			sub = append(sub, q)
		}
	}
	slices.SortStableFunc(sub, func(a, c rawParam) int { return strings.Compare(a.key, c.key) })
	for i, q := range sub {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(q.key)
		if q.hasValue {
			b.WriteByte('=')
			b.WriteString(q.value)
		}
	}
	return b.String()
}
