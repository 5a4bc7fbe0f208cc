package ecr

import (
	"strings"
	"testing"
)

// FuzzParseManifest: a pushed manifest is the client's; any bytes get a
// media type and size or an AWS-shaped error, never a panic, and a
// negative size never comes out.
func FuzzParseManifest(f *testing.F) {
	f.Add(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"size":1,"digest":"sha256:`+strings.Repeat("a", 64)+`"},"layers":[{"size":5,"digest":"sha256:`+strings.Repeat("b", 64)+`"}]}`, "")
	f.Add(`{"schemaVersion":2,"manifests":[]}`, "application/vnd.oci.image.index.v1+json")
	f.Add(`{"schemaVersion":1}`, "")
	f.Add(`[]`, "")
	f.Add(`{"schemaVersion":2,"layers":[{"size":-1,"digest":"sha256:x"}]}`, "")
	f.Fuzz(func(t *testing.T, doc, given string) {
		mt, size, err := parseManifest([]byte(doc), given)
		if err != nil {
			if !errInvalidParameter.Is(err) {
				t.Fatalf("%q: %v is not InvalidParameterException", doc, err)
			}
			return
		}
		if mt == "" || size < 0 {
			t.Fatalf("%q: media type %q size %d", doc, mt, size)
		}
	})
}

// FuzzParsePolicy: a repository policy is the client's text; it compiles
// or fails, never panics, whatever its Statement holds.
func FuzzParsePolicy(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["ecr:BatchGetImage"]}}`)
	f.Add(`{"Statement":[null,1,"x"]}`)
	f.Add(`{"Statement":[{"NotResource":"x","Effect":"Deny","Principal":"*","Action":"*"}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parsePolicy("arn:aws:ecr:us-east-1:111111111111:repository/r", doc)
		if err == nil && p == nil {
			t.Fatal("no policy and no error")
		}
	})
}

// FuzzParseRef: repository names and registry ids are checked before
// anything is looked up.
func FuzzParseRef(f *testing.F) {
	f.Add("", "team/app")
	f.Add("111111111111", "a")
	f.Add("x", "ab")
	f.Add("", "a__b/c-d.e")
	f.Fuzz(func(t *testing.T, registry, name string) {
		ref, err := parseRef("us-east-1", "111111111111", registry, name)
		if err != nil {
			return
		}
		if ref.name != name || !repoNamePattern.MatchString(ref.name) || len(ref.account) != 12 {
			t.Fatalf("%q %q: %+v", registry, name, ref)
		}
	})
}
