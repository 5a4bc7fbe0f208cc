package store

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// walSize is the size of dir's WAL file.
func walSize(t *testing.T, dir string) int64 {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, FileName+"-wal"))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestCommitsDoNotGrowTheWAL checks the point of the zeros ahead of the
// WAL: commits overwrite the file, so their sync has no new size to write.
// Of 1,500 single-row commits (about 6 MB of frames, past a checkpoint),
// only the few that reach the end of the zeros may change the file's size.
func TestCommitsDoNotGrowTheWAL(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testMigrations)
	size := walSize(t, dir)
	if size < walAhead {
		t.Fatalf("WAL is %d bytes after Open, want at least %d", size, walAhead)
	}
	ctx := context.Background()
	grew := 0
	for i := range 1500 {
		if err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, 'x')", i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := walSize(t, dir); n != size {
			grew++
			size = n
		}
	}
	if max := walFull/walAhead + 1; grew > max {
		t.Errorf("the WAL's size changed in %d of 1500 commits, want at most %d", grew, max)
	}
	t.Logf("the WAL's size changed in %d of 1500 commits; %d bytes", grew, size)
}

// copyFiles copies dir's database and WAL to a new directory: the state a
// power cut leaves once every write so far has been synced.
func copyFiles(t *testing.T, dir string) string {
	t.Helper()
	to := t.TempDir()
	for _, name := range []string{FileName, FileName + "-wal"} {
		src, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(to, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if err := dst.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// TestPreallocatedWALRecovers opens copies of a live database (taken with
// the zeros of a fresh WAL, and again with commits in it) as recovery after
// a crash would: every committed row is found, and the zeros past the last
// frame are not taken for frames.
func TestPreallocatedWALRecovers(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testMigrations)
	fresh := copyFiles(t, dir)
	ctx := context.Background()
	const rows = 50
	for i := range rows {
		if err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, 'x')", i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	written := copyFiles(t, dir)
	// A data dir left by a seki before the zeros: the WAL ends at its last
	// frame.
	old := copyFiles(t, dir)
	trimWAL(t, filepath.Join(old, FileName+"-wal"))
	for _, c := range []struct {
		dir  string
		want int
	}{{fresh, 0}, {written, rows}, {old, rows}} {
		cdb := openTest(t, c.dir, testMigrations)
		var n int
		if err := cdb.Read(ctx, func(q *Tx) error {
			return q.QueryRow("SELECT COUNT(*) FROM acks").Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			t.Errorf("recovered %d rows, want %d", n, c.want)
		}
		// The recovered database takes writes after its last frame.
		if err := cdb.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, 'after')", 1000)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// trimWAL cuts the zeros off the WAL file at path: it then ends with its
// last frame, as a WAL written without them does.
func trimWAL(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	last := len(b) - 1
	for last >= 0 && b[last] == 0 {
		last--
	}
	end := int64(32)
	for end <= int64(last) {
		end += 24 + 4096
	}
	if end >= int64(len(b)) {
		t.Fatalf("no zeros after the frames of %s (%d bytes)", path, len(b))
	}
	if err := os.Truncate(path, end); err != nil {
		t.Fatal(err)
	}
}
