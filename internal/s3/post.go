package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/sigv4"
)

// Browser POST uploads (PostObject): a multipart/form-data POST to a
// bucket whose form fields, before the file, say what to store and carry
// the credentials: a policy document (base64 JSON: an expiration and
// conditions on the fields) signed with SigV4 or SigV2, or nothing, for an
// anonymous upload. The form is untrusted input read as it streams: the
// fields before the file are bounded (maxPostFields), the file goes to the
// store as PutObject's body does.
//
// The signature is the server's to verify (PostVerifier: the same SigV4
// verifier and identities as every request); the policy, its conditions
// and the fields are S3's. The upload is then authorized through the door
// as s3:PutObject on the object, by the signer or anonymously.

// PostVerifier authenticates the signature of a POST upload's form and
// returns the caller it names.
type PostVerifier func(ctx context.Context, r *protocol.Request, f sigv4.PostForm) (*authz.Caller, error)

// maxPostFields bounds the form fields before the file, as S3 bounds them
// (MaxPostPreDataLengthExceeded).
const maxPostFields = 20 << 10

// postForm is a POST upload's fields (names lower-cased, in order) and
// the file part that follows them.
type postForm struct {
	names  []string // as sent
	fields map[string]string
	file   *multipart.Part
	// cond is what the policy asks of the upload after its fields:
	// content-length-range (min, max; hasRange false when none).
	hasRange bool
	min, max int64
}

func (f *postForm) get(name string) (string, bool) {
	v, ok := f.fields[strings.ToLower(name)]
	return v, ok
}

// IsPostUpload reports whether hr is a browser POST upload: a POST to a
// bucket itself with no subresource (a form carries its own credentials,
// so it arrives unsigned).
func (h *Handler) IsPostUpload(hr *http.Request) bool {
	if hr.Method != http.MethodPost {
		return false
	}
	bucket, key, err := h.s.address(hr)
	return err == nil && bucket != "" && key == "" && hr.URL.RawQuery == ""
}

// ServePost serves a browser POST upload; verify authenticates its
// signature. r carries the request's context keys and time.
func (h *Handler) ServePost(w http.ResponseWriter, r *protocol.Request, verify PostVerifier) {
	r.ID = newRequestID()
	if r.Context == nil {
		r.Context = policy.NewContext(8)
	}
	bucket, _, _ := h.s.address(r.HTTP)
	c := &call{bucket: bucket, query: url.Values{}}
	f, err := h.s.readPostForm(r, c, verify)
	if err == nil {
		c.post = f
		var res any
		if res, err = protocol.DispatchRouted(r.HTTP.Context(), &h.d, r, h.ops.postObject, c); err == nil {
			hdr := w.Header()
			hdr.Set("X-Amz-Request-Id", r.ID)
			hdr.Set("X-Amz-Id-2", hostID(r.ID))
			hdr.Set("Server", "AmazonS3")
			res.(protocol.Responder).Respond(w, r)
			return
		}
	}
	if r.Caller == nil {
		r.Caller = anonymousCaller
	}
	writeError(w, r, err)
}

var anonymousCaller = &authz.Caller{Principal: policy.Principal{Type: policy.Anonymous}}

// readPostForm reads the form up to the file, checks its signature fields
// in S3's order, authenticates them and judges the policy.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_request_missing_fields[s3v4]
func (s *Service) readPostForm(r *protocol.Request, c *call, verify PostVerifier) (*postForm, error) {
	mt, params, err := mime.ParseMediaType(r.HTTP.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_with_wrong_content_type
		return nil, preconditionFailed(msgPostEnclosure)
	}
	if s.lookup(c.bucket) == nil {
		return nil, noSuchBucket(c.bucket)
	}
	f, err := parsePostForm(multipart.NewReader(r.HTTP.Body, params["boundary"]))
	if err != nil {
		return nil, err
	}
	pf, signed, err := postSignature(f)
	if err != nil {
		return nil, err
	}
	r.Caller = anonymousCaller
	if signed {
		caller, err := verify(r.HTTP.Context(), r, pf)
		if err != nil {
			return nil, err
		}
		r.Caller = caller
		if err := f.judgePolicy(pf.Policy, c.bucket, r.Now); err != nil {
			return nil, err
		}
	}
	key, ok := f.get("key")
	if !ok {
		return nil, missingPostField("key")
	}
	// ${filename} is the file part's filename; a part without one (a
	// file sent as a plain field) leaves the key as written.
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_with_file_as_string
	c.key = key
	if fn := f.file.FileName(); fn != "" {
		c.key = strings.ReplaceAll(key, "${filename}", fn)
	}
	if err := checkKey(c.key); err != nil {
		return nil, err
	}
	if c.key == "" {
		return nil, errInvalidArgument.New(msgPostEmptyKey).With("ArgumentName", "key").With("ArgumentValue", "")
	}
	return f, nil
}

// parsePostForm reads the fields before the file part.
func parsePostForm(mr *multipart.Reader) (*postForm, error) {
	f := &postForm{fields: map[string]string{}}
	size := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, errInvalidArgument.New(msgPostNoFile).With("ArgumentName", "file").With("ArgumentValue", "0")
		}
		if err != nil {
			return nil, malformedPost()
		}
		name := p.FormName()
		if strings.EqualFold(name, "file") {
			f.file = p
			return f, nil
		}
		v, err := io.ReadAll(io.LimitReader(p, int64(maxPostFields-size+1)))
		if err != nil {
			return nil, malformedPost()
		}
		size += len(name) + len(v)
		if size > maxPostFields {
			return nil, errMaxPostPreData.New(msgPostPreDataTooLong)
		}
		lower := strings.ToLower(name)
		if _, dup := f.fields[lower]; !dup {
			f.names = append(f.names, name)
		}
		f.fields[lower] = string(v)
	}
}

// postSignature reads the signature fields: SigV4's when any of them is
// there, else SigV2's, else none (an anonymous upload). A version's field
// missing is named in S3's order.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_request_missing_signature[s3]
func postSignature(f *postForm) (sigv4.PostForm, bool, error) {
	var pf sigv4.PostForm
	has := func(n string) bool { _, ok := f.get(n); return ok }
	need := func(names ...string) error {
		for _, n := range names {
			if !has(n) {
				return missingPostField(n)
			}
		}
		return nil
	}
	pf.Policy, _ = f.get("policy")
	pf.SecurityToken, _ = f.get("x-amz-security-token")
	switch {
	case has("x-amz-algorithm") || has("x-amz-credential") || has("x-amz-date") || has("x-amz-signature"):
		if err := need("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature", "Policy"); err != nil {
			return pf, false, err
		}
		pf.Algorithm, _ = f.get("x-amz-algorithm")
		pf.Credential, _ = f.get("x-amz-credential")
		pf.Date, _ = f.get("x-amz-date")
		pf.Signature, _ = f.get("x-amz-signature")
	case has("awsaccesskeyid") || has("signature"):
		if err := need("AWSAccessKeyId", "Signature", "Policy"); err != nil {
			return pf, false, err
		}
		pf.V2 = true
		pf.AccessKeyID, _ = f.get("awsaccesskeyid")
		pf.Signature, _ = f.get("signature")
	default:
		return pf, false, nil
	}
	return pf, true, nil
}

func missingPostField(name string) *awserr.Error {
	return errInvalidArgument.Errorf(msgPostMissingFieldFmt, name).With("ArgumentName", name).With("ArgumentValue", "")
}

// postPolicy is the policy document.
type postPolicy struct {
	Expiration *string           `json:"expiration"`
	Conditions []json.RawMessage `json:"conditions"`
}

// judgePolicy checks the policy document: its form, its expiration, each
// condition against the fields, and that every field is covered by one.
func (f *postForm) judgePolicy(b64 string, bucket string, now time.Time) error {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return invalidPolicy(msgPostPolicyJSON)
	}
	var p postPolicy
	if err := json.Unmarshal(raw, &p); err != nil {
		return invalidPolicy(msgPostPolicyJSON)
	}
	if p.Expiration == nil {
		return invalidPolicy(msgPostPolicyNoExpiration)
	}
	exp, err := time.Parse(time.RFC3339, *p.Expiration)
	if err != nil {
		return invalidPolicy(msgPostPolicyExpirationFmt + *p.Expiration + "'")
	}
	if p.Conditions == nil {
		return invalidPolicy(msgPostPolicyNoConditions)
	}
	conds := make([][]any, 0, len(p.Conditions))
	for _, rc := range p.Conditions {
		c, err := parseCondition(rc)
		if err != nil {
			return err
		}
		conds = append(conds, c)
	}
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_request_expires
	if !now.Before(exp) {
		return errAccessDenied.New(msgPostPolicyExpired)
	}
	covered := map[string]bool{}
	for _, c := range conds {
		if err := f.check(c, bucket, covered); err != nil {
			return err
		}
	}
	for _, n := range f.names {
		l := strings.ToLower(n)
		if covered[l] || strings.HasPrefix(l, "x-ignore-") {
			continue
		}
		switch l {
		case "policy", "x-amz-signature", "signature", "awsaccesskeyid", "file":
			continue
		}
		return errAccessDenied.New(msgPostExtraFields + n)
	}
	return nil
}

func invalidPolicy(msg string) *awserr.Error { return errInvalidPolicyDocument.New(msg) }

// parseCondition reads one condition as an array: a simple condition
// {"field": "value"} becomes ["eq", "$field", "value"].
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_policy_conditions_validation_eq
func parseCondition(rc json.RawMessage) ([]any, error) {
	d := json.NewDecoder(bytes.NewReader(rc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, invalidPolicy(msgPostPolicyJSON)
	}
	switch c := v.(type) {
	case map[string]any:
		if len(c) != 1 {
			return nil, invalidPolicy(msgPostSimpleCondition)
		}
		for k, val := range c {
			s, ok := val.(string)
			if !ok {
				return nil, invalidPolicy(msgPostSimpleCondition)
			}
			return []any{"eq", "$" + k, s}, nil
		}
	case []any:
		if len(c) == 3 {
			if op, ok := c[0].(string); ok {
				switch strings.ToLower(op) {
				case "eq", "starts-with", "content-length-range":
					return c, nil
				}
			}
		}
	}
	return nil, invalidPolicy(msgPostConditionForm)
}

// check judges one condition; covered collects the fields it names.
func (f *postForm) check(c []any, bucket string, covered map[string]bool) error {
	op := strings.ToLower(c[0].(string))
	failed := func() error { return errAccessDenied.New(msgPostConditionFailed + conditionText(c)) }
	if op == "content-length-range" {
		lo, ok1 := lengthBound(c[1])
		hi, ok2 := lengthBound(c[2])
		if !ok1 || !ok2 {
			return failed()
		}
		f.hasRange, f.min, f.max = true, lo, hi
		return nil
	}
	field, ok1 := c[1].(string)
	want, ok2 := c[2].(string)
	name, dollar := strings.CutPrefix(field, "$")
	if !ok1 || !ok2 || !dollar {
		return failed()
	}
	name = strings.ToLower(name)
	covered[name] = true
	got, _ := f.get(name)
	if name == "bucket" {
		got = bucket
	}
	if op == "eq" && got != want || op == "starts-with" && !strings.HasPrefix(got, want) {
		return failed()
	}
	return nil
}

// lengthBound reads a content-length-range bound: a number, or a string
// holding one.
func lengthBound(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// conditionText writes a condition as S3 quotes it in its refusal:
// ["eq", "$field", "value"].
func conditionText(c []any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range c {
		if i > 0 {
			b.WriteString(", ")
		}
		j, _ := json.Marshal(v)
		b.Write(j)
	}
	b.WriteByte(']')
	return b.String()
}

func malformedPost() *awserr.Error { return errMalformedPOSTRequest.New(msgMalformedPOST) }

// postTarget names the object a POST upload writes.
func (s *Service) postTarget(ctx context.Context, r *protocol.Request, c *call) (protocol.Target, error) {
	return s.objectTarget(ctx, r, c)
}

// postObject stores the file of an authorized POST upload.
func (s *Service) postObject(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	f := c.post
	// The fields that describe the object are read as PutObject reads its
	// headers.
	h := http.Header{}
	for _, n := range f.names {
		l := strings.ToLower(n)
		if l == "content-type" || strings.HasPrefix(l, "x-amz-meta-") || l == "x-amz-storage-class" || l == "cache-control" ||
			l == "content-disposition" || l == "content-encoding" || l == "expires" || strings.HasPrefix(l, "x-amz-object-lock-") {
			h.Set(n, f.fields[l])
		}
	}
	contentType, headers, meta, err := objectHeaders(h)
	if err != nil {
		return nil, err
	}
	lock, err := writeLock(h, b, r.Now)
	if err != nil {
		return nil, err
	}
	var tags []bucketTag
	if v, ok := f.get("tagging"); ok {
		if tags, err = postTagging(v); err != nil {
			return nil, err
		}
	}
	o := &object{bucket: b.name, key: c.key, owner: r.Account(), contentType: contentType, headers: headers, meta: meta,
		checksumType: "FULL_OBJECT", checksumAlgo: algoCRC64NVME, tags: tags}
	hr := &hashingReader{r: io.LimitReader(f.file, maxObjectSize+1), md5: md5.New(), ck: algoCRC64NVME.new()}
	if err := s.storeContent(o, hr, -1); err != nil {
		return nil, malformedPostOr(err)
	}
	if f.hasRange && (o.size > f.max || o.size < f.min) || o.size > maxObjectSize {
		s.removeBlobs([]string{o.blob})
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_policy_validation_size
		if o.size < f.min {
			return nil, errEntityTooSmall.New(msgPostTooSmall).With("ProposedSize", strconv.FormatInt(o.size, 10)).With("MinSizeAllowed", strconv.FormatInt(f.min, 10))
		}
		max := int64(maxObjectSize)
		if f.hasRange && f.max < max {
			max = f.max
		}
		return nil, errEntityTooLarge.New(msgYourProposedUploadExceeds).With("ProposedSize", strconv.FormatInt(o.size, 10)).With("MaxSizeAllowed", strconv.FormatInt(max, 10))
	}
	o.etag = hexString(hr.md5.Sum(nil))
	o.checksum = base64.StdEncoding.EncodeToString(hr.ck.Sum(nil))
	o.modified = r.Now.UTC().Truncate(time.Millisecond)
	lock.stamp(b, o)
	if err := s.commitObject(ctx, r, b, o, writeCond{}, "ObjectCreated:Post"); err != nil {
		return nil, err
	}
	res := &postResult{bucket: b.name, key: o.key, etag: o.quotedETag(), version: o.reportedVersion(), checksum: o.checksum, status: http.StatusNoContent}
	res.location = postLocation(r.HTTP, b.name, o.key)
	if v, _ := f.get("success_action_redirect"); v != "" {
		if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			q := u.Query()
			q.Set("bucket", b.name)
			q.Set("key", o.key)
			q.Set("etag", o.quotedETag())
			u.RawQuery = q.Encode()
			res.redirect, res.status = u.String(), http.StatusSeeOther
			return res, nil
		}
	}
	switch v, _ := f.get("success_action_status"); v {
	case "200":
		res.status = http.StatusOK
	case "201":
		res.status = http.StatusCreated
	}
	return res, nil
}

// malformedPostOr is a file part that could not be read: a form cut
// short is MalformedPOSTRequest, other failures keep their own answer.
func malformedPostOr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return malformedPost()
	}
	return err
}

// postTagging reads the tagging field: a Tagging document. A document
// that is not XML is refused; one of another root gives no tags.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_with_tags[invalid]
func postTagging(v string) ([]bucketTag, error) {
	tags, err := parseTagging([]byte(v))
	if err == nil {
		return tags, nil
	}
	root, ok := xmlRoot([]byte(v))
	if !ok {
		return nil, malformedXML()
	}
	if root == "Tagging" {
		return nil, err
	}
	return nil, nil
}

// xmlRoot returns the root element's name of a well-formed document.
func xmlRoot(b []byte) (string, bool) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root, root != ""
		}
		if err != nil {
			return "", false
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
}

// postLocation is the uploaded object's URL, as S3 answers it.
func postLocation(hr *http.Request, bucket, key string) string {
	scheme := "http"
	if hr.TLS != nil {
		scheme = "https"
	}
	host := hr.Host
	if strings.HasPrefix(host, bucket+".") {
		return scheme + "://" + host + "/" + URIEncodeKey(key)
	}
	return scheme + "://" + host + "/" + bucket + "/" + URIEncodeKey(key)
}

// URIEncodeKey percent-encodes a key for a URL path, keeping '/'.
func URIEncodeKey(key string) string { return sigv4.URIEncode(key, true) }

// postResult is a POST upload's answer: 204 by default, 200 or 201 as
// success_action_status asks (201 with a PostResponse document), or a 303
// to success_action_redirect.
type postResult struct {
	bucket, key, etag, version, checksum string
	location, redirect                   string
	status                               int
}

func (p *postResult) Respond(w http.ResponseWriter, r *protocol.Request) {
	h := w.Header()
	h.Set("Etag", p.etag)
	h.Set("X-Amz-Server-Side-Encryption", "AES256")
	h.Set("X-Amz-Checksum-Crc64nvme", p.checksum)
	h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	if p.version != "" {
		h.Set("X-Amz-Version-Id", p.version)
	}
	if p.redirect != "" {
		h.Set("Location", p.redirect)
		w.WriteHeader(p.status)
		return
	}
	h.Set("Location", p.location)
	if p.status != http.StatusCreated {
		w.WriteHeader(p.status)
		return
	}
	var x xmlBuilder
	x.header()
	x.WriteString("<PostResponse>")
	x.elem("Location", p.location)
	x.elem("Bucket", p.bucket)
	x.elem("Key", p.key)
	x.elem("ETag", p.etag)
	x.close("PostResponse")
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(x.Len()))
	w.WriteHeader(http.StatusCreated)
	w.Write(x.Bytes())
}
