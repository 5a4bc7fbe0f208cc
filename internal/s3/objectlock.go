package s3

import (
	"context"
	"database/sql"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Object Lock (WORM): a bucket's Object Lock configuration, and each
// version's retention and legal hold.
//
// A bucket has Object Lock when it was created with
// x-amz-bucket-object-lock-enabled or given a configuration later (which
// needs versioning Enabled); it never loses it, and its versioning can no
// longer be suspended. The configuration is kept with the other bucket
// configurations (s3_bucket_configs, "object-lock") and, compiled, in the
// cached bucket (bucket.lock), since every write and delete of the bucket
// needs its default retention.
//
// A version's retention (mode and retain-until date) and legal hold are
// kept among its stored headers, under the names GET and HEAD answer them
// with (x-amz-object-lock-mode, -retain-until-date, -legal-hold): they
// are written with the version, by PutObjectRetention and
// PutObjectLegalHold, and answered as the other stored headers are. An
// upload keeps the ones CreateMultipartUpload was given the same way, for
// the object it completes.
//
// Enforcement is the permission part. Deleting a version (by id) that is
// under legal hold, or whose retention has not expired, is refused with
// AccessDenied; so is shortening or removing a retention. A GOVERNANCE
// retention gives way to a request that says
// x-amz-bypass-governance-retention: true and whose caller the door allows
// s3:BypassGovernanceRetention on the object: a decision of its own, logged
// and explainable like any other, asked only when the bypass is needed. A
// COMPLIANCE retention gives way to nobody until it expires. Deleting
// without a version id only stacks a delete marker, which Object Lock
// allows.

// Retention modes.
const (
	lockGovernance = "GOVERNANCE"
	lockCompliance = "COMPLIANCE"
)

// The headers of Object Lock, canonical (they are also the stored names).
const (
	hLockMode    = "X-Amz-Object-Lock-Mode"
	hLockUntil   = "X-Amz-Object-Lock-Retain-Until-Date"
	hLockHold    = "X-Amz-Object-Lock-Legal-Hold"
	hBypass      = "X-Amz-Bypass-Governance-Retention"
	hLockEnabled = "X-Amz-Bucket-Object-Lock-Enabled"
)

// lockConfig is a bucket's Object Lock configuration: present means
// enabled; mode is the default retention's, "" without a default rule.
type lockConfig struct {
	mode        string
	days, years int
}

// The configuration document.
type xLockConfig struct {
	XMLName xml.Name   `xml:"ObjectLockConfiguration"`
	Enabled *string    `xml:"ObjectLockEnabled"`
	Rule    *xLockRule `xml:"Rule,omitempty"`
}

type xLockRule struct {
	DefaultRetention *xDefaultRetention `xml:"DefaultRetention"`
}

type xDefaultRetention struct {
	Mode  *string `xml:"Mode,omitempty"`
	Days  *int    `xml:"Days,omitempty"`
	Years *int    `xml:"Years,omitempty"`
}

func validLockMode(m string) bool { return m == lockGovernance || m == lockCompliance }

// lockConf is PutObjectLockConfiguration and GetObjectLockConfiguration.
var lockConf = &confKind{
	name:  "object-lock",
	parse: parseLockConfig,
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_get_object_lock_configuration_exc
	none:  noConf(errObjectLockConfigNotFound, msgObjectLockConfigNotFound),
	apply: func(b *bucket, doc []byte) { b.lock = lockFromDoc(doc) },
}

// parseLockConfig validates an ObjectLockConfiguration as S3 does: the
// document first (every fault is MalformedXML), then the bucket's state.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_put_object_lock_configuration_exc
func parseLockConfig(body []byte, _ *protocol.Request, b *bucket) ([]byte, string, error) {
	var x xLockConfig
	if err := decodeXML(body, "ObjectLockConfiguration", &x); err != nil {
		return nil, "", err
	}
	if x.Enabled == nil || *x.Enabled != "Enabled" {
		return nil, "", malformedXML()
	}
	if x.Rule != nil {
		d := x.Rule.DefaultRetention
		if d == nil || d.Mode == nil || !validLockMode(*d.Mode) || (d.Days == nil) == (d.Years == nil) {
			return nil, "", malformedXML()
		}
		if (d.Days != nil && *d.Days <= 0) || (d.Years != nil && *d.Years <= 0) {
			return nil, "", errInvalidArgument.New(msgRetentionPeriodPositive).With("ArgumentName", "DefaultRetention")
		}
	}
	// An existing bucket takes Object Lock only with versioning Enabled.
	// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_put_object_lock_configuration_on_existing_bucket
	if b.lock == nil && b.versioning != versioningEnabled {
		return nil, "", errInvalidBucketState.New(msgLockNeedsVersioning)
	}
	x.XMLName = s3Name("ObjectLockConfiguration")
	return encodeConf(x), "", nil
}

// lockFromDoc compiles a stored configuration; nil doc is none.
func lockFromDoc(doc []byte) *lockConfig {
	if doc == nil {
		return nil
	}
	var x xLockConfig
	l := &lockConfig{}
	if xml.Unmarshal(doc, &x) == nil && x.Rule != nil && x.Rule.DefaultRetention != nil {
		d := x.Rule.DefaultRetention
		if d.Mode != nil {
			l.mode = *d.Mode
		}
		if d.Days != nil {
			l.days = *d.Days
		}
		if d.Years != nil {
			l.years = *d.Years
		}
	}
	return l
}

// enabledLockDoc is the configuration of a bucket created with Object
// Lock: enabled, no default rule.
var enabledLockDoc = encodeConf(xLockConfig{XMLName: s3Name("ObjectLockConfiguration"), Enabled: new(string("Enabled"))})

// lockAtCreation reads CreateBucket's x-amz-bucket-object-lock-enabled.
func lockAtCreation(h http.Header) bool {
	return strings.EqualFold(h.Get(hLockEnabled), "true")
}

// createLocked gives a bucket being created Object Lock, in the
// transaction that creates it: versioning Enabled and the configuration.
func createLocked(tx *store.Tx, b *bucket) error {
	b.versioning, b.lock = versioningEnabled, &lockConfig{}
	if _, err := tx.Exec(`UPDATE s3_buckets SET versioning = ? WHERE name = ?`, b.versioning, b.name); err != nil {
		return err
	}
	_, err := tx.Exec(`INSERT INTO s3_bucket_configs(bucket, name, doc) VALUES(?, ?, ?)`, b.name, lockConf.name, enabledLockDoc)
	return err
}

// lockedVersioning refuses to change the versioning of a bucket with
// Object Lock to anything but Enabled.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_disable_versioning_on_locked_bucket
func lockedVersioning(b *bucket, status string) error {
	if b.lock != nil && status != versioningEnabled {
		return errInvalidBucketState.New(msgLockedVersioning)
	}
	return nil
}

// bypassWithoutLock refuses x-amz-bypass-governance-retention, whatever
// its value, on a bucket without Object Lock.
// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3ObjectLock::test_delete_object_with_no_locking
func bypassWithoutLock(b *bucket, h http.Header) error {
	if _, ok := h[hBypass]; ok && b.lock == nil {
		return errInvalidArgument.New(msgBypassWithoutObjectLock).With("ArgumentName", "x-amz-bypass-governance-retention")
	}
	return nil
}

// lockState is a version's Object Lock state as its headers keep it.
type lockState struct {
	mode  string // "" without retention
	until time.Time
	hold  string // "ON", "OFF", "" never set
}

func lockOf(headers [][2]string) lockState {
	var l lockState
	for _, h := range headers {
		switch h[0] {
		case hLockMode:
			l.mode = h[1]
		case hLockUntil:
			l.until, _ = parseLockDate(h[1])
		case hLockHold:
			l.hold = h[1]
		}
	}
	return l
}

// parseLockDate reads a retain-until date (ISO 8601, as the SDKs send
// it) at the precision it is kept with: milliseconds, UTC.
func parseLockDate(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	return t.UTC().Truncate(time.Millisecond), err
}

// retained reports whether the retention still protects the version.
func (l lockState) retained(now time.Time) bool { return l.mode != "" && now.Before(l.until) }

// protects reports whether a delete of the version needs a bypass (ok
// false and bypassable true: a GOVERNANCE retention) or is refused.
func (l lockState) deletable(now time.Time) (ok, bypassable bool) {
	if l.hold == "ON" {
		return false, false
	}
	if !l.retained(now) {
		return true, false
	}
	return false, l.mode == lockGovernance
}

// replaceable reports whether the retention may become next (mode ""
// removes it) without a bypass, and whether a bypass would allow it.
// Lengthening a retention, or turning GOVERNANCE into COMPLIANCE, needs
// none; a COMPLIANCE retention can only be lengthened.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention_compliance_mode
func (l lockState) replaceable(next lockState, now time.Time) (ok, bypassable bool) {
	if !l.retained(now) {
		return true, false
	}
	extends := next.mode != "" && !next.until.Before(l.until)
	if l.mode == lockCompliance {
		return extends && next.mode == lockCompliance, false
	}
	return extends, true
}

// withLock returns headers with the version's Object Lock headers set to l.
func withLock(headers [][2]string, l lockState) [][2]string {
	out := withoutLock(headers)
	if l.mode != "" {
		out = append(out, [2]string{hLockMode, l.mode}, [2]string{hLockUntil, isoTime(l.until)})
	}
	if l.hold != "" {
		out = append(out, [2]string{hLockHold, l.hold})
	}
	return out
}

// withoutLock is headers less the Object Lock ones (a copy's source's: a
// copy does not inherit its source's lock).
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_copy_object_retention_lock
func withoutLock(headers [][2]string) [][2]string {
	var out [][2]string
	for _, h := range headers {
		if h[0] != hLockMode && h[0] != hLockUntil && h[0] != hLockHold {
			out = append(out, h)
		}
	}
	return out
}

// writeLock reads the Object Lock headers of a write (PutObject,
// CopyObject, CreateMultipartUpload) as S3 validates them: the mode and
// the date come together, then the mode's value, then the date; a bucket
// without Object Lock takes none of them.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_lock_mode_validation
func writeLock(h http.Header, b *bucket, now time.Time) (lockState, error) {
	var l lockState
	mode, until, hold := h.Get(hLockMode), h.Get(hLockUntil), h.Get(hLockHold)
	if mode == "" && until == "" && hold == "" {
		return l, nil
	}
	switch {
	case mode != "" && until == "":
		return l, errInvalidArgument.New(msgLockHeadersPaired).With("ArgumentName", "x-amz-object-lock-retain-until-date")
	case mode == "" && until != "":
		return l, errInvalidArgument.New(msgLockHeadersPaired).With("ArgumentName", "x-amz-object-lock-mode")
	}
	if mode != "" {
		if !validLockMode(mode) {
			return l, invalidArgument(msgUnknownWormMode, "x-amz-object-lock-mode", mode)
		}
		t, err := parseLockDate(until)
		if err != nil {
			return l, invalidArgument(msgRetainDateFormat, "x-amz-object-lock-retain-until-date", until)
		}
		if !t.After(now) {
			return l, invalidArgument(msgRetainUntilPast, "x-amz-object-lock-retain-until-date", until)
		}
		l.mode, l.until = mode, t
	}
	if hold != "" {
		if hold != "ON" && hold != "OFF" {
			return l, invalidArgument(msgLegalHoldValue, "x-amz-object-lock-legal-hold", hold)
		}
		l.hold = hold
	}
	if b.lock == nil {
		return l, errInvalidRequest.New(msgBucketMissingLock)
	}
	return l, nil
}

// stamp gives the new version o its Object Lock headers: the write's own,
// else the bucket's default retention, counted from o's creation.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_bucket_config_default_retention
func (l lockState) stamp(b *bucket, o *object) {
	if b.lock == nil {
		return
	}
	if l.mode == "" {
		if cur := lockOf(o.headers); cur.mode != "" {
			l.mode, l.until = cur.mode, cur.until // an upload's own
		} else if d := b.lock; d.mode != "" {
			l.mode = d.mode
			l.until = o.modified.AddDate(d.years, 0, d.days)
		}
	}
	if l.hold == "" {
		l.hold = lockOf(o.headers).hold
	}
	o.headers = withLock(o.headers, l)
}

// bypassRequested reports x-amz-bypass-governance-retention: true.
func bypassRequested(h http.Header) bool {
	return strings.EqualFold(h.Get(hBypass), "true")
}

// mayBypass asks the door whether the caller may bypass the GOVERNANCE
// retention of key in b: s3:BypassGovernanceRetention on the object, with
// the bucket policy as the resource policy. It is asked only of a request
// that says so and needs it.
func (s *Service) mayBypass(ctx context.Context, r *protocol.Request, b *bucket, key string) bool {
	t := protocol.Target{Resource: objectARN(b.name, key), Account: b.account, Policy: restrictedPolicy(b, callerPrincipal(r))}
	return r.Authorize(ctx, "s3:BypassGovernanceRetention", t, nil) == nil
}

// objectLocked is the refusal of a change Object Lock forbids.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention
func objectLocked() *awserr.Error { return errAccessDenied.New(msgObjectLocked) }

// isObjectLocked reports whether err is objectLocked's refusal.
func isObjectLocked(err error) bool {
	var e *awserr.Error
	return errors.As(err, &e) && e.Code == errAccessDenied.Name && e.Message == msgObjectLocked
}

// versionLock reads a version's lock state inside a write.
func versionLock(tx *store.Tx, bucket, key, version string) (l lockState, found bool, err error) {
	var headers sql.NullString
	var marker int64
	err = tx.QueryRow(`SELECT headers, marker FROM s3_objects WHERE bucket = ? AND key = ? AND version = ?`, bucket, key, version).Scan(&headers, &marker)
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	if err != nil || marker != 0 {
		return l, false, err
	}
	return lockOf(decodePairs(headers)), true, nil
}

// deleteBypass decides, before a delete of version of key, whether it
// may bypass a GOVERNANCE retention: only when the request asks to, the
// version is held by such a retention alone, and the door allows it.
func (s *Service) deleteBypass(ctx context.Context, r *protocol.Request, b *bucket, key, version string) (bool, error) {
	if b.lock == nil || !bypassRequested(r.HTTP.Header) {
		return false, nil
	}
	var l lockState
	var found bool
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		l, found, err = versionLock(tx, b.name, key, version)
		return err
	})
	if err != nil || !found {
		return false, err
	}
	if ok, bypassable := l.deletable(r.Now); ok || !bypassable {
		return false, nil
	}
	return s.mayBypass(ctx, r, b, key), nil
}

// checkDelete refuses, inside the delete's transaction, to remove a
// version Object Lock protects; bypass is deleteBypass's answer.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockLegalHold::test_delete_locked_object
func (s *Service) checkDelete(tx *store.Tx, r *protocol.Request, bucket, key, version string, bypass bool) error {
	if b := s.lookup(bucket); b == nil || b.lock == nil {
		return nil
	}
	l, found, err := versionLock(tx, bucket, key, version)
	if err != nil || !found {
		return err
	}
	if ok, bypassable := l.deletable(r.Now); !ok && !(bypassable && bypass) {
		return objectLocked()
	}
	return nil
}

// The retention and legal hold documents.
type xRetention struct {
	XMLName xml.Name `xml:"Retention"`
	Mode    *string  `xml:"Mode,omitempty"`
	Until   *string  `xml:"RetainUntilDate,omitempty"`
}

type xLegalHold struct {
	XMLName xml.Name `xml:"LegalHold"`
	Status  *string  `xml:"Status"`
}

// lockWrite runs the start of PutObjectRetention and PutObjectLegalHold
// in S3's order: the bucket, the document (root, decoded into doc and
// judged by check), the bucket's Object Lock, then the version the
// request names, as the other object subresources load it (a delete
// marker is 405, a missing key or version 404 under the disclosure rule).
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockLegalHold::test_put_object_legal_hold_exc
func (s *Service) lockWrite(ctx context.Context, r *protocol.Request, c *call, root string, doc any, check func() error) (*bucket, *object, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, nil, err
	}
	body, err := s.readBody(r)
	if err != nil {
		return nil, nil, err
	}
	if err := decodeXML(body, root, doc); err != nil {
		return nil, nil, err
	}
	if err := check(); err != nil {
		return nil, nil, err
	}
	o, err := s.lockRead(ctx, r, c)
	return b, o, err
}

// lockRead loads the version an Object Lock request names, in a bucket
// with Object Lock.
func (s *Service) lockRead(ctx context.Context, r *protocol.Request, c *call) (*object, error) {
	b, err := s.needBucket(r, c)
	if err != nil {
		return nil, err
	}
	if b.lock == nil {
		return nil, errInvalidRequest.New(msgBucketMissingLock)
	}
	version, byID, err := requestedVersion(c)
	if err != nil {
		return nil, err
	}
	return s.readVersion(ctx, r, b, c.key, version, byID)
}

// putObjectRetention sets, lengthens, shortens or removes a version's
// retention (an empty Retention removes it).
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention_exc
func (s *Service) putObjectRetention(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	var x xRetention
	var next lockState
	b, o, err := s.lockWrite(ctx, r, c, "Retention", &x, func() error {
		if (x.Mode == nil) != (x.Until == nil) || (x.Mode != nil && !validLockMode(*x.Mode)) {
			return malformedXML()
		}
		if x.Mode == nil {
			return nil // no retention
		}
		t, err := parseLockDate(strings.TrimSpace(*x.Until))
		if err != nil {
			return malformedXML()
		}
		if !t.After(r.Now) {
			return errInvalidArgument.New(msgRetainUntilPast).With("ArgumentName", "RetainUntilDate").With("ArgumentValue", javaDate(t))
		}
		next.mode, next.until = *x.Mode, t
		return nil
	})
	if err != nil {
		return nil, err
	}
	bypass := false
	if ok, bypassable := lockOf(o.headers).replaceable(next, r.Now); !ok && bypassable && bypassRequested(r.HTTP.Header) {
		bypass = s.mayBypass(ctx, r, b, c.key)
	}
	return headerOnly{}, s.updateLock(ctx, o, func(cur lockState) (lockState, error) {
		if ok, bypassable := cur.replaceable(next, r.Now); !ok && !(bypassable && bypass) {
			return cur, objectLocked()
		}
		cur.mode, cur.until = next.mode, next.until
		return cur, nil
	})
}

// updateLock changes the lock state of the version o (read before the
// write) in one transaction: change sees the state as the write finds it.
func (s *Service) updateLock(ctx context.Context, o *object, change func(lockState) (lockState, error)) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		var headers sql.NullString
		err := tx.QueryRow(`SELECT headers FROM s3_objects WHERE id = ? AND marker = 0`, o.id).Scan(&headers)
		if errors.Is(err, sql.ErrNoRows) {
			return noSuchVersion(o.key, o.version) // deleted meanwhile
		}
		if err != nil {
			return err
		}
		h := decodePairs(headers)
		next, err := change(lockOf(h))
		if err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE s3_objects SET headers = ? WHERE id = ?`, encodePairs(withLock(h, next)), o.id)
		return err
	})
}

// putObjectLegalHold turns a version's legal hold on or off; no bypass
// is needed for either.
func (s *Service) putObjectLegalHold(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	var x xLegalHold
	_, o, err := s.lockWrite(ctx, r, c, "LegalHold", &x, func() error {
		if x.Status == nil || (*x.Status != "ON" && *x.Status != "OFF") {
			return malformedXML()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return headerOnly{}, s.updateLock(ctx, o, func(cur lockState) (lockState, error) {
		cur.hold = *x.Status
		return cur, nil
	})
}

// getObjectRetention and getObjectLegalHold answer a version's retention
// or legal hold; one never set is NoSuchObjectLockConfiguration.
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockLegalHold::test_put_get_object_legal_hold
func (s *Service) getObjectRetention(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	return s.lockAnswer(ctx, r, c, "Retention", func(l lockState, x *xmlBuilder) bool {
		x.elem("Mode", l.mode)
		x.elemTime("RetainUntilDate", l.until)
		return l.mode != ""
	})
}

func (s *Service) getObjectLegalHold(ctx context.Context, r *protocol.Request, c *call) (any, error) {
	return s.lockAnswer(ctx, r, c, "LegalHold", func(l lockState, x *xmlBuilder) bool {
		x.elem("Status", l.hold)
		return l.hold != ""
	})
}

// lockAnswer writes the document root about the requested version's lock
// state with body, which reports whether the state has what it answers.
func (s *Service) lockAnswer(ctx context.Context, r *protocol.Request, c *call, root string, body func(lockState, *xmlBuilder) bool) (any, error) {
	o, err := s.lockRead(ctx, r, c)
	if err != nil {
		return nil, err
	}
	var x xmlBuilder
	x.header()
	x.root(root)
	if !body(lockOf(o.headers), &x) {
		return nil, errNoSuchObjectLockConfiguration.New(msgNoObjectLockConfiguration)
	}
	x.close(root)
	return xmlDoc{&x}, nil
}

// javaDate writes t as S3's InvalidArgument names a retain-until date:
// Java's Date.toString in US Pacific time ("Tue Dec 31 16:00:00 PST
// 2019" for 2020-01-01T00:00:00Z).
// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3ObjectLockRetention::test_s3_object_retention_exc
func javaDate(t time.Time) string {
	t = t.UTC()
	zone := time.FixedZone("PST", -8*3600)
	if pacificDST(t) {
		zone = time.FixedZone("PDT", -7*3600)
	}
	return t.In(zone).Format("Mon Jan 02 15:04:05 MST 2006")
}

// pacificDST reports whether US daylight saving time is in effect in the
// Pacific zone at t: from 2 a.m. on March's second Sunday to 2 a.m. on
// November's first Sunday (the rule since 2007).
func pacificDST(t time.Time) bool {
	y := t.Year()
	start := nthSunday(y, time.March, 2).Add(10 * time.Hour) // 02:00 PST
	end := nthSunday(y, time.November, 1).Add(9 * time.Hour) // 02:00 PDT
	return !t.Before(start) && t.Before(end)
}

func nthSunday(year int, month time.Month, n int) time.Time {
	d := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(n-1))
}
