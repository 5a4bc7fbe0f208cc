package kms

import (
	"bytes"
	"testing"
)

const testARN = "arn:aws:kms:us-east-1:111111111111:key/0b1f6e0e-4a3c-4a7e-9d2b-3f1c2e4d5a6b"

func TestBlobRoundTrip(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	ctx := map[string]string{"a": "1", "b": "2"}
	b, err := seal(testARN, secret, []byte("plain"), ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseBlob(b)
	if err != nil || p.keyARN != testARN {
		t.Fatalf("parse %+v %v", p, err)
	}
	if got, err := p.open(secret, map[string]string{"b": "2", "a": "1"}); err != nil || string(got) != "plain" {
		t.Fatalf("open %q %v", got, err)
	}
	// A context that differs in any way, or another secret, fails.
	for _, c := range []map[string]string{nil, {"a": "1"}, {"a": "1", "b": "3"}, {"a": "12", "b": ""}, {"a1": "", "b": "2"}} {
		if _, err := p.open(secret, c); err == nil {
			t.Errorf("opened with context %v", c)
		}
	}
	if _, err := p.open(bytes.Repeat([]byte{8}, 32), ctx); err == nil {
		t.Error("opened with another secret")
	}
}

// FuzzParseBlob feeds arbitrary bytes to the ciphertext-blob parser (the
// CiphertextBlob of Decrypt and ReEncrypt is untrusted input): it must
// never panic, and whatever it accepts must name a KMS key and carry a
// nonce and a tag, and be refused by open without the right secret.
func FuzzParseBlob(f *testing.F) {
	secret := bytes.Repeat([]byte{7}, 32)
	// Deterministic, so that every fuzzing process has the same one.
	good, _ := sealNonce(testARN, secret, []byte("x"), map[string]string{"k": "v"}, make([]byte, nonceSize))
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{1, 255})
	f.Add(good[:len(good)-1])
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseBlob(b)
		if err != nil {
			return
		}
		if _, ok := parseKeyARN(p.keyARN); !ok || len(p.nonce) != nonceSize || len(p.sealed) < tagSize {
			t.Fatalf("accepted %x as %+v", b, p)
		}
		// Only the genuine blob opens under the secret and context.
		if _, err := p.open(secret, map[string]string{"k": "v"}); err == nil && !bytes.Equal(b, good) {
			t.Fatalf("forged blob %x opened", b)
		}
	})
}

func TestParseRef(t *testing.T) {
	const id = "134f2428-cec1-4b25-a1ae-9048164dba47"
	for _, c := range []struct {
		in, account, id, alias, err string
	}{
		{id, "111111111111", id, "", ""},
		{"alias/x", "111111111111", "", "alias/x", ""},
		{"arn:aws:kms:us-east-1:222222222222:key/" + id, "222222222222", id, "", ""},
		{"arn:aws:kms:us-east-1:222222222222:alias/x", "222222222222", "", "alias/x", ""},
		{"arn:aws:kms:eu-west-1:222222222222:key/" + id, "", "", "", "Invalid arn eu-west-1"},
		{"fake-key-id", "", "", "", "Invalid keyId 'fake-key-id'"},
		{"134f2428cec14b25a1ae9048164dba47", "", "", "", "Invalid keyId '134f2428cec14b25a1ae9048164dba47'"},
		{"mrk-1234567890abcdef1234567890abcdef", "111111111111", "mrk-1234567890abcdef1234567890abcdef", "", ""},
	} {
		r := parseRef("111111111111", "us-east-1", c.in)
		if c.err != "" {
			if r.err == nil || r.err.Error() == "" || !bytes.Contains([]byte(r.err.Error()), []byte(c.err)) {
				t.Errorf("%s: err %v, want %s", c.in, r.err, c.err)
			}
			continue
		}
		if r.err != nil || r.account != c.account || r.id != c.id || r.alias != c.alias {
			t.Errorf("%s: %+v", c.in, r)
		}
	}
}
