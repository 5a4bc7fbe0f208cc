package jsonstr

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppend(t *testing.T) {
	for in, want := range map[string]string{
		"":             `""`,
		"plain":        `"plain"`,
		`q"b\`:         `"q\"b\\"`,
		"a\nb\tc\r":    `"a\nb\tc\r"`,
		"\x00\x1f":     `"\u0000\u001f"`,
		"<&>":          `"<&>"`,
		"日本":           `"日本"`,
		"bad\xffutf8":  `"bad\ufffdutf8"`,
		"x" + "\u2028": "\"x\u2028\"",
	} {
		if got := string(Append(nil, in)); got != want {
			t.Errorf("Append(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzAppend checks that every string comes back through encoding/json as
// itself (or with invalid UTF-8 replaced, as encoding/json does).
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00", "\xff\xfe", "日本\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Append([]byte("x"), s)[1:]
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Append(%q) = %s: not JSON: %v", s, out, err)
		}
		want := s
		if !utf8.ValidString(s) {
			want = strings.ToValidUTF8(s, "\uFFFD")
			// ToValidUTF8 folds a run of bad bytes into one replacement;
			// Append, like encoding/json, replaces each byte.
			if strings.Count(back, "\uFFFD") < strings.Count(want, "\uFFFD") {
				t.Fatalf("Append(%q) lost replacements: %q", s, back)
			}
			return
		}
		if back != want {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
	})
}

// BenchmarkAppendARN is a decision log's typical string: long, plain.
func BenchmarkAppendARN(b *testing.B) {
	s := "arn:aws:lambda:us-east-1:222222222222:function:orders-processor"
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = Append(buf[:0], s)
	}
}
