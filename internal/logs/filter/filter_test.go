package filter

import (
	"errors"
	"strings"
	"testing"
)

// Cases follow the examples of "Filter pattern syntax for metric filters,
// subscription filters, filter log events, and Live Tail" in the CloudWatch
// Logs User Guide.
func TestMatch(t *testing.T) {
	const (
		e400 = "[ERROR 400] BAD REQUEST"
		e401 = "[ERROR 401] UNAUTHORIZED REQUEST"
		e419 = "[ERROR 419] MISSING ARGUMENTS"
		e420 = "[ERROR 420] INVALID ARGUMENTS"
		w200 = "[WARN 200] ok"
		ise  = "[ERROR 500] INTERNAL SERVER ERROR"
	)
	all := []string{e400, e401, e419, e420, w200, ise}
	for _, tc := range []struct {
		pattern string
		want    []string
	}{
		{"", all},
		{"   ", all},
		{"ERROR", []string{e400, e401, e419, e420, ise}},
		{"ARGUMENTS", []string{e419, e420}},
		{"ERROR ARGUMENTS", []string{e419, e420}},
		{"ERROR MISSING ARGUMENTS", []string{e419}},
		{"?MISSING ?INVALID", []string{e419, e420}},
		{"?BAD ?WARN", []string{e400, w200}},
		{"ERROR -ARGUMENTS", []string{e400, e401, ise}},
		{"-ERROR", []string{w200}},
		{`"INTERNAL SERVER ERROR"`, []string{ise}},
		{`"[ERROR 4"`, []string{e400, e401, e419, e420}},
		{`?"BAD REQUEST" ?"MISSING ARGUMENTS"`, []string{e400, e419}},
		{`-"ERROR 4"`, []string{w200, ise}},
		{"error", nil}, // case-sensitive
		{"400", []string{e400}},
		{"ERROR ?MISSING ?INVALID -419", []string{e420}},
		{"%ERROR 40[0-1]%", []string{e400, e401}},
		{"%^\\[WARN%", []string{w200}},
		{"%ARGUMENTS$%", []string{e419, e420}},
	} {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.pattern, err)
		}
		var got []string
		for _, m := range all {
			if p.Match(m) {
				got = append(got, m)
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q matched %q\nwant %q", tc.pattern, got, tc.want)
		}
	}
}

// Unquoted terms match whole words; quoted phrases match anywhere.
func TestTermWords(t *testing.T) {
	for _, tc := range []struct {
		pattern, msg string
		want         bool
	}{
		{"ERROR", "[ERROR] boom", true},
		{"ERROR", "ERROR", true},
		{"ERROR", "ERRORS happened", false},
		{"ERROR", "AN_ERROR here", false},
		{"ERROR", "ERRORS and then ERROR", true},
		{"Exception", "java.lang.NullPointerException: x", false},
		{`"Exception"`, "java.lang.NullPointerException: x", true},
		{"404", "GET /x 404", true},
		{"40", "GET /x 404", false},
		{"café", "un café.", true},
		{"café", "cafés", false},
		{"-ERROR", "ERRORS only", true},
		{"?ERROR ?WARN", "WARNING", false},
		{"aa", "aaa aa", true},
	} {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match(tc.msg); got != tc.want {
			t.Errorf("%q on %q: %v", tc.pattern, tc.msg, got)
		}
	}
}

func TestJSON(t *testing.T) {
	const (
		trail = `{"eventType":"UpdateTrail","sourceIPAddress":"123.123.123.123","arrayKey":["value","another value"],"objectList":[{"name":"a","id":1},{"name":"b","id":2}],"SomeObject":null,"cluster.name":"c","ThisFlag":true,"latency":250,"code":"200"}`
		other = `{"eventType":"DeleteTrail","latency":1200.5,"ThisFlag":false,"nested":{"deep":{"x":"prod-eu"}}}`
		text  = "START RequestId: 1 Version: $LATEST"
		array = `["eventType"]`
	)
	msgs := []string{trail, other, text, array}
	for _, tc := range []struct {
		pattern string
		want    []bool // trail, other, text, array
	}{
		{`{ $.eventType = "UpdateTrail" }`, []bool{true, false, false, false}},
		{`{ $.eventType = UpdateTrail }`, []bool{true, false, false, false}},
		{`{ $.eventType != "UpdateTrail" }`, []bool{false, true, false, false}},
		{`{ $.eventType = *Trail }`, []bool{true, true, false, false}},
		{`{ $.eventType = "Upd*" }`, []bool{true, false, false, false}},
		{`{ $.sourceIPAddress != 123.123.* }`, []bool{false, false, false, false}},
		{`{ $.arrayKey[0] = "value" }`, []bool{true, false, false, false}},
		{`{ $.arrayKey[1] = "another value" }`, []bool{true, false, false, false}},
		{`{ $.arrayKey[2] = "x" }`, []bool{false, false, false, false}},
		{`{ $.objectList[1].id = 2 }`, []bool{true, false, false, false}},
		{`{ $.objectList[0].name = a && $.objectList[1].name = b }`, []bool{true, false, false, false}},
		{`{ $.SomeObject IS NULL }`, []bool{true, false, false, false}},
		{`{ $.SomeObject NOT EXISTS }`, []bool{false, true, false, false}},
		{`{ $.SomeOtherObject NOT EXISTS }`, []bool{true, true, false, false}},
		{`{ $.ThisFlag IS TRUE }`, []bool{true, false, false, false}},
		{`{ $.ThisFlag IS FALSE }`, []bool{false, true, false, false}},
		{`{ $.latency > 1000 }`, []bool{false, true, false, false}},
		{`{ $.latency >= 250 }`, []bool{true, true, false, false}},
		{`{ $.latency < 250 }`, []bool{false, false, false, false}},
		{`{ $.latency <= 250 }`, []bool{true, false, false, false}},
		{`{ $.latency = 1200.5 }`, []bool{false, true, false, false}},
		{`{ $.code = 200 }`, []bool{true, false, false, false}},
		{`{ $.code > 100 }`, []bool{false, false, false, false}}, // strings are not numbers
		{`{ ($.eventType = UpdateTrail && $.latency < 300) || $.nested.deep.x = prod-* }`, []bool{true, true, false, false}},
		{`{ $.eventType = UpdateTrail && ($.latency > 300 || $.ThisFlag IS TRUE) }`, []bool{true, false, false, false}},
		{`{ $.eventType = %Update|Delete% }`, []bool{true, true, false, false}},
		{`{$.eventType=%^Del%}`, []bool{false, true, false, false}},
	} {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.pattern, err)
		}
		for i, m := range msgs {
			if got := p.Match(m); got != tc.want[i] {
				t.Errorf("%s on message %d: %v, want %v", tc.pattern, i, got, tc.want[i])
			}
		}
	}
}

func TestDelimited(t *testing.T) {
	const (
		apache1 = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534`
		apache2 = `127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324`
		apache3 = `127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 100`
		short   = "only two"
	)
	msgs := []string{apache1, apache2, apache3, short}
	for _, tc := range []struct {
		pattern string
		want    []bool
	}{
		{`[ip, id, user, timestamp, request, status_code, bytes]`, []bool{true, true, true, false}},
		{`[ip, id, user, timestamp, request, status_code=4*, bytes]`, []bool{false, false, true, false}},
		{`[ip, id, user, timestamp, request, status_code=500 || status_code=404, bytes]`, []bool{false, true, true, false}},
		{`[ip, id, user, timestamp, request, status_code, bytes>1000]`, []bool{true, true, false, false}},
		{`[ip, id, user, timestamp, request, status_code>=400 && status_code<500, bytes]`, []bool{false, false, true, false}},
		{`[..., status_code=200, bytes]`, []bool{true, false, false, false}},
		{`[ip=127.0.0.1, ...]`, []bool{true, true, true, false}},
		{`[ip, ..., bytes<200]`, []bool{false, false, true, false}},
		{`[a, b]`, []bool{false, false, false, true}},
		{`[...]`, []bool{true, true, true, true}},
		{`[ip, id, user, timestamp="10/Oct/2000:13:35:22 -0700", ...]`, []bool{false, true, false, false}},
		{`[ip, id, user, timestamp, request="GET /apache_pb.gif HTTP/1.0", ...]`, []bool{true, true, true, false}},
		{`[ip, id!=-, ...]`, []bool{false, false, false, true}},
	} {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.pattern, err)
		}
		for i, m := range msgs {
			if got := p.Match(m); got != tc.want[i] {
				t.Errorf("%s on message %d: %v, want %v", tc.pattern, i, got, tc.want[i])
			}
		}
	}
}

// Rejections AWS documents or answers with (messages where known).
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ pattern, msg string }{
		{"?Status: timeout", "Invalid character(s) in term ':'"},
		{"a,b", "Invalid character(s) in term ','"},
		{"email@domain.com", "Invalid character(s) in term '@.'"},
		{`""`, `Invalid character(s) in term '""'`},
		{"ERROR ?", "Invalid character(s) in term '?'"},
		{"-", "Invalid character(s) in term '-'"},
		{"(x)", "Invalid character(s) in term '()'"},
		{`level\":`, `Invalid character(s) in term '\":'`},
		{`"unterminated`, msgInvalid},
		{`"a"b`, "Invalid character(s) in term 'b'"},
		{`{ $.a = 1`, "If a filter pattern starts with '{' it must end with '}'"},
		{`{ }`, msgInvalid},
		{`{ $.a }`, msgInvalid},
		{`{ a = 1 }`, msgInvalid},
		{`{ $.a = }`, msgInvalid},
		{`{ $.a > x }`, msgInvalid},
		{`{ $.a = 1 && }`, msgInvalid},
		{`{ ($.a = 1 }`, msgInvalid},
		{`{ $.a IS MAYBE }`, msgInvalid},
		{`{ $.a = 1 } x`, "If a filter pattern starts with '{' it must end with '}'"},
		{`[a, b`, "If a filter pattern starts with '[' it must end with ']'"},
		{`[]`, msgInvalid},
		{`[a, , b]`, msgInvalid},
		{`[a=]`, msgInvalid},
		{`[a>x]`, msgInvalid},
		{`[a=1 || b=2]`, msgInvalid},
		{`%%`, msgInvalid},
		{`%(a)%`, msgInvalid},
		{`%a!%`, msgInvalid},
		{`%[%`, msgInvalid},
	} {
		_, err := Parse(tc.pattern)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want *Error", tc.pattern, err)
			continue
		}
		if e.Msg != tc.msg {
			t.Errorf("Parse(%q): %q, want %q", tc.pattern, e.Msg, tc.msg)
		}
	}
}

func TestWildcard(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "abc", true}, {"a*c", "ac", true},
		{"a*b*c", "axbyc", true}, {"a*b*c", "acb", false}, {"*", "", true}, {"a*a", "a", false},
		{"ab*ba", "aba", false}, {"**", "x", true},
	} {
		if got := newWildcard(tc.pat).match(tc.s); got != tc.want {
			t.Errorf("%q ~ %q = %v", tc.pat, tc.s, got)
		}
	}
}

func TestMatchAllocations(t *testing.T) {
	p, err := Parse(`ERROR ?MISSING ?INVALID -419`)
	if err != nil {
		t.Fatal(err)
	}
	msg := "[ERROR 420] INVALID ARGUMENTS"
	if n := testing.AllocsPerRun(100, func() { p.Match(msg) }); n != 0 {
		t.Errorf("term match allocates %v times", n)
	}
}

func BenchmarkMatchTerms(b *testing.B) {
	p, _ := Parse(`ERROR ?MISSING ?INVALID -419`)
	msg := "2024-01-01T00:00:00.000Z\t6f9b\tINFO\t[ERROR 420] INVALID ARGUMENTS for request"
	b.ReportAllocs()
	for b.Loop() {
		p.Match(msg)
	}
}

func BenchmarkMatchJSON(b *testing.B) {
	p, _ := Parse(`{ $.level = "ERROR" && $.latency > 100 }`)
	msg := `{"level":"ERROR","latency":250,"msg":"slow request","path":"/api/items"}`
	b.ReportAllocs()
	for b.Loop() {
		p.Match(msg)
	}
}

// FuzzParse feeds arbitrary patterns and messages: Parse must never panic,
// errors must be *Error, and a compiled pattern must match without
// panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "ERROR", `?a ?"b c" -d`, `"x`, `{ $.a = 1 }`, `{ ($.a[0].b = "x*" || $.c IS NULL) && $.d NOT EXISTS }`,
		`[a, b=1 || b=2, ..., c>3]`, `%^[a-z]+$%`, `{ $.a = %x|y% }`, `[..., ...]`, `{(((((($.a=1))))))}`,
	} {
		f.Add(s, `{"a":1,"b":[{"c":"x"}]} some text "quoted field" [bracket field] 42`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := Parse(pattern)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" {
				t.Fatalf("Parse(%q): %v is not an *Error", pattern, err)
			}
			return
		}
		p.Match(msg)
		if p.MatchesAll() && !p.Match(msg) {
			t.Fatalf("%q matches all but not %q", pattern, msg)
		}
	})
}
