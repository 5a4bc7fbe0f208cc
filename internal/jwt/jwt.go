// Package jwt verifies the JSON Web Tokens of OpenID Connect identity
// providers (RFC 7519) against the provider's JSON Web Key Set (RFC 7517):
// RS256 and ES256, the algorithms AWS STS accepts for
// AssumeRoleWithWebIdentity. It parses untrusted input and never panics on
// it. Standard library only.
package jwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
)

// Token is a parsed, not yet verified, token.
type Token struct {
	Alg, Kid string
	// Claims are the payload's members; the registered ones are decoded
	// below, the rest stay raw.
	Claims map[string]json.RawMessage
	// Issuer, Subject and Audience are iss, sub and aud (aud may be a
	// string or a list).
	Issuer, Subject string
	Audience        []string
	// Expires, NotBefore and IssuedAt are exp, nbf and iat in seconds since
	// the epoch; 0 when absent.
	Expires, NotBefore, IssuedAt int64

	signed    string // header.payload
	signature []byte
}

// ErrMalformed is returned for a token that is not a JWT.
var ErrMalformed = errors.New("jwt: malformed token")

// maxToken bounds what is parsed; AWS limits WebIdentityToken to 20,000
// characters.
const maxToken = 20000

// Parse splits and decodes a compact JWS. It checks the form, not the
// signature.
func Parse(s string) (*Token, error) {
	if len(s) > maxToken || strings.Count(s, ".") != 2 {
		return nil, ErrMalformed
	}
	h, rest, _ := strings.Cut(s, ".")
	p, sig, _ := strings.Cut(rest, ".")
	hb, err1 := base64.RawURLEncoding.DecodeString(h)
	pb, err2 := base64.RawURLEncoding.DecodeString(p)
	sb, err3 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, ErrMalformed
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if json.Unmarshal(hb, &header) != nil {
		return nil, ErrMalformed
	}
	t := &Token{Alg: header.Alg, Kid: header.Kid, signed: s[:len(h)+1+len(p)], signature: sb}
	if json.Unmarshal(pb, &t.Claims) != nil || t.Claims == nil {
		return nil, ErrMalformed
	}
	str := func(name string, dst *string) bool {
		raw, ok := t.Claims[name]
		return !ok || json.Unmarshal(raw, dst) == nil
	}
	num := func(name string, dst *int64) bool {
		raw, ok := t.Claims[name]
		if !ok {
			return true
		}
		var f float64
		if json.Unmarshal(raw, &f) != nil {
			return false
		}
		*dst = int64(f)
		return true
	}
	if !str("iss", &t.Issuer) || !str("sub", &t.Subject) ||
		!num("exp", &t.Expires) || !num("nbf", &t.NotBefore) || !num("iat", &t.IssuedAt) {
		return nil, ErrMalformed
	}
	if raw, ok := t.Claims["aud"]; ok {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			t.Audience = []string{one}
		} else if json.Unmarshal(raw, &t.Audience) != nil {
			return nil, ErrMalformed
		}
	}
	return t, nil
}

// Claim returns a string claim, or "" when it is absent or not a string.
func (t *Token) Claim(name string) string {
	var s string
	if raw, ok := t.Claims[name]; ok && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// Key is one JSON Web Key.
type Key struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// KeySet is a JSON Web Key Set.
type KeySet struct {
	Keys []Key `json:"keys"`
}

// ParseKeySet decodes a JWKS document.
func ParseKeySet(b []byte) (*KeySet, error) {
	var ks KeySet
	if err := json.Unmarshal(b, &ks); err != nil {
		return nil, err
	}
	return &ks, nil
}

// ErrNoKey is returned when no key of the set can check the token.
var ErrNoKey = errors.New("jwt: no key in the set matches the token")

// ErrSignature is returned for a signature that does not verify.
var ErrSignature = errors.New("jwt: signature does not verify")

// ErrAlgorithm is returned for an algorithm other than RS256 and ES256
// ("none" among them).
var ErrAlgorithm = errors.New("jwt: unsupported algorithm")

// Verify checks the token's signature with the key of ks its kid names (or,
// without a kid, any key of the right type).
func (t *Token) Verify(ks *KeySet) error {
	var kty string
	switch t.Alg {
	case "RS256":
		kty = "RSA"
	case "ES256":
		kty = "EC"
	default:
		return ErrAlgorithm
	}
	digest := sha256.Sum256([]byte(t.signed))
	found := false
	for _, k := range ks.Keys {
		if k.Kty != kty || (t.Kid != "" && k.Kid != t.Kid) || (k.Alg != "" && k.Alg != t.Alg) {
			continue
		}
		found = true
		switch kty {
		case "RSA":
			pub, err := k.rsa()
			if err == nil && rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], t.signature) == nil {
				return nil
			}
		case "EC":
			pub, err := k.ecdsa()
			if err == nil && len(t.signature) == 64 {
				r := new(big.Int).SetBytes(t.signature[:32])
				s := new(big.Int).SetBytes(t.signature[32:])
				if ecdsa.Verify(pub, digest[:], r, s) {
					return nil
				}
			}
		}
	}
	if !found {
		return ErrNoKey
	}
	return ErrSignature
}

func (k *Key) rsa() (*rsa.PublicKey, error) {
	n, err1 := base64.RawURLEncoding.DecodeString(k.N)
	e, err2 := base64.RawURLEncoding.DecodeString(k.E)
	if err1 != nil || err2 != nil || len(n) < 256 || len(e) == 0 || len(e) > 4 {
		// Under 2048 bits is not a key AWS accepts.
		return nil, ErrNoKey
	}
	var exp int
	for _, b := range e {
		exp = exp<<8 | int(b)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, nil
}

func (k *Key) ecdsa() (*ecdsa.PublicKey, error) {
	if k.Crv != "P-256" {
		return nil, ErrNoKey
	}
	x, err1 := base64.RawURLEncoding.DecodeString(k.X)
	y, err2 := base64.RawURLEncoding.DecodeString(k.Y)
	if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
		return nil, ErrNoKey
	}
	// ParseUncompressedPublicKey checks that the point is on the curve.
	raw := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return nil, ErrNoKey
	}
	return pub, nil
}
