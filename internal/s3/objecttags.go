package s3

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Object tags: PutObjectTagging, GetObjectTagging and DeleteObjectTagging
// on a key's current version or the one ?versionId= names, and the
// x-amz-tagging header of PutObject, CopyObject and CreateMultipartUpload.
// Tags are part of a version's row: writing a new version starts it with
// the tags its request gives, none otherwise.

// Messages of object tags.
const (
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketObjectTagging::test_tagging_validation
	msgObjectSystemTag = "Your TagKey cannot be prefixed with aws:"
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketObjectTagging::test_object_tagging_exc
	msgTaggingHeader = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates."
	// source: unconfirmed S3's documented limit of 10 tags per object (doc https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html); the wording is not in a snapshot
	msgTooManyObjectTags = "Object tags cannot be greater than 10"
	// source: unconfirmed S3 refuses a tagging directive other than COPY and REPLACE as it refuses a metadata directive; the wording is not in a snapshot
	msgUnknownTaggingDirective = "Unknown tagging directive."
)

// maxObjectTags is S3's limit of tags per object version.
const maxObjectTags = 10

var objectTagLimit = tagLimit{maxObjectTags, func() *awserr.Error { return errBadRequest.New(msgTooManyObjectTags) }}

func objectSystemTag(k string) *awserr.Error { return invalidTag(msgObjectSystemTag, k) }

// parseObjectTagging validates PutObjectTagging's document.
func parseObjectTagging(body []byte) ([]bucketTag, error) {
	var t xTagging
	if err := decodeXML(body, "Tagging", &t); err != nil {
		return nil, err
	}
	return checkTags(t.TagSet.Tags, objectTagLimit, objectSystemTag)
}

// taggingHeader reads x-amz-tagging: URL query parameters, a name without
// "=" being a tag with an empty value and empty parameters ignored, as S3
// reads it (test_put_object_with_tags). present is false when the request
// has no such header. A duplicated name, or a name or value S3 does not
// allow, is InvalidArgument naming the header.
func taggingHeader(h http.Header) (tags []bucketTag, present bool, err error) {
	vs, ok := h["X-Amz-Tagging"]
	if !ok || len(vs) == 0 {
		return nil, false, nil
	}
	v := vs[0]
	bad := func() error { return invalidArgument(msgTaggingHeader, "x-amz-tagging", v) }
	var raw []xTag
	for part := range strings.SplitSeq(v, "&") {
		if part == "" {
			continue
		}
		k, val, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(val)
		if err1 != nil || err2 != nil {
			return nil, true, bad()
		}
		raw = append(raw, xTag{Key: &k, Value: &val})
	}
	tags, err = checkTags(raw, objectTagLimit, objectSystemTag)
	if e := awserr.As(err); e != nil && e.Code == errInvalidTag.Name && e.Message != msgObjectSystemTag {
		return nil, true, bad()
	}
	return tags, true, err
}

// taggedRow is the version a tagging request names.
type taggedRow struct {
	id      int64
	version string
	marker  bool
	size    int64
	etag    string
	tags    sql.NullString
}

// findTagged reads the version a tagging request names: with byID the
// version whose id is version, else the key's current one.
func findTagged(tx *store.Tx, bucket, key, version string, byID bool) (taggedRow, error) {
	var t taggedRow
	var marker int64
	q := `SELECT id, version, marker, size, etag, tags FROM s3_objects WHERE bucket = ? AND key = ? AND `
	var row *store.Row
	if byID {
		row = tx.QueryRow(q+`version = ?`, bucket, key, version)
	} else {
		row = tx.QueryRow(q+`latest = 1`, bucket, key)
	}
	err := row.Scan(&t.id, &t.version, &marker, &t.size, &t.etag, &t.tags)
	t.marker = marker != 0
	return t, err
}

// taggedVersion finds the version for a tagging request (in tx, or in a
// read of its own when tx is nil), or what S3 answers instead: a delete
// marker (even the current one) is 405; a missing key or version is
// errNotTagged, which notTagged turns into the answer.
func (s *Service) taggedVersion(ctx context.Context, r *protocol.Request, b *bucket, c *call, tx *store.Tx) (taggedRow, error) {
	version, byID, err := requestedVersion(c)
	if err != nil {
		return taggedRow{}, err
	}
	var t taggedRow
	if tx != nil {
		t, err = findTagged(tx, b.name, c.key, version, byID)
	} else {
		err = s.db.Read(ctx, func(tx *store.Tx) error {
			t, err = findTagged(tx, b.name, c.key, version, byID)
			return err
		})
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return t, errNotTagged
	case err != nil:
		return t, err
	case t.marker:
		// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketObjectTagging::test_object_tagging_versioned
		return t, methodNotAllowed(method(r), "DeleteMarker")
	}
	return t, nil
}

// errNotTagged: the key or version a tagging request names does not exist.
var errNotTagged = errors.New("s3: no such version to tag")

// notTagged turns errNotTagged into S3's answer, after the transaction
// (the disclosure rule asks the door): NoSuchVersion for a version,
// NoSuchKey whose Key member is shownKey (GetObjectTagging writes
// "bucket/key"), or AccessDenied for a caller not allowed to list.
func (s *Service) notTagged(ctx context.Context, r *protocol.Request, b *bucket, c *call, shownKey string, err error) error {
	if !errors.Is(err, errNotTagged) {
		return err
	}
	if err := s.missingKey(ctx, r, b, c.key); awserr.As(err).Code != errNoSuchKey.Name {
		return err
	}
	if version, byID, _ := requestedVersion(c); byID {
		return noSuchVersion(c.key, version)
	}
	return noSuchKey(shownKey)
}

// versionHeader is the x-amz-version-id the tagging operations answer: the
// version's id, none for a null version.
func versionHeader(version string) headerOnly {
	if version == nullVersion || version == "" {
		return headerOnly{}
	}
	return headerOnly{"x-amz-version-id": version}
}

func (s *Service) getObjectTagging(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	t, err := s.taggedVersion(ctx, r, b, c, nil)
	if err != nil {
		return nil, s.notTagged(ctx, r, b, c, b.name+"/"+c.key, err)
	}
	var x xmlBuilder
	x.header()
	x.root("Tagging")
	x.open("TagSet")
	for _, tg := range decodeTags(nullableString(t.tags)) {
		x.open("Tag")
		x.elem("Key", tg.Key)
		x.elem("Value", tg.Value)
		x.close("Tag")
	}
	x.close("TagSet")
	x.close("Tagging")
	return &docWithHeaders{x: &x, h: versionHeader(t.version)}, nil
}

func nullableString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

func (s *Service) putObjectTagging(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	tags, err := parseObjectTagging(body)
	if err != nil {
		return nil, err
	}
	return s.setObjectTags(ctx, r, b, c, tags, "ObjectTagging:Put")
}

func (s *Service) deleteObjectTagging(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	res, err := s.setObjectTags(ctx, r, b, c, nil, "ObjectTagging:Delete")
	if err != nil {
		return nil, err
	}
	return deleted(res), nil
}

// setObjectTags replaces the tags of the version c names and queues the
// change's notification in the same transaction.
func (s *Service) setObjectTags(ctx context.Context, r *protocol.Request, b *bucket, c *call, tags []bucketTag, event string) (headerOnly, error) {
	var t taggedRow
	var evs []pendingEvent
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = s.taggedVersion(ctx, r, b, c, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE s3_objects SET tags = ? WHERE id = ?`, encodeTags(tags), t.id); err != nil {
			return err
		}
		ev := ""
		if s.versioning(b.name) != "" {
			ev = t.version
		}
		evs, err = s.queueEvents(tx, r, b, event, c.key, t.size, t.etag, ev)
		return err
	})
	if err != nil {
		return nil, s.notTagged(ctx, r, b, c, c.key, err)
	}
	s.events.push(evs)
	return versionHeader(t.version), nil
}

// authorizeTagging asks the door for s3:PutObjectTagging when a write
// carries x-amz-tagging: AWS requires that permission besides the write's
// own (s3:PutObject) to tag an object as it is written.
func (s *Service) authorizeTagging(ctx context.Context, r *protocol.Request, b *bucket, key string) error {
	t := protocol.Target{Resource: objectARN(b.name, key), Account: b.account, Policy: restrictedPolicy(b, callerPrincipal(r))}
	return r.Authorize(ctx, "s3:PutObjectTagging", t, nil)
}

// writeTags reads x-amz-tagging for a write and authorizes it.
func (s *Service) writeTags(ctx context.Context, r *protocol.Request, b *bucket, key string) ([]bucketTag, error) {
	tags, present, err := taggingHeader(r.HTTP.Header)
	if err != nil || !present {
		return nil, err
	}
	if err := s.authorizeTagging(ctx, r, b, key); err != nil {
		return nil, err
	}
	return tags, nil
}
