package saml

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SAML 2.0 namespaces.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	// statusSuccess is the only StatusCode a usable Response carries.
	statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
)

// Assertion is what a verified SAML Response says about its subject. Every
// field comes from the signed part of the document.
type Assertion struct {
	// Issuer is the assertion's Issuer: the identity provider's entity id.
	Issuer string
	// NameID is the subject's name, NameIDFormat its Format attribute.
	NameID, NameIDFormat string
	// Recipient and ConfirmNotOnOrAfter are the SubjectConfirmationData's.
	Recipient           string
	ConfirmNotOnOrAfter time.Time
	// NotBefore and NotOnOrAfter are the Conditions' (zero when absent);
	// Audiences the values of its AudienceRestriction elements.
	NotBefore, NotOnOrAfter time.Time
	Audiences               []string
	// SessionNotOnOrAfter is the AuthnStatement's, zero when absent.
	SessionNotOnOrAfter time.Time
	// Attributes are the AttributeStatement's values by attribute Name,
	// each value with surrounding white space removed.
	Attributes map[string][]string
}

// Errors of reading a Response, besides ErrXML, ErrDTD and ErrSignature.
var (
	// ErrResponse is a document that is not a usable SAML 2.0 Response:
	// not a Response, not successful, without exactly one Assertion, or
	// with an Assertion that lacks what AWS requires.
	ErrResponse = errors.New("saml: not a usable SAML response")
	// ErrEncrypted is a Response whose assertion is encrypted, which seki
	// does not decrypt.
	ErrEncrypted = errors.New("saml: encrypted assertions are not supported")
)

func respErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrResponse}, a...)...)
}

// ParseResponse reads a SAML 2.0 Response (the XML, not its base64),
// verifies its signature with certs and returns its assertion.
//
// The Response or its Assertion (or both) must carry an enveloped
// signature, and every signature present must verify. Against signature
// wrapping, the Response must hold exactly one Assertion, as its direct
// child, IDs must be unique in the document, and what is returned is read
// only from the element a verified signature covers.
func ParseResponse(doc []byte, certs []*x509.Certificate) (*Assertion, error) {
	root, err := parseXML(doc)
	if err != nil {
		return nil, err
	}
	if !root.is(nsProtocol, "Response") {
		return nil, respErr("the document is not a samlp:Response")
	}
	if err := uniqueIDs(root); err != nil {
		return nil, err
	}
	if st := root.Element(nsProtocol, "Status"); st != nil {
		sc := st.Element(nsProtocol, "StatusCode")
		if v, _ := attrOf(sc, "Value"); v != statusSuccess {
			return nil, respErr("status %q", v)
		}
	}
	if len(root.Elements(nsAssertion, "EncryptedAssertion")) > 0 {
		return nil, ErrEncrypted
	}
	as := root.Elements(nsAssertion, "Assertion")
	if len(as) != 1 {
		return nil, respErr("%d assertions; exactly one is accepted", len(as))
	}
	a := as[0]
	signed := false
	for _, el := range []*Element{root, a} {
		sigs := el.Elements(nsDSig, "Signature")
		if len(sigs) > 1 {
			return nil, sigErr("more than one signature on %s", el.Local)
		}
		if len(sigs) == 1 {
			if err := verifyEnveloped(el, sigs[0], certs); err != nil {
				return nil, err
			}
			signed = true
		}
	}
	if !signed {
		return nil, sigErr("neither the response nor the assertion is signed")
	}
	return readAssertion(a)
}

// uniqueIDs refuses a document in which two elements share an ID: a
// reference "#id" must name one element only.
func uniqueIDs(root *Element) error {
	seen := map[string]bool{}
	var err error
	root.walk(func(e *Element) {
		if id, ok := e.Attr("ID"); ok {
			if seen[id] && err == nil {
				err = respErr("ID %q is used twice", id)
			}
			seen[id] = true
		}
	})
	return err
}

func attrOf(e *Element, name string) (string, bool) {
	if e == nil {
		return "", false
	}
	return e.Attr(name)
}

// readAssertion reads the fields of a verified Assertion.
func readAssertion(a *Element) (*Assertion, error) {
	out := &Assertion{Attributes: map[string][]string{}}
	iss := a.Element(nsAssertion, "Issuer")
	if iss == nil {
		return nil, respErr("the assertion has no Issuer")
	}
	out.Issuer = strings.TrimSpace(iss.Text())

	subj := a.Element(nsAssertion, "Subject")
	if subj == nil {
		return nil, respErr("the assertion has no Subject")
	}
	if id := subj.Element(nsAssertion, "NameID"); id != nil {
		out.NameID = strings.TrimSpace(id.Text())
		out.NameIDFormat, _ = id.Attr("Format")
	}
	// AWS requires exactly one SubjectConfirmation whose
	// SubjectConfirmationData has both NotOnOrAfter and Recipient.
	sc := subj.Elements(nsAssertion, "SubjectConfirmation")
	if len(sc) != 1 {
		return nil, respErr("%d SubjectConfirmation elements; exactly one is required", len(sc))
	}
	scd := sc[0].Element(nsAssertion, "SubjectConfirmationData")
	if scd == nil {
		return nil, respErr("no SubjectConfirmationData")
	}
	out.Recipient, _ = scd.Attr("Recipient")
	t, err := timeAttr(scd, "NotOnOrAfter")
	if err != nil || t.IsZero() || out.Recipient == "" {
		return nil, respErr("SubjectConfirmationData needs NotOnOrAfter and Recipient")
	}
	out.ConfirmNotOnOrAfter = t

	if c := a.Element(nsAssertion, "Conditions"); c != nil {
		if out.NotBefore, err = timeAttr(c, "NotBefore"); err != nil {
			return nil, err
		}
		if out.NotOnOrAfter, err = timeAttr(c, "NotOnOrAfter"); err != nil {
			return nil, err
		}
		for _, ar := range c.Elements(nsAssertion, "AudienceRestriction") {
			for _, au := range ar.Elements(nsAssertion, "Audience") {
				out.Audiences = append(out.Audiences, strings.TrimSpace(au.Text()))
			}
		}
	}
	for _, st := range a.Elements(nsAssertion, "AuthnStatement") {
		if t, err := timeAttr(st, "SessionNotOnOrAfter"); err != nil {
			return nil, err
		} else if !t.IsZero() && (out.SessionNotOnOrAfter.IsZero() || t.Before(out.SessionNotOnOrAfter)) {
			out.SessionNotOnOrAfter = t
		}
	}
	for _, st := range a.Elements(nsAssertion, "AttributeStatement") {
		for _, at := range st.Elements(nsAssertion, "Attribute") {
			name, _ := at.Attr("Name")
			for _, v := range at.Elements(nsAssertion, "AttributeValue") {
				out.Attributes[name] = append(out.Attributes[name], strings.TrimSpace(v.Text()))
			}
		}
	}
	return out, nil
}

// timeAttr reads an xs:dateTime attribute; zero when absent.
func timeAttr(e *Element, name string) (time.Time, error) {
	v, ok := e.Attr(name)
	if !ok {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, respErr("%s=%q is not a time", name, v)
	}
	return t, nil
}
