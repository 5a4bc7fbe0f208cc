package sigv4

import (
	"cmp"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

const upperhex = "0123456789ABCDEF"

// unreserved reports whether c is left alone by AWS's URI encoding
// (RFC 3986 unreserved characters).
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// appendEncoded appends s in AWS's URI encoding: every byte that is not
// unreserved becomes %XX with upper-case hex. keepSlash leaves '/' alone, as
// the canonical URI does.
func appendEncoded(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperhex[c>>4], upperhex[c&15])
	}
	return dst
}

// requestPath returns the path exactly as the client sent it. The canonical
// URI is computed from these bytes, not from a decoded and re-encoded form:
// Go's URL.EscapedPath may choose a different but equivalent encoding.
func requestPath(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" {
		// A request built in-process rather than read by net/http's server.
		if r.URL == nil {
			return "/"
		}
		if r.URL.Opaque != "" {
			uri = r.URL.Opaque
		} else {
			return r.URL.EscapedPath()
		}
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	// Absolute form (a proxy-style request line): drop scheme and authority.
	if i := strings.Index(uri, "://"); i >= 0 && !strings.Contains(uri[:i], "/") {
		rest := uri[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			uri = rest[j:]
		} else {
			uri = "/"
		}
	}
	return uri
}

// rawQuery returns the query string as the client sent it.
func rawQuery(r *http.Request) string {
	if r.RequestURI != "" {
		if i := strings.IndexByte(r.RequestURI, '?'); i >= 0 {
			return r.RequestURI[i+1:]
		}
		return ""
	}
	if r.URL == nil {
		return ""
	}
	return r.URL.RawQuery
}

// appendCanonicalURI appends the canonical URI of the raw (as sent) path.
//
// S3 signs the path as sent: no normalisation, no second encoding. Every
// other service signs the path with dot segments and repeated slashes
// removed, and then URI-encoded once more, so "%2F" is signed as "%252F"
// (botocore and the AWS documentation; aws-sdk-go-v2 encodes twice but does
// not normalise, which agrees for every path its clients send).
func appendCanonicalURI(dst []byte, raw string, s3 bool) []byte {
	if raw == "" {
		return append(dst, '/')
	}
	if s3 {
		return append(dst, raw...)
	}
	// Remove dot segments and empty segments, keeping a leading slash and a
	// trailing one when anything is left (botocore's remove_dot_segments).
	var stackBuf [32][2]int
	segs := stackBuf[:0]
	for i := 0; i <= len(raw); {
		j := strings.IndexByte(raw[i:], '/')
		end := len(raw)
		if j >= 0 {
			end = i + j
		}
		seg := raw[i:end]
		switch seg {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, [2]int{i, end})
		}
		i = end + 1
	}
	start := len(dst)
	if raw[0] == '/' {
		dst = append(dst, '/')
	}
	for k, s := range segs {
		if k > 0 {
			dst = append(dst, '/')
		}
		dst = appendEncoded(dst, raw[s[0]:s[1]], false)
	}
	if len(segs) > 0 && raw[len(raw)-1] == '/' {
		dst = append(dst, '/')
	}
	if len(dst) == start {
		dst = append(dst, '/')
	}
	return dst
}

// qparam is one query parameter: decoded, and in canonical encoding.
type qparam struct {
	key, value       string // decoded
	encKey, encValue string // AWS URI encoding of key and value
}

// unescapeQuery decodes a query component the way form decoding does ('+' is
// a space). ok is false for an invalid %-escape; bad is that escape.
func unescapeQuery(s string) (out string, bad string, ok bool) {
	needs := false
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '+' {
			needs = true
			break
		}
	}
	if !needs {
		return s, "", true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) || !ishex(s[i+1]) || !ishex(s[i+2]) {
				end := min(i+3, len(s))
				return "", s[i:end], false
			}
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), "", true
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// encodeComponent returns s in AWS URI encoding, without allocating when s
// needs no encoding.
func encodeComponent(s string) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			return string(appendEncoded(make([]byte, 0, len(s)+16), s, false))
		}
	}
	return s
}

// parseQuery splits a raw query string into parameters, decoded and
// canonically encoded. Empty segments ("a&&b") are skipped and a segment
// without '=' has an empty value, as every SDK treats them. The result is
// appended to dst.
func parseQuery(dst []qparam, raw string) ([]qparam, *Error) {
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		dk, bad, ok := unescapeQuery(k)
		if !ok {
			return dst, malformedQuery(bad)
		}
		dv, bad, ok := unescapeQuery(v)
		if !ok {
			return dst, malformedQuery(bad)
		}
		dst = append(dst, qparam{key: dk, value: dv, encKey: encodeComponent(dk), encValue: encodeComponent(dv)})
	}
	return dst, nil
}

func malformedQuery(bad string) *Error {
	return newError(ReasonMalformedQuery, msgIllegalHex+bad)
}

// appendCanonicalQuery appends the canonical query string: parameters
// sorted by encoded name, then by encoded value, each as name=value. With
// presigned, X-Amz-Signature is left out, as the signer could not know it.
func appendCanonicalQuery(dst []byte, params []qparam, presigned bool) []byte {
	slices.SortFunc(params, func(a, b qparam) int {
		if c := cmp.Compare(a.encKey, b.encKey); c != 0 {
			return c
		}
		return cmp.Compare(a.encValue, b.encValue)
	})
	first := true
	for _, p := range params {
		if presigned && p.key == "X-Amz-Signature" {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, p.encKey...)
		dst = append(dst, '=')
		dst = append(dst, p.encValue...)
	}
	return dst
}

// headerValues returns the values of the header with the lower-case name,
// including the ones net/http keeps outside Header.
func headerValues(r *http.Request, name string) []string {
	switch name {
	case "content-length":
		if v, ok := r.Header["Content-Length"]; ok {
			return v
		}
		if r.ContentLength >= 0 && len(r.TransferEncoding) == 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		return nil
	case "transfer-encoding":
		if v, ok := r.Header["Transfer-Encoding"]; ok {
			return v
		}
		return r.TransferEncoding
	}
	var buf [64]byte
	if key, ok := canonicalKey(buf[:0], name); ok {
		if v, ok := r.Header[string(key)]; ok {
			return v
		}
	} else if v, ok := r.Header[textproto.CanonicalMIMEHeaderKey(name)]; ok {
		return v
	}
	// A header whose name net/http did not canonicalise.
	for k, v := range r.Header {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// canonicalKey writes the MIME-canonical form of a lower-case header name
// made of letters, digits and '-' into dst; ok is false for other names.
func canonicalKey(dst []byte, name string) ([]byte, bool) {
	if len(name) == 0 || len(name) > cap(dst) {
		return nil, false
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				c -= 'a' - 'A'
			}
		case 'A' <= c && c <= 'Z':
			if !upper {
				c += 'a' - 'A'
			}
		case '0' <= c && c <= '9', c == '-':
		default:
			return nil, false
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst, true
}

// appendHeaderValue appends v trimmed, with runs of spaces collapsed to one
// (the spec's Trimall; aws-sdk-go-v2 and botocore agree on spaces).
func appendHeaderValue(dst []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// appendCanonicalHeaders appends "name:value\n" for every signed header, in
// the order the client listed them, joining repeated headers with ','.
func appendCanonicalHeaders(dst []byte, r *http.Request, signed []string) []byte {
	for _, name := range signed {
		dst = append(dst, name...)
		dst = append(dst, ':')
		lname := name
		if hasUpper(name) {
			lname = strings.ToLower(name)
		}
		if lname == "host" {
			// net/http moves the Host header out of Header.
			dst = appendHeaderValue(dst, r.Host)
			dst = append(dst, '\n')
			continue
		}
		for i, v := range headerValues(r, lname) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendHeaderValue(dst, v)
		}
		dst = append(dst, '\n')
	}
	return dst
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}
