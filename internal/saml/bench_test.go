package saml

import (
	"crypto/x509"
	"testing"
)

// BenchmarkParseResponse is what AssumeRoleWithSAML pays to read and verify
// an assertion (parse, canonicalize twice, SHA-256, one RSA-2048
// verification), before the store and the door.
func BenchmarkParseResponse(b *testing.B) {
	p := testIdP(b)
	doc, err := p.Response(claims())
	if err != nil {
		b.Fatal(err)
	}
	certs := []*x509.Certificate{p.Cert}
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := ParseResponse([]byte(doc), certs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalize is exclusive canonicalization of a signed
// assertion's subtree alone.
func BenchmarkCanonicalize(b *testing.B) {
	p := testIdP(b)
	doc, err := p.Response(claims())
	if err != nil {
		b.Fatal(err)
	}
	root, err := parseXML([]byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	a := root.Element(nsAssertion, "Assertion")
	b.ReportAllocs()
	for b.Loop() {
		Canonicalize(a, nil, nil)
	}
}
