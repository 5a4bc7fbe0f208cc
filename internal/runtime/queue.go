package runtime

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/store"
)

// Migrations are the runtime's tables: the Event queue.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "runtime", Version: 1, SQL: `
CREATE TABLE runtime_events (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	request_id     TEXT    NOT NULL,
	function_arn   TEXT    NOT NULL,
	spec           TEXT    NOT NULL,
	payload        BLOB    NOT NULL,
	client_context TEXT    NOT NULL DEFAULT '',
	attempts       INTEGER NOT NULL DEFAULT 0,
	throttles      INTEGER NOT NULL DEFAULT 0,
	not_before     INTEGER NOT NULL,
	created        INTEGER NOT NULL
);
CREATE INDEX runtime_events_due ON runtime_events (not_before);
`}}
}

// QueueOptions tune the Event queue. Zero values are AWS's behaviour.
type QueueOptions struct {
	// RetryDelays are the waits before the retries of an event whose
	// invocation failed (a function error, a timeout, a crash). AWS retries
	// twice, after one minute and then after two.
	RetryDelays []time.Duration
	// ThrottleBase and ThrottleMax bound the back-off for events that were
	// throttled or hit a system error: AWS starts at one second, doubles,
	// and waits at most five minutes.
	ThrottleBase, ThrottleMax time.Duration
	// MaxEventAge is how long an event is kept trying; AWS's default is six
	// hours.
	MaxEventAge time.Duration
	// Workers bounds the Event invocations run at once; 0 is 16.
	Workers int
	// Done, if set, is called when an event leaves the queue: "success",
	// "failed" (function errors on every attempt), "expired" (throttled or
	// failing past MaxEventAge), "throttled" (the function reserves no
	// concurrency and the event has a failure destination) or "dropped"
	// (its code is gone).
	Done func(requestID, outcome string, attempts int)
	// Settled, if set, is called with each event that leaves the queue
	// having been tried ("success", "failed", "expired"), so that its
	// record goes to the spec's destinations; res is nil when the event
	// never ran. It must not block for long: it runs on a queue worker.
	Settled func(spec *lambda.FunctionSpec, requestID string, payload []byte, outcome string, attempts int, res *lambda.InvokeResult)
}

// queue runs Event invocations from the store: each accepted event is
// written (and synced) before Invoke answers 202, so it survives a
// restart, and it leaves the store only when it has succeeded, failed its
// retries or expired. Delivery is at least once: an event running when
// seki stops runs again after the restart (AWS, too, may deliver twice).
type queue struct {
	rt *Runtime
	db *store.DB
	o  QueueOptions

	wake chan struct{}
	stop chan struct{}
	done chan struct{}
	sem  chan struct{}

	ctx    context.Context // in-flight invocations; cancelled by close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[int64]bool
}

func newQueue(rt *Runtime, db *store.DB, o QueueOptions) *queue {
	if o.RetryDelays == nil {
		o.RetryDelays = []time.Duration{time.Minute, 2 * time.Minute}
	}
	if o.ThrottleBase <= 0 {
		o.ThrottleBase = time.Second
	}
	if o.ThrottleMax <= 0 {
		o.ThrottleMax = 5 * time.Minute
	}
	if o.MaxEventAge <= 0 {
		o.MaxEventAge = 6 * time.Hour
	}
	if o.Workers <= 0 {
		o.Workers = 16
	}
	q := &queue{
		rt: rt, db: db, o: o,
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		sem:     make(chan struct{}, o.Workers),
		running: map[int64]bool{},
	}
	q.ctx, q.cancel = context.WithCancel(context.Background())
	return q
}

// currentFunc is lambda.Refresher's argument: the spec a queued event's
// function has now.
type currentFunc = func(ctx context.Context, queued *lambda.FunctionSpec) (*lambda.FunctionSpec, error)

// UseCurrent makes the Event queue run each event with the spec current
// returns as the event is taken (lambda.Refresher).
func (r *Runtime) UseCurrent(current func(ctx context.Context, queued *lambda.FunctionSpec) (*lambda.FunctionSpec, error)) {
	f := currentFunc(current)
	r.current.Store(&f)
}

// start runs the queue's loop; close stops it.
func (q *queue) start() { go q.loop() }

// enqueue stores an event durably. Its ClientContext is dropped: Lambda
// passes it to synchronous invocations only.
func (q *queue) enqueue(ctx context.Context, spec *lambda.FunctionSpec, req *lambda.InvokeRequest) error {
	js, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	now := q.rt.now().UnixMilli()
	err = q.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO runtime_events (request_id, function_arn, spec, payload, client_context, not_before, created)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, req.RequestID, spec.FunctionARN, string(js), req.Payload, "", now, now)
		return err
	})
	if err != nil {
		return err
	}
	q.kick()
	return nil
}

func (q *queue) kick() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Pending is the number of events waiting or running.
func (r *Runtime) Pending(ctx context.Context) (int, error) {
	if r.queue == nil {
		return 0, nil
	}
	var n int
	err := r.queue.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM runtime_events`).Scan(&n)
	})
	return n, err
}

// loop starts due events and sleeps until the next is due or one arrives.
// It ends when close is called.
func (q *queue) loop() {
	defer close(q.done)
	for {
		next := q.dispatch()
		var timer *time.Timer
		var due <-chan time.Time
		if next > 0 {
			timer = time.NewTimer(next)
			due = timer.C
		}
		select {
		case <-q.stop:
			if timer != nil {
				timer.Stop()
			}
			return
		case <-q.wake:
		case <-due:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

type event struct {
	id            int64
	requestID     string
	spec          string
	payload       []byte
	clientContext string
	attempts      int
	throttles     int
	created       int64
}

// dispatch starts the due events that free workers can take and returns
// how long until the next event is due (0 when there is none or the store
// failed; a new event or a finished worker wakes the loop anyway).
func (q *queue) dispatch() time.Duration {
	if q.rt.endpointURL() == "" {
		return 0 // no endpoint: nothing may run
	}
	now := q.rt.now().UnixMilli()
	// mu is held from before the read until every due event is claimed: a
	// worker records an event's outcome in the store before it leaves
	// running (under mu), so an event read here is either still running or
	// read after its outcome was stored. Read outside mu, a row read just
	// before a worker stored its outcome was started again once the worker
	// left running: the event ran once more than its attempts said.
	q.mu.Lock()
	defer q.mu.Unlock()
	nrunning := len(q.running)
	var due []event
	var next sql.NullInt64
	err := q.db.Read(q.ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT id, request_id, spec, payload, client_context, attempts, throttles, created
			FROM runtime_events WHERE not_before <= ? ORDER BY not_before, id LIMIT ?`, now, q.o.Workers+nrunning)
		if err != nil {
			return err
		}
		for rows.Next() {
			var ev event
			if err := rows.Scan(&ev.id, &ev.requestID, &ev.spec, &ev.payload, &ev.clientContext, &ev.attempts, &ev.throttles, &ev.created); err != nil {
				rows.Close()
				return err
			}
			due = append(due, ev)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT MIN(not_before) FROM runtime_events WHERE not_before > ?`, now).Scan(&next)
	})
	if err != nil {
		if q.ctx.Err() == nil {
			return time.Second
		}
		return 0
	}
	for _, ev := range due {
		if q.running[ev.id] {
			continue
		}
		select {
		case q.sem <- struct{}{}:
		default:
			return q.untilNext(next, now)
		}
		q.running[ev.id] = true
		q.wg.Add(1)
		go q.process(ev)
	}
	return q.untilNext(next, now)
}

func (q *queue) untilNext(next sql.NullInt64, now int64) time.Duration {
	if !next.Valid {
		return 0
	}
	return max(time.Duration(next.Int64-now)*time.Millisecond, time.Millisecond)
}

// process runs one event and records what happens next to it.
func (q *queue) process(ev event) {
	defer func() {
		q.mu.Lock()
		delete(q.running, ev.id)
		q.mu.Unlock()
		<-q.sem
		q.wg.Done()
		q.kick()
	}()
	var spec lambda.FunctionSpec
	if err := json.Unmarshal([]byte(ev.spec), &spec); err != nil {
		q.finish(ev, "dropped")
		return
	}
	// The event runs the function as it is configured now, as AWS's queue
	// does; if Lambda cannot say (the function is gone), the stored spec
	// runs, or is dropped with its code.
	if cur := q.rt.current.Load(); cur != nil {
		if now, err := (*cur)(q.ctx, &spec); err == nil && now != nil {
			spec = *now
		}
	}
	req := &lambda.InvokeRequest{
		RequestID: ev.requestID, Payload: ev.payload, InvocationType: "RequestResponse",
		LogType: "None", ClientContext: ev.clientContext,
	}
	// The invoked qualifier's event invoke config, when it has one, lowers
	// the retries and the age an event is kept trying.
	retries, maxAge := len(q.o.RetryDelays), q.o.MaxEventAge
	if n := spec.MaxRetryAttempts; n != nil && int(*n) < retries {
		retries = int(*n)
	}
	if n := spec.MaxEventAgeSeconds; n != nil && time.Duration(*n)*time.Second < maxAge {
		maxAge = time.Duration(*n) * time.Second
	}
	if rc := spec.ReservedConcurrency; rc != nil && *rc == 0 && spec.OnFailure != "" {
		// A function that reserves no concurrency can never run the event:
		// AWS sends it to the failure destination at once (condition
		// ZeroReservedConcurrency). Without one, it waits here, throttled,
		// until the reservation changes or the event expires.
		q.finish(ev, "throttled")
		q.settle(&spec, ev, "throttled", nil)
		return
	}
	if spec.MaxEventAgeSeconds != nil && q.rt.now().Sub(time.UnixMilli(ev.created)) >= maxAge {
		// Too old to run at all.
		q.finish(ev, "expired")
		q.settle(&spec, ev, "expired", nil)
		return
	}
	res, err := q.rt.invoke(q.ctx, &spec, req, true)
	if q.ctx.Err() != nil {
		// seki is stopping: the event stays queued for the next start.
		return
	}
	now := q.rt.now()
	expired := now.Sub(time.UnixMilli(ev.created)) >= maxAge
	switch {
	case err != nil && permanent(err):
		q.finish(ev, "dropped")
	case err != nil:
		// Throttled or a system error: back off exponentially.
		if expired {
			q.finish(ev, "expired")
			q.settle(&spec, ev, "expired", nil)
			return
		}
		delay := q.o.ThrottleBase << min(ev.throttles, 20)
		delay = min(delay, q.o.ThrottleMax)
		q.reschedule(ev.id, ev.attempts, ev.throttles+1, now.Add(delay))
	case res.FunctionError != "":
		attempts := ev.attempts + 1
		if attempts > retries {
			q.finish(ev, "failed")
			q.settle(&spec, ev, "failed", res)
			return
		}
		if expired {
			q.finish(ev, "expired")
			q.settle(&spec, ev, "expired", res)
			return
		}
		q.reschedule(ev.id, attempts, ev.throttles, now.Add(q.o.RetryDelays[attempts-1]))
	default:
		q.finish(ev, "success")
		q.settle(&spec, ev, "success", res)
	}
}

// settle hands an event that left the queue to QueueOptions.Settled.
func (q *queue) settle(spec *lambda.FunctionSpec, ev event, outcome string, res *lambda.InvokeResult) {
	if q.o.Settled == nil {
		return
	}
	attempts := ev.attempts
	if res != nil {
		attempts++
	}
	q.o.Settled(spec, ev.requestID, ev.payload, outcome, attempts, res)
}

// permanent reports errors no retry can fix: the code is gone or invalid.
func permanent(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errInvalidZip.Is(err)
}

func (q *queue) reschedule(id int64, attempts, throttles int, at time.Time) {
	q.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE runtime_events SET attempts=?, throttles=?, not_before=? WHERE id=?`, attempts, throttles, at.UnixMilli(), id)
		return err
	})
}

func (q *queue) finish(ev event, outcome string) {
	q.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`DELETE FROM runtime_events WHERE id=?`, ev.id)
		return err
	})
	if q.o.Done != nil {
		attempts := ev.attempts
		if outcome != "dropped" && outcome != "expired" && outcome != "throttled" {
			attempts++
		}
		q.o.Done(ev.requestID, outcome, attempts)
	}
}

// close stops taking events and cancels those running; they stay queued.
func (q *queue) close() {
	close(q.stop)
	<-q.done
	q.cancel()
	q.wg.Wait()
}
