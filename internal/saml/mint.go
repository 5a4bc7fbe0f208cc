package saml

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"time"
)

// IdP plays a SAML identity provider in tests and local tooling: a key, a
// self-signed certificate, the metadata document that publishes it (what
// IAM's CreateSAMLProvider is given) and signed Responses. See
// docs/SAML.md.
type IdP struct {
	EntityID string
	Key      *rsa.PrivateKey
	Cert     *x509.Certificate
}

// NewIdP makes an identity provider with a fresh 2048-bit RSA key and a
// self-signed certificate valid for a year.
func NewIdP(entityID string) (*IdP, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return NewIdPWithKey(entityID, key)
}

// NewIdPWithKey is NewIdP with a given key.
func NewIdPWithKey(entityID string, key *rsa.PrivateKey) (*IdP, error) {
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: "seki test IdP"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &IdP{EntityID: entityID, Key: key, Cert: cert}, nil
}

// Metadata is the provider's SAML metadata document.
func (p *IdP) Metadata() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="` + esc(p.EntityID) + `">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo>
        <ds:X509Data>
          <ds:X509Certificate>` + base64.StdEncoding.EncodeToString(p.Cert.Raw) + `</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`
}

// Claims describe the assertion to mint. Zero fields take the defaults
// AWS sign-in expects.
type Claims struct {
	// NameID is the subject (SAML:sub); NameIDFormat defaults to
	// urn:oasis:names:tc:SAML:2.0:nameid-format:persistent.
	NameID, NameIDFormat string
	// Issuer defaults to the IdP's entity id.
	Issuer string
	// Recipient defaults to https://signin.aws.amazon.com/saml, as does
	// the one Audience.
	Recipient string
	Audiences []string
	// NotBefore defaults to a minute ago, NotOnOrAfter to five minutes
	// from now; both for Conditions and SubjectConfirmationData.
	NotBefore, NotOnOrAfter time.Time
	// Attributes in order: https://aws.amazon.com/SAML/Attributes/Role
	// ("ROLE_ARN,PROVIDER_ARN"), .../RoleSessionName, ...
	Attributes []Attribute
	// SignResponse signs the Response as well as the Assertion;
	// ResponseOnly signs only the Response.
	SignResponse, ResponseOnly bool
	// SHA1 signs with RSA-SHA1 and digests with SHA-1 instead of SHA-256.
	SHA1 bool
}

// Attribute is one SAML attribute.
type Attribute struct {
	Name   string
	Values []string
}

// AWS's attribute names.
const (
	AttrRole            = "https://aws.amazon.com/SAML/Attributes/Role"
	AttrRoleSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	AttrSessionDuration = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	AttrSourceIdentity  = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	// SignInURL is AWS sign-in's SAML endpoint: the Recipient and
	// Audience AWS expects.
	SignInURL = "https://signin.aws.amazon.com/saml"
)

// Response mints a signed SAML Response and returns its XML.
func (p *IdP) Response(c Claims) (string, error) {
	now := time.Now().UTC()
	if c.NameIDFormat == "" {
		c.NameIDFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	}
	if c.Issuer == "" {
		c.Issuer = p.EntityID
	}
	if c.Recipient == "" {
		c.Recipient = SignInURL
	}
	if c.Audiences == nil {
		c.Audiences = []string{SignInURL}
	}
	if c.NotBefore.IsZero() {
		c.NotBefore = now.Add(-time.Minute)
	}
	if c.NotOnOrAfter.IsZero() {
		c.NotOnOrAfter = now.Add(5 * time.Minute)
	}
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	respID, asID := "_r"+randomID(), "_a"+randomID()

	var a strings.Builder
	a.WriteString(`<saml:Assertion xmlns:saml="` + nsAssertion + `" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="` + asID + `" IssueInstant="` + ts(now) + `" Version="2.0">`)
	a.WriteString(`<saml:Issuer>` + esc(c.Issuer) + `</saml:Issuer>`)
	a.WriteString(`<saml:Subject><saml:NameID Format="` + esc(c.NameIDFormat) + `">` + esc(c.NameID) + `</saml:NameID>`)
	a.WriteString(`<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="` + ts(c.NotOnOrAfter) + `" Recipient="` + esc(c.Recipient) + `"/></saml:SubjectConfirmation></saml:Subject>`)
	a.WriteString(`<saml:Conditions NotBefore="` + ts(c.NotBefore) + `" NotOnOrAfter="` + ts(c.NotOnOrAfter) + `"><saml:AudienceRestriction>`)
	for _, au := range c.Audiences {
		a.WriteString(`<saml:Audience>` + esc(au) + `</saml:Audience>`)
	}
	a.WriteString(`</saml:AudienceRestriction></saml:Conditions>`)
	a.WriteString(`<saml:AuthnStatement AuthnInstant="` + ts(now) + `" SessionIndex="` + asID + `"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`)
	a.WriteString(`<saml:AttributeStatement>`)
	for _, at := range c.Attributes {
		a.WriteString(`<saml:Attribute Name="` + esc(at.Name) + `">`)
		for _, v := range at.Values {
			a.WriteString(`<saml:AttributeValue xsi:type="xs:string">` + esc(v) + `</saml:AttributeValue>`)
		}
		a.WriteString(`</saml:Attribute>`)
	}
	a.WriteString(`</saml:AttributeStatement></saml:Assertion>`)
	assertion := a.String()
	var err error
	if !c.ResponseOnly {
		if assertion, err = p.sign(assertion, asID, c.SHA1); err != nil {
			return "", err
		}
	}
	resp := `<samlp:Response xmlns:samlp="` + nsProtocol + `" xmlns:saml="` + nsAssertion + `" Destination="` + esc(c.Recipient) + `" ID="` + respID + `" IssueInstant="` + ts(now) + `" Version="2.0">` +
		`<saml:Issuer>` + esc(c.Issuer) + `</saml:Issuer>` +
		`<samlp:Status><samlp:StatusCode Value="` + statusSuccess + `"/></samlp:Status>` + assertion + `</samlp:Response>`
	if c.SignResponse || c.ResponseOnly {
		if resp, err = p.sign(resp, respID, c.SHA1); err != nil {
			return "", err
		}
	}
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + resp, nil
}

// Assertion mints a signed Response and returns it base64-encoded, as
// AssumeRoleWithSAML's SAMLAssertion takes it.
func (p *IdP) Assertion(c Claims) (string, error) {
	r, err := p.Response(c)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString([]byte(r)), nil
}

// sign puts an enveloped signature of the root element of doc (whose ID is
// id) right after its Issuer, where the SAML schema places it.
func (p *IdP) sign(doc, id string, useSHA1 bool) (string, error) {
	root, err := parseXML([]byte(doc))
	if err != nil {
		return "", err
	}
	content := Canonicalize(root, nil, nil)
	sigAlg, digAlg, hash := algRSASHA256, algSHA256, crypto.SHA256
	var digest []byte
	if useSHA1 {
		sigAlg, digAlg, hash = algRSASHA1, algSHA1, crypto.SHA1
		d := sha1.Sum(content)
		digest = d[:]
	} else {
		d := sha256.Sum256(content)
		digest = d[:]
	}
	si := `<ds:SignedInfo xmlns:ds="` + nsDSig + `"><ds:CanonicalizationMethod Algorithm="` + algExcC14N + `"></ds:CanonicalizationMethod>` +
		`<ds:SignatureMethod Algorithm="` + sigAlg + `"></ds:SignatureMethod><ds:Reference URI="#` + id + `"><ds:Transforms>` +
		`<ds:Transform Algorithm="` + algEnveloped + `"></ds:Transform><ds:Transform Algorithm="` + algExcC14N + `"></ds:Transform></ds:Transforms>` +
		`<ds:DigestMethod Algorithm="` + digAlg + `"></ds:DigestMethod><ds:DigestValue>` + base64.StdEncoding.EncodeToString(digest) + `</ds:DigestValue></ds:Reference></ds:SignedInfo>`
	siEl, err := parseXML([]byte(si))
	if err != nil {
		return "", err
	}
	h := hash.New()
	h.Write(Canonicalize(siEl, nil, nil))
	sv, err := rsa.SignPKCS1v15(rand.Reader, p.Key, hash, h.Sum(nil))
	if err != nil {
		return "", err
	}
	sig := `<ds:Signature xmlns:ds="` + nsDSig + `">` + si + `<ds:SignatureValue>` + base64.StdEncoding.EncodeToString(sv) + `</ds:SignatureValue>` +
		`<ds:KeyInfo><ds:X509Data><ds:X509Certificate>` + base64.StdEncoding.EncodeToString(p.Cert.Raw) + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`
	const issuerEnd = `</saml:Issuer>`
	i := strings.Index(doc, issuerEnd)
	if i < 0 {
		return "", errors.New("saml: no Issuer to sign after")
	}
	i += len(issuerEnd)
	return doc[:i] + sig + doc[i:], nil
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return xmlEscaper.Replace(s) }
