package s3

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// object is one object's row.
type object struct {
	id           int64
	bucket, key  string
	size         int64
	etag         string // without quotes: MD5 hex, or "md5-of-md5s-N"
	modified     time.Time
	owner        string // account that wrote it (the bucket owner owns it)
	contentType  string
	headers      [][2]string // stored standard headers, canonical names
	meta         [][2]string // user metadata, lower-case names without x-amz-meta-
	checksumAlgo checksumAlgo
	checksum     string // base64; for COMPOSITE, "value-N"
	checksumType string // FULL_OBJECT or COMPOSITE
	parts        int
	partSizes    []int64 // multipart objects: each part's size
	blob         string
	data         []byte
	// version is the version id ("null" for the version an unversioned
	// or suspended bucket writes); marker says the row is a delete
	// marker; latest that it is its key's current version.
	version string
	marker  bool
	latest  bool
	// tags are the version's object tags (objecttags.go).
	tags []bucketTag
	// acl is the version's ACL as stored (acl.go); nil for the bucket
	// owner's full control.
	acl []byte
}

// storageClass is the class the object was stored with: listings report
// it (issue 11), and STANDARD is what S3 answers when none was given.
func (o *object) storageClass() string {
	for _, h := range o.headers {
		if h[0] == "X-Amz-Storage-Class" {
			return h[1]
		}
	}
	return "STANDARD"
}

// quotedETag is the ETag as headers and XML carry it.
func (o *object) quotedETag() string { return `"` + o.etag + `"` }

// storedHeaders are the request headers S3 keeps with an object and
// returns on GET and HEAD.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires", "X-Amz-Website-Redirect-Location"}

// defaultContentType is what S3 records when a PUT names none.
const defaultContentType = "binary/octet-stream"

// maxMetadataSize is S3's limit on user metadata (keys and values, UTF-8).
const maxMetadataSize = 2 << 10

// objectHeaders reads what a PUT (or CreateMultipartUpload, or a REPLACE
// copy) says about the object itself.
func objectHeaders(h http.Header) (contentType string, headers, meta [][2]string, err error) {
	contentType = h.Get("Content-Type")
	if contentType == "" {
		contentType = defaultContentType
	}
	for _, name := range storedHeaders {
		v := h.Get(name)
		if name == "Content-Encoding" {
			v = stripAWSChunked(v)
		}
		if v != "" {
			headers = append(headers, [2]string{name, v})
		}
	}
	if headers, err = withStorageClass(headers, h); err != nil {
		return "", nil, nil, err
	}
	size := 0
	for name, vs := range h {
		lname := strings.ToLower(name)
		k, ok := strings.CutPrefix(lname, "x-amz-meta-")
		if !ok || len(vs) == 0 {
			continue
		}
		v := mailSafe(strings.Join(vs, ","))
		meta = append(meta, [2]string{k, v})
		size += len(k) + len(v)
	}
	if size > maxMetadataSize {
		return "", nil, nil, errMetadataTooLarge.New(msgYourMetadataHeadersExceed).
			With("Size", itoa(size)).With("MaxSizeAllowed", itoa(maxMetadataSize))
	}
	sortPairs(meta)
	return contentType, headers, meta, nil
}

// withStorageClass adds the class x-amz-storage-class asks for to
// headers (STANDARD, the default, is not stored).
func withStorageClass(headers [][2]string, h http.Header) ([][2]string, error) {
	switch sc := h.Get("X-Amz-Storage-Class"); sc {
	case "", "STANDARD":
	// OUTPOSTS is refused outside an Outpost.
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_put_object_storage_class_outposts
	case "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE":
		headers = append(headers, [2]string{"X-Amz-Storage-Class", sc})
	default:
		return nil, errInvalidStorageClass.New(msgTheStorageClassYou).With("StorageClassRequested", sc)
	}
	return headers, nil
}

func stripAWSChunked(v string) string {
	if v == "" {
		return ""
	}
	var keep []string
	for part := range strings.SplitSeq(v, ",") {
		p := strings.TrimSpace(part)
		if p != "" && !strings.EqualFold(p, "aws-chunked") {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, ",")
}

func sortPairs(p [][2]string) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j][0] < p[j-1][0]; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

func encodePairs(p [][2]string) any {
	if len(p) == 0 {
		return nil
	}
	b, _ := json.Marshal(p)
	return string(b)
}

func decodePairs(s sql.NullString) [][2]string {
	if !s.Valid || s.String == "" {
		return nil
	}
	var p [][2]string
	json.Unmarshal([]byte(s.String), &p)
	return p
}

// putObject stores an object from the request body.
func (s *Service) putObject(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	hdr := r.HTTP.Header
	acl, err := s.writeACL(r, b)
	if err != nil {
		return nil, err
	}
	cond, err := writeConditions(hdr)
	if err != nil {
		return nil, err
	}
	contentType, headers, meta, err := objectHeaders(hdr)
	if err != nil {
		return nil, err
	}
	lock, err := writeLock(hdr, b, r.Now)
	if err != nil {
		return nil, err
	}
	tags, err := s.writeTags(ctx, r, b, c.key)
	if err != nil {
		return nil, err
	}
	if sum, err := customerKey(hdr, false, true); err != nil {
		return nil, err
	} else if sum != "" {
		headers = append(headers, ssecHeaders(sum)...)
	} else if enc, err := s.kmsWrite(ctx, r, b, hdr); err != nil {
		return nil, err
	} else {
		headers = append(headers, enc...)
	}
	p, err := openPayload(r, algoCRC64NVME)
	if err != nil {
		return nil, err
	}
	if p.length > maxObjectSize {
		return nil, errEntityTooLarge.New(msgYourProposedUploadExceeds).
			With("ProposedSize", strconv.FormatInt(p.length, 10)).With("MaxSizeAllowed", strconv.FormatInt(maxObjectSize, 10))
	}
	o := &object{
		bucket: b.name, key: c.key, owner: r.Account(), contentType: contentType,
		headers: headers, meta: meta, checksumType: "FULL_OBJECT", tags: tags, acl: acl,
	}
	if err := s.storeContent(o, p, p.length); err != nil {
		return nil, err
	}
	o.etag = hexString(p.md5Sum)
	o.checksumAlgo, o.checksum = p.spec.algo, p.checksum
	o.modified = r.Now.UTC().Truncate(time.Millisecond)
	lock.stamp(b, o)
	if err := s.commitObject(ctx, r, b, o, cond, "ObjectCreated:Put"); err != nil {
		return nil, err
	}
	res := &putResult{etag: o.quotedETag(), version: o.reportedVersion(), enc: o.headers, expiration: expiration(b.expiry, o)}
	if p.declaredChecksum() {
		res.checksumHeader, res.checksum = o.checksumAlgo.key(), o.checksum
	}
	return res, nil
}

type putResult struct {
	etag                     string
	checksumHeader, checksum string
	version                  string
	// enc are the stored headers that say how the object is encrypted.
	enc [][2]string
	// expiration is x-amz-expiration, "" for none.
	expiration string
}

func (p *putResult) Respond(w http.ResponseWriter, r *protocol.Request) {
	h := w.Header()
	// Canonical names, as Set would make them, without a new string each.
	h.Set("Etag", p.etag)
	encryptionHeaders(h, p.enc)
	if p.expiration != "" {
		h.Set("X-Amz-Expiration", p.expiration)
	}
	if p.version != "" {
		h.Set("X-Amz-Version-Id", p.version)
	}
	if p.checksumHeader != "" {
		h.Set(p.checksumHeader, p.checksum)
		h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// storeContent reads src to its end into o: inline when it fits in the
// inline limit, else into a new blob file (fsync, rename). length is the
// announced size, -1 when unknown. src reports a bad body (digest
// mismatch, short body) as its read error, so a stored object is always
// the whole, verified body. On error no blob is left behind.
func (s *Service) storeContent(o *object, src io.Reader, length int64) error {
	limit := s.opts.InlineLimit
	if limit >= 0 && (length < 0 || length <= int64(limit)) {
		n := length
		if n < 0 || n > int64(limit) {
			n = int64(limit)
		}
		data, err := readUpTo(src, make([]byte, 0, n+1), limit+1)
		if err != nil {
			return err
		}
		if len(data) <= limit {
			o.data, o.size = data, int64(len(data))
			return nil
		}
		src = io.MultiReader(bytes.NewReader(data), src)
	}
	name := newBlobName()
	info, err := s.db.Blobs().Put(name, src)
	if err != nil {
		return unwrapAWS(err)
	}
	o.blob, o.size = name, info.Size
	return nil
}

// readUpTo reads r to its end or until max bytes, appending to buf.
func readUpTo(r io.Reader, buf []byte, max int) ([]byte, error) {
	for len(buf) < max {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := min(cap(buf), max)
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, unwrapAWS(err)
		}
	}
	return buf, nil
}

// unwrapAWS digs an *awserr.Error out of a wrapped error chain (the blob
// store wraps read errors), so that a bad body is reported as such.
func unwrapAWS(err error) error {
	var e *awserr.Error
	if errors.As(err, &e) {
		return e
	}
	return err
}

func awsErrOf(err error) *awserr.Error { return awserr.As(err) }

// writeCond is a conditional write: If-None-Match: * or If-Match: ETAG.
type writeCond struct {
	ifNoneMatch bool
	ifMatch     string
	// checkBase: the key must still be at base (see keyState), the version
	// a multipart upload began on.
	base      string
	checkBase bool
}

func writeConditions(h http.Header) (writeCond, error) {
	var c writeCond
	none, match := h.Get("If-None-Match"), h.Get("If-Match")
	switch {
	case none != "" && match != "":
		return c, writeConditionNotImplemented("If-Match,If-None-Match", msgMultipleConditionalHeaders)
	case none != "" && none != "*":
		return c, writeConditionNotImplemented("If-None-Match", msgConditionValueNotAccepted("If-None-Match"))
	case match == "*":
		return c, writeConditionNotImplemented("If-Match", msgConditionValueNotAccepted("If-Match"))
	}
	c.ifNoneMatch, c.ifMatch = none == "*", match
	return c, nil
}

func (c writeCond) set() bool { return c.ifNoneMatch || c.ifMatch != "" }

// name is the condition as S3's errors name it.
func (c writeCond) name() string {
	if c.ifMatch != "" {
		return "If-Match"
	}
	return "If-None-Match"
}

// commitObject writes o as its key's new current version and queues its
// notifications, all in one transaction; then it removes the blob of a
// version it replaced and hands the notifications to the dispatcher. On
// error o's own blob is removed. It sets o.version: a new id when the
// bucket's versioning is Enabled, else "null".
func (s *Service) commitObject(ctx context.Context, r *protocol.Request, b *bucket, o *object, cond writeCond, event string) error {
	return s.commitObjectWith(ctx, r, b, o, cond, event, nil)
}

// commitObjectWith is commitObject with more statements (extra) in the same
// transaction.
func (s *Service) commitObjectWith(ctx context.Context, r *protocol.Request, b *bucket, o *object, cond writeCond, event string, extra func(tx *store.Tx) error) error {
	var oldBlob string
	var evs []pendingEvent
	replicate := markReplication(b, o)
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		oldBlob = ""
		cur, err := latestRow(tx, o.bucket, o.key)
		if err != nil {
			return err
		}
		if cond.ifNoneMatch && cur.exists() {
			return preconditionFailed("If-None-Match")
		}
		if cond.ifMatch != "" {
			if !cur.exists() {
				return noSuchKey(o.key)
			}
			if !etagMatches(cond.ifMatch, `"`+cur.etag+`"`) {
				return preconditionFailed("If-Match")
			}
		}
		if cond.checkBase {
			// The conditions held, but on another version of the key than
			// the one the upload began on: AWS refuses (409).
			// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectWritePrecondition::test_multipart_if_match_with_put
			now, err := keyState(tx, o.bucket, o.key)
			if err != nil {
				return err
			}
			if now != cond.base {
				return conditionalConflict(cond.name(), o.key)
			}
		}
		o.version, o.latest = nullVersion, true
		state := s.versioning(o.bucket)
		if state == versioningEnabled {
			o.version = newVersionID()
		}
		if o.version == nullVersion && (!cur.found || cur.null) {
			// The null version is the current one (always so in an
			// unversioned bucket): replace it in place.
			if _, err := tx.Exec(`INSERT INTO s3_objects(bucket, key, size, etag, modified, owner, content_type, headers, meta, checksum_algo, checksum, checksum_type, parts, part_sizes, blob, data, tags, acl)
VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(bucket, key, version) DO UPDATE SET size = excluded.size, etag = excluded.etag, modified = excluded.modified,
	owner = excluded.owner, content_type = excluded.content_type, headers = excluded.headers, meta = excluded.meta,
	checksum_algo = excluded.checksum_algo, checksum = excluded.checksum, checksum_type = excluded.checksum_type,
	parts = excluded.parts, part_sizes = excluded.part_sizes, blob = excluded.blob, data = excluded.data, marker = 0, tags = excluded.tags, acl = excluded.acl`,
				o.bucket, o.key, o.size, o.etag, o.modified.UnixMilli(), o.owner, o.contentType,
				encodePairs(o.headers), encodePairs(o.meta), nullString(o.checksumAlgo.String()), nullString(o.checksum),
				o.checksumType, o.parts, encodeSizes(o.partSizes), nullString(o.blob), o.data, encodeTags(o.tags), o.acl); err != nil {
				if isForeignKeyErr(err) {
					return noSuchBucket(o.bucket)
				}
				return err
			}
			oldBlob = cur.blob.String
		} else if oldBlob, err = insertVersion(tx, o, cur); err != nil {
			return err
		}
		if extra != nil {
			if err := extra(tx); err != nil {
				return err
			}
		}
		evs, err = s.queueEvents(tx, r, b, event, o.key, o.size, o.etag, o.eventVersion(state))
		return err
	})
	if err != nil {
		s.removeBlobs([]string{o.blob})
		return err
	}
	s.removeBlobs([]string{oldBlob})
	s.events.push(evs)
	if replicate {
		s.replicateLater(r.ID, o)
	}
	return nil
}

// reportedVersion is the x-amz-version-id a write answers: the new id
// where versioning is Enabled, nothing where it is not (S3 reports no
// version for a null version written while Suspended:
// test_s3_put_object_versioned).
func (o *object) reportedVersion() string {
	if o.version == nullVersion {
		return ""
	}
	return o.version
}

// eventVersion is the versionId of o's notification: present in a bucket
// with versioning configured.
func (o *object) eventVersion(state string) string {
	if state == "" {
		return ""
	}
	return o.version
}

func encodeSizes(s []int64) any {
	if len(s) == 0 {
		return nil
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func isForeignKeyErr(err error) bool {
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// headRow reads a key's current version without its inline content. A
// delete marker there is 405, as PutObjectAcl answers it
// (test_put_object_acl_on_delete_marker).
func (s *Service) headRow(ctx context.Context, r *protocol.Request, bucket, key string) (*object, error) {
	var o *object
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		o, err = scanObject(tx.QueryRow(`SELECT `+objectColumns+`, NULL FROM s3_objects WHERE bucket = ? AND key = ? AND latest = 1`, bucket, key))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, noSuchKey(key)
	}
	if err == nil && o.marker {
		return nil, deleteMarkerError(method(r), key, o.version, true)
	}
	return o, err
}

const objectColumns = `id, bucket, key, size, etag, modified, owner, content_type, headers, meta, checksum_algo, checksum, checksum_type, parts, part_sizes, blob, version, marker, latest, tags, acl`

func scanObject(row *store.Row) (*object, error) {
	o := &object{}
	var modified, marker, latest int64
	var headers, meta, algo, checksum, ctyp, sizes, blob, tags sql.NullString
	if err := row.Scan(&o.id, &o.bucket, &o.key, &o.size, &o.etag, &modified, &o.owner, &o.contentType,
		&headers, &meta, &algo, &checksum, &ctyp, &o.parts, &sizes, &blob, &o.version, &marker, &latest, &tags, &o.acl, &o.data); err != nil {
		return nil, err
	}
	o.tags = decodeTags(nullableString(tags))
	o.marker, o.latest = marker != 0, latest != 0
	if sizes.Valid {
		json.Unmarshal([]byte(sizes.String), &o.partSizes)
	}
	o.modified = time.UnixMilli(modified).UTC()
	o.headers, o.meta = decodePairs(headers), decodePairs(meta)
	if algo.Valid {
		o.checksumAlgo, _ = parseAlgo(algo.String)
	}
	o.checksum, o.checksumType, o.blob = checksum.String, ctyp.String, blob.String
	return o, nil
}

// readObject loads a key's current version with its inline content.
// Missing objects follow the disclosure rule: NoSuchKey only for a caller
// allowed s3:ListBucket on the bucket, AccessDenied otherwise.
func (s *Service) readObject(ctx context.Context, r *protocol.Request, b *bucket, key string) (*object, error) {
	return s.readVersion(ctx, r, b, key, "", false)
}

// readVersion loads the version a request names: with byID the version
// whose id is version, else the key's current version. A delete marker is
// reported as S3 reports it (deleteMarkerError); a missing version is
// NoSuchVersion, under the same disclosure rule as a missing key.
func (s *Service) readVersion(ctx context.Context, r *protocol.Request, b *bucket, key, version string, byID bool) (*object, error) {
	var o *object
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if byID {
			o, err = scanObject(tx.QueryRow(`SELECT `+objectColumns+`, data FROM s3_objects WHERE bucket = ? AND key = ? AND version = ?`, b.name, key, version))
		} else {
			o, err = scanObject(tx.QueryRow(`SELECT `+objectColumns+`, data FROM s3_objects WHERE bucket = ? AND key = ? AND latest = 1`, b.name, key))
		}
		return err
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := s.missingKey(ctx, r, b, key); !byID || awserr.As(err).Code != errNoSuchKey.Name {
			return nil, err
		}
		return nil, noSuchVersion(key, version)
	case err != nil:
		return nil, err
	case o.marker && byID:
		return nil, deleteMarkerError(method(r), key, o.version, true)
	case o.marker:
		if err := s.missingKey(ctx, r, b, key); awserr.As(err).Code != errNoSuchKey.Name {
			return nil, err
		}
		return nil, deleteMarkerError(method(r), key, o.version, false)
	}
	return o, nil
}

// method is the request's HTTP method; GET for reads from outside a
// request (Lambda fetching code).
func method(r *protocol.Request) string {
	if r.HTTP == nil {
		return http.MethodGet
	}
	return r.HTTP.Method
}

// missingKey decides what a caller learns about a key that does not exist.
func (s *Service) missingKey(ctx context.Context, r *protocol.Request, b *bucket, key string) error {
	t := protocol.Target{Resource: bucketARN(b.name), Account: b.account, Policy: restrictedPolicy(b, callerPrincipal(r))}
	if err := r.Authorize(ctx, "s3:ListBucket", t, nil); err != nil {
		return err
	}
	return noSuchKey(key)
}

// content opens an object's bytes: the inline data, or its blob file.
func (s *Service) content(o *object) (io.ReadSeekCloser, error) {
	if o.blob == "" {
		return nopCloser{bytes.NewReader(o.data)}, nil
	}
	return s.db.Blobs().Open(o.blob)
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// getObject answers GetObject and HeadObject.
func (s *Service) getObject(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	version, byID, err := requestedVersion(c)
	if err != nil {
		return nil, err
	}
	part := 0
	if v, ok := c.query["partNumber"]; ok {
		n, err := partNumber(c.query)
		if err != nil {
			return nil, err
		}
		if r.HTTP.Header.Get("Range") != "" {
			return nil, errInvalidRequest.New(msgCannotSpecifyBothRange).With("Range", r.HTTP.Header.Get("Range")).With("PartNumber", v[0])
		}
		part = n
	}
	var o *object
	var body io.ReadSeekCloser
	// A concurrent overwrite removes the old blob after its commit; if
	// that happens between our read and open, read the row again.
	for attempt := 0; ; attempt++ {
		if o, err = s.readVersion(ctx, r, b, c.key, version, byID); err != nil {
			return nil, err
		}
		if r.HTTP.Method == http.MethodHead {
			break
		}
		body, err = s.content(o)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return nil, err
		}
	}
	err = checkReadKey(r.HTTP.Header, o.headers, false)
	if err == nil && r.HTTP.Method == http.MethodGet {
		err = unreadable(o, r.Now)
	}
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, err
	}
	if err := s.kmsRead(ctx, r, b, o.headers); err != nil {
		if body != nil {
			body.Close()
		}
		return nil, err
	}
	res := &getResult{o: o, body: body, head: r.HTTP.Method == http.MethodHead, query: c.query, part: part, versioned: b.versioning != ""}
	// A read naming its version gets no x-amz-expiration, even of the
	// current version (test_bucket_lifecycle_configuration_object_expiry_versioned).
	if !byID {
		res.expiration = expiration(b.expiry, o)
	}
	if err := res.prepare(r.HTTP.Header, r.Now); err != nil {
		res.close()
		return nil, err
	}
	return res, nil
}

type getResult struct {
	o     *object
	body  io.ReadSeekCloser
	head  bool
	query map[string][]string
	part  int // partNumber, 0 for none
	// versioned: the bucket has versioning configured, so the answer
	// names the version (x-amz-version-id), "null" included.
	versioned bool
	// expiration is x-amz-expiration, "" for none.
	expiration string

	status      int
	start, n    int64
	notModified bool
	checksum    bool
}

func (g *getResult) close() {
	if g.body != nil {
		g.body.Close()
	}
}

// prepare evaluates conditional headers and Range.
func (g *getResult) prepare(h http.Header, now time.Time) error {
	o := g.o
	switch evalConditions(h, o.quotedETag(), o.modified, now) {
	case condPreconditionFailed:
		return preconditionFailed(failedCondition(h))
	case condNotModified:
		g.notModified = true
		return nil
	}
	g.status, g.start, g.n = http.StatusOK, 0, o.size
	if g.part > 0 {
		// A part of a multipart object, or part 1 of any other: 206 with
		// the part's range.
		sizes := o.partSizes
		if len(sizes) == 0 {
			sizes = []int64{o.size}
		}
		if g.part > len(sizes) {
			return errInvalidPartNumber.New(msgTheRequestedPartnumberIs).
				With("PartNumberRequested", strconv.Itoa(g.part)).With("ActualPartCount", strconv.Itoa(len(sizes)))
		}
		for _, sz := range sizes[:g.part-1] {
			g.start += sz
		}
		g.status, g.n = http.StatusPartialContent, sizes[g.part-1]
	} else if rh := h.Get("Range"); rh != "" {
		start, n, ok, err := parseRange(rh, o.size)
		if err != nil {
			return err
		}
		if ok {
			g.status, g.start, g.n = http.StatusPartialContent, start, n
		}
	}
	// The checksum is the whole object's: AWS sends it whenever the whole
	// object is sent, a Range that covers all of it (206) included.
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectCRUD::test_get_object_range
	whole := g.part == 0 && g.start == 0 && g.n == o.size
	g.checksum = strings.EqualFold(h.Get("X-Amz-Checksum-Mode"), "ENABLED") && whole && o.checksum != ""
	return nil
}

func (g *getResult) Respond(w http.ResponseWriter, r *protocol.Request) {
	defer g.close()
	o := g.o
	h := w.Header()
	h.Set("Last-Modified", httpTime(o.modified))
	h.Set("Etag", o.quotedETag())
	if g.versioned {
		h.Set("X-Amz-Version-Id", o.version)
	}
	if g.notModified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", o.contentType)
	for _, kv := range o.headers {
		h.Set(kv[0], kv[1])
	}
	for _, kv := range o.meta {
		h["x-amz-meta-"+kv[0]] = []string{kv[1]}
	}
	encryptionHeaders(h, o.headers)
	if g.expiration != "" {
		h.Set("X-Amz-Expiration", g.expiration)
	}
	if len(o.tags) > 0 {
		h.Set("X-Amz-Tagging-Count", strconv.Itoa(len(o.tags)))
	}
	if o.parts > 0 && g.part > 0 {
		h.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(o.parts))
	}
	if g.checksum {
		h.Set(o.checksumAlgo.key(), o.checksum)
		h.Set("X-Amz-Checksum-Type", o.checksumType)
	}
	// response-* query parameters override the stored headers.
	for param, header := range responseOverrides {
		if vs := g.query[param]; len(vs) > 0 {
			h.Set(header, vs[0])
		}
	}
	h.Set("Content-Length", strconv.FormatInt(g.n, 10))
	if g.status == http.StatusPartialContent {
		h.Set("Content-Range", "bytes "+strconv.FormatInt(g.start, 10)+"-"+strconv.FormatInt(g.start+g.n-1, 10)+"/"+strconv.FormatInt(o.size, 10))
	}
	w.WriteHeader(g.status)
	if g.head || g.n == 0 {
		return
	}
	if g.start > 0 {
		if _, err := g.body.Seek(g.start, io.SeekStart); err != nil {
			return
		}
	}
	io.CopyN(w, g.body, g.n)
}

var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// condResult is the outcome of GET's conditional headers.
type condResult uint8

const (
	condOK condResult = iota
	condNotModified
	condPreconditionFailed
)

// evalConditions applies If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since in RFC 7232's order, as S3 does: a true If-Match
// overrides a false If-Unmodified-Since, and a false If-None-Match
// overrides a true If-Modified-Since. An If-Modified-Since in the future is
// ignored.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_get_object_preconditions[get_object]
func evalConditions(h http.Header, etag string, modified, now time.Time) condResult {
	mod := modified.Truncate(time.Second)
	if v := h.Get("If-Match"); v != "" {
		if !etagMatches(v, etag) {
			return condPreconditionFailed
		}
	} else if v := h.Get("If-Unmodified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && mod.After(t) {
			return condPreconditionFailed
		}
	}
	if v := h.Get("If-None-Match"); v != "" {
		if etagMatches(v, etag) {
			return condNotModified
		}
	} else if v := h.Get("If-Modified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && !t.After(now) && !mod.After(t) {
			return condNotModified
		}
	}
	return condOK
}

// failedCondition names the header that failed, for PreconditionFailed's
// Condition member.
func failedCondition(h http.Header) string {
	if h.Get("If-Match") != "" {
		return "If-Match"
	}
	return "If-Unmodified-Since"
}

// etagMatches compares an If-Match/If-None-Match list with a quoted ETag.
func etagMatches(list, etag string) bool {
	for part := range strings.SplitSeq(list, ",") {
		p := strings.TrimSpace(part)
		p = strings.TrimPrefix(p, "W/")
		if p == "*" || p == etag || `"`+p+`"` == etag {
			return true
		}
	}
	return false
}

// parseRange reads a single "bytes=" range. ok is false when the header is
// not a range S3 honours (then the whole object is sent); a range that
// starts past the end is InvalidRange.
func parseRange(h string, size int64) (start, n int64, ok bool, err error) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, nil
	}
	invalid := func() error {
		return errInvalidRange.New(msgTheRequestedRangeIs).
			With("RangeRequested", h).With("ActualObjectSize", strconv.FormatInt(size, 10))
	}
	if first == "" {
		suffix, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil || suffix < 0 {
			return 0, 0, false, nil
		}
		if suffix == 0 {
			return 0, 0, false, invalid()
		}
		if size == 0 {
			return 0, 0, false, nil
		}
		if suffix > size {
			suffix = size
		}
		return size - suffix, suffix, true, nil
	}
	a, perr := strconv.ParseInt(first, 10, 64)
	if perr != nil || a < 0 {
		return 0, 0, false, nil
	}
	end := size - 1
	if last != "" {
		e, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil || e < a {
			return 0, 0, false, nil
		}
		if e < end {
			end = e
		}
	}
	if a >= size {
		return 0, 0, false, invalid()
	}
	return a, end - a + 1, true, nil
}

// deleteObject removes an object, one version of it, or stacks a delete
// marker on it (see removeKey). Deleting a key that does not exist
// succeeds, as in S3.
func (s *Service) deleteObject(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if err := bypassWithoutLock(b, r.HTTP.Header); err != nil {
		return nil, err
	}
	// Conditions only directory buckets take.
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3DeletePrecondition::test_delete_object_if_match_all_non_express
	for _, hd := range []string{"x-amz-if-match-last-modified-time", "x-amz-if-match-size"} {
		if r.HTTP.Header.Get(hd) != "" {
			return nil, notImplemented(hd)
		}
	}
	version, byID, err := requestedVersion(c)
	if err != nil {
		return nil, err
	}
	bypass := false
	if byID {
		if bypass, err = s.deleteBypass(ctx, r, b, c.key, version); err != nil {
			return nil, err
		}
	}
	var res removal
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		res, err = s.removeKey(tx, r, b, c.key, version, byID, false, r.HTTP.Header.Get("If-Match"), bypass)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.removeBlobs([]string{res.blob})
	s.events.push(res.events)
	if res.marker && !byID {
		s.replicateMarkerLater(r.ID, b, c.key, res.version)
	}
	out := headerOnly{}
	if res.version != "" {
		out["x-amz-version-id"] = res.version
	}
	if res.marker {
		out["x-amz-delete-marker"] = "true"
	}
	return deleted(out), nil
}

// deleted is DeleteObject's answer: 204 with the version headers.
type deleted headerOnly

func (d deleted) Respond(w http.ResponseWriter, r *protocol.Request) {
	for k, v := range d {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteRequest is DeleteObjects' document.
type deleteRequest struct {
	Quiet   bool `xml:"Quiet"`
	Objects []struct {
		Key       *string `xml:"Key"`
		VersionID string  `xml:"VersionId"`
	} `xml:"Object"`
}

// maxDeleteKeys is DeleteObjects' limit.
const maxDeleteKeys = 1000

// deleteObjects removes up to 1000 keys, authorizing s3:DeleteObject for
// each and reporting per-key errors.
func (s *Service) deleteObjects(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	hdr := r.HTTP.Header
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if err := bypassWithoutLock(b, hdr); err != nil {
		return nil, err
	}
	if hdr.Get("Content-Md5") == "" && !hasChecksumHeader(hdr) {
		return nil, errInvalidRequest.New(msgMissingRequiredHeaderFor)
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	var req deleteRequest
	if err := decodeXML(body, "Delete", &req); err != nil {
		return nil, err
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return nil, malformedXML()
	}
	type outcome struct {
		key, version  string
		code, message string
		done          removal
		bypass        bool
	}
	results := make([]outcome, len(req.Objects))
	var allowed []int
	for i, obj := range req.Objects {
		if obj.Key == nil {
			return nil, malformedXML()
		}
		key := *obj.Key
		results[i] = outcome{key: key, version: obj.VersionID}
		t, err := s.target(r, c, objectARN(c.bucket, key))
		if err != nil {
			return nil, err
		}
		// A version is deleted with s3:DeleteObjectVersion, and its id is
		// the s3:versionid key of that check alone.
		action := "s3:DeleteObject"
		if obj.VersionID != "" {
			action = "s3:DeleteObjectVersion"
			r.Context.Set("s3:versionid", obj.VersionID)
		}
		err = r.Authorize(ctx, action, t, nil)
		r.Context.Delete("s3:versionid")
		if err != nil {
			e := s3AccessDenied(awsErrOf(err))
			results[i].code, results[i].message = e.Code, e.Message
			continue
		}
		if len(key) > maxKeyLen {
			results[i].code, results[i].message = errKeyTooLong.Name, "Your key is too long"
			continue
		}
		if obj.VersionID != "" && !validVersionID(obj.VersionID) {
			// AWS answers an id it never minted as one that does not
			// exist (test_delete_objects_versioned).
			results[i].code, results[i].message = errNoSuchVersion.Name, msgNoSuchVersion
			continue
		}
		if obj.VersionID != "" {
			// Whether this version may bypass a GOVERNANCE retention is
			// the door's decision for its key.
			r.Context.Set("s3:versionid", obj.VersionID)
			results[i].bypass, err = s.deleteBypass(ctx, r, b, key, obj.VersionID)
			r.Context.Delete("s3:versionid")
			if err != nil {
				return nil, err
			}
		}
		allowed = append(allowed, i)
	}
	// The expected owner is checked once a key was allowed: a caller
	// allowed nothing gets its per-key denials whoever owns the bucket.
	if len(allowed) > 0 {
		if err := expectedOwner(c.b, hdr.Get("X-Amz-Expected-Bucket-Owner")); err != nil {
			return nil, err
		}
	}
	var blobs []string
	var evs []pendingEvent
	if len(allowed) > 0 {
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			blobs, evs = blobs[:0], evs[:0]
			for _, i := range allowed {
				o := &results[i]
				o.code, o.message = "", ""
				done, err := s.removeKey(tx, r, b, o.key, o.version, o.version != "", true, "", o.bypass)
				// A version Object Lock protects is refused for its key alone.
				// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockLegalHold::test_delete_locked_object
				if e := (*awserr.Error)(nil); errors.As(err, &e) && (e.Code == errNoSuchVersion.Name || isObjectLocked(err)) {
					o.code, o.message = e.Code, e.Message
					continue
				}
				if err != nil {
					return err
				}
				o.done = done
				blobs = append(blobs, done.blob)
				evs = append(evs, done.events...)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	s.removeBlobs(blobs)
	s.events.push(evs)
	var x xmlBuilder
	x.header()
	x.root("DeleteResult")
	for _, o := range results {
		if o.code != "" {
			continue
		}
		if req.Quiet {
			continue
		}
		x.open("Deleted")
		x.elem("Key", o.key)
		if o.version != "" {
			x.elem("VersionId", o.version)
		}
		if o.done.marker {
			// A marker created, or one removed by its id
			// (test_delete_objects_versioned).
			x.elem("DeleteMarker", "true")
			x.elem("DeleteMarkerVersionId", o.done.version)
		}
		x.close("Deleted")
	}
	for _, o := range results {
		if o.code == "" {
			continue
		}
		x.open("Error")
		x.elem("Key", o.key)
		if o.version != "" {
			x.elem("VersionId", o.version)
		}
		x.elem("Code", o.code)
		x.elem("Message", o.message)
		x.close("Error")
	}
	x.close("DeleteResult")
	return xmlDoc{&x}, nil
}

func hasChecksumHeader(h http.Header) bool {
	for i := 1; i < len(algoNames); i++ {
		if h.Get(checksumAlgo(i).key()) != "" {
			return true
		}
	}
	return h.Get("X-Amz-Sdk-Checksum-Algorithm") != "" || h.Get("X-Amz-Trailer") != ""
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i] = digits[c>>4]
		out[2*i+1] = digits[c&15]
	}
	return string(out)
}

func itoa(n int) string { return strconv.Itoa(n) }

// mailSafe is a metadata value as S3 keeps and returns it: a value that is
// not all printable US-ASCII (tab allowed) is an RFC 2047 encoded-word,
// Q-encoded, or B-encoded when it holds control characters. A value
// already written as an encoded-word is kept as sent.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedPost::test_post_object_with_unicode_metadata
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PresignedUrl::test_put_unicode_metadata_with_sig_s3
func mailSafe(v string) string {
	control, other := false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < ' ' && c != '\t' || c == 0x7f:
			control = true
		case c >= 0x80:
			other = true
		}
	}
	if control {
		return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(v)) + "?="
	}
	if !other {
		return v
	}
	var b strings.Builder
	b.WriteString("=?UTF-8?Q?")
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == ' ':
			b.WriteByte('_')
		case c > ' ' && c < 0x7f && c != '=' && c != '?' && c != '_':
			b.WriteByte(c)
		default:
			const hexUpper = "0123456789ABCDEF"
			b.WriteByte('=')
			b.WriteByte(hexUpper[c>>4])
			b.WriteByte(hexUpper[c&15])
		}
	}
	b.WriteString("?=")
	return b.String()
}
