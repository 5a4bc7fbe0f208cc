package s3

import (
	"context"
	"database/sql"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// listing is one ListObjects(V2) page request.
type listing struct {
	prefix, delimiter string
	// after is the exclusive lower bound: StartAfter, Marker or the
	// continuation token. A common prefix at or before it is skipped with
	// everything under it, so a page that ended on a common prefix
	// continues after that prefix's keys.
	after string
	max   int
}

// listEntry is a key (o set) or a common prefix (o nil).
type listEntry struct {
	name string
	o    *object
}

// list returns up to l.max entries in key order, and whether more follow.
func (s *Service) list(ctx context.Context, bucket string, l listing) ([]listEntry, bool, error) {
	var out []listEntry
	truncated := false
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		out, truncated = out[:0], false
		// cursor is the next key to consider; inclusive says whether a key
		// equal to it counts.
		cursor, inclusive := l.after, false
		if l.prefix > cursor {
			cursor, inclusive = l.prefix, true
		}
		for {
			batch := l.max + 1 - len(out)
			if batch < 16 {
				batch = 16
			}
			// Only current versions that are not delete markers are listed.
			q := `SELECT ` + listColumns + ` FROM s3_objects WHERE bucket = ? AND key > ? AND latest = 1 AND marker = 0 ORDER BY key LIMIT ?`
			if inclusive {
				q = `SELECT ` + listColumns + ` FROM s3_objects WHERE bucket = ? AND key >= ? AND latest = 1 AND marker = 0 ORDER BY key LIMIT ?`
			}
			rows, err := tx.Query(q, bucket, cursor, batch)
			if err != nil {
				return err
			}
			n, restart := 0, false
			for rows.Next() {
				n++
				o, err := scanListed(rows)
				if err != nil {
					rows.Close()
					return err
				}
				if !strings.HasPrefix(o.key, l.prefix) {
					rows.Close()
					return rows.Err()
				}
				cursor, inclusive = o.key, false
				if l.delimiter != "" {
					rest := o.key[len(l.prefix):]
					if i := strings.Index(rest, l.delimiter); i >= 0 {
						cp := l.prefix + rest[:i+len(l.delimiter)]
						next, ok := successor(cp)
						if cp > l.after {
							if len(out) == l.max {
								truncated = true
								rows.Close()
								return rows.Err()
							}
							out = append(out, listEntry{name: cp})
						}
						if !ok {
							rows.Close()
							return rows.Err()
						}
						// Skip the rest of the prefix's keys with a new query.
						cursor, inclusive, restart = next, true, true
						break
					}
				}
				if len(out) == l.max {
					truncated = true
					rows.Close()
					return rows.Err()
				}
				out = append(out, listEntry{name: o.key, o: o})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if !restart && n < batch {
				return nil
			}
		}
	})
	return out, truncated, err
}

// listColumns are what a listing reports of an object (never its content).
const listColumns = `key, size, etag, modified, owner, checksum_algo, checksum_type, headers, version, latest, marker, id`

func scanListed(rows *sql.Rows) (*object, error) {
	o := &object{}
	var modified, latest, marker int64
	var algo, ctyp, headers sql.NullString
	if err := rows.Scan(&o.key, &o.size, &o.etag, &modified, &o.owner, &algo, &ctyp, &headers, &o.version, &latest, &marker, &o.id); err != nil {
		return nil, err
	}
	o.latest, o.marker = latest != 0, marker != 0
	o.modified = time.UnixMilli(modified).UTC()
	if algo.Valid {
		o.checksumAlgo, _ = parseAlgo(algo.String)
	}
	o.checksumType = ctyp.String
	o.headers = decodePairs(headers)
	return o, nil
}

// successor returns the smallest string greater than every string that
// starts with p, or false when there is none.
func successor(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// listParams reads the parameters both ListObjects versions share.
func listParams(c *call) (l listing, encodeURL bool, err error) {
	q := c.query
	l.prefix, l.delimiter, l.max = q.Get("prefix"), q.Get("delimiter"), 1000
	if v, ok := q["max-keys"]; ok && len(v) > 0 {
		n, perr := strconv.Atoi(v[0])
		if perr != nil || n < 0 {
			return l, false, invalidArgument(msgProvidedMaxKeysNot, "max-keys", v[0])
		}
		l.max = min(n, 1000)
	}
	encodeURL, err = encodingType(q)
	return l, encodeURL, err
}

// encodingType reads encoding-type, which every listing takes: absent, or
// "url"; anything else, an empty value too, is refused.
// source: snapshot tests/aws/services/s3/test_s3_list_operations.snapshot.json#tests/aws/services/s3/test_s3_list_operations.py::TestS3ListObjectsV2::test_list_ops_encoding_type_validation[list_objects]
func encodingType(q url.Values) (bool, error) {
	v, ok := q["encoding-type"]
	if !ok {
		return false, nil
	}
	e := ""
	if len(v) > 0 {
		e = v[0]
	}
	if e == "url" || e == "URL" {
		return true, nil
	}
	return false, invalidArgument(msgInvalidEncodingMethodSpecified, "encoding-type", e)
}

// urlEncodeKey encodes a key for encoding-type=url the way S3 does: form
// encoding (space as '+', '+' as %2B, UTF-8 bytes as %XX), with '/' kept.
func urlEncodeKey(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '-', c == '*', c == '_', c == '/':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
	}
	return b.String()
}

func maybeEncode(s string, enc bool) string {
	if enc {
		return urlEncodeKey(s)
	}
	return s
}

func encodeToken(after string) string {
	return base64.StdEncoding.EncodeToString(append([]byte{1}, after...))
}

func decodeToken(t string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(t)
	if err != nil || len(b) == 0 || b[0] != 1 {
		return "", false
	}
	return string(b[1:]), true
}

// listObjectsV2 answers GET ?list-type=2.
func (s *Service) listObjectsV2(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	l, enc, err := listParams(c)
	if err != nil {
		return nil, err
	}
	q := c.query
	startAfter := q.Get("start-after")
	token, hasToken := q["continuation-token"]
	l.after = startAfter
	if hasToken {
		if len(token) == 0 || token[0] == "" {
			return nil, invalidArgument(msgTheContinuationTokenProvided, "continuation-token", "")
		}
		after, ok := decodeToken(token[0])
		if !ok {
			return nil, invalidArgument(msgTheContinuationTokenProvided, "continuation-token", token[0])
		}
		l.after = after
	}
	fetchOwner := q.Get("fetch-owner") == "true"
	var entries []listEntry
	truncated := false
	if l.max > 0 {
		if entries, truncated, err = s.list(ctx, b.name, l); err != nil {
			return nil, err
		}
	}
	var x xmlBuilder
	x.header()
	x.root("ListBucketResult")
	x.elem("Name", b.name)
	x.elem("Prefix", maybeEncode(l.prefix, enc))
	if hasToken {
		x.elem("ContinuationToken", token[0])
	}
	if truncated && len(entries) > 0 {
		x.elem("NextContinuationToken", encodeToken(entries[len(entries)-1].name))
	}
	x.elemInt("KeyCount", int64(len(entries)))
	x.elemInt("MaxKeys", int64(l.max))
	if l.delimiter != "" {
		x.elem("Delimiter", maybeEncode(l.delimiter, enc))
	}
	if enc {
		x.elem("EncodingType", "url")
	}
	x.elemBool("IsTruncated", truncated)
	if startAfter != "" && !hasToken { // AWS leaves it out once a token continues the listing
		x.elem("StartAfter", maybeEncode(startAfter, enc))
	}
	writeEntries(&x, entries, enc, fetchOwner)
	x.close("ListBucketResult")
	return xmlDoc{&x}, nil
}

// listObjectsV1 answers the original GET Bucket listing.
func (s *Service) listObjectsV1(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	l, enc, err := listParams(c)
	if err != nil {
		return nil, err
	}
	marker := c.query.Get("marker")
	l.after = marker
	var entries []listEntry
	truncated := false
	if l.max > 0 {
		if entries, truncated, err = s.list(ctx, b.name, l); err != nil {
			return nil, err
		}
	}
	var x xmlBuilder
	x.header()
	x.root("ListBucketResult")
	x.elem("Name", b.name)
	x.elem("Prefix", maybeEncode(l.prefix, enc))
	x.elem("Marker", maybeEncode(marker, enc))
	// NextMarker is only sent when a delimiter is given; without one the
	// client continues from the last key.
	if truncated && l.delimiter != "" && len(entries) > 0 {
		x.elem("NextMarker", maybeEncode(entries[len(entries)-1].name, enc))
	}
	x.elemInt("MaxKeys", int64(l.max))
	if l.delimiter != "" {
		x.elem("Delimiter", maybeEncode(l.delimiter, enc))
	}
	if enc {
		x.elem("EncodingType", "url")
	}
	x.elemBool("IsTruncated", truncated)
	writeEntries(&x, entries, enc, true)
	x.close("ListBucketResult")
	return xmlDoc{&x}, nil
}

func writeEntries(x *xmlBuilder, entries []listEntry, enc, owner bool) {
	for _, e := range entries {
		o := e.o
		if o == nil {
			continue
		}
		x.open("Contents")
		x.elem("Key", maybeEncode(o.key, enc))
		x.elemTime("LastModified", o.modified)
		x.elem("ETag", o.quotedETag())
		if o.checksumAlgo != algoNone {
			x.elem("ChecksumAlgorithm", o.checksumAlgo.String())
			x.elem("ChecksumType", o.checksumType)
		}
		x.elemInt("Size", o.size)
		if owner {
			x.open("Owner")
			x.elem("ID", canonicalID(o.owner))
			x.close("Owner")
		}
		x.elem("StorageClass", o.storageClass())
		x.close("Contents")
	}
	for _, e := range entries {
		if e.o != nil {
			continue
		}
		x.open("CommonPrefixes")
		x.elem("Prefix", maybeEncode(e.name, enc))
		x.close("CommonPrefixes")
	}
}
