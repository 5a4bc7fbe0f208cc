package sigv4

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Seeds shared by the fuzzers; testdata/fuzz/<Name> holds more, taken from
// the SDK and botocore requests the other tests sign.
var fuzzAuthSeeds = []string{
	"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240517/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=host,Signature=00",
	"AWS4-HMAC-SHA256 FooBar, BazBurp",
	"AWS4-HMAC-SHA256 Credential= AKID/20240517/us-east-1/sts/aws4_request",
	"AWS4-HMAC-SHA256",
	"AWS AKID:sig",
	"  ,,= ==,",
}

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range fuzzAuthSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if err != nil {
			if err.Reason != ReasonMalformedAuth || !strings.Contains(err.Message, h) {
				t.Fatalf("error %v does not quote the header", err)
			}
			return
		}
		for _, v := range []string{a.credential, a.signedHeaders, a.signature} {
			if strings.ContainsAny(v, ", ") {
				t.Fatalf("component %q keeps a separator", v)
			}
		}
		if c, ok := parseCredential(a.credential); ok {
			for _, p := range []string{c.key, c.date, c.region, c.service, c.term} {
				if strings.Contains(p, "/") {
					t.Fatalf("credential part %q contains '/'", p)
				}
			}
		}
		if !strings.HasPrefix(strings.TrimLeft(h, " "), a.algorithm) {
			t.Fatalf("algorithm %q is not the header's first token", a.algorithm)
		}
	})
}

// canonicalOK reports whether s uses only what AWS's URI encoding emits.
func canonicalOK(s string, slash bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c), slash && c == '/':
		case c == '%' && i+2 < len(s) && strings.IndexByte(upperhex, s[i+1]) >= 0 && strings.IndexByte(upperhex, s[i+2]) >= 0:
			i += 2
		default:
			return false
		}
	}
	return true
}

func FuzzCanonicalURI(f *testing.F) {
	for _, s := range []string{"/", "", "/a/./b/../c", "//a//b/", "/a%2Fb", "/ü/+/%zz", "/..", "a/b", "/%2E%2E/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s3 := string(appendCanonicalURI(nil, raw, true))
		if raw != "" && s3 != raw {
			t.Fatalf("S3 canonical URI %q changed the path %q", s3, raw)
		}
		got := string(appendCanonicalURI(nil, raw, false))
		if got == "" || !canonicalOK(got, true) {
			t.Fatalf("canonical URI %q of %q is not AWS-encoded", got, raw)
		}
		if strings.Contains(got, "//") {
			t.Fatalf("canonical URI %q of %q keeps an empty segment", got, raw)
		}
		for _, seg := range strings.Split(got, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("canonical URI %q of %q keeps a dot segment", got, raw)
			}
		}
		// Decoding once gives back segments of the raw path.
		dec, err := url.PathUnescape(got)
		if err != nil {
			t.Fatalf("canonical URI %q does not decode: %v", got, err)
		}
		for _, seg := range strings.Split(strings.Trim(dec, "/"), "/") {
			if seg != "" && !strings.Contains(raw, seg) {
				t.Fatalf("segment %q of %q is not in %q", seg, got, raw)
			}
		}
	})
}

func canonicalQueryOf(raw string) (string, *Error) {
	params, err := parseQuery(nil, raw)
	if err != nil {
		return "", err
	}
	return string(appendCanonicalQuery(nil, params, false)), nil
}

func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{
		"", "a=1", "b=2&a=2&a=1", "empty=&novalue&&=v", "r=%21%2A%27%28%29", "sp=a+b&pct=a%20b",
		"u=%C3%BC", "t=~-_.", "bad=%zz", "x=%2", "a=b=c", "X-Amz-Signature=abc&X-Amz-Date=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := canonicalQueryOf(raw)
		if err != nil {
			if err.Reason != ReasonMalformedQuery {
				t.Fatalf("reason %v", err.Reason)
			}
			return
		}
		if got == "" {
			return
		}
		var prevK, prevV string
		for i, p := range strings.Split(got, "&") {
			k, v, ok := strings.Cut(p, "=")
			if !ok || !canonicalOK(k, false) || !canonicalOK(v, false) {
				t.Fatalf("parameter %q of %q is not canonical", p, got)
			}
			if i > 0 && (k < prevK || k == prevK && v < prevV) {
				t.Fatalf("%q is not sorted", got)
			}
			prevK, prevV = k, v
		}
		// The canonical form is its own canonical form.
		again, err := canonicalQueryOf(got)
		if err != nil || again != got {
			t.Fatalf("canonical query of %q is %q, not itself (%v)", got, again, err)
		}
	})
}

// FuzzVerify throws arbitrary request lines and headers at Verify: it must
// answer every one with a *Error that every service can word, and never
// panic.
func FuzzVerify(f *testing.F) {
	f.Add("GET", "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240517%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240517T123045Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00", "", "", "127.0.0.1:4566", []byte(nil))
	for _, a := range fuzzAuthSeeds {
		f.Add("POST", "/", a, "20240517T123045Z", "127.0.0.1:4566", []byte("Action=GetUser"))
	}
	f.Add("PUT", "/b/./k//", fuzzAuthSeeds[0], "Fri, 17 May 2024 12:30:45 GMT", "h", []byte{0})
	keys := defaultKeys()
	v := newVerifier(0)
	f.Fuzz(func(t *testing.T, method, uri, authz, date, host string, body []byte) {
		r := &http.Request{Method: method, RequestURI: uri, Host: host, Header: http.Header{}, URL: &url.URL{Path: "/"}}
		if u, err := url.ParseRequestURI(uri); err == nil {
			r.URL = u
		}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if date != "" {
			r.Header.Set("X-Amz-Date", date)
		}
		r.Header.Set("X-Amz-Content-Sha256", hexSHA256(body))
		res, err := v.Verify(r, body, keys)
		if err == nil {
			if res == nil || res.AccessKeyID == "" {
				t.Fatal("success without a result")
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T is not *Error", err)
		}
		for _, s := range allServices {
			if ae := e.AWS(s); ae.Code == "" || ae.Code == "InternalFailure" || ae.Message == "" || ae.Status < 400 {
				t.Fatalf("%v as %s: %+v", e, s, ae)
			}
		}
	})
}

// FuzzChunkedReader decodes arbitrary aws-chunked bodies in every mode: no
// panic, no more bytes out than in, and only *Error failures.
func FuzzChunkedReader(f *testing.F) {
	s := newChunkSigner(exampleResult(StreamingPayload))
	signedBody := s.chunk([]byte("hello")) + s.chunk(nil) + "\r\n"
	f.Add([]byte(signedBody), uint8(1))
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), uint8(3))
	f.Add([]byte("0\r\n\r\n"), uint8(3))
	f.Add([]byte("2000\r\n"), uint8(3))
	f.Add([]byte("0;chunk-signature=00\r\nx:y\r\nx-amz-trailer-signature:00\r\n\r\n"), uint8(2))
	modes := []string{StreamingPayload, StreamingPayload, StreamingPayloadTrailer, StreamingUnsignedPayloadTrailer}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		res := exampleResult(modes[int(mode)%len(modes)])
		res.DecodedContentLength = -1
		res.Trailer = "x-amz-checksum-crc32"
		cr := NewChunkedReader(bytes.NewReader(body), res)
		n, err := io.Copy(io.Discard, cr)
		if n > int64(len(body)) {
			t.Fatalf("decoded %d bytes from %d", n, len(body))
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if ae := e.AWS("s3"); ae.Code == "" || ae.Status < 400 {
				t.Fatalf("%+v", ae)
			}
		}
	})
}

// FuzzSigV2 feeds arbitrary SigV2 headers, queries and dates to the
// verifier: it must never panic, must answer with an *Error that S3 can
// word, and must accept only the signature it computes itself.
func FuzzSigV2(f *testing.F) {
	for _, s := range []struct{ auth, query, date string }{
		{"AWS " + docAKID + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=", "", "Tue, 27 Mar 2007 19:36:42 +0000"},
		{"", "AWSAccessKeyId=" + docAKID + "&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D", ""},
		{"AWS ", "", ""},
		{"AWS :", "acl&versionId=1&uploads", "Mon, 02 Jan 2006 15:04:05 GMT"},
		{"", "AWSAccessKeyId=&Expires=-1&Signature=&x-amz-security-token=%zz", ""},
		{"AWS a:b:c", "response-content-type=a%2Fb&partNumber=1&uploadId=x", "x"},
	} {
		f.Add(s.auth, s.query, s.date)
	}
	keys := testKeys{docAKID: {Secret: docSecret}}
	f.Fuzz(func(t *testing.T, auth, query, date string) {
		r, err := http.NewRequest(http.MethodGet, "http://johnsmith.s3.amazonaws.com/photos/puppy.jpg", nil)
		if err != nil {
			t.Skip()
		}
		r.URL.RawQuery = query
		if auth != "" {
			r.Header["Authorization"] = []string{auth}
		}
		if date != "" {
			r.Header["Date"] = []string{date}
		}
		res, err := docVerifier(docTime).Verify(r, nil, keys)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error", err)
			}
			if a := e.AWS("s3"); a.Code == "" || a.Status == 0 {
				t.Fatalf("unworded error %+v", a)
			}
			return
		}
		if res.AccessKeyID != docAKID {
			t.Fatalf("accepted key %q", res.AccessKeyID)
		}
		if res.Algorithm == AlgorithmV2 {
			params := splitRawQuery(query)
			d := date
			if res.Presigned {
				for _, p := range params {
					if p.key == "Expires" {
						d = p.value
					}
				}
			}
			want := v2Signature(docSecret, v2StringToSign(r, params, d, res.Presigned, "johnsmith"))
			if res.Signature != want {
				t.Fatalf("accepted signature %q, computed %q", res.Signature, want)
			}
		}
	})
}
