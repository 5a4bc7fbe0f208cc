package attr

import (
	"bytes"
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func TestNormalizeNumber(t *testing.T) {
	// Inputs and what DynamoDB stores and returns for them: plain notation,
	// no leading or trailing zeros, no negative zero.
	cases := []struct{ in, want string }{
		{"0", "0"},
		{"-0", "0"},
		{"0.000", "0"},
		{"00042", "42"},
		{"1.0", "1"},
		{"1.50", "1.5"},
		{"-1.50", "-1.5"},
		{"1.5E2", "150"},
		{"1.5e+2", "150"},
		{"15e-3", "0.015"},
		{"+7", "7"},
		{".5", "0.5"},
		{"5.", "5"},
		{"100", "100"},
		{"1e100", "1" + strings.Repeat("0", 100)},
		{"1e-130", "0." + strings.Repeat("0", 129) + "1"},
		{"9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + strings.Repeat("0", 88)},
		{"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
		{"1234567890123456789012345678901234567800", "1234567890123456789012345678901234567800"},
		{"0e125", "0"},
		{"0.00100", "0.001"},
		{"123.456", "123.456"},
	}
	for _, c := range cases {
		got, msg := NormalizeNumber(c.in)
		if msg != "" || got != c.want {
			t.Errorf("NormalizeNumber(%q) = %q, %q; want %q", c.in, got, msg, c.want)
		}
	}
}

func TestNumberErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"abc", msgNotNumeric + ": abc"},
		{"", msgNotNumeric + ": "},
		{" 1", msgNotNumeric + ":  1"},
		{"1 ", msgNotNumeric + ": 1 "},
		{"1.2.3", msgNotNumeric + ": 1.2.3"},
		{"0x10", msgNotNumeric + ": 0x10"},
		{"1e", msgNotNumeric + ": 1e"},
		{"NaN", msgNotNumeric + ": NaN"},
		{"Infinity", msgNotNumeric + ": Infinity"},
		{"1e9223372036854775808", msgNotNumeric + ": 1e9223372036854775808"},
		{"1e126", msgOverflow},
		{"1e99999999999", msgOverflow},
		{"-1e99999999999", msgOverflow},
		{"1e2147483647", msgOverflow},
		{"1e-131", msgUnderflow},
		{"1e-99999999999", msgUnderflow},
		{"0e126", msgOverflow},
		{"0e-131", msgUnderflow},
		{"123456789012345678901234567890123456789", msgPrecision},
		{"1234567890123456789012345678901234567890", msgPrecision},
	}
	for _, c := range cases {
		got, msg := NormalizeNumber(c.in)
		if msg != c.want {
			t.Errorf("NormalizeNumber(%q) = %q, %q; want error %q", c.in, got, msg, c.want)
		}
	}
}

// ratOf reads a normalized number exactly, for checking ordering.
func ratOf(t *testing.T, s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("bad number %q", s)
	}
	return r
}

func randomNumber(r *rand.Rand) string {
	var b strings.Builder
	if r.IntN(2) == 0 {
		b.WriteByte('-')
	}
	n := 1 + r.IntN(20)
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	if r.IntN(2) == 0 {
		b.WriteByte('e')
		b.WriteString(strings.TrimPrefix(string(rune('0'+r.IntN(10))), ""))
		if r.IntN(2) == 0 {
			b.WriteString("0")
		}
	}
	if r.IntN(3) == 0 {
		s := b.String()
		return s + "e-" + string(rune('1'+r.IntN(9)))
	}
	return b.String()
}

func TestNumberKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var nums []string
	for len(nums) < 2000 {
		n, msg := NormalizeNumber(randomNumber(r))
		if msg == "" {
			nums = append(nums, n)
		}
	}
	nums = append(nums, "0", "1", "-1", "0.1", "-0.1", "0.11", "-0.11", "10", "-10", "9", "-9", "99", "100")
	sort.Slice(nums, func(i, j int) bool {
		return bytes.Compare(AppendKey(nil, NumValue(nums[i])), AppendKey(nil, NumValue(nums[j]))) < 0
	})
	for i := 1; i < len(nums); i++ {
		a, b := ratOf(t, nums[i-1]), ratOf(t, nums[i])
		if a.Cmp(b) > 0 {
			t.Fatalf("key order puts %s before %s", nums[i-1], nums[i])
		}
		if c := CompareNumbers(nums[i-1], nums[i]); c != a.Cmp(b) {
			t.Fatalf("CompareNumbers(%s, %s) = %d, want %d", nums[i-1], nums[i], c, a.Cmp(b))
		}
	}
}

func TestAddNumbers(t *testing.T) {
	cases := []struct {
		a, b string
		sub  bool
		want string
	}{
		{"1", "2", false, "3"},
		{"10", "-15", false, "-5"},
		{"0.1", "0.2", false, "0.3"},
		{"1", "1", true, "0"},
		{"1" + strings.Repeat("0", 100), "1", true, strings.Repeat("9", 100)},
		{"99999999999999999999999999999999999999", "1", false, "100000000000000000000000000000000000000"},
		{"-2.5", "2.5", false, "0"},
	}
	for _, c := range cases {
		got, msg := AddNumbers(c.a, c.b, c.sub)
		if c.want == strings.Repeat("9", 100) {
			if msg != msgPrecision {
				t.Errorf("AddNumbers(%s, %s) = %q, %q; want precision error", c.a, c.b, got, msg)
			}
			continue
		}
		if msg != "" || got != c.want {
			t.Errorf("AddNumbers(%s, %s, %v) = %q, %q; want %q", c.a, c.b, c.sub, got, msg, c.want)
		}
	}
}

func TestParseEncodeRoundTrip(t *testing.T) {
	in := `{"pk":{"S":"a\"b\\c\u00e9\n"},"n":{"N":"1.50"},"b":{"B":"AAEC"},"t":{"BOOL":true},` +
		`"z":{"NULL":true},"ss":{"SS":["x","y"]},"ns":{"NS":["1","02"]},"bs":{"BS":["AA==","/w=="]},` +
		`"l":{"L":[{"S":"q"},{"M":{"k":{"N":"-0"}}}]},"m":{"M":{}}}`
	it, err := ParseItem([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if msg := ValidateItem(it); msg != "" {
		t.Fatal(msg)
	}
	out := AppendItem(nil, it)
	var a, b any
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("encoded item is not JSON: %v\n%s", err, out)
	}
	want := `{"b":{"B":"AAEC"},"bs":{"BS":["AA==","/w=="]},"l":{"L":[{"S":"q"},{"M":{"k":{"N":"0"}}}]},` +
		`"m":{"M":{}},"n":{"N":"1.5"},"ns":{"NS":["1","2"]},"pk":{"S":"a\"b\\cé\n"},"ss":{"SS":["x","y"]},` +
		`"t":{"BOOL":true},"z":{"NULL":true}}`
	json.Unmarshal([]byte(want), &b)
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	it2, err := ParseItem(out)
	if err != nil || ValidateItem(it2) != "" {
		t.Fatalf("re-parse: %v", err)
	}
	if !Equal(Value{Kind: M, Map: it}, Value{Kind: M, Map: it2}) {
		t.Errorf("round trip changed the item")
	}
}

func TestValidateMessages(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{}`, msgEmpty},
		{`{"X":1}`, msgEmpty},
		{`{"S":"a","N":"1"}`, msgMany},
		{`{"NULL":false}`, msgNullFalse},
		{`{"SS":[]}`, msgEmptySS},
		{`{"NS":[]}`, msgEmptyNS},
		{`{"BS":[]}`, msgEmptyBS},
		{`{"SS":["b","a","b"]}`, `One or more parameter values were invalid: Input collection ["a", "b", "b"] contains duplicates.`},
		{`{"BS":["/w==","AA==","AA=="]}`, `One or more parameter values were invalid: Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.`},
		{`{"NS":["2","1","2.0"]}`, msgDupNS},
		{`{"NS":["1",""]}`, msgNotNumeric + ": "},
		{`{"N":"1e126"}`, msgOverflow},
		{`{"L":[{"M":{"a":{}}}]}`, msgEmpty},
		{`{"SS":[""]}`, ""},
		{`{"S":""}`, ""},
	}
	for _, c := range cases {
		v, err := ParseValue([]byte(c.in))
		if err != nil {
			t.Errorf("ParseValue(%s): %v", c.in, err)
			continue
		}
		if got := Validate(&v); got != c.want {
			t.Errorf("Validate(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}

func deepMap(depth int) string {
	s := `{"S":"leaf"}`
	for i := 0; i < depth; i++ {
		s = `{"M":{"n":` + s + `}}`
	}
	return s
}

func TestNestingLimit(t *testing.T) {
	for depth, want := range map[int]string{31: "", 32: msgNesting} {
		v, err := ParseValue([]byte(deepMap(depth)))
		if err != nil {
			t.Fatal(err)
		}
		if got := Validate(&v); got != want {
			t.Errorf("depth %d: %q, want %q", depth, got, want)
		}
	}
	if _, err := ParseValue([]byte(deepMap(500))); err == nil {
		t.Errorf("absurd nesting was decoded")
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, in := range []string{`{"S":1}`, `{"B":"!!"}`, `[`, `{"S":"a"`, `{"L":{}}`, `{"BOOL":"x"}`, `"x"`} {
		if _, err := ParseValue([]byte(in)); err == nil {
			t.Errorf("ParseValue(%s) succeeded", in)
		}
	}
}

func TestItemSize(t *testing.T) {
	it := Item{
		"s": StrValue("abc"),                                      // 1 + 3
		"n": NumValue("12345"),                                    // 1 + 3 + 1
		"b": {Kind: BOOL, Bool: true},                             // 1 + 1
		"l": {Kind: L, List: []Value{}},                           // 1 + 3
		"m": {Kind: M, Map: map[string]Value{"k": StrValue("v")}}, // 1 + 3 + 1 + 1 + 1
	}
	if got, want := ItemSize(it), 4+5+2+4+7; got != want {
		t.Errorf("ItemSize = %d, want %d", got, want)
	}
}

func TestStringOrderIsUTF8Bytes(t *testing.T) {
	// DynamoDB orders strings by their UTF-8 bytes: "Z" < "a" < "é" < "𝄞".
	vals := []string{"𝄞", "é", "a", "Z", ""}
	sort.Slice(vals, func(i, j int) bool {
		c, _ := Compare(StrValue(vals[i]), StrValue(vals[j]))
		return c < 0
	})
	if got := strings.Join(vals, ","); got != ",Z,a,é,𝄞" {
		t.Errorf("order %q", got)
	}
}
