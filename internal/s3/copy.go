package s3

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
)

// copySource is a parsed x-amz-copy-source.
type copySource struct {
	bucket, key, version string
}

// parseCopySource reads "[/]bucket/key[?versionId=V]", URL-encoded.
func parseCopySource(v string) (copySource, error) {
	// AWS names the header, not its value, as the argument's value.
	bad := invalidArgument(msgCopySourceMustMention, "x-amz-copy-source", "x-amz-copy-source")
	raw, query, _ := strings.Cut(v, "?")
	raw = strings.TrimPrefix(raw, "/")
	b, k, ok := strings.Cut(raw, "/")
	if !ok || b == "" || k == "" {
		return copySource{}, bad
	}
	var cs copySource
	var err error
	if cs.bucket, err = url.PathUnescape(b); err != nil {
		return copySource{}, bad
	}
	if cs.key, err = url.PathUnescape(k); err != nil {
		return copySource{}, bad
	}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return copySource{}, bad
		}
		cs.version = q.Get("versionId")
	}
	return cs, nil
}

// readSource authorizes s3:GetObject on a copy source (with the source
// bucket's policy and owner) and loads it. A missing source key follows
// the disclosure rule for the source bucket.
func (s *Service) readSource(ctx context.Context, r *protocol.Request) (*object, copySource, error) {
	cs, err := parseCopySource(r.HTTP.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return nil, cs, err
	}
	if err := checkKey(cs.key); err != nil {
		return nil, cs, err
	}
	sb := s.lookup(cs.bucket)
	if err := expectedOwner(sb, r.HTTP.Header.Get("X-Amz-Source-Expected-Bucket-Owner")); err != nil {
		return nil, cs, err
	}
	if sb == nil {
		return nil, cs, noSuchBucket(cs.bucket)
	}
	t := protocol.Target{Resource: objectARN(cs.bucket, cs.key), Account: sb.account, Policy: restrictedPolicy(sb, callerPrincipal(r))}
	// Copying a named version reads it with s3:GetObjectVersion.
	action := "s3:GetObject"
	if cs.version != "" {
		action = "s3:GetObjectVersion"
	}
	if err := r.Authorize(ctx, action, t, nil); err != nil {
		return nil, cs, err
	}
	if cs.version != "" && !validVersionID(cs.version) {
		return nil, cs, invalidVersionID("x-amz-copy-source", r.HTTP.Header.Get("X-Amz-Copy-Source"))
	}
	o, err := s.readVersion(ctx, r, sb, cs.key, cs.version, cs.version != "")
	if err != nil {
		return nil, cs, err
	}
	if err := copyConditions(r.HTTP.Header, o, r.Now); err != nil {
		return nil, cs, err
	}
	// An SSE-C source is read with its key, sent as the copy source's.
	if err := checkReadKey(r.HTTP.Header, o.headers, true); err != nil {
		return nil, cs, err
	}
	if err := s.kmsRead(ctx, r, sb, o.headers); err != nil {
		return nil, cs, err
	}
	// An archived source is copied only once restored, as GetObject
	// reads it.
	// source: doc https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
	if err := unreadable(o, r.Now); err != nil {
		return nil, cs, err
	}
	return o, cs, nil
}

// copyConditions applies x-amz-copy-source-if-*: any that fails is
// PreconditionFailed (a copy never answers 304). An If-Modified-Since in
// the future is ignored, as AWS ignores it.
// source: snapshot tests/aws/services/s3/test_s3_preconditions.snapshot.json#tests/aws/services/s3/test_s3_preconditions.py::TestS3CopySourcePreconditions::test_s3_copy_object_preconditions
func copyConditions(h http.Header, o *object, now time.Time) error {
	etag, mod := o.quotedETag(), o.modified.Truncate(time.Second)
	if v := h.Get("X-Amz-Copy-Source-If-Match"); v != "" {
		if !etagMatches(v, etag) {
			return preconditionFailed("x-amz-copy-source-If-Match")
		}
	} else if v := h.Get("X-Amz-Copy-Source-If-Unmodified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && mod.After(t) {
			return preconditionFailed("x-amz-copy-source-If-Unmodified-Since")
		}
	}
	if v := h.Get("X-Amz-Copy-Source-If-None-Match"); v != "" {
		if etagMatches(v, etag) {
			return preconditionFailed("x-amz-copy-source-If-None-Match")
		}
	} else if v := h.Get("X-Amz-Copy-Source-If-Modified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && !t.After(now) && !mod.After(t) {
			return preconditionFailed("x-amz-copy-source-If-Modified-Since")
		}
	}
	return nil
}

// hashingReader hashes what passes through it.
type hashingReader struct {
	r   io.Reader
	md5 hash.Hash
	ck  hash.Hash
}

func (h *hashingReader) Read(b []byte) (int, error) {
	n, err := h.r.Read(b)
	h.md5.Write(b[:n])
	if h.ck != nil {
		h.ck.Write(b[:n])
	}
	return n, err
}

// copyObject copies an object, server side.
func (s *Service) copyObject(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	hdr := r.HTTP.Header
	acl, err := s.writeACL(r, b)
	if err != nil {
		return nil, err
	}
	directive := hdr.Get("X-Amz-Metadata-Directive")
	if directive == "" {
		directive = "COPY"
	}
	if directive != "COPY" && directive != "REPLACE" {
		return nil, invalidArgument(msgUnknownMetadataDirective, "x-amz-metadata-directive", directive)
	}
	tagDirective := hdr.Get("X-Amz-Tagging-Directive")
	if tagDirective == "" {
		tagDirective = "COPY"
	}
	if tagDirective != "COPY" && tagDirective != "REPLACE" {
		return nil, invalidArgument(msgUnknownTaggingDirective, "x-amz-tagging-directive", tagDirective)
	}
	// With REPLACE the copy has the tags x-amz-tagging gives (none
	// without it); with COPY the source's, and x-amz-tagging is ignored.
	var tags []bucketTag
	if tagDirective == "REPLACE" {
		if tags, err = s.writeTags(ctx, r, b, c.key); err != nil {
			return nil, err
		}
	}
	cond, err := writeConditions(hdr)
	if err != nil {
		return nil, err
	}
	lock, err := writeLock(hdr, b, r.Now)
	if err != nil {
		return nil, err
	}
	src, cs, err := s.readSource(ctx, r)
	if err != nil {
		return nil, err
	}
	if src.size > maxObjectSize {
		return nil, errInvalidRequest.Errorf(msgCopySourceTooLargeFmt, maxObjectSize)
	}
	algo := algoNone
	if v := hdr.Get("X-Amz-Checksum-Algorithm"); v != "" {
		a, ok := parseAlgo(v)
		if !ok {
			return nil, invalidArgument(msgInvalidChecksumAlgorithm, "x-amz-checksum-algorithm", v)
		}
		algo = a
	}
	// Copying an earlier version onto its key is how a version is restored;
	// only a copy of the current version onto itself must change something.
	// A copy naming no encryption is encrypted as the bucket's default says,
	// which changes an SSE-KMS object whose key is not that default's
	// (recorded: test_s3_copy_object_in_place_with_encryption, an SSE-KMS
	// object copied onto itself without headers becomes AES256).
	if cs.bucket == b.name && cs.key == c.key && src.latest && directive == "COPY" && algo == algoNone &&
		hdr.Get("X-Amz-Storage-Class") == "" && hdr.Get("X-Amz-Website-Redirect-Location") == "" &&
		hdr.Get("X-Amz-Server-Side-Encryption") == "" && !defaultChangesKey(b, src.headers) {
		return nil, errInvalidRequest.New(msgThisCopyRequestIs)
	}
	if algo == algoNone {
		algo = algoCRC64NVME
		if src.checksumType == "FULL_OBJECT" && src.checksumAlgo != algoNone {
			algo = src.checksumAlgo
		}
	}
	if tagDirective == "COPY" {
		tags = src.tags
	}
	o := &object{bucket: b.name, key: c.key, owner: r.Account(), checksumType: "FULL_OBJECT", checksumAlgo: algo, tags: tags, acl: acl}
	if directive == "COPY" {
		// The copy's class is the one the request names, else STANDARD:
		// not the source's.
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_copy_object_storage_class
		o.contentType, o.meta = src.contentType, src.meta
		if o.headers, err = withStorageClass(withoutHeaders(withoutLock(withoutSSE(src.headers)), hRestore, "X-Amz-Storage-Class"), hdr); err != nil {
			return nil, err
		}
	} else if o.contentType, o.headers, o.meta, err = objectHeaders(hdr); err != nil {
		return nil, err
	}
	// The copy is SSE-C with the key the request gives for it, if any.
	if sum, err := customerKey(hdr, false, true); err != nil {
		return nil, err
	} else if sum != "" {
		o.headers = append(o.headers, ssecHeaders(sum)...)
	} else if enc, err := s.kmsWrite(ctx, r, b, hdr); err != nil {
		return nil, err
	} else {
		o.headers = append(o.headers, enc...)
	}
	body, err := s.content(src)
	if err != nil {
		return nil, err
	}
	hr := &hashingReader{r: body, md5: md5.New(), ck: algo.new()}
	err = s.storeContent(o, hr, src.size)
	body.Close()
	if err != nil {
		return nil, err
	}
	o.etag = hexString(hr.md5.Sum(nil))
	o.checksum = base64.StdEncoding.EncodeToString(hr.ck.Sum(nil))
	o.modified = r.Now.UTC().Truncate(time.Millisecond)
	lock.stamp(b, o)
	if err := s.commitObject(ctx, r, b, o, cond, "ObjectCreated:Copy"); err != nil {
		return nil, err
	}
	var x xmlBuilder
	x.header()
	x.root("CopyObjectResult")
	x.elem("ETag", o.quotedETag())
	x.elemTime("LastModified", o.modified)
	x.elem("ChecksumType", o.checksumType)
	x.elem("Checksum"+o.checksumAlgo.String(), o.checksum)
	x.close("CopyObjectResult")
	res := &copyResult{x: &x, enc: o.headers}
	// A copy names the version it made wherever versioning is configured,
	// "null" included, and the source version unless it is the null one
	// (test_s3_copy_object_in_place_versioned).
	if s.versioning(b.name) != "" {
		res.version = o.version
	}
	if src.version != nullVersion {
		res.sourceVersion = src.version
	}
	return res, nil
}

type copyResult struct {
	x                      *xmlBuilder
	version, sourceVersion string
	// enc are the stored headers that say how the copy is encrypted.
	enc [][2]string
}

func (c *copyResult) Respond(w http.ResponseWriter, r *protocol.Request) {
	h := w.Header()
	encryptionHeaders(h, c.enc)
	if c.version != "" {
		h.Set("X-Amz-Version-Id", c.version)
	}
	if c.sourceVersion != "" {
		h.Set("X-Amz-Copy-Source-Version-Id", c.sourceVersion)
	}
	writeXML(w, c.x)
}
