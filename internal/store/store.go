// Package store is seki's embedded, transactional state: one SQLite database
// (modernc.org/sqlite, no cgo) in WAL mode with synchronous=FULL, plus
// durable blob files beside it. It knows nothing about AWS; each service
// brings its own tables as Migrations and writes its own SQL through Write
// and Read.
//
// Shape: one writer connection, through which every write transaction is
// serialized (SQLite allows one writer at a time, so queueing in Go instead of
// retrying on SQLITE_BUSY is both faster and loss-free), and a pool of
// read-only connections that run concurrently with the writer on WAL
// snapshots. Each connection caches its prepared statements by SQL text.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// FileName is the database file's name inside the data directory.
const FileName = "seki.db"

// busyTimeoutMS bounds how long SQLite itself waits on a lock held by
// another process (or by WAL recovery). Inside one process writers queue in
// Go and never reach SQLite's lock, so this only matters for outside
// interference such as the sqlite3 shell holding a lock.
const busyTimeoutMS = 10000

// journalSizeLimit truncates the WAL file back to this size after a
// checkpoint, so a burst of writes does not leave a large WAL behind that
// the next Open would have to scan during recovery.
const journalSizeLimit = 8 << 20

// readerCacheKiB is each read connection's page cache size in KiB (as the
// negative cache_size SQLite takes).
const readerCacheKiB = -1024

// ErrClosed is returned by Write and Read after Close has been called.
var ErrClosed = errors.New("store: database is closed")

// DB is an open seki database. It is safe for concurrent use.
type DB struct {
	dir   string
	lock  *os.File // advisory lock on the data dir; see lockDir
	blobs *Blobs

	writerDB *sql.DB
	writer   *conn
	// wmu guards the writers' queue: queue holds the writes not yet taken
	// into a group, in arrival order; busy is set while a write leads (runs
	// a group), and then every new write queues behind it. group is the
	// slice reused for the group being committed.
	wmu   sync.Mutex
	queue []*write
	busy  bool
	group []*write
	// commitHook, when set (tests), sees every group after its commit.
	commitHook func(group []*write)
	// wal keeps zeros ahead of the WAL's end (see wal.go); only the
	// leader uses it, after its commit.
	wal *wal

	readerDB *sql.DB
	readerN  int
	// rsem bounds the readers in use; idle holds opened reader connections.
	// Readers are opened lazily so that Open does no more than it must.
	rsem chan struct{}
	idle chan *conn

	// mu guards closed, inflight and drained; drained is closed when
	// inflight drops to zero after Close.
	mu       sync.Mutex
	closed   bool
	inflight int
	drained  chan struct{}
}

// Open opens (creating if needed) dir/seki.db and applies the pending
// migrations. It takes an exclusive advisory lock on dir, so a second
// process (or a second Open in this process) on the same directory fails
// instead of competing for SQLite's write lock.
//
// Open is cheap: it does no work proportional to the amount of data stored.
func Open(ctx context.Context, dir string, migrations []Migration) (_ *DB, err error) {
	if err := validateMigrations(migrations); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: data dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store: data dir: %w", err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	db := &DB{dir: abs, lock: lock}
	defer func() {
		if err != nil {
			db.closeAll()
		}
	}()

	// Commit with fdatasync(2) instead of fsync(2) where the library can:
	// it syncs the data and the file size, so a commit is just as durable,
	// but skips the timestamp update that on ext4 costs a journal commit of
	// its own. The WAL keeps its size between checkpoints (it is rewritten
	// from the start, and journal_size_limit only trims it past 8 MiB), so
	// most commits change no metadata fdatasync must write. SQLite's own
	// builds use fdatasync on Linux; the transpiled library defaults to
	// fsync. Where unavailable (macOS, Windows) it stays fsync.
	_, _ = sqlite.Fdatasync(true)

	path := filepath.Join(abs, FileName)
	db.writerDB, err = sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// The writer pool holds exactly one connection, for the life of the DB.
	db.writerDB.SetMaxOpenConns(1)
	db.writerDB.SetMaxIdleConns(1)
	db.writerDB.SetConnMaxLifetime(0)
	db.writerDB.SetConnMaxIdleTime(0)
	db.writer, err = newConn(ctx, db.writerDB, true)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}

	if err := db.migrate(ctx, migrations); err != nil {
		return nil, err
	}
	db.wal = openWAL(path + "-wal")

	db.readerN = readerPoolSize()
	db.readerDB, err = sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.readerDB.SetMaxOpenConns(db.readerN)
	db.readerDB.SetMaxIdleConns(db.readerN)
	db.readerDB.SetConnMaxLifetime(0)
	db.readerDB.SetConnMaxIdleTime(0)
	db.rsem = make(chan struct{}, db.readerN)
	db.idle = make(chan *conn, db.readerN)

	db.blobs = &Blobs{root: filepath.Join(abs, "blobs")}
	return db, nil
}

// readerPoolSize is how many read connections may be open at once. Reads are
// CPU-bound once pages are cached, so more readers than about twice the
// usable CPUs only adds memory (each connection has its own page cache).
func readerPoolSize() int {
	n := 2 * runtime.GOMAXPROCS(0)
	return min(max(n, 4), 16)
}

// dsn builds the connection string. The path goes in a file: URI so that
// any character in the data dir is escaped properly; modernc.org/sqlite
// reads the _pragma and _txlock parameters, SQLite ignores them.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("vfs", "unix-excl")
	// busy_timeout is applied first by the driver, before the rest.
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		// query_only rather than mode=ro: a read-only open of a WAL database
		// still needs to write the -shm file, and query_only keeps that
		// working while refusing every write statement.
		q.Add("_pragma", "query_only(1)")
		// Each connection has its own page cache; readers share the hot
		// pages through the OS cache anyway, so 1 MiB each (half SQLite's
		// default) keeps a full pool's worst case near 16 MiB.
		q.Add("_pragma", fmt.Sprintf("cache_size(%d)", readerCacheKiB))
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit))
		// BEGIN on the writer takes the write lock at once, so a write
		// transaction cannot fail half way with SQLITE_BUSY on lock upgrade.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Dir is the data directory the database lives in (absolute).
func (db *DB) Dir() string { return db.dir }

// Blobs returns the blob files stored beside the database.
func (db *DB) Blobs() *Blobs { return db.blobs }

// enter registers an operation in flight, or reports ErrClosed.
func (db *DB) enter() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return ErrClosed
	}
	db.inflight++
	return nil
}

func (db *DB) leave() {
	db.mu.Lock()
	db.inflight--
	if db.closed && db.inflight == 0 && db.drained != nil {
		close(db.drained)
		db.drained = nil
	}
	db.mu.Unlock()
}

// Write runs fn in a write transaction on the single writer connection and
// commits it before returning. Concurrent callers queue in arrival order;
// none fails with SQLITE_BUSY. If fn returns an error (or panics) its
// changes are rolled back and the error returned unchanged (the panic
// re-raised). A nil result means fn's changes are committed and synced to
// disk.
//
// Group commit: writes that arrive while a commit is in flight wait for it
// and then share the next transaction, each fn inside its own savepoint, so
// that one sync of the WAL makes all of them durable. Every caller is
// answered only after the commit (and its sync) that covers its fn; a fn
// that fails is rolled back to its savepoint and leaves the others intact;
// if the commit itself fails, every fn in it gets the error and nothing of
// the group is written.
//
// ctx bounds the wait for the writer, and once it is done fn's statements
// fail (see Tx for how). Once fn has returned nil the commit is carried out
// even if ctx is cancelled meanwhile, so that a nil return always means
// durable and an error always means nothing was written.
//
// fn must not call db.Write itself (that would wait for its own
// transaction) and must not keep tx after returning. It should read through
// tx too: db.Read would not see tx's uncommitted changes. It sees the
// changes of the fns before it in its group, as it would had they committed
// just before.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	w := &write{ctx: ctx, fn: fn, wake: make(chan struct{}, 1)}
	db.wmu.Lock()
	db.queue = append(db.queue, w)
	lead := !db.busy
	db.busy = true
	db.wmu.Unlock()
	if !lead {
		select {
		case <-w.wake:
		case <-ctx.Done():
			if db.withdraw(w) {
				return ctx.Err()
			}
			<-w.wake // already taken: its group answers
		}
		if w.state == leading {
			lead = true
		}
	}
	if lead {
		db.lead()
	}
	if w.panicked != nil {
		panic(w.panicked.v)
	}
	return w.err
}

// maxGroup bounds the writes committed together, so that one group's
// latency stays near one commit's.
const maxGroup = 64

// write is one queued Write.
type write struct {
	ctx context.Context
	fn  func(*Tx) error
	// wake receives once: the write is answered, or it is to lead.
	wake     chan struct{}
	state    int // queued, leading, done; guarded by DB.wmu until done
	err      error
	panicked *panicValue
}

const (
	queued = iota
	leading
	done
)

type panicValue struct{ v any }

// withdraw removes a write that is still queued; it reports false when the
// write was already taken into a group (or made leader) and must wait.
func (db *DB) withdraw(w *write) bool {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if w.state != queued {
		return false
	}
	for i, q := range db.queue {
		if q == w {
			db.queue = append(db.queue[:i], db.queue[i+1:]...)
			w.state = done
			return true
		}
	}
	return false
}

// lead commits the queue's first group, answers its writes, and hands the
// lead to the next queued write, if any, so that no caller serves others'
// groups after its own is answered.
func (db *DB) lead() {
	db.wmu.Lock()
	n := min(len(db.queue), maxGroup)
	group := append(db.group[:0], db.queue[:n]...)
	db.queue = append(db.queue[:0], db.queue[n:]...)
	for _, w := range group {
		w.state = done
	}
	db.wmu.Unlock()

	db.commitGroup(group)

	db.wmu.Lock()
	for _, w := range group {
		w.wake <- struct{}{} // never blocks: wake has room for one signal
	}
	db.wmu.Unlock()
	// The writers are answered; keeping the WAL ahead is the leader's
	// alone (an lseek, and now and then 1 MiB of zeros), done while it
	// still holds the writer role: nobody leads until the hand-off below.
	db.wal.keepAhead()

	db.wmu.Lock()
	clear(group)
	db.group = group
	if len(db.queue) > 0 {
		next := db.queue[0]
		next.state = leading
		next.wake <- struct{}{}
	} else {
		db.busy = false
	}
	db.wmu.Unlock()
}

// commitGroup runs group's fns in one transaction on the writer connection
// and records each write's outcome.
func (db *DB) commitGroup(group []*write) {
	if db.writer == nil || db.writer.broken {
		// The last transaction's rollback failed; start afresh.
		if db.writer != nil {
			db.writer.close()
			db.writer = nil
		}
		c, err := newConn(context.Background(), db.writerDB, true)
		if err != nil {
			for _, w := range group {
				w.err = fmt.Errorf("store: reopen writer: %w", err)
			}
			return
		}
		db.writer = c
	}
	db.writer.runGroup(group)
	if db.commitHook != nil {
		db.commitHook(group)
	}
}

// Read runs fn in a read transaction on a read-only connection from a pool.
// Reads run concurrently with each other and with the writer; fn sees one
// consistent snapshot of the database, including every Write that returned
// before Read was called. Write statements fail inside Read.
//
// fn should not call Read or Write: when every pooled reader is held by an
// outer Read waiting for an inner one, none can proceed.
func (db *DB) Read(ctx context.Context, fn func(q *Tx) error) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	c, err := db.getReader(ctx)
	if err != nil {
		return err
	}
	defer db.putReader(c)
	return c.run(ctx, false, fn)
}

func (db *DB) getReader(ctx context.Context) (*conn, error) {
	select {
	case db.rsem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case c := <-db.idle:
		return c, nil
	default:
	}
	c, err := newConn(ctx, db.readerDB, false)
	if err != nil {
		<-db.rsem
		return nil, fmt.Errorf("store: open reader: %w", err)
	}
	return c, nil
}

func (db *DB) putReader(c *conn) {
	if c.broken {
		c.close()
	} else {
		db.idle <- c // never blocks: idle has room for every permitted reader
	}
	<-db.rsem
}

// Close waits for the Reads and Writes in flight (including those queued for
// the writer) to finish, then checkpoints the WAL into the database file and
// closes everything. Calls made after Close starts return ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return ErrClosed
	}
	db.closed = true
	var wait chan struct{}
	if db.inflight > 0 {
		wait = make(chan struct{})
		db.drained = wait
	}
	db.mu.Unlock()
	if wait != nil {
		<-wait
	}
	return db.closeAll()
}

// closeAll releases every resource; it is also the cleanup of a failed Open.
func (db *DB) closeAll() error {
	var errs []error
	if db.idle != nil {
	drain:
		for {
			select {
			case c := <-db.idle:
				c.close()
			default:
				break drain
			}
		}
	}
	if db.readerDB != nil {
		errs = append(errs, db.readerDB.Close())
	}
	if db.writer != nil {
		// With the readers gone, TRUNCATE can copy the whole WAL back and
		// empty it, so the next Open finds nothing to recover. optimize is
		// SQLite's recommended on-close statistics refresh; it is cheap.
		ctx := context.Background()
		if _, err := db.writer.sc.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			errs = append(errs, fmt.Errorf("store: optimize: %w", err))
		}
		if _, err := db.writer.sc.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			errs = append(errs, fmt.Errorf("store: checkpoint: %w", err))
		}
		db.writer.close()
	}
	if db.writerDB != nil {
		errs = append(errs, db.writerDB.Close())
	}
	if db.wal != nil {
		errs = append(errs, db.wal.close())
	}
	if db.lock != nil {
		errs = append(errs, unlockDir(db.lock))
	}
	return errors.Join(errs...)
}
