package saml

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"reflect"
	"testing"
)

// fixtureCert is the certificate of the libxmlsec1-signed fixtures.
func fixtureCert(f *testing.F) *x509.Certificate {
	b, err := os.ReadFile("testdata/xmlsec/cert.pem")
	if err != nil {
		f.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// FuzzParseResponse mutates signed Responses. Whatever is accepted must say
// exactly what the signer said: a document the verifier accepts but whose
// assertion differs from the signed original would be a way around the
// signature (wrapping, a comment in the NameID, a second assertion).
func FuzzParseResponse(f *testing.F) {
	cert := fixtureCert(f)
	certs := []*x509.Certificate{cert}
	var want *Assertion
	for _, name := range []string{"assertion-signed.xml", "response-signed.xml"} {
		doc, err := os.ReadFile("testdata/xmlsec/" + name)
		if err != nil {
			f.Fatal(err)
		}
		a, err := ParseResponse(doc, certs)
		if err != nil {
			f.Fatal(err)
		}
		if want == nil {
			want = a
		} else if !reflect.DeepEqual(a, want) {
			f.Fatal("the two fixtures do not say the same")
		}
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		a, err := ParseResponse(doc, certs)
		if err != nil {
			return
		}
		if !reflect.DeepEqual(a, want) {
			t.Fatalf("accepted a document that says something else:\n%+v\nwant\n%+v", a, want)
		}
	})
}

// FuzzParseMetadata feeds arbitrary documents to the metadata parser: it
// must not panic, and what it accepts has an entity id and a certificate.
func FuzzParseMetadata(f *testing.F) {
	p, err := NewIdPWithKey("https://idp.example.com/metadata", mustKey(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(p.Metadata()))
	f.Add([]byte(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>`))
	f.Add([]byte(`<!DOCTYPE md [<!ENTITY e SYSTEM "file:///etc/passwd">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="&e;"/>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		md, err := ParseMetadata(doc)
		if err != nil {
			return
		}
		if md.EntityID == "" || len(md.Certs) == 0 {
			t.Fatalf("accepted metadata without an entity id or a certificate: %+v", md)
		}
	})
}

// FuzzCanonicalize checks the canonicalizer on arbitrary XML: its output
// is well-formed XML whose canonical form is itself (canonicalization is
// idempotent), so verifier and signer agree on any document.
func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{
		`<a:r xmlns:a="urn:a" xmlns:b="urn:b" z="1" b:y="2" a="3"><a:e/><b:f/></a:r>`,
		`<x xmlns="urn:d"><y xmlns=""><z xmlns="urn:e"/></y></x>`,
		"<x a='&lt;&amp;\"&#9;&#10;&#13;'>&lt;&amp;&gt;\r\n&#13;<!-- c -->t</x>",
		`<p:x xmlns:p="urn:p"><p:y xmlns:p="urn:q" xml:lang="en"/></p:x>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		root, err := parseXML(doc)
		if err != nil {
			return
		}
		c1 := Canonicalize(root, nil, []string{"#default", "xs"})
		again, err := parseXML(c1)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, c1)
		}
		if c2 := Canonicalize(again, nil, []string{"#default", "xs"}); !bytes.Equal(c1, c2) {
			t.Fatalf("not idempotent:\n%s\n%s", c1, c2)
		}
	})
}

func mustKey(f *testing.F) *rsa.PrivateKey {
	b, err := os.ReadFile("testdata/xmlsec/key.pem")
	if err != nil {
		f.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}
