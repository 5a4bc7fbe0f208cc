package server

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBannerListsEveryAccount: with several --root-key values the banner
// names every account with its key id, and prints no secret but the first
// account's (which the export lines need).
func TestBannerListsEveryAccount(t *testing.T) {
	var out bytes.Buffer
	s, err := New(context.Background(), Config{
		Listen: "127.0.0.1:0", DataDir: t.TempDir(), Out: &out,
		RootKeys: []RootKey{
			{Account: "000000000000", AccessKeyID: "test", Secret: "test"},
			{Account: "111111111111", AccessKeyID: "AKIAOTHERACCOUNT0001", Secret: "other-secret"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	defer s.ln.Close()
	s.banner()
	b := out.String()
	for _, want := range []string{"000000000000 (root key test)", "111111111111 (root key AKIAOTHERACCOUNT0001)"} {
		if !strings.Contains(b, want) {
			t.Errorf("banner lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(b, "other-secret") {
		t.Errorf("banner prints the second account's secret:\n%s", b)
	}
}
