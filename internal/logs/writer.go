package logs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seki-dev/seki/internal/store"
)

// Function logs are written behind: Deliver authorizes a batch at once (so
// a denial is reported and recorded with the invocation), then queues its
// events, and one goroutine commits everything queued in one store
// transaction per flush interval. Every commit is an fsync that holds the
// store's single writer, so one commit per interval, whatever the number of
// functions and invocations, keeps logging from crowding out the API's own
// writes.

const (
	// defaultFlushInterval is how long queued events wait for company.
	defaultFlushInterval = 25 * time.Millisecond
	// maxPendingBytes bounds the queue; past it Deliver waits for a flush,
	// which pushes back on the runtime (whose own queue drops batches
	// rather than slow invocations).
	maxPendingBytes = 16 << 20
)

// errClosed is returned by Deliver after Close.
var errClosed = errors.New("logs: service is closed")

type pendingBatch struct {
	group  groupRef
	stream string
	events []event
	now    int64
}

// writer owns the flush goroutine. It starts with the service's Start and
// ends with Stop; batches delivered before Start wait for it.
type writer struct {
	s        *Service
	interval time.Duration

	mu        sync.Mutex
	cond      *sync.Cond
	pending   []pendingBatch
	bytes     int
	queued    uint64 // batches ever queued
	committed uint64 // batches handled by a finished flush
	started   bool
	closed    bool

	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	dropped atomic.Int64
}

func newWriter(s *Service, interval time.Duration) *writer {
	if interval <= 0 {
		interval = defaultFlushInterval
	}
	w := &writer{s: s, interval: interval, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	return w
}

// enqueue queues a batch for the next flush.
func (w *writer) enqueue(b pendingBatch) error {
	size := 0
	for _, e := range b.events {
		size += len(e.msg) + eventOverhead
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errClosed
	}
	for w.bytes > 0 && w.bytes+size > maxPendingBytes && !w.closed {
		w.signal()
		w.cond.Wait()
	}
	if w.closed {
		return errClosed
	}
	w.pending = append(w.pending, b)
	w.bytes += size
	w.queued++
	w.signal()
	return nil
}

func (w *writer) signal() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// flush waits until every batch queued before the call is stored (or
// dropped because its stream is gone).
func (w *writer) flush(ctx context.Context) error {
	w.mu.Lock()
	target := w.queued
	if w.committed >= target {
		w.mu.Unlock()
		return nil
	}
	w.signal()
	w.mu.Unlock()
	// sync.Cond cannot watch ctx; a helper goroutine wakes the waiter when
	// ctx ends, and is itself released when the wait does.
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.cond.Broadcast()
		w.mu.Unlock()
	})
	defer stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.committed < target {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.cond.Wait()
	}
	return nil
}

// close stores what is queued and stops the goroutine.
// start runs the flush goroutine.
func (w *writer) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started || w.closed {
		return
	}
	w.started = true
	go w.loop()
	if len(w.pending) > 0 {
		w.signal()
	}
}

func (w *writer) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	started := w.started
	w.cond.Broadcast()
	w.mu.Unlock()
	if started {
		close(w.stop)
		<-w.done
	}
}

func (w *writer) loop() {
	defer close(w.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		stopping := false
		select {
		case <-w.kick:
			// Let more batches arrive before committing.
			timer.Reset(w.interval)
			select {
			case <-timer.C:
			case <-w.stop:
				timer.Stop()
				stopping = true
			}
		case <-w.stop:
			stopping = true
		}
		w.mu.Lock()
		batch, upto := w.pending, w.queued
		w.pending, w.bytes = nil, 0
		w.cond.Broadcast() // room again for waiting enqueuers
		w.mu.Unlock()
		w.commit(batch)
		w.mu.Lock()
		w.committed = upto
		w.cond.Broadcast()
		w.mu.Unlock()
		if stopping {
			return
		}
	}
}

// commit writes batches in one transaction. A batch whose group or stream
// has been deleted since it was authorized is dropped; if the transaction
// fails as a whole, each batch is retried alone so that one bad batch
// cannot take the others with it.
func (w *writer) commit(batches []pendingBatch) {
	if len(batches) == 0 {
		return
	}
	ctx := context.Background()
	err := w.s.db.Write(ctx, func(tx *store.Tx) error {
		for i := range batches {
			if err := w.s.appendBatch(tx, &batches[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(batches) == 1 {
		if err != nil {
			w.dropped.Add(int64(len(batches[0].events)))
		}
		return
	}
	for i := range batches {
		b := &batches[i]
		if err := w.s.db.Write(ctx, func(tx *store.Tx) error { return w.s.appendBatch(tx, b) }); err != nil {
			w.dropped.Add(int64(len(b.events)))
		}
	}
}

// appendBatch writes one queued batch; a missing group or stream drops it.
func (s *Service) appendBatch(tx *store.Tx, b *pendingBatch) error {
	gid, sid, _, err := lookupPair(tx, b.group, b.stream)
	if errNotFound.Is(err) {
		s.w.dropped.Add(int64(len(b.events)))
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.appendEvents(tx, gid, sid, b.events, b.now)
	return err
}

// Flush waits until every function-log batch Deliver has accepted so far
// is stored. Tests and shutdown use it; Deliver never waits for it.
func (s *Service) Flush(ctx context.Context) error { return s.w.flush(ctx) }

// Start starts the writer that stores delivered function logs.
func (s *Service) Start(ctx context.Context) error {
	s.w.start()
	return nil
}

// Stop stores the function logs still queued and stops the writer.
// Deliver fails afterwards; the API keeps working until the store closes.
func (s *Service) Stop(ctx context.Context) error {
	s.w.close()
	return nil
}
