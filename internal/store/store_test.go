package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testMigrations is a small schema used across the tests: a counter table
// and a parent/child pair to check that foreign keys are enforced.
var testMigrations = []Migration{
	{Component: "test", Version: 1, SQL: `
		CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
		CREATE TABLE acks (id INTEGER PRIMARY KEY, note TEXT NOT NULL);`},
	{Component: "test", Version: 2, SQL: `
		CREATE TABLE parents (id INTEGER PRIMARY KEY);
		CREATE TABLE children (id INTEGER PRIMARY KEY,
			parent INTEGER NOT NULL REFERENCES parents(id));`},
}

func openTest(t testing.TB, dir string, ms []Migration) *DB {
	t.Helper()
	db, err := Open(context.Background(), dir, ms)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestOpenPragmas(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	var mode string
	var fk, sync, busy int
	if err := db.Write(ctx, func(tx *Tx) error {
		if err := tx.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			return err
		}
		if err := tx.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
			return err
		}
		if err := tx.QueryRow("PRAGMA busy_timeout").Scan(&busy); err != nil {
			return err
		}
		return tx.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	}); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 || fk != 1 || busy != busyTimeoutMS {
		t.Errorf("writer: journal_mode=%s synchronous=%d foreign_keys=%d busy_timeout=%d; want wal 2 1 %d",
			mode, sync, fk, busy, busyTimeoutMS)
	}
	var qo int
	if err := db.Read(ctx, func(q *Tx) error {
		if err := q.QueryRow("PRAGMA query_only").Scan(&qo); err != nil {
			return err
		}
		return q.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	}); err != nil {
		t.Fatal(err)
	}
	if qo != 1 || fk != 1 {
		t.Errorf("reader: query_only=%d foreign_keys=%d; want 1 1", qo, fk)
	}
	if _, err := os.Stat(filepath.Join(db.Dir(), FileName)); err != nil {
		t.Error(err)
	}
	// unix-excl keeps the WAL index in process memory: no -shm file, and no
	// fcntl lock per read transaction.
	if _, err := os.Stat(filepath.Join(db.Dir(), FileName+"-shm")); err == nil {
		t.Error("a -shm file exists: the unix-excl VFS is not in use")
	}
	var version string
	db.Read(ctx, func(q *Tx) error { return q.QueryRow("SELECT sqlite_version()").Scan(&version) })
	t.Logf("SQLite %s", version)
}

func TestOpenOddDirName(t *testing.T) {
	// The path goes into a file: URI; characters that mean something there
	// must not truncate or redirect it.
	dir := filepath.Join(t.TempDir(), "a dir?with#odd%chars&_pragma=x")
	db := openTest(t, dir, testMigrations)
	if err := db.Write(context.Background(), func(tx *Tx) error {
		_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (1, 'x')")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatalf("database not where expected: %v", err)
	}
}

func TestWriteThenRead(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *Tx) error {
		if !tx.Writable() {
			t.Error("Write tx not writable")
		}
		_, err := tx.Exec("INSERT INTO counters (name, n) VALUES (?, ?)", "a", 41)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Read(ctx, func(q *Tx) error {
		if q.Writable() {
			t.Error("Read tx writable")
		}
		return q.QueryRow("SELECT n FROM counters WHERE name = ?", "a").Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	if n != 41 {
		t.Fatalf("n = %d, want 41", n)
	}
	err := db.Read(ctx, func(q *Tx) error {
		return q.QueryRow("SELECT n FROM counters WHERE name = ?", "missing").Scan(&n)
	})
	if !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("missing row: %v, want sql.ErrNoRows", err)
	}
}

func TestReadIsReadOnly(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	err := db.Read(context.Background(), func(q *Tx) error {
		_, err := q.Exec("INSERT INTO counters (name, n) VALUES ('x', 1)")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("write inside Read: err = %v, want a read-only error", err)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	err := db.Write(context.Background(), func(tx *Tx) error {
		_, err := tx.Exec("INSERT INTO children (id, parent) VALUES (1, 99)")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("err = %v, want FOREIGN KEY constraint failure", err)
	}
}

func TestWriteErrorRollsBack(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec("INSERT INTO counters (name, n) VALUES ('a', 1)"); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("err = %v, want fn's error unchanged", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic in fn was swallowed")
			}
		}()
		db.Write(ctx, func(tx *Tx) error {
			if _, err := tx.Exec("INSERT INTO counters (name, n) VALUES ('b', 1)"); err != nil {
				return err
			}
			panic("fn panics")
		})
	}()
	// The writer must be free and clean after both.
	var count int
	if err := db.Write(ctx, func(tx *Tx) error {
		return tx.QueryRow("SELECT count(*) FROM counters").Scan(&count)
	}); err != nil {
		t.Fatal(err)
	}
	if count != 0 {
		t.Fatalf("%d rows survived rolled-back transactions", count)
	}
}

func TestTxUnusableAfterReturn(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	var kept *Tx
	if err := db.Write(context.Background(), func(tx *Tx) error { kept = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := kept.Exec("DELETE FROM counters"); !errors.Is(err, ErrTxDone) {
		t.Errorf("Exec after end: %v, want ErrTxDone", err)
	}
	if err := kept.QueryRow("SELECT 1").Scan(new(int)); !errors.Is(err, ErrTxDone) {
		t.Errorf("QueryRow after end: %v, want ErrTxDone", err)
	}
}

func TestRowsLeftOpenAreClosed(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := db.Write(ctx, func(tx *Tx) error {
			if _, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, 'x')", i); err != nil {
				return err
			}
			rows, err := tx.Query("SELECT id FROM acks")
			if err != nil {
				return err
			}
			rows.Next() // left open on purpose
			return nil
		}); err != nil {
			t.Fatalf("commit with open rows: %v", err)
		}
	}
	var n int
	db.Read(ctx, func(q *Tx) error { return q.QueryRow("SELECT count(*) FROM acks").Scan(&n) })
	if n != 3 {
		t.Fatalf("count = %d, want 3", n)
	}
}

func TestStatementCacheReuses(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	const q = "SELECT count(*) FROM counters WHERE n > ?"
	for i := 0; i < 50; i++ {
		if err := db.Write(ctx, func(tx *Tx) error {
			return tx.QueryRow(q, i).Scan(new(int))
		}); err != nil {
			t.Fatal(err)
		}
	}
	first := db.writer.stmts[q]
	if first == nil || len(db.writer.stmts) != 1 {
		t.Fatalf("writer cache has %d statements, want exactly 1", len(db.writer.stmts))
	}
	db.Write(ctx, func(tx *Tx) error { return tx.QueryRow(q, 1).Scan(new(int)) })
	if db.writer.stmts[q] != first {
		t.Fatal("same SQL text was prepared again")
	}
}

func TestStatementCacheBounded(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	for i := 0; i < maxCachedStmts+20; i++ {
		var got int
		if err := db.Write(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(fmt.Sprintf("INSERT INTO acks (id, note) VALUES (%d, 'x')", i)); err != nil {
				return err
			}
			rows, err := tx.Query(fmt.Sprintf("SELECT id FROM acks WHERE id = %d", i))
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				rows.Scan(&got)
			}
			return rows.Err()
		}); err != nil {
			t.Fatal(err)
		}
		if got != i {
			t.Fatalf("i=%d: read back %d", i, got)
		}
	}
	if n := len(db.writer.stmts); n > maxCachedStmts {
		t.Fatalf("cache grew to %d > %d", n, maxCachedStmts)
	}
}

// TestConcurrentIncrements is the lost-update test: many goroutines each
// read a counter in Go and write back n+1. Serialized write transactions
// must make every increment count, with no SQLITE_BUSY along the way, while
// readers run alongside.
func TestConcurrentIncrements(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec("INSERT INTO counters (name, n) VALUES ('c', 0)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const workers, each = 32, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	stopReaders := make(chan struct{})
	var reads atomic.Int64
	var readerWG sync.WaitGroup
	for r := 0; r < 2; r++ {
		readerWG.Go(func() {
			last := -1
			for {
				select {
				case <-stopReaders:
					return
				default:
				}
				var n int
				if err := db.Read(ctx, func(q *Tx) error {
					return q.QueryRow("SELECT n FROM counters WHERE name = 'c'").Scan(&n)
				}); err != nil {
					errs <- fmt.Errorf("read: %w", err)
					return
				}
				if n < last {
					errs <- fmt.Errorf("reader saw counter go back from %d to %d", last, n)
				}
				last = n
				reads.Add(1)
				// Leave the CPUs to the writers now and then: on a small
				// machine spinning readers starve them of a P after each
				// fsync, which only makes the test slow.
				time.Sleep(100 * time.Microsecond)
			}
		})
	}
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				err := db.Write(ctx, func(tx *Tx) error {
					var n int
					if err := tx.QueryRow("SELECT n FROM counters WHERE name = 'c'").Scan(&n); err != nil {
						return err
					}
					_, err := tx.Exec("UPDATE counters SET n = ? WHERE name = 'c'", n+1)
					return err
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(stopReaders)
	readerWG.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	if err := db.Read(ctx, func(q *Tx) error {
		return q.QueryRow("SELECT n FROM counters WHERE name = 'c'").Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	if n != workers*each {
		t.Fatalf("counter = %d, want %d: updates were lost", n, workers*each)
	}
	t.Logf("%d increments, %d concurrent reads", n, reads.Load())
}

func TestQueuedWriteHonoursContext(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	hold, release := make(chan struct{}), make(chan struct{})
	go db.Write(context.Background(), func(tx *Tx) error {
		close(hold)
		<-release
		return nil
	})
	<-hold
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ran := false
	err := db.Write(ctx, func(tx *Tx) error { ran = true; return nil })
	if !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("queued Write: err=%v ran=%v, want DeadlineExceeded without running", err, ran)
	}
}

func TestCancelInterruptsRunningStatement(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := db.Read(ctx, func(q *Tx) error {
		// Counts to a billion: minutes, unless interrupted.
		return q.QueryRowContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 1000000000)
			SELECT count(*) FROM c`).Scan(new(int))
	})
	if err == nil {
		t.Fatal("long query was not interrupted")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("interrupt took %v", d)
	}
	// The reader that was interrupted must be usable again.
	for i := 0; i < 2*db.readerN; i++ {
		if err := db.Read(context.Background(), func(q *Tx) error {
			return q.QueryRow("SELECT count(*) FROM acks").Scan(new(int))
		}); err != nil {
			t.Fatalf("read after interrupt: %v", err)
		}
	}
	// Same for the writer: a cancelled statement rolls the transaction back.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	err = db.Write(ctx2, func(tx *Tx) error {
		if _, err := tx.Exec("INSERT INTO acks (id, note) VALUES (1, 'x')"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx2, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 1000000000)
			INSERT INTO counters SELECT 'k' || x, x FROM c`)
		return err
	})
	if err == nil {
		t.Fatal("long write was not interrupted")
	}
	var n int
	if err := db.Write(context.Background(), func(tx *Tx) error {
		return tx.QueryRow("SELECT (SELECT count(*) FROM acks) + (SELECT count(*) FROM counters)").Scan(&n)
	}); err != nil {
		t.Fatalf("write after interrupt: %v", err)
	}
	if n != 0 {
		t.Fatalf("%d rows of an interrupted transaction survived", n)
	}
}

func TestCancelStopsAtNextStatement(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx, cancel := context.WithCancel(context.Background())
	var second error
	err := db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec("INSERT INTO acks (id, note) VALUES (1, 'x')"); err != nil {
			return err
		}
		cancel() // the request goes away half way
		_, second = tx.Exec("INSERT INTO acks (id, note) VALUES (2, 'x')")
		return second
	})
	if !errors.Is(second, context.Canceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("statement after cancel: %v; Write: %v; want context.Canceled", second, err)
	}
	var n int
	db.Read(context.Background(), func(q *Tx) error { return q.QueryRow("SELECT count(*) FROM acks").Scan(&n) })
	if n != 0 {
		t.Fatalf("%d rows of a cancelled transaction survived", n)
	}
}

func TestCloseWaitsForQueuedWrites(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(context.Background(), dir, testMigrations)
	if err != nil {
		t.Fatal(err)
	}
	hold, release := make(chan struct{}), make(chan struct{})
	results := make(chan error, 10)
	go func() {
		results <- db.Write(context.Background(), func(tx *Tx) error {
			close(hold)
			<-release
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (0, 'first')")
			return err
		})
	}()
	<-hold
	// Queue more writes behind the held one.
	for i := 1; i <= 5; i++ {
		go func() {
			results <- db.Write(context.Background(), func(tx *Tx) error {
				_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, 'queued')", i)
				return err
			})
		}()
	}
	// Let them reach the queue. Without this they might see ErrClosed,
	// which is also correct, just not what this test is about.
	time.Sleep(50 * time.Millisecond)
	closed := make(chan error)
	go func() { closed <- db.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a write was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := db.Write(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close began: %v, want ErrClosed", err)
	}
	if err := db.Read(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close began: %v, want ErrClosed", err)
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	acked := 0
	for i := 0; i < 6; i++ {
		if err := <-results; err == nil {
			acked++
		} else if !errors.Is(err, ErrClosed) {
			t.Errorf("queued write: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+"-wal")); err == nil {
		if fi, _ := os.Stat(filepath.Join(dir, FileName+"-wal")); fi.Size() != 0 {
			t.Errorf("WAL not checkpointed on Close: %d bytes", fi.Size())
		}
	}
	db2 := openTest(t, dir, testMigrations)
	var n int
	db2.Read(context.Background(), func(q *Tx) error { return q.QueryRow("SELECT count(*) FROM acks").Scan(&n) })
	if n != acked || acked < 1 {
		t.Fatalf("%d rows after reopen, %d writes acknowledged", n, acked)
	}
	if err := db.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
}

func TestOpenLocksDir(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testMigrations)
	if _, err := Open(context.Background(), dir, testMigrations); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	db.Close()
	db2, err := Open(context.Background(), dir, testMigrations)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	db2.Close()
}

func TestReaderPoolBounded(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	var inside, peak atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 4*db.readerN; i++ {
		wg.Go(func() {
			err := db.Read(context.Background(), func(q *Tx) error {
				n := inside.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(5 * time.Millisecond)
				inside.Add(-1)
				return q.QueryRow("SELECT 1").Scan(new(int))
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := int(peak.Load()); p > db.readerN || p < 2 {
		t.Fatalf("peak concurrent readers %d, pool size %d", p, db.readerN)
	}
	if n := len(db.idle); n > db.readerN {
		t.Fatalf("%d idle readers > pool %d", n, db.readerN)
	}
}

func TestConstraintErrors(t *testing.T) {
	ms := append(testMigrations[:2:2], Migration{Component: "test", Version: 3,
		SQL: "CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE)"})
	db := openTest(t, t.TempDir(), ms)
	ctx := context.Background()
	insert := func(id, name string) error {
		return db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec("INSERT INTO users (id, name) VALUES (?, ?)", id, name)
			return err
		})
	}
	if err := insert("u1", "Alice"); err != nil {
		t.Fatal(err)
	}
	if err := insert("u2", "alice"); !IsUniqueViolation(err) {
		t.Errorf("case-insensitive duplicate name: %v, want unique violation", err)
	}
	if err := insert("u1", "Bob"); !IsUniqueViolation(err) {
		t.Errorf("duplicate primary key: %v, want unique violation", err)
	}
	err := db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec("INSERT INTO children (id, parent) VALUES (1, 2)")
		return err
	})
	if !IsForeignKeyViolation(err) || IsUniqueViolation(err) {
		t.Errorf("dangling reference: %v, want foreign key violation only", err)
	}
	if IsUniqueViolation(errors.New("UNIQUE constraint failed")) || IsUniqueViolation(nil) {
		t.Error("IsUniqueViolation matched a non-SQLite error")
	}
}
