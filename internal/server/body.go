package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/seki-dev/seki/internal/protocol"
)

// Request bodies are read before their signature can be checked (the
// signature covers the body's hash), so a client without credentials can
// make seki read whatever it sends. bodies keeps that cheap: a body is
// hashed while it streams in, held in memory only while it is small and the
// shared memory budget allows, and otherwise spilled to a file in the data
// dir. Only an authenticated request's body is loaded whole into memory,
// and only within the budget.
type bodies struct {
	dir    string     // spill files; private to seki (0700)
	budget *byteQuota // bytes of request bodies held in memory
	// small is the most a body may hold in memory before it is verified.
	small int64
}

// Memory bounds of request bodies.
const (
	// bodyMemoryBudget bounds the bytes of all request bodies held in
	// memory at once; authenticated requests wait for room. It fits the
	// largest body (Lambda's 70 MB) twice.
	bodyMemoryBudget = 160 << 20
	// smallBody is the most a body keeps in memory before its signature is
	// checked; everything larger is spilled to disk while it is hashed.
	smallBody = 256 << 10
)

// spoolDir is the data dir's directory of request bodies in flight.
const spoolDir = "spool"

func newBodies(dataDir string) (*bodies, error) {
	dir := filepath.Join(dataDir, spoolDir)
	// Files left by a crash are garbage: the requests they belonged to are
	// gone.
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &bodies{dir: dir, budget: newByteQuota(bodyMemoryBudget), small: smallBody}, nil
}

// body is one request body on its way in.
type body struct {
	b    *bodies
	buf  []byte   // the body while it is in memory
	held int64    // budget held for buf
	f    *os.File // the body once spilled
	n    int64    // bytes read
	sha  hash.Hash
	// stream, when the service streams this body, takes the bytes
	// instead of keep (it keeps what the decoder is to read).
	stream protocol.BodyStream
	// err is why the body could not be read whole: errBodyTooLarge or a
	// read error. The request must then be refused whatever its signature.
	err error
}

var errBodyTooLarge = errors.New("request body too large")

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// read consumes r up to limit bytes, hashing it, and returns the body's hex
// SHA-256. declared is the Content-Length (-1 when unknown). stream (nil
// for none) may return a protocol.BodyStream to take a body of known size
// as it arrives, given the function that keeps bytes as the body.
func (b *bodies) read(r io.Reader, declared, limit int64, stream func(keep func([]byte) error) protocol.BodyStream) *body {
	bd := &body{b: b, sha: sha256.New()}
	if declared > limit {
		bd.err = errBodyTooLarge
		return bd
	}
	if stream != nil && declared > 0 {
		bd.stream = stream(bd.keep)
	}
	if bd.stream == nil && declared >= 0 && declared <= b.small && b.budget.tryAcquire(declared) {
		bd.held = declared
		bd.buf = make([]byte, 0, declared)
	}
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if bd.n+int64(n) > limit {
				bd.err = errBodyTooLarge
				return bd
			}
			bd.sha.Write(buf[:n])
			var werr error
			if bd.stream != nil {
				werr = bd.stream.Write(buf[:n])
			} else {
				werr = bd.keep(buf[:n])
			}
			if werr != nil {
				bd.err = werr
				return bd
			}
			bd.n += int64(n)
		}
		if err == io.EOF {
			if bd.stream != nil {
				bd.err = bd.stream.End()
			}
			return bd
		}
		if err != nil {
			bd.err = err
			return bd
		}
	}
}

// keep stores p in memory while the body is small and the budget has
// room, and in the spill file from then on.
func (bd *body) keep(p []byte) error {
	if bd.f == nil {
		need := int64(len(bd.buf) + len(p))
		if need <= bd.b.small {
			if extra := need - bd.held; extra <= 0 || bd.b.budget.tryAcquire(extra) {
				bd.held = max(bd.held, need)
				bd.buf = append(bd.buf, p...)
				return nil
			}
		}
		f, err := os.CreateTemp(bd.b.dir, "body-")
		if err != nil {
			return err
		}
		bd.f = f
		if _, err := f.Write(bd.buf); err != nil {
			return err
		}
		bd.release()
		bd.buf = nil
	}
	_, err := bd.f.Write(p)
	return err
}

// hash is the hex SHA-256 of what was read.
func (bd *body) hash() string {
	// Arrays rather than EncodeToString(Sum(nil)): one allocation, the
	// string, on every signed request.
	var sum [sha256.Size]byte
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], bd.sha.Sum(sum[:0]))
	return string(out[:])
}

// bytes returns the whole body in memory, waiting for room in the budget.
// Call it only for an authenticated request.
func (bd *body) bytes(ctx context.Context) ([]byte, error) {
	if bd.f == nil {
		return bd.buf, nil
	}
	if err := bd.b.budget.acquire(ctx, bd.n); err != nil {
		return nil, err
	}
	bd.held = bd.n
	out := make([]byte, bd.n)
	if _, err := bd.f.ReadAt(out, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return out, nil
}

// close releases the body's memory budget and removes its spill file.
func (bd *body) close() {
	if bd == nil {
		return
	}
	bd.release()
	if bd.stream != nil {
		bd.stream.Close()
	}
	if bd.f != nil {
		bd.f.Close()
		os.Remove(bd.f.Name())
		bd.f = nil
	}
}

func (bd *body) release() {
	if bd.held > 0 {
		bd.b.budget.release(bd.held)
		bd.held = 0
	}
}

// byteQuota is a counting semaphore of bytes. Waiters are served in
// order, so a large body is not starved by a stream of small ones.
type byteQuota struct {
	mu      sync.Mutex
	free    int64
	size    int64
	waiters []quotaWaiter
}

type quotaWaiter struct {
	n     int64
	ready chan struct{}
}

func newByteQuota(n int64) *byteQuota { return &byteQuota{free: n, size: n} }

// TryAcquire and Release are tryAcquire and release for a service's body
// stream (protocol.Memory).
func (q *byteQuota) TryAcquire(n int64) bool { return q.tryAcquire(n) }
func (q *byteQuota) Release(n int64)         { q.release(n) }

func (q *byteQuota) tryAcquire(n int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiters) == 0 && n <= q.free {
		q.free -= n
		return true
	}
	return false
}

// acquire waits until n bytes are free. A request for more than the whole
// quota waits for all of it.
func (q *byteQuota) acquire(ctx context.Context, n int64) error {
	n = min(n, q.size)
	q.mu.Lock()
	if len(q.waiters) == 0 && n <= q.free {
		q.free -= n
		q.mu.Unlock()
		return nil
	}
	w := quotaWaiter{n: n, ready: make(chan struct{})}
	q.waiters = append(q.waiters, w)
	q.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		q.mu.Lock()
		select {
		case <-w.ready:
			// Granted meanwhile: give it back.
			q.free += n
		default:
			for i, o := range q.waiters {
				if o.ready == w.ready {
					q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
					break
				}
			}
		}
		q.grant()
		q.mu.Unlock()
		return ctx.Err()
	}
}

func (q *byteQuota) release(n int64) {
	q.mu.Lock()
	q.free += min(n, q.size)
	q.grant()
	q.mu.Unlock()
}

// grant wakes waiters in order while they fit. q.mu is held.
func (q *byteQuota) grant() {
	for len(q.waiters) > 0 && q.waiters[0].n <= q.free {
		w := q.waiters[0]
		q.waiters = q.waiters[1:]
		q.free -= w.n
		close(w.ready)
	}
}
