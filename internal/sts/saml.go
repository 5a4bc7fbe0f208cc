package sts

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/saml"
)

// AssumeRoleWithSAML trades a SAML 2.0 Response from an identity provider
// (ADFS, Okta, Entra ID, Keycloak) for a role session. Like web identity
// the call is unsigned: the signed assertion is the credential. seki checks
// it as AWS does — the provider named by PrincipalArn exists in the role's
// account and its metadata's certificate signed the Response or the
// Assertion; the Issuer is the provider's entity id; the assertion is in
// its validity window, for AWS sign-in (audience and recipient), and names
// the pair RoleArn,PrincipalArn in its Role attribute, with a
// RoleSessionName — and then the role's trust policy decides, through the
// door, with the SAML:* condition keys.

// SAMLProvider is an IAM SAML provider as STS sees it.
type SAMLProvider struct {
	ARN, Account, Name string
	// EntityID is the provider's metadata entityID, the assertions' Issuer.
	EntityID string
	Certs    []*x509.Certificate
}

// SAMLProviders is the part of IAM that AssumeRoleWithSAML needs. The
// server wires it in.
type SAMLProviders interface {
	// SAMLProvider returns the provider named by arn, or ok=false.
	SAMLProvider(ctx context.Context, arn string) (p SAMLProvider, ok bool, err error)
}

var samlAssertionShape = strConstraint(4, 100000, `[\s\S]*`, `[\s\S]*`)

// signInURL matches AWS sign-in's SAML endpoint, global or regional, with
// the /acs/ID form providers with encryption use: the audience and
// recipient AWS accepts. urn:amazon:webservices is the older audience.
var signInURL = regexp.MustCompile(`^https://([a-z0-9-]+\.)?signin\.aws\.amazon\.com/saml(/acs/[A-Za-z0-9_-]+)?/?$`)

const legacyAudience = "urn:amazon:webservices"

// The SAML attributes AWS reads, and the context keys of the attributes
// it maps (IAM User Guide, "Configure SAML assertions for the
// authentication response": eduPerson and X.500 attributes by OID).
const samlAttrPrefix = "https://aws.amazon.com/SAML/Attributes/"

var samlAttrKeys = map[string]string{
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":  "SAML:edupersonaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.2":  "SAML:edupersonnickname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.3":  "SAML:edupersonorgdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.4":  "SAML:edupersonorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.5":  "SAML:edupersonprimaryaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.6":  "SAML:edupersonprincipalname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.7":  "SAML:edupersonentitlement",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.8":  "SAML:edupersonprimaryorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.9":  "SAML:edupersonscopedaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "SAML:edupersontargetedid",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.11": "SAML:edupersonassurance",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.2":  "SAML:eduorghomepageuri",
	"urn:oid:0.9.2342.19200300.100.1.1": "SAML:uid",
	"urn:oid:0.9.2342.19200300.100.1.3": "SAML:mail",
	"urn:oid:2.5.4.3":                   "SAML:cn",
	"urn:oid:2.5.4.4":                   "SAML:surname",
	"urn:oid:2.5.4.42":                  "SAML:givenName",
	"urn:oid:2.5.4.41":                  "SAML:name",
	"urn:oid:2.5.4.45":                  "SAML:x500UniqueIdentifier",
}

type samlResult struct {
	Credentials      *credentialsXML
	AssumedRoleUser  assumedRoleUser
	PackedPolicySize *int `xml:",omitempty"`
	Subject          string
	SubjectType      string
	Issuer           string
	Audience         string
	NameQualifier    string
	SourceIdentity   string `xml:",omitempty"`
}

// samlState is the verified request.
type samlState struct {
	assumeState
	subject, subjectType, issuer, audience, nameQualifier string
	// until is the assertion's SessionNotOnOrAfter, zero when absent.
	until time.Time
}

func (s *Service) samlOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*samlState]{
		Name:   "AssumeRoleWithSAML",
		Decode: s.prepareSAML,
		Auth: protocol.Check("sts:AssumeRoleWithSAML", func(_ context.Context, _ *protocol.Request, st *samlState) (protocol.Target, error) {
			return st.target, nil
		}),
		Handle: s.assumeRoleWithSAML,
	})
}

// samlInput is the request checked against the service model.
type samlInput struct {
	*assumeInput
	principalArn, assertion string
}

func parseSAML(r *protocol.Request) (*samlInput, error) {
	var v violations
	p := r.Params
	in := &samlInput{assumeInput: &assumeInput{}}
	in.roleArn = v.required(p, "RoleArn", "roleArn", arnShape)
	in.principalArn = v.required(p, "PrincipalArn", "principalArn", arnShape)
	in.assertion = v.required(p, "SAMLAssertion", "sAMLAssertion", samlAssertionShape)
	parseFederatedSession(&v, p, in.assumeInput)
	return in, v.err()
}

// prepareSAML validates the request and the assertion, and makes the
// SAML identity the request's caller for the door.
func (s *Service) prepareSAML(ctx context.Context, r *protocol.Request) (*samlState, error) {
	in, err := parseSAML(r)
	if err != nil {
		return nil, err
	}
	role, err := arn.Parse(in.roleArn)
	if err != nil || role.Resource == "" {
		return nil, errValidation.Errorf(msgSAMLInvalidARN, in.roleArn)
	}
	if pa, err := arn.Parse(in.principalArn); err != nil || pa.Resource == "" {
		return nil, errValidation.Errorf(msgSAMLInvalidARN, in.principalArn)
	}
	var prov SAMLProvider
	ok := false
	if s.saml != nil {
		if prov, ok, err = s.saml.SAMLProvider(ctx, in.principalArn); err != nil {
			return nil, err
		}
	}
	// A provider of another account does not vouch for this account's
	// roles: AWS looks the provider up in the role's account.
	if !ok || prov.Account != role.AccountID {
		return nil, errInvalidIdentityToken.New(msgSAMLNoProvider)
	}
	doc, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(in.assertion), ""))
	if err != nil {
		return nil, errInvalidIdentityToken.Errorf(msgSAMLMalformed, "the assertion is not base64")
	}
	a, err := saml.ParseResponse(doc, prov.Certs)
	switch {
	case errors.Is(err, saml.ErrSignature):
		return nil, errInvalidIdentityToken.New(msgSAMLSignature).Wrap(err)
	case err != nil:
		return nil, errInvalidIdentityToken.Errorf(msgSAMLMalformed, strings.TrimPrefix(err.Error(), "saml: ")).Wrap(err)
	}
	if a.Issuer != prov.EntityID {
		return nil, errInvalidIdentityToken.New(msgSAMLIssuer)
	}
	now := s.now()
	if !a.NotBefore.IsZero() && now.Before(a.NotBefore) {
		return nil, errInvalidIdentityToken.New(msgSAMLNotYetValid)
	}
	if !now.Before(a.ConfirmNotOnOrAfter) || (!a.NotOnOrAfter.IsZero() && !now.Before(a.NotOnOrAfter)) ||
		(!a.SessionNotOnOrAfter.IsZero() && !now.Before(a.SessionNotOnOrAfter)) {
		return nil, errExpiredWebToken.New(msgExpiredWebToken)
	}
	audienceOK := false
	for _, au := range a.Audiences {
		audienceOK = audienceOK || au == legacyAudience || signInURL.MatchString(au)
	}
	if !audienceOK {
		return nil, errInvalidIdentityToken.New(msgSAMLAudience)
	}
	if !signInURL.MatchString(a.Recipient) {
		return nil, errInvalidIdentityToken.New(msgSAMLRecipient)
	}
	if !hasRolePair(a.Attributes[saml.AttrRole], in.roleArn, in.principalArn) {
		return nil, errInvalidIdentityToken.Errorf(msgSAMLRolePair, in.roleArn, in.principalArn)
	}
	names := a.Attributes[saml.AttrRoleSessionName]
	if len(names) != 1 || !roleSessionNameShape.re.MatchString(names[0]) || len(names[0]) < 2 || len(names[0]) > 64 {
		return nil, errInvalidIdentityToken.New(msgSAMLSessionName)
	}
	in.sessionName = names[0]
	if a.NameID == "" {
		return nil, errIDPRejectedClaim.Errorf(msgSAMLMalformed, "the assertion names no subject (NameID)")
	}

	fst, err := s.federatedState(ctx, in.assumeInput, role.AccountID)
	if err != nil {
		return nil, err
	}
	// NameQualifier: BASE64(SHA1(Issuer + account id + "/" + provider
	// name)), as the API reference gives it.
	q := sha1.Sum([]byte(a.Issuer + prov.Account + "/" + prov.Name))
	st := &samlState{
		assumeState:   fst,
		subject:       a.NameID,
		subjectType:   strings.TrimPrefix(a.NameIDFormat, "urn:oasis:names:tc:SAML:2.0:nameid-format:"),
		issuer:        a.Issuer,
		audience:      a.Recipient,
		nameQualifier: base64.StdEncoding.EncodeToString(q[:]),
		until:         a.SessionNotOnOrAfter,
	}
	if si := a.Attributes[saml.AttrSourceIdentity]; len(si) == 1 {
		st.sourceIdentity = si[0]
	}

	// The caller is the identity the provider vouches for.
	r.Caller = &authz.Caller{Principal: policy.Principal{
		Type: policy.WebIdentity, ARN: prov.ARN, Account: prov.Account, UserID: prov.ARN + ":" + a.NameID,
	}}
	if r.Context == nil {
		r.Context = policy.NewContext(16)
	}
	c := r.Context
	c.Set("sts:RoleSessionName", in.sessionName)
	c.Set("aws:FederatedProvider", prov.ARN)
	c.Set("SAML:aud", st.audience)
	c.Set("SAML:sub", st.subject)
	c.Set("SAML:sub_type", st.subjectType)
	c.Set("SAML:iss", st.issuer)
	c.Set("SAML:namequalifier", st.nameQualifier)
	c.Set("SAML:doc", prov.Account+"/"+prov.Name)
	if st.sourceIdentity != "" {
		c.Set("sts:SourceIdentity", st.sourceIdentity)
	}
	for name, key := range samlAttrKeys {
		if vs := a.Attributes[name]; len(vs) > 0 {
			c.Set(key, vs...)
		}
	}
	if vs := a.Attributes["urn:oid:2.5.4.3"]; len(vs) > 0 {
		c.Set("SAML:commonName", vs...)
	}
	return st, nil
}

// hasRolePair reports whether one of the Role attribute's values is the
// pair "role,provider", in either order (AWS accepts both).
func hasRolePair(values []string, role, provider string) bool {
	for _, v := range values {
		a, b, ok := strings.Cut(v, ",")
		if !ok {
			continue
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if (a == role && b == provider) || (a == provider && b == role) {
			return true
		}
	}
	return false
}

// assumeRoleWithSAML runs after the role's trust policy admitted the SAML
// identity.
func (s *Service) assumeRoleWithSAML(ctx context.Context, r *protocol.Request, st *samlState) (any, error) {
	if !st.found {
		return nil, errAccessDenied.New(msgSAMLDenied)
	}
	duration, err := federatedDuration(&st.assumeState)
	if err != nil {
		return nil, err
	}
	// The session ends at SessionNotOnOrAfter if that comes first.
	if !st.until.IsZero() {
		if left := int(st.until.Sub(s.now()) / time.Second); left < duration {
			duration = max(left, 1)
		}
	}
	res, err := s.startRoleSession(ctx, &st.assumeState, duration, KindSAML)
	if err != nil {
		return nil, err
	}
	return &samlResult{
		Credentials:      res.Credentials,
		AssumedRoleUser:  res.AssumedRoleUser,
		PackedPolicySize: res.PackedPolicySize,
		Subject:          st.subject,
		SubjectType:      st.subjectType,
		Issuer:           st.issuer,
		Audience:         st.audience,
		NameQualifier:    st.nameQualifier,
		SourceIdentity:   res.SourceIdentity,
	}, nil
}
