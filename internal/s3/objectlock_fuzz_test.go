package s3

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
)

// FuzzObjectLockConfig: an ObjectLockConfiguration is refused with S3's
// answer or stored canonical (the stored document is accepted again,
// unchanged, and compiles to the rule it says).
func FuzzObjectLockConfig(f *testing.F) {
	f.Add(`<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`)
	f.Add(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`)
	f.Add(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>-3</Years></DefaultRetention></Rule></ObjectLockConfiguration>`)
	f.Add(`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule></Rule></ObjectLockConfiguration>`)
	f.Add(`<ObjectLockConfiguration><Rule><DefaultRetention><Mode>X</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>`)
	r := &protocol.Request{HTTP: &http.Request{Header: http.Header{}}}
	b := &bucket{name: "fuzz", lock: &lockConfig{}}
	f.Fuzz(func(t *testing.T, body string) {
		doc, _, err := parseLockConfig([]byte(body), r, b)
		if err != nil {
			if awserr.As(err).Code == awserr.Internal.Name {
				t.Fatalf("a bad document is a server fault: %v", err)
			}
			return
		}
		again, _, err := parseLockConfig(doc, r, b)
		if err != nil || !bytes.Equal(doc, again) {
			t.Fatalf("round trip %v:\n%s\n%s", err, doc, again)
		}
		l := lockFromDoc(doc)
		if l == nil || (l.mode != "" && !validLockMode(l.mode)) || l.days < 0 || l.years < 0 || (l.mode != "") != (l.days+l.years > 0) {
			t.Fatalf("compiled %+v from %s", l, doc)
		}
	})
}

// FuzzObjectLockRequests: the Retention and LegalHold documents and the
// lock headers of a write never panic, a refusal is S3's (4xx), and what
// is accepted is a state that reads back as written.
func FuzzObjectLockRequests(f *testing.F) {
	f.Add(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>`, "GOVERNANCE", "2030-01-01T00:00:00Z", "ON")
	f.Add(`<Retention/>`, "", "2030-01-01T00:00:00.123Z", "")
	f.Add(`<LegalHold><Status>OFF</Status></LegalHold>`, "BAD-VALUE", "", "maybe")
	f.Add(`<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>yesterday</RetainUntilDate></Retention>`, "COMPLIANCE", "2019-12-31T23:59:59-08:00", "OFF")
	now := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	locked := &bucket{name: "fuzz", lock: &lockConfig{mode: lockGovernance, days: 1}}
	f.Fuzz(func(t *testing.T, body, mode, until, hold string) {
		var x xRetention
		if err := decodeXML([]byte(body), "Retention", &x); err != nil && awserr.As(err).Code != errMalformedXML.Name {
			t.Fatalf("Retention: %v", err)
		}
		var lh xLegalHold
		if err := decodeXML([]byte(body), "LegalHold", &lh); err != nil && awserr.As(err).Code != errMalformedXML.Name {
			t.Fatalf("LegalHold: %v", err)
		}
		h := http.Header{}
		for k, v := range map[string]string{hLockMode: mode, hLockUntil: until, hLockHold: hold} {
			if v != "" {
				h.Set(k, v)
			}
		}
		l, err := writeLock(h, locked, now)
		if err != nil {
			if st := awserr.As(err).Code; st != errInvalidArgument.Name && st != errInvalidRequest.Name {
				t.Fatalf("writeLock: %v", err)
			}
			return
		}
		o := &object{modified: now}
		l.stamp(locked, o)
		got := lockOf(o.headers)
		if !validLockMode(got.mode) || !got.until.After(now) {
			t.Fatalf("stamped %+v from %q %q %q", got, mode, until, hold)
		}
		if l.mode != "" && (got.mode != l.mode || !got.until.Equal(l.until.Truncate(time.Millisecond))) {
			t.Fatalf("stamped %+v, wrote %+v", got, l)
		}
		if got.hold != l.hold {
			t.Fatalf("hold %q, wrote %q", got.hold, l.hold)
		}
		if _, err := xml.Marshal(xRetention{Mode: &got.mode}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestJavaDate: S3 names a refused retain-until date as Java's
// Date.toString in US Pacific time, daylight saving time included.
func TestJavaDate(t *testing.T) {
	for in, want := range map[string]string{
		"2020-01-01T00:00:00Z": "Tue Dec 31 16:00:00 PST 2019", // the recording's
		"2020-07-04T12:00:00Z": "Sat Jul 04 05:00:00 PDT 2020",
		"2021-03-14T09:59:59Z": "Sun Mar 14 01:59:59 PST 2021",
		"2021-03-14T10:00:00Z": "Sun Mar 14 03:00:00 PDT 2021",
		"2021-11-07T08:59:59Z": "Sun Nov 07 01:59:59 PDT 2021",
		"2021-11-07T09:00:00Z": "Sun Nov 07 01:00:00 PST 2021",
	} {
		tm, _ := time.Parse(time.RFC3339, in)
		if got := javaDate(tm); got != want {
			t.Errorf("javaDate(%s) = %q, want %q", in, got, want)
		}
	}
}
