package saml

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	testRole     = "arn:aws:iam::111111111111:role/deployer"
	testProvider = "arn:aws:iam::111111111111:saml-provider/corp"
)

func testIdP(t testing.TB) *IdP {
	t.Helper()
	p, err := NewIdP("https://idp.example.com/metadata")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func claims() Claims {
	return Claims{
		NameID: "alice@example.com",
		Attributes: []Attribute{
			{AttrRole, []string{testRole + "," + testProvider}},
			{AttrRoleSessionName, []string{"alice"}},
		},
	}
}

func mustResponse(t *testing.T, p *IdP, c Claims) string {
	t.Helper()
	r, err := p.Response(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRoundTrip(t *testing.T) {
	p := testIdP(t)
	md, err := ParseMetadata([]byte(p.Metadata()))
	if err != nil {
		t.Fatal(err)
	}
	if md.EntityID != p.EntityID || len(md.Certs) != 1 {
		t.Fatalf("metadata %+v", md)
	}
	for _, c := range []Claims{claims(), {SignResponse: true}, {ResponseOnly: true}, {SHA1: true}, {SHA1: true, ResponseOnly: true}} {
		if c.NameID == "" {
			base := claims()
			base.SignResponse, base.ResponseOnly, base.SHA1 = c.SignResponse, c.ResponseOnly, c.SHA1
			c = base
		}
		a, err := ParseResponse([]byte(mustResponse(t, p, c)), md.Certs)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if a.Issuer != p.EntityID || a.NameID != "alice@example.com" || a.Recipient != SignInURL ||
			len(a.Audiences) != 1 || a.Attributes[AttrRole][0] != testRole+","+testProvider ||
			a.NameIDFormat != "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" ||
			a.ConfirmNotOnOrAfter.Before(time.Now()) {
			t.Fatalf("assertion %+v", a)
		}
	}
}

// TestAttacks changes a signed Response the ways attackers do; each must
// fail verification.
func TestAttacks(t *testing.T) {
	p := testIdP(t)
	other := testIdP(t)
	certs := []*x509.Certificate{p.Cert}
	good := mustResponse(t, p, claims())
	if _, err := ParseResponse([]byte(good), certs); err != nil {
		t.Fatal(err)
	}
	asStart := strings.Index(good, "<saml:Assertion")
	asEnd := strings.Index(good, "</saml:Assertion>") + len("</saml:Assertion>")
	signed := good[asStart:asEnd]
	evil := strings.ReplaceAll(signed, "alice@example.com", "root@example.com")
	evil = strings.Replace(evil, `ID="_a`, `ID="_evil`, 1)
	sigStart, sigEnd := strings.Index(evil, "<ds:Signature"), strings.Index(evil, "</ds:Signature>")+len("</ds:Signature>")
	evilUnsigned := evil[:sigStart] + evil[sigEnd:]

	cases := []struct {
		name, doc string
		certs     []*x509.Certificate
		want      error
	}{
		{"changed NameID", strings.Replace(good, "alice@example.com", "root@example.com", 1), certs, ErrSignature},
		{"changed Role attribute", strings.Replace(good, "role/deployer", "role/admin", 1), certs, ErrSignature},
		{"changed audience", strings.Replace(good, "<saml:Audience>"+SignInURL, "<saml:Audience>urn:other", 1), certs, ErrSignature},
		{"NameID split by a comment", strings.Replace(good, "alice@example.com", "alice@example.com<!---->.evil", 1), certs, ErrSignature},
		{"another key", good, []*x509.Certificate{other.Cert}, ErrSignature},
		{"another IdP's response", mustResponse(t, other, claims()), certs, ErrSignature},
		{"signature removed", good[:strings.Index(good, "<ds:Signature")] + good[strings.Index(good, "</ds:Signature>")+len("</ds:Signature>"):], certs, ErrSignature},
		{"second unsigned assertion after", good[:asEnd] + evilUnsigned + good[asEnd:], certs, ErrResponse},
		{"second unsigned assertion before", good[:asStart] + evilUnsigned + good[asStart:], certs, ErrResponse},
		{"signed assertion hidden in an extension", good[:asStart] + "<samlp:Extensions>" + signed + "</samlp:Extensions>" + evilUnsigned + good[asEnd:], certs, ErrSignature},
		{"evil assertion carrying the original signature", good[:asStart] + evil + good[asEnd:], certs, ErrSignature},
		{"duplicate IDs", good[:asStart] + "<samlp:Extensions>" + signed + "</samlp:Extensions>" + signed + good[asEnd:], certs, ErrResponse},
		{"DTD", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]>` + good[strings.Index(good, "<samlp:Response"):], certs, ErrDTD},
		{"undeclared entity", strings.Replace(good, "alice@example.com", "&x;", 1), certs, ErrXML},
		{"encrypted", strings.Replace(good, "<saml:Assertion ", "<saml:EncryptedAssertion/><saml:Assertion ", 1), certs, ErrEncrypted},
		{"failed status", strings.Replace(good, "status:Success", "status:Requester", 1), certs, ErrResponse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseResponse([]byte(c.doc), c.certs)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestCanonicalize checks exclusive canonicalization against forms worked
// out by hand from the recommendation.
func TestCanonicalize(t *testing.T) {
	cases := []struct{ name, in, sub, want string }{
		{"attribute order, empty elements, declarations only where used",
			`<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c" z="1" b:y="2" a="3"><a:e/><b:f c:g="x"></b:f></a:r>`, "",
			`<a:r xmlns:a="urn:a" xmlns:b="urn:b" a="3" z="1" b:y="2"><a:e></a:e><b:f xmlns:c="urn:c" c:g="x"></b:f></a:r>`},
		{"subtree takes the declarations it uses from its ancestors",
			`<r xmlns="urn:d" xmlns:s="urn:s" xmlns:u="urn:u"><s:x ID="1"><y>t</y></s:x></r>`, "s:x",
			`<s:x xmlns:s="urn:s" ID="1"><y xmlns="urn:d">t</y></s:x>`},
		{"default namespace undeclared under a declared one",
			`<x xmlns="urn:d"><y xmlns=""><z/></y></x>`, "",
			`<x xmlns="urn:d"><y xmlns=""><z></z></y></x>`},
		{"redundant declarations are dropped",
			`<p:x xmlns:p="urn:p"><p:y xmlns:p="urn:p"/><p:z xmlns:p="urn:q"/></p:x>`, "",
			`<p:x xmlns:p="urn:p"><p:y></p:y><p:z xmlns:p="urn:q"></p:z></p:x>`},
		{"escaping and line ends",
			"<x a='&lt;&amp;\"&#9;&#10;&#13;&gt;'>&lt;&amp;&gt;\r\n&#13;\"'</x>", "",
			"<x a=\"&lt;&amp;&quot;&#x9;&#xA;&#xD;>\">&lt;&amp;&gt;\n&#xD;\"'</x>"},
		{"comments and the xml declaration go",
			"<?xml version=\"1.0\"?>\n<!-- c --><x><!-- c -->t<!-- c -->u</x>\n<!-- c -->", "",
			`<x>tu</x>`},
		{"character references become characters",
			`<x>&#x41;&#233;</x>`, "", "<x>Aé</x>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, err := parseXML([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			e := root
			if c.sub != "" {
				root.walk(func(x *Element) {
					if qname(x.Prefix, x.Local) == c.sub {
						e = x
					}
				})
			}
			if got := string(Canonicalize(e, nil, nil)); got != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	// InclusiveNamespaces: a prefix used only in content (xsi:type="xs:string").
	root, err := parseXML([]byte(`<r xmlns:xs="urn:xs" xmlns:xsi="urn:xsi"><v xsi:type="xs:string">a</v></r>`))
	if err != nil {
		t.Fatal(err)
	}
	v := root.Children[0].(*Element)
	if got, want := string(Canonicalize(v, nil, []string{"xs"})), `<v xmlns:xs="urn:xs" xmlns:xsi="urn:xsi" xsi:type="xs:string">a</v>`; got != want {
		t.Fatalf("inclusive: got %s want %s", got, want)
	}
}

func TestMetadataErrors(t *testing.T) {
	p := testIdP(t)
	good := p.Metadata()
	for name, doc := range map[string]string{
		"not metadata":   `<x/>`,
		"no entityID":    strings.Replace(good, `entityID=`, `other=`, 1),
		"no IdP":         strings.ReplaceAll(good, "IDPSSODescriptor", "SPSSODescriptor"),
		"encryption key": strings.Replace(good, `use="signing"`, `use="encryption"`, 1),
		"bad cert":       strings.Replace(good, "<ds:X509Certificate>", "<ds:X509Certificate>AAAA", 1),
		"not base64":     strings.Replace(good, "<ds:X509Certificate>", "<ds:X509Certificate>*", 1),
	} {
		if _, err := ParseMetadata([]byte(doc)); !errors.Is(err, ErrMetadata) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParseMetadata([]byte(`<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>`)); !errors.Is(err, ErrDTD) {
		t.Errorf("DTD: %v", err)
	}
}

// base64 of a minted response decodes to the XML.
func TestAssertionBase64(t *testing.T) {
	p := testIdP(t)
	b, err := p.Assertion(claims())
	if err != nil {
		t.Fatal(err)
	}
	x, err := base64.StdEncoding.DecodeString(b)
	if err != nil || !strings.Contains(string(x), "alice@example.com") {
		t.Fatal(err)
	}
}
