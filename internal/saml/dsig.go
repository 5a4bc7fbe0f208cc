package saml

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// XML Signature (http://www.w3.org/2000/09/xmldsig#) as SAML uses it: one
// enveloped signature, a child of the element it signs, with one Reference
// to that element's ID, exclusive canonicalization, and RSA over SHA-256 or
// SHA-1. Anything else is refused rather than half-understood.

// The algorithm identifiers seki accepts.
const (
	nsDSig          = "http://www.w3.org/2000/09/xmldsig#"
	algExcC14N      = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algExcC14NCmt   = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
	algEnveloped    = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algRSASHA256    = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	algRSASHA1      = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	algSHA256       = "http://www.w3.org/2001/04/xmlenc#sha256"
	algSHA1         = "http://www.w3.org/2000/09/xmldsig#sha1"
	nsExcC14N       = "http://www.w3.org/2001/10/xml-exc-c14n#"
	inclusiveNSName = "InclusiveNamespaces"
)

// ErrSignature is a signature that is missing, malformed, made with an
// algorithm seki does not accept, or not made by any of the given
// certificates.
var ErrSignature = errors.New("saml: signature invalid")

func sigErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSignature}, a...)...)
}

// verifyEnveloped checks that sig, a ds:Signature child of signed, signs
// signed (by its ID) with a key of one of certs.
func verifyEnveloped(signed, sig *Element, certs []*x509.Certificate) error {
	id, _ := signed.Attr("ID")
	if id == "" {
		return sigErr("the signed element has no ID")
	}
	si := sig.Element(nsDSig, "SignedInfo")
	if si == nil {
		return sigErr("no single SignedInfo")
	}
	cm := si.Element(nsDSig, "CanonicalizationMethod")
	if cm == nil {
		return sigErr("no CanonicalizationMethod")
	}
	if alg, _ := cm.Attr("Algorithm"); alg != algExcC14N {
		return sigErr("canonicalization %q is not supported", alg)
	}
	sm := si.Element(nsDSig, "SignatureMethod")
	if sm == nil {
		return sigErr("no SignatureMethod")
	}
	var hash crypto.Hash
	switch alg, _ := sm.Attr("Algorithm"); alg {
	case algRSASHA256:
		hash = crypto.SHA256
	case algRSASHA1:
		hash = crypto.SHA1
	default:
		return sigErr("signature method %q is not supported", alg)
	}
	refs := si.Elements(nsDSig, "Reference")
	if len(refs) != 1 {
		return sigErr("%d references; exactly one is accepted", len(refs))
	}
	ref := refs[0]
	if uri, _ := ref.Attr("URI"); uri != "#"+id {
		return sigErr("the reference %q is not to the enveloping element", uri)
	}
	var inclusive []string
	if ts := ref.Element(nsDSig, "Transforms"); ts != nil {
		for _, c := range ts.Children {
			t, ok := c.(*Element)
			if !ok {
				continue
			}
			if !t.is(nsDSig, "Transform") {
				return sigErr("unexpected %s in Transforms", t.Local)
			}
			switch alg, _ := t.Attr("Algorithm"); alg {
			case algEnveloped:
			case algExcC14N, algExcC14NCmt:
				// A same-document reference ("#id") drops comments even
				// under the WithComments variant, and the tree has none.
				inclusive = prefixList(t)
			default:
				return sigErr("transform %q is not supported", alg)
			}
		}
	}
	dm := ref.Element(nsDSig, "DigestMethod")
	dv := ref.Element(nsDSig, "DigestValue")
	if dm == nil || dv == nil {
		return sigErr("no DigestMethod or DigestValue")
	}
	var digest []byte
	content := Canonicalize(signed, sig, inclusive)
	switch alg, _ := dm.Attr("Algorithm"); alg {
	case algSHA256:
		d := sha256.Sum256(content)
		digest = d[:]
	case algSHA1:
		d := sha1.Sum(content)
		digest = d[:]
	default:
		return sigErr("digest method %q is not supported", alg)
	}
	want, err := decode64(dv.Text())
	if err != nil || subtle.ConstantTimeCompare(want, digest) != 1 {
		return sigErr("the digest does not match the signed element")
	}
	sv := sig.Element(nsDSig, "SignatureValue")
	if sv == nil {
		return sigErr("no SignatureValue")
	}
	value, err := decode64(sv.Text())
	if err != nil {
		return sigErr("SignatureValue is not base64")
	}
	h := hash.New()
	h.Write(Canonicalize(si, nil, prefixList(cm)))
	sum := h.Sum(nil)
	for _, c := range certs {
		if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && rsa.VerifyPKCS1v15(pub, hash, sum, value) == nil {
			return nil
		}
	}
	return sigErr("not signed by a key of the provider")
}

// prefixList returns the PrefixList of an InclusiveNamespaces child of a
// canonicalization method or transform.
func prefixList(method *Element) []string {
	in := method.Element(nsExcC14N, inclusiveNSName)
	if in == nil {
		return nil
	}
	l, _ := in.Attr("PrefixList")
	return strings.Fields(l)
}

// decode64 decodes base64 with the line breaks and spaces XML documents
// put into it.
func decode64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r':
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(s)
}
