package runtime

import (
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/sandbox"
)

// spares keeps one sandbox ready for the next cold start (see
// sandbox.Spare): its init has made the namespaces and the shared part of
// the root, and sits in a memory cgroup of its own, before any function
// asks, as Lambda keeps capacity warm. A cold start that takes it sets the
// cgroup's limit, binds the function's directories and starts the runtime:
// no re-executed seki, no system binds, and no move between cgroups (with
// cgroup v1 a move waits for an RCU grace period, 5–18 ms measured here).
// A spare serves any function. One is made when Lambda receives code (a
// first invoke usually follows) and again after a cold start has taken the
// last one; one unused for the idle timeout is ended, so an idle seki
// holds none.
type spares struct {
	rt *Runtime // its cgroups, read when a spare is made

	mu      sync.Mutex
	ready   *spare
	madeAt  time.Time
	filling bool
	closed  bool
	quit    chan struct{} // closed by close
	wg      sync.WaitGroup
}

// spare is a ready sandbox and its cgroup (nil without memory limits).
type spare struct {
	sb *sandbox.Spare
	cg *cgroup
}

// newSpares is nil where there is no sandbox: then there is nothing to
// prepare, and every method does nothing.
func newSpares(sandboxed bool, rt *Runtime) *spares {
	if !sandboxed {
		return nil
	}
	return &spares{rt: rt, quit: make(chan struct{})}
}

// take returns the ready spare, or nil (none yet, or no sandbox).
func (s *spares) take() *spare {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.ready
	s.ready = nil
	return sp
}

// fill makes a spare in the background, after wait (when not nil) is
// closed, unless one is ready or being made.
func (s *spares) fill(wait <-chan struct{}) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.closed || s.ready != nil || s.filling {
		s.mu.Unlock()
		return
	}
	s.filling = true
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		if wait != nil {
			// The cold start that took the last spare goes first: on a
			// small machine the next spare would compete with it.
			select {
			case <-wait:
			case <-time.After(time.Second):
			case <-s.quit:
			}
		}
		sp := s.make()
		s.mu.Lock()
		s.filling = false
		if sp == nil || s.closed || s.ready != nil {
			s.mu.Unlock()
			if sp != nil {
				sp.close()
			}
			return
		}
		s.ready, s.madeAt = sp, time.Now()
		s.mu.Unlock()
	}()
}

// make starts a spare sandbox inside a new cgroup; nil if it cannot.
func (s *spares) make() *spare {
	select {
	case <-s.quit:
		return nil
	default:
	}
	cg := s.rt.cgroups.create("spare-"+randomHex(8), 0)
	sb, err := sandbox.NewSpare(cg.fd())
	if err != nil && cg.fd() >= 0 {
		cg.startedOutside()
		sb, err = sandbox.NewSpare(-1)
	}
	if err != nil {
		cg.remove()
		return nil
	}
	cg.adopt(sb.Pid())
	return &spare{sb: sb, cg: cg}
}

// close ends an unused spare and removes its cgroup.
func (sp *spare) close() {
	sp.sb.Close()
	sp.cg.remove()
}

// expire ends a spare unused for idle.
func (s *spares) expire(idle time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	var sp *spare
	if s.ready != nil && time.Since(s.madeAt) >= idle {
		sp, s.ready = s.ready, nil
	}
	s.mu.Unlock()
	if sp != nil {
		sp.close()
	}
}

// close ends the spare and refuses new ones.
func (s *spares) close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	if !s.closed {
		close(s.quit)
	}
	s.closed = true
	sp := s.ready
	s.ready = nil
	s.mu.Unlock()
	s.wg.Wait()
	if sp != nil {
		sp.close()
	}
}
