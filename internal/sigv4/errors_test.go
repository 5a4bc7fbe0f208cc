package sigv4

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/seki-dev/seki/internal/awserr"
)

var (
	permCreds = aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	tempCreds = aws.Credentials{AccessKeyID: testTempAKID, SecretAccessKey: testTempSecret, SessionToken: testToken}
)

// services in the order of the families' columns in want below: query,
// query, Lambda, JSON, JSON, S3.
var allServices = []string{"iam", "sts", "lambda", "dynamodb", "logs", "s3"}

// serverSide turns a client request into the request net/http's server
// would hand a handler: RequestURI set, Host moved out of the header.
func serverSide(t testing.TB, req *http.Request) *http.Request {
	t.Helper()
	var body io.Reader = http.NoBody
	if req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			t.Fatal(err)
		}
		body = b
	}
	out := httptest.NewRequest(req.Method, req.URL.RequestURI(), body)
	out.Host = req.Host
	if out.Host == "" {
		out.Host = req.URL.Host
	}
	out.Header = req.Header.Clone()
	out.ContentLength = req.ContentLength
	if req.ContentLength > 0 {
		out.Header.Set("Content-Length", fmt.Sprint(req.ContentLength))
	}
	return out
}

// baseRequest is a typical request of each service.
func baseRequest(t testing.TB, service string) *http.Request {
	t.Helper()
	var req *http.Request
	var err error
	switch service {
	case "iam", "sts":
		req, err = http.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	case "lambda":
		req, err = http.NewRequest("GET", "http://127.0.0.1:4566/2015-03-31/functions/f/configuration", nil)
	case "dynamodb", "logs":
		req, err = http.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "X.Y")
	case "s3":
		req, err = http.NewRequest("GET", "http://127.0.0.1:4566/bucket/key", nil)
		req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	}
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func bodyHash(t testing.TB, req *http.Request) string {
	if req.GetBody == nil {
		return emptySHA256
	}
	b, _ := req.GetBody()
	data, _ := io.ReadAll(b)
	return hexSHA256(data)
}

// signed returns a base request of the service signed by aws-sdk-go-v2.
func signed(t testing.TB, service string, creds aws.Credentials, before func(*http.Request)) *http.Request {
	t.Helper()
	req := baseRequest(t, service)
	if before != nil {
		before(req)
	}
	err := v4.NewSigner().SignHTTP(context.Background(), creds, req, bodyHash(t, req), service, "us-east-1", signTime, sdkOptions(service))
	if err != nil {
		t.Fatal(err)
	}
	return serverSide(t, req)
}

// presigned returns a base request of the service presigned by aws-sdk-go-v2.
func presigned(t testing.TB, service string, creds aws.Credentials, expires string) *http.Request {
	t.Helper()
	req := baseRequest(t, service)
	req.Body, req.GetBody, req.ContentLength = nil, nil, 0
	req.Header.Del("X-Amz-Content-Sha256")
	if expires != "" {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", expires)
		req.URL.RawQuery = q.Encode()
	}
	hash := emptySHA256
	if service == "s3" {
		hash = UnsignedPayload
	}
	u, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, hash, service, "us-east-1", signTime, sdkOptions(service))
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(req.Method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if !strings.EqualFold(k, "host") {
			out.Header[k] = v
		}
	}
	return serverSide(t, out)
}

func setAuth(r *http.Request, f func(string) string) {
	r.Header.Set("Authorization", f(r.Header.Get("Authorization")))
}

func setQuery(r *http.Request, f func(string) string) {
	path, q, _ := strings.Cut(r.RequestURI, "?")
	q = f(q)
	r.RequestURI = path + "?" + q
	r.URL.RawQuery = q
}

// errCase is one failure and how each service family words it.
type errCase struct {
	name   string
	offset time.Duration // the verifier's clock, from signTime
	keys   testKeys
	build  func(t testing.TB, service string) *http.Request
	reason Reason
	// want is "Code status" for query (IAM, STS), Lambda, JSON (DynamoDB,
	// Logs) and S3; "" skips a family for which the case cannot arise.
	want [4]string
	// msg, when set, is the exact message of the query family; s3msg of S3.
	msg, s3msg string
	// s3fields, when set, are S3's error-body members ({Name Value} ...).
	s3fields string
}

var errCases = []errCase{
	{
		name: "no authentication",
		build: func(t testing.TB, s string) *http.Request {
			return serverSide(t, baseRequest(t, s))
		},
		reason: ReasonMissingAuth,
		want:   [4]string{"MissingAuthenticationToken 403", "MissingAuthenticationTokenException 403", "MissingAuthenticationTokenException 400", "AccessDenied 403"},
		msg:    "Request is missing Authentication Token",
	},
	{
		name: "bearer token",
		build: func(t testing.TB, s string) *http.Request {
			r := serverSide(t, baseRequest(t, s))
			r.Header.Set("Authorization", "Bearer abc")
			return r
		},
		reason: ReasonUnsupportedAuthType,
		want:   [4]string{"MissingAuthenticationToken 403", "MissingAuthenticationTokenException 403", "MissingAuthenticationTokenException 400", "InvalidArgument 400"},
		s3msg:  "Unsupported Authorization Type",
	},
	{
		name: "signature version 2 without a date",
		build: func(t testing.TB, s string) *http.Request {
			r := serverSide(t, baseRequest(t, s))
			r.Header.Set("Authorization", "AWS "+testAKID+":frJIUN8DYpKDtOLCwo//yllqDzg=")
			return r
		},
		reason: ReasonMissingDate,
		want:   [4]string{"", "", "", "AccessDenied 403"},
		s3msg:  "AWS authentication requires a valid Date or x-amz-date header",
	},
	{
		name: "header and query",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			setQuery(r, func(q string) string { return "X-Amz-Algorithm=AWS4-HMAC-SHA256" })
			return r
		},
		reason: ReasonBothAuth,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "InvalidArgument 400"},
		msg:    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
	},
	{
		name: "two authorization headers",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			r.Header.Add("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/20240517/us-east-1/"+s+"/aws4_request, SignedHeaders=host, Signature=abc")
			return r
		},
		reason: ReasonDuplicateAuth,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "InvalidArgument 400"},
		msg:    "Only one 'Authorization' header is allowed; the request carries more than one.",
	},
	{
		name: "component without equals",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential= "+testAKID+"/20240517/us-east-1/"+s+"/aws4_request, SignedHeaders=host, Signature=abc")
			return r
		},
		reason: ReasonMalformedAuth,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "AuthorizationHeaderMalformed 400"},
	},
	{
		name: "missing signature and signed headers",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/20240517/us-east-1/iam/aws4_request")
			return r
		},
		reason: ReasonIncompleteSignature,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "AuthorizationHeaderMalformed 400"},
		msg:    "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=" + testAKID + "/20240517/us-east-1/iam/aws4_request",
		s3msg:  "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.",
	},
	{
		name: "missing date",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			r.Header.Del("X-Amz-Date")
			return r
		},
		reason: ReasonMissingDate,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "AccessDenied 403"},
		s3msg:  "AWS authentication requires a valid Date or x-amz-date header",
	},
	{
		name: "malformed date",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			r.Header.Set("X-Amz-Date", "2024-05-17T12:30:45Z")
			return r
		},
		reason: ReasonInvalidDate,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "AccessDenied 403"},
		msg:    "Date must be in ISO-8601 'basic format'. Got '2024-05-17T12:30:45Z'. See http://en.wikipedia.org/wiki/ISO_8601",
	},
	{
		name:   "signature expired",
		offset: 20 * time.Minute,
		build:  func(t testing.TB, s string) *http.Request { return signed(t, s, permCreds, nil) },
		reason: ReasonSkew,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "RequestTimeTooSkewed 403"},
		msg:    "Signature expired: 20240517T123045Z is now earlier than 20240517T123545Z (20240517T125045Z - 15 min.)",
		s3msg:  "The difference between the request time and the current time is too large.",
	},
	{
		name:   "signature not yet current",
		offset: -16 * time.Minute,
		build:  func(t testing.TB, s string) *http.Request { return signed(t, s, permCreds, nil) },
		reason: ReasonSkew,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "RequestTimeTooSkewed 403"},
		msg:    "Signature not yet current: 20240517T123045Z is still later than 20240517T122945Z (20240517T121445Z + 15 min.)",
	},
	{
		name: "host not signed",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			setAuth(r, func(a string) string { return strings.Replace(a, "host;", "", 1) })
			return r
		},
		reason: ReasonHostNotSigned,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "AccessDenied 403"},
		msg:    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
	},
	{
		name: "unsupported algorithm",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			setAuth(r, func(a string) string { return strings.Replace(a, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1) })
			return r
		},
		reason: ReasonUnsupportedAlgorithm,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "InvalidArgument 400"},
		msg:    "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
	},
	{
		name: "credential with four elements",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			setAuth(r, func(a string) string { return strings.Replace(a, "/aws4_request", "", 1) })
			return r
		},
		reason: ReasonMalformedCredential,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "AuthorizationHeaderMalformed 400"},
	},
	{
		name: "wrong terminator and date",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			setAuth(r, func(a string) string {
				return strings.Replace(strings.Replace(a, "/aws4_request", "/aws5_request", 1), "/20240517/", "/20240516/", 1)
			})
			return r
		},
		reason: ReasonScope,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "AuthorizationHeaderMalformed 400"},
		msg:    "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240516' != '20240517', from '20240517T123045Z'.",
		s3msg:  "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.",
	},
	{
		name:   "unknown access key",
		keys:   testKeys{},
		build:  func(t testing.TB, s string) *http.Request { return signed(t, s, permCreds, nil) },
		reason: ReasonUnknownKey,
		want:   [4]string{"InvalidClientTokenId 403", "UnrecognizedClientException 403", "UnrecognizedClientException 400", "InvalidAccessKeyId 403"},
		msg:    "The security token included in the request is invalid.",
		s3msg:  "The AWS Access Key Id you provided does not exist in our records.",
	},
	{
		name: "temporary key without token",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, tempCreds, nil)
			r.Header.Del("X-Amz-Security-Token")
			return r
		},
		reason: ReasonMissingToken,
		want:   [4]string{"InvalidClientTokenId 403", "UnrecognizedClientException 403", "UnrecognizedClientException 400", "InvalidAccessKeyId 403"},
	},
	{
		name: "temporary key with another token",
		build: func(t testing.TB, s string) *http.Request {
			return signed(t, s, aws.Credentials{AccessKeyID: testTempAKID, SecretAccessKey: testTempSecret, SessionToken: "other"}, nil)
		},
		reason: ReasonInvalidToken,
		want:   [4]string{"InvalidClientTokenId 403", "UnrecognizedClientException 403", "UnrecognizedClientException 400", "InvalidToken 400"},
	},
	{
		name: "long-term key with a token",
		build: func(t testing.TB, s string) *http.Request {
			return signed(t, s, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: "x"}, nil)
		},
		reason: ReasonInvalidToken,
		want:   [4]string{"InvalidClientTokenId 403", "UnrecognizedClientException 403", "UnrecognizedClientException 400", "InvalidToken 400"},
	},
	{
		name:   "expired session",
		keys:   testKeys{testTempAKID: {Secret: testTempSecret, SessionToken: testToken, Expires: signTime.Add(-time.Second)}},
		build:  func(t testing.TB, s string) *http.Request { return signed(t, s, tempCreds, nil) },
		reason: ReasonExpiredToken,
		want:   [4]string{"ExpiredToken 403", "ExpiredTokenException 403", "ExpiredTokenException 400", "ExpiredToken 400"},
		msg:    "The security token included in the request is expired",
		s3msg:  "The provided token has expired.",
	},
	{
		name: "wrong secret",
		build: func(t testing.TB, s string) *http.Request {
			return signed(t, s, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: "not-the-secret"}, nil)
		},
		reason: ReasonSignatureMismatch,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "SignatureDoesNotMatch 403"},
		msg:    msgSigMismatch,
		s3msg:  "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
	},
	{
		name: "signed header changed",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, func(r *http.Request) { r.Header.Set("X-Amz-Meta-Color", "blue") })
			r.Header.Set("X-Amz-Meta-Color", "red")
			return r
		},
		reason: ReasonSignatureMismatch,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "SignatureDoesNotMatch 403"},
	},
	{
		name: "path changed",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			r.RequestURI = "/other" + r.RequestURI
			return r
		},
		reason: ReasonSignatureMismatch,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "SignatureDoesNotMatch 403"},
	},
	{
		name: "query added",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			setQuery(r, func(string) string { return "x=1" })
			return r
		},
		reason: ReasonSignatureMismatch,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "SignatureDoesNotMatch 403"},
	},
	{
		name: "invalid query escape",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			setQuery(r, func(string) string { return "a=%zz" })
			return r
		},
		reason: ReasonMalformedQuery,
		want:   [4]string{"MalformedQueryString 404", "MalformedQueryString 400", "MalformedQueryString 400", "InvalidURI 400"},
		msg:    "Illegal hex character in escape % pattern: %zz",
	},
	{
		name: "s3 without x-amz-content-sha256",
		build: func(t testing.TB, s string) *http.Request {
			r := signed(t, s, permCreds, nil)
			r.Header.Del("X-Amz-Content-Sha256")
			return r
		},
		reason: ReasonMissingContentSHA256,
		want:   [4]string{"", "", "", "InvalidRequest 400"},
		s3msg:  "Missing required header for this request: x-amz-content-sha256",
	},
	{
		name: "s3 bad x-amz-content-sha256",
		build: func(t testing.TB, s string) *http.Request {
			return signed(t, s, permCreds, func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", "md5-please") })
		},
		reason: ReasonInvalidContentSHA256,
		want:   [4]string{"", "", "", "InvalidArgument 400"},
	},
	{
		name:   "presigned expired",
		offset: 901 * time.Second,
		build:  func(t testing.TB, s string) *http.Request { return presigned(t, s, permCreds, "900") },
		reason: ReasonPresignExpired,
		want:   [4]string{"RequestExpired 400", "RequestExpired 403", "RequestExpired 400", "AccessDenied 403"},
		s3msg:  "Request has expired",
	},
	{
		name:   "presigned in the future",
		offset: -20 * time.Minute,
		build:  func(t testing.TB, s string) *http.Request { return presigned(t, s, permCreds, "900") },
		reason: ReasonPresignNotYetValid,
		want:   [4]string{"SignatureDoesNotMatch 403", "InvalidSignatureException 403", "InvalidSignatureException 400", "AccessDenied 403"},
		s3msg:  "Request is not yet valid",
	},
	{
		name: "presigned without signature",
		build: func(t testing.TB, s string) *http.Request {
			r := presigned(t, s, permCreds, "900")
			setQuery(r, func(q string) string { i := strings.Index(q, "&X-Amz-Signature="); return q[:i] })
			return r
		},
		reason: ReasonIncompleteSignature,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "AuthorizationQueryParametersError 400"},
		msg:    "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.",
		s3msg:  "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
	},
	{
		name:   "presigned s3 without expires",
		build:  func(t testing.TB, s string) *http.Request { return presigned(t, s, permCreds, "") },
		reason: ReasonIncompleteSignature,
		want:   [4]string{"", "", "", "AuthorizationQueryParametersError 400"},
	},
	{
		name:   "presigned for over a week",
		build:  func(t testing.TB, s string) *http.Request { return presigned(t, s, permCreds, "604801") },
		reason: ReasonInvalidExpires,
		want:   [4]string{"IncompleteSignature 400", "IncompleteSignatureException 403", "IncompleteSignatureException 400", "AuthorizationQueryParametersError 400"},
		s3msg:  "X-Amz-Expires must be less than a week (in seconds) that is 604800",
	},
	{
		name: "presigned s3 with unsigned x-amz header",
		build: func(t testing.TB, s string) *http.Request {
			r := presigned(t, s, permCreds, "900")
			r.Header.Set("X-Amz-Server-Side-Encryption", "AES256")
			return r
		},
		reason: ReasonHeadersNotSigned,
		want:   [4]string{"", "", "", "AccessDenied 403"},
		s3msg:  "There were headers present in the request which were not signed",
	},
	{
		// x-amz-content-sha256 may go unsigned; others may not
		// (test_put_object_with_md5_and_chunk_signature_bad_headers).
		name: "presigned s3 with unsigned x-amz-content-sha256, x-amz-date and x-amz-decoded-content-length",
		build: func(t testing.TB, s string) *http.Request {
			r := presigned(t, s, permCreds, "900")
			r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
			r.Header.Set("X-Amz-Date", "20211122T191045Z")
			r.Header.Set("X-Amz-Decoded-Content-Length", "test")
			return r
		},
		reason:   ReasonHeadersNotSigned,
		want:     [4]string{"", "", "", "AccessDenied 403"},
		s3msg:    "There were headers present in the request which were not signed",
		s3fields: "[{HeadersNotSigned x-amz-date, x-amz-decoded-content-length false}]",
	},
	{
		name: "presigned temporary key without token",
		build: func(t testing.TB, s string) *http.Request {
			r := presigned(t, s, tempCreds, "900")
			setQuery(r, func(q string) string {
				var kept []string
				for _, p := range strings.Split(q, "&") {
					if !strings.HasPrefix(p, "X-Amz-Security-Token=") {
						kept = append(kept, p)
					}
				}
				return strings.Join(kept, "&")
			})
			return r
		},
		reason: ReasonMissingToken,
		want:   [4]string{"InvalidClientTokenId 403", "UnrecognizedClientException 403", "UnrecognizedClientException 400", "InvalidAccessKeyId 403"},
	},
}

func familyColumn(service string) int {
	switch service {
	case "iam", "sts":
		return 0
	case "lambda":
		return 1
	case "dynamodb", "logs":
		return 2
	}
	return 3
}

func TestErrorsPerService(t *testing.T) {
	for _, c := range errCases {
		for _, service := range allServices {
			col := familyColumn(service)
			if c.want[col] == "" {
				continue
			}
			t.Run(c.name+"/"+service, func(t *testing.T) {
				keys := c.keys
				if keys == nil {
					keys = defaultKeys()
				}
				r := c.build(t, service)
				_, err := newVerifier(c.offset).Verify(r, readBody(t, r, service), keys)
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Verify = %v, want *Error", err)
				}
				if e.Reason != c.reason {
					t.Fatalf("reason %v, want %v (%s)", e.Reason, c.reason, e.Message)
				}
				ae := e.AWS(service)
				if got := fmt.Sprintf("%s %d", ae.Code, ae.Status); got != c.want[col] {
					t.Errorf("AWS(%q) = %s, want %s", service, got, c.want[col])
				}
				if ae.Message == "" {
					t.Error("empty message")
				}
				if c.msg != "" && col == 0 && ae.Message != c.msg {
					t.Errorf("message\n got %q\nwant %q", ae.Message, c.msg)
				}
				if c.s3msg != "" && col == 3 && ae.Message != c.s3msg {
					t.Errorf("S3 message\n got %q\nwant %q", ae.Message, c.s3msg)
				}
				if c.s3fields != "" && col == 3 && fmt.Sprint(ae.Fields) != c.s3fields {
					t.Errorf("S3 fields %v, want %s", ae.Fields, c.s3fields)
				}
				if col != 3 && len(ae.Fields) != 0 {
					t.Errorf("fields %v outside S3", ae.Fields)
				}
				if !errors.Is(ae, e) && ae.Cause != e {
					t.Error("AWS error does not wrap the sigv4 error")
				}
			})
		}
	}
}

func readBody(t testing.TB, r *http.Request, service string) []byte {
	if service == "s3" {
		return nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every reason has a code in every family: the table has no holes.
func TestRulesComplete(t *testing.T) {
	for r := Reason(1); r < numReasons; r++ {
		if r.String() == "" || strings.HasPrefix(r.String(), "Reason(") {
			t.Errorf("reason %d has no name", r)
		}
		for f := family(0); f < numFamilies; f++ {
			c := rules[r].code[f]
			if c.Name == "" || c.Status < 400 {
				t.Errorf("%v: family %d has no code", r, f)
			}
		}
	}
}

func TestS3FieldsOfSignatureMismatch(t *testing.T) {
	r := signed(t, "s3", aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: "wrong"}, nil)
	_, err := newVerifier(0).Verify(r, nil, defaultKeys())
	ae := err.(*Error).AWS("s3")
	want := []string{"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes"}
	if len(ae.Fields) != len(want) {
		t.Fatalf("fields %v", ae.Fields)
	}
	for i, f := range ae.Fields {
		if f.Name != want[i] {
			t.Errorf("field %d = %s, want %s", i, f.Name, want[i])
		}
	}
	if !strings.HasPrefix(ae.Fields[1].Value, "AWS4-HMAC-SHA256\n20240517T123045Z\n20240517/us-east-1/s3/aws4_request\n") {
		t.Errorf("StringToSign = %q", ae.Fields[1].Value)
	}
	if !strings.HasPrefix(ae.Fields[3].Value, "41 57 53 34 ") {
		t.Errorf("StringToSignBytes = %q", ae.Fields[3].Value)
	}
	if !strings.HasPrefix(ae.Fields[4].Value, "GET\n/bucket/key\n\nhost:127.0.0.1:4566\n") {
		t.Errorf("CanonicalRequest = %q", ae.Fields[4].Value)
	}
}

func TestS3SkewFields(t *testing.T) {
	r := signed(t, "s3", permCreds, nil)
	_, err := newVerifier(time.Hour).Verify(r, nil, defaultKeys())
	ae := err.(*Error).AWS("s3")
	got := fieldsText(ae.Fields)
	want := "[{RequestTime 20240517T123045Z} {ServerTime 2024-05-17T13:30:45Z} {MaxAllowedSkewMilliseconds 900000}]"
	if got != want {
		t.Errorf("fields %s, want %s", got, want)
	}
}

func TestCheckPayload(t *testing.T) {
	body := []byte("hello")
	if err := CheckPayload(hexSHA256(body), body); err != nil {
		t.Fatal(err)
	}
	if err := CheckPayload(strings.ToUpper(hexSHA256(body)), body); err != nil {
		t.Fatal("upper-case hex refused:", err)
	}
	for _, v := range []string{UnsignedPayload, StreamingUnsignedPayloadTrailer} {
		if err := CheckPayload(v, body); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	err := CheckPayload(emptySHA256, body)
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonContentSHA256Mismatch {
		t.Fatalf("CheckPayload = %v", err)
	}
	ae := e.AWS("s3")
	if ae.Code != "XAmzContentSHA256Mismatch" || ae.Status != 400 || len(ae.Fields) != 2 ||
		ae.Fields[0].Value != emptySHA256 || ae.Fields[1].Value != hexSHA256(body) {
		t.Errorf("AWS = %+v", ae)
	}

	// The streaming form fails at the end, not before.
	rd := NewPayloadReader(emptySHA256, strings.NewReader("hello"))
	b, err := io.ReadAll(rd)
	if string(b) != "hello" || !errors.As(err, &e) || e.Reason != ReasonContentSHA256Mismatch {
		t.Errorf("NewPayloadReader: %q %v", b, err)
	}
	if b, err := io.ReadAll(NewPayloadReader(hexSHA256(body), strings.NewReader("hello"))); err != nil || string(b) != "hello" {
		t.Errorf("NewPayloadReader good: %q %v", b, err)
	}
}

func TestScope(t *testing.T) {
	r := signed(t, "lambda", permCreds, nil)
	if s, reg, ok := Scope(r); s != "lambda" || reg != "us-east-1" || !ok {
		t.Errorf("header: %q %q %v", s, reg, ok)
	}
	p := presigned(t, "s3", permCreds, "60")
	if s, reg, ok := Scope(p); s != "s3" || reg != "us-east-1" || !ok {
		t.Errorf("query: %q %q %v", s, reg, ok)
	}
	// A credential encoded twice keeps its scope, so that S3 answers it
	// (test_presigned_double_encoded_credentials).
	setQuery(p, func(q string) string { return strings.ReplaceAll(q, "%2F", "%252F") })
	if s, reg, ok := Scope(p); s != "s3" || reg != "us-east-1" || !ok {
		t.Errorf("query, credential encoded twice: %q %q %v", s, reg, ok)
	}
	if _, _, ok := Scope(serverSide(t, baseRequest(t, "iam"))); ok {
		t.Error("unsigned request has a scope")
	}
	bad := serverSide(t, baseRequest(t, "iam"))
	bad.Header.Set("Authorization", "Bearer x")
	if s, _, ok := Scope(bad); s != "" || !ok {
		t.Errorf("bearer: %q %v", s, ok)
	}
}

// A body handed to Verify for S3 is checked against x-amz-content-sha256,
// after the signature.
func TestS3BodyGivenToVerify(t *testing.T) {
	put := func(declared string) *http.Request {
		req, _ := http.NewRequest("PUT", "http://127.0.0.1:4566/bucket/k", strings.NewReader("abc"))
		req.Header.Set("X-Amz-Content-Sha256", declared)
		if err := v4.NewSigner().SignHTTP(context.Background(), permCreds, req, declared, "s3", "us-east-1", signTime, sdkOptions("s3")); err != nil {
			t.Fatal(err)
		}
		return serverSide(t, req)
	}
	if _, err := newVerifier(0).Verify(put(hexSHA256([]byte("abc"))), []byte("abc"), defaultKeys()); err != nil {
		t.Fatal(err)
	}
	_, err := newVerifier(0).Verify(put(emptySHA256), []byte("abc"), defaultKeys())
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonContentSHA256Mismatch {
		t.Fatalf("Verify = %v", err)
	}
	if ae := e.AWS("s3"); ae.Code != "XAmzContentSHA256Mismatch" {
		t.Errorf("code %s", ae.Code)
	}
}

// fieldsText prints error-body members as {Name Value} pairs, so that the
// tests compare what is written and not every flag of awserr.Field.
func fieldsText(fs []awserr.Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = "{" + f.Name + " " + f.Value + "}"
	}
	return "[" + strings.Join(parts, " ") + "]"
}
