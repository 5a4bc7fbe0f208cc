package s3

import (
	"net/http"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/awserr"
)

// FuzzRestoreRequest: a RestoreRequest is refused with S3's answer or read
// as a number of days in range.
func FuzzRestoreRequest(f *testing.F) {
	f.Add(`<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Days>30</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters></RestoreRequest>`)
	f.Add(`<RestoreRequest><Days>1</Days><Tier>Expedited</Tier></RestoreRequest>`)
	f.Add(`<RestoreRequest><Days>-1</Days></RestoreRequest>`)
	f.Add(`<RestoreRequest><Days>99999999999999999999</Days></RestoreRequest>`)
	f.Add(`<RestoreRequest><Type>SELECT</Type></RestoreRequest>`)
	f.Add(`<RestoreRequest><Days>2</Days><GlacierJobParameters><Tier>Slow</Tier></GlacierJobParameters></RestoreRequest>`)
	f.Fuzz(func(t *testing.T, body string) {
		days, err := parseRestore([]byte(body))
		if err != nil {
			if awserr.As(err).Code == awserr.Internal.Name {
				t.Fatalf("a bad document is a server fault: %v", err)
			}
			return
		}
		if days < 1 || days > maxRestoreDays {
			t.Fatalf("%d days from %s", days, body)
		}
		// The header written for it reads back as its expiry.
		expiry := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
		if got := restoredUntil([][2]string{{hRestore, restoreValue(expiry)}}); !got.Equal(expiry) {
			t.Fatalf("expiry %v read back as %v", expiry, got)
		}
	})
}

// FuzzObjectAttributesHeader: x-amz-object-attributes is refused with
// S3's answer or read as names S3 knows.
func FuzzObjectAttributesHeader(f *testing.F) {
	f.Add("ETag, Checksum, ObjectParts, StorageClass, ObjectSize")
	f.Add("ETag,Checksum")
	f.Add("")
	f.Add(",,")
	f.Add("etag")
	f.Fuzz(func(t *testing.T, v string) {
		asked, err := askedAttributes(http.Header{"X-Amz-Object-Attributes": {v}})
		if err != nil {
			if awserr.As(err).Code != errInvalidArgument.Name {
				t.Fatalf("%q: %v", v, err)
			}
			return
		}
		if len(asked) == 0 {
			t.Fatalf("%q: nothing asked and no error", v)
		}
		for name := range asked {
			if !objectAttributes[name] {
				t.Fatalf("%q: %q taken", v, name)
			}
		}
	})
}
