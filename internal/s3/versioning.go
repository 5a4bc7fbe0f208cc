package s3

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/xml"
	"errors"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Versioning.
//
// Every version of an object is a row of s3_objects: its version id
// ("null" for the version an unversioned or suspended bucket writes), a
// latest flag (exactly one row per key that has rows), and a marker flag
// for delete markers. An unversioned bucket has one "null" row per key and
// is written exactly as before versioning existed: one upsert. A bucket
// whose versioning is Enabled inserts a row per write with a fresh id; one
// whose versioning is Suspended replaces its "null" row, wherever it is in
// the key's history, with a new latest row. Row ids grow with every
// insert, so a key's versions are ordered newest first by id descending.
//
// The versioning state a write uses is the bucket's as cached when the
// write commits. A write racing PutBucketVersioning may use the state
// before the change; AWS, too, asks clients to wait after changing it.

// Versioning states as stored and reported; "" is a bucket that never had
// versioning configured, and a bucket never returns to it.
const (
	versioningEnabled   = "Enabled"
	versioningSuspended = "Suspended"
)

// nullVersion is the version id of an object written while versioning was
// not enabled.
const nullVersion = "null"

// versionAlphabet is the characters of a version id: AWS's are 32 of
// letters, digits, '.' and '_' (test_object_version_id_format).
const versionAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

const (
	versionIDLen    = 32
	versionCheckLen = 6
)

// newVersionID makes a version id: 26 random characters (156 bits) and 6
// characters of their SHA-256, so that an id seki never minted (a typo, an
// id from another system) is told apart from one that no longer exists, as
// S3 tells them apart: the first is InvalidArgument, the second
// NoSuchVersion.
func newVersionID() string {
	var b [versionIDLen]byte
	rand.Read(b[:versionIDLen-versionCheckLen])
	for i := range versionIDLen - versionCheckLen {
		b[i] = versionAlphabet[b[i]&63]
	}
	versionCheck(b[:versionIDLen-versionCheckLen], b[versionIDLen-versionCheckLen:])
	return string(b[:])
}

func versionCheck(body, out []byte) {
	sum := sha256.Sum256(body)
	for i := range out {
		out[i] = versionAlphabet[sum[i]&63]
	}
}

// validVersionID reports whether v is "null" or an id seki could have
// minted.
func validVersionID(v string) bool {
	if v == nullVersion {
		return true
	}
	if len(v) != versionIDLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	var check [versionCheckLen]byte
	versionCheck([]byte(v[:versionIDLen-versionCheckLen]), check[:])
	return string(check[:]) == v[versionIDLen-versionCheckLen:]
}

// requestedVersion reads the versionId query parameter: ok is false when
// the request names none. An empty or malformed id is InvalidArgument.
func requestedVersion(c *call) (v string, ok bool, err error) {
	vs, ok := c.query["versionId"]
	if !ok {
		return "", false, nil
	}
	if len(vs) == 0 || !validVersionID(vs[0]) {
		return "", true, invalidVersionID("versionId", c.query.Get("versionId"))
	}
	return vs[0], true, nil
}

// versioning is the bucket's versioning state now.
func (s *Service) versioning(name string) string {
	if b := s.lookup(name); b != nil {
		return b.versioning
	}
	return ""
}

// versionTarget is objectTarget for a request that names a version: it
// adds s3:versionid, the condition key the *Version actions carry.
func (s *Service) versionTarget(ctx context.Context, r *protocol.Request, c *call) (protocol.Target, error) {
	if v := c.query.Get("versionId"); v != "" {
		r.Context.Set("s3:versionid", v)
	}
	return s.objectTarget(ctx, r, c)
}

// current is a key's latest row as a write sees it.
type current struct {
	found  bool
	id     int64
	blob   sql.NullString
	etag   string
	null   bool // it is the null version
	marker bool
}

// exists reports whether the key has an object (its latest version is not
// a delete marker).
func (c *current) exists() bool { return c.found && !c.marker }

func latestRow(tx *store.Tx, bucket, key string) (current, error) {
	var c current
	var null, marker int64
	err := tx.QueryRow(`SELECT id, blob, etag, version = 'null', marker FROM s3_objects WHERE bucket = ? AND key = ? AND latest = 1`, bucket, key).
		Scan(&c.id, &c.blob, &c.etag, &null, &marker)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	c.found, c.null, c.marker = err == nil, null != 0, marker != 0
	return c, err
}

// insertVersion adds o as the key's latest version, after cur. A "null"
// version replaces the key's existing null version (S3 keeps at most one);
// its blob, if any, is returned for removal.
func insertVersion(tx *store.Tx, o *object, cur current) (replacedBlob string, err error) {
	if cur.found {
		if _, err := tx.Exec(`UPDATE s3_objects SET latest = 0 WHERE id = ?`, cur.id); err != nil {
			return "", err
		}
	}
	if o.version == nullVersion {
		var blob sql.NullString
		err := tx.QueryRow(`DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version = 'null' RETURNING blob`, o.bucket, o.key).Scan(&blob)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		replacedBlob = blob.String
	}
	_, err = tx.Exec(`INSERT INTO s3_objects(bucket, key, size, etag, modified, owner, content_type, headers, meta, checksum_algo, checksum, checksum_type, parts, part_sizes, blob, data, version, latest, marker, tags, acl)
VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
		o.bucket, o.key, o.size, o.etag, o.modified.UnixMilli(), o.owner, o.contentType,
		encodePairs(o.headers), encodePairs(o.meta), nullString(o.checksumAlgo.String()), nullString(o.checksum),
		o.checksumType, o.parts, encodeSizes(o.partSizes), nullString(o.blob), o.data, o.version, o.marker, encodeTags(o.tags), o.acl)
	if isForeignKeyErr(err) {
		return "", noSuchBucket(o.bucket)
	}
	return replacedBlob, err
}

// removal is what deleting one key (or one version of it) did.
type removal struct {
	// version is the version id removed or the delete marker created; ""
	// in an unversioned bucket.
	version string
	// marker: a delete marker was created, or the version removed was one.
	marker bool
	blob   string
	events []pendingEvent
}

// removeKey deletes key in b inside tx as DeleteObject does: with version
// (hasVersion) that version permanently; otherwise the object in an
// unversioned bucket, or by stacking a delete marker on a versioned one.
// strict makes a version that does not exist NoSuchVersion (DeleteObjects)
// rather than a success (DeleteObject). ifMatch is DeleteObject's If-Match.
// A version Object Lock protects is refused unless bypass (deleteBypass's
// answer) lets a GOVERNANCE retention give way.
func (s *Service) removeKey(tx *store.Tx, r *protocol.Request, b *bucket, key, version string, hasVersion, strict bool, ifMatch string, bypass bool) (removal, error) {
	var res removal
	if hasVersion {
		if err := s.checkDelete(tx, r, b.name, key, version, bypass); err != nil {
			return res, err
		}
		var id, latest, marker int64
		var blob sql.NullString
		err := tx.QueryRow(`DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version = ? RETURNING id, blob, latest, marker`, b.name, key, version).
			Scan(&id, &blob, &latest, &marker)
		if errors.Is(err, sql.ErrNoRows) {
			if strict && version != nullVersion {
				return res, noSuchVersion(key, version)
			}
			return removal{version: version}, nil
		}
		if err != nil {
			return res, err
		}
		if latest != 0 {
			// The next newest version, if any, becomes the latest: removing
			// a delete marker brings its object back.
			if _, err := tx.Exec(`UPDATE s3_objects SET latest = 1 WHERE id = (SELECT max(id) FROM s3_objects WHERE bucket = ? AND key = ?)`, b.name, key); err != nil {
				return res, err
			}
		}
		res = removal{version: version, marker: marker != 0, blob: blob.String}
		ev := version
		if s.versioning(b.name) == "" {
			ev = "" // as every event of an unversioned bucket
		}
		res.events, err = s.queueEvents(tx, r, b, "ObjectRemoved:Delete", key, 0, "", ev)
		return res, err
	}
	cur, err := latestRow(tx, b.name, key)
	if err != nil {
		return res, err
	}
	if ifMatch != "" {
		if !cur.exists() {
			return res, noSuchKey(key)
		}
		if !etagMatches(ifMatch, `"`+cur.etag+`"`) {
			return res, preconditionFailed("If-Match")
		}
	}
	state := s.versioning(b.name)
	if state == "" {
		if !cur.found {
			return res, nil
		}
		if _, err := tx.Exec(`DELETE FROM s3_objects WHERE id = ?`, cur.id); err != nil {
			return res, err
		}
		res.blob = cur.blob.String
		res.events, err = s.queueEvents(tx, r, b, "ObjectRemoved:Delete", key, 0, "", "")
		return res, err
	}
	m := &object{bucket: b.name, key: key, owner: r.Account(), marker: true, version: nullVersion,
		modified: r.Now.UTC().Truncate(1e6)}
	if state == versioningEnabled {
		m.version = newVersionID()
	}
	if res.blob, err = insertVersion(tx, m, cur); err != nil {
		return res, err
	}
	res.version, res.marker = m.version, true
	res.events, err = s.queueEvents(tx, r, b, "ObjectRemoved:DeleteMarkerCreated", key, 0, "", m.version)
	return res, err
}

func (s *Service) putBucketVersioning(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	var v struct {
		XMLName   xml.Name
		Status    *string `xml:"Status"`
		MfaDelete *string `xml:"MfaDelete"`
	}
	if err := decodeXML(body, "VersioningConfiguration", &v); err != nil {
		return nil, err
	}
	// MfaDelete is accepted and ignored: seki has no MFA devices, and S3
	// changes it only with the x-amz-mfa header of the root user's
	// device. Its value must still be one the schema allows.
	if v.MfaDelete != nil && *v.MfaDelete != "Enabled" && *v.MfaDelete != "Disabled" {
		return nil, malformedXML()
	}
	if v.Status == nil {
		if v.MfaDelete != nil {
			return nil, nil
		}
		return nil, errIllegalVersns.New(msgVersioningElement)
	}
	switch *v.Status {
	case versioningEnabled, versioningSuspended:
	default:
		// "Disabled" and other spellings: a bucket never returns to
		// unversioned (test_bucket_versioning_crud).
		return nil, malformedXML()
	}
	if err := lockedVersioning(b, *v.Status); err != nil {
		return nil, err
	}
	if err := s.updateBucket(ctx, b.name, func(tx *store.Tx, nb *bucket) error {
		nb.versioning = *v.Status
		_, err := tx.Exec(`UPDATE s3_buckets SET versioning = ? WHERE name = ?`, nb.versioning, nb.name)
		return err
	}); err != nil {
		return nil, err
	}
	return nil, nil
}

// withHeaders is an error S3 answers with extra response headers: the
// delete-marker headers of a GET that finds one.
type withHeaders struct {
	err     *awserr.Error
	headers [][2]string
}

func (e *withHeaders) Error() string { return e.err.Error() }
func (e *withHeaders) Unwrap() error { return e.err }

// deleteMarkerError is the answer to reading a delete marker: NoSuchKey
// when it is the key's latest version, 405 when it was asked for by id;
// both say what they found in x-amz-delete-marker and x-amz-version-id.
func deleteMarkerError(method, key, version string, byID bool) error {
	h := [][2]string{{"x-amz-delete-marker", "true"}, {"x-amz-version-id", version}}
	if !byID {
		return &withHeaders{noSuchKey(key), h}
	}
	return &withHeaders{methodNotAllowed(method, "DeleteMarker"), append(h, [2]string{"Allow", "DELETE"})}
}

// listVersions returns up to l.max versions, delete markers and common
// prefixes in S3's order (keys ascending, each key's versions newest
// first), and whether more follow. l.after is the key marker; afterID,
// when not 0, is the row of the version-id marker: the page then starts
// with the key marker's versions older than it.
func (s *Service) listVersions(ctx context.Context, bucket string, l listing, afterID int64) ([]listEntry, bool, error) {
	var out []listEntry
	truncated := false
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		out, truncated = out[:0], false
		// room reports whether the page has room for one more entry; when
		// it has none, there is more to list.
		room := func() bool {
			truncated = len(out) == l.max
			return !truncated
		}
		if afterID != 0 {
			rows, err := tx.Query(`SELECT `+listColumns+` FROM s3_objects WHERE bucket = ? AND key = ? AND id < ? ORDER BY id DESC`, bucket, l.after, afterID)
			if err != nil {
				return err
			}
			for rows.Next() {
				o, err := scanListed(rows)
				if err != nil {
					rows.Close()
					return err
				}
				if !room() {
					rows.Close()
					return rows.Err()
				}
				out = append(out, listEntry{name: o.key, o: o})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		cursor, op := l.after, ">"
		if l.prefix > cursor {
			cursor, op = l.prefix, ">="
		}
		for {
			// Streamed without a LIMIT: a page may end anywhere in a key's
			// versions, and the scan stops when the page is full.
			rows, err := tx.Query(`SELECT `+listColumns+` FROM s3_objects WHERE bucket = ? AND key `+op+` ? ORDER BY key, id DESC`, bucket, cursor)
			if err != nil {
				return err
			}
			restart := false
			for rows.Next() {
				o, err := scanListed(rows)
				if err != nil {
					rows.Close()
					return err
				}
				if !strings.HasPrefix(o.key, l.prefix) {
					rows.Close()
					return rows.Err()
				}
				if l.delimiter != "" {
					if i := strings.Index(o.key[len(l.prefix):], l.delimiter); i >= 0 {
						cp := o.key[:len(l.prefix)+i+len(l.delimiter)]
						if cp > l.after {
							if !room() {
								rows.Close()
								return rows.Err()
							}
							out = append(out, listEntry{name: cp})
						}
						next, ok := successor(cp)
						if !ok {
							rows.Close()
							return rows.Err()
						}
						// Skip the rest of the prefix's keys with a new query.
						cursor, op, restart = next, ">=", true
						break
					}
				}
				if !room() {
					rows.Close()
					return rows.Err()
				}
				out = append(out, listEntry{name: o.key, o: o})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if !restart {
				return nil
			}
		}
	})
	return out, truncated, err
}

// listObjectVersions answers GET ?versions: every version and delete
// marker, in an unversioned bucket each object as its one "null" version.
func (s *Service) listObjectVersions(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	l, enc, err := listParams(c)
	if err != nil {
		return nil, err
	}
	keyMarker, vidMarker := c.query.Get("key-marker"), c.query.Get("version-id-marker")
	if vidMarker != "" {
		if keyMarker == "" {
			return nil, invalidArgument(msgVersionMarkerWithoutKey, "version-id-marker", vidMarker)
		}
		if !validVersionID(vidMarker) {
			return nil, invalidVersionID("version-id-marker", vidMarker)
		}
	}
	l.after = keyMarker
	var afterID int64
	if vidMarker != "" {
		// A marker naming a version that no longer exists continues after
		// the key marker's versions.
		err := s.db.Read(ctx, func(tx *store.Tx) error {
			err := tx.QueryRow(`SELECT id FROM s3_objects WHERE bucket = ? AND key = ? AND version = ?`, b.name, keyMarker, vidMarker).Scan(&afterID)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	var entries []listEntry
	truncated := false
	if l.max > 0 {
		if entries, truncated, err = s.listVersions(ctx, b.name, l, afterID); err != nil {
			return nil, err
		}
	}
	var x xmlBuilder
	x.header()
	x.root("ListVersionsResult")
	x.elem("Name", b.name)
	x.elem("Prefix", maybeEncode(l.prefix, enc))
	x.elem("KeyMarker", maybeEncode(keyMarker, enc))
	x.elem("VersionIdMarker", vidMarker)
	if truncated && len(entries) > 0 {
		last := entries[len(entries)-1]
		x.elem("NextKeyMarker", maybeEncode(last.name, enc))
		// A page that ends on a common prefix names no version
		// (test_list_object_versions_pagination_common_prefixes).
		if last.o != nil {
			x.elem("NextVersionIdMarker", last.o.version)
		}
	}
	x.elemInt("MaxKeys", int64(l.max))
	if l.delimiter != "" {
		x.elem("Delimiter", maybeEncode(l.delimiter, enc))
	}
	if enc {
		x.elem("EncodingType", "url")
	}
	x.elemBool("IsTruncated", truncated)
	for _, e := range entries {
		o := e.o
		switch {
		case o == nil:
			continue
		case o.marker:
			x.open("DeleteMarker")
			x.elem("Key", maybeEncode(o.key, enc))
			x.elem("VersionId", o.version)
			x.elemBool("IsLatest", o.latest)
			x.elemTime("LastModified", o.modified)
			x.open("Owner")
			x.elem("ID", canonicalID(o.owner))
			x.close("Owner")
			x.close("DeleteMarker")
			continue
		}
		x.open("Version")
		x.elem("Key", maybeEncode(o.key, enc))
		x.elem("VersionId", o.version)
		x.elemBool("IsLatest", o.latest)
		x.elemTime("LastModified", o.modified)
		x.elem("ETag", o.quotedETag())
		x.elemInt("Size", o.size)
		x.open("Owner")
		x.elem("ID", canonicalID(o.owner))
		x.close("Owner")
		x.elem("StorageClass", o.storageClass())
		if o.checksumAlgo != algoNone {
			x.elem("ChecksumAlgorithm", o.checksumAlgo.String())
			x.elem("ChecksumType", o.checksumType)
		}
		x.close("Version")
	}
	for _, e := range entries {
		if e.o == nil {
			x.open("CommonPrefixes")
			x.elem("Prefix", maybeEncode(e.name, enc))
			x.close("CommonPrefixes")
		}
	}
	x.close("ListVersionsResult")
	return xmlDoc{&x}, nil
}
