//go:build !unix

package store

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrLocked is returned (wrapped) by Open when another process already uses
// the data directory. Without flock this platform does not detect it.
var ErrLocked = errors.New("data directory is in use by another seki process")

func lockDir(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, "seki.lock"), os.O_RDWR|os.O_CREATE, 0o600)
}

func unlockDir(f *os.File) error { return f.Close() }
