package arn

import "testing"

func TestParseFormat(t *testing.T) {
	for _, s := range []string{
		"arn:aws:lambda:us-east-1:123456789012:function:f",
		"arn:aws:lambda:us-east-1:123456789012:function:f:1",
		"arn:aws:s3:::bucket/key/with:colon",
		"arn:aws:iam::123456789012:role/path/r",
		"arn:aws-cn:sts::123456789012:assumed-role/r/s",
	} {
		a, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if a.String() != s {
			t.Errorf("round trip %q -> %q", s, a.String())
		}
	}
	a, _ := Parse("arn:aws:lambda:us-east-1:123456789012:function:f:prod")
	if a.Service != "lambda" || a.Region != "us-east-1" || a.AccountID != "123456789012" || a.Resource != "function:f:prod" {
		t.Errorf("parts: %+v", a)
	}
	for _, s := range []string{"", "arn", "arn:aws", "arn:aws:s3", "foo:aws:s3:::b", "arn::s3:::b", "arn:aws::::x"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	if Account("arn:aws:s3:::b") != "" || Account("arn:aws:iam::1:root") != "1" || Account("nope") != "" {
		t.Error("Account")
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "abc", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbb", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"?", "é", true}, // one character, two bytes
		{"??", "é", false},
		{"a*b*c", "aXbYbZc", true},
		{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"abc", "ABC", false},
	}
	for _, c := range cases {
		if got := Glob(c.p, c.s); got != c.want {
			t.Errorf("Glob(%q, %q) = %v", c.p, c.s, got)
		}
	}
	if !GlobFold("lambda:invoke*", "Lambda:InvokeFunction") {
		t.Error("GlobFold")
	}
}

func TestLike(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"arn:aws:sns:*:123:*", "arn:aws:sns:us-east-1:123:topic", true},
		{"arn:aws:sns:*:topic", "arn:aws:sns:us-east-1:123:topic", false}, // component counts differ
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b:c", true},
		{"arn:aws:lambda:*:*:function:f", "arn:aws:lambda:us-east-1:1:function:f:1", false},
		{"arn:aws:lambda:*:*:function:f*", "arn:aws:lambda:us-east-1:1:function:f:1", true},
		{"*", "not-an-arn", true},
		{"arn:aws:sns:*:123:Topic", "arn:aws:sns:us-east-1:123:topic", false},
	}
	for _, c := range cases {
		if got := Like(c.p, c.s); got != c.want {
			t.Errorf("Like(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

func FuzzGlob(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Fuzz(func(t *testing.T, p, s string) {
		Glob(p, s)
		GlobFold(p, s)
		Like(p, s)
		if Glob(s, s) != (s == s) && !containsWild(s) {
			t.Fatalf("a wildcard-free string must match itself: %q", s)
		}
	})
}

func containsWild(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}
