package attr

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

// FuzzParseItem feeds arbitrary bytes to the item decoder: it must never
// panic, and whatever it accepts and validates must survive an encode/decode
// round trip unchanged and encode to valid JSON.
func FuzzParseItem(f *testing.F) {
	for _, s := range []string{
		`{"a":{"S":"x"}}`,
		`{"n":{"N":"1.50e3"},"ss":{"SS":["a","b"]},"l":{"L":[{"NULL":true},{"M":{"k":{"BOOL":false}}}]}}`,
		`{"b":{"B":"AAEC"},"bs":{"BS":["AA=="]},"ns":{"NS":["1","-0.5"]}}`,
		`{"x":{"S":"\ud834\udd1e \u00e9 \ud800"}}`,
		`{"e":{}}`, `{"m":{"S":"a","N":"1"}}`, `null`, `{"a":{"X":[1,{"y":null}],"S":"z"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := ParseItem(data)
		if err != nil || it == nil {
			return
		}
		if ValidateItem(it) != "" {
			return
		}
		out := AppendItem(nil, it)
		if !json.Valid(out) {
			t.Fatalf("encoded item is not JSON: %q", out)
		}
		it2, err := ParseItem(out)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if msg := ValidateItem(it2); msg != "" {
			t.Fatalf("re-validate of %q: %s", out, msg)
		}
		if !Equal(Value{Kind: M, Map: it}, Value{Kind: M, Map: it2}) {
			t.Fatalf("round trip changed %q", out)
		}
		if out2 := AppendItem(nil, it2); string(out2) != string(out) {
			t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
		}
		_ = ItemSize(it)
	})
}

// FuzzNumber checks that normalization keeps the value, is idempotent, and
// that the key encoding orders numbers like their values.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"0", "-0.0", "1.50", "1e125", "-9.99e-130", "123456789012345678901234567890.12345678", ".5", "5.", "+1"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		na, msg := NormalizeNumber(a)
		if msg != "" {
			if !strings.HasPrefix(msg, msgNotNumeric) && msg != msgOverflow && msg != msgUnderflow && msg != msgPrecision {
				t.Fatalf("unexpected message %q", msg)
			}
			return
		}
		again, msg := NormalizeNumber(na)
		if msg != "" || again != na {
			t.Fatalf("not idempotent: %q -> %q -> %q (%s)", a, na, again, msg)
		}
		ra, ok := new(big.Rat).SetString(na)
		if !ok {
			t.Fatalf("normalized %q is not a number", na)
		}
		if in, ok := new(big.Rat).SetString(strings.TrimPrefix(a, "+")); ok && len(a) < 200 && in.Cmp(ra) != 0 {
			t.Fatalf("normalization changed the value: %q -> %q", a, na)
		}
		nb, msg := NormalizeNumber(b)
		if msg != "" {
			return
		}
		rb, _ := new(big.Rat).SetString(nb)
		want := ra.Cmp(rb)
		if got := CompareNumbers(na, nb); got != want {
			t.Fatalf("CompareNumbers(%s, %s) = %d, want %d", na, nb, got, want)
		}
		ka, kb := string(AppendKey(nil, NumValue(na))), string(AppendKey(nil, NumValue(nb)))
		if got := strings.Compare(ka, kb); got != want {
			t.Fatalf("key order of %s, %s = %d, want %d", na, nb, got, want)
		}
		sum, msg := AddNumbers(na, nb, false)
		if msg == "" {
			rs, _ := new(big.Rat).SetString(sum)
			if rs.Cmp(new(big.Rat).Add(ra, rb)) != 0 {
				t.Fatalf("%s + %s = %s", na, nb, sum)
			}
		}
	})
}
