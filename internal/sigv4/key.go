package sigv4

import (
	"crypto/sha256"
	"sync"
)

// hmacSHA256 computes HMAC-SHA256(key, msg) without allocating: crypto/hmac
// allocates two digests per call, and Verify runs four to five HMACs per
// request. key must be at most 64 bytes (the SHA-256 block size); every SigV4
// key is ("AWS4"+secret, which callers keep short) or a 32-byte digest.
func hmacSHA256[T string | []byte](key []byte, msg T) [sha256.Size]byte {
	var inner [sha256.BlockSize + 384]byte
	var pad [sha256.BlockSize]byte
	copy(pad[:], key)
	for i := range pad {
		inner[i] = pad[i] ^ 0x36
	}
	var sum [sha256.Size]byte
	if len(msg) <= len(inner)-sha256.BlockSize {
		n := copy(inner[sha256.BlockSize:], msg)
		sum = sha256.Sum256(inner[:sha256.BlockSize+n])
	} else {
		// Long messages (a string to sign never is) go through a digest.
		h := sha256.New()
		h.Write(inner[:sha256.BlockSize])
		h.Write([]byte(msg))
		h.Sum(sum[:0])
	}
	var outer [sha256.BlockSize + sha256.Size]byte
	for i := range pad {
		outer[i] = pad[i] ^ 0x5c
	}
	copy(outer[sha256.BlockSize:], sum[:])
	return sha256.Sum256(outer[:])
}

// deriveKey computes the SigV4 signing key for a secret and credential scope.
// Secrets longer than 60 bytes take the hashed-key path of HMAC, as the spec
// of HMAC requires.
func deriveKey(secret, date, region, service string) [sha256.Size]byte {
	var kb [sha256.BlockSize]byte
	var k []byte
	if len("AWS4")+len(secret) <= sha256.BlockSize {
		n := copy(kb[:], "AWS4")
		n += copy(kb[n:], secret)
		k = kb[:n]
	} else {
		s := sha256.Sum256([]byte("AWS4" + secret))
		k = s[:]
	}
	kDate := hmacSHA256(k, date)
	kRegion := hmacSHA256(kDate[:], region)
	kService := hmacSHA256(kRegion[:], service)
	return hmacSHA256(kService[:], "aws4_request")
}

// keyCacheSize bounds the derived-key cache. One entry serves one access key
// for one day, region and service, so a few hundred cover a busy local
// server; past that, entries are evicted arbitrarily.
const keyCacheSize = 512

type cacheKey struct {
	secret, date, region, service string
}

// keyCache remembers derived signing keys, because deriving one costs four
// HMACs, more than verifying the signature itself.
type keyCache struct {
	mu sync.Mutex
	m  map[cacheKey][sha256.Size]byte
}

func (c *keyCache) get(secret, date, region, service string) [sha256.Size]byte {
	k := cacheKey{secret, date, region, service}
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = deriveKey(secret, date, region, service)
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[cacheKey][sha256.Size]byte)
	}
	if len(c.m) >= keyCacheSize {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
	c.mu.Unlock()
	return v
}
