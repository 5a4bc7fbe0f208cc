package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
)

// maxCachedStmts bounds each connection's statement cache. Services use
// constant SQL text with placeholders, which stays far below this; SQL built
// at run time (say, an IN list of varying length) past the bound is still
// run, just prepared afresh each time instead of growing the cache forever.
const maxCachedStmts = 512

// conn is one SQLite connection held for the life of the DB, with its
// prepared statements cached by SQL text. A conn is used by one goroutine
// at a time (the writer semaphore or the reader pool guarantees it), so the
// cache needs no lock.
type conn struct {
	sc    *sql.Conn
	stmts map[string]*sql.Stmt
	// begin is BEGIN IMMEDIATE on the writer (take the write lock up front,
	// so no statement can fail later on lock upgrade) and BEGIN on readers.
	begin, commit, rollback *sql.Stmt
	// savepoint, release and rollbackTo (the writer's only) fence each fn
	// of a group commit.
	savepoint, release, rollbackTo *sql.Stmt
	// rows is the reused backing array for the open *sql.Rows of the
	// current transaction, which are closed before it ends.
	rows []*sql.Rows
	// broken marks a connection whose transaction state is unknown after a
	// failed rollback; it is closed instead of reused.
	broken bool
}

func newConn(ctx context.Context, sdb *sql.DB, write bool) (*conn, error) {
	sc, err := sdb.Conn(ctx)
	if err != nil {
		return nil, err
	}
	c := &conn{sc: sc, stmts: make(map[string]*sql.Stmt)}
	begin := "BEGIN"
	if write {
		begin = "BEGIN IMMEDIATE"
	}
	stmts := []struct {
		s **sql.Stmt
		q string
	}{{&c.begin, begin}, {&c.commit, "COMMIT"}, {&c.rollback, "ROLLBACK"}}
	if write {
		stmts = append(stmts, []struct {
			s **sql.Stmt
			q string
		}{{&c.savepoint, "SAVEPOINT w"}, {&c.release, "RELEASE w"}, {&c.rollbackTo, "ROLLBACK TO w"}}...)
	}
	for _, p := range stmts {
		if *p.s, err = sc.PrepareContext(ctx, p.q); err != nil {
			c.close()
			return nil, err
		}
	}
	return c, nil
}

// stmt returns the cached statement for query, preparing it on first use.
// It returns nil, nil when the cache is full: the caller then runs query
// unprepared through the connection.
func (c *conn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		return nil, nil
	}
	s, err := c.sc.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = s
	return s, nil
}

func (c *conn) close() {
	for _, s := range c.stmts {
		s.Close()
	}
	clear(c.stmts)
	for _, s := range []*sql.Stmt{c.begin, c.commit, c.rollback, c.savepoint, c.release, c.rollbackTo} {
		if s != nil {
			s.Close()
		}
	}
	if c.broken {
		// Tell database/sql to discard the driver connection rather than
		// pool it; closing it makes SQLite roll back whatever is open.
		_ = c.sc.Raw(func(any) error { return driver.ErrBadConn })
	}
	c.sc.Close()
}

// run executes fn inside one transaction on c: BEGIN, fn, COMMIT, or
// ROLLBACK if fn fails or panics.
func (c *conn) run(ctx context.Context, write bool, fn func(*Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	// The transaction control statements run without ctx's cancellation:
	// they are short, and a COMMIT cut off by a cancelled request must not
	// leave the outcome of an acknowledged fn in doubt.
	bg := context.WithoutCancel(ctx)
	if _, err := c.begin.ExecContext(bg); err != nil {
		// Nothing in this process can hold the lock BEGIN wants, so the
		// connection itself is suspect: replace it rather than retry it.
		c.broken = true
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{c: c, ctx: ctx, bg: bg, write: write, rows: c.rows[:0]}
	committed := false
	defer func() {
		tx.finish()
		if !committed {
			c.abort(bg)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	// Statements still stepping would make COMMIT fail; close what fn left
	// open, as database/sql's Tx does.
	tx.closeRows()
	if _, err := c.commit.ExecContext(bg); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	return nil
}

// runGroup runs the fns of group in one write transaction on c and commits
// it: one sync of the WAL for all of them. With more than one fn, each runs
// inside a savepoint, so that a fn that fails (or panics) is undone alone.
// Each write's err (or panicked) is set; a write whose fn succeeded gets
// the commit's error, or the error that undid the whole transaction.
func (c *conn) runGroup(group []*write) {
	bg := context.Background() // control statements are not cancelled
	fail := func(err error) {
		for _, w := range group {
			if w.err == nil && w.panicked == nil {
				w.err = err
			}
		}
	}
	if _, err := c.begin.ExecContext(bg); err != nil {
		// Nothing in this process can hold the lock BEGIN wants, so the
		// connection itself is suspect: replace it rather than retry it.
		c.broken = true
		fail(fmt.Errorf("store: begin: %w", err))
		return
	}
	multi := len(group) > 1
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.err = err
			continue
		}
		if multi {
			if _, err := c.savepoint.ExecContext(bg); err != nil {
				c.abort(bg)
				fail(fmt.Errorf("store: savepoint: %w", err))
				return
			}
		}
		c.call(w)
		if w.err == nil && w.panicked == nil {
			if multi {
				if _, err := c.release.ExecContext(bg); err != nil {
					c.abort(bg)
					fail(fmt.Errorf("store: release savepoint: %w", err))
					return
				}
			}
			continue
		}
		if !multi {
			c.abort(bg)
			return
		}
		// Undo this fn alone. If SQLite already rolled the whole
		// transaction back (an interrupted statement, a full disk, an I/O
		// error), the savepoint is gone and so is every fn before this
		// one: they fail too.
		if _, err := c.rollbackTo.ExecContext(bg); err != nil {
			c.abort(bg)
			fail(fmt.Errorf("store: transaction rolled back with a failed write: %w", err))
			return
		}
		if _, err := c.release.ExecContext(bg); err != nil {
			c.abort(bg)
			fail(fmt.Errorf("store: release savepoint: %w", err))
			return
		}
	}
	if _, err := c.commit.ExecContext(bg); err != nil {
		c.abort(bg)
		fail(fmt.Errorf("store: commit: %w", err))
	}
}

// call runs w's fn in a Tx of the open transaction, recording its error or
// panic.
func (c *conn) call(w *write) {
	tx := &Tx{c: c, ctx: w.ctx, bg: context.WithoutCancel(w.ctx), write: true, rows: c.rows[:0]}
	defer func() {
		tx.finish()
		if v := recover(); v != nil {
			w.panicked = &panicValue{v}
		}
	}()
	if w.err = w.fn(tx); w.err == nil {
		// Statements still stepping would make RELEASE or COMMIT fail;
		// close what fn left open, as database/sql's Tx does.
		tx.closeRows()
	}
}

// abort rolls back the open transaction. SQLite may already have rolled
// back on its own (after an interrupt, a full disk, an I/O error), in which
// case ROLLBACK reports that no transaction is active; anything else leaves
// the connection in an unknown state, so it is marked for replacement.
func (c *conn) abort(ctx context.Context) {
	_, err := c.rollback.ExecContext(ctx)
	if err != nil && !strings.Contains(err.Error(), "no transaction is active") {
		c.broken = true
	}
}

// ErrTxDone is returned by Tx methods called after the transaction's
// function has returned.
var ErrTxDone = errors.New("store: transaction has already ended")

// Tx is one transaction, valid only while the function passed to Write or
// Read runs. Its methods take SQL text and arguments like database/sql's;
// each distinct SQL text is prepared once per connection and reused, so
// pass constant SQL with ? placeholders rather than formatting values in.
//
// Cancellation: Exec, Query and QueryRow check the Write/Read context before
// each statement, so a cancelled request stops at the next statement and its
// transaction rolls back; a statement already running completes. That keeps
// the hot path cheap (watching a context while a statement runs costs a
// goroutine per statement in database/sql and the driver). For a statement
// that may run long, such as a large scan, use the ...Context variants,
// which interrupt the statement itself when ctx is done.
//
// A Tx is not safe for concurrent use; run its statements one goroutine at
// a time.
type Tx struct {
	c     *conn
	ctx   context.Context // the Write/Read call's context; scoped to fn
	bg    context.Context // ctx without its cancellation, for statements
	write bool
	done  bool
	rows  []*sql.Rows
}

// Writable reports whether tx came from Write (true) or Read (false).
func (tx *Tx) Writable() bool { return tx.write }

// check reports why no statement may run now.
func (tx *Tx) check() error {
	if tx.done {
		return ErrTxDone
	}
	return tx.ctx.Err()
}

// Exec runs a statement that returns no rows.
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if err := tx.check(); err != nil {
		return nil, err
	}
	return tx.exec(tx.bg, query, args)
}

// ExecContext is Exec, interrupting the statement if ctx is done.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx.done {
		return nil, ErrTxDone
	}
	return tx.exec(ctx, query, args)
}

func (tx *Tx) exec(ctx context.Context, query string, args []any) (sql.Result, error) {
	s, err := tx.c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return tx.c.sc.ExecContext(ctx, query, args...)
	}
	return s.ExecContext(ctx, args...)
}

// Query runs a statement that returns rows. The caller should close the
// rows; any still open are closed when the transaction ends.
func (tx *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	if err := tx.check(); err != nil {
		return nil, err
	}
	return tx.query(tx.bg, query, args)
}

// QueryContext is Query, interrupting the statement (and later calls to
// Next) if ctx is done.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if tx.done {
		return nil, ErrTxDone
	}
	return tx.query(ctx, query, args)
}

func (tx *Tx) query(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	s, err := tx.c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	var rows *sql.Rows
	if s == nil {
		rows, err = tx.c.sc.QueryContext(ctx, query, args...)
	} else {
		rows, err = s.QueryContext(ctx, args...)
	}
	if err != nil {
		return nil, err
	}
	tx.rows = append(tx.rows, rows)
	return rows, nil
}

// QueryRow runs a statement expected to return at most one row. Errors are
// deferred to Row.Scan, which returns sql.ErrNoRows when there is no row.
func (tx *Tx) QueryRow(query string, args ...any) *Row {
	rows, err := tx.Query(query, args...)
	return &Row{rows: rows, err: err}
}

// QueryRowContext is QueryRow, interrupting the statement if ctx is done.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *Row {
	rows, err := tx.QueryContext(ctx, query, args...)
	return &Row{rows: rows, err: err}
}
func (tx *Tx) closeRows() {
	for i, r := range tx.rows {
		r.Close()
		tx.rows[i] = nil
	}
	tx.rows = tx.rows[:0]
}

func (tx *Tx) finish() {
	tx.closeRows()
	tx.done = true
	tx.c.rows = tx.rows
	tx.rows = nil
}

// Row is the result of Tx.QueryRow.
type Row struct {
	rows *sql.Rows
	err  error
}

// Scan copies the columns of the first row into dest, like
// database/sql's Row.Scan; it returns sql.ErrNoRows if there is no row.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	for _, d := range dest {
		// The row is gone once Scan returns, so RawBytes would dangle.
		if _, ok := d.(*sql.RawBytes); ok {
			return errors.New("store: sql.RawBytes is not allowed with QueryRow")
		}
	}
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// Err reports the error of running the query, if any, without scanning.
func (r *Row) Err() error { return r.err }
