package funcurl

import (
	"net/http"
	"testing"
)

// benchRequest is a typical browser-ish request: a dozen headers, a query,
// cookies and a small JSON body.
func benchRequest() *request {
	r := docRequest()
	h := http.Header{}
	for k, v := range map[string]string{
		"Accept": "application/json", "Accept-Encoding": "gzip, deflate, br", "Accept-Language": "en-GB,en;q=0.9",
		"Content-Type": "application/json", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)", "Origin": "https://app.example.com",
		"Referer": "https://app.example.com/page", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "cross-site",
		"Cookie": "session=abc123; theme=dark", "X-Request-Id": "8d8e2f0a", "Content-Length": "27",
	} {
		h.Set(k, v)
	}
	r.header = h
	r.rawQuery = "page=2&sort=name&filter=a&filter=b"
	r.body = []byte(`{"name":"seki","count":42}`)
	return r
}

func BenchmarkEvent(b *testing.B) {
	r := benchRequest()
	b.ReportAllocs()
	var buf []byte
	for i := 0; i < b.N; i++ {
		buf = appendEvent(buf[:0], r)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkConvert(b *testing.B) {
	for _, c := range []struct{ name, payload string }{
		{"described", `{"statusCode":201,"headers":{"Content-Type":"application/json","X-Custom":"v"},"cookies":["a=1"],"body":"{\"ok\":true}"}`},
		{"plain", `{"message":"hello","items":[1,2,3]}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			p := []byte(c.payload)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, ok := convert(p); !ok {
					b.Fatal("rejected")
				}
			}
		})
	}
}

// TestEventAllocations pins the event builder's allocation budget: the
// header list, the cookie and query slices and their joins, nothing per
// byte of body.
func TestEventAllocations(t *testing.T) {
	r := benchRequest()
	buf := make([]byte, 0, 4096)
	n := testing.AllocsPerRun(100, func() { buf = appendEvent(buf[:0], r) })
	if n > 14 {
		t.Fatalf("appendEvent allocates %v times per event, budget 14", n)
	}
}
