package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
)

// isHexSHA256 reports whether declared is a hex SHA-256 rather than one of
// the special payload values.
func isHexSHA256(declared string) bool {
	return len(declared) == 64 && validContentSHA256(declared)
}

// CheckPayload checks body against a declared x-amz-content-sha256 value. A
// hex SHA-256 must match the body's (XAmzContentSHA256Mismatch in S3's
// words); UNSIGNED-PAYLOAD and the STREAMING-* values declare nothing about
// the bytes themselves and always pass. The error is an *Error.
func CheckPayload(declared string, body []byte) error {
	if !isHexSHA256(declared) {
		return nil
	}
	got := sha256.Sum256(body)
	if err := compareDigest(declared, got[:]); err != nil {
		return err
	}
	return nil
}

func compareDigest(declared string, got []byte) *Error {
	computed := hex.EncodeToString(got)
	if strings.EqualFold(computed, declared) {
		return nil
	}
	return newError(ReasonContentSHA256Mismatch, msgSHA256MismatchS3).
		withS3(msgSHA256MismatchS3,
			awserr.Field{Name: "ClientComputedContentSHA256", Value: declared},
			awserr.Field{Name: "S3ComputedContentSHA256", Value: computed})
}

// NewPayloadReader returns a reader of r that, when declared is a hex
// SHA-256, fails at end of stream with the *Error CheckPayload would return
// if the bytes do not match. Consumers must discard what they read when
// Read returns an error other than io.EOF.
func NewPayloadReader(declared string, r io.Reader) io.Reader {
	if !isHexSHA256(declared) {
		return r
	}
	return &payloadReader{r: r, declared: declared, h: sha256.New()}
}

type payloadReader struct {
	r        io.Reader
	declared string
	h        hash.Hash
	err      error
}

func (p *payloadReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.r.Read(b)
	p.h.Write(b[:n])
	if err == io.EOF {
		if e := compareDigest(p.declared, p.h.Sum(nil)); e != nil {
			p.err = e
			return n, e
		}
	}
	if err != nil {
		p.err = err
	}
	return n, err
}
