package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The AWS S3 documentation's chunked upload example ("Signature
// Calculations for the Authorization Header: Transferring Payload in
// Multiple Chunks"): its seed, chunk and trailer signatures are published
// test vectors (the trailer one as used by the AWS CRT's tests).
const (
	exampleSeed        = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	exampleChunk1      = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
	exampleChunk2      = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
	exampleFinal       = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
	exampleTrailerSig  = "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c"
	exampleDecodedSize = 66560
)

var exampleTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func exampleBody(final string, tail string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "10000;chunk-signature=%s\r\n", exampleChunk1)
	b.Write(bytes.Repeat([]byte("a"), 65536))
	fmt.Fprintf(&b, "\r\n400;chunk-signature=%s\r\n", exampleChunk2)
	b.Write(bytes.Repeat([]byte("a"), 1024))
	fmt.Fprintf(&b, "\r\n0;chunk-signature=%s\r\n", final)
	b.WriteString(tail)
	return b.Bytes()
}

// TestAWSChunkedExample verifies the documented request (its seed signature
// checks seki's canonical request against AWS's) and decodes its body.
func TestAWSChunkedExample(t *testing.T) {
	body := exampleBody(exampleFinal, "\r\n")
	if len(body) != 66824 {
		t.Fatalf("body is %d bytes, the example's Content-Length is 66824", len(body))
	}
	r := httptest.NewRequest("PUT", "/examplebucket/chunkObject.txt", bytes.NewReader(body))
	r.Host = "s3.amazonaws.com"
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("X-Amz-Content-Sha256", StreamingPayload)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("Content-Length", "66824")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature="+exampleSeed)
	v := &Verifier{Now: func() time.Time { return exampleTime }}
	res, err := v.Verify(r, nil, defaultKeys())
	if err != nil {
		t.Fatalf("Verify: %v\n%s", err, err.(*Error).CanonicalRequest)
	}
	if res.Streaming != StreamingPayload || res.DecodedContentLength != exampleDecodedSize || res.Signature != exampleSeed {
		t.Fatalf("result %+v", res)
	}
	data, err := io.ReadAll(NewChunkedReader(r.Body, res))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, bytes.Repeat([]byte("a"), exampleDecodedSize)) {
		t.Fatalf("decoded %d bytes", len(data))
	}
}

func exampleResult(streaming string) *Result {
	key := deriveKey(testSecret, "20130524", "us-east-1", "s3")
	return &Result{
		AccessKeyID: testAKID, Region: "us-east-1", Service: "s3", Date: "20130524",
		Timestamp: "20130524T000000Z", Streaming: streaming, SigningKey: key[:],
		Signature: exampleSeed, DecodedContentLength: exampleDecodedSize,
	}
}

// TestAWSTrailerExample checks the trailer signature against the published
// vector: trailing headers are signed as "name:value\n" lines.
func TestAWSTrailerExample(t *testing.T) {
	tail := "first:1st\r\nsecond:2nd\r\nthird:3rd\r\nx-amz-trailer-signature:" + exampleTrailerSig + "\r\n\r\n"
	cr := NewChunkedReader(bytes.NewReader(exampleBody(exampleFinal, tail)), exampleResult(StreamingPayloadTrailer))
	data, err := io.ReadAll(cr)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != exampleDecodedSize {
		t.Fatalf("decoded %d bytes", len(data))
	}
	if got := cr.Trailer().Get("second"); got != "2nd" {
		t.Errorf("trailer second = %q", got)
	}

	bad := strings.Replace(tail, "2nd", "2ND", 1)
	_, err = io.ReadAll(NewChunkedReader(bytes.NewReader(exampleBody(exampleFinal, bad)), exampleResult(StreamingPayloadTrailer)))
	if e := asError(t, err); e.Reason != ReasonChunkSignature {
		t.Fatalf("tampered trailer: %v", err)
	}
	if ae := asError(t, err).AWS("s3"); ae.Code != "SignatureDoesNotMatch" || ae.Status != 403 {
		t.Errorf("AWS = %s %d", ae.Code, ae.Status)
	}
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *Error", err, err)
	}
	return e
}

// chunkSigner produces signed aws-chunked bodies with crypto/hmac, an
// implementation independent of the one under test.
type chunkSigner struct {
	key  []byte
	ts   string
	scpe string
	prev string
}

func newChunkSigner(res *Result) *chunkSigner {
	return &chunkSigner{key: res.SigningKey, ts: res.Timestamp,
		scpe: res.Date + "/" + res.Region + "/" + res.Service + "/aws4_request", prev: res.Signature}
}

func (s *chunkSigner) mac(sts string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *chunkSigner) chunk(data []byte) string {
	h := sha256.Sum256(data)
	sig := s.mac("AWS4-HMAC-SHA256-PAYLOAD\n" + s.ts + "\n" + s.scpe + "\n" + s.prev + "\n" + emptySHA256 + "\n" + hex.EncodeToString(h[:]))
	s.prev = sig
	return fmt.Sprintf("%x;chunk-signature=%s\r\n%s\r\n", len(data), sig, data)
}

func (s *chunkSigner) trailer(lines ...string) string {
	canon := ""
	for _, l := range lines {
		canon += l + "\n"
	}
	h := sha256.Sum256([]byte(canon))
	sig := s.mac("AWS4-HMAC-SHA256-TRAILER\n" + s.ts + "\n" + s.scpe + "\n" + s.prev + "\n" + hex.EncodeToString(h[:]))
	return strings.Join(lines, "\r\n") + "\r\nx-amz-trailer-signature:" + sig + "\r\n\r\n"
}

func crc32b64(data []byte) string {
	var b [4]byte
	v := crc32.ChecksumIEEE(data)
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	return base64.StdEncoding.EncodeToString(b[:])
}

func TestChunkedFailures(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1024) // 16 KiB
	part1, part2 := payload[:9000], payload[9000:]
	res := func(streaming string) *Result {
		r := exampleResult(streaming)
		r.DecodedContentLength = int64(len(payload))
		return r
	}
	signedBody := func(mod func(c1, c2, fin string) (string, string, string)) string {
		s := newChunkSigner(res(StreamingPayload))
		c1, c2, fin := s.chunk(part1), s.chunk(part2), s.chunk(nil)
		if mod != nil {
			c1, c2, fin = mod(c1, c2, fin)
		}
		return c1 + c2 + fin + "\r\n"
	}
	cases := []struct {
		name      string
		streaming string
		body      string
		decoded   int64 // overrides DecodedContentLength when non-zero
		trailer   string
		want      Reason // 0: success
		s3code    string
	}{
		{name: "signed ok", streaming: StreamingPayload, body: signedBody(nil)},
		{name: "data byte flipped", streaming: StreamingPayload,
			body: signedBody(func(c1, c2, f string) (string, string, string) {
				i := strings.Index(c2, "\r\n") + 10
				return c1, c2[:i] + "X" + c2[i+1:], f
			}), want: ReasonChunkSignature, s3code: "SignatureDoesNotMatch 403"},
		{name: "chunks swapped", streaming: StreamingPayload,
			body: signedBody(func(c1, c2, f string) (string, string, string) { return c2, c1, f }),
			want: ReasonChunkSignature, s3code: "SignatureDoesNotMatch 403"},
		{name: "final chunk dropped", streaming: StreamingPayload,
			body: signedBody(func(c1, c2, f string) (string, string, string) { return c1, c2, "" })[:len(signedBody(nil))-len("\r\n")-len(newChunkSigner(res(StreamingPayload)).chunk(nil))],
			want: ReasonChunkMalformed, s3code: "IncompleteBody 400"},
		{name: "truncated inside a chunk", streaming: StreamingPayload, body: signedBody(nil)[:5000],
			want: ReasonChunkMalformed, s3code: "IncompleteBody 400"},
		{name: "chunk without signature", streaming: StreamingPayload,
			body: fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(payload), payload), want: ReasonChunkMalformed},
		{name: "bad size", streaming: StreamingUnsignedPayloadTrailer, body: "zz\r\n", want: ReasonChunkMalformed},
		{name: "negative size", streaming: StreamingUnsignedPayloadTrailer, body: "-5\r\nabc\r\n", want: ReasonChunkMalformed},
		{name: "huge size", streaming: StreamingUnsignedPayloadTrailer, body: "ffffffffffffffffff\r\n", want: ReasonChunkMalformed},
		{name: "data longer than size", streaming: StreamingUnsignedPayloadTrailer, decoded: -1,
			body: "3\r\nabcd\r\n0\r\n\r\n", want: ReasonChunkMalformed},
		{name: "endless line", streaming: StreamingUnsignedPayloadTrailer, body: strings.Repeat("1", 10000), want: ReasonChunkMalformed},
		{name: "small chunk not last", streaming: StreamingUnsignedPayloadTrailer, decoded: -1,
			body: "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n", want: ReasonChunkSize, s3code: "InvalidChunkSizeError 403"},
		{name: "more than decoded length", streaming: StreamingUnsignedPayloadTrailer, decoded: 2,
			body: "3\r\nabc\r\n0\r\n\r\n", want: ReasonChunkMalformed},
		{name: "less than decoded length", streaming: StreamingUnsignedPayloadTrailer, decoded: 4,
			body: "3\r\nabc\r\n0\r\n\r\n", want: ReasonChunkMalformed},
		{name: "unsigned trailer ok", streaming: StreamingUnsignedPayloadTrailer, decoded: 3, trailer: "x-amz-checksum-crc32",
			body: "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:" + crc32b64([]byte("abc")) + "\r\n\r\n"},
		{name: "unsigned trailer bad crc32", streaming: StreamingUnsignedPayloadTrailer, decoded: 3, trailer: "x-amz-checksum-crc32",
			body: "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", want: ReasonBadDigest, s3code: "BadDigest 400"},
		{name: "signed trailer ok", streaming: StreamingPayloadTrailer, trailer: "x-amz-checksum-crc32",
			body: func() string {
				s := newChunkSigner(res(StreamingPayloadTrailer))
				return s.chunk(part1) + s.chunk(part2) + strings.TrimSuffix(s.chunk(nil), "\r\n") + s.trailer("x-amz-checksum-crc32:"+crc32b64(payload))
			}()},
		{name: "signed trailer value changed", streaming: StreamingPayloadTrailer, trailer: "x-amz-checksum-crc32",
			body: func() string {
				s := newChunkSigner(res(StreamingPayloadTrailer))
				b := s.chunk(part1) + s.chunk(part2) + strings.TrimSuffix(s.chunk(nil), "\r\n") + s.trailer("x-amz-checksum-crc32:"+crc32b64(payload))
				return strings.Replace(b, crc32b64(payload), "AAAAAA==", 1)
			}(), want: ReasonChunkSignature},
		{name: "signed trailer without signature", streaming: StreamingPayloadTrailer,
			body: func() string {
				s := newChunkSigner(res(StreamingPayloadTrailer))
				return s.chunk(part1) + s.chunk(part2) + strings.TrimSuffix(s.chunk(nil), "\r\n") + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n"
			}(), want: ReasonChunkMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := res(c.streaming)
			if c.decoded != 0 {
				r.DecodedContentLength = c.decoded
			}
			r.Trailer = c.trailer
			data, err := io.ReadAll(NewChunkedReader(strings.NewReader(c.body), r))
			if c.want == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if c.decoded == 0 && !bytes.Equal(data, payload) {
					t.Fatalf("decoded %d bytes, want %d", len(data), len(payload))
				}
				return
			}
			e := asError(t, err)
			if e.Reason != c.want {
				t.Fatalf("reason %v (%s), want %v", e.Reason, e.Message, c.want)
			}
			if c.s3code != "" {
				ae := e.AWS("s3")
				if got := fmt.Sprintf("%s %d", ae.Code, ae.Status); got != c.s3code {
					t.Errorf("AWS = %s, want %s", got, c.s3code)
				}
			}
		})
	}
}

func TestChunkSizeFields(t *testing.T) {
	r := exampleResult(StreamingUnsignedPayloadTrailer)
	r.DecodedContentLength = -1
	_, err := io.ReadAll(NewChunkedReader(strings.NewReader("5\r\nhello\r\n1\r\nx\r\n0\r\n\r\n"), r))
	ae := asError(t, err).AWS("s3")
	if got := fieldsText(ae.Fields); got != "[{Chunk 2} {BadChunkSize 5}]" {
		t.Errorf("fields %s", got)
	}
}

// CRC-64/NVME's check value, from the CRC catalogue: the checksum of
// "123456789" is 0xae8b14860a799888.
func TestCRC64NVME(t *testing.T) {
	if got := crc64.Checksum([]byte("123456789"), crc64NVME()); got != 0xae8b14860a799888 {
		t.Errorf("check value %#x", got)
	}
}
