package s3

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strings"
)

// checksumAlgo is one of S3's additional checksum algorithms.
type checksumAlgo uint8

const (
	algoNone checksumAlgo = iota
	algoCRC32
	algoCRC32C
	algoCRC64NVME
	algoSHA1
	algoSHA256
	algoSHA512
	algoMD5
)

var algoNames = [...]string{"", "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "SHA512", "MD5"}

func (a checksumAlgo) String() string { return algoNames[a] }

// header is the checksum's request and response header, as AWS spells it
// (in messages too).
func (a checksumAlgo) header() string { return algoHeaders[a] }

// key is header in its canonical form, for http.Header lookups: Get
// canonicalizes a lower-case name into a new string on every call, and the
// checksum headers are looked up on every write.
func (a checksumAlgo) key() string { return algoKeys[a] }

var algoHeaders, algoKeys = func() (h, k [len(algoNames)]string) {
	for i, n := range algoNames {
		h[i] = "x-amz-checksum-" + strings.ToLower(n)
		k[i] = http.CanonicalHeaderKey(h[i])
	}
	return h, k
}()

// size is the digest length in bytes.
func (a checksumAlgo) size() int {
	switch a {
	case algoCRC32, algoCRC32C:
		return 4
	case algoCRC64NVME:
		return 8
	case algoSHA1:
		return sha1.Size
	case algoSHA256:
		return sha256.Size
	case algoSHA512:
		return sha512.Size
	case algoMD5:
		return md5.Size
	}
	return 0
}

// parseAlgo reads an algorithm name as the SDKs send it (any case).
func parseAlgo(s string) (checksumAlgo, bool) {
	for i := 1; i < len(algoNames); i++ {
		if strings.EqualFold(s, algoNames[i]) {
			return checksumAlgo(i), true
		}
	}
	return algoNone, false
}

// crc64NVME is the CRC-64/NVME table (reflected polynomial 0x9a6c9329ac4bc9b5);
// hash/crc64 applies its initial and final inversion.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

var crc32C = crc32.MakeTable(crc32.Castagnoli)

func (a checksumAlgo) new() hash.Hash {
	switch a {
	case algoCRC32:
		return crc32.NewIEEE()
	case algoCRC32C:
		return crc32.New(crc32C)
	case algoCRC64NVME:
		return crc64.New(crc64NVME)
	case algoSHA1:
		return sha1.New()
	case algoSHA256:
		return sha256.New()
	case algoSHA512:
		return sha512.New()
	case algoMD5:
		return md5.New()
	}
	return nil
}

// unsupportedChecksums are algorithms the SDK models know and seki does not
// compute (no standard library implementation).
var unsupportedChecksums = []string{"xxhash64", "xxhash3", "xxhash128"}

// unsupportedKeys are their headers' canonical names (see key).
var unsupportedKeys = func() []string {
	k := make([]string, len(unsupportedChecksums))
	for i, n := range unsupportedChecksums {
		k[i] = http.CanonicalHeaderKey("x-amz-checksum-" + n)
	}
	return k
}()

// checksumSpec is what a request says about its additional checksum: the
// algorithm, and the value from a header (or, for aws-chunked uploads, the
// name of the trailer that will carry it).
type checksumSpec struct {
	algo    checksumAlgo
	value   string // base64, from the header; "" when it comes in a trailer or not at all
	trailer bool
}

// requestChecksum reads x-amz-checksum-*, x-amz-trailer and
// x-amz-sdk-checksum-algorithm as S3 does.
func requestChecksum(h http.Header) (checksumSpec, error) {
	var spec checksumSpec
	// Two checksums are refused before either is read.
	// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3PutObjectChecksum::test_s3_checksum_no_algorithm
	given := 0
	for i := 1; i < len(algoNames); i++ {
		if h.Get(checksumAlgo(i).key()) != "" {
			given++
		}
	}
	if given > 1 {
		return spec, errInvalidRequest.New(msgExpectingASingleX)
	}
	for i := 1; i < len(algoNames); i++ {
		a := checksumAlgo(i)
		v := h.Get(a.key())
		if v == "" {
			continue
		}
		if spec.algo != algoNone {
			return spec, errInvalidRequest.New(msgExpectingASingleX)
		}
		if !validChecksumValue(a, v) {
			return spec, errInvalidRequest.Errorf(msgChecksumHeaderInvalidFmt, a.header())
		}
		spec.algo, spec.value = a, v
	}
	for i, n := range unsupportedChecksums {
		if h.Get(unsupportedKeys[i]) != "" {
			return spec, errInvalidRequest.Errorf(msgChecksumUnsupportedFmt, strings.ToUpper(n))
		}
	}
	if t := h.Get("X-Amz-Trailer"); t != "" {
		name := strings.ToLower(strings.TrimSpace(t))
		algo, ok := parseAlgo(strings.TrimPrefix(name, "x-amz-checksum-"))
		if !ok || !strings.HasPrefix(name, "x-amz-checksum-") {
			return spec, errInvalidRequest.New(msgTheValueSpecifiedIn)
		}
		if spec.algo != algoNone && spec.algo != algo {
			return spec, errInvalidRequest.New(msgExpectingASingleX)
		}
		spec.algo, spec.trailer = algo, true
	}
	if v := h.Get("X-Amz-Sdk-Checksum-Algorithm"); v != "" {
		algo, ok := parseAlgo(v)
		if !ok {
			return spec, errInvalidRequest.New(msgChecksumAlgorithmProvidedIs)
		}
		if spec.algo == algoNone {
			spec.algo = algo
		} else if spec.algo != algo {
			return spec, errInvalidRequest.New(msgValueForXAmz)
		}
	}
	return spec, nil
}

func validChecksumValue(a checksumAlgo, v string) bool {
	b, err := base64.StdEncoding.DecodeString(v)
	return err == nil && len(b) == a.size()
}

// checksumName is how error messages name an algorithm ("CRC32", "SHA256").
func checksumMismatch(a checksumAlgo) error {
	return errBadDigest.Errorf(msgChecksumMismatchFmt, a.String())
}
