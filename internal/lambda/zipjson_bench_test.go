package lambda

import (
	"crypto/rand"
	"encoding/json"
	"testing"

	"github.com/seki-dev/seki/internal/protocol"
)

// BenchmarkDecodeCreateFunction decodes a CreateFunction body carrying a
// 9 MB package: "fast" is seki's decoder, "encoding-json" the ordinary
// decoding it replaces.
func BenchmarkDecodeCreateFunction(b *testing.B) {
	pkg := make([]byte, 9<<20)
	rand.Read(pkg)
	body, _ := json.Marshal(map[string]any{"FunctionName": "f", "Runtime": "provided.al2023", "Handler": "bootstrap",
		"Role": "arn:aws:iam::111111111111:role/r", "Code": map[string]any{"ZipFile": pkg}})
	for _, c := range []string{"fast", "encoding-json"} {
		b.Run(c, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var in createFunctionInput
				if c == "fast" {
					zip, found, err := decodeWithZip(body, &in, "Code", "ZipFile")
					if err != nil || !found || len(zip) != len(pkg) {
						b.Fatal(err, found)
					}
				} else if err := protocol.DecodeJSON(body, &in); err != nil || len(in.Code.ZipFile) != len(pkg) {
					b.Fatal(err)
				}
			}
		})
	}
}
