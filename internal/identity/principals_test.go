package identity

import (
	"encoding/json"
	"testing"
)

// FuzzPrincipalSpans: any input yields spans in order, inside the
// document, each a whole JSON value.
func FuzzPrincipalSpans(f *testing.F) {
	f.Add(`{"Statement":[{"Principal":{"AWS":["a","b"]},"NotPrincipal":"*"}]}`)
	f.Add(`{"Principal":{"Principal":"x"},"k":[{"Principal":1}]}`)
	f.Add(`{"a":{"Principal" : "x"}, "Principal":[]}`)
	f.Add(`[{"Principal"}]`)
	f.Fuzz(func(t *testing.T, doc string) {
		last := 0
		for _, sp := range principalSpans(doc) {
			if sp.start < last || sp.end < sp.start || sp.end > len(doc) {
				t.Fatalf("span %v out of order or bounds in %q", sp, doc)
			}
			if !json.Valid([]byte(doc[sp.start:sp.end])) {
				t.Fatalf("span %q of %q is not a JSON value", doc[sp.start:sp.end], doc)
			}
			last = sp.end
		}
	})
}
