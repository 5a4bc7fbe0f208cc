package runtime

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
)

// maxUnzipped is Lambda's limit on a function's unzipped code and layers
// (250 MB); extraction stops beyond it so a zip bomb cannot fill the disk.
const maxUnzipped = 262144000

// errZip marks a deployment package that cannot be unpacked.
var errZip = errors.New("invalid zip")

// extractZip unpacks the zip file src into the directory dir. Every write
// goes through an os.Root on dir, so no entry ("../x", an absolute path, a
// file behind a symlink) can land outside it. Unix modes are kept, so a
// bootstrap packaged without its execute bit fails as it does in AWS. Later
// entries (and later layers extracted into the same dir) replace earlier
// ones. budget is decremented by the bytes written.
func extractZip(src, dir string, budget *int64) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return fmt.Errorf("%w: %v", errZip, err)
	}
	defer zr.Close()
	return extractFiles(zr.File, dir, budget)
}

// extractZipBytes is extractZip of a package in memory.
func extractZipBytes(data []byte, dir string, budget *int64) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: %v", errZip, err)
	}
	return extractFiles(zr.File, dir, budget)
}

func extractFiles(files []*zip.File, dir string, budget *int64) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if ok, err := extractParallel(root, files, budget); ok {
		return err
	}
	for _, f := range files {
		name, ok := entryName(f.Name)
		if !ok {
			return fmt.Errorf("%w: entry %q", errZip, f.Name)
		}
		if name == "." {
			continue
		}
		mode := f.Mode()
		if parent := path.Dir(name); parent != "." {
			if err := root.MkdirAll(parent, 0o755); err != nil {
				return fmt.Errorf("%w: %v", errZip, err)
			}
		}
		switch {
		case mode.IsDir():
			if err := root.MkdirAll(name, 0o755); err != nil {
				return fmt.Errorf("%w: %v", errZip, err)
			}
		case mode&fs.ModeSymlink != 0:
			target, err := readSmall(f, 4096)
			if err != nil {
				return fmt.Errorf("%w: %v", errZip, err)
			}
			root.Remove(name)
			// The link itself may point anywhere (AWS packages do); Root
			// refuses to follow it outside dir for later entries.
			if err := root.Symlink(target, name); err != nil {
				return fmt.Errorf("%w: %v", errZip, err)
			}
		case mode.IsRegular():
			if err := writeEntry(root, name, f, mode, budget); err != nil {
				return err
			}
		default:
			// Devices, pipes and sockets have no place in a package.
			continue
		}
	}
	return nil
}

// parallelMin is the number of files from which a package's files are
// written by several goroutines: inflating is CPU-bound, and a Node.js or
// Python package has hundreds of small files.
var parallelMin = 8

// extractParallel writes a package's files on every core when it has many
// and nothing in it depends on order: no name given twice (the later
// entry would win) and no symbolic link (a later entry could be written
// through it). Directories are made first, in order. It reports false
// when the package is not such a one, having written nothing.
func extractParallel(root *os.Root, files []*zip.File, budget *int64) (bool, error) {
	workers := goruntime.GOMAXPROCS(0)
	if workers < 2 || len(files) < parallelMin {
		return false, nil
	}
	names := make([]string, len(files))
	seen := make(map[string]bool, len(files))
	regular := 0
	for i, f := range files {
		name, ok := entryName(f.Name)
		if !ok || seen[name] || f.Mode()&fs.ModeSymlink != 0 {
			return false, nil // the ordered path reports or handles it
		}
		seen[name] = true
		names[i] = name
		if f.Mode().IsRegular() {
			regular++
		}
	}
	if regular < parallelMin {
		return false, nil
	}
	for i, f := range files {
		name := names[i]
		if name == "." {
			continue
		}
		d := path.Dir(name)
		if f.Mode().IsDir() {
			d = name
		}
		if d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return true, fmt.Errorf("%w: %v", errZip, err)
			}
		}
	}
	// Each worker takes the next file; the budget is shared.
	var next atomic.Int64
	var left atomic.Int64
	left.Store(*budget)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range min(workers, regular) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				f := files[i]
				if !f.Mode().IsRegular() {
					continue
				}
				mu.Lock()
				failed := firstErr != nil
				mu.Unlock()
				if failed {
					return
				}
				b := left.Load()
				n, err := writeEntryN(root, names[i], f, f.Mode(), b)
				if err == nil && left.Add(-n) < 0 {
					err = fmt.Errorf("%w: unzipped size exceeds %d bytes", errZip, maxUnzipped)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	*budget = left.Load()
	return true, firstErr
}

// entryName cleans a zip entry name into a relative slash path, refusing
// names that climb out of the archive.
func entryName(n string) (string, bool) {
	n = strings.ReplaceAll(n, "\\", "/")
	n = strings.TrimLeft(n, "/")
	if n == "" {
		return ".", true
	}
	c := path.Clean(n)
	if c == ".." || strings.HasPrefix(c, "../") || strings.ContainsRune(c, 0) {
		return "", false
	}
	return c, true
}

func writeEntry(root *os.Root, name string, f *zip.File, mode fs.FileMode, budget *int64) error {
	n, err := writeEntryN(root, name, f, mode, *budget)
	*budget -= n
	if err == nil && *budget < 0 {
		err = fmt.Errorf("%w: unzipped size exceeds %d bytes", errZip, maxUnzipped)
	}
	return err
}

// writeEntryN writes one file of at most limit bytes and returns how many
// it wrote (limit+1 when it is larger).
func writeEntryN(root *os.Root, name string, f *zip.File, mode fs.FileMode, limit int64) (int64, error) {
	perm := mode.Perm()
	if perm&0o444 == 0 {
		perm |= 0o444
	}
	perm |= 0o200
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errZip, err)
	}
	defer rc.Close()
	root.Remove(name)
	out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_EXCL, perm)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errZip, err)
	}
	// Written in pieces of up to 1 MiB (io.Copy would hand the file's
	// ReadFrom 32 KiB at a time): a 9 MB bootstrap in 9 writes, not 288.
	bp := inflateBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(struct{ io.Writer }{out}, io.LimitReader(rc, limit+1), *bp)
	inflateBufs.Put(bp)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("%w: %v", errZip, err)
	}
	if n > limit {
		return n, nil // the caller's budget goes negative and says so
	}
	// OpenFile's perm is filtered by the umask; set the package's own.
	return n, root.Chmod(name, perm)
}

// inflateBufs are the buffers files are inflated through.
var inflateBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

func readSmall(f *zip.File, limit int64) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return "", err
	}
	if int64(len(b)) > limit {
		return "", errors.New("symlink target too long")
	}
	return string(b), nil
}

// PrepareCode unpacks a deployment package Lambda has just received
// (lambda.CodePreparer), in the background, and returns a channel closed
// when it is unpacked: an invoke of it finds it unpacked, or waits for the
// unpacking under way. A failure is forgotten; the invoke unpacks again
// from the stored package and reports it.
func (r *Runtime) PrepareCode(sha string, data []byte) <-chan struct{} {
	// Claimed now, built in the background: an invoke that comes before
	// the goroutine runs still waits for this build rather than starting
	// its own.
	key := codeKey(sha)
	// A first invoke usually follows new code: its sandbox is made
	// ready meanwhile.
	r.spares.fill(nil)
	e, owner := r.unpacked.claim(key)
	if !owner {
		return e.done
	}
	r.unpacked.mu.Lock()
	e.preparedAt = time.Now()
	r.unpacked.mu.Unlock()
	r.track(func() {
		r.unpacked.build(key, e, func(dir string) error {
			budget := int64(maxUnzipped)
			if err := extractZipBytes(data, dir, &budget); err != nil {
				return err
			}
			r.own(dir) // readable by the sandbox's uid (see own)
			return nil
		})
	})
	return e.done
}

// unpacked caches extracted packages by content: each deployment package
// and each ordered set of layers is extracted once into dir and shared by
// every environment that runs it (they are never written afterwards).
//
// Nothing unpacked is fsynced: the stored package it came from is durable
// (Lambda fsyncs it before committing the function), so an unpacked copy
// can always be made again, and syncing 9 MB of a Go bootstrap would cost
// more than unpacking it. A clean stop syncs the file system and leaves
// cleanMark; a start that does not find it (seki was killed, or the
// machine lost power, and files renamed into place may have lost their
// data) removes what the previous run unpacked, and each package is
// unpacked again from its stored copy when it is next needed.
type unpacked struct {
	dir string
	mu  sync.Mutex
	m   map[string]*unpackEntry
}

type unpackEntry struct {
	done chan struct{}
	path string
	err  error
	// preparedAt is when PrepareCode built it for a function that may not
	// be committed yet, until an environment first gets it (guarded by
	// unpacked.mu); the collector keeps it meanwhile (see codeGrace).
	preparedAt time.Time
}

// get returns the directory holding key's content, building it with build
// on first use. Concurrent callers for one key wait for one build; a
// failed build is forgotten so that a later call tries again.
func (u *unpacked) get(key string, build func(dir string) error) (string, error) {
	e, owner := u.claim(key)
	if owner {
		u.build(key, e, build)
	}
	<-e.done
	return e.path, e.err
}

// claim returns key's entry, and whether the caller is to build it.
func (u *unpacked) claim(key string) (*unpackEntry, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if e, ok := u.m[key]; ok {
		e.preparedAt = time.Time{}
		return e, false
	}
	e := &unpackEntry{done: make(chan struct{})}
	u.m[key] = e
	return e, true
}

func (u *unpacked) build(key string, e *unpackEntry, build func(dir string) error) {
	final := filepath.Join(u.dir, key)
	if _, err := os.Stat(final); err == nil {
		e.path = final
	} else {
		e.path, e.err = buildDir(u.dir, final, build)
	}
	close(e.done)
	if e.err != nil {
		u.mu.Lock()
		delete(u.m, key)
		u.mu.Unlock()
	}
}

// buildDir builds into a temporary directory and renames it into place, so
// a crash never leaves a half-extracted package under its final name.
func buildDir(parent, final string, build func(string) error) (string, error) {
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-")
	if err != nil {
		return "", err
	}
	if err := build(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	os.Chmod(tmp, 0o755)
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(final); serr == nil {
			return final, nil
		}
		return "", err
	}
	return final, nil
}

// codeKey names a deployment package's directory by its content: its
// CodeSha256, which Lambda computed from the package's bytes, so two
// functions (or two versions) with the same package share one directory.
func codeKey(sha string) string {
	h := sha256.Sum256([]byte(sha))
	return "code-" + hex.EncodeToString(h[:16])
}

// specCodeKey is a spec's codeKey; a spec without a CodeSha256 (none that
// Lambda builds) is named by its package's path instead.
func specCodeKey(spec *lambda.FunctionSpec) string {
	if spec.CodeSHA256 == "" {
		return codeKey("path:" + spec.CodePath)
	}
	return codeKey(spec.CodeSHA256)
}

// layersKey names the merged /opt directory of an ordered list of layers.
func layersKey(layers []lambda.LayerSpec) string {
	h := sha256.New()
	for _, l := range layers {
		io.WriteString(h, l.ARN)
		io.WriteString(h, "\x00")
		io.WriteString(h, l.CodeSHA256)
		io.WriteString(h, "\x00")
		io.WriteString(h, l.Path)
		io.WriteString(h, "\x01")
	}
	return "opt-" + hex.EncodeToString(h.Sum(nil)[:16])
}

// linkTree makes dst a copy of the tree src built from hard links (so an
// environment's task directory costs one link per file, not a copy),
// falling back to copying across file systems.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			if rel == "." {
				return os.MkdirAll(target, 0o755)
			}
			return os.Mkdir(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case d.Type().IsRegular():
			if err := os.Link(p, target); err == nil {
				return nil
			}
			return copyFile(p, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// cleanMark, in the unpacked dir, says that the previous run stopped
// cleanly after syncing what it had unpacked.
const cleanMark = ".clean"

// recover keeps what a previous run unpacked only if it stopped cleanly,
// and removes the mark (durably) before anything new is unpacked.
func (u *unpacked) recover() error {
	mark := filepath.Join(u.dir, cleanMark)
	if _, err := os.Stat(mark); err != nil {
		ents, err := os.ReadDir(u.dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if err := os.RemoveAll(filepath.Join(u.dir, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(mark); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(u.dir)
}

// markClean syncs what was unpacked and leaves the mark; where the file
// system cannot be synced the next start unpacks again.
func (u *unpacked) markClean() {
	if syncFS(u.dir) != nil {
		return
	}
	f, err := os.OpenFile(filepath.Join(u.dir, cleanMark), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	f.Close()
	syncDir(u.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
