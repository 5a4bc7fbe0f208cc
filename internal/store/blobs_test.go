package store

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestBlobNames(t *testing.T) {
	good := []string{"a", "s3/0123abcd", "lambda/fn-1/v.2_x.zip", "A/B/C", strings.Repeat("x", 255),
		strings.Repeat("a/", 15) + "z"}
	bad := []string{"", ".", "..", "../x", "a/../../x", "a/..", "/abs", "a//b", "a/", "a\\b", "..\\x",
		".hidden", "a/.tmp-123", "a b", "a\x00b", "é", "a:b", "a/./b", strings.Repeat("x", 256),
		strings.Repeat("a/", 16) + "z", strings.Repeat("abcd/", 205)}
	for _, n := range good {
		if err := ValidBlobName(n); err != nil {
			t.Errorf("ValidBlobName(%q) = %v, want ok", n, err)
		}
	}
	db := openTest(t, t.TempDir(), nil)
	b := db.Blobs()
	for _, n := range bad {
		if err := ValidBlobName(n); !errors.Is(err, ErrInvalidName) {
			t.Errorf("ValidBlobName(%q) = %v, want ErrInvalidName", n, err)
		}
		if _, err := b.Put(n, strings.NewReader("x")); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Put(%q) = %v, want ErrInvalidName", n, err)
		}
		if _, err := b.Open(n); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Open(%q) = %v", n, err)
		}
		if err := b.Remove(n); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Remove(%q) = %v", n, err)
		}
		if p := b.Path(n); p != "" {
			t.Errorf("Path(%q) = %q, want \"\"", n, p)
		}
	}
	// Nothing escaped into the data dir's parent or beside blobs/.
	entries, _ := os.ReadDir(db.Dir())
	for _, e := range entries {
		switch e.Name() {
		case "blobs", FileName, FileName + "-wal", FileName + "-shm", "seki.lock":
		default:
			t.Errorf("unexpected file in data dir: %s", e.Name())
		}
	}
}

func TestBlobPutOpenRemove(t *testing.T) {
	db := openTest(t, t.TempDir(), nil)
	b := db.Blobs()
	content := bytes.Repeat([]byte("seki blob "), 100_000) // 1 MB, several copy buffers
	info, err := b.Put("lambda/fn/1.zip", bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	wantSHA := sha256.Sum256(content)
	wantMD5 := md5.Sum(content)
	if info.Size != int64(len(content)) || info.SHA256 != hex.EncodeToString(wantSHA[:]) ||
		info.MD5 != hex.EncodeToString(wantMD5[:]) || info.SHA256Sum != wantSHA || info.MD5Sum != wantMD5 {
		t.Fatalf("info = %+v", info)
	}
	// A known vector, to pin the hex encoding: md5("") and sha256("").
	empty, err := b.Put("empty", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if empty.MD5 != "d41d8cd98f00b204e9800998ecf8427e" ||
		empty.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" || empty.Size != 0 {
		t.Fatalf("empty blob info = %+v", empty)
	}

	f, err := b.Open("lambda/fn/1.zip")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, content) {
		t.Fatal("content differs")
	}
	if p := b.Path("lambda/fn/1.zip"); p != filepath.Join(db.Dir(), "blobs", "lambda", "fn", "1.zip") {
		t.Fatalf("Path = %q", p)
	}

	// Overwrite replaces whole.
	if _, err := b.Put("lambda/fn/1.zip", strings.NewReader("v2")); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(b.Path("lambda/fn/1.zip"))
	if string(got) != "v2" {
		t.Fatalf("after overwrite: %q", got)
	}

	if err := b.Remove("lambda/fn/1.zip"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open("lambda/fn/1.zip"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open removed: %v, want ErrNotExist", err)
	}
	if err := b.Remove("lambda/fn/1.zip"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Remove twice: %v, want ErrNotExist", err)
	}
}

func TestBlobPutFailedReaderChangesNothing(t *testing.T) {
	db := openTest(t, t.TempDir(), nil)
	b := db.Blobs()
	if _, err := b.Put("s3/obj", strings.NewReader("original")); err != nil {
		t.Fatal(err)
	}
	broken := io.MultiReader(strings.NewReader("partial new content"), iotest.ErrReader(io.ErrUnexpectedEOF))
	if _, err := b.Put("s3/obj", broken); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Put with failing reader: %v", err)
	}
	got, _ := os.ReadFile(b.Path("s3/obj"))
	if string(got) != "original" {
		t.Fatalf("content after failed Put = %q, want original", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(b.Path("s3/obj")))
	if len(entries) != 1 {
		t.Fatalf("failed Put left files behind: %v", entries)
	}
}

func TestBlobStaleTempKeepsFresh(t *testing.T) {
	db := openTest(t, t.TempDir(), nil)
	b := db.Blobs()
	if _, err := b.Put("x/y", strings.NewReader("y")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(b.Path("x/y"))
	old := filepath.Join(dir, tempPrefix+"old")
	fresh := filepath.Join(dir, tempPrefix+"fresh")
	os.WriteFile(old, []byte("o"), 0o600)
	os.WriteFile(fresh, []byte("f"), 0o600)
	// fresh stands for the temp file of a Put in progress.
	b.active = map[string]struct{}{fresh: {}}
	n, err := b.RemoveStaleTemp()
	if err != nil || n != 1 {
		t.Fatalf("RemoveStaleTemp = %d, %v; want 1", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Error("stale temp file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("temp file of a Put in progress was removed")
	}
	if _, err := os.Stat(b.Path("x/y")); err != nil {
		t.Error("real blob removed")
	}
}

// Write stores content held whole as Put does (same temp file, fsync and
// rename, so the kill -9 test of Put covers it), without digests.
func TestBlobWrite(t *testing.T) {
	db := openTest(t, t.TempDir(), nil)
	b := db.Blobs()
	content := bytes.Repeat([]byte("package "), 200_000)
	if err := b.Write("lambda/code/a.zip", content); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(b.Path("lambda/code/a.zip")); !bytes.Equal(got, content) {
		t.Fatalf("Write stored %d bytes, want %d", len(got), len(content))
	}
	if err := b.Write("../escape", content); err == nil {
		t.Fatal("Write accepted a name outside the blob directory")
	}
	ents, _ := os.ReadDir(filepath.Dir(b.Path("lambda/code/a.zip")))
	if len(ents) != 1 {
		t.Fatalf("files beside the blob: %v", ents)
	}
}
