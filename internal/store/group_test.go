package store

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Writes queued behind a commit in flight share the next transaction; a
// fn that fails or panics is undone alone, the others are committed, and
// every caller gets its own outcome.
func TestGroupCommitIsolatesEachWrite(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	var groups []int // the size of each committed group
	var hookMu sync.Mutex
	db.commitHook = func(g []*write) {
		hookMu.Lock()
		defer hookMu.Unlock()
		groups = append(groups, len(g))
	}
	ctx := context.Background()
	hold, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- db.Write(ctx, func(tx *Tx) error {
			close(hold)
			<-release
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (0, 'holder')")
			return err
		})
	}()
	<-hold

	boom := errors.New("boom")
	const n = 12
	results := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			results[i] = db.Write(ctx, func(tx *Tx) error {
				if _, err := tx.Exec("INSERT INTO acks (id, note) VALUES (?, ?)", i+1, "w"+strconv.Itoa(i)); err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return boom
				case 2:
					if i == 2 {
						panic("fn panics")
					}
					// A constraint error inside the group: the holder's id 0 exists.
					_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (0, 'dup')")
					return err
				}
				return nil
			})
		})
	}
	// Let all twelve queue behind the holder, then let it commit.
	deadline := time.Now().Add(5 * time.Second)
	for {
		db.wmu.Lock()
		queued := len(db.queue)
		db.wmu.Unlock()
		if queued == n || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if err := <-holder; err != nil {
		t.Fatal(err)
	}

	want := map[int]bool{0: true}
	for i := range n {
		switch {
		case i == 2:
			if panics[i] != "fn panics" {
				t.Errorf("write %d: panic %v, want it re-raised in its caller", i, panics[i])
			}
		case i%4 == 1:
			if results[i] != boom {
				t.Errorf("write %d: %v, want fn's error unchanged", i, results[i])
			}
		case i%4 == 2:
			if results[i] == nil {
				t.Errorf("write %d: nil, want the constraint error", i)
			}
		default:
			if results[i] != nil || panics[i] != nil {
				t.Errorf("write %d: %v %v, want committed", i, results[i], panics[i])
			}
			want[i+1] = true
		}
	}
	got := map[int]bool{}
	if err := db.Read(ctx, func(q *Tx) error {
		rows, err := q.Query("SELECT id FROM acks")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return err
			}
			got[id] = true
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	for id := range want {
		if !got[id] {
			t.Errorf("committed write %d is missing", id)
		}
	}
	hookMu.Lock()
	defer hookMu.Unlock()
	if len(groups) != 2 || groups[0] != 1 || groups[1] != n {
		t.Errorf("groups committed: %v, want the holder alone, then all %d queued writes in one", groups, n)
	}
}

// A write cancelled while queued is withdrawn and never runs, even when
// the writes around it are grouped.
func TestGroupCommitWithdrawsCancelledWrite(t *testing.T) {
	db := openTest(t, t.TempDir(), testMigrations)
	ctx := context.Background()
	hold, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 2)
	go func() {
		done <- db.Write(ctx, func(tx *Tx) error { close(hold); <-release; return nil })
	}()
	<-hold
	cctx, cancel := context.WithCancel(ctx)
	ran := make(chan struct{}, 1)
	cancelled := make(chan error, 1)
	go func() {
		cancelled <- db.Write(cctx, func(tx *Tx) error { ran <- struct{}{}; return nil })
	}()
	go func() {
		done <- db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Exec("INSERT INTO acks (id, note) VALUES (1, 'after')")
			return err
		})
	}()
	for {
		db.wmu.Lock()
		q := len(db.queue)
		db.wmu.Unlock()
		if q == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled write: %v", err)
	}
	close(release)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-ran:
		t.Fatal("the withdrawn write ran")
	default:
	}
}
