package s3

import (
	"net/http"
	"strings"
	"testing"
)

// TestChecksumHeaderKeys: each algorithm's header keeps AWS's spelling for
// messages, and its key is the canonical form Header.Get looks up.
func TestChecksumHeaderKeys(t *testing.T) {
	for i := 1; i < len(algoNames); i++ {
		a := checksumAlgo(i)
		if a.header() != "x-amz-checksum-"+strings.ToLower(a.String()) || a.key() != http.CanonicalHeaderKey(a.header()) {
			t.Errorf("%s: header %q key %q", a, a.header(), a.key())
		}
	}
	for i, n := range unsupportedChecksums {
		if unsupportedKeys[i] != http.CanonicalHeaderKey("x-amz-checksum-"+n) {
			t.Errorf("%s: key %q", n, unsupportedKeys[i])
		}
	}
}

// TestRequestChecksumAllocs: reading the checksum headers of a PUT, as the
// Go SDK sends them, costs no allocation beyond decoding the value (it cost
// 28 when every lookup built and canonicalized its header name).
func TestRequestChecksumAllocs(t *testing.T) {
	h := http.Header{}
	h.Set("x-amz-checksum-crc32", "AAAAAA==")
	h.Set("x-amz-sdk-checksum-algorithm", "CRC32")
	spec, err := requestChecksum(h)
	if err != nil || spec.algo != algoCRC32 || spec.value != "AAAAAA==" {
		t.Fatalf("%+v %v", spec, err)
	}
	if n := testing.AllocsPerRun(100, func() { requestChecksum(h) }); n > 1 {
		t.Fatalf("%v allocations per call", n)
	}
}
