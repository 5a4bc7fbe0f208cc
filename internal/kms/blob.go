package kms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"sort"
)

// A ciphertext blob names its key, so that Decrypt needs no KeyId, as in
// AWS (whose blobs are opaque but carry the key's identity too):
//
//	byte    blobVersion
//	byte    n, the length of the key's ARN
//	n bytes the key's ARN
//	12 bytes the AES-GCM nonce
//	rest    AES-256-GCM of the plaintext under the key's secret, with the
//	        header (the bytes before the nonce) and the encryption context
//	        (canonical form, below) as additional data
//
// So a blob decrypts only with its key's secret and the very encryption
// context it was made with: any other is InvalidCiphertextException.
const (
	blobVersion = 1
	nonceSize   = 12
	tagSize     = 16
)

var errBlob = errors.New("kms: not a ciphertext blob")

// blob is a parsed ciphertext blob.
type blob struct {
	keyARN string
	head   []byte // version, length and ARN: authenticated with the context
	nonce  []byte
	sealed []byte
}

// parseBlob reads a ciphertext blob without decrypting it. It never
// panics and never allocates more than b's length.
func parseBlob(b []byte) (blob, error) {
	if len(b) < 2 || b[0] != blobVersion {
		return blob{}, errBlob
	}
	n := int(b[1])
	if n == 0 || len(b) < 2+n+nonceSize+tagSize {
		return blob{}, errBlob
	}
	arn := string(b[2 : 2+n])
	if _, ok := parseKeyARN(arn); !ok {
		return blob{}, errBlob
	}
	return blob{keyARN: arn, head: b[:2+n], nonce: b[2+n : 2+n+nonceSize], sealed: b[2+n+nonceSize:]}, nil
}

// seal encrypts plaintext under secret for the key keyARN, binding ctx.
func seal(keyARN string, secret, plaintext []byte, ctx map[string]string) ([]byte, error) {
	if len(keyARN) > 255 {
		return nil, errors.New("kms: key ARN too long for a blob")
	}
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return sealNonce(keyARN, secret, plaintext, ctx, nonce)
}

// sealNonce is seal with a given nonce (tests need a fixed blob).
func sealNonce(keyARN string, secret, plaintext []byte, ctx map[string]string, nonce []byte) ([]byte, error) {
	g, err := gcm(secret)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 2+len(keyARN)+nonceSize+len(plaintext)+tagSize)
	out = append(out, blobVersion, byte(len(keyARN)))
	out = append(out, keyARN...)
	head := len(out)
	out = append(out, nonce...)
	return g.Seal(out, nonce, plaintext, aad(out[:head], ctx)), nil
}

// open decrypts a parsed blob with secret and ctx; a wrong secret or
// context fails.
func (b blob) open(secret []byte, ctx map[string]string) ([]byte, error) {
	g, err := gcm(secret)
	if err != nil {
		return nil, err
	}
	return g.Open(nil, b.nonce, b.sealed, aad(b.head, ctx))
}

// aad is the additional data a blob is sealed with: its header (version
// and key ARN, so that a blob cannot be made to name another key) and the
// encryption context.
func aad(head []byte, ctx map[string]string) []byte {
	return append(append([]byte(nil), head...), contextAAD(ctx)...)
}

func gcm(secret []byte) (cipher.AEAD, error) {
	c, err := aes.NewCipher(secret)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(c)
}

// contextAAD is the canonical form of an encryption context: its pairs
// sorted by key, each length-prefixed, so that the order a client sends
// them in does not matter and no two contexts share a form.
func contextAAD(ctx map[string]string) []byte {
	if len(ctx) == 0 {
		return nil
	}
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []byte
	for _, k := range keys {
		out = binary.AppendUvarint(out, uint64(len(k)))
		out = append(out, k...)
		out = binary.AppendUvarint(out, uint64(len(ctx[k])))
		out = append(out, ctx[k]...)
	}
	return out
}
