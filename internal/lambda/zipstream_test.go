package lambda

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"reflect"
	"testing"

	"github.com/seki-dev/seki/internal/protocol"
)

// budget is a protocol.Memory of n bytes.
type budget struct{ free int64 }

func (b *budget) TryAcquire(n int64) bool {
	if n > b.free {
		return false
	}
	b.free -= n
	return true
}
func (b *budget) Release(n int64) { b.free += n }

// streamBody runs body through a zipStream in chunks of the given size
// and returns the request the decoder would see.
func streamBody(t *testing.T, body []byte, chunk int, mem int64, path ...string) (*protocol.Request, *zipStream) {
	t.Helper()
	var kept []byte
	b := &budget{free: mem}
	z := newZipStream(int64(len(body)), b, func(p []byte) error { kept = append(kept, p...); return nil }, path...)
	for rest := body; len(rest) > 0; {
		n := min(chunk, len(rest))
		if err := z.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := z.End(); err != nil {
		t.Fatal(err)
	}
	// What the stream handed on is the body as sent, or (ok) the body with
	// null in place of the string, from which the body is rebuilt exactly.
	if !z.ok && !bytes.Equal(kept, body) {
		t.Fatalf("%q in chunks of %d: handed on %q", body, chunk, kept)
	}
	if z.ok {
		if got := z.sent(kept); !bytes.Equal(got, body) {
			t.Fatalf("%q in chunks of %d: rebuilt %q", body, chunk, got)
		}
		if z.sum != sha256.Sum256(z.data) {
			t.Fatalf("%q: CodeSha256 of another content", body)
		}
	}
	z.Close()
	if b.free != mem {
		t.Fatalf("%q: budget %d after close, want %d", body, b.free, mem)
	}
	return &protocol.Request{Body: kept, Stream: z}, z
}

// FuzzZipStream: a body decoded as it streams in, in chunks of any size,
// answers exactly what encoding/json answers for the whole body, and what
// the stream hands on is the body as sent.
func FuzzZipStream(f *testing.F) {
	for _, s := range []string{
		`{"FunctionName":"f","Code":{"ZipFile":"UEsDBA=="},"Runtime":"python3.12"}`,
		`{"Architectures":["x86_64"],"Code":{"ZipFile":"UEsDBBQAAAAIAA=="},"FunctionName":"f","Handler":"bootstrap","Role":"arn:aws:iam::000000000000:role/r","Runtime":"provided.al2023"}`,
		`{"Code":{"S3Bucket":"b","ZipFile":"UEsDBA==","x":[1,{"ZipFile":"no"}]},"Tags":{"a":"}"}}`,
		`{"Code":{"ZipFile":"UEsDBA=="},"Code":{"ZipFile":"AAAA"}}`,
		`{"Code":{"ZipFile":"UEsDBA=="},"code":{"ZipFile":"AAAA"}}`,
		`{"Code":{"ZipFile":"UEsDBA==","zipfile":"AAAA"}}`,
		`{"code":{"ZipFile":"AAAA"},"Code":{"ZipFile":"UEsDBA=="}}`,
		`{"Code":{"ZipFile":"UEs\/BA=="}}`,
		`{"Code":{"ZipFile":"UEsD\nBA=="}}`,
		`{"Code":{"ZipFile":"!!!!"}}`,
		`{"Code":{"ZipFile":"QQ==QUFB"}}`,
		`{"Code":{"ZipFile":"QR=="}}`,
		`{"Code":{"ZipFile":"QUFBQQ"}}`,
		`{"Code":{"ZipFile":"QUFBQUFB`,
		`{"Code":{"ZipFile":""}} trailing`,
		`{"Code":{"ZipFile":""}}`,
		`{"Code":{"ZipFile":null}}`,
		`{"Code":{"ZipFile":"AAAA"}`,
		`{"Code":{"ZipFile":"AAAA"},"Timeout":"3"}`,
		`{"Co\u0064e":{"ZipFile":"AAAA"},"Code":{"ZipFile":"UEsDBA=="}}`,
		`[{"Code":{"ZipFile":"AAAA"}}]`,
		`{"Timeout":3e1,"Code":{"ZipFile":"AAAA"},"Publish":true}`,
		`{"ZipFile":"UEsDBA==","Publish":true,"RevisionId":"x"}`,
		`{"DryRun":true,"ZipFile":"QUFBQUFBQUFB"}`,
		"{\"Code\":{\"ZipFile\":\"QUFB\n\r\n\rQUFB\"}}",
	} {
		f.Add([]byte(s), uint8(1), false)
		f.Add([]byte(s), uint8(7), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, chunk uint8, tight bool) {
		mem := int64(1 << 20)
		if tight {
			mem = int64(len(body)) / 2 // the budget refuses the package
		}
		c := max(int(chunk), 1)
		r, _ := streamBody(t, body, c, mem, "Code", "ZipFile")
		var got, want createFunctionInput
		zip, _, found, errGot := decodeStreamed(r, &got, "Code", "ZipFile")
		if found {
			got.Code.ZipFile = zip
		}
		errWant := protocol.DecodeJSON(body, &want)
		if (errGot == nil) != (errWant == nil) || errGot != nil && errGot.Error() != errWant.Error() {
			t.Fatalf("%q: streamed %v, encoding/json %v", body, errGot, errWant)
		}
		if errGot == nil {
			if got.Code != nil {
				got.Code.sum = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: streamed %+v, encoding/json %+v", body, got, want)
			}
		}
		r, _ = streamBody(t, body, c, mem, "ZipFile")
		var ug, uw updateCodeInput
		zip, _, found, errGot = decodeStreamed(r, &ug, "ZipFile")
		if found {
			ug.ZipFile = zip
		}
		ug.sum = nil
		errWant = protocol.DecodeJSON(body, &uw)
		if (errGot == nil) != (errWant == nil) || errGot != nil && errGot.Error() != errWant.Error() || errGot == nil && !reflect.DeepEqual(ug, uw) {
			t.Fatalf("%q (update): streamed %+v %v, encoding/json %+v %v", body, ug, errGot, uw, errWant)
		}
	})
}

// TestZipStreamTakesPackage: a CreateFunction body as the SDK writes it is
// decoded by the stream whatever the chunking, with the package's
// SHA-256, and the decoder takes it without decoding the string again.
func TestZipStreamTakesPackage(t *testing.T) {
	pkg := bytes.Repeat([]byte("seki package \x00\x01\x02"), 5000)
	body := []byte(`{"Code":{"ZipFile":"` + base64.StdEncoding.EncodeToString(pkg) + `"},"FunctionName":"f","Handler":"h","Role":"r","Runtime":"provided.al2023"}`)
	for _, chunk := range []int{1, 3, 4, 5, 4096, 32 << 10, len(body)} {
		r, z := streamBody(t, body, chunk, 1<<30, "Code", "ZipFile")
		if !z.ok {
			t.Fatalf("chunks of %d: not streamed", chunk)
		}
		if len(r.Body) > 200 {
			t.Fatalf("chunks of %d: the decoder reads %d bytes", chunk, len(r.Body))
		}
		var in createFunctionInput
		zip, sum, found, err := decodeStreamed(r, &in, "Code", "ZipFile")
		if err != nil || !found || !bytes.Equal(zip, pkg) || *sum != sha256.Sum256(pkg) || in.FunctionName != "f" {
			t.Fatalf("chunks of %d: %v %v %+v", chunk, err, found, in)
		}
	}
	// A budget that cannot hold the package: the body is handed on whole
	// and decoded the ordinary way.
	r, z := streamBody(t, body, 4096, 1000, "Code", "ZipFile")
	if z.ok || !bytes.Equal(r.Body, body) {
		t.Fatal("streamed without memory")
	}
}
