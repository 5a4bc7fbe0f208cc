package store

import (
	"io"
	"os"
)

// The WAL is kept ahead of its writes with zeros, so that a commit
// overwrites the file instead of extending it. A commit that extends the
// file must also sync its new size, which on ext4 is a journal commit of
// its own: 222–265 µs per append + fdatasync against 145–153 µs per
// overwrite on this machine's disk (BENCHMARKS.md, "Durable writes").
// SQLite rewrites the WAL from its start after each checkpoint (every 1000
// pages, wal_autocheckpoint's default), so once the file holds 1000 frames
// and room for one more group it is no longer extended; journal_size_limit
// (above that) leaves it in place. The zeros are no frames: recovery stops
// at the first frame whose salt does not match the WAL header.
const (
	// walAhead is how far past SQLite's last write the zeros reach, so
	// that one commit in about 250 extends the file while it grows.
	walAhead = 1 << 20
	// walFull is the size past which the WAL is left to SQLite: 1100
	// frames of 4 KiB pages after the 32-byte header.
	walFull = 32 + 1100*(24+4096)
)

// wal writes the zeros ahead of the WAL file's end. It only ever appends
// past the file's current end, and only while it holds the writer role (in
// Open before any write, then the leader after its commit), when the one
// connection that writes the WAL is idle, so no frame SQLite wrote is
// touched. It does not sync: the next commit's sync writes the zeros and
// the size once, and a crash before it loses only zeros. Real zeros, not
// fallocate's unwritten extents or a hole, because writing into those
// changes the file's metadata again. Writing 1 MiB costs about 0.25 ms.
//
// Its descriptor of the WAL is its own, held for the DB's life and closed
// after SQLite's connections. Closing a descriptor drops the process's
// POSIX locks on that file, which is harmless here: SQLite locks the
// database file (and, with unix-excl, keeps the WAL index in memory), never
// the WAL file.
type wal struct {
	f *os.File
	// size is the file's size after the last look or extension: a commit
	// that finds it larger wrote past the zeros.
	size int64
}

// openWAL opens the WAL file at path and puts zeros ahead of its end. The
// zeros only save time, so a failure (no WAL file, a full disk) is not
// Open's: it returns nil, a wal that does nothing, and the WAL grows with
// its commits as SQLite makes it.
func openWAL(path string) *wal {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil
	}
	w := &wal{f: f, size: -1}
	w.keepAhead()
	return w
}

// keepAhead extends the file once SQLite has written past the zeros. A
// failure is not the commit's: the WAL just grows as it would without.
func (w *wal) keepAhead() {
	if w != nil {
		_ = w.extend()
	}
}

func (w *wal) extend() error {
	// Seek to the end rather than Stat: the size without an allocation.
	end, err := w.f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if end == w.size || end >= walFull {
		w.size = end
		return nil
	}
	target := min(end+walAhead, walFull)
	for off := end; off < target; off += int64(len(zeros)) {
		if _, err := w.f.WriteAt(zeros[:min(int64(len(zeros)), target-off)], off); err != nil {
			return err
		}
	}
	w.size = target
	return nil
}

// zeros is what extend writes, read-only.
var zeros [64 << 10]byte

func (w *wal) close() error {
	return w.f.Close()
}
