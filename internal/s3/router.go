package s3

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/sigv4"
)

// Handler is S3's REST-XML endpoint: it finds the bucket and key (from the
// path or the Host), picks the operation from the method, the subresource
// query parameters and a few headers, and dispatches it through the door.
type Handler struct {
	s   *Service
	d   protocol.Dispatcher
	ops ops
}

// call is what the router hands an operation: the bucket and key it found,
// the query, and the bucket as the target step loaded it.
type call struct {
	bucket string
	key    string
	query  url.Values
	// b is the bucket as loaded for Target; nil when it does not exist.
	b *bucket
	// post is a browser POST upload's form (post.go).
	post *postForm
}

// Operations lists every S3 operation.
func (h *Handler) Operations() []*protocol.Op {
	all := h.ops.all()
	out := make([]*protocol.Op, len(all))
	for i, o := range all {
		out[i] = o.Op()
	}
	return out
}

// ServeAWS routes and runs one S3 request.
func (h *Handler) ServeAWS(w http.ResponseWriter, r *protocol.Request) {
	// S3 request ids are 16 hex digits, not UUIDs; the decision log and
	// every later message use this one.
	r.ID = newRequestID()
	if r.Context == nil {
		r.Context = policy.NewContext(8)
	}
	bucket, key, err := h.s.address(r.HTTP)
	if err != nil {
		writeError(w, r, err)
		return
	}
	q, err := url.ParseQuery(r.HTTP.URL.RawQuery)
	if err != nil {
		writeError(w, r, invalidArgument(msgInvalidQueryString, "query", r.HTTP.URL.RawQuery))
		return
	}
	c := &call{bucket: bucket, key: key, query: q}
	op, err := h.ops.pick(r.HTTP, bucket, key, q)
	if err != nil {
		// A configuration seki does not serve, of a bucket that does not
		// exist, is NoSuchBucket, as S3 answers anyone a missing bucket
		// (test_bucket_availability).
		if bucket != "" && h.s.lookup(bucket) == nil && awserr.As(err) != nil && awserr.As(err).Code == errNotImplemented.Name {
			err = noSuchBucket(bucket)
		}
		writeError(w, r, err)
		return
	}
	addAuthKeys(r, q)
	res, err := protocol.DispatchRouted(r.HTTP.Context(), &h.d, r, op, c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("X-Amz-Request-Id", r.ID)
	hdr.Set("X-Amz-Id-2", hostID(r.ID))
	hdr.Set("Server", "AmazonS3")
	if rs, ok := res.(protocol.Responder); ok {
		rs.Respond(w, r)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// address finds the bucket and key of a request. Virtual-hosted-style
// requests name the bucket in the Host (BUCKET.localhost, BUCKET.s3.HOST,
// BUCKET.s3.REGION.amazonaws.com) and the key is the whole path; otherwise
// the first path segment is the bucket. Keys are taken from the raw path
// and percent-decoded once, so "+", "%", "//" and ".." survive as sent.
func (s *Service) address(hr *http.Request) (bucket, key string, err error) {
	escaped := hr.URL.EscapedPath()
	if hb, ok := s.hostBucket(hr.Host); ok {
		k := strings.TrimPrefix(escaped, "/")
		key, err := url.PathUnescape(k)
		if err != nil {
			return "", "", invalidArgument(msgInvalidUri, "uri", escaped)
		}
		return hb, key, nil
	}
	p := strings.TrimPrefix(escaped, "/")
	if p == "" {
		return "", "", nil
	}
	b, k, _ := strings.Cut(p, "/")
	if bucket, err = url.PathUnescape(b); err != nil {
		return "", "", invalidArgument(msgInvalidUri, "uri", escaped)
	}
	if key, err = url.PathUnescape(k); err != nil {
		return "", "", invalidArgument(msgInvalidUri, "uri", escaped)
	}
	return bucket, key, nil
}

// HostBucket returns the bucket a virtual-hosted-style Host names; SigV2
// verification needs it, as SigV2 signs the bucket as part of the path.
func (s *Service) HostBucket(host string) (string, bool) { return s.hostBucket(host) }

// hostBucket returns the bucket a virtual-hosted-style Host names.
func (s *Service) hostBucket(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(host) != nil {
		return "", false
	}
	for _, base := range s.baseHosts() {
		if host == base {
			return "", false
		}
		if !strings.HasSuffix(host, "."+base) {
			continue
		}
		prefix := host[:len(host)-len(base)-1]
		return bucketFromPrefix(prefix)
	}
	return "", false
}

// baseHosts are the endpoint names bucket subdomains hang off.
func (s *Service) baseHosts() []string {
	if len(s.opts.Hosts) == 0 {
		return defaultHosts
	}
	return append(append([]string(nil), s.opts.Hosts...), defaultHosts...)
}

var defaultHosts = []string{"localhost", "amazonaws.com", "amazonaws.com.cn"}

// bucketFromPrefix reads what comes before the base host: "s3",
// "s3.us-east-1", "s3-us-west-2" and "s3.dualstack.REGION" are the service
// endpoint itself (path style); "BUCKET.s3[.REGION...]" and, under
// localhost, a bare "BUCKET" name a bucket.
func bucketFromPrefix(prefix string) (string, bool) {
	if isS3Label(prefix) {
		return "", false
	}
	labels := strings.Split(prefix, ".")
	for i := 1; i < len(labels); i++ {
		if isS3Label(strings.Join(labels[i:], ".")) {
			return strings.Join(labels[:i], "."), true
		}
	}
	return prefix, true
}

// isS3Label reports whether p is an S3 endpoint prefix: "s3", "s3.REGION",
// "s3-REGION", "s3.dualstack.REGION", "s3-website...".
func isS3Label(p string) bool {
	first, _, _ := strings.Cut(p, ".")
	if first == "s3" {
		return true
	}
	rest, ok := strings.CutPrefix(first, "s3-")
	if !ok {
		return false
	}
	// A bucket may itself be called "s3-something"; only the endpoint
	// forms count: s3-REGION, s3-external-1, s3-website-REGION, s3-fips...
	return looksLikeRegion(rest) || rest == "external-1" || rest == "accelerate" ||
		strings.HasPrefix(rest, "website") || strings.HasPrefix(rest, "fips")
}

// looksLikeRegion matches region names such as us-east-1, eu-central-2,
// us-gov-west-1, cn-north-1.
func looksLikeRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	last := parts[len(parts)-1]
	if last == "" {
		return false
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < 'a' || p[i] > 'z' {
				return false
			}
		}
	}
	return true
}

// addAuthKeys sets the S3 condition keys every request carries.
func addAuthKeys(r *protocol.Request, q url.Values) {
	hr := r.HTTP
	authType, version := "REST-HEADER", sigv4.Algorithm
	if sig := r.Signature; sig != nil {
		if sig.Presigned {
			authType = "REST-QUERY-STRING"
			// A SigV2 presigner (boto3's) carries the object's metadata in
			// the query string, signed as headers: S3 stores it as sent in
			// headers.
			// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedUrl::test_put_unicode_metadata_with_sig_s3
			for k, vs := range q {
				if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-meta-") && hr.Header.Get(k) == "" {
					hr.Header[http.CanonicalHeaderKey(lk)] = vs
				}
			}
		}
		if sig.Algorithm != "" {
			version = sig.Algorithm
		}
	}
	r.Context.Set("s3:authType", authType)
	r.Context.Set("s3:signatureversion", version)
	if v := hr.Header.Get("X-Amz-Content-Sha256"); v != "" {
		r.Context.Set("s3:x-amz-content-sha256", v)
	}
}

// expectedOwner applies x-amz-expected-bucket-owner (and, for copies,
// x-amz-source-expected-bucket-owner): a bucket owned by another account
// is refused with 403. It runs after authorization, so that a caller who
// may not use the bucket cannot learn its owner by guessing.
func expectedOwner(b *bucket, want string) error {
	if want == "" {
		return nil
	}
	if !isAccountID(want) {
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_delete_bucket_policy_expected_bucket_owner
		return errInvalidBucketOwner.Errorf(msgInvalidBucketOwnerFmt, want)
	}
	if b == nil || b.account == want {
		return nil
	}
	return errAccessDenied.New(msgAccessDenied)
}

// isAccountID reports whether s is twelve digits.
func isAccountID(s string) bool {
	return len(s) == 12 && allDigits(s)
}
