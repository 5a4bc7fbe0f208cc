package s3

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// newRequestID makes an id in S3's form: 16 uppercase hex digits.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	var out [16]byte
	const digits = "0123456789ABCDEF"
	for i, c := range b {
		out[2*i] = digits[c>>4]
		out[2*i+1] = digits[c&15]
	}
	return string(out[:])
}

// hostID is the x-amz-id-2 value of request id: S3 sends 56 random-looking
// bytes in base64. seki derives them from the (random) request id, so that
// a request's two ids agree wherever they are reported (responses, errors,
// event records) without being carried along.
func hostID(id string) string {
	a := sha256.Sum256([]byte("seki-s3-host-id:1:" + id))
	b := sha256.Sum256([]byte("seki-s3-host-id:2:" + id))
	var out [56]byte
	copy(out[:], a[:])
	copy(out[32:], b[:24])
	return base64.StdEncoding.EncodeToString(out[:])
}

// randomHex returns n random bytes as lowercase hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newBlobName names a fresh blob file for object or part content. The
// two-digit shard keeps directories small.
func newBlobName() string {
	h := randomHex(16)
	return "s3/" + h[:2] + "/" + h
}

// newUploadID makes a multipart upload id. AWS's are long opaque strings of
// URL-safe characters; so are these.
func newUploadID() string {
	b := make([]byte, 48)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// canonicalID is the account's S3 canonical user id (64 hex digits), as
// ListBuckets and ListObjects report owners. AWS's are opaque; seki derives
// them from the account id so that they are stable across restarts.
func canonicalID(account string) string {
	sum := sha256.Sum256([]byte("seki-s3-canonical-user:" + account))
	return hex.EncodeToString(sum[:])
}

// customerID is the account's "Amazon customer ID" that event notifications
// put in ownerIdentity.principalId (and in userIdentity for root callers):
// an A followed by 13 upper-case letters and digits.
func customerID(account string) string {
	sum := sha256.Sum256([]byte("seki-s3-customer:" + account))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	out := make([]byte, 14)
	out[0] = 'A'
	for i := 1; i < len(out); i++ {
		out[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(out)
}

// sequencer hands out event sequencer values: hexadecimal, the same length
// every time, strictly increasing, so that consumers comparing them as AWS
// documents (pad, then compare as strings) see the order of writes.
type sequencer struct {
	mu   sync.Mutex
	last int64
}

func (s *sequencer) next(now time.Time) string {
	s.mu.Lock()
	v := now.UnixNano()
	if v <= s.last {
		v = s.last + 1
	}
	s.last = v
	s.mu.Unlock()
	h := strconv.FormatInt(v, 16)
	const width = 18
	if len(h) < width {
		h = "000000000000000000"[:width-len(h)] + h
	}
	return upper(h)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
