package s3

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Archive storage classes. An object stored as GLACIER or DEEP_ARCHIVE
// cannot be read until RestoreObject makes a temporary copy of it
// available; HEAD, listings and GetObjectAttributes still see it. seki
// keeps no second copy: the restore is the X-Amz-Restore header stored
// with the version (answered on GET and HEAD as AWS answers it), and the
// version's bytes are readable while its expiry date is ahead.
//
// AWS takes minutes to hours to restore (Bulk up to 48 hours for
// DEEP_ARCHIVE); a local emulator has nothing to wait for, so seki's
// restore is complete when RestoreObject answers. Its status, 202 for a
// restore started and 200 for one already done, is AWS's.
// source: doc https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html

const hRestore = "X-Amz-Restore"

// needsRestore reports whether sc is a class GetObject refuses until the
// object is restored.
func needsRestore(sc string) bool { return sc == "GLACIER" || sc == "DEEP_ARCHIVE" }

// restoredUntil is the expiry date of o's completed restore, or the zero
// time when it has none.
func restoredUntil(headers [][2]string) time.Time {
	for _, h := range headers {
		if h[0] != hRestore {
			continue
		}
		m := restoreHeader.FindStringSubmatch(h[1])
		if m == nil || m[1] != "false" {
			return time.Time{}
		}
		t, err := time.Parse(http.TimeFormat, m[2])
		if err != nil {
			return time.Time{}
		}
		return t
	}
	return time.Time{}
}

var restoreHeader = regexp.MustCompile(`^ongoing-request="(true|false)"(?:, expiry-date="([^"]+)")?$`)

// unreadable is GetObject's refusal of an archived object not restored
// now: InvalidObjectState, naming the class in the body and in
// x-amz-storage-class.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3DeepArchive::test_s3_get_deep_archive_object_restore
func unreadable(o *object, now time.Time) error {
	sc := o.storageClass()
	if !needsRestore(sc) || restoredUntil(o.headers).After(now) {
		return nil
	}
	return &withHeaders{errInvalidObjectState.New(msgInvalidObjectState).With("StorageClass", sc), [][2]string{{"x-amz-storage-class", sc}}}
}

// withoutHeaders drops the named stored headers: what a copy does not
// take from its source (its class, a restore).
func withoutHeaders(headers [][2]string, names ...string) [][2]string {
	out := headers[:0:0]
	for _, h := range headers {
		if !slices.Contains(names, h[0]) {
			out = append(out, h)
		}
	}
	return out
}

// xRestore is the RestoreRequest document, as far as seki reads it.
type xRestore struct {
	Days                 *int    `xml:"Days"`
	Type                 *string `xml:"Type"`
	GlacierJobParameters *struct {
		Tier *string `xml:"Tier"`
	} `xml:"GlacierJobParameters"`
	Tier *string `xml:"Tier"`
}

// maxRestoreDays bounds Days, so that an expiry date stays a date.
const maxRestoreDays = 100 * 365

func (s *Service) restoreObject(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	days, err := parseRestore(body)
	if err != nil {
		return nil, err
	}
	version, byID, err := requestedVersion(c)
	if err != nil {
		return nil, err
	}
	o, err := s.readVersion(ctx, r, b, c.key, version, byID)
	if err != nil {
		return nil, err
	}
	// An object in a class that is read directly has nothing to restore:
	// S3 refuses it with InvalidObjectState (reported by s3cmd's users,
	// s3tools/s3cmd#1375).
	if sc := o.storageClass(); !needsRestore(sc) {
		return nil, errInvalidObjectState.New(msgInvalidObjectState).With("StorageClass", sc)
	}
	// The restored copy lasts Days, to the midnight (UTC) after.
	expiry := r.Now.UTC().AddDate(0, 0, days).Truncate(24 * time.Hour).Add(24 * time.Hour)
	status := http.StatusAccepted
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		var headers sql.NullString
		err := tx.QueryRow(`SELECT headers FROM s3_objects WHERE id = ? AND marker = 0`, o.id).Scan(&headers)
		if errors.Is(err, sql.ErrNoRows) {
			return noSuchVersion(o.key, o.version) // deleted meanwhile
		}
		if err != nil {
			return err
		}
		h := decodePairs(headers)
		if restoredUntil(h).After(r.Now) {
			status = http.StatusOK // a restore again only moves its expiry
		}
		h = append(withoutHeaders(h, hRestore), [2]string{hRestore, restoreValue(expiry)})
		_, err = tx.Exec(`UPDATE s3_objects SET headers = ? WHERE id = ?`, encodePairs(h), o.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return restoreAnswer(status), nil
}

// parseRestore reads a RestoreRequest: how many days the restored copy
// lasts. A SELECT restore runs a query, which seki does not.
func parseRestore(body []byte) (int, error) {
	var x xRestore
	if len(bytes.TrimSpace(body)) == 0 {
		return 0, malformedXML()
	}
	if err := decodeXML(body, "RestoreRequest", &x); err != nil {
		return 0, err
	}
	if x.Type != nil {
		return 0, notImplemented("Type")
	}
	if x.Days == nil || *x.Days < 1 || *x.Days > maxRestoreDays {
		return 0, malformedXML()
	}
	for _, tier := range []*string{x.Tier, tierOf(x)} {
		if tier != nil && *tier != "Standard" && *tier != "Bulk" && *tier != "Expedited" {
			return 0, malformedXML()
		}
	}
	return *x.Days, nil
}

// restoreValue is the X-Amz-Restore of a restore complete until expiry.
func restoreValue(expiry time.Time) string {
	return `ongoing-request="false", expiry-date="` + expiry.UTC().Format(http.TimeFormat) + `"`
}

func tierOf(x xRestore) *string {
	if x.GlacierJobParameters == nil {
		return nil
	}
	return x.GlacierJobParameters.Tier
}

// restoreAnswer is RestoreObject's empty answer with its status.
type restoreAnswer int

func (a restoreAnswer) Respond(w http.ResponseWriter, r *protocol.Request) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(int(a))
}
