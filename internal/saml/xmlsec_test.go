package saml

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestXMLSecFixtures verifies responses signed by libxmlsec1, an
// implementation independent of this package (testdata/xmlsec/gen.sh):
// an ADFS-style document, not in canonical form, with the Assertion
// signed (RSA-SHA256, InclusiveNamespaces) and, in the other, the Response
// signed (RSA-SHA1). If seki's canonicalization differed from the
// recommendation in any way these documents exercise, the digests would
// not match.
func TestXMLSecFixtures(t *testing.T) {
	pemBytes, err := os.ReadFile("testdata/xmlsec/cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(pemBytes)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"assertion-signed.xml", "response-signed.xml"} {
		t.Run(f, func(t *testing.T) {
			doc, err := os.ReadFile("testdata/xmlsec/" + f)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseResponse(doc, []*x509.Certificate{cert})
			if err != nil {
				t.Fatal(err)
			}
			if a.NameID != `CORP\alice & co` || a.Issuer != "https://idp.example.org/adfs" ||
				a.Attributes[AttrRole][0] != "arn:aws:iam::111111111111:saml-provider/adfs,arn:aws:iam::111111111111:role/deployer" ||
				a.Audiences[0] != "urn:amazon:webservices" {
				t.Fatalf("%+v", a)
			}
			// One changed character anywhere in the signed part fails.
			bad := strings.Replace(string(doc), "role/deployer", "role/deployes", 1)
			if _, err := ParseResponse([]byte(bad), []*x509.Certificate{cert}); !errors.Is(err, ErrSignature) {
				t.Fatalf("tampered: %v", err)
			}
			// White space between elements is signed content too.
			bad = strings.Replace(string(doc), "<Subject>", "<Subject> ", 1)
			if _, err := ParseResponse([]byte(bad), []*x509.Certificate{cert}); !errors.Is(err, ErrSignature) {
				t.Fatalf("tampered: %v", err)
			}
		})
	}
}
