package sts

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// Credentials are temporary security credentials.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// credentialsXML is the wire form of Credentials (member names and the
// ISO 8601 Expiration as AWS sends them).
type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

func (c Credentials) xml() *credentialsXML {
	return &credentialsXML{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      c.Expiration.UTC().Format("2006-01-02T15:04:05Z"),
	}
}

// keyAlphabet is the alphabet of AWS access key ids after their prefix
// (upper-case base32).
const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newKeyID returns a temporary access key id: "ASIA" and 16 random
// characters, 20 in all like AWS's.
func newKeyID() string {
	var b [16]byte
	rand.Read(b[:])
	out := make([]byte, 4+len(b))
	copy(out, "ASIA")
	for i, c := range b {
		out[4+i] = keyAlphabet[c&31]
	}
	return string(out)
}

// isSessionKeyID reports whether id has the shape newKeyID makes, so that
// lookups of other keys do not reach the store.
func isSessionKeyID(id string) bool {
	if len(id) != 20 || id[:4] != "ASIA" {
		return false
	}
	for i := 4; i < len(id); i++ {
		c := id[i]
		if (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// newSecret returns a 40-character secret access key, the length of AWS's.
func newSecret() string {
	var b [30]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// tokenBytes sizes the session token. AWS's tokens are opaque base64 blobs
// of several hundred characters (their size is explicitly not fixed); 384
// random bytes give 512 characters.
const tokenBytes = 384

// newToken returns an opaque, random session token.
func newToken() string {
	b := make([]byte, tokenBytes)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
