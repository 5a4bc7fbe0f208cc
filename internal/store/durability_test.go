package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The durability tests re-execute this test binary as a child process that
// streams writes and prints the id of each one Write (or Put) acknowledged.
// The parent kills it with SIGKILL mid-stream, reopens the store and checks
// that every acknowledged id is there.
const (
	envChild = "SEKI_STORE_CHILD"
	envDir   = "SEKI_STORE_DIR"
	envBase  = "SEKI_STORE_BASE"
)

func TestMain(m *testing.M) {
	switch os.Getenv(envChild) {
	case "":
		os.Exit(m.Run())
	case "writes":
		childWrites()
	case "blobs":
		childBlobs()
	case "open":
		childOpen()
	case "synced":
		childSynced()
	default:
		fmt.Fprintln(os.Stderr, "unknown child mode")
		os.Exit(2)
	}
}

func childFail(err error) {
	fmt.Fprintln(os.Stderr, "child:", err)
	os.Exit(3)
}

// childStream runs write(id) from several goroutines with increasing ids
// starting after SEKI_STORE_BASE, printing each id once write returns nil,
// until it is killed (or a minute passes, should the parent be gone).
func childStream(write func(db *DB, id int64) error) {
	db, err := Open(context.Background(), os.Getenv(envDir), testMigrations)
	if err != nil {
		childFail(err)
	}
	base, _ := strconv.ParseInt(os.Getenv(envBase), 10, 64)
	var next atomic.Int64
	next.Store(base)
	var out sync.Mutex
	for range 4 {
		go func() {
			for {
				id := next.Add(1)
				if err := write(db, id); err != nil {
					childFail(err)
				}
				out.Lock()
				// One write(2) per line; a pipe write this small is atomic.
				os.Stdout.WriteString(strconv.FormatInt(id, 10) + "\n")
				out.Unlock()
			}
		}()
	}
	time.Sleep(time.Minute)
	os.Exit(4)
}

func childWrites() {
	childStream(func(db *DB, id int64) error {
		return db.Write(context.Background(), func(tx *Tx) error {
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, ?)", id, "ack-"+strconv.FormatInt(id, 10))
			return err
		})
	})
}

// blobContent is the deterministic content of blob id: 1 byte to ~200 KiB.
func blobContent(id int64) []byte {
	r := rand.New(rand.NewPCG(uint64(id), 42))
	b := make([]byte, 1+(id*7919)%200_000)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func blobName(id int64) string { return "dur/" + strconv.FormatInt(id, 10) }

// childBlobs does what a service does: Put the content, then Write the row
// that refers to it (with its digest), then acknowledge.
func childBlobs() {
	childStream(func(db *DB, id int64) error {
		info, err := db.Blobs().Put(blobName(id), bytes.NewReader(blobContent(id)))
		if err != nil {
			return err
		}
		return db.Write(context.Background(), func(tx *Tx) error {
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, ?)", id, info.SHA256)
			return err
		})
	})
}

// childOpen opens the store and says so; BenchmarkProcessStartToOpen times
// it. Then it reads 1,000 rows by primary key from every reader at once and
// reports its resident memory.
func childOpen() {
	ctx := context.Background()
	db, err := Open(ctx, os.Getenv(envDir), testMigrations)
	if err != nil {
		childFail(err)
	}
	os.Stdout.WriteString("ready\n")
	var wg sync.WaitGroup
	for g := range db.readerN {
		wg.Go(func() {
			for i := range 1000 {
				db.Read(ctx, func(q *Tx) error {
					return q.QueryRow("SELECT note FROM acks WHERE id = ?", (i*db.readerN+g)%10_000+1).Scan(new(string))
				})
			}
		})
	}
	wg.Wait()
	status, _ := os.ReadFile("/proc/self/status")
	for line := range strings.SplitSeq(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			os.Stdout.WriteString(strings.Join(strings.Fields(line)[1:2], "") + "\n")
		}
	}
	os.Exit(0)
}

// runKilled starts a child in mode, kills it with SIGKILL once it has
// acknowledged killAfter ids, and returns every id it acknowledged.
func runKilled(t *testing.T, mode, dir string, base int64, killAfter int) []int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"="+mode, envDir+"="+dir, envBase+"="+strconv.FormatInt(base, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []int64
	sc := bufio.NewScanner(stdout)
	killed := false
	for sc.Scan() {
		id, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			t.Fatalf("child printed %q", sc.Text())
		}
		acked = append(acked, id)
		if len(acked) == killAfter && !killed {
			// Kill while it keeps writing; lines already in the pipe
			// were acknowledged before death and are still read below.
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("child ended before being killed: %v\n%s", err, stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("child did not die by signal: %v\n%s", err, stderr.String())
	}
	return acked
}

func integrityOK(t *testing.T, db *DB) {
	t.Helper()
	var res string
	if err := db.Read(context.Background(), func(q *Tx) error {
		return q.QueryRow("PRAGMA integrity_check").Scan(&res)
	}); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
}

func TestDurabilityKill9Writes(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	for round, killAfter := range []int{1, 150, 400} {
		base := int64(round+1) * 1_000_000
		acked := runKilled(t, "writes", dir, base, killAfter)

		db, err := Open(context.Background(), dir, testMigrations)
		if err != nil {
			t.Fatalf("round %d: reopen after kill -9: %v", round, err)
		}
		integrityOK(t, db)
		present := map[int64]string{}
		err = db.Read(context.Background(), func(q *Tx) error {
			rows, err := q.Query("SELECT id, note FROM acks WHERE id > ? AND id < ?", base, base+1_000_000)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var note string
				if err := rows.Scan(&id, &note); err != nil {
					return err
				}
				present[id] = note
			}
			return rows.Err()
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		lost := 0
		for _, id := range acked {
			if present[id] != "ack-"+strconv.FormatInt(id, 10) {
				lost++
				if lost < 10 {
					t.Errorf("round %d: acknowledged id %d missing after kill -9", round, id)
				}
			}
		}
		if lost > 0 {
			t.Fatalf("round %d: %d of %d acknowledged writes lost", round, lost, len(acked))
		}
		t.Logf("round %d: killed after %d acks; %d acknowledged, %d rows present", round, killAfter, len(acked), len(present))
	}
}

func TestDurabilityKill9Blobs(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	for round, killAfter := range []int{1, 60, 200} {
		base := int64(round+1) * 1_000_000
		acked := runKilled(t, "blobs", dir, base, killAfter)

		db, err := Open(context.Background(), dir, testMigrations)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		integrityOK(t, db)
		rowsSHA := map[int64]string{}
		if err := db.Read(context.Background(), func(q *Tx) error {
			rows, err := q.Query("SELECT id, note FROM acks WHERE id > ? AND id < ?", base, base+1_000_000)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var sha string
				if err := rows.Scan(&id, &sha); err != nil {
					return err
				}
				rowsSHA[id] = sha
			}
			return rows.Err()
		}); err != nil {
			t.Fatal(err)
		}
		checkBlob := func(id int64, wantSHA string) {
			f, err := db.Blobs().Open(blobName(id))
			if err != nil {
				t.Errorf("round %d: blob %d: %v", round, id, err)
				return
			}
			got, err := io.ReadAll(f)
			f.Close()
			want := blobContent(id)
			sum := sha256.Sum256(got)
			if err != nil || !bytes.Equal(got, want) || hex.EncodeToString(sum[:]) != wantSHA {
				t.Errorf("round %d: blob %d: %d bytes (want %d), sha %x (row says %s), err %v",
					round, id, len(got), len(want), sum, wantSHA, err)
			}
		}
		for _, id := range acked {
			sha, ok := rowsSHA[id]
			if !ok {
				t.Errorf("round %d: acknowledged row %d missing", round, id)
				continue
			}
			checkBlob(id, sha)
		}
		// Rows written but not yet acknowledged must still find their blob:
		// Put completes before the row is written.
		for id, sha := range rowsSHA {
			checkBlob(id, sha)
		}
		n, err := db.Blobs().RemoveStaleTemp()
		if err != nil {
			t.Fatal(err)
		}
		filepath.WalkDir(filepath.Join(dir, "blobs"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), tempPrefix) {
				t.Errorf("temp file left after RemoveStaleTemp: %s", p)
			}
			return nil
		})
		db.Close()
		if t.Failed() {
			t.FailNow()
		}
		t.Logf("round %d: killed after %d acks; %d acknowledged, %d rows, %d stale temp files removed",
			round, killAfter, len(acked), len(rowsSHA), n)
	}
}

// childSynced writes syncedWrites rows from 8 goroutines, printing "b ID"
// before each Write and "a ID" once it returned nil, each line with one
// write(2) to stdout, then exits.
func childSynced() {
	db, err := Open(context.Background(), os.Getenv(envDir), testMigrations)
	if err != nil {
		childFail(err)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				id := next.Add(1)
				if id > syncedWrites {
					return
				}
				n := strconv.FormatInt(id, 10)
				os.Stdout.WriteString("b " + n + "\n")
				if err := db.Write(context.Background(), func(tx *Tx) error {
					_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, ?)", id, "synced")
					return err
				}); err != nil {
					childFail(err)
				}
				os.Stdout.WriteString("a " + n + "\n")
			}
		})
	}
	wg.Wait()
	db.Close()
	os.Exit(0)
}

const syncedWrites = 300

var (
	traceLine   = regexp.MustCompile(`^(\d+) +(.*)$`)
	traceStdout = regexp.MustCompile(`^write\(1<[^>]*>, "([ab]) (\d+)\\n"`)
	traceSync   = regexp.MustCompile(`^f(?:data)?sync\(\d+<[^>]*-wal>`)
	traceResume = regexp.MustCompile(`^<\.\.\. f(?:data)?sync resumed>`)
)

// TestEveryAcknowledgedWriteIsSynced watches the system calls of a child
// that writes from 8 goroutines (strace -f) and requires, for every Write
// that returned nil, a sync of the WAL file that started after the Write
// was called and finished before it returned: the durable commit that
// covers it. A store that acknowledged before its commit's sync, or a
// commit that does not sync (synchronous=NORMAL or OFF), fails, which a
// kill -9 test cannot tell because the page cache survives the kill. It
// also shows group commit at work: fewer syncs than writes.
func TestEveryAcknowledgedWriteIsSynced(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed (.ci/run installs it)")
	}
	dir := t.TempDir()
	trace := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-y", "-e", "trace=write,fsync,fdatasync", "-e", "signal=none",
		"-o", trace, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=synced", envDir+"="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child under strace: %v\n%s", err, out)
	}
	f, err := os.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type span struct{ start, end int }
	var syncs []span
	open := map[string]int{} // thread -> line where its sync started
	begin, ack := map[string]int{}, map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for i := 0; sc.Scan(); i++ {
		m := traceLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		tid, call := m[1], m[2]
		switch {
		case traceSync.MatchString(call):
			if strings.HasSuffix(call, "<unfinished ...>") {
				open[tid] = i
			} else {
				syncs = append(syncs, span{i, i})
			}
		case traceResume.MatchString(call):
			if start, ok := open[tid]; ok {
				syncs = append(syncs, span{start, i})
				delete(open, tid)
			}
		default:
			if w := traceStdout.FindStringSubmatch(call); w != nil {
				if w[1] == "b" {
					begin[w[2]] = i
				} else {
					ack[w[2]] = i
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(ack) != syncedWrites {
		t.Fatalf("saw %d acknowledgements in the trace, want %d", len(ack), syncedWrites)
	}
	unsynced := 0
	for id, a := range ack {
		b, ok := begin[id]
		covered := false
		for _, s := range syncs {
			if ok && s.start > b && s.end < a {
				covered = true
				break
			}
		}
		if !covered {
			unsynced++
			if unsynced <= 5 {
				t.Errorf("write %s was acknowledged (trace line %d) without a sync of the WAL since it began (line %d)", id, a, b)
			}
		}
	}
	if unsynced > 0 {
		t.Fatalf("%d of %d acknowledged writes had no WAL sync covering them (%d WAL syncs in all)", unsynced, len(ack), len(syncs))
	}
	t.Logf("%d acknowledged writes, %d WAL syncs", len(ack), len(syncs))
}
