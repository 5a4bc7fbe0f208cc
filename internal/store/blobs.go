package store

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Blob names: slash-separated segments of [A-Za-z0-9._-], none starting with
// a dot. That rules out "", ".", "..", absolute paths, backslashes and
// hidden files (the temp files Put writes are dot-files, so no name can
// collide with one).
const (
	maxBlobName    = 1024
	maxBlobSegment = 255
	maxBlobDepth   = 16
	tempPrefix     = ".tmp-"
	copyBufferSize = 256 << 10
)

// ErrInvalidName is returned (wrapped) for a blob name that could escape the
// blob directory or is otherwise not allowed.
var ErrInvalidName = errors.New("invalid blob name")

// Blobs stores content files (function zips, layer zips, S3 objects) under
// the data directory's blobs/ folder. Names are chosen by the caller, e.g.
// "s3/<id>"; a Put is atomic and durable, so a name either refers to the
// complete old content or the complete new one, never to a partial file.
//
// The usual order for a service is Put, then Write the row that refers to
// the blob; on delete, Write first, then Remove. A crash between the two
// leaves an unreferenced file, never a row pointing at nothing.
type Blobs struct {
	root string
	bufs sync.Pool // of *[]byte, copyBufferSize each

	// active holds the temp files of Puts in progress, which
	// RemoveStaleTemp must leave alone. (File times cannot tell them apart
	// reliably: the file system clock is coarser than time.Now.)
	mu     sync.Mutex
	active map[string]struct{}
}

// BlobInfo describes content written by Put, hashed while it streamed.
type BlobInfo struct {
	Size int64
	// SHA256 and MD5 are lowercase hex digests (S3's ETag is the MD5 hex).
	SHA256, MD5 string
	// SHA256Sum and MD5Sum are the raw digests, for base64 forms such as
	// Lambda's CodeSha256 and S3's checksum headers.
	SHA256Sum [sha256.Size]byte
	MD5Sum    [md5.Size]byte
}

// ValidBlobName reports whether name is an acceptable blob name, and why not.
func ValidBlobName(name string) error {
	if name == "" || len(name) > maxBlobName {
		return fmt.Errorf("store: %w %q: length must be 1..%d", ErrInvalidName, name, maxBlobName)
	}
	depth := 0
	for seg := range strings.SplitSeq(name, "/") {
		depth++
		if depth > maxBlobDepth {
			return fmt.Errorf("store: %w %q: more than %d segments", ErrInvalidName, name, maxBlobDepth)
		}
		if seg == "" || len(seg) > maxBlobSegment {
			return fmt.Errorf("store: %w %q: empty or overlong segment", ErrInvalidName, name)
		}
		if seg[0] == '.' {
			return fmt.Errorf("store: %w %q: a segment may not start with '.'", ErrInvalidName, name)
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
				return fmt.Errorf("store: %w %q: character %q not allowed", ErrInvalidName, name, c)
			}
		}
	}
	return nil
}

func (b *Blobs) path(name string) (string, error) {
	if err := ValidBlobName(name); err != nil {
		return "", err
	}
	return filepath.Join(b.root, filepath.FromSlash(name)), nil
}

// Path returns the file path of the blob name, or "" if name is invalid. The
// file may not exist. It is for readers that need a path (the runtime unzips
// function code from it); it must not be written to.
func (b *Blobs) Path(name string) string {
	p, err := b.path(name)
	if err != nil {
		return ""
	}
	return p
}

// Put streams r into the blob name, replacing any previous content
// atomically. It writes a temporary file in the same directory, fsyncs it,
// renames it into place and fsyncs the directory, so once Put returns the
// blob survives a crash. On error nothing changes.
func (b *Blobs) Put(name string, r io.Reader) (info BlobInfo, err error) {
	sh, mh := sha256.New(), md5.New()
	err = b.put(name, func(f *os.File) error {
		bp, _ := b.bufs.Get().(*[]byte)
		if bp == nil {
			buf := make([]byte, copyBufferSize)
			bp = &buf
		}
		n, err := io.CopyBuffer(io.MultiWriter(f, sh, mh), r, *bp)
		b.bufs.Put(bp)
		info.Size = n
		return err
	})
	if err != nil {
		return BlobInfo{}, err
	}
	sh.Sum(info.SHA256Sum[:0])
	mh.Sum(info.MD5Sum[:0])
	info.SHA256 = hex.EncodeToString(info.SHA256Sum[:])
	info.MD5 = hex.EncodeToString(info.MD5Sum[:])
	return info, nil
}

// Write is Put of content the caller holds whole and has no use for
// digests of (it knows its own): one write, no hashing, as durable. For
// Lambda's 9 MB packages the MD5 and SHA-256 that Put computes cost more
// than the write.
func (b *Blobs) Write(name string, data []byte) error {
	return b.put(name, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// put writes the blob name with fill into a temporary file, fsyncs it,
// renames it into place and fsyncs the directory.
func (b *Blobs) put(name string, fill func(f *os.File) error) (err error) {
	final, err := b.path(name)
	if err != nil {
		return err
	}
	dir := filepath.Dir(final)
	if err := b.mkdirs(dir); err != nil {
		return fmt.Errorf("store: put %s: %w", name, err)
	}
	f, tmp, err := b.createTemp(dir)
	if err != nil {
		return fmt.Errorf("store: put %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
		b.mu.Lock()
		delete(b.active, tmp)
		b.mu.Unlock()
	}()
	if err = fill(f); err != nil {
		return fmt.Errorf("store: put %s: %w", name, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("store: put %s: sync: %w", name, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("store: put %s: %w", name, err)
	}
	if err = os.Rename(tmp, final); err != nil {
		return fmt.Errorf("store: put %s: %w", name, err)
	}
	if err = syncDir(dir); err != nil {
		// The content is in place but its directory entry may not be durable
		// yet; report it, since the caller must not acknowledge the write.
		return fmt.Errorf("store: put %s: sync dir: %w", name, err)
	}
	return nil
}

// createTemp creates a new temp file in dir, registered as active before it
// exists so that RemoveStaleTemp can never take it for a crash's leftover.
// The caller removes it from active when done.
func (b *Blobs) createTemp(dir string) (*os.File, string, error) {
	for range 10 {
		tmp := filepath.Join(dir, tempPrefix+rand.Text())
		b.mu.Lock()
		if b.active == nil {
			b.active = map[string]struct{}{}
		}
		b.active[tmp] = struct{}{}
		b.mu.Unlock()
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return f, tmp, nil
		}
		b.mu.Lock()
		delete(b.active, tmp)
		b.mu.Unlock()
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", err
		}
	}
	return nil, "", errors.New("could not create a unique temp file")
}

// mkdirs creates dir and its missing parents down from the blob root,
// fsyncing each parent whose entries changed, so that a new directory is as
// durable as the file put into it.
func (b *Blobs) mkdirs(dir string) error {
	rel, err := filepath.Rel(filepath.Dir(b.root), dir)
	if err != nil {
		return err
	}
	cur := filepath.Dir(b.root)
	for seg := range strings.SplitSeq(rel, string(filepath.Separator)) {
		parent := cur
		cur = filepath.Join(cur, seg)
		err := os.Mkdir(cur, 0o700)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := syncDir(parent); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open opens the blob name for reading. A missing blob is an error matching
// fs.ErrNotExist.
func (b *Blobs) Open(name string) (*os.File, error) {
	p, err := b.path(name)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Remove deletes the blob name. A missing blob is an error matching
// fs.ErrNotExist. The removal is not fsynced: if it is lost in a crash the
// file is merely unreferenced (see the ordering advice on Blobs).
func (b *Blobs) Remove(name string) error {
	p, err := b.path(name)
	if err != nil {
		return err
	}
	return os.Remove(p)
}

// RemoveStaleTemp deletes temporary files left by Puts that a crash
// interrupted, and returns how many it removed. It walks the whole blob
// tree, so Open does not call it: run it in the background after startup.
// Puts in progress in this process are not disturbed, and the data dir lock
// rules out another process's.
func (b *Blobs) RemoveStaleTemp() (int, error) {
	removed := 0
	err := filepath.WalkDir(b.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		b.mu.Lock()
		_, busy := b.active[p]
		b.mu.Unlock()
		if !busy {
			if err := os.Remove(p); err == nil {
				removed++
			}
		}
		return nil
	})
	return removed, err
}
