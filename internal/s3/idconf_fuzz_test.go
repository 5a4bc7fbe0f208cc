package s3

import (
	"bytes"
	"testing"

	"github.com/seki-dev/seki/internal/awserr"
)

// FuzzConfigurationsByID: an inventory, analytics or Intelligent-Tiering
// document is refused with S3's errors or stored canonical: the stored
// document is accepted again, unchanged.
func FuzzConfigurationsByID(f *testing.F) {
	x := `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`
	f.Add(uint8(0), `<InventoryConfiguration `+x+`><Destination><S3BucketDestination><Bucket>arn:aws:s3:::dest</Bucket><Format>CSV</Format></S3BucketDestination></Destination><IsEnabled>true</IsEnabled><Id>i</Id><IncludedObjectVersions>All</IncludedObjectVersions><OptionalFields><Field>Size</Field></OptionalFields><Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>`)
	f.Add(uint8(1), `<AnalyticsConfiguration `+x+`><Id>i</Id><Filter><Prefix>p</Prefix></Filter><StorageClassAnalysis><DataExport><OutputSchemaVersion>V_1</OutputSchemaVersion><Destination><S3BucketDestination><Format>CSV</Format><Bucket>arn:aws:s3:::d</Bucket></S3BucketDestination></Destination></DataExport></StorageClassAnalysis></AnalyticsConfiguration>`)
	f.Add(uint8(2), `<IntelligentTieringConfiguration `+x+`><Id>i</Id><Status>Enabled</Status><Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>`)
	kinds := []*idConfKind{inventoryConf, analyticsConf, tieringConf, metricsConf}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		k := kinds[int(which)%len(kinds)]
		doc, err := k.parse([]byte(body), "i")
		if err != nil {
			switch code := awserr.As(err).Code; code {
			case errMalformedXML.Name, errInvalidArgument.Name, errIDMismatch.Name, errInvalidS3Destination.Name:
			default:
				t.Fatalf("%s refused with %s: %v", k.sub, code, err)
			}
			return
		}
		again, err := k.parse(doc, "i")
		if err != nil || !bytes.Equal(again, doc) {
			t.Fatalf("%s: the stored document %s parses to %s, %v", k.sub, doc, again, err)
		}
	})
}
