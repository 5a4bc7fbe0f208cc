package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Multipart limits, as S3 has them.
const (
	minPartSize = 5 << 20 // every part but the last
	maxPartSize = 5 << 30
	maxParts    = 10000
)

// upload is a multipart upload in progress.
type upload struct {
	id, bucket, key string
	initiated       time.Time
	initiator       string
	owner           string
	contentType     string
	headers, meta   [][2]string
	checksumAlgo    checksumAlgo
	checksumType    string // COMPOSITE or FULL_OBJECT when an algorithm is set
	// base is the key's current version when the upload began (see
	// keyState); known is false for uploads stored without it.
	base  string
	known bool
	// tags are the completed object's (x-amz-tagging).
	tags []bucketTag
	// acl is the completed object's (acl.go).
	acl []byte
}

// part is one uploaded part.
type part struct {
	number   int
	size     int64
	etag     string // MD5 hex
	modified time.Time
	checksum string
	blob     string
}

func (s *Service) createUpload(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	hdr := r.HTTP.Header
	acl, err := s.writeACL(r, b)
	if err != nil {
		return nil, err
	}
	u := &upload{id: newUploadID(), bucket: b.name, key: c.key, initiated: r.Now.UTC().Truncate(time.Millisecond),
		initiator: r.Caller.Principal.ARN, owner: r.Account(), acl: acl}
	if u.contentType, u.headers, u.meta, err = objectHeaders(hdr); err != nil {
		return nil, err
	}
	// The upload keeps the lock it was given for the object it completes.
	lock, err := writeLock(hdr, b, r.Now)
	if err != nil {
		return nil, err
	}
	u.headers = withLock(u.headers, lock)
	if u.tags, err = s.writeTags(ctx, r, b, c.key); err != nil {
		return nil, err
	}
	if sum, err := customerKey(hdr, false, true); err != nil {
		return nil, err
	} else if sum != "" {
		u.headers = append(u.headers, ssecHeaders(sum)...)
	} else if enc, err := s.kmsWrite(ctx, r, b, hdr); err != nil {
		return nil, err
	} else {
		u.headers = append(u.headers, enc...)
	}
	if v := hdr.Get("X-Amz-Checksum-Algorithm"); v != "" {
		a, ok := parseAlgo(v)
		if !ok || a == algoMD5 || a == algoSHA512 {
			// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_composite
			return nil, errInvalidRequest.New(msgChecksumAlgorithmProvidedIs)
		}
		u.checksumAlgo = a
		u.checksumType = "COMPOSITE"
		if a == algoCRC64NVME {
			u.checksumType = "FULL_OBJECT"
		}
	}
	if v := hdr.Get("X-Amz-Checksum-Type"); v != "" {
		switch {
		case u.checksumAlgo == algoNone:
			// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_composite
			return nil, errInvalidRequest.New(msgChecksumTypeWithoutAlgorithm)
		case v == "FULL_OBJECT" && (u.checksumAlgo == algoCRC32 || u.checksumAlgo == algoCRC32C || u.checksumAlgo == algoCRC64NVME):
		case v == "COMPOSITE" && u.checksumAlgo != algoCRC64NVME:
		default:
			// AWS names the algorithm in lower case here.
			return nil, errInvalidRequest.Errorf(msgChecksumTypeAlgoFmt, v, strings.ToLower(u.checksumAlgo.String()))
		}
		u.checksumType = v
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		base, err := keyState(tx, u.bucket, u.key)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO s3_uploads(id, bucket, key, initiated, initiator, owner, content_type, headers, meta, checksum_algo, checksum_type, base, tags, acl)
VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.id, u.bucket, u.key, u.initiated.UnixMilli(), u.initiator, u.owner, u.contentType,
			encodePairs(u.headers), encodePairs(u.meta), nullString(u.checksumAlgo.String()), nullString(u.checksumType), base, encodeTags(u.tags), u.acl)
		if isForeignKeyErr(err) {
			return noSuchBucket(u.bucket)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var x xmlBuilder
	x.header()
	x.root("InitiateMultipartUploadResult")
	x.elem("Bucket", u.bucket)
	x.elem("Key", u.key)
	x.elem("UploadId", u.id)
	x.close("InitiateMultipartUploadResult")
	h := encryptionMap(u.headers)
	if u.checksumAlgo != algoNone {
		h["x-amz-checksum-algorithm"] = u.checksumAlgo.String()
		h["x-amz-checksum-type"] = u.checksumType
	}
	return &docWithHeaders{x: &x, h: h}, nil
}

type docWithHeaders struct {
	x *xmlBuilder
	h map[string]string
}

func (d *docWithHeaders) Respond(w http.ResponseWriter, r *protocol.Request) {
	for k, v := range d.h {
		w.Header().Set(k, v)
	}
	writeXML(w, d.x)
}

// loadUpload reads an upload of the request's bucket and key.
func (s *Service) loadUpload(ctx context.Context, r *protocol.Request, c *call) (*upload, error) {
	id := c.query.Get("uploadId")
	var u *upload
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = scanUpload(tx, id)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (u.bucket != c.bucket || u.key != c.key)) {
		return nil, noSuchUpload(id)
	}
	return u, err
}

func scanUpload(tx *store.Tx, id string) (*upload, error) {
	u := &upload{id: id}
	var initiated int64
	var headers, meta, algo, ctyp, base, tags sql.NullString
	err := tx.QueryRow(`SELECT bucket, key, initiated, initiator, owner, content_type, headers, meta, checksum_algo, checksum_type, base, tags, acl FROM s3_uploads WHERE id = ?`, id).
		Scan(&u.bucket, &u.key, &initiated, &u.initiator, &u.owner, &u.contentType, &headers, &meta, &algo, &ctyp, &base, &tags, &u.acl)
	if err != nil {
		return nil, err
	}
	u.tags = decodeTags(nullableString(tags))
	u.base, u.known = base.String, base.Valid
	u.initiated = time.UnixMilli(initiated).UTC()
	u.headers, u.meta = decodePairs(headers), decodePairs(meta)
	if algo.Valid {
		u.checksumAlgo, _ = parseAlgo(algo.String)
	}
	u.checksumType = ctyp.String
	return u, nil
}

func partNumber(q url.Values) (int, error) {
	v := q.Get("partNumber")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxParts {
		return 0, invalidArgument(msgPartNumberMustBe, "partNumber", v)
	}
	return n, nil
}

func (s *Service) uploadPart(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	if _, err := s.needBucket(r, c); err != nil {
		return nil, err
	}
	n, err := partNumber(c.query)
	if err != nil {
		return nil, err
	}
	u, err := s.loadUpload(ctx, r, c)
	if err != nil {
		return nil, err
	}
	if err := checkPartKey(r.HTTP.Header, u.headers); err != nil {
		return nil, err
	}
	p, err := openPayload(r, u.checksumAlgo)
	if err != nil {
		return nil, err
	}
	p.md5AsSent = r.HTTP.Header.Get("Content-Md5")
	if p.length > maxPartSize {
		return nil, errEntityTooLarge.New(msgYourProposedUploadExceeds).
			With("ProposedSize", strconv.FormatInt(p.length, 10)).With("MaxSizeAllowed", strconv.FormatInt(maxPartSize, 10))
	}
	if u.checksumAlgo != algoNone && p.spec.algo != u.checksumAlgo {
		return nil, errInvalidRequest.Errorf(msgChecksumTypeMismatchFmt, strings.ToLower(u.checksumAlgo.String()), strings.ToLower(p.spec.algo.String()))
	}
	name := newBlobName()
	info, err := s.db.Blobs().Put(name, p)
	if err != nil {
		return nil, unwrapAWS(err)
	}
	pt := &part{number: n, size: info.Size, etag: hexString(p.md5Sum), modified: r.Now.UTC().Truncate(time.Millisecond), blob: name}
	if u.checksumAlgo != algoNone {
		pt.checksum = p.checksum
	}
	if err := s.savePart(ctx, u.id, pt); err != nil {
		s.removeBlobs([]string{name})
		return nil, err
	}
	res := &putResult{etag: `"` + pt.etag + `"`, enc: u.headers}
	if p.declaredChecksum() {
		res.checksumHeader, res.checksum = p.spec.algo.key(), p.checksum
	}
	return &partResult{res}, nil
}

// partResult is UploadPart's answer: like PutObject's, without a checksum
// type.
type partResult struct{ p *putResult }

func (pr *partResult) Respond(w http.ResponseWriter, r *protocol.Request) {
	h := w.Header()
	h.Set("Etag", pr.p.etag)
	encryptionHeaders(h, pr.p.enc)
	if pr.p.checksumHeader != "" {
		h.Set(pr.p.checksumHeader, pr.p.checksum)
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// savePart records a part, replacing an earlier upload of the same number.
func (s *Service) savePart(ctx context.Context, uploadID string, pt *part) error {
	var old sql.NullString
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		old = sql.NullString{}
		err := tx.QueryRow(`SELECT blob FROM s3_parts WHERE upload = ? AND number = ?`, uploadID, pt.number).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(`INSERT INTO s3_parts(upload, number, size, etag, modified, checksum, blob) VALUES(?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(upload, number) DO UPDATE SET size = excluded.size, etag = excluded.etag, modified = excluded.modified, checksum = excluded.checksum, blob = excluded.blob`,
			uploadID, pt.number, pt.size, pt.etag, pt.modified.UnixMilli(), nullString(pt.checksum), pt.blob)
		if isForeignKeyErr(err) {
			return noSuchUpload(uploadID)
		}
		return err
	})
	if err != nil {
		return err
	}
	if old.Valid {
		s.removeBlobs([]string{old.String})
	}
	return nil
}

// uploadPartCopy copies (a range of) an existing object into a part.
func (s *Service) uploadPartCopy(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	if _, err := s.needBucket(r, c); err != nil {
		return nil, err
	}
	n, err := partNumber(c.query)
	if err != nil {
		return nil, err
	}
	u, err := s.loadUpload(ctx, r, c)
	if err != nil {
		return nil, err
	}
	if err := checkPartKey(r.HTTP.Header, u.headers); err != nil {
		return nil, err
	}
	src, _, err := s.readSource(ctx, r)
	if err != nil {
		return nil, err
	}
	start, length := int64(0), src.size
	if rh := r.HTTP.Header.Get("X-Amz-Copy-Source-Range"); rh != "" {
		a, l, err := copySourceRange(rh, src.size)
		if err != nil {
			return nil, err
		}
		start, length = a, l
	}
	if length > maxPartSize {
		return nil, invalidArgument(msgPartSizeMustBe, "x-amz-copy-source-range", r.HTTP.Header.Get("X-Amz-Copy-Source-Range"))
	}
	body, err := s.content(src)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	if _, err := body.Seek(start, io.SeekStart); err != nil {
		return nil, err
	}
	hr := &hashingReader{r: io.LimitReader(body, length), md5: md5.New()}
	if u.checksumAlgo != algoNone {
		hr.ck = u.checksumAlgo.new()
	}
	name := newBlobName()
	info, err := s.db.Blobs().Put(name, hr)
	if err != nil {
		return nil, err
	}
	pt := &part{number: n, size: info.Size, etag: hexString(hr.md5.Sum(nil)), modified: r.Now.UTC().Truncate(time.Millisecond), blob: name}
	if hr.ck != nil {
		pt.checksum = base64.StdEncoding.EncodeToString(hr.ck.Sum(nil))
	}
	if err := s.savePart(ctx, u.id, pt); err != nil {
		s.removeBlobs([]string{name})
		return nil, err
	}
	var x xmlBuilder
	x.header()
	x.root("CopyPartResult")
	x.elem("ETag", `"`+pt.etag+`"`)
	x.elemTime("LastModified", pt.modified)
	if pt.checksum != "" {
		x.elem("Checksum"+u.checksumAlgo.String(), pt.checksum)
	}
	x.close("CopyPartResult")
	res := &copyResult{x: &x, enc: u.headers}
	if src.version != nullVersion {
		res.sourceVersion = src.version
	}
	return res, nil
}

// completeRequest is CompleteMultipartUpload's document.
type completeRequest struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
		CRC32      string `xml:"ChecksumCRC32"`
		CRC32C     string `xml:"ChecksumCRC32C"`
		CRC64NVME  string `xml:"ChecksumCRC64NVME"`
		SHA1       string `xml:"ChecksumSHA1"`
		SHA256     string `xml:"ChecksumSHA256"`
	} `xml:"Part"`
}

// parseComplete reads and checks the part list: present, ascending.
func parseComplete(body []byte, uploadID string) (*completeRequest, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_multipart_complete_multipart_too_small
		return nil, errInvalidRequest.New(msgAtLeastOnePart)
	}
	var req completeRequest
	if err := decodeXML(body, "CompleteMultipartUpload", &req); err != nil {
		return nil, err
	}
	if len(req.Parts) == 0 {
		return nil, malformedXML()
	}
	if len(req.Parts) > maxParts {
		return nil, malformedXML()
	}
	for i, p := range req.Parts {
		if p.PartNumber < 1 || p.PartNumber > maxParts {
			return nil, invalidArgument(msgPartNumberMustBe, "partNumber", strconv.Itoa(p.PartNumber))
		}
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			return nil, errInvalidPartOrder.New(msgTheListOfParts).
				With("UploadId", uploadID).With("PartNumber", strconv.Itoa(p.PartNumber))
		}
	}
	return &req, nil
}

func (s *Service) completeUpload(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	cond, err := writeConditions(r.HTTP.Header)
	if err != nil {
		return nil, err
	}
	u, err := s.loadUpload(ctx, r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readCompletionBody(r)
	if err != nil {
		return nil, err
	}
	req, err := parseComplete(body, u.id)
	if err != nil {
		return nil, err
	}
	// The completion names the upload's checksum mode, if it names one.
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_complete_multipart_parts_checksum_default
	if v := r.HTTP.Header.Get("X-Amz-Checksum-Type"); v != "" && v != u.checksumType {
		mode := u.checksumType
		if mode == "" {
			mode = "null"
		}
		return nil, errInvalidRequest.Errorf(msgChecksumModeFmt, mode)
	}
	stored := map[int]*part{}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT number, size, etag, modified, checksum, blob FROM s3_parts WHERE upload = ?`, u.id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p := &part{}
			var modified int64
			var ck sql.NullString
			if err := rows.Scan(&p.number, &p.size, &p.etag, &modified, &ck, &p.blob); err != nil {
				return err
			}
			p.modified, p.checksum = time.UnixMilli(modified), ck.String
			stored[p.number] = p
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	chosen := make([]*part, 0, len(req.Parts))
	for i, rp := range req.Parts {
		p := stored[rp.PartNumber]
		etag := strings.Trim(strings.TrimSpace(rp.ETag), `"`)
		// A part checksum for an upload begun without an algorithm names a
		// part that cannot be found, as AWS answers.
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_complete_multipart_parts_checksum_default
		anyChecksum := rp.CRC32 != "" || rp.CRC32C != "" || rp.CRC64NVME != "" || rp.SHA1 != "" || rp.SHA256 != ""
		if p == nil || etag != p.etag || (u.checksumAlgo == algoNone && anyChecksum) {
			return nil, errInvalidPart.New(msgOneOrMoreOf).
				With("UploadId", u.id).With("PartNumber", strconv.Itoa(rp.PartNumber)).With("ETag", etag)
		}
		if i < len(req.Parts)-1 && p.size < minPartSize {
			return nil, errEntityTooSmall.New(msgYourProposedUploadIs).
				With("ProposedSize", strconv.FormatInt(p.size, 10)).With("MinSizeAllowed", strconv.Itoa(minPartSize)).
				With("PartNumber", strconv.Itoa(p.number)).With("ETag", p.etag)
		}
		if u.checksumAlgo != algoNone {
			byAlgo := map[checksumAlgo]string{algoCRC32: rp.CRC32, algoCRC32C: rp.CRC32C, algoCRC64NVME: rp.CRC64NVME, algoSHA1: rp.SHA1, algoSHA256: rp.SHA256}
			given := byAlgo[u.checksumAlgo]
			if u.checksumType == "COMPOSITE" {
				// A part checksum of another algorithm cannot match what
				// the part was stored with: AWS names that algorithm.
				// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_composite
				for _, a := range []checksumAlgo{algoCRC32, algoCRC32C, algoCRC64NVME, algoSHA1, algoSHA256} {
					if a != u.checksumAlgo && byAlgo[a] != "" {
						return nil, errBadDigest.Errorf(msgPartChecksumOtherFmt, strings.ToLower(a.String()), rp.PartNumber)
					}
				}
			}
			if given == "" && u.checksumType == "COMPOSITE" {
				// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_complete_multipart_parts_checksum_composite[CRC32]
				return nil, errInvalidRequest.Errorf(msgPartChecksumMissingFmt, strings.ToLower(u.checksumAlgo.String()), rp.PartNumber)
			}
			if given != "" && given != p.checksum {
				return nil, errInvalidPart.New(msgOneOrMoreOf).
					With("UploadId", u.id).With("PartNumber", strconv.Itoa(rp.PartNumber)).With("ETag", etag)
			}
		}
		chosen = append(chosen, p)
	}
	// The multipart ETag: MD5 of the parts' binary MD5s, then "-N".
	etagSum := md5.New()
	var total int64
	sizes := make([]int64, len(chosen))
	for i, p := range chosen {
		raw, _ := hex.DecodeString(p.etag)
		etagSum.Write(raw)
		total += p.size
		sizes[i] = p.size
	}
	if v := r.HTTP.Header.Get("X-Amz-Mp-Object-Size"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n != total {
			// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_size_validation
			return nil, errInvalidRequest.Errorf(msgMpObjectSizeFmt, v, total)
		}
	}
	o := &object{
		bucket: b.name, key: u.key, owner: u.owner, contentType: u.contentType, headers: u.headers, meta: u.meta, tags: u.tags, acl: u.acl,
		etag: hexString(etagSum.Sum(nil)) + "-" + strconv.Itoa(len(chosen)), parts: len(chosen), partSizes: sizes,
		modified: r.Now.UTC().Truncate(time.Millisecond),
	}
	lockState{}.stamp(b, o)
	// Concatenate the parts into the object's content, computing the
	// full-object checksum on the way.
	algo := u.checksumAlgo
	if algo == algoNone {
		algo = algoCRC64NVME
	}
	full := &hashingReader{md5: md5.New(), ck: algo.new()}
	readers := make([]io.Reader, 0, len(chosen))
	var opened []io.Closer
	defer func() {
		for _, c := range opened {
			c.Close()
		}
	}()
	for _, p := range chosen {
		f, err := s.db.Blobs().Open(p.blob)
		if err != nil {
			return nil, err
		}
		opened = append(opened, f)
		readers = append(readers, f)
	}
	full.r = io.MultiReader(readers...)
	if err := s.storeContent(o, full, total); err != nil {
		return nil, err
	}
	o.checksumAlgo = algo
	if u.checksumType == "COMPOSITE" {
		// The checksum of the parts' checksums, with the part count.
		h := algo.new()
		for _, p := range chosen {
			raw, _ := base64.StdEncoding.DecodeString(p.checksum)
			h.Write(raw)
		}
		o.checksum = base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(chosen))
		o.checksumType = "COMPOSITE"
	} else {
		o.checksum = base64.StdEncoding.EncodeToString(full.ck.Sum(nil))
		o.checksumType = "FULL_OBJECT"
	}
	if u.checksumType == "FULL_OBJECT" {
		// A whole-object checksum given with the completion must be the
		// upload's, of the whole object, and come with x-amz-checksum-type
		// FULL_OBJECT (without it AWS reads it as a checksum of checksums);
		// AWS names the upload's algorithm whichever header was wrong.
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3MultipartUploadChecksum::test_multipart_parts_checksum_exceptions_full_object
		for i := 1; i < len(algoNames); i++ {
			a := checksumAlgo(i)
			if v := r.HTTP.Header.Get(a.header()); v != "" && (a != u.checksumAlgo || v != o.checksum || r.HTTP.Header.Get("X-Amz-Checksum-Type") != "FULL_OBJECT") {
				s.removeBlobs([]string{o.blob})
				return nil, errBadDigest.Errorf(msgChecksumMismatchFmt, strings.ToLower(u.checksumAlgo.String()))
			}
		}
	}
	var partBlobs []string
	for _, p := range stored {
		partBlobs = append(partBlobs, p.blob)
	}
	if cond.set() && u.known {
		cond.base, cond.checkBase = u.base, true
	}
	err = s.commitObjectWith(ctx, r, b, o, cond, "ObjectCreated:CompleteMultipartUpload", func(tx *store.Tx) error {
		res, err := tx.Exec(`DELETE FROM s3_uploads WHERE id = ?`, u.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchUpload(u.id)
		}
		// Parts uploaded since we read the list are removed too.
		rows, err := tx.Query(`SELECT blob FROM s3_parts WHERE upload = ?`, u.id)
		if err != nil {
			return err
		}
		partBlobs = partBlobs[:0]
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			partBlobs = append(partBlobs, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM s3_parts WHERE upload = ?`, u.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.removeBlobs(partBlobs)
	var x xmlBuilder
	x.header()
	x.root("CompleteMultipartUploadResult")
	x.elem("Location", location(r, b.name, u.key))
	x.elem("Bucket", b.name)
	x.elem("Key", u.key)
	x.elem("ETag", o.quotedETag())
	// Without a requested algorithm AWS still reports the full-object
	// CRC64NVME it computed.
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectWritePrecondition::test_multipart_if_match_etag
	// But not for an SSE-KMS upload that asked for none: AWS answers
	// without it (it still keeps it: GetObject reports it).
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_multipart_upload_sse
	if u.checksumAlgo != algoNone || storedKMSKey(o.headers) == "" {
		x.elem("Checksum"+o.checksumAlgo.String(), o.checksum)
		x.elem("ChecksumType", o.checksumType)
	}
	x.close("CompleteMultipartUploadResult")
	h := encryptionMap(o.headers)
	if v := o.reportedVersion(); v != "" {
		h["x-amz-version-id"] = v
	}
	return &docWithHeaders{x: &x, h: h}, nil
}

// readCompletionBody reads CompleteMultipartUpload's part list. Its
// x-amz-checksum-* headers are the whole object's checksum (checked once
// the object is assembled), not the list's, so the list is read without
// them.
func (s *Service) readCompletionBody(r *protocol.Request) ([]byte, error) {
	saved := r.HTTP.Header
	h := saved.Clone()
	for i := 1; i < len(algoNames); i++ {
		h.Del(checksumAlgo(i).header())
	}
	h.Del("X-Amz-Sdk-Checksum-Algorithm")
	r.HTTP.Header = h
	defer func() { r.HTTP.Header = saved }()
	return s.readBody(r)
}

// copySourceRange reads x-amz-copy-source-range, which, unlike Range, takes
// only bytes=FIRST-LAST inside the source.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3Multipart::test_upload_part_copy_range
func copySourceRange(rh string, size int64) (start, length int64, err error) {
	first, last, ok := strings.Cut(strings.TrimPrefix(rh, "bytes="), "-")
	a, errA := strconv.ParseInt(first, 10, 64)
	b, errB := strconv.ParseInt(last, 10, 64)
	if !strings.HasPrefix(rh, "bytes=") || !ok || errA != nil || errB != nil || a < 0 || b < a ||
		!allDigits(first) || !allDigits(last) {
		return 0, 0, invalidArgument(msgTheXAmzCopy, "x-amz-copy-source-range", rh)
	}
	if a >= size {
		return 0, 0, errInvalidRequest.New(msgCopyRangeInvalidForSize)
	}
	if b >= size {
		return 0, 0, invalidArgument(msgRangeNotValidForSize(size), "x-amz-copy-source-range", rh)
	}
	return a, b - a + 1, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// keyState names the key's current version for ConditionalRequestConflict:
// its row and modification time, "" when the key has none. An overwrite in
// place keeps the row but not the time; a delete removes the row or stacks
// a marker (a new row).
func keyState(tx *store.Tx, bucket, key string) (string, error) {
	var id, modified int64
	err := tx.QueryRow(`SELECT id, modified FROM s3_objects WHERE bucket = ? AND key = ? AND latest = 1`, bucket, key).Scan(&id, &modified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(modified, 10), nil
}

// location is the object's URL, as CompleteMultipartUpload reports it.
func location(r *protocol.Request, bucket, key string) string {
	scheme := "http"
	if r.HTTP.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.HTTP.Host + "/" + bucket + "/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

func (s *Service) abortUpload(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	if _, err := s.needBucket(r, c); err != nil {
		return nil, err
	}
	u, err := s.loadUpload(ctx, r, c)
	if err != nil {
		return nil, err
	}
	var blobs []string
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		blobs = blobs[:0]
		rows, err := tx.Query(`SELECT blob FROM s3_parts WHERE upload = ?`, u.id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			blobs = append(blobs, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM s3_parts WHERE upload = ?`, u.id); err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM s3_uploads WHERE id = ?`, u.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchUpload(u.id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.removeBlobs(blobs)
	return noContent{}, nil
}

func (s *Service) listParts(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	if _, err := s.needBucket(r, c); err != nil {
		return nil, err
	}
	u, err := s.loadUpload(ctx, r, c)
	if err != nil {
		return nil, err
	}
	q := c.query
	max := 1000
	if v := q.Get("max-parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, invalidArgument(msgProvidedMaxPartsNot, "max-parts", v)
		}
		max = min(n, 1000)
	}
	marker := 0
	if v := q.Get("part-number-marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, invalidArgument(msgProvidedPartNumberMarker, "part-number-marker", v)
		}
		marker = n
	}
	var parts []*part
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		parts = parts[:0]
		rows, err := tx.Query(`SELECT number, size, etag, modified, checksum FROM s3_parts WHERE upload = ? AND number > ? ORDER BY number LIMIT ?`, u.id, marker, max+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p := &part{}
			var modified int64
			var ck sql.NullString
			if err := rows.Scan(&p.number, &p.size, &p.etag, &modified, &ck); err != nil {
				return err
			}
			p.modified, p.checksum = time.UnixMilli(modified), ck.String
			parts = append(parts, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	truncated := len(parts) > max
	if truncated {
		parts = parts[:max]
	}
	var x xmlBuilder
	x.header()
	x.root("ListPartsResult")
	x.elem("Bucket", u.bucket)
	x.elem("Key", u.key)
	x.elem("UploadId", u.id)
	x.elemInt("PartNumberMarker", int64(marker))
	// Always sent: 0 before any part.
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_multipart_and_list_parts
	next := 0
	if len(parts) > 0 {
		next = parts[len(parts)-1].number
	}
	x.elemInt("NextPartNumberMarker", int64(next))
	x.elemInt("MaxParts", int64(max))
	x.elemBool("IsTruncated", truncated)
	for _, p := range parts {
		x.open("Part")
		x.elemInt("PartNumber", int64(p.number))
		x.elemTime("LastModified", p.modified)
		x.elem("ETag", `"`+p.etag+`"`)
		if p.checksum != "" {
			x.elem("Checksum"+u.checksumAlgo.String(), p.checksum)
		}
		x.elemInt("Size", p.size)
		x.close("Part")
	}
	writeInitiatorOwner(&x, u)
	x.elem("StorageClass", "STANDARD")
	if u.checksumAlgo != algoNone {
		x.elem("ChecksumAlgorithm", u.checksumAlgo.String())
		x.elem("ChecksumType", u.checksumType)
	}
	x.close("ListPartsResult")
	return xmlDoc{&x}, nil
}

func writeInitiatorOwner(x *xmlBuilder, u *upload) {
	x.open("Initiator")
	x.elem("ID", u.initiator)
	x.close("Initiator")
	x.open("Owner")
	x.elem("ID", canonicalID(u.owner))
	x.close("Owner")
}

// listUploads answers ListMultipartUploads.
func (s *Service) listUploads(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	q := c.query
	prefix, delimiter := q.Get("prefix"), q.Get("delimiter")
	keyMarker, idMarker := q.Get("key-marker"), q.Get("upload-id-marker")
	enc, err := encodingType(q)
	if err != nil {
		return nil, err
	}
	max := 1000
	if v := q.Get("max-uploads"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, invalidArgument(msgProvidedMaxUploadsNot, "max-uploads", v)
		}
		max = min(n, 1000)
	}
	var ups []*upload
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if keyMarker != "" && idMarker != "" {
			// The upload-id marker must name an upload of the key marker.
			// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#tests/aws/services/s3/test_s3_list_operations.py::TestS3ListMultipartUploads::test_list_multiparts_next_marker
			var key string
			err := tx.QueryRow(`SELECT key FROM s3_uploads WHERE id = ? AND bucket = ?`, idMarker, b.name).Scan(&key)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && key != keyMarker) {
				return invalidArgument(msgInvalidUploadIDMarker, "upload-id-marker", idMarker)
			}
			if err != nil {
				return err
			}
		}
		ups = ups[:0]
		rows, err := tx.Query(`SELECT id, key, initiated, initiator, owner, checksum_algo, checksum_type FROM s3_uploads WHERE bucket = ? AND key >= ? ORDER BY key, initiated, id`, b.name, prefix)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u := &upload{bucket: b.name}
			var initiated int64
			var algo, ctyp sql.NullString
			if err := rows.Scan(&u.id, &u.key, &initiated, &u.initiator, &u.owner, &algo, &ctyp); err != nil {
				return err
			}
			if !strings.HasPrefix(u.key, prefix) {
				break
			}
			u.initiated = time.UnixMilli(initiated).UTC()
			if algo.Valid {
				u.checksumAlgo, _ = parseAlgo(algo.String)
			}
			u.checksumType = ctyp.String
			ups = append(ups, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	type entry struct {
		u  *upload
		cp string
	}
	var out []entry
	seen := map[string]bool{}
	truncated := false
	for _, u := range ups {
		if keyMarker != "" && (u.key < keyMarker || u.key == keyMarker && (idMarker == "" || u.id <= idMarker)) {
			continue
		}
		if delimiter != "" {
			rest := u.key[len(prefix):]
			if i := strings.Index(rest, delimiter); i >= 0 {
				cp := prefix + rest[:i+len(delimiter)]
				if seen[cp] || cp <= keyMarker {
					continue
				}
				if len(out) == max {
					truncated = true
					break
				}
				seen[cp] = true
				out = append(out, entry{cp: cp})
				continue
			}
		}
		if len(out) == max {
			truncated = true
			break
		}
		out = append(out, entry{u: u})
	}
	var x xmlBuilder
	x.header()
	x.root("ListMultipartUploadsResult")
	x.elem("Bucket", b.name)
	x.elem("KeyMarker", maybeEncode(keyMarker, enc))
	x.elem("UploadIdMarker", idMarker)
	// AWS names the last upload listed, truncated or not, and leaves both
	// empty when the page holds none (common prefixes do not count).
	// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#tests/aws/services/s3/test_s3_list_operations.py::TestS3ListMultipartUploads::test_list_multipart_uploads_marker_common_prefixes
	nextKey, nextID := "", ""
	for i := len(out) - 1; i >= 0; i-- {
		if u := out[i].u; u != nil {
			nextKey, nextID = u.key, u.id
			break
		}
	}
	x.elem("NextKeyMarker", maybeEncode(nextKey, enc))
	x.elem("NextUploadIdMarker", nextID)
	if delimiter != "" {
		x.elem("Delimiter", maybeEncode(delimiter, enc))
	}
	if prefix != "" { // AWS leaves an unasked prefix out
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_multipart_and_list_parts
		x.elem("Prefix", maybeEncode(prefix, enc))
	}
	if enc {
		x.elem("EncodingType", "url")
	}
	x.elemInt("MaxUploads", int64(max))
	x.elemBool("IsTruncated", truncated)
	for _, e := range out {
		if e.u == nil {
			continue
		}
		x.open("Upload")
		x.elem("Key", maybeEncode(e.u.key, enc))
		x.elem("UploadId", e.u.id)
		writeInitiatorOwner(&x, e.u)
		x.elem("StorageClass", "STANDARD")
		x.elemTime("Initiated", e.u.initiated)
		if e.u.checksumAlgo != algoNone {
			x.elem("ChecksumAlgorithm", e.u.checksumAlgo.String())
			x.elem("ChecksumType", e.u.checksumType)
		}
		x.close("Upload")
	}
	var cps []string
	for _, e := range out {
		if e.u == nil {
			cps = append(cps, e.cp)
		}
	}
	sort.Strings(cps)
	for _, cp := range cps {
		x.open("CommonPrefixes")
		x.elem("Prefix", maybeEncode(cp, enc))
		x.close("CommonPrefixes")
	}
	x.close("ListMultipartUploadsResult")
	return xmlDoc{&x}, nil
}
