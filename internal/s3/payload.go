package s3

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/sigv4"
)

// The x-amz-content-sha256 values that are not a digest.
const (
	unsignedPayload        = "UNSIGNED-PAYLOAD"
	streamingSigned        = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsigned      = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	streamingECDSAPrefix   = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
)

// maxObjectSize is S3's limit for a single PUT (5 GiB).
const maxObjectSize = 5 << 30

// payload is a request body on its way into the store: it decodes
// aws-chunked framing (verifying chunk signatures), counts and hashes what
// it passes on, and when the body ends checks the declared
// x-amz-content-sha256, Content-MD5 and x-amz-checksum-* against it. A
// mismatch is returned from Read in place of io.EOF, so nothing that reads
// a bad body to the end can mistake it for a good one.
type payload struct {
	src     io.Reader
	chunked *sigv4.ChunkedReader
	length  int64 // expected decoded length; -1 when unknown
	n       int64

	md5  hash.Hash
	sha  hash.Hash // set when x-amz-content-sha256 is a digest
	want string    // that digest, lowercase hex
	ck   hash.Hash // the additional checksum, declared or default
	spec checksumSpec

	contentMD5 []byte
	// md5AsSent: BadDigest quotes the Content-MD5 as sent (UploadPart)
	// rather than as hex (PutObject), as AWS does.
	md5AsSent string
	err       error
	done      bool

	// Results, valid after a successful read to the end.
	md5Sum   []byte
	checksum string // base64 of ck
}

// openPayload prepares r's body. algo is the checksum to compute when the
// request declares none (algoNone for none). aws-chunked bodies are decoded
// by sigv4.ChunkedReader with the request's verified signature, which
// checks every chunk signature, the trailer signature, the decoded length
// and trailing checksums.
func openPayload(r *protocol.Request, algo checksumAlgo) (*payload, error) {
	hr := r.HTTP
	h := hr.Header
	p := &payload{md5: md5.New(), length: -1}
	if v := h.Get("Content-Md5"); v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(b) != md5.Size {
			return nil, errInvalidDigest.New(msgInvalidContentMD5).With("Content-MD5", v)
		}
		p.contentMD5 = b
	}
	spec, err := requestChecksum(h)
	if err != nil {
		return nil, err
	}
	p.spec = spec
	if spec.algo != algoNone {
		p.ck = spec.algo.new()
	} else if algo != algoNone {
		p.spec.algo = algo
		p.ck = algo.new()
	}
	body := hr.Body
	if body == nil {
		body = http.NoBody
	}
	declared := h.Get("X-Amz-Content-Sha256")
	chunked := strings.HasPrefix(declared, "STREAMING-")
	if !chunked && hasToken(h.Get("Content-Encoding"), "aws-chunked") && framingSigned(r, declared) {
		// aws-chunked announced by a signed Content-Encoding over a body
		// the signer left unsigned: read it as unsigned chunks.
		chunked = true
		declared = streamingUnsigned
	}
	switch {
	case chunked:
		if strings.HasPrefix(declared, streamingECDSAPrefix) {
			return nil, notImplemented("x-amz-content-sha256")
		}
		switch declared {
		case streamingSigned, streamingSignedTrailer, streamingUnsigned:
		default:
			return nil, invalidSHA256(declared)
		}
		dl := h.Get("X-Amz-Decoded-Content-Length")
		if dl == "" {
			return nil, errMissingContentLength.New(msgYouMustProvideThe)
		}
		n, err := strconv.ParseInt(dl, 10, 64)
		if err != nil || n < 0 {
			return nil, invalidArgument(msgXAmzDecodedContent, "x-amz-decoded-content-length", dl)
		}
		p.length = n
		res := r.Signature
		if res == nil || res.Streaming != declared {
			// Without a verified seed signature only the unsigned
			// encoding can be read; a signed one cannot be checked.
			if declared != streamingUnsigned {
				return nil, errSignatureMismatch.New(msgSignatureMismatch)
			}
			res = &sigv4.Result{Streaming: declared, Trailer: h.Get("X-Amz-Trailer"), DecodedContentLength: n}
		}
		p.chunked = sigv4.NewChunkedReader(body, res)
		p.src = p.chunked
	default:
		if hr.ContentLength < 0 {
			return nil, errMissingContentLength.New(msgYouMustProvideThe)
		}
		p.length = hr.ContentLength
		p.src = body
		switch {
		case declared == "" || declared == unsignedPayload:
		case isHexSHA256(declared):
			p.sha = sha256.New()
			p.want = strings.ToLower(declared)
		default:
			return nil, invalidSHA256(declared)
		}
	}
	if p.spec.trailer && p.chunked == nil {
		return nil, errInvalidRequest.New(msgTheXAmzTrailer)
	}
	return p, nil
}

// framingSigned reports whether an aws-chunked Content-Encoding may change
// how the body is decoded: only when the signature covers that header and
// the signed payload hash promises nothing about the bytes. Otherwise the
// framing is ignored, so a captured request replayed with an added
// Content-Encoding cannot swap its body: the body is read as sent and must
// still hash to the signed x-amz-content-sha256 (XAmzContentSHA256Mismatch
// when it does not, and nothing is stored).
func framingSigned(r *protocol.Request, declared string) bool {
	if declared != "" && declared != unsignedPayload {
		return false
	}
	res := r.Signature
	if res == nil {
		return false
	}
	for _, name := range res.SignedHeaders {
		if strings.EqualFold(name, "content-encoding") {
			return true
		}
	}
	return false
}

func invalidSHA256(v string) error {
	return invalidArgument(msgXAmzContentSha256, "x-amz-content-sha256", v)
}

func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func hasToken(list, tok string) bool {
	for part := range strings.SplitSeq(list, ",") {
		if strings.EqualFold(strings.TrimSpace(part), tok) {
			return true
		}
	}
	return false
}

// Read implements io.Reader.
func (p *payload) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if p.done {
		return 0, io.EOF
	}
	n, err := p.src.Read(b)
	if n > 0 {
		if p.length >= 0 && p.n+int64(n) > p.length {
			// More than announced: S3 would have stopped reading at the
			// declared length; extra bytes in a chunked body are an error.
			p.err = errIncompleteBody.New(msgYouDidNotProvide)
			return 0, p.err
		}
		p.n += int64(n)
		chunk := b[:n]
		p.md5.Write(chunk)
		if p.sha != nil {
			p.sha.Write(chunk)
		}
		if p.ck != nil {
			p.ck.Write(chunk)
		}
	}
	if err == io.EOF {
		if verr := p.finish(); verr != nil {
			p.err = verr
			return n, verr
		}
		p.done = true
		return n, io.EOF
	}
	if err != nil {
		var ae *awserr.Error
		var se *sigv4.Error
		if errors.As(err, &se) {
			p.err = se.AWS("s3")
		} else if errors.As(err, &ae) {
			p.err = ae
		} else if errors.Is(err, io.ErrUnexpectedEOF) {
			p.err = errIncompleteBody.New(msgYouDidNotProvide)
		} else {
			p.err = err
		}
		return n, p.err
	}
	return n, nil
}

// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_invalid_content_md5
func (p *payload) expectedDigest() string {
	if p.md5AsSent != "" {
		return p.md5AsSent
	}
	return hex.EncodeToString(p.contentMD5)
}

// finish checks the body against everything the request declared about it.
func (p *payload) finish() error {
	if p.length >= 0 && p.n != p.length {
		return errIncompleteBody.New(msgYouDidNotProvide)
	}
	if p.sha != nil {
		got := hex.EncodeToString(p.sha.Sum(nil))
		if got != p.want {
			return errSHA256Mismatch.New(msgTheProvidedXAmz).
				With("ClientComputedContentSHA256", p.want).With("S3ComputedContentSHA256", got)
		}
	}
	p.md5Sum = p.md5.Sum(nil)
	if p.contentMD5 != nil && !bytes.Equal(p.contentMD5, p.md5Sum) {
		return errBadDigest.New(msgTheContentMd5You).
			With("ExpectedDigest", p.expectedDigest()).
			With("CalculatedDigest", base64.StdEncoding.EncodeToString(p.md5Sum))
	}
	if p.ck != nil {
		p.checksum = base64.StdEncoding.EncodeToString(p.ck.Sum(nil))
		want := p.spec.value
		if p.spec.trailer {
			want = p.chunked.Trailer().Get(p.spec.algo.header())
			if want == "" {
				return errInvalidRequest.Errorf(msgTrailerMissingFmt, p.spec.algo.header())
			}
			if !validChecksumValue(p.spec.algo, want) {
				return errInvalidRequest.Errorf(msgTrailerInvalidFmt, p.spec.algo.header())
			}
			p.spec.value = want
		}
		if want != "" && want != p.checksum {
			return checksumMismatch(p.spec.algo)
		}
	}
	return nil
}

// declaredChecksum reports whether the client sent a checksum (which the
// response then echoes) as opposed to one seki computed by default.
func (p *payload) declaredChecksum() bool { return p.spec.value != "" }
