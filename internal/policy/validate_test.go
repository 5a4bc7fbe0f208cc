package policy

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type validateCase struct {
	Name        string          `json:"name"`
	Cite        string          `json:"cite"`
	Type        string          `json:"type"`
	Policy      json.RawMessage `json:"policy"`
	Text        string          `json:"text"`
	ExpectError string          `json:"expectError"`
	ExpectPath  string          `json:"expectPath"`
}

// TestValidateCorpus checks Parse's acceptance and AWS messages for every
// case in testdata/validate.
func TestValidateCorpus(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "validate", "validate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []validateCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if !strings.HasPrefix(c.Cite, "https://docs.aws.amazon.com/") {
				t.Fatalf("case needs a docs.aws.amazon.com cite")
			}
			kind, err := ParseKind(c.Type)
			if err != nil {
				t.Fatal(err)
			}
			doc := []byte(c.Text)
			if c.Policy != nil {
				doc = c.Policy
			}
			p, err := Parse(doc, kind)
			if c.ExpectError == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if p.Kind != kind || string(p.Source()) != string(doc) {
					t.Fatalf("policy does not keep its kind and source")
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("want *SyntaxError %q, got %v", c.ExpectError, err)
			}
			if se.Message != c.ExpectError {
				t.Fatalf("message\n got %q\nwant %q", se.Message, c.ExpectError)
			}
			if c.ExpectPath != "" && se.Path != c.ExpectPath {
				t.Errorf("path %q, want %q", se.Path, c.ExpectPath)
			}
			if se.Line < 1 || se.Column < 1 {
				t.Errorf("location %d:%d", se.Line, se.Column)
			}
		})
	}
}

func TestSyntaxErrorLocation(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"GetObject\", \"Resource\": \"*\"}\n  ]\n}"
	_, err := Parse([]byte(doc), Identity)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatal(err)
	}
	if se.Line != 4 || se.Column != 35 || se.Path != "Statement[0].Action" {
		t.Fatalf("got %d:%d %s", se.Line, se.Column, se.Path)
	}
}
