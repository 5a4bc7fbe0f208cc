package saml

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Metadata is what IAM keeps of an identity provider's SAML metadata
// document: its entity id and the certificates its assertions are signed
// with.
type Metadata struct {
	EntityID string
	// Certs are the certificates of the IDPSSODescriptor's KeyDescriptors
	// for signing (use="signing", or no use, which means both).
	Certs []*x509.Certificate
	// ValidUntil is the EntityDescriptor's validUntil; zero when absent.
	ValidUntil time.Time
}

// ErrMetadata is a document that is not usable SAML 2.0 metadata of an
// identity provider.
var ErrMetadata = errors.New("saml: not usable identity provider metadata")

func mdErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMetadata}, a...)...)
}

// ParseMetadata reads an identity provider's metadata document:
// EntityDescriptor → IDPSSODescriptor → KeyDescriptor → ds:KeyInfo →
// ds:X509Data → ds:X509Certificate.
func ParseMetadata(doc []byte) (*Metadata, error) {
	root, err := parseXML(doc)
	if err != nil {
		return nil, err
	}
	if !root.is(nsMetadata, "EntityDescriptor") {
		return nil, mdErr("the document is not an md:EntityDescriptor")
	}
	md := &Metadata{}
	md.EntityID, _ = root.Attr("entityID")
	if md.EntityID == "" {
		return nil, mdErr("no entityID")
	}
	if md.ValidUntil, err = timeAttr(root, "validUntil"); err != nil {
		return nil, mdErr("validUntil is not a time")
	}
	idps := root.Elements(nsMetadata, "IDPSSODescriptor")
	if len(idps) == 0 {
		return nil, mdErr("no IDPSSODescriptor")
	}
	for _, idp := range idps {
		for _, kd := range idp.Elements(nsMetadata, "KeyDescriptor") {
			if use, ok := kd.Attr("use"); ok && use != "signing" {
				continue
			}
			ki := kd.Element(nsDSig, "KeyInfo")
			if ki == nil {
				continue
			}
			for _, xd := range ki.Elements(nsDSig, "X509Data") {
				for _, xc := range xd.Elements(nsDSig, "X509Certificate") {
					der, err := decode64(xc.Text())
					if err != nil {
						return nil, mdErr("X509Certificate is not base64")
					}
					c, err := x509.ParseCertificate(der)
					if err != nil {
						return nil, mdErr("X509Certificate: %v", strings.TrimPrefix(err.Error(), "x509: "))
					}
					md.Certs = append(md.Certs, c)
				}
			}
		}
	}
	if len(md.Certs) == 0 {
		return nil, mdErr("no signing certificate")
	}
	return md, nil
}
