package server

import (
	"io/fs"
	"os"
	"path/filepath"
)

// The data dir holds every root, user and session secret (seki.db), the
// decision log and function code: nobody but seki's user may read it.
// Files are created 0600 and directories 0700 (the process umask, below,
// holds that for every package and for SQLite's own files), and a data dir
// left by an older seki with looser modes is tightened at start.

// private is what group and others lose.
const private fs.FileMode = 0o077

// tightenRoot closes the data dir itself, at once: with the directory
// 0700 nobody else can reach anything under it, whatever its mode.
func tightenRoot(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&private != 0 {
		return os.Chmod(dir, st.Mode().Perm()&^private)
	}
	return nil
}

// tightenTree removes group and other permissions from everything under
// dir. Symbolic links are left alone (chmod would follow them out of the
// data dir). Errors are skipped: a file removed meanwhile is no matter.
func tightenTree(dir string) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if perm := info.Mode().Perm(); perm&private != 0 {
			os.Chmod(path, perm&^private)
		}
		return nil
	})
}
