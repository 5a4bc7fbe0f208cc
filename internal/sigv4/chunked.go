package sigv4

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/seki-dev/seki/internal/awserr"
)

// minChunkSize is the smallest chunk S3 accepts, except for the last one.
const minChunkSize = 8192

// maxLine bounds a chunk header or trailer line; real ones are under 200
// bytes, and a longer one is an attack or garbage.
const maxLine = 4096

// ChunkedReader decodes an aws-chunked body (Content-Encoding: aws-chunked)
// into the object bytes. For the signed encodings
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) it verifies every chunk's
// signature against the chain seeded by the request signature, and the
// trailer signature; for every encoding it checks x-amz-decoded-content-length
// and a trailing x-amz-checksum-* against the bytes.
//
// A chunk's signature can only be checked after its last byte, so Read may
// hand out the bytes of a chunk before failing on it: consumers must discard
// everything they read when Read returns an error other than io.EOF. Errors
// are *Error values (S3 answers a bad chunk signature with
// SignatureDoesNotMatch).
type ChunkedReader struct {
	br  *bufio.Reader
	res *Result

	passthrough bool
	signed      bool
	trailer     bool

	prevSig   string
	chunkSig  string
	chunkHash hash.Hash
	remaining int64
	chunks    int
	lastSize  int64
	decoded   int64

	sums     map[string]hash.Hash
	trailers http.Header
	err      error
	done     bool
}

// NewChunkedReader returns a reader of the decoded payload of body, an
// aws-chunked request body whose request res describes (Verify's result).
// When res.Streaming is empty the body is not aws-chunked and is returned
// through unchanged.
func NewChunkedReader(body io.Reader, res *Result) *ChunkedReader {
	c := &ChunkedReader{br: bufio.NewReaderSize(body, 32*1024), res: res, prevSig: res.Signature}
	switch res.Streaming {
	case "":
		c.passthrough = true
	case StreamingPayload:
		c.signed = true
	case StreamingPayloadTrailer:
		c.signed, c.trailer = true, true
	case StreamingUnsignedPayloadTrailer:
		c.trailer = true
	default:
		c.err = malformedChunk("unknown streaming payload " + res.Streaming)
	}
	for _, name := range strings.Split(res.Trailer, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if h := newChecksum(name); h != nil {
			if c.sums == nil {
				c.sums = make(map[string]hash.Hash, 1)
			}
			c.sums[name] = h
		}
	}
	return c
}

// Trailer returns the trailing headers of the body, once Read has returned
// io.EOF (the trailer signature is not among them).
func (c *ChunkedReader) Trailer() http.Header { return c.trailers }

// crc64NVME is the CRC-64/NVME table (crc64 takes the reversed
// polynomial), built once on first use and never written after.
var crc64NVME = sync.OnceValue(func() *crc64.Table { return crc64.MakeTable(0x9a6c9329ac4bc9b5) })

// newChecksum returns the hash behind a trailing x-amz-checksum-* header.
func newChecksum(name string) hash.Hash {
	switch name {
	case "x-amz-checksum-crc32":
		return crc32.NewIEEE()
	case "x-amz-checksum-crc32c":
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "x-amz-checksum-crc64nvme":
		return crc64.New(crc64NVME())
	case "x-amz-checksum-sha1":
		return sha1.New()
	case "x-amz-checksum-sha256":
		return sha256.New()
	}
	return nil
}

func malformedChunk(detail string) *Error {
	return newError(ReasonChunkMalformed, msgChunkMalformed+detail)
}

func (c *ChunkedReader) fail(e *Error) error {
	c.err = e
	return e
}

// Read reads decoded payload bytes.
func (c *ChunkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.passthrough {
		return c.br.Read(p)
	}
	for {
		if c.remaining > 0 {
			if int64(len(p)) > c.remaining {
				p = p[:c.remaining]
			}
			n, err := c.br.Read(p)
			c.remaining -= int64(n)
			c.decoded += int64(n)
			if c.chunkHash != nil {
				c.chunkHash.Write(p[:n])
			}
			for _, h := range c.sums {
				h.Write(p[:n])
			}
			if c.res.DecodedContentLength >= 0 && c.decoded > c.res.DecodedContentLength {
				return n, c.fail(malformedChunk("more bytes than x-amz-decoded-content-length"))
			}
			if c.remaining == 0 {
				if e := c.endChunk(); e != nil {
					return n, c.fail(e)
				}
			} else if err != nil {
				return n, c.fail(malformedChunk("body ends inside a chunk"))
			}
			return n, nil
		}
		if c.done {
			return 0, io.EOF
		}
		if len(p) == 0 {
			return 0, nil
		}
		if e := c.startChunk(); e != nil {
			return 0, c.fail(e)
		}
		if c.done {
			return 0, io.EOF
		}
	}
}

// readLine reads one CRLF-terminated line, without the terminator.
func (c *ChunkedReader) readLine() ([]byte, *Error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > maxLine {
		return nil, malformedChunk("line too long")
	}
	if err != nil {
		return nil, malformedChunk("body ends before the final chunk")
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// startChunk reads a chunk header: hex size, then ";chunk-signature=…" for
// the signed encodings.
func (c *ChunkedReader) startChunk() *Error {
	line, e := c.readLine()
	if e != nil {
		return e
	}
	sizeText, ext, _ := bytes.Cut(line, []byte{';'})
	size, err := strconv.ParseInt(string(sizeText), 16, 64)
	if err != nil || size < 0 || len(sizeText) == 0 || sizeText[0] == '+' || sizeText[0] == '-' {
		return malformedChunk("bad chunk size")
	}
	if c.signed {
		sig, ok := bytes.CutPrefix(ext, []byte("chunk-signature="))
		if !ok {
			return malformedChunk("chunk without chunk-signature")
		}
		c.chunkSig = string(sig)
		c.chunkHash = sha256.New()
	}
	c.chunks++
	// Only the last chunk may be small; S3 names the chunk that shows the
	// small one was not the last, and the small one's size.
	if size > 0 && c.chunks > 1 && c.lastSize < minChunkSize {
		return newError(ReasonChunkSize, msgChunkSizeS3).withS3(msgChunkSizeS3,
			awserr.Field{Name: "Chunk", Value: strconv.Itoa(c.chunks)},
			awserr.Field{Name: "BadChunkSize", Value: strconv.FormatInt(c.lastSize, 10)})
	}
	c.lastSize = size
	c.remaining = size
	if size == 0 {
		return c.finish()
	}
	return nil
}

// endChunk reads the CRLF after a chunk's data and checks its signature.
func (c *ChunkedReader) endChunk() *Error {
	line, e := c.readLine()
	if e != nil {
		return e
	}
	if len(line) != 0 {
		return malformedChunk("chunk data longer than its size")
	}
	return c.checkChunkSignature()
}

func (c *ChunkedReader) checkChunkSignature() *Error {
	if !c.signed {
		return nil
	}
	var sum [sha256.Size]byte
	c.chunkHash.Sum(sum[:0])
	var buf [384]byte
	b := append(buf[:0], "AWS4-HMAC-SHA256-PAYLOAD\n"...)
	b = append(b, c.res.Timestamp...)
	b = append(b, '\n')
	b = appendScope(b, c.res.Date, c.res.Region, c.res.Service)
	b = append(b, '\n')
	b = append(b, c.prevSig...)
	b = append(b, '\n')
	b = append(b, emptySHA256...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, sum[:])
	want := hmacSHA256(c.res.SigningKey, b)
	if !signatureEqual(c.chunkSig, want) {
		return newError(ReasonChunkSignature, msgSigMismatch).withS3(msgSigMismatchS3,
			awserr.Field{Name: "AWSAccessKeyId", Value: c.res.AccessKeyID},
			awserr.Field{Name: "SignatureProvided", Value: c.chunkSig})
	}
	c.prevSig = c.chunkSig
	return nil
}

// finish handles the zero-length final chunk, the trailing headers and the
// end of the body.
func (c *ChunkedReader) finish() *Error {
	if e := c.checkChunkSignature(); e != nil {
		return e
	}
	var canon []byte // "name:value\n" per trailer, as signed
	trailerSig := ""
	for {
		line, e := c.readLine()
		if e != nil {
			return e
		}
		if len(line) == 0 {
			// The end of the body, or (for clients that end the empty
			// final chunk with its own CRLF) the line before the trailers.
			if c.trailer && c.trailers == nil && trailerSig == "" {
				if _, err := c.br.Peek(1); err == nil {
					continue
				}
			}
			break
		}
		name, value, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return malformedChunk("trailer without ':'")
		}
		n := strings.ToLower(strings.TrimSpace(string(name)))
		v := strings.TrimSpace(string(value))
		if n == "x-amz-trailer-signature" {
			trailerSig = v
			continue
		}
		if c.trailers == nil {
			c.trailers = make(http.Header)
		}
		c.trailers.Add(n, v)
		canon = append(canon, n...)
		canon = append(canon, ':')
		canon = append(canon, v...)
		canon = append(canon, '\n')
	}
	if c.signed && c.trailer {
		if e := c.checkTrailerSignature(canon, trailerSig); e != nil {
			return e
		}
	}
	if c.res.DecodedContentLength >= 0 && c.decoded != c.res.DecodedContentLength {
		return malformedChunk("fewer bytes than x-amz-decoded-content-length")
	}
	for name, h := range c.sums {
		got, ok := c.trailers[http.CanonicalHeaderKey(name)]
		if !ok {
			got, ok = c.trailers[name]
		}
		if !ok || len(got) == 0 {
			continue
		}
		sum := base64.StdEncoding.EncodeToString(h.Sum(nil))
		if sum != got[0] {
			alg := strings.ToUpper(strings.TrimPrefix(name, "x-amz-checksum-"))
			msg := "The " + alg + " you specified did not match the calculated checksum."
			return newError(ReasonBadDigest, msg).withS3(msg)
		}
	}
	c.done = true
	return nil
}

func (c *ChunkedReader) checkTrailerSignature(canon []byte, sig string) *Error {
	if sig == "" {
		return malformedChunk("trailer without x-amz-trailer-signature")
	}
	th := sha256.Sum256(canon)
	var buf [384]byte
	b := append(buf[:0], "AWS4-HMAC-SHA256-TRAILER\n"...)
	b = append(b, c.res.Timestamp...)
	b = append(b, '\n')
	b = appendScope(b, c.res.Date, c.res.Region, c.res.Service)
	b = append(b, '\n')
	b = append(b, c.prevSig...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, th[:])
	want := hmacSHA256(c.res.SigningKey, b)
	if !signatureEqual(sig, want) {
		return newError(ReasonChunkSignature, msgSigMismatch).withS3(msgSigMismatchS3,
			awserr.Field{Name: "AWSAccessKeyId", Value: c.res.AccessKeyID},
			awserr.Field{Name: "SignatureProvided", Value: sig})
	}
	return nil
}
