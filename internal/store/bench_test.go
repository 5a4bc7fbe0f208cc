package store

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchTables stands in for the services' tables: six of them, each with a
// text primary key, a secondary index and a JSON-ish payload, like the IAM,
// Lambda, S3, DynamoDB and Logs tables will be.
const benchTables = 6

func benchMigrations() []Migration {
	ms := []Migration{{Component: "bench", Version: 1, SQL: `
		CREATE TABLE kv (id INTEGER PRIMARY KEY, name TEXT NOT NULL, val INTEGER NOT NULL)`}}
	for i := range benchTables {
		ms = append(ms, Migration{Component: fmt.Sprintf("svc%d", i), Version: 1, SQL: fmt.Sprintf(`
			CREATE TABLE t%[1]d (
				account TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE, arn TEXT NOT NULL,
				created TEXT NOT NULL, doc TEXT NOT NULL,
				PRIMARY KEY (account, name)) WITHOUT ROWID;
			CREATE UNIQUE INDEX t%[1]d_arn ON t%[1]d(arn);`, i)})
	}
	return ms
}

// fillBench writes rows rows into kv and into each service table.
func fillBench(tb testing.TB, db *DB, rows int) {
	tb.Helper()
	ctx := context.Background()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	if err := db.Write(ctx, func(tx *Tx) error {
		for i := 1; i <= rows; i++ {
			if _, err := tx.Exec("INSERT INTO kv (id, name, val) VALUES (?, ?, ?)", i, "name-"+strconv.Itoa(i), i); err != nil {
				return err
			}
			for t := range benchTables {
				name := fmt.Sprintf("entity-%06d", i)
				if _, err := tx.Exec(fmt.Sprintf("INSERT INTO t%d (account, name, arn, created, doc) VALUES (?, ?, ?, ?, ?)", t),
					"000000000000", name, "arn:aws:iam::000000000000:role/"+name, "2025-01-01T00:00:00Z", doc); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
}

func benchDB(b *testing.B, rows int) *DB {
	b.Helper()
	db := openTest(b, b.TempDir(), benchMigrations())
	fillBench(b, db, rows)
	return db
}

// BenchmarkReadPoint is one Read transaction doing one primary-key lookup,
// the shape of most GetXxx handlers. "cancellable" uses a context with a
// Done channel, as an HTTP request's is; the driver then watches it per
// statement.
func BenchmarkReadPoint(b *testing.B) {
	db := benchDB(b, 10_000)
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"ctx=background", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
		{"ctx=cancellable", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx, cancel := tc.ctx()
			defer cancel()
			b.ReportAllocs()
			var name string
			var val int64
			i := 0
			for b.Loop() {
				i++
				id := i%10_000 + 1
				if err := db.Read(ctx, func(q *Tx) error {
					return q.QueryRow("SELECT name, val FROM kv WHERE id = ?", id).Scan(&name, &val)
				}); err != nil {
					b.Fatal(err)
				}
			}
			if val == 0 {
				b.Fatal("nothing read")
			}
		})
	}
}

// BenchmarkReadPointParallel runs point reads from GOMAXPROCS goroutines.
func BenchmarkReadPointParallel(b *testing.B) {
	db := benchDB(b, 10_000)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var name string
		var val int64
		i := 0
		for pb.Next() {
			i++
			if err := db.Read(ctx, func(q *Tx) error {
				return q.QueryRow("SELECT name, val FROM kv WHERE id = ?", i%10_000+1).Scan(&name, &val)
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkWriteRow is one Write transaction updating one row: bounded by
// the fsync of the WAL that synchronous=FULL does at every commit.
func BenchmarkWriteRow(b *testing.B) {
	db := benchDB(b, 10_000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec("UPDATE kv SET val = val + 1 WHERE id = ?", i%10_000+1)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteRowParallel queues writes from many goroutines (4 per CPU):
// the throughput of the one writer.
func BenchmarkWriteRowParallel(b *testing.B) {
	db := benchDB(b, 10_000)
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		i := 0
		for pb.Next() {
			i++
			if err := db.Write(ctx, func(tx *Tx) error {
				_, err := tx.Exec("UPDATE kv SET val = val + 1 WHERE id = ?", i%10_000+1)
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpen times Open alone (Close is excluded) on: a new empty dir; a
// cleanly closed DB with 10,000 rows in each of 7 tables; and a crash image
// of the same (a copy of the files taken while open, WAL not checkpointed),
// which is what a restart after kill -9 finds.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	ms := benchMigrations()
	report := func(b *testing.B, total time.Duration) {
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/open")
	}
	b.Run("empty", func(b *testing.B) {
		b.ReportAllocs()
		var total time.Duration
		for i := 0; i < b.N; i++ {
			dir := filepath.Join(b.TempDir(), "data")
			start := time.Now()
			db, err := Open(ctx, dir, ms)
			total += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
		report(b, total)
	})

	// Build the 10k-row DB once; keep a crash image of it too.
	src := b.TempDir()
	db, err := Open(ctx, src, ms)
	if err != nil {
		b.Fatal(err)
	}
	fillBench(b, db, 10_000)
	// A few thousand small writes leave a WAL for the crash image.
	for i := range 3000 {
		db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec("UPDATE kv SET val = val + 1 WHERE id = ?", i+1)
			return err
		})
	}
	crash := b.TempDir()
	for _, f := range []string{FileName, FileName + "-wal"} {
		copyFile(b, filepath.Join(src, f), filepath.Join(crash, f))
	}
	walInfo, _ := os.Stat(filepath.Join(crash, FileName+"-wal"))
	db.Close()
	dbInfo, _ := os.Stat(filepath.Join(src, FileName))

	b.Run("10k-rows", func(b *testing.B) {
		b.ReportAllocs()
		b.ReportMetric(float64(dbInfo.Size())/1e6, "MB-db")
		var total time.Duration
		for i := 0; i < b.N; i++ {
			start := time.Now()
			db, err := Open(ctx, src, ms)
			total += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
		report(b, total)
	})
	b.Run("10k-rows-after-crash", func(b *testing.B) {
		b.ReportAllocs()
		b.ReportMetric(float64(walInfo.Size())/1e6, "MB-wal")
		var total time.Duration
		for i := 0; i < b.N; i++ {
			dir := b.TempDir()
			for _, f := range []string{FileName, FileName + "-wal"} {
				copyFile(b, filepath.Join(crash, f), filepath.Join(dir, f))
			}
			start := time.Now()
			db, err := Open(ctx, dir, ms)
			if err == nil {
				// The first read does WAL recovery, so time it too.
				err = db.Read(ctx, func(q *Tx) error {
					return q.QueryRow("SELECT val FROM kv WHERE id = 1").Scan(new(int))
				})
			}
			total += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
		report(b, total)
	})
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	in, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	out.Close()
}

// BenchmarkProcessStartToOpen measures what the 100 ms startup budget is
// about: from starting a process (this test binary, re-executed) until it
// has opened the store with 10,000 rows per table and said so on stdout.
// The process's own start-up (runtime, package init of the test binary) is
// included; a DB query is not. The child then reads from every pooled reader
// and reports its RSS (the store's share of the idle memory budget, plus
// the test binary's).
func BenchmarkProcessStartToOpen(b *testing.B) {
	ctx := context.Background()
	for _, rows := range []int{0, 10_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			dir := b.TempDir()
			db, err := Open(ctx, dir, testMigrations)
			if err != nil {
				b.Fatal(err)
			}
			if err := db.Write(ctx, func(tx *Tx) error {
				for i := 1; i <= rows; i++ {
					if _, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, ?)", i, "note"); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			db.Close()
			var total time.Duration
			maxRSS := 0
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), envChild+"=open", envDir+"="+dir)
				out, _ := cmd.StdoutPipe()
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				start := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				br := bufio.NewReader(out)
				line, _ := br.ReadString('\n')
				total += time.Since(start)
				if line != "ready\n" {
					b.Fatalf("child: %q %s", line, stderr.String())
				}
				rss, _ := br.ReadString('\n')
				cmd.Wait()
				if kb, err := strconv.Atoi(strings.TrimSpace(rss)); err == nil {
					maxRSS = max(maxRSS, kb)
				}
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/start")
			if maxRSS > 0 {
				b.ReportMetric(float64(maxRSS)/1024, "MB-rss-after-reads")
			}
		})
	}
}

// BenchmarkBlobPut writes a blob durably (temp file, fsync, rename, fsync
// dir) while hashing it with SHA-256 and MD5.
func BenchmarkBlobPut(b *testing.B) {
	db := openTest(b, b.TempDir(), nil)
	for _, size := range []int{1 << 10, 1 << 20, 16 << 20} {
		b.Run(fmt.Sprintf("size=%dKiB", size>>10), func(b *testing.B) {
			content := bytes.Repeat([]byte{0x5e}, size)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			i := 0
			for b.Loop() {
				i++
				if _, err := db.Blobs().Put("bench/"+strconv.Itoa(i%64), bytes.NewReader(content)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
