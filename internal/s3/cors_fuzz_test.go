package s3

import (
	"bytes"
	"testing"

	"github.com/seki-dev/seki/internal/awserr"
)

// FuzzCORSConfig: a CORS document is refused with S3's errors or stored
// canonical: the stored document is accepted again, unchanged.
func FuzzCORSConfig(f *testing.F) {
	f.Add(`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><ID>r</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>30</MaxAgeSeconds></CORSRule></CORSConfiguration>`)
	f.Add(`<CORSConfiguration><CORSRule><AllowedMethod>MYMETHOD</AllowedMethod><AllowedOrigin></AllowedOrigin></CORSRule></CORSConfiguration>`)
	f.Fuzz(func(t *testing.T, body string) {
		doc, _, err := parseCORS([]byte(body), nil, nil)
		if err != nil {
			switch code := awserr.As(err).Code; code {
			case errMalformedXML.Name, errInvalidRequest.Name:
			default:
				t.Fatalf("refused with %s: %v", code, err)
			}
			return
		}
		again, _, err := parseCORS(doc, nil, nil)
		if err != nil || !bytes.Equal(again, doc) {
			t.Fatalf("the stored document %s parses to %s, %v", doc, again, err)
		}
	})
}
